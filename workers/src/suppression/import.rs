//! Bulk uploads into a suppression list, on the same machinery as contact
//! imports: a stored upload, a durable queue task run by the `lists` role,
//! the streaming `tabular` reader on a blocking thread, rejected rows with
//! their line numbers, and ONE transaction per upload (a killed worker's
//! attempt rolls back whole; the retry reads the file again).
//!
//! The file: one value per row in the first column (or the column headed
//! `value`, `phone`, `number`, `email`, `client_id`…), optionally `reason`
//! and `expires_at` (a date or an RFC 3339 instant). A header row is
//! recognised when its first cell is not a value of the list's kind.
//!
//! The change feed: an `APPEND` that added at most [`ADD_CHANGE_LIMIT`]
//! values records them as one `ADD`; a bigger one, and every `REPLACE`,
//! records a `RELOAD`, and processes that hold the list read it again
//! (answering its lookups from the database meanwhile).

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use domain::suppression::{SuppressionKind, SuppressionSource, normalise};
use domain::{DefaultCountry, Permission};
use entity::{suppression_import, suppression_import_rejection};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, Set, Value,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::changes::{self, AddedEntry, Change as ListChange};
use super::{mirror, writable_list};
use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::db::{execute, query};
use crate::import::status;
use crate::page::{Page, PageRequest, keyset_page};
use crate::queue::{self, ClaimedTask, NewTask};
use crate::{ServiceError, Services};

/// The queue task kind the `lists` role runs for suppression uploads.
pub const TASK_KIND: &str = "suppression.import";

/// Rows per batch (and per multi-row insert: 6 parameters each, under every backend's limit).
const BATCH: usize = 2_000;

/// The most values an `APPEND` records as one `ADD` change; beyond, a `RELOAD`.
const ADD_CHANGE_LIMIT: usize = 10_000;

/// How long a claimed upload's lease lasts: a killed worker's is
/// taken over this long after its claim. A live worker's heartbeats run inside its
/// transaction, which on PostgreSQL row-locks the task (claimers skip it), so a long
/// one is never taken over.
const LEASE: Duration = Duration::from_secs(30);

/// What an upload does with the list's current entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SuppressionImportMode {
    /// Add the file's values; those already listed stay as they are.
    Append,
    /// The list becomes exactly the file's values, swapped in at once.
    Replace,
}

impl SuppressionImportMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionImportMode::Append => "APPEND",
            SuppressionImportMode::Replace => "REPLACE",
        }
    }
}

/// What applies to every row that does not say otherwise.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportOptions {
    /// The reason stored with rows without one.
    pub reason: Option<String>,
    /// The expiry of rows without one.
    pub expires_at: Option<DateTime<Utc>>,
    /// The country of phone numbers written without a country code.
    pub default_country: Option<String>,
}

/// Records an upload into a list and queues it (one transaction, audited).
#[allow(clippy::too_many_arguments)]
pub async fn start_import(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    file_name: &str,
    file_path: PathBuf,
    file_bytes: u64,
    mode: SuppressionImportMode,
    options: ImportOptions,
) -> Result<suppression_import::Model, ServiceError> {
    if let Some(country) = options.default_country.as_deref() {
        DefaultCountry::parse("defaultCountry", country)?;
    }
    let now = Utc::now();
    let txn = services.begin().await?;
    let list = writable_list(&txn, principal, list_id).await?;
    let running = suppression_import::Entity::find()
        .filter(suppression_import::Column::ListId.eq(list.id))
        .filter(suppression_import::Column::Status.is_in([status::QUEUED, status::RUNNING]))
        .one(&txn)
        .await?;
    if running.is_some() {
        return Err(ServiceError::conflict(
            "listId",
            "an upload into this list is still running",
        ));
    }
    let upload = suppression_import::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        list_id: Set(list.id),
        mode: Set(mode.as_str().to_owned()),
        status: Set(status::QUEUED.to_owned()),
        file_name: Set(file_name.chars().take(255).collect()),
        file_path: Set(file_path.display().to_string()),
        file_bytes: Set(i64::try_from(file_bytes).unwrap_or(i64::MAX)),
        rows_read: Set(0),
        added: Set(0),
        already_present: Set(0),
        rejected: Set(0),
        options: Set(serde_json::to_value(&options).map_err(anyhow::Error::from)?),
        error: Set(None),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    queue::enqueue(
        &txn,
        NewTask {
            kind: TASK_KIND,
            tenant_id: Some(principal.tenant_id),
            payload: json!({ "importId": upload.id }),
            run_at: None,
            max_attempts: 3,
        },
    )
    .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "suppression_list.import",
            object_type: "suppression_list",
            object_id: Some(list.id.to_string()),
            detail: json!({ "importId": upload.id, "file": upload.file_name, "mode": upload.mode }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(upload)
}

/// One upload of a list the caller's tenant can see, with live figures while it runs.
pub async fn import_of_list(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<suppression_import::Model, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let mut upload = suppression_import::Entity::find_by_id(id)
        .filter(suppression_import::Column::TenantId.eq(principal.tenant_id))
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("suppression import"))?;
    overlay_progress(services, &mut upload).await;
    Ok(upload)
}

