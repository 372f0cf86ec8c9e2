//! The case generator of the property tests: proptest strategies for rule
//! sets, devices, histories, suppression entries, modes and instants around
//! the DST transitions of 2026 and 2027.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use compliance::{
    Attempt, AttemptLog, AttemptPeriod, AttemptRule, CallResult, CallingWindows, Channel,
    ClockTime, CountBy, Day, Decision, DeviceFacts, DeviceRestrictions, DeviceType, DialMode,
    RuleSet, Slot, SuppressionKind, WeeklyWindow, ZoneName, decide,
};
use proptest::prelude::*;
use proptest::sample::select;

use crate::common::Lists;

/// The zones the brief names: every US shape of DST (and none), a half-hour
/// zone, Europe, and Lord Howe's half-hour DST shift.
pub const ZONES: [Tz; 10] = [
    chrono_tz::America::New_York,
    chrono_tz::America::Chicago,
    chrono_tz::America::Denver,
    chrono_tz::America::Phoenix,
    chrono_tz::America::Los_Angeles,
    chrono_tz::America::Anchorage,
    chrono_tz::Pacific::Honolulu,
    chrono_tz::America::St_Johns,
    chrono_tz::Europe::London,
    chrono_tz::Australia::Lord_Howe,
];

/// The device value every generated device has; attempts go to it or to another.
pub const DEVICE: &str = "+13125550100";

/// The UTC offset of `zone` at `at`, in seconds (straight from the zone database).
pub fn offset(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// Every offset change of [`ZONES`] in 2026 and 2027, found by scanning
/// every three hours and bisecting to the second.
pub fn dst_transitions() -> &'static [DateTime<Utc>] {
    static TRANSITIONS: OnceLock<Vec<DateTime<Utc>>> = OnceLock::new();
    TRANSITIONS.get_or_init(|| {
        let start = Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
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
                        let middle =
                            before + TimeDelta::seconds((after - before).num_seconds() / 2);
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
        found.sort();
        found
    })
}

/// Instants within three days of a DST transition (mostly) or anywhere in 2026–2027.
pub fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let transitions = dst_transitions();
    let two_years: i64 = 2 * 365 * 24 * 3600;
    let base = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("valid");
    prop_oneof![
        4 => (0..transitions.len(), -3 * 86_400i64..3 * 86_400)
            .prop_map(move |(index, seconds)| transitions[index] + TimeDelta::seconds(seconds)),
        1 => (0..two_years).prop_map(move |seconds| base + TimeDelta::seconds(seconds)),
    ]
}

/// A local minute a slot starts or ends at: mostly on quarter hours (so on
/// the DST hours too), sometimes any minute, "24:00" included.
pub fn slot_edge() -> impl Strategy<Value = u16> {
    prop_oneof![(0u16..=96).prop_map(|quarter| quarter * 15), 0u16..=1440]
}

/// The slots of one day (or day group): none, or one to three disjoint ones.
pub fn day_slots() -> impl Strategy<Value = Vec<(u16, u16)>> {
    prop_oneof![
        1 => Just(Vec::new()),
        4 => prop::collection::btree_set(slot_edge(), 2..=6).prop_map(|edges| {
            let edges: Vec<u16> = edges.into_iter().collect();
            edges.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect()
        }),
    ]
}

/// A weekly window: the default 08:00–21:00, all day, or random slots per
/// day group (weekdays / Saturday / Sunday) or per day.
pub fn window() -> impl Strategy<Value = WeeklyWindow> {
    prop_oneof![
        2 => Just(WeeklyWindow::every_day(ClockTime::hm(8, 0), ClockTime::hm(21, 0))),
        1 => Just(WeeklyWindow::every_day(ClockTime::hm(0, 0), ClockTime::END_OF_DAY)),
        6 => (any::<bool>(), prop::collection::vec(day_slots(), 7)).prop_map(|(grouped, per_day)| {
            let groups: Vec<Vec<Day>> = if grouped {
                vec![Day::WEEKDAYS.to_vec(), vec![Day::Sat], vec![Day::Sun]]
            } else {
                Day::ALL.iter().map(|day| vec![*day]).collect()
            };
            let slots = groups
                .into_iter()
                .zip(per_day)
                .flat_map(|(days, slots)| {
                    slots.into_iter().map(move |(start, end)| Slot {
                        days: days.clone(),
                        start: ClockTime::hm(0, start),
                        end: ClockTime::hm(0, end),
                    })
                })
                .collect();
            WeeklyWindow { slots }
        }),
    ]
}

