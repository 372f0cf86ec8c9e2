//! Attempt rules: rolling and today periods, counted results, keys, and the
//! four defaults of SPEC §3.3.

mod common;

use std::collections::BTreeMap;

use chrono::TimeDelta;
use chrono_tz::America::{Chicago, New_York};
use common::{history, kinds, landline, local, utc};
use compliance::{
    Attempt, AttemptLog, AttemptPeriod, AttemptRule, CallResult, Channel, ClockTime, CountBy,
    DialMode, NoSuppression, RuleKind, RuleSet, WeeklyWindow, decide,
};

/// A past attempt: when, and its result.
type PastAttempt = (chrono::DateTime<chrono::Utc>, CallResult);

fn only(rule: AttemptRule) -> RuleSet {
    let mut rules = RuleSet::defaults();
    rules.attempt_rules = vec![rule];
    // Open all day so the attempt rule is the only one that can refuse.
    rules.calling_windows.default =
        WeeklyWindow::every_day(ClockTime::hm(0, 0), ClockTime::END_OF_DAY);
    rules
}

fn rule(
    limit: u32,
    period: AttemptPeriod,
    counted_by: CountBy,
    results: &[CallResult],
) -> AttemptRule {
    AttemptRule {
        name: "test rule".into(),
        limit,
        period,
        counted_by,
        counted_results: results.to_vec(),
        channels: vec![Channel::Voice],
        required: true,
    }
}

/// A rolling 24 h rule counts only attempts less than 24 h old, names them in its reason and reopens 24 h after the oldest counted one.
#[test]
fn rolling_24_hours_counts_only_the_last_24_hours() {
    let rules = only(rule(
        3,
        AttemptPeriod::Rolling { hours: 24 },
        CountBy::ClientId,
        &[],
    ));
    let at = utc(2025, 1, 14, 18, 0);
    let hours_ago = |hours: i64| at - TimeDelta::hours(hours);
    let table: [(&[i64], bool); 5] = [
        (&[], true),
        (&[23, 10], true),
        (&[23, 10, 1], false),
        (&[25, 10, 1], true),
        // Exactly 24 h ago no longer counts.
        (&[24, 10, 1], true),
    ];
    for (ago, expected) in table {
        let attempts: Vec<_> = ago
            .iter()
            .map(|&hours| (hours_ago(hours), CallResult::NoAnswer))
            .collect();
        let decision = decide(
            &rules,
            &landline(&[Chicago]),
            DialMode::Preview,
            &NoSuppression,
            &history(&attempts),
            at,
        );
        assert_eq!(decision.allowed, expected, "{ago:?}");
    }
    let attempts = [
        (hours_ago(23), CallResult::Busy),
        (hours_ago(10), CallResult::Busy),
        (hours_ago(1), CallResult::Busy),
    ];
    let decision = decide(
        &rules,
        &landline(&[Chicago]),
        DialMode::Preview,
        &NoSuppression,
        &history(&attempts),
        at,
    );
    assert_eq!(
        decision.refusals[0].reason,
        "3 attempts to this client id in the last 24 h, the limit is 3 (rule \"test rule\")"
    );
    // The oldest of the three leaves the period 24 h after it was made.
    assert_eq!(
        decision.next_allowed_at,
        Some(hours_ago(23) + TimeDelta::hours(24))
    );
}

/// An attempt rule counts only its listed call results and reopens when the counted attempt leaves the period.
#[test]
fn only_the_counted_results_count() {
    let rules = only(rule(
        1,
        AttemptPeriod::Rolling { hours: 72 },
        CountBy::Device,
        &[CallResult::Abandoned],
    ));
    let at = utc(2025, 1, 14, 18, 0);
    let busy = [(at - TimeDelta::hours(1), CallResult::Busy)];
    assert!(
        decide(
            &rules,
            &landline(&[Chicago]),
            DialMode::Preview,
            &NoSuppression,
            &history(&busy),
            at
        )
        .allowed
    );
    let abandoned = [
        (at - TimeDelta::hours(1), CallResult::Abandoned),
        (at - TimeDelta::minutes(5), CallResult::Busy),
    ];
    let decision = decide(
        &rules,
        &landline(&[Chicago]),
        DialMode::Preview,
        &NoSuppression,
        &history(&abandoned),
        at,
    );
    assert_eq!(kinds(&decision), [RuleKind::AttemptLimit]);
    assert_eq!(
        decision.refusals[0].reason,
        "1 attempt with result ABANDONED to this device in the last 3 days, the limit is 1 (rule \"test rule\")"
    );
    assert_eq!(decision.next_allowed_at, Some(at + TimeDelta::hours(71)));
}

/// A TODAY rule counts since local midnight and reopens at the next local midnight.
#[test]
fn today_resets_at_local_midnight() {
    let rules = only(rule(2, AttemptPeriod::Today, CountBy::Device, &[]));
    let morning = |hour| local(Chicago, 2025, 1, 14, hour, 0);
    let yesterday = local(Chicago, 2025, 1, 13, 20, 0);
    let table = [
        (vec![yesterday, morning(9)], true),
        (vec![morning(9), morning(10)], false),
        (vec![yesterday, yesterday, morning(10)], true),
    ];
    for (instants, expected) in table {
        let attempts: Vec<_> = instants
            .iter()
            .map(|&at| (at, CallResult::NoAnswer))
            .collect();
        let decision = decide(
            &rules,
            &landline(&[Chicago]),
            DialMode::Preview,
            &NoSuppression,
            &history(&attempts),
            morning(15),
        );
        assert_eq!(decision.allowed, expected, "{instants:?}");
        if !expected {
            assert_eq!(
                decision.refusals[0].reason,
                "2 attempts to this device today, the limit is 2 (rule \"test rule\")"
            );
            assert_eq!(
                decision.next_allowed_at,
                Some(local(Chicago, 2025, 1, 15, 0, 0))
            );
        }
    }
}

