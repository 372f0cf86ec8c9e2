//! Property-style checks with a small deterministic generator (no extra
//! dependency): for random rule sets, zones, histories and instants around
//! DST transitions, an allowed decision breaks no window in any zone, and
//! `nextAllowedAt` is allowed and minimal to the minute.

mod common;

use chrono::{DateTime, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use common::{history, landline, utc};
use compliance::{
    AttemptPeriod, AttemptRule, CallResult, Channel, ClockTime, CountBy, Day, DialMode,
    NoSuppression, RuleSet, Slot, WeeklyWindow, decide,
};

/// Knuth's MMIX linear congruential generator.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

const ZONES: [Tz; 10] = [
    chrono_tz::America::New_York,
    chrono_tz::America::Chicago,
    chrono_tz::America::Boise,
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::Phoenix,
    chrono_tz::America::St_Johns,
    chrono_tz::America::Anchorage,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Pacific::Honolulu,
];

/// Instants near DST changes of 2025 (US, EU, Lord Howe) and ordinary days.
fn random_instant(random: &mut Lcg) -> DateTime<Utc> {
    let bases = [
        utc(2025, 3, 9, 7, 0),
        utc(2025, 11, 2, 6, 0),
        utc(2025, 3, 30, 1, 0),
        utc(2025, 10, 26, 1, 0),
        utc(2025, 4, 5, 15, 0),
        utc(2025, 10, 4, 15, 30),
        utc(2025, 7, 15, 12, 0),
        utc(2025, 12, 24, 18, 0),
    ];
    let base = random.pick(&bases);
    base + TimeDelta::minutes(random.below(4 * 24 * 60) as i64 - 2 * 24 * 60)
        + TimeDelta::seconds(random.below(60) as i64)
}

fn random_window(random: &mut Lcg) -> WeeklyWindow {
    let mut slots = Vec::new();
    for days in [&Day::WEEKDAYS[..], &[Day::Sat][..], &[Day::Sun][..]] {
        if random.below(5) == 0 {
            continue; // a day group without calls
        }
        // One or two slots, start on a quarter hour, some through the night DST hours.
        let first_start = random.below(12 * 4) as u16 * 15;
        let first_end = first_start + 15 + random.below(8 * 4) as u16 * 15;
        slots.push(Slot {
            days: days.to_vec(),
            start: ClockTime::hm(0, first_start),
            end: ClockTime::hm(0, first_end),
        });
        if random.below(2) == 0 && first_end < 23 * 60 {
            let second_start =
                first_end + random.below(((24 * 60 - first_end) / 15) as u64 - 1) as u16 * 15;
            let second_end = (second_start + 15 + random.below(6 * 4) as u16 * 15).min(24 * 60);
            slots.push(Slot {
                days: days.to_vec(),
                start: ClockTime::hm(0, second_start),
                end: ClockTime::hm(0, second_end),
            });
        }
    }
    WeeklyWindow { slots }
}

struct Case {
    rules: RuleSet,
    device: compliance::DeviceFacts,
    history: compliance::AttemptLog,
    at: DateTime<Utc>,
}

fn random_case(random: &mut Lcg) -> Case {
    let at = random_instant(random);
    let mut rules = RuleSet::defaults();
    rules.calling_windows.default = random_window(random);
    if random.below(2) == 0 {
        rules
            .calling_windows
            .regions
            .insert("XX".into(), random_window(random));
    }
    for _ in 0..random.below(3) {
        let day = (at + TimeDelta::days(random.below(5) as i64 - 1)).date_naive();
        if !rules.calling_windows.holidays.contains(&day) {
            rules.calling_windows.holidays.push(day);
        }
    }
    rules.attempt_rules = (0..random.below(3))
        .map(|index| AttemptRule {
            name: format!("rule {index}"),
            limit: 1 + random.below(3) as u32,
            period: if random.below(3) == 0 {
                AttemptPeriod::Today
            } else {
                AttemptPeriod::Rolling {
                    hours: 1 + random.below(100) as u32,
                }
            },
            counted_by: if random.below(2) == 0 {
                CountBy::Device
            } else {
                CountBy::ClientId
            },
            counted_results: if random.below(2) == 0 {
                Vec::new()
            } else {
                vec![CallResult::Abandoned]
            },
            channels: vec![Channel::Voice],
        })
        .collect();
    let attempts: Vec<_> = (0..random.below(6))
        .map(|_| {
            let ago = TimeDelta::seconds(1 + random.below(100 * 3600) as i64);
            (
                at - ago,
                random.pick(&[
                    CallResult::Abandoned,
                    CallResult::NoAnswer,
                    CallResult::Busy,
                ]),
            )
        })
        .collect();
    let zone_count = 1 + random.below(2) as usize;
    let zones: Vec<Tz> = (0..zone_count).map(|_| random.pick(&ZONES)).collect();
    let mut device = landline(&zones);
    if random.below(2) == 0 {
        device.regions = vec!["XX".into()];
    }
    Case {
        rules,
        device,
        history: history(&attempts),
        at,
    }
}

/// The windows checked again, independently of the engine: the wall clock in
/// every zone is outside the holidays and inside a slot of every applicable window.
fn windows_hold(case: &Case, at: DateTime<Utc>) -> bool {
    let windows = &case.rules.calling_windows;
    let applicable: Vec<&WeeklyWindow> = if case.device.regions.is_empty() {
        vec![&windows.default]
    } else {
        case.device
            .regions
            .iter()
            .map(|region| windows.regions.get(region).unwrap_or(&windows.default))
            .collect()
    };
    case.device.zones.iter().all(|zone| {
        let local = at.with_timezone(zone).naive_local();
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let day = Day::of(local.date());
        !windows.holidays.contains(&local.date())
            && applicable.iter().all(|window| {
                window.slots.iter().any(|slot| {
                    slot.days.contains(&day)
                        && slot.start.minutes() <= minute
                        && minute < slot.end.minutes()
                })
            })
    })
}

fn run(case: &Case, at: DateTime<Utc>) -> compliance::Decision {
    decide(
        &case.rules,
        &case.device,
        DialMode::Preview,
        &NoSuppression,
        &case.history,
        at,
    )
}

#[test]
fn allowed_decisions_hold_in_every_zone_and_next_is_allowed() {
    let mut random = Lcg(0x5eed);
    let mut allowed = 0;
    let mut rescheduled = 0;
    for _ in 0..20_000 {
        let case = random_case(&mut random);
        let decision = run(&case, case.at);
        assert_eq!(decision.allowed, decision.refusals.is_empty());
        if decision.allowed {
            allowed += 1;
            assert!(
                windows_hold(&case, case.at),
                "allowed outside a window at {}: {:?}",
                case.at,
                case.rules
            );
            assert_eq!(decision.next_allowed_at, Some(case.at));
            continue;
        }
        if let Some(next) = decision.next_allowed_at {
            rescheduled += 1;
            assert!(next > case.at);
            let then = run(&case, next);
            assert!(
                then.allowed,
                "next {next} from {} is refused: {:?}",
                case.at, then.refusals
            );
            assert!(windows_hold(&case, next));
            // Nothing a minute earlier would do.
            let earlier = next - TimeDelta::minutes(1);
            if earlier >= case.at {
                assert!(
                    !run(&case, earlier).allowed,
                    "{earlier} is allowed before next {next} from {} zones {:?} rules {:?} history {:?} refusals {:?}",
                    case.at,
                    case.device.zones,
                    case.rules,
                    case.history,
                    decision.refusals
                );
            }
        }
    }
    assert!(
        allowed > 1_000 && rescheduled > 1_000,
        "allowed {allowed}, rescheduled {rescheduled}"
    );
}

#[test]
fn next_allowed_at_is_minimal_to_the_minute() {
    let mut random = Lcg(0xd57);
    let mut scanned = 0;
    while scanned < 150 {
        let case = random_case(&mut random);
        let decision = run(&case, case.at);
        let Some(next) = decision.next_allowed_at else {
            continue;
        };
        if decision.allowed || next - case.at > TimeDelta::days(3) {
            continue;
        }
        scanned += 1;
        let mut instant = case.at;
        while instant < next {
            assert!(
                !run(&case, instant).allowed,
                "{instant} is allowed, next said {next} (from {})",
                case.at
            );
            instant += TimeDelta::minutes(1);
        }
    }
}
