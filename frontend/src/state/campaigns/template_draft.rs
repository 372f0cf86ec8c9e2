//! The campaign template editor's model: the form's text as typed, checked
//! and turned into typed settings the API module sends (the treatments it
//! holds are `treatments`' rows; SMS and e-mail modes add the message
//! template and rate, and drop the hidden voice settings).

use crate::api::campaign_types::{AbandonCounting, CallResult, Weekday};
use crate::api::campaigns::campaign_templates::{
    CampaignTemplatesCampaignTemplates as Template,
    CampaignTemplatesCampaignTemplatesEffectiveTreatments as EffectiveTreatment,
};
use crate::api::compliance_types::DialMode;
use crate::api::error::FieldError;
use crate::api::schema_types::DeviceKind;
use crate::state::forms::field_error;
use crate::state::messaging::{channel_of_mode, parse_messages_per_second};

use super::treatments::{TreatmentRow, TreatmentSettings, treatment_settings};

/// The phone kinds a template orders, in the server's default order.
pub const DEFAULT_DEVICE_ORDER: [DeviceKind; 4] = [
    DeviceKind::Mobile,
    DeviceKind::Home,
    DeviceKind::Work,
    DeviceKind::Other,
];

/// A device kind as the device-order list says it.
pub fn device_kind_word(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Home => "Home phone",
        DeviceKind::Work => "Work phone",
        DeviceKind::Mobile => "Mobile phone",
        DeviceKind::Other => "Other phone",
        DeviceKind::Sms => "SMS number",
        DeviceKind::Email => "E-mail address",
    }
}

/// The template editor's form, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateDraft {
    /// Name, unique in the tenant.
    pub name: String,
    /// Optional description.
    pub description: String,
    /// How records are dialled.
    pub dialing_mode: DialMode,
    /// Lines per agent, 1 to 10.
    pub lines_per_agent: String,
    /// The target abandon rate in percent (the server takes a fraction).
    pub target_abandon_percent: String,
    /// Seconds before an unconnected call counts as abandoned.
    pub abandon_threshold_seconds: String,
    /// What the rate divides by.
    pub abandon_counting: AbandonCounting,
    /// The measuring window in minutes.
    pub abandon_window_minutes: String,
    /// The number shown to the called party.
    pub caller_id: String,
    /// The agent group.
    pub agent_group: String,
    /// Whether the schedule applies.
    pub has_schedule: bool,
    /// The schedule's IANA zone.
    pub schedule_zone: String,
    /// The schedule's days (none: every day).
    pub schedule_days: Vec<Weekday>,
    /// Daily start, HH:MM.
    pub schedule_from: String,
    /// Daily end, HH:MM.
    pub schedule_till: String,
    /// Whether the narrower time window applies.
    pub has_time_window: bool,
    /// Window start, HH:MM.
    pub window_from: String,
    /// Window end, HH:MM.
    pub window_till: String,
    /// Optional attempt rules by name, comma separated.
    pub optional_rules: String,
    /// The order devices are tried in.
    pub device_order: Vec<DeviceKind>,
    /// The template's own treatments.
    pub treatments: Vec<TreatmentRow>,
    /// SMS / EMAIL modes: the message template's id (blank: none chosen).
    pub message_template_id: String,
    /// SMS / EMAIL modes: the campaign's cap in messages per second (blank: none).
    pub messages_per_second: String,
}

impl Default for TemplateDraft {
    fn default() -> Self {
        TemplateDraft {
            name: String::new(),
            description: String::new(),
            dialing_mode: DialMode::Progressive,
            lines_per_agent: "1".into(),
            target_abandon_percent: "3".into(),
            abandon_threshold_seconds: "2".into(),
            abandon_counting: AbandonCounting::AnsweredCalls,
            abandon_window_minutes: "43200".into(),
            caller_id: String::new(),
            agent_group: String::new(),
            has_schedule: false,
            schedule_zone: "America/New_York".into(),
            schedule_days: Vec::new(),
            schedule_from: "09:00".into(),
            schedule_till: "17:00".into(),
            has_time_window: false,
            window_from: "09:00".into(),
            window_till: "20:00".into(),
            optional_rules: String::new(),
            device_order: DEFAULT_DEVICE_ORDER.to_vec(),
            treatments: Vec::new(),
            message_template_id: String::new(),
            messages_per_second: String::new(),
        }
    }
}

/// The schedule, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleSettings {
    /// IANA zone.
    pub time_zone: String,
    /// Days (empty: every day).
    pub days: Vec<Weekday>,
    /// HH:MM.
    pub from: String,
    /// HH:MM.
    pub till: String,
}

