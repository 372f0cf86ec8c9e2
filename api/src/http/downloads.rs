//! File downloads for the SPA and integrations: an import's rejected rows as CSV,
//! streamed page by page (formula-safe, UTF-8 with a byte-order mark for spreadsheets).

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures::stream;
use serde_json::json;
use uuid::Uuid;
use workers::ServiceError;
use workers::accounts::users;
use workers::page::PageRequest;

use super::graphql::bearer;
use super::{AppState, client_ip};
use crate::graphql::error::ApiError;

/// The download routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/imports/{id}/rejections.csv", get(rejections_csv))
}

fn error(status: StatusCode, error: ApiError) -> Response {
    (status, Json(json!({ "errors": [{ "message": error.to_string(), "extensions": { "code": error.code() } }] }))).into_response()
}

fn status_of(error: &ApiError) -> StatusCode {
    match error {
        ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::BadUserInput { .. } | ApiError::Conflict { .. } => StatusCode::BAD_REQUEST,
        ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn csv_chunk(rows: &[entity::import_rejection::Model], header: bool) -> Vec<u8> {
    let buffer = Vec::with_capacity(rows.len() * 64);
    let writer = if header {
        tabular::CsvWriter::with_bom(buffer)
    } else {
        Ok(tabular::CsvWriter::new(buffer))
    };
    let Ok(mut writer) = writer else {
        return Vec::new();
    };
    if header {
        let _ = writer.write_record(["line", "reason", "row"]);
    }
    for row in rows {
        let _ = writer.write_record([row.line.to_string(), row.reason.clone(), row.raw.clone()]);
    }
    writer.into_inner().unwrap_or_default()
}

async fn rejections_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let ip = client_ip(&headers, Some(peer), state.trust_forwarded_for);
    let Some(token) = bearer(&headers) else {
        return error(
            StatusCode::UNAUTHORIZED,
            ApiError::Unauthenticated("sign in first".into()),
        );
    };
    let principal = match users::authenticate(&state.services, token, ip).await {
        Ok(principal) => principal,
        Err(failure) => {
            let failure = ApiError::from(failure);
            return error(status_of(&failure), failure);
        }
    };
    let Ok(job_id) = Uuid::parse_str(&id) else {
        return error(
            StatusCode::BAD_REQUEST,
            ApiError::bad_input("id", "is not a valid id"),
        );
    };
    let job = match workers::import::job(&state.services, &principal, job_id).await {
        Ok(job) => job,
        Err(failure) => {
            let failure = ApiError::from(failure);
            return error(status_of(&failure), failure);
        }
    };
    let services = state.services.clone();
    // Pages of 100 rejections become CSV chunks as the client reads them.
    let chunks = stream::unfold(Some((None::<i64>, true)), move |cursor| {
        let services = services.clone();
        let principal = principal.clone();
        async move {
            let (after, first) = cursor?;
            let page = workers::import::rejections(
                &services,
                &principal,
                job_id,
                PageRequest::new(Some(100), false),
                after,
            )
            .await;
            match page {
                Ok(page) => {
                    let next = page
                        .has_next_page
                        .then(|| (page.items.last().map(|row| row.id), false));
                    let chunk = csv_chunk(&page.items, first);
                    Some((Ok::<_, ServiceError>(chunk), next))
                }
                Err(failure) => Some((Err(failure), None)),
            }
        }
    });
    let file_name = format!("rejected-rows-{}.csv", job.id);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}
