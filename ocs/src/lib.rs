//! The Genesys OCS wire format, as dialers send it to the Compliance
//! Manager (SPEC §4): one record is a JSON object of calling-list columns
//! (`contact_info`, `chain_id`, custom `c_*` fields …) and `GSW_*`
//! attached-data keys (`GSW_PHONE`, `GSW_CUSTOMER_ID`, `GSW_CALL_RESULT` …).
//!
//! This crate turns such an object into what the decision engine and the
//! dialing history need, and nothing else: no I/O, no clock. Keys are matched
//! case-insensitively and unknown keys are ignored; a value may be a JSON
//! string, number or boolean (OCS sends everything as text). Every error
//! names the field and says what is wrong with it.

#![warn(missing_docs)]

mod results;

use chrono::{DateTime, TimeZone, Utc};
use compliance::{CallResult, DialMode};
use serde_json::{Map, Value};

pub use results::{CallResultCode, parse_call_result};

/// Why a record cannot be used; the message is the dialer's 400 answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The body is not a JSON object.
    #[error("a record must be a JSON object of field names to values")]
    NotAnObject,
    /// A required field is absent or empty.
    #[error("{field} is required")]
    Missing {
        /// The first name the field is known by.
        field: &'static str,
    },
    /// A field has a value that cannot be used.
    #[error("{field}: {reason}")]
    Invalid {
        /// The field as the record named it.
        field: String,
        /// What is wrong.
        reason: String,
    },
}

