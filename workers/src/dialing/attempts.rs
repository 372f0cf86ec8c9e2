//! Attempt counts for the hot path: every attempt of the last 32 days, per
//! key it counts under, in a cache sorted set ordered by time — so the
//! attempts of all the keys of a whole batch of records come back in one
//! round trip — rebuilt from the `attempt_keys` table (the system of
//! record) whenever the cache lost them.
//!
//! *Layout:* set `att:<tenant>:<digest of key>`, members `<RESULT>|<guid>`
//! scored by the attempt's start in epoch milliseconds; the plain key
//! `att:ready:<tenant>` marks a tenant's sets complete. Keys are digests, so
//! the cache holds no phone number or client id in its key names.
//!
//! *Safety rule:* a read that cannot trust the cache (no mark, or the cache
//! failed) is answered from the database, exactly; the cache may count an
//! attempt twice for a moment (a rebuild racing a record 1), never miss one.

use std::collections::HashMap;
use std::time::Duration;

use cache::SortedWrite;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use compliance::{Attempt, AttemptLog, CallResult, CountBy, MAX_ROLLING_HOURS, RuleSet};
use entity::attempt_key;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{ServiceError, Services};

/// How far back attempts are kept in the cache: the longest rolling period a
/// rule may have (31 days) plus a day for "today" in far-away zones.
pub const RETENTION: Duration = Duration::from_secs((MAX_ROLLING_HOURS as u64 + 24) * 3600);

/// Rows per page while a tenant's sets are rebuilt.
const REBUILD_PAGE: u64 = 10_000;

/// How long one process may hold a tenant's rebuild before another may start it.
const REBUILD_LEASE: Duration = Duration::from_secs(600);

/// One key an attempt counts under, as stored in `attempt_keys.key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CountKey {
    /// The device value dialed.
    Device(String),
    /// The contact's client id.
    ClientId(String),
    /// A custom key of the contact (`debt_id` = `D-9`).
    Custom(String, String),
}

impl CountKey {
    /// The stored text: `d:<device>`, `c:<client id>`, `k:<name>=<value>`.
    pub fn text(&self) -> String {
        match self {
            CountKey::Device(device) => format!("d:{device}"),
            CountKey::ClientId(id) => format!("c:{id}"),
            CountKey::Custom(name, value) => format!("k:{name}={value}"),
        }
    }

    /// Reads the stored text back; `None` for text this version does not write.
    pub(crate) fn parse_stored(text: &str) -> Option<CountKey> {
        let (kind, rest) = text.split_once(':')?;
        match kind {
            "d" => Some(CountKey::Device(rest.to_owned())),
            "c" => Some(CountKey::ClientId(rest.to_owned())),
            "k" => {
                let (name, value) = rest.split_once('=')?;
                Some(CountKey::Custom(name.to_owned(), value.to_owned()))
            }
            _ => None,
        }
    }
}

/// The custom key names the rules count by ("debt_id").
pub fn custom_key_names(rules: &RuleSet) -> Vec<&str> {
    let mut names: Vec<&str> = rules
        .attempt_rules
        .iter()
        .filter_map(|rule| match &rule.counted_by {
            CountBy::Custom(name) => Some(name.as_str()),
            _ => None,
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Every key an attempt to `device` of this person counts under.
pub fn count_keys(
    device: &str,
    client_id: Option<&str>,
    custom: &[(String, String)],
) -> Vec<CountKey> {
    let mut keys = vec![CountKey::Device(device.to_owned())];
    if let Some(id) = client_id {
        keys.push(CountKey::ClientId(id.to_owned()));
    }
    keys.extend(
        custom
            .iter()
            .map(|(name, value)| CountKey::Custom(name.clone(), value.clone())),
    );
    keys
}

fn set_key(tenant_id: Uuid, key: &CountKey) -> String {
    let digest = Sha256::digest(key.text().as_bytes());
    format!("att:{tenant_id}:{}", hex::encode(&digest[..16]))
}

fn ready_key(tenant_id: Uuid) -> String {
    format!("att:ready:{tenant_id}")
}

fn member(result: &str, guid: &str) -> String {
    format!("{result}|{guid}")
}

fn result_of(name: &str) -> CallResult {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).unwrap_or(CallResult::Other)
}

/// One attempt under one key, as read back.
struct Found {
    key: CountKey,
    guid: String,
    result: String,
    started_ms: i64,
}

/// The attempts of each record's keys since `since`, as the engine's
/// in-memory history: one cache round trip for the whole batch, or the
/// database when the cache cannot be trusted.
pub async fn load(
    services: &Services,
    tenant_id: Uuid,
    records: &[Vec<CountKey>],
    since: DateTime<Utc>,
) -> Result<Vec<AttemptLog>, ServiceError> {
    let mut distinct: Vec<&CountKey> = records.iter().flatten().collect();
    distinct.sort_by_key(|key| key.text());
    distinct.dedup();
    let found = match from_cache(services, tenant_id, &distinct, since).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            spawn_rebuild(services.clone(), tenant_id);
            from_database(services, tenant_id, &distinct, since).await?
        }
        Err(error) => {
            tracing::warn!(%error, "attempt counts unreadable in the cache; reading the database");
            from_database(services, tenant_id, &distinct, since).await?
        }
    };
    Ok(assemble(records, found))
}

