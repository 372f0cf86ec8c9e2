//! Pub/sub: delivery, ordering, fan-out, isolation of channels, lag and shutdown.

use std::time::Duration;

use futures::StreamExt;

use crate::support::{Fixture, assert_silent, next_message};

conformance!(
    message_published_right_after_subscribe_arrives,
    messages_arrive_in_publish_order,
    every_subscriber_receives_each_message,
    other_channels_do_not_leak,
    slow_subscriber_skips_messages_but_keeps_going,
    subscriber_stream_ends_when_cache_is_dropped,
);

async fn message_published_right_after_subscribe_arrives(fixture: Fixture) {
    let cache = &fixture.cache;
    for round in 0..5 {
        let channel = format!("events-{round}");
        let mut stream = cache.subscribe(&channel).await.unwrap();
        cache.publish(&channel, "first").await.unwrap();
        assert_eq!(next_message(&mut stream).await.as_deref(), Some("first"));
    }
}

async fn messages_arrive_in_publish_order(fixture: Fixture) {
    let cache = &fixture.cache;
    let mut stream = cache.subscribe("ordered").await.unwrap();
    for number in 0..100 {
        cache.publish("ordered", &number.to_string()).await.unwrap();
    }
    for number in 0..100 {
        assert_eq!(next_message(&mut stream).await, Some(number.to_string()));
    }
}

async fn every_subscriber_receives_each_message(fixture: Fixture) {
    let cache = &fixture.cache;
    let mut first = cache.subscribe("fan-out").await.unwrap();
    let mut second = cache.subscribe("fan-out").await.unwrap();
    cache.publish("fan-out", "one").await.unwrap();
    cache.publish("fan-out", "two").await.unwrap();
    for stream in [&mut first, &mut second] {
        assert_eq!(next_message(stream).await.as_deref(), Some("one"));
        assert_eq!(next_message(stream).await.as_deref(), Some("two"));
    }
    drop(first);
    cache.publish("fan-out", "three").await.unwrap();
    assert_eq!(next_message(&mut second).await.as_deref(), Some("three"));
}

async fn other_channels_do_not_leak(fixture: Fixture) {
    let cache = &fixture.cache;
    let mut orders = cache.subscribe("orders").await.unwrap();
    cache.publish("orders-archive", "wrong").await.unwrap();
    cache.publish("order", "wrong").await.unwrap();
    cache.publish("other", "wrong").await.unwrap();
    cache.publish("orders", "right").await.unwrap();
    assert_eq!(next_message(&mut orders).await.as_deref(), Some("right"));
    assert_silent(&mut orders).await;
}

async fn slow_subscriber_skips_messages_but_keeps_going(fixture: Fixture) {
    let cache = &fixture.cache;
    let mut stream = cache.subscribe("busy").await.unwrap();
    // More than the per-subscriber buffer, published while nobody reads.
    for number in 0..1_500 {
        cache.publish("busy", &number.to_string()).await.unwrap();
    }
    cache.publish("busy", "last").await.unwrap();
    let mut received = 0;
    loop {
        let message = next_message(&mut stream)
            .await
            .expect("the stream must not end");
        received += 1;
        if message == "last" {
            break;
        }
    }
    assert!(
        received < 1_501,
        "some messages were skipped, got {received}"
    );
}

async fn subscriber_stream_ends_when_cache_is_dropped(fixture: Fixture) {
    let mut stream = fixture.cache.subscribe("closing").await.unwrap();
    drop(fixture);
    let ended = tokio::time::timeout(Duration::from_secs(3), stream.next()).await;
    assert_eq!(
        ended,
        Ok(None),
        "the stream ends once the last handle is gone"
    );
}
