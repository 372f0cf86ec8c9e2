//! Every rule's verdict on one decision, for people: the "check a number"
//! tool shows each rule of the set, whether it applies to the mode, and
//! whether it allowed or refused, not only the refusals.

use serde::Serialize;

use crate::decide::{Decision, RuleKind, resolve_zones};
use crate::facts::{DeviceFacts, DialMode};
use crate::rules::RuleSet;

/// One rule's verdict on an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// Which rule.
    pub rule: RuleKind,
    /// Its name for people (an attempt rule's own name).
    pub name: String,
    /// Whether the rule applies to this mode and channel at all.
    pub applies: bool,
    /// `false` when the rule refused the attempt.
    pub allowed: bool,
    /// The refusal's reason, or what was checked when it allowed.
    pub detail: String,
}

/// The verdict of every rule of `rules` on `decision`, which [`crate::decide`]
/// made for `device` in `mode`: refusals as reasons, the rest as what passed.
pub fn explain(
    rules: &RuleSet,
    device: &DeviceFacts,
    mode: DialMode,
    decision: &Decision,
) -> Vec<Verdict> {
    let channel = mode.channel();
    let refused = |kind: RuleKind, name: Option<&str>| -> Vec<&str> {
        decision
            .refusals
            .iter()
            .filter(|refusal| refusal.rule == kind && name.is_none_or(|name| refusal.name == name))
            .map(|refusal| refusal.reason.as_str())
            .collect()
    };
    let verdict = |kind: RuleKind, name: &str, applies: bool, passed: String| {
        let reasons = refused(kind, (kind == RuleKind::AttemptLimit).then_some(name));
        Verdict {
            rule: kind,
            name: name.to_owned(),
            applies,
            allowed: reasons.is_empty(),
            detail: if !applies {
                format!("does not apply to {}", mode.name())
            } else if reasons.is_empty() {
                passed
            } else {
                reasons.join("; ")
            },
        }
    };
    let windows_apply = rules.calling_windows.applies_to.contains(&channel);
    let zones: Vec<&str> = resolve_zones(rules, device)
        .iter()
        .map(|zone| zone.name())
        .collect();
    let zone_list = zones.join(", ");
    let restrictions = &rules.device_restrictions;
    let automated = restrictions.automated_modes.contains(&mode);

    let mut verdicts = vec![
        verdict(
            RuleKind::EmergencyStop,
            RuleKind::EmergencyStop.label(),
            true,
            "the emergency stop is off".to_owned(),
        ),
        verdict(
            RuleKind::Suppression,
            RuleKind::Suppression.label(),
            true,
            format!("not on an active suppression list for {}", channel.name()),
        ),
        verdict(
            RuleKind::TimeZoneUnknown,
            RuleKind::TimeZoneUnknown.label(),
            windows_apply,
            format!("local time read in {zone_list}"),
        ),
        verdict(
            RuleKind::CallingWindow,
            RuleKind::CallingWindow.label(),
            windows_apply,
            format!("inside the calling window in {zone_list}"),
        ),
        verdict(
            RuleKind::Holiday,
            RuleKind::Holiday.label(),
            windows_apply,
            format!("not a holiday blackout in {zone_list}"),
        ),
    ];
    for rule in &rules.attempt_rules {
        let required = if rule.required {
            ""
        } else {
            " (optional rule)"
        };
        verdicts.push(verdict(
            RuleKind::AttemptLimit,
            &rule.name,
            rule.channels.contains(&channel),
            format!("fewer than {} counted attempts{required}", rule.limit),
        ));
    }
    verdicts.extend([
        verdict(
            RuleKind::MobileConsent,
            RuleKind::MobileConsent.label(),
            automated && restrictions.mobile_requires_consent,
            "a landline, or consent was given".to_owned(),
        ),
        verdict(
            RuleKind::Reassigned,
            RuleKind::Reassigned.label(),
            automated && restrictions.refuse_reassigned,
            "not flagged as reassigned".to_owned(),
        ),
        verdict(
            RuleKind::Ported,
            RuleKind::Ported.label(),
            automated && restrictions.refuse_ported,
            "not flagged as ported".to_owned(),
        ),
    ]);
    verdicts
}
