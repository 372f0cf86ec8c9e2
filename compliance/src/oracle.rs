//! Test-only: the decision pipeline as it was before the fast path (issue 4's
//! benchmark), kept verbatim as the oracle the fast path must equal —
//! decisions, reasons and `nextAllowedAt` — for every input (`fast_path` tests).
//!
//! Every reason is formatted eagerly, every candidate of the `nextAllowedAt`
//! search is checked through the zone database, every pass re-asks every
//! zone and re-reads the history, and the history's n-th latest attempt is
//! found by sorting a copy.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;

use crate::decide::{Decision, Refusal, RuleKind, resolve_zones};
use crate::facts::{
    AttemptHistory, AttemptKey, AttemptLog, CallResult, Channel, DeviceFacts, DeviceType, DialMode,
    Suppression, SuppressionKind,
};
use crate::rules::{AttemptPeriod, AttemptRule, CountBy, RuleSet, Slot, WeeklyWindow};
use crate::time::{self, Day};
use crate::window::SEARCH_DAYS;

/// The previous `decide`.
pub(crate) fn decide(
    rules: &RuleSet,
    device: &DeviceFacts,
    mode: DialMode,
    suppression: &impl Suppression,
    history: &AttemptLog,
    at: DateTime<Utc>,
) -> Decision {
    let history = &SortingLog(history);
    let channel = mode.channel();
    let mut refusals = Vec::new();

    if rules.emergency_stop {
        refusals.push(Refusal {
            rule: RuleKind::EmergencyStop,
            name: RuleKind::EmergencyStop.label().to_owned(),
            reason: "the tenant's emergency stop is on: nothing is dialed or sent".to_owned(),
        });
    }
    suppression_refusals(device, channel, suppression, at, &mut refusals);
    device_refusals(rules, device, mode, &mut refusals);

    let zones = resolve_zones(rules, device);
    let windows_apply = rules.calling_windows.applies_to.contains(&channel);
    let region_windows = rules.windows_for(&device.regions);
    let zone_windows: Vec<ZoneWindows<'_>> = if windows_apply {
        zones
            .iter()
            .map(|&zone| ZoneWindows {
                zone,
                windows: &region_windows,
                holidays: &rules.calling_windows.holidays,
            })
            .collect()
    } else {
        Vec::new()
    };
    if windows_apply && zones.is_empty() {
        refusals.push(Refusal {
            rule: RuleKind::TimeZoneUnknown,
            name: RuleKind::TimeZoneUnknown.label().to_owned(),
            reason:
                "time zone unknown: no zone for the number or the contact and no default zone, \
                     so no calling window can be checked"
                    .to_owned(),
        });
    }
    for zone in &zone_windows {
        zone.refusals(at, &mut refusals);
    }

    let attempt_rules: Vec<BoundRule<'_>> = rules
        .attempt_rules
        .iter()
        .filter(|rule| rule.channels.contains(&channel))
        .map(|rule| BoundRule::new(rule, device, zones))
        .collect();
    for rule in &attempt_rules {
        refusals.extend(rule.refusal(history, at));
    }

    let only_time_refuses = refusals.iter().all(|refusal| refusal.rule.is_time_based());
    let next_allowed_at = if refusals.is_empty() {
        Some(at)
    } else if only_time_refuses {
        first_allowed(&zone_windows, &attempt_rules, history, at)
    } else {
        None
    };
    Decision {
        allowed: refusals.is_empty(),
        refusals,
        next_allowed_at,
    }
}

/// The previous history: the n-th latest attempt by sorting a copy.
struct SortingLog<'a>(&'a AttemptLog);

