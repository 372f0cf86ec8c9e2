//! GraphQL shapes of selection and split rules: typed inputs turned into domain specs,
//! and outputs mapped from saved rules (never JSON scalars).

use async_graphql::{Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::selection::{Condition, ConditionSet, SelectionSpec};
use domain::split::{NamedSelection, SplitSpec};
use workers::rules::{RuleInput, SavedRule};

use crate::graphql::error::ApiError;

/// How a condition compares a record's value with the rule's (numbers numerically when
/// both sides are numbers, otherwise text, case-insensitively).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::selection::Operator")]
pub enum SelectionOperator {
    /// Equal.
    Equals,
    /// Not equal.
    NotEquals,
    /// Less than (never holds for an empty value).
    LessThan,
    /// Less than or equal (never holds for an empty value).
    LessOrEqual,
    /// Greater than (never holds for an empty value).
    GreaterThan,
    /// Greater than or equal (never holds for an empty value).
    GreaterOrEqual,
    /// Equal to one of `values`.
    In,
    /// Equal to none of `values`.
    NotIn,
    /// SQL LIKE: `%` any run of characters, `_` one character, `\` escapes.
    Like,
    /// Contains `value`.
    Contains,
    /// Empty or absent.
    IsEmpty,
    /// Present and not empty.
    IsNotEmpty,
}

/// How a split rule cuts an upload into lists.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SplitKind {
    /// Parts of `size` records in file order.
    Count,
    /// Parts with `percents` shares of the records, dealt fairly in file order.
    Percent,
    /// One part per distinct value of `field` (50 at most, then "other").
    Field,
    /// The first of `rules` that keeps a record takes it; the others go to "rest".
    Rules,
}

/// One condition: `value` for one-value operators, `values` for IN and NOT_IN, neither
/// for IS_EMPTY and IS_NOT_EMPTY.
#[derive(InputObject)]
pub struct ConditionInput {
    /// `clientId`, `firstName`, `lastName`, `company`, `postalCode`, `country`, `timeZone`,
    /// `other1`…`other20`, or a device part: `device.areaCode`, `device.countryCode`,
    /// `device.state`, `device.timeZone`, `device.deviceType` (holds when any device does).
    pub field: String,
    /// The comparison.
    pub operator: SelectionOperator,
    /// The value compared with.
    pub value: Option<String>,
    /// The values compared with (IN, NOT_IN).
    #[graphql(default)]
    pub values: Vec<String>,
}

/// Conditions that must all hold.
#[derive(InputObject)]
pub struct ConditionSetInput {
    /// The conditions (AND).
    pub conditions: Vec<ConditionInput>,
}

fn sets_to_spec(sets: Vec<ConditionSetInput>) -> SelectionSpec {
    SelectionSpec::new(
        sets.into_iter()
            .map(|set| ConditionSet {
                conditions: set
                    .conditions
                    .into_iter()
                    .map(|condition| Condition {
                        field: condition.field,
                        operator: condition.operator.into(),
                        value: condition.value,
                        values: condition.values,
                    })
                    .collect(),
            })
            .collect(),
    )
}

/// A selection rule to create or to replace one with.
#[derive(InputObject)]
pub struct SelectionRuleInput {
    /// Unique among the tenant's selection rules.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// Condition sets: a record is kept when any set holds.
    pub sets: Vec<ConditionSetInput>,
}

impl SelectionRuleInput {
    /// The use-case input.
    pub fn into_rule(self) -> RuleInput<SelectionSpec> {
        RuleInput {
            name: self.name,
            description: self.description,
            spec: sets_to_spec(self.sets),
        }
    }
}

/// A named selection inside a RULES split: its name becomes its list's name suffix.
#[derive(InputObject)]
pub struct NamedSelectionInput {
    /// The part's name.
    pub name: String,
    /// Which records go there (OR of sets).
    pub sets: Vec<ConditionSetInput>,
}

/// A split rule to create or to replace one with; give the parameters of its kind.
#[derive(InputObject)]
pub struct SplitRuleInput {
    /// Unique among the tenant's split rules.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// How it cuts.
    pub kind: SplitKind,
    /// COUNT: records per part.
    pub size: Option<i32>,
    /// PERCENT: whole percentages summing to 100, one per part.
    pub percents: Option<Vec<i32>>,
    /// FIELD: the field whose values name the parts.
    pub field: Option<String>,
    /// RULES: named selections, first match wins.
    pub rules: Option<Vec<NamedSelectionInput>>,
    /// RULES: drop records no rule keeps instead of sending them to "rest".
    #[graphql(default)]
    pub drop_unmatched: bool,
}

