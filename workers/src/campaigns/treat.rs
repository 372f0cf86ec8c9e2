//! Treatments of call results: a call report record (`/ocs/v1/history`,
//! record 1) naming a calling-list record (`GSW_RECORD_HANDLE`) moves that
//! record on — retry later, the chain's next device, a callback, or done —
//! inside the transaction that stores the history row, so a result is applied
//! exactly once (the attempt guid makes the history idempotent).

use campaign::layout::{record_status, record_type};
use campaign::{Next, RecordFacts};
use chrono::{DateTime, Utc};
use compliance::CallResult;
use entity::calling_list_record;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::stats::{self, Delta, Minute};
use crate::ServiceError;
use crate::db;

/// What the caller does after commit: put this number on the tenant's
/// do-not-call list (the result asked for it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppress {
    /// The E.164 number.
    pub value: String,
    /// Why, for the entry.
    pub reason: String,
}

/// The counters one result moves.
fn result_delta(result: CallResult) -> (Delta, Minute) {
    let mut delta = Delta {
        dialed: 1,
        ..Delta::default()
    };
    let mut minute = Minute {
        attempts: 1,
        ..Minute::default()
    };
    match result {
        CallResult::Answer | CallResult::RightPartyContact | CallResult::WrongParty => {
            delta.connected = 1;
            minute.connects = 1;
            minute.answered = 1;
        }
        CallResult::Abandoned => {
            delta.abandoned = 1;
            minute.abandoned = 1;
            minute.answered = 1;
        }
        CallResult::NoAnswer => delta.no_answer = 1,
        CallResult::Busy => delta.busy = 1,
        CallResult::AnsweringMachine => delta.machine = 1,
        _ => {}
    }
    (delta, minute)
}

/// Applies the result of one finished attempt to its record, in `txn`.
/// Returns `None` when the handle names no record of the tenant (the history
/// row is still stored: dialers may report calls made outside campaigns).
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    txn: &impl ConnectionTrait,
    tenant_id: Uuid,
    record_id: i64,
    result: CallResult,
    code: Option<u16>,
    callback: Option<&ocs::Callback>,
    at: DateTime<Utc>,
) -> Result<Option<Option<Suppress>>, ServiceError> {
    let Some(record) = calling_list_record::Entity::find_by_id(record_id)
        .filter(calling_list_record::Column::TenantId.eq(tenant_id))
        .lock_exclusive()
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    let was_leased = record.record_status == record_status::RETRIEVED;
    if !was_leased && record.record_status != record_status::READY {
        // Already done (a result for a record finished another way): history only.
        return Ok(Some(None));
    }
    let campaign = crate::campaigns::find(txn, tenant_id, record.campaign_id, false).await?;
    let settings = super::settings_of(txn, &campaign).await?;
    let next_member = next_in_chain(txn, &record).await?;
    let attempts = u16::try_from(record.attempt + 1).unwrap_or(u16::MAX);
    let (mut next, suppress) = settings.treatments.next(
        result,
        RecordFacts {
            attempts,
            has_next_in_chain: next_member.is_some(),
        },
        at,
    );
    let (mut delta, minute) = result_delta(result);
    if was_leased {
        delta.leased -= 1;
    } else {
        delta.ready -= 1;
    }
    if record.attempt == 0 {
        delta.attempted += 1;
    }
    let mut new_type = record.record_type;
    let mut agent = record.agent_id.clone();
    if let Some(callback) = callback
        && !suppress
    {
        next = Next::RetryAt(callback.at);
        new_type = if callback.personal {
            record_type::PERSONAL_CALLBACK
        } else {
            record_type::CAMPAIGN_CALLBACK
        };
        agent = callback.agent_id.clone();
    }
    let code = code.map_or_else(
        || i16::try_from(default_code(result)).unwrap_or(28),
        |code| code as i16,
    );
    let (status, when) = match next {
        Next::RetryAt(when) => {
            if new_type == record.record_type {
                new_type = record_type::CAMPAIGN_RESCHEDULED;
            }
            delta.ready += 1;
            (record_status::READY, Some(when.timestamp()))
        }
        Next::NextInChain | Next::Final => {
            delta.final_count += 1;
            (record_status::UPDATED, None)
        }
    };
    db::execute(
        txn,
        "UPDATE calling_list_records SET attempt = attempt + 1, call_result = $2, call_time = $3, \
         record_status = $4, record_type = $5, dial_sched_time = $6, agent_id = $7, \
         lease_until = NULL, lease_id = NULL WHERE record_id = $1",
        vec![
            record.record_id.into(),
            code.into(),
            at.timestamp().into(),
            status.into(),
            new_type.into(),
            when.into(),
            agent.into(),
        ],
    )
    .await?;
    match (next, next_member) {
        (Next::NextInChain, Some(member)) => {
            db::execute(
                txn,
                "UPDATE calling_list_records SET record_status = $2, dial_sched_time = NULL WHERE record_id = $1",
                vec![member.into(), record_status::READY.into()],
            )
            .await?;
            delta.ready += 1;
        }
        (Next::Final, _) => {
            // The chain is done: its waiting devices are too.
            let closed = db::execute(
                txn,
                "UPDATE calling_list_records SET record_status = $3 \
                 WHERE campaign_id = $1 AND chain_id = $2 AND record_status = $4",
                vec![
                    record.campaign_id.into(),
                    record.chain_id.into(),
                    record_status::UPDATED.into(),
                    record_status::CHAIN_READY.into(),
                ],
            )
            .await?;
            delta.final_count += closed as i64;
        }
        _ => {}
    }
    stats::add(txn, record.campaign_id, delta).await?;
    stats::add_minute(txn, record.campaign_id, at, minute).await?;
    Ok(Some(suppress.then(|| Suppress {
        value: record.contact_info.clone(),
        reason: format!("call result {}", result.name()),
    })))
}

