//! Split rules: cut one upload into several lists — by count, by percentage, by the
//! value of a field, or by ordered selection rules — with a stateful [`Splitter`]
//! that assigns records one at a time in file order.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::ValidationError;
use crate::import::ContactDraft;
use crate::selection::{CompiledSelection, FieldRef, SelectionSpec};

#[cfg(test)]
mod tests;

/// Most parts a percentage or rules split may have.
pub const MAX_PARTS: usize = 50;
/// Most distinct values a field split gives their own part; later values share "other".
pub const MAX_FIELD_VALUES: usize = 50;
/// Longest part name, in characters.
pub const MAX_PART_NAME_CHARS: usize = 60;

/// The part name of records whose field is empty (field splits).
pub const EMPTY_PART: &str = "(empty)";
/// The part name of values past the cap (field splits).
pub const OTHER_PART: &str = "other";
/// The part name of records no rule matched (rules splits).
pub const REST_PART: &str = "rest";

/// A named selection inside a rules split; the name becomes its part's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedSelection {
    /// The part's name suffix.
    pub name: String,
    /// Which records go there.
    pub selection: SelectionSpec,
}

/// How a split rule cuts an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "by",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
pub enum SplitSpec {
    /// Parts of `size` records in file order ("part 1", "part 2", …).
    Count {
        /// Records per part.
        size: u64,
    },
    /// Parts with these shares of the records (summing to 100), dealt fairly in file order.
    Percent {
        /// Whole percentages, one per part.
        percents: Vec<u32>,
    },
    /// One part per distinct value of a field (case-insensitive), up to [`MAX_FIELD_VALUES`].
    Field {
        /// A contact field, custom field or device part (the first device with a value).
        field: String,
    },
    /// The first rule that keeps a record takes it; the others go to "rest" unless dropped.
    Rules {
        /// Named selections, in order.
        rules: Vec<NamedSelection>,
        /// Drop records no rule keeps instead of sending them to "rest".
        #[serde(default)]
        drop_unmatched: bool,
    },
}

impl SplitSpec {
    /// Rejects what could not run: a zero size, percentages not summing to 100, an
    /// unknown field, unnamed, duplicate or invalid rules.
    pub fn check(&self) -> Result<(), ValidationError> {
        Splitter::new(self).map(|_| ())
    }
}

/// Assigns records to parts in file order; index-stable part numbers.
#[derive(Debug, Clone)]
pub struct Splitter {
    state: State,
}

#[derive(Debug, Clone)]
enum State {
    Count {
        size: u64,
        seen: u64,
    },
    Percent {
        percents: Vec<u64>,
        counts: Vec<u64>,
        seen: u64,
    },
    Field {
        field: FieldRef,
        parts: HashMap<String, usize>,
        names: Vec<String>,
        other: Option<usize>,
    },
    Rules {
        rules: Vec<CompiledSelection>,
        names: Vec<String>,
        rest: bool,
    },
}

impl Splitter {
    /// Checks the spec and prepares an empty split.
    pub fn new(spec: &SplitSpec) -> Result<Splitter, ValidationError> {
        let state = match spec {
            SplitSpec::Count { size } => {
                if *size == 0 {
                    return Err(ValidationError::new("size", "must be at least 1"));
                }
                State::Count {
                    size: *size,
                    seen: 0,
                }
            }
            SplitSpec::Percent { percents } => {
                if percents.len() < 2 || percents.len() > MAX_PARTS {
                    return Err(ValidationError::new(
                        "percents",
                        format!("need 2 to {MAX_PARTS} parts"),
                    ));
                }
                if percents.contains(&0) {
                    return Err(ValidationError::new("percents", "must each be at least 1"));
                }
                let total: u64 = percents.iter().map(|percent| u64::from(*percent)).sum();
                if total != 100 {
                    return Err(ValidationError::new(
                        "percents",
                        format!("must sum to 100 (they sum to {total})"),
                    ));
                }
                State::Percent {
                    percents: percents.iter().map(|percent| u64::from(*percent)).collect(),
                    counts: vec![0; percents.len()],
                    seen: 0,
                }
            }
            SplitSpec::Field { field } => {
                let name = field.trim();
                let field = FieldRef::parse(name).ok_or_else(|| {
                    ValidationError::new(
                        "field",
                        format!("`{name}` is not a contact field, custom field or device part"),
                    )
                })?;
                State::Field {
                    field,
                    parts: HashMap::new(),
                    names: Vec::new(),
                    other: None,
                }
            }
            SplitSpec::Rules {
                rules,
                drop_unmatched,
            } => State::Rules {
                names: rule_names(rules)?,
                rules: rules
                    .iter()
                    .map(|rule| rule.selection.compile())
                    .collect::<Result<_, _>>()?,
                rest: !drop_unmatched,
            },
        };
        Ok(Splitter { state })
    }

