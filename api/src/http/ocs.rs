//! The REST shims dialers speak (SPEC §4, the seed's "Outbound → CX
//! Contact" connection): pre-dial validation of one record or a batch, and
//! call report records. Served by every process running the `compliance`
//! role; a dialer authenticates with its API client's key
//! (`X-API-Key: rl_…` or `Authorization: Bearer rl_…`).
//!
//! `200` means dial, `409` do not dial (with every reason and, when only
//! time stands in the way, `nextAllowedAt`); client mistakes are 4xx with a
//! reason in the shape every REST route uses; a store outage is `503`.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use compliance::Decision;
use domain::ApiScope;
use serde::Serialize;
use serde_json::Value;
use workers::ServiceError;
use workers::accounts::api_clients::{self, ApiPrincipal};
use workers::dialing::{history, validate};

use super::rest::{api_failure, failure};
use super::{AppState, client_ip};
use crate::graphql::error::ApiError;

/// Largest body of one record or call report.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// Largest batch body (1,000 records of about 1 KiB).
pub const MAX_BATCH_BYTES: usize = 2 * 1024 * 1024;
/// Most records in one batch.
pub const MAX_BATCH_RECORDS: usize = 1_000;

/// The dialer routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/ocs/v1/validate",
            post(validate_one).layer(DefaultBodyLimit::max(MAX_RECORD_BYTES)),
        )
        .route(
            "/ocs/v1/validate/batch",
            post(validate_batch).layer(DefaultBodyLimit::max(MAX_BATCH_BYTES)),
        )
        .route(
            "/ocs/v1/history",
            post(report).layer(DefaultBodyLimit::max(MAX_RECORD_BYTES)),
        )
        .route(
            "/ocs/v1/campaigns/{id}/records:lease",
            post(lease).layer(DefaultBodyLimit::max(MAX_RECORD_BYTES)),
        )
}

/// A decision as a dialer reads it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DecisionBody {
    /// Whether the record may be dialed now.
    pub allowed: bool,
    /// Every refusing rule's reason, in rule order.
    pub reasons: Vec<String>,
    /// The refusing rules.
    pub refusals: Vec<RefusalBody>,
    /// The first instant every time-based rule allows, when only time refuses.
    #[schema(format = DateTime, required = true)]
    pub next_allowed_at: Option<String>,
}

/// One refusing rule.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RefusalBody {
    /// The rule kind (`SUPPRESSION`, `CALLING_WINDOW`, …).
    #[schema(value_type = super::openapi::RuleKindName)]
    pub rule: compliance::RuleKind,
    /// The rule's name.
    pub name: String,
    /// Why it refused.
    pub reason: String,
}

impl From<Decision> for DecisionBody {
    fn from(decision: Decision) -> Self {
        DecisionBody {
            allowed: decision.allowed,
            reasons: decision
                .refusals
                .iter()
                .map(|refusal| refusal.reason.clone())
                .collect(),
            refusals: decision
                .refusals
                .into_iter()
                .map(|refusal| RefusalBody {
                    rule: refusal.rule,
                    name: refusal.name,
                    reason: refusal.reason,
                })
                .collect(),
            next_allowed_at: decision.next_allowed_at.map(|at| at.to_rfc3339()),
        }
    }
}

