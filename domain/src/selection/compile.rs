//! The compiled form of a selection rule: fields resolved, values case-folded and
//! parsed as numbers once, `LIKE` patterns parsed — so testing a record allocates
//! as little as possible.

use std::borrow::Cow;
use std::collections::HashSet;

use super::like::LikePattern;
use super::{
    CONTACT_FIELDS, Condition, DEVICE_PARTS, DevicePart, FieldRef, MAX_VALUE_CHARS, MAX_VALUES,
    Operator,
};
use crate::ValidationError;
use crate::import::{ContactDraft, MAX_CUSTOM_FIELDS};

/// A checked rule ready to run per record.
#[derive(Debug, Clone)]
pub struct CompiledSelection {
    pub(super) sets: Vec<Vec<CompiledCondition>>,
}

impl CompiledSelection {
    /// Whether any set has all its conditions holding for the record.
    pub fn keeps(&self, draft: &ContactDraft) -> bool {
        self.sets
            .iter()
            .any(|set| set.iter().all(|condition| condition.holds(draft)))
    }
}

#[derive(Debug, Clone)]
pub(super) struct CompiledCondition {
    field: FieldRef,
    test: Test,
}

impl CompiledCondition {
    fn holds(&self, draft: &ContactDraft) -> bool {
        self.field.any_value(draft, |value| self.test.holds(value))
    }
}

/// A rule operand: its case-folded text and, when it reads as one, its number.
#[derive(Debug, Clone)]
struct Operand {
    text: String,
    number: Option<f64>,
}

impl Operand {
    fn new(raw: &str) -> Self {
        let raw = raw.trim();
        Self {
            text: raw.to_lowercase(),
            number: number(raw),
        }
    }
}

#[derive(Debug, Clone)]
enum Test {
    Compare(Operator, Operand),
    Among {
        negate: bool,
        texts: HashSet<String>,
        numbers: Vec<f64>,
    },
    Like(LikePattern),
    Contains(String),
    Empty {
        negate: bool,
    },
}

impl Test {
    fn holds(&self, value: &str) -> bool {
        match self {
            Test::Empty { negate } => value.is_empty() != *negate,
            Test::Contains(needle) => fold(value).contains(needle.as_str()),
            Test::Like(pattern) => pattern.matches(&fold(value)),
            Test::Among {
                negate,
                texts,
                numbers,
            } => {
                let found = number(value).is_some_and(|number| numbers.contains(&number))
                    || texts.contains(fold(value).as_ref());
                found != *negate
            }
            Test::Compare(operator, operand) => compare(*operator, operand, value),
        }
    }
}

fn compare(operator: Operator, operand: &Operand, value: &str) -> bool {
    let ordering = match (operand.number, number(value)) {
        (Some(wanted), Some(actual)) => actual.partial_cmp(&wanted),
        _ => Some(fold(value).as_ref().cmp(operand.text.as_str())),
    };
    let Some(ordering) = ordering else {
        return false;
    };
    match operator {
        Operator::Equals => ordering.is_eq(),
        Operator::NotEquals => ordering.is_ne(),
        _ if value.is_empty() => false,
        Operator::LessThan => ordering.is_lt(),
        Operator::LessOrEqual => ordering.is_le(),
        Operator::GreaterThan => ordering.is_gt(),
        _ => ordering.is_ge(),
    }
}

/// A finite number, when the text is one (`nan` and `inf` are text).
fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    let looks_numeric = text
        .bytes()
        .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b'-' | b'+' | b'e' | b'E'));
    if text.is_empty() || !looks_numeric {
        return None;
    }
    text.parse::<f64>().ok().filter(|number| number.is_finite())
}

/// Lower-cases without allocating when there is nothing to change.
fn fold(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .any(|byte| byte.is_ascii_uppercase() || !byte.is_ascii())
    {
        Cow::Owned(text.to_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

pub(super) fn compile_condition(
    condition: &Condition,
    place: &str,
) -> Result<CompiledCondition, ValidationError> {
    let name = condition.field.trim();
    let field = FieldRef::parse(name).ok_or_else(|| {
        ValidationError::new(
            "field",
            format!(
                "`{name}` in {place} is not a contact field ({}, other1 to other{MAX_CUSTOM_FIELDS}) or device part ({})",
                CONTACT_FIELDS.join(", "),
                DEVICE_PARTS.join(", ")
            ),
        )
    })?;
    let operator = condition.operator;
    let about = format!("{} on `{name}` ({place})", operator.as_str());
    let normalise = |raw: &str| -> String {
        // People write country codes as "+44" as often as "44".
        match field {
            FieldRef::Device(DevicePart::CountryCode) => {
                raw.trim().trim_start_matches('+').to_owned()
            }
            _ => raw.trim().to_owned(),
        }
    };
    let value = condition
        .value
        .as_deref()
        .map(normalise)
        .filter(|value| !value.is_empty());
    if let Some(value) = &value
        && value.chars().count() > MAX_VALUE_CHARS
    {
        return Err(ValidationError::new(
            "value",
            format!("is longer than {MAX_VALUE_CHARS} characters for {about}"),
        ));
    }
    let test = match operator {
        Operator::IsEmpty | Operator::IsNotEmpty => {
            if value.is_some() || !condition.values.is_empty() {
                return Err(ValidationError::new(
                    "value",
                    format!("must be left out for {about}"),
                ));
            }
            Test::Empty {
                negate: operator == Operator::IsNotEmpty,
            }
        }
        Operator::In | Operator::NotIn => {
            if value.is_some() {
                return Err(ValidationError::new(
                    "value",
                    format!("must be left out for {about}: use values"),
                ));
            }
            let values: Vec<String> = condition
                .values
                .iter()
                .map(|raw| normalise(raw))
                .filter(|value| !value.is_empty())
                .collect();
            if values.is_empty() {
                return Err(ValidationError::new(
                    "values",
                    format!("need at least one entry for {about}"),
                ));
            }
            if values.len() > MAX_VALUES
                || values
                    .iter()
                    .any(|value| value.chars().count() > MAX_VALUE_CHARS)
            {
                return Err(ValidationError::new(
                    "values",
                    format!(
                        "are limited to {MAX_VALUES} entries of {MAX_VALUE_CHARS} characters for {about}"
                    ),
                ));
            }
            Test::Among {
                negate: operator == Operator::NotIn,
                numbers: values.iter().filter_map(|value| number(value)).collect(),
                texts: values.iter().map(|value| value.to_lowercase()).collect(),
            }
        }
        _ => {
            if !condition.values.is_empty() {
                return Err(ValidationError::new(
                    "values",
                    format!("must be left out for {about}: use value"),
                ));
            }
            let Some(value) = value else {
                return Err(ValidationError::new(
                    "value",
                    format!("is required for {about}"),
                ));
            };
            match operator {
                Operator::Like => Test::Like(LikePattern::new(&value.to_lowercase())),
                Operator::Contains => Test::Contains(value.to_lowercase()),
                _ => Test::Compare(operator, Operand::new(&value)),
            }
        }
    };
    Ok(CompiledCondition { field, test })
}
