//! Selection and split rules in the app: the saved rules as read from the server,
//! the editor drafts (condition builder, split form), their checks, the JSON the
//! mutations send, and the one-line summaries the tables show.

use serde::{Deserialize, Serialize};

use crate::api::rules::{OperandKind, SelectionOperator, SplitKind};

mod drafts;
#[cfg(test)]
mod tests;

// The drafts are used by the pages, which only exist in the wasm build.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use drafts::{ConditionDraft, PartDraft, SelectionDraft, SetsDraft, SplitDraft};

/// Every field a condition or a FIELD split can read: wire name and label.
pub const FIELD_CHOICES: &[(&str, &str)] = &[
    ("clientId", "Client id"),
    ("firstName", "First name"),
    ("lastName", "Last name"),
    ("company", "Company"),
    ("postalCode", "Postal code"),
    ("country", "Country"),
    ("timeZone", "Contact time zone"),
    ("device.areaCode", "Device: area code"),
    ("device.countryCode", "Device: country code"),
    ("device.state", "Device: state"),
    ("device.timeZone", "Device: time zone"),
    ("device.deviceType", "Device: type"),
    ("other1", "Custom 1"),
    ("other2", "Custom 2"),
    ("other3", "Custom 3"),
    ("other4", "Custom 4"),
    ("other5", "Custom 5"),
    ("other6", "Custom 6"),
    ("other7", "Custom 7"),
    ("other8", "Custom 8"),
    ("other9", "Custom 9"),
    ("other10", "Custom 10"),
    ("other11", "Custom 11"),
    ("other12", "Custom 12"),
    ("other13", "Custom 13"),
    ("other14", "Custom 14"),
    ("other15", "Custom 15"),
    ("other16", "Custom 16"),
    ("other17", "Custom 17"),
    ("other18", "Custom 18"),
    ("other19", "Custom 19"),
    ("other20", "Custom 20"),
];

/// How people read a field's wire name (unknown names are shown as they are).
pub fn field_label(wire_name: &str) -> &str {
    FIELD_CHOICES
        .iter()
        .find(|(name, _)| *name == wire_name)
        .map_or(wire_name, |(_, label)| label)
}

/// One saved condition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCondition {
    /// The field's wire name.
    pub field: String,
    /// The comparison.
    pub operator: SelectionOperator,
    /// The value (one-value operators).
    pub value: Option<String>,
    /// The values (IN, NOT_IN).
    #[serde(default)]
    pub values: Vec<String>,
}

/// Conditions that must all hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSet {
    /// The conditions.
    pub conditions: Vec<SavedCondition>,
}

/// A saved selection rule as the Rules page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedSelectionRule {
    /// Stable id.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Condition sets (OR).
    pub sets: Vec<SavedSet>,
    /// When it last changed.
    pub updated_at: String,
}

/// A named selection of a RULES split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedNamedSelection {
    /// The part's name.
    pub name: String,
    /// Its condition sets.
    pub sets: Vec<SavedSet>,
}

/// A saved split rule as the Rules page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedSplitRule {
    /// Stable id.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// How it cuts.
    pub kind: SplitKind,
    /// COUNT: records per part.
    pub size: Option<i64>,
    /// PERCENT: shares.
    pub percents: Option<Vec<i64>>,
    /// FIELD: the field.
    pub field: Option<String>,
    /// RULES: whether unmatched records are dropped.
    pub drop_unmatched: bool,
    /// RULES: the named selections.
    pub rules: Option<Vec<SavedNamedSelection>>,
    /// When it last changed.
    pub updated_at: String,
}

/// Converts a generated response (or input) type into one of ours through its JSON form.
pub fn convert<From: Serialize, To: serde::de::DeserializeOwned>(
    from: &From,
) -> Result<To, String> {
    serde_json::to_value(from)
        .and_then(serde_json::from_value)
        .map_err(|error| format!("The rules could not be read: {error}."))
}

/// "State is one of CA, WA and type is MOBILE; or postal code matches 9%".
pub fn describe_sets(sets: &[SavedSet]) -> String {
    sets.iter()
        .map(|set| {
            set.conditions
                .iter()
                .map(describe_condition)
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect::<Vec<_>>()
        .join("; or ")
}

fn describe_condition(condition: &SavedCondition) -> String {
    let field = field_label(&condition.field);
    let operator = condition.operator.label();
    match condition.operator.operand() {
        OperandKind::Nothing => format!("{field} {operator}"),
        OperandKind::List => format!("{field} {operator} {}", condition.values.join(", ")),
        OperandKind::One => format!(
            "{field} {operator} {}",
            condition.value.as_deref().unwrap_or("")
        ),
    }
}

/// "Lists of 1000 records", "50% / 50%", "One list per Device: state", "CA, TX, then the rest".
pub fn describe_split(rule: &SavedSplitRule) -> String {
    match rule.kind {
        SplitKind::Count => format!("Lists of {} records", rule.size.unwrap_or(0)),
        SplitKind::Percent => rule
            .percents
            .iter()
            .flatten()
            .map(|percent| format!("{percent}%"))
            .collect::<Vec<_>>()
            .join(" / "),
        SplitKind::Field => format!(
            "One list per {}",
            field_label(rule.field.as_deref().unwrap_or(""))
        ),
        SplitKind::Rules => {
            let names: Vec<&str> = rule
                .rules
                .iter()
                .flatten()
                .map(|named| named.name.as_str())
                .collect();
            let rest = if rule.drop_unmatched {
                "others dropped"
            } else {
                "then the rest"
            };
            format!("{}, {rest}", names.join(", "))
        }
    }
}
