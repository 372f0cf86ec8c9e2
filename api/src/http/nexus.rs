//! `POST /nexus/v1/events`: the messaging gateway's delivery receipts and
//! inbound replies (SPEC §4). Authenticated by the tenant's HMAC signature,
//! not a token; the work is `workers::messaging::callbacks`. Served with the
//! API (the public front the gateway can reach).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use serde_json::json;
use workers::messaging::callbacks::{self, CallbackError, Signed};
use workers::messaging::provider::CALLBACK_PATH;

use super::AppState;

/// Largest callback body accepted.
const MAX_CALLBACK_BYTES: usize = 1024 * 1024;

/// The callback route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(CALLBACK_PATH, post(events))
        .layer(DefaultBodyLimit::max(MAX_CALLBACK_BYTES))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

async fn events(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let signed = Signed {
        account: header(&headers, "x-nexus-account"),
        timestamp: header(&headers, "x-nexus-timestamp"),
        signature: header(&headers, "x-nexus-signature"),
    };
    match callbacks::receive(&state.services, signed, &body, Utc::now()).await {
        Ok(receipt) => (
            StatusCode::OK,
            Json(json!({ "accepted": receipt.accepted, "duplicates": receipt.duplicates })),
        )
            .into_response(),
        Err(CallbackError::Unauthenticated(reason)) => {
            tracing::warn!(%reason, "gateway callback refused");
            (StatusCode::UNAUTHORIZED, Json(json!({ "error": reason }))).into_response()
        }
        Err(CallbackError::BadRequest(reason)) => {
            (StatusCode::BAD_REQUEST, Json(json!({ "error": reason }))).into_response()
        }
        Err(CallbackError::Service(error)) => {
            tracing::error!(error = ?anyhow::Error::from(error), "gateway callback failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({ "error": "internal error; send the callback again" })),
            )
                .into_response()
        }
    }
}
