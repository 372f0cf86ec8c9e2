//! Local-time building blocks: a wall-clock minute, a day of the week, a
//! validated IANA zone name, and the DST-aware conversions from the zone
//! database (chrono-tz) that the windows and the day resets need.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A local wall-clock time to the minute, "00:00" to "24:00" (the end of a day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// Midnight at the end of the day, for slots that run to midnight.
    pub const END_OF_DAY: ClockTime = ClockTime(24 * 60);

    /// A time from hours and minutes, clamped to "24:00" (for constants and tests).
    pub const fn hm(hours: u16, minutes: u16) -> ClockTime {
        let total = hours * 60 + minutes;
        if total > 24 * 60 {
            ClockTime(24 * 60)
        } else {
            ClockTime(total)
        }
    }

    /// Minutes since local midnight (0 ..= 1440).
    pub const fn minutes(self) -> u16 {
        self.0
    }

    /// "HH:MM" as ASCII, digit by digit rather than through the formatting
    /// machinery: every refusal by a window writes two or three.
    fn ascii(self) -> [u8; 5] {
        let (hours, minutes) = (self.0 / 60, self.0 % 60);
        // At most 24 hours: two digits each.
        let digit = |value: u16| b'0' + (value % 10) as u8;
        [
            digit(hours / 10),
            digit(hours),
            b':',
            digit(minutes / 10),
            digit(minutes),
        ]
    }

    /// Appends "HH:MM" to a reason being written.
    pub(crate) fn push_to(self, text: &mut String) {
        text.extend(self.ascii().map(char::from));
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ascii = self.ascii();
        formatter.write_str(std::str::from_utf8(&ascii).map_err(|_| fmt::Error)?)
    }
}

/// Why a "HH:MM" string is not a time of day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid time {0:?}: expected HH:MM between 00:00 and 24:00")]
pub struct InvalidClockTime(String);

impl FromStr for ClockTime {
    type Err = InvalidClockTime;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidClockTime(text.to_owned());
        let (hours, minutes) = text.split_once(':').ok_or_else(invalid)?;
        if hours.len() != 2 || minutes.len() != 2 {
            return Err(invalid());
        }
        let hours: u16 = hours.parse().map_err(|_| invalid())?;
        let minutes: u16 = minutes.parse().map_err(|_| invalid())?;
        if minutes >= 60 || hours * 60 + minutes > 24 * 60 {
            return Err(invalid());
        }
        Ok(ClockTime(hours * 60 + minutes))
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A day of the week as the rule set JSON writes it ("MON" … "SUN").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday (the day some states forbid calls on).
    Sun,
}

impl Day {
    /// Every day, Monday first.
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    /// Monday to Friday.
    pub const WEEKDAYS: [Day; 5] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];

    /// The day of a local date.
    pub fn of(date: NaiveDate) -> Day {
        match date.weekday() {
            Weekday::Mon => Day::Mon,
            Weekday::Tue => Day::Tue,
            Weekday::Wed => Day::Wed,
            Weekday::Thu => Day::Thu,
            Weekday::Fri => Day::Fri,
            Weekday::Sat => Day::Sat,
            Weekday::Sun => Day::Sun,
        }
    }

    /// The full English name, for reasons ("Sunday").
    pub fn name(self) -> &'static str {
        match self {
            Day::Mon => "Monday",
            Day::Tue => "Tuesday",
            Day::Wed => "Wednesday",
            Day::Thu => "Thursday",
            Day::Fri => "Friday",
            Day::Sat => "Saturday",
            Day::Sun => "Sunday",
        }
    }
}

/// An IANA zone name known to the zone database, kept as JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneName(pub Tz);

impl Serialize for ZoneName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for ZoneName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse::<Tz>()
            .map(ZoneName)
            .map_err(|_| serde::de::Error::custom(format!("unknown time zone {text:?}")))
    }
}

/// The instant of a local wall-clock time, DST-aware: the earlier of two
/// when the clock is set back; when the time falls in a spring-forward gap,
/// the first instant after the gap.
pub(crate) fn instant_at_or_after(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Gaps are at most a few hours; step a minute at a time past one.
    for minutes in 0..=(6 * 60) {
        let candidate = local + chrono::TimeDelta::minutes(minutes);
        match zone.from_local_datetime(&candidate) {
            LocalResult::Single(instant) | LocalResult::Ambiguous(instant, _) => {
                return Some(instant.with_timezone(&Utc));
            }
            LocalResult::None => {}
        }
    }
    None
}

/// The instant a local day starts (its midnight, or the end of a gap there).
pub(crate) fn start_of_day(zone: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    instant_at_or_after(zone, date.and_time(NaiveTime::MIN))
}

/// The local date `days` after `date`, `None` past the calendar's end.
pub(crate) fn add_days(date: NaiveDate, days: u64) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(days))
}

/// The UTC offset of a zone at an instant, in seconds.
fn offset_seconds(zone: Tz, instant: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&instant.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The instant the zone's offset changes around a local date (DST), if it
/// does: where the wall clock jumps, a window can open without its start
/// time ever being read on the clock.
pub(crate) fn offset_change_near(zone: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    let midnight = date.and_time(NaiveTime::MIN).and_utc().timestamp();
    let at = |seconds: i64| DateTime::<Utc>::from_timestamp(seconds, 0);
    // Local midnight is within 15 h of UTC midnight; the local day lasts at most 26 h.
    let mut low = midnight - 15 * 3600;
    let mut high = midnight + 39 * 3600;
    let offset_after = offset_seconds(zone, at(high)?);
    if offset_seconds(zone, at(low)?) == offset_after {
        return None;
    }
    // Invariant: the offset at `low` differs from the one at `high`.
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if offset_seconds(zone, at(middle)?) == offset_after {
            high = middle;
        } else {
            low = middle;
        }
    }
    at(high)
}