    /// The part a record goes to, or `None` when a rules split drops it.
    pub fn assign(&mut self, draft: &ContactDraft) -> Option<usize> {
        match &mut self.state {
            State::Count { size, seen } => {
                let part = *seen / *size;
                *seen += 1;
                usize::try_from(part).ok()
            }
            State::Percent {
                percents,
                counts,
                seen,
            } => {
                *seen += 1;
                // The part furthest behind its share (in hundredths of a record) takes the
                // record; the earliest part wins a tie. This keeps every part within one
                // record of its share after each record.
                let part = (0..percents.len())
                    .max_by_key(|&part| {
                        let target = i128::from(*seen) * i128::from(percents[part]);
                        let actual = i128::from(counts[part]) * 100;
                        (target - actual, std::cmp::Reverse(part))
                    })
                    .unwrap_or(0);
                counts[part] += 1;
                Some(part)
            }
            State::Field {
                field,
                parts,
                names,
                other,
            } => {
                let mut found = String::new();
                field.any_value(draft, |value| {
                    found = value.trim().to_owned();
                    !found.is_empty()
                });
                let key = found.to_lowercase();
                if let Some(part) = parts.get(&key) {
                    return Some(*part);
                }
                if parts.len() >= MAX_FIELD_VALUES {
                    let part = *other.get_or_insert_with(|| {
                        names.push(OTHER_PART.to_owned());
                        names.len() - 1
                    });
                    return Some(part);
                }
                let name = if found.is_empty() {
                    EMPTY_PART.to_owned()
                } else {
                    found.chars().take(MAX_PART_NAME_CHARS).collect()
                };
                names.push(name);
                parts.insert(key, names.len() - 1);
                Some(names.len() - 1)
            }
            State::Rules { rules, rest, .. } => rules
                .iter()
                .position(|rule| rule.keeps(draft))
                .or(rest.then_some(rules.len())),
        }
    }

    /// The name suffix of every part known so far, by index; percentage and rules parts
    /// are known from the start, count and field parts as records reach them.
    pub fn part_names(&self) -> Vec<String> {
        match &self.state {
            State::Count { size, seen } => {
                let parts = seen.div_ceil(*size);
                (1..=parts).map(|part| format!("part {part}")).collect()
            }
            State::Percent { percents, .. } => (1..=percents.len())
                .map(|part| format!("part {part}"))
                .collect(),
            State::Field { names, .. } => names.clone(),
            State::Rules { names, rest, .. } => {
                let mut names = names.clone();
                if *rest {
                    names.push(REST_PART.to_owned());
                }
                names
            }
        }
    }
}

fn rule_names(rules: &[NamedSelection]) -> Result<Vec<String>, ValidationError> {
    if rules.is_empty() || rules.len() > MAX_PARTS {
        return Err(ValidationError::new(
            "rules",
            format!("need 1 to {MAX_PARTS} rules"),
        ));
    }
    let mut names: Vec<String> = Vec::with_capacity(rules.len());
    for (index, rule) in rules.iter().enumerate() {
        let name = rule.name.trim();
        if name.is_empty() || name.chars().count() > MAX_PART_NAME_CHARS {
            return Err(ValidationError::new(
                "rules",
                format!(
                    "need a name of 1 to {MAX_PART_NAME_CHARS} characters (rule {})",
                    index + 1
                ),
            ));
        }
        let taken = names.iter().any(|other| other.eq_ignore_ascii_case(name));
        if taken || name.eq_ignore_ascii_case(REST_PART) {
            return Err(ValidationError::new(
                "rules",
                format!(
                    "need distinct names other than \"{REST_PART}\" (`{name}` is repeated or reserved)"
                ),
            ));
        }
        names.push(name.to_owned());
    }
    Ok(names)
}
