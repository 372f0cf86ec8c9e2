//! Calling windows, holidays, region overrides, Sunday rules, multi-zone
//! intersection, DST and unknown zones, each case checked by hand.

mod common;

use chrono_tz::America::{Boise, Chicago, Los_Angeles, New_York};
use chrono_tz::Tz;
use common::{kinds, landline, local, utc};
use compliance::{
    AttemptLog, ClockTime, Day, DialMode, NoSuppression, RuleKind, RuleSet, Slot, WeeklyWindow,
    ZoneName, decide,
};

fn no_attempt_rules() -> RuleSet {
    let mut rules = RuleSet::defaults();
    rules.attempt_rules.clear();
    rules
}

fn allowed(
    rules: &RuleSet,
    zones: &[Tz],
    regions: &[&str],
    at: chrono::DateTime<chrono::Utc>,
) -> bool {
    let mut device = landline(zones);
    device.regions = regions.iter().map(|region| region.to_string()).collect();
    decide(
        rules,
        &device,
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        at,
    )
    .allowed
}

/// The default window allows 08:00 through 20:59:59 local time and refuses 21:00.
#[test]
fn default_window_boundaries_in_chicago() {
    let rules = no_attempt_rules();
    // (local hour, minute, allowed): 08:00 opens, 21:00 closes (start allowed, end not).
    let table = [
        (0, 0, false),
        (7, 59, false),
        (8, 0, true),
        (12, 0, true),
        (20, 59, true),
        (21, 0, false),
        (21, 14, false),
        (23, 59, false),
    ];
    for (hour, minute, expected) in table {
        let at = local(Chicago, 2025, 1, 14, hour, minute);
        assert_eq!(
            allowed(&rules, &[Chicago], &[], at),
            expected,
            "{hour:02}:{minute:02}"
        );
    }
    // 20:59:59 is still inside (minute granularity), 21:00:00 is not.
    let last_second = local(Chicago, 2025, 1, 14, 20, 59) + chrono::TimeDelta::seconds(59);
    assert!(allowed(&rules, &[Chicago], &[], last_second));
}

/// A window refusal's reason names the window, the zone and the local time.
#[test]
fn the_reason_names_the_window_the_zone_and_the_local_time() {
    let rules = no_attempt_rules();
    // Tuesday 2025-01-14 21:14 CST = 2025-01-15 03:14 UTC.
    let decision = decide(
        &rules,
        &landline(&[Chicago]),
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        utc(2025, 1, 15, 3, 14),
    );
    assert!(!decision.allowed);
    assert_eq!(decision.refusals.len(), 1);
    assert_eq!(decision.refusals[0].rule, RuleKind::CallingWindow);
    assert_eq!(
        decision.refusals[0].reason,
        "outside the calling window 08:00–21:00 in America/Chicago (now Tue 21:14)"
    );
}

/// A number in two zones is allowed only inside the window in both.
#[test]
fn multi_zone_area_code_uses_the_intersection() {
    // 208 (Idaho): America/Boise (UTC−7 in January) and America/Los_Angeles (UTC−8).
    let rules = no_attempt_rules();
    let zones = [Boise, Los_Angeles];
    let table = [
        // 15:59 UTC = 08:59 Boise, 07:59 LA: LA still closed.
        (utc(2025, 1, 14, 15, 59), false),
        // 16:00 UTC = 09:00 Boise, 08:00 LA: both open.
        (utc(2025, 1, 14, 16, 0), true),
        // 03:59 UTC = 20:59 Boise, 19:59 LA.
        (utc(2025, 1, 15, 3, 59), true),
        // 04:00 UTC = 21:00 Boise: closed there although LA is at 20:00.
        (utc(2025, 1, 15, 4, 0), false),
    ];
    for (at, expected) in table {
        assert_eq!(allowed(&rules, &zones, &[], at), expected, "{at}");
        // Either zone alone would allow a superset.
        if expected {
            assert!(allowed(&rules, &[Boise], &[], at) && allowed(&rules, &[Los_Angeles], &[], at));
        }
    }
    let decision = decide(
        &rules,
        &landline(&zones),
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        utc(2025, 1, 14, 15, 30),
    );
    assert_eq!(
        decision.refusals.len(),
        1,
        "only Los Angeles refuses: {:?}",
        decision.refusals
    );
    assert!(
        decision.refusals[0]
            .reason
            .contains("America/Los_Angeles (now Tue 07:30)")
    );
    assert_eq!(decision.next_allowed_at, Some(utc(2025, 1, 14, 16, 0)));
}

