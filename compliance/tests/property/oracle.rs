//! An independent, deliberately naive reading of SPEC §3 that the property
//! tests compare the engine with: it reads the rule set's fields directly and
//! calls none of the engine's helpers.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use compliance::{
    AttemptPeriod, Channel, CountBy, Day, Decision, DeviceType, DialMode, RuleKind,
    SuppressionKind, WeeklyWindow,
};

use crate::cases::Case;

/// What the oracle expects: the refusing rules, and the attempt rules by name.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub kinds: BTreeSet<String>,
    pub attempt_rules: BTreeSet<String>,
}

impl Expected {
    pub fn refuse(&mut self, kind: &str) {
        self.kinds.insert(kind.to_owned());
    }

    pub fn allowed(&self) -> bool {
        self.kinds.is_empty()
    }

    /// Only calling windows, holidays and attempt limits refuse: waiting can lift them all.
    pub fn only_time_refuses(&self) -> bool {
        self.kinds
            .iter()
            .all(|kind| ["CallingWindow", "Holiday", "AttemptLimit"].contains(&kind.as_str()))
    }
}

/// What the engine said, in the oracle's terms.
pub fn observed(decision: &Decision) -> Expected {
    let mut found = Expected::default();
    for refusal in &decision.refusals {
        found.refuse(&format!("{:?}", refusal.rule));
        if refusal.rule == RuleKind::AttemptLimit {
            found.attempt_rules.insert(refusal.name.clone());
        }
    }
    found
}

/// An independent, naive reading of SPEC §3 for `case` at `at`.
pub fn oracle(case: &Case, at: DateTime<Utc>) -> Expected {
    let Case {
        rules,
        device,
        mode,
        lists,
        history,
        ..
    } = case;
    let mut expected = Expected::default();
    let channel = match mode {
        DialMode::Sms => Channel::Sms,
        DialMode::Email => Channel::Email,
        _ => Channel::Voice,
    };

    // 5. Emergency stop.
    if rules.emergency_stop {
        expected.refuse("EmergencyStop");
    }

    // 1. Suppression of the device, the client id or the contact's e-mail, on this channel, unexpired.
    let device_kind = if channel == Channel::Email {
        SuppressionKind::Email
    } else {
        SuppressionKind::Phone
    };
    let mut keys = vec![(device_kind, device.value.clone())];
    keys.extend(
        device
            .client_id
            .iter()
            .map(|id| (SuppressionKind::ClientId, id.clone())),
    );
    keys.extend(
        device
            .contact_email
            .iter()
            .map(|email| (SuppressionKind::Email, email.clone())),
    );
    let suppressed = lists.entries.iter().any(|(kind, value, on, until, _)| {
        *on == channel
            && keys.contains(&(*kind, value.clone()))
            && until.is_none_or(|until| at < until)
    });
    if suppressed {
        expected.refuse("Suppression");
    }

    // 4. Device restrictions of automated modes.
    let restrictions = &rules.device_restrictions;
    if restrictions.automated_modes.contains(mode) {
        let mobile = device.device_type == DeviceType::Mobile
            || (device.device_type == DeviceType::Unknown && restrictions.unknown_type_is_mobile);
        if restrictions.mobile_requires_consent && mobile && !device.consent_automated {
            expected.refuse("MobileConsent");
        }
        if restrictions.refuse_reassigned && device.reassigned {
            expected.refuse("Reassigned");
        }
        if restrictions.refuse_ported && device.ported {
            expected.refuse("Ported");
        }
    }

    // 2. Calling windows and holidays, in every zone the device may be in.
    let windows = &rules.calling_windows;
    let zones: Vec<Tz> = if windows.prefer_contact_zone && !device.contact_zones.is_empty() {
        device.contact_zones.clone()
    } else if !device.zones.is_empty() {
        device.zones.clone()
    } else if !device.contact_zones.is_empty() {
        device.contact_zones.clone()
    } else {
        windows.default_zone.iter().map(|zone| zone.0).collect()
    };
    if windows.applies_to.contains(&channel) {
        if zones.is_empty() {
            expected.refuse("TimeZoneUnknown");
        }
        let mut applicable: Vec<&WeeklyWindow> = device
            .regions
            .iter()
            .map(|region| windows.regions.get(region).unwrap_or(&windows.default))
            .collect();
        if applicable.is_empty() {
            applicable.push(&windows.default);
        }
        for zone in &zones {
            let local = at.with_timezone(zone).naive_local();
            if windows.holidays.contains(&local.date()) {
                expected.refuse("Holiday");
            }
            let weekday = local.weekday().num_days_from_monday() as usize;
            let minute = (local.hour() * 60 + local.minute()) as u16;
            let inside = |window: &&WeeklyWindow| {
                window.slots.iter().any(|slot| {
                    slot.days.contains(&Day::ALL[weekday])
                        && slot.start.minutes() <= minute
                        && minute < slot.end.minutes()
                })
            };
            if !applicable.iter().all(inside) {
                expected.refuse("CallingWindow");
            }
        }
    }

    // 3. Attempt rules: counted attempts of the key in the period, at most limit − 1.
    let day_zones = if zones.is_empty() {
        vec![Tz::UTC]
    } else {
        zones.clone()
    };
    let same_local_day = |left: DateTime<Utc>, right: DateTime<Utc>| {
        day_zones.iter().any(|zone| {
            left.with_timezone(zone).date_naive() == right.with_timezone(zone).date_naive()
        })
    };
    for rule in rules
        .attempt_rules
        .iter()
        .filter(|rule| rule.channels.contains(&channel))
    {
        let counted = history
            .attempts
            .iter()
            .filter(|attempt| {
                let same_key = match &rule.counted_by {
                    CountBy::ClientId if device.client_id.is_some() => {
                        attempt.client_id == device.client_id
                    }
                    CountBy::Custom(name) if device.custom_keys.contains_key(name) => {
                        attempt.custom_keys.get(name) == device.custom_keys.get(name)
                    }
                    // The device itself, also when the contact lacks the key counted by.
                    _ => attempt.device == device.value,
                };
                let counted_result = rule.counted_results.is_empty()
                    || rule.counted_results.contains(&attempt.result);
                let in_period = attempt.at <= at
                    && match rule.period {
                        AttemptPeriod::Today => same_local_day(attempt.at, at),
                        AttemptPeriod::Rolling { hours } => {
                            at - TimeDelta::hours(i64::from(hours)) < attempt.at
                        }
                    };
                same_key && counted_result && in_period
            })
            .count();
        if counted >= rule.limit as usize {
            expected.refuse("AttemptLimit");
            expected.attempt_rules.insert(rule.name.clone());
        }
    }
    expected
}
