//! Data subject requests and history retention: everything a tenant holds
//! about one person (contacts in every list, dialing history, messages,
//! suppression entries), exported or erased on request, and history deleted
//! once it is older than the tenant's retention.
//!
//! *Compliance comes first:* erasing a person never makes them callable.
//! The attempt counts of the last [`RULE_WINDOW_DAYS`] stay until they leave
//! the window (the attempt rules count them; TCPA and Ofcom limits are a
//! legal obligation), entries of suppression lists stay unless the request
//! says otherwise (the person asked not to be contacted), and global lists
//! are never touched. The retention is never shorter than that window.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use domain::{Permission, ValidationError};
use entity::{
    attempt_key, calling_list_record, contact, contact_device, contact_list, dialing_history,
    message, message_event, suppression_entry, suppression_list, tenant,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::campaigns::stats::{self, Delta};
use crate::{ServiceError, Services};

/// How far back the attempt rules count (31 days) plus a day for far-away zones:
/// history and attempt counts younger than this are never deleted.
pub const RULE_WINDOW_DAYS: i32 = (compliance::MAX_ROLLING_HOURS / 24) as i32 + 1;

/// The longest retention a tenant may set (ten years).
pub const MAX_RETENTION_DAYS: i32 = 3650;

/// The retention a new tenant starts with (a year and a bit: a year of reports plus a month).
pub const DEFAULT_RETENTION_DAYS: i32 = 400;

/// At most this many contacts make one request's answer (a subject in more is refused as too broad).
const MAX_CONTACTS: usize = 1000;

/// Values per `IN (…)` list.
const CHUNK: usize = 500;

/// One contact of the subject, with its list and devices.
#[derive(Debug, Clone)]
pub struct SubjectContact {
    /// The list it is in.
    pub list: contact_list::Model,
    /// The contact.
    pub contact: contact::Model,
    /// Its devices in escalation order.
    pub devices: Vec<contact_device::Model>,
}

/// A suppression entry of the subject, with its list.
#[derive(Debug, Clone)]
pub struct SubjectSuppression {
    /// The list (global when `tenant_id` is none).
    pub list: suppression_list::Model,
    /// The entry.
    pub entry: suppression_entry::Model,
}

/// Everything the tenant holds about one person: the answer to an access request.
#[derive(Debug, Clone)]
pub struct SubjectData {
    /// The text asked for, trimmed.
    pub subject: String,
    /// Every phone number and address found for the person (the subject's and
    /// those of their contacts), normalised.
    pub values: Vec<String>,
    /// Every client id found for the person.
    pub client_ids: Vec<String>,
    /// Their contacts in every list.
    pub contacts: Vec<SubjectContact>,
    /// Their dialing history (calls and messages), newest first.
    pub history: Vec<dialing_history::Model>,
    /// Messages sent to them, newest first.
    pub messages: Vec<message::Model>,
    /// What they sent or the gateway reported about their messages.
    pub message_events: Vec<message_event::Model>,
    /// Suppression entries for their numbers and addresses.
    pub suppressions: Vec<SubjectSuppression>,
}

/// What an erasure did, and what it kept and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErasureReport {
    /// Contacts deleted (every list).
    pub contacts_deleted: u64,
    /// Their devices deleted.
    pub devices_deleted: u64,
    /// Calling-list records cancelled and stripped of personal data.
    pub records_cancelled: u64,
    /// Dialing history rows deleted.
    pub history_deleted: u64,
    /// Messages deleted.
    pub messages_deleted: u64,
    /// Gateway events (receipts, replies) deleted.
    pub message_events_deleted: u64,
    /// Attempt counts deleted (older than the rule window).
    pub attempt_counts_deleted: u64,
    /// Attempt counts kept because the attempt rules still count them.
    pub attempt_counts_kept: u64,
    /// When the last kept attempt count is deleted by housekeeping.
    pub attempt_counts_kept_until: Option<DateTime<Utc>>,
    /// Entries removed from the tenant's suppression lists (only when asked).
    pub suppression_removed: u64,
    /// Entries kept: the tenant's when removal was not asked, and any global list's.
    pub suppression_kept: u64,
}

/// The values and client ids a subject text stands for.
struct Subject {
    text: String,
    values: BTreeSet<String>,
    client_ids: BTreeSet<String>,
}

