//! The `dial-manager` role: for every running SMS and e-mail campaign, take
//! as many records as the campaign's and the tenant's rates allow, lease them
//! (each judged by the compliance engine at that moment: quiet hours in the
//! device's zone, suppression, attempt rules — refused records are
//! rescheduled or cancelled, never sent), render the campaign's template,
//! write each message with its idempotency key, send through the tenant's
//! gateway (transient failures retried with back-off), then record every
//! attempt in dialing history and move records and counters on in one
//! transaction.
//!
//! Crash safety: a record is leased before its message is written, and its
//! key is `m-{record}-{attempt}`. A replica killed after sending but before
//! its commit leaves the records leased; when the lease passes another
//! replica leases them again, finds the `SENDING` message under the same key
//! and sends it again with that key, which the gateway drops as a duplicate.

use std::collections::HashMap;
use std::time::Duration;

use campaign::TemplateSettings;
use campaign::layout::record_status;
use chrono::{DateTime, Utc};
use compliance::CallResult;
use entity::{calling_list_record, contact, dialing_history, message};
use futures::StreamExt;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::gateway::{self, Outbound, SendError};
use super::outbox::{self, Move, NewMessage};
use super::provider::{self, Gateway};
use super::templates::{self, Parsed};
use super::{MessageChannel, MessageKind, MessageStatus, rate};
use crate::campaigns::lease::{self, LeaseRequest};
use crate::campaigns::stats::{self, Delta, Minute};
use crate::dialing::attempts::{self, CountKey};
use crate::{ServiceError, Services, db};

/// How the dispatcher paces itself.
#[derive(Debug, Clone)]
pub struct DispatchSettings {
    /// How long a batch's records stay leased (a dead replica's come back after this).
    pub lease_seconds: u32,
    /// Most records per batch.
    pub batch: u32,
    /// Sends in flight at once.
    pub concurrency: usize,
    /// Pause when there was nothing to send.
    pub idle: Duration,
    /// In-process tries of a message before its record is rescheduled.
    pub tries: u32,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        Self {
            lease_seconds: 60,
            batch: 500,
            concurrency: 64,
            idle: Duration::from_millis(100),
            tries: 3,
        }
    }
}

/// A running message campaign, as the dispatcher needs it.
#[derive(Debug, Clone)]
struct Running {
    id: Uuid,
    tenant_id: Uuid,
    name: String,
    channel: MessageChannel,
    settings: TemplateSettings,
}

/// The running SMS and e-mail campaigns of every tenant.
async fn running(services: &Services) -> Result<Vec<Running>, ServiceError> {
    let rows = entity::campaign::Entity::find()
        .filter(entity::campaign::Column::State.eq("RUNNING"))
        .all(&services.db)
        .await?;
    let mut found = Vec::new();
    for row in rows {
        let settings =
            crate::campaigns::templates::settings_of(&services.db, row.tenant_id, row.template_id)
                .await?;
        if let Some(channel) = MessageChannel::of_mode(settings.dialing_mode) {
            found.push(Running {
                id: row.id,
                tenant_id: row.tenant_id,
                name: row.name,
                channel,
                settings,
            });
        }
    }
    Ok(found)
}

/// The role's loop: a pass over the running message campaigns, again at once
/// while there is work, after `idle` when there is none; stalled replies are
/// retried every few seconds.
pub async fn run(
    services: Services,
    settings: DispatchSettings,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let mut last_retry = std::time::Instant::now();
    loop {
        if *stop.borrow() {
            return;
        }
        let (busy, pace) = match paced_pass(&services, &settings).await {
            Ok((sent, pace)) => (sent > 0, pace),
            Err(error) => {
                tracing::warn!(error = ?anyhow::Error::from(error), "message dispatch pass failed");
                (false, None)
            }
        };
        if last_retry.elapsed() > Duration::from_secs(5) {
            last_retry = std::time::Instant::now();
            if let Err(error) = outbox::retry_stalled(&services).await {
                tracing::warn!(error = ?anyhow::Error::from(error), "retrying stalled replies failed");
            }
        }
        if !busy {
            // A campaign held back by its rate is looked at again when its next message opens.
            let pause = pace.map_or(settings.idle, |pace| pace.min(settings.idle));
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
        }
    }
}

