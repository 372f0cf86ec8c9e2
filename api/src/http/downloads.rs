//! File downloads for the SPA and integrations: an import's rejected rows as CSV,
//! streamed page by page (formula-safe, UTF-8 with a byte-order mark for spreadsheets).

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::stream;
use uuid::Uuid;
use workers::ServiceError;
use workers::page::PageRequest;

use super::AppState;
use super::rest::{api_failure, signed_in};
use crate::graphql::error::ApiError;

/// The download routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/imports/{id}/rejections.csv", get(rejections_csv))
        .route("/api/v1/lists/{id}/contacts.csv", get(contacts_csv))
        .route(
            "/api/v1/suppression-lists/{id}/entries.csv",
            get(suppression_entries_csv),
        )
        .route(
            "/api/v1/suppression-imports/{id}/rejections.csv",
            get(suppression_rejections_csv),
        )
}

/// One rejected row of any import, as the rejections CSV writes it.
trait RejectedRow {
    fn cells(&self) -> [String; 3];
}

impl RejectedRow for entity::import_rejection::Model {
    fn cells(&self) -> [String; 3] {
        [self.line.to_string(), self.reason.clone(), self.raw.clone()]
    }
}

impl RejectedRow for entity::suppression_import_rejection::Model {
    fn cells(&self) -> [String; 3] {
        [self.line.to_string(), self.reason.clone(), self.raw.clone()]
    }
}

fn csv_chunk(rows: &[impl RejectedRow], header: bool) -> Vec<u8> {
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
        let _ = writer.write_record(row.cells());
    }
    writer.into_inner().unwrap_or_default()
}

/// A streamed CSV attachment.
fn csv_attachment(file_name: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Streams CSV chunks page by page as the client reads them: `next_chunk(after,
/// first)` fetches the page after row id `after` and returns its bytes and,
/// when more pages follow, the last row's id.
fn paged_csv<F, Fut>(next_chunk: F) -> Body
where
    F: FnMut(Option<i64>, bool) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(Vec<u8>, Option<i64>), ServiceError>> + Send + 'static,
{
    let chunks = stream::unfold(
        (Some(None::<i64>), true, next_chunk),
        |(cursor, first, mut next_chunk)| async move {
            let after = cursor?;
            match next_chunk(after, first).await {
                Ok((chunk, more)) => Some((Ok(chunk), (more.map(Some), false, next_chunk))),
                Err(failure) => Some((Err(failure), (None, false, next_chunk))),
            }
        },
    );
    Body::from_stream(chunks)
}

/// The id of a page's last row when more pages follow.
fn more_after<T>(page: &workers::page::Page<T>, id: impl Fn(&T) -> i64) -> Option<i64> {
    if page.has_next_page {
        page.items.last().map(id)
    } else {
        None
    }
}

/// The signed-in caller and the id in the path, or the error response.
async fn caller_and_id(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    id: &str,
) -> Result<(workers::accounts::principal::Principal, Uuid), Response> {
    let principal = signed_in(state, peer, headers).await?;
    let id = Uuid::parse_str(id)
        .map_err(|_| api_failure(ApiError::bad_input("id", "is not a valid id")))?;
    Ok((principal, id))
}

async fn rejections_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (principal, job_id) = match caller_and_id(&state, peer, &headers, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let job = match workers::import::job(&state.services, &principal, job_id).await {
        Ok(job) => job,
        Err(failure) => return api_failure(ApiError::from(failure)),
    };
    let services = state.services.clone();
    let body = paged_csv(move |after, first| {
        let services = services.clone();
        let principal = principal.clone();
        async move {
            let request = PageRequest::new(Some(100), false);
            let page =
                workers::import::rejections(&services, &principal, job_id, request, after).await?;
            Ok((
                csv_chunk(&page.items, first),
                more_after(&page, |row| row.id),
            ))
        }
    });
    csv_attachment(&format!("rejected-rows-{}.csv", job.id), body)
}

/// A list's contacts with their devices as a CSV (formula-safe), streamed 500 at a time.
async fn contacts_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (principal, list_id) = match caller_and_id(&state, peer, &headers, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let list = match workers::lists::get(&state.services, &principal, list_id).await {
        Ok(list) => list,
        Err(failure) => return api_failure(ApiError::from(failure)),
    };
    let services = state.services.clone();
    let body = paged_csv(move |after, first| {
        let services = services.clone();
        let principal = principal.clone();
        async move {
            let request = PageRequest {
                size: 500,
                count_total: false,
            };
            let page =
                workers::contacts::page(&services, &principal, list_id, request, after, None)
                    .await?;
            let ids: Vec<i64> = page.items.iter().map(|contact| contact.id).collect();
            let devices =
                workers::contacts::devices_of(&services.db, principal.tenant_id, &ids).await?;
            let chunk = workers::contacts::export_chunk(&page.items, &devices, first);
            Ok((chunk, more_after(&page, |contact| contact.id)))
        }
    });
    let safe_name: String = list
        .name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(60)
        .collect();
    csv_attachment(&format!("{safe_name}-contacts.csv"), body)
}

/// A suppression upload's rejected rows as CSV, streamed 100 at a time.
async fn suppression_rejections_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (principal, import_id) = match caller_and_id(&state, peer, &headers, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    if let Err(failure) =
        workers::suppression::import_of_list(&state.services, &principal, import_id).await
    {
        return api_failure(ApiError::from(failure));
    }
    let services = state.services.clone();
    let body = paged_csv(move |after, first| {
        let services = services.clone();
        let principal = principal.clone();
        async move {
            let request = PageRequest::new(Some(100), false);
            let page =
                workers::suppression::rejections(&services, &principal, import_id, request, after)
                    .await?;
            Ok((
                csv_chunk(&page.items, first),
                more_after(&page, |row| row.id),
            ))
        }
    });
    csv_attachment(&format!("rejected-rows-{import_id}.csv"), body)
}

/// A suppression list's entries as CSV (formula-safe), streamed 5,000 at a time;
/// the file uploads back into a list as it is.
async fn suppression_entries_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (principal, list_id) = match caller_and_id(&state, peer, &headers, &id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let list = match workers::suppression::list(&state.services, &principal, list_id).await {
        Ok(list) => list,
        Err(failure) => return api_failure(ApiError::from(failure)),
    };
    let services = state.services.clone();
    let body = paged_csv(move |after, first| {
        let services = services.clone();
        let principal = principal.clone();
        async move {
            let page =
                workers::suppression::export_page(&services, &principal, list_id, after).await?;
            let chunk = workers::suppression::export_csv(&page.items, first);
            Ok((chunk, more_after(&page, |entry| entry.id)))
        }
    });
    csv_attachment(&format!("suppression-{}.csv", list.id), body)
}
