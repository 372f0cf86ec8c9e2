//! Writing what the reader accepted and refused, batch by batch, with progress.

use chrono::Utc;
use entity::{import_job, import_rejection, import_staging, import_staging_device};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use tokio::sync::mpsc;

use super::reader::{self, Batch};
use super::{ImportOptions, status};
use crate::queue::{self, ClaimedTask};
use crate::{ServiceError, Services};

/// Why staging stopped.
#[derive(Debug)]
pub enum StageError {
    /// The file cannot be imported (unreadable, wrong mapping): the job fails.
    Fatal(String),
    /// Something of ours failed: the attempt is retried.
    Service(ServiceError),
}

impl From<ServiceError> for StageError {
    fn from(error: ServiceError) -> Self {
        StageError::Service(error)
    }
}

impl From<sea_orm::DbErr> for StageError {
    fn from(error: sea_orm::DbErr) -> Self {
        StageError::Service(error.into())
    }
}

/// What staging found.
#[derive(Debug, Clone, Copy, Default)]
pub struct Staged {
    /// Records read.
    pub rows_read: i64,
    /// Records staged (first of their key in the file).
    pub staged: i64,
    /// Records repeating an earlier record's key.
    pub duplicates: i64,
    /// Records refused.
    pub rejected: i64,
}

/// Clears what an earlier attempt of this job wrote and marks it running.
pub async fn restart(services: &Services, job: &import_job::Model) -> Result<(), ServiceError> {
    import_staging_device::Entity::delete_many()
        .filter(import_staging_device::Column::JobId.eq(job.id))
        .exec(&services.db)
        .await?;
    import_staging::Entity::delete_many()
        .filter(import_staging::Column::JobId.eq(job.id))
        .exec(&services.db)
        .await?;
    import_rejection::Entity::delete_many()
        .filter(import_rejection::Column::JobId.eq(job.id))
        .exec(&services.db)
        .await?;
    let mut active: import_job::ActiveModel = job.clone().into();
    active.status = Set(status::RUNNING.to_owned());
    active.started_at = Set(Some(Utc::now()));
    active.bytes_read = Set(0);
    active.rows_read = Set(0);
    active.accepted = Set(0);
    active.rejected = Set(0);
    active.duplicates = Set(0);
    active.updated_at = Set(Utc::now());
    active.update(&services.db).await?;
    Ok(())
}

fn staging_rows(
    job: &import_job::Model,
    batch: &Batch,
) -> (
    Vec<import_staging::ActiveModel>,
    Vec<import_staging_device::ActiveModel>,
) {
    let mut rows = Vec::with_capacity(batch.rows.len());
    let mut devices = Vec::with_capacity(batch.rows.len() * 2);
    for row in &batch.rows {
        let draft = &row.draft;
        let field = |name: &str| draft.fields.get(name).cloned();
        let dedupe_key = field("clientId")
            .map(|id| format!("c:{id}"))
            .or_else(|| {
                draft
                    .devices
                    .first()
                    .map(|device| format!("d:{}", device.value))
            })
            .unwrap_or_else(|| format!("s:{}", row.seq));
        rows.push(import_staging::ActiveModel {
            job_id: Set(job.id),
            seq: Set(row.seq),
            line: Set(row.line),
            dedupe_key: Set(dedupe_key.chars().take(254).collect()),
            client_id: Set(field("clientId")),
            first_name: Set(field("firstName")),
            last_name: Set(field("lastName")),
            company: Set(field("company")),
            postal_code: Set(field("postalCode")),
            country: Set(field("country")),
            time_zone: Set(field("timeZone")),
            custom: Set(json!(draft.custom)),
            consent_automated: Set(draft.consents.get("consentAutomated").copied()),
            consent_sms: Set(draft.consents.get("consentSms").copied()),
            consent_email: Set(draft.consents.get("consentEmail").copied()),
        });
        for (position, device) in draft.devices.iter().enumerate() {
            let phone = device.phone.as_ref();
            let non_empty = |text: &str| (!text.is_empty()).then(|| text.to_owned());
            devices.push(import_staging_device::ActiveModel {
                job_id: Set(job.id),
                seq: Set(row.seq),
                position: Set(i16::try_from(position).unwrap_or(i16::MAX)),
                kind: Set(device.kind.as_str().to_owned()),
                value: Set(device.value.clone()),
                raw: Set(device.raw.chars().take(254).collect()),
                country_code: Set(phone.and_then(|p| i16::try_from(p.country_code()).ok())),
                area_code: Set(phone.and_then(|p| non_empty(p.area_code()))),
                exchange: Set(phone.and_then(|p| non_empty(p.exchange()))),
                subscriber: Set(phone.and_then(|p| non_empty(p.subscriber()))),
                extension: Set(phone.and_then(|p| p.extension().map(str::to_owned))),
                device_type: Set(phone
                    .map_or("EMAIL", |p| p.device_type().as_str())
                    .to_owned()),
                country: Set(phone.and_then(|p| p.country().map(str::to_owned))),
                region: Set(None),
                time_zones: Set(None),
            });
        }
    }
    (rows, devices)
}

