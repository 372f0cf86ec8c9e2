//! Counters: atomic increments and fixed windows.

use std::time::Duration;

use cache::CacheError;

use crate::support::Fixture;
use crate::{PAST_SHORT_TTL, SHORT_TTL};

conformance!(
    incr_counts_and_sets_ttl_only_on_creation,
    incr_fixed_window_restarts_after_expiry,
    incr_rejects_non_integers_and_overflow,
    concurrent_increments_are_not_lost,
);

async fn incr_counts_and_sets_ttl_only_on_creation(fixture: Fixture) {
    let cache = &fixture.cache;
    let window = Duration::from_secs(2);
    assert_eq!(cache.incr("attempts", 1, Some(window)).await.unwrap(), 1);
    let first_ttl = cache
        .ttl("attempts")
        .await
        .unwrap()
        .expect("a new counter gets the ttl");
    assert!(first_ttl <= window);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        cache
            .incr("attempts", 5, Some(Duration::from_secs(60)))
            .await
            .unwrap(),
        6
    );
    let later_ttl = cache
        .ttl("attempts")
        .await
        .unwrap()
        .expect("the ttl survives increments");
    assert!(
        later_ttl < first_ttl,
        "ttl must not be reset: {later_ttl:?} vs {first_ttl:?}"
    );
    assert_eq!(cache.incr("attempts", -10, None).await.unwrap(), -4);
    assert_eq!(cache.get("attempts").await.unwrap().as_deref(), Some("-4"));

    assert_eq!(cache.incr("plain", 3, None).await.unwrap(), 3);
    assert_eq!(
        cache.ttl("plain").await.unwrap(),
        None,
        "no ttl asked, none set"
    );

    cache.set("preset", "41", None).await.unwrap();
    assert_eq!(cache.incr("preset", 1, Some(SHORT_TTL)).await.unwrap(), 42);
    assert_eq!(
        cache.ttl("preset").await.unwrap(),
        None,
        "an existing key keeps having no ttl"
    );
}

async fn incr_fixed_window_restarts_after_expiry(fixture: Fixture) {
    let cache = &fixture.cache;
    assert_eq!(cache.incr("window", 1, Some(SHORT_TTL)).await.unwrap(), 1);
    assert_eq!(cache.incr("window", 1, Some(SHORT_TTL)).await.unwrap(), 2);
    tokio::time::sleep(PAST_SHORT_TTL).await;
    assert_eq!(cache.incr("window", 1, Some(SHORT_TTL)).await.unwrap(), 1);
    assert!(
        cache.ttl("window").await.unwrap().is_some(),
        "the new window has a ttl"
    );
}

async fn incr_rejects_non_integers_and_overflow(fixture: Fixture) {
    let cache = &fixture.cache;
    cache.set("text", "not a number", None).await.unwrap();
    let error = cache.incr("text", 1, None).await.unwrap_err();
    assert!(matches!(error, CacheError::NotAnInteger), "got {error:?}");
    let error = cache.incr("text", 1, Some(SHORT_TTL)).await.unwrap_err();
    assert!(matches!(error, CacheError::NotAnInteger), "got {error:?}");
    assert_eq!(
        cache.get("text").await.unwrap().as_deref(),
        Some("not a number")
    );

    cache.set("big", &i64::MAX.to_string(), None).await.unwrap();
    let error = cache.incr("big", 1, None).await.unwrap_err();
    assert!(matches!(error, CacheError::NotAnInteger), "got {error:?}");
    assert_eq!(cache.get("big").await.unwrap(), Some(i64::MAX.to_string()));
}

async fn concurrent_increments_are_not_lost(fixture: Fixture) {
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let cache = fixture.cache.clone();
            tokio::spawn(async move { cache.incr("hits", 1, Some(Duration::from_secs(30))).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("task").expect("incr");
    }
    assert_eq!(
        fixture.cache.get("hits").await.unwrap().as_deref(),
        Some("50")
    );
}
