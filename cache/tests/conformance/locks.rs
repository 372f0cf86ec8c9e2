//! Leased locks: exclusivity, expiry, stale holders, extension.

use std::time::Duration;

use cache::CacheError;

use crate::support::Fixture;
use crate::{PAST_SHORT_TTL, SHORT_TTL};

conformance!(
    lock_is_exclusive_until_released,
    lock_can_be_taken_after_its_lease_expires,
    stale_guard_cannot_release_or_extend_a_new_holders_lock,
    extend_keeps_the_lock_past_its_first_lease,
    concurrent_try_lock_has_exactly_one_winner,
    locks_with_different_names_are_independent,
);

async fn lock_is_exclusive_until_released(fixture: Fixture) {
    let cache = &fixture.cache;
    let guard = cache
        .try_lock("import", Duration::from_secs(10))
        .await
        .unwrap();
    let guard = guard.expect("the first caller gets the lock");
    assert_eq!(guard.name(), "import");
    assert!(
        cache
            .try_lock("import", Duration::from_secs(10))
            .await
            .unwrap()
            .is_none()
    );
    assert!(guard.release().await.unwrap());
    let again = cache
        .try_lock("import", Duration::from_secs(10))
        .await
        .unwrap();
    assert!(again.is_some(), "free again after release");
}

async fn lock_can_be_taken_after_its_lease_expires(fixture: Fixture) {
    let cache = &fixture.cache;
    let _crashed_holder = cache
        .try_lock("cron", SHORT_TTL)
        .await
        .unwrap()
        .expect("acquired");
    assert!(cache.try_lock("cron", SHORT_TTL).await.unwrap().is_none());
    tokio::time::sleep(PAST_SHORT_TTL).await;
    assert!(cache.try_lock("cron", SHORT_TTL).await.unwrap().is_some());
}

async fn stale_guard_cannot_release_or_extend_a_new_holders_lock(fixture: Fixture) {
    let cache = &fixture.cache;
    let stale = cache
        .try_lock("report", SHORT_TTL)
        .await
        .unwrap()
        .expect("acquired");
    tokio::time::sleep(PAST_SHORT_TTL).await;
    let current = cache
        .try_lock("report", Duration::from_secs(10))
        .await
        .unwrap();
    let current = current.expect("taken over after expiry");

    let error = stale.extend(Duration::from_secs(10)).await.unwrap_err();
    assert!(
        matches!(&error, CacheError::LockLost(name) if name == "report"),
        "got {error:?}"
    );
    assert!(
        !stale.release().await.unwrap(),
        "a stale guard releases nothing"
    );
    assert!(
        cache
            .try_lock("report", Duration::from_secs(10))
            .await
            .unwrap()
            .is_none(),
        "the new holder still holds the lock"
    );
    current
        .extend(Duration::from_secs(10))
        .await
        .expect("the holder can extend");
    assert!(current.release().await.unwrap());
}

async fn extend_keeps_the_lock_past_its_first_lease(fixture: Fixture) {
    let cache = &fixture.cache;
    let guard = cache
        .try_lock("sweep", SHORT_TTL)
        .await
        .unwrap()
        .expect("acquired");
    guard.extend(Duration::from_secs(5)).await.expect("extend");
    tokio::time::sleep(PAST_SHORT_TTL).await;
    assert!(
        cache.try_lock("sweep", SHORT_TTL).await.unwrap().is_none(),
        "still held"
    );
    guard
        .extend(SHORT_TTL)
        .await
        .expect("extend again, shorter");
    tokio::time::sleep(PAST_SHORT_TTL).await;
    let error = guard.extend(SHORT_TTL).await.unwrap_err();
    assert!(
        matches!(error, CacheError::LockLost(_)),
        "expired lease: got {error:?}"
    );
    assert!(!guard.release().await.unwrap());
}

async fn concurrent_try_lock_has_exactly_one_winner(fixture: Fixture) {
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let cache = fixture.cache.clone();
            tokio::spawn(async move { cache.try_lock("leader", Duration::from_secs(10)).await })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        if let Some(guard) = task.await.expect("task").expect("try_lock") {
            winners.push(guard);
        }
    }
    assert_eq!(winners.len(), 1);
}

async fn locks_with_different_names_are_independent(fixture: Fixture) {
    let cache = &fixture.cache;
    let first = cache.try_lock("a", Duration::from_secs(10)).await.unwrap();
    let second = cache.try_lock("b", Duration::from_secs(10)).await.unwrap();
    assert!(first.is_some() && second.is_some());
    assert_eq!(
        cache.get("a").await.unwrap(),
        None,
        "locks do not show up as plain keys"
    );
}