#[derive(FromQueryResult)]
struct Member {
    record_id: i64,
}

/// The chain's next waiting device after `record`, if any.
pub(crate) async fn next_in_chain(
    conn: &impl ConnectionTrait,
    record: &calling_list_record::Model,
) -> Result<Option<i64>, ServiceError> {
    let rows = db::query(
        conn,
        "SELECT record_id FROM calling_list_records WHERE campaign_id = $1 AND chain_id = $2 \
         AND record_status = $3 AND chain_n > $4 ORDER BY chain_n LIMIT 1",
        vec![
            record.campaign_id.into(),
            record.chain_id.into(),
            record_status::CHAIN_READY.into(),
            record.chain_n.into(),
        ],
    )
    .await?;
    Ok(rows
        .first()
        .map(|row| Member::from_query_result(row, ""))
        .transpose()?
        .map(|member| member.record_id))
}

/// The OCS code stored for a result reported by name.
fn default_code(result: CallResult) -> u16 {
    match result {
        CallResult::Answer | CallResult::RightPartyContact => 33,
        CallResult::WrongParty => 40,
        CallResult::AnsweringMachine => 9,
        CallResult::Busy => 6,
        CallResult::NoAnswer => 7,
        CallResult::Abandoned => 21,
        CallResult::DoNotCall => 51,
        CallResult::WrongNumber => 53,
        CallResult::Fax => 17,
        CallResult::SystemError => 4,
        CallResult::Sent | CallResult::Other | CallResult::InProgress => 28,
    }
}

/// Whether `result` on record `record_id` asks for suppression: for a retried
/// report whose first delivery committed but did not get to suppress.
pub async fn suppression_for(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    record_id: i64,
    result: CallResult,
) -> Result<Option<Suppress>, ServiceError> {
    let Some(record) = calling_list_record::Entity::find_by_id(record_id)
        .filter(calling_list_record::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let campaign = crate::campaigns::find(conn, tenant_id, record.campaign_id, false).await?;
    let settings = super::settings_of(conn, &campaign).await?;
    Ok(settings
        .treatments
        .for_result(result)
        .suppress_device
        .then(|| Suppress {
            value: record.contact_info,
            reason: format!("call result {}", result.name()),
        }))
}
