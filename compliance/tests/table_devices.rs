//! Tables for the rules time does not lift (SPEC §3.1, §3.4, §3.5):
//! suppression by device, client id or contact e-mail per channel (with
//! expiry), device restrictions of every automated mode, and the emergency
//! stop. Their refusals never carry a `nextAllowedAt`, and a refusal lists
//! every refusing rule, time-based ones included.

mod common;

use chrono::TimeDelta;
use chrono_tz::America::Chicago;
use common::table::{Row, check, row};
use common::{Lists, history, landline, local};
use compliance::{CallResult, Channel, DeviceType, DialMode, RuleKind, RuleSet, SuppressionKind};

use RuleKind::{
    AttemptLimit, CallingWindow, EmergencyStop, Holiday, MobileConsent, Ported, Reassigned,
    Suppression,
};

/// Tuesday 2026-01-13 12:00 in Chicago.
fn noon() -> chrono::DateTime<chrono::Utc> {
    local(Chicago, 2026, 1, 13, 12, 0)
}

/// Suppression of the device, the client id or the contact's e-mail, on the channel of the attempt only, while the entry has not expired; a suppressed attempt outside the window lists both rules and has no `nextAllowedAt`.
#[test]
fn suppression_table() {
    let rules = RuleSet::defaults();
    let mut device = landline(&[Chicago]);
    device.contact_email = Some("a@example.com".into());
    device.consent_automated = true;
    let mut email = landline(&[]);
    email.value = "a@example.com".into();
    email.client_id = None;
    let list = |kind, value: &str, channel| Lists::default().with(kind, value, channel, "listed");
    let expiring = |hours: i64| {
        Lists::default().expiring(
            SuppressionKind::Phone,
            "+13125550100",
            Channel::Voice,
            noon() + TimeDelta::hours(hours),
        )
    };
    let on = |name: &str, lists: Lists| row(name, &rules, &device, noon()).lists(lists);
    use SuppressionKind::{ClientId, Email, Phone};
    let rows = vec![
        on("on no list", Lists::default()),
        on(
            "another number is listed",
            list(Phone, "+13125550199", Channel::Voice),
        ),
        on(
            "device on a voice list",
            list(Phone, "+13125550100", Channel::Voice),
        )
        .refused(&[Suppression], None),
        on(
            "device on a voice list, texting",
            list(Phone, "+13125550100", Channel::Voice),
        )
        .mode(DialMode::Sms),
        on(
            "device on an SMS list, texting",
            list(Phone, "+13125550100", Channel::Sms),
        )
        .mode(DialMode::Sms)
        .refused(&[Suppression], None),
        on(
            "device on an SMS list, calling",
            list(Phone, "+13125550100", Channel::Sms),
        ),
        on(
            "client id on a voice list",
            list(ClientId, "C-1", Channel::Voice),
        )
        .refused(&[Suppression], None),
        on(
            "client id on an e-mail list, calling",
            list(ClientId, "C-1", Channel::Email),
        ),
        on(
            "contact e-mail on a voice list, calling",
            list(Email, "a@example.com", Channel::Voice),
        )
        .refused(&[Suppression], None),
        on(
            "contact e-mail on an e-mail list, calling",
            list(Email, "a@example.com", Channel::Email),
        ),
        row(
            "address on an e-mail list, e-mailing",
            &rules,
            &email,
            noon(),
        )
        .mode(DialMode::Email)
        .lists(list(Email, "a@example.com", Channel::Email))
        .refused(&[Suppression], None),
        on("expired an hour ago", expiring(-1)),
        on("expires in an hour", expiring(1)).refused(&[Suppression], None),
        row(
            "suppressed at 22:00: both, no next",
            &rules,
            &device,
            local(Chicago, 2026, 1, 13, 22, 0),
        )
        .lists(list(Phone, "+13125550100", Channel::Voice))
        .refused(&[Suppression, CallingWindow], None),
    ];
    check(rows);
}

