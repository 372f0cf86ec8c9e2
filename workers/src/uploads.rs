//! Resumable uploads: a list file too large for one request body, or sent over a
//! flaky network, arrives as several chunks, each streamed straight to disk.
//!
//! The stored offset (`uploads.bytes`) is the file's length after the last
//! successful fsync, and only ever moves forward through a conditional update.
//! A chunk starts by truncating the file back to that offset, so bytes written
//! by a request that crashed before its fsync and update can never end up in
//! the file. One writer per upload at a time: a leased cache lock, renewed while
//! the body streams, turns a second concurrent chunk into [`UploadError::Busy`].
//! Uploads untouched for [`STALE_AFTER`] are removed by housekeeping, unless an
//! import still waits for or reads their file.

use std::path::PathBuf;
use std::pin::pin;
use std::time::Duration;

use cache::LockGuard;
use chrono::{DateTime, Utc};
use domain::{Permission, ValidationError};
use entity::upload;
use futures::{Stream, StreamExt};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use sea_orm::{ModelTrait, TransactionTrait};
use serde_json::json;
use tokio::io::{AsyncSeekExt, AsyncWriteExt, BufWriter};
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::{ServiceError, Services};

/// How long an upload may sit untouched before housekeeping removes it.
pub const STALE_AFTER: Duration = Duration::from_secs(24 * 3600);

/// The writer's lock lease; renewed every [`LOCK_RENEWAL`] while a chunk streams.
const LOCK_LEASE: Duration = Duration::from_secs(30);

/// How often a streaming chunk renews its lock (well inside the lease).
const LOCK_RENEWAL: Duration = Duration::from_secs(10);

/// Network frames are small; batching them saves one blocking write per frame.
const WRITE_BUFFER_BYTES: usize = 1 << 20;

/// Uploads housekeeping looks at per run (the rest wait for the next hour).
const PURGE_BATCH: u64 = 1000;

/// Why a chunk was refused; everything but `Service` tells the client what to do next.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The client's offset is not the stored one: resume from `current`.
    #[error("the upload is at offset {current}, not {claimed}")]
    OffsetMismatch {
        /// The stored offset.
        current: u64,
        /// The offset the client sent.
        claimed: u64,
    },
    /// Another request is writing to this upload right now.
    #[error("another request is writing to this upload")]
    Busy,
    /// The chunk would take the upload past the size declared at creation.
    #[error("the upload would exceed its declared size of {size} bytes")]
    ExceedsSize {
        /// The declared size.
        size: u64,
    },
    /// The chunk is larger than one request may carry.
    #[error("a chunk may hold at most {limit} bytes")]
    ChunkTooLarge {
        /// The largest chunk accepted.
        limit: u64,
    },
    /// The request body broke off; what arrived before the break is stored.
    #[error("the request body broke off; the upload is at offset {offset}")]
    Interrupted {
        /// The stored offset, including the bytes received before the break.
        offset: u64,
    },
    /// Refused or failed like any use case (not found, forbidden, store failures).
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<sea_orm::DbErr> for UploadError {
    fn from(error: sea_orm::DbErr) -> Self {
        UploadError::Service(error.into())
    }
}

impl From<std::io::Error> for UploadError {
    fn from(error: std::io::Error) -> Self {
        UploadError::Service(io_failure(error))
    }
}

fn io_failure(error: std::io::Error) -> ServiceError {
    ServiceError::Internal(anyhow::Error::from(error).context("writing an upload"))
}

/// An upload to start.
#[derive(Debug, Clone)]
pub struct NewUpload {
    /// The file's name as the client knows it (kept for the import's report).
    pub file_name: String,
    /// The total size in bytes, when the client knows it.
    pub size: Option<u64>,
}

/// One chunk's framing as the client declared it.
#[derive(Debug, Clone, Copy)]
pub struct ChunkRequest {
    /// Where the client believes the upload stands (`Upload-Offset`).
    pub offset: u64,
    /// The body's declared length, when known: refused early when it cannot fit.
    pub declared_length: Option<u64>,
    /// The largest chunk one request may carry.
    pub max_bytes: u64,
}

/// A complete upload handed to an import: the file and what to call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpload {
    /// Where the bytes are (readable by every `lists` worker).
    pub path: PathBuf,
    /// The file's length.
    pub bytes: u64,
    /// The file's name as uploaded.
    pub file_name: String,
}

