//! What the rule editor does to a rule set — add or remove region overrides,
//! slots, holidays and attempt rules — and the checks it runs before Save.
//!
//! The checks mirror the server's (`compliance/src/check.rs`) and name fields
//! by the same JSON paths ("callingWindows.regions.NY.slots[0].end"), so a
//! problem found here and one the server reports land in the same place.

use std::collections::BTreeSet;

use crate::api::error::FieldError;
use crate::api::schema_types::Channel;
use crate::state::forms::field_error;

use super::{AttemptPeriod, AttemptRule, CountBy, Day, RuleSet, Slot, WeeklyWindow};

/// Minutes since midnight of "HH:MM" ("00:00" to "24:00"), as the server reads it.
pub fn parse_clock(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: u16 = hours.parse().ok()?;
    let minutes: u16 = minutes.parse().ok()?;
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= 24 * 60).then_some(total)
}

/// Whether `text` is a calendar date "YYYY-MM-DD" (what a date picker gives).
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &text[range];
        part.bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days_in_month).contains(&day)
}

/// A region code as the numbering data writes it: 1 to 3 upper-case letters or digits.
pub fn is_region_code(code: &str) -> bool {
    (1..=3).contains(&code.len())
        && code
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit())
}

/// Where a window lives in the rule set: the default or one region's override.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WindowKey {
    /// `callingWindows.default`.
    Default,
    /// `callingWindows.regions.<code>`.
    Region(String),
}

impl WindowKey {
    /// The JSON path of the window, for field errors.
    pub fn path(&self) -> String {
        match self {
            WindowKey::Default => "callingWindows.default".to_owned(),
            WindowKey::Region(code) => format!("callingWindows.regions.{code}"),
        }
    }

    /// "Default window" or "NY", for headings.
    pub fn title(&self) -> String {
        match self {
            WindowKey::Default => "Default window".to_owned(),
            WindowKey::Region(code) => format!("{code} override"),
        }
    }
}

impl RuleSet {
    /// The window at `key`, if it exists.
    pub fn window(&self, key: &WindowKey) -> Option<&WeeklyWindow> {
        match key {
            WindowKey::Default => Some(&self.calling_windows.default),
            WindowKey::Region(code) => self.calling_windows.regions.get(code),
        }
    }

    /// The window at `key`, to change it.
    pub fn window_mut(&mut self, key: &WindowKey) -> Option<&mut WeeklyWindow> {
        match key {
            WindowKey::Default => Some(&mut self.calling_windows.default),
            WindowKey::Region(code) => self.calling_windows.regions.get_mut(code),
        }
    }

    /// Every window, the default first then the regions in code order.
    pub fn window_keys(&self) -> Vec<WindowKey> {
        std::iter::once(WindowKey::Default)
            .chain(
                self.calling_windows
                    .regions
                    .keys()
                    .map(|code| WindowKey::Region(code.clone())),
            )
            .collect()
    }

    /// Adds an override for `code` starting as a copy of the default window;
    /// false when the code is not a region code or already has one.
    pub fn add_region(&mut self, code: &str) -> bool {
        let code = code.trim().to_ascii_uppercase();
        if !is_region_code(&code) || self.calling_windows.regions.contains_key(&code) {
            return false;
        }
        let copy = self.calling_windows.default.clone();
        self.calling_windows.regions.insert(code, copy);
        true
    }

    /// Removes `code`'s override (the default applies there again).
    pub fn remove_region(&mut self, code: &str) {
        self.calling_windows.regions.remove(code);
    }

    /// Adds a holiday, keeping the list sorted and free of repeats; false when
    /// `date` is not a date or is already listed.
    pub fn add_holiday(&mut self, date: &str) -> bool {
        let date = date.trim();
        let holidays = &mut self.calling_windows.holidays;
        if !is_date(date) || holidays.iter().any(|listed| listed == date) {
            return false;
        }
        holidays.push(date.to_owned());
        holidays.sort();
        true
    }

    /// Removes a holiday.
    pub fn remove_holiday(&mut self, date: &str) {
        self.calling_windows
            .holidays
            .retain(|listed| listed != date);
    }

    /// Ticks or unticks `channel` in the channels the windows apply to.
    pub fn set_window_channel(&mut self, channel: Channel, on: bool) {
        set_member(&mut self.calling_windows.applies_to, channel, on);
    }
}

impl WeeklyWindow {
    /// Adds a 09:00–17:00 weekday slot for the user to adjust.
    pub fn add_slot(&mut self) {
        self.slots.push(Slot {
            days: Day::WEEKDAYS.to_vec(),
            start: "09:00".to_owned(),
            end: "17:00".to_owned(),
        });
    }

    /// Removes slot `index` (nothing when there is none).
    pub fn remove_slot(&mut self, index: usize) {
        if index < self.slots.len() {
            self.slots.remove(index);
        }
    }
}

impl Slot {
    /// Ticks or unticks `day`, keeping the days in week order.
    pub fn set_day(&mut self, day: Day, on: bool) {
        set_member(&mut self.days, day, on);
        self.days.sort();
    }
}

impl AttemptRule {
    /// The row "Add rule" starts with: 3 per client id per rolling 24 h, voice, required.
    pub fn new_rule(number: usize) -> AttemptRule {
        AttemptRule {
            name: format!("New rule {number}"),
            limit: 3,
            period: AttemptPeriod::Rolling { hours: 24 },
            counted_by: CountBy::ClientId,
            counted_results: Vec::new(),
            channels: vec![Channel::Voice],
            required: true,
            other: serde_json::Map::new(),
        }
    }
}