/// One record's answer inside a batch: a decision, or why there is none.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
enum BatchAnswer {
    /// The record was judged.
    Decided(DecisionBody),
    /// The record could not be read or placed: not dialable, and why.
    Unjudged {
        /// Always `false`.
        allowed: bool,
        /// What is wrong with the record.
        error: ErrorBody,
    },
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
/// Why one record of a batch got no decision.
struct ErrorBody {
    /// `BAD_USER_INPUT` or `NOT_FOUND`.
    #[schema(value_type = String)]
    code: &'static str,
    /// What is wrong, naming the field.
    message: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
/// The answers to a batch, one per record in order, with counts.
struct BatchBody {
    /// One answer per record, in the order sent.
    decisions: Vec<BatchAnswer>,
    /// Records that may be dialed now.
    allowed: usize,
    /// Records judged and refused.
    refused: usize,
    /// Records that could not be judged.
    invalid: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
/// What became of a call report record.
struct ReportBody {
    /// STORED, REPLACED, DUPLICATE or SUPERSEDED.
    #[schema(value_type = super::openapi::HistoryOutcome)]
    outcome: &'static str,
    /// The attempt the record belongs to (`GSW_CALL_ATTEMPT_GUID`).
    attempt_guid: String,
}

/// The API client from the request's key, holding `scope`; wrong keys are
/// counted per client IP, and an IP past the limit gets 429 with `Retry-After`.
async fn caller(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    scope: ApiScope,
) -> Result<ApiPrincipal, Response> {
    let key = headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .or_else(|| super::graphql::bearer(headers))
        .map(str::trim)
        .filter(|key| !key.is_empty());
    let Some(key) = key else {
        return Err(api_failure(ApiError::Unauthenticated(
            "send the API client's key in X-API-Key".into(),
        )));
    };
    let ip = client_ip(headers, Some(peer), state.trust_forwarded_for);
    api_clients::authenticate_from(&state.services, key, scope, ip.as_deref())
        .await
        .map_err(|error| match error {
            ServiceError::Forbidden => api_failure(ApiError::Forbidden(format!(
                "this API client has no {} scope",
                scope.as_str()
            ))),
            ServiceError::RateLimited { retry_after_secs } => {
                let mut refused = failure(
                    StatusCode::TOO_MANY_REQUESTS,
                    "UNAUTHENTICATED",
                    format!(
                        "too many wrong API keys from this address; try again in {retry_after_secs} s"
                    ),
                );
                refused
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                refused
            }
            other => service_failure(other),
        })
}

/// A use-case error as a response: store outages are 503 (retry), the rest as GraphQL maps them.
fn service_failure(error: ServiceError) -> Response {
    match error {
        ServiceError::Database(_) | ServiceError::Cache(_) => {
            tracing::error!(error = ?anyhow::Error::from(error), "dialer request failed on a store");
            failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL",
                "a store is unavailable; nothing was decided or acknowledged, retry",
            )
        }
        other => api_failure(ApiError::from(other)),
    }
}

/// What every dialer route starts with: the caller from its key (holding
/// `scope`), then the body as JSON.
async fn request(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    scope: ApiScope,
    body: Result<Bytes, BytesRejection>,
) -> Result<(ApiPrincipal, Value), Box<Response>> {
    let client = caller(state, peer, headers, scope)
        .await
        .map_err(Box::new)?;
    Ok((client, json_body(body)?))
}

/// The body as JSON; too large or malformed is a 4xx naming the problem.
fn json_body(body: Result<Bytes, BytesRejection>) -> Result<Value, Box<Response>> {
    let bytes = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the body is larger than this route accepts".to_owned()
        } else {
            rejection.body_text()
        };
        Box::new(failure(status, "BAD_USER_INPUT", message))
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes).map_err(|error| {
        Box::new(failure(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            format!("the body is not valid JSON: {error}"),
        ))
    })
}

fn unjudged_failure(problem: validate::Unjudged) -> Response {
    let status = if problem.code == "NOT_FOUND" {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::BAD_REQUEST
    };
    failure(status, problem.code, problem.message)
}