async fn from_cache(
    services: &Services,
    tenant_id: Uuid,
    keys: &[&CountKey],
    since: DateTime<Utc>,
) -> Result<Option<Vec<Found>>, ServiceError> {
    let set_keys: Vec<String> = keys.iter().map(|key| set_key(tenant_id, key)).collect();
    let (ready, ranges) = services
        .cache
        .sorted_read(&ready_key(tenant_id), &set_keys, since.timestamp_millis())
        .await?;
    if ready.is_none() {
        return Ok(None);
    }
    let mut found = Vec::new();
    for (key, members) in keys.iter().zip(ranges) {
        for (member, score) in members {
            let Some((result, guid)) = member.split_once('|') else {
                continue;
            };
            found.push(Found {
                key: (*key).clone(),
                guid: guid.to_owned(),
                result: result.to_owned(),
                started_ms: score,
            });
        }
    }
    Ok(Some(found))
}

async fn from_database(
    services: &Services,
    tenant_id: Uuid,
    keys: &[&CountKey],
    since: DateTime<Utc>,
) -> Result<Vec<Found>, ServiceError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<String> = keys.iter().map(|key| key.text()).collect();
    let rows = attempt_key::Entity::find()
        .filter(attempt_key::Column::TenantId.eq(tenant_id))
        .filter(attempt_key::Column::Key.is_in(texts))
        .filter(attempt_key::Column::StartedAt.gte(since))
        .all(&services.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Found {
                key: CountKey::parse_stored(&row.key)?,
                guid: row.attempt_guid,
                result: row.result,
                started_ms: row.started_at.timestamp_millis(),
            })
        })
        .collect())
}

/// Joins the attempts found under each key into whole attempts (one attempt
/// is found under its device, its client id and its custom keys), then gives
/// each record the attempts of its own keys.
fn assemble(records: &[Vec<CountKey>], found: Vec<Found>) -> Vec<AttemptLog> {
    let mut attempts: HashMap<String, Attempt> = HashMap::new();
    let mut by_key: HashMap<CountKey, Vec<String>> = HashMap::new();
    for hit in found {
        let attempt = attempts.entry(hit.guid.clone()).or_insert_with(|| Attempt {
            at: Utc
                .timestamp_millis_opt(hit.started_ms)
                .single()
                .unwrap_or_default(),
            device: String::new(),
            client_id: None,
            custom_keys: Default::default(),
            result: result_of(&hit.result),
        });
        // A member seen twice (a rebuild racing a result) counts with the later result.
        if hit.result != CallResult::InProgress.name() {
            attempt.result = result_of(&hit.result);
        }
        match &hit.key {
            CountKey::Device(device) => attempt.device.clone_from(device),
            CountKey::ClientId(id) => attempt.client_id = Some(id.clone()),
            CountKey::Custom(name, value) => {
                attempt.custom_keys.insert(name.clone(), value.clone());
            }
        }
        by_key.entry(hit.key).or_default().push(hit.guid);
    }
    records
        .iter()
        .map(|keys| {
            let mut guids: Vec<&String> = keys
                .iter()
                .filter_map(|key| by_key.get(key))
                .flatten()
                .collect();
            guids.sort_unstable();
            guids.dedup();
            AttemptLog {
                attempts: guids
                    .into_iter()
                    .filter_map(|guid| attempts.get(guid).cloned())
                    .collect(),
            }
        })
        .collect()
}

/// Writes one attempt's current state under each of its keys: its member
/// with the stored result, the in-progress member gone once a result came.
/// Idempotent, so a retried call report repairs a write that failed.
pub async fn store(
    services: &Services,
    tenant_id: Uuid,
    guid: &str,
    result: &str,
    started_at: DateTime<Utc>,
    keys: &[CountKey],
) -> Result<(), ServiceError> {
    store_many(services, tenant_id, &[(guid, result, started_at, keys)]).await
}

/// [`store`] for many attempts in one cache round trip (the Dial Manager's batches).
pub async fn store_many(
    services: &Services,
    tenant_id: Uuid,
    attempts: &[(&str, &str, DateTime<Utc>, &[CountKey])],
) -> Result<(), ServiceError> {
    let oldest =
        (Utc::now() - TimeDelta::from_std(RETENTION).unwrap_or_default()).timestamp_millis();
    let mut writes = Vec::new();
    for (guid, result, started_at, keys) in attempts {
        let (guid, result) = (*guid, *result);
        let score = started_at.timestamp_millis();
        for key in *keys {
            let set = set_key(tenant_id, key);
            if result != CallResult::InProgress.name() {
                writes.push(SortedWrite::Remove {
                    key: set.clone(),
                    member: member(CallResult::InProgress.name(), guid),
                });
            }
            writes.push(SortedWrite::Add {
                key: set.clone(),
                member: member(result, guid),
                score,
            });
            writes.push(SortedWrite::TrimBelow {
                key: set.clone(),
                score: oldest,
            });
            writes.push(SortedWrite::Expire {
                key: set,
                ttl: RETENTION,
            });
        }
    }
    services.cache.sorted_write(&writes).await?;
    Ok(())
}

