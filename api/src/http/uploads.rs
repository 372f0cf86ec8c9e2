//! Resumable uploads over plain HTTP (tus-like), for list files too large for one
//! request body or sent over a flaky network. Each chunk streams to disk; nothing
//! is held whole in memory.
//!
//! - `POST /api/v1/uploads` with `{ "fileName": "...", "size": <total bytes, optional> }`
//!   → `201 { "id", "offset": 0 }` (and `Location`).
//! - `PATCH /api/v1/uploads/{id}` with `Upload-Offset: <n>` and the chunk as the raw
//!   body (`application/offset+octet-stream` or `application/octet-stream`), at most
//!   `--max-upload-bytes` → `204` with the new `Upload-Offset`. A wrong offset →
//!   `409` with the stored `Upload-Offset` (resume from there); another chunk still
//!   streaming → `423`; past the declared size or the limit → `413`.
//! - `HEAD /api/v1/uploads/{id}` → `200` with `Upload-Offset` and, when declared,
//!   `Upload-Length`.
//! - `DELETE /api/v1/uploads/{id}` → `204`.
//!
//! A user's bearer token with the `ManageLists` permission; an upload belongs to its
//! tenant and creator (anyone else gets `404`). Errors are
//! `{ "errors": [{ "message", "extensions": { "code" } }] }` with the GraphQL codes.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;
use workers::ServiceError;
use workers::uploads::{self, ChunkRequest, NewUpload, UploadError};

use super::AppState;
use super::rest::{api_failure, failure, signed_in};
use crate::graphql::error::ApiError;

const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");

/// The upload routes: JSON bodies capped at `max_body_bytes`, chunks at `max_upload_bytes`.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/uploads",
            post(create).layer(DefaultBodyLimit::max(state.max_body_bytes)),
        )
        .route(
            "/api/v1/uploads/{id}",
            // The chunk is read as a stream and counted by the use case, never buffered.
            patch(append)
                .layer(DefaultBodyLimit::disable())
                .head(status)
                .delete(remove),
        )
}

fn service_failure(error: ServiceError) -> Response {
    api_failure(ApiError::from(error))
}

fn with_offset(mut response: Response, offset: u64) -> Response {
    response
        .headers_mut()
        .insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    response
}

fn upload_failure(error: UploadError) -> Response {
    match error {
        UploadError::OffsetMismatch { current, .. } => {
            with_offset(failure(StatusCode::CONFLICT, "CONFLICT", &error), current)
        }
        UploadError::Busy => failure(StatusCode::LOCKED, "CONFLICT", &error),
        UploadError::ExceedsSize { .. } | UploadError::ChunkTooLarge { .. } => {
            failure(StatusCode::PAYLOAD_TOO_LARGE, "BAD_USER_INPUT", &error)
        }
        UploadError::Interrupted { offset } => with_offset(
            failure(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &error),
            offset,
        ),
        UploadError::Service(error) => service_failure(error),
    }
}

fn upload_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::bad_input("id", "is not a valid id"))
}

/// `POST /api/v1/uploads` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    file_name: String,
    #[serde(default)]
    size: Option<u64>,
}

async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<CreateBody>, JsonRejection>,
) -> Response {
    let principal = match signed_in(&state, peer, &headers).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            return failure(status, "BAD_USER_INPUT", rejection.body_text());
        }
    };
    let input = NewUpload {
        file_name: body.file_name,
        size: body.size,
    };
    match uploads::create(&state.services, &principal, input).await {
        Ok(upload) => {
            let location = format!("/api/v1/uploads/{}", upload.id);
            let mut response = (
                StatusCode::CREATED,
                Json(json!({ "id": upload.id, "offset": 0 })),
            )
                .into_response();
            if let Ok(location) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            with_offset(response, 0)
        }
        Err(error) => service_failure(error),
    }
}

/// A header that should hold a non-negative integer and does not.
struct MalformedHeader(HeaderName);

impl MalformedHeader {
    fn response(&self) -> Response {
        failure(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            format!("{} must be a non-negative integer", self.0),
        )
    }
}

/// Reads a header holding a non-negative integer (absent: `None`).
fn number_header(headers: &HeaderMap, name: &HeaderName) -> Result<Option<u64>, MalformedHeader> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Some)
        .ok_or_else(|| MalformedHeader(name.clone()))
}

fn is_chunk_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .is_some_and(|value| {
            value.eq_ignore_ascii_case("application/offset+octet-stream")
                || value.eq_ignore_ascii_case("application/octet-stream")
        })
}

async fn append(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let principal = match signed_in(&state, peer, &headers).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let id = match upload_id(&id) {
        Ok(id) => id,
        Err(error) => return api_failure(error),
    };
    if !is_chunk_content_type(&headers) {
        return failure(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            "a chunk is sent as application/offset+octet-stream",
        );
    }
    let offset = match number_header(&headers, &UPLOAD_OFFSET) {
        Ok(Some(offset)) => offset,
        Ok(None) => {
            return failure(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                "upload-offset is required",
            );
        }
        Err(malformed) => return malformed.response(),
    };
    let declared_length = match number_header(&headers, &header::CONTENT_LENGTH) {
        Ok(length) => length,
        Err(malformed) => return malformed.response(),
    };
    let chunk = ChunkRequest {
        offset,
        declared_length,
        max_bytes: u64::try_from(state.max_upload_bytes).unwrap_or(u64::MAX),
    };
    let stream = body.into_data_stream();
    match uploads::append(&state.services, &principal, id, chunk, stream).await {
        Ok(upload) => with_offset(
            StatusCode::NO_CONTENT.into_response(),
            u64::try_from(upload.bytes).unwrap_or(0),
        ),
        Err(error) => upload_failure(error),
    }
}

async fn status(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let principal = match signed_in(&state, peer, &headers).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let id = match upload_id(&id) {
        Ok(id) => id,
        Err(error) => return api_failure(error),
    };
    match uploads::status(&state.services, &principal, id).await {
        Ok(upload) => {
            let mut response = with_offset(
                StatusCode::OK.into_response(),
                u64::try_from(upload.bytes).unwrap_or(0),
            );
            let headers = response.headers_mut();
            // The offset changes with every chunk: a cached answer would resume wrongly.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Some(size) = upload.size.and_then(|size| u64::try_from(size).ok()) {
                headers.insert(UPLOAD_LENGTH, HeaderValue::from(size));
            }
            response
        }
        Err(error) => service_failure(error),
    }
}

async fn remove(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let principal = match signed_in(&state, peer, &headers).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let id = match upload_id(&id) {
        Ok(id) => id,
        Err(error) => return api_failure(error),
    };
    match uploads::delete(&state.services, &principal, id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => upload_failure(error),
    }
}
