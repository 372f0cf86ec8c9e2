//! Host tests of the rule editor's model: the server's defaults JSON (copied
//! from `RuleSet::defaults()` into `defaults.json`) reads and writes back
//! unchanged, every enum shape round-trips, and the editor's checks and
//! operations behave.

use serde_json::{Value, json};

use super::check::{CheckDraft, is_local_date_time};
use super::editor::{WindowKey, is_date, parse_clock, problems};
use super::grid::{Coverage, describe_day, week_grid};
use super::*;

/// `serde_json::to_string_pretty(&compliance::RuleSet::defaults())`.
const DEFAULTS: &str = include_str!("defaults.json");

fn defaults() -> RuleSet {
    let json: Value = serde_json::from_str(DEFAULTS).expect("valid JSON");
    RuleSet::from_json(&json).expect("the defaults read")
}

fn fields(rules: &RuleSet) -> Vec<String> {
    problems(rules)
        .into_iter()
        .map(|problem| problem.field)
        .collect()
}

#[test]
fn the_defaults_round_trip_exactly() {
    let json: Value = serde_json::from_str(DEFAULTS).expect("valid JSON");
    let rules = RuleSet::from_json(&json).expect("reads");
    assert_eq!(rules.to_json(), json);
    assert_eq!(rules.attempt_rules.len(), 4);
    assert_eq!(
        rules.attempt_rules[0].period,
        AttemptPeriod::Rolling { hours: 24 }
    );
    assert_eq!(rules.attempt_rules[3].counted_by, CountBy::Device);
    assert_eq!(
        rules.attempt_rules[3].counted_results,
        vec![CallResult::Abandoned]
    );
    assert!(problems(&rules).is_empty(), "{:?}", problems(&rules));
}

#[test]
fn every_enum_shape_round_trips() {
    let json = json!({
        "emergencyStop": true,
        "callingWindows": {
            "appliesTo": ["VOICE", "SMS", "EMAIL"],
            "default": {"slots": [{"days": ["MON", "SUN"], "start": "08:00", "end": "24:00"}]},
            "regions": {"NY": {"slots": []}},
            "holidays": ["2026-12-25"],
            "defaultZone": "America/New_York",
            "preferContactZone": true
        },
        "attemptRules": [
            {"name": "a", "limit": 1, "period": "TODAY", "countedBy": {"CUSTOM": "debt_id"},
             "countedResults": ["RIGHT_PARTY_CONTACT", "DO_NOT_CALL"], "channels": ["EMAIL"], "required": false}
        ],
        "deviceRestrictions": {"automatedModes": ["AGENTLESS"], "mobileRequiresConsent": false,
            "unknownTypeIsMobile": false, "refuseReassigned": false, "refusePorted": false}
    });
    let rules = RuleSet::from_json(&json).expect("reads");
    assert_eq!(rules.to_json(), json);
    assert_eq!(rules.attempt_rules[0].period, AttemptPeriod::Today);
    assert_eq!(
        rules.attempt_rules[0].counted_by,
        CountBy::Custom("debt_id".to_owned())
    );
    for result in CallResult::ALL {
        assert_eq!(
            serde_json::to_value(result).expect("serialises"),
            result.wire_name()
        );
    }
}

#[test]
fn unknown_fields_survive_and_required_defaults_to_true() {
    let mut json: Value = serde_json::from_str(DEFAULTS).expect("valid JSON");
    json["futureSetting"] = json!({"x": 1});
    json["callingWindows"]["futureWindowSetting"] = json!(true);
    json["attemptRules"][0]
        .as_object_mut()
        .expect("an object")
        .remove("required");
    let rules = RuleSet::from_json(&json).expect("reads");
    assert!(rules.attempt_rules[0].required);
    let back = rules.to_json();
    assert_eq!(back["futureSetting"], json!({"x": 1}));
    assert_eq!(back["callingWindows"]["futureWindowSetting"], json!(true));
    assert_eq!(back["attemptRules"][0]["required"], json!(true));
}

#[test]
fn clock_times_and_dates_read_like_the_server() {
    assert_eq!(parse_clock("08:00"), Some(480));
    assert_eq!(parse_clock("24:00"), Some(1440));
    for bad in ["8:00", "24:01", "12:60", "ab:cd", "", "12"] {
        assert_eq!(parse_clock(bad), None, "{bad}");
    }
    assert!(is_date("2028-02-29"));
    for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "26-01-01x", ""] {
        assert!(!is_date(bad), "{bad}");
    }
    assert!(is_local_date_time("2026-11-21T09:14"));
    assert!(is_local_date_time("2026-11-21T09:14:30"));
    assert!(!is_local_date_time("2026-11-21 09:14"));
}