impl RecordError {
    fn invalid(field: &str, reason: impl Into<String>) -> RecordError {
        RecordError::Invalid {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}

/// The names a field goes by: the `GSW_*` key first, then calling-list columns.
mod names {
    pub const PHONE: &[&str] = &["GSW_PHONE", "contact_info", "phone"];
    pub const COUNTRY: &[&str] = &["GSW_COUNTRY", "country", "c_country"];
    pub const CLIENT_ID: &[&str] = &["GSW_CUSTOMER_ID", "client_id", "c_client_id", "customer_id"];
    pub const EMAIL: &[&str] = &["GSW_EMAIL", "email", "c_email"];
    pub const CONSENT: &[&str] = &["GSW_CONSENT", "consent", "c_consent", "consent_automated"];
    pub const MODE: &[&str] = &["GSW_DIAL_MODE", "dial_mode", "dialing_mode"];
    pub const TIME_ZONE: &[&str] = &["GSW_TZ_NAME", "tz_name", "time_zone"];
    pub const CALLING_LIST: &[&str] = &["GSW_CALLING_LIST", "calling_list"];
    pub const CAMPAIGN: &[&str] = &["GSW_CAMPAIGN_GROUP_NAME", "GSW_CAMPAIGN_NAME", "campaign"];
    pub const CHAIN_ID: &[&str] = &["GSW_CHAIN_ID", "chain_id"];
    pub const ATTEMPT_GUID: &[&str] = &["GSW_CALL_ATTEMPT_GUID", "call_attempt_guid"];
    pub const SEQUENCE: &[&str] = &["GSW_HIST_SEQUENCE_NUM", "hist_sequence_num"];
    pub const RESULT: &[&str] = &["GSW_CALL_RESULT", "call_result"];
    pub const RIGHT_PARTY: &[&str] = &["GSW_RIGHT_PARTY", "right_party"];
    pub const CALL_TIME: &[&str] = &["GSW_CALL_TIME", "call_time", "GSW_DATE_TIME"];
    pub const RECORD_HANDLE: &[&str] = &["GSW_RECORD_HANDLE", "record_id", "record_handle"];
    pub const CALLBACK_TIME: &[&str] = &["GSW_CALLBACK_TIME", "callback_time"];
    pub const CALLBACK_TYPE: &[&str] = &["GSW_CALLBACK_TYPE", "callback_type"];
    pub const AGENT: &[&str] = &["GSW_AGENT_ID", "agent_id"];
}

/// Longest value accepted for a field (`contact_info` is `varchar(128)`).
const MAX_TEXT: usize = 255;

/// One record as sent: a view over the JSON object, read field by field.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    fields: &'a Map<String, Value>,
}

impl<'a> Record<'a> {
    /// Wraps a parsed JSON value; anything but an object is refused.
    pub fn new(value: &'a Value) -> Result<Record<'a>, RecordError> {
        value
            .as_object()
            .map(|fields| Record { fields })
            .ok_or(RecordError::NotAnObject)
    }

    /// The first of `names` present (case-insensitively) with a non-empty value, as text.
    fn text(&self, names: &[&str]) -> Result<Option<(&'a str, String)>, RecordError> {
        for name in names {
            let Some((key, value)) = self
                .fields
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
            else {
                continue;
            };
            let text = match value {
                Value::Null => continue,
                Value::String(text) => text.trim().to_owned(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(RecordError::invalid(key, "must be text or a number"));
                }
            };
            if text.is_empty() {
                continue;
            }
            if text.chars().count() > MAX_TEXT {
                return Err(RecordError::invalid(
                    key,
                    format!("is longer than {MAX_TEXT} characters"),
                ));
            }
            return Ok(Some((key.as_str(), text)));
        }
        Ok(None)
    }

    fn optional(&self, names: &[&str]) -> Result<Option<String>, RecordError> {
        Ok(self.text(names)?.map(|(_, text)| text))
    }

    fn required(&self, names: &[&'static str]) -> Result<(&'a str, String), RecordError> {
        self.text(names)?
            .ok_or(RecordError::Missing { field: names[0] })
    }

    fn bounded(&self, names: &[&'static str], max: usize) -> Result<Option<String>, RecordError> {
        match self.text(names)? {
            Some((key, text)) if text.chars().count() > max => Err(RecordError::invalid(
                key,
                format!("is longer than {max} characters"),
            )),
            found => Ok(found.map(|(_, text)| text)),
        }
    }

    fn flag(&self, names: &[&str]) -> Result<bool, RecordError> {
        let Some((key, text)) = self.text(names)? else {
            return Ok(false);
        };
        match text.to_ascii_lowercase().as_str() {
            "1" | "true" | "y" | "yes" => Ok(true),
            "0" | "false" | "n" | "no" => Ok(false),
            _ => Err(RecordError::invalid(
                key,
                "must be 1/0, true/false or yes/no",
            )),
        }
    }

    /// A custom field the rules count attempts by ("debt_id"), as `name` or `c_<name>`.
    pub fn custom(&self, name: &str) -> Result<Option<String>, RecordError> {
        let prefixed = format!("c_{name}");
        self.optional(&[name, prefixed.as_str()])
    }

    /// What a pre-dial validation needs from the record.
    pub fn validation(&self) -> Result<Validation, RecordError> {
        let (_, phone) = self.required(names::PHONE)?;
        if phone.chars().count() > 128 {
            return Err(RecordError::invalid(
                "GSW_PHONE",
                "is longer than 128 characters",
            ));
        }
        Ok(Validation {
            phone,
            country: self.optional(names::COUNTRY)?,
            client_id: self.bounded(names::CLIENT_ID, 64)?,
            email: self.optional(names::EMAIL)?,
            consent: self.flag(names::CONSENT)?,
            mode: self.mode()?,
            time_zone: self.optional(names::TIME_ZONE)?,
            calling_list: self.optional(names::CALLING_LIST)?,
            campaign: self.optional(names::CAMPAIGN)?,
        })
    }

    fn mode(&self) -> Result<Option<DialMode>, RecordError> {
        let Some((key, text)) = self.text(names::MODE)? else {
            return Ok(None);
        };
        let mode = match text.to_ascii_uppercase().as_str() {
            "PREVIEW" => DialMode::Preview,
            "PROGRESSIVE" => DialMode::Progressive,
            "PREDICTIVE" => DialMode::Predictive,
            "POWER" => DialMode::Power,
            "AGENTLESS" => DialMode::Agentless,
            "SMS" => DialMode::Sms,
            "EMAIL" => DialMode::Email,
            _ => {
                return Err(RecordError::invalid(
                    key,
                    "must be PREVIEW, PROGRESSIVE, PREDICTIVE, POWER, AGENTLESS, SMS or EMAIL",
                ));
            }
        };
        Ok(Some(mode))
    }

    /// What the dialing history needs from a call report record.
    pub fn report(&self) -> Result<Report, RecordError> {
        let (_, guid) = self.required(names::ATTEMPT_GUID)?;
        if guid.chars().count() > 64 {
            return Err(RecordError::invalid(
                "GSW_CALL_ATTEMPT_GUID",
                "is longer than 64 characters",
            ));
        }
        let (key, sequence) = self.required(names::SEQUENCE)?;
        let sequence = match sequence.as_str() {
            "0" => Sequence::Started,
            "1" => Sequence::Finished,
            _ => {
                return Err(RecordError::invalid(
                    key,
                    "must be 0 (dialling started) or 1 (attempt finished)",
                ));
            }
        };
        let result = match self.text(names::RESULT)? {
            Some((key, raw)) => {
                let (result, code) = parse_call_result(&raw).ok_or_else(|| {
                    RecordError::invalid(
                        key,
                        format!("{raw:?} is not an OCS call result code or name"),
                    )
                })?;
                let right_party = self.flag(names::RIGHT_PARTY)?;
                let result = if right_party && result == CallResult::Answer {
                    CallResult::RightPartyContact
                } else {
                    result
                };
                Some((result, code))
            }
            None => None,
        };
        let result = match (sequence, result) {
            (Sequence::Finished, None) => {
                return Err(RecordError::Missing {
                    field: "GSW_CALL_RESULT",
                });
            }
            // Record 0 is sent when dialling starts: any result it carries is the
            // calling list's previous one, not this attempt's.
            (Sequence::Started, _) => None,
            (Sequence::Finished, result) => result,
        };
        let validation = self.validation()?;
        let record_handle = match self.text(names::RECORD_HANDLE)? {
            Some((key, raw)) => Some(
                raw.parse::<i64>()
                    .ok()
                    .filter(|handle| *handle > 0)
                    .ok_or_else(|| RecordError::invalid(key, "must be a calling-list record id"))?,
            ),
            None => None,
        };
        let callback = match self.instant(names::CALLBACK_TIME)? {
            Some(at) => {
                let personal = match self.text(names::CALLBACK_TYPE)? {
                    Some((key, kind)) => match kind.to_ascii_lowercase().as_str() {
                        "personal" => true,
                        "campaign" => false,
                        _ => {
                            return Err(RecordError::invalid(key, "must be Personal or Campaign"));
                        }
                    },
                    None => false,
                };
                let agent_id = self.optional(names::AGENT)?;
                if personal && agent_id.is_none() {
                    return Err(RecordError::Missing {
                        field: "GSW_AGENT_ID",
                    });
                }
                Some(Callback {
                    at,
                    personal,
                    agent_id,
                })
            }
            None => None,
        };
        Ok(Report {
            guid,
            sequence,
            result,
            at: self.instant(names::CALL_TIME)?,
            chain_id: self.optional(names::CHAIN_ID)?,
            record_handle,
            callback: if sequence == Sequence::Finished {
                callback
            } else {
                None
            },
            validation,
        })
    }

    /// An instant as UTC epoch seconds (OCS's `call_time`) or RFC 3339 text.
    fn instant(&self, names: &[&str]) -> Result<Option<DateTime<Utc>>, RecordError> {
        let Some((key, text)) = self.text(names)? else {
            return Ok(None);
        };
        if let Ok(seconds) = text.parse::<i64>() {
            return Utc
                .timestamp_opt(seconds, 0)
                .single()
                .map(Some)
                .ok_or_else(|| RecordError::invalid(key, "is not a valid epoch time"));
        }
        DateTime::parse_from_rfc3339(&text)
            .map(|at| Some(at.with_timezone(&Utc)))
            .map_err(|_| RecordError::invalid(key, "must be epoch seconds or an RFC 3339 time"))
    }
}

/// The facts of one record a pre-dial decision is made on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// The number as sent (`GSW_PHONE` or `contact_info`).
    pub phone: String,
    /// ISO country for a number written without its country code.
    pub country: Option<String>,
    /// The customer's own key (`GSW_CUSTOMER_ID`).
    pub client_id: Option<String>,
    /// The contact's e-mail, checked against e-mail suppression lists.
    pub email: Option<String>,
    /// Consent to automated calls to a mobile.
    pub consent: bool,
    /// The dialing mode, when the record says it.
    pub mode: Option<DialMode>,
    /// The record's own zone (`GSW_TZ_NAME`), a contact-level zone.
    pub time_zone: Option<String>,
    /// The calling list the record came from.
    pub calling_list: Option<String>,
    /// The campaign group dialing it.
    pub campaign: Option<String>,
}

/// Which of an attempt's two call report records this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sequence {
    /// `GSW_HIST_SEQUENCE_NUM` 0: dialling started.
    Started,
    /// `GSW_HIST_SEQUENCE_NUM` 1: the attempt ended with a result; replaces record 0.
    Finished,
}

impl Sequence {
    /// The OCS number of the record.
    pub fn number(self) -> i16 {
        match self {
            Sequence::Started => 0,
            Sequence::Finished => 1,
        }
    }
}

/// One call report record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// `GSW_CALL_ATTEMPT_GUID`: the attempt, the idempotency key.
    pub guid: String,
    /// Record 0 or 1.
    pub sequence: Sequence,
    /// The result and its OCS code (record 1 only).
    pub result: Option<(CallResult, Option<u16>)>,
    /// When it happened, if the record says.
    pub at: Option<DateTime<Utc>>,
    /// The contact's chain.
    pub chain_id: Option<String>,
    /// `GSW_RECORD_HANDLE`: the calling-list record dialled, whose treatment runs.
    pub record_handle: Option<i64>,
    /// A callback the agent scheduled (record 1 only).
    pub callback: Option<Callback>,
    /// The number, person and lists, as for a validation.
    pub validation: Validation,
}

/// A callback: dial the record again at a time, for one agent or for any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// `GSW_CALLBACK_TIME`: when.
    pub at: DateTime<Utc>,
    /// `GSW_CALLBACK_TYPE` Personal (only `agent_id` takes it) or Campaign.
    pub personal: bool,
    /// `GSW_AGENT_ID`: the agent who scheduled it.
    pub agent_id: Option<String>,
}

#[cfg(test)]
mod tests;
