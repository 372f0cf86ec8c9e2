//! `nextAllowedAt`: the first instant at which every time-based rule — the
//! windows and holidays in every zone, every attempt rule — allows at once.
//!
//! Each rule can say the first instant at or after a given one at which it
//! alone allows. Starting from the decision's instant, the search moves to
//! the latest of those answers until no rule moves it: it never passes the
//! true answer (each rule's answer is at most it) and it stops only where all
//! rules allow, so it ends on the minimum.

use chrono::{DateTime, TimeDelta, Utc};

use crate::attempts::BoundRule;
use crate::facts::AttemptHistory;
use crate::window::{SEARCH_DAYS, ZoneWindows};

/// Passes over the rules before giving up (each pass moves forward or ends).
const MAX_PASSES: usize = 64;

/// The first instant ≥ `at` that every zone's windows and every attempt rule
/// allow; `None` when there is none within the search horizon.
pub(crate) fn first_allowed(
    zones: &[ZoneWindows<'_>],
    attempt_rules: &[BoundRule<'_>],
    history: &impl AttemptHistory,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let horizon = at + TimeDelta::days(i64::try_from(2 * SEARCH_DAYS).unwrap_or(62));
    let mut candidate = at;
    for _ in 0..MAX_PASSES {
        let start = candidate;
        for rule in attempt_rules {
            candidate = rule.next_open(history, candidate);
        }
        for zone in zones {
            candidate = zone.next_open(candidate)?;
        }
        if candidate > horizon {
            return None;
        }
        if candidate == start {
            return Some(candidate);
        }
    }
    None
}