impl SplitRuleInput {
    /// The use-case input; a missing or negative parameter names its field.
    pub fn into_rule(self) -> Result<RuleInput<SplitSpec>, ApiError> {
        let spec = match self.kind {
            SplitKind::Count => {
                let size = self
                    .size
                    .ok_or_else(|| ApiError::bad_input("size", "size is required for COUNT"))?;
                let size = u64::try_from(size)
                    .map_err(|_| ApiError::bad_input("size", "size must be at least 1"))?;
                SplitSpec::Count { size }
            }
            SplitKind::Percent => {
                let percents = self.percents.ok_or_else(|| {
                    ApiError::bad_input("percents", "percents are required for PERCENT")
                })?;
                let percents = percents
                    .into_iter()
                    .map(u32::try_from)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| {
                        ApiError::bad_input("percents", "percents must each be at least 1")
                    })?;
                SplitSpec::Percent { percents }
            }
            SplitKind::Field => SplitSpec::Field {
                field: self
                    .field
                    .ok_or_else(|| ApiError::bad_input("field", "field is required for FIELD"))?,
            },
            SplitKind::Rules => SplitSpec::Rules {
                rules: self
                    .rules
                    .ok_or_else(|| ApiError::bad_input("rules", "rules are required for RULES"))?
                    .into_iter()
                    .map(|rule| NamedSelection {
                        name: rule.name,
                        selection: sets_to_spec(rule.sets),
                    })
                    .collect(),
                drop_unmatched: self.drop_unmatched,
            },
        };
        Ok(RuleInput {
            name: self.name,
            description: self.description,
            spec,
        })
    }
}

/// One condition of a saved rule.
#[derive(SimpleObject)]
pub struct SelectionCondition {
    /// The field or device part tested.
    pub field: String,
    /// The comparison.
    pub operator: SelectionOperator,
    /// The value compared with (one-value operators).
    pub value: Option<String>,
    /// The values compared with (IN, NOT_IN).
    pub values: Vec<String>,
}

/// Conditions that must all hold.
#[derive(SimpleObject)]
#[graphql(name = "ConditionSet")]
pub struct ConditionSetOutput {
    /// The conditions (AND).
    pub conditions: Vec<SelectionCondition>,
}

fn sets_of(spec: &SelectionSpec) -> Vec<ConditionSetOutput> {
    spec.sets
        .iter()
        .map(|set| ConditionSetOutput {
            conditions: set
                .conditions
                .iter()
                .map(|condition| SelectionCondition {
                    field: condition.field.clone(),
                    operator: condition.operator.into(),
                    value: condition.value.clone(),
                    values: condition.values.clone(),
                })
                .collect(),
        })
        .collect()
}

/// A saved selection rule: keeps the records any of its condition sets holds for.
pub struct SelectionRule(pub SavedRule<SelectionSpec>);

#[Object]
impl SelectionRule {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique name within the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// Condition sets (OR); conditions within a set (AND).
    async fn sets(&self) -> Vec<ConditionSetOutput> {
        sets_of(&self.0.spec)
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A named selection of a RULES split.
#[derive(SimpleObject)]
#[graphql(name = "NamedSelection")]
pub struct NamedSelectionOutput {
    /// The part's name.
    pub name: String,
    /// Which records go there (OR of sets).
    pub sets: Vec<ConditionSetOutput>,
}

/// A saved split rule: cuts an upload into several lists.
pub struct SplitRule(pub SavedRule<SplitSpec>);

#[Object]
impl SplitRule {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique name within the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What it is for.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// How it cuts.
    async fn kind(&self) -> SplitKind {
        match self.0.spec {
            SplitSpec::Count { .. } => SplitKind::Count,
            SplitSpec::Percent { .. } => SplitKind::Percent,
            SplitSpec::Field { .. } => SplitKind::Field,
            SplitSpec::Rules { .. } => SplitKind::Rules,
        }
    }
    /// COUNT: records per part.
    async fn size(&self) -> Option<i64> {
        match self.0.spec {
            SplitSpec::Count { size } => Some(i64::try_from(size).unwrap_or(i64::MAX)),
            _ => None,
        }
    }
    /// PERCENT: the parts' shares.
    async fn percents(&self) -> Option<Vec<i32>> {
        match &self.0.spec {
            SplitSpec::Percent { percents } => Some(
                percents
                    .iter()
                    .map(|percent| i32::try_from(*percent).unwrap_or(i32::MAX))
                    .collect(),
            ),
            _ => None,
        }
    }
    /// FIELD: the field whose values name the parts.
    async fn field(&self) -> Option<&str> {
        match &self.0.spec {
            SplitSpec::Field { field } => Some(field),
            _ => None,
        }
    }
    /// RULES: the named selections in order.
    async fn rules(&self) -> Option<Vec<NamedSelectionOutput>> {
        match &self.0.spec {
            SplitSpec::Rules { rules, .. } => Some(
                rules
                    .iter()
                    .map(|rule| NamedSelectionOutput {
                        name: rule.name.clone(),
                        sets: sets_of(&rule.selection),
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
    /// RULES: whether records no rule keeps are dropped (otherwise they go to "rest").
    async fn drop_unmatched(&self) -> bool {
        matches!(
            self.0.spec,
            SplitSpec::Rules {
                drop_unmatched: true,
                ..
            }
        )
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
