//! What a second handle on the same store sees, and what a separate store does not.

use std::time::Duration;

use crate::SHORT_TTL;
use crate::support::{Fixture, assert_silent, next_message};

conformance!(
    second_handle_shares_keys_and_messages,
    separate_stores_do_not_share_keys_or_messages,
);

async fn second_handle_shares_keys_and_messages(fixture: Fixture) {
    let second = fixture.second_handle().await;
    fixture.cache.set("shared", "value", None).await.unwrap();
    assert_eq!(
        second.get("shared").await.unwrap().as_deref(),
        Some("value")
    );
    assert_eq!(second.incr("shared-counter", 2, None).await.unwrap(), 2);
    assert_eq!(
        fixture.cache.incr("shared-counter", 2, None).await.unwrap(),
        4
    );

    let mut stream = second.subscribe("broadcast").await.unwrap();
    fixture
        .cache
        .publish("broadcast", "from the first")
        .await
        .unwrap();
    assert_eq!(
        next_message(&mut stream).await.as_deref(),
        Some("from the first")
    );

    let guard = fixture
        .cache
        .try_lock("cron", Duration::from_secs(5))
        .await
        .unwrap();
    assert!(guard.is_some());
    assert!(
        second
            .try_lock("cron", Duration::from_secs(5))
            .await
            .unwrap()
            .is_none()
    );
}

async fn separate_stores_do_not_share_keys_or_messages(fixture: Fixture) {
    let (other, cleanup) = fixture.separate_store().await;
    fixture.cache.set("key", "mine", None).await.unwrap();
    assert_eq!(other.get("key").await.unwrap(), None);
    other.set("key", "theirs", None).await.unwrap();
    assert_eq!(
        fixture.cache.get("key").await.unwrap().as_deref(),
        Some("mine")
    );
    assert!(
        fixture
            .cache
            .try_lock("job", SHORT_TTL)
            .await
            .unwrap()
            .is_some()
    );
    assert!(other.try_lock("job", SHORT_TTL).await.unwrap().is_some());

    let mut mine = fixture.cache.subscribe("events").await.unwrap();
    let mut theirs = other.subscribe("events").await.unwrap();
    other.publish("events", "for them").await.unwrap();
    fixture.cache.publish("events", "for me").await.unwrap();
    assert_eq!(next_message(&mut mine).await.as_deref(), Some("for me"));
    assert_eq!(next_message(&mut theirs).await.as_deref(), Some("for them"));
    assert_silent(&mut mine).await;
    assert_silent(&mut theirs).await;
    if let Some(cleanup) = cleanup {
        cleanup.delete_all_keys().await;
    }
}
