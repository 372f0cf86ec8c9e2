//! `nextAllowedAt` for each time rule: after the window, across a holiday,
//! across DST (including windows that open inside a gap or a repeated hour).

mod common;

use chrono::NaiveDate;
use chrono_tz::America::{Boise, Chicago, Los_Angeles, New_York};
use common::{landline, local, utc};
use compliance::{AttemptLog, ClockTime, DialMode, NoSuppression, RuleSet, WeeklyWindow, decide};

fn rules_with(window: WeeklyWindow) -> RuleSet {
    let mut rules = RuleSet::defaults();
    rules.attempt_rules.clear();
    rules.calling_windows.default = window;
    rules
}

fn next(
    rules: &RuleSet,
    zones: &[chrono_tz::Tz],
    at: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    decide(
        rules,
        &landline(zones),
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        at,
    )
    .next_allowed_at
}

/// An allowed decision's nextAllowedAt is the instant itself.
#[test]
fn allowed_now_means_next_is_now() {
    let rules = rules_with(WeeklyWindow::every_day(
        ClockTime::hm(8, 0),
        ClockTime::hm(21, 0),
    ));
    let at = local(Chicago, 2025, 1, 14, 12, 0);
    assert_eq!(next(&rules, &[Chicago], at), Some(at));
}

/// After the window closes, nextAllowedAt is the next opening in the zone that opens last.
#[test]
fn after_the_window_closes_the_next_morning_in_the_latest_zone() {
    let rules = rules_with(WeeklyWindow::every_day(
        ClockTime::hm(8, 0),
        ClockTime::hm(21, 0),
    ));
    let table = [
        // 21:14 Chicago → 08:00 Chicago tomorrow.
        (
            vec![Chicago],
            local(Chicago, 2025, 1, 14, 21, 14),
            local(Chicago, 2025, 1, 15, 8, 0),
        ),
        // 06:00 Chicago → 08:00 today.
        (
            vec![Chicago],
            local(Chicago, 2025, 1, 14, 6, 0),
            local(Chicago, 2025, 1, 14, 8, 0),
        ),
        // 208: Boise closes at 21:00 Boise (04:00 UTC); opens again when LA reaches 08:00 (16:00 UTC).
        (
            vec![Boise, Los_Angeles],
            utc(2025, 1, 15, 4, 30),
            utc(2025, 1, 15, 16, 0),
        ),
        (
            vec![Los_Angeles, Boise],
            utc(2025, 1, 15, 4, 30),
            utc(2025, 1, 15, 16, 0),
        ),
        // New York + Los Angeles: 08:00 LA = 11:00 NY.
        (
            vec![New_York, Los_Angeles],
            local(New_York, 2025, 1, 14, 9, 0),
            local(Los_Angeles, 2025, 1, 14, 8, 0),
        ),
    ];
    for (zones, at, expected) in table {
        assert_eq!(next(&rules, &zones, at), Some(expected), "{zones:?} {at}");
    }
}

/// nextAllowedAt skips holidays and days without slots.
#[test]
fn across_a_holiday_and_a_weekend() {
    let mut rules = rules_with(WeeklyWindow {
        slots: vec![compliance::Slot {
            days: compliance::Day::WEEKDAYS.to_vec(),
            start: ClockTime::hm(9, 0),
            end: ClockTime::hm(17, 0),
        }],
    });
    rules.calling_windows.holidays = vec![
        NaiveDate::from_ymd_opt(2025, 12, 25).expect("date"),
        NaiveDate::from_ymd_opt(2025, 12, 26).expect("date"),
    ];
    // Wednesday 24th 18:00 → Thursday and Friday are holidays, then a weekend → Monday 29th 09:00.
    let at = local(Chicago, 2025, 12, 24, 18, 0);
    assert_eq!(
        next(&rules, &[Chicago], at),
        Some(local(Chicago, 2025, 12, 29, 9, 0))
    );
}

/// nextAllowedAt across DST in New York uses the new offset.
#[test]
fn across_dst_in_new_york() {
    let rules = rules_with(WeeklyWindow::every_day(
        ClockTime::hm(8, 0),
        ClockTime::hm(21, 0),
    ));
    let table = [
        // Saturday 22:00 EST before spring-forward → Sunday 08:00 EDT = 12:00 UTC.
        (utc(2025, 3, 9, 3, 0), utc(2025, 3, 9, 12, 0)),
        // Saturday 21:30 EDT before fall-back → Sunday 08:00 EST = 13:00 UTC.
        (utc(2025, 11, 2, 1, 30), utc(2025, 11, 2, 13, 0)),
    ];
    for (at, expected) in table {
        assert_eq!(next(&rules, &[New_York], at), Some(expected), "{at}");
    }
}

/// A window starting inside the spring-forward gap opens when the clock jumps past its start.
#[test]
fn a_window_that_opens_inside_the_spring_forward_gap() {
    // 02:30 never appears on 2025-03-09 in New York: the window opens when the clock jumps to 03:00 EDT (07:00 UTC).
    let rules = rules_with(WeeklyWindow::every_day(
        ClockTime::hm(2, 30),
        ClockTime::hm(4, 0),
    ));
    assert_eq!(
        next(&rules, &[New_York], utc(2025, 3, 9, 6, 0)),
        Some(utc(2025, 3, 9, 7, 0))
    );
}

/// A window reopens in the fall-back repeated hour, at both readings of its start.
#[test]
fn a_window_that_reopens_in_the_repeated_hour() {
    // 00:00–01:30: at 01:45 EDT (05:45 UTC) closed; the clock goes back to 01:00 EST at 06:00 UTC.
    let rules = rules_with(WeeklyWindow::every_day(
        ClockTime::hm(0, 0),
        ClockTime::hm(1, 30),
    ));
    assert_eq!(
        next(&rules, &[New_York], utc(2025, 11, 2, 5, 45)),
        Some(utc(2025, 11, 2, 6, 0))
    );
    // A window starting at 01:15 opens at the first 01:15 (EDT, 05:15 UTC).
    let rules = rules_with(WeeklyWindow::every_day(
        ClockTime::hm(1, 15),
        ClockTime::hm(1, 45),
    ));
    assert_eq!(
        next(&rules, &[New_York], utc(2025, 11, 2, 5, 0)),
        Some(utc(2025, 11, 2, 5, 15))
    );
    // … and again at the second 01:15 (EST, 06:15 UTC).
    assert_eq!(
        next(&rules, &[New_York], utc(2025, 11, 2, 5, 50)),
        Some(utc(2025, 11, 2, 6, 15))
    );
}

/// A window with no slots gives no nextAllowedAt.
#[test]
fn a_window_that_never_opens_has_no_next() {
    let rules = rules_with(WeeklyWindow { slots: Vec::new() });
    assert_eq!(
        next(&rules, &[Chicago], local(Chicago, 2025, 1, 14, 12, 0)),
        None
    );
}
