//! Call report records into dialing history: record 0 when dialling starts,
//! record 1 when the attempt ends, idempotent by attempt guid. A record is
//! acknowledged only once it is committed to the database *and* counted in
//! the cache, so from the dialer's `200` on, every replica counts it.

use chrono::{DateTime, Utc};
use compliance::CallResult;
use domain::{DefaultCountry, PhoneNumber};
use entity::{attempt_key, dialing_history};
use ocs::{Report, Sequence};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::attempts::{self, CountKey};
use crate::accounts::api_clients::ApiPrincipal;
use crate::{ServiceError, Services};

/// What became of a call report record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new attempt.
    Stored,
    /// Record 1 replaced the attempt's record 0.
    Replaced,
    /// The same record again: nothing changed.
    Duplicate,
    /// Record 0 after record 1: the attempt already has its result.
    Superseded,
}

impl Outcome {
    /// The name the dialer reads.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Stored => "STORED",
            Outcome::Replaced => "REPLACED",
            Outcome::Duplicate => "DUPLICATE",
            Outcome::Superseded => "SUPERSEDED",
        }
    }
}

/// Stores one call report record of `client`'s tenant (`raw` is the body as
/// sent, kept for audit); `at` is when it arrived.
pub async fn record(
    services: &Services,
    client: &ApiPrincipal,
    report: &Report,
    record: &ocs::Record<'_>,
    raw: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<Outcome, ServiceError> {
    let tenant_id = client.tenant_id;
    let country = match report.validation.country.as_deref() {
        Some(country) => Some(DefaultCountry::parse("GSW_COUNTRY", country)?),
        None => None,
    };
    let number = PhoneNumber::parse("GSW_PHONE", &report.validation.phone, country)?;
    let device = number.e164().to_owned();
    let client_id = report.validation.client_id.clone();
    let rules = services.hot.rules(services, tenant_id).await?;
    let mut custom = Vec::new();
    for name in attempts::custom_key_names(&rules.stored.rules) {
        if let Some(value) = record.custom(name)? {
            custom.push((name.to_owned(), value));
        }
    }
    let keys = attempts::count_keys(&device, client_id.as_deref(), &custom);
    let (result, code) = match report.result {
        Some((result, code)) => (result, code),
        None => (CallResult::InProgress, None),
    };
    let event_at = report.at.unwrap_or(at);

    let txn = services.begin().await?;
    let row = dialing_history::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant_id),
        attempt_guid: Set(report.guid.clone()),
        sequence: Set(report.sequence.number()),
        device: Set(device.clone()),
        client_id: Set(client_id.clone()),
        calling_list: Set(report.validation.calling_list.clone()),
        campaign: Set(report.validation.campaign.clone()),
        chain_id: Set(report.chain_id.clone()),
        result: Set(result.name().to_owned()),
        result_code: Set(code.map(i32::from)),
        started_at: Set(event_at),
        ended_at: Set((report.sequence == Sequence::Finished).then_some(event_at)),
        received_at: Set(at),
        api_client_id: Set(Some(client.client_id)),
        record: Set(raw.clone()),
    };
    let inserted = dialing_history::Entity::insert(row)
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
    let outcome = if inserted == 1 {
        insert_keys(&txn, tenant_id, &report.guid, result, event_at, &keys).await?;
        Outcome::Stored
    } else {
        settle_existing(
            &txn, tenant_id, report, &device, result, code, event_at, at, raw,
        )
        .await?
    };
    // A finished attempt on a calling-list record moves the record on (once:
    // only the delivery that stored or replaced the row gets here).
    let finished_now = report.sequence == Sequence::Finished
        && matches!(outcome, Outcome::Stored | Outcome::Replaced);
    let mut suppress = None;
    if let Some(handle) = report.record_handle {
        if finished_now {
            suppress = crate::campaigns::treat::apply(
                &txn,
                tenant_id,
                handle,
                result,
                code,
                report.callback.as_ref(),
                event_at,
            )
            .await?
            .flatten();
        } else if outcome == Outcome::Duplicate && report.sequence == Sequence::Finished {
            // A retry: the first delivery may have committed without suppressing.
            suppress =
                crate::campaigns::treat::suppression_for(&txn, tenant_id, handle, result).await?;
        }
    }
    // What is stored now (record 0 or 1), for the cache.
    let stored = dialing_history::Entity::find()
        .filter(dialing_history::Column::TenantId.eq(tenant_id))
        .filter(dialing_history::Column::AttemptGuid.eq(report.guid.as_str()))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("attempt"))?;
    let stored_keys: Vec<CountKey> = attempt_key::Entity::find()
        .filter(attempt_key::Column::TenantId.eq(tenant_id))
        .filter(attempt_key::Column::AttemptGuid.eq(report.guid.as_str()))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|row| CountKey::parse_stored(&row.key))
        .collect();
    txn.commit().await?;

    if let Err(error) = attempts::store(
        services,
        tenant_id,
        &stored.attempt_guid,
        &stored.result,
        stored.started_at,
        &stored_keys,
    )
    .await
    {
        // Stored, but not counted on the hot path: make every replica read the
        // database until a rebuild, and let the dialer retry (idempotent).
        if attempts::distrust(services, tenant_id).await.is_err() {
            tracing::warn!(%tenant_id, "attempt counts could not be marked stale");
        }
        return Err(error);
    }
    if let Some(suppress) = suppress {
        // Before the 200: a dialer retrying after a failure here suppresses again.
        crate::suppression::suppress_from_result(
            services,
            tenant_id,
            &suppress.value,
            &suppress.reason,
        )
        .await?;
    }
    Ok(outcome)
}

