//! Calling windows and holiday blackouts in one time zone: whether an instant
//! is inside them (read on the local wall clock, so DST comes from the zone
//! database) and the first instant at or after a given one that is.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use chrono_tz::Tz;

use crate::decide::{Refusal, RuleKind};
use crate::rules::WeeklyWindow;
use crate::time::{self, Day};

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

    /// Whether every window and the holiday list allow the instant.
    pub(crate) fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = self.local(at);
        let date = local.date();
        if self.holidays.contains(&date) {
            return false;
        }
        let day = Day::of(date);
        let minute = minute_of_day(local);
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
        let now = format!("{} {:02}:{:02}", &day.name()[..3], minute / 60, minute % 60);
        if self.holidays.contains(&date) {
            refusals.push(Refusal {
                rule: RuleKind::Holiday,
                name: RuleKind::Holiday.label().to_owned(),
                reason: format!(
                    "{date} is a holiday blackout in {} (now {now})",
                    self.zone.name()
                ),
            });
        }
        for (region, window) in self.windows {
            if window.allows(day, minute) {
                continue;
            }
            let label = region.map_or(String::new(), |region| format!(" of region {region}"));
            let hours = window.describe(day);
            let reason = if hours.is_empty() {
                format!(
                    "no calling hours on {}{label} in {} (now {now})",
                    day.name(),
                    self.zone.name()
                )
            } else {
                format!(
                    "outside the calling window {hours}{label} in {} (now {now})",
                    self.zone.name()
                )
            };
            refusals.push(Refusal {
                rule: RuleKind::CallingWindow,
                name: RuleKind::CallingWindow.label().to_owned(),
                reason,
            });
        }
    }

    /// The first instant at or after `from` that every window allows, within
    /// [`SEARCH_DAYS`] local days; `None` when there is none.
    pub(crate) fn next_open(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_open(from) {
            return Some(from);
        }
        let first_date = self.local(from).date();
        for offset in 0..=SEARCH_DAYS {
            let date = time::add_days(first_date, offset)?;
            if self.holidays.contains(&date) {
                continue;
            }
            let mut best: Option<DateTime<Utc>> = None;
            let mut consider = |candidate: DateTime<Utc>| {
                if candidate > from
                    && best.is_none_or(|found| candidate < found)
                    && self.is_open(candidate)
                {
                    best = Some(candidate);
                }
            };
            // A window opens where the clock reads a slot start (once, twice
            // in a repeated hour) or where the clock jumps over one (DST).
            let day = Day::of(date);
            for (_, window) in self.windows {
                for slot in window.slots_on(day) {
                    for instant in slot_start_instants(self.zone, date, slot.start.minutes()) {
                        consider(instant);
                    }
                }
            }
            // Only a change read on this date's clock: a later one belongs to
            // a later day, which must not win over this day's slot starts.
            if let Some(change) = time::offset_change_near(self.zone, date)
                && self.local(change).date() == date
            {
                consider(change);
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
fn slot_start_instants(
    zone: Tz,
    date: NaiveDate,
    minutes: u16,
) -> impl Iterator<Item = DateTime<Utc>> {
    use chrono::{LocalResult, NaiveTime, TimeZone};
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::from(minutes) * 60, 0);
    let (first, second) = match time.map(|time| zone.from_local_datetime(&date.and_time(time))) {
        Some(LocalResult::Single(instant)) => (Some(instant), None),
        Some(LocalResult::Ambiguous(earlier, later)) => (Some(earlier), Some(later)),
        _ => (None, None),
    };
    first
        .into_iter()
        .chain(second)
        .map(|instant| instant.with_timezone(&Utc))
}
