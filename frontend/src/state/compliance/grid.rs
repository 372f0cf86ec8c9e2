//! The week grid: 7 days × 24 hours, each hour open, partly open or closed
//! under a window, so the page can draw the default window and every region
//! override at a glance. Slots whose times do not read are left out (the
//! editor shows their error instead).

use super::editor::parse_clock;
use super::{Day, WeeklyWindow};

/// How much of one hour a window allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// No minute of the hour.
    Closed,
    /// Some minutes (a slot starts or ends inside the hour).
    Partial,
    /// Every minute.
    Open,
}

impl Coverage {
    /// The grid cell's CSS modifier.
    pub fn class(self) -> &'static str {
        match self {
            Coverage::Closed => "week-grid__cell",
            Coverage::Partial => "week-grid__cell week-grid__cell--partial",
            Coverage::Open => "week-grid__cell week-grid__cell--open",
        }
    }
}

/// Per day (Monday first), per hour: how much the window allows.
pub fn week_grid(window: &WeeklyWindow) -> Vec<(Day, [Coverage; 24])> {
    Day::ALL
        .into_iter()
        .map(|day| {
            let ranges = allowed_ranges(window, day);
            let mut hours = [Coverage::Closed; 24];
            for (hour, coverage) in hours.iter_mut().enumerate() {
                let hour_start = u16::try_from(hour).unwrap_or(0) * 60;
                let minutes = allowed_minutes(&ranges, hour_start, hour_start + 60);
                *coverage = match minutes {
                    0 => Coverage::Closed,
                    60.. => Coverage::Open,
                    _ => Coverage::Partial,
                };
            }
            (day, hours)
        })
        .collect()
}

/// A day's hours for people: "08:00–21:00", "09:00–12:00, 13:00–17:00" or "Closed".
pub fn describe_day(window: &WeeklyWindow, day: Day) -> String {
    let mut slots: Vec<(u16, &str, &str)> = window
        .slots
        .iter()
        .filter(|slot| slot.days.contains(&day))
        .filter_map(|slot| {
            Some((
                parse_clock(&slot.start)?,
                slot.start.as_str(),
                slot.end.as_str(),
            ))
        })
        .collect();
    if slots.is_empty() {
        return "Closed".to_owned();
    }
    slots.sort_by_key(|(minute, _, _)| *minute);
    slots
        .iter()
        .map(|(_, start, end)| format!("{start}–{end}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The readable [start, end) minute ranges of `day`.
fn allowed_ranges(window: &WeeklyWindow, day: Day) -> Vec<(u16, u16)> {
    window
        .slots
        .iter()
        .filter(|slot| slot.days.contains(&day))
        .filter_map(|slot| Some((parse_clock(&slot.start)?, parse_clock(&slot.end)?)))
        .filter(|(start, end)| start < end)
        .collect()
}

/// How many minutes of [from, to) fall inside any range (overlaps counted once).
fn allowed_minutes(ranges: &[(u16, u16)], from: u16, to: u16) -> u16 {
    (from..to)
        .filter(|minute| {
            ranges
                .iter()
                .any(|(start, end)| start <= minute && minute < end)
        })
        .fold(0, |count, _| count + 1)
}
