//! Contact imports (List Builder): a durable job that reads a stored upload and
//! writes accepted rows and rejections straight into the list, batch by batch,
//! inside one transaction that also closes the job. A killed worker loses
//! nothing and doubles nothing: its transaction rolls back, the retry reads the
//! file again, and the list only changes at the final commit.

mod format;
mod load;
pub mod mappings;
mod parts;
mod prepare;
mod reader;
pub(crate) mod writer;

pub use format::{FileFormat, FilePreview, FixedWidthColumn, preview};
pub use load::progress_key;

use std::path::PathBuf;

use chrono::Utc;
use domain::import::MappingSpec;
use domain::{ListStatus, Permission, ValidationError};
use entity::import_job;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::queue::{self, ClaimedTask, NewTask};
use crate::{ServiceError, Services, lists};

/// The queue task kind the `lists` role runs.
pub const TASK_KIND: &str = "contacts.import";

/// How an import treats what the list already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportMode {
    /// Add new contacts; rows matching an existing contact are duplicates.
    AppendOnly,
    /// Replace the list's contents with the file's.
    FlushAppend,
    /// Update contacts matched by client id, add the rest.
    AppendAndUpdate,
}

impl ImportMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::AppendOnly => "APPEND_ONLY",
            ImportMode::FlushAppend => "FLUSH_APPEND",
            ImportMode::AppendAndUpdate => "APPEND_AND_UPDATE",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            ImportMode::AppendOnly,
            ImportMode::FlushAppend,
            ImportMode::AppendAndUpdate,
        ]
        .into_iter()
        .find(|mode| mode.as_str() == raw)
    }
}

/// Import job states, as stored.
pub mod status {
    /// Waiting for a `lists` worker.
    pub const QUEUED: &str = "QUEUED";
    /// Being read.
    pub const RUNNING: &str = "RUNNING";
    /// Moved into the list.
    pub const SUCCEEDED: &str = "SUCCEEDED";
    /// Stopped by a file-level problem; the list kept its contents.
    pub const FAILED: &str = "FAILED";
}

/// How to read the file, and what its columns mean (stored with the job).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportOptions {
    /// The column mapping.
    pub mapping: MappingSpec,
    /// The file's layout.
    #[serde(flatten)]
    pub format: FileFormat,
    /// Saved selection rules: a record is kept when any of them keeps it (none: keep all).
    #[serde(default)]
    pub selection_rule_ids: Vec<Uuid>,
    /// A saved split rule that cuts the upload into several lists.
    #[serde(default)]
    pub split_rule_id: Option<Uuid>,
}

/// An import to start.
#[derive(Debug, Clone)]
pub struct NewImport {
    /// The list to import into.
    pub list_id: Uuid,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Where the upload is stored (readable by every `lists` worker).
    pub file_path: PathBuf,
    /// The upload's size in bytes.
    pub file_bytes: u64,
    /// What to do with the list's current contents.
    pub mode: ImportMode,
    /// How to read the file.
    pub options: ImportOptions,
    /// The saved mapping it came from, if any.
    pub mapping_id: Option<Uuid>,
}

