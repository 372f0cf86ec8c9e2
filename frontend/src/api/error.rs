//! `ApiError`: every way a GraphQL call can fail, in one typed value.
//!
//! The server reports errors as `errors[].extensions.code` from a closed set
//! (SPEC §4); `BAD_USER_INPUT` and `CONFLICT` may name the input field at
//! fault in `extensions.field`. Transport failures (no network, a proxy's 502,
//! a body that is not GraphQL) get kinds of their own so the pages can say
//! something useful instead of "error".

use std::collections::HashMap;

use graphql_client::{Error as GraphqlError, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What went wrong, as far as the user interface needs to know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `UNAUTHENTICATED`: no token, an expired one, or wrong credentials at login.
    Unauthenticated,
    /// `FORBIDDEN`: the user's role does not allow this.
    Forbidden,
    /// `NOT_FOUND`: the object does not exist (or belongs to another tenant).
    NotFound,
    /// `BAD_USER_INPUT`: an argument failed validation.
    BadUserInput,
    /// `CONFLICT`: a uniqueness rule or a state machine said no.
    Conflict,
    /// `INTERNAL`, or a code this build does not know.
    Internal,
    /// HTTP 429 from the server or a proxy: too many requests.
    RateLimited,
    /// The request never got an answer (offline, DNS, CORS, server down).
    Network,
    /// An answer came back but it was not a GraphQL response.
    Protocol,
}

impl ErrorKind {
    /// Maps an `extensions.code` value; unknown codes count as internal errors.
    pub fn from_code(code: &str) -> ErrorKind {
        match code {
            "UNAUTHENTICATED" => ErrorKind::Unauthenticated,
            "FORBIDDEN" => ErrorKind::Forbidden,
            "NOT_FOUND" => ErrorKind::NotFound,
            "BAD_USER_INPUT" => ErrorKind::BadUserInput,
            "CONFLICT" => ErrorKind::Conflict,
            _ => ErrorKind::Internal,
        }
    }
}

/// One problem with one input field, to show next to that field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The input field's GraphQL name, e.g. `email` or `displayName`.
    pub field: String,
    /// The server's message for it.
    pub message: String,
}

/// A failed API call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The most important kind among the errors returned.
    pub kind: ErrorKind,
    /// A message to show the user, never empty.
    pub message: String,
    /// Errors tied to one input field each (from `extensions.field`).
    pub field_errors: Vec<FieldError>,
}

impl ApiError {
    /// An error with no field details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
            field_errors: Vec::new(),
        }
    }

    /// Problems found before sending (a form's own checks), shown exactly
    /// like the server's field errors.
    pub fn from_field_errors(field_errors: Vec<FieldError>) -> ApiError {
        ApiError {
            kind: ErrorKind::BadUserInput,
            message: FIELDS_NEED_ATTENTION.to_owned(),
            field_errors,
        }
    }

    /// The request failed before any answer arrived.
    pub fn network(detail: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            ErrorKind::Network,
            format!("Cannot reach the server ({detail}). Check the connection and try again."),
        )
    }

    /// An answer that is not a GraphQL response: explains it by HTTP status.
    pub fn from_http_status(status: u16) -> ApiError {
        match status {
            401 => ApiError::new(ErrorKind::Unauthenticated, "Your session has ended."),
            403 => ApiError::new(
                ErrorKind::Forbidden,
                "You do not have permission to do that.",
            ),
            429 => ApiError::new(
                ErrorKind::RateLimited,
                "Too many attempts. Wait a minute and try again.",
            ),
            _ => ApiError::new(
                ErrorKind::Protocol,
                format!("The server answered with an unexpected response (HTTP {status})."),
            ),
        }
    }

    /// Builds the error from a non-empty `errors` array.
    ///
    /// The kind is the most pressing one present (an expired session beats
    /// everything, since nothing else can succeed until the user signs in).
    pub fn from_graphql_errors(errors: &[GraphqlError]) -> ApiError {
        let kinds: Vec<ErrorKind> = errors.iter().map(kind_of).collect();
        let kind = PRECEDENCE
            .into_iter()
            .find(|candidate| kinds.contains(candidate))
            .unwrap_or(ErrorKind::Internal);
        let field_errors: Vec<FieldError> = errors
            .iter()
            .filter_map(field_error_of)
            .chain(errors.iter().flat_map(listed_field_errors))
            .collect();
        let general_messages: Vec<&str> = errors
            .iter()
            .filter(|error| field_of(error).is_none() && listed_field_errors(error).is_empty())
            .map(|error| error.message.trim())
            .filter(|message| !message.is_empty())
            .collect();
        let message = if !general_messages.is_empty() {
            general_messages.join(" ")
        } else if !field_errors.is_empty() {
            FIELDS_NEED_ATTENTION.to_owned()
        } else {
            default_message(kind).to_owned()
        };
        ApiError {
            kind,
            message,
            field_errors,
        }
    }

    /// The message for one input field, if the server flagged it.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.field_errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }

    /// What a banner about this error says: the message and, since a banner
    /// stands where no field can show them, the field errors' messages too.
    pub fn banner_text(&self) -> String {
        if self.field_errors.is_empty() {
            return self.message.clone();
        }
        let field_messages: Vec<String> = self
            .field_errors
            .iter()
            .map(|error| as_sentence(&error.message))
            .collect();
        if self.message == FIELDS_NEED_ATTENTION {
            return field_messages.join(" ");
        }
        format!("{} {}", self.message, field_messages.join(" "))
    }

    /// Whether a form showing `shown_fields` needs a banner as well: some
    /// problem is not tied to one of its fields.
    pub fn needs_banner(&self, shown_fields: &[&str]) -> bool {
        self.field_errors.is_empty()
            || self
                .field_errors
                .iter()
                .any(|error| !shown_fields.contains(&error.field.as_str()))
    }

    /// True when the session is gone and the user must sign in again.
    pub fn is_unauthenticated(&self) -> bool {
        self.kind == ErrorKind::Unauthenticated
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.message)
    }
}

