//! Executing a run: claim its `job.run` task, do the kind's work with a live
//! log, and end it — succeeded, retrying after a doubling delay (transient
//! failures: an unreachable server, a dropped connection, a database hiccup),
//! or failed with the reason. A worker killed mid-run loses nothing: its task
//! lease passes and another worker resumes the same run (files already picked
//! up are remembered, imports already started are found again).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use domain::UserRole;
use entity::{job, job_run};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use tokio::sync::watch;
use uuid::Uuid;

use super::{Counts, Job, LogLine, publish_run, status};
use crate::accounts::Principal;
use crate::queue::{self, ClaimedTask};
use crate::{ServiceError, Services};

/// How long a worker's claim on a run lasts without a heartbeat.
const LEASE: Duration = Duration::from_secs(120);

/// How often a running run renews its claim.
const HEARTBEAT: Duration = Duration::from_secs(30);

/// Why a run (or an attempt) ended badly.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Worth another attempt after the back-off delay.
    #[error("{0}")]
    Transient(String),
    /// Another attempt would fail the same way.
    #[error("{0}")]
    Permanent(String),
    /// The claim on the run passed to another worker: stop without writing.
    #[error("this worker lost the run to another")]
    Lost,
}

impl From<ServiceError> for RunError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Database(_) | ServiceError::Cache(_) => {
                RunError::Transient(format!("the store failed: {error}"))
            }
            ServiceError::Internal(inner) => {
                RunError::Permanent(format!("internal error: {inner:#}"))
            }
            other => RunError::Permanent(other.to_string()),
        }
    }
}

impl From<sftp::SftpError> for RunError {
    fn from(error: sftp::SftpError) -> Self {
        if error.is_transient() {
            RunError::Transient(error.to_string())
        } else {
            RunError::Permanent(error.to_string())
        }
    }
}

/// A run in progress: its row, its log and counts, and the account it acts as.
pub struct RunCtx<'a> {
    /// The stores and settings.
    pub services: &'a Services,
    /// The job, as it was when the attempt started.
    pub job: Job,
    /// The run's id.
    pub run_id: Uuid,
    /// The firing it belongs to (none for "run now").
    pub scheduled_for: Option<chrono::DateTime<Utc>>,
    /// What it has counted so far.
    pub counts: Counts,
    log: Vec<LogLine>,
    lost: Arc<AtomicBool>,
}

impl RunCtx<'_> {
    /// Appends a line to the run's log, stores it and announces it.
    pub async fn log(&mut self, level: &str, message: impl Into<String>) -> Result<(), RunError> {
        let message = message.into();
        tracing::info!(job = %self.job.row.name, run = %self.run_id, level, %message, "job run");
        self.log.push(LogLine {
            at: Utc::now(),
            level: level.to_owned(),
            message,
        });
        self.save().await
    }

    /// Logs at INFO.
    pub async fn info(&mut self, message: impl Into<String>) -> Result<(), RunError> {
        self.log("INFO", message).await
    }

    /// Logs at WARN.
    pub async fn warn(&mut self, message: impl Into<String>) -> Result<(), RunError> {
        self.log("WARN", message).await
    }

    /// Stores the log and counts (and fails with `Lost` once the claim passed to another worker).
    pub async fn save(&mut self) -> Result<(), RunError> {
        self.alive()?;
        let run = job_run::ActiveModel {
            id: Set(self.run_id),
            log: Set(
                serde_json::to_value(&self.log).map_err(|e| RunError::Permanent(e.to_string()))?
            ),
            counts: Set(serde_json::to_value(self.counts)
                .map_err(|e| RunError::Permanent(e.to_string()))?),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .update(&self.services.db)
        .await
        .map_err(ServiceError::from)?;
        publish_run(self.services, &run).await;
        Ok(())
    }

    /// Fails with `Lost` once the claim on the run passed to another worker.
    pub fn alive(&self) -> Result<(), RunError> {
        if self.lost.load(Ordering::Relaxed) {
            Err(RunError::Lost)
        } else {
            Ok(())
        }
    }

    /// The account the job acts as: whoever saved it last, with their current role.
    pub async fn principal(&self) -> Result<Principal, RunError> {
        let owner = self.job.row.owner_id.ok_or_else(|| {
            RunError::Permanent(
                "the job has no owner account: save it again to take it over".into(),
            )
        })?;
        let user = entity::user::Entity::find_by_id(owner)
            .one(&self.services.db)
            .await
            .map_err(ServiceError::from)?
            .filter(|user| !user.disabled && user.tenant_id == self.job.row.tenant_id)
            .ok_or_else(|| {
                RunError::Permanent(
                    "the account the job acts as is gone or disabled: save the job again to take it over".into(),
                )
            })?;
        let role = UserRole::parse(&user.role).ok_or_else(|| {
            RunError::Permanent(format!("the owner's role {:?} is unknown", user.role))
        })?;
        let now = Utc::now().timestamp();
        Ok(Principal {
            user_id: user.id,
            tenant_id: user.tenant_id,
            email: format!("{} (job {})", user.email, self.job.row.name),
            role,
            claims: crate::accounts::tokens::Claims {
                sub: user.id,
                tid: user.tenant_id,
                jti: format!("job-run-{}", self.run_id),
                iat: now,
                exp: now + 3600,
            },
            client_ip: None,
        })
    }
}

async fn set_status(
    services: &Services,
    run: job_run::ActiveModel,
) -> Result<job_run::Model, ServiceError> {
    let run = run.update(&services.db).await?;
    publish_run(services, &run).await;
    Ok(run)
}

