//! The rule editors' pure logic: building, checking, sending and describing rules.

use super::*;
use crate::api::rules::{create_selection_rule, create_split_rule};
use serde_json::json;

fn saved_condition(
    field: &str,
    operator: SelectionOperator,
    value: Option<&str>,
    values: &[&str],
) -> SavedCondition {
    SavedCondition {
        field: field.to_owned(),
        operator,
        value: value.map(str::to_owned),
        values: values.iter().map(|value| (*value).to_owned()).collect(),
    }
}

fn west_coast() -> SavedSelectionRule {
    SavedSelectionRule {
        id: "r1".to_owned(),
        name: "West coast".to_owned(),
        description: None,
        sets: vec![
            SavedSet {
                conditions: vec![
                    saved_condition("device.state", SelectionOperator::In, None, &["CA", "WA"]),
                    saved_condition(
                        "device.deviceType",
                        SelectionOperator::Equals,
                        Some("MOBILE"),
                        &[],
                    ),
                ],
            },
            SavedSet {
                conditions: vec![saved_condition(
                    "company",
                    SelectionOperator::IsEmpty,
                    None,
                    &[],
                )],
            },
        ],
        updated_at: "2026-11-21T10:00:00Z".to_owned(),
    }
}

#[test]
fn a_saved_rule_reads_as_a_sentence() {
    assert_eq!(
        describe_sets(&west_coast().sets),
        "Device: state is one of CA, WA and Device: type is MOBILE; or Company is empty"
    );
}

#[test]
fn the_builder_adds_and_removes_conditions_and_sets() {
    let mut sets = SetsDraft::default();
    sets.add_condition(0);
    sets.add_set();
    assert_eq!(sets.sets.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1]);
    sets.remove_condition(1, 0);
    assert_eq!(sets.sets.len(), 1, "an emptied set goes");
    sets.remove_condition(0, 1);
    sets.remove_condition(0, 0);
    assert_eq!(
        sets.sets,
        [vec![ConditionDraft::default()]],
        "one condition always stays"
    );
    sets.edit(0, 0, |condition| condition.value = "CA".to_owned());
    assert_eq!(sets.sets[0][0].value, "CA");
    sets.remove_condition(7, 7);
}

#[test]
fn an_edited_rule_sends_what_it_was_with_values_by_operator() {
    let draft = SelectionDraft::from_saved(&west_coast());
    assert_eq!(draft.sets.sets[0][0].value, "CA, WA");
    assert!(draft.problems().is_empty());
    let input = draft.to_input();
    assert_eq!(
        input,
        json!({
            "name": "West coast",
            "description": null,
            "sets": [
                { "conditions": [
                    { "field": "device.state", "operator": "IN", "values": ["CA", "WA"] },
                    { "field": "device.deviceType", "operator": "EQUALS", "value": "MOBILE", "values": [] }
                ] },
                { "conditions": [ { "field": "company", "operator": "IS_EMPTY", "values": [] } ] }
            ]
        })
    );
    let typed: create_selection_rule::SelectionRuleInput = convert(&input).expect("converts");
    assert_eq!(typed.sets.len(), 2);
}

#[test]
fn missing_names_and_values_are_caught_before_sending() {
    let mut draft = SelectionDraft::default();
    draft.sets.add_set();
    draft.sets.edit(1, 0, |condition| {
        condition.operator = SelectionOperator::NotIn
    });
    let problems = draft.problems();
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[0].field, "name");
    assert_eq!(problems[1].field, "sets");
    assert!(
        problems[1]
            .message
            .contains("Set 2, condition 1 (Device: state) needs a value.")
    );
    draft.name = "x".to_owned();
    draft.sets.edit(0, 0, |condition| {
        condition.operator = SelectionOperator::IsNotEmpty
    });
    draft
        .sets
        .edit(1, 0, |condition| condition.value = " , CA".to_owned());
    assert!(draft.problems().is_empty());
}

