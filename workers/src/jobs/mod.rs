//! The Job Scheduler (role `scheduler`): jobs and their runs.
//!
//! A job is a `scheduling::JobSpec` (cron + zone + kind + settings) stored as
//! JSON. Every scheduler replica arms a timer per enabled job ([`timer`]); a
//! firing inserts the run row, unique per job and firing instant — the
//! single-fire lock, so of several replicas exactly one wins — and enqueues a
//! durable `job.run` task in the same transaction. The task ([`run`]) does
//! the work: fetch files over SFTP ([`files`]), import, export, drive a
//! campaign, refresh compliance data or purge ([`kinds`]), writing the run's
//! status, counts and log as it goes and announcing every change on
//! `jobRunUpdates`. Transient failures are retried with a doubling delay.

pub mod connections;
pub mod files;
pub mod kinds;
pub mod run;
pub mod timer;

use chrono::{DateTime, SubsecRound, Utc};
use domain::access::Permission;
use entity::{job, job_run};
use futures::{Stream, StreamExt};
use scheduling::{CronSchedule, JobSpec};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::Principal;
use crate::audit::{self, Change};
use crate::queue::{self, NewTask};
use crate::{ServiceError, Services};

pub use run::{execute_next, run_worker};
pub use timer::run_scheduler;

/// The queue task kind a firing enqueues.
pub const TASK_KIND: &str = "job.run";

/// Run statuses, as stored.
pub mod status {
    /// Waiting for a worker.
    pub const QUEUED: &str = "QUEUED";
    /// A worker is on it.
    pub const RUNNING: &str = "RUNNING";
    /// Failed transiently; the next attempt waits for `next_attempt_at`.
    pub const RETRYING: &str = "RETRYING";
    /// Done.
    pub const SUCCEEDED: &str = "SUCCEEDED";
    /// Given up, with the reason in `error` and the log.
    pub const FAILED: &str = "FAILED";
}

/// What started a run, as stored.
pub mod trigger {
    /// The job's schedule.
    pub const SCHEDULE: &str = "SCHEDULE";
    /// A firing missed during downtime, run once by the misfire policy.
    pub const MISFIRE: &str = "MISFIRE";
    /// A person's "run now".
    pub const MANUAL: &str = "MANUAL";
}

/// Cache channel announcing job changes to every scheduler replica.
pub(crate) const CHANGED_CHANNEL: &str = "jobs:changed";

/// Cache channel that wakes idle run workers when a run is queued.
pub(crate) const QUEUED_CHANNEL: &str = "jobs:queued";

fn runs_channel(tenant_id: Uuid) -> String {
    format!("jobs:runs:{tenant_id}")
}

/// A stored job with its definition read.
#[derive(Debug, Clone)]
pub struct Job {
    /// The stored row.
    pub row: job::Model,
    /// Its definition.
    pub spec: JobSpec,
}

impl Job {
    /// Reads a stored row.
    pub fn parse(row: job::Model) -> Result<Self, ServiceError> {
        let spec = serde_json::from_value(row.spec.clone())
            .map_err(|error| anyhow::anyhow!("stored job {} is unreadable: {error}", row.id))?;
        Ok(Self { row, spec })
    }

    /// The job's schedule (it was checked when saved).
    pub fn schedule(&self) -> Result<CronSchedule, ServiceError> {
        self.spec.schedule().map_err(|problems| {
            anyhow::anyhow!(
                "stored job {} has a bad schedule: {}",
                self.row.id,
                problems
                    .iter()
                    .map(|p| p.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
            .into()
        })
    }
}

/// What a run counted, as stored and shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    /// Files picked up (or written).
    pub files: i64,
    /// Rows read from them.
    pub rows: i64,
    /// Contacts or entries imported.
    pub imported: i64,
    /// Rows refused.
    pub rejected: i64,
    /// Rows exported.
    pub exported: i64,
}

/// One line of a run's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// When.
    pub at: DateTime<Utc>,
    /// `INFO`, `WARN` or `ERROR`.
    pub level: String,
    /// What happened, for an operator.
    pub message: String,
}

pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Job, ServiceError> {
    let row = job::Entity::find_by_id(id)
        .filter(job::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("job"))?;
    Job::parse(row)
}

/// The tenant's jobs by name.
pub async fn list(services: &Services, principal: &Principal) -> Result<Vec<Job>, ServiceError> {
    principal.require(Permission::ViewJobs)?;
    job::Entity::find()
        .filter(job::Column::TenantId.eq(principal.tenant_id))
        .order_by_asc(job::Column::Name)
        .all(&services.db)
        .await?
        .into_iter()
        .map(Job::parse)
        .collect()
}

/// One job of the tenant.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Job, ServiceError> {
    principal.require(Permission::ViewJobs)?;
    find(&services.db, principal.tenant_id, id).await
}