impl AttemptHistory for SortingLog<'_> {
    fn count(&self, key: &AttemptKey<'_>, since: DateTime<Utc>, results: &[CallResult]) -> u32 {
        let counted = self
            .0
            .attempts
            .iter()
            .filter(|attempt| attempt.at >= since && attempt.matches(key, results))
            .count();
        u32::try_from(counted).unwrap_or(u32::MAX)
    }

    fn nth_latest(
        &self,
        key: &AttemptKey<'_>,
        results: &[CallResult],
        n: u32,
    ) -> Option<DateTime<Utc>> {
        let mut instants: Vec<DateTime<Utc>> = self
            .0
            .attempts
            .iter()
            .filter(|attempt| attempt.matches(key, results))
            .map(|attempt| attempt.at)
            .collect();
        instants.sort_unstable_by(|left, right| right.cmp(left));
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        instants.get(index).copied()
    }
}

fn suppression_refusals(
    device: &DeviceFacts,
    channel: Channel,
    suppression: &impl Suppression,
    at: DateTime<Utc>,
    refusals: &mut Vec<Refusal>,
) {
    let device_kind = if channel == Channel::Email {
        SuppressionKind::Email
    } else {
        SuppressionKind::Phone
    };
    let mut checks = vec![(device_kind, device.value.as_str(), "the device")];
    if let Some(client_id) = device.client_id.as_deref() {
        checks.push((SuppressionKind::ClientId, client_id, "the client id"));
    }
    if let Some(email) = device.contact_email.as_deref() {
        let same_as_device = device_kind == SuppressionKind::Email && email == device.value;
        if !same_as_device {
            checks.push((SuppressionKind::Email, email, "the contact's e-mail"));
        }
    }
    for (kind, value, what) in checks {
        if let Some(reason) = suppression.is_suppressed(kind, value, channel, at) {
            refusals.push(Refusal {
                rule: RuleKind::Suppression,
                name: RuleKind::Suppression.label().to_owned(),
                reason: format!(
                    "{what} is on a {} suppression list for {}: {reason}",
                    kind_name(kind),
                    channel.name()
                ),
            });
        }
    }
}

fn kind_name(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Phone => "PHONE",
        SuppressionKind::Email => "EMAIL",
        SuppressionKind::ClientId => "CLIENT_ID",
    }
}

fn device_refusals(
    rules: &RuleSet,
    device: &DeviceFacts,
    mode: DialMode,
    refusals: &mut Vec<Refusal>,
) {
    let restrictions = &rules.device_restrictions;
    if !restrictions.automated_modes.contains(&mode) {
        return;
    }
    let mode_name = mode.name();
    let may_be_mobile = match device.device_type {
        DeviceType::Mobile => true,
        DeviceType::Landline => false,
        DeviceType::Unknown => restrictions.unknown_type_is_mobile,
    };
    if restrictions.mobile_requires_consent && may_be_mobile && !device.consent_automated {
        let what = if device.device_type == DeviceType::Mobile {
            "a mobile device"
        } else {
            "a device of unknown type (treated as mobile)"
        };
        refusals.push(Refusal {
            rule: RuleKind::MobileConsent,
            name: RuleKind::MobileConsent.label().to_owned(),
            reason: format!("{mode_name} is an automated mode and {what} has no consent for it"),
        });
    }
    if restrictions.refuse_reassigned && device.reassigned {
        refusals.push(Refusal {
            rule: RuleKind::Reassigned,
            name: RuleKind::Reassigned.label().to_owned(),
            reason: format!(
                "the number is flagged as reassigned, refused for automated mode {mode_name}"
            ),
        });
    }
    if restrictions.refuse_ported && device.ported {
        refusals.push(Refusal {
            rule: RuleKind::Ported,
            name: RuleKind::Ported.label().to_owned(),
            reason: format!(
                "the number is flagged as ported, refused for automated mode {mode_name}"
            ),
        });
    }
}

const MAX_PASSES: usize = 64;