/// Window boundaries on New York's DST days follow the zone database.
#[test]
fn dst_days_in_new_york_follow_the_zone_database() {
    let rules = no_attempt_rules();
    let table = [
        // Saturday before spring-forward: EST (UTC−5), 08:00 = 13:00 UTC.
        (utc(2025, 3, 8, 12, 59), false),
        (utc(2025, 3, 8, 13, 0), true),
        // Spring-forward Sunday 2025-03-09: EDT (UTC−4) from 07:00 UTC, 08:00 = 12:00 UTC.
        (utc(2025, 3, 9, 11, 59), false),
        (utc(2025, 3, 9, 12, 0), true),
        (utc(2025, 3, 10, 0, 59), true),
        (utc(2025, 3, 10, 1, 0), false),
        // Fall-back eve (EDT): 21:00 = 01:00 UTC.
        (utc(2025, 11, 2, 0, 59), true),
        (utc(2025, 11, 2, 1, 0), false),
        // Fall-back Sunday 2025-11-02: EST from 06:00 UTC, 08:00 = 13:00 UTC.
        (utc(2025, 11, 2, 12, 0), false),
        (utc(2025, 11, 2, 12, 59), false),
        (utc(2025, 11, 2, 13, 0), true),
        (utc(2025, 11, 3, 1, 59), true),
        (utc(2025, 11, 3, 2, 0), false),
    ];
    for (at, expected) in table {
        assert_eq!(allowed(&rules, &[New_York], &[], at), expected, "{at}");
    }
}

fn override_rules() -> RuleSet {
    let mut rules = no_attempt_rules();
    // A stricter state: 08:00–20:00 on weekdays, 09:00–20:00 on Saturday, no Sunday.
    rules.calling_windows.regions.insert(
        "FL".into(),
        WeeklyWindow {
            slots: vec![
                Slot {
                    days: Day::WEEKDAYS.to_vec(),
                    start: ClockTime::hm(8, 0),
                    end: ClockTime::hm(20, 0),
                },
                Slot {
                    days: vec![Day::Sat],
                    start: ClockTime::hm(9, 0),
                    end: ClockTime::hm(20, 0),
                },
            ],
        },
    );
    rules
}

/// A region override replaces the default (stricter hours, no Sunday) and its refusal names the region.
#[test]
fn region_override_and_sunday_rule() {
    let rules = override_rules();
    let table = [
        // Tuesday 2025-01-14 20:30 EST: default allows, FL does not.
        (local(New_York, 2025, 1, 14, 20, 30), &["FL"][..], false),
        (local(New_York, 2025, 1, 14, 20, 30), &["NY"][..], true),
        (local(New_York, 2025, 1, 14, 19, 59), &["FL"][..], true),
        // Saturday 2025-01-18 08:30: FL opens at 09:00.
        (local(New_York, 2025, 1, 18, 8, 30), &["FL"][..], false),
        (local(New_York, 2025, 1, 18, 9, 0), &["FL"][..], true),
        // Sunday 2025-01-19 12:00: no calls in FL at all.
        (local(New_York, 2025, 1, 19, 12, 0), &["FL"][..], false),
        (local(New_York, 2025, 1, 19, 12, 0), &[][..], true),
        // A number in two regions gets both windows (FL's and the default).
        (
            local(New_York, 2025, 1, 19, 12, 0),
            &["GA", "FL"][..],
            false,
        ),
    ];
    for (at, regions, expected) in table {
        assert_eq!(
            allowed(&rules, &[New_York], regions, at),
            expected,
            "{at} {regions:?}"
        );
    }
    let mut device = landline(&[New_York]);
    device.regions = vec!["FL".into()];
    let sunday = local(New_York, 2025, 1, 19, 12, 0);
    let decision = decide(
        &rules,
        &device,
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        sunday,
    );
    assert_eq!(
        decision.refusals[0].reason,
        "no calling hours on Sunday of region FL in America/New_York (now Sun 12:00)"
    );
    // Next: Monday 08:00 EST.
    assert_eq!(
        decision.next_allowed_at,
        Some(local(New_York, 2025, 1, 20, 8, 0))
    );
}

