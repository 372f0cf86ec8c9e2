//! The OpenAPI 3 document of the dialer REST shims (SPEC §4), served at
//! `GET /api/openapi.json` so dialer integrators and client generators read
//! the contract from the running server. Paths and response bodies come from
//! the handlers' own `#[utoipa::path]` attributes and the `ToSchema` derives
//! of the types they serialise ([`super::ocs`]); what has no Rust type of its
//! own — the free-form OCS record, the error body, the key schemes — is
//! described here.

use std::borrow::Cow;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use compliance::RuleKind;
use serde_json::Value;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::AppState;
use super::rest::failure;

/// Where the document is served.
pub const PATH: &str = "/api/openapi.json";

/// The name of the `X-API-Key` security scheme in the document.
pub const API_KEY_SCHEME: &str = "apiKey";
/// The name of the `Authorization: Bearer` security scheme in the document.
pub const BEARER_SCHEME: &str = "bearerKey";

/// The document's root: every dialer route and the key schemes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Reachline dialer API",
        description = "REST shims for dialers (Genesys OCS style): pre-dial validation of one \
                       record or a batch, and call report records. Authenticate with an API \
                       client's key (`X-API-Key: rl_…`, or `Authorization: Bearer rl_…`) \
                       holding the route's scope (OCS_VALIDATE, OCS_HISTORY)."
    ),
    paths(super::ocs::validate_one, super::ocs::validate_batch, super::ocs::report, super::ocs::lease),
    components(schemas(OcsRecord, BatchRequest, ErrorResponse, RuleKindName, HistoryOutcome)),
    modifiers(&KeySchemes),
    tags((name = "ocs", description = "Pre-dial validation and call reports for dialers"))
)]
pub struct ApiDoc;

/// Adds the two ways a dialer may send its API client's key.
struct KeySchemes;

