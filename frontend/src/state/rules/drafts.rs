//! The rule editors' drafts: the condition builder, the selection-rule form and the
//! split-rule form, their checks before sending, and the JSON the mutations take.

use serde_json::{Value, json};

use super::{SavedCondition, SavedSelectionRule, SavedSet, SavedSplitRule, field_label};
use crate::api::error::FieldError;
use crate::api::rules::{OperandKind, SelectionOperator, SplitKind};

/// One row of the condition builder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionDraft {
    /// The field's wire name.
    pub field: String,
    /// The comparison.
    pub operator: SelectionOperator,
    /// The value as typed; comma-separated for IN and NOT_IN.
    pub value: String,
}

impl Default for ConditionDraft {
    fn default() -> Self {
        ConditionDraft {
            field: "device.state".to_owned(),
            operator: SelectionOperator::Equals,
            value: String::new(),
        }
    }
}

impl ConditionDraft {
    fn from_saved(condition: &SavedCondition) -> Self {
        let value = match condition.operator.operand() {
            OperandKind::List => condition.values.join(", "),
            _ => condition.value.clone().unwrap_or_default(),
        };
        ConditionDraft {
            field: condition.field.clone(),
            operator: condition.operator,
            value,
        }
    }

    fn to_json(&self) -> Value {
        match self.operator.operand() {
            OperandKind::Nothing => {
                json!({ "field": self.field, "operator": self.operator, "values": [] })
            }
            OperandKind::One => {
                json!({ "field": self.field, "operator": self.operator, "value": self.value.trim(), "values": [] })
            }
            OperandKind::List => {
                json!({ "field": self.field, "operator": self.operator, "values": split_list(&self.value) })
            }
        }
    }

    fn is_missing_value(&self) -> bool {
        match self.operator.operand() {
            OperandKind::Nothing => false,
            OperandKind::One => self.value.trim().is_empty(),
            OperandKind::List => split_list(&self.value).is_empty(),
        }
    }
}

/// "CA, WA ,, TX" → ["CA", "WA", "TX"].
pub fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The condition builder's state: sets (OR) of conditions (AND).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetsDraft {
    /// The sets; never empty, and no set is empty.
    pub sets: Vec<Vec<ConditionDraft>>,
}

impl Default for SetsDraft {
    fn default() -> Self {
        SetsDraft {
            sets: vec![vec![ConditionDraft::default()]],
        }
    }
}

impl SetsDraft {
    /// The builder for saved sets (a fresh one when there are none).
    pub fn from_saved(sets: &[SavedSet]) -> Self {
        let sets: Vec<Vec<ConditionDraft>> = sets
            .iter()
            .map(|set| {
                set.conditions
                    .iter()
                    .map(ConditionDraft::from_saved)
                    .collect()
            })
            .filter(|conditions: &Vec<ConditionDraft>| !conditions.is_empty())
            .collect();
        if sets.is_empty() {
            SetsDraft::default()
        } else {
            SetsDraft { sets }
        }
    }

    /// Adds a blank condition at the end of set `set`.
    pub fn add_condition(&mut self, set: usize) {
        if let Some(conditions) = self.sets.get_mut(set) {
            conditions.push(ConditionDraft::default());
        }
    }

    /// Adds a set with one blank condition (an "or").
    pub fn add_set(&mut self) {
        self.sets.push(vec![ConditionDraft::default()]);
    }

    /// Removes a condition; a set left empty goes too, but one condition always stays.
    pub fn remove_condition(&mut self, set: usize, index: usize) {
        let total: usize = self.sets.iter().map(Vec::len).sum();
        if total <= 1 {
            return;
        }
        if let Some(conditions) = self.sets.get_mut(set)
            && index < conditions.len()
        {
            conditions.remove(index);
            if conditions.is_empty() {
                self.sets.remove(set);
            }
        }
    }

    /// Changes one condition in place.
    pub fn edit(&mut self, set: usize, index: usize, change: impl FnOnce(&mut ConditionDraft)) {
        if let Some(condition) = self
            .sets
            .get_mut(set)
            .and_then(|conditions| conditions.get_mut(index))
        {
            change(condition);
        }
    }

    /// "Set 1, condition 2 needs a value." for each incomplete condition.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (set_index, conditions) in self.sets.iter().enumerate() {
            for (index, condition) in conditions.iter().enumerate() {
                if condition.is_missing_value() {
                    problems.push(format!(
                        "Set {}, condition {} ({}) needs a value.",
                        set_index + 1,
                        index + 1,
                        field_label(&condition.field)
                    ));
                }
            }
        }
        problems
    }

    /// The `sets` of the GraphQL input.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.sets
                .iter()
                .map(|conditions| json!({ "conditions": conditions.iter().map(ConditionDraft::to_json).collect::<Vec<_>>() }))
                .collect(),
        )
    }
}

/// The selection-rule form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SelectionDraft {
    /// The name.
    pub name: String,
    /// The description (blank for none).
    pub description: String,
    /// The condition builder.
    pub sets: SetsDraft,
}

impl SelectionDraft {
    /// The form filled with a saved rule, for editing.
    pub fn from_saved(rule: &SavedSelectionRule) -> Self {
        SelectionDraft {
            name: rule.name.clone(),
            description: rule.description.clone().unwrap_or_default(),
            sets: SetsDraft::from_saved(&rule.sets),
        }
    }

