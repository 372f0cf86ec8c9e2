//! Operations endpoints served by every role: liveness, readiness, metrics.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

use super::AppState;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: both stores answer and the process is not draining.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.draining.load(Ordering::Relaxed) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "ready": false, "reason": "shutting down" })),
        );
    }
    match state.services.ready().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "ready": true }))),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "ready": false, "reason": reason })),
        ),
    }
}

/// Prometheus text exposition, with the queue backlog read at scrape time
/// (skipped, keeping the last reading, when the database does not answer within a second).
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let reading = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        workers::queue::backlog(&state.services.db),
    )
    .await;
    match reading {
        Ok(Ok(backlog)) => state.metrics.set_backlog(&backlog),
        Ok(Err(error)) => tracing::debug!(%error, "reading the queue backlog for /metrics"),
        Err(_) => tracing::debug!("reading the queue backlog for /metrics timed out"),
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}
