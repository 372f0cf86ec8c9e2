//! Cron schedules evaluated in an IANA time zone.
//!
//! Expressions have five fields (minute first) or six (second first), parsed
//! by `croner`, the parser tokio-cron-scheduler uses, with the usual cron rule
//! that a restricted day-of-month and day-of-week match when either does.
//! Firing times are computed in the zone itself, so 09:00 in New York stays
//! 09:00 across daylight-saving changes (a fixed UTC offset would drift by an
//! hour twice a year).

use chrono::{DateTime, Datelike, Days, Duration, Months, NaiveDate, SubsecRound, TimeZone, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use domain::ValidationError;

/// How far back [`CronSchedule::latest_at_or_before`] looks for a firing.
const LOOKBACK: Duration = Duration::days(400);

/// A validated schedule: when a job fires, in which zone.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    cron: Cron,
    normalized: String,
    zone: Tz,
}

impl CronSchedule {
    /// Parses an expression and a zone; each problem names its field (`cron`, `timeZone`).
    pub fn parse(expression: &str, zone: &str) -> Result<Self, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let zone = match zone.trim().parse::<Tz>() {
            Ok(zone) => Some(zone),
            Err(_) => {
                problems.push(ValidationError::new(
                    "timeZone",
                    format!("{zone:?} is not an IANA time zone (for example America/New_York)"),
                ));
                None
            }
        };
        let cron = parse_expression(expression).map_err(|message| {
            problems.push(ValidationError::new("cron", message));
        });
        let (Ok((cron, normalized)), Some(zone)) = (cron, zone) else {
            return Err(problems);
        };
        let schedule = Self {
            cron,
            normalized,
            zone,
        };
        let now = Utc::now();
        if !fires_on_some_day(&schedule.cron, now.with_timezone(&zone).date_naive())
            || schedule.next_after(now).is_none()
        {
            return Err(vec![ValidationError::new(
                "cron",
                "never fires (no date matches it, e.g. 30 February)",
            )]);
        }
        Ok(schedule)
    }

    /// The six-field form (seconds first) the expression was read as.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The zone the expression is read in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The first firing strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.trunc_subsecs(0).with_timezone(&self.zone);
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|at| at.with_timezone(&Utc))
    }

    /// The next `count` firings strictly after `after`.
    pub fn upcoming(&self, after: DateTime<Utc>, count: usize) -> Vec<DateTime<Utc>> {
        let mut firings = Vec::with_capacity(count);
        let mut cursor = after;
        while firings.len() < count {
            let Some(next) = self.next_after(cursor) else {
                break;
            };
            firings.push(next);
            cursor = next;
        }
        firings
    }

    /// The latest firing at or before `at` (within about a year), the one a
    /// late or restarted scheduler owes.
    pub fn latest_at_or_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let at = at.trunc_subsecs(0);
        let local = at.with_timezone(&self.zone);
        let found = self
            .cron
            .find_previous_occurrence(&local, true)
            .ok()?
            .with_timezone(&Utc);
        (found <= at && at - found <= LOOKBACK).then_some(found)
    }

    /// A firing as a person in the job's zone reads it: `2026-11-23 09:00:00 EST`.
    pub fn local_label(&self, at: DateTime<Utc>) -> String {
        self.zone
            .from_utc_datetime(&at.naive_utc())
            .format("%Y-%m-%d %H:%M:%S %Z")
            .to_string()
    }
}

/// Whether some day of the 28 years from `from` matches the day-of-month,
/// month and day-of-week fields (in 28 years every date falls on every
/// weekday, leap days included). croner's own search for an expression that
/// never fires runs on to the year 5000: seconds of CPU for one request.
fn fires_on_some_day(cron: &Cron, from: NaiveDate) -> bool {
    let pattern = &cron.pattern;
    let mut day = from;
    let Some(end) = from.checked_add_days(Days::new(28 * 366)) else {
        return true;
    };
    while day < end {
        if !pattern.month_match(day.month()).unwrap_or(false) {
            // Skip to the first of the next month.
            let next = day
                .with_day(1)
                .and_then(|first| first.checked_add_months(Months::new(1)));
            match next {
                Some(next) => day = next,
                None => return true,
            }
            continue;
        }
        if pattern
            .day_match(day.year(), day.month(), day.day())
            .unwrap_or(false)
        {
            return true;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => return true,
        }
    }
    false
}

