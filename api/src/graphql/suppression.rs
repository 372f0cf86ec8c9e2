//! Suppression lists (SPEC §2, §4): list, create, delete, add, remove, upload,
//! search and export their entries. Thin resolvers over `workers::suppression`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Upload};
use chrono::{DateTime, Utc};
use domain::suppression::{SuppressionKind as DomainKind, SuppressionSource as DomainSource};
use entity::{suppression_entry, suppression_import, suppression_list};
use workers::page::PageRequest;
use workers::suppression::{
    self, ImportOptions, NewSuppressionList, SuppressionImportMode as Mode,
};

use crate::graphql::accounts::parse_id;
use crate::graphql::error::GraphqlResultExt;
use crate::graphql::imports::{ImportRejection, stored_file};
use crate::graphql::lists::Channel;
use crate::graphql::relay::{CountedConnection, connection, decode_id_cursor, wants_total};
use crate::graphql::{principal, services};

/// What a suppression list holds.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::suppression::SuppressionKind")]
pub enum SuppressionKind {
    /// Phone numbers (stored as E.164).
    Phone,
    /// E-mail addresses (stored lower-case).
    Email,
    /// The customer's client ids.
    ClientId,
}

/// Where an entry came from.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::suppression::SuppressionSource")]
pub enum SuppressionSource {
    /// A file upload.
    Upload,
    /// The API or the web app.
    Api,
    /// An SMS "STOP" reply.
    SmsStop,
    /// An agent recorded the request.
    Agent,
}

/// What an upload does with the list's entries.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "workers::suppression::SuppressionImportMode")]
pub enum SuppressionImportMode {
    /// Add the file's values; listed ones keep theirs.
    Append,
    /// The list becomes exactly the file's values, swapped in at once.
    Replace,
}

/// A suppression list: values that must not be contacted on its channels.
pub struct SuppressionList(pub suppression_list::Model);

#[Object]
impl SuppressionList {
    /// The list's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Its name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What it holds.
    async fn kind(&self) -> SuppressionKind {
        DomainKind::parse(&self.0.kind)
            .unwrap_or(DomainKind::Phone)
            .into()
    }

    /// The channels it applies to.
    async fn channels(&self) -> Vec<Channel> {
        domain::Channel::ALL
            .iter()
            .filter(|channel| suppression::applies_to(&self.0.channels, **channel))
            .map(|channel| (*channel).into())
            .collect()
    }

    /// Applies to every tenant; only ADMIN changes it.
    async fn global(&self) -> bool {
        self.0.tenant_id.is_none()
    }

    /// Free text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// How many entries it holds (expired ones until purged).
    async fn entry_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        suppression::entry_count(services(ctx), self.0.id)
            .await
            .map(|count| count as i64)
            .gql()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it (or its entries, by upload) last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Its entries in the order added; `search` is a value prefix (a phone written any way).
    async fn entries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
        search: Option<String>,
    ) -> async_graphql::Result<CountedConnection<SuppressionEntry>> {
        let principal = principal(ctx)?;
        let after_id = decode_id_cursor(after.as_deref()).gql()?;
        let page = suppression::entries(
            services(ctx),
            principal,
            self.0.id,
            PageRequest::new(Some(first), wants_total(ctx)),
            after_id,
            search.as_deref(),
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after_id.is_some(),
            |entry| entry.id.to_string(),
            SuppressionEntry,
        ))
    }

    /// Its uploads, newest first (at most 20).
    async fn imports(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SuppressionImport>> {
        let principal = principal(ctx)?;
        let uploads = suppression::imports_of_list(services(ctx), principal, self.0.id, 20)
            .await
            .gql()?;
        Ok(uploads.into_iter().map(SuppressionImport).collect())
    }
}

/// One suppressed value.
pub struct SuppressionEntry(pub suppression_entry::Model);

#[Object]
impl SuppressionEntry {
    /// The entry's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The normalised value (E.164, lower-case address, client id).
    async fn value(&self) -> &str {
        &self.0.value
    }

    /// Why it is suppressed.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// Where it came from.
    async fn source(&self) -> SuppressionSource {
        DomainSource::parse(&self.0.source)
            .unwrap_or(DomainSource::Api)
            .into()
    }

