//! What happens after downtime (the misfire policy) and after a failed attempt
//! (the retry back-off).

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::CronSchedule;

/// What a scheduler does, on start, with firings missed while no scheduler ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MisfirePolicy {
    /// Run the latest missed firing once, now (several missed firings still run once).
    RunOnce,
    /// Run nothing now; wait for the next firing.
    Skip,
}

impl MisfirePolicy {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MisfirePolicy::RunOnce => "RUN_ONCE",
            MisfirePolicy::Skip => "SKIP",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "RUN_ONCE" => Some(MisfirePolicy::RunOnce),
            "SKIP" => Some(MisfirePolicy::Skip),
            _ => None,
        }
    }
}

/// The firing a scheduler owes at `now`: the latest one after `fired_through`
/// (the last firing recorded, or when the job was enabled) and at least
/// `grace` old (younger ones are the live timer's), or `None`.
pub fn catch_up(
    schedule: &CronSchedule,
    fired_through: DateTime<Utc>,
    now: DateTime<Utc>,
    grace: Duration,
) -> Option<DateTime<Utc>> {
    let grace = chrono::Duration::from_std(grace).ok()?;
    schedule
        .latest_at_or_before(now - grace)
        .filter(|owed| *owed > fired_through)
}

/// How long to wait before attempt `attempt + 1` after `attempt` failed
/// (attempts count from 1): the first delay, doubled per retry, at most a day.
pub fn retry_delay(first: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(20);
    first
        .saturating_mul(1 << doublings)
        .min(Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.with_timezone(&Utc))
            .expect("test instant")
    }

    #[test]
    fn downtime_owes_the_latest_missed_firing_once() {
        let hourly = CronSchedule::parse("0 * * * *", "UTC").expect("valid");
        let grace = Duration::from_secs(5);
        // Last fired 07:00, down until 10:30: 08, 09 and 10 missed; 10:00 is owed.
        assert_eq!(
            catch_up(
                &hourly,
                at("2026-11-21T07:00:00Z"),
                at("2026-11-21T10:30:00Z"),
                grace
            ),
            Some(at("2026-11-21T10:00:00Z"))
        );
        // Already fired 10:00: nothing owed.
        assert_eq!(
            catch_up(
                &hourly,
                at("2026-11-21T10:00:00Z"),
                at("2026-11-21T10:30:00Z"),
                grace
            ),
            None
        );
        // A firing younger than the grace belongs to the live timer.
        assert_eq!(
            catch_up(
                &hourly,
                at("2026-11-21T09:00:00Z"),
                at("2026-11-21T10:00:02Z"),
                grace
            ),
            None
        );
    }

    #[test]
    fn back_off_doubles_and_is_capped() {
        let first = Duration::from_secs(30);
        assert_eq!(retry_delay(first, 1), Duration::from_secs(30));
        assert_eq!(retry_delay(first, 2), Duration::from_secs(60));
        assert_eq!(retry_delay(first, 4), Duration::from_secs(240));
        assert_eq!(retry_delay(first, 40), Duration::from_secs(86_400));
    }

    #[test]
    fn policy_names_round_trip() {
        for policy in [MisfirePolicy::RunOnce, MisfirePolicy::Skip] {
            assert_eq!(MisfirePolicy::parse(policy.as_str()), Some(policy));
        }
    }
}