fn first_allowed(
    zones: &[ZoneWindows<'_>],
    attempt_rules: &[BoundRule<'_>],
    history: &impl AttemptHistory,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let horizon = at + TimeDelta::days(i64::try_from(2 * SEARCH_DAYS).unwrap_or(62));
    let mut candidate = at;
    for _ in 0..MAX_PASSES {
        let start = candidate;
        for rule in attempt_rules {
            candidate = rule.next_open(history, candidate);
        }
        for zone in zones {
            candidate = zone.next_open(candidate)?;
        }
        if candidate > horizon {
            return None;
        }
        if candidate == start {
            return Some(candidate);
        }
    }
    None
}

pub(crate) fn describe(window: &WeeklyWindow, day: Day) -> String {
    let mut slots: Vec<&Slot> = window.slots_on(day).collect();
    slots.sort_by_key(|slot| slot.start);
    slots
        .iter()
        .map(|slot| format!("{}–{}", slot.start, slot.end))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, Copy)]
struct ZoneWindows<'a> {
    zone: Tz,
    windows: &'a [(Option<&'a str>, &'a WeeklyWindow)],
    holidays: &'a [NaiveDate],
}

impl ZoneWindows<'_> {
    fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.zone).naive_local()
    }

    fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = self.local(at);
        let date = local.date();
        if self.holidays.contains(&date) {
            return false;
        }
        let day = Day::of(date);
        let minute = minute_of_day(local);
        self.windows
            .iter()
            .all(|(_, window)| window.allows(day, minute))
    }

    fn refusals(&self, at: DateTime<Utc>, refusals: &mut Vec<Refusal>) {
        let local = self.local(at);
        let date = local.date();
        let day = Day::of(date);
        let minute = minute_of_day(local);
        let now = format!("{} {:02}:{:02}", &day.name()[..3], minute / 60, minute % 60);
        if self.holidays.contains(&date) {
            refusals.push(Refusal {
                rule: RuleKind::Holiday,
                name: RuleKind::Holiday.label().to_owned(),
                reason: format!(
                    "{date} is a holiday blackout in {} (now {now})",
                    self.zone.name()
                ),
            });
        }
        for (region, window) in self.windows {
            if window.allows(day, minute) {
                continue;
            }
            let label = region.map_or(String::new(), |region| format!(" of region {region}"));
            let hours = describe(window, day);
            let reason = if hours.is_empty() {
                format!(
                    "no calling hours on {}{label} in {} (now {now})",
                    day.name(),
                    self.zone.name()
                )
            } else {
                format!(
                    "outside the calling window {hours}{label} in {} (now {now})",
                    self.zone.name()
                )
            };
            refusals.push(Refusal {
                rule: RuleKind::CallingWindow,
                name: RuleKind::CallingWindow.label().to_owned(),
                reason,
            });
        }
    }

    fn next_open(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_open(from) {
            return Some(from);
        }
        let first_date = self.local(from).date();
        for offset in 0..=SEARCH_DAYS {
            let date = time::add_days(first_date, offset)?;
            if self.holidays.contains(&date) {
                continue;
            }
            let mut best: Option<DateTime<Utc>> = None;
            let mut consider = |candidate: DateTime<Utc>| {
                if candidate > from
                    && best.is_none_or(|found| candidate < found)
                    && self.is_open(candidate)
                {
                    best = Some(candidate);
                }
            };
            let day = Day::of(date);
            for (_, window) in self.windows {
                for slot in window.slots_on(day) {
                    for instant in slot_start_instants(self.zone, date, slot.start.minutes()) {
                        consider(instant);
                    }
                }
            }
            if let Some(change) = time::offset_change_near(self.zone, date)
                && self.local(change).date() == date
            {
                consider(change);
            }
            if best.is_some() {
                return best;
            }
        }
        None
    }
}

fn minute_of_day(local: NaiveDateTime) -> u16 {
    u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(0)
}

fn slot_start_instants(
    zone: Tz,
    date: NaiveDate,
    minutes: u16,
) -> impl Iterator<Item = DateTime<Utc>> {
    use chrono::{LocalResult, NaiveTime, TimeZone};
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::from(minutes) * 60, 0);
    let (first, second) = match time.map(|time| zone.from_local_datetime(&date.and_time(time))) {
        Some(LocalResult::Single(instant)) => (Some(instant), None),
        Some(LocalResult::Ambiguous(earlier, later)) => (Some(earlier), Some(later)),
        _ => (None, None),
    };
    first
        .into_iter()
        .chain(second)
        .map(|instant| instant.with_timezone(&Utc))
}

