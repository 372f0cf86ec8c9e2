//! Tables for the time-of-day rules of SPEC §3.2: calling windows (region
//! overrides, Sunday, weekday slots with a lunch gap, "24:00", several zones,
//! DST), holiday blackouts as whole local days, and how a device's zone is
//! chosen (unknown zone, default zone, contact zone). Every refusal row gives
//! the exact `nextAllowedAt`.

mod common;

use chrono::NaiveDate;
use chrono_tz::America::{Chicago, Denver, Los_Angeles, New_York};
use chrono_tz::Tz;
use common::table::{check, row};
use common::{landline, local, utc};
use compliance::{
    ClockTime, Day, DeviceFacts, DialMode, RuleKind, RuleSet, Slot, WeeklyWindow, ZoneName,
};

use RuleKind::{CallingWindow, Holiday, TimeZoneUnknown};

/// Windows only: the defaults without attempt rules.
fn windows_only() -> RuleSet {
    let mut rules = RuleSet::defaults();
    rules.attempt_rules.clear();
    rules
}

/// A landline in `zones` and `regions`.
fn device(zones: &[Tz], regions: &[&str]) -> DeviceFacts {
    let mut device = landline(zones);
    device.regions = regions.iter().map(|region| region.to_string()).collect();
    device
}

fn slot(days: &[Day], start: (u16, u16), end: (u16, u16)) -> Slot {
    Slot {
        days: days.to_vec(),
        start: ClockTime::hm(start.0, start.1),
        end: ClockTime::hm(end.0, end.1),
    }
}

/// The default window plus three overrides: `FL` (stricter, no Sunday),
/// `WK` (weekdays with a lunch gap) and `EV` (evenings to midnight).
fn with_overrides() -> RuleSet {
    let mut rules = windows_only();
    let regions = &mut rules.calling_windows.regions;
    regions.insert(
        "FL".into(),
        WeeklyWindow {
            slots: vec![
                slot(&Day::WEEKDAYS, (8, 0), (20, 0)),
                slot(&[Day::Sat], (9, 0), (20, 0)),
            ],
        },
    );
    regions.insert(
        "WK".into(),
        WeeklyWindow {
            slots: vec![
                slot(&Day::WEEKDAYS, (9, 0), (12, 0)),
                slot(&Day::WEEKDAYS, (13, 0), (17, 0)),
            ],
        },
    );
    regions.insert(
        "EV".into(),
        WeeklyWindow::every_day(ClockTime::hm(18, 0), ClockTime::END_OF_DAY),
    );
    assert_eq!(rules.check(), Ok(()));
    rules
}

