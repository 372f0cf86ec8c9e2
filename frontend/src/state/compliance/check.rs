//! The "check a number" tool's form: what the user typed, checked before
//! sending, and how a verdict reads in the results table.

use crate::api::compliance_types::DialMode;
use crate::api::error::FieldError;
use crate::state::forms::{default_country, field_error};
use crate::state::import::DEFAULT_COUNTRY;

/// The tool's inputs as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckDraft {
    /// The number, written any way.
    pub phone: String,
    /// The dialing mode of the attempt.
    pub mode: DialMode,
    /// A `datetime-local` value ("2026-11-21T09:14"); empty for now.
    pub instant: String,
    /// The contact's client id, for suppression and attempt rules.
    pub client_id: String,
    /// The contact's e-mail address, for suppression.
    pub email: String,
    /// Whether the contact consented to automated contact.
    pub consent: bool,
    /// The country of a number written without a country code ("US").
    pub country: String,
}

impl Default for CheckDraft {
    fn default() -> Self {
        CheckDraft {
            phone: String::new(),
            mode: DialMode::Preview,
            instant: String::new(),
            client_id: String::new(),
            email: String::new(),
            consent: false,
            country: DEFAULT_COUNTRY.to_owned(),
        }
    }
}

impl CheckDraft {
    /// The problems that make sending pointless.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.phone.trim().is_empty() {
            problems.push(field_error("phone", "Enter a phone number."));
        }
        if !self.instant.is_empty() && !is_local_date_time(&self.instant) {
            problems.push(field_error(
                "at",
                "Pick a date and time, or leave it empty for now.",
            ));
        }
        if let Err(message) = default_country(&self.country) {
            problems.push(field_error("defaultCountry", message));
        }
        problems
    }

    /// The `defaultCountry` sent with the number (`None` when empty or unreadable).
    pub fn default_country(&self) -> Option<String> {
        default_country(&self.country).ok().flatten()
    }

    /// An optional text field: trimmed, `None` when empty.
    pub fn optional(text: &str) -> Option<String> {
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// Whether `text` is a `datetime-local` value: "YYYY-MM-DDTHH:MM" (seconds optional).
pub fn is_local_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    let time_ok = matches!(time.len(), 5 | 8)
        && time.char_indices().all(|(index, c)| match index {
            2 | 5 => c == ':',
            _ => c.is_ascii_digit(),
        });
    super::editor::is_date(date) && time_ok
}

/// "✓ allowed", "✗ refused" or "– not applicable" for a verdict row.
pub fn verdict_mark(applies: bool, allowed: bool) -> (&'static str, &'static str, &'static str) {
    match (applies, allowed) {
        (false, _) => ("–", "Not applicable", "verdict verdict--idle"),
        (true, true) => ("✓", "Allowed", "verdict verdict--ok"),
        (true, false) => ("✗", "Refused", "verdict verdict--refused"),
    }
}