fn stored(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn lock_name(id: Uuid) -> String {
    format!("upload:{id}")
}

/// The caller's own upload: another tenant's, or another user's, is not found.
async fn find_owned(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<upload::Model, ServiceError> {
    upload::Entity::find_by_id(id)
        .filter(upload::Column::TenantId.eq(principal.tenant_id))
        .filter(upload::Column::CreatedBy.eq(principal.user_id))
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("upload"))
}

/// Takes the upload's writer lock, or fails with `Busy` when someone else holds it.
async fn lock(services: &Services, id: Uuid) -> Result<LockGuard, UploadError> {
    services
        .cache
        .try_lock(&lock_name(id), LOCK_LEASE)
        .await
        .map_err(ServiceError::from)?
        .ok_or(UploadError::Busy)
}

async fn release(lock: LockGuard) {
    if let Err(error) = lock.release().await {
        tracing::warn!(%error, "releasing an upload lock");
    }
}

/// Starts an upload: an empty file and a row at offset 0.
#[tracing::instrument(skip_all, fields(tenant = %principal.tenant_id))]
pub async fn create(
    services: &Services,
    principal: &Principal,
    input: NewUpload,
) -> Result<upload::Model, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let file_name = input.file_name.trim();
    if file_name.is_empty() {
        return Err(ValidationError::new("fileName", "must not be empty").into());
    }
    if file_name.chars().count() > 255 {
        return Err(ValidationError::new("fileName", "must be at most 255 characters").into());
    }
    let size = input
        .size
        .map(i64::try_from)
        .transpose()
        .map_err(|_| ValidationError::new("size", "is too large"))?;
    let id = Uuid::now_v7();
    let dir = services.config.uploads_dir.clone();
    let path = dir.join(format!("upload-{}", id.simple()));
    tokio::fs::create_dir_all(&dir).await.map_err(io_failure)?;
    tokio::fs::File::create(&path)
        .await
        .map_err(io_failure)?
        .sync_all()
        .await
        .map_err(io_failure)?;
    let now = Utc::now();
    let txn = services.db.begin().await?;
    let row = upload::ActiveModel {
        id: Set(id),
        tenant_id: Set(principal.tenant_id),
        created_by: Set(Some(principal.user_id)),
        api_client_id: Set(None),
        file_name: Set(file_name.to_owned()),
        path: Set(path.display().to_string()),
        size: Set(size),
        bytes: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        completed_at: Set((size == Some(0)).then_some(now)),
    }
    .insert(&txn)
    .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "upload.create",
            object_type: "upload",
            object_id: Some(id.to_string()),
            detail: json!({ "file": row.file_name, "size": row.size }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(row)
}

/// Where the caller's upload stands (its offset and declared size).
pub async fn status(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<upload::Model, ServiceError> {
    principal.require(Permission::ManageLists)?;
    find_owned(services, principal, id).await
}

/// Streams one chunk onto the end of the upload and returns the upload at its new offset.
///
/// The chunk must start at the stored offset. Bytes received before a broken body
/// are kept (fsynced, then counted), so the client resumes from the returned offset.
#[tracing::instrument(skip_all, fields(upload = %id))]
pub async fn append<S, B, E>(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    chunk: ChunkRequest,
    body: S,
) -> Result<upload::Model, UploadError>
where
    S: Stream<Item = Result<B, E>> + Send,
    B: AsRef<[u8]> + Send,
    E: std::fmt::Display,
{
    principal.require(Permission::ManageLists)?;
    let row = find_owned(services, principal, id).await?;
    check_chunk(&row, chunk)?;
    let guard = lock(services, id).await?;
    // Re-read under the lock: the previous writer may have moved the offset meanwhile.
    let outcome = match find_owned(services, principal, id).await {
        Ok(row) => match check_chunk(&row, chunk) {
            Ok(()) => write_chunk(services, &guard, row, chunk.max_bytes, body).await,
            Err(refusal) => Err(refusal),
        },
        Err(error) => Err(error.into()),
    };
    release(guard).await;
    outcome
}

/// Refusals that need no bytes read: wrong offset, a taken upload, a chunk that cannot fit.
fn check_chunk(row: &upload::Model, chunk: ChunkRequest) -> Result<(), UploadError> {
    let current = stored(row.bytes);
    if chunk.offset != current {
        return Err(UploadError::OffsetMismatch {
            current,
            claimed: chunk.offset,
        });
    }
    if row.size.is_none() && row.completed_at.is_some() {
        return Err(ServiceError::conflict("id", "the upload was taken for an import").into());
    }
    let Some(length) = chunk.declared_length else {
        return Ok(());
    };
    if length > chunk.max_bytes {
        return Err(UploadError::ChunkTooLarge {
            limit: chunk.max_bytes,
        });
    }
    if let Some(size) = row.size.map(stored)
        && current.saturating_add(length) > size
    {
        return Err(UploadError::ExceedsSize { size });
    }
    Ok(())
}

/// Puts the file back at the stored offset after a refused or failed chunk.
async fn roll_back(writer: BufWriter<tokio::fs::File>, offset: u64) -> std::io::Result<()> {
    let file = writer.into_inner();
    file.set_len(offset).await?;
    file.sync_all().await
}

/// Appends the body to the file (holding the lock), fsyncs, then moves the stored offset.
async fn write_chunk<S, B, E>(
    services: &Services,
    guard: &LockGuard,
    row: upload::Model,
    max_bytes: u64,
    body: S,
) -> Result<upload::Model, UploadError>
where
    S: Stream<Item = Result<B, E>> + Send,
    B: AsRef<[u8]> + Send,
    E: std::fmt::Display,
{
    let start = stored(row.bytes);
    let size = row.size.map(stored);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&row.path)
        .await?;
    let on_disk = file.metadata().await?.len();
    if on_disk < start {
        return Err(ServiceError::Internal(anyhow::anyhow!(
            "upload file is shorter ({on_disk}) than its stored offset ({start})"
        ))
        .into());
    }
    // Bytes past the stored offset were never acknowledged (a crash before fsync and update).
    file.set_len(start).await?;
    file.seek(std::io::SeekFrom::Start(start)).await?;
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER_BYTES, file);
    let mut body = pin!(body);
    let mut renewal = tokio::time::interval(LOCK_RENEWAL);
    renewal.tick().await;
    let mut received: u64 = 0;
    let mut interrupted = false;
    loop {
        let next = tokio::select! {
            next = body.next() => next,
            _ = renewal.tick() => {
                if guard.extend(LOCK_LEASE).await.is_err() {
                    // Another writer may own the file now: leave it to them.
                    return Err(UploadError::Busy);
                }
                continue;
            }
        };
        let bytes = match next {
            None => break,
            Some(Err(error)) => {
                tracing::info!(%error, received, "upload chunk broke off");
                interrupted = true;
                break;
            }
            Some(Ok(bytes)) => bytes,
        };
        let bytes = bytes.as_ref();
        received = received.saturating_add(bytes.len() as u64);
        let refusal = if received > max_bytes {
            Some(UploadError::ChunkTooLarge { limit: max_bytes })
        } else if let Some(size) = size.filter(|size| start.saturating_add(received) > *size) {
            Some(UploadError::ExceedsSize { size })
        } else {
            match writer.write_all(bytes).await {
                Ok(()) => None,
                Err(error) => Some(error.into()),
            }
        };
        if let Some(refusal) = refusal {
            roll_back(writer, start).await?;
            return Err(refusal);
        }
    }
    if let Err(error) = writer.flush().await {
        roll_back(writer, start).await?;
        return Err(error.into());
    }
    let file = writer.into_inner();
    file.sync_all().await?;
    let length = file.metadata().await?.len();
    let upload = commit_offset(services, row, start, length).await?;
    if interrupted {
        return Err(UploadError::Interrupted { offset: length });
    }
    Ok(upload)
}

