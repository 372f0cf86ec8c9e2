//! Call-result treatments as the template editor edits them: one row per
//! result as typed, the table of effective treatments with the template's
//! own ones marked, and the check that turns a row into typed settings.

use crate::api::campaign_types::{CallResult, TreatmentKind};
use crate::api::campaigns::campaign_templates::CampaignTemplatesCampaignTemplatesEffectiveTreatments as EffectiveTreatment;
use crate::api::error::FieldError;
use crate::state::forms::field_error;

/// One treatment as the form edits it (numbers as typed).
#[derive(Clone, Debug, PartialEq)]
pub struct TreatmentRow {
    /// The call result it treats.
    pub result: CallResult,
    /// What happens next.
    pub kind: TreatmentKind,
    /// RETRY: minutes before the first retry.
    pub interval: String,
    /// RETRY: minutes added per retry already made.
    pub increment: String,
    /// RETRY: attempts at most.
    pub max_attempts: String,
    /// RETRY_AT: the instant, RFC 3339.
    pub at: String,
    /// Also suppress the device.
    pub suppress_device: bool,
}

impl TreatmentRow {
    /// A new own treatment for `result`: a retry in 30 minutes, 3 attempts at most.
    pub fn new(result: CallResult) -> TreatmentRow {
        TreatmentRow {
            result,
            kind: TreatmentKind::Retry,
            interval: "30".into(),
            increment: "0".into(),
            max_attempts: "3".into(),
            at: String::new(),
            suppress_device: false,
        }
    }

    /// The server's treatment as a row.
    pub fn from_treatment(treatment: &EffectiveTreatment) -> TreatmentRow {
        let number = |value: Option<i64>| value.map(|n| n.to_string()).unwrap_or_default();
        TreatmentRow {
            result: treatment.result,
            kind: treatment.kind,
            interval: number(treatment.interval_minutes),
            increment: number(treatment.increment_minutes),
            max_attempts: number(treatment.max_attempts),
            at: treatment.at.clone().unwrap_or_default(),
            suppress_device: treatment.suppress_device,
        }
    }

    /// "Retry in 30 min (+10 per retry), 3 attempts at most", for the read-only rows.
    pub fn summary(&self) -> String {
        let mut summary = match self.kind {
            TreatmentKind::Retry => {
                let mut text = format!("Retry in {}", minutes_words(&self.interval));
                if !matches!(self.increment.trim(), "" | "0") {
                    text.push_str(&format!(" (+{} per retry)", self.increment.trim()));
                }
                if !self.max_attempts.trim().is_empty() {
                    text.push_str(&format!(", {} attempts at most", self.max_attempts.trim()));
                }
                text
            }
            TreatmentKind::NextInChain => "Next device in the chain".to_owned(),
            TreatmentKind::RetryAt => format!("Retry at {}", blank_as(&self.at, "?")),
            TreatmentKind::Final => "Final".to_owned(),
        };
        if self.suppress_device {
            summary.push_str("; suppress the device");
        }
        summary
    }
}

/// "30" → "30 min", "240" → "4 h", "4320" → "3 days"; other text as typed.
pub(crate) fn minutes_words(text: &str) -> String {
    let Ok(minutes) = text.trim().parse::<i64>() else {
        return format!("{} min", blank_as(text, "?"));
    };
    match minutes {
        m if m >= 1440 && m % 1440 == 0 => format!("{} days", m / 1440),
        m if m >= 60 && m % 60 == 0 => format!("{} h", m / 60),
        m => format!("{m} min"),
    }
}

fn blank_as<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    let text = text.trim();
    if text.is_empty() { fallback } else { text }
}

/// A row of the treatments table: the effective treatment and whether the
/// template sets it itself (else it is the built-in default).
#[derive(Clone, Debug, PartialEq)]
pub struct TreatmentLine {
    /// What applies.
    pub row: TreatmentRow,
    /// Whether it is the template's own.
    pub own: bool,
}

/// The table: every effective treatment, the template's own ones marked (own
/// rows the server has not echoed yet come from `own`).
pub fn treatment_lines(effective: &[TreatmentRow], own: &[TreatmentRow]) -> Vec<TreatmentLine> {
    let mut lines: Vec<TreatmentLine> = effective
        .iter()
        .map(
            |row| match own.iter().find(|mine| mine.result == row.result) {
                Some(mine) => TreatmentLine {
                    row: mine.clone(),
                    own: true,
                },
                None => TreatmentLine {
                    row: row.clone(),
                    own: false,
                },
            },
        )
        .collect();
    for mine in own {
        if !lines.iter().any(|line| line.row.result == mine.result) {
            lines.push(TreatmentLine {
                row: mine.clone(),
                own: true,
            });
        }
    }
    lines
}

/// One treatment, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct TreatmentSettings {
    /// The result.
    pub result: CallResult,
    /// The kind.
    pub kind: TreatmentKind,
    /// RETRY interval.
    pub interval_minutes: Option<i64>,
    /// RETRY increment.
    pub increment_minutes: Option<i64>,
    /// RETRY cap.
    pub max_attempts: Option<i64>,
    /// RETRY_AT instant.
    pub at: Option<String>,
    /// Also suppress.
    pub suppress_device: bool,
}

pub(crate) fn treatment_settings(
    row: &TreatmentRow,
    problems: &mut Vec<FieldError>,
) -> TreatmentSettings {
    let result = row.result.label();
    let mut optional_whole = |text: &str, what: &str, minimum: i64| -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        match text.parse::<i64>() {
            Ok(value) if value >= minimum => Some(value),
            _ => {
                problems.push(field_error(
                    "treatments",
                    &format!("{result}: {what} must be a whole number of at least {minimum}."),
                ));
                None
            }
        }
    };
    let retry = row.kind == TreatmentKind::Retry;
    let interval = retry
        .then(|| optional_whole(&row.interval, "the interval", 1))
        .flatten();
    let increment = retry
        .then(|| optional_whole(&row.increment, "the increment", 0))
        .flatten();
    let max_attempts = retry
        .then(|| optional_whole(&row.max_attempts, "the attempts", 1))
        .flatten();
    if retry && interval.is_none() && row.interval.trim().is_empty() {
        problems.push(field_error(
            "treatments",
            &format!("{result}: a retry needs an interval in minutes."),
        ));
    }
    let at = (row.kind == TreatmentKind::RetryAt).then(|| row.at.trim().to_owned());
    if at.as_deref() == Some("") {
        problems.push(field_error(
            "treatments",
            &format!("{result}: enter when to retry (2026-12-01T09:00:00Z)."),
        ));
    }
    TreatmentSettings {
        result: row.result,
        kind: row.kind,
        interval_minutes: interval,
        increment_minutes: increment,
        max_attempts,
        at: at.filter(|at| !at.is_empty()),
        suppress_device: row.suppress_device,
    }
}
