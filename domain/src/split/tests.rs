//! Split rules: every kind, percentage fairness after each record, the field cap and
//! the checks' messages.

use super::*;
use crate::selection::{Condition, ConditionSet, Operator};

fn record(state: &str) -> ContactDraft {
    let mut draft = ContactDraft::default();
    if !state.is_empty() {
        draft.fields.insert("country", state.to_owned());
    }
    draft
}

fn assign_all(spec: &SplitSpec, values: &[&str]) -> (Vec<Option<usize>>, Vec<String>) {
    let mut splitter = Splitter::new(spec).expect("a valid split");
    let parts = values
        .iter()
        .map(|value| splitter.assign(&record(value)))
        .collect();
    (parts, splitter.part_names())
}

fn country_is(name: &str, countries: &[&str]) -> NamedSelection {
    NamedSelection {
        name: name.to_owned(),
        selection: SelectionSpec::new(vec![ConditionSet {
            conditions: vec![Condition {
                field: "country".to_owned(),
                operator: Operator::In,
                value: None,
                values: countries.iter().map(|value| (*value).to_owned()).collect(),
            }],
        }]),
    }
}

#[test]
fn by_count_cuts_parts_of_n_in_file_order() {
    let spec = SplitSpec::Count { size: 2 };
    let (parts, names) = assign_all(&spec, &["a", "b", "c", "d", "e"]);
    assert_eq!(parts, [Some(0), Some(0), Some(1), Some(1), Some(2)]);
    assert_eq!(names, ["part 1", "part 2", "part 3"]);
    let (_, none) = assign_all(&spec, &[]);
    assert!(none.is_empty());
}

#[test]
fn by_percent_keeps_every_part_within_one_record_of_its_share() {
    let shares: [&[u32]; 6] = [
        &[50, 50],
        &[10, 90],
        &[33, 33, 34],
        &[1, 1, 98],
        &[5, 15, 30, 50],
        &[20, 20, 20, 20, 19, 1],
    ];
    for percents in shares {
        let spec = SplitSpec::Percent {
            percents: percents.to_vec(),
        };
        let mut splitter = Splitter::new(&spec).expect("valid");
        let mut counts = vec![0i64; percents.len()];
        for seen in 1..=1000i64 {
            let part = splitter.assign(&record("x")).expect("always assigned");
            counts[part] += 1;
            for (part, percent) in percents.iter().enumerate() {
                // In hundredths of a record: |count − seen × share| < 1 record.
                let deviation = (counts[part] * 100 - seen * i64::from(*percent)).abs();
                assert!(
                    deviation < 100,
                    "{percents:?} part {part} after {seen}: {counts:?}"
                );
            }
        }
        assert_eq!(splitter.part_names().len(), percents.len());
    }
}

#[test]
fn by_percent_is_deterministic_and_deals_in_order() {
    let spec = SplitSpec::Percent {
        percents: vec![50, 25, 25],
    };
    let (parts, names) = assign_all(&spec, &["x"; 8]);
    let parts: Vec<usize> = parts.into_iter().flatten().collect();
    assert_eq!(parts, [0, 1, 2, 0, 0, 1, 2, 0]);
    assert_eq!(names, ["part 1", "part 2", "part 3"]);
}

#[test]
fn by_field_gives_each_value_a_part_case_insensitively() {
    let spec = SplitSpec::Field {
        field: "country".to_owned(),
    };
    let (parts, names) = assign_all(&spec, &["CA", "us", "ca", "", "US"]);
    assert_eq!(parts, [Some(0), Some(1), Some(0), Some(2), Some(1)]);
    assert_eq!(names, ["CA", "us", EMPTY_PART]);
}

#[test]
fn by_field_sends_values_past_the_cap_to_other() {
    let spec = SplitSpec::Field {
        field: "country".to_owned(),
    };
    let values: Vec<String> = (0..60).map(|value| format!("v{value}")).collect();
    let mut splitter = Splitter::new(&spec).expect("valid");
    let parts: Vec<Option<usize>> = values
        .iter()
        .map(|value| splitter.assign(&record(value)))
        .collect();
    assert_eq!(parts[49], Some(49));
    assert_eq!(parts[50], Some(50));
    assert_eq!(parts[59], Some(50));
    // A value seen before the cap keeps its own part.
    assert_eq!(splitter.assign(&record("V3")), Some(3));
    let names = splitter.part_names();
    assert_eq!(names.len(), MAX_FIELD_VALUES + 1);
    assert_eq!(names[50], OTHER_PART);
}