/// What the editor sends, typed; `api::campaigns` turns it into either mutation's input.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateSettings {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Dialing mode.
    pub dialing_mode: DialMode,
    /// Lines per agent.
    pub lines_per_agent: f64,
    /// Target abandon rate as a fraction.
    pub target_abandon_rate: f64,
    /// Abandon threshold.
    pub abandon_threshold_seconds: i64,
    /// What the rate divides by.
    pub abandon_counting: AbandonCounting,
    /// Window minutes.
    pub abandon_window_minutes: i64,
    /// Caller id.
    pub caller_id: Option<String>,
    /// Agent group.
    pub agent_group: Option<String>,
    /// Schedule.
    pub schedule: Option<ScheduleSettings>,
    /// Time window (from, till).
    pub time_window: Option<(String, String)>,
    /// Optional rule names.
    pub optional_rules: Vec<String>,
    /// Treatments.
    pub treatments: Vec<TreatmentSettings>,
    /// Device order.
    pub device_order: Vec<DeviceKind>,
    /// The message template sent (message modes only).
    pub message_template_id: Option<String>,
    /// The campaign's messages-per-second cap (message modes only).
    pub messages_per_second: Option<i64>,
}

impl TemplateDraft {
    /// The form filled from a saved template.
    pub fn from_template(template: &Template) -> TemplateDraft {
        let defaults = TemplateDraft::default();
        let (has_schedule, schedule_zone, schedule_days, schedule_from, schedule_till) =
            match &template.schedule {
                Some(schedule) => (
                    true,
                    schedule.time_zone.clone(),
                    schedule.days.clone(),
                    schedule.from.clone(),
                    schedule.till.clone(),
                ),
                None => (
                    false,
                    defaults.schedule_zone,
                    defaults.schedule_days,
                    defaults.schedule_from,
                    defaults.schedule_till,
                ),
            };
        let (has_time_window, window_from, window_till) = match &template.time_window {
            Some(window) => (true, window.from.clone(), window.till.clone()),
            None => (false, defaults.window_from, defaults.window_till),
        };
        let pacing = &template.pacing;
        TemplateDraft {
            name: template.name.clone(),
            description: template.description.clone().unwrap_or_default(),
            dialing_mode: template.dialing_mode,
            lines_per_agent: trim_number(pacing.lines_per_agent),
            target_abandon_percent: trim_number(pacing.target_abandon_rate * 100.0),
            abandon_threshold_seconds: pacing.abandon_threshold_seconds.to_string(),
            abandon_counting: pacing.abandon_counting,
            abandon_window_minutes: pacing.abandon_window_minutes.to_string(),
            caller_id: template.caller_id.clone().unwrap_or_default(),
            agent_group: template.agent_group.clone().unwrap_or_default(),
            has_schedule,
            schedule_zone,
            schedule_days,
            schedule_from,
            schedule_till,
            has_time_window,
            window_from,
            window_till,
            optional_rules: template.optional_rules.join(", "),
            device_order: template.device_order.clone(),
            treatments: template
                .treatments
                .iter()
                .map(|own| {
                    TreatmentRow::from_treatment(&EffectiveTreatment {
                        result: own.result,
                        kind: own.kind,
                        interval_minutes: own.interval_minutes,
                        increment_minutes: own.increment_minutes,
                        max_attempts: own.max_attempts,
                        at: own.at.clone(),
                        suppress_device: own.suppress_device,
                    })
                })
                .collect(),
            message_template_id: template
                .message_template
                .as_ref()
                .map(|message_template| message_template.id.clone())
                .unwrap_or_default(),
            messages_per_second: template
                .messages_per_second
                .map(|rate| rate.to_string())
                .unwrap_or_default(),
        }
    }

