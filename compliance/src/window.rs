//! Calling windows and holiday blackouts in one time zone: whether an instant
//! is inside them (read on the local wall clock, so DST comes from the zone
//! database) and the first instant at or after a given one that is.

use std::cell::RefCell;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Tz;

use crate::decide::{Refusal, RuleKind};
use crate::rules::WeeklyWindow;
use crate::time::{self, ClockTime, Day};

/// How many local days ahead a window search looks before giving up.
pub(crate) const SEARCH_DAYS: u64 = 31;

/// The windows of one device seen from one of its zones.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ZoneWindows<'a> {
    /// The zone whose wall clock is read.
    pub zone: Tz,
    /// Every window that applies (region overrides or the default), labelled by region.
    pub windows: &'a [(Option<&'a str>, &'a WeeklyWindow)],
    /// Blackout dates, whole local days.
    pub holidays: &'a [NaiveDate],
}

impl ZoneWindows<'_> {
    /// The local wall-clock time at an instant.
    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.zone).naive_local()
    }

    /// Whether every window and the holiday list allow a local wall-clock time.
    fn allows(&self, local: NaiveDateTime) -> bool {
        let date = local.date();
        !self.holidays.contains(&date) && self.windows_allow(Day::of(date), minute_of_day(local))
    }

    /// Whether every window allows `minute` of `day` (holidays aside).
    fn windows_allow(&self, day: Day, minute: u16) -> bool {
        self.windows
            .iter()
            .all(|(_, window)| window.allows(day, minute))
    }

    /// One refusal per rule that refuses the instant in this zone, with the
    /// window, the zone and the local time in its reason.
    pub(crate) fn refusals(&self, at: DateTime<Utc>, refusals: &mut Vec<Refusal>) {
        let local = self.local(at);
        let date = local.date();
        let day = Day::of(date);
        let minute = minute_of_day(local);
        // Each reason is written straight into its own string: refusals
        // are decided as often as allowed attempts.
        let now = |mut reason: String| {
            reason.push_str(" in ");
            reason.push_str(self.zone.name());
            reason.push_str(" (now ");
            reason.push_str(&day.name()[..3]);
            reason.push(' ');
            ClockTime::hm(0, minute).push_to(&mut reason);
            reason.push(')');
            reason
        };
        if self.holidays.contains(&date) {
            refusals.push(Refusal {
                rule: RuleKind::Holiday,
                name: RuleKind::Holiday.label().to_owned(),
                reason: now(format!("{date} is a holiday blackout")),
            });
        }
        for (region, window) in self.windows {
            if window.allows(day, minute) {
                continue;
            }
            let mut reason = String::with_capacity(112);
            if window.slots_on(day).next().is_none() {
                reason.push_str("no calling hours on ");
                reason.push_str(day.name());
            } else {
                reason.push_str("outside the calling window ");
                window.push_hours(day, &mut reason);
            }
            if let Some(region) = region {
                reason.push_str(" of region ");
                reason.push_str(region);
            }
            refusals.push(Refusal {
                rule: RuleKind::CallingWindow,
                name: RuleKind::CallingWindow.label().to_owned(),
                reason: now(reason),
            });
        }
    }

    /// The first instant at or after `from` that every window allows, within
    /// [`SEARCH_DAYS`] local days; `None` when there is none.
    pub(crate) fn next_open(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = self.local(from);
        if self.allows(local) {
            return Some(from);
        }
        let first_date = local.date();
        for offset in 0..=SEARCH_DAYS {
            let date = time::add_days(first_date, offset)?;
            if self.holidays.contains(&date) {
                continue;
            }
            let mut best: Option<DateTime<Utc>> = None;
            let earlier = |candidate: DateTime<Utc>, best: Option<DateTime<Utc>>| {
                candidate > from && best.is_none_or(|found| candidate < found)
            };
            // A window opens where the clock reads a slot start (once, twice
            // in a repeated hour) or where the clock jumps over one (DST).
            // At a slot start the clock reads that start on this date, which
            // is no holiday: the windows are read without the zone database.
            let day = Day::of(date);
            for (_, window) in self.windows {
                for slot in window.slots_on(day) {
                    let minute = slot.start.minutes();
                    if !self.windows_allow(day, minute) {
                        continue;
                    }
                    let instants = remembered(self.zone, date, minute, || {
                        slot_start_instants(self.zone, date, minute)
                    });
                    for instant in instants.into_iter().flatten() {
                        if earlier(instant, best) {
                            best = Some(instant);
                        }
                    }
                }
            }
            // Only a change read on this date's clock: a later one belongs to
            // a later day, which must not win over this day's slot starts.
            let [change, _] = remembered(self.zone, date, CHANGE, || {
                let change = time::offset_change_near(self.zone, date)
                    .filter(|&change| self.local(change).date() == date);
                [change, None]
            });
            if let Some(change) = change
                && earlier(change, best)
                && self.allows(self.local(change))
            {
                best = Some(change);
            }
            if best.is_some() {
                return best;
            }
        }
        None
    }
}

