//! `scheduling::CronSchedule::parse` on any expression, in a zone chosen by the
//! first byte, evaluated from an instant given by the next four: no panic, the
//! same answer twice, its normalised form parsing to itself, and firings that
//! always lie strictly after the instant asked from, in increasing order.

#![no_main]

use chrono::{DateTime, Utc};
use libfuzzer_sys::fuzz_target;
use scheduling::CronSchedule;

/// Zones with unusual rules: half-hour and 45-minute offsets, DST of 30 minutes,
/// DST in the southern hemisphere, none at all, a two-hour jump.
const ZONES: [&str; 8] = [
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/Sao_Paulo",
    "Antarctica/Troll",
];

/// 2000-01-01T00:00:00Z: instants are drawn from here to about 2136.
const EPOCH_2000: i64 = 946_684_800;

fuzz_target!(|data: &[u8]| {
    let [zone_choice, a, b, c, d, text @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    // A high first byte reads the zone from the text too: "expression\nzone".
    let (expression, zone) = match text.split_once('\n') {
        Some((expression, zone)) if *zone_choice >= 128 => (expression, zone),
        _ => (text, ZONES[usize::from(*zone_choice) % ZONES.len()]),
    };
    let after = DateTime::<Utc>::from_timestamp(
        EPOCH_2000 + i64::from(u32::from_le_bytes([*a, *b, *c, *d])),
        0,
    )
    .expect("within chrono's range");

    let parsed = CronSchedule::parse(expression, zone);
    let again = CronSchedule::parse(expression, zone);
    assert_eq!(
        parsed
            .as_ref()
            .map(CronSchedule::normalized)
            .map_err(|problems| format!("{problems:?}")),
        again
            .as_ref()
            .map(CronSchedule::normalized)
            .map_err(|problems| format!("{problems:?}")),
        "parsing is deterministic"
    );
    let Ok(schedule) = parsed else {
        return;
    };
    assert_eq!(
        schedule.normalized().split(' ').count(),
        6,
        "{:?}",
        schedule.normalized()
    );
    let normalized = CronSchedule::parse(schedule.normalized(), zone).unwrap_or_else(|problems| {
        panic!(
            "{:?} does not parse again: {problems:?}",
            schedule.normalized()
        )
    });
    assert_eq!(
        normalized.normalized(),
        schedule.normalized(),
        "normalising is idempotent"
    );

    let upcoming = schedule.upcoming(after, 3);
    assert_eq!(upcoming.first().copied(), schedule.next_after(after));
    let mut previous = after;
    for firing in &upcoming {
        assert!(
            *firing > previous,
            "{expression:?} in {zone}: {firing} is not after {previous}"
        );
        previous = *firing;
        let _ = schedule.local_label(*firing);
    }
    if let Some(latest) = schedule.latest_at_or_before(after) {
        assert!(
            latest <= after,
            "{expression:?} in {zone}: {latest} is after {after}"
        );
        if let Some(next) = schedule.next_after(latest) {
            assert!(next > latest);
        }
    }
});
