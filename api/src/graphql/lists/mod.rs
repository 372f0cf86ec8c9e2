//! Contact lists (List Manager): browse, create, change, archive, delete, and
//! their contacts (page, search, edit, delete).

mod contacts;

use async_graphql::{Context, Enum, ID, InputObject, MaybeUndefined, Object};
use chrono::{DateTime, Utc};
use contacts::selects_devices;
pub use contacts::{Contact, Device, DeviceLoader};
use workers::lists;
use workers::page::PageRequest;

use crate::graphql::accounts::parse_id;
use crate::graphql::error::{ApiError, GraphqlResultExt};
use crate::graphql::relay::{
    CountedConnection, connection, decode_cursor, decode_id_cursor, wants_total,
};
use crate::graphql::{principal, services};

/// How a list's contacts are reached.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::Channel")]
pub enum Channel {
    /// Phone calls.
    Voice,
    /// Text messages.
    Sms,
    /// E-mail.
    Email,
}

/// Where a list is in its life.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::ListStatus")]
pub enum ContactListStatus {
    /// An import is running; campaigns do not load it.
    Importing,
    /// Usable.
    Ready,
    /// The last import failed; the list keeps its previous contents.
    Failed,
    /// Kept for reference, hidden by default, not loadable.
    Archived,
}

/// A named set of contacts that campaigns dial.
pub struct ContactList(pub entity::contact_list::Model);

#[Object]
impl ContactList {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique name within the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Free text.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Where the list is in its life.
    async fn status(&self) -> async_graphql::Result<ContactListStatus> {
        domain::ListStatus::parse(&self.0.status)
            .map(Into::into)
            .ok_or(ApiError::Internal)
            .gql()
    }
    /// How its contacts are reached.
    async fn channel(&self) -> async_graphql::Result<Channel> {
        domain::Channel::parse(&self.0.channel)
            .map(Into::into)
            .ok_or(ApiError::Internal)
            .gql()
    }
    /// The number shown to called parties, or an SMS short code.
    async fn caller_id(&self) -> Option<&str> {
        self.0.caller_id.as_deref()
    }
    /// Contacts on the list.
    async fn contact_count(&self) -> i64 {
        self.0.contact_count
    }
    /// Devices (phones and addresses) on the list.
    async fn device_count(&self) -> i64 {
        self.0.device_count
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The list's imports, newest first.
    async fn import_jobs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<crate::graphql::imports::ImportJob>> {
        let principal = principal(ctx)?;
        let after = decode_cursor(after.as_deref())
            .gql()?
            .map(|key| {
                uuid::Uuid::parse_str(&key)
                    .map_err(|_| ApiError::bad_input("after", "is not a cursor from this list"))
            })
            .transpose()
            .gql()?;
        let page = workers::import::jobs_of_list(
            services(ctx),
            principal,
            self.0.id,
            PageRequest::new(first, wants_total(ctx)),
            after,
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after.is_some(),
            |job| job.id.to_string(),
            crate::graphql::imports::ImportJob,
        ))
    }
    /// The list's contacts in id order; `search` matches a name, a client id, or a phone
    /// number or e-mail address written any way.
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Name, client id, phone number or e-mail address.")] search: Option<
            String,
        >,
    ) -> async_graphql::Result<CountedConnection<Contact>> {
        let principal = principal(ctx)?;
        let after_id = decode_id_cursor(after.as_deref()).gql()?;
        let page = workers::contacts::page(
            services(ctx),
            principal,
            self.0.id,
            PageRequest::new(first, wants_total(ctx)),
            after_id,
            search.as_deref(),
        )
        .await
        .gql()?;
        // A page's devices in one query, instead of one dataloader batch per timing window.
        let prefetched = selects_devices(ctx);
        let mut devices = if prefetched {
            let ids: Vec<i64> = page.items.iter().map(|contact| contact.id).collect();
            workers::contacts::devices_of(&services(ctx).db, principal.tenant_id, &ids)
                .await
                .gql()?
        } else {
            Default::default()
        };
        Ok(connection(
            page,
            after_id.is_some(),
            |contact| contact.id.to_string(),
            |contact| {
                let own = prefetched.then(|| {
                    devices
                        .remove(&contact.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(Device::from)
                        .collect()
                });
                Contact(contact, own)
            },
        ))
    }
}

/// Changes to a contact; omitted fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdateContactInput {
    /// The customer's own key (≤ 64 characters, unique within the list).
    pub client_id: MaybeUndefined<String>,
    /// First name.
    pub first_name: MaybeUndefined<String>,
    /// Last name.
    pub last_name: MaybeUndefined<String>,
    /// Company.
    pub company: MaybeUndefined<String>,
    /// Consent to automated calls and texts to mobiles.
    pub consent_automated: Option<bool>,
    /// Consent to text messages.
    pub consent_sms: Option<bool>,
    /// Consent to e-mail.
    pub consent_email: Option<bool>,
}

