//! Shared test helpers: a [`Fixture`] per test (a fresh in-process cache, or a
//! Redis cache under a random prefix), cleanup of a prefix's keys, and stream
//! helpers with timeouts so a missing message fails instead of hanging.

#![allow(dead_code)] // each test binary uses its own subset

use std::time::Duration;

use cache::Cache;
use futures::StreamExt;
use futures::stream::BoxStream;

/// The Redis the tests run against; `REDIS_URL` overrides the local default.
pub fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// A prefix no other test uses, so tests can share one Redis in parallel.
pub fn unique_prefix() -> String {
    format!("test:{}:", uuid::Uuid::new_v4())
}

/// One backend under test.
pub struct Fixture {
    pub cache: Cache,
    pub expected_backend: &'static str,
    /// The Redis key prefix; None for the in-process backend.
    redis_prefix: Option<String>,
}

impl Fixture {
    /// A fresh, private in-process cache.
    pub fn in_process() -> Fixture {
        Fixture {
            cache: Cache::in_process(),
            expected_backend: "in-process",
            redis_prefix: None,
        }
    }

    /// A cache on the test Redis under a fresh prefix.
    pub async fn redis() -> Fixture {
        let prefix = unique_prefix();
        let cache = Cache::connect_redis(&redis_url(), &prefix)
            .await
            .expect("the test Redis must be running (see cache/tests/conformance/main.rs)");
        Fixture {
            cache,
            expected_backend: "redis",
            redis_prefix: Some(prefix),
        }
    }

    /// Another handle on the same store, as another process would have it:
    /// a second connection with the same prefix on Redis, a clone in-process.
    pub async fn second_handle(&self) -> Cache {
        match &self.redis_prefix {
            Some(prefix) => Cache::connect_redis(&redis_url(), prefix)
                .await
                .expect("second connection"),
            None => self.cache.clone(),
        }
    }

    /// A handle on a different store: another prefix on Redis, another
    /// in-process cache; plus the cleanup for what the test writes there.
    pub async fn separate_store(&self) -> (Cache, Option<Cleanup>) {
        match &self.redis_prefix {
            Some(_) => {
                let prefix = unique_prefix();
                let cache = Cache::connect_redis(&redis_url(), &prefix)
                    .await
                    .expect("separate connection");
                (cache, Some(Cleanup { prefix }))
            }
            None => (Cache::in_process(), None),
        }
    }

    /// Something that deletes this fixture's Redis keys without keeping the
    /// cache alive (some tests drop the cache on purpose).
    pub fn cleanup_handle(&self) -> Cleanup {
        Cleanup {
            prefix: self.redis_prefix.clone().unwrap_or_default(),
        }
    }
}

/// Deletes every Redis key under one prefix.
pub struct Cleanup {
    prefix: String,
}

impl Cleanup {
    pub async fn delete_all_keys(&self) {
        if self.prefix.is_empty() {
            return;
        }
        let client = redis::Client::open(redis_url()).expect("redis url");
        let mut connection = client
            .get_multiplexed_async_connection()
            .await
            .expect("cleanup connection");
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query_async(&mut connection)
            .await
            .expect("list test keys");
        if keys.is_empty() {
            return;
        }
        let _: i64 = redis::cmd("DEL")
            .arg(keys)
            .query_async(&mut connection)
            .await
            .expect("delete test keys");
    }
}

/// How long a message may take to arrive before the test fails.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(3);

/// The next message, or None when the stream ended; panics after a timeout.
pub async fn next_message(stream: &mut BoxStream<'static, String>) -> Option<String> {
    tokio::time::timeout(DELIVERY_TIMEOUT, stream.next())
        .await
        .expect("no message arrived in time")
}

/// Fails if a message arrives within a short while.
pub async fn assert_silent(stream: &mut BoxStream<'static, String>) {
    let unexpected = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
    assert!(unexpected.is_err(), "unexpected message: {unexpected:?}");
}
