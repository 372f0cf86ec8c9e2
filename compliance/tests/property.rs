//! Property tests (proptest): random rule sets — weekly windows with several
//! slots a day, region overrides, holidays near the instant, attempt rules
//! counted by device, client id or a custom key — random devices in one to
//! three zones, histories, suppression entries and dialing modes, at instants
//! concentrated around the DST transitions of 2026 and 2027 in ten zones
//! (`property/cases.rs`).
//!
//! Every decision is compared with `property/oracle.rs`, an independent and
//! deliberately naive reading of SPEC §3 (it uses none of the engine's
//! helpers), and `nextAllowedAt` is checked to be allowed and minimal by
//! scanning the minutes before it.

#[path = "property/cases.rs"]
mod cases;
mod common;
#[path = "property/oracle.rs"]
mod oracle;

use std::collections::BTreeMap;

use cases::{case, dst_transitions};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Timelike, Utc};
use compliance::RuleKind;
use oracle::{observed, oracle};
use proptest::prelude::*;

/// The whole UTC minutes after `from` and before `until`, with `from` itself first.
fn minutes_between(
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> impl Iterator<Item = DateTime<Utc>> {
    let first_minute = from
        .with_second(0)
        .expect("second 0")
        .with_nanosecond(0)
        .expect("nanosecond 0")
        + TimeDelta::minutes(1);
    std::iter::once(from)
        .chain(std::iter::successors(Some(first_minute), |minute| {
            Some(*minute + TimeDelta::minutes(1))
        }))
        .take_while(move |instant| *instant < until)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    /// Every decision lists exactly the rules an independent reading of SPEC §3 says refuse (so an allowed decision breaks no window, holiday, attempt limit or other rule), each with a name and a reason.
    #[test]
    fn decisions_agree_with_an_independent_reading_of_the_rules(case in case()) {
        prop_assert!(case.rules.check().is_ok(), "the generator made an invalid rule set: {:?}", case.rules.check());
        let decision = case.decide(case.at);
        let expected = oracle(&case, case.at);
        prop_assert_eq!(&observed(&decision), &expected, "at {}: {:?}", case.at, decision.refusals);
        prop_assert_eq!(decision.allowed, expected.allowed());
        prop_assert_eq!(decision.allowed, decision.refusals.is_empty());
        for refusal in &decision.refusals {
            prop_assert!(!refusal.reason.trim().is_empty(), "empty reason: {:?}", refusal);
            if refusal.rule == RuleKind::AttemptLimit {
                prop_assert!(refusal.reason.contains(&refusal.name), "{:?}", refusal);
            } else {
                prop_assert_eq!(&refusal.name, refusal.rule.label());
            }
        }
    }

    /// When only time refuses, `nextAllowedAt` is after the instant, allowed (by the engine and the oracle), and no whole minute nor the second before it is allowed; any other refusal has no `nextAllowedAt`.
    #[test]
    fn next_allowed_at_is_allowed_and_minimal(case in case()) {
        let decision = case.decide(case.at);
        let expected = oracle(&case, case.at);
        if decision.allowed {
            prop_assert_eq!(decision.next_allowed_at, Some(case.at));
            return Ok(());
        }
        if !expected.only_time_refuses() {
            prop_assert_eq!(decision.next_allowed_at, None, "refused by {:?}", decision.refusals);
            return Ok(());
        }
        let Some(next) = decision.next_allowed_at else {
            // Nothing in the next three days may be allowed either.
            let horizon = case.at + TimeDelta::days(3);
            for instant in minutes_between(case.at, horizon).step_by(3) {
                prop_assert!(!oracle(&case, instant).allowed(), "no next, but {} is allowed", instant);
            }
            return Ok(());
        };
        prop_assert!(next > case.at);
        let then = case.decide(next);
        prop_assert!(then.allowed, "next {} is refused: {:?}", next, then.refusals);
        prop_assert!(oracle(&case, next).allowed(), "the oracle refuses next {}", next);
        let second_before = next - TimeDelta::seconds(1);
        if second_before >= case.at {
            prop_assert!(!case.decide(second_before).allowed, "{} is allowed, before next {}", second_before, next);
        }
        let minute_before = next - TimeDelta::minutes(1);
        if minute_before >= case.at {
            prop_assert!(!case.decide(minute_before).allowed, "{} is allowed, before next {}", minute_before, next);
        }
        // Minimal to the minute: no whole minute before it is allowed (scanned within three days).
        let until = next.min(case.at + TimeDelta::days(3));
        for instant in minutes_between(case.at, until) {
            prop_assert!(!oracle(&case, instant).allowed(), "{} is allowed, before next {}", instant, next);
        }
    }
}

/// The instant generator really is centred on DST: two transitions a year in
/// every zone that has DST (none in Phoenix and Honolulu).
#[test]
fn dst_transitions_cover_every_zone_with_dst() {
    let transitions = dst_transitions();
    assert_eq!(transitions.len(), 8 * 4, "{transitions:?}");
    let new_york_spring = Utc
        .with_ymd_and_hms(2026, 3, 8, 7, 0, 0)
        .single()
        .expect("valid");
    assert!(transitions.contains(&new_york_spring));
    // Lord Howe moves its clock back half an hour on 2026-04-05 at 02:00 local (15:00 UTC on the 4th).
    let lord_howe_autumn = Utc
        .with_ymd_and_hms(2026, 4, 4, 15, 0, 0)
        .single()
        .expect("valid");
    assert!(transitions.contains(&lord_howe_autumn));
    assert!(
        transitions
            .iter()
            .all(|at| at.date_naive() >= NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"))
    );
}

/// The case generator reaches every branch the properties check: allowed,
/// refused by time only (with and without a `nextAllowedAt`), refused by
/// other rules, each kind of rule, and devices in several zones.
#[test]
fn the_generator_reaches_every_rule_and_outcome() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = case();
    let mut counts = BTreeMap::<String, u32>::new();
    let mut count = |key: &str| *counts.entry(key.to_owned()).or_default() += 1;
    for _ in 0..2000 {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        let decision = case.decide(case.at);
        let expected = oracle(&case, case.at);
        if decision.allowed {
            count("allowed");
        } else if !expected.only_time_refuses() {
            count("refused by a rule time does not lift");
        } else if decision.next_allowed_at.is_some() {
            count("refused by time, rescheduled");
        } else {
            count("refused by time, no next");
        }
        for kind in &expected.kinds {
            count(kind);
        }
        if case.device.zones.len() > 1 {
            count("several zones");
        }
    }
    let expected_keys = [
        "allowed",
        "refused by a rule time does not lift",
        "refused by time, rescheduled",
        "refused by time, no next",
        "EmergencyStop",
        "Suppression",
        "TimeZoneUnknown",
        "CallingWindow",
        "Holiday",
        "AttemptLimit",
        "MobileConsent",
        "Reassigned",
        "Ported",
        "several zones",
    ];
    for key in expected_keys {
        assert!(
            counts.get(key).copied().unwrap_or(0) >= 20,
            "{key}: {counts:?}"
        );
    }
    assert!(
        counts["allowed"] >= 200 && counts["refused by time, rescheduled"] >= 400,
        "{counts:?}"
    );
}
