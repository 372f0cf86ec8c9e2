//! Selection rules: every operator, AND within a set, OR across sets, numbers
//! against text, device ANY semantics and the checks' messages.

use super::*;
use crate::PhoneNumber;

fn condition(field: &str, operator: Operator, value: &str) -> Condition {
    Condition {
        field: field.to_owned(),
        operator,
        value: (!value.is_empty()).then(|| value.to_owned()),
        values: Vec::new(),
    }
}

fn among(field: &str, operator: Operator, values: &[&str]) -> Condition {
    Condition {
        field: field.to_owned(),
        operator,
        value: None,
        values: values.iter().map(|value| (*value).to_owned()).collect(),
    }
}

fn rule(sets: Vec<Vec<Condition>>) -> SelectionSpec {
    SelectionSpec::new(
        sets.into_iter()
            .map(|conditions| ConditionSet { conditions })
            .collect(),
    )
}

fn phone(raw: &str, region: Option<&str>, zones: &[&str]) -> DeviceDraft {
    let number = PhoneNumber::parse("phone", raw, None).expect("a valid test number");
    DeviceDraft {
        kind: DeviceKind::Home,
        raw: raw.to_owned(),
        value: number.e164().to_owned(),
        phone: Some(number),
        region: region.map(str::to_owned),
        time_zones: zones.iter().map(|zone| (*zone).to_owned()).collect(),
    }
}