/// Calling windows: inside/outside at the minute, region overrides stricter than the default, a Sunday without calls, a lunch gap, a slot ending at 24:00, the intersection over several zones and DST days, each with its exact `nextAllowedAt`.
#[test]
fn calling_window_table() {
    let rules = with_overrides();
    let chicago = device(&[Chicago], &[]);
    let new_york = |regions: &[&str]| device(&[New_York], regions);
    let chicago_denver = device(&[Chicago, Denver], &[]);
    // 2026-01-13 is a Tuesday, 2026-01-16 a Friday.
    let ny = |day, hour, minute| local(New_York, 2026, 1, day, hour, minute);
    let chi = |day, hour, minute| local(Chicago, 2026, 1, day, hour, minute);
    let rows = vec![
        row("08:00 opens", &rules, &chicago, chi(13, 8, 0)),
        row("07:59 is before", &rules, &chicago, chi(13, 7, 59))
            .refused(&[CallingWindow], Some(chi(13, 8, 0))),
        row("20:59 is inside", &rules, &chicago, chi(13, 20, 59)),
        row("21:00 closes", &rules, &chicago, chi(13, 21, 0))
            .refused(&[CallingWindow], Some(chi(14, 8, 0))),
        row("midnight", &rules, &chicago, chi(14, 0, 0))
            .refused(&[CallingWindow], Some(chi(14, 8, 0))),
        // Region overrides replace the default, stricter.
        row(
            "no region: default to 21:00",
            &rules,
            &new_york(&[]),
            ny(13, 20, 30),
        ),
        row(
            "region without override: default",
            &rules,
            &new_york(&["NY"]),
            ny(13, 20, 30),
        ),
        row(
            "FL closes at 20:00",
            &rules,
            &new_york(&["FL"]),
            ny(13, 20, 30),
        )
        .refused(&[CallingWindow], Some(ny(14, 8, 0))),
        row("FL 19:59", &rules, &new_york(&["FL"]), ny(13, 19, 59)),
        row(
            "FL Saturday opens at 09:00",
            &rules,
            &new_york(&["FL"]),
            ny(17, 8, 30),
        )
        .refused(&[CallingWindow], Some(ny(17, 9, 0))),
        row(
            "FL Sunday: no calls, next Monday",
            &rules,
            &new_york(&["FL"]),
            ny(18, 12, 0),
        )
        .refused(&[CallingWindow], Some(ny(19, 8, 0))),
        row(
            "Sunday elsewhere is fine",
            &rules,
            &new_york(&[]),
            ny(18, 12, 0),
        ),
        row(
            "FL and GA: both windows, FL refuses Sunday",
            &rules,
            &new_york(&["GA", "FL"]),
            ny(18, 12, 0),
        )
        .refused(&[CallingWindow], Some(ny(19, 8, 0))),
        // Weekday slots with a lunch gap.
        row(
            "lunch gap: 11:59 inside",
            &rules,
            &new_york(&["WK"]),
            ny(13, 11, 59),
        ),
        row(
            "lunch gap: 12:00 closed until 13:00",
            &rules,
            &new_york(&["WK"]),
            ny(13, 12, 0),
        )
        .refused(&[CallingWindow], Some(ny(13, 13, 0))),
        row(
            "lunch gap: 12:59",
            &rules,
            &new_york(&["WK"]),
            ny(13, 12, 59),
        )
        .refused(&[CallingWindow], Some(ny(13, 13, 0))),
        row(
            "lunch gap: 13:00 opens",
            &rules,
            &new_york(&["WK"]),
            ny(13, 13, 0),
        ),
        row(
            "after 17:00: tomorrow 09:00",
            &rules,
            &new_york(&["WK"]),
            ny(13, 17, 0),
        )
        .refused(&[CallingWindow], Some(ny(14, 9, 0))),
        row(
            "Friday 17:00: Monday 09:00",
            &rules,
            &new_york(&["WK"]),
            ny(16, 17, 0),
        )
        .refused(&[CallingWindow], Some(ny(19, 9, 0))),
        // A slot ending at 24:00 includes the day's last minute.
        row(
            "24:00 end: 23:59 inside",
            &rules,
            &new_york(&["EV"]),
            ny(13, 23, 59),
        ),
        row(
            "24:00 end: midnight is the next day, closed",
            &rules,
            &new_york(&["EV"]),
            ny(14, 0, 0),
        )
        .refused(&[CallingWindow], Some(ny(14, 18, 0))),
        row(
            "EV and WK never overlap: no next",
            &rules,
            &new_york(&["EV", "WK"]),
            ny(16, 18, 0),
        )
        .refused(&[CallingWindow], None),
        // Several zones: the intersection.
        row(
            "Chicago+Denver 20:30 Chicago (19:30 Denver)",
            &rules,
            &chicago_denver,
            chi(13, 20, 30),
        ),
        row(
            "Chicago+Denver 21:00 Chicago: next 08:00 Denver",
            &rules,
            &chicago_denver,
            chi(13, 21, 0),
        )
        .refused(&[CallingWindow], Some(local(Denver, 2026, 1, 14, 8, 0))),
        row(
            "Chicago+Denver 08:30 Chicago (07:30 Denver)",
            &rules,
            &chicago_denver,
            chi(13, 8, 30),
        )
        .refused(&[CallingWindow], Some(local(Denver, 2026, 1, 13, 8, 0))),
        row(
            "Chicago+Denver in FL at 20:30 Chicago",
            &rules,
            &device(&[Chicago, Denver], &["FL"]),
            chi(13, 20, 30),
        )
        .refused(&[CallingWindow], Some(local(Denver, 2026, 1, 14, 8, 0))),
        row(
            "Denver alone at 20:30 Chicago",
            &rules,
            &device(&[Denver], &["FL"]),
            chi(13, 20, 30),
        ),
        // DST days in New York, from the zone database: 08:00 EDT = 12:00 UTC, 08:00 EST = 13:00 UTC.
        row(
            "spring-forward Sunday 07:59 EDT",
            &rules,
            &new_york(&[]),
            utc(2026, 3, 8, 11, 59),
        )
        .refused(&[CallingWindow], Some(utc(2026, 3, 8, 12, 0))),
        row(
            "spring-forward eve 22:00 EST",
            &rules,
            &new_york(&[]),
            utc(2026, 3, 8, 3, 0),
        )
        .refused(&[CallingWindow], Some(utc(2026, 3, 8, 12, 0))),
        row(
            "fall-back eve 21:30 EDT",
            &rules,
            &new_york(&[]),
            utc(2026, 11, 1, 1, 30),
        )
        .refused(&[CallingWindow], Some(utc(2026, 11, 1, 13, 0))),
        row(
            "fall-back Sunday 07:30 EST",
            &rules,
            &new_york(&[]),
            utc(2026, 11, 1, 12, 30),
        )
        .refused(&[CallingWindow], Some(utc(2026, 11, 1, 13, 0))),
        row(
            "fall-back Sunday 20:59 EST",
            &rules,
            &new_york(&[]),
            utc(2026, 11, 2, 1, 59),
        ),
    ];
    check(rows);
}

