//! What a campaign template and a campaign say about dialling, and the checks
//! that refuse a setting that could not run (every problem names its field).

use chrono::{NaiveTime, Weekday};
use compliance::DialMode;
use domain::ValidationError;
use domain::import::{DeviceKind, MAX_CUSTOM_FIELDS};
use domain::selection::CONTACT_FIELDS;
use serde::{Deserialize, Serialize};

use crate::layout::DEFAULT_DEVICE_ORDER;
use crate::treatments::Treatments;

/// Most sort fields a campaign's record order may have.
pub const MAX_SORT_FIELDS: usize = 4;

/// Which calls the abandon rate divides by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AbandonCounting {
    /// Abandoned ÷ calls answered by a person (the FTC's measure).
    #[default]
    AnsweredCalls,
    /// Abandoned ÷ every call placed.
    AllCalls,
}

/// How fast a dialer may go and how many dropped calls it may cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pacing {
    /// Lines dialled per available agent (POWER, PREDICTIVE): 1 to 10.
    pub lines_per_agent: f64,
    /// The abandon rate not to exceed, as a fraction (0.03 = 3 %).
    pub target_abandon_rate: f64,
    /// An answered call not given to an agent within this many seconds is abandoned.
    pub abandon_threshold_seconds: u32,
    /// Which calls the rate divides by.
    pub abandon_counting: AbandonCounting,
    /// The period the rate is measured over, in minutes (the FTC: 30 days).
    pub abandon_window_minutes: u32,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            lines_per_agent: 1.0,
            target_abandon_rate: 0.03,
            abandon_threshold_seconds: 2,
            abandon_counting: AbandonCounting::AnsweredCalls,
            abandon_window_minutes: 30 * 24 * 60,
        }
    }
}

/// Hours of the week in which the campaign may hand out records, in one zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// IANA zone the hours are read in.
    pub time_zone: String,
    /// Days it runs (empty: every day).
    #[serde(default)]
    pub days: Vec<Weekday>,
    /// Daily start, `HH:MM`.
    pub from: NaiveTime,
    /// Daily end, `HH:MM` (exclusive).
    pub till: NaiveTime,
}

/// A narrower daily window in each device's own time: it can only take away
/// from the compliance window, never add to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Local start.
    pub from: NaiveTime,
    /// Local end (exclusive).
    pub till: NaiveTime,
}

/// How several lists share a campaign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ListMix {
    /// Records of the lists interleaved in proportion to their weights.
    #[default]
    Weighted,
    /// Every record of the first list, then the second, …
    Ordered,
}

/// One key of a campaign's record order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SortField {
    /// A contact field (`lastName`, `postalCode`, …) or a custom one (`other3`).
    pub field: String,
    /// Largest first.
    #[serde(default)]
    pub descending: bool,
}

impl SortField {
    /// Refuses an unknown field.
    pub fn check(&self) -> Result<(), ValidationError> {
        let custom = self
            .field
            .strip_prefix("other")
            .and_then(|digits| digits.parse::<u8>().ok())
            .is_some_and(|n| {
                (1..=MAX_CUSTOM_FIELDS).contains(&n) && self.field == format!("other{n}")
            });
        if CONTACT_FIELDS.contains(&self.field.as_str()) || custom {
            Ok(())
        } else {
            Err(ValidationError::new(
                "recordOrder",
                format!(
                    "cannot sort by {:?}: use a contact field ({}) or other1…other{MAX_CUSTOM_FIELDS}",
                    self.field,
                    CONTACT_FIELDS.join(", ")
                ),
            ))
        }
    }
}

/// Checks a record order: at most four known fields, none twice.
pub fn check_record_order(order: &[SortField]) -> Result<(), ValidationError> {
    if order.len() > MAX_SORT_FIELDS {
        return Err(ValidationError::new(
            "recordOrder",
            format!("has {} fields; at most {MAX_SORT_FIELDS}", order.len()),
        ));
    }
    for (index, field) in order.iter().enumerate() {
        field.check()?;
        if order[..index]
            .iter()
            .any(|earlier| earlier.field == field.field)
        {
            return Err(ValidationError::new(
                "recordOrder",
                format!("names {:?} twice", field.field),
            ));
        }
    }
    Ok(())
}