/// Reads the file and stages it; progress is saved and published after every batch.
pub async fn stage_file(
    services: &Services,
    job: &import_job::Model,
    options: &ImportOptions,
    task: Option<&ClaimedTask>,
    stop_after_rows: Option<i64>,
) -> Result<Staged, StageError> {
    let (sender, mut receiver) = mpsc::channel(4);
    reader::spawn(job.file_path.clone().into(), options.clone(), sender);
    let mut staged = Staged::default();
    while let Some(message) = receiver.recv().await {
        let batch = message.map_err(StageError::Fatal)?;
        let (rows, devices) = staging_rows(job, &batch);
        let attempted = rows.len() as i64;
        if !rows.is_empty() {
            let inserted = import_staging::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        import_staging::Column::JobId,
                        import_staging::Column::DedupeKey,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&services.db)
                .await?;
            staged.staged += inserted as i64;
            staged.duplicates += attempted - inserted as i64;
        }
        if !devices.is_empty() {
            import_staging_device::Entity::insert_many(devices)
                .exec_without_returning(&services.db)
                .await?;
        }
        if !batch.rejections.is_empty() {
            staged.rejected += batch.rejections.len() as i64;
            let rejections =
                batch
                    .rejections
                    .iter()
                    .map(|rejection| import_rejection::ActiveModel {
                        job_id: Set(job.id),
                        line: Set(rejection.line),
                        reason: Set(rejection.reason.clone()),
                        raw: Set(rejection.raw.clone()),
                        ..Default::default()
                    });
            import_rejection::Entity::insert_many(rejections)
                .exec_without_returning(&services.db)
                .await?;
        }
        staged.rows_read = batch.rows_read;
        save_progress(services, job, &staged, batch.bytes_read).await?;
        if let Some(task) = task
            && !queue::heartbeat(&services.db, task, std::time::Duration::from_secs(120)).await?
        {
            return Err(StageError::Service(ServiceError::Internal(
                anyhow::anyhow!("the import's lease was taken over"),
            )));
        }
        if stop_after_rows.is_some_and(|limit| staged.rows_read >= limit) {
            return Err(StageError::Service(ServiceError::Internal(
                anyhow::anyhow!("stopped on request"),
            )));
        }
    }
    Ok(staged)
}

async fn save_progress(
    services: &Services,
    job: &import_job::Model,
    staged: &Staged,
    bytes_read: i64,
) -> Result<(), ServiceError> {
    let mut active: import_job::ActiveModel = job.clone().into();
    active.status = Set(status::RUNNING.to_owned());
    active.rows_read = Set(staged.rows_read);
    active.bytes_read = Set(bytes_read);
    active.rejected = Set(staged.rejected);
    active.duplicates = Set(staged.duplicates);
    active.accepted = Set(staged.staged);
    active.updated_at = Set(Utc::now());
    active.update(&services.db).await?;
    let progress = json!({
        "jobId": job.id, "status": status::RUNNING, "rowsRead": staged.rows_read, "bytesRead": bytes_read,
        "fileBytes": job.file_bytes, "rejected": staged.rejected, "duplicates": staged.duplicates,
    });
    if let Err(error) = services
        .cache
        .publish(&format!("import:{}", job.id), &progress.to_string())
        .await
    {
        tracing::warn!(%error, "publishing import progress failed");
    }
    Ok(())
}