    /// The typed settings, or every problem found, each naming its field as
    /// the server does (`pacing.linesPerAgent`, `schedule.from`, …).
    pub fn to_settings(&self) -> Result<TemplateSettings, Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            problems.push(field_error("name", "Enter a name."));
        } else if name.chars().count() > 100 {
            problems.push(field_error("name", "At most 100 characters."));
        }
        let mut pacing_problems = Vec::new();
        let lines_per_agent = number_in(
            &self.lines_per_agent,
            1.0,
            10.0,
            "pacing.linesPerAgent",
            "A number from 1 to 10.",
            &mut pacing_problems,
        );
        let target_percent = number_in(
            &self.target_abandon_percent,
            0.0,
            100.0,
            "pacing.targetAbandonRate",
            "A percentage from 0 to 100.",
            &mut pacing_problems,
        );
        let threshold = whole_number_in(
            &self.abandon_threshold_seconds,
            1,
            60,
            "pacing.abandonThresholdSeconds",
            "Whole seconds from 1 to 60.",
            &mut pacing_problems,
        );
        let window = whole_number_in(
            &self.abandon_window_minutes,
            1,
            525_600,
            "pacing.abandonWindowMinutes",
            "Whole minutes, at least 1.",
            &mut pacing_problems,
        );
        // SMS and e-mail templates hide the pacing (nothing is dialled): what
        // is left in its hidden fields cannot be a problem to fix.
        let is_voice = channel_of_mode(self.dialing_mode).is_none();
        if is_voice {
            problems.append(&mut pacing_problems);
        }
        let schedule = self.has_schedule.then(|| {
            if self.schedule_zone.trim().is_empty() {
                problems.push(field_error("schedule.timeZone", "Enter an IANA zone."));
            }
            check_clock(&self.schedule_from, "schedule.from", &mut problems);
            check_clock(&self.schedule_till, "schedule.till", &mut problems);
            ScheduleSettings {
                time_zone: self.schedule_zone.trim().to_owned(),
                days: self.schedule_days.clone(),
                from: self.schedule_from.trim().to_owned(),
                till: self.schedule_till.trim().to_owned(),
            }
        });
        let time_window = self.has_time_window.then(|| {
            check_clock(&self.window_from, "timeWindow.from", &mut problems);
            check_clock(&self.window_till, "timeWindow.till", &mut problems);
            (
                self.window_from.trim().to_owned(),
                self.window_till.trim().to_owned(),
            )
        });
        if self.device_order.is_empty() {
            problems.push(field_error("deviceOrder", "Keep at least one device kind."));
        }
        let (message_template_id, messages_per_second) = self.message_settings(&mut problems);
        let treatments: Vec<TreatmentSettings> = self
            .treatments
            .iter()
            .map(|row| treatment_settings(row, &mut problems))
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(TemplateSettings {
            name,
            description: optional_text(&self.description),
            dialing_mode: self.dialing_mode,
            lines_per_agent: lines_per_agent.unwrap_or(1.0),
            target_abandon_rate: target_percent.unwrap_or(3.0) / 100.0,
            abandon_threshold_seconds: threshold.unwrap_or(2),
            abandon_counting: self.abandon_counting,
            abandon_window_minutes: window.unwrap_or(43_200),
            caller_id: optional_text(&self.caller_id),
            agent_group: optional_text(&self.agent_group).filter(|_| is_voice),
            schedule,
            time_window,
            optional_rules: self
                .optional_rules
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect(),
            treatments,
            device_order: self.device_order.clone(),
            message_template_id,
            messages_per_second,
        })
    }

    /// The message template and rate of an SMS or e-mail template (both
    /// `None` for voice modes, which send no message).
    fn message_settings(&self, problems: &mut Vec<FieldError>) -> (Option<String>, Option<i64>) {
        if channel_of_mode(self.dialing_mode).is_none() {
            return (None, None);
        }
        let template_id = self.message_template_id.trim();
        if template_id.is_empty() {
            problems.push(field_error(
                "messageTemplateId",
                "Choose the message template to send.",
            ));
        }
        let rate = parse_messages_per_second(&self.messages_per_second, "messagesPerSecond")
            .map_err(|problem| problems.push(problem))
            .ok()
            .flatten();
        (
            (!template_id.is_empty()).then(|| template_id.to_owned()),
            rate,
        )
    }

    /// The device kinds not in the order yet (to add back one removed).
    pub fn missing_device_kinds(&self) -> Vec<DeviceKind> {
        DeviceKind::ALL
            .into_iter()
            .filter(|kind| !self.device_order.contains(kind))
            .collect()
    }

    /// The call results without an own treatment yet (the "add" menu).
    pub fn untreated_results(&self) -> Vec<CallResult> {
        CallResult::ALL
            .iter()
            .copied()
            .filter(|result| *result != CallResult::InProgress)
            .filter(|result| !self.treatments.iter().any(|row| row.result == *result))
            .collect()
    }
}

/// Moves item `index` one place up (`up`) or down; out-of-range moves do nothing.
pub fn move_item<T>(items: &mut [T], index: usize, up: bool) {
    let other = if up {
        index.checked_sub(1)
    } else {
        index.checked_add(1)
    };
    if let Some(other) = other.filter(|other| *other < items.len())
        && index < items.len()
    {
        items.swap(index, other);
    }
}

/// `1.0` → "1", `2.5` → "2.5", `3.0000000004` → "3".
fn trim_number(value: f64) -> String {
    let rounded = (value * 1000.0).round() / 1000.0;
    let text = format!("{rounded}");
    text.trim_end_matches(".0").to_owned()
}

fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn number_in(
    text: &str,
    minimum: f64,
    maximum: f64,
    field: &str,
    message: &str,
    problems: &mut Vec<FieldError>,
) -> Option<f64> {
    match text.trim().replace(',', ".").parse::<f64>() {
        Ok(value) if value.is_finite() && (minimum..=maximum).contains(&value) => Some(value),
        _ => {
            problems.push(field_error(field, message));
            None
        }
    }
}

fn whole_number_in(
    text: &str,
    minimum: i64,
    maximum: i64,
    field: &str,
    message: &str,
    problems: &mut Vec<FieldError>,
) -> Option<i64> {
    match text.trim().parse::<i64>() {
        Ok(value) if (minimum..=maximum).contains(&value) => Some(value),
        _ => {
            problems.push(field_error(field, message));
            None
        }
    }
}

/// Whether `text` is HH:MM (00:00 to 24:00).
fn check_clock(text: &str, field: &str, problems: &mut Vec<FieldError>) {
    let valid = text.trim().split_once(':').is_some_and(|(hours, minutes)| {
        hours.len() == 2
            && minutes.len() == 2
            && matches!((hours.parse::<u8>(), minutes.parse::<u8>()), (Ok(h), Ok(m)) if (h < 24 && m < 60) || (h == 24 && m == 0))
    });
    if !valid {
        problems.push(field_error(field, "A time as HH:MM."));
    }
}

#[cfg(test)]
mod tests;
