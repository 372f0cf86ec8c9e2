//! `nextAllowedAt`: the first instant at which every time-based rule — the
//! windows and holidays in every zone, every attempt rule — allows at once.
//!
//! Each rule can say the first instant at or after a given one at which it
//! alone allows. Starting from the decision's instant, the search moves to
//! the latest of those answers until no rule moves it: it never passes the
//! true answer (each rule's answer is at most it) and it stops only where all
//! rules allow, so it ends on the minimum.
//!
//! An attempt rule's answer is the later of the instant asked and one fixed
//! instant (the history does not grow meanwhile), so the history is read once
//! per rule; a zone's answer is an instant it allows, so a zone is not asked
//! again until another zone has moved the search.

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
    let mut candidate = attempt_rules
        .iter()
        .filter_map(|rule| rule.free_at(history))
        .fold(at, DateTime::max);
    // How many zones in a row, in the order they are asked (round and round),
    // allow `candidate`: the zone that moved it there allows it too.
    let mut allowing = 0;
    for pass in 0..MAX_PASSES {
        let start = candidate;
        for zone in zones {
            if allowing == zones.len() {
                // Every zone allows: the rest of the pass would not move.
                break;
            }
            let next = zone.next_open(candidate)?;
            allowing = if next == candidate { allowing + 1 } else { 1 };
            candidate = next;
        }
        if candidate > horizon {
            return None;
        }
        // A pass that moved the search needs one more that does not.
        if allowing == zones.len() && (candidate == start || pass + 1 < MAX_PASSES) {
            return Some(candidate);
        }
    }
    None
}