/// One pass: a batch for every running message campaign; how many records were handled.
pub async fn pass(services: &Services, settings: &DispatchSettings) -> Result<usize, ServiceError> {
    Ok(paced_pass(services, settings).await?.0)
}

/// A pass; how many records were handled, and when a campaign held back by
/// its rate may send again.
async fn paced_pass(
    services: &Services,
    settings: &DispatchSettings,
) -> Result<(usize, Option<Duration>), ServiceError> {
    let campaigns = running(services).await?;
    let mut handled = 0;
    let mut pace: Option<Duration> = None;
    for campaign in &campaigns {
        match send_batch(services, settings, campaign).await {
            Ok((n, held)) => {
                handled += n;
                pace = match (pace, held) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            Err(error) => {
                tracing::warn!(campaign_id = %campaign.id, error = ?anyhow::Error::from(error), "message batch failed");
            }
        }
    }
    Ok((handled, pace))
}

/// One budget taker at a time in this process: the dispatch loops of one
/// process never race on a counter's catch-up (replicas rarely meet; a
/// new counter is set atomically, see `rate::acquire`).
static BUDGET_GATE: std::sync::LazyLock<tokio::sync::Mutex<()>> =
    std::sync::LazyLock::new(|| tokio::sync::Mutex::new(()));

/// Takes this batch's budget from the campaign's and the tenant's rates.
async fn budget(
    services: &Services,
    settings: &DispatchSettings,
    campaign: &Running,
    gateway: &Gateway,
) -> Result<(u32, Vec<String>), ServiceError> {
    let _gate = BUDGET_GATE.lock().await;
    let mut want = settings.batch;
    let mut taken: Vec<String> = Vec::new();
    let scopes = [
        (
            format!("c:{}", campaign.id),
            campaign.settings.messages_per_second,
        ),
        (
            format!("t:{}", campaign.tenant_id),
            gateway.messages_per_second,
        ),
    ];
    for (scope, limit) in scopes {
        let Some(limit) = limit else { continue };
        let granted = rate::acquire(&services.cache, &scope, limit, want).await?;
        // What an earlier scope granted beyond this one goes back.
        for earlier in &taken {
            rate::give_back(&services.cache, earlier, want - granted).await?;
        }
        want = granted;
        taken.push(scope);
        if want == 0 {
            break;
        }
    }
    Ok((want, taken))
}

/// What became of one record's message.
enum Outcome {
    /// The gateway has it (now or from an earlier try).
    Sent { provider_id: Option<String> },
    /// The gateway refused it for good.
    Refused(String),
    /// Still failing after the in-process tries: try the record again later.
    Later(String),
}

/// One record with its message.
struct Item {
    record: calling_list_record::Model,
    message: message::Model,
    outcome: Outcome,
}

/// Leases, renders, writes, sends and settles one batch of a campaign; how
/// many records, and when to look again if its rate held it back.
async fn send_batch(
    services: &Services,
    settings: &DispatchSettings,
    campaign: &Running,
) -> Result<(usize, Option<Duration>), ServiceError> {
    let Some(gateway) = provider::gateway(services, campaign.tenant_id).await? else {
        tracing::debug!(campaign_id = %campaign.id, "no messaging gateway configured");
        return Ok((0, None));
    };
    let Some(template_id) = campaign.settings.message_template_id else {
        return Ok((0, None));
    };
    let template_row = templates::find(&services.db, campaign.tenant_id, template_id).await?;
    let template = templates::parse(&template_row)?;
    let (want, scopes) = budget(services, settings, campaign, &gateway).await?;
    if want == 0 {
        let slowest = [
            campaign.settings.messages_per_second,
            gateway.messages_per_second,
        ]
        .into_iter()
        .flatten()
        .min();
        return Ok((0, slowest.map(rate::next_in)));
    }
    let started = std::time::Instant::now();
    let leased = lease::lease_for(
        services,
        campaign.tenant_id,
        campaign.id,
        LeaseRequest {
            count: want,
            lease_seconds: settings.lease_seconds,
            agent_id: None,
        },
    )
    .await?;
    let unused = want - leased.records.len() as u32;
    for scope in &scopes {
        rate::give_back(&services.cache, scope, unused).await?;
    }
    if leased.records.is_empty() {
        return Ok((leased.refused as usize, None));
    }
    let records: Vec<calling_list_record::Model> = leased
        .records
        .into_iter()
        .map(|leased| leased.record)
        .collect();
    let leased_in = started.elapsed();
    let messages = write_messages(
        services,
        campaign,
        &gateway,
        &template,
        template_id,
        &records,
    )
    .await?;
    let written_in = started.elapsed();
    let items: Vec<Item> = futures::stream::iter(records.into_iter().filter_map(|record| {
        let message = messages.get(&key_of(&record))?.clone();
        Some((record, message))
    }))
    .map(|(record, message)| {
        let gateway = &gateway;
        async move {
            let outcome = send_one(gateway, &message, settings.tries).await;
            Item {
                record,
                message,
                outcome,
            }
        }
    })
    .buffer_unordered(settings.concurrency)
    .collect()
    .await;
    let handled = items.len();
    let sent_in = started.elapsed();
    settle(services, campaign, items).await?;
    tracing::debug!(
        campaign_id = %campaign.id,
        records = handled,
        lease_ms = leased_in.as_millis() as u64,
        write_ms = (written_in - leased_in).as_millis() as u64,
        send_ms = (sent_in - written_in).as_millis() as u64,
        settle_ms = (started.elapsed() - sent_in).as_millis() as u64,
        "message batch"
    );
    Ok((handled, None))
}

/// A campaign message's idempotency key: the record and its attempt count.
fn key_of(record: &calling_list_record::Model) -> String {
    format!("m-{}-{}", record.record_id, record.attempt)
}

/// Renders and writes the batch's messages (a message already written under
/// the same key — a dead replica's — is kept as it is); the stored rows by key.
async fn write_messages(
    services: &Services,
    campaign: &Running,
    gateway: &Gateway,
    template: &Parsed,
    template_id: Uuid,
    records: &[calling_list_record::Model],
) -> Result<HashMap<String, message::Model>, ServiceError> {
    let contact_ids: Vec<i64> = records.iter().map(|record| record.contact_id).collect();
    let contacts: HashMap<i64, contact::Model> = contact::Entity::find()
        .filter(contact::Column::Id.is_in(contact_ids))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|contact| (contact.id, contact))
        .collect();
    let now = Utc::now();
    let from = match campaign.channel {
        MessageChannel::Sms => gateway.sms_sender.clone(),
        MessageChannel::Email => gateway.email_sender.clone(),
    }
    .or_else(|| campaign.settings.caller_id.clone());
    let rows: Vec<message::ActiveModel> = records
        .iter()
        .map(|record| {
            let values = contacts
                .get(&record.contact_id)
                .map(templates::values_of)
                .unwrap_or_default();
            outbox::row(
                campaign.tenant_id,
                NewMessage {
                    kind: MessageKind::Campaign,
                    channel: campaign.channel,
                    to: record.contact_info.clone(),
                    from: from.clone(),
                    subject: template
                        .subject
                        .as_ref()
                        .map(|subject| templates::render(subject, &values)),
                    body: templates::render(&template.body, &values),
                    key: key_of(record),
                    campaign_id: Some(campaign.id),
                    record_id: Some(record.record_id),
                    template_id: Some(template_id),
                },
                now,
            )
        })
        .collect();
    let keys: Vec<String> = records.iter().map(key_of).collect();
    let txn = services.begin().await?;
    message::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([message::Column::TenantId, message::Column::IdempotencyKey])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let stored = message::Entity::find()
        .filter(message::Column::TenantId.eq(campaign.tenant_id))
        .filter(message::Column::IdempotencyKey.is_in(keys))
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(stored
        .into_iter()
        .map(|message| (message.idempotency_key.clone(), message))
        .collect())
}

