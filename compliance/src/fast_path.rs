//! The fast path against the previous computation ([`crate::oracle`]): for
//! hundreds of thousands of random rule sets, devices, histories and instants
//! — concentrated on the DST transitions of zones with every shape of DST
//! (none, an hour, half an hour, southern, negative) — the decision, every
//! reason and `nextAllowedAt` must be identical. Deterministic: a failure
//! prints the case number to replay.

use std::collections::BTreeMap;

use chrono::{DateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

use crate::facts::{
    Attempt, AttemptHistory, AttemptKey, AttemptLog, CallResult, Channel, DeviceFacts, DeviceType,
    DialMode, NoSuppression, Suppression, SuppressionKind,
};
use crate::rules::{
    AttemptPeriod, AttemptRule, CallingWindows, CountBy, DeviceRestrictions, RuleSet, Slot,
    WeeklyWindow,
};
use crate::time::{ClockTime, Day, ZoneName};
use crate::{decide, oracle};

/// Random cases compared per run.
const CASES: u64 = 200_000;

/// Zones with every kind of offset change: US and Europe (an hour),
/// Lord Howe (half an hour), the southern hemisphere, Dublin (negative DST
/// in the zone database), none (Phoenix, Honolulu, Kolkata), quarter hours
/// (Kathmandu, Chatham), and a zone that skipped a whole day (Apia, 2011).
const ZONES: [Tz; 18] = [
    chrono_tz::America::New_York,
    chrono_tz::America::Chicago,
    chrono_tz::America::Boise,
    chrono_tz::America::Phoenix,
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::St_Johns,
    chrono_tz::America::Sao_Paulo,
    chrono_tz::Pacific::Honolulu,
    chrono_tz::Europe::London,
    chrono_tz::Europe::Dublin,
    chrono_tz::Europe::Berlin,
    chrono_tz::Europe::Helsinki,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Australia::Sydney,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Asia::Kathmandu,
    chrono_tz::Pacific::Chatham,
    chrono_tz::Pacific::Apia,
];

/// SplitMix64: small, fast and the same on every machine.
struct Random(u64);

impl Random {
    /// The next 64 random bits.
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.0;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// A number below `bound` (> 0).
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    /// `true` once in `times`.
    fn one_in(&mut self, times: u64) -> bool {
        self.below(times) == 0
    }

    /// One of `items` (not empty).
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// A number below `bound`, signed for time arithmetic.
    fn int(&mut self, bound: u64) -> i64 {
        self.below(bound) as i64
    }
}

/// Every offset change of [`ZONES`] from 2010 to 2028 (scanned every 3 h, bisected to the second).
fn transitions() -> Vec<DateTime<Utc>> {
    let offset = |zone: Tz, at: DateTime<Utc>| {
        zone.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    };
    let start = Utc
        .with_ymd_and_hms(2010, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    let end = Utc
        .with_ymd_and_hms(2028, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    let mut found = Vec::new();
    for zone in ZONES {
        let mut low = start;
        while low < end {
            let high = low + TimeDelta::hours(3);
            if offset(zone, low) != offset(zone, high) {
                let (mut before, mut after) = (low, high);
                while after - before > TimeDelta::seconds(1) {
                    let middle = before + (after - before) / 2;
                    if offset(zone, middle) == offset(zone, before) {
                        before = middle;
                    } else {
                        after = middle;
                    }
                }
                found.push(after);
            }
            low = high;
        }
    }
    found
}

/// A local minute, often one at which clocks change.
fn clock(random: &mut Random) -> ClockTime {
    if random.one_in(2) {
        let hour = random.pick(&[0, 1, 2, 3, 4, 8, 9, 21, 23, 24]);
        let minute = if hour == 24 {
            0
        } else {
            random.pick(&[0, 0, 15, 30, 45])
        };
        ClockTime::hm(hour, minute)
    } else {
        ClockTime::hm(0, random.below(24 * 60 + 1) as u16)
    }
}

/// Every day, weekdays, or any subset (empty too).
fn days(random: &mut Random) -> Vec<Day> {
    match random.below(5) {
        0 | 1 => Day::ALL.to_vec(),
        2 => Day::WEEKDAYS.to_vec(),
        _ => Day::ALL.into_iter().filter(|_| random.one_in(2)).collect(),
    }
}

/// A window: slots of half an hour to 14 hours, sometimes overlapping,
/// empty or backwards (`decide` does not require a checked set).
fn window(random: &mut Random) -> WeeklyWindow {
    let slots = (0..random.pick(&[0, 1, 1, 1, 1, 2, 2, 3]))
        .map(|_| {
            let start = clock(random);
            let end = if random.one_in(20) {
                clock(random)
            } else {
                ClockTime::hm(0, start.minutes() + 30 + random.below(14 * 60) as u16)
            };
            Slot {
                days: days(random),
                start,
                end,
            }
        })
        .collect();
    WeeklyWindow { slots }
}

/// Every channel.
const CHANNELS: [Channel; 3] = [Channel::Voice, Channel::Sms, Channel::Email];
/// Every dialing mode.
const MODES: [DialMode; 7] = [
    DialMode::Preview,
    DialMode::Progressive,
    DialMode::Predictive,
    DialMode::Power,
    DialMode::Agentless,
    DialMode::Sms,
    DialMode::Email,
];
/// Results rules count by, and one that is never named.
const RESULTS: [CallResult; 5] = [
    CallResult::NoAnswer,
    CallResult::Abandoned,
    CallResult::RightPartyContact,
    CallResult::Busy,
    CallResult::InProgress,
];

/// One to three channels.
fn channels(random: &mut Random) -> Vec<Channel> {
    let picked: Vec<Channel> = CHANNELS
        .into_iter()
        .filter(|_| random.below(3) != 0)
        .collect();
    if picked.is_empty() {
        vec![Channel::Voice]
    } else {
        picked
    }
}

/// The defaults, or windows, regions, holidays near `at`, zones, attempt
/// rules and device restrictions drawn at random.
fn rules(random: &mut Random, at: DateTime<Utc>) -> RuleSet {
    let mut rules = RuleSet::defaults();
    if random.one_in(4) {
        // The defaults as seeded, now and then.
        return rules;
    }
    let near = |random: &mut Random| (at + TimeDelta::hours(random.int(24 * 9) - 48)).date_naive();
    rules.emergency_stop = random.one_in(40);
    let overridden: Vec<&str> = ["FL", "ID", "NS"]
        .into_iter()
        .filter(|_| random.one_in(2))
        .collect();
    rules.calling_windows = CallingWindows {
        applies_to: channels(random),
        default: if random.one_in(3) {
            WeeklyWindow::every_day(ClockTime::hm(8, 0), ClockTime::hm(21, 0))
        } else {
            window(random)
        },
        regions: overridden
            .into_iter()
            .map(|region| (region.to_owned(), window(random)))
            .collect(),
        holidays: (0..random.below(3)).map(|_| near(random)).collect(),
        default_zone: random.one_in(2).then(|| ZoneName(random.pick(&ZONES))),
        prefer_contact_zone: random.one_in(2),
    };
    rules.attempt_rules = (0..random.below(4))
        .map(|index| AttemptRule {
            name: format!("rule {index}"),
            limit: if random.one_in(20) {
                17 + random.below(3) as u32
            } else {
                1 + random.below(4) as u32
            },
            period: if random.one_in(2) {
                AttemptPeriod::Today
            } else {
                AttemptPeriod::Rolling {
                    hours: random.pick(&[1, 3, 24, 48, 72, 168]),
                }
            },
            counted_by: match random.below(3) {
                0 => CountBy::Device,
                1 => CountBy::ClientId,
                _ => CountBy::Custom("debt_id".to_owned()),
            },
            counted_results: RESULTS.into_iter().filter(|_| random.one_in(4)).collect(),
            channels: channels(random),
            required: true,
        })
        .collect();
    rules.device_restrictions = DeviceRestrictions {
        automated_modes: MODES.into_iter().filter(|_| random.one_in(2)).collect(),
        mobile_requires_consent: random.one_in(2),
        unknown_type_is_mobile: random.one_in(2),
        refuse_reassigned: random.one_in(2),
        refuse_ported: random.one_in(2),
    };
    rules
}

/// Zero to three zones, mostly neighbours (as an area code's are); zones
/// far apart seldom share an hour, and the search then runs to its horizon.
fn zones(random: &mut Random) -> Vec<Tz> {
    let neighbours = match random.below(12) {
        0..=4 => &ZONES[..8],
        5..=7 => &ZONES[8..12],
        8 | 9 => &ZONES[12..14],
        10 => &ZONES[14..],
        _ => &ZONES[..],
    };
    (0..random.pick(&[0, 1, 1, 1, 2, 2, 3]))
        .map(|_| random.pick(neighbours))
        .collect()
}

/// A device with random regions, zones, contact zones, flags and keys.
fn device(random: &mut Random) -> DeviceFacts {
    DeviceFacts {
        value: "+13125550100".to_owned(),
        device_type: random.pick(&[
            DeviceType::Mobile,
            DeviceType::Landline,
            DeviceType::Unknown,
        ]),
        regions: random
            .pick(&[
                &[][..],
                &[],
                &["FL"],
                &["ID"],
                &["NS"],
                &["TX"],
                &["FL", "ID"],
            ])
            .iter()
            .map(|region| (*region).to_owned())
            .collect(),
        zones: zones(random),
        contact_zones: if random.one_in(3) {
            zones(random)
        } else {
            Vec::new()
        },
        consent_automated: random.one_in(2),
        reassigned: random.one_in(10),
        ported: random.one_in(10),
        client_id: (!random.one_in(4)).then(|| "C-1".to_owned()),
        contact_email: random.one_in(3).then(|| "a@example.com".to_owned()),
        custom_keys: if random.one_in(2) {
            BTreeMap::from([("debt_id".to_owned(), "D-1".to_owned())])
        } else {
            BTreeMap::new()
        },
    }
}

/// Up to 6 attempts around `at`, now and then 20 to 29 (past the on-stack limit).
fn history(random: &mut Random, at: DateTime<Utc>) -> AttemptLog {
    let count = if random.one_in(20) {
        20 + random.below(10)
    } else {
        random.below(7)
    };
    let attempts = (0..count)
        .map(|_| Attempt {
            // Mostly before the instant, some after (a history may hold later attempts).
            at: at - TimeDelta::minutes(random.int(60 * 24 * 8) - 60 * 6),
            device: random.pick(&["+13125550100", "+13125550199"]).to_owned(),
            client_id: random
                .pick(&[Some("C-1"), Some("C-2"), None])
                .map(str::to_owned),
            custom_keys: if random.one_in(2) {
                BTreeMap::from([("debt_id".to_owned(), "D-1".to_owned())])
            } else {
                BTreeMap::new()
            },
            result: random.pick(&RESULTS),
        })
        .collect();
    AttemptLog { attempts }
}

/// Suppresses the client id on voice, for the rules time does not lift.
struct ClientIdOnVoice;

impl Suppression for ClientIdOnVoice {
    fn is_suppressed(
        &self,
        kind: SuppressionKind,
        _: &str,
        channel: Channel,
        _: DateTime<Utc>,
    ) -> Option<String> {
        (kind == SuppressionKind::ClientId && channel == Channel::Voice)
            .then(|| "asked not to be called".to_owned())
    }
}

/// An instant near a transition (often within minutes of it), or anywhere in 2025–2027.
fn instant(random: &mut Random, transitions: &[DateTime<Utc>]) -> DateTime<Utc> {
    if random.one_in(5) {
        let start = Utc
            .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        return start + TimeDelta::seconds(random.int(3 * 365 * 86_400));
    }
    let transition = random.pick(transitions);
    let spread: u64 = random.pick(&[120, 3 * 3600, 2 * 86_400, 8 * 86_400]);
    let at = transition + TimeDelta::seconds(random.int(2 * spread) - spread as i64);
    if random.one_in(3) {
        at - TimeDelta::seconds(at.timestamp().rem_euclid(60))
    } else {
        at
    }
}

/// Decides case number `case` both ways and asserts they agree; `true`
/// when it was refused and rescheduled (the search found an instant).
fn compare(case: u64, transitions: &[DateTime<Utc>]) -> bool {
    let mut random = Random(case);
    let at = instant(&mut random, transitions);
    let rules = rules(&mut random, at);
    let device = device(&mut random);
    let mode = random.pick(&MODES);
    let history = history(&mut random, at);
    let (fast, slow) = if random.one_in(10) {
        (
            decide(&rules, &device, mode, &ClientIdOnVoice, &history, at),
            oracle::decide(&rules, &device, mode, &ClientIdOnVoice, &history, at),
        )
    } else {
        (
            decide(&rules, &device, mode, &NoSuppression, &history, at),
            oracle::decide(&rules, &device, mode, &NoSuppression, &history, at),
        )
    };
    assert_eq!(
        fast, slow,
        "case {case} at {at}: {rules:?} {device:?} {mode:?} {history:?}"
    );
    !fast.allowed && fast.next_allowed_at.is_some()
}

/// Every decision, reason and `nextAllowedAt` of the fast path equals the
/// previous computation's (the cases are shared among the cores).
#[test]
fn the_fast_path_decides_exactly_as_before() {
    let transitions = transitions();
    assert!(transitions.len() > 400, "{}", transitions.len());
    let threads = std::thread::available_parallelism().map_or(1, |count| count.get() as u64);
    let rescheduled: u64 = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|first| {
                let transitions = &transitions;
                scope.spawn(move || {
                    (first..CASES)
                        .step_by(threads as usize)
                        .map(|case| u64::from(compare(case, transitions)))
                        .sum::<u64>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("no case disagrees"))
            .sum()
    });
    // A good share of the cases are refusals that the search rescheduled.
    assert!(rescheduled > CASES / 5, "{rescheduled}");
}

/// Hours are written as they were: every time of day as "HH:MM", slots
/// sorted by start, stable among equal starts.
#[test]
fn hours_are_written_as_before() {
    for minutes in 0..=24 * 60 {
        let expected = format!("{:02}:{:02}", minutes / 60, minutes % 60);
        assert_eq!(ClockTime::hm(0, minutes).to_string(), expected);
    }
    for case in 0..20_000 {
        let mut random = Random(case);
        let window = window(&mut random);
        for day in Day::ALL {
            assert_eq!(
                window.describe(day),
                oracle::describe(&window, day),
                "{window:?}"
            );
        }
    }
}

/// The n-th latest attempt kept on the stack is the one sorting finds, ties and all.
#[test]
fn nth_latest_is_the_sorted_one() {
    let start = Utc
        .with_ymd_and_hms(2026, 3, 8, 0, 0, 0)
        .single()
        .expect("valid");
    let key = AttemptKey::Device("+13125550100");
    for case in 0..20_000 {
        let mut random = Random(case);
        let attempts = (0..random.below(30))
            .map(|_| Attempt {
                at: start + TimeDelta::minutes(random.int(6)),
                device: random.pick(&["+13125550100", "+13125550199"]).to_owned(),
                client_id: None,
                custom_keys: BTreeMap::new(),
                result: random.pick(&RESULTS),
            })
            .collect();
        let log = AttemptLog { attempts };
        let results = if random.one_in(2) {
            vec![CallResult::NoAnswer]
        } else {
            Vec::new()
        };
        for n in 0..25 {
            let mut sorted: Vec<DateTime<Utc>> = log
                .attempts
                .iter()
                .filter(|attempt| attempt.matches(&key, &results))
                .map(|attempt| attempt.at)
                .collect();
            sorted.sort_unstable_by(|left, right| right.cmp(left));
            let expected = (n as usize)
                .checked_sub(1)
                .and_then(|index| sorted.get(index).copied());
            assert_eq!(log.nth_latest(&key, &results, n), expected, "{n} {log:?}");
        }
    }
}
