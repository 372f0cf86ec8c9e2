//! Device restrictions, emergency stop, suppression, and several refusals at once.

mod common;

use chrono::TimeDelta;
use chrono_tz::America::Chicago;
use common::{Lists, history, kinds, landline, local};
use compliance::{
    AttemptLog, CallResult, Channel, DeviceType, DialMode, NoSuppression, RuleKind, RuleSet,
    SuppressionKind, decide,
};

const ALL_MODES: [DialMode; 7] = [
    DialMode::Preview,
    DialMode::Progressive,
    DialMode::Predictive,
    DialMode::Power,
    DialMode::Agentless,
    DialMode::Sms,
    DialMode::Email,
];

fn noon() -> chrono::DateTime<chrono::Utc> {
    local(Chicago, 2025, 1, 14, 12, 0)
}

/// Automated modes to a mobile (or unknown) device without consent are refused, with no nextAllowedAt; other modes are not.
#[test]
fn mobile_without_consent_is_refused_in_automated_modes_only() {
    let rules = RuleSet::defaults();
    // (device type, consent, mode, allowed); SPEC §3.4: PREDICTIVE, POWER, AGENTLESS, SMS are automated.
    let automated = [
        DialMode::Predictive,
        DialMode::Power,
        DialMode::Agentless,
        DialMode::Sms,
    ];
    for mode in ALL_MODES {
        if mode == DialMode::Email {
            continue;
        }
        for (device_type, consent) in [
            (DeviceType::Mobile, false),
            (DeviceType::Mobile, true),
            (DeviceType::Landline, false),
            (DeviceType::Unknown, false),
            (DeviceType::Unknown, true),
        ] {
            let mut device = landline(&[Chicago]);
            device.device_type = device_type;
            device.consent_automated = consent;
            let decision = decide(
                &rules,
                &device,
                mode,
                &NoSuppression,
                &AttemptLog::default(),
                noon(),
            );
            let expected =
                !(automated.contains(&mode) && device_type != DeviceType::Landline && !consent);
            assert_eq!(
                decision.allowed, expected,
                "{mode:?} {device_type:?} consent={consent}"
            );
            if !expected {
                assert_eq!(kinds(&decision), [RuleKind::MobileConsent]);
                assert_eq!(
                    decision.next_allowed_at, None,
                    "waiting does not bring consent"
                );
            }
        }
    }
    let mut mobile = landline(&[Chicago]);
    mobile.device_type = DeviceType::Mobile;
    let decision = decide(
        &rules,
        &mobile,
        DialMode::Predictive,
        &NoSuppression,
        &AttemptLog::default(),
        noon(),
    );
    assert_eq!(
        decision.refusals[0].reason,
        "PREDICTIVE is an automated mode and a mobile device has no consent for it"
    );
}

/// Reassigned and ported numbers are refused for automated modes only, both listed.
#[test]
fn reassigned_and_ported_numbers_are_refused_for_automated_modes() {
    let rules = RuleSet::defaults();
    let mut device = landline(&[Chicago]);
    device.reassigned = true;
    device.ported = true;
    let decision = decide(
        &rules,
        &device,
        DialMode::Power,
        &NoSuppression,
        &AttemptLog::default(),
        noon(),
    );
    assert_eq!(kinds(&decision), [RuleKind::Reassigned, RuleKind::Ported]);
    assert_eq!(decision.next_allowed_at, None);
    assert!(
        decide(
            &rules,
            &device,
            DialMode::Preview,
            &NoSuppression,
            &AttemptLog::default(),
            noon()
        )
        .allowed
    );
    assert!(
        decide(
            &rules,
            &device,
            DialMode::Progressive,
            &NoSuppression,
            &AttemptLog::default(),
            noon()
        )
        .allowed
    );
}

/// The emergency stop refuses every dialing mode, with no nextAllowedAt.
#[test]
fn emergency_stop_refuses_every_mode() {
    let mut rules = RuleSet::defaults();
    rules.emergency_stop = true;
    for mode in ALL_MODES {
        let mut device = landline(&[Chicago]);
        device.consent_automated = true;
        let decision = decide(
            &rules,
            &device,
            mode,
            &NoSuppression,
            &AttemptLog::default(),
            noon(),
        );
        assert!(!decision.allowed, "{mode:?}");
        assert_eq!(kinds(&decision), [RuleKind::EmergencyStop]);
        assert_eq!(decision.next_allowed_at, None);
    }
}