/// A template's dialling settings, stored as one JSON document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSettings {
    /// How records are dialled; picks the channel and the consent rules.
    pub dialing_mode: DialMode,
    /// Pacing and the abandon-rate target.
    #[serde(default)]
    pub pacing: Pacing,
    /// The number (or sender) shown to the called party.
    #[serde(default)]
    pub caller_id: Option<String>,
    /// The agent group that takes the calls.
    #[serde(default)]
    pub agent_group: Option<String>,
    /// When the campaign hands out records (none: whenever it runs).
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// A narrower daily window in each device's zone.
    #[serde(default)]
    pub time_window: Option<TimeWindow>,
    /// Names of optional attempt rules of the tenant's rule set this campaign adds.
    #[serde(default)]
    pub optional_rules: Vec<String>,
    /// What happens after each call result.
    #[serde(default)]
    pub treatments: Treatments,
    /// The order a contact's devices are tried in (a chain).
    #[serde(default = "default_device_order")]
    pub device_order: Vec<DeviceKind>,
    /// The message template an SMS or EMAIL campaign sends (required for those modes).
    #[serde(default)]
    pub message_template_id: Option<uuid::Uuid>,
    /// The most messages per second the campaign sends (none: no campaign cap).
    #[serde(default)]
    pub messages_per_second: Option<u32>,
}

/// The highest messages-per-second cap a campaign or a tenant may set.
pub const MAX_MESSAGES_PER_SECOND: u32 = 10_000;

fn default_device_order() -> Vec<DeviceKind> {
    DEFAULT_DEVICE_ORDER.to_vec()
}

impl TemplateSettings {
    /// Default settings for a mode.
    pub fn new(dialing_mode: DialMode) -> Self {
        Self {
            dialing_mode,
            pacing: Pacing::default(),
            caller_id: None,
            agent_group: None,
            schedule: None,
            time_window: None,
            optional_rules: Vec::new(),
            treatments: Treatments::default(),
            device_order: default_device_order(),
            message_template_id: None,
            messages_per_second: None,
        }
    }

    /// The device kinds this mode can use, in escalation order.
    pub fn usable_devices(&self) -> Vec<DeviceKind> {
        self.device_order
            .iter()
            .copied()
            .filter(|kind| kind_fits(self.dialing_mode, *kind))
            .collect()
    }

    /// Every problem with these settings, each naming its field.
    pub fn problems(&self) -> Vec<ValidationError> {
        let mut problems = Vec::new();
        let pacing = &self.pacing;
        if !(1.0..=10.0).contains(&pacing.lines_per_agent) {
            problems.push(ValidationError::new(
                "pacing.linesPerAgent",
                "must be between 1 and 10",
            ));
        }
        if !(0.0..=0.2).contains(&pacing.target_abandon_rate) {
            problems.push(ValidationError::new(
                "pacing.targetAbandonRate",
                "must be a fraction between 0 and 0.2 (0.03 is 3 %)",
            ));
        }
        if !(1..=60).contains(&pacing.abandon_threshold_seconds) {
            problems.push(ValidationError::new(
                "pacing.abandonThresholdSeconds",
                "must be 1 to 60 seconds",
            ));
        }
        if !(1..=60 * 24 * 31).contains(&pacing.abandon_window_minutes) {
            problems.push(ValidationError::new(
                "pacing.abandonWindowMinutes",
                "must be 1 minute to 31 days",
            ));
        }
        if let Some(caller_id) = &self.caller_id {
            let ok = match self.dialing_mode {
                DialMode::Email => caller_id.contains('@') && caller_id.len() <= 254,
                _ => {
                    let digits = caller_id.trim_start_matches('+');
                    (3..=15).contains(&digits.len())
                        && digits.chars().all(|c| c.is_ascii_alphanumeric())
                }
            };
            if !ok {
                problems.push(ValidationError::new(
                    "callerId",
                    "must be a phone number (3 to 15 digits or a short sender name), or an e-mail address for EMAIL",
                ));
            }
        }
        if let Some(schedule) = &self.schedule {
            if schedule.time_zone.parse::<chrono_tz::Tz>().is_err() {
                problems.push(ValidationError::new(
                    "schedule.timeZone",
                    format!("{:?} is not an IANA time zone", schedule.time_zone),
                ));
            }
            if schedule.till <= schedule.from && schedule.till != NaiveTime::MIN {
                problems.push(ValidationError::new(
                    "schedule.till",
                    "must be after from (00:00 means midnight at the end of the day)",
                ));
            }
        }
        if let Some(window) = &self.time_window
            && window.till <= window.from
            && window.till != NaiveTime::MIN
        {
            problems.push(ValidationError::new(
                "timeWindow.till",
                "must be after from (00:00 means midnight at the end of the day)",
            ));
        }
        if self.device_order.is_empty() {
            problems.push(ValidationError::new(
                "deviceOrder",
                "must list at least one device kind",
            ));
        }
        for (index, kind) in self.device_order.iter().enumerate() {
            if self.device_order[..index].contains(kind) {
                problems.push(ValidationError::new(
                    "deviceOrder",
                    format!("lists {} twice", kind.as_str()),
                ));
            }
        }
        if !self.device_order.is_empty() && self.usable_devices().is_empty() {
            problems.push(ValidationError::new(
                "deviceOrder",
                format!(
                    "has no device kind a {:?} campaign can use",
                    self.dialing_mode
                ),
            ));
        }
        let messages = matches!(self.dialing_mode, DialMode::Sms | DialMode::Email);
        if messages && self.message_template_id.is_none() {
            problems.push(ValidationError::new(
                "messageTemplateId",
                "is required for SMS and EMAIL campaigns: pick the message they send",
            ));
        }
        if !messages && self.message_template_id.is_some() {
            problems.push(ValidationError::new(
                "messageTemplateId",
                "is only for SMS and EMAIL campaigns",
            ));
        }
        if let Some(rate) = self.messages_per_second
            && !(1..=MAX_MESSAGES_PER_SECOND).contains(&rate)
        {
            problems.push(ValidationError::new(
                "messagesPerSecond",
                format!("must be 1 to {MAX_MESSAGES_PER_SECOND}"),
            ));
        }
        problems.extend(self.treatments.problems());
        problems
    }
}

