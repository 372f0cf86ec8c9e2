//! The in-process backend: a mutex-guarded map for keys and locks, one
//! broadcast channel per pub/sub channel.
//!
//! It mirrors the Redis semantics the rest of Reachline relies on: expiry is
//! checked lazily on every access (an expired entry is invisible at once) and
//! an occasional sweep drops expired entries nobody reads again. Every method is
//! synchronous and holds a lock only for a map operation, never across `.await`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::{CacheError, SUBSCRIBER_BUFFER, lock_ignoring_poison, ttl_millis};

/// How often, at most, a write sweeps out expired entries. The sweep walks the
/// whole map, so it must stay rare.
const SWEEP_INTERVAL: Duration = Duration::from_secs(60);

/// One stored value and when it stops existing.
struct Entry {
    value: String,
    expires_at: Option<Instant>,
}

impl Entry {
    fn is_live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|expires_at| expires_at > now)
    }
}

/// The key space plus the bookkeeping of the occasional sweep.
struct Entries {
    map: HashMap<String, Entry>,
    last_sweep: Instant,
}

impl Entries {
    /// The live entry at `key`; an expired one is removed on the way.
    fn live(&mut self, key: &str, now: Instant) -> Option<&mut Entry> {
        let expired = self.map.get(key).is_some_and(|entry| !entry.is_live(now));
        if expired {
            self.map.remove(key);
        }
        self.map.get_mut(key)
    }

    /// Drops every expired entry, at most once per [`SWEEP_INTERVAL`].
    fn sweep_if_due(&mut self, now: Instant) {
        if now.duration_since(self.last_sweep) < SWEEP_INTERVAL {
            return;
        }
        self.last_sweep = now;
        self.map.retain(|_, entry| entry.is_live(now));
    }
}

/// The store behind [`crate::Cache::in_process`].
pub(crate) struct MemoryStore {
    entries: Mutex<Entries>,
    channels: Mutex<HashMap<String, broadcast::Sender<String>>>,
    /// Sorted sets and counter hashes.
    pub(crate) structures: crate::structures::MemoryStructures,
}

/// When an entry written now with `ttl` expires; rounded like Redis does.
fn expiry(now: Instant, ttl: Option<Duration>) -> Option<Instant> {
    let ttl = Duration::from_millis(ttl_millis(ttl?));
    now.checked_add(ttl)
}

/// Parses a counter the way Redis does: optional minus sign, digits only.
fn parse_counter(value: &str) -> Option<i64> {
    if value.starts_with('+') {
        return None;
    }
    value.parse().ok()
}

impl MemoryStore {
    pub(crate) fn new() -> MemoryStore {
        MemoryStore {
            entries: Mutex::new(Entries {
                map: HashMap::new(),
                last_sweep: Instant::now(),
            }),
            channels: Mutex::new(HashMap::new()),
            structures: Default::default(),
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<String> {
        let now = Instant::now();
        let mut entries = lock_ignoring_poison(&self.entries);
        entries.live(key, now).map(|entry| entry.value.clone())
    }

    pub(crate) fn set(&self, key: &str, value: &str, ttl: Option<Duration>) {
        let now = Instant::now();
        let entry = Entry {
            value: value.to_owned(),
            expires_at: expiry(now, ttl),
        };
        let mut entries = lock_ignoring_poison(&self.entries);
        entries.sweep_if_due(now);
        entries.map.insert(key.to_owned(), entry);
    }

    pub(crate) fn set_if_absent(&self, key: &str, value: &str, ttl: Option<Duration>) -> bool {
        let now = Instant::now();
        let mut entries = lock_ignoring_poison(&self.entries);
        if entries.live(key, now).is_some() {
            return false;
        }
        entries.sweep_if_due(now);
        let entry = Entry {
            value: value.to_owned(),
            expires_at: expiry(now, ttl),
        };
        entries.map.insert(key.to_owned(), entry);
        true
    }

    pub(crate) fn delete(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut entries = lock_ignoring_poison(&self.entries);
        let removed = entries.map.remove(key);
        drop(entries);
        let structure_removed = self.structures.delete(key);
        removed.is_some_and(|entry| entry.is_live(now)) || structure_removed
    }

    pub(crate) fn incr(
        &self,
        key: &str,
        by: i64,
        ttl_if_new: Option<Duration>,
    ) -> Result<i64, CacheError> {
        let now = Instant::now();
        let mut entries = lock_ignoring_poison(&self.entries);
        if let Some(entry) = entries.live(key, now) {
            let current = parse_counter(&entry.value).ok_or(CacheError::NotAnInteger)?;
            let next = current.checked_add(by).ok_or(CacheError::NotAnInteger)?;
            entry.value = next.to_string();
            return Ok(next);
        }
        entries.sweep_if_due(now);
        let entry = Entry {
            value: by.to_string(),
            expires_at: expiry(now, ttl_if_new),
        };
        entries.map.insert(key.to_owned(), entry);
        Ok(by)
    }

    pub(crate) fn ttl(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut entries = lock_ignoring_poison(&self.entries);
        let expires_at = entries.live(key, now)?.expires_at?;
        Some(expires_at.saturating_duration_since(now))
    }

    pub(crate) fn publish(&self, channel: &str, payload: &str) {
        let mut channels = lock_ignoring_poison(&self.channels);
        let Some(sender) = channels.get(channel) else {
            return;
        };
        if sender.send(payload.to_owned()).is_err() {
            // Every subscriber is gone: forget the channel until someone subscribes again.
            channels.remove(channel);
        }
    }

    pub(crate) fn subscribe(&self, channel: &str) -> broadcast::Receiver<String> {
        let mut channels = lock_ignoring_poison(&self.channels);
        channels.retain(|_, sender| sender.receiver_count() > 0);
        channels
            .entry(channel.to_owned())
            .or_insert_with(|| broadcast::channel(SUBSCRIBER_BUFFER).0)
            .subscribe()
    }

    pub(crate) fn extend_lock(&self, key: &str, token: &str, ttl: Duration) -> bool {
        let now = Instant::now();
        let mut entries = lock_ignoring_poison(&self.entries);
        match entries.live(key, now) {
            Some(entry) if entry.value == token => {
                entry.expires_at = expiry(now, Some(ttl));
                true
            }
            _ => false,
        }
    }

    pub(crate) fn release_lock(&self, key: &str, token: &str) -> bool {
        let now = Instant::now();
        let mut entries = lock_ignoring_poison(&self.entries);
        let held = entries
            .live(key, now)
            .is_some_and(|entry| entry.value == token);
        if held {
            entries.map.remove(key);
        }
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_parse_like_redis() {
        let cases = [
            ("0", Some(0)),
            ("-12", Some(-12)),
            ("9223372036854775807", Some(i64::MAX)),
            ("+1", None),
            (" 1", None),
            ("1.5", None),
            ("", None),
            ("9223372036854775808", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_counter(input), expected, "input {input:?}");
        }
    }

    #[test]
    fn sweep_drops_only_expired_entries() {
        let store = MemoryStore::new();
        store.set("short", "x", Some(Duration::from_millis(1)));
        store.set("long", "y", Some(Duration::from_secs(3600)));
        store.set("forever", "z", None);
        std::thread::sleep(Duration::from_millis(5));
        let later = Instant::now() + SWEEP_INTERVAL;
        lock_ignoring_poison(&store.entries).sweep_if_due(later);
        let entries = lock_ignoring_poison(&store.entries);
        let mut keys: Vec<&str> = entries.map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["forever", "long"]);
    }
}