    /// After this instant it no longer suppresses.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// When it was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Whether it suppresses now.
    async fn active(&self) -> bool {
        self.0.expires_at.is_none_or(|expires| expires > Utc::now())
    }
}

/// One upload into a suppression list.
pub struct SuppressionImport(pub suppression_import::Model);

#[Object]
impl SuppressionImport {
    /// The upload's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The list.
    async fn list_id(&self) -> ID {
        ID(self.0.list_id.to_string())
    }

    /// `QUEUED`, `RUNNING`, `SUCCEEDED` or `FAILED`.
    async fn status(&self) -> &str {
        &self.0.status
    }

    /// Append or replace.
    async fn mode(&self) -> SuppressionImportMode {
        if self.0.mode == Mode::Replace.as_str() {
            SuppressionImportMode::Replace
        } else {
            SuppressionImportMode::Append
        }
    }

    /// The file's name as uploaded.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }

    /// Rows read (good and bad).
    async fn rows_read(&self) -> i64 {
        self.0.rows_read
    }

    /// Values newly stored.
    async fn added(&self) -> i64 {
        self.0.added
    }

    /// Values the list already held or the file repeated.
    async fn already_present(&self) -> i64 {
        self.0.already_present
    }

    /// Rows refused, each with its line and reason.
    async fn rejected(&self) -> i64 {
        self.0.rejected
    }

    /// Why a failed upload stopped (the list kept its entries).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// When it was asked for.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it ended.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }

    /// The first rejected rows in line order.
    async fn rejections(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: i32,
    ) -> async_graphql::Result<Vec<ImportRejection>> {
        let principal = principal(ctx)?;
        let page = suppression::rejections(
            services(ctx),
            principal,
            self.0.id,
            PageRequest::new(Some(first), false),
            None,
        )
        .await
        .gql()?;
        Ok(page
            .items
            .into_iter()
            .map(|row| ImportRejection {
                line: row.line,
                reason: row.reason,
                raw: row.raw,
            })
            .collect())
    }

    /// A CSV of every rejected row (GET with the bearer token).
    async fn rejections_url(&self) -> String {
        format!("/api/v1/suppression-imports/{}/rejections.csv", self.0.id)
    }
}

/// A new suppression list.
#[derive(InputObject)]
pub struct CreateSuppressionListInput {
    /// Unique within the tenant (or among global lists).
    pub name: String,
    /// What it holds.
    pub kind: SuppressionKind,
    /// The channels it applies to; at least one.
    pub channels: Vec<Channel>,
    /// A global list applies to every tenant (ADMIN only).
    #[graphql(default)]
    pub global: bool,
    /// Free text.
    pub description: Option<String>,
}

/// The result of adding values.
#[derive(SimpleObject)]
pub struct SuppressionAddResult {
    /// Values newly stored.
    pub added: i64,
    /// Values the list already held (or repeated in the request).
    pub already_present: i64,
    /// Values that are not valid for the list's kind, with the reason.
    pub rejected: Vec<RejectedValue>,
}

/// A value that was not added, and why.
#[derive(SimpleObject)]
pub struct RejectedValue {
    /// The value as given.
    pub value: String,
    /// Why it was refused.
    pub reason: String,
}

/// Suppression queries (every role reads).
#[derive(Default)]
pub struct SuppressionQuery;

#[Object]
impl SuppressionQuery {
    /// The tenant's suppression lists and the global ones, by name.
    async fn suppression_lists(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SuppressionList>> {
        let principal = principal(ctx)?;
        let lists = suppression::lists(services(ctx), principal).await.gql()?;
        Ok(lists.into_iter().map(SuppressionList).collect())
    }

    /// One suppression list.
    async fn suppression_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list's id.")] id: ID,
    ) -> async_graphql::Result<SuppressionList> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        suppression::list(services(ctx), principal, id)
            .await
            .map(SuppressionList)
            .gql()
    }

    /// One upload into a suppression list.
    async fn suppression_import(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The upload's id.")] id: ID,
    ) -> async_graphql::Result<SuppressionImport> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        suppression::import_of_list(services(ctx), principal, id)
            .await
            .map(SuppressionImport)
            .gql()
    }
}