/// A list's uploads, newest first (at most `limit`).
pub async fn imports_of_list(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    limit: u64,
) -> Result<Vec<suppression_import::Model>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let mut uploads = suppression_import::Entity::find()
        .filter(suppression_import::Column::TenantId.eq(principal.tenant_id))
        .filter(suppression_import::Column::ListId.eq(list_id))
        .order_by(suppression_import::Column::Id, Order::Desc)
        .limit(limit)
        .all(&services.db)
        .await?;
    for upload in &mut uploads {
        overlay_progress(services, upload).await;
    }
    Ok(uploads)
}

/// The rejected rows of an upload in line order.
pub async fn rejections(
    services: &Services,
    principal: &Principal,
    import_id: Uuid,
    request: PageRequest,
    after_id: Option<i64>,
) -> Result<Page<suppression_import_rejection::Model>, ServiceError> {
    let upload = import_of_list(services, principal, import_id).await?;
    let query = suppression_import_rejection::Entity::find()
        .filter(suppression_import_rejection::Column::ImportId.eq(upload.id));
    Ok(keyset_page(
        &services.db,
        query,
        suppression_import_rejection::Column::Id,
        Order::Asc,
        after_id,
        request.size,
        request.count_total,
    )
    .await?)
}

fn progress_key(id: Uuid) -> String {
    format!("supp-import:progress:{id}")
}

/// The row is written at the final commit only: a running upload's figures are in the cache.
async fn overlay_progress(services: &Services, upload: &mut suppression_import::Model) {
    if upload.status != status::RUNNING {
        return;
    }
    let Ok(Some(text)) = services.cache.get(&progress_key(upload.id)).await else {
        return;
    };
    let Ok(counts) = serde_json::from_str::<Counts>(&text) else {
        return;
    };
    upload.rows_read = counts.rows_read;
    upload.added = counts.added;
    upload.already_present = counts.already_present;
    upload.rejected = counts.rejected;
}

/// Claims and runs the next queued suppression upload, if any; true when it ran one.
pub async fn try_execute_import_task(
    services: &Services,
    worker: &str,
) -> Result<bool, ServiceError> {
    let Some(task) = queue::claim(&services.db, &[TASK_KIND], worker, LEASE).await? else {
        return Ok(false);
    };
    let import_id = task.payload["importId"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok());
    let Some(import_id) = import_id else {
        queue::fail(
            &services.db,
            &task,
            "payload has no import id",
            queue::backoff(task.attempts),
        )
        .await?;
        return Ok(true);
    };
    if let Err(error) = run(services, import_id, Some(&task)).await {
        tracing::warn!(error = ?anyhow::Error::from(error), %import_id, "suppression upload attempt failed");
        queue::fail(
            &services.db,
            &task,
            "suppression upload attempt failed; see the logs",
            queue::backoff(task.attempts),
        )
        .await?;
    }
    Ok(true)
}

/// The figures of an upload.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Counts {
    rows_read: i64,
    added: i64,
    already_present: i64,
    rejected: i64,
}

/// One row ready to store.
struct Entry {
    value: String,
    reason: Option<String>,
    expires_at: Option<DateTime<Utc>>,
}

/// What the reader thread sends: a batch, or why the file cannot be read.
struct Batch {
    entries: Vec<Entry>,
    rejections: Vec<(u64, String, String)>,
    rows_read: i64,
}