/// Minutes since local midnight of a wall-clock time (seconds dropped, so
/// 20:59:59 is inside a window ending 21:00 and 21:00:00 is not).
fn minute_of_day(local: NaiveDateTime) -> u16 {
    // hour ≤ 23 and minute ≤ 59: always fits.
    u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(0)
}

/// The instants at which the local clock reads `minutes` on `date`: none in
/// a spring-forward gap, two in a fall-back repeated hour.
fn slot_start_instants(zone: Tz, date: NaiveDate, minutes: u16) -> [Option<DateTime<Utc>>; 2] {
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::from(minutes) * 60, 0);
    match time.map(|time| zone.from_local_datetime(&date.and_time(time))) {
        Some(LocalResult::Single(instant)) => [Some(instant.to_utc()), None],
        Some(LocalResult::Ambiguous(earlier, later)) => {
            [Some(earlier.to_utc()), Some(later.to_utc())]
        }
        _ => [None, None],
    }
}

/// The minute under which [`remembered`] keeps a date's offset change.
const CHANGE: u16 = u16::MAX;

/// How many zone, date and minute answers each thread remembers.
const REMEMBERED: usize = 256;

/// A remembered answer: zone, local date, minute (or [`CHANGE`]) and instants.
type Remembered = (Tz, NaiveDate, u16, [Option<DateTime<Utc>>; 2]);

thread_local! {
    /// Recent answers of the zone database, by zone, date and minute.
    static ANSWERS: RefCell<[Option<Remembered>; REMEMBERED]> =
        const { RefCell::new([None; REMEMBERED]) };
}

/// The instants `compute` finds for a zone, a local date and a minute,
/// remembered: they depend on nothing else (the zone database is built in),
/// so remembering changes no answer, and deciding a batch at one instant
/// asks the zone database the same few days again and again.
fn remembered(
    zone: Tz,
    date: NaiveDate,
    minute: u16,
    compute: impl FnOnce() -> [Option<DateTime<Utc>>; 2],
) -> [Option<DateTime<Utc>>; 2] {
    let index = (zone as usize)
        .wrapping_mul(0x9E37)
        .wrapping_add(date.num_days_from_ce() as usize)
        .wrapping_mul(0x85EB)
        .wrapping_add(usize::from(minute))
        % REMEMBERED;
    let known = ANSWERS.with_borrow(|answers| {
        answers[index]
            .filter(|&(known_zone, known_date, known_minute, _)| {
                (known_zone, known_date, known_minute) == (zone, date, minute)
            })
            .map(|(_, _, _, instants)| instants)
    });
    known.unwrap_or_else(|| {
        let instants = compute();
        ANSWERS.with_borrow_mut(|answers| answers[index] = Some((zone, date, minute, instants)));
        instants
    })
}