/// Suppression mutations (ADMIN, COMPLIANCE_OFFICER, LIST_MANAGER); each is audited.
#[derive(Default)]
pub struct SuppressionMutation;

#[Object]
impl SuppressionMutation {
    /// Creates a suppression list.
    async fn create_suppression_list(
        &self,
        ctx: &Context<'_>,
        input: CreateSuppressionListInput,
    ) -> async_graphql::Result<SuppressionList> {
        let principal = principal(ctx)?;
        let new = NewSuppressionList {
            name: input.name,
            kind: input.kind.into(),
            channels: input.channels.into_iter().map(Into::into).collect(),
            description: input.description,
            global: input.global,
        };
        suppression::create_list(services(ctx), principal, new)
            .await
            .map(SuppressionList)
            .gql()
    }

    /// Deletes a suppression list and its entries.
    async fn delete_suppression_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let principal = principal(ctx)?;
        let list_id = parse_id("id", &id)?;
        suppression::delete_list(services(ctx), principal, list_id)
            .await
            .gql()?;
        Ok(id)
    }

    /// Adds values (normalised for the list's kind); decisions see them at once.
    async fn add_suppression_entries(
        &self,
        ctx: &Context<'_>,
        list_id: ID,
        values: Vec<String>,
        reason: Option<String>,
        expires_at: Option<DateTime<Utc>>,
        #[graphql(desc = "The country of phone numbers written without a country code.")]
        default_country: Option<String>,
    ) -> async_graphql::Result<SuppressionAddResult> {
        let principal = principal(ctx)?;
        let list_id = parse_id("listId", &list_id)?;
        let default_country = default_country
            .map(|country| domain::DefaultCountry::parse("defaultCountry", &country))
            .transpose()
            .map_err(workers::ServiceError::from)
            .gql()?;
        let outcome = suppression::add_entries(
            services(ctx),
            principal,
            list_id,
            &values,
            reason.as_deref(),
            DomainSource::Api,
            expires_at,
            default_country,
        )
        .await
        .gql()?;
        Ok(SuppressionAddResult {
            added: outcome.added as i64,
            already_present: outcome.already_present as i64,
            rejected: outcome
                .rejected
                .into_iter()
                .map(|(value, reason)| RejectedValue { value, reason })
                .collect(),
        })
    }

    /// Removes values (written any way); returns how many were removed.
    async fn remove_suppression_entries(
        &self,
        ctx: &Context<'_>,
        list_id: ID,
        values: Vec<String>,
    ) -> async_graphql::Result<i64> {
        let principal = principal(ctx)?;
        let list_id = parse_id("listId", &list_id)?;
        suppression::remove_entries(services(ctx), principal, list_id, &values, None)
            .await
            .map(|removed| removed as i64)
            .gql()
    }

    /// Uploads a CSV of values (multipart `file`, or a finished chunked upload's
    /// `uploadId`); runs in the background, rejected rows reported with their lines.
    #[allow(clippy::too_many_arguments)]
    async fn import_suppression_entries(
        &self,
        ctx: &Context<'_>,
        list_id: ID,
        file: Option<Upload>,
        upload_id: Option<ID>,
        #[graphql(default_with = "SuppressionImportMode::Append")] mode: SuppressionImportMode,
        reason: Option<String>,
        expires_at: Option<DateTime<Utc>>,
        default_country: Option<String>,
    ) -> async_graphql::Result<SuppressionImport> {
        let principal = principal(ctx)?;
        let list_id = parse_id("listId", &list_id)?;
        // Refuse before storing anything the caller may not write.
        suppression::list(services(ctx), principal, list_id)
            .await
            .gql()?;
        let (file_name, path, bytes) = stored_file(ctx, file, upload_id).await?;
        let options = ImportOptions {
            reason,
            expires_at,
            default_country,
        };
        suppression::start_import(
            services(ctx),
            principal,
            list_id,
            &file_name,
            path,
            bytes,
            mode.into(),
            options,
        )
        .await
        .map(SuppressionImport)
        .gql()
    }

    /// Records the export and returns the CSV's download path (GET with the bearer token).
    async fn export_suppression_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list's id.")] id: ID,
    ) -> async_graphql::Result<String> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        suppression::export(services(ctx), principal, id)
            .await
            .gql()
    }
}
