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
    /// The campaign it names, whose rules judge it (else the tenant's required rules).
    campaign: Option<std::sync::Arc<super::hot::HotCampaign>>,
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
    let custom_names = attempts::custom_key_names(&rules.stored.rules);
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
    // Records naming a campaign are judged by its rules (optional attempt rules
    // attached); one engine pass per distinct rule set of the batch.
    let mut decisions: Vec<Option<Decision>> = vec![None; ready.len()];
    let mut groups: Vec<(Option<std::sync::Arc<super::hot::HotCampaign>>, Vec<usize>)> = Vec::new();
    for (index, (_, record)) in ready.iter().enumerate() {
        let same =
            |group: &&mut (Option<std::sync::Arc<super::hot::HotCampaign>>, Vec<usize>)| match (
                &group.0,
                &record.campaign,
            ) {
                (None, None) => true,
                (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
                _ => false,
            };
        match groups.iter_mut().find(same) {
            Some(group) => group.1.push(index),
            None => groups.push((record.campaign.clone(), vec![index])),
        }
    }
    let mut ready: Vec<Option<Ready>> = ready.into_iter().map(|(_, record)| Some(record)).collect();
    for (campaign, indexes) in groups {
        let items: Vec<(compliance::DeviceFacts, DialMode)> = indexes
            .iter()
            .filter_map(|index| {
                ready[*index]
                    .take()
                    .map(|record| (record.device, record.mode))
            })
            .collect();
        let rules = campaign
            .as_ref()
            .map_or(&rules.required, |campaign| &campaign.rules);
        let judged = judge::judge(services, tenant_id, rules, &items, at).await?;
        for (index, judged) in indexes.into_iter().zip(judged) {
            decisions[index] = Some(judged.decision);
        }
    }
    let mut judged = decisions.into_iter().flatten();
    let answers: Vec<Answer> = answers
        .into_iter()
        .map(|answer| match answer {
            Some(problem) => problem,
            None => judged
                .next()
                .map(Ok)
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
    let campaign = match fields.campaign.as_deref() {
        Some(name) => match services.hot.campaign(services, tenant_id, name).await? {
            Some(campaign) => Some(campaign),
            None => {
                return Ok(Err(Unjudged {
                    code: "NOT_FOUND",
                    message: format!("GSW_CAMPAIGN_GROUP_NAME: no campaign is named {name:?}"),
                }));
            }
        },
        None => None,
    };
    let mode = fields
        .mode
        .or(campaign.as_ref().map(|campaign| campaign.mode))
        .unwrap_or(DEFAULT_MODE);
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
        campaign,
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