/// Holidays are whole local days in the device's zone: refused all day (with the window too when outside it), over in New York while still on in Los Angeles, next at the first open minute after the holiday.
#[test]
fn holiday_table() {
    let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).expect("date");
    let mut all_day = windows_only();
    all_day.calling_windows.default =
        WeeklyWindow::every_day(ClockTime::hm(0, 0), ClockTime::END_OF_DAY);
    all_day.calling_windows.holidays = vec![christmas];
    let mut default_hours = windows_only();
    default_hours.calling_windows.holidays = vec![christmas];
    let mut weekdays = windows_only();
    weekdays.calling_windows.default = WeeklyWindow {
        slots: vec![slot(&Day::WEEKDAYS, (9, 0), (17, 0))],
    };
    weekdays.calling_windows.holidays = vec![christmas];
    // 2026-12-26 06:30 UTC = 01:30 in New York on the 26th, 22:30 in Los Angeles on the 25th.
    let ny_over_la_on = utc(2026, 12, 26, 6, 30);
    let new_york = device(&[New_York], &[]);
    let los_angeles = device(&[Los_Angeles], &[]);
    let both = device(&[New_York, Los_Angeles], &[]);
    let chicago = device(&[Chicago], &[]);
    let rows = vec![
        row(
            "noon on the holiday",
            &all_day,
            &new_york,
            local(New_York, 2026, 12, 25, 12, 0),
        )
        .refused(&[Holiday], Some(local(New_York, 2026, 12, 26, 0, 0))),
        row(
            "the eve's last minute",
            &all_day,
            &chicago,
            local(Chicago, 2026, 12, 24, 23, 59),
        ),
        row(
            "the holiday's first minute",
            &all_day,
            &chicago,
            local(Chicago, 2026, 12, 25, 0, 0),
        )
        .refused(&[Holiday], Some(local(Chicago, 2026, 12, 26, 0, 0))),
        row("over in New York", &all_day, &new_york, ny_over_la_on),
        row(
            "still on in Los Angeles",
            &all_day,
            &los_angeles,
            ny_over_la_on,
        )
        .refused(&[Holiday], Some(utc(2026, 12, 26, 8, 0))),
        row(
            "New York + Los Angeles: on in one zone",
            &all_day,
            &both,
            ny_over_la_on,
        )
        .refused(&[Holiday], Some(utc(2026, 12, 26, 8, 0))),
        row(
            "holiday and outside the window: both",
            &default_hours,
            &los_angeles,
            ny_over_la_on,
        )
        .refused(
            &[Holiday, CallingWindow],
            Some(local(Los_Angeles, 2026, 12, 26, 8, 0)),
        ),
        row(
            "the day after, inside the window",
            &default_hours,
            &chicago,
            local(Chicago, 2026, 12, 26, 8, 0),
        ),
        row(
            "Thursday evening, Friday holiday, weekend: Monday 09:00",
            &weekdays,
            &chicago,
            local(Chicago, 2026, 12, 24, 18, 0),
        )
        .refused(&[CallingWindow], Some(local(Chicago, 2026, 12, 28, 9, 0))),
    ];
    check(rows);
}

