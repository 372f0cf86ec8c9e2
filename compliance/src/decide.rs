//! The one decision function (SPEC §3): every rule is asked, every refusal
//! is listed with a reason, and a refusal that only time lifts comes with the
//! first instant at which all time-based rules allow the attempt.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::attempts::BoundRule;
use crate::facts::{
    AttemptHistory, Channel, DeviceFacts, DeviceType, DialMode, Suppression, SuppressionKind,
};
use crate::next;
use crate::rules::RuleSet;
use crate::window::ZoneWindows;

/// The answer for one attempt: allowed, or every reason it is not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// `true` only when no rule refused.
    pub allowed: bool,
    /// Every refusing rule, with a human reason naming the rule and the value.
    pub refusals: Vec<Refusal>,
    /// The first instant ≥ the decision's instant at which every time-based
    /// rule allows (the instant itself when allowed); `None` when a rule that
    /// time does not lift refuses, or no such instant is within the search horizon.
    pub next_allowed_at: Option<DateTime<Utc>>,
}

/// One rule's refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// Which rule refused.
    pub rule: RuleKind,
    /// The rule's name for people ("calling window", an attempt rule's own name).
    pub name: String,
    /// Why, for people: the rule, the value and the limit.
    pub reason: String,
}

/// The rules of SPEC §3, as named in refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleKind {
    /// The tenant-wide emergency stop is on.
    EmergencyStop,
    /// The device, client id or e-mail is on an active suppression list.
    Suppression,
    /// No zone is known for the device and the tenant has no default zone.
    TimeZoneUnknown,
    /// The local time is outside a calling window (or its day has none).
    CallingWindow,
    /// The local day is a holiday blackout.
    Holiday,
    /// An attempt rule's limit is reached.
    AttemptLimit,
    /// An automated mode to a mobile device without consent.
    MobileConsent,
    /// An automated mode to a number flagged as reassigned.
    Reassigned,
    /// An automated mode to a number flagged as ported.
    Ported,
}

impl RuleKind {
    /// The rule's name for people, used for every rule but attempt rules
    /// (which carry their own names).
    pub fn label(self) -> &'static str {
        match self {
            RuleKind::EmergencyStop => "emergency stop",
            RuleKind::Suppression => "suppression lists",
            RuleKind::TimeZoneUnknown => "time zone known",
            RuleKind::CallingWindow => "calling window",
            RuleKind::Holiday => "holiday blackout",
            RuleKind::AttemptLimit => "attempt limit",
            RuleKind::MobileConsent => "mobile consent for automated modes",
            RuleKind::Reassigned => "reassigned numbers",
            RuleKind::Ported => "ported numbers",
        }
    }

    /// Whether waiting can lift the refusal (what `nextAllowedAt` is about).
    pub fn is_time_based(self) -> bool {
        matches!(
            self,
            RuleKind::CallingWindow | RuleKind::Holiday | RuleKind::AttemptLimit
        )
    }
}

/// Decides one attempt on `device` in `mode` at the instant `at`, asking
/// every rule of `rules`, the suppression view and the dialing history.
pub fn decide(
    rules: &RuleSet,
    device: &DeviceFacts,
    mode: DialMode,
    suppression: &impl Suppression,
    history: &impl AttemptHistory,
    at: DateTime<Utc>,
) -> Decision {
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
        next::first_allowed(&zone_windows, &attempt_rules, history, at)
    } else {
        None
    };
    Decision {
        allowed: refusals.is_empty(),
        refusals,
        next_allowed_at,
    }
}

/// The zones whose wall clocks the windows are read on: the contact's when
/// the tenant prefers them, else the device's, else the contact's, else the
/// tenant's default zone; empty when none is known.
pub fn resolve_zones<'a>(rules: &'a RuleSet, device: &'a DeviceFacts) -> &'a [Tz] {
    let windows = &rules.calling_windows;
    if windows.prefer_contact_zone && !device.contact_zones.is_empty() {
        return &device.contact_zones;
    }
    if !device.zones.is_empty() {
        return &device.zones;
    }
    if !device.contact_zones.is_empty() {
        return &device.contact_zones;
    }
    windows
        .default_zone
        .as_ref()
        .map_or(&[], |zone| std::slice::from_ref(&zone.0))
}

/// Suppression of the device value, the client id and the contact's e-mail on the channel.
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
    let client_id = device
        .client_id
        .as_deref()
        .map(|client_id| (SuppressionKind::ClientId, client_id, "the client id"));
    let email = device
        .contact_email
        .as_deref()
        .filter(|email| device_kind != SuppressionKind::Email || *email != device.value)
        .map(|email| (SuppressionKind::Email, email, "the contact's e-mail"));
    let checks = [
        Some((device_kind, device.value.as_str(), "the device")),
        client_id,
        email,
    ];
    for (kind, value, what) in checks.into_iter().flatten() {
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

/// The suppression list kind as SPEC §2 writes it.
fn kind_name(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Phone => "PHONE",
        SuppressionKind::Email => "EMAIL",
        SuppressionKind::ClientId => "CLIENT_ID",
    }
}

/// Device restrictions of automated modes: consent for mobiles, flagged numbers.
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