/// One attempt rule, named later (names must be distinct).
pub fn attempt_rule() -> impl Strategy<Value = AttemptRule> {
    (
        1u32..=3,
        prop_oneof![
            1 => Just(AttemptPeriod::Today),
            1 => select(vec![24u32, 72, 168]).prop_map(|hours| AttemptPeriod::Rolling { hours }),
            1 => (1u32..=200).prop_map(|hours| AttemptPeriod::Rolling { hours }),
        ],
        select(vec![
            CountBy::Device,
            CountBy::ClientId,
            CountBy::Custom("debt_id".into()),
        ]),
        prop_oneof![
            Just(Vec::new()),
            Just(vec![CallResult::Abandoned]),
            Just(vec![CallResult::RightPartyContact, CallResult::NoAnswer]),
        ],
        prop_oneof![
            3 => Just(vec![Channel::Voice]),
            1 => Just(vec![Channel::Voice, Channel::Sms, Channel::Email]),
            1 => Just(vec![Channel::Sms]),
        ],
        any::<bool>(),
    )
        .prop_map(
            |(limit, period, counted_by, counted_results, channels, required)| AttemptRule {
                name: String::new(),
                limit,
                period,
                counted_by,
                counted_results,
                channels,
                required,
            },
        )
}

/// A rule set whose holidays fall within a few days of `at`.
pub fn rule_set(at: DateTime<Utc>) -> impl Strategy<Value = RuleSet> {
    let today = at.date_naive();
    let calling_windows = (
        prop_oneof![
            3 => Just(vec![Channel::Voice, Channel::Sms]),
            1 => Just(vec![Channel::Voice]),
            1 => Just(vec![Channel::Voice, Channel::Sms, Channel::Email]),
        ],
        window(),
        prop::collection::btree_map(select(vec!["NY", "FL", "TX", "NL"]), window(), 0..=2),
        prop::collection::btree_set(-2i64..=3, 0..=3),
        prop::option::weighted(0.4, select(ZONES.to_vec())),
        any::<bool>(),
    )
        .prop_map(
            move |(applies_to, default, regions, holidays, default_zone, prefer_contact_zone)| {
                CallingWindows {
                    applies_to,
                    default,
                    regions: regions
                        .into_iter()
                        .map(|(region, window)| (region.to_owned(), window))
                        .collect(),
                    holidays: holidays
                        .into_iter()
                        .map(|days| today + TimeDelta::days(days))
                        .collect(),
                    default_zone: default_zone.map(ZoneName),
                    prefer_contact_zone,
                }
            },
        );
    let attempt_rules = prop_oneof![
        1 => Just(RuleSet::defaults().attempt_rules),
        3 => prop::collection::vec(attempt_rule(), 0..=3).prop_map(|rules| {
            rules
                .into_iter()
                .enumerate()
                .map(|(index, rule)| AttemptRule { name: format!("rule {index}"), ..rule })
                .collect()
        }),
    ];
    let device_restrictions = (
        prop_oneof![
            3 => Just(RuleSet::defaults().device_restrictions.automated_modes),
            1 => prop::sample::subsequence(
                vec![DialMode::Preview, DialMode::Predictive, DialMode::Power, DialMode::Agentless, DialMode::Sms],
                1..=3,
            ),
        ],
        any::<[bool; 4]>(),
    )
        .prop_map(|(automated_modes, flags)| DeviceRestrictions {
            automated_modes,
            mobile_requires_consent: flags[0],
            unknown_type_is_mobile: flags[1],
            refuse_reassigned: flags[2],
            refuse_ported: flags[3],
        });
    (
        prop::bool::weighted(0.1),
        calling_windows,
        attempt_rules,
        device_restrictions,
    )
        .prop_map(
            |(emergency_stop, calling_windows, attempt_rules, device_restrictions)| RuleSet {
                emergency_stop,
                calling_windows,
                attempt_rules,
                device_restrictions,
            },
        )
}