/// With several zones, TODAY lasts until the last of their midnights.
#[test]
fn today_in_several_zones_lasts_until_the_last_zone_s_midnight() {
    let rules = only(rule(1, AttemptPeriod::Today, CountBy::Device, &[]));
    // 23:30 in New York = 22:30 in Chicago on 2025-01-14.
    let attempt = local(New_York, 2025, 1, 14, 23, 30);
    // 00:10 in New York is a new day there but still the 14th in Chicago.
    let at = local(New_York, 2025, 1, 15, 0, 10);
    let attempts = [(attempt, CallResult::NoAnswer)];
    let decision = decide(
        &rules,
        &landline(&[New_York, Chicago]),
        DialMode::Preview,
        &NoSuppression,
        &history(&attempts),
        at,
    );
    assert!(!decision.allowed);
    assert_eq!(
        decision.next_allowed_at,
        Some(local(Chicago, 2025, 1, 15, 0, 0))
    );
    // New York alone has already reset.
    assert!(
        decide(
            &rules,
            &landline(&[New_York]),
            DialMode::Preview,
            &NoSuppression,
            &history(&attempts),
            at
        )
        .allowed
    );
}

/// A custom-key rule counts per debt id, and by the device when the contact has no such key.
#[test]
fn custom_key_counts_per_debt_and_falls_back_to_the_device() {
    let rules = only(rule(
        1,
        AttemptPeriod::Rolling { hours: 168 },
        CountBy::Custom("debt_id".into()),
        &[],
    ));
    let at = utc(2025, 1, 14, 18, 0);
    let attempt_on = |debt: &str| Attempt {
        at: at - TimeDelta::days(1),
        device: "+13125550199".into(),
        client_id: Some("C-1".into()),
        custom_keys: BTreeMap::from([("debt_id".to_string(), debt.to_string())]),
        result: CallResult::NoAnswer,
    };
    let mut device = landline(&[Chicago]);
    device.custom_keys.insert("debt_id".into(), "D-7".into());
    let other_debt = AttemptLog {
        attempts: vec![attempt_on("D-8")],
    };
    let same_debt = AttemptLog {
        attempts: vec![attempt_on("D-7")],
    };
    assert!(
        decide(
            &rules,
            &device,
            DialMode::Preview,
            &NoSuppression,
            &other_debt,
            at
        )
        .allowed
    );
    let decision = decide(
        &rules,
        &device,
        DialMode::Preview,
        &NoSuppression,
        &same_debt,
        at,
    );
    assert!(
        decision.refusals[0]
            .reason
            .contains("for this debt_id in the last 7 days")
    );
    // Without the key the device is counted: an attempt to the same number refuses.
    let keyless = landline(&[Chicago]);
    let to_device = history(&[(at - TimeDelta::days(1), CallResult::NoAnswer)]);
    assert!(
        !decide(
            &rules,
            &keyless,
            DialMode::Preview,
            &NoSuppression,
            &to_device,
            at
        )
        .allowed
    );
}

/// The four default attempt rules of SPEC §3.3 refuse at their limits and allow below them.
#[test]
fn the_defaults_of_spec_3_3() {
    let rules = RuleSet::defaults();
    let at = local(Chicago, 2025, 1, 14, 12, 0);
    let days_ago = |days: i64, hours: i64| at - TimeDelta::days(days) - TimeDelta::hours(hours);
    let table: [(&str, Vec<PastAttempt>, bool); 6] = [
        (
            "2 in 24 h",
            vec![
                (days_ago(0, 2), CallResult::NoAnswer),
                (days_ago(0, 3), CallResult::Busy),
            ],
            true,
        ),
        (
            "3 in 24 h",
            vec![
                (days_ago(0, 2), CallResult::NoAnswer),
                (days_ago(0, 3), CallResult::Busy),
                (days_ago(0, 20), CallResult::Busy),
            ],
            false,
        ),
        (
            "6 in 7 days",
            (1..=6)
                .map(|day| (days_ago(day, 0), CallResult::NoAnswer))
                .collect(),
            true,
        ),
        (
            "7 in 7 days",
            (0..=6)
                .map(|day| (days_ago(day, 1), CallResult::NoAnswer))
                .collect(),
            false,
        ),
        (
            "conversation 6 days ago",
            vec![(days_ago(6, 0), CallResult::RightPartyContact)],
            false,
        ),
        (
            "abandoned 2 days ago",
            vec![(days_ago(2, 0), CallResult::Abandoned)],
            false,
        ),
    ];
    for (name, attempts, expected) in table {
        let decision = decide(
            &rules,
            &landline(&[Chicago]),
            DialMode::Preview,
            &NoSuppression,
            &history(&attempts),
            at,
        );
        assert_eq!(
            decision.allowed, expected,
            "{name}: {:?}",
            decision.refusals
        );
    }
    let conversation_8_days = history(&[(days_ago(8, 0), CallResult::RightPartyContact)]);
    assert!(
        decide(
            &rules,
            &landline(&[Chicago]),
            DialMode::Preview,
            &NoSuppression,
            &conversation_8_days,
            at
        )
        .allowed
    );
    let abandoned_4_days = history(&[(days_ago(4, 0), CallResult::Abandoned)]);
    assert!(
        decide(
            &rules,
            &landline(&[Chicago]),
            DialMode::Preview,
            &NoSuppression,
            &abandoned_4_days,
            at
        )
        .allowed
    );
}
