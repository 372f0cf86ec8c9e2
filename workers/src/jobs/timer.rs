//! The scheduler replicas' timers: each arms a tokio-cron-scheduler one-shot
//! at every enabled job's next firing, computed by `scheduling::CronSchedule`
//! in the job's own zone (tokio-cron-scheduler's own zone support fixes the
//! UTC offset when a job is added, which drifts an hour at daylight-saving
//! changes). A firing only inserts the run row and its queue task; the row is
//! unique per job and instant, so when several replicas fire the same instant
//! exactly one run exists. On start and every minute each replica also pays
//! what downtime owes: by the job's misfire policy, the latest missed firing
//! runs once (`MISFIRE`) or is skipped.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::{job, job_run};
use futures::StreamExt;
use scheduling::{MisfirePolicy, catch_up};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::{mpsc, watch};
use tokio_cron_scheduler::{Job as TimerJob, JobScheduler};
use uuid::Uuid;

use super::{Job, insert_run, publish_run, trigger};
use crate::{ServiceError, Services};

/// Firings younger than this belong to the live timer, not to the misfire check.
const MISFIRE_GRACE: Duration = Duration::from_secs(5);

/// How often a replica re-reads every job even without a change message.
const RESYNC_EVERY: Duration = Duration::from_secs(60);

/// Records one firing: the run row (unless another replica already did) and its
/// task, and moves the job's `fired_through` forward. `None` when the firing
/// was already recorded or the job is gone or disabled.
pub async fn fire(
    services: &Services,
    job_id: Uuid,
    scheduled_for: DateTime<Utc>,
    trigger: &str,
    fired_by: &str,
) -> Result<Option<job_run::Model>, ServiceError> {
    let txn = services.begin().await?;
    let Some(row) = job::Entity::find_by_id(job_id).one(&txn).await? else {
        return Ok(None);
    };
    if !row.enabled {
        return Ok(None);
    }
    let job = Job::parse(row)?;
    let run = insert_run(&txn, &job, trigger, Some(scheduled_for), fired_by).await?;
    advance(&txn, job_id, scheduled_for).await?;
    txn.commit().await?;
    if let Some(run) = &run {
        tracing::info!(job = %job.row.name, %scheduled_for, trigger, run = %run.id, "job fired");
        publish_run(services, run).await;
    }
    Ok(run)
}

async fn advance(
    conn: &impl sea_orm::ConnectionTrait,
    job_id: Uuid,
    through: DateTime<Utc>,
) -> Result<(), ServiceError> {
    crate::db::execute(
        conn,
        "UPDATE jobs SET fired_through = $2 WHERE id = $1 AND fired_through < $2",
        vec![job_id.into(), through.into()],
    )
    .await?;
    Ok(())
}

/// Pays what downtime owes one job, by its misfire policy.
async fn settle_misfire(
    services: &Services,
    job: &Job,
    fired_by: &str,
) -> Result<(), ServiceError> {
    let schedule = job.schedule()?;
    let Some(owed) = catch_up(&schedule, job.row.fired_through, Utc::now(), MISFIRE_GRACE) else {
        return Ok(());
    };
    match job.spec.misfire_policy {
        MisfirePolicy::RunOnce => {
            if fire(services, job.row.id, owed, trigger::MISFIRE, fired_by)
                .await?
                .is_some()
            {
                tracing::info!(job = %job.row.name, %owed, "missed firing run once (misfire policy RUN_ONCE)");
            }
        }
        MisfirePolicy::Skip => {
            advance(&services.db, job.row.id, owed).await?;
            tracing::info!(job = %job.row.name, %owed, "missed firing skipped (misfire policy SKIP)");
        }
    }
    Ok(())
}

/// One armed timer: the job version it was armed for and its tokio-cron-scheduler id.
struct Armed {
    updated_at: DateTime<Utc>,
    timer: Uuid,
}

/// Arms the one-shot for a job's next firing after `after`; the firing arrives on `fired`.
async fn arm(
    scheduler: &JobScheduler,
    job: &Job,
    after: DateTime<Utc>,
    fired: &mpsc::UnboundedSender<(Uuid, DateTime<Utc>)>,
) -> Result<Option<Uuid>, ServiceError> {
    let Some(at) = job.schedule()?.next_after(after) else {
        return Ok(None);
    };
    let wait = (at - Utc::now()).to_std().unwrap_or_default();
    let job_id = job.row.id;
    let fired = fired.clone();
    let timer = TimerJob::new_one_shot_at_instant_async(Instant::now() + wait, move |_, _| {
        let fired = fired.clone();
        Box::pin(async move {
            let _ = fired.send((job_id, at));
        })
    })
    .map_err(|error| anyhow::anyhow!("arming the timer of job {job_id}: {error}"))?;
    let id = scheduler
        .add(timer)
        .await
        .map_err(|error| anyhow::anyhow!("adding the timer of job {job_id}: {error}"))?;
    Ok(Some(id))
}