/// Reads five or six fields into a `croner` schedule and its six-field form.
fn parse_expression(expression: &str) -> Result<(Cron, String), String> {
    let trimmed = expression.split_whitespace().collect::<Vec<_>>();
    match trimmed.len() {
        0 => {
            return Err(
                "is empty; write five fields (minute hour day month weekday) or six (second first)"
                    .into(),
            );
        }
        5 | 6 => {}
        n => {
            return Err(format!(
                "has {n} fields; write five (minute hour day month weekday) or six (second minute hour day month weekday)"
            ));
        }
    }
    let normalized = if trimmed.len() == 5 {
        format!("0 {}", trimmed.join(" "))
    } else {
        trimmed.join(" ")
    };
    // croner reads an empty list item ("," or "1,,5") as a field no value
    // matches, and then searches for a firing for minutes before giving up
    // (found by the fuzz target `cron_schedule`): refuse it here.
    let fields: Vec<&str> = normalized.split(' ').collect();
    if let Some((index, field)) = fields
        .iter()
        .enumerate()
        .find(|(_, field)| field.split(',').any(str::is_empty))
    {
        let (name, range) = FIELDS[index];
        return Err(format!(
            "has a bad {name} field {field:?} ({range}): a list has an empty item"
        ));
    }
    let parse = |text: &str| {
        CronParser::builder()
            .seconds(Seconds::Required)
            .year(Year::Disallowed)
            .build()
            .parse(text)
    };
    let cron = parse(&normalized).map_err(|error| {
        // Name the field at fault: parse each one alone, the others left as `*`.
        let culprit = FIELDS.iter().enumerate().find(|(index, _)| {
            let mut alone = ["*"; 6];
            alone[0] = "0";
            alone[*index] = fields[*index];
            parse(&alone.join(" ")).is_err()
        });
        match culprit {
            Some((index, (name, range))) => format!(
                "has a bad {name} field {:?} ({range}): {error}",
                fields[index]
            ),
            None => format!("is not a valid cron expression: {error}"),
        }
    })?;
    Ok((cron, normalized))
}