/// Every problem with a definition: its own rules, then the objects it names (in the tenant).
async fn checked(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    spec: &JobSpec,
) -> Result<(), ServiceError> {
    let mut problems: Vec<(String, String)> = spec
        .problems()
        .into_iter()
        .map(|p| (p.field.to_owned(), p.message))
        .collect();
    let mut missing = |field: &str, what: &str| {
        problems.push((field.to_owned(), format!("names no {what} of this tenant")));
    };
    if let Some(source) = &spec.source
        && connections::find(conn, tenant_id, source.connection_id)
            .await
            .is_err()
    {
        missing("source.connectionId", "SFTP connection");
    }
    if let Some(connection_id) = spec.export.as_ref().and_then(|e| e.connection_id)
        && connections::find(conn, tenant_id, connection_id)
            .await
            .is_err()
    {
        missing("export.connectionId", "SFTP connection");
    }
    if let Some(list_id) = spec.contact_list_id
        && crate::lists::find(conn, tenant_id, list_id).await.is_err()
    {
        missing("contactListId", "contact list");
    }
    if let Some(mapping_id) = spec.import_mapping_id {
        let found = entity::import_mapping::Entity::find_by_id(mapping_id)
            .filter(entity::import_mapping::Column::TenantId.eq(tenant_id))
            .one(conn)
            .await?;
        if found.is_none() {
            missing("importMappingId", "saved import mapping");
        }
    }
    if let Some(list_id) = spec.suppression_list_id {
        let found = entity::suppression_list::Entity::find_by_id(list_id)
            .filter(entity::suppression_list::Column::TenantId.eq(tenant_id))
            .one(conn)
            .await?;
        if found.is_none() {
            missing(
                "suppressionListId",
                "suppression list (global lists cannot be imported into by a job)",
            );
        }
    }
    if let Some(campaign_id) = spec.campaign_id
        && crate::campaigns::find(conn, tenant_id, campaign_id, false)
            .await
            .is_err()
    {
        missing("campaignId", "campaign");
    }
    if let Some(mode) = spec.import_mode.as_deref()
        && crate::import::ImportMode::parse(mode).is_none()
    {
        problems.push((
            "importMode".into(),
            format!("{mode:?} is not an import mode"),
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::InvalidFields(problems))
    }
}

/// Tells every scheduler replica to re-read its jobs.
async fn announce_change(services: &Services) {
    if let Err(error) = services.cache.publish(CHANGED_CHANNEL, "changed").await {
        tracing::warn!(%error, "announcing a job change failed; replicas re-read within a minute");
    }
}

/// Saves a new job (checked as a whole), acting as its creator; audited.
pub async fn create(
    services: &Services,
    principal: &Principal,
    spec: JobSpec,
) -> Result<Job, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let txn = services.begin().await?;
    checked(&txn, principal.tenant_id, &spec).await?;
    let now = Utc::now().trunc_subsecs(0);
    let row = job::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(spec.name.trim().to_owned()),
        kind: Set(spec.kind.as_str().to_owned()),
        spec: Set(serde_json::to_value(&spec).map_err(anyhow::Error::from)?),
        enabled: Set(spec.enabled),
        fired_through: Set(now),
        owner_id: Set(Some(principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(crate::db::map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "job.create",
            object_type: "job",
            object_id: Some(row.id.to_string()),
            detail: json!({ "name": row.name, "kind": row.kind, "cron": spec.cron, "timeZone": spec.time_zone }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    announce_change(services).await;
    Job::parse(row)
}

/// Replaces a job's definition; the saver becomes the account it acts as. A job
/// enabled again does not owe the firings it missed while disabled.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    spec: JobSpec,
) -> Result<Job, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    checked(&txn, principal.tenant_id, &spec).await?;
    let now = Utc::now().trunc_subsecs(0);
    let schedule_changed = existing.spec.cron != spec.cron
        || existing.spec.time_zone != spec.time_zone
        || (!existing.row.enabled && spec.enabled);
    let mut active: job::ActiveModel = existing.row.into();
    active.name = Set(spec.name.trim().to_owned());
    active.kind = Set(spec.kind.as_str().to_owned());
    active.spec = Set(serde_json::to_value(&spec).map_err(anyhow::Error::from)?);
    active.enabled = Set(spec.enabled);
    if schedule_changed {
        active.fired_through = Set(now);
    }
    active.owner_id = Set(Some(principal.user_id));
    active.updated_at = Set(now);
    let row = active
        .update(&txn)
        .await
        .map_err(crate::db::map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "job.update",
            object_type: "job",
            object_id: Some(row.id.to_string()),
            detail: json!({ "name": row.name, "kind": row.kind, "cron": spec.cron, "timeZone": spec.time_zone, "enabled": spec.enabled }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    announce_change(services).await;
    Job::parse(row)
}

/// Deletes a job with its runs and picked-file records; a run in progress finishes its current step and stops. Audited.
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Uuid, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    job::Entity::delete_by_id(id).exec(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "job.delete",
            object_type: "job",
            object_id: Some(id.to_string()),
            detail: json!({ "name": existing.row.name }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    announce_change(services).await;
    Ok(id)
}

/// A new run row and its queue task, in the caller's transaction. With a
/// `scheduled_for`, a run of that firing that already exists wins and `None`
/// comes back: the single-fire lock.
pub(crate) async fn insert_run(
    conn: &impl ConnectionTrait,
    job: &Job,
    trigger: &str,
    scheduled_for: Option<DateTime<Utc>>,
    fired_by: &str,
) -> Result<Option<job_run::Model>, ServiceError> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let max_attempts = i32::try_from(job.spec.max_retries).unwrap_or(10) + 1;
    let sql = "INSERT INTO job_runs (id, tenant_id, job_id, trigger, status, scheduled_for, attempt, \
         max_attempts, counts, log, fired_by, created_at, updated_at, started_at, error) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         ON CONFLICT (job_id, scheduled_for) DO NOTHING";
    let inserted = crate::db::execute(
        conn,
        sql,
        vec![
            id.into(),
            job.row.tenant_id.into(),
            job.row.id.into(),
            trigger.into(),
            status::QUEUED.into(),
            scheduled_for.into(),
            0i32.into(),
            max_attempts.into(),
            serde_json::to_value(Counts::default())
                .map_err(anyhow::Error::from)?
                .into(),
            serde_json::Value::Array(Vec::new()).into(),
            Some(fired_by.chars().take(100).collect::<String>()).into(),
            now.into(),
            now.into(),
            Option::<DateTime<Utc>>::None.into(),
            Option::<String>::None.into(),
        ],
    )
    .await?;
    if inserted == 0 {
        return Ok(None);
    }
    queue::enqueue(
        conn,
        NewTask {
            kind: TASK_KIND,
            tenant_id: Some(job.row.tenant_id),
            payload: json!({ "runId": id }),
            run_at: None,
            max_attempts,
        },
    )
    .await?;
    Ok(job_run::Entity::find_by_id(id).one(conn).await?)
}

/// Queues a run of a job now, whatever its schedule or enabled flag; audited.
pub async fn run_now(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<job_run::Model, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let txn = services.begin().await?;
    let job = find(&txn, principal.tenant_id, id).await?;
    let run = insert_run(&txn, &job, trigger::MANUAL, None, &principal.email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a manual run cannot collide"))?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "job.run_now",
            object_type: "job",
            object_id: Some(id.to_string()),
            detail: json!({ "name": job.row.name, "runId": run.id }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    publish_run(services, &run).await;
    Ok(run)
}

/// A job's runs, newest first.
pub async fn runs(
    services: &Services,
    principal: &Principal,
    job_id: Uuid,
    first: u64,
) -> Result<Vec<job_run::Model>, ServiceError> {
    principal.require(Permission::ViewJobs)?;
    find(&services.db, principal.tenant_id, job_id).await?;
    Ok(job_run::Entity::find()
        .filter(job_run::Column::JobId.eq(job_id))
        .order_by_desc(job_run::Column::CreatedAt)
        .order_by_desc(job_run::Column::Id)
        .limit(first.clamp(1, 500))
        .all(&services.db)
        .await?)
}

/// One run of the tenant.
pub async fn get_run(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<job_run::Model, ServiceError> {
    principal.require(Permission::ViewJobs)?;
    job_run::Entity::find_by_id(id)
        .filter(job_run::Column::TenantId.eq(principal.tenant_id))
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("job run"))
}

/// Announces a run's new state to `jobRunUpdates` subscribers and, when it
/// waits for a worker, wakes the idle run workers.
pub(crate) async fn publish_run(services: &Services, run: &job_run::Model) {
    if run.status == status::QUEUED
        && let Err(error) = services.cache.publish(QUEUED_CHANNEL, "queued").await
    {
        tracing::debug!(%error, "waking run workers failed; they poll anyway");
    }
    let payload = json!({ "runId": run.id, "jobId": run.job_id });
    if let Err(error) = services
        .cache
        .publish(&runs_channel(run.tenant_id), &payload.to_string())
        .await
    {
        tracing::warn!(%error, "announcing a job run update failed");
    }
}

/// Live run changes of the tenant (of one job when given), each read fresh from the store.
pub async fn run_updates(
    services: &Services,
    principal: &Principal,
    job_id: Option<Uuid>,
) -> Result<impl Stream<Item = job_run::Model> + Send + 'static, ServiceError> {
    principal.require(Permission::ViewJobs)?;
    let payloads = services
        .cache
        .subscribe(&runs_channel(principal.tenant_id))
        .await?;
    let db = services.db.clone();
    let tenant_id = principal.tenant_id;
    Ok(payloads.filter_map(move |payload| {
        let db = db.clone();
        async move {
            let value: serde_json::Value = serde_json::from_str(&payload).ok()?;
            let run_id = value["runId"]
                .as_str()
                .and_then(|id| Uuid::parse_str(id).ok())?;
            if let Some(wanted) = job_id {
                let of_job = value["jobId"]
                    .as_str()
                    .and_then(|id| Uuid::parse_str(id).ok());
                if of_job != Some(wanted) {
                    return None;
                }
            }
            job_run::Entity::find_by_id(run_id)
                .filter(job_run::Column::TenantId.eq(tenant_id))
                .one(&db)
                .await
                .ok()
                .flatten()
        }
    }))
}
