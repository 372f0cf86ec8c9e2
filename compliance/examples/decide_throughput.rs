//! Micro-benchmark of the pure engine on one core: decisions per second for
//! an allowed call, a call outside the window (with `nextAllowedAt`), and a
//! multi-zone number with an attempt history. Run with
//! `cargo run --release -p compliance --example decide_throughput`.
//!
//! Each thread remembers recent zone-database answers by zone and local day,
//! and most cases decide within one minute; the last two move three days per
//! decision, so nothing remembered is asked for again (the cold path).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use compliance::{
    Attempt, AttemptLog, CallResult, DeviceFacts, DeviceType, DialMode, NoSuppression, RuleSet,
    decide,
};

/// Decides `rounds` times and prints the rate; `days_apart` > 0 moves each
/// decision that many days after the previous (cycling over about 12 years).
fn measure(
    label: &str,
    rules: &RuleSet,
    device: &DeviceFacts,
    history: &AttemptLog,
    at: DateTime<Utc>,
    days_apart: i64,
) {
    let rounds = 200_000u32;
    let started = Instant::now();
    let mut allowed = 0u32;
    for round in 0..rounds {
        let mut instant = at + TimeDelta::seconds(i64::from(round % 60));
        if days_apart > 0 {
            instant += TimeDelta::days(days_apart * i64::from(round % 1500));
        }
        let decision = decide(
            rules,
            black_box(device),
            DialMode::Predictive,
            &NoSuppression,
            history,
            instant,
        );
        allowed += u32::from(black_box(decision).allowed);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{label:<48} {:>10.0} decisions/s  {:>6.2} µs/decision  ({allowed} allowed)",
        f64::from(rounds) / seconds,
        seconds * 1e6 / f64::from(rounds)
    );
}

fn main() {
    let rules = RuleSet::defaults();
    let Some(noon_utc) = Utc.with_ymd_and_hms(2025, 1, 14, 18, 0, 0).single() else {
        return;
    };
    let device = DeviceFacts {
        value: "+13125550100".into(),
        device_type: DeviceType::Landline,
        regions: vec!["IL".into()],
        zones: vec![chrono_tz::America::Chicago],
        client_id: Some("C-1".into()),
        ..DeviceFacts::default()
    };
    let history = AttemptLog {
        attempts: (1..=4)
            .map(|hours| Attempt {
                at: noon_utc - TimeDelta::hours(hours * 30),
                device: device.value.clone(),
                client_id: device.client_id.clone(),
                custom_keys: BTreeMap::new(),
                result: CallResult::NoAnswer,
            })
            .collect(),
    };
    let empty = AttemptLog::default();
    measure(
        "allowed, one zone, no history",
        &rules,
        &device,
        &empty,
        noon_utc,
        0,
    );
    measure(
        "allowed, one zone, 4 past attempts",
        &rules,
        &device,
        &history,
        noon_utc,
        0,
    );
    let late = noon_utc + TimeDelta::hours(10);
    measure(
        "refused by the window, nextAllowedAt searched",
        &rules,
        &device,
        &history,
        late,
        0,
    );
    let idaho = DeviceFacts {
        zones: vec![chrono_tz::America::Boise, chrono_tz::America::Los_Angeles],
        regions: vec!["ID".into()],
        ..device.clone()
    };
    measure(
        "208 (two zones), refused at night, next searched",
        &rules,
        &idaho,
        &history,
        late,
        0,
    );
    measure(
        "refused by the window, a new day each time",
        &rules,
        &device,
        &history,
        late,
        3,
    );
    measure(
        "208 (two zones), at night, a new day each time",
        &rules,
        &idaho,
        &history,
        late,
        3,
    );
}
