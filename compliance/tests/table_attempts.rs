//! Tables for the attempt rules of SPEC §3.3: the four defaults of
//! `RuleSet::defaults()`, today versus rolling periods (and their exact
//! boundaries, across DST too), counted results, counting by device, client
//! id or a custom key. Every refusal row gives the exact `nextAllowedAt`.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::America::{Chicago, New_York};
use common::table::{check, row};
use common::{landline, local, utc};
use compliance::{
    Attempt, AttemptLog, AttemptPeriod, AttemptRule, CallResult, Channel, ClockTime, CountBy,
    RuleKind, RuleSet, WeeklyWindow,
};

use CallResult::{Abandoned, Busy, NoAnswer, RightPartyContact};
use RuleKind::{AttemptLimit, CallingWindow};

const THIS_DEVICE: &str = "+13125550100";
const OTHER_DEVICE: &str = "+13125550199";

const STATE_CAPS: &str = "3 per client id per rolling 24 h (state caps)";
const REGULATION_F: &str = "7 per client id per rolling 7 days (Regulation F)";
const CONVERSATION: &str = "none within 7 days after a conversation";
const OFCOM: &str = "none to a device within 72 h after an abandoned call (Ofcom)";

/// A past attempt to `device` for client `client_id`, with an optional debt id.
fn attempt(
    at: DateTime<Utc>,
    device: &str,
    client_id: Option<&str>,
    debt: Option<&str>,
    result: CallResult,
) -> Attempt {
    Attempt {
        at,
        device: device.into(),
        client_id: client_id.map(str::to_owned),
        custom_keys: debt
            .map(|debt| BTreeMap::from([("debt_id".to_owned(), debt.to_owned())]))
            .unwrap_or_default(),
        result,
    }
}

/// Attempts to this device and client id `C-1` (the landline's).
fn log(attempts: &[(DateTime<Utc>, CallResult)]) -> AttemptLog {
    AttemptLog {
        attempts: attempts
            .iter()
            .map(|&(at, result)| attempt(at, THIS_DEVICE, Some("C-1"), None, result))
            .collect(),
    }
}

/// One attempt rule alone, the window open all day so only it can refuse.
fn only(limit: u32, period: AttemptPeriod, counted_by: CountBy, results: &[CallResult]) -> RuleSet {
    let mut rules = RuleSet::defaults();
    rules.calling_windows.default =
        WeeklyWindow::every_day(ClockTime::hm(0, 0), ClockTime::END_OF_DAY);
    rules.attempt_rules = vec![AttemptRule {
        name: "test rule".into(),
        limit,
        period,
        counted_by,
        counted_results: results.to_vec(),
        channels: vec![Channel::Voice],
        required: true,
    }];
    rules
}

/// The four defaults of SPEC §3.3 with the default window: each limit just below and at its count, results and keys that do not count, a reopening outside the window, two rules at once.
#[test]
fn default_attempt_rules_table() {
    let rules = RuleSet::defaults();
    let device = landline(&[Chicago]);
    // Tuesday 2026-01-13 12:00 in Chicago.
    let at = local(Chicago, 2026, 1, 13, 12, 0);
    let ago = |days: i64, hours: i64| at - TimeDelta::days(days) - TimeDelta::hours(hours);
    let evening = local(Chicago, 2026, 1, 13, 20, 0);
    let evening_ago = |hours: i64| evening - TimeDelta::hours(hours);
    let other_client = AttemptLog {
        attempts: (1..=3)
            .map(|hours| attempt(ago(0, hours), THIS_DEVICE, Some("C-2"), None, NoAnswer))
            .collect(),
    };
    let abandoned_elsewhere = AttemptLog {
        attempts: vec![attempt(
            ago(2, 0),
            OTHER_DEVICE,
            Some("C-1"),
            None,
            Abandoned,
        )],
    };
    let rows = vec![
        row("2 in 24 h", &rules, &device, at)
            .history(log(&[(ago(0, 2), NoAnswer), (ago(0, 3), Busy)])),
        row("3 in 24 h", &rules, &device, at)
            .history(log(&[
                (ago(0, 2), NoAnswer),
                (ago(0, 3), Busy),
                (ago(0, 20), Busy),
            ]))
            .refused(&[AttemptLimit], Some(ago(0, 20) + TimeDelta::hours(24)))
            .naming(&[STATE_CAPS]),
        row(
            "3 in 24 h, reopening at 22:00: next morning",
            &rules,
            &device,
            evening,
        )
        .history(log(&[
            (evening_ago(22), NoAnswer),
            (evening_ago(2), Busy),
            (evening_ago(1), Busy),
        ]))
        .refused(&[AttemptLimit], Some(local(Chicago, 2026, 1, 14, 8, 0)))
        .naming(&[STATE_CAPS]),
        row(
            "3 in 24 h to another client id on this device",
            &rules,
            &device,
            at,
        )
        .history(other_client),
        row("6 in 7 days", &rules, &device, at).history(log(&(1..=6)
            .map(|day| (ago(day, 0), NoAnswer))
            .collect::<Vec<_>>())),
        row("7 in 7 days", &rules, &device, at)
            .history(log(&(0..=6)
                .map(|day| (ago(day, 1), NoAnswer))
                .collect::<Vec<_>>()))
            .refused(&[AttemptLimit], Some(ago(6, 1) + TimeDelta::days(7)))
            .naming(&[REGULATION_F]),
        row("conversation 6 days ago", &rules, &device, at)
            .history(log(&[(ago(6, 0), RightPartyContact)]))
            .refused(&[AttemptLimit], Some(ago(6, 0) + TimeDelta::days(7)))
            .naming(&[CONVERSATION]),
        row("conversation exactly 7 days ago", &rules, &device, at)
            .history(log(&[(ago(7, 0), RightPartyContact)])),
        row("abandoned 2 days ago", &rules, &device, at)
            .history(log(&[(ago(2, 0), Abandoned)]))
            .refused(&[AttemptLimit], Some(ago(2, 0) + TimeDelta::hours(72)))
            .naming(&[OFCOM]),
        row("abandoned exactly 72 h ago", &rules, &device, at)
            .history(log(&[(ago(3, 0), Abandoned)])),
        row(
            "abandoned to another device of the client",
            &rules,
            &device,
            at,
        )
        .history(abandoned_elsewhere),
        row(
            "3 abandoned in 3 h: two rules, the later reopening",
            &rules,
            &device,
            at,
        )
        .history(log(&[
            (ago(0, 1), Abandoned),
            (ago(0, 2), Abandoned),
            (ago(0, 3), Abandoned),
        ]))
        .refused(&[AttemptLimit], Some(ago(0, 1) + TimeDelta::hours(72)))
        .naming(&[STATE_CAPS, OFCOM]),
    ];
    check(rows);
}