/// Turns a decoded GraphQL response into its data or an `ApiError`.
///
/// Errors win over partial data: the pages built on this never render half a
/// result.
pub fn into_result<Data>(response: Response<Data>) -> Result<Data, ApiError> {
    if let Some(errors) = response.errors.as_deref()
        && !errors.is_empty()
    {
        return Err(ApiError::from_graphql_errors(errors));
    }
    response.data.ok_or_else(|| {
        ApiError::new(
            ErrorKind::Protocol,
            "The server answered without data or errors.",
        )
    })
}

/// Reads a `/graphql` HTTP answer: a GraphQL body whatever the status (some
/// servers send errors with 4xx), else an error explained by the status.
pub fn parse_http_response<Data: DeserializeOwned>(
    status: u16,
    body: &str,
) -> Result<Data, ApiError> {
    match serde_json::from_str::<Response<Data>>(body) {
        Ok(response) if response.data.is_some() || response.errors.is_some() => {
            into_result(response)
        }
        _ if (200..300).contains(&status) => Err(ApiError::new(
            ErrorKind::Protocol,
            "The server's answer could not be read. Reload the page; the app may be out of date.",
        )),
        _ => Err(ApiError::from_http_status(status)),
    }
}

/// The message of an error made only of field errors.
const FIELDS_NEED_ATTENTION: &str = "Some fields need attention.";

/// A server message (`is already taken`) as a sentence (`Is already taken.`).
fn as_sentence(message: &str) -> String {
    let message = message.trim();
    let mut characters = message.chars();
    let Some(first) = characters.next() else {
        return String::new();
    };
    let mut sentence: String = first.to_uppercase().chain(characters).collect();
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

/// Most pressing first: the order `from_graphql_errors` picks the kind in.
const PRECEDENCE: [ErrorKind; 6] = [
    ErrorKind::Unauthenticated,
    ErrorKind::Forbidden,
    ErrorKind::Internal,
    ErrorKind::NotFound,
    ErrorKind::Conflict,
    ErrorKind::BadUserInput,
];

fn extensions_string<'a>(
    extensions: &'a Option<HashMap<String, Value>>,
    key: &str,
) -> Option<&'a str> {
    extensions.as_ref()?.get(key)?.as_str()
}

fn kind_of(error: &GraphqlError) -> ErrorKind {
    extensions_string(&error.extensions, "code")
        .map(ErrorKind::from_code)
        .unwrap_or(ErrorKind::Internal)
}

fn field_of(error: &GraphqlError) -> Option<String> {
    let kind = kind_of(error);
    if kind != ErrorKind::BadUserInput && kind != ErrorKind::Conflict {
        return None;
    }
    extensions_string(&error.extensions, "field").map(normalize_field_name)
}

fn field_error_of(error: &GraphqlError) -> Option<FieldError> {
    let field = field_of(error)?;
    Some(FieldError {
        field,
        message: error.message.trim().to_owned(),
    })
}