impl Subject {
    fn parse(text: &str) -> Result<Subject, ServiceError> {
        let text = text.trim();
        if text.is_empty() || text.len() > 320 {
            return Err(ValidationError::new(
                "subject",
                "give a phone number, an e-mail address or a client id (1 to 320 characters)",
            )
            .into());
        }
        let values: BTreeSet<String> = crate::contacts::device_values_for(text)
            .into_iter()
            .collect();
        // A number or address is searched as one; anything else as a client id.
        let client_ids = if values.is_empty() {
            BTreeSet::from([text.to_owned()])
        } else {
            BTreeSet::new()
        };
        Ok(Subject {
            text: text.to_owned(),
            values,
            client_ids,
        })
    }
}

fn chunks(values: &BTreeSet<String>) -> Vec<Vec<String>> {
    values
        .iter()
        .cloned()
        .collect::<Vec<_>>()
        .chunks(CHUNK)
        .map(<[String]>::to_vec)
        .collect()
}

/// The subject's contacts, and their values and client ids added to the subject.
async fn contacts_of(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    subject: &mut Subject,
) -> Result<Vec<SubjectContact>, ServiceError> {
    let lists: HashMap<Uuid, contact_list::Model> = contact_list::Entity::find()
        .filter(contact_list::Column::TenantId.eq(tenant_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|list| (list.id, list))
        .collect();
    let list_ids: Vec<Uuid> = lists.keys().copied().collect();
    if list_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    for chunk in chunks(&subject.values) {
        let owners: Vec<i64> = contact_device::Entity::find()
            .select_only()
            .column(contact_device::Column::ContactId)
            .filter(contact_device::Column::ListId.is_in(list_ids.clone()))
            .filter(contact_device::Column::Value.is_in(chunk))
            .into_tuple()
            .all(conn)
            .await?;
        ids.extend(owners);
    }
    let keys: Vec<String> = subject
        .client_ids
        .iter()
        .map(|id| format!("c:{id}"))
        .collect();
    let by_client: Vec<i64> = contact::Entity::find()
        .select_only()
        .column(contact::Column::Id)
        .filter(contact::Column::ListId.is_in(list_ids))
        .filter(contact::Column::DedupeKey.is_in(keys))
        .into_tuple()
        .all(conn)
        .await?;
    ids.extend(by_client);
    if ids.len() > MAX_CONTACTS {
        return Err(ValidationError::new(
            "subject",
            format!(
                "matches {} contacts, more than one person plausibly has ({MAX_CONTACTS} at most): give a more specific value",
                ids.len()
            ),
        )
        .into());
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut found = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = contact::Entity::find()
            .filter(contact::Column::TenantId.eq(tenant_id))
            .filter(contact::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(contact::Column::Id)
            .all(conn)
            .await?;
        let mut devices = crate::contacts::devices_of(conn, tenant_id, chunk).await?;
        for row in rows {
            let Some(list) = lists.get(&row.list_id) else {
                continue;
            };
            let devices = devices.remove(&row.id).unwrap_or_default();
            subject
                .values
                .extend(devices.iter().map(|device| device.value.clone()));
            if let Some(id) = &row.client_id {
                subject.client_ids.insert(id.clone());
            }
            found.push(SubjectContact {
                list: list.clone(),
                contact: row,
                devices,
            });
        }
    }
    Ok(found)
}

/// The attempt counts (`attempt_keys` rows) under the subject's numbers, addresses and client ids.
async fn attempt_rows(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    subject: &Subject,
) -> Result<Vec<attempt_key::Model>, ServiceError> {
    let keys: BTreeSet<String> = subject
        .values
        .iter()
        .map(|value| format!("d:{value}"))
        .chain(subject.client_ids.iter().map(|id| format!("c:{id}")))
        .collect();
    let mut rows = Vec::new();
    for chunk in chunks(&keys) {
        rows.extend(
            attempt_key::Entity::find()
                .filter(attempt_key::Column::TenantId.eq(tenant_id))
                .filter(attempt_key::Column::Key.is_in(chunk))
                .all(conn)
                .await?,
        );
    }
    Ok(rows)
}

/// Everything the subject's search finds, read in one transaction.
async fn collect(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    text: &str,
) -> Result<(SubjectData, Vec<attempt_key::Model>), ServiceError> {
    let mut subject = Subject::parse(text)?;
    let contacts = contacts_of(conn, tenant_id, &mut subject).await?;
    let attempts = attempt_rows(conn, tenant_id, &subject).await?;
    let guids: BTreeSet<String> = attempts
        .iter()
        .map(|row| row.attempt_guid.clone())
        .collect();
    let mut history = Vec::new();
    for chunk in chunks(&guids) {
        history.extend(
            dialing_history::Entity::find()
                .filter(dialing_history::Column::TenantId.eq(tenant_id))
                .filter(dialing_history::Column::AttemptGuid.is_in(chunk))
                .all(conn)
                .await?,
        );
    }
    history.sort_by_key(|row| std::cmp::Reverse(row.started_at));
    let mut messages = Vec::new();
    let mut message_events = Vec::new();
    for chunk in chunks(&subject.values) {
        messages.extend(
            message::Entity::find()
                .filter(message::Column::TenantId.eq(tenant_id))
                .filter(message::Column::Recipient.is_in(chunk.clone()))
                .all(conn)
                .await?,
        );
        message_events.extend(
            message_event::Entity::find()
                .filter(message_event::Column::TenantId.eq(tenant_id))
                .filter(message_event::Column::Sender.is_in(chunk))
                .all(conn)
                .await?,
        );
    }
    let message_ids: Vec<Uuid> = messages.iter().map(|m| m.id).collect();
    for chunk in message_ids.chunks(CHUNK) {
        message_events.extend(
            message_event::Entity::find()
                .filter(message_event::Column::TenantId.eq(tenant_id))
                .filter(message_event::Column::MessageId.is_in(chunk.iter().copied()))
                .filter(message_event::Column::Sender.is_null())
                .all(conn)
                .await?,
        );
    }
    messages.sort_by_key(|row| std::cmp::Reverse(row.created_at));
    message_events.sort_by_key(|row| std::cmp::Reverse(row.received_at));
    let lists: HashMap<Uuid, suppression_list::Model> = suppression_list::Entity::find()
        .filter(crate::suppression::visible_to(tenant_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|list| (list.id, list))
        .collect();
    let mut suppressions = Vec::new();
    if !lists.is_empty() {
        for chunk in chunks(&subject.values) {
            let entries = suppression_entry::Entity::find()
                .filter(suppression_entry::Column::ListId.is_in(lists.keys().copied()))
                .filter(suppression_entry::Column::Value.is_in(chunk))
                .all(conn)
                .await?;
            for entry in entries {
                if let Some(list) = lists.get(&entry.list_id) {
                    suppressions.push(SubjectSuppression {
                        list: list.clone(),
                        entry,
                    });
                }
            }
        }
    }
    let data = SubjectData {
        subject: subject.text,
        values: subject.values.into_iter().collect(),
        client_ids: subject.client_ids.into_iter().collect(),
        contacts,
        history,
        messages,
        message_events,
        suppressions,
    };
    Ok((data, attempts))
}

/// Everything the caller's tenant holds about the person a phone number,
/// e-mail address or client id stands for (an access request); audited.
pub async fn find(
    services: &Services,
    principal: &Principal,
    text: &str,
) -> Result<SubjectData, ServiceError> {
    principal.require(Permission::ManagePersonalData)?;
    let txn = services.begin().await?;
    let (data, _) = collect(&txn, principal.tenant_id, text).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "personal_data.export",
            object_type: "data_subject",
            object_id: None,
            detail: json!({
                "contacts": data.contacts.len(),
                "history": data.history.len(),
                "messages": data.messages.len(),
                "suppressions": data.suppressions.len(),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(data)
}

/// Erases the person a phone number, e-mail address or client id stands for
/// (an erasure request): their contacts in every list, their calling-list
/// records (cancelled, stripped), history, messages and gateway events, and
/// attempt counts older than the rule window; with `remove_suppression`, also
/// their entries in the tenant's own suppression lists. Idempotent: a
/// repeated request finds what is left (nothing but what is kept).
pub async fn erase(
    services: &Services,
    principal: &Principal,
    text: &str,
    remove_suppression: bool,
) -> Result<ErasureReport, ServiceError> {
    principal.require(Permission::ManagePersonalData)?;
    let tenant_id = principal.tenant_id;
    let mut report = ErasureReport::default();
    let txn = services.begin().await?;
    let (data, attempts) = collect(&txn, tenant_id, text).await?;

    // Contacts, their devices, and each list's counts.
    let mut per_list: HashMap<Uuid, (i64, i64)> = HashMap::new();
    let contact_ids: Vec<i64> = data.contacts.iter().map(|c| c.contact.id).collect();
    for found in &data.contacts {
        let counts = per_list.entry(found.list.id).or_default();
        counts.0 += 1;
        counts.1 += found.devices.len() as i64;
    }
    report.records_cancelled = cancel_records(&txn, tenant_id, &contact_ids).await?;
    for chunk in contact_ids.chunks(CHUNK) {
        report.devices_deleted += contact_device::Entity::delete_many()
            .filter(contact_device::Column::TenantId.eq(tenant_id))
            .filter(contact_device::Column::ContactId.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?
            .rows_affected;
        report.contacts_deleted += contact::Entity::delete_many()
            .filter(contact::Column::TenantId.eq(tenant_id))
            .filter(contact::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    for found in &data.contacts {
        if let Some((contacts, devices)) = per_list.remove(&found.list.id) {
            let list = contact_list::Entity::find_by_id(found.list.id)
                .one(&txn)
                .await?
                .ok_or(ServiceError::NotFound("contact list"))?;
            let mut active = list.clone().into_active_model();
            active.contact_count = Set((list.contact_count - contacts).max(0));
            active.device_count = Set((list.device_count - devices).max(0));
            active.updated_at = Set(Utc::now());
            active.update(&txn).await?;
        }
    }

    // History and attempt counts: counts inside the rule window stay.
    let window_start = Utc::now() - Duration::days(i64::from(RULE_WINDOW_DAYS));
    let guids: BTreeSet<String> = attempts
        .iter()
        .map(|row| row.attempt_guid.clone())
        .collect();
    for chunk in chunks(&guids) {
        report.history_deleted += dialing_history::Entity::delete_many()
            .filter(dialing_history::Column::TenantId.eq(tenant_id))
            .filter(dialing_history::Column::AttemptGuid.is_in(chunk.clone()))
            .exec(&txn)
            .await?
            .rows_affected;
        report.attempt_counts_deleted += attempt_key::Entity::delete_many()
            .filter(attempt_key::Column::TenantId.eq(tenant_id))
            .filter(attempt_key::Column::AttemptGuid.is_in(chunk))
            .filter(attempt_key::Column::StartedAt.lt(window_start))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    let kept: Vec<&attempt_key::Model> = attempts
        .iter()
        .filter(|row| row.started_at >= window_start)
        .collect();
    report.attempt_counts_kept = kept.len() as u64;
    report.attempt_counts_kept_until = kept
        .iter()
        .map(|row| row.started_at + Duration::days(i64::from(RULE_WINDOW_DAYS)))
        .max();

    // Messages and their events.
    let message_ids: Vec<Uuid> = data.messages.iter().map(|m| m.id).collect();
    let event_ids: Vec<String> = data
        .message_events
        .iter()
        .map(|e| e.event_id.clone())
        .collect();
    for chunk in event_ids.chunks(CHUNK) {
        report.message_events_deleted += message_event::Entity::delete_many()
            .filter(message_event::Column::TenantId.eq(tenant_id))
            .filter(message_event::Column::EventId.is_in(chunk.iter().cloned()))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    for chunk in message_ids.chunks(CHUNK) {
        report.messages_deleted += message::Entity::delete_many()
            .filter(message::Column::TenantId.eq(tenant_id))
            .filter(message::Column::Id.is_in(chunk.iter().copied()))
            .exec(&txn)
            .await?
            .rows_affected;
    }

    // Suppression: the tenant's own lists only, and only when asked.
    let mut removable: HashMap<Uuid, Vec<String>> = HashMap::new();
    for found in &data.suppressions {
        if remove_suppression && found.list.tenant_id == Some(tenant_id) {
            removable
                .entry(found.list.id)
                .or_default()
                .push(found.entry.value.clone());
        } else {
            report.suppression_kept += 1;
        }
    }
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "personal_data.erase",
            object_type: "data_subject",
            object_id: None,
            detail: json!({
                "contacts": report.contacts_deleted,
                "devices": report.devices_deleted,
                "records": report.records_cancelled,
                "history": report.history_deleted,
                "messages": report.messages_deleted,
                "attemptCountsKept": report.attempt_counts_kept,
                "removeSuppression": remove_suppression,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    // Each list through its own writer, so every replica's mirror follows.
    for (list_id, values) in removable {
        report.suppression_removed +=
            crate::suppression::remove_entries(services, principal, list_id, &values, None).await?;
    }
    if report.history_deleted > 0 || report.attempt_counts_deleted > 0 {
        // The cache may still hold deleted attempts: recount from the database.
        crate::dialing::attempts::distrust(services, tenant_id).await?;
    }
    Ok(report)
}

/// Cancels the calling-list records of `contact_ids` (no dialer gets them again)
/// and strips their personal data, keeping each campaign's counters right.
async fn cancel_records(
    txn: &impl ConnectionTrait,
    tenant_id: Uuid,
    contact_ids: &[i64],
) -> Result<u64, ServiceError> {
    use campaign::layout::{record_status, record_type};
    let mut cancelled = 0;
    for chunk in contact_ids.chunks(CHUNK) {
        let records = calling_list_record::Entity::find()
            .filter(calling_list_record::Column::TenantId.eq(tenant_id))
            .filter(calling_list_record::Column::ContactId.is_in(chunk.iter().copied()))
            .all(txn)
            .await?;
        let mut deltas: HashMap<Uuid, Delta> = HashMap::new();
        for record in records {
            let delta = deltas.entry(record.campaign_id).or_default();
            match record.record_status {
                record_status::READY => {
                    delta.ready -= 1;
                    delta.final_count += 1;
                }
                record_status::RETRIEVED => {
                    delta.leased -= 1;
                    delta.final_count += 1;
                }
                record_status::CHAIN_READY => delta.final_count += 1,
                _ => {}
            }
            let mut active = record.into_active_model();
            active.record_status = Set(record_status::CANCELLED);
            active.record_type = Set(record_type::NO_CALL);
            active.contact_info = Set(String::new());
            active.lease_until = Set(None);
            active.lease_id = Set(None);
            active.c_client_id = Set(None);
            active.c_first_name = Set(None);
            active.c_last_name = Set(None);
            active.c_company = Set(None);
            active.c_postal_code = Set(None);
            active.c_country = Set(None);
            active.update(txn).await?;
            cancelled += 1;
        }
        for (campaign_id, delta) in deltas {
            stats::add(txn, campaign_id, delta).await?;
        }
    }
    Ok(cancelled)
}

/// The caller's tenant's history retention in days.
pub async fn retention_days(
    services: &Services,
    principal: &Principal,
) -> Result<i32, ServiceError> {
    principal.require(Permission::ManagePersonalData)?;
    Ok(
        crate::accounts::tenants::get(&services.db, principal.tenant_id)
            .await?
            .history_retention_days,
    )
}

/// Sets how long the tenant keeps dialing history, messages and attempt counts:
/// at least [`RULE_WINDOW_DAYS`] (the attempt rules count that far back), at most
/// [`MAX_RETENTION_DAYS`]; audited.
pub async fn set_retention(
    services: &Services,
    principal: &Principal,
    days: i32,
) -> Result<tenant::Model, ServiceError> {
    principal.require(Permission::ManagePersonalData)?;
    if !(RULE_WINDOW_DAYS..=MAX_RETENTION_DAYS).contains(&days) {
        return Err(ValidationError::new(
            "historyRetentionDays",
            format!(
                "must be {RULE_WINDOW_DAYS} to {MAX_RETENTION_DAYS} days: the attempt rules count the last {RULE_WINDOW_DAYS} days of history"
            ),
        )
        .into());
    }
    let txn = services.begin().await?;
    let tenant = crate::accounts::tenants::get(&txn, principal.tenant_id).await?;
    let before = tenant.history_retention_days;
    let mut active = tenant.into_active_model();
    active.history_retention_days = Set(days);
    let saved = active.update(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "tenant.set_retention",
            object_type: "tenant",
            object_id: Some(saved.id.to_string()),
            detail: json!({ "before": before, "after": days }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(saved)
}

/// What one retention pass deleted, over all tenants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Dialing history rows.
    pub history: u64,
    /// Attempt counts.
    pub attempt_counts: u64,
    /// Messages.
    pub messages: u64,
    /// Gateway events.
    pub message_events: u64,
}

/// Deletes each tenant's history, attempt counts, messages and gateway events
/// older than its retention (`now` minus the days). Run hourly by housekeeping.
pub async fn purge_expired(
    services: &Services,
    now: DateTime<Utc>,
) -> Result<Purged, ServiceError> {
    let tenants = tenant::Entity::find().all(&services.db).await?;
    let mut purged = Purged::default();
    for tenant in tenants {
        let days = tenant.history_retention_days.max(RULE_WINDOW_DAYS);
        let cutoff = now - Duration::days(i64::from(days));
        let txn = services.begin().await?;
        purged.history += dialing_history::Entity::delete_many()
            .filter(dialing_history::Column::TenantId.eq(tenant.id))
            .filter(dialing_history::Column::StartedAt.lt(cutoff))
            .exec(&txn)
            .await?
            .rows_affected;
        purged.attempt_counts += attempt_key::Entity::delete_many()
            .filter(attempt_key::Column::TenantId.eq(tenant.id))
            .filter(attempt_key::Column::StartedAt.lt(cutoff))
            .exec(&txn)
            .await?
            .rows_affected;
        purged.message_events += message_event::Entity::delete_many()
            .filter(message_event::Column::TenantId.eq(tenant.id))
            .filter(message_event::Column::ReceivedAt.lt(cutoff))
            .exec(&txn)
            .await?
            .rows_affected;
        purged.messages += message::Entity::delete_many()
            .filter(message::Column::TenantId.eq(tenant.id))
            .filter(message::Column::CreatedAt.lt(cutoff))
            .exec(&txn)
            .await?
            .rows_affected;
        txn.commit().await?;
    }
    Ok(purged)
}

impl SubjectData {
    /// The whole answer as one JSON document: what is handed to the person.
    pub fn document(&self, tenant_name: &str, at: DateTime<Utc>) -> serde_json::Value {
        json!({
            "subject": self.subject,
            "organisation": tenant_name,
            "generatedAt": at,
            "phoneNumbersAndAddresses": self.values,
            "clientIds": self.client_ids,
            "contacts": self.contacts.iter().map(|found| json!({
                "list": found.list.name,
                "clientId": found.contact.client_id,
                "firstName": found.contact.first_name,
                "lastName": found.contact.last_name,
                "company": found.contact.company,
                "postalCode": found.contact.postal_code,
                "country": found.contact.country,
                "timeZone": found.contact.time_zone,
                "custom": found.contact.custom,
                "consentAutomated": found.contact.consent_automated,
                "consentSms": found.contact.consent_sms,
                "consentEmail": found.contact.consent_email,
                "createdAt": found.contact.created_at,
                "updatedAt": found.contact.updated_at,
                "devices": found.devices.iter().map(|device| json!({
                    "kind": device.kind,
                    "value": device.value,
                    "asWritten": device.raw,
                    "type": device.device_type,
                    "country": device.country,
                    "region": device.region,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "contactHistory": self.history.iter().map(|row| json!({
                "device": row.device,
                "clientId": row.client_id,
                "campaign": row.campaign,
                "callingList": row.calling_list,
                "result": row.result,
                "startedAt": row.started_at,
                "endedAt": row.ended_at,
            })).collect::<Vec<_>>(),
            "messages": self.messages.iter().map(|row| json!({
                "channel": row.channel,
                "to": row.recipient,
                "from": row.sender,
                "subject": row.subject,
                "body": row.body,
                "status": row.status,
                "createdAt": row.created_at,
                "sentAt": row.sent_at,
                "deliveredAt": row.delivered_at,
            })).collect::<Vec<_>>(),
            "messageEvents": self.message_events.iter().map(|row| json!({
                "kind": row.kind,
                "from": row.sender,
                "body": row.body,
                "receivedAt": row.received_at,
            })).collect::<Vec<_>>(),
            "doNotContact": self.suppressions.iter().map(|found| json!({
                "list": found.list.name,
                "value": found.entry.value,
                "reason": found.entry.reason,
                "since": found.entry.created_at,
                "expiresAt": found.entry.expires_at,
            })).collect::<Vec<_>>(),
        })
    }
}
