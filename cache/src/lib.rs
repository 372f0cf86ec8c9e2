//! Reachline's shared fast store: key/value with expiry, counters, pub/sub and
//! leased locks behind one [`Cache`] handle.
//!
//! Two backends behave the same (one conformance suite in
//! `tests/conformance/` runs against both):
//! - Redis, when `REDIS_URL` is configured: shared by every replica, so counters,
//!   locks and subscription events cross process boundaries;
//! - in-process, for the embedded single-process default: nothing to install,
//!   nothing shared beyond the process.
//!
//! Invariants:
//! - this crate knows nothing of the domain, the database, GraphQL or HTTP;
//! - keys, channel names and lock names may be logged, payloads and values never
//!   (they may hold phone numbers);
//! - every key, channel and lock of a Redis-backed cache lives under its prefix,
//!   so tests and deployments can share one Redis server.

mod memory;
mod redis_pubsub;
mod redis_store;
mod structures;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use crate::memory::MemoryStore;
use crate::redis_store::RedisStore;
pub use crate::structures::{SortedRead, SortedWrite};

/// Handle to the shared fast store; cheap to clone.
#[derive(Clone)]
pub struct Cache {
    backend: Backend,
}

/// The two interchangeable implementations behind a [`Cache`].
#[derive(Clone)]
enum Backend {
    Redis(Arc<RedisStore>),
    InProcess(Arc<MemoryStore>),
}

/// Why a cache operation failed.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// Redis refused the command or could not be reached.
    #[error("redis: {0}")]
    Redis(::redis::RedisError),
    /// The lease of the named lock expired: someone else may hold it now.
    #[error("lock lost: {0}")]
    LockLost(String),
    /// `incr` on a value that is not a 64-bit integer, or a sum that overflows.
    #[error("value is not an integer or the increment would overflow")]
    NotAnInteger,
    /// The pub/sub connection is down and did not come back in time.
    #[error("pub/sub unavailable: {0}")]
    PubSubUnavailable(String),
}

// Written by hand rather than with `#[from]`: `#[from]` would also make the
// Redis error the `source`, and a logged cause chain would repeat its message.
impl From<::redis::RedisError> for CacheError {
    fn from(error: ::redis::RedisError) -> Self {
        CacheError::Redis(error)
    }
}

/// Longest time to live either backend accepts; longer ones are clamped to it
/// (Redis rejects expiry times that overflow its clock).
const MAX_TTL: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// A time to live in whole milliseconds, at least 1 and at most [`MAX_TTL`], so
/// that both backends round the same way and a zero ttl means "expire at once"
/// instead of a Redis error.
fn ttl_millis(ttl: Duration) -> u64 {
    let millis = ttl.min(MAX_TTL).as_millis();
    u64::try_from(millis).unwrap_or(u64::MAX).max(1)
}

/// Messages a subscriber may fall behind by before it skips some (per subscriber).
const SUBSCRIBER_BUFFER: usize = 1024;

/// Locks a mutex even if a panic poisoned it: every critical section in this
/// crate is a single map operation that leaves the map consistent.
fn lock_ignoring_poison<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The key under which the lock called `name` is stored.
fn lock_key(name: &str) -> String {
    format!("lock:{name}")
}

/// Turns a broadcast receiver into a subscriber stream that survives lag: when
/// the subscriber was too slow and messages were overwritten, it skips them
/// with a warning instead of ending.
fn subscriber_stream(
    channel: &str,
    receiver: broadcast::Receiver<String>,
) -> BoxStream<'static, String> {
    let channel = channel.to_owned();
    BroadcastStream::new(receiver)
        .filter_map(move |item| {
            let payload = match item {
                Ok(payload) => Some(payload),
                Err(BroadcastStreamRecvError::Lagged(skipped)) => {
                    tracing::warn!(%channel, skipped, "slow subscriber skipped messages");
                    None
                }
            };
            futures::future::ready(payload)
        })
        .boxed()
}

impl Cache {
    /// A private store living in this process, for the embedded single-process mode and unit tests.
    pub fn in_process() -> Cache {
        Cache {
            backend: Backend::InProcess(Arc::new(MemoryStore::new())),
        }
    }

    /// Connects to Redis at `url`; `prefix` is prepended to every key and channel
    /// (tests use a unique prefix per test; production default "reachline:").
    pub async fn connect_redis(url: &str, prefix: &str) -> Result<Cache, CacheError> {
        let store = RedisStore::connect(url, prefix).await?;
        Ok(Cache {
            backend: Backend::Redis(Arc::new(store)),
        })
    }