/// Records an import and queues it, in one transaction; the list shows `IMPORTING` until it ends.
pub async fn start(
    services: &Services,
    principal: &Principal,
    input: NewImport,
) -> Result<import_job::Model, ServiceError> {
    principal.require(Permission::ManageLists)?;
    input.options.format.read_options()?;
    let options = serde_json::to_value(&input.options).map_err(anyhow::Error::from)?;
    let now = Utc::now();
    let txn = services.begin().await?;
    let list = lists::find(&txn, principal.tenant_id, input.list_id).await?;
    match ListStatus::parse(&list.status) {
        Some(ListStatus::Importing) => {
            return Err(ServiceError::conflict(
                "listId",
                "an import is already running into this list",
            ));
        }
        Some(ListStatus::Archived) => {
            return Err(ServiceError::conflict(
                "listId",
                "the list is archived: restore it first",
            ));
        }
        _ => {}
    }
    let job = import_job::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        list_id: Set(list.id),
        mapping_id: Set(input.mapping_id),
        mode: Set(input.mode.as_str().to_owned()),
        status: Set(status::QUEUED.to_owned()),
        file_name: Set(input.file_name.chars().take(255).collect()),
        file_path: Set(input.file_path.display().to_string()),
        file_bytes: Set(i64::try_from(input.file_bytes).unwrap_or(i64::MAX)),
        bytes_read: Set(0),
        rows_read: Set(0),
        accepted: Set(0),
        rejected: Set(0),
        duplicates: Set(0),
        suppressed: Set(0),
        filtered: Set(0),
        parts: Set(None),
        options: Set(options),
        error: Set(None),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let mut active: entity::contact_list::ActiveModel = list.into();
    active.status = Set(ListStatus::Importing.as_str().to_owned());
    active.updated_at = Set(now);
    active.update(&txn).await?;
    queue::enqueue(
        &txn,
        NewTask {
            kind: TASK_KIND,
            tenant_id: Some(principal.tenant_id),
            payload: json!({ "jobId": job.id }),
            run_at: None,
            max_attempts: 3,
        },
    )
    .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "contact_list.import",
            object_type: "contact_list",
            object_id: Some(job.list_id.to_string()),
            detail: json!({ "jobId": job.id, "file": job.file_name, "mode": job.mode }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(job)
}

/// The final figures of a finished import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportCounts {
    /// Records read (good and bad).
    pub rows_read: i64,
    /// Contacts added or updated.
    pub accepted: i64,
    /// Rows refused, each with a line number and reason.
    pub rejected: i64,
    /// Rows that repeat an earlier row or a contact already on the list.
    pub duplicates: i64,
    /// Rows the selection rules (or a split rule) left out.
    pub filtered: i64,
    /// Accepted contacts with a device or client id on an active suppression list.
    pub suppressed: i64,
}

/// Runs (or re-runs from scratch) one import job. `task` is completed in the final
/// transaction; `stop_after_rows` simulates a crash (tests).
pub async fn run(
    services: &Services,
    job_id: Uuid,
    task: Option<&ClaimedTask>,
    stop_after_rows: Option<i64>,
) -> Result<ImportCounts, ServiceError> {
    let job = import_job::Entity::find_by_id(job_id)
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("import job"))?;
    if job.status == status::SUCCEEDED || job.status == status::FAILED {
        if let Some(task) = task {
            queue::complete(&services.db, task).await?;
        }
        return Ok(ImportCounts {
            rows_read: job.rows_read,
            accepted: job.accepted,
            rejected: job.rejected,
            duplicates: job.duplicates,
            filtered: job.filtered,
            suppressed: job.suppressed,
        });
    }
    load::restart(services, &job).await?;
    let options: ImportOptions =
        serde_json::from_value(job.options.clone()).map_err(anyhow::Error::from)?;
    let mode = ImportMode::parse(&job.mode).unwrap_or(ImportMode::AppendOnly);
    match load::load(services, &job, mode, &options, task, stop_after_rows).await {
        Ok(counts) => Ok(counts),
        Err(load::LoadError::Fatal(reason)) => {
            load::fail(services, &job, &reason, task).await?;
            Err(ValidationError::new("file", reason).into())
        }
        Err(load::LoadError::Service(error)) => Err(error),
    }
}

/// Claims and runs the next queued import, if any (the `lists` role's loop calls this;
/// tests call it to drain the queue without sleeping). True when it ran one.
pub async fn try_execute_task(services: &Services, worker: &str) -> Result<bool, ServiceError> {
    let Some(task) = queue::claim(&services.db, &[TASK_KIND], worker, load::LEASE).await? else {
        return Ok(false);
    };
    let job_id = task.payload["jobId"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok());
    let Some(job_id) = job_id else {
        queue::fail(
            &services.db,
            &task,
            "payload has no job id",
            queue::backoff(task.attempts),
        )
        .await?;
        return Ok(true);
    };
    match run(services, job_id, Some(&task), None).await {
        Ok(_) | Err(ServiceError::Invalid(_)) => {}
        Err(error) => {
            tracing::warn!(error = ?anyhow::Error::from(error), %job_id, "import attempt failed");
            queue::fail(
                &services.db,
                &task,
                "import attempt failed; see the logs",
                queue::backoff(task.attempts),
            )
            .await?;
        }
    }
    Ok(true)
}

