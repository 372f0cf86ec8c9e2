//! The import transaction: every batch is written straight into the list inside
//! ONE transaction that also closes the job, the list status and the queue task.
//! A killed worker's transaction rolls back, so a list never shows half an
//! import and a retry starts from a clean list; on PostgreSQL the transaction
//! holds the task row's lock, so no other worker can take the import over while
//! it runs. Progress goes through the cache (published and kept under a key),
//! because the job row is only written at the final commit.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::Utc;
use domain::ListStatus;
use domain::import::Target as MappingTarget;
use domain::split::Splitter;
use domain::suppression::SuppressionKind;
use entity::import_job;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::json;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::parts::Parts;
use super::reader::{self, Row};
use super::writer::{self, Target};
use super::{ImportCounts, ImportMode, ImportOptions, prepare::Preparer, status};
use crate::queue::{self, ClaimedTask};
use crate::{ServiceError, Services};

/// How long a claimed import's lease lasts: a killed worker's is
/// taken over this long after its claim. A live worker's heartbeats run inside its
/// transaction, which on PostgreSQL row-locks the task (claimers skip it), so a long
/// one is never taken over.
pub const LEASE: Duration = Duration::from_secs(30);

/// Why loading stopped.
#[derive(Debug)]
pub enum LoadError {
    /// The file cannot be imported (unreadable, wrong mapping): the job fails.
    Fatal(String),
    /// Something of ours failed: the attempt is retried.
    Service(ServiceError),
}

impl<E: Into<ServiceError>> From<E> for LoadError {
    fn from(error: E) -> Self {
        LoadError::Service(error.into())
    }
}

/// The cache key holding a running job's latest progress.
pub fn progress_key(job_id: uuid::Uuid) -> String {
    format!("import:progress:{job_id}")
}

/// Marks the job running for a (re)start; nothing of an earlier attempt survived its rollback.
pub async fn restart(services: &Services, job: &import_job::Model) -> Result<(), ServiceError> {
    // A new attempt starts from the first row: the progress shown starts again too
    // (before `started_at` moves, so a newer start never shows an older attempt's counts).
    publish_progress(services, job, &ImportCounts::default(), 0).await;
    let mut active: import_job::ActiveModel = job.clone().into();
    active.status = Set(status::RUNNING.to_owned());
    active.started_at = Set(Some(Utc::now()));
    active.updated_at = Set(Utc::now());
    active.update(&services.db).await?;
    Ok(())
}

/// Reads the file and writes it into the list in one transaction; `stop_after_rows`
/// simulates a crash after that many records (tests).
pub async fn load(
    services: &Services,
    job: &import_job::Model,
    mode: ImportMode,
    options: &ImportOptions,
    task: Option<&ClaimedTask>,
    stop_after_rows: Option<i64>,
) -> Result<ImportCounts, LoadError> {
    let zone = entity::tenant::Entity::find_by_id(job.tenant_id)
        .one(&services.db)
        .await?
        .map_or_else(
            || crate::accounts::tenants::DEFAULT_TIME_ZONE.to_owned(),
            |tenant| tenant.time_zone,
        );
    let selection =
        crate::rules::selection_specs(services, job.tenant_id, &options.selection_rule_ids)
            .await
            .map_err(rule_missing)?;
    let splitter = match options.split_rule_id {
        Some(id) => {
            let spec = crate::rules::split_spec(services, job.tenant_id, id)
                .await
                .map_err(rule_missing)?;
            Some(Splitter::new(&spec).map_err(|error| LoadError::Fatal(error.to_string()))?)
        }
        None => None,
    };
    let base = entity::contact_list::Entity::find_by_id(job.list_id)
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("contact list"))?;
    let channel = domain::Channel::parse(&base.channel).unwrap_or(domain::Channel::Voice);
    // The data in use at the start serves the whole import, even if a refresh lands meanwhile.
    let preparer = Preparer::new(
        services.compliance_data.current(),
        &zone,
        &options.mapping.default_country,
        job.id,
    )
    .with_rules(selection, splitter);
    let mut parts = Parts::new(base, options.split_rule_id.is_some());
    let (sender, mut receiver) = mpsc::channel(2);
    reader::spawn(
        job.file_path.clone().into(),
        options.clone(),
        preparer,
        sender,
    );
    let txn = services.begin().await?;
    heartbeat(&txn, task).await?;
    let target = Target {
        tenant_id: job.tenant_id,
        list_id: job.list_id,
        job_id: job.id,
        now: Utc::now(),
    };
    if mode == ImportMode::FlushAppend && !parts.split {
        flush(&txn, job.list_id).await?;
    }
    let replace_custom = options
        .mapping
        .columns
        .iter()
        .any(|column| matches!(column.target, MappingTarget::Custom { .. }));
    let mut counts = ImportCounts::default();
    let mut waited = std::time::Instant::now();
    while let Some(message) = receiver.recv().await {
        let batch = message.map_err(LoadError::Fatal)?;
        let reading = waited.elapsed();
        let writing = std::time::Instant::now();
        let mut groups: BTreeMap<usize, Vec<&Row>> = BTreeMap::new();
        for row in &batch.rows {
            groups.entry(row.part).or_default().push(row);
        }
        let suppressed = suppressed_seqs(services, job.tenant_id, channel, &batch.rows).await?;
        for (part, rows) in groups {
            let list_id = parts.list_for(&txn, part, &batch.part_names, mode).await?;
            let target = Target { list_id, ..target };
            let written = write_rows(&txn, target, mode, replace_custom, &rows).await?;
            let accepted = written.len() as i64;
            parts.accepted[part] += accepted;
            counts.accepted += accepted;
            counts.duplicates += rows.len() as i64 - accepted;
            counts.suppressed += written
                .iter()
                .filter(|seq| suppressed.contains(seq))
                .count() as i64;
        }
        writer::insert_rejections(&txn, job.id, &batch.rejections).await?;
        counts.rejected += batch.rejections.len() as i64;
        counts.filtered += batch.filtered;
        counts.rows_read = batch.rows_read;
        tracing::debug!(rows = batch.rows.len(), ?reading, writing = ?writing.elapsed(), "import batch");
        waited = std::time::Instant::now();
        publish_progress(services, job, &counts, batch.bytes_read).await;
        heartbeat(&txn, task).await?;
        if stop_after_rows.is_some_and(|limit| counts.rows_read >= limit) {
            return Err(ServiceError::Internal(anyhow::anyhow!("stopped on request")).into());
        }
    }
    close(&txn, job, &counts, &parts, target.now).await?;
    if let Some(task) = task
        && !queue::complete(&txn, task).await?
    {
        return Err(
            ServiceError::Internal(anyhow::anyhow!("the import's lease was taken over")).into(),
        );
    }
    txn.commit().await?;
    publish_end(services, job, status::SUCCEEDED, &counts).await;
    Ok(counts)
}

