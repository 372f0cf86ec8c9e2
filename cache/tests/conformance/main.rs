//! One conformance suite, run against both backends: every behaviour is an
//! `async fn(Fixture)` and the `conformance!` macro turns it into one test on
//! the in-process cache and one on the real Redis (`REDIS_URL`, default
//! `redis://127.0.0.1:6379`), each Redis test under its own random prefix so the
//! tests run in parallel and leave no keys behind when they pass.

#[path = "../support/mod.rs"]
mod support;

use std::time::Duration;

use cache::{Cache, CacheError};

/// Generates `in_process::<name>` and `redis::<name>` tests for each behaviour
/// of the module it is called in.
macro_rules! conformance {
    ($($behaviour:ident),* $(,)?) => {
        mod in_process {
            $(
                #[tokio::test]
                async fn $behaviour() {
                    super::$behaviour(crate::support::Fixture::in_process()).await;
                }
            )*
        }
        mod redis {
            $(
                #[tokio::test]
                async fn $behaviour() {
                    let fixture = crate::support::Fixture::redis().await;
                    let cleanup = fixture.cleanup_handle();
                    super::$behaviour(fixture).await;
                    cleanup.delete_all_keys().await;
                }
            )*
        }
    };
}

mod counters;
mod keys;
mod locks;
mod pubsub;
mod sharing;
mod structures;

/// A lease or ttl short enough to wait out in a test.
const SHORT_TTL: Duration = Duration::from_millis(300);
/// Comfortably longer than [`SHORT_TTL`], so expiry has happened.
const PAST_SHORT_TTL: Duration = Duration::from_millis(450);

// Redis-only behaviour.

#[tokio::test]
async fn connecting_to_an_unreachable_redis_fails() {
    let result = Cache::connect_redis("redis://127.0.0.1:1", "unreachable:").await;
    let error = result.expect_err("nothing listens on port 1");
    assert!(matches!(error, CacheError::Redis(_)), "got {error:?}");
}

#[tokio::test]
async fn invalid_redis_url_is_an_error() {
    let result = Cache::connect_redis("not a url", "invalid:").await;
    assert!(result.is_err());
}
