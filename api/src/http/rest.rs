//! What the REST routes (downloads, uploads) share: the caller from a user's
//! bearer token, and errors in the shape GraphQL answers with
//! (`{ "errors": [{ "message", "extensions": { "code" } }] }`), so one client-side
//! error reader serves both.

use std::fmt::Display;
use std::net::SocketAddr;

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use workers::accounts::{Principal, users};

use super::graphql::bearer;
use super::{AppState, client_ip};
use crate::graphql::error::ApiError;

/// An error response with `status`, one of the closed GraphQL `code`s and a message.
pub fn failure(status: StatusCode, code: &str, message: impl Display) -> Response {
    let body =
        json!({ "errors": [{ "message": message.to_string(), "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}

/// The HTTP status an API error maps to.
pub fn status_of(error: &ApiError) -> StatusCode {
    match error {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::BadUserInput { .. } | ApiError::InvalidFields { .. } => StatusCode::BAD_REQUEST,
        ApiError::Conflict { .. } => StatusCode::CONFLICT,
        ApiError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
        ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// An API error as a response.
pub fn api_failure(error: ApiError) -> Response {
    failure(status_of(&error), error.code(), &error)
}

/// The caller: a user's bearer token (API-client keys carry no scope for these routes).
pub async fn signed_in(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<Principal, Response> {
    let Some(token) = bearer(headers).map(str::trim).filter(|t| !t.is_empty()) else {
        return Err(api_failure(ApiError::Unauthenticated(
            "sign in first".into(),
        )));
    };
    if token.starts_with("rl_") {
        return Err(api_failure(ApiError::Forbidden(
            "API-client keys cannot use this route; use a user's token".into(),
        )));
    }
    let ip = client_ip(headers, Some(peer), state.trust_forwarded_for);
    users::authenticate(&state.services, token, ip)
        .await
        .map_err(|error| api_failure(ApiError::from(error)))
}