/// Runs (or re-runs from scratch) one upload; the task completes in its transaction.
pub async fn run(
    services: &Services,
    import_id: Uuid,
    task: Option<&ClaimedTask>,
) -> Result<(), ServiceError> {
    let upload = suppression_import::Entity::find_by_id(import_id)
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("suppression import"))?;
    if upload.status == status::SUCCEEDED || upload.status == status::FAILED {
        if let Some(task) = task {
            queue::complete(&services.db, task).await?;
        }
        return Ok(());
    }
    let list = entity::suppression_list::Entity::find_by_id(upload.list_id)
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("suppression list"))?;
    let mut active: suppression_import::ActiveModel = upload.clone().into();
    active.status = Set(status::RUNNING.to_owned());
    active.started_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&services.db).await?;

    let Some(kind) = SuppressionKind::parse(&list.kind) else {
        return fail(services, &upload, "the list's kind is unknown", task).await;
    };
    let options: ImportOptions =
        serde_json::from_value(upload.options.clone()).map_err(anyhow::Error::from)?;
    let mode = if upload.mode == SuppressionImportMode::Replace.as_str() {
        SuppressionImportMode::Replace
    } else {
        SuppressionImportMode::Append
    };
    let default_country = options
        .default_country
        .as_deref()
        .and_then(|country| DefaultCountry::parse("defaultCountry", country).ok());
    let (sender, mut receiver) = mpsc::channel::<Result<Batch, String>>(2);
    let path = PathBuf::from(&upload.file_path);
    let defaults = options.clone();
    tokio::task::spawn_blocking(move || {
        read_file(&path, kind, default_country, &defaults, &sender);
    });

    let txn = services.begin().await?;
    heartbeat(&txn, task).await?;
    let now = Utc::now();
    if mode == SuppressionImportMode::Replace {
        execute(
            &txn,
            "DELETE FROM suppression_entries WHERE list_id = $1",
            vec![list.id.into()],
        )
        .await?;
    }
    let mut counts = Counts::default();
    // The values an APPEND added, while few enough to record one by one.
    let mut added: Option<Vec<AddedEntry>> = (mode == SuppressionImportMode::Append).then(Vec::new);
    while let Some(message) = receiver.recv().await {
        let batch = match message {
            Ok(batch) => batch,
            Err(reason) => {
                drop(txn);
                return fail(services, &upload, &reason, task).await;
            }
        };
        // Repeats across batches meet ON CONFLICT; within one, the first wins.
        let mut seen: HashSet<&str> = HashSet::with_capacity(batch.entries.len());
        let fresh: Vec<&Entry> = batch
            .entries
            .iter()
            .filter(|entry| seen.insert(entry.value.as_str()))
            .collect();
        let inserted = insert_entries(&txn, list.id, &fresh, now).await?;
        counts.added += inserted.len() as i64;
        counts.already_present += (batch.entries.len() - inserted.len()) as i64;
        insert_rejections(&txn, upload.id, &batch.rejections).await?;
        counts.rejected += batch.rejections.len() as i64;
        counts.rows_read = batch.rows_read;
        if let Some(entries) = added.as_mut() {
            // Only what was stored: an entry already listed keeps its own expiry.
            entries.extend(
                fresh
                    .iter()
                    .filter(|entry| inserted.contains(entry.value.as_str()))
                    .map(|entry| AddedEntry {
                        value: entry.value.clone(),
                        expires_at: entry.expires_at,
                        reason: entry.reason.clone(),
                    }),
            );
            if entries.len() > ADD_CHANGE_LIMIT {
                added = None;
            }
        }
        publish_progress(services, upload.id, &counts).await;
        heartbeat(&txn, task).await?;
    }
    let finished = Utc::now();
    let mut active: suppression_import::ActiveModel = upload.clone().into();
    active.status = Set(status::SUCCEEDED.to_owned());
    active.rows_read = Set(counts.rows_read);
    active.added = Set(counts.added);
    active.already_present = Set(counts.already_present);
    active.rejected = Set(counts.rejected);
    active.finished_at = Set(Some(finished));
    active.updated_at = Set(finished);
    active.update(&txn).await?;
    execute(
        &txn,
        "UPDATE suppression_lists SET updated_at = $1 WHERE id = $2",
        vec![finished.into(), list.id.into()],
    )
    .await?;
    if let Some(task) = task
        && !queue::complete(&txn, task).await?
    {
        return Err(anyhow::anyhow!("the upload's lease was taken over").into());
    }
    let change = match added {
        Some(entries) if entries.is_empty() => None,
        Some(entries) => Some(ListChange::Add(entries)),
        None => Some(ListChange::Reload),
    };
    match change {
        None => txn.commit().await?,
        Some(change) => {
            let version = changes::record(&txn, list.id, &change).await?;
            mirror::commit(services, txn, list.id, version, &change).await?;
        }
    }
    let _ = services.cache.delete(&progress_key(upload.id)).await;
    Ok(())
}

