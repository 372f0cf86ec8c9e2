//! The rule set as JSON and its validation: the defaults round-trip, and every
//! bad field is reported by name.

use compliance::{AttemptPeriod, ClockTime, CountBy, RuleSet, Slot, WeeklyWindow};

/// The default rule set is valid, round-trips through JSON and is the README's example.
#[test]
fn defaults_round_trip_through_json() {
    let defaults = RuleSet::defaults();
    assert_eq!(defaults.check(), Ok(()));
    let json = serde_json::to_string_pretty(&defaults).expect("serialises");
    assert!(json.contains("\"start\": \"08:00\""), "{json}");
    assert!(json.contains("\"end\": \"21:00\""));
    assert!(json.contains("\"ROLLING\": {"));
    assert!(json.contains("\"countedBy\": \"CLIENT_ID\""));
    let back: RuleSet = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, defaults);
    // The README's example is the defaults.
    let readme = include_str!("../README.md");
    let start = readme.find("```json").expect("a JSON example") + "```json".len();
    let end = start + readme[start..].find("```").expect("closed");
    let example: RuleSet =
        serde_json::from_str(&readme[start..end]).expect("the README example parses");
    assert_eq!(example, defaults);
}

/// Bad times, unknown zones and unknown fields are refused when the JSON is parsed.
#[test]
fn times_zones_and_unknown_fields_are_refused_when_parsed() {
    for (text, expected) in [
        ("\"08:00\"", Some(480)),
        ("\"24:00\"", Some(1440)),
        ("\"24:01\"", None),
        ("\"8:00\"", None),
        ("\"08:60\"", None),
        ("\"noon\"", None),
    ] {
        let parsed: Result<ClockTime, _> = serde_json::from_str(text);
        assert_eq!(parsed.ok().map(ClockTime::minutes), expected, "{text}");
    }
    let mut json = serde_json::to_value(RuleSet::defaults()).expect("value");
    json["callingWindows"]["defaultZone"] = "Mars/Olympus_Mons".into();
    let error = serde_json::from_value::<RuleSet>(json).expect_err("unknown zone");
    assert!(
        error
            .to_string()
            .contains("unknown time zone \"Mars/Olympus_Mons\""),
        "{error}"
    );
    let mut json = serde_json::to_value(RuleSet::defaults()).expect("value");
    json["callingWindow"] = serde_json::Value::Null;
    assert!(serde_json::from_value::<RuleSet>(json).is_err());
}

/// RuleSet::check reports every bad field by its JSON path.
#[test]
fn check_names_every_bad_field() {
    let mut rules = RuleSet::defaults();
    rules.calling_windows.default = WeeklyWindow {
        slots: vec![
            Slot {
                days: vec![compliance::Day::Mon],
                start: ClockTime::hm(9, 0),
                end: ClockTime::hm(8, 0),
            },
            Slot {
                days: vec![compliance::Day::Tue],
                start: ClockTime::hm(8, 0),
                end: ClockTime::hm(12, 0),
            },
            Slot {
                days: vec![compliance::Day::Tue],
                start: ClockTime::hm(11, 0),
                end: ClockTime::hm(13, 0),
            },
            Slot {
                days: vec![],
                start: ClockTime::hm(8, 0),
                end: ClockTime::hm(9, 0),
            },
        ],
    };
    rules.calling_windows.regions.insert(
        "florida".into(),
        WeeklyWindow::every_day(ClockTime::hm(8, 0), ClockTime::hm(20, 0)),
    );
    let christmas = chrono::NaiveDate::from_ymd_opt(2025, 12, 25).expect("date");
    rules.calling_windows.holidays = vec![christmas, christmas];
    rules.attempt_rules[0].limit = 0;
    rules.attempt_rules[1].period = AttemptPeriod::Rolling { hours: 0 };
    rules.attempt_rules[2].counted_by = CountBy::Custom(" ".into());
    rules.attempt_rules[3].name = rules.attempt_rules[0].name.clone();
    let errors = rules.check().expect_err("invalid").0;
    let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "callingWindows.default.slots[0].end",
            "callingWindows.default.slots[3].days",
            "callingWindows.default.slots[2]",
            "callingWindows.regions.florida",
            "callingWindows.holidays[1]",
            "attemptRules[0].limit",
            "attemptRules[1].period",
            "attemptRules[2].countedBy",
            "attemptRules[3].name",
        ],
        "{errors:?}"
    );
    assert_eq!(
        errors[0].to_string(),
        "callingWindows.default.slots[0].end: the slot ends at 08:00 before it starts at 09:00"
    );
    assert_eq!(
        errors[2].message,
        "overlaps slots[1] on Tuesday (08:00–12:00 and 11:00–13:00)"
    );
}