/// Suppression applies by device, client id and contact e-mail, per channel, until the entry expires.
#[test]
fn suppression_by_device_client_id_and_email_per_channel() {
    let rules = RuleSet::defaults();
    let device = landline(&[Chicago]);
    let lists = Lists::default().with(
        SuppressionKind::Phone,
        "+13125550100",
        Channel::Voice,
        "customer asked (agent request)",
    );
    let decision = decide(
        &rules,
        &device,
        DialMode::Preview,
        &lists,
        &AttemptLog::default(),
        noon(),
    );
    assert_eq!(kinds(&decision), [RuleKind::Suppression]);
    assert_eq!(
        decision.refusals[0].reason,
        "the device is on a PHONE suppression list for voice: customer asked (agent request)"
    );
    assert_eq!(decision.next_allowed_at, None);
    // The voice list does not stop a text.
    let mut texting = device.clone();
    texting.consent_automated = true;
    assert!(
        decide(
            &rules,
            &texting,
            DialMode::Sms,
            &lists,
            &AttemptLog::default(),
            noon()
        )
        .allowed
    );

    let by_client = Lists::default().with(
        SuppressionKind::ClientId,
        "C-1",
        Channel::Voice,
        "litigation",
    );
    assert!(
        !decide(
            &rules,
            &device,
            DialMode::Preview,
            &by_client,
            &AttemptLog::default(),
            noon()
        )
        .allowed
    );

    let mut emailing = landline(&[]);
    emailing.value = "a@example.com".into();
    emailing.client_id = None;
    let by_email = Lists::default().with(
        SuppressionKind::Email,
        "a@example.com",
        Channel::Email,
        "unsubscribed",
    );
    let decision = decide(
        &rules,
        &emailing,
        DialMode::Email,
        &by_email,
        &AttemptLog::default(),
        noon(),
    );
    assert_eq!(
        decision.refusals.len(),
        1,
        "the same address is checked once"
    );

    let mut with_email = device.clone();
    with_email.contact_email = Some("a@example.com".into());
    let email_voice = Lists::default().with(
        SuppressionKind::Email,
        "a@example.com",
        Channel::Voice,
        "STOP",
    );
    assert!(
        !decide(
            &rules,
            &with_email,
            DialMode::Preview,
            &email_voice,
            &AttemptLog::default(),
            noon()
        )
        .allowed
    );

    // An expired entry no longer suppresses.
    let expired = Lists::default().expiring(
        SuppressionKind::Phone,
        "+13125550100",
        Channel::Voice,
        noon() - TimeDelta::hours(1),
    );
    assert!(
        decide(
            &rules,
            &device,
            DialMode::Preview,
            &expired,
            &AttemptLog::default(),
            noon()
        )
        .allowed
    );
}

/// Every refusing rule is listed; with only time-based refusals nextAllowedAt is the later reopening.
#[test]
fn every_refusing_rule_is_listed() {
    let mut rules = RuleSet::defaults();
    rules.emergency_stop = true;
    let mut device = landline(&[Chicago]);
    device.device_type = DeviceType::Mobile;
    device.reassigned = true;
    let lists = Lists::default().with(
        SuppressionKind::ClientId,
        "C-1",
        Channel::Voice,
        "litigation",
    );
    let late = local(Chicago, 2025, 1, 14, 22, 0);
    let attempts = history(&[(late - TimeDelta::hours(1), CallResult::Abandoned)]);
    let decision = decide(
        &rules,
        &device,
        DialMode::Predictive,
        &lists,
        &attempts,
        late,
    );
    assert_eq!(
        kinds(&decision),
        [
            RuleKind::EmergencyStop,
            RuleKind::Suppression,
            RuleKind::MobileConsent,
            RuleKind::Reassigned,
            RuleKind::CallingWindow,
            RuleKind::AttemptLimit,
        ]
    );
    assert_eq!(decision.next_allowed_at, None);
    // Only time-based refusals: the later of the two reopenings.
    rules.emergency_stop = false;
    let decision = decide(
        &rules,
        &landline(&[Chicago]),
        DialMode::Preview,
        &NoSuppression,
        &attempts,
        late,
    );
    assert_eq!(
        kinds(&decision),
        [RuleKind::CallingWindow, RuleKind::AttemptLimit]
    );
    // Abandoned at 21:00 on the 14th: free at 21:00 on the 17th, after the window closed → 08:00 on the 18th.
    assert_eq!(
        decision.next_allowed_at,
        Some(local(Chicago, 2025, 1, 18, 8, 0))
    );
}
