//! The typed GraphQL operations of selection and split rules, and the two enums
//! they share (declared once here so a rule read by `SelectionRules` can be sent
//! back by `UpdateSelectionRule`); the tests check them against `schema.graphql`.

use graphql_client::GraphQLQuery;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::DateTime;

/// How a condition compares a record's value with the rule's (`SelectionOperator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SelectionOperator {
    /// Equal.
    Equals,
    /// Not equal.
    NotEquals,
    /// Less than.
    LessThan,
    /// Less than or equal.
    LessOrEqual,
    /// Greater than.
    GreaterThan,
    /// Greater than or equal.
    GreaterOrEqual,
    /// One of a list.
    In,
    /// None of a list.
    NotIn,
    /// SQL LIKE pattern.
    Like,
    /// Contains.
    Contains,
    /// Empty or absent.
    IsEmpty,
    /// Present.
    IsNotEmpty,
}

/// What an operator compares with: one value, a list, or nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    /// One `value`.
    One,
    /// Comma-separated `values`.
    List,
    /// No value at all.
    Nothing,
}

impl SelectionOperator {
    /// Every operator, in the order the condition builder lists them.
    pub const ALL: [SelectionOperator; 12] = [
        SelectionOperator::Equals,
        SelectionOperator::NotEquals,
        SelectionOperator::In,
        SelectionOperator::NotIn,
        SelectionOperator::Contains,
        SelectionOperator::Like,
        SelectionOperator::LessThan,
        SelectionOperator::LessOrEqual,
        SelectionOperator::GreaterThan,
        SelectionOperator::GreaterOrEqual,
        SelectionOperator::IsEmpty,
        SelectionOperator::IsNotEmpty,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            SelectionOperator::Equals => "EQUALS",
            SelectionOperator::NotEquals => "NOT_EQUALS",
            SelectionOperator::LessThan => "LESS_THAN",
            SelectionOperator::LessOrEqual => "LESS_OR_EQUAL",
            SelectionOperator::GreaterThan => "GREATER_THAN",
            SelectionOperator::GreaterOrEqual => "GREATER_OR_EQUAL",
            SelectionOperator::In => "IN",
            SelectionOperator::NotIn => "NOT_IN",
            SelectionOperator::Like => "LIKE",
            SelectionOperator::Contains => "CONTAINS",
            SelectionOperator::IsEmpty => "IS_EMPTY",
            SelectionOperator::IsNotEmpty => "IS_NOT_EMPTY",
        }
    }

    /// The operator spelled `wire_name`, if any (used by `<select>` values).
    pub fn from_wire_name(wire_name: &str) -> Option<SelectionOperator> {
        SelectionOperator::ALL
            .into_iter()
            .find(|operator| operator.wire_name() == wire_name)
    }

    /// How people read it between a field and a value.
    pub fn label(self) -> &'static str {
        match self {
            SelectionOperator::Equals => "is",
            SelectionOperator::NotEquals => "is not",
            SelectionOperator::LessThan => "is less than",
            SelectionOperator::LessOrEqual => "is at most",
            SelectionOperator::GreaterThan => "is greater than",
            SelectionOperator::GreaterOrEqual => "is at least",
            SelectionOperator::In => "is one of",
            SelectionOperator::NotIn => "is none of",
            SelectionOperator::Like => "matches",
            SelectionOperator::Contains => "contains",
            SelectionOperator::IsEmpty => "is empty",
            SelectionOperator::IsNotEmpty => "is not empty",
        }
    }

    /// What the operator compares with.
    pub fn operand(self) -> OperandKind {
        match self {
            SelectionOperator::In | SelectionOperator::NotIn => OperandKind::List,
            SelectionOperator::IsEmpty | SelectionOperator::IsNotEmpty => OperandKind::Nothing,
            _ => OperandKind::One,
        }
    }
}

/// How a split rule cuts an upload (`SplitKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SplitKind {
    /// Parts of N records.
    Count,
    /// Parts by percentage.
    Percent,
    /// One part per value of a field.
    Field,
    /// One part per named selection.
    Rules,
}

