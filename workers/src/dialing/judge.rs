//! One way to decide, for `checkNumber` and the dialers alike: a number's
//! facts from the numbering data, the suppression view and the dialing
//! history gathered for a whole batch at once, then the pure engine.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use compliance::{
    AttemptPeriod, Decision, DeviceFacts, DeviceType as RuleDeviceType, DialMode, RuleSet,
};
use domain::suppression::SuppressionKind;
use domain::{DeviceType, PhoneNumber};
use uuid::Uuid;

use super::attempts::{self, CountKey};
use crate::suppression::{SuppressionView, list_channel};
use crate::{ServiceError, Services};

/// Who a number belongs to, as far as the rules care.
#[derive(Debug, Clone, Default)]
pub struct Person {
    /// The customer's own key.
    pub client_id: Option<String>,
    /// The contact's e-mail.
    pub email: Option<String>,
    /// Consent to automated calls or texts to a mobile.
    pub consent: bool,
    /// A contact-level zone (the record's own), used when the tenant prefers it.
    pub contact_zone: Option<Tz>,
    /// Custom keys the attempt rules count by, with their values.
    pub custom: Vec<(String, String)>,
}

/// A number placed by the numbering data.
#[derive(Debug, Clone)]
pub struct Located {
    /// What the engine decides on.
    pub device: DeviceFacts,
    /// The single region, when there is exactly one.
    pub region: Option<String>,
    /// MOBILE, LANDLINE or UNKNOWN after the wireless blocks were consulted.
    pub device_type: DeviceType,
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.trim().is_empty())
}

/// Places `number` with the numbering data in use and attaches the person.
pub fn locate(services: &Services, number: &PhoneNumber, person: Person) -> Located {
    let data = services.compliance_data.current();
    let location = data.locate_phone(number.country_code(), number.area_code(), number.country());
    let mut regions: Vec<String> = location.regions.to_vec();
    if let Some(region) = location.region
        && !regions.iter().any(|known| known == region)
    {
        regions.push(region.to_owned());
    }
    let zones: Vec<Tz> = location
        .zones
        .iter()
        .filter_map(|zone| zone.parse::<Tz>().ok())
        .collect();
    let flags = data.flags(number.e164());
    let device_type = match number.device_type() {
        DeviceType::Unknown if data.is_wireless(number.e164()) => DeviceType::Mobile,
        known => known,
    };
    let custom_keys = person.custom.into_iter().collect();
    Located {
        device: DeviceFacts {
            value: number.e164().to_owned(),
            device_type: match device_type {
                DeviceType::Mobile => RuleDeviceType::Mobile,
                DeviceType::Landline => RuleDeviceType::Landline,
                DeviceType::Unknown => RuleDeviceType::Unknown,
            },
            regions,
            zones,
            contact_zones: person.contact_zone.into_iter().collect(),
            consent_automated: person.consent,
            reassigned: flags.reassigned,
            ported: flags.ported,
            client_id: non_blank(person.client_id),
            contact_email: non_blank(person.email),
            custom_keys,
        },
        region: location.region.map(str::to_owned),
        device_type,
    }
}

/// How far back the rules look at dialing history: the longest rolling
/// period, or two days for "today" (a local day seen from any zone).
pub fn horizon(rules: &RuleSet) -> TimeDelta {
    let hours = rules
        .attempt_rules
        .iter()
        .map(|rule| match rule.period {
            AttemptPeriod::Rolling { hours } => i64::from(hours),
            AttemptPeriod::Today => 50,
        })
        .max()
        .unwrap_or(1);
    TimeDelta::hours(hours.max(1))
}

/// One decision with the suppression facts it was made on.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The engine's answer.
    pub decision: Decision,
    /// The suppression lookups (for `suppressed`).
    pub suppression: SuppressionView,
}

/// Decides every (device, mode) under `rules` at `at`: suppression per
/// device, the attempts of every device's keys in one history read.
pub async fn judge(
    services: &Services,
    tenant_id: Uuid,
    rules: &RuleSet,
    items: &[(DeviceFacts, DialMode)],
    at: DateTime<Utc>,
) -> Result<Vec<Judged>, ServiceError> {
    let mut views = Vec::with_capacity(items.len());
    let mut keys: Vec<Vec<CountKey>> = Vec::with_capacity(items.len());
    for (device, mode) in items {
        let device_kind = if mode.channel() == compliance::Channel::Email {
            SuppressionKind::Email
        } else {
            SuppressionKind::Phone
        };
        let mut values = vec![(device_kind, device.value.as_str())];
        if let Some(client_id) = device.client_id.as_deref() {
            values.push((SuppressionKind::ClientId, client_id));
        }
        if let Some(email) = device.contact_email.as_deref() {
            values.push((SuppressionKind::Email, email));
        }
        let channel = list_channel(mode.channel());
        // Device values come from `PhoneNumber::e164` (see `locate`) or are
        // lower-cased addresses (`campaigns::lease::facts_of`).
        views.push(SuppressionView::load_canonical(services, tenant_id, channel, &values).await?);
        let custom: Vec<(String, String)> = device
            .custom_keys
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        keys.push(attempts::count_keys(
            &device.value,
            device.client_id.as_deref(),
            &custom,
        ));
    }
    let histories = attempts::load(services, tenant_id, &keys, at - horizon(rules)).await?;
    Ok(items
        .iter()
        .zip(views)
        .zip(histories)
        .map(|(((device, mode), view), history)| Judged {
            decision: compliance::decide(rules, device, *mode, &view, &history, at),
            suppression: view,
        })
        .collect())
}