/// Renews the task's lease inside the upload's transaction.
async fn heartbeat(
    txn: &DatabaseTransaction,
    task: Option<&ClaimedTask>,
) -> Result<(), ServiceError> {
    if let Some(task) = task
        && !queue::heartbeat(txn, task, LEASE).await?
    {
        return Err(anyhow::anyhow!("the upload's lease was taken over").into());
    }
    Ok(())
}

/// Inserts entries not yet on the list; returns the values that were new.
async fn insert_entries(
    txn: &DatabaseTransaction,
    list_id: Uuid,
    entries: &[&Entry],
    now: DateTime<Utc>,
) -> Result<HashSet<String>, ServiceError> {
    if entries.is_empty() {
        return Ok(HashSet::new());
    }
    let mut sql = String::from(
        "INSERT INTO suppression_entries (list_id, value, reason, source, expires_at, created_at) VALUES ",
    );
    let mut values: Vec<Value> = Vec::with_capacity(entries.len() * 6);
    for (index, entry) in entries.iter().enumerate() {
        let base = index * 6;
        if index > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, ${}, ${}, ${})",
            base + 1,
            base + 2,
            base + 3,
            base + 4,
            base + 5,
            base + 6
        ));
        values.push(list_id.into());
        values.push(entry.value.clone().into());
        values.push(entry.reason.clone().into());
        values.push(SuppressionSource::Upload.as_str().into());
        values.push(entry.expires_at.into());
        values.push(now.into());
    }
    sql.push_str(" ON CONFLICT (list_id, value) DO NOTHING RETURNING value");
    let rows = query(txn, &sql, values).await?;
    let mut inserted = HashSet::with_capacity(rows.len());
    for row in rows {
        inserted.insert(row.try_get::<String>("", "value")?);
    }
    Ok(inserted)
}

