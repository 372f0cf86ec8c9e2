//! Sorted sets and counter hashes: the two Redis structures the dialer hot
//! path needs beyond plain keys — attempts per device or person ordered by
//! time (read as "everything since T" in one round trip) and per-second
//! traffic counters (many fields incremented at once).
//!
//! Scores are whole numbers (milliseconds, seconds); Redis keeps them as
//! doubles, exact up to 2^53.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::redis_store::RedisStore;
use crate::{Backend, Cache, CacheError, lock_ignoring_poison, ttl_millis};

/// One change to a sorted set; a batch of them is applied atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortedWrite {
    /// Adds `member` (or moves it) at `score`.
    Add {
        /// The set.
        key: String,
        /// The member.
        member: String,
        /// Its score.
        score: i64,
    },
    /// Removes `member`.
    Remove {
        /// The set.
        key: String,
        /// The member.
        member: String,
    },
    /// Removes every member scored below `score` (history past its horizon).
    TrimBelow {
        /// The set.
        key: String,
        /// The first score kept.
        score: i64,
    },
    /// Sets the set's time to live (refreshed on every write).
    Expire {
        /// The set.
        key: String,
        /// How long it lives unless written again.
        ttl: Duration,
    },
}

/// What a guarded read returns: the guard key's value, and per key the
/// members scored at or above the minimum, lowest score first.
pub type SortedRead = (Option<String>, Vec<Vec<(String, i64)>>);

impl Cache {
    /// Applies `writes` in order, atomically (one `MULTI`/`EXEC` round trip on Redis).
    pub async fn sorted_write(&self, writes: &[SortedWrite]) -> Result<(), CacheError> {
        if writes.is_empty() {
            return Ok(());
        }
        match &self.backend {
            Backend::Redis(store) => redis_sorted_write(store, writes).await,
            Backend::InProcess(store) => {
                store.structures.sorted_write(writes);
                Ok(())
            }
        }
    }

    /// Reads the plain key `guard` (a completeness mark the caller sets) and,
    /// for each key, its members scored at or above `min_score` — all in one
    /// round trip, so a caller knows whether what it read is whole.
    pub async fn sorted_read(
        &self,
        guard: &str,
        keys: &[String],
        min_score: i64,
    ) -> Result<SortedRead, CacheError> {
        match &self.backend {
            Backend::Redis(store) => redis_sorted_read(store, guard, keys, min_score).await,
            Backend::InProcess(store) => Ok((
                store.get(guard),
                keys.iter()
                    .map(|key| store.structures.sorted_range(key, min_score))
                    .collect(),
            )),
        }
    }

    /// Adds to several integer fields of the hash at `key` at once and sets its
    /// time to live (one round trip on Redis).
    pub async fn counters_add(
        &self,
        key: &str,
        fields: &[(String, i64)],
        ttl: Duration,
    ) -> Result<(), CacheError> {
        if fields.is_empty() {
            return Ok(());
        }
        match &self.backend {
            Backend::Redis(store) => {
                let full = store.key(key);
                let mut pipe = redis::pipe();
                pipe.atomic();
                for (field, by) in fields {
                    pipe.cmd("HINCRBY").arg(&full).arg(field).arg(by).ignore();
                }
                pipe.cmd("PEXPIRE").arg(&full).arg(ttl_millis(ttl)).ignore();
                let () = pipe.query_async(&mut store.connection()).await?;
                Ok(())
            }
            Backend::InProcess(store) => {
                store.structures.counters_add(key, fields, ttl);
                Ok(())
            }
        }
    }

    /// Every field of each counter hash (empty for a missing key), in one round trip.
    pub async fn counters_get(
        &self,
        keys: &[String],
    ) -> Result<Vec<HashMap<String, i64>>, CacheError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        match &self.backend {
            Backend::Redis(store) => {
                let mut pipe = redis::pipe();
                for key in keys {
                    pipe.cmd("HGETALL").arg(store.key(key));
                }
                let values: Vec<HashMap<String, i64>> =
                    pipe.query_async(&mut store.connection()).await?;
                Ok(values)
            }
            Backend::InProcess(store) => Ok(keys
                .iter()
                .map(|key| store.structures.counters_get(key))
                .collect()),
        }
    }
}

async fn redis_sorted_write(store: &RedisStore, writes: &[SortedWrite]) -> Result<(), CacheError> {
    let mut pipe = redis::pipe();
    pipe.atomic();
    for write in writes {
        match write {
            SortedWrite::Add { key, member, score } => {
                pipe.cmd("ZADD").arg(store.key(key)).arg(*score).arg(member)
            }
            SortedWrite::Remove { key, member } => pipe.cmd("ZREM").arg(store.key(key)).arg(member),
            SortedWrite::TrimBelow { key, score } => pipe
                .cmd("ZREMRANGEBYSCORE")
                .arg(store.key(key))
                .arg("-inf")
                .arg(format!("({score}")),
            SortedWrite::Expire { key, ttl } => pipe
                .cmd("PEXPIRE")
                .arg(store.key(key))
                .arg(ttl_millis(*ttl)),
        }
        .ignore();
    }
    let () = pipe.query_async(&mut store.connection()).await?;
    Ok(())
}

