//! Messages-per-second limits shared by every dial-manager replica: one
//! cache counter per scope (a campaign, a tenant) of the messages granted,
//! against the budget that opens evenly with time (`limit` per second since
//! the epoch). Unused budget is kept for at most a tenth of a second's share,
//! so a scope that starts, or waited, never gets a burst: in any one-second
//! window at most the limit plus that tenth goes out, and the rate a receiver
//! measures over a few seconds is the limit.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cache::{Cache, CacheError};

/// How long a scope's counter lives without being created again (it is
/// simply rebuilt: the budget kept is bounded either way).
const COUNTER_TTL: Duration = Duration::from_secs(60);

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as u64)
        .unwrap_or(0)
}

fn key(scope: &str) -> String {
    format!("msgrate:{scope}")
}

/// Counter units per message: the budget opens continuously, so a fraction
/// of a message left over is kept, not rounded away.
const UNIT: i64 = 1000;

/// The budget opened by `ms` (epoch milliseconds) at `per_second`, in units.
fn opened(per_second: u32, ms: u64) -> i64 {
    // `per_second` messages a second is `per_second` units a millisecond.
    i64::from(per_second) * ms as i64
}

/// The most unused budget a scope keeps, in units: a tenth of a second's
/// share (at least one message), so no one-second window holds more than the
/// limit and a tenth.
fn kept(per_second: u32) -> i64 {
    (i64::from(per_second) * 100).max(UNIT)
}

/// How soon to ask again when `per_second` granted nothing: half the time a
/// message takes to open (5 ms at least), well within what a scope keeps.
pub fn next_in(per_second: u32) -> Duration {
    Duration::from_millis((500 / u64::from(per_second.max(1))).max(5))
}

/// Takes up to `want` from `scope`'s budget of `per_second`.
pub async fn acquire(
    cache: &Cache,
    scope: &str,
    per_second: u32,
    want: u32,
) -> Result<u32, CacheError> {
    let now = now_ms();
    if want == 0 {
        return Ok(0);
    }
    let key = key(scope);
    let want = i64::from(want);
    // A new scope starts just behind the open budget, set atomically: two
    // takers meeting an empty counter must not both catch it up from zero,
    // which would spend the budget for years and stall the campaign.
    cache
        .set_if_absent(
            &key,
            &(opened(per_second, now) - UNIT).to_string(),
            Some(COUNTER_TTL),
        )
        .await?;
    let total = cache.incr(&key, want * UNIT, Some(COUNTER_TTL)).await?;
    let before = total - want * UNIT;
    let mut credit = opened(per_second, now) - before;
    // A scope starting (its counter new) starts with one message, not a tenth of a second's.
    let cap = if before == 0 { UNIT } else { kept(per_second) };
    if credit > cap {
        // Budget left unused (a new, idle or slow scope) is not kept beyond the cap.
        cache.incr(&key, credit - cap, None).await?;
        credit = cap;
    }
    let granted = (credit / UNIT).clamp(0, want);
    if granted < want {
        cache.incr(&key, (granted - want) * UNIT, None).await?;
    }
    Ok(granted as u32)
}

/// Returns `unused` of what [`acquire`] granted (a batch found fewer records than it was allowed).
pub async fn give_back(cache: &Cache, scope: &str, unused: u32) -> Result<(), CacheError> {
    if unused > 0 {
        cache
            .incr(&key(scope), -i64::from(unused) * UNIT, None)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_opens_evenly_and_little_is_kept() {
        assert_eq!(opened(20, 1_000), 20 * UNIT);
        assert_eq!(opened(20, 1_450) - opened(20, 1_000), 9 * UNIT);
        assert_eq!(kept(20), 2 * UNIT);
        assert_eq!(kept(25), 2 * UNIT + UNIT / 2);
        assert_eq!(kept(5), UNIT);
        assert_eq!(kept(10_000), 1_000 * UNIT);
        assert_eq!(next_in(40), Duration::from_millis(12));
        assert_eq!(next_in(10_000), Duration::from_millis(5));
    }

    #[tokio::test]
    async fn a_new_scope_gets_no_burst() {
        let cache = Cache::in_process();
        let first = acquire(&cache, "c:new", 100, 500).await.unwrap();
        assert_eq!(first, 1);
        let second = acquire(&cache, "c:new", 100, 500).await.unwrap();
        assert!(second <= 1, "{second}");
    }

    #[tokio::test]
    async fn takers_never_get_more_than_the_rate_allows() {
        let cache = Cache::in_process();
        let started = std::time::Instant::now();
        let mut granted = 0;
        while started.elapsed() < Duration::from_millis(300) {
            granted += acquire(&cache, "c:test", 100, 4).await.unwrap();
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // 0.3 s at 100/s, plus the tenth kept at the start, plus rounding.
        assert!((20..=42).contains(&granted), "{granted}");
    }
}