#[test]
fn split_forms_send_the_parameters_of_their_kind() {
    let mut draft = SplitDraft {
        name: "Halves".to_owned(),
        kind: SplitKind::Percent,
        percents: "50%, 50".to_owned(),
        ..SplitDraft::default()
    };
    let input = draft.to_input(&[]).expect("valid");
    assert_eq!(
        input,
        json!({ "name": "Halves", "description": null, "kind": "PERCENT", "dropUnmatched": false, "percents": [50, 50] })
    );
    let typed: create_split_rule::SplitRuleInput = convert(&input).expect("converts");
    assert_eq!(typed.percents, Some(vec![50, 50]));

    draft.percents = "60, 30".to_owned();
    let problems = draft.to_input(&[]).expect_err("does not add up");
    assert_eq!(problems[0].field, "percents");
    assert!(problems[0].message.contains("90%"));

    draft.kind = SplitKind::Count;
    draft.size = "0".to_owned();
    assert_eq!(draft.to_input(&[]).expect_err("too small")[0].field, "size");
    draft.size = " 250 ".to_owned();
    assert_eq!(draft.to_input(&[]).expect("valid")["size"], 250);

    draft.kind = SplitKind::Field;
    assert_eq!(draft.to_input(&[]).expect("valid")["field"], "device.state");
}

#[test]
fn rules_splits_copy_the_chosen_selection_rules_conditions() {
    let rule = west_coast();
    let draft = SplitDraft {
        name: "Regions".to_owned(),
        kind: SplitKind::Rules,
        parts: vec![PartDraft {
            name: "West".to_owned(),
            selection_rule_id: rule.id.clone(),
            kept_sets: Vec::new(),
        }],
        drop_unmatched: true,
        ..SplitDraft::default()
    };
    let input = draft.to_input(std::slice::from_ref(&rule)).expect("valid");
    assert_eq!(input["rules"][0]["name"], "West");
    assert_eq!(
        input["rules"][0]["sets"][0]["conditions"][0]["values"],
        json!(["CA", "WA"])
    );
    assert_eq!(input["dropUnmatched"], true);
    let typed: create_split_rule::SplitRuleInput = convert(&input).expect("converts");
    assert_eq!(typed.rules.map(|rules| rules.len()), Some(1));

    // Saved and reopened, the part keeps its conditions without a rule chosen.
    let saved = SavedSplitRule {
        id: "s1".to_owned(),
        name: "Regions".to_owned(),
        description: Some("by coast".to_owned()),
        kind: SplitKind::Rules,
        size: None,
        percents: None,
        field: None,
        drop_unmatched: true,
        rules: Some(vec![SavedNamedSelection {
            name: "West".to_owned(),
            sets: rule.sets.clone(),
        }]),
        updated_at: String::new(),
    };
    let reopened = SplitDraft::from_saved(&saved);
    assert_eq!(
        reopened.to_input(&[]).expect("valid")["rules"],
        input["rules"]
    );
    assert_eq!(describe_split(&saved), "West, others dropped");

    let unnamed = SplitDraft {
        parts: vec![PartDraft::default()],
        ..reopened
    };
    assert_eq!(
        unnamed.to_input(&[]).expect_err("incomplete")[0].field,
        "rules"
    );
}

#[test]
fn splits_read_as_a_phrase() {
    let mut rule = SavedSplitRule {
        id: "s".to_owned(),
        name: "n".to_owned(),
        description: None,
        kind: SplitKind::Count,
        size: Some(1000),
        percents: None,
        field: None,
        drop_unmatched: false,
        rules: None,
        updated_at: String::new(),
    };
    assert_eq!(describe_split(&rule), "Lists of 1000 records");
    rule.kind = SplitKind::Percent;
    rule.percents = Some(vec![50, 30, 20]);
    assert_eq!(describe_split(&rule), "50% / 30% / 20%");
    rule.kind = SplitKind::Field;
    rule.field = Some("device.state".to_owned());
    assert_eq!(describe_split(&rule), "One list per Device: state");
    assert_eq!(field_label("other7"), "Custom 7");
    assert_eq!(field_label("mystery"), "mystery");
}