/// Whether a device of `kind` can be reached in `mode`: voice modes call phones,
/// SMS texts mobiles and SMS numbers, e-mail writes to addresses.
pub fn kind_fits(mode: DialMode, kind: DeviceKind) -> bool {
    match mode {
        DialMode::Sms => matches!(kind, DeviceKind::Mobile | DeviceKind::Sms),
        DialMode::Email => kind == DeviceKind::Email,
        _ => !matches!(kind, DeviceKind::Sms | DeviceKind::Email),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_for_every_mode() {
        for mode in [
            DialMode::Preview,
            DialMode::Progressive,
            DialMode::Predictive,
            DialMode::Power,
            DialMode::Agentless,
            DialMode::Sms,
            DialMode::Email,
        ] {
            let mut settings = TemplateSettings::new(mode);
            if matches!(mode, DialMode::Sms | DialMode::Email) {
                assert_eq!(
                    settings.problems()[0].field,
                    "messageTemplateId",
                    "{mode:?}"
                );
                settings.message_template_id = Some(uuid::Uuid::nil());
            }
            assert!(settings.problems().is_empty(), "{mode:?}");
        }
    }

    #[test]
    fn problems_name_their_fields() {
        let mut settings = TemplateSettings::new(DialMode::Predictive);
        settings.pacing.target_abandon_rate = 0.5;
        settings.pacing.lines_per_agent = 0.0;
        settings.caller_id = Some("call me".into());
        settings.device_order = vec![DeviceKind::Email, DeviceKind::Email];
        settings.schedule = Some(Schedule {
            time_zone: "Mars/Olympus".into(),
            days: vec![],
            from: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            till: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        });
        let fields: Vec<&str> = settings.problems().iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "pacing.linesPerAgent",
                "pacing.targetAbandonRate",
                "callerId",
                "schedule.timeZone",
                "schedule.till",
                "deviceOrder",
                "deviceOrder"
            ]
        );
    }

    #[test]
    fn record_orders_are_checked() {
        let field = |name: &str| SortField {
            field: name.into(),
            descending: false,
        };
        assert!(check_record_order(&[field("lastName"), field("other3")]).is_ok());
        assert!(check_record_order(&[field("other0")]).is_err());
        assert!(check_record_order(&[field("salary")]).is_err());
        assert!(check_record_order(&[field("lastName"), field("lastName")]).is_err());
        let five: Vec<SortField> = ["clientId", "firstName", "lastName", "company", "country"]
            .into_iter()
            .map(field)
            .collect();
        assert!(check_record_order(&five).is_err());
    }

    #[test]
    fn modes_use_their_devices() {
        let sms = TemplateSettings::new(DialMode::Sms);
        assert_eq!(sms.usable_devices(), [DeviceKind::Mobile, DeviceKind::Sms]);
        let voice = TemplateSettings::new(DialMode::Power);
        assert_eq!(
            voice.usable_devices(),
            [
                DeviceKind::Mobile,
                DeviceKind::Home,
                DeviceKind::Work,
                DeviceKind::Other
            ]
        );
    }
}