/// Pre-dial validation of one record: 200 dial, 409 do not dial.
#[utoipa::path(
    post,
    path = "/ocs/v1/validate",
    tag = "ocs",
    operation_id = "validate",
    request_body(content = super::openapi::OcsRecord, description = "One record's fields and attached data.", content_type = "application/json"),
    responses(
        (status = 200, description = "Dial: every rule allows the record now.", body = DecisionBody),
        (status = 409, description = "Do not dial: every refusing rule, and when only time refuses, `nextAllowedAt`.", body = DecisionBody),
        (status = 400, description = "The body is not JSON, or the record is unusable (the message names the field).", body = super::openapi::ErrorResponse),
        (status = 401, description = "No key, or an unknown or revoked key.", body = super::openapi::ErrorResponse),
        (status = 403, description = "The key lacks the route's scope.", body = super::openapi::ErrorResponse),
        (status = 404, description = "The record names a calling list the tenant does not have.", body = super::openapi::ErrorResponse),
        (status = 413, description = "The body is larger than the route accepts.", body = super::openapi::ErrorResponse),
        (status = 429, description = "Too many wrong API keys from this client address: wait for Retry-After.", body = super::openapi::ErrorResponse),
        (status = 503, description = "A store is unavailable: nothing was decided or stored; retry.", body = super::openapi::ErrorResponse),
    ),
    security(("apiKey" = []), ("bearerKey" = []))
)]
async fn validate_one(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (client, record) = match request(&state, peer, &headers, ApiScope::OcsValidate, body).await
    {
        Ok(request) => request,
        Err(response) => return *response,
    };
    let answers = match validate::validate(
        &state.services,
        &client,
        std::slice::from_ref(&record),
        Utc::now(),
    )
    .await
    {
        Ok(answers) => answers,
        Err(error) => return service_failure(error),
    };
    match answers.into_iter().next() {
        Some(Ok(decision)) => {
            let status = if decision.allowed {
                StatusCode::OK
            } else {
                StatusCode::CONFLICT
            };
            (status, axum::Json(DecisionBody::from(decision))).into_response()
        }
        Some(Err(problem)) => unjudged_failure(problem),
        None => failure(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", "no record"),
    }
}

/// Pre-dial validation of 1 to 1,000 records: one answer per record.
#[utoipa::path(
    post,
    path = "/ocs/v1/validate/batch",
    tag = "ocs",
    operation_id = "validateBatch",
    request_body(content = super::openapi::BatchRequest, description = "The records, as an array or `{ \"records\": [...] }`.", content_type = "application/json"),
    responses(
        (status = 200, description = "One answer per record in order: a decision, or why the record could not be judged.", body = BatchBody),
        (status = 400, description = "The body is not JSON, or the record is unusable (the message names the field).", body = super::openapi::ErrorResponse),
        (status = 401, description = "No key, or an unknown or revoked key.", body = super::openapi::ErrorResponse),
        (status = 403, description = "The key lacks the route's scope.", body = super::openapi::ErrorResponse),
        (status = 413, description = "The body is larger than the route accepts.", body = super::openapi::ErrorResponse),
        (status = 429, description = "Too many wrong API keys from this client address: wait for Retry-After.", body = super::openapi::ErrorResponse),
        (status = 503, description = "A store is unavailable: nothing was decided or stored; retry.", body = super::openapi::ErrorResponse),
    ),
    security(("apiKey" = []), ("bearerKey" = []))
)]
async fn validate_batch(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (client, body) = match request(&state, peer, &headers, ApiScope::OcsValidate, body).await {
        Ok(request) => request,
        Err(response) => return *response,
    };
    // A bare array, or `{ "records": [...] }`.
    let records = match body {
        Value::Array(records) => Some(records),
        Value::Object(mut object) => match object.remove("records") {
            Some(Value::Array(records)) => Some(records),
            _ => None,
        },
        _ => None,
    };
    let Some(records) = records else {
        return failure(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "send an array of records, or an object with a \"records\" array",
        );
    };
    if records.is_empty() || records.len() > MAX_BATCH_RECORDS {
        return failure(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            format!(
                "a batch holds 1 to {MAX_BATCH_RECORDS} records; this one has {}",
                records.len()
            ),
        );
    }
    let answers = match validate::validate(&state.services, &client, &records, Utc::now()).await {
        Ok(answers) => answers,
        Err(error) => return service_failure(error),
    };
    let mut body = BatchBody {
        decisions: Vec::with_capacity(answers.len()),
        allowed: 0,
        refused: 0,
        invalid: 0,
    };
    for answer in answers {
        body.decisions.push(match answer {
            Ok(decision) => {
                if decision.allowed {
                    body.allowed += 1;
                } else {
                    body.refused += 1;
                }
                BatchAnswer::Decided(decision.into())
            }
            Err(problem) => {
                body.invalid += 1;
                BatchAnswer::Unjudged {
                    allowed: false,
                    error: ErrorBody {
                        code: problem.code,
                        message: problem.message,
                    },
                }
            }
        });
    }
    axum::Json(body).into_response()
}