fn contact(fields: &[(&'static str, &str)], devices: Vec<DeviceDraft>) -> ContactDraft {
    let mut draft = ContactDraft::default();
    for (name, value) in fields {
        if name.starts_with("other") {
            draft.custom.insert((*name).to_owned(), (*value).to_owned());
        } else {
            draft.fields.insert(name, (*value).to_owned());
        }
    }
    draft.devices = devices;
    draft
}

fn keeps(condition: Condition, draft: &ContactDraft) -> bool {
    let spec = rule(vec![vec![condition]]);
    spec.check().expect("a valid rule");
    spec.keeps(draft)
}

#[test]
fn every_operator_on_text_and_numbers() {
    let draft = contact(
        &[
            ("firstName", "Ada"),
            ("postalCode", "02134"),
            ("other1", "42"),
            ("company", "Acme Widgets"),
        ],
        vec![],
    );
    use Operator::*;
    let cases = [
        (condition("firstName", Equals, "ada"), true),
        (condition("firstName", Equals, "Bob"), false),
        (condition("firstName", NotEquals, "bob"), true),
        (condition("firstName", NotEquals, "ADA"), false),
        // Numeric when both sides are numbers: 02134 = 2134, and 42 < 100 (not as text).
        (condition("postalCode", Equals, "2134"), true),
        (condition("other1", LessThan, "100"), true),
        (condition("other1", LessThan, "42"), false),
        (condition("other1", LessOrEqual, "42"), true),
        (condition("other1", GreaterThan, "9"), true),
        (condition("other1", GreaterThan, "42.0"), false),
        (condition("other1", GreaterOrEqual, "42.0"), true),
        // Text ordering is case-insensitive when a side is not a number.
        (condition("firstName", LessThan, "BOB"), true),
        (condition("firstName", GreaterThan, "aaa"), true),
        (condition("other1", GreaterThan, "abc"), false),
        (among("firstName", In, &["bob", "ADA"]), true),
        (among("firstName", In, &["bob"]), false),
        (among("other1", In, &["42.00", "7"]), true),
        (among("firstName", NotIn, &["bob", "eve"]), true),
        (among("firstName", NotIn, &["ada"]), false),
        (condition("company", Like, "acme%"), true),
        (condition("company", Like, "%WIDGET_"), true),
        (condition("company", Like, "acme"), false),
        (condition("company", Contains, "ME WID"), true),
        (condition("company", Contains, "gadget"), false),
        (condition("lastName", IsEmpty, ""), true),
        (condition("firstName", IsEmpty, ""), false),
        (condition("firstName", IsNotEmpty, ""), true),
        (condition("other2", IsNotEmpty, ""), false),
    ];
    for (index, (condition, expected)) in cases.into_iter().enumerate() {
        let shown = format!("{condition:?}");
        assert_eq!(keeps(condition, &draft), expected, "case {index}: {shown}");
    }
}

#[test]
fn empty_values_fail_ordering_but_not_inequality() {
    let draft = contact(&[], vec![]);
    assert!(!keeps(condition("other3", Operator::LessThan, "5"), &draft));
    assert!(!keeps(
        condition("other3", Operator::GreaterOrEqual, "a"),
        &draft
    ));
    assert!(keeps(condition("other3", Operator::NotEquals, "5"), &draft));
    assert!(keeps(among("other3", Operator::NotIn, &["5"]), &draft));
    assert!(!keeps(condition("other3", Operator::Contains, "5"), &draft));
    assert!(keeps(condition("other3", Operator::Like, "%"), &draft));
}

#[test]
fn and_within_a_set_or_across_sets() {
    let ada = contact(&[("firstName", "Ada"), ("country", "GB")], vec![]);
    let bob = contact(&[("firstName", "Bob"), ("country", "US")], vec![]);
    let eve = contact(&[("firstName", "Eve"), ("country", "GB")], vec![]);
    let both = rule(vec![vec![
        condition("firstName", Operator::Equals, "ada"),
        condition("country", Operator::Equals, "gb"),
    ]]);
    assert!(both.keeps(&ada));
    assert!(!both.keeps(&eve));
    let either = rule(vec![
        vec![condition("firstName", Operator::Equals, "bob")],
        vec![
            condition("country", Operator::Equals, "GB"),
            condition("firstName", Operator::NotEquals, "ada"),
        ],
    ]);
    assert!(!either.keeps(&ada));
    assert!(either.keeps(&bob));
    assert!(either.keeps(&eve));
}

#[test]
fn a_device_condition_holds_when_any_device_does() {
    let draft = contact(
        &[],
        vec![
            phone("+1 212 555 0100", Some("NY"), &["America/New_York"]),
            phone(
                "+1 312 555 0100",
                Some("IL"),
                &["America/Chicago", "America/Denver"],
            ),
        ],
    );
    assert!(keeps(
        condition("device.areaCode", Operator::Equals, "312"),
        &draft
    ));
    assert!(keeps(
        condition("areaCode", Operator::Equals, "212"),
        &draft
    ));
    assert!(!keeps(
        condition("device.areaCode", Operator::Equals, "415"),
        &draft
    ));
    assert!(keeps(
        condition("device.state", Operator::Equals, "il"),
        &draft
    ));
    assert!(keeps(among("state", Operator::In, &["CA", "NY"]), &draft));
    assert!(keeps(
        condition("device.countryCode", Operator::Equals, "+1"),
        &draft
    ));
    assert!(!keeps(
        condition("device.countryCode", Operator::Equals, "44"),
        &draft
    ));
    assert!(keeps(
        condition("device.timeZone", Operator::Equals, "America/Denver"),
        &draft
    ));
    assert!(keeps(
        condition("device.timeZone", Operator::Like, "america/%"),
        &draft
    ));
    assert!(!keeps(
        condition("device.state", Operator::IsEmpty, ""),
        &draft
    ));
    assert!(keeps(
        among("device.deviceType", Operator::In, &["unknown", "mobile"]),
        &draft
    ));
    // The contact's own time zone is a separate field: empty here.
    assert!(keeps(condition("timeZone", Operator::IsEmpty, ""), &draft));
    // Without devices no device condition holds.
    let bare = contact(&[("clientId", "7")], vec![]);
    assert!(!keeps(
        condition("device.state", Operator::IsEmpty, ""),
        &bare
    ));
    assert!(!keeps(
        condition("device.areaCode", Operator::NotEquals, "212"),
        &bare
    ));
}

#[test]
fn a_mobile_outside_the_nanp_has_its_type_and_country_code() {
    let draft = contact(&[], vec![phone("+44 7911 123456", None, &[])]);
    assert!(keeps(
        condition("device.deviceType", Operator::Equals, "MOBILE"),
        &draft
    ));
    assert!(keeps(
        condition("device.countryCode", Operator::GreaterThan, "40"),
        &draft
    ));
    assert!(keeps(
        condition("device.state", Operator::IsEmpty, ""),
        &draft
    ));
    assert!(keeps(
        condition("device.timeZone", Operator::IsEmpty, ""),
        &draft
    ));
}

#[test]
fn checks_name_the_problem() {
    let cases: Vec<(SelectionSpec, &str, &str)> = vec![
        (rule(vec![]), "sets", "need at least one"),
        (rule(vec![vec![]]), "conditions", "set 1"),
        (
            rule(vec![vec![condition("shoeSize", Operator::Equals, "9")]]),
            "field",
            "`shoeSize` in set 1, condition 1",
        ),
        (
            rule(vec![vec![condition("other21", Operator::Equals, "9")]]),
            "field",
            "`other21`",
        ),
        (
            rule(vec![vec![condition("other01", Operator::Equals, "9")]]),
            "field",
            "`other01`",
        ),
        (
            rule(vec![
                vec![condition("firstName", Operator::Equals, "a")],
                vec![condition("lastName", Operator::Equals, " ")],
            ]),
            "value",
            "is required for EQUALS on `lastName` (set 2, condition 1)",
        ),
        (
            rule(vec![vec![among("state", Operator::In, &[])]]),
            "values",
            "IN on `state`",
        ),
        (
            rule(vec![vec![condition("company", Operator::IsEmpty, "x")]]),
            "value",
            "must be left out for IS_EMPTY",
        ),
        (
            rule(vec![vec![condition("company", Operator::In, "x")]]),
            "value",
            "use values",
        ),
        (
            rule(vec![vec![condition(
                "company",
                Operator::Equals,
                &"x".repeat(201),
            )]]),
            "value",
            "longer than 200",
        ),
    ];
    for (spec, field, fragment) in cases {
        let error = spec.check().expect_err("an invalid rule");
        assert_eq!(error.field, field, "{error}");
        assert!(error.message.contains(fragment), "{error}");
    }
}

#[test]
fn an_invalid_rule_keeps_nothing() {
    let spec = rule(vec![vec![condition("shoeSize", Operator::IsEmpty, "")]]);
    assert!(!spec.keeps(&contact(&[], vec![])));
}

#[test]
fn specs_round_trip_through_json_in_camel_case() {
    let spec = rule(vec![vec![
        condition("device.state", Operator::NotEquals, "CA"),
        among("other2", Operator::NotIn, &["a", "b"]),
    ]]);
    let json = serde_json::to_value(&spec).expect("serialisable");
    assert_eq!(json["sets"][0]["conditions"][0]["operator"], "NOT_EQUALS");
    assert_eq!(json["sets"][0]["conditions"][1]["values"][1], "b");
    let back: SelectionSpec = serde_json::from_value(json).expect("deserialisable");
    assert_eq!(back, spec);
}
