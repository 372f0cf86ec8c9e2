//! Pre-dial validation of OCS records (`/ocs/v1/validate` and its batch
//! form): each record is read, its number placed, and the tenant's rules
//! decide — a refused record says every rule that refused and, when only
//! time stands in the way, when it may be dialled.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use compliance::{Decision, DialMode};
use domain::{DefaultCountry, PhoneNumber, ValidationError};
use serde_json::Value;

use super::attempts;
use super::judge::{self, Person};
use crate::accounts::api_clients::ApiPrincipal;
use crate::{ServiceError, Services};

/// The mode a record is judged in when it does not say: an automated mode,
/// the strictest (mobile consent applies), until campaigns supply their own.
pub const DEFAULT_MODE: DialMode = DialMode::Predictive;

/// Why one record of a request got no decision (its 4xx answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unjudged {
    /// `BAD_USER_INPUT` or `NOT_FOUND`.
    pub code: &'static str,
    /// What is wrong, naming the field.
    pub message: String,
}

impl Unjudged {
    fn bad(message: impl ToString) -> Unjudged {
        Unjudged {
            code: "BAD_USER_INPUT",
            message: message.to_string(),
        }
    }
}

/// One record's answer.
pub type Answer = Result<Decision, Unjudged>;

/// A record read and placed, ready to judge.
struct Ready {
    device: compliance::DeviceFacts,
    mode: DialMode,
}

/// Decides each record of `client`'s tenant at `at`, in order. Only store
/// failures are errors; a bad record gets its own [`Unjudged`] answer.
pub async fn validate(
    services: &Services,
    client: &ApiPrincipal,
    records: &[Value],
    at: DateTime<Utc>,
) -> Result<Vec<Answer>, ServiceError> {
    let tenant_id = client.tenant_id;
    let rules = services.hot.rules(services, tenant_id).await?;
    let custom_names = attempts::custom_key_names(&rules.required);
    let mut answers: Vec<Option<Answer>> = Vec::with_capacity(records.len());
    let mut ready: Vec<(usize, Ready)> = Vec::with_capacity(records.len());
    for (position, raw) in records.iter().enumerate() {
        match read(services, tenant_id, raw, &custom_names).await? {
            Ok(record) => {
                ready.push((position, record));
                answers.push(None);
            }
            Err(problem) => answers.push(Some(Err(problem))),
        }
    }
    let items: Vec<(compliance::DeviceFacts, DialMode)> = ready
        .into_iter()
        .map(|(_, record)| (record.device, record.mode))
        .collect();
    let judged = judge::judge(services, tenant_id, &rules.required, &items, at).await?;
    let mut judged = judged.into_iter();
    let answers: Vec<Answer> = answers
        .into_iter()
        .map(|answer| match answer {
            Some(problem) => problem,
            None => judged
                .next()
                .map(|judged| Ok(judged.decision))
                .unwrap_or_else(|| Err(Unjudged::bad("record was not judged"))),
        })
        .collect();
    services.traffic.count(tenant_id, &answers);
    Ok(answers)
}

/// Reads one record: its fields, its number placed, its calling list known.
async fn read(
    services: &Services,
    tenant_id: uuid::Uuid,
    raw: &Value,
    custom_names: &[&str],
) -> Result<Result<Ready, Unjudged>, ServiceError> {
    let record = match ocs::Record::new(raw) {
        Ok(record) => record,
        Err(error) => return Ok(Err(Unjudged::bad(error))),
    };
    let fields = match record.validation() {
        Ok(fields) => fields,
        Err(error) => return Ok(Err(Unjudged::bad(error))),
    };
    if let Some(list) = fields.calling_list.as_deref()
        && !services.hot.has_list(services, tenant_id, list).await?
    {
        return Ok(Err(Unjudged {
            code: "NOT_FOUND",
            message: format!("GSW_CALLING_LIST: no calling list is named {list:?}"),
        }));
    }
    let mode = fields.mode.unwrap_or(DEFAULT_MODE);
    if mode == DialMode::Email {
        return Ok(Err(Unjudged::bad(
            "GSW_DIAL_MODE: EMAIL does not dial a phone number",
        )));
    }
    let number = match parse_number(&fields.phone, fields.country.as_deref()) {
        Ok(number) => number,
        Err(error) => return Ok(Err(Unjudged::bad(error))),
    };
    let mut custom = Vec::new();
    for name in custom_names {
        match record.custom(name) {
            Ok(Some(value)) => custom.push(((*name).to_owned(), value)),
            Ok(None) => {}
            Err(error) => return Ok(Err(Unjudged::bad(error))),
        }
    }
    let person = Person {
        client_id: fields.client_id,
        email: fields.email,
        consent: fields.consent,
        // A zone the time-zone database does not know is not a contact zone:
        // the number's own zones decide.
        contact_zone: fields
            .time_zone
            .as_deref()
            .and_then(|zone| zone.parse::<Tz>().ok()),
        custom,
    };
    let located = judge::locate(services, &number, person);
    Ok(Ok(Ready {
        device: located.device,
        mode,
    }))
}

fn parse_number(phone: &str, country: Option<&str>) -> Result<PhoneNumber, ValidationError> {
    let country = match country {
        Some(country) => Some(DefaultCountry::parse("GSW_COUNTRY", country)?),
        None => None,
    };
    PhoneNumber::parse("GSW_PHONE", phone, country).map_err(|error| {
        if country.is_none() && !phone.trim_start().starts_with('+') {
            ValidationError::new(
                "GSW_PHONE",
                format!("{error}; a number without its country code needs GSW_COUNTRY"),
            )
        } else {
            error
        }
    })
}
