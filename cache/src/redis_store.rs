//! The Redis backend: commands through one auto-reconnecting
//! [`ConnectionManager`], pub/sub through one lazily opened [`PubSubHub`].
//!
//! Key layout under the configured prefix: `{prefix}{key}` for values and
//! counters, `{prefix}lock:{name}` for locks, `{prefix}ch:{channel}` for
//! pub/sub channels (a separate namespace, so one pattern subscription covers
//! exactly this cache's channels).

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, Script};
use tokio::sync::{OnceCell, broadcast};

use crate::redis_pubsub::PubSubHub;
use crate::{CacheError, ttl_millis};

/// How long to wait for a TCP connection to Redis before giving up.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(3);

/// Longest pause between two attempts to (re)connect the command connection;
/// with the library's six retries, `connect_redis` gives up after about 4 s.
const RECONNECT_MAX_DELAY: Duration = Duration::from_secs(1);

/// How long one command may take. The library default (500 ms) fails spuriously
/// on a loaded two-core machine; a stuck Redis is still noticed quickly.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(3);

/// Extends a lease only if the caller's token still owns the lock.
const EXTEND_LOCK_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// Deletes a lock only if the caller's token still owns it.
const RELEASE_LOCK_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
";

/// The store behind [`crate::Cache::connect_redis`].
pub(crate) struct RedisStore {
    client: Client,
    commands: ConnectionManager,
    prefix: String,
    pubsub: OnceCell<PubSubHub>,
    extend_lock_script: Script,
    release_lock_script: Script,
}

/// Maps the server's "not an integer" and "would overflow" replies to the
/// backend-neutral error, so callers match on one variant for both backends.
fn counter_error(error: redis::RedisError) -> CacheError {
    let message = error.to_string();
    if message.contains("not an integer") || message.contains("overflow") {
        return CacheError::NotAnInteger;
    }
    CacheError::Redis(error)
}