#[test]
fn the_editor_reports_problems_by_json_path() {
    let mut rules = defaults();
    rules.calling_windows.default.slots[0].end = "07:00".to_owned();
    assert!(rules.add_region("ny"));
    assert!(!rules.add_region("NY"), "a second override for NY");
    assert!(!rules.add_region("New York"));
    let ny = WindowKey::Region("NY".to_owned());
    let window = rules.window_mut(&ny).expect("the override");
    window.slots[0].start = "8am".to_owned();
    window.add_slot();
    rules.calling_windows.holidays.push("2026-12-25".to_owned());
    rules.calling_windows.holidays.push("2026-12-25".to_owned());
    rules.attempt_rules[1].name = rules.attempt_rules[0].name.clone();
    rules.attempt_rules[2].limit = 0;
    rules.attempt_rules[3].counted_by = CountBy::Custom(" ".to_owned());
    rules.calling_windows.applies_to.clear();
    assert_eq!(
        fields(&rules),
        vec![
            "callingWindows.appliesTo",
            "callingWindows.default.slots[0].end",
            "callingWindows.regions.NY.slots[0].start",
            "callingWindows.holidays[1]",
            "attemptRules[1].name",
            "attemptRules[2].limit",
            "attemptRules[3].countedBy",
        ]
    );
}

#[test]
fn overlapping_slots_are_named() {
    let mut rules = defaults();
    rules.calling_windows.default.add_slot();
    let found = problems(&rules);
    assert_eq!(found.len(), 5, "one per weekday: {found:?}");
    assert!(
        found
            .iter()
            .all(|problem| problem.field == "callingWindows.default.slots[1]")
    );
    rules.calling_windows.default.slots[1].set_day(Day::Mon, false);
    rules.calling_windows.default.remove_slot(1);
    assert!(problems(&rules).is_empty());
}

#[test]
fn holidays_stay_sorted_and_unique() {
    let mut rules = defaults();
    assert!(rules.add_holiday("2026-12-25"));
    assert!(rules.add_holiday("2026-07-04"));
    assert!(!rules.add_holiday("2026-07-04"));
    assert!(!rules.add_holiday("July 4th"));
    assert_eq!(
        rules.calling_windows.holidays,
        vec!["2026-07-04", "2026-12-25"]
    );
    rules.remove_holiday("2026-07-04");
    assert_eq!(rules.calling_windows.holidays, vec!["2026-12-25"]);
}

#[test]
fn days_stay_in_week_order() {
    let mut slot = Slot {
        days: vec![Day::Fri],
        start: "09:00".to_owned(),
        end: "17:00".to_owned(),
    };
    slot.set_day(Day::Mon, true);
    slot.set_day(Day::Mon, true);
    slot.set_day(Day::Sun, true);
    assert_eq!(slot.days, vec![Day::Mon, Day::Fri, Day::Sun]);
    slot.set_day(Day::Fri, false);
    assert_eq!(slot.days, vec![Day::Mon, Day::Sun]);
}

#[test]
fn the_grid_shows_open_partial_and_closed_hours() {
    let window = WeeklyWindow {
        slots: vec![
            Slot {
                days: Day::WEEKDAYS.to_vec(),
                start: "08:30".to_owned(),
                end: "12:00".to_owned(),
            },
            Slot {
                days: vec![Day::Mon],
                start: "13:00".to_owned(),
                end: "bad".to_owned(),
            },
        ],
    };
    let grid = week_grid(&window);
    let (day, monday) = grid[0];
    assert_eq!(day, Day::Mon);
    assert_eq!(monday[7], Coverage::Closed);
    assert_eq!(monday[8], Coverage::Partial);
    assert_eq!(monday[9], Coverage::Open);
    assert_eq!(monday[11], Coverage::Open);
    assert_eq!(monday[12], Coverage::Closed);
    assert_eq!(
        monday[13],
        Coverage::Closed,
        "an unreadable slot is left out"
    );
    assert!(grid[6].1.iter().all(|hour| *hour == Coverage::Closed));
    assert_eq!(describe_day(&window, Day::Tue), "08:30–12:00");
    assert_eq!(describe_day(&window, Day::Sun), "Closed");
    let defaults = defaults();
    let every_day = week_grid(&defaults.calling_windows.default);
    assert!(every_day.iter().all(|(_, hours)| hours[8] == Coverage::Open
        && hours[20] == Coverage::Open
        && hours[21] == Coverage::Closed));
}

#[test]
fn descriptions_read_well() {
    assert_eq!(AttemptPeriod::Today.describe(), "Today (local day)");
    assert_eq!(
        AttemptPeriod::Rolling { hours: 24 }.describe(),
        "Rolling 24 h"
    );
    assert_eq!(
        AttemptPeriod::Rolling { hours: 168 }.describe(),
        "Rolling 7 days"
    );
    assert_eq!(
        CountBy::Custom("debt_id".to_owned()).describe(),
        "Custom key debt_id"
    );
}

#[test]
fn the_check_form_needs_a_phone_and_a_readable_instant() {
    let mut draft = CheckDraft::default();
    let problem_fields = |draft: &CheckDraft| -> Vec<String> {
        draft
            .problems()
            .into_iter()
            .map(|problem| problem.field)
            .collect()
    };
    assert_eq!(problem_fields(&draft), vec!["phone"]);
    draft.phone = "(212) 555-0100".to_owned();
    draft.instant = "tomorrow".to_owned();
    assert_eq!(problem_fields(&draft), vec!["at"]);
    draft.instant = "2026-11-21T09:14".to_owned();
    assert!(draft.problems().is_empty());
    assert_eq!(CheckDraft::optional("  "), None);
    assert_eq!(CheckDraft::optional(" c1 ").as_deref(), Some("c1"));
}