fn parse_contact_id(id: &ID) -> async_graphql::Result<i64> {
    id.parse::<i64>()
        .map_err(|_| ApiError::bad_input("id", "is not a valid id"))
        .gql()
}

/// A new, empty list.
#[derive(InputObject)]
pub struct CreateContactListInput {
    /// Unique name within the tenant.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// How its contacts are reached.
    pub channel: Channel,
    /// The number shown to called parties (+E.164) or an SMS short code.
    pub caller_id: Option<String>,
}

/// Changes to a list; omitted fields stay, `null` clears.
#[derive(InputObject)]
pub struct UpdateContactListInput {
    /// New name.
    pub name: Option<String>,
    /// New description (`null` clears it).
    pub description: MaybeUndefined<String>,
    /// New caller id (`null` clears it).
    pub caller_id: MaybeUndefined<String>,
    /// Archive (true) or restore (false).
    pub archived: Option<bool>,
}

fn maybe(value: MaybeUndefined<String>) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
    }
}

/// Contact-list queries.
#[derive(Default)]
pub struct ListsQuery;

#[Object]
impl ListsQuery {
    /// The tenant's contact lists by name; archived ones only when asked.
    async fn contact_lists(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Part of a list name.")] search: Option<String>,
        #[graphql(desc = "Include archived lists.", default = false)] include_archived: bool,
    ) -> async_graphql::Result<CountedConnection<ContactList>> {
        let principal = principal(ctx)?;
        let after = decode_cursor(after.as_deref()).gql()?;
        let page = lists::list(
            services(ctx),
            principal,
            PageRequest::new(first, wants_total(ctx)),
            after.as_deref(),
            search.as_deref(),
            include_archived,
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after.is_some(),
            |list| list.name.clone(),
            ContactList,
        ))
    }

    /// One contact list of the tenant.
    async fn contact_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list's id.")] id: ID,
    ) -> async_graphql::Result<ContactList> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        lists::get(services(ctx), principal, id)
            .await
            .map(ContactList)
            .gql()
    }

    /// One contact of the tenant, with its devices.
    async fn contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: ID,
    ) -> async_graphql::Result<Contact> {
        let principal = principal(ctx)?;
        let id = parse_contact_id(&id)?;
        workers::contacts::get(services(ctx), principal, id)
            .await
            .map(Contact::new)
            .gql()
    }
}

/// Contact-list mutations (LIST_MANAGER, ADMIN).
#[derive(Default)]
pub struct ListsMutation;

#[Object]
impl ListsMutation {
    /// Creates an empty, ready list.
    async fn create_contact_list(
        &self,
        ctx: &Context<'_>,
        input: CreateContactListInput,
    ) -> async_graphql::Result<ContactList> {
        let principal = principal(ctx)?;
        let new_list = lists::NewList {
            name: input.name,
            description: input.description,
            channel: input.channel.into(),
            caller_id: input.caller_id,
        };
        lists::create(services(ctx), principal, new_list)
            .await
            .map(ContactList)
            .gql()
    }

    /// Renames, re-describes, changes the caller id of, archives or restores a list.
    async fn update_contact_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list's id.")] id: ID,
        input: UpdateContactListInput,
    ) -> async_graphql::Result<ContactList> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        let changes = lists::ListChanges {
            name: input.name,
            description: maybe(input.description),
            caller_id: maybe(input.caller_id),
            archived: input.archived,
        };
        lists::update(services(ctx), principal, id, changes)
            .await
            .map(ContactList)
            .gql()
    }

    /// Deletes a list with its contacts and import history; refused while an import runs.
    async fn delete_contact_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let principal = principal(ctx)?;
        let list_id = parse_id("id", &id)?;
        lists::delete(services(ctx), principal, list_id)
            .await
            .gql()?;
        Ok(id)
    }

    /// Exports a list's contacts and devices: audits the export and returns the CSV's
    /// download path (fetch it with the same bearer token).
    async fn export_contact_list(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list's id.")] id: ID,
    ) -> async_graphql::Result<String> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        lists::export(services(ctx), principal, id).await.gql()
    }

    /// Edits a contact's identity fields and consent flags.
    async fn update_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: ID,
        input: UpdateContactInput,
    ) -> async_graphql::Result<Contact> {
        let principal = principal(ctx)?;
        let id = parse_contact_id(&id)?;
        let changes = workers::contacts::ContactChanges {
            client_id: maybe(input.client_id),
            first_name: maybe(input.first_name),
            last_name: maybe(input.last_name),
            company: maybe(input.company),
            consent_automated: input.consent_automated,
            consent_sms: input.consent_sms,
            consent_email: input.consent_email,
        };
        workers::contacts::update(services(ctx), principal, id, changes)
            .await
            .map(Contact::new)
            .gql()
    }

    /// Deletes a contact with its devices.
    async fn delete_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The contact's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let principal = principal(ctx)?;
        let contact_id = parse_contact_id(&id)?;
        workers::contacts::delete(services(ctx), principal, contact_id)
            .await
            .gql()?;
        Ok(id)
    }
}