/// Sends one message, retrying transient failures a few times with a doubling pause.
async fn send_one(gateway: &Gateway, message: &message::Model, tries: u32) -> Outcome {
    match MessageStatus::parse(&message.status) {
        Some(MessageStatus::Sent | MessageStatus::Delivered) => {
            return Outcome::Sent { provider_id: None };
        }
        Some(MessageStatus::Failed) => {
            return Outcome::Refused(message.error.clone().unwrap_or_else(|| "failed".into()));
        }
        _ => {}
    }
    let channel = MessageChannel::parse(&message.channel).unwrap_or(MessageChannel::Sms);
    let outbound = Outbound::new(
        gateway,
        channel,
        &message.recipient,
        &message.body,
        message.subject.as_deref(),
        &message.idempotency_key,
    );
    let outbound = Outbound {
        from: message.sender.as_deref().or(outbound.from),
        ..outbound
    };
    let mut last = String::new();
    for attempt in 0..tries.max(1) {
        match gateway::send(gateway, &outbound).await {
            Ok(accepted) => {
                return Outcome::Sent {
                    provider_id: Some(accepted.provider_id),
                };
            }
            Err(SendError::Permanent(reason)) => return Outcome::Refused(reason),
            Err(SendError::Transient {
                message,
                retry_after,
            }) => {
                last = message;
                if attempt + 1 < tries {
                    let pause = retry_after
                        .unwrap_or(Duration::from_millis(200 << attempt))
                        .min(Duration::from_secs(2));
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }
    Outcome::Later(last)
}

/// How long a record waits after its message kept failing: 30 s, doubling, at most 30 min.
fn retry_delay(tries: i32) -> chrono::TimeDelta {
    let seconds = 30i64 << tries.clamp(0, 6);
    chrono::TimeDelta::seconds(seconds.min(1800))
}

/// Settles a sent batch in one transaction: messages, dialing history,
/// records (treatments) and counters; then counts the attempts on the hot path.
async fn settle(
    services: &Services,
    campaign: &Running,
    items: Vec<Item>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let rules = lease::campaign_rules(services, campaign.tenant_id, &campaign.settings).await?;
    let custom_names = attempts::custom_key_names(&rules);
    let custom_of: HashMap<i64, serde_json::Value> = if custom_names.is_empty() {
        HashMap::new()
    } else {
        let ids: Vec<i64> = items.iter().map(|item| item.record.contact_id).collect();
        contact::Entity::find()
            .filter(contact::Column::Id.is_in(ids))
            .all(&services.db)
            .await?
            .into_iter()
            .map(|contact| (contact.id, contact.custom))
            .collect()
    };
    let keys_of = |record: &calling_list_record::Model| -> Vec<CountKey> {
        let custom: Vec<(String, String)> = custom_of
            .get(&record.contact_id)
            .map(|values| {
                custom_names
                    .iter()
                    .filter_map(|name| {
                        let value = values.get(*name)?;
                        Some((
                            (*name).to_owned(),
                            value
                                .as_str()
                                .map_or_else(|| value.to_string(), str::to_owned),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        attempts::count_keys(&record.contact_info, record.c_client_id.as_deref(), &custom)
    };
    let sent_final = {
        let treatment = campaign.settings.treatments.for_result(CallResult::Sent);
        treatment.action == campaign::TreatmentAction::Final && !treatment.suppress_device
    };

    let txn = services.begin().await?;
    let mut counted: Vec<(String, Vec<CountKey>)> = Vec::new();
    let mut history: Vec<dialing_history::ActiveModel> = Vec::new();
    let mut finals: Vec<&calling_list_record::Model> = Vec::new();
    let mut delta = Delta::default();
    let mut message_delta = stats::MessageDelta::default();
    let mut accepted: Vec<(Uuid, &str)> = Vec::new();
    let mut minute = Minute::default();
    for item in &items {
        match &item.outcome {
            Outcome::Sent { provider_id } => {
                // Moved (and counted) below, all at once.
                if let Some(provider_id) = provider_id {
                    accepted.push((item.message.id, provider_id.as_str()));
                }
                history.push(history_row(campaign, item, CallResult::Sent, now));
                counted.push((item.message.idempotency_key.clone(), keys_of(&item.record)));
                if sent_final {
                    finals.push(&item.record);
                } else {
                    crate::campaigns::treat::apply(
                        &txn,
                        campaign.tenant_id,
                        item.record.record_id,
                        CallResult::Sent,
                        None,
                        None,
                        now,
                    )
                    .await?;
                }
            }
            Outcome::Refused(reason) => {
                if let Some(moved) = outbox::move_status(
                    &txn,
                    &item.message,
                    Move {
                        to: MessageStatus::Failed,
                        provider_id: None,
                        error: Some(reason),
                        at: now,
                    },
                )
                .await?
                {
                    message_delta.failed += moved.failed;
                }
                history.push(history_row(campaign, item, CallResult::SystemError, now));
                refuse_record(&txn, &item.record, now, &mut delta).await?;
                minute.attempts += 1;
            }
            Outcome::Later(reason) => {
                outbox::note_retry(&txn, item.message.id, reason).await?;
                let moved = db::execute(
                    &txn,
                    "UPDATE calling_list_records SET record_status = $2, dial_sched_time = $3, \
                     lease_until = NULL, lease_id = NULL WHERE record_id = $1 AND record_status = $4 \
                     AND lease_id = $5",
                    vec![
                        item.record.record_id.into(),
                        record_status::READY.into(),
                        (now + retry_delay(item.message.tries + 1)).timestamp().into(),
                        record_status::RETRIEVED.into(),
                        item.record.lease_id.clone().into(),
                    ],
                )
                .await?;
                if moved == 1 {
                    delta.leased -= 1;
                    delta.ready += 1;
                }
            }
        }
    }
    // Tries of messages that went through (a retried one counts each try).
    let done: Vec<Uuid> = items
        .iter()
        .filter(|item| !matches!(item.outcome, Outcome::Later(_)))
        .map(|item| item.message.id)
        .collect();
    for chunk in done.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        db::execute(
            &txn,
            &format!(
                "UPDATE messages SET tries = tries + 1 WHERE id IN ({})",
                marks.join(",")
            ),
            chunk.iter().map(|id| (*id).into()).collect(),
        )
        .await?;
    }
    for chunk in accepted.chunks(500) {
        // Counted once, by whoever makes the move.
        message_delta.sent += outbox::mark_sent(&txn, chunk, now).await? as i64;
    }
    if !finals.is_empty() {
        finish_sent(&txn, campaign.id, &finals, now, &mut delta, &mut minute).await?;
    }
    if !history.is_empty() {
        dialing_history::Entity::insert_many(history)
            .on_conflict(
                OnConflict::columns([
                    dialing_history::Column::TenantId,
                    dialing_history::Column::AttemptGuid,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let key_rows: Vec<(&str, &[CountKey])> = counted
        .iter()
        .map(|(guid, keys)| (guid.as_str(), keys.as_slice()))
        .collect();
    crate::dialing::history::insert_keys_batch(
        &txn,
        campaign.tenant_id,
        CallResult::Sent,
        now,
        &key_rows,
    )
    .await?;
    stats::add(&txn, campaign.id, delta).await?;
    stats::add_messages(&txn, campaign.id, message_delta).await?;
    if minute.attempts > 0 {
        stats::add_minute(&txn, campaign.id, now, minute).await?;
    }
    txn.commit().await?;

    let cached: Vec<(&str, &str, DateTime<Utc>, &[CountKey])> = counted
        .iter()
        .map(|(guid, keys)| (guid.as_str(), "SENT", now, keys.as_slice()))
        .collect();
    if let Err(error) = attempts::store_many(services, campaign.tenant_id, &cached).await {
        // Stored, not counted on the hot path: every replica reads the database until a rebuild.
        let _ = attempts::distrust(services, campaign.tenant_id).await;
        tracing::warn!(error = ?anyhow::Error::from(error), "counting sent messages failed");
    }
    Ok(())
}

/// The dialing-history row of a campaign message.
fn history_row(
    campaign: &Running,
    item: &Item,
    result: CallResult,
    at: DateTime<Utc>,
) -> dialing_history::ActiveModel {
    dialing_history::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(campaign.tenant_id),
        attempt_guid: Set(item.message.idempotency_key.clone()),
        sequence: Set(1),
        device: Set(item.record.contact_info.clone()),
        client_id: Set(item.record.c_client_id.clone()),
        calling_list: Set(None),
        campaign: Set(Some(campaign.name.clone())),
        chain_id: Set(Some(item.record.chain_id.to_string())),
        result: Set(result.name().to_owned()),
        result_code: Set(None),
        started_at: Set(at),
        ended_at: Set(Some(at)),
        received_at: Set(at),
        api_client_id: Set(None),
        record: Set(json!({
            "channel": campaign.channel.as_str(),
            "messageId": item.message.id,
            "recordHandle": item.record.record_id,
        })),
    }
}

/// Sent records whose treatment is final: done, with their chains, in a few statements.
async fn finish_sent(
    txn: &impl ConnectionTrait,
    campaign_id: Uuid,
    records: &[&calling_list_record::Model],
    at: DateTime<Utc>,
    delta: &mut Delta,
    minute: &mut Minute,
) -> Result<(), ServiceError> {
    for chunk in records.chunks(500) {
        let ids = chunk
            .iter()
            .map(|r| r.record_id.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let done = db::query(
            txn,
            &format!(
                "UPDATE calling_list_records SET attempt = attempt + 1, call_result = 28, call_time = $1, \
                 record_status = $2, lease_until = NULL, lease_id = NULL \
                 WHERE record_id IN ({ids}) AND record_status = $3 RETURNING record_id, chain_id, attempt"
            ),
            vec![
                at.timestamp().into(),
                record_status::UPDATED.into(),
                record_status::RETRIEVED.into(),
            ],
        )
        .await?;
        let n = done.len() as i64;
        let mut chains = Vec::with_capacity(done.len());
        for row in &done {
            let chain: i64 = row.try_get("", "chain_id")?;
            let attempt: i32 = row.try_get("", "attempt")?;
            chains.push(chain.to_string());
            if attempt == 1 {
                delta.attempted += 1;
            }
        }
        delta.leased -= n;
        delta.dialed += n;
        delta.final_count += n;
        minute.attempts += n;
        if !chains.is_empty() {
            let closed = db::execute(
                txn,
                &format!(
                    "UPDATE calling_list_records SET record_status = $2 WHERE campaign_id = $1 \
                     AND chain_id IN ({}) AND record_status = $3",
                    chains.join(",")
                ),
                vec![
                    campaign_id.into(),
                    record_status::UPDATED.into(),
                    record_status::CHAIN_READY.into(),
                ],
            )
            .await?;
            delta.final_count += closed as i64;
        }
    }
    Ok(())
}

/// A record whose message the gateway refused: done with a system-error
/// result; the chain goes on with its next device.
async fn refuse_record(
    txn: &impl ConnectionTrait,
    record: &calling_list_record::Model,
    at: DateTime<Utc>,
    delta: &mut Delta,
) -> Result<(), ServiceError> {
    let moved = db::execute(
        txn,
        "UPDATE calling_list_records SET attempt = attempt + 1, call_result = 4, call_time = $2, \
         record_status = $3, lease_until = NULL, lease_id = NULL WHERE record_id = $1 AND record_status = $4",
        vec![
            record.record_id.into(),
            at.timestamp().into(),
            record_status::UPDATED.into(),
            record_status::RETRIEVED.into(),
        ],
    )
    .await?;
    if moved == 0 {
        return Ok(());
    }
    delta.leased -= 1;
    delta.dialed += 1;
    delta.final_count += 1;
    if record.attempt == 0 {
        delta.attempted += 1;
    }
    if let Some(next) = crate::campaigns::treat::next_in_chain(txn, record).await? {
        db::execute(
            txn,
            "UPDATE calling_list_records SET record_status = $2, dial_sched_time = NULL WHERE record_id = $1",
            vec![next.into(), record_status::READY.into()],
        )
        .await?;
        delta.ready += 1;
    }
    Ok(())
}
