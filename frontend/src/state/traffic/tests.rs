//! Table-driven tests of the Dialer traffic view model, fed with answers in
//! the server's JSON shape.

use serde_json::{Value, json};

use super::*;
use crate::api::dialers::validation_traffic;

/// A `validationTraffic` answer as the server would send it.
fn traffic(json: Value) -> Traffic {
    let data: validation_traffic::ResponseData =
        serde_json::from_value(json!({ "validationTraffic": json })).expect("a valid answer");
    data.validation_traffic
}

/// `count` quiet seconds from 12:00:00 UTC.
fn quiet_seconds(count: usize) -> Vec<Value> {
    (0..count)
        .map(|index| {
            json!({
                "at": format!("2026-11-21T12:{:02}:{:02}Z", index / 60, index % 60),
                "allowed": 0, "refused": 0, "invalid": 0
            })
        })
        .collect()
}

/// Four seconds: quiet, 3 allowed + 1 refused, quiet, 1 refused + 1 invalid.
fn busy() -> Traffic {
    let mut series = quiet_seconds(4);
    series[1]["allowed"] = json!(3);
    series[1]["refused"] = json!(1);
    series[3]["refused"] = json!(1);
    series[3]["invalid"] = json!(1);
    traffic(json!({
        "seconds": 4, "recordsPerSecond": 1.75, "allowed": 3, "refused": 2, "invalid": 1,
        "allowRatio": 0.6, "series": series,
        "topRefusals": [
            { "rule": "Internal DNC", "count": 2 },
            { "rule": "Calling window", "count": 1 }
        ]
    }))
}

#[test]
fn no_traffic_is_the_empty_state() {
    let report = TrafficReport::from_traffic(&traffic(json!({
        "seconds": 300, "recordsPerSecond": 0.0, "allowed": 0, "refused": 0, "invalid": 0,
        "allowRatio": null, "series": quiet_seconds(300), "topRefusals": []
    })));
    assert!(!report.has_traffic);
    assert_eq!(report.allow_ratio, "—");
    assert_eq!(report.records_per_second, "0");
    assert!(report.chart.bars.is_empty());
    assert_eq!(report.chart.scale_max, 1);
    assert_eq!(report.chart.start_label, "5 min ago");
    assert_eq!(
        report.empty_message(),
        "No validation requests in the last 5 minutes. Dialers call POST /ocs/v1/validate \
         with an API client key."
    );
}

#[test]
fn counts_and_ratio_are_labelled() {
    let report = TrafficReport::from_traffic(&busy());
    assert!(report.has_traffic);
    assert_eq!(report.records_per_second, "1.8");
    assert_eq!(
        (
            report.allowed.as_str(),
            report.refused.as_str(),
            report.invalid.as_str()
        ),
        ("3", "2", "1")
    );
    assert_eq!(report.allow_ratio, "60%");
}

#[test]
fn only_invalid_records_still_count_as_traffic() {
    let mut series = quiet_seconds(2);
    series[0]["invalid"] = json!(4);
    let report = TrafficReport::from_traffic(&traffic(json!({
        "seconds": 2, "recordsPerSecond": 2.0, "allowed": 0, "refused": 0, "invalid": 4,
        "allowRatio": null, "series": series, "topRefusals": []
    })));
    assert!(report.has_traffic);
    assert_eq!(report.allow_ratio, "—");
    assert_eq!(report.chart.bars.len(), 1);
    assert_eq!(report.chart.bars[0].segments[0].outcome, Outcome::Invalid);
}

#[test]
fn bars_stack_allowed_refused_invalid_from_the_bottom() {
    let chart = TrafficReport::from_traffic(&busy()).chart;
    // The busiest second has 4 records: the scale rounds up to 5.
    assert_eq!(chart.scale_max, 5);
    assert_eq!(chart.bars.len(), 2, "quiet seconds draw nothing");
    let slot = CHART_WIDTH / 4.0;
    let unit = CHART_HEIGHT / 5.0;
    let first = &chart.bars[0];
    assert!((first.x - (slot + slot * 0.1)).abs() < 1e-9);
    assert!((first.width - slot * 0.8).abs() < 1e-9);
    let outcomes: Vec<Outcome> = first.segments.iter().map(|part| part.outcome).collect();
    assert_eq!(outcomes, [Outcome::Allowed, Outcome::Refused]);
    assert!((first.segments[0].height - 3.0 * unit).abs() < 1e-9);
    assert!((first.segments[0].y - (CHART_HEIGHT - 3.0 * unit)).abs() < 1e-9);
    assert!((first.segments[1].y - (CHART_HEIGHT - 4.0 * unit)).abs() < 1e-9);
    assert_eq!(first.title, "12:00:01 UTC: 3 allowed, 1 refused, 0 invalid");
    let last = &chart.bars[1];
    let outcomes: Vec<Outcome> = last.segments.iter().map(|part| part.outcome).collect();
    assert_eq!(outcomes, [Outcome::Refused, Outcome::Invalid]);
    assert_eq!(chart.start_label, "4 s ago");
}

#[test]
fn refusal_shares_are_of_refused_records() {
    let rows = TrafficReport::from_traffic(&busy()).refusals;
    let table: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|row| {
            (
                row.rule.as_str(),
                row.count.as_str(),
                row.share_label.as_str(),
            )
        })
        .collect();
    assert_eq!(
        table,
        [
            ("Internal DNC", "2", "100%"),
            ("Calling window", "1", "50%")
        ]
    );
    assert!((rows[1].share_percent - 50.0).abs() < 1e-9);
}

#[test]
fn scales_are_round_numbers() {
    let table = [
        (0, 1),
        (1, 1),
        (2, 2),
        (3, 5),
        (5, 5),
        (6, 10),
        (11, 20),
        (240, 500),
        (1_001, 2_000),
    ];
    for (busiest, expected) in table {
        assert_eq!(round_scale(busiest), expected, "{busiest}");
    }
}

#[test]
fn rates_and_percentages_read_well() {
    let rates = [
        (0.0, "0"),
        (-1.0, "0"),
        (f64::NAN, "0"),
        (0.04, "0.0"),
        (0.36, "0.4"),
        (12.46, "12.5"),
        (1_249.6, "1,250"),
    ];
    for (rate, expected) in rates {
        assert_eq!(format_rate(rate), expected, "{rate}");
    }
    let percentages = [
        (0.0, "0%"),
        (1.0, "100%"),
        (0.8333, "83.3%"),
        (0.9996, "100%"),
    ];
    for (fraction, expected) in percentages {
        assert_eq!(format_percent(fraction), expected, "{fraction}");
    }
}

#[test]
fn windows_are_named_as_people_say_them() {
    let table = [
        (300, "5 minutes"),
        (60, "minute"),
        (90, "90 seconds"),
        (1, "second"),
        (3600, "60 minutes"),
    ];
    for (seconds, expected) in table {
        assert_eq!(window_label(seconds), expected, "{seconds}");
    }
}

#[test]
fn odd_instants_are_shown_as_sent() {
    assert_eq!(time_of_day("2026-11-21T23:59:58Z"), "23:59:58 UTC");
    assert_eq!(
        time_of_day("2026-11-21T23:59:58+01:00"),
        "2026-11-21T23:59:58+01:00"
    );
    assert_eq!(time_of_day("soon"), "soon");
}