/// Claims and runs the next due run; `false` when none was waiting.
pub async fn execute_next(services: &Services, worker: &str) -> Result<bool, ServiceError> {
    let Some(task) = queue::claim(&services.db, &[super::TASK_KIND], worker, LEASE).await? else {
        return Ok(false);
    };
    let run_id = task.payload["runId"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok());
    let run = match run_id {
        Some(id) => job_run::Entity::find_by_id(id).one(&services.db).await?,
        None => None,
    };
    let Some(run) =
        run.filter(|run| run.status != status::SUCCEEDED && run.status != status::FAILED)
    else {
        queue::complete(&services.db, &task).await?;
        return Ok(true);
    };
    let Some(job_row) = job::Entity::find_by_id(run.job_id)
        .one(&services.db)
        .await?
    else {
        queue::complete(&services.db, &task).await?;
        return Ok(true);
    };
    execute(services, &task, run, Job::parse(job_row)?, worker).await?;
    Ok(true)
}

async fn execute(
    services: &Services,
    task: &ClaimedTask,
    run: job_run::Model,
    job: Job,
    worker: &str,
) -> Result<(), ServiceError> {
    let resumed = run.status == status::RUNNING;
    let log: Vec<LogLine> = serde_json::from_value(run.log.clone()).unwrap_or_default();
    let counts: Counts = serde_json::from_value(run.counts.clone()).unwrap_or_default();
    let started = set_status(
        services,
        job_run::ActiveModel {
            id: Set(run.id),
            status: Set(status::RUNNING.to_owned()),
            attempt: Set(task.attempts),
            started_at: Set(run.started_at.or(Some(Utc::now()))),
            next_attempt_at: Set(None),
            updated_at: Set(Utc::now()),
            ..Default::default()
        },
    )
    .await?;
    let lost = Arc::new(AtomicBool::new(false));
    let mut ctx = RunCtx {
        services,
        job,
        run_id: run.id,
        scheduled_for: run.scheduled_for,
        counts,
        log,
        lost: lost.clone(),
    };
    let heartbeat = tokio::spawn({
        let db = services.db.clone();
        let task = task.clone();
        async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                match queue::heartbeat(&db, &task, LEASE).await {
                    Ok(true) => {}
                    Ok(false) => {
                        lost.store(true, Ordering::Relaxed);
                        return;
                    }
                    Err(error) => tracing::warn!(%error, "job run heartbeat failed"),
                }
            }
        }
    });
    let opening = format!(
        "attempt {} of {} on {worker}{}",
        task.attempts,
        started.max_attempts,
        if resumed {
            " (the previous attempt's worker stopped; resuming)"
        } else {
            ""
        }
    );
    let outcome = match ctx.info(opening).await {
        Ok(()) => super::kinds::execute(&mut ctx).await,
        Err(error) => Err(error),
    };
    heartbeat.abort();
    finish(services, task, &mut ctx, outcome).await
}

/// Ends an attempt: succeeded, retrying, or failed.
async fn finish(
    services: &Services,
    task: &ClaimedTask,
    ctx: &mut RunCtx<'_>,
    outcome: Result<(), RunError>,
) -> Result<(), ServiceError> {
    let now = Utc::now();
    let mut row = job_run::ActiveModel {
        id: Set(ctx.run_id),
        updated_at: Set(now),
        ..Default::default()
    };
    match outcome {
        Err(RunError::Lost) => {
            tracing::warn!(run = %ctx.run_id, "run taken over by another worker; this attempt stops");
            return Ok(());
        }
        Ok(()) => {
            let _ = ctx.info("finished").await;
            row.status = Set(status::SUCCEEDED.to_owned());
            row.finished_at = Set(Some(now));
            row.error = Set(None);
            queue::complete(&services.db, task).await?;
        }
        Err(RunError::Transient(reason)) if task.attempts < task.max_attempts => {
            let delay = scheduling::retry_delay(
                Duration::from_secs(u64::from(ctx.job.spec.retry_delay_seconds)),
                u32::try_from(task.attempts).unwrap_or(1),
            );
            let _ = ctx
                .warn(format!(
                    "{reason} — a transient failure: retrying in {} s",
                    delay.as_secs()
                ))
                .await;
            row.status = Set(status::RETRYING.to_owned());
            row.error = Set(Some(reason.clone()));
            row.next_attempt_at = Set(chrono::Duration::from_std(delay).ok().map(|d| now + d));
            queue::fail(&services.db, task, &reason, delay).await?;
        }
        Err(RunError::Transient(reason) | RunError::Permanent(reason)) => {
            let _ = ctx.log("ERROR", format!("failed: {reason}")).await;
            row.status = Set(status::FAILED.to_owned());
            row.finished_at = Set(Some(now));
            row.error = Set(Some(reason));
            queue::complete(&services.db, task).await?;
        }
    }
    // After the last log line's save, so the run's last change is its newest.
    row.updated_at = Set(Utc::now());
    set_status(services, row).await?;
    Ok(())
}

/// The `scheduler` role's run loop: executes queued runs until stopped.
pub async fn run_worker(services: Services, worker: String, mut stop: watch::Receiver<bool>) {
    // Woken at once when a run is queued; the poll catches retries that come due.
    let mut queued = services.cache.subscribe(super::QUEUED_CHANNEL).await.ok();
    loop {
        let step =
            async { queue::ran_or_warn(execute_next(&services, &worker).await, "job run worker") };
        // A transfer cut short by a stop is resumed by the worker that takes the run.
        let Some(ran) = queue::step_or_release(&services.db, &worker, &mut stop, step).await else {
            return;
        };
        if !ran {
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                Some(_) = async {
                    match queued.as_mut() {
                        Some(queued) => futures::StreamExt::next(queued).await,
                        None => std::future::pending().await,
                    }
                } => {}
                () = async { let _ = stop.wait_for(|stopped| *stopped).await; } => return,
            }
        }
    }
}