/// A call report record: 200 only once stored, idempotent by attempt guid.
#[utoipa::path(
    post,
    path = "/ocs/v1/history",
    tag = "ocs",
    operation_id = "reportCall",
    request_body(content = super::openapi::OcsRecord, description = "A call report record: GSW_CALL_ATTEMPT_GUID, GSW_HIST_SEQUENCE_NUM (0 dialling started, 1 finished), GSW_PHONE, GSW_CALL_RESULT (for 1) and the record's fields.", content_type = "application/json"),
    responses(
        (status = 200, description = "Stored (or already stored).", body = ReportBody),
        (status = 400, description = "The body is not JSON, or the record is unusable (the message names the field).", body = super::openapi::ErrorResponse),
        (status = 401, description = "No key, or an unknown or revoked key.", body = super::openapi::ErrorResponse),
        (status = 403, description = "The key lacks the route's scope.", body = super::openapi::ErrorResponse),
        (status = 404, description = "The record names a calling list the tenant does not have.", body = super::openapi::ErrorResponse),
        (status = 413, description = "The body is larger than the route accepts.", body = super::openapi::ErrorResponse),
        (status = 429, description = "Too many wrong API keys from this client address: wait for Retry-After.", body = super::openapi::ErrorResponse),
        (status = 503, description = "A store is unavailable: nothing was decided or stored; retry.", body = super::openapi::ErrorResponse),
    ),
    security(("apiKey" = []), ("bearerKey" = []))
)]
async fn report(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (client, raw) = match request(&state, peer, &headers, ApiScope::OcsHistory, body).await {
        Ok(request) => request,
        Err(response) => return *response,
    };
    let parsed = ocs::Record::new(&raw).and_then(|record| Ok((record, record.report()?)));
    let (record, report) = match parsed {
        Ok(parsed) => parsed,
        Err(error) => return failure(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", error),
    };
    match history::record(&state.services, &client, &report, &record, &raw, Utc::now()).await {
        Ok(outcome) => axum::Json(ReportBody {
            outcome: outcome.name(),
            attempt_guid: report.guid,
        })
        .into_response(),
        Err(error) => service_failure(error),
    }
}

/// What a dialer asks a lease for; every field is optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeaseBody {
    /// How many records (1 to 500, default 10).
    pub count: Option<u32>,
    /// Seconds before unreported records return to ready (10 to 3600, default 300).
    pub lease_seconds: Option<u32>,
    /// The agent asking: personal callbacks go only to their agent.
    pub agent_id: Option<String>,
}

/// Leased records and, when there are none, why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeaseAnswer {
    /// The records in campaign order: calling-list columns plus the `GSW_*`
    /// keys to send back with `/ocs/v1/history` (`GSW_RECORD_HANDLE` above all).
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<Value>,
    /// Why no record was handed out (the schedule, none due, compliance).
    pub idle_reason: Option<String>,
    /// Due records a compliance rule refused now (rescheduled or cancelled, not leased).
    pub refused: u32,
}