/// A holiday refuses the whole local day, listed with the window when both refuse.
#[test]
fn holiday_blackout_is_the_whole_local_day() {
    let mut rules = no_attempt_rules();
    rules.calling_windows.holidays =
        vec![chrono::NaiveDate::from_ymd_opt(2025, 12, 25).expect("date")];
    let table = [
        (local(Chicago, 2025, 12, 24, 20, 59), true),
        (local(Chicago, 2025, 12, 25, 12, 0), false),
        (local(Chicago, 2025, 12, 26, 8, 0), true),
    ];
    for (at, expected) in table {
        assert_eq!(allowed(&rules, &[Chicago], &[], at), expected, "{at}");
    }
    let at = local(Chicago, 2025, 12, 25, 12, 0);
    let decision = decide(
        &rules,
        &landline(&[Chicago]),
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        at,
    );
    assert_eq!(kinds(&decision), [RuleKind::Holiday]);
    assert_eq!(
        decision.refusals[0].reason,
        "2025-12-25 is a holiday blackout in America/Chicago (now Thu 12:00)"
    );
    assert_eq!(
        decision.next_allowed_at,
        Some(local(Chicago, 2025, 12, 26, 8, 0))
    );
    // At 22:00 on the holiday both the holiday and the window refuse: both are listed.
    let late = local(Chicago, 2025, 12, 25, 22, 0);
    let decision = decide(
        &rules,
        &landline(&[Chicago]),
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        late,
    );
    assert_eq!(
        kinds(&decision),
        [RuleKind::Holiday, RuleKind::CallingWindow]
    );
}

/// An unknown zone is refused with no nextAllowedAt unless the tenant has a default zone.
#[test]
fn unknown_zone_is_refused_unless_the_tenant_has_a_default_zone() {
    let mut rules = no_attempt_rules();
    let noon_chicago = local(Chicago, 2025, 1, 14, 12, 0);
    let decision = decide(
        &rules,
        &landline(&[]),
        DialMode::Preview,
        &NoSuppression,
        &AttemptLog::default(),
        noon_chicago,
    );
    assert!(!decision.allowed);
    assert_eq!(kinds(&decision), [RuleKind::TimeZoneUnknown]);
    assert!(decision.refusals[0].reason.starts_with("time zone unknown"));
    assert_eq!(decision.next_allowed_at, None);

    rules.calling_windows.default_zone = Some(ZoneName(Chicago));
    assert!(allowed(&rules, &[], &[], noon_chicago));
    assert!(!allowed(
        &rules,
        &[],
        &[],
        local(Chicago, 2025, 1, 14, 22, 0)
    ));
}

/// The contact's zone beats the number's only when the tenant prefers it, or the number has none.
#[test]
fn contact_zone_beats_the_area_code_only_when_the_tenant_says_so() {
    let mut rules = no_attempt_rules();
    let mut device = landline(&[New_York]);
    device.contact_zones = vec![Los_Angeles];
    // 07:00 in Los Angeles, 10:00 in New York.
    let at = local(Los_Angeles, 2025, 1, 14, 7, 0);
    let check = |rules: &RuleSet| {
        decide(
            rules,
            &device,
            DialMode::Preview,
            &NoSuppression,
            &AttemptLog::default(),
            at,
        )
        .allowed
    };
    assert!(check(&rules));
    rules.calling_windows.prefer_contact_zone = true;
    assert!(!check(&rules));
    // With no device zone the contact's zone is used anyway.
    let mut no_device_zone = landline(&[]);
    no_device_zone.contact_zones = vec![Los_Angeles];
    rules.calling_windows.prefer_contact_zone = false;
    assert!(
        !decide(
            &rules,
            &no_device_zone,
            DialMode::Preview,
            &NoSuppression,
            &AttemptLog::default(),
            at
        )
        .allowed
    );
}

/// Calling windows apply to SMS but not to e-mail.
#[test]
fn windows_do_not_apply_to_email_but_apply_to_sms() {
    let rules = no_attempt_rules();
    let midnight = local(Chicago, 2025, 1, 14, 23, 30);
    let mut device = landline(&[]);
    device.value = "someone@example.com".into();
    assert!(
        decide(
            &rules,
            &device,
            DialMode::Email,
            &NoSuppression,
            &AttemptLog::default(),
            midnight
        )
        .allowed
    );
    let mut phone = landline(&[Chicago]);
    phone.consent_automated = true;
    assert!(
        !decide(
            &rules,
            &phone,
            DialMode::Sms,
            &NoSuppression,
            &AttemptLog::default(),
            midnight
        )
        .allowed
    );
}
