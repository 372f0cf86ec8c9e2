//! Selection rules: condition sets that keep or drop imported records. Conditions
//! within a set must all hold (AND); a record is kept when any set holds (OR).
//! A rule is compiled once ([`CompiledSelection`]) because it runs per row of
//! imports of millions of rows.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::import::{ContactDraft, DeviceDraft, DeviceKind, MAX_CUSTOM_FIELDS};

mod compile;
mod like;
#[cfg(test)]
mod tests;

pub use compile::CompiledSelection;
use compile::compile_condition;

/// Most condition sets in one rule (keeps a rule readable and its cost per row bounded).
pub const MAX_SETS: usize = 20;
/// Most conditions in one set.
pub const MAX_CONDITIONS: usize = 20;
/// Most entries in one `IN` / `NOT_IN` list.
pub const MAX_VALUES: usize = 1000;
/// Longest value, in characters.
pub const MAX_VALUE_CHARS: usize = 200;

/// Contact fields a condition can test, as spelled in rules.
pub const CONTACT_FIELDS: [&str; 7] = [
    "clientId",
    "firstName",
    "lastName",
    "company",
    "postalCode",
    "country",
    "timeZone",
];

/// Device parts a condition can test; a device condition holds when any device does.
pub const DEVICE_PARTS: [&str; 5] = [
    "device.areaCode",
    "device.countryCode",
    "device.state",
    "device.timeZone",
    "device.deviceType",
];

/// How a condition compares the record's value with the rule's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operator {
    /// Equal (numbers numerically, text case-insensitively).
    Equals,
    /// Not equal.
    NotEquals,
    /// Less than (false for an empty value).
    LessThan,
    /// Less than or equal (false for an empty value).
    LessOrEqual,
    /// Greater than (false for an empty value).
    GreaterThan,
    /// Greater than or equal (false for an empty value).
    GreaterOrEqual,
    /// Equal to one of `values`.
    In,
    /// Equal to none of `values`.
    NotIn,
    /// SQL `LIKE`: `%` any run of characters, `_` one character, `\` escapes.
    Like,
    /// Contains the value (case-insensitive).
    Contains,
    /// Empty or absent.
    IsEmpty,
    /// Present and not empty.
    IsNotEmpty,
}

impl Operator {
    /// The wire name, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equals => "EQUALS",
            Operator::NotEquals => "NOT_EQUALS",
            Operator::LessThan => "LESS_THAN",
            Operator::LessOrEqual => "LESS_OR_EQUAL",
            Operator::GreaterThan => "GREATER_THAN",
            Operator::GreaterOrEqual => "GREATER_OR_EQUAL",
            Operator::In => "IN",
            Operator::NotIn => "NOT_IN",
            Operator::Like => "LIKE",
            Operator::Contains => "CONTAINS",
            Operator::IsEmpty => "IS_EMPTY",
            Operator::IsNotEmpty => "IS_NOT_EMPTY",
        }
    }
}

/// One test of one field: `value` for one-value operators, `values` for `IN`/`NOT_IN`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// A contact field (`firstName`, `other3`, …) or a device part (`device.state`, …).
    pub field: String,
    /// The comparison.
    pub operator: Operator,
    /// The value compared with (one-value operators).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The values compared with (`IN`, `NOT_IN`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// Conditions that must all hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionSet {
    /// The conditions (AND).
    pub conditions: Vec<Condition>,
}

/// A saved selection rule's specification: a record is kept when any set holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SelectionSpec {
    /// The condition sets (OR).
    pub sets: Vec<ConditionSet>,
    /// The compiled form, built on the first [`SelectionSpec::keeps`].
    #[serde(skip)]
    compiled: OnceLock<Result<CompiledSelection, ValidationError>>,
}

impl PartialEq for SelectionSpec {
    fn eq(&self, other: &Self) -> bool {
        self.sets == other.sets
    }
}

impl Eq for SelectionSpec {}

impl SelectionSpec {
    /// A specification from its sets (the compiled cache starts empty).
    pub fn new(sets: Vec<ConditionSet>) -> Self {
        Self {
            sets,
            compiled: OnceLock::new(),
        }
    }

    /// Rejects what could not run: no sets, unknown fields, missing or superfluous values.
    pub fn check(&self) -> Result<(), ValidationError> {
        self.compile().map(|_| ())
    }

