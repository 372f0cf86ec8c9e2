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
use sea_orm::ModelTrait;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
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
    principal.require_any(&[Permission::ManageLists, Permission::ManageSuppression])?;
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
    let txn = services.begin().await?;
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
    principal.require_any(&[Permission::ManageLists, Permission::ManageSuppression])?;
    find_owned(services, principal, id).await
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
    principal.require_any(&[Permission::ManageLists, Permission::ManageSuppression])?;
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
    let txn = services.begin().await?;
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
    principal.require_any(&[Permission::ManageLists, Permission::ManageSuppression])?;
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

mod chunks;
mod purge;

pub use chunks::append;
pub use purge::purge_stale;