    /// Which backend serves this handle ("redis" or "in-process"), for logs and health checks.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Redis(_) => "redis",
            Backend::InProcess(_) => "in-process",
        }
    }

    /// Checks that the store answers, for readiness probes.
    pub async fn ping(&self) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.ping().await,
            Backend::InProcess(_) => Ok(()),
        }
    }

    /// The value stored at `key`, if any and not expired.
    pub async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.get(key).await,
            Backend::InProcess(store) => Ok(store.get(key)),
        }
    }

    /// The values at `keys`, in order, in one round trip (absent or expired: `None`).
    pub async fn get_many(&self, keys: &[String]) -> Result<Vec<Option<String>>, CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.get_many(keys).await,
            Backend::InProcess(store) => Ok(keys.iter().map(|key| store.get(key)).collect()),
        }
    }

    /// Stores `value` at `key`, replacing any previous value and expiry.
    pub async fn set(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.set(key, value, ttl).await,
            Backend::InProcess(store) => {
                store.set(key, value, ttl);
                Ok(())
            }
        }
    }

    /// Sets only when absent; true when it was set.
    pub async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.set_if_absent(key, value, ttl).await,
            Backend::InProcess(store) => Ok(store.set_if_absent(key, value, ttl)),
        }
    }

    /// Removes `key`; true when a key was removed.
    pub async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.delete(key).await,
            Backend::InProcess(store) => Ok(store.delete(key)),
        }
    }

    /// Atomically adds `by` and returns the new value; when the key is created by
    /// this call, it gets `ttl_if_new` (fixed-window counters).
    pub async fn incr(
        &self,
        key: &str,
        by: i64,
        ttl_if_new: Option<Duration>,
    ) -> Result<i64, CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.incr(key, by, ttl_if_new).await,
            Backend::InProcess(store) => store.incr(key, by, ttl_if_new),
        }
    }

    /// Remaining time to live; None when the key is absent or has no expiry.
    pub async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.ttl(key).await,
            Backend::InProcess(store) => Ok(store.ttl(key)),
        }
    }

    /// Sends `payload` to every current subscriber of `channel` (at most once, never stored).
    pub async fn publish(&self, channel: &str, payload: &str) -> Result<(), CacheError> {
        match &self.backend {
            Backend::Redis(store) => store.publish(channel, payload).await,
            Backend::InProcess(store) => {
                store.publish(channel, payload);
                Ok(())
            }
        }
    }

    /// Stream of payloads published on `channel` AFTER this call returns (the
    /// subscription is established before it returns). Ends never, unless the
    /// cache is dropped.
    pub async fn subscribe(&self, channel: &str) -> Result<BoxStream<'static, String>, CacheError> {
        let receiver = match &self.backend {
            Backend::Redis(store) => store.subscribe(channel).await?,
            Backend::InProcess(store) => store.subscribe(channel),
        };
        Ok(subscriber_stream(channel, receiver))
    }

    /// Distributed lock with a lease: Some(guard) when acquired, None when someone else holds it.
    pub async fn try_lock(
        &self,
        name: &str,
        ttl: Duration,
    ) -> Result<Option<LockGuard>, CacheError> {
        let token = uuid::Uuid::new_v4().to_string();
        let acquired = self
            .set_if_absent(&lock_key(name), &token, Some(ttl))
            .await?;
        if !acquired {
            return Ok(None);
        }
        Ok(Some(LockGuard {
            name: name.to_owned(),
            token,
            cache: self.clone(),
        }))
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Cache")
            .field("backend", &self.backend_name())
            .finish_non_exhaustive()
    }
}

/// Proof of holding a lock acquired by [`Cache::try_lock`], until its lease ends.
///
/// Dropping the guard does not release the lock: the lease simply runs out.
/// Call [`LockGuard::release`] to hand it over early.
pub struct LockGuard {
    name: String,
    token: String,
    cache: Cache,
}

impl LockGuard {
    /// The name the lock was acquired under, for logs.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Extends the lease to `ttl` from now; Err(CacheError::LockLost) when the
    /// lease already expired (whether or not another holder took the lock since).
    pub async fn extend(&self, ttl: Duration) -> Result<(), CacheError> {
        let key = lock_key(&self.name);
        let extended = match &self.cache.backend {
            Backend::Redis(store) => store.extend_lock(&key, &self.token, ttl).await?,
            Backend::InProcess(store) => store.extend_lock(&key, &self.token, ttl),
        };
        if !extended {
            return Err(CacheError::LockLost(self.name.clone()));
        }
        Ok(())
    }

    /// Releases only if we still hold it (compare-and-delete; Lua script on Redis); true when released.
    pub async fn release(self) -> Result<bool, CacheError> {
        let key = lock_key(&self.name);
        match &self.cache.backend {
            Backend::Redis(store) => store.release_lock(&key, &self.token).await,
            Backend::InProcess(store) => Ok(store.release_lock(&key, &self.token)),
        }
    }
}

impl fmt::Debug for LockGuard {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LockGuard")
            .field("name", &self.name)
            .field("backend", &self.cache.backend_name())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}
    fn assert_shareable<T: Send + Sync + 'static>() {}

    // Callers hold handles in axum state and await these futures in spawned
    // tasks: a non-Send future would only show up as an error in their crate.
    #[test]
    fn handles_and_futures_can_cross_threads() {
        assert_shareable::<Cache>();
        assert_shareable::<LockGuard>();
        assert_shareable::<CacheError>();
        let cache = Cache::in_process();
        let second = Duration::from_secs(1);
        assert_send(&cache.ping());
        assert_send(&cache.get("k"));
        assert_send(&cache.set("k", "v", None));
        assert_send(&cache.set_if_absent("k", "v", None));
        assert_send(&cache.delete("k"));
        assert_send(&cache.incr("k", 1, None));
        assert_send(&cache.ttl("k"));
        assert_send(&cache.publish("c", "p"));
        assert_send(&cache.subscribe("c"));
        assert_send(&cache.try_lock("l", second));
        assert_send(&Cache::connect_redis("redis://127.0.0.1", "p:"));
    }

    #[test]
    fn ttls_round_to_whole_milliseconds_within_bounds() {
        let cases = [
            (Duration::ZERO, 1),
            (Duration::from_micros(1), 1),
            (Duration::from_micros(1_999), 1),
            (Duration::from_millis(300), 300),
            (Duration::MAX, ttl_millis(MAX_TTL)),
        ];
        for (ttl, expected) in cases {
            assert_eq!(ttl_millis(ttl), expected, "ttl {ttl:?}");
        }
    }
}