/// TODAY resets at local midnight (every zone's, DST days included) while a rolling period does not; a rolling period lets go of an attempt exactly when it has lasted, across DST too.
#[test]
fn today_and_rolling_table() {
    let today = only(2, AttemptPeriod::Today, CountBy::Device, &[]);
    let today_one = only(1, AttemptPeriod::Today, CountBy::Device, &[]);
    let rolling = only(
        2,
        AttemptPeriod::Rolling { hours: 24 },
        CountBy::Device,
        &[],
    );
    let rolling_one = only(
        1,
        AttemptPeriod::Rolling { hours: 24 },
        CountBy::Device,
        &[],
    );
    let chicago = landline(&[Chicago]);
    let new_york = landline(&[New_York]);
    let chi = |day, hour, minute| local(Chicago, 2026, 1, day, hour, minute);
    let at = chi(13, 15, 0);
    let one_second = TimeDelta::seconds(1);
    let rows = vec![
        row("today: 2 this morning", &today, &chicago, at)
            .history(log(&[
                (chi(13, 9, 0), NoAnswer),
                (chi(13, 10, 0), NoAnswer),
            ]))
            .refused(&[AttemptLimit], Some(chi(14, 0, 0))),
        row(
            "today: yesterday evening does not count",
            &today,
            &chicago,
            at,
        )
        .history(log(&[
            (chi(12, 20, 0), NoAnswer),
            (chi(13, 9, 0), NoAnswer),
        ])),
        row(
            "rolling 24 h: yesterday evening counts",
            &rolling,
            &chicago,
            at,
        )
        .history(log(&[
            (chi(12, 20, 0), NoAnswer),
            (chi(13, 9, 0), NoAnswer),
        ]))
        .refused(&[AttemptLimit], Some(chi(13, 20, 0))),
        row(
            "today: an attempt at local midnight counts",
            &today,
            &chicago,
            at,
        )
        .history(log(&[(chi(13, 0, 0), NoAnswer), (chi(13, 9, 0), NoAnswer)]))
        .refused(&[AttemptLimit], Some(chi(14, 0, 0))),
        row(
            "today: a second before midnight does not",
            &today,
            &chicago,
            at,
        )
        .history(log(&[
            (chi(13, 0, 0) - one_second, NoAnswer),
            (chi(13, 9, 0), NoAnswer),
        ])),
        row(
            "rolling: exactly 24 h ago no longer counts",
            &rolling_one,
            &chicago,
            at,
        )
        .history(log(&[(at - TimeDelta::hours(24), NoAnswer)])),
        row(
            "rolling: 24 h minus a second ago counts",
            &rolling_one,
            &chicago,
            at,
        )
        .history(log(&[(at - TimeDelta::hours(24) + one_second, NoAnswer)]))
        .refused(&[AttemptLimit], Some(at + one_second)),
        // 23:30 in New York is 22:30 in Chicago; at 00:10 in New York it is still the 13th in Chicago.
        row(
            "today in New York + Chicago: until Chicago's midnight",
            &today_one,
            &landline(&[New_York, Chicago]),
            local(New_York, 2026, 1, 14, 0, 10),
        )
        .history(log(&[(local(New_York, 2026, 1, 13, 23, 30), NoAnswer)]))
        .refused(&[AttemptLimit], Some(chi(14, 0, 0))),
        row(
            "today in New York alone: already reset",
            &today_one,
            &new_york,
            local(New_York, 2026, 1, 14, 0, 10),
        )
        .history(log(&[(local(New_York, 2026, 1, 13, 23, 30), NoAnswer)])),
        // 2026-11-01 in New York lasts 25 h: 00:30 EDT (04:30 UTC) and 23:30 EST (04:30 UTC next day) are the same day.
        row(
            "today on the fall-back day",
            &today_one,
            &new_york,
            utc(2026, 11, 2, 4, 30),
        )
        .history(log(&[(utc(2026, 11, 1, 4, 30), NoAnswer)]))
        .refused(&[AttemptLimit], Some(utc(2026, 11, 2, 5, 0))),
        // 24 h after 12:00 EST on 2026-03-07 is 13:00 EDT on the 8th (17:00 UTC).
        row(
            "rolling 24 h across spring-forward",
            &rolling_one,
            &new_york,
            utc(2026, 3, 8, 16, 0),
        )
        .history(log(&[(utc(2026, 3, 7, 17, 0), NoAnswer)]))
        .refused(&[AttemptLimit], Some(utc(2026, 3, 8, 17, 0))),
    ];
    check(rows);
}