/// Every automated mode (PREDICTIVE, POWER, AGENTLESS, SMS) × mobile / landline / unknown type × consent: refused without consent unless the device is a landline; PREVIEW and PROGRESSIVE never; reassigned and ported numbers refused for automated modes only; no `nextAllowedAt`.
#[test]
fn device_restriction_table() {
    let rules = RuleSet::defaults();
    let mut unknown_is_landline = RuleSet::defaults();
    unknown_is_landline
        .device_restrictions
        .unknown_type_is_mobile = false;
    let mut no_consent_rule = RuleSet::defaults();
    no_consent_rule.device_restrictions.mobile_requires_consent = false;
    // (mode, automated by SPEC §3.4)
    let modes = [
        (DialMode::Preview, false),
        (DialMode::Progressive, false),
        (DialMode::Predictive, true),
        (DialMode::Power, true),
        (DialMode::Agentless, true),
        (DialMode::Sms, true),
    ];
    // (device type, consent, refused when automated)
    let devices = [
        (DeviceType::Mobile, false, true),
        (DeviceType::Mobile, true, false),
        (DeviceType::Landline, false, false),
        (DeviceType::Landline, true, false),
        (DeviceType::Unknown, false, true),
        (DeviceType::Unknown, true, false),
    ];
    let mut rows: Vec<Row> = Vec::new();
    for (mode, automated) in modes {
        for (device_type, consent, refused_when_automated) in devices {
            let mut device = landline(&[Chicago]);
            device.device_type = device_type;
            device.consent_automated = consent;
            let name = format!("{mode:?} {device_type:?} consent={consent}");
            let entry = row(&name, &rules, &device, noon()).mode(mode);
            rows.push(if automated && refused_when_automated {
                entry.refused(&[MobileConsent], None)
            } else {
                entry
            });
        }
        let mut flagged = landline(&[Chicago]);
        flagged.reassigned = true;
        let reassigned = row(&format!("{mode:?} reassigned"), &rules, &flagged, noon()).mode(mode);
        flagged.reassigned = false;
        flagged.ported = true;
        let ported = row(&format!("{mode:?} ported"), &rules, &flagged, noon()).mode(mode);
        flagged.reassigned = true;
        let both = row(
            &format!("{mode:?} reassigned and ported"),
            &rules,
            &flagged,
            noon(),
        )
        .mode(mode);
        if automated {
            rows.push(reassigned.refused(&[Reassigned], None));
            rows.push(ported.refused(&[Ported], None));
            rows.push(both.refused(&[Reassigned, Ported], None));
        } else {
            rows.extend([reassigned, ported, both]);
        }
    }
    let mut unknown = landline(&[Chicago]);
    unknown.device_type = DeviceType::Unknown;
    let mut mobile = landline(&[Chicago]);
    mobile.device_type = DeviceType::Mobile;
    let mut everything = mobile.clone();
    everything.reassigned = true;
    everything.ported = true;
    let late = local(Chicago, 2026, 1, 13, 22, 0);
    rows.extend([
        row(
            "unknown type treated as landline",
            &unknown_is_landline,
            &unknown,
            noon(),
        )
        .mode(DialMode::Predictive),
        row("no consent rule", &no_consent_rule, &mobile, noon()).mode(DialMode::Power),
        row(
            "e-mail is not an automated mode",
            &rules,
            &everything,
            noon(),
        )
        .mode(DialMode::Email),
        row(
            "every device rule and the window at 22:00",
            &rules,
            &everything,
            late,
        )
        .mode(DialMode::Predictive)
        .refused(&[MobileConsent, Reassigned, Ported, CallingWindow], None),
    ]);
    check(rows);
}

/// The emergency stop refuses every mode with no `nextAllowedAt`, and is listed together with every other refusing rule (window, holiday, attempt limit, suppression).
#[test]
fn emergency_stop_table() {
    let mut stopped = RuleSet::defaults();
    stopped.emergency_stop = true;
    let mut stopped_on_a_holiday = stopped.clone();
    stopped_on_a_holiday.calling_windows.holidays =
        vec![chrono::NaiveDate::from_ymd_opt(2026, 1, 13).expect("date")];
    let mut device = landline(&[Chicago]);
    device.consent_automated = true;
    let mut email = device.clone();
    email.value = "a@example.com".into();
    let late = local(Chicago, 2026, 1, 13, 22, 0);
    let abandoned = history(&[(late - TimeDelta::hours(1), CallResult::Abandoned)]);
    let listed = Lists::default().with(
        SuppressionKind::ClientId,
        "C-1",
        Channel::Voice,
        "litigation",
    );
    let mut rows: Vec<Row> = [
        DialMode::Preview,
        DialMode::Progressive,
        DialMode::Predictive,
        DialMode::Power,
        DialMode::Agentless,
        DialMode::Sms,
    ]
    .into_iter()
    .map(|mode| {
        row(&format!("stopped, {mode:?}"), &stopped, &device, noon())
            .mode(mode)
            .refused(&[EmergencyStop], None)
    })
    .collect();
    rows.extend([
        row("stopped, e-mail", &stopped, &email, noon())
            .mode(DialMode::Email)
            .refused(&[EmergencyStop], None),
        row("not stopped", &RuleSet::defaults(), &device, noon()),
        row("stopped and outside the window", &stopped, &device, late)
            .refused(&[EmergencyStop, CallingWindow], None),
        row(
            "stopped, holiday, window, attempt limit, suppression",
            &stopped_on_a_holiday,
            &device,
            late,
        )
        .history(abandoned)
        .lists(listed)
        .refused(
            &[
                EmergencyStop,
                Suppression,
                Holiday,
                CallingWindow,
                AttemptLimit,
            ],
            None,
        ),
    ]);
    check(rows);
}