/// Moves the stored offset from `start` to `length`, unless someone else moved it first.
async fn commit_offset(
    services: &Services,
    row: upload::Model,
    start: u64,
    length: u64,
) -> Result<upload::Model, UploadError> {
    let now = Utc::now();
    let new_bytes = i64::try_from(length)
        .map_err(|_| ServiceError::Internal(anyhow::anyhow!("upload offset overflows")))?;
    let completed_at = match row.size {
        Some(size) if size == new_bytes => Some(row.completed_at.unwrap_or(now)),
        _ => row.completed_at,
    };
    let moved = upload::Entity::update_many()
        .col_expr(upload::Column::Bytes, Expr::value(new_bytes))
        .col_expr(upload::Column::UpdatedAt, Expr::value(now))
        .col_expr(upload::Column::CompletedAt, Expr::value(completed_at))
        .filter(upload::Column::Id.eq(row.id))
        .filter(upload::Column::Bytes.eq(row.bytes))
        .exec(&services.db)
        .await?;
    if moved.rows_affected == 0 {
        tracing::warn!(
            start,
            length,
            "upload offset moved under a writer whose lease ran out"
        );
        return Err(UploadError::Busy);
    }
    Ok(upload::Model {
        bytes: new_bytes,
        updated_at: now,
        completed_at,
        ..row
    })
}

/// Whether an import waits for or reads the file at `path`.
async fn in_use_by_import(
    services: &Services,
    paths: Vec<String>,
) -> Result<Vec<String>, ServiceError> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let jobs = entity::import_job::Entity::find()
        .select_only()
        .column(entity::import_job::Column::FilePath)
        .filter(entity::import_job::Column::FilePath.is_in(paths))
        .filter(entity::import_job::Column::Status.is_in([
            crate::import::status::QUEUED,
            crate::import::status::RUNNING,
        ]))
        .into_tuple::<String>()
        .all(&services.db)
        .await?;
    Ok(jobs)
}

