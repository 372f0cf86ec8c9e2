//! Plain values: get, set, expiry, set-if-absent, delete, ttl.

use std::time::Duration;

use crate::support::Fixture;
use crate::{PAST_SHORT_TTL, SHORT_TTL};

conformance!(
    reports_its_backend_and_answers_ping,
    get_set_and_overwrite,
    values_expire_after_their_ttl,
    set_without_ttl_clears_a_previous_ttl,
    set_if_absent_sets_only_missing_keys,
    delete_reports_whether_a_key_was_removed,
    ttl_reports_remaining_time,
);

async fn reports_its_backend_and_answers_ping(fixture: Fixture) {
    assert_eq!(fixture.cache.backend_name(), fixture.expected_backend);
    fixture.cache.ping().await.expect("ping");
}

async fn get_set_and_overwrite(fixture: Fixture) {
    let cache = &fixture.cache;
    assert_eq!(cache.get("greeting").await.unwrap(), None);
    cache.set("greeting", "hello", None).await.unwrap();
    assert_eq!(
        cache.get("greeting").await.unwrap().as_deref(),
        Some("hello")
    );
    cache.set("greeting", "hällo ☎", None).await.unwrap();
    assert_eq!(
        cache.get("greeting").await.unwrap().as_deref(),
        Some("hällo ☎")
    );
    cache.set("empty", "", None).await.unwrap();
    assert_eq!(cache.get("empty").await.unwrap().as_deref(), Some(""));
}

async fn values_expire_after_their_ttl(fixture: Fixture) {
    let cache = &fixture.cache;
    cache
        .set("session", "token", Some(SHORT_TTL))
        .await
        .unwrap();
    assert_eq!(
        cache.get("session").await.unwrap().as_deref(),
        Some("token")
    );
    tokio::time::sleep(PAST_SHORT_TTL).await;
    assert_eq!(cache.get("session").await.unwrap(), None);
    assert_eq!(cache.ttl("session").await.unwrap(), None);
    assert!(
        !cache.delete("session").await.unwrap(),
        "an expired key is gone"
    );
}

async fn set_without_ttl_clears_a_previous_ttl(fixture: Fixture) {
    let cache = &fixture.cache;
    cache.set("key", "first", Some(SHORT_TTL)).await.unwrap();
    cache.set("key", "second", None).await.unwrap();
    assert_eq!(cache.ttl("key").await.unwrap(), None);
    tokio::time::sleep(PAST_SHORT_TTL).await;
    assert_eq!(cache.get("key").await.unwrap().as_deref(), Some("second"));
}

async fn set_if_absent_sets_only_missing_keys(fixture: Fixture) {
    let cache = &fixture.cache;
    assert!(cache.set_if_absent("once", "first", None).await.unwrap());
    assert!(!cache.set_if_absent("once", "second", None).await.unwrap());
    assert_eq!(cache.get("once").await.unwrap().as_deref(), Some("first"));

    assert!(
        cache
            .set_if_absent("brief", "a", Some(SHORT_TTL))
            .await
            .unwrap()
    );
    assert!(
        !cache
            .set_if_absent("brief", "b", Some(SHORT_TTL))
            .await
            .unwrap()
    );
    tokio::time::sleep(PAST_SHORT_TTL).await;
    assert!(
        cache.set_if_absent("brief", "c", None).await.unwrap(),
        "expired key counts as absent"
    );
    assert_eq!(cache.get("brief").await.unwrap().as_deref(), Some("c"));

    assert!(cache.delete("once").await.unwrap());
    assert!(cache.set_if_absent("once", "again", None).await.unwrap());
}

async fn delete_reports_whether_a_key_was_removed(fixture: Fixture) {
    let cache = &fixture.cache;
    assert!(!cache.delete("missing").await.unwrap());
    cache.set("present", "x", None).await.unwrap();
    assert!(cache.delete("present").await.unwrap());
    assert_eq!(cache.get("present").await.unwrap(), None);
    assert!(!cache.delete("present").await.unwrap());
}

async fn ttl_reports_remaining_time(fixture: Fixture) {
    let cache = &fixture.cache;
    assert_eq!(cache.ttl("absent").await.unwrap(), None);
    cache.set("forever", "x", None).await.unwrap();
    assert_eq!(cache.ttl("forever").await.unwrap(), None);
    cache
        .set("ten", "x", Some(Duration::from_secs(10)))
        .await
        .unwrap();
    let remaining = cache.ttl("ten").await.unwrap().expect("has a ttl");
    assert!(remaining <= Duration::from_secs(10), "{remaining:?}");
    assert!(remaining > Duration::from_secs(8), "{remaining:?}");
}