/// Stores an uploaded file under the uploads directory (on a blocking thread) and returns
/// its path and size.
pub async fn store_upload(
    services: &Services,
    file_name: &str,
    mut content: std::fs::File,
) -> Result<(PathBuf, u64), ServiceError> {
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(80)
        .collect();
    let path = services
        .config
        .uploads_dir
        .join(format!("{}-{safe}", Uuid::now_v7().simple()));
    let target = path.clone();
    let dir = services.config.uploads_dir.clone();
    let bytes = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
        std::fs::create_dir_all(&dir)?;
        let mut out = std::fs::File::create(&target)?;
        let bytes = std::io::copy(&mut content, &mut out)?;
        out.sync_all()?;
        Ok(bytes)
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|error| anyhow::anyhow!("storing the upload: {error}"))?;
    Ok((path, bytes))
}

/// The rejected rows of a job in line order (for the report and its CSV download).
pub async fn rejections(
    services: &Services,
    principal: &Principal,
    job_id: Uuid,
    request: crate::page::PageRequest,
    after_id: Option<i64>,
) -> Result<crate::page::Page<entity::import_rejection::Model>, ServiceError> {
    let job = job(services, principal, job_id).await?;
    let query = entity::import_rejection::Entity::find()
        .filter(entity::import_rejection::Column::JobId.eq(job.id));
    Ok(crate::page::keyset_page(
        &services.db,
        query,
        entity::import_rejection::Column::Id,
        sea_orm::Order::Asc,
        after_id,
        request.size,
        request.count_total,
    )
    .await?)
}

/// A list's imports, newest first (a running one with its live figures).
pub async fn jobs_of_list(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    request: crate::page::PageRequest,
    after: Option<Uuid>,
) -> Result<crate::page::Page<import_job::Model>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let query = import_job::Entity::find()
        .filter(import_job::Column::TenantId.eq(principal.tenant_id))
        .filter(import_job::Column::ListId.eq(list_id));
    let mut page = crate::page::keyset_page(
        &services.db,
        query,
        import_job::Column::Id,
        sea_orm::Order::Desc,
        after,
        request.size,
        request.count_total,
    )
    .await?;
    for job in &mut page.items {
        if job.status == status::RUNNING {
            overlay_progress(services, job).await;
        }
    }
    Ok(page)
}

/// One import job of the caller's tenant.
pub async fn job(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<import_job::Model, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let mut job = import_job::Entity::find_by_id(id)
        .filter(import_job::Column::TenantId.eq(principal.tenant_id))
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("import job"))?;
    if job.status == status::RUNNING {
        overlay_progress(services, &mut job).await;
    }
    Ok(job)
}

/// A running job's row is only written at its final commit: its live figures are in the cache.
async fn overlay_progress(services: &Services, job: &mut import_job::Model) {
    let Ok(Some(text)) = services.cache.get(&progress_key(job.id)).await else {
        return;
    };
    let Ok(progress) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    let figure = |name: &str| progress[name].as_i64().unwrap_or(0);
    job.rows_read = figure("rowsRead");
    job.bytes_read = figure("bytesRead");
    job.accepted = figure("accepted");
    job.rejected = figure("rejected");
    job.duplicates = figure("duplicates");
    job.filtered = figure("filtered");
    job.suppressed = figure("suppressed");
}

/// The `lists` role: runs queued contact imports and suppression uploads until `stop` turns true, polling when idle.
pub async fn run_worker(
    services: Services,
    worker: String,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let (services, worker) = (&services, worker.as_str());
    let idle = std::time::Duration::from_millis(500);
    queue::work_until_stopped(&services.db, worker, stop, idle, || async move {
        let contacts =
            queue::ran_or_warn(try_execute_task(services, worker).await, "import worker");
        let suppression = queue::ran_or_warn(
            crate::suppression::try_execute_import_task(services, worker).await,
            "suppression upload worker",
        );
        contacts || suppression
    })
    .await;
}
