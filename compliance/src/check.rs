//! Validation of a rule set as a whole ([`RuleSet::check`]): every problem is
//! reported with the JSON path of its field, so an update is refused whole
//! and the editor can point at each mistake.

use std::collections::BTreeSet;

use crate::rules::{AttemptPeriod, CountBy, RuleSet, WeeklyWindow};
use crate::time::Day;

/// One problem in a rule set, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The JSON path of the field ("callingWindows.regions.FL.slots[0].end").
    pub field: String,
    /// What is wrong with it, lower case.
    pub message: String,
}

/// Every problem of a rule set that may not be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid rule set: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidRuleSet(pub Vec<FieldError>);

/// Collects problems while walking the rule set.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }
}

/// The longest rolling period an attempt rule may count over (31 days): the
/// hot path keeps this much dialing history per device and person.
pub const MAX_ROLLING_HOURS: u32 = 31 * 24;

impl RuleSet {
    /// Checks the rule set as a whole: slots with a start before their end and
    /// no overlap on a day, region codes, distinct holidays, attempt rules
    /// with a name, a limit and a period above zero, channels named.
    /// Times and zones are checked when parsed ([`crate::ClockTime`], [`crate::ZoneName`]).
    pub fn check(&self) -> Result<(), InvalidRuleSet> {
        let mut problems = Problems::default();
        let windows = &self.calling_windows;
        if windows.applies_to.is_empty() {
            problems.add("callingWindows.appliesTo", "name at least one channel");
        }
        check_window(&windows.default, "callingWindows.default", &mut problems);
        for (region, window) in &windows.regions {
            let field = format!("callingWindows.regions.{region}");
            let well_formed = (1..=3).contains(&region.len())
                && region
                    .bytes()
                    .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit());
            if !well_formed {
                problems.add(
                    field.clone(),
                    format!("region code {region:?} is not 1 to 3 upper-case letters or digits"),
                );
            }
            check_window(window, &field, &mut problems);
        }
        let mut seen = BTreeSet::new();
        for (index, date) in windows.holidays.iter().enumerate() {
            if !seen.insert(*date) {
                problems.add(
                    format!("callingWindows.holidays[{index}]"),
                    format!("{date} is listed twice"),
                );
            }
        }
        let mut names = BTreeSet::new();
        for (index, rule) in self.attempt_rules.iter().enumerate() {
            let field = format!("attemptRules[{index}]");
            if rule.name.trim().is_empty() {
                problems.add(format!("{field}.name"), "give the rule a name");
            } else if !names.insert(rule.name.as_str()) {
                problems.add(
                    format!("{field}.name"),
                    format!("{:?} is used twice", rule.name),
                );
            }
            if rule.limit == 0 {
                problems.add(format!("{field}.limit"), "must be at least 1");
            }
            if rule.period == (AttemptPeriod::Rolling { hours: 0 }) {
                problems.add(
                    format!("{field}.period"),
                    "a rolling period must be at least 1 hour",
                );
            }
            if let AttemptPeriod::Rolling { hours } = rule.period
                && hours > MAX_ROLLING_HOURS
            {
                problems.add(
                    format!("{field}.period"),
                    format!("a rolling period may be at most {MAX_ROLLING_HOURS} hours (31 days): dialing history is counted that far back"),
                );
            }
            if let CountBy::Custom(key) = &rule.counted_by
                && key.trim().is_empty()
            {
                problems.add(format!("{field}.countedBy"), "name the custom key");
            }
            if rule.channels.is_empty() {
                problems.add(format!("{field}.channels"), "name at least one channel");
            }
        }
        if self.device_restrictions.automated_modes.is_empty()
            && (self.device_restrictions.mobile_requires_consent
                || self.device_restrictions.refuse_reassigned
                || self.device_restrictions.refuse_ported)
        {
            problems.add(
                "deviceRestrictions.automatedModes",
                "name the automated modes the restrictions apply to",
            );
        }
        if problems.0.is_empty() {
            Ok(())
        } else {
            Err(InvalidRuleSet(problems.0))
        }
    }
}

/// Checks one weekly window: days named, start before end, no overlap on a day.
fn check_window(window: &WeeklyWindow, field: &str, problems: &mut Problems) {
    for (index, slot) in window.slots.iter().enumerate() {
        let slot_field = format!("{field}.slots[{index}]");
        if slot.days.is_empty() {
            problems.add(format!("{slot_field}.days"), "name at least one day");
        }
        let mut days = BTreeSet::new();
        for day in &slot.days {
            if !days.insert(*day) {
                problems.add(
                    format!("{slot_field}.days"),
                    format!("{day:?} is listed twice"),
                );
            }
        }
        if slot.start >= slot.end {
            problems.add(
                format!("{slot_field}.end"),
                format!(
                    "the slot ends at {} before it starts at {}",
                    slot.end, slot.start
                ),
            );
        }
    }
    for day in Day::ALL {
        let mut slots: Vec<(usize, &crate::rules::Slot)> = window
            .slots
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.days.contains(&day))
            .collect();
        slots.sort_by_key(|(_, slot)| slot.start);
        for pair in slots.windows(2) {
            let ((first_index, first), (second_index, second)) = (pair[0], pair[1]);
            if second.start < first.end {
                problems.add(
                    format!("{field}.slots[{second_index}]"),
                    format!(
                        "overlaps slots[{first_index}] on {} ({}–{} and {}–{})",
                        day.name(),
                        first.start,
                        first.end,
                        second.start,
                        second.end
                    ),
                );
            }
        }
    }
}