impl SplitKind {
    /// Every kind, in the order the form lists them.
    pub const ALL: [SplitKind; 4] = [
        SplitKind::Count,
        SplitKind::Percent,
        SplitKind::Field,
        SplitKind::Rules,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            SplitKind::Count => "COUNT",
            SplitKind::Percent => "PERCENT",
            SplitKind::Field => "FIELD",
            SplitKind::Rules => "RULES",
        }
    }

    /// The kind spelled `wire_name`, if any.
    pub fn from_wire_name(wire_name: &str) -> Option<SplitKind> {
        SplitKind::ALL
            .into_iter()
            .find(|kind| kind.wire_name() == wire_name)
    }

    /// What the form's kind menu says.
    pub fn label(self) -> &'static str {
        match self {
            SplitKind::Count => "By count: lists of N records",
            SplitKind::Percent => "By percentage: lists with given shares",
            SplitKind::Field => "By field: one list per value",
            SplitKind::Rules => "By selection rules: first match wins",
        }
    }
}

/// `selectionRules`: every selection rule of the tenant.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SelectionRules.graphql",
    extern_enums("SelectionOperator"),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct SelectionRules;

/// `splitRules`: every split rule of the tenant.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SplitRules.graphql",
    extern_enums("SelectionOperator", "SplitKind"),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct SplitRules;

/// `createSelectionRule(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateSelectionRule.graphql",
    extern_enums("SelectionOperator"),
    variables_derives = "Debug, Clone, Deserialize",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct CreateSelectionRule;

/// `updateSelectionRule(id, input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateSelectionRule.graphql",
    extern_enums("SelectionOperator"),
    variables_derives = "Debug, Clone, Deserialize",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct UpdateSelectionRule;

/// `deleteSelectionRule(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteSelectionRule.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteSelectionRule;

/// `createSplitRule(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateSplitRule.graphql",
    extern_enums("SelectionOperator", "SplitKind"),
    variables_derives = "Debug, Clone, Deserialize",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct CreateSplitRule;

/// `updateSplitRule(id, input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateSplitRule.graphql",
    extern_enums("SelectionOperator", "SplitKind"),
    variables_derives = "Debug, Clone, Deserialize",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct UpdateSplitRule;

/// `deleteSplitRule(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteSplitRule.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteSplitRule;

#[cfg(test)]
mod tests {
    use super::*;

    /// The enum values `schema.graphql` declares for `name`.
    fn schema_enum(name: &str) -> Vec<String> {
        let schema = include_str!("../../../schema.graphql");
        let start = schema
            .find(&format!("enum {name} {{"))
            .expect("the enum is in the schema");
        let body = &schema[start..];
        let body = &body[body.find('{').unwrap_or(0) + 1..body.find('}').unwrap_or(0)];
        let mut values = Vec::new();
        let mut in_description = false;
        for line in body.lines().map(str::trim) {
            if line.starts_with("\"\"\"") {
                let one_line = line.len() > 3 && line.ends_with("\"\"\"");
                if !one_line {
                    in_description = !in_description;
                }
                continue;
            }
            if !in_description && !line.is_empty() {
                values.push(line.to_owned());
            }
        }
        values.sort();
        values
    }

    #[test]
    fn the_operators_match_the_schema() {
        let mut ours: Vec<String> = SelectionOperator::ALL
            .iter()
            .map(|operator| operator.wire_name().to_owned())
            .collect();
        ours.sort();
        assert_eq!(ours, schema_enum("SelectionOperator"));
        for operator in SelectionOperator::ALL {
            let json = serde_json::to_value(operator).expect("serialises");
            assert_eq!(json, operator.wire_name());
            assert_eq!(
                SelectionOperator::from_wire_name(operator.wire_name()),
                Some(operator)
            );
        }
    }

    #[test]
    fn the_split_kinds_match_the_schema() {
        let mut ours: Vec<String> = SplitKind::ALL
            .iter()
            .map(|kind| kind.wire_name().to_owned())
            .collect();
        ours.sort();
        assert_eq!(ours, schema_enum("SplitKind"));
        for kind in SplitKind::ALL {
            assert_eq!(
                serde_json::to_value(kind).expect("serialises"),
                kind.wire_name()
            );
            assert_eq!(SplitKind::from_wire_name(kind.wire_name()), Some(kind));
        }
    }
}