/// Removes the file; one already gone is fine (a retried delete).
async fn remove_file(path: &str) -> Result<(), ServiceError> {
    match tokio::fs::remove_file(path).await {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io_failure(error)),
        _ => Ok(()),
    }
}

/// Abandons an upload: its file and its row go (refused while a chunk streams or an import reads it).
#[tracing::instrument(skip_all, fields(upload = %id))]
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<(), UploadError> {
    principal.require(Permission::ManageLists)?;
    let row = find_owned(services, principal, id).await?;
    if !in_use_by_import(services, vec![row.path.clone()])
        .await?
        .is_empty()
    {
        return Err(ServiceError::conflict("id", "an import is reading this upload").into());
    }
    let guard = lock(services, id).await?;
    let outcome = delete_locked(services, principal, row).await;
    release(guard).await;
    outcome.map_err(UploadError::from)
}

async fn delete_locked(
    services: &Services,
    principal: &Principal,
    row: upload::Model,
) -> Result<(), ServiceError> {
    remove_file(&row.path).await?;
    let txn = services.db.begin().await?;
    let id = row.id;
    let file_name = row.file_name.clone();
    row.delete(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "upload.delete",
            object_type: "upload",
            object_id: Some(id.to_string()),
            detail: json!({ "file": file_name }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(())
}

/// Hands a complete upload (declared size reached, or no size declared) to an import.
///
/// Marks it complete, so no later chunk can change the file under the import, and
/// cuts off any bytes past the stored offset that a crashed chunk left behind.
#[tracing::instrument(skip_all, fields(upload = %id))]
pub async fn take_for_import(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<StoredUpload, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let row = find_owned(services, principal, id).await?;
    let guard = match lock(services, id).await {
        Ok(guard) => guard,
        Err(UploadError::Service(error)) => return Err(error),
        Err(_) => {
            return Err(ServiceError::conflict(
                "uploadId",
                "a chunk is still being written",
            ));
        }
    };
    let outcome = take_locked(services, row).await;
    release(guard).await;
    outcome
}

async fn take_locked(
    services: &Services,
    row: upload::Model,
) -> Result<StoredUpload, ServiceError> {
    let bytes = stored(row.bytes);
    if let Some(size) = row.size.map(stored)
        && bytes < size
    {
        return Err(ValidationError::new(
            "uploadId",
            format!("the upload is incomplete: {bytes} of {size} bytes received"),
        )
        .into());
    }
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&row.path)
        .await
        .map_err(io_failure)?;
    if file.metadata().await.map_err(io_failure)?.len() != bytes {
        file.set_len(bytes).await.map_err(io_failure)?;
        file.sync_all().await.map_err(io_failure)?;
    }
    let now = Utc::now();
    let mut active: upload::ActiveModel = row.clone().into();
    active.completed_at = Set(Some(row.completed_at.unwrap_or(now)));
    active.updated_at = Set(now);
    active.update(&services.db).await?;
    Ok(StoredUpload {
        path: PathBuf::from(row.path),
        bytes,
        file_name: row.file_name,
    })
}

/// Housekeeping: removes uploads (rows and files) untouched since `untouched_since`,
/// except those a queued or running import still needs; returns how many went.
pub async fn purge_stale(
    services: &Services,
    untouched_since: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let stale = upload::Entity::find()
        .filter(upload::Column::UpdatedAt.lt(untouched_since))
        .limit(PURGE_BATCH)
        .all(&services.db)
        .await?;
    let needed =
        in_use_by_import(services, stale.iter().map(|row| row.path.clone()).collect()).await?;
    let mut purged = 0;
    for row in stale {
        if needed.contains(&row.path) {
            continue;
        }
        // A chunk streaming right now touches the row when it ends: not stale.
        let Some(guard) = services
            .cache
            .try_lock(&lock_name(row.id), LOCK_LEASE)
            .await?
        else {
            continue;
        };
        let outcome = purge_one(services, &row, untouched_since).await;
        release(guard).await;
        match outcome {
            Ok(true) => purged += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(error = ?anyhow::Error::from(error), upload = %row.id, "purging a stale upload")
            }
        }
    }
    Ok(purged)
}

async fn purge_one(
    services: &Services,
    row: &upload::Model,
    untouched_since: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    // Re-read under the lock: a chunk or an import may have touched it since the query.
    let still_stale = upload::Entity::find_by_id(row.id)
        .filter(upload::Column::UpdatedAt.lt(untouched_since))
        .one(&services.db)
        .await?
        .is_some();
    if !still_stale {
        return Ok(false);
    }
    remove_file(&row.path).await?;
    let deleted = upload::Entity::delete_many()
        .filter(upload::Column::Id.eq(row.id))
        .exec(&services.db)
        .await?;
    Ok(deleted.rows_affected > 0)
}