/// Renews the task's lease inside the import transaction (on PostgreSQL this also
/// row-locks the task, which claimers skip).
async fn heartbeat(txn: &DatabaseTransaction, task: Option<&ClaimedTask>) -> Result<(), LoadError> {
    if let Some(task) = task
        && !queue::heartbeat(txn, task, LEASE).await?
    {
        return Err(
            ServiceError::Internal(anyhow::anyhow!("the import's lease was taken over")).into(),
        );
    }
    Ok(())
}

/// The records of a batch (by `seq`) whose client id or a device is on an
/// active suppression list of the tenant (or a global one) for the list's
/// channel: they are imported, and counted as suppressed.
async fn suppressed_seqs(
    services: &Services,
    tenant_id: Uuid,
    channel: domain::Channel,
    rows: &[Row],
) -> Result<HashSet<i64>, LoadError> {
    let mut queries: Vec<(SuppressionKind, String)> = Vec::new();
    let mut owners: Vec<i64> = Vec::new();
    for row in rows {
        if let Some(client_id) = row.draft.fields.get("clientId") {
            queries.push((SuppressionKind::ClientId, client_id.clone()));
            owners.push(row.seq);
        }
        for device in &row.draft.devices {
            let kind = if device.phone.is_some() {
                SuppressionKind::Phone
            } else {
                SuppressionKind::Email
            };
            queries.push((kind, device.value.clone()));
            owners.push(row.seq);
        }
    }
    let now = Utc::now();
    let hits = crate::suppression::mirror::lookup(services, tenant_id, &queries, channel).await?;
    Ok(hits
        .iter()
        .zip(owners)
        .filter(|(hits, _)| hits.iter().any(|hit| hit.active_at(now)))
        .map(|(_, seq)| seq)
        .collect())
}

/// Writes one part's rows of a batch: repeats within them are dropped (the first wins),
/// then rows are updated (by client id, in update mode) or inserted unless their key is
/// on the list. Returns the `seq` of each record written.
async fn write_rows(
    txn: &DatabaseTransaction,
    target: Target,
    mode: ImportMode,
    replace_custom: bool,
    rows: &[&Row],
) -> Result<Vec<i64>, LoadError> {
    let mut seen = HashSet::with_capacity(rows.len());
    let unique: Vec<&Row> = rows
        .iter()
        .copied()
        .filter(|row| seen.insert(row.dedupe_key.as_str()))
        .collect();
    let mut written = Vec::with_capacity(unique.len());
    if mode == ImportMode::AppendAndUpdate {
        let updated = writer::update_contacts(txn, target, &unique, replace_custom).await?;
        let ids: Vec<i64> = updated.iter().map(|(id, _)| *id).collect();
        writer::delete_devices(txn, target, &ids).await?;
        written.extend(updated);
    }
    written.extend(writer::insert_contacts(txn, target, &unique).await?);
    writer::insert_devices(txn, target, &unique, &written).await?;
    Ok(written.iter().map(|(_, seq)| *seq).collect())
}