/// Distinct zones, as an area code (or a contact's postal code) lists them.
pub fn zones(count: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Vec<Tz>> {
    prop::sample::subsequence(ZONES.to_vec(), count)
}

/// A device: one to three zones (rarely none), regions, type, flags and contact keys.
pub fn device() -> impl Strategy<Value = DeviceFacts> {
    (
        prop_oneof![1 => Just(Vec::new()), 10 => zones(1..=3)],
        prop_oneof![3 => Just(Vec::new()), 1 => zones(1..=2)],
        prop::collection::btree_set(select(vec!["NY", "FL", "TX", "ZZ"]), 0..=2),
        select(vec![
            DeviceType::Mobile,
            DeviceType::Landline,
            DeviceType::Unknown,
        ]),
        any::<bool>(),
        prop::bool::weighted(0.15),
        prop::bool::weighted(0.15),
        prop::option::weighted(0.8, Just("C-1")),
        prop::option::of(Just("a@example.com")),
        prop::option::of(select(vec!["D-1", "D-2"])),
    )
        .prop_map(
            |(
                zones,
                contact_zones,
                regions,
                device_type,
                consent_automated,
                reassigned,
                ported,
                client_id,
                contact_email,
                debt,
            )| DeviceFacts {
                value: DEVICE.into(),
                device_type,
                regions: regions.into_iter().map(str::to_owned).collect(),
                zones,
                contact_zones,
                consent_automated,
                reassigned,
                ported,
                client_id: client_id.map(str::to_owned),
                contact_email: contact_email.map(str::to_owned),
                custom_keys: debt
                    .map(|debt| BTreeMap::from([("debt_id".to_owned(), debt.to_owned())]))
                    .into_iter()
                    .flatten()
                    .collect(),
            },
        )
}

/// Up to eight past attempts in the 200 hours before `at`, some exactly a
/// whole number of hours before (the rolling boundaries), to this device or
/// another, this client id or another, this debt or another.
pub fn history(at: DateTime<Utc>) -> impl Strategy<Value = AttemptLog> {
    let attempt = (
        prop_oneof![
            3 => 1i64..=200 * 3600,
            1 => (1i64..=200).prop_map(|hours| hours * 3600),
            1 => select(vec![24i64, 72, 168]).prop_map(|hours| hours * 3600),
        ],
        select(vec![DEVICE, "+13125550199"]),
        select(vec![Some("C-1"), Some("C-2"), None]),
        select(vec![Some("D-1"), Some("D-2"), None]),
        select(vec![
            CallResult::NoAnswer,
            CallResult::Busy,
            CallResult::Abandoned,
            CallResult::RightPartyContact,
        ]),
    )
        .prop_map(move |(ago, device, client_id, debt, result)| Attempt {
            at: at - TimeDelta::seconds(ago),
            device: device.into(),
            client_id: client_id.map(str::to_owned),
            custom_keys: debt
                .map(|debt| BTreeMap::from([("debt_id".to_owned(), debt.to_owned())]))
                .into_iter()
                .flatten()
                .collect(),
            result,
        });
    prop::collection::vec(attempt, 0..=8).prop_map(|attempts| AttemptLog { attempts })
}

/// Suppression entries (mostly none) on the device's keys or others, some
/// expired before `at` or expiring after it.
pub fn lists(at: DateTime<Utc>) -> impl Strategy<Value = Lists> {
    let entry = (
        select(vec![
            SuppressionKind::Phone,
            SuppressionKind::ClientId,
            SuppressionKind::Email,
        ]),
        select(vec![DEVICE, "C-1", "a@example.com", "+13125550199"]),
        select(vec![Channel::Voice, Channel::Sms, Channel::Email]),
        prop::option::of(-48i64..=48),
    )
        .prop_map(move |(kind, value, channel, expiry)| {
            let until = expiry.map(|hours| at + TimeDelta::hours(hours));
            (
                kind,
                value.to_owned(),
                channel,
                until,
                "test list".to_owned(),
            )
        });
    prop_oneof![
        3 => Just(Lists::default()),
        1 => prop::collection::vec(entry, 1..=2).prop_map(|entries| Lists { entries }),
    ]
}

/// A dialing mode, mostly the agent-driven ones (only time rules refuse those).
pub fn mode() -> impl Strategy<Value = DialMode> {
    prop_oneof![
        4 => select(vec![DialMode::Preview, DialMode::Progressive]),
        2 => select(vec![DialMode::Predictive, DialMode::Power, DialMode::Agentless, DialMode::Sms]),
        1 => Just(DialMode::Email),
    ]
}

/// Everything one decision needs.
#[derive(Debug)]
pub struct Case {
    pub rules: RuleSet,
    pub device: DeviceFacts,
    pub mode: DialMode,
    pub lists: Lists,
    pub history: AttemptLog,
    pub at: DateTime<Utc>,
}

/// A whole case: the instant first, then everything placed around it.
pub fn case() -> impl Strategy<Value = Case> {
    instant().prop_flat_map(|at| {
        (rule_set(at), device(), mode(), lists(at), history(at)).prop_map(
            move |(rules, device, mode, lists, history)| Case {
                rules,
                device,
                mode,
                lists,
                history,
                at,
            },
        )
    })
}

impl Case {
    /// The engine's decision for this case at `at`.
    pub fn decide(&self, at: DateTime<Utc>) -> Decision {
        decide(
            &self.rules,
            &self.device,
            self.mode,
            &self.lists,
            &self.history,
            at,
        )
    }
}