#[test]
fn by_field_reads_the_first_device_with_a_value() {
    let spec = SplitSpec::Field {
        field: "device.state".to_owned(),
    };
    let mut splitter = Splitter::new(&spec).expect("valid");
    let mut draft = ContactDraft::default();
    for region in [None, Some("TX")] {
        draft.devices.push(crate::import::DeviceDraft {
            kind: crate::import::DeviceKind::Email,
            raw: "a@example.com".to_owned(),
            phone: None,
            value: "a@example.com".to_owned(),
            region: region.map(str::to_owned),
            time_zones: Vec::new(),
        });
    }
    assert_eq!(splitter.assign(&draft), Some(0));
    assert_eq!(splitter.part_names(), ["TX"]);
}

#[test]
fn by_rules_first_match_wins_and_the_rest_is_kept_or_dropped() {
    let rules = vec![
        country_is("North", &["CA", "US"]),
        country_is("Both", &["US", "GB"]),
    ];
    let spec = SplitSpec::Rules {
        rules: rules.clone(),
        drop_unmatched: false,
    };
    let (parts, names) = assign_all(&spec, &["US", "GB", "FR", "ca"]);
    assert_eq!(parts, [Some(0), Some(1), Some(2), Some(0)]);
    assert_eq!(names, ["North", "Both", REST_PART]);
    let dropping = SplitSpec::Rules {
        rules,
        drop_unmatched: true,
    };
    let (parts, names) = assign_all(&dropping, &["US", "FR"]);
    assert_eq!(parts, [Some(0), None]);
    assert_eq!(names, ["North", "Both"]);
}

#[test]
fn checks_name_the_problem() {
    let bad_rule = NamedSelection {
        name: "Bad".to_owned(),
        selection: SelectionSpec::new(vec![]),
    };
    let cases = [
        (SplitSpec::Count { size: 0 }, "size", "at least 1"),
        (
            SplitSpec::Percent {
                percents: vec![100],
            },
            "percents",
            "2 to 50",
        ),
        (
            SplitSpec::Percent {
                percents: vec![50, 40],
            },
            "percents",
            "sum to 90",
        ),
        (
            SplitSpec::Percent {
                percents: vec![100, 0],
            },
            "percents",
            "at least 1",
        ),
        (
            SplitSpec::Field {
                field: "shoeSize".to_owned(),
            },
            "field",
            "`shoeSize`",
        ),
        (
            SplitSpec::Rules {
                rules: vec![],
                drop_unmatched: false,
            },
            "rules",
            "1 to 50",
        ),
        (
            SplitSpec::Rules {
                rules: vec![country_is("A", &["US"]), country_is("a", &["CA"])],
                drop_unmatched: false,
            },
            "rules",
            "`a` is repeated",
        ),
        (
            SplitSpec::Rules {
                rules: vec![country_is("Rest", &["US"])],
                drop_unmatched: false,
            },
            "rules",
            "reserved",
        ),
        (
            SplitSpec::Rules {
                rules: vec![country_is(" ", &["US"])],
                drop_unmatched: false,
            },
            "rules",
            "rule 1",
        ),
        (
            SplitSpec::Rules {
                rules: vec![bad_rule],
                drop_unmatched: false,
            },
            "sets",
            "at least one",
        ),
    ];
    for (spec, field, fragment) in cases {
        let error = spec.check().expect_err("an invalid split");
        assert_eq!(error.field, field, "{error}");
        assert!(error.message.contains(fragment), "{error}");
    }
}

#[test]
fn specs_are_tagged_by_kind_in_json() {
    let spec = SplitSpec::Rules {
        rules: vec![country_is("North", &["CA"])],
        drop_unmatched: true,
    };
    let json = serde_json::to_value(&spec).expect("serialisable");
    assert_eq!(json["by"], "RULES");
    assert_eq!(json["dropUnmatched"], true);
    assert_eq!(json["rules"][0]["name"], "North");
    let back: SplitSpec = serde_json::from_value(json).expect("deserialisable");
    assert_eq!(back, spec);
    let count: SplitSpec =
        serde_json::from_str(r#"{"by":"COUNT","size":10}"#).expect("deserialisable");
    assert_eq!(count, SplitSpec::Count { size: 10 });
}