/// The `extensions.fields` list of a `BAD_USER_INPUT` error that names
/// several fields at once (`[{field, message}]`, e.g. a whole rule set
/// refused): each keeps its full path ("callingWindows.default.slots[0].end"),
/// which the rule editor looks errors up by.
fn listed_field_errors(error: &GraphqlError) -> Vec<FieldError> {
    if kind_of(error) != ErrorKind::BadUserInput {
        return Vec::new();
    }
    let Some(Value::Array(fields)) = error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("fields"))
    else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|entry| {
            Some(FieldError {
                field: entry.get("field")?.as_str()?.to_owned(),
                message: entry.get("message")?.as_str()?.trim().to_owned(),
            })
        })
        .collect()
}

/// Accepts `email`, `input.email` or `display_name` and returns the GraphQL
/// input field name (`email`, `displayName`) the forms look errors up by.
pub fn normalize_field_name(raw: &str) -> String {
    let last_segment = raw.rsplit('.').next().unwrap_or(raw);
    let mut camel = String::with_capacity(last_segment.len());
    let mut upper_next = false;
    for character in last_segment.chars() {
        if character == '_' {
            upper_next = !camel.is_empty();
        } else if upper_next {
            camel.extend(character.to_uppercase());
            upper_next = false;
        } else {
            camel.push(character);
        }
    }
    camel
}

