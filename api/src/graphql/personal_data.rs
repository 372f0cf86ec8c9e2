//! Data subject requests (what the tenant holds about one person, and its
//! erasure) and the tenant's history retention. Thin resolvers over
//! `workers::personal_data`.

use async_graphql::{Context, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use workers::personal_data::{self, ErasureReport, SubjectData};

use crate::graphql::error::GraphqlResultExt;
use crate::graphql::lists::{Contact, Device};
use crate::graphql::{principal, services};

/// A contact of the person, with the list it is on.
#[derive(SimpleObject)]
pub struct PersonalContact {
    /// The list's name.
    list_name: String,
    /// The contact with its devices.
    contact: Contact,
}

/// One attempt to reach the person (a call or a message).
#[derive(SimpleObject)]
pub struct PersonalAttempt {
    /// The dialer's attempt id.
    attempt_guid: String,
    /// The number or address tried.
    device: String,
    /// The client id it was made for.
    client_id: Option<String>,
    /// The campaign's name.
    campaign: Option<String>,
    /// The result (`IN_PROGRESS` until it ends).
    result: String,
    /// When it started.
    started_at: DateTime<Utc>,
    /// When it ended.
    ended_at: Option<DateTime<Utc>>,
}

/// A message sent to the person.
#[derive(SimpleObject)]
pub struct PersonalMessage {
    /// `SMS` or `EMAIL`.
    channel: String,
    /// The number or address it went to.
    recipient: String,
    /// The e-mail subject.
    subject: Option<String>,
    /// The text sent.
    body: String,
    /// `SENDING`, `SENT`, `DELIVERED` or `FAILED`.
    status: String,
    /// When it was created.
    created_at: DateTime<Utc>,
}

/// An entry that keeps the person from being contacted.
#[derive(SimpleObject)]
pub struct PersonalSuppression {
    /// The suppression list.
    list_id: ID,
    /// Its name.
    list_name: String,
    /// Whether it is an installation-wide list (never erased by a tenant).
    global: bool,
    /// The number or address.
    value: String,
    /// Why it was added.
    reason: Option<String>,
    /// When it was added.
    created_at: DateTime<Utc>,
    /// When it stops applying.
    expires_at: Option<DateTime<Utc>>,
}

/// Everything the tenant holds about one person (an access request).
#[derive(SimpleObject)]
pub struct PersonalData {
    /// The phone number, address or client id asked for.
    subject: String,
    /// Every number and address found for the person, normalised.
    values: Vec<String>,
    /// Every client id found for the person.
    client_ids: Vec<String>,
    /// Their contacts in every list.
    contacts: Vec<PersonalContact>,
    /// Their calls and messages in the dialing history, newest first.
    history: Vec<PersonalAttempt>,
    /// Messages sent to them, newest first.
    messages: Vec<PersonalMessage>,
    /// Replies and receipts about their messages.
    message_events: i32,
    /// Suppression entries for their numbers and addresses.
    suppressions: Vec<PersonalSuppression>,
    /// The whole answer as one JSON document, to hand to the person.
    document: Json<serde_json::Value>,
}

impl PersonalData {
    fn new(data: SubjectData, tenant_name: &str) -> Self {
        let document = Json(data.document(tenant_name, Utc::now()));
        PersonalData {
            subject: data.subject,
            values: data.values,
            client_ids: data.client_ids,
            contacts: data
                .contacts
                .into_iter()
                .map(|found| PersonalContact {
                    list_name: found.list.name,
                    contact: Contact(
                        found.contact,
                        Some(found.devices.into_iter().map(Device::from).collect()),
                    ),
                })
                .collect(),
            history: data
                .history
                .into_iter()
                .map(|row| PersonalAttempt {
                    attempt_guid: row.attempt_guid,
                    device: row.device,
                    client_id: row.client_id,
                    campaign: row.campaign,
                    result: row.result,
                    started_at: row.started_at,
                    ended_at: row.ended_at,
                })
                .collect(),
            messages: data
                .messages
                .into_iter()
                .map(|row| PersonalMessage {
                    channel: row.channel,
                    recipient: row.recipient,
                    subject: row.subject,
                    body: row.body,
                    status: row.status,
                    created_at: row.created_at,
                })
                .collect(),
            message_events: i32::try_from(data.message_events.len()).unwrap_or(i32::MAX),
            suppressions: data
                .suppressions
                .into_iter()
                .map(|found| PersonalSuppression {
                    list_id: ID(found.list.id.to_string()),
                    list_name: found.list.name,
                    global: found.list.tenant_id.is_none(),
                    value: found.entry.value,
                    reason: found.entry.reason,
                    created_at: found.entry.created_at,
                    expires_at: found.entry.expires_at,
                })
                .collect(),
            document,
        }
    }
}

/// What an erasure deleted, and what it kept and why.
#[derive(SimpleObject)]
pub struct Erasure {
    /// Contacts deleted from every list.
    contacts_deleted: i32,
    /// Their phones and addresses deleted.
    devices_deleted: i32,
    /// Calling-list records cancelled and stripped of personal data.
    records_cancelled: i32,
    /// Calls and messages deleted from the dialing history.
    history_deleted: i32,
    /// Messages deleted.
    messages_deleted: i32,
    /// Replies and receipts deleted.
    message_events_deleted: i32,
    /// Attempt counts kept because the attempt rules still count them (the last 32 days).
    attempt_counts_kept: i32,
    /// When housekeeping deletes the last kept attempt count.
    attempt_counts_kept_until: Option<DateTime<Utc>>,
    /// Entries removed from the tenant's suppression lists (only when asked).
    suppression_removed: i32,
    /// Suppression entries kept: the person stays protected from contact.
    suppression_kept: i32,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<ErasureReport> for Erasure {
    fn from(report: ErasureReport) -> Self {
        Erasure {
            contacts_deleted: count(report.contacts_deleted),
            devices_deleted: count(report.devices_deleted),
            records_cancelled: count(report.records_cancelled),
            history_deleted: count(report.history_deleted),
            messages_deleted: count(report.messages_deleted),
            message_events_deleted: count(report.message_events_deleted),
            attempt_counts_kept: count(report.attempt_counts_kept),
            attempt_counts_kept_until: report.attempt_counts_kept_until,
            suppression_removed: count(report.suppression_removed),
            suppression_kept: count(report.suppression_kept),
        }
    }
}

/// How long the tenant keeps history.
#[derive(SimpleObject)]
pub struct RetentionSettings {
    /// Days dialing history, messages and attempt counts are kept.
    history_retention_days: i32,
    /// The shortest allowed: the attempt rules count this far back.
    minimum_days: i32,
    /// The longest allowed.
    maximum_days: i32,
}

impl RetentionSettings {
    fn new(days: i32) -> Self {
        RetentionSettings {
            history_retention_days: days,
            minimum_days: personal_data::RULE_WINDOW_DAYS,
            maximum_days: personal_data::MAX_RETENTION_DAYS,
        }
    }
}

/// Personal data queries (admins and compliance officers).
#[derive(Default)]
pub struct PersonalDataQuery;

#[Object]
impl PersonalDataQuery {
    /// Everything the tenant holds about the person a phone number (any
    /// format), e-mail address or client id stands for; audited.
    async fn personal_data(
        &self,
        ctx: &Context<'_>,
        subject: String,
    ) -> async_graphql::Result<PersonalData> {
        let principal = principal(ctx)?;
        let services = services(ctx);
        let data = personal_data::find(services, principal, &subject)
            .await
            .gql()?;
        let tenant = workers::accounts::tenants::get(&services.db, principal.tenant_id)
            .await
            .gql()?;
        Ok(PersonalData::new(data, &tenant.name))
    }

    /// How long history is kept.
    async fn retention_settings(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<RetentionSettings> {
        let principal = principal(ctx)?;
        personal_data::retention_days(services(ctx), principal)
            .await
            .map(RetentionSettings::new)
            .gql()
    }
}

/// Personal data mutations (admins and compliance officers).
#[derive(Default)]
pub struct PersonalDataMutation;

#[Object]
impl PersonalDataMutation {
    /// Erases the person a phone number, e-mail address or client id stands
    /// for: contacts in every list, calling-list records, history, messages.
    /// Attempt counts of the last 32 days stay until they age out (the
    /// attempt rules count them), and suppression entries stay unless
    /// `removeSuppression` (global lists always stay). Audited; repeatable.
    async fn erase_personal_data(
        &self,
        ctx: &Context<'_>,
        subject: String,
        #[graphql(default = false)] remove_suppression: bool,
    ) -> async_graphql::Result<Erasure> {
        let principal = principal(ctx)?;
        personal_data::erase(services(ctx), principal, &subject, remove_suppression)
            .await
            .map(Erasure::from)
            .gql()
    }

    /// Sets how long dialing history, messages and attempt counts are kept
    /// (32 to 3650 days); older ones are deleted hourly.
    async fn update_retention_settings(
        &self,
        ctx: &Context<'_>,
        history_retention_days: i32,
    ) -> async_graphql::Result<RetentionSettings> {
        let principal = principal(ctx)?;
        personal_data::set_retention(services(ctx), principal, history_retention_days)
            .await
            .map(|tenant| RetentionSettings::new(tenant.history_retention_days))
            .gql()
    }
}