/// Only the counted results count; a custom key counts per debt and falls back to the device when the contact has none, as a client-id rule does without a client id; a rule for another channel does not apply.
#[test]
fn counted_results_and_keys_table() {
    let at = utc(2026, 1, 13, 18, 0);
    let abandoned_only = only(
        1,
        AttemptPeriod::Rolling { hours: 72 },
        CountBy::Device,
        &[Abandoned],
    );
    let per_debt = only(
        1,
        AttemptPeriod::Rolling { hours: 168 },
        CountBy::Custom("debt_id".into()),
        &[],
    );
    let per_client = only(
        1,
        AttemptPeriod::Rolling { hours: 168 },
        CountBy::ClientId,
        &[],
    );
    let mut per_client_in_window = RuleSet::defaults();
    per_client_in_window.attempt_rules = per_client.attempt_rules.clone();
    let mut sms_only = per_client.clone();
    sms_only.attempt_rules[0].channels = vec![Channel::Sms];
    let mut with_debt = landline(&[Chicago]);
    with_debt.custom_keys.insert("debt_id".into(), "D-7".into());
    let mut without_client = landline(&[Chicago]);
    without_client.client_id = None;
    let day_ago = at - TimeDelta::days(1);
    let on_debt = |debt| AttemptLog {
        attempts: vec![attempt(
            day_ago,
            OTHER_DEVICE,
            Some("C-1"),
            Some(debt),
            NoAnswer,
        )],
    };
    let to_this_device_no_keys = AttemptLog {
        attempts: vec![attempt(day_ago, THIS_DEVICE, None, None, NoAnswer)],
    };
    let rows = vec![
        row(
            "busy is not counted",
            &abandoned_only,
            &landline(&[Chicago]),
            at,
        )
        .history(log(&[(at - TimeDelta::hours(1), Busy)])),
        row(
            "abandoned is counted",
            &abandoned_only,
            &landline(&[Chicago]),
            at,
        )
        .history(log(&[
            (at - TimeDelta::hours(1), Abandoned),
            (at - TimeDelta::minutes(5), Busy),
        ]))
        .refused(&[AttemptLimit], Some(at + TimeDelta::hours(71))),
        row("another debt of the same person", &per_debt, &with_debt, at).history(on_debt("D-8")),
        row("the same debt on another device", &per_debt, &with_debt, at)
            .history(on_debt("D-7"))
            .refused(&[AttemptLimit], Some(day_ago + TimeDelta::days(7))),
        row(
            "no debt id: counted by the device",
            &per_debt,
            &landline(&[Chicago]),
            at,
        )
        .history(to_this_device_no_keys.clone())
        .refused(&[AttemptLimit], Some(day_ago + TimeDelta::days(7))),
        row(
            "no client id: counted by the device",
            &per_client,
            &without_client,
            at,
        )
        .history(to_this_device_no_keys)
        .refused(&[AttemptLimit], Some(day_ago + TimeDelta::days(7))),
        row(
            "client id counts other devices",
            &per_client,
            &landline(&[Chicago]),
            at,
        )
        .history(on_debt("D-1"))
        .refused(&[AttemptLimit], Some(day_ago + TimeDelta::days(7))),
        row(
            "an SMS rule does not limit calls",
            &sms_only,
            &landline(&[Chicago]),
            at,
        )
        .history(on_debt("D-1")),
        row(
            "outside the window and over the limit: both",
            &per_client_in_window,
            &landline(&[Chicago]),
            local(Chicago, 2026, 1, 13, 23, 0),
        )
        .history(on_debt("D-1"))
        .refused(
            &[CallingWindow, AttemptLimit],
            Some(day_ago + TimeDelta::days(7)),
        ),
    ];
    check(rows);
}
