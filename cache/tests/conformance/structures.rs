//! Sorted sets (attempts by time) and counter hashes (traffic per second).

use std::time::Duration;

use cache::SortedWrite;

use crate::support::Fixture;
use crate::{PAST_SHORT_TTL, SHORT_TTL};

conformance!(
    sorted_sets_add_move_remove_and_trim,
    sorted_read_reports_the_guard_and_missing_sets,
    sorted_sets_expire,
    counters_add_up_and_expire,
);

fn add(key: &str, member: &str, score: i64) -> SortedWrite {
    SortedWrite::Add {
        key: key.into(),
        member: member.into(),
        score,
    }
}

async fn sorted_sets_add_move_remove_and_trim(fixture: Fixture) {
    let cache = &fixture.cache;
    cache
        .sorted_write(&[add("s", "a", 10), add("s", "b", 30), add("s", "c", 20)])
        .await
        .unwrap();
    let (_, ranges) = cache.sorted_read("g", &["s".into()], 0).await.unwrap();
    assert_eq!(
        ranges,
        vec![vec![("a".into(), 10), ("c".into(), 20), ("b".into(), 30)]]
    );
    // Moving a member keeps one copy; removing and trimming drop them.
    cache
        .sorted_write(&[
            add("s", "a", 40),
            SortedWrite::Remove {
                key: "s".into(),
                member: "b".into(),
            },
            SortedWrite::TrimBelow {
                key: "s".into(),
                score: 21,
            },
        ])
        .await
        .unwrap();
    let (_, ranges) = cache.sorted_read("g", &["s".into()], 0).await.unwrap();
    assert_eq!(ranges, vec![vec![("a".into(), 40)]]);
    let (_, ranges) = cache.sorted_read("g", &["s".into()], 41).await.unwrap();
    assert_eq!(ranges, vec![Vec::<(String, i64)>::new()]);
    // Millisecond timestamps survive the round trip exactly.
    let at = 1_795_000_000_123_i64;
    cache.sorted_write(&[add("t", "x", at)]).await.unwrap();
    let (_, ranges) = cache.sorted_read("g", &["t".into()], at).await.unwrap();
    assert_eq!(ranges, vec![vec![("x".into(), at)]]);
}

async fn sorted_read_reports_the_guard_and_missing_sets(fixture: Fixture) {
    let cache = &fixture.cache;
    let (guard, ranges) = cache
        .sorted_read("guard", &["none".into(), "also-none".into()], 0)
        .await
        .unwrap();
    assert_eq!(guard, None);
    assert_eq!(ranges.len(), 2);
    assert!(ranges.iter().all(Vec::is_empty));
    cache.set("guard", "720", None).await.unwrap();
    let (guard, ranges) = cache.sorted_read("guard", &[], 0).await.unwrap();
    assert_eq!(guard.as_deref(), Some("720"));
    assert!(ranges.is_empty());
}

async fn sorted_sets_expire(fixture: Fixture) {
    let cache = &fixture.cache;
    cache
        .sorted_write(&[
            add("e", "a", 1),
            SortedWrite::Expire {
                key: "e".into(),
                ttl: SHORT_TTL,
            },
        ])
        .await
        .unwrap();
    tokio::time::sleep(PAST_SHORT_TTL).await;
    let (_, ranges) = cache.sorted_read("g", &["e".into()], 0).await.unwrap();
    assert!(ranges[0].is_empty(), "{ranges:?}");
    cache.sorted_write(&[add("d", "a", 1)]).await.unwrap();
    assert!(cache.delete("d").await.unwrap());
}

async fn counters_add_up_and_expire(fixture: Fixture) {
    let cache = &fixture.cache;
    let fields = [("allowed".to_owned(), 3), ("denied".to_owned(), 1)];
    cache
        .counters_add("c", &fields, Duration::from_secs(60))
        .await
        .unwrap();
    cache
        .counters_add("c", &[("allowed".to_owned(), 2)], Duration::from_secs(60))
        .await
        .unwrap();
    cache
        .counters_add("short", &fields, SHORT_TTL)
        .await
        .unwrap();
    let values = cache
        .counters_get(&["c".into(), "missing".into()])
        .await
        .unwrap();
    assert_eq!(values[0].get("allowed"), Some(&5));
    assert_eq!(values[0].get("denied"), Some(&1));
    assert!(values[1].is_empty());
    tokio::time::sleep(PAST_SHORT_TTL).await;
    assert!(cache.counters_get(&["short".into()]).await.unwrap()[0].is_empty());
}