/// The zone the windows are read in: an unknown zone is refused without a default zone and uses it when set; the contact's zone wins only when the tenant prefers it (or the number has none); e-mail has no window.
#[test]
fn zone_choice_table() {
    let refused_unknown = windows_only();
    let mut with_default = windows_only();
    with_default.calling_windows.default_zone = Some(ZoneName(Chicago));
    let mut prefer_contact = windows_only();
    prefer_contact.calling_windows.prefer_contact_zone = true;
    let no_zone = device(&[], &[]);
    let mut ny_number_la_contact = device(&[New_York], &[]);
    ny_number_la_contact.contact_zones = vec![Los_Angeles];
    let mut no_number_zone_la_contact = device(&[], &[]);
    no_number_zone_la_contact.contact_zones = vec![Los_Angeles];
    let mut email = device(&[], &[]);
    email.value = "someone@example.com".into();
    let noon_chicago = local(Chicago, 2026, 1, 13, 12, 0);
    // 07:00 in Los Angeles is 10:00 in New York.
    let seven_la = local(Los_Angeles, 2026, 1, 13, 7, 0);
    let la_opens = local(Los_Angeles, 2026, 1, 13, 8, 0);
    let rows = vec![
        row(
            "unknown zone, no default zone: never allowed",
            &refused_unknown,
            &no_zone,
            noon_chicago,
        )
        .refused(&[TimeZoneUnknown], None),
        row(
            "unknown zone, default zone Chicago: noon",
            &with_default,
            &no_zone,
            noon_chicago,
        ),
        row(
            "unknown zone, default zone Chicago: 22:00",
            &with_default,
            &no_zone,
            local(Chicago, 2026, 1, 13, 22, 0),
        )
        .refused(&[CallingWindow], Some(local(Chicago, 2026, 1, 14, 8, 0))),
        row(
            "unknown zone, e-mail: no window",
            &refused_unknown,
            &email,
            local(Chicago, 2026, 1, 13, 23, 30),
        )
        .mode(DialMode::Email),
        row(
            "area code zone by default",
            &refused_unknown,
            &ny_number_la_contact,
            seven_la,
        ),
        row(
            "contact zone preferred",
            &prefer_contact,
            &ny_number_la_contact,
            seven_la,
        )
        .refused(&[CallingWindow], Some(la_opens)),
        row(
            "contact zone when the number has none",
            &refused_unknown,
            &no_number_zone_la_contact,
            seven_la,
        )
        .refused(&[CallingWindow], Some(la_opens)),
        row(
            "preferred but no contact zone: the number's",
            &prefer_contact,
            &device(&[New_York], &[]),
            seven_la,
        ),
        row(
            "contact zone beats the default zone",
            &with_default,
            &no_number_zone_la_contact,
            seven_la,
        )
        .refused(&[CallingWindow], Some(la_opens)),
    ];
    check(rows);
}