    /// What makes sending pointless, on the fields the form shows.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(problem("name", "Enter a name."));
        }
        let incomplete = self.sets.problems();
        if !incomplete.is_empty() {
            problems.push(problem("sets", &incomplete.join(" ")));
        }
        problems
    }

    /// The `SelectionRuleInput` as JSON (turned into a generated input by [`convert`]).
    pub fn to_input(&self) -> Value {
        json!({
            "name": self.name.trim(),
            "description": optional(&self.description),
            "sets": self.sets.to_json(),
        })
    }
}

/// One part of a RULES split in the form: a name and a saved selection rule whose
/// conditions it copies (or the conditions it already had when edited).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartDraft {
    /// The part's name (becomes the list's name suffix).
    pub name: String,
    /// The saved selection rule chosen, by id (empty: keep `kept_sets`).
    pub selection_rule_id: String,
    /// The conditions the part had when the form opened.
    pub kept_sets: Vec<SavedSet>,
}

/// The split-rule form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitDraft {
    /// The name.
    pub name: String,
    /// The description (blank for none).
    pub description: String,
    /// How it cuts.
    pub kind: SplitKind,
    /// COUNT: records per part, as typed.
    pub size: String,
    /// PERCENT: shares, comma-separated as typed.
    pub percents: String,
    /// FIELD: the field's wire name.
    pub field: String,
    /// RULES: the parts in order.
    pub parts: Vec<PartDraft>,
    /// RULES: drop unmatched records instead of keeping them in "rest".
    pub drop_unmatched: bool,
}

impl Default for SplitDraft {
    fn default() -> Self {
        SplitDraft {
            name: String::new(),
            description: String::new(),
            kind: SplitKind::Count,
            size: "1000".to_owned(),
            percents: "50, 50".to_owned(),
            field: "device.state".to_owned(),
            parts: vec![PartDraft::default()],
            drop_unmatched: false,
        }
    }
}

impl SplitDraft {
    /// The form filled with a saved rule, for editing.
    pub fn from_saved(rule: &SavedSplitRule) -> Self {
        let defaults = SplitDraft::default();
        let parts: Vec<PartDraft> = rule
            .rules
            .iter()
            .flatten()
            .map(|named| PartDraft {
                name: named.name.clone(),
                selection_rule_id: String::new(),
                kept_sets: named.sets.clone(),
            })
            .collect();
        SplitDraft {
            name: rule.name.clone(),
            description: rule.description.clone().unwrap_or_default(),
            kind: rule.kind,
            size: rule.size.map_or(defaults.size, |size| size.to_string()),
            percents: rule
                .percents
                .as_ref()
                .map_or(defaults.percents, |percents| {
                    percents
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                }),
            field: rule.field.clone().unwrap_or(defaults.field),
            parts: if parts.is_empty() {
                defaults.parts
            } else {
                parts
            },
            drop_unmatched: rule.drop_unmatched,
        }
    }

    /// The `SplitRuleInput` as JSON, with each part's conditions copied from its chosen
    /// selection rule; or the problems that make sending pointless.
    pub fn to_input(
        &self,
        selection_rules: &[SavedSelectionRule],
    ) -> Result<Value, Vec<FieldError>> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(problem("name", "Enter a name."));
        }
        let mut input = json!({
            "name": self.name.trim(),
            "description": optional(&self.description),
            "kind": self.kind,
            "dropUnmatched": self.kind == SplitKind::Rules && self.drop_unmatched,
        });
        match self.kind {
            SplitKind::Count => match self.size.trim().parse::<i32>() {
                Ok(size) if size >= 1 => input["size"] = json!(size),
                _ => problems.push(problem(
                    "size",
                    "Enter a whole number of records, at least 1.",
                )),
            },
            SplitKind::Percent => {
                let percents: Result<Vec<i32>, _> = split_list(&self.percents)
                    .iter()
                    .map(|item| item.trim_end_matches('%').trim().parse::<i32>())
                    .collect();
                match percents {
                    Ok(percents) if percents.iter().sum::<i32>() == 100 && percents.len() >= 2 => {
                        input["percents"] = json!(percents)
                    }
                    Ok(percents) if percents.len() >= 2 => problems.push(problem(
                        "percents",
                        &format!(
                            "The shares add up to {}%, not 100%.",
                            percents.iter().sum::<i32>()
                        ),
                    )),
                    _ => problems.push(problem(
                        "percents",
                        "Enter two or more whole percentages, e.g. 50, 30, 20.",
                    )),
                }
            }
            SplitKind::Field => input["field"] = json!(self.field),
            SplitKind::Rules => {
                let mut rules = Vec::new();
                for (index, part) in self.parts.iter().enumerate() {
                    let chosen = selection_rules
                        .iter()
                        .find(|rule| rule.id == part.selection_rule_id);
                    let sets = chosen.map_or(&part.kept_sets, |rule| &rule.sets);
                    if part.name.trim().is_empty() || sets.is_empty() {
                        problems.push(problem(
                            "rules",
                            &format!("Part {} needs a name and a selection rule.", index + 1),
                        ));
                        continue;
                    }
                    rules.push(json!({ "name": part.name.trim(), "sets": sets }));
                }
                input["rules"] = Value::Array(rules);
            }
        }
        if problems.is_empty() {
            Ok(input)
        } else {
            Err(problems)
        }
    }
}

fn optional(text: &str) -> Value {
    let text = text.trim();
    if text.is_empty() {
        Value::Null
    } else {
        json!(text)
    }
}

fn problem(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}