/// Brings the armed timers in line with the stored jobs and pays misfires.
async fn reconcile(
    services: &Services,
    scheduler: &JobScheduler,
    armed: &mut HashMap<Uuid, Armed>,
    fired: &mpsc::UnboundedSender<(Uuid, DateTime<Utc>)>,
    fired_by: &str,
) -> Result<(), ServiceError> {
    let rows = job::Entity::find()
        .filter(job::Column::Enabled.eq(true))
        .all(&services.db)
        .await?;
    let mut wanted = HashMap::new();
    for row in rows {
        match Job::parse(row) {
            Ok(job) => {
                wanted.insert(job.row.id, job);
            }
            Err(error) => {
                tracing::warn!(error = ?anyhow::Error::from(error), "skipping an unreadable job")
            }
        }
    }
    let stale: Vec<Uuid> = armed
        .iter()
        .filter(|(id, armed)| {
            wanted
                .get(*id)
                .is_none_or(|job| job.row.updated_at != armed.updated_at)
        })
        .map(|(id, _)| *id)
        .collect();
    for id in stale {
        if let Some(old) = armed.remove(&id) {
            let _ = scheduler.remove(&old.timer).await;
        }
    }
    for job in wanted.values() {
        if let Err(error) = settle_misfire(services, job, fired_by).await {
            tracing::warn!(job = %job.row.name, error = ?anyhow::Error::from(error), "misfire check failed");
        }
        if armed.contains_key(&job.row.id) {
            continue;
        }
        if let Some(timer) = arm(scheduler, job, Utc::now(), fired).await? {
            armed.insert(
                job.row.id,
                Armed {
                    updated_at: job.row.updated_at,
                    timer,
                },
            );
        }
    }
    Ok(())
}

/// The `scheduler` role's timer loop: fires jobs on time until stopped.
pub async fn run_scheduler(services: Services, fired_by: String, mut stop: watch::Receiver<bool>) {
    let scheduler = match JobScheduler::new().await {
        Ok(scheduler) => scheduler,
        Err(error) => {
            tracing::error!(%error, "the job scheduler could not start; no job will fire from this process");
            return;
        }
    };
    if let Err(error) = scheduler.start().await {
        tracing::error!(%error, "the job scheduler could not start; no job will fire from this process");
        return;
    }
    let (fired_tx, mut fired_rx) = mpsc::unbounded_channel();
    let mut changes = match services.cache.subscribe(super::CHANGED_CHANNEL).await {
        Ok(changes) => Some(changes),
        Err(error) => {
            tracing::warn!(%error, "job changes reach this replica by the minutely re-read only");
            None
        }
    };
    let mut armed: HashMap<Uuid, Armed> = HashMap::new();
    let mut resync = tokio::time::interval(RESYNC_EVERY);
    loop {
        tokio::select! {
            _ = resync.tick() => {
                if let Err(error) = reconcile(&services, &scheduler, &mut armed, &fired_tx, &fired_by).await {
                    tracing::warn!(error = ?anyhow::Error::from(error), "re-reading jobs failed");
                }
            }
            Some(_) = async {
                match changes.as_mut() {
                    Some(changes) => changes.next().await,
                    None => std::future::pending().await,
                }
            } => {
                if let Err(error) = reconcile(&services, &scheduler, &mut armed, &fired_tx, &fired_by).await {
                    tracing::warn!(error = ?anyhow::Error::from(error), "re-reading jobs failed");
                }
            }
            Some((job_id, at)) = fired_rx.recv() => {
                // tokio-cron-scheduler may wake a one-shot up to a second
                // early: the firing itself waits for its instant, off the loop.
                let (firing_services, firing_by) = (services.clone(), fired_by.clone());
                tokio::spawn(async move {
                    if let Ok(early) = (at - Utc::now()).to_std() {
                        tokio::time::sleep(early).await;
                    }
                    if let Err(error) = fire(&firing_services, job_id, at, trigger::SCHEDULE, &firing_by).await {
                        tracing::warn!(%job_id, error = ?anyhow::Error::from(error), "recording a firing failed");
                    }
                });
                // Re-arm from the instant just fired, so a late tick never skips a firing.
                if let Some(old) = armed.remove(&job_id) {
                    let _ = scheduler.remove(&old.timer).await;
                    let job = job::Entity::find_by_id(job_id).one(&services.db).await.ok().flatten()
                        .filter(|row| row.enabled && row.updated_at == old.updated_at)
                        .and_then(|row| Job::parse(row).ok());
                    if let Some(job) = job {
                        match arm(&scheduler, &job, at, &fired_tx).await {
                            Ok(Some(timer)) => {
                                armed.insert(job_id, Armed { updated_at: job.row.updated_at, timer });
                            }
                            Ok(None) => {}
                            Err(error) => tracing::warn!(%job_id, error = ?anyhow::Error::from(error), "re-arming failed"),
                        }
                    }
                }
            }
            () = async { let _ = stop.wait_for(|stopped| *stopped).await; } => break,
        }
    }
    let mut scheduler = scheduler;
    let _ = scheduler.shutdown().await;
}
