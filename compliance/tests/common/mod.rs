//! Helpers shared by the compliance tests: instants, devices, a suppression
//! view and a dialing history in memory.

#![allow(dead_code)]

pub mod table;

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use compliance::{
    Attempt, AttemptLog, CallResult, Channel, DeviceFacts, DeviceType, Suppression, SuppressionKind,
};

/// A UTC instant from its parts.
pub fn utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("a valid UTC time")
}

/// The UTC instant of an unambiguous local time in `zone`.
pub fn local(zone: Tz, year: i32, month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(year, month, day, hour, minute, 0)
        .single()
        .expect("an unambiguous local time")
        .with_timezone(&Utc)
}

/// A landline in the given zones, with a client id: only windows and attempts apply.
pub fn landline(zones: &[Tz]) -> DeviceFacts {
    DeviceFacts {
        value: "+13125550100".into(),
        device_type: DeviceType::Landline,
        zones: zones.to_vec(),
        client_id: Some("C-1".into()),
        ..DeviceFacts::default()
    }
}

/// One suppression entry: kind, value, channel, expiry, reason.
pub type Entry = (
    SuppressionKind,
    String,
    Channel,
    Option<DateTime<Utc>>,
    String,
);

/// Suppressed values with their reasons, valid until an optional expiry.
#[derive(Debug, Clone, Default)]
pub struct Lists {
    pub entries: Vec<Entry>,
}

impl Lists {
    pub fn with(
        mut self,
        kind: SuppressionKind,
        value: &str,
        channel: Channel,
        reason: &str,
    ) -> Self {
        self.entries
            .push((kind, value.into(), channel, None, reason.into()));
        self
    }

    pub fn expiring(
        mut self,
        kind: SuppressionKind,
        value: &str,
        channel: Channel,
        until: DateTime<Utc>,
    ) -> Self {
        self.entries
            .push((kind, value.into(), channel, Some(until), "expiring".into()));
        self
    }
}

impl Suppression for Lists {
    fn is_suppressed(
        &self,
        kind: SuppressionKind,
        value: &str,
        channel: Channel,
        at: DateTime<Utc>,
    ) -> Option<String> {
        self.entries
            .iter()
            .find(|(k, v, c, until, _)| {
                *k == kind && v == value && *c == channel && until.is_none_or(|u| at < u)
            })
            .map(|(_, _, _, _, reason)| reason.clone())
    }
}

/// A history of attempts to the landline's number and client id.
pub fn history(attempts: &[(DateTime<Utc>, CallResult)]) -> AttemptLog {
    AttemptLog {
        attempts: attempts
            .iter()
            .map(|&(at, result)| Attempt {
                at,
                device: "+13125550100".into(),
                client_id: Some("C-1".into()),
                custom_keys: BTreeMap::new(),
                result,
            })
            .collect(),
    }
}

/// The rules of a decision's refusals, in order.
pub fn kinds(decision: &compliance::Decision) -> Vec<compliance::RuleKind> {
    decision
        .refusals
        .iter()
        .map(|refusal| refusal.rule)
        .collect()
}