/// Empties a list (FLUSH_APPEND) inside the import transaction.
pub(super) async fn flush(txn: &DatabaseTransaction, list_id: Uuid) -> Result<(), LoadError> {
    for table in ["contact_devices", "contacts"] {
        let sql = format!("DELETE FROM {table} WHERE list_id = $1");
        crate::db::execute(txn, &sql, vec![list_id.into()]).await?;
    }
    Ok(())
}

/// Recounts the lists written to, marks them ready and records the job's figures.
async fn close(
    txn: &DatabaseTransaction,
    job: &import_job::Model,
    counts: &ImportCounts,
    parts: &Parts,
    now: chrono::DateTime<Utc>,
) -> Result<(), LoadError> {
    for list_id in parts.touched() {
        let sql = "UPDATE contact_lists SET contact_count = (SELECT COUNT(*) FROM contacts WHERE list_id = $1), \
             device_count = (SELECT COUNT(*) FROM contact_devices WHERE list_id = $1), status = 'READY', \
             updated_at = $2 WHERE id = $1";
        crate::db::execute(txn, sql, vec![list_id.into(), now.into()]).await?;
    }
    let mut active: import_job::ActiveModel = job.clone().into();
    active.status = Set(status::SUCCEEDED.to_owned());
    active.rows_read = Set(counts.rows_read);
    active.accepted = Set(counts.accepted);
    active.rejected = Set(counts.rejected);
    active.duplicates = Set(counts.duplicates);
    active.filtered = Set(counts.filtered);
    active.suppressed = Set(counts.suppressed);
    active.parts = Set(parts.report());
    active.bytes_read = Set(job.file_bytes);
    active.finished_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(txn).await?;
    Ok(())
}

/// A rule named by the import is gone: the file cannot be imported as asked.
fn rule_missing(error: ServiceError) -> LoadError {
    match error {
        ServiceError::NotFound(what) => {
            LoadError::Fatal(format!("the {what} this import names no longer exists"))
        }
        other => LoadError::Service(other),
    }
}

/// Records a file-level failure: the job fails with its reason, the list keeps its contents.
pub async fn fail(
    services: &Services,
    job: &import_job::Model,
    reason: &str,
    task: Option<&ClaimedTask>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let txn = services.begin().await?;
    let mut active: import_job::ActiveModel = job.clone().into();
    active.status = Set(status::FAILED.to_owned());
    active.error = Set(Some(reason.to_owned()));
    active.finished_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    entity::contact_list::Entity::update_many()
        .col_expr(
            entity::contact_list::Column::Status,
            ListStatus::Failed.as_str().into(),
        )
        .col_expr(entity::contact_list::Column::UpdatedAt, now.into())
        .filter(entity::contact_list::Column::Id.eq(job.list_id))
        .exec(&txn)
        .await?;
    if let Some(task) = task {
        queue::complete(&txn, task).await?;
    }
    txn.commit().await?;
    publish_end(services, job, status::FAILED, &ImportCounts::default()).await;
    Ok(())
}

/// Keeps the latest figures under the job's progress key and publishes them.
async fn publish_progress(
    services: &Services,
    job: &import_job::Model,
    counts: &ImportCounts,
    bytes_read: i64,
) {
    let progress = json!({
        "jobId": job.id, "status": status::RUNNING, "rowsRead": counts.rows_read, "bytesRead": bytes_read,
        "fileBytes": job.file_bytes, "accepted": counts.accepted, "rejected": counts.rejected,
        "duplicates": counts.duplicates, "filtered": counts.filtered, "suppressed": counts.suppressed,
    })
    .to_string();
    let key = progress_key(job.id);
    let day = Some(Duration::from_secs(86_400));
    if let Err(error) = services.cache.set(&key, &progress, day).await {
        tracing::warn!(%error, "saving import progress failed");
    }
    if let Err(error) = services
        .cache
        .publish(&format!("import:{}", job.id), &progress)
        .await
    {
        tracing::warn!(%error, "publishing import progress failed");
    }
}

async fn publish_end(
    services: &Services,
    job: &import_job::Model,
    status: &str,
    counts: &ImportCounts,
) {
    if let Err(error) = services.cache.delete(&progress_key(job.id)).await {
        tracing::warn!(%error, "clearing import progress failed");
    }
    let event = json!({
        "jobId": job.id, "status": status, "rowsRead": counts.rows_read, "accepted": counts.accepted,
        "rejected": counts.rejected, "duplicates": counts.duplicates, "filtered": counts.filtered,
    });
    if let Err(error) = services
        .cache
        .publish(&format!("import:{}", job.id), &event.to_string())
        .await
    {
        tracing::warn!(%error, "publishing import progress failed");
    }
}