struct BoundRule<'a> {
    rule: &'a AttemptRule,
    key: AttemptKey<'a>,
    zones: &'a [Tz],
}

impl<'a> BoundRule<'a> {
    fn new(rule: &'a AttemptRule, device: &'a DeviceFacts, zones: &'a [Tz]) -> Self {
        let by_device = AttemptKey::Device(device.value.as_str());
        let key = match &rule.counted_by {
            CountBy::Device => by_device,
            CountBy::ClientId => device
                .client_id
                .as_deref()
                .map_or(by_device, AttemptKey::ClientId),
            CountBy::Custom(name) => {
                device
                    .custom_keys
                    .get(name)
                    .map_or(by_device, |value| AttemptKey::Custom {
                        name: name.as_str(),
                        value: value.as_str(),
                    })
            }
        };
        BoundRule { rule, key, zones }
    }

    fn period_start(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        match self.rule.period {
            AttemptPeriod::Rolling { hours } => {
                at - TimeDelta::hours(i64::from(hours)) + TimeDelta::nanoseconds(1)
            }
            AttemptPeriod::Today => self
                .zones_or_utc()
                .filter_map(|zone| time::start_of_day(zone, at.with_timezone(&zone).date_naive()))
                .min()
                .unwrap_or(at),
        }
    }

    fn zones_or_utc(&self) -> impl Iterator<Item = Tz> + '_ {
        let fallback = if self.zones.is_empty() {
            Some(Tz::UTC)
        } else {
            None
        };
        self.zones.iter().copied().chain(fallback)
    }

    fn refusal(&self, history: &impl AttemptHistory, at: DateTime<Utc>) -> Option<Refusal> {
        let rule = self.rule;
        let counted = history.count(&self.key, self.period_start(at), &rule.counted_results);
        if counted < rule.limit {
            return None;
        }
        let attempts = if counted == 1 { "attempt" } else { "attempts" };
        let results = if rule.counted_results.is_empty() {
            String::new()
        } else {
            let names: Vec<&str> = rule
                .counted_results
                .iter()
                .map(|result| result.name())
                .collect();
            format!(" with result {}", names.join(" or "))
        };
        let period = match rule.period {
            AttemptPeriod::Today => "today".to_owned(),
            AttemptPeriod::Rolling { hours } if hours % 24 == 0 && hours > 24 => {
                format!("in the last {} days", hours / 24)
            }
            AttemptPeriod::Rolling { hours } => format!("in the last {hours} h"),
        };
        let by = match self.key {
            AttemptKey::Device(_) => "to this device".to_owned(),
            AttemptKey::ClientId(_) => "to this client id".to_owned(),
            AttemptKey::Custom { name, .. } => format!("for this {name}"),
        };
        Some(Refusal {
            rule: RuleKind::AttemptLimit,
            name: rule.name.clone(),
            reason: format!(
                "{counted} {attempts}{results} {by} {period}, the limit is {} (rule \"{}\")",
                rule.limit, rule.name
            ),
        })
    }

    fn next_open(&self, history: &impl AttemptHistory, from: DateTime<Utc>) -> DateTime<Utc> {
        let rule = self.rule;
        let Some(oldest_counted) = history.nth_latest(&self.key, &rule.counted_results, rule.limit)
        else {
            return from;
        };
        let free_at = match rule.period {
            AttemptPeriod::Rolling { hours } => oldest_counted + TimeDelta::hours(i64::from(hours)),
            AttemptPeriod::Today => self
                .zones_or_utc()
                .filter_map(|zone| {
                    let date = oldest_counted.with_timezone(&zone).date_naive();
                    time::start_of_day(zone, time::add_days(date, 1)?)
                })
                .max()
                .unwrap_or(from),
        };
        free_at.max(from)
    }
}