    /// Checks and compiles the rule for fast use on many records.
    pub fn compile(&self) -> Result<CompiledSelection, ValidationError> {
        if self.sets.is_empty() {
            return Err(ValidationError::new(
                "sets",
                "need at least one condition set",
            ));
        }
        if self.sets.len() > MAX_SETS {
            return Err(ValidationError::new(
                "sets",
                format!("are limited to {MAX_SETS}"),
            ));
        }
        let sets = self
            .sets
            .iter()
            .enumerate()
            .map(|(set_index, set)| {
                let place = set_index + 1;
                if set.conditions.is_empty() {
                    return Err(ValidationError::new(
                        "conditions",
                        format!("are missing in set {place}"),
                    ));
                }
                if set.conditions.len() > MAX_CONDITIONS {
                    return Err(ValidationError::new(
                        "conditions",
                        format!("are limited to {MAX_CONDITIONS} per set (set {place})"),
                    ));
                }
                set.conditions
                    .iter()
                    .enumerate()
                    .map(|(index, condition)| {
                        compile_condition(
                            condition,
                            &format!("set {place}, condition {}", index + 1),
                        )
                    })
                    .collect()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CompiledSelection { sets })
    }

    /// Whether the rule keeps the record; an invalid rule keeps nothing (call `check` first).
    pub fn keeps(&self, draft: &ContactDraft) -> bool {
        match self.compiled.get_or_init(|| self.compile()) {
            Ok(compiled) => compiled.keeps(draft),
            Err(_) => false,
        }
    }
}

/// Where a condition reads the record's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRef {
    /// A contact field, by its key in [`ContactDraft::fields`].
    Contact(&'static str),
    /// A custom field, by its key in [`ContactDraft::custom`] (`other<n>`).
    Custom(String),
    /// A part of each device.
    Device(DevicePart),
}

/// A part of a device a condition can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DevicePart {
    /// The area code (NANP NPA).
    AreaCode,
    /// The country calling code, digits only (`1`, `44`).
    CountryCode,
    /// The state or province.
    State,
    /// Any of the device's time zones.
    TimeZone,
    /// `MOBILE`, `LANDLINE`, `UNKNOWN` for phones, `EMAIL` for e-mail.
    DeviceType,
}

impl FieldRef {
    /// Reads a field name; device parts also answer to their bare names except `timeZone`.
    pub fn parse(name: &str) -> Option<FieldRef> {
        if let Some(field) = CONTACT_FIELDS.iter().find(|field| **field == name) {
            return Some(FieldRef::Contact(field));
        }
        if let Some(digits) = name.strip_prefix("other") {
            let number: u8 = digits.parse().ok()?;
            let canonical = format!("other{number}");
            let valid = (1..=MAX_CUSTOM_FIELDS).contains(&number) && canonical == name;
            return valid.then_some(FieldRef::Custom(canonical));
        }
        let part = match name.strip_prefix("device.").unwrap_or(name) {
            "areaCode" => DevicePart::AreaCode,
            "countryCode" => DevicePart::CountryCode,
            "state" => DevicePart::State,
            "timeZone" if name.starts_with("device.") => DevicePart::TimeZone,
            "deviceType" => DevicePart::DeviceType,
            _ => return None,
        };
        Some(FieldRef::Device(part))
    }

    /// Calls `test` on each of the record's values for this field until it answers true.
    /// A contact field has one value (empty when absent); a device part has one per device
    /// (several for a device in several zones) and none for a record without devices.
    pub fn any_value(&self, draft: &ContactDraft, mut test: impl FnMut(&str) -> bool) -> bool {
        match self {
            FieldRef::Contact(key) => test(draft.fields.get(key).map_or("", |value| value.trim())),
            FieldRef::Custom(key) => test(draft.custom.get(key).map_or("", |value| value.trim())),
            FieldRef::Device(part) => draft
                .devices
                .iter()
                .any(|device| device_values(*part, device, &mut test)),
        }
    }
}

fn device_values(
    part: DevicePart,
    device: &DeviceDraft,
    test: &mut impl FnMut(&str) -> bool,
) -> bool {
    let phone = device.phone.as_ref();
    match part {
        DevicePart::AreaCode => test(phone.map_or("", |phone| phone.area_code())),
        DevicePart::CountryCode => match phone {
            Some(phone) => test(&phone.country_code().to_string()),
            None => test(""),
        },
        DevicePart::State => test(device.region.as_deref().unwrap_or("")),
        DevicePart::TimeZone if device.time_zones.is_empty() => test(""),
        DevicePart::TimeZone => device.time_zones.iter().any(|zone| test(zone)),
        DevicePart::DeviceType => match (phone, device.kind) {
            (Some(phone), _) => test(phone.device_type().as_str()),
            (None, DeviceKind::Email) => test("EMAIL"),
            (None, _) => test(""),
        },
    }
}