/// One leased record as a dialer reads it.
fn leased_json(leased: &workers::campaigns::lease::Leased) -> Value {
    let record = &leased.record;
    serde_json::json!({
        "record_id": record.record_id,
        "contact_info": record.contact_info,
        "contact_info_type": record.contact_info_type,
        "record_type": record.record_type,
        "record_status": record.record_status,
        "call_result": record.call_result,
        "attempt": record.attempt,
        "dial_sched_time": record.dial_sched_time,
        "call_time": record.call_time,
        "daily_from": record.daily_from,
        "daily_till": record.daily_till,
        "tz_dbid": record.tz_dbid,
        "tz_name": record.tz_name,
        "chain_id": record.chain_id,
        "chain_n": record.chain_n,
        "agent_id": record.agent_id,
        "campaign_id": record.campaign_id,
        "c_client_id": record.c_client_id,
        "c_first_name": record.c_first_name,
        "c_last_name": record.c_last_name,
        "c_company": record.c_company,
        "c_postal_code": record.c_postal_code,
        "c_country": record.c_country,
        "cd_kind": record.cd_kind,
        "cd_country_code": record.cd_country_code,
        "cd_area_code": record.cd_area_code,
        "cd_region": record.cd_region,
        "cd_device_type": record.cd_device_type,
        "lease_until": record.lease_until,
        "GSW_RECORD_HANDLE": record.record_id,
        "GSW_PHONE": record.contact_info,
        "GSW_CHAIN_ID": record.chain_id,
        "GSW_CUSTOMER_ID": record.c_client_id,
        "GSW_TZ_NAME": record.tz_name,
        "GSW_CAMPAIGN_NAME": leased.campaign,
    })
}

/// Leases the next ready records of a running campaign, each judged by the
/// compliance rules at that moment; two dialers never get the same record.
#[utoipa::path(
    post,
    path = "/ocs/v1/campaigns/{id}/records:lease",
    tag = "ocs",
    operation_id = "leaseRecords",
    params(("id" = String, Path, description = "The campaign's id.")),
    request_body(content = LeaseBody, description = "How many records, for how long, for which agent (all optional).", content_type = "application/json"),
    responses(
        (status = 200, description = "The leased records (possibly none, with the reason).", body = LeaseAnswer),
        (status = 400, description = "The body is not JSON or a value is out of range.", body = super::openapi::ErrorResponse),
        (status = 401, description = "No key, or an unknown or revoked key.", body = super::openapi::ErrorResponse),
        (status = 403, description = "The key lacks the OCS_LEASE scope.", body = super::openapi::ErrorResponse),
        (status = 404, description = "The tenant has no such campaign.", body = super::openapi::ErrorResponse),
        (status = 409, description = "The campaign is not running.", body = super::openapi::ErrorResponse),
        (status = 413, description = "The body is larger than the route accepts.", body = super::openapi::ErrorResponse),
        (status = 429, description = "Too many wrong API keys from this client address: wait for Retry-After.", body = super::openapi::ErrorResponse),
        (status = 503, description = "A store is unavailable: nothing was leased; retry.", body = super::openapi::ErrorResponse),
    ),
    security(("apiKey" = []), ("bearerKey" = []))
)]
async fn lease(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let (client, raw) = match request(&state, peer, &headers, ApiScope::OcsLease, body).await {
        Ok(request) => request,
        Err(response) => return *response,
    };
    let Ok(campaign_id) = uuid::Uuid::parse_str(&id) else {
        return failure(StatusCode::NOT_FOUND, "NOT_FOUND", "campaign not found");
    };
    let asked: LeaseBody = if raw.is_null() {
        LeaseBody::default()
    } else {
        match serde_json::from_value(raw) {
            Ok(asked) => asked,
            Err(error) => return failure(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", error),
        }
    };
    let request = workers::campaigns::lease::LeaseRequest {
        count: asked.count.unwrap_or(10),
        lease_seconds: asked
            .lease_seconds
            .unwrap_or(workers::campaigns::lease::DEFAULT_LEASE_SECONDS),
        agent_id: asked
            .agent_id
            .map(|agent| agent.trim().to_owned())
            .filter(|agent| !agent.is_empty()),
    };
    match workers::campaigns::lease::lease(&state.services, &client, campaign_id, request).await {
        Ok(outcome) => axum::Json(LeaseAnswer {
            records: outcome.records.iter().map(leased_json).collect(),
            idle_reason: outcome.idle_reason,
            refused: outcome.refused,
        })
        .into_response(),
        Err(error) => service_failure(error),
    }
}