async fn insert_keys(
    txn: &impl ConnectionTrait,
    tenant_id: Uuid,
    guid: &str,
    result: CallResult,
    started_at: DateTime<Utc>,
    keys: &[CountKey],
) -> Result<(), ServiceError> {
    insert_keys_batch(txn, tenant_id, result, started_at, &[(guid, keys)]).await
}

/// The `attempt_keys` rows of many attempts with one result and instant
/// (the Dial Manager's batches), passed as one JSON parameter: one cheap
/// statement on either store however many rows (once each).
pub(crate) async fn insert_keys_batch(
    txn: &impl ConnectionTrait,
    tenant_id: Uuid,
    result: CallResult,
    started_at: DateTime<Utc>,
    attempts: &[(&str, &[CountKey])],
) -> Result<(), ServiceError> {
    let rows: Vec<serde_json::Value> = attempts
        .iter()
        .flat_map(|(guid, keys)| {
            keys.iter()
                .map(move |key| serde_json::json!({ "g": guid, "k": key.text() }))
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let source = crate::import::writer::source(
        txn.get_database_backend(),
        4,
        &[("g", "text"), ("k", "text")],
    );
    // `WHERE true`: SQLite reads `ON` after a bare `FROM` as a join constraint.
    crate::db::execute(
        txn,
        &format!(
            "INSERT INTO attempt_keys (tenant_id, attempt_guid, key, result, started_at) \
             SELECT $1, r.g, r.k, $2, $3 FROM {source} WHERE true \
             ON CONFLICT (tenant_id, attempt_guid, key) DO NOTHING"
        ),
        vec![
            tenant_id.into(),
            result.name().to_owned().into(),
            started_at.into(),
            serde_json::Value::Array(rows).to_string().into(),
        ],
    )
    .await?;
    Ok(())
}

/// The attempt exists: record 1 replaces record 0 (atomically, once), any
/// other record changes nothing; a guid reused for another number is refused.
#[allow(clippy::too_many_arguments)]
async fn settle_existing(
    txn: &impl ConnectionTrait,
    tenant_id: Uuid,
    report: &Report,
    device: &str,
    result: CallResult,
    code: Option<u16>,
    event_at: DateTime<Utc>,
    at: DateTime<Utc>,
    raw: &serde_json::Value,
) -> Result<Outcome, ServiceError> {
    let replaced = dialing_history::Entity::update_many()
        .set(dialing_history::ActiveModel {
            sequence: Set(report.sequence.number()),
            result: Set(result.name().to_owned()),
            result_code: Set(code.map(i32::from)),
            ended_at: Set(Some(event_at)),
            received_at: Set(at),
            record: Set(raw.clone()),
            ..Default::default()
        })
        .filter(dialing_history::Column::TenantId.eq(tenant_id))
        .filter(dialing_history::Column::AttemptGuid.eq(report.guid.as_str()))
        .filter(dialing_history::Column::Device.eq(device))
        .filter(dialing_history::Column::Sequence.lt(report.sequence.number()))
        .exec(txn)
        .await?
        .rows_affected;
    if replaced == 1 {
        attempt_key::Entity::update_many()
            .set(attempt_key::ActiveModel {
                result: Set(result.name().to_owned()),
                tenant_id: ActiveValue::NotSet,
                ..Default::default()
            })
            .filter(attempt_key::Column::TenantId.eq(tenant_id))
            .filter(attempt_key::Column::AttemptGuid.eq(report.guid.as_str()))
            .exec(txn)
            .await?;
        return Ok(Outcome::Replaced);
    }
    let existing = dialing_history::Entity::find()
        .filter(dialing_history::Column::TenantId.eq(tenant_id))
        .filter(dialing_history::Column::AttemptGuid.eq(report.guid.as_str()))
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound("attempt"))?;
    if existing.device != device {
        return Err(ServiceError::Conflict {
            field: "GSW_CALL_ATTEMPT_GUID",
            message: "already names an attempt to another number".into(),
        });
    }
    if existing.sequence == report.sequence.number() {
        Ok(Outcome::Duplicate)
    } else {
        Ok(Outcome::Superseded)
    }
}