fn default_message(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Unauthenticated => "Your session has ended. Sign in again.",
        ErrorKind::Forbidden => "You do not have permission to do that.",
        ErrorKind::NotFound => "That item no longer exists.",
        ErrorKind::BadUserInput => "Some values are not valid.",
        ErrorKind::Conflict => "That conflicts with existing data.",
        ErrorKind::RateLimited => "Too many attempts. Wait a minute and try again.",
        ErrorKind::Internal | ErrorKind::Network | ErrorKind::Protocol => {
            "Something went wrong on the server. Try again."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(json: Value) -> Response<Value> {
        serde_json::from_value(json).expect("a GraphQL response")
    }

    #[test]
    fn every_contract_code_maps_to_its_kind() {
        let cases = [
            ("UNAUTHENTICATED", ErrorKind::Unauthenticated),
            ("FORBIDDEN", ErrorKind::Forbidden),
            ("NOT_FOUND", ErrorKind::NotFound),
            ("BAD_USER_INPUT", ErrorKind::BadUserInput),
            ("CONFLICT", ErrorKind::Conflict),
            ("INTERNAL", ErrorKind::Internal),
            ("SOMETHING_NEW", ErrorKind::Internal),
        ];
        for (code, kind) in cases {
            let json = serde_json::json!({
                "data": null,
                "errors": [{ "message": "m", "extensions": { "code": code } }]
            });
            let error = into_result(response(json)).expect_err("errors present");
            assert_eq!(error.kind, kind, "code {code}");
            assert_eq!(error.message, "m");
        }
    }

    #[test]
    fn data_without_errors_is_ok() {
        let json = serde_json::json!({ "data": { "me": { "id": "1" } } });
        let data = into_result(response(json)).expect("data");
        assert_eq!(data["me"]["id"], "1");
    }

    #[test]
    fn neither_data_nor_errors_is_a_protocol_error() {
        let error = into_result(response(serde_json::json!({}))).expect_err("empty");
        assert_eq!(error.kind, ErrorKind::Protocol);
    }

    #[test]
    fn an_error_without_extensions_is_internal() {
        let json = serde_json::json!({ "errors": [{ "message": "boom" }] });
        let error = into_result(response(json)).expect_err("errors present");
        assert_eq!(error.kind, ErrorKind::Internal);
        assert_eq!(error.message, "boom");
    }

    #[test]
    fn field_errors_are_collected_and_normalised() {
        let json = serde_json::json!({ "errors": [
            { "message": "already taken", "extensions": { "code": "CONFLICT", "field": "input.email" } },
            { "message": "too short", "extensions": { "code": "BAD_USER_INPUT", "field": "password" } },
            { "message": "required", "extensions": { "code": "BAD_USER_INPUT", "field": "display_name" } }
        ]});
        let error = into_result(response(json)).expect_err("errors present");
        assert_eq!(error.kind, ErrorKind::Conflict);
        assert_eq!(error.field_message("email"), Some("already taken"));
        assert_eq!(error.field_message("password"), Some("too short"));
        assert_eq!(error.field_message("displayName"), Some("required"));
        assert_eq!(error.message, "Some fields need attention.");
    }

    #[test]
    fn a_field_on_another_code_is_not_a_field_error() {
        let json = serde_json::json!({ "errors": [
            { "message": "no", "extensions": { "code": "FORBIDDEN", "field": "role" } }
        ]});
        let error = into_result(response(json)).expect_err("errors present");
        assert!(error.field_errors.is_empty());
        assert_eq!(error.message, "no");
    }

    #[test]
    fn unauthenticated_wins_over_other_kinds() {
        let json = serde_json::json!({ "errors": [
            { "message": "bad", "extensions": { "code": "BAD_USER_INPUT" } },
            { "message": "expired", "extensions": { "code": "UNAUTHENTICATED" } }
        ]});
        let error = into_result(response(json)).expect_err("errors present");
        assert!(error.is_unauthenticated());
        assert_eq!(error.message, "bad expired");
    }

    #[test]
    fn a_form_s_own_checks_look_like_server_field_errors() {
        let problems = vec![FieldError {
            field: "email".to_owned(),
            message: "Enter an e-mail address.".to_owned(),
        }];
        let error = ApiError::from_field_errors(problems);
        assert_eq!(error.kind, ErrorKind::BadUserInput);
        assert_eq!(
            error.field_message("email"),
            Some("Enter an e-mail address.")
        );
    }

    #[test]
    fn banners_spell_out_field_errors() {
        let json = serde_json::json!({ "errors": [
            { "message": "an import is running into this list", "extensions": { "code": "CONFLICT", "field": "id" } }
        ]});
        let error = into_result(response(json)).expect_err("errors present");
        assert_eq!(error.banner_text(), "An import is running into this list.");
        assert!(error.needs_banner(&["name"]));
        assert!(!error.needs_banner(&["id", "name"]));
        let plain = ApiError::new(ErrorKind::Internal, "Boom.");
        assert_eq!(plain.banner_text(), "Boom.");
        assert!(plain.needs_banner(&["name"]));
        let mixed = serde_json::json!({ "errors": [
            { "message": "Not now.", "extensions": { "code": "CONFLICT" } },
            { "message": "is already taken", "extensions": { "code": "CONFLICT", "field": "name" } }
        ]});
        let error = into_result(response(mixed)).expect_err("errors present");
        assert_eq!(error.banner_text(), "Not now. Is already taken.");
        assert_eq!(as_sentence(""), "");
    }

    #[test]
    fn http_statuses_without_a_graphql_body() {
        assert_eq!(ApiError::from_http_status(429).kind, ErrorKind::RateLimited);
        assert_eq!(
            ApiError::from_http_status(401).kind,
            ErrorKind::Unauthenticated
        );
        assert_eq!(ApiError::from_http_status(502).kind, ErrorKind::Protocol);
        assert!(ApiError::from_http_status(502).message.contains("502"));
    }

    #[test]
    fn http_answers_are_read_by_body_first() {
        let ok: Result<Value, ApiError> = parse_http_response(200, r#"{"data":{"logout":true}}"#);
        assert_eq!(ok.expect("data")["logout"], true);
        let graphql_error: Result<Value, ApiError> = parse_http_response(
            400,
            r#"{"errors":[{"message":"bad","extensions":{"code":"BAD_USER_INPUT"}}]}"#,
        );
        assert_eq!(
            graphql_error.expect_err("errors").kind,
            ErrorKind::BadUserInput
        );
        let limited: Result<Value, ApiError> = parse_http_response(429, "Too Many Requests");
        assert_eq!(limited.expect_err("limited").kind, ErrorKind::RateLimited);
        let garbled: Result<Value, ApiError> = parse_http_response(200, "<html>");
        assert_eq!(garbled.expect_err("garbled").kind, ErrorKind::Protocol);
        let proxy: Result<Value, ApiError> = parse_http_response(502, "{}");
        assert_eq!(proxy.expect_err("proxy").kind, ErrorKind::Protocol);
    }

    #[test]
    fn field_names_are_normalised() {
        assert_eq!(normalize_field_name("email"), "email");
        assert_eq!(normalize_field_name("input.displayName"), "displayName");
        assert_eq!(normalize_field_name("display_name"), "displayName");
        assert_eq!(normalize_field_name("_private"), "private");
    }

    #[test]
    fn listed_field_errors_keep_their_json_paths() {
        let body = serde_json::json!({
            "data": null,
            "errors": [{
                "message": "invalid rule set",
                "extensions": {
                    "code": "BAD_USER_INPUT",
                    "fields": [
                        {"field": "callingWindows.default.slots[0].end", "message": "ends before it starts"},
                        {"field": "attemptRules[1].name", "message": "is used twice"}
                    ]
                }
            }]
        });
        let error = into_result(response(body)).expect_err("an error");
        assert_eq!(error.kind, ErrorKind::BadUserInput);
        assert_eq!(
            error.field_message("callingWindows.default.slots[0].end"),
            Some("ends before it starts")
        );
        assert_eq!(
            error.field_message("attemptRules[1].name"),
            Some("is used twice")
        );
        assert_eq!(error.message, FIELDS_NEED_ATTENTION);
    }
}