impl Modify for KeySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            API_KEY_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-Key",
                "The API client's key (`rl_…`), scoped to a tenant and to the routes it needs.",
            ))),
        );
        components.add_security_scheme(
            BEARER_SCHEME,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("rl_… API client key")
                    .description(Some(
                        "The same API client key as `Authorization: Bearer rl_…` (user login \
                         tokens are refused on these routes).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The dialer routes' document as JSON, built once per router.
pub fn routes() -> Router<AppState> {
    let document = serde_json::to_vec(&ApiDoc::openapi())
        .map(Bytes::from)
        .map_err(|error| tracing::error!(%error, "serialising the OpenAPI document failed"));
    Router::new().route(
        PATH,
        get(move || {
            let document = document.clone();
            async move { serve(document) }
        }),
    )
}

fn serve(document: Result<Bytes, ()>) -> Response {
    match document {
        Ok(bytes) => ([(CONTENT_TYPE, "application/json")], bytes).into_response(),
        Err(()) => failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "the OpenAPI document could not be built",
        ),
    }
}

/// A field value as OCS sends it: text, a number or a boolean (`null` means absent).
fn field(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::Array(vec![
            Type::String,
            Type::Number,
            Type::Boolean,
            Type::Null,
        ]))
        .description(Some(description))
        .into()
}

/// The known keys of an OCS record with what they mean (`ocs` crate, `names`).
const RECORD_KEYS: &[(&str, &str)] = &[
    (
        "GSW_PHONE",
        "The number to dial, E.164 or national with GSW_COUNTRY (also `contact_info`, `phone`). \
         Required by every route; at most 128 characters.",
    ),
    (
        "contact_info",
        "The calling-list column of the number, used when GSW_PHONE is absent.",
    ),
    (
        "GSW_COUNTRY",
        "ISO country of a number written without its country code (also `country`, `c_country`).",
    ),
    (
        "GSW_CUSTOMER_ID",
        "The customer's own key, checked against client-id suppression lists (also `client_id`, \
         `c_client_id`, `customer_id`); at most 64 characters.",
    ),
    (
        "GSW_EMAIL",
        "The contact's e-mail, checked against e-mail suppression lists (also `email`, `c_email`).",
    ),
    (
        "GSW_CONSENT",
        "Consent to automated calls to a mobile: 1/0, true/false or yes/no (also `consent`, \
         `c_consent`, `consent_automated`). Absent means no consent.",
    ),
    (
        "GSW_DIAL_MODE",
        "PREVIEW, PROGRESSIVE, PREDICTIVE, POWER, AGENTLESS, SMS or EMAIL (also `dial_mode`, \
         `dialing_mode`); absent means PREDICTIVE, the strictest automated mode.",
    ),
    (
        "GSW_TZ_NAME",
        "The record's own IANA time zone, used for calling windows (also `tz_name`, `time_zone`).",
    ),
    (
        "GSW_CALLING_LIST",
        "The OCS calling list's name; an unknown name is 404 (also `calling_list`).",
    ),
    (
        "GSW_CAMPAIGN_GROUP_NAME",
        "The campaign (also `GSW_CAMPAIGN_NAME`, `campaign`): when given it must name one of \
         the tenant's campaigns (404 otherwise); its template's mode is the record's unless \
         `GSW_DIAL_MODE` says otherwise, and its optional attempt rules apply.",
    ),
    (
        "GSW_CALL_ATTEMPT_GUID",
        "History: the attempt's id; reports are idempotent by it (also `call_attempt_guid`); at \
         most 64 characters.",
    ),
    (
        "GSW_HIST_SEQUENCE_NUM",
        "History: 0 when dialling starts, 1 when the attempt ends; record 1 replaces record 0 \
         (also `hist_sequence_num`).",
    ),
    (
        "GSW_CALL_RESULT",
        "History: the OCS call result, code or name (also `call_result`); required when \
         GSW_HIST_SEQUENCE_NUM is 1.",
    ),
    (
        "GSW_RIGHT_PARTY",
        "History: 1/0; an answered call with the right party counts as a right-party contact \
         (also `right_party`).",
    ),
    (
        "GSW_CALL_TIME",
        "History: when the attempt happened, UTC epoch seconds or RFC 3339 (also `call_time`, \
         `GSW_DATE_TIME`).",
    ),
    (
        "GSW_CHAIN_ID",
        "The record's chain in the calling list (also `chain_id`).",
    ),
    (
        "GSW_RECORD_HANDLE",
        "History: the leased calling-list record (`record_id`, also `record_handle`); record 1 \
         applies the campaign's treatment of the result to it.",
    ),
    (
        "GSW_CALLBACK_TIME",
        "History, record 1: schedule a callback at this instant (UTC epoch seconds or RFC 3339; \
         also `callback_time`).",
    ),
    (
        "GSW_CALLBACK_TYPE",
        "History: `Personal` (only `GSW_AGENT_ID` gets it) or `Campaign` (any agent; the \
         default); also `callback_type`.",
    ),
    (
        "GSW_AGENT_ID",
        "The agent (also `agent_id`): whose personal callback it is.",
    ),
];

/// One OCS record: a free-form JSON object of calling-list columns and
/// `GSW_*` attached-data keys; keys match case-insensitively, unknown keys are ignored.
pub struct OcsRecord;

impl PartialSchema for OcsRecord {
    fn schema() -> RefOr<Schema> {
        let mut object = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "One OCS record: the calling-list columns and `GSW_*` attached-data keys the \
                 dialer sends. Keys match case-insensitively; unknown keys are ignored. Values \
                 may be text, numbers or booleans (OCS sends text).",
            ))
            .additional_properties(Some(AdditionalProperties::FreeForm(true)))
            .examples([serde_json::json!({
                "GSW_PHONE": "+12025550143",
                "GSW_CUSTOMER_ID": "C-1001",
                "GSW_CALLING_LIST": "Collections",
                "GSW_CHAIN_ID": "17",
                "GSW_TZ_NAME": "America/New_York",
            })]);
        for (key, description) in RECORD_KEYS {
            object = object.property(*key, field(description));
        }
        object.into()
    }
}

impl ToSchema for OcsRecord {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("OcsRecord")
    }
}

/// The batch body: a bare array of records, or `{ "records": [...] }`.
pub struct BatchRequest;

impl PartialSchema for BatchRequest {
    fn schema() -> RefOr<Schema> {
        let records = || {
            ArrayBuilder::new()
                .items(RefOr::Ref(schema::Ref::from_schema_name(OcsRecord::name())))
                .min_items(Some(1))
                .max_items(Some(super::ocs::MAX_BATCH_RECORDS))
        };
        OneOfBuilder::new()
            .description(Some(
                "1 to 1,000 records, as a bare array or as an object with a `records` array; \
                 one answer per record, in order.",
            ))
            .item(records())
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .property("records", records())
                    .required("records"),
            )
            .into()
    }
}