/// The six fields (seconds first) with what each accepts, for error messages.
const FIELDS: [(&str, &str); 6] = [
    ("second", "0–59"),
    ("minute", "0–59"),
    ("hour", "0–23"),
    ("day-of-month", "1–31"),
    ("month", "1–12 or JAN–DEC"),
    ("day-of-week", "0–7 or SUN–SAT"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|at| at.with_timezone(&Utc))
            .expect("test instant")
    }

    /// A date no month has is refused by the day scan, not by croner's search
    /// to the year 5000 (seconds under the fuzzer's sanitizer: a CI timeout);
    /// rare dates that do come round still parse.
    #[test]
    fn a_date_that_never_comes_is_refused_and_rare_ones_are_not() {
        for never in ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 0 31 2 *"] {
            let problems = CronSchedule::parse(never, "Pacific/Chatham").unwrap_err();
            assert!(problems[0].message.contains("never fires"), "{never}");
        }
        for rare in ["0 0 29 2 *", "0 0 29 2 MON", "0 0 L 2 *", "0 0 * 2 5#5"] {
            let schedule = CronSchedule::parse(rare, "America/New_York")
                .unwrap_or_else(|problems| panic!("{rare}: {problems:?}"));
            assert!(schedule.next_after(Utc::now()).is_some(), "{rare}");
        }
    }

    /// Regression input of the fuzz target `cron_schedule` (a timeout): an
    /// empty list item made croner search for a firing for minutes.
    #[test]
    fn an_empty_list_item_is_refused_at_once() {
        for expression in [", ,,,,,5 * * * *", "0 1,,5 * * *", "0 0 9 * * MON,"] {
            let started = std::time::Instant::now();
            let problems = CronSchedule::parse(expression, "Europe/London").unwrap_err();
            assert!(
                problems[0].message.contains("a list has an empty item"),
                "{expression}: {problems:?}"
            );
            assert!(
                started.elapsed() < std::time::Duration::from_secs(1),
                "{expression}"
            );
        }
    }

    #[test]
    fn a_bad_field_is_named_with_its_range() {
        let problems = CronSchedule::parse("61 * * * *", "UTC").unwrap_err();
        assert!(
            problems[0]
                .message
                .contains("bad minute field \"61\" (0–59)"),
            "{:?}",
            problems
        );
        let problems = CronSchedule::parse("0 0 25 * * *", "UTC").unwrap_err();
        assert!(
            problems[0].message.contains("bad hour field \"25\""),
            "{:?}",
            problems
        );
        let problems = CronSchedule::parse("0 0 * 13 *", "UTC").unwrap_err();
        assert!(
            problems[0].message.contains("bad month field"),
            "{:?}",
            problems
        );
    }

    #[test]
    fn five_fields_fire_on_the_minute_and_six_on_the_second() {
        let daily = CronSchedule::parse("30 7 * * 1-5", "UTC").expect("valid");
        assert_eq!(daily.normalized(), "0 30 7 * * 1-5");
        // 2026-11-21 is a Saturday: next is Monday 07:30.
        assert_eq!(
            daily.next_after(at("2026-11-21T10:00:00Z")),
            Some(at("2026-11-23T07:30:00Z"))
        );
        let every_second = CronSchedule::parse("* * * * * *", "UTC").expect("valid");
        assert_eq!(
            every_second.upcoming(at("2026-11-21T10:00:00.400Z"), 3),
            vec![
                at("2026-11-21T10:00:01Z"),
                at("2026-11-21T10:00:02Z"),
                at("2026-11-21T10:00:03Z")
            ]
        );
    }

    #[test]
    fn the_zone_keeps_local_time_across_daylight_saving() {
        let nine = CronSchedule::parse("0 9 * * *", "America/New_York").expect("valid");
        // 09:00 EST is 14:00 UTC; after 2027-03-14 09:00 EDT is 13:00 UTC.
        assert_eq!(
            nine.next_after(at("2027-03-13T00:00:00Z")),
            Some(at("2027-03-13T14:00:00Z"))
        );
        assert_eq!(
            nine.next_after(at("2027-03-14T00:00:00Z")),
            Some(at("2027-03-14T13:00:00Z"))
        );
        assert_eq!(
            nine.local_label(at("2027-03-14T13:00:00Z")),
            "2027-03-14 09:00:00 EDT"
        );
    }

    #[test]
    fn day_of_month_or_day_of_week_as_in_cron() {
        // The 1st of the month or any Monday.
        let either = CronSchedule::parse("0 6 1 * MON", "UTC").expect("valid");
        assert_eq!(
            either.upcoming(at("2026-11-28T00:00:00Z"), 3),
            vec![
                at("2026-11-30T06:00:00Z"),
                at("2026-12-01T06:00:00Z"),
                at("2026-12-07T06:00:00Z")
            ]
        );
    }

    #[test]
    fn latest_firing_at_or_before() {
        let hourly = CronSchedule::parse("15 * * * *", "Europe/Paris").expect("valid");
        assert_eq!(
            hourly.latest_at_or_before(at("2026-11-21T10:14:59Z")),
            Some(at("2026-11-21T09:15:00Z"))
        );
        assert_eq!(
            hourly.latest_at_or_before(at("2026-11-21T10:15:00.700Z")),
            Some(at("2026-11-21T10:15:00Z"))
        );
    }

    #[test]
    fn bad_input_names_its_field() {
        let problems = CronSchedule::parse("61 * * * *", "Mars/Olympus").expect_err("invalid");
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["timeZone", "cron"]);
        for bad in ["", "* * *", "* * * * * * * *", "a b c d e", "0 0 30 2 *"] {
            let problems = CronSchedule::parse(bad, "UTC").expect_err(bad);
            assert_eq!(problems[0].field, "cron", "{bad}");
        }
    }
}