async fn redis_sorted_read(
    store: &RedisStore,
    guard: &str,
    keys: &[String],
    min_score: i64,
) -> Result<SortedRead, CacheError> {
    let mut pipe = redis::pipe();
    pipe.cmd("GET").arg(store.key(guard));
    for key in keys {
        pipe.cmd("ZRANGE")
            .arg(store.key(key))
            .arg(min_score)
            .arg("+inf")
            .arg("BYSCORE")
            .arg("WITHSCORES");
    }
    let (guard_value, ranges): (Option<String>, Vec<Vec<(String, f64)>>) = {
        let mut values: Vec<redis::Value> = pipe.query_async(&mut store.connection()).await?;
        let rest = values.split_off(1.min(values.len()));
        let guard_value: Option<String> = match values.pop() {
            Some(value) => redis::from_redis_value(value).map_err(redis::RedisError::from)?,
            None => None,
        };
        let ranges = rest
            .into_iter()
            .map(redis::from_redis_value)
            .collect::<Result<Vec<Vec<(String, f64)>>, _>>()
            .map_err(redis::RedisError::from)?;
        (guard_value, ranges)
    };
    let ranges = ranges
        .into_iter()
        .map(|members| {
            members
                .into_iter()
                // Scores are whole numbers written by `sorted_write`: exact.
                .map(|(member, score)| (member, score as i64))
                .collect()
        })
        .collect();
    Ok((guard_value, ranges))
}

/// A sorted set or counter hash of the in-process backend, with its expiry.
struct Expiring<T> {
    value: T,
    expires_at: Option<Instant>,
}

impl<T: Default> Expiring<T> {
    fn live_or_new<'a>(
        map: &'a mut HashMap<String, Expiring<T>>,
        key: &str,
        now: Instant,
    ) -> &'a mut Expiring<T> {
        let expired = map
            .get(key)
            .is_some_and(|entry| entry.expires_at.is_some_and(|at| at <= now));
        if expired {
            map.remove(key);
        }
        map.entry(key.to_owned()).or_insert_with(|| Expiring {
            value: T::default(),
            expires_at: None,
        })
    }
}

fn live<'a, T>(map: &'a HashMap<String, Expiring<T>>, key: &str, now: Instant) -> Option<&'a T> {
    map.get(key)
        .filter(|entry| entry.expires_at.is_none_or(|at| at > now))
        .map(|entry| &entry.value)
}

/// The in-process backend's sorted sets and counter hashes.
#[derive(Default)]
pub(crate) struct MemoryStructures {
    sorted: Mutex<HashMap<String, Expiring<HashMap<String, i64>>>>,
    counters: Mutex<HashMap<String, Expiring<HashMap<String, i64>>>>,
}

impl MemoryStructures {
    fn sorted_write(&self, writes: &[SortedWrite]) {
        let now = Instant::now();
        let mut sets = lock_ignoring_poison(&self.sorted);
        for write in writes {
            match write {
                SortedWrite::Add { key, member, score } => {
                    Expiring::live_or_new(&mut sets, key, now)
                        .value
                        .insert(member.clone(), *score);
                }
                SortedWrite::Remove { key, member } => {
                    Expiring::live_or_new(&mut sets, key, now)
                        .value
                        .remove(member);
                }
                SortedWrite::TrimBelow { key, score } => {
                    Expiring::live_or_new(&mut sets, key, now)
                        .value
                        .retain(|_, kept| *kept >= *score);
                }
                SortedWrite::Expire { key, ttl } => {
                    if let Some(entry) = sets.get_mut(key) {
                        entry.expires_at = now.checked_add(Duration::from_millis(ttl_millis(*ttl)));
                    }
                }
            }
            // Like Redis, an emptied set does not exist.
            let key = match write {
                SortedWrite::Add { key, .. }
                | SortedWrite::Remove { key, .. }
                | SortedWrite::TrimBelow { key, .. }
                | SortedWrite::Expire { key, .. } => key,
            };
            if sets.get(key).is_some_and(|entry| entry.value.is_empty()) {
                sets.remove(key);
            }
        }
        if sets.len() > 100_000 {
            sets.retain(|_, entry| entry.expires_at.is_none_or(|at| at > now));
        }
    }

    fn sorted_range(&self, key: &str, min_score: i64) -> Vec<(String, i64)> {
        let sets = lock_ignoring_poison(&self.sorted);
        let mut members: Vec<(String, i64)> = live(&sets, key, Instant::now())
            .map(|set| {
                set.iter()
                    .filter(|(_, score)| **score >= min_score)
                    .map(|(member, score)| (member.clone(), *score))
                    .collect()
            })
            .unwrap_or_default();
        members.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        members
    }

    fn counters_add(&self, key: &str, fields: &[(String, i64)], ttl: Duration) {
        let now = Instant::now();
        let mut hashes = lock_ignoring_poison(&self.counters);
        let entry = Expiring::live_or_new(&mut hashes, key, now);
        for (field, by) in fields {
            let value = entry.value.entry(field.clone()).or_insert(0);
            *value = value.saturating_add(*by);
        }
        entry.expires_at = now.checked_add(Duration::from_millis(ttl_millis(ttl)));
        if hashes.len() > 100_000 {
            hashes.retain(|_, entry| entry.expires_at.is_none_or(|at| at > now));
        }
    }

    fn counters_get(&self, key: &str) -> HashMap<String, i64> {
        let hashes = lock_ignoring_poison(&self.counters);
        live(&hashes, key, Instant::now())
            .cloned()
            .unwrap_or_default()
    }

    /// Drops the structure at `key`, if any (the backend's `delete`).
    pub(crate) fn delete(&self, key: &str) -> bool {
        let sorted = lock_ignoring_poison(&self.sorted).remove(key).is_some();
        let counters = lock_ignoring_poison(&self.counters).remove(key).is_some();
        sorted || counters
    }
}