impl ToSchema for BatchRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("BatchRequest")
    }
}

/// Every rule kind a refusal can name.
const RULE_KINDS: [RuleKind; 9] = [
    RuleKind::EmergencyStop,
    RuleKind::Suppression,
    RuleKind::TimeZoneUnknown,
    RuleKind::CallingWindow,
    RuleKind::Holiday,
    RuleKind::AttemptLimit,
    RuleKind::MobileConsent,
    RuleKind::Reassigned,
    RuleKind::Ported,
];

/// The rule kind of a refusal as the dialer reads it (`SUPPRESSION`, `CALLING_WINDOW`, …).
pub struct RuleKindName;

impl PartialSchema for RuleKindName {
    fn schema() -> RefOr<Schema> {
        let names: Vec<Value> = RULE_KINDS
            .iter()
            .filter_map(|kind| serde_json::to_value(kind).ok())
            .collect();
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("The kind of rule that refused."))
            .enum_values(Some(names))
            .into()
    }
}

impl ToSchema for RuleKindName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("RuleKind")
    }
}

/// The error body of every REST route (the shape GraphQL errors have).
#[allow(dead_code, reason = "described in the document, never built")]
#[derive(ToSchema)]
pub struct ErrorResponse {
    /// One error (REST routes send exactly one).
    #[schema(min_items = 1)]
    pub errors: Vec<ErrorItem>,
}

/// One error: a message for people and a code for programs.
#[allow(dead_code, reason = "described in the document, never built")]
#[derive(ToSchema)]
pub struct ErrorItem {
    /// What is wrong, naming the field when one is at fault.
    pub message: String,
    /// The machine-readable part.
    pub extensions: ErrorExtensions,
}

/// The machine-readable part of an error.
#[allow(dead_code, reason = "described in the document, never built")]
#[derive(ToSchema)]
pub struct ErrorExtensions {
    /// One of the closed error codes.
    pub code: ErrorCode,
}

/// The closed set of error codes (SPEC §4).
#[allow(dead_code, reason = "described in the document, never built")]
#[derive(ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// No or an unknown key (401).
    Unauthenticated,
    /// The key lacks the route's scope (403).
    Forbidden,
    /// A named calling list does not exist (404).
    NotFound,
    /// The body is malformed, too large or a record is unusable (400, 413).
    BadUserInput,
    /// A conflicting change.
    Conflict,
    /// A store is unavailable (503) or an unexpected failure.
    Internal,
}

/// The outcome of a call report record.
#[allow(dead_code, reason = "described in the document, never built")]
#[derive(ToSchema)]
#[schema(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HistoryOutcome {
    /// A new attempt, stored.
    Stored,
    /// Record 1 replaced the attempt's record 0.
    Replaced,
    /// The same record again: nothing changed.
    Duplicate,
    /// Record 0 after record 1: the attempt already has its result.
    Superseded,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_kind_is_documented() {
        for kind in RULE_KINDS {
            // Fails to compile when a kind is added: add it to RULE_KINDS too.
            match kind {
                RuleKind::EmergencyStop
                | RuleKind::Suppression
                | RuleKind::TimeZoneUnknown
                | RuleKind::CallingWindow
                | RuleKind::Holiday
                | RuleKind::AttemptLimit
                | RuleKind::MobileConsent
                | RuleKind::Reassigned
                | RuleKind::Ported => {}
            }
        }
        let schema = serde_json::to_value(RuleKindName::schema()).expect("a schema");
        assert_eq!(schema["enum"].as_array().map(Vec::len), Some(9));
    }

    #[test]
    fn the_document_names_every_route_and_key_scheme() {
        let document = serde_json::to_value(ApiDoc::openapi()).expect("a document");
        for path in [
            "/ocs/v1/validate",
            "/ocs/v1/validate/batch",
            "/ocs/v1/history",
        ] {
            assert!(document["paths"][path]["post"].is_object(), "{path}");
        }
        let schemes = &document["components"]["securitySchemes"];
        assert_eq!(schemes[API_KEY_SCHEME]["name"], "X-API-Key");
        assert_eq!(schemes[BEARER_SCHEME]["scheme"], "bearer");
    }
}