/// Makes the next reads of a tenant go to the database until a rebuild
/// completes (a cache write failed: what the cache holds may be short).
pub async fn distrust(services: &Services, tenant_id: Uuid) -> Result<(), ServiceError> {
    services.cache.delete(&ready_key(tenant_id)).await?;
    Ok(())
}

fn spawn_rebuild(services: Services, tenant_id: Uuid) {
    tokio::spawn(async move {
        if let Err(error) = rebuild(&services, tenant_id).await {
            tracing::warn!(%tenant_id, %error, "rebuilding attempt counts failed");
        }
    });
}

/// Copies a tenant's attempts of the retention period from the database into
/// the cache, then marks its sets complete; returns how many keys were written
/// (0 when another process is at it).
pub async fn rebuild(services: &Services, tenant_id: Uuid) -> Result<u64, ServiceError> {
    let Some(lock) = services
        .cache
        .try_lock(&format!("att:rebuild:{tenant_id}"), REBUILD_LEASE)
        .await?
    else {
        return Ok(0);
    };
    let copied = copy_all(services, tenant_id).await;
    let released = lock.release().await;
    let copied = copied?;
    released?;
    services.cache.set(&ready_key(tenant_id), "1", None).await?;
    tracing::info!(%tenant_id, keys = copied, "attempt counts rebuilt from the dialing history");
    Ok(copied)
}

async fn copy_all(services: &Services, tenant_id: Uuid) -> Result<u64, ServiceError> {
    let since = Utc::now() - TimeDelta::from_std(RETENTION).unwrap_or_default();
    let mut after: Option<(String, String)> = None;
    let mut copied = 0;
    loop {
        let mut query = attempt_key::Entity::find()
            .filter(attempt_key::Column::TenantId.eq(tenant_id))
            .filter(attempt_key::Column::StartedAt.gte(since));
        if let Some((guid, key)) = &after {
            query = query.filter(
                sea_orm::Condition::any()
                    .add(attempt_key::Column::AttemptGuid.gt(guid.clone()))
                    .add(
                        sea_orm::Condition::all()
                            .add(attempt_key::Column::AttemptGuid.eq(guid.clone()))
                            .add(attempt_key::Column::Key.gt(key.clone())),
                    ),
            );
        }
        let page = query
            .order_by_asc(attempt_key::Column::AttemptGuid)
            .order_by_asc(attempt_key::Column::Key)
            .limit(REBUILD_PAGE)
            .all(&services.db)
            .await?;
        let Some(last) = page.last() else {
            return Ok(copied);
        };
        after = Some((last.attempt_guid.clone(), last.key.clone()));
        copied += page.len() as u64;
        let mut writes = Vec::with_capacity(page.len() * 2);
        for row in &page {
            let Some(key) = CountKey::parse_stored(&row.key) else {
                continue;
            };
            let set = set_key(tenant_id, &key);
            writes.push(SortedWrite::Add {
                key: set.clone(),
                member: member(&row.result, &row.attempt_guid),
                score: row.started_at.timestamp_millis(),
            });
            writes.push(SortedWrite::Expire {
                key: set,
                ttl: RETENTION,
            });
        }
        services.cache.sorted_write(&writes).await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_their_text() {
        for key in [
            CountKey::Device("+12127365000".into()),
            CountKey::ClientId("C:17".into()),
            CountKey::Custom("debt_id".into(), "D=9".into()),
        ] {
            assert_eq!(CountKey::parse_stored(&key.text()), Some(key));
        }
        assert_eq!(CountKey::parse_stored("x:1"), None);
    }

    #[test]
    fn an_attempt_found_under_several_keys_is_one_attempt() {
        let device = CountKey::Device("+12127365000".into());
        let client = CountKey::ClientId("C-1".into());
        let found = vec![
            Found {
                key: device.clone(),
                guid: "g1".into(),
                result: "IN_PROGRESS".into(),
                started_ms: 1_000,
            },
            Found {
                key: client.clone(),
                guid: "g1".into(),
                result: "BUSY".into(),
                started_ms: 1_000,
            },
            Found {
                key: client.clone(),
                guid: "g2".into(),
                result: "ABANDONED".into(),
                started_ms: 2_000,
            },
        ];
        let logs = assemble(&[vec![device.clone(), client], vec![device]], found);
        assert_eq!(logs[0].attempts.len(), 2);
        let first = &logs[0].attempts[0];
        assert_eq!(first.device, "+12127365000");
        assert_eq!(first.client_id.as_deref(), Some("C-1"));
        assert_eq!(first.result, CallResult::Busy);
        assert_eq!(logs[1].attempts.len(), 1);
    }
}