/// Stores rejected rows with their line numbers.
async fn insert_rejections(
    txn: &DatabaseTransaction,
    import_id: Uuid,
    rejections: &[(u64, String, String)],
) -> Result<(), ServiceError> {
    for chunk in rejections.chunks(BATCH) {
        let rows =
            chunk.iter().map(
                |(line, reason, raw)| suppression_import_rejection::ActiveModel {
                    import_id: Set(import_id),
                    line: Set(i64::try_from(*line).unwrap_or(i64::MAX)),
                    reason: Set(reason.clone()),
                    raw: Set(raw.clone()),
                    ..Default::default()
                },
            );
        suppression_import_rejection::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Records a file-level failure: the list keeps its entries, the task completes.
async fn fail(
    services: &Services,
    upload: &suppression_import::Model,
    reason: &str,
    task: Option<&ClaimedTask>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let txn = services.begin().await?;
    let mut active: suppression_import::ActiveModel = upload.clone().into();
    active.status = Set(status::FAILED.to_owned());
    active.error = Set(Some(reason.to_owned()));
    active.finished_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    if let Some(task) = task {
        queue::complete(&txn, task).await?;
    }
    txn.commit().await?;
    let _ = services.cache.delete(&progress_key(upload.id)).await;
    Ok(())
}

async fn publish_progress(services: &Services, id: Uuid, counts: &Counts) {
    let Ok(text) = serde_json::to_string(counts) else {
        return;
    };
    let day = Some(Duration::from_secs(86_400));
    if let Err(error) = services.cache.set(&progress_key(id), &text, day).await {
        tracing::warn!(%error, "saving suppression upload progress failed");
    }
}

/// Which column holds what, from the header row (or by position without one).
struct Columns {
    value: usize,
    reason: Option<usize>,
    expires_at: Option<usize>,
}

impl Columns {
    const BY_POSITION: Columns = Columns {
        value: 0,
        reason: Some(1),
        expires_at: Some(2),
    };

    /// The columns a header row names; `None` when it names no value column.
    fn from_header(cells: &[String]) -> Option<Columns> {
        let name = |cell: &String| cell.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        let find = |names: &[&str]| {
            cells
                .iter()
                .position(|cell| names.contains(&name(cell).as_str()))
        };
        let value = find(&[
            "value",
            "phone",
            "number",
            "phone_number",
            "email",
            "e_mail",
            "address",
            "client_id",
            "clientid",
            "customer_id",
        ])?;
        Some(Columns {
            value,
            reason: find(&["reason", "note", "comment"]),
            expires_at: find(&["expires_at", "expiresat", "expires", "expiry"]),
        })
    }
}

/// An expiry cell: an RFC 3339 instant, or a date (the entry ends at its start, UTC).
fn parse_expiry(cell: &str) -> Result<Option<DateTime<Utc>>, String> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(cell) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(cell, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|at| Some(at.and_utc()))
        .ok_or_else(|| {
            format!("expires_at: {cell:?} is not a date (YYYY-MM-DD) or an RFC 3339 instant")
        })
}

/// Reads the file on a blocking thread, sending batches of normalised entries and rejections.
fn read_file(
    path: &std::path::Path,
    kind: SuppressionKind,
    default_country: Option<DefaultCountry>,
    defaults: &ImportOptions,
    sender: &mpsc::Sender<Result<Batch, String>>,
) {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) => {
            let _ = sender.blocking_send(Err(format!("the upload cannot be read: {error}")));
            return;
        }
    };
    let options = tabular::ReadOptions {
        has_header: false,
        ..tabular::ReadOptions::default()
    };
    let reader = match tabular::open(file, &options) {
        Ok(reader) => reader,
        Err(error) => {
            let _ = sender.blocking_send(Err(error.to_string()));
            return;
        }
    };
    let mut columns: Option<Columns> = None;
    let mut batch = Batch {
        entries: Vec::with_capacity(BATCH),
        rejections: Vec::new(),
        rows_read: 0,
    };
    for row in reader {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                let _ = sender.blocking_send(Err(error.to_string()));
                return;
            }
        };
        match row {
            Err(rejected) => {
                batch.rows_read += 1;
                batch
                    .rejections
                    .push((rejected.line, rejected.reason, String::new()));
            }
            Ok(record) => {
                if columns.is_none() {
                    let first = record.fields.first().map(String::as_str).unwrap_or("");
                    let header = normalise(kind, first, default_country)
                        .is_err()
                        .then(|| Columns::from_header(&record.fields))
                        .flatten();
                    let is_header = header.is_some();
                    columns = Some(header.unwrap_or(Columns::BY_POSITION));
                    if is_header {
                        continue;
                    }
                }
                let Some(columns) = columns.as_ref() else {
                    continue;
                };
                batch.rows_read += 1;
                let cell = |index: Option<usize>| {
                    index
                        .and_then(|index| record.fields.get(index))
                        .map(|cell| cell.trim())
                        .filter(|cell| !cell.is_empty())
                };
                let value = cell(Some(columns.value)).unwrap_or("");
                let entry = normalise(kind, value, default_country)
                    .map_err(|error| format!("{}: {}", error.field, error.message))
                    .and_then(|value| {
                        let expires_at = match cell(columns.expires_at) {
                            Some(text) => parse_expiry(text)?,
                            None => defaults.expires_at,
                        };
                        Ok(Entry {
                            value,
                            reason: cell(columns.reason)
                                .map(str::to_owned)
                                .or_else(|| defaults.reason.clone()),
                            expires_at,
                        })
                    });
                match entry {
                    Ok(entry) => batch.entries.push(entry),
                    Err(reason) => {
                        let raw = record.fields.join(",");
                        batch.rejections.push((record.line, reason, raw));
                    }
                }
            }
        }
        if batch.entries.len() >= BATCH {
            let rows_read = batch.rows_read;
            let full = std::mem::replace(
                &mut batch,
                Batch {
                    entries: Vec::with_capacity(BATCH),
                    rejections: Vec::new(),
                    rows_read,
                },
            );
            if sender.blocking_send(Ok(full)).is_err() {
                return;
            }
        }
    }
    let _ = sender.blocking_send(Ok(batch));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_their_columns() {
        let cells = |names: &[&str]| {
            names
                .iter()
                .map(|name| (*name).to_owned())
                .collect::<Vec<_>>()
        };
        let columns = Columns::from_header(&cells(&["Reason", "Phone Number", "Expires"])).unwrap();
        assert_eq!(
            (columns.value, columns.reason, columns.expires_at),
            (1, Some(0), Some(2))
        );
        assert!(Columns::from_header(&cells(&["+12025550100"])).is_none());
    }

    #[test]
    fn expiries_are_dates_or_instants() {
        assert_eq!(
            parse_expiry("2027-01-02").unwrap().unwrap().to_rfc3339(),
            "2027-01-02T00:00:00+00:00"
        );
        assert!(parse_expiry("2027-01-02T10:00:00-05:00").unwrap().is_some());
        assert_eq!(parse_expiry(" ").unwrap(), None);
        assert!(
            parse_expiry("next week")
                .unwrap_err()
                .contains("expires_at")
        );
    }
}