/// Adds `value` to `list` or removes it, with no repeats.
pub fn set_member<T: PartialEq>(list: &mut Vec<T>, value: T, on: bool) {
    let present = list.contains(&value);
    if on && !present {
        list.push(value);
    } else if !on && present {
        list.retain(|member| *member != value);
    }
}

/// Every problem that makes saving pointless, named by JSON path.
pub fn problems(rules: &RuleSet) -> Vec<FieldError> {
    let mut found = Vec::new();
    let windows = &rules.calling_windows;
    if windows.applies_to.is_empty() {
        found.push(field_error(
            "callingWindows.appliesTo",
            "Name at least one channel.",
        ));
    }
    for key in rules.window_keys() {
        if let Some(window) = rules.window(&key) {
            window_problems(window, &key.path(), &mut found);
        }
    }
    let mut seen = BTreeSet::new();
    for (index, date) in windows.holidays.iter().enumerate() {
        let field = format!("callingWindows.holidays[{index}]");
        if !is_date(date) {
            found.push(field_error(&field, "Write the date as YYYY-MM-DD."));
        } else if !seen.insert(date.as_str()) {
            found.push(field_error(&field, &format!("{date} is listed twice.")));
        }
    }
    if let Some(zone) = &windows.default_zone
        && (zone.trim().is_empty() || zone.contains(' '))
    {
        found.push(field_error(
            "callingWindows.defaultZone",
            "Write an IANA zone such as America/New_York, or leave it empty.",
        ));
    }
    let mut names = BTreeSet::new();
    for (index, rule) in rules.attempt_rules.iter().enumerate() {
        attempt_rule_problems(index, rule, &mut names, &mut found);
    }
    let devices = &rules.device_restrictions;
    if devices.automated_modes.is_empty()
        && (devices.mobile_requires_consent || devices.refuse_reassigned || devices.refuse_ported)
    {
        found.push(field_error(
            "deviceRestrictions.automatedModes",
            "Name the automated modes the restrictions apply to.",
        ));
    }
    found
}

fn attempt_rule_problems<'a>(
    index: usize,
    rule: &'a AttemptRule,
    names: &mut BTreeSet<&'a str>,
    found: &mut Vec<FieldError>,
) {
    let field = format!("attemptRules[{index}]");
    let name = rule.name.trim();
    if name.is_empty() {
        found.push(field_error(
            &format!("{field}.name"),
            "Give the rule a name.",
        ));
    } else if !names.insert(name) {
        found.push(field_error(
            &format!("{field}.name"),
            &format!("\"{name}\" is used twice."),
        ));
    }
    if rule.limit == 0 {
        found.push(field_error(
            &format!("{field}.limit"),
            "Must be at least 1.",
        ));
    }
    if rule.period == (AttemptPeriod::Rolling { hours: 0 }) {
        found.push(field_error(
            &format!("{field}.period"),
            "A rolling period must be at least 1 hour.",
        ));
    }
    if let CountBy::Custom(key) = &rule.counted_by
        && key.trim().is_empty()
    {
        found.push(field_error(
            &format!("{field}.countedBy"),
            "Name the custom key.",
        ));
    }
    if rule.channels.is_empty() {
        found.push(field_error(
            &format!("{field}.channels"),
            "Name at least one channel.",
        ));
    }
}

/// A window's problems: days named, times readable, start before end, no overlap.
fn window_problems(window: &WeeklyWindow, path: &str, found: &mut Vec<FieldError>) {
    let mut readable = Vec::new();
    for (index, slot) in window.slots.iter().enumerate() {
        let slot_path = format!("{path}.slots[{index}]");
        if slot.days.is_empty() {
            found.push(field_error(
                &format!("{slot_path}.days"),
                "Tick at least one day.",
            ));
        }
        let start = parse_clock(&slot.start);
        let end = parse_clock(&slot.end);
        if start.is_none() {
            found.push(field_error(
                &format!("{slot_path}.start"),
                "Write HH:MM between 00:00 and 24:00.",
            ));
        }
        if end.is_none() {
            found.push(field_error(
                &format!("{slot_path}.end"),
                "Write HH:MM between 00:00 and 24:00.",
            ));
        }
        if let (Some(start), Some(end)) = (start, end) {
            if start >= end {
                found.push(field_error(
                    &format!("{slot_path}.end"),
                    "The slot must end after it starts.",
                ));
            } else {
                readable.push((index, start, end, &slot.days));
            }
        }
    }
    for day in Day::ALL {
        let mut on_day: Vec<(usize, u16, u16)> = readable
            .iter()
            .filter(|(_, _, _, days)| days.contains(&day))
            .map(|(index, start, end, _)| (*index, *start, *end))
            .collect();
        on_day.sort_by_key(|(_, start, _)| *start);
        for pair in on_day.windows(2) {
            let ((first, _, first_end), (second, second_start, _)) = (pair[0], pair[1]);
            if second_start < first_end {
                found.push(field_error(
                    &format!("{path}.slots[{second}]"),
                    &format!("Overlaps slot {} on {}.", first + 1, day.short_name()),
                ));
            }
        }
    }
}