impl RedisStore {
    pub(crate) async fn connect(url: &str, prefix: &str) -> Result<RedisStore, CacheError> {
        let client = Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECTION_TIMEOUT))
            .set_max_delay(RECONNECT_MAX_DELAY)
            .set_response_timeout(Some(RESPONSE_TIMEOUT));
        let commands = client.get_connection_manager_with_config(config).await?;
        Ok(RedisStore {
            client,
            commands,
            prefix: prefix.to_owned(),
            pubsub: OnceCell::new(),
            extend_lock_script: Script::new(EXTEND_LOCK_SCRIPT),
            release_lock_script: Script::new(RELEASE_LOCK_SCRIPT),
        })
    }

    pub(crate) fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn channel(&self, channel: &str) -> String {
        format!("{}ch:{channel}", self.prefix)
    }

    /// A handle on the shared command connection; clones are cheap and share it.
    pub(crate) fn connection(&self) -> ConnectionManager {
        self.commands.clone()
    }

    pub(crate) async fn ping(&self) -> Result<(), CacheError> {
        let _pong: String = redis::cmd("PING")
            .query_async(&mut self.connection())
            .await?;
        Ok(())
    }

    pub(crate) async fn get(&self, key: &str) -> Result<Option<String>, CacheError> {
        let value = redis::cmd("GET")
            .arg(self.key(key))
            .query_async(&mut self.connection())
            .await?;
        Ok(value)
    }

    pub(crate) async fn get_many(
        &self,
        keys: &[String],
    ) -> Result<Vec<Option<String>>, CacheError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut command = redis::cmd("MGET");
        for key in keys {
            command.arg(self.key(key));
        }
        let values: Vec<Option<String>> = command.query_async(&mut self.connection()).await?;
        Ok(values)
    }

    pub(crate) async fn set(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<(), CacheError> {
        let mut command = redis::cmd("SET");
        command.arg(self.key(key)).arg(value);
        if let Some(ttl) = ttl {
            command.arg("PX").arg(ttl_millis(ttl));
        }
        let () = command.query_async(&mut self.connection()).await?;
        Ok(())
    }

    pub(crate) async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Option<Duration>,
    ) -> Result<bool, CacheError> {
        let mut command = redis::cmd("SET");
        command.arg(self.key(key)).arg(value).arg("NX");
        if let Some(ttl) = ttl {
            command.arg("PX").arg(ttl_millis(ttl));
        }
        // The reply is "OK" when set and nil when the key already existed.
        let reply: Option<String> = command.query_async(&mut self.connection()).await?;
        Ok(reply.is_some())
    }

    pub(crate) async fn delete(&self, key: &str) -> Result<bool, CacheError> {
        let removed: i64 = redis::cmd("DEL")
            .arg(self.key(key))
            .query_async(&mut self.connection())
            .await?;
        Ok(removed > 0)
    }

    pub(crate) async fn incr(
        &self,
        key: &str,
        by: i64,
        ttl_if_new: Option<Duration>,
    ) -> Result<i64, CacheError> {
        let key = self.key(key);
        let Some(ttl) = ttl_if_new else {
            return redis::cmd("INCRBY")
                .arg(key)
                .arg(by)
                .query_async(&mut self.connection())
                .await
                .map_err(counter_error);
        };
        // One transaction: create the counter at 0 with its expiry only if it is
        // absent, then add. INCRBY keeps an existing expiry, so the window is
        // fixed by whoever created the key. (Not a Lua script: Lua numbers are
        // doubles and would round counters above 2^53.)
        let (value,): (i64,) = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(&key)
            .arg(0)
            .arg("NX")
            .arg("PX")
            .arg(ttl_millis(ttl))
            .ignore()
            .cmd("INCRBY")
            .arg(&key)
            .arg(by)
            .query_async(&mut self.connection())
            .await
            .map_err(counter_error)?;
        Ok(value)
    }

    pub(crate) async fn ttl(&self, key: &str) -> Result<Option<Duration>, CacheError> {
        // PTTL answers -2 for a missing key and -1 for a key without expiry.
        let millis: i64 = redis::cmd("PTTL")
            .arg(self.key(key))
            .query_async(&mut self.connection())
            .await?;
        let remaining = u64::try_from(millis).ok().map(Duration::from_millis);
        Ok(remaining)
    }

    pub(crate) async fn publish(&self, channel: &str, payload: &str) -> Result<(), CacheError> {
        let _receivers: i64 = redis::cmd("PUBLISH")
            .arg(self.channel(channel))
            .arg(payload)
            .query_async(&mut self.connection())
            .await?;
        Ok(())
    }

    pub(crate) async fn subscribe(
        &self,
        channel: &str,
    ) -> Result<broadcast::Receiver<String>, CacheError> {
        let pattern = format!("{}*", escape_glob(&self.channel("")));
        let hub = self
            .pubsub
            .get_or_try_init(|| PubSubHub::start(self.client.clone(), pattern))
            .await?;
        hub.subscribe(&self.channel(channel)).await
    }

    pub(crate) async fn extend_lock(
        &self,
        key: &str,
        token: &str,
        ttl: Duration,
    ) -> Result<bool, CacheError> {
        let extended: i64 = self
            .extend_lock_script
            .key(self.key(key))
            .arg(token)
            .arg(ttl_millis(ttl))
            .invoke_async(&mut self.connection())
            .await?;
        Ok(extended == 1)
    }

    pub(crate) async fn release_lock(&self, key: &str, token: &str) -> Result<bool, CacheError> {
        let released: i64 = self
            .release_lock_script
            .key(self.key(key))
            .arg(token)
            .invoke_async(&mut self.connection())
            .await?;
        Ok(released == 1)
    }
}

/// Escapes the glob characters of a Redis pattern, so a prefix such as
/// `tenant[1]:` matches itself literally.
fn escape_glob(literal: &str) -> String {
    let mut escaped = String::with_capacity(literal.len());
    for character in literal.chars() {
        if matches!(character, '*' | '?' | '[' | ']' | '\\' | '^') {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_glob;

    #[test]
    fn glob_characters_are_escaped() {
        let cases = [
            ("reachline:ch:", "reachline:ch:"),
            ("a*b?", "a\\*b\\?"),
            ("t[1]:", "t\\[1\\]:"),
            ("back\\slash", "back\\\\slash"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_glob(input), expected, "input {input:?}");
        }
    }
}
