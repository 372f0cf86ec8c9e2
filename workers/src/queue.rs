//! The durable task queue: enqueue in the same transaction as the change that
//! needs the work, claim with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
//! heartbeat while working, complete or fail with a retry back-off. A worker
//! killed mid-task loses nothing: when its lease passes, another claims the task.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::queue_task;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, Set, Statement, Value,
};
use uuid::Uuid;

/// Task states, as stored.
pub mod status {
    /// Waiting for `run_at`.
    pub const READY: &str = "READY";
    /// Claimed by a worker whose lease has not passed.
    pub const RUNNING: &str = "RUNNING";
    /// Finished.
    pub const DONE: &str = "DONE";
    /// Gave up after its last attempt.
    pub const FAILED: &str = "FAILED";
}

/// Work to enqueue.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// The handler, e.g. `contacts.import`.
    pub kind: &'static str,
    /// The tenant the work is for, if any.
    pub tenant_id: Option<Uuid>,
    /// The handler's input.
    pub payload: serde_json::Value,
    /// Not before this instant (now when `None`).
    pub run_at: Option<DateTime<Utc>>,
    /// Attempts before the task is marked failed.
    pub max_attempts: i32,
}

/// A task this worker holds a lease on.
#[derive(Debug, Clone, FromQueryResult)]
pub struct ClaimedTask {
    /// Task id.
    pub id: i64,
    /// The handler.
    pub kind: String,
    /// The tenant, if any.
    pub tenant_id: Option<Uuid>,
    /// The handler's input.
    pub payload: serde_json::Value,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// Attempts allowed.
    pub max_attempts: i32,
    /// Which worker holds it.
    pub locked_by: String,
}

/// Adds a task inside the caller's transaction, so the work exists exactly when the change does.
pub async fn enqueue(conn: &impl ConnectionTrait, task: NewTask) -> Result<i64, DbErr> {
    let now = Utc::now();
    let row = queue_task::ActiveModel {
        kind: Set(task.kind.to_owned()),
        tenant_id: Set(task.tenant_id),
        payload: Set(task.payload),
        status: Set(status::READY.to_owned()),
        run_at: Set(task.run_at.unwrap_or(now)),
        attempts: Set(0),
        max_attempts: Set(task.max_attempts.max(1)),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

fn lease_end(lease: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5))
}

/// Claims the next due task of one of `kinds` (or one whose holder's lease has passed).
/// Two workers never hold the same task: PostgreSQL skips rows another claim has locked;
/// SQLite runs one writer at a time.
pub async fn claim(
    conn: &impl ConnectionTrait,
    kinds: &[&str],
    worker: &str,
    lease: Duration,
) -> Result<Option<ClaimedTask>, DbErr> {
    if kinds.is_empty() {
        return Ok(None);
    }
    let backend = conn.get_database_backend();
    let now = Utc::now();
    let mut values: Vec<Value> = vec![worker.into(), lease_end(lease).into(), now.into()];
    let placeholder = |n: usize| match backend {
        DatabaseBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    };
    let kind_list: Vec<String> = kinds
        .iter()
        .map(|kind| {
            values.push((*kind).into());
            placeholder(values.len())
        })
        .collect();
    let skip_locked = if backend == DatabaseBackend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE queue_tasks SET status = 'RUNNING', locked_by = {worker}, locked_until = {until}, \
         attempts = attempts + 1, updated_at = {now} \
         WHERE id = (SELECT id FROM queue_tasks WHERE kind IN ({kinds}) \
           AND ((status = 'READY' AND run_at <= {now}) OR (status = 'RUNNING' AND locked_until < {now})) \
           ORDER BY run_at, id LIMIT 1{skip_locked}) \
         RETURNING id, kind, tenant_id, payload, attempts, max_attempts, locked_by",
        worker = placeholder(1),
        until = placeholder(2),
        now = placeholder(3),
        kinds = kind_list.join(", "),
    );
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    row.map(|row| ClaimedTask::from_query_result(&row, ""))
        .transpose()
}

fn held_by(task: &ClaimedTask) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(queue_task::Column::Id.eq(task.id))
        .add(queue_task::Column::Status.eq(status::RUNNING))
        .add(queue_task::Column::LockedBy.eq(task.locked_by.as_str()))
}

/// Extends the lease while working; false when the task is no longer ours (the lease passed
/// and another worker took it), in which case the caller must stop without writing results.
pub async fn heartbeat(
    conn: &impl ConnectionTrait,
    task: &ClaimedTask,
    lease: Duration,
) -> Result<bool, DbErr> {
    let result = queue_task::Entity::update_many()
        .col_expr(queue_task::Column::LockedUntil, lease_end(lease).into())
        .col_expr(queue_task::Column::UpdatedAt, Utc::now().into())
        .filter(held_by(task))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Marks the task done; call it in the same transaction as the task's final writes.
pub async fn complete(conn: &impl ConnectionTrait, task: &ClaimedTask) -> Result<bool, DbErr> {
    let result = queue_task::Entity::update_many()
        .col_expr(queue_task::Column::Status, status::DONE.into())
        .col_expr(
            queue_task::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(queue_task::Column::UpdatedAt, Utc::now().into())
        .filter(held_by(task))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a failed attempt: retried after `retry_after` while attempts remain, failed for good otherwise.
pub async fn fail(
    conn: &impl ConnectionTrait,
    task: &ClaimedTask,
    error: &str,
    retry_after: Duration,
) -> Result<bool, DbErr> {
    let (next_status, run_at) = if task.attempts < task.max_attempts {
        (status::READY, lease_end(retry_after))
    } else {
        (status::FAILED, Utc::now())
    };
    let result = queue_task::Entity::update_many()
        .col_expr(queue_task::Column::Status, next_status.into())
        .col_expr(queue_task::Column::RunAt, run_at.into())
        .col_expr(queue_task::Column::LockedBy, Option::<String>::None.into())
        .col_expr(
            queue_task::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(queue_task::Column::LastError, Some(error.to_owned()).into())
        .col_expr(queue_task::Column::UpdatedAt, Utc::now().into())
        .filter(held_by(task))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Due and running tasks of one kind and state: what the `/metrics` backlog
/// gauges show, the signal to scale the roles that work the queue.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Backlog {
    /// The handler, e.g. `contacts.import`.
    pub kind: String,
    /// `READY` (due, waiting for a worker) or `RUNNING`.
    pub status: String,
    /// How many.
    pub tasks: i64,
    /// The oldest one's `run_at`.
    pub oldest: DateTime<Utc>,
}

/// The queue's backlog: due tasks waiting and tasks running, per kind.
pub async fn backlog(conn: &impl ConnectionTrait) -> Result<Vec<Backlog>, DbErr> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::{Expr, Func};
    let now = Utc::now();
    queue_task::Entity::find()
        .select_only()
        .column(queue_task::Column::Kind)
        .column(queue_task::Column::Status)
        .column_as(
            Expr::from(Func::count(Expr::col(queue_task::Column::Id))),
            "tasks",
        )
        .column_as(
            Expr::from(Func::min(Expr::col(queue_task::Column::RunAt))),
            "oldest",
        )
        .filter(
            sea_orm::Condition::any()
                .add(queue_task::Column::Status.eq(status::RUNNING))
                .add(
                    sea_orm::Condition::all()
                        .add(queue_task::Column::Status.eq(status::READY))
                        .add(queue_task::Column::RunAt.lte(now)),
                ),
        )
        .group_by(queue_task::Column::Kind)
        .group_by(queue_task::Column::Status)
        .into_model::<Backlog>()
        .all(conn)
        .await
}

/// Hands back every task `worker` holds, ready for any worker at once, without
/// counting the attempt: what a stopping worker does instead of making others
/// wait for its lease. The number of tasks handed back.
pub async fn release_held_by(conn: &impl ConnectionTrait, worker: &str) -> Result<u64, DbErr> {
    let result = queue_task::Entity::update_many()
        .col_expr(queue_task::Column::Status, status::READY.into())
        .col_expr(queue_task::Column::RunAt, Utc::now().into())
        .col_expr(queue_task::Column::LockedBy, Option::<String>::None.into())
        .col_expr(
            queue_task::Column::LockedUntil,
            Option::<DateTime<Utc>>::None.into(),
        )
        .col_expr(
            queue_task::Column::Attempts,
            sea_orm::sea_query::ExprTrait::sub(
                sea_orm::sea_query::Expr::col(queue_task::Column::Attempts),
                1,
            ),
        )
        .col_expr(queue_task::Column::UpdatedAt, Utc::now().into())
        .filter(queue_task::Column::Status.eq(status::RUNNING))
        .filter(queue_task::Column::LockedBy.eq(worker))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Runs one claim-and-work step of `worker`'s loop unless `stop` turns true first.
/// Then the step is dropped — its open transaction rolls back, as if the process
/// had died — and the tasks it held are handed back at once ([`release_held_by`]).
/// `None` when stopped.
pub async fn step_or_release<T>(
    conn: &impl ConnectionTrait,
    worker: &str,
    stop: &mut tokio::sync::watch::Receiver<bool>,
    step: impl std::future::Future<Output = T>,
) -> Option<T> {
    tokio::select! {
        biased;
        () = async { let _ = stop.wait_for(|stopped| *stopped).await; } => {
            match release_held_by(conn, worker).await {
                Ok(0) => {}
                Ok(tasks) => tracing::info!(tasks, worker, "stopping: tasks handed back"),
                Err(error) => tracing::warn!(%error, worker, "stopping: handing tasks back failed; their leases will pass"),
            }
            None
        }
        output = step => Some(output),
    }
}

/// A queue worker's loop until `stop` turns true: runs `step` (true when it
/// found work) again and again, pausing `idle` when it found none; a stop in
/// the middle of a step hands the task back ([`step_or_release`]).
pub async fn work_until_stopped<F, Fut>(
    conn: &impl ConnectionTrait,
    worker: &str,
    mut stop: tokio::sync::watch::Receiver<bool>,
    idle: Duration,
    mut step: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    while let Some(ran) = step_or_release(conn, worker, &mut stop, step()).await {
        if !ran {
            tokio::select! {
                _ = tokio::time::sleep(idle) => {}
                () = async { let _ = stop.wait_for(|stopped| *stopped).await; } => return,
            }
        }
    }
}

/// Whether a worker step found work; a failure is logged under `what` and counts as none.
pub fn ran_or_warn(result: Result<bool, crate::ServiceError>, what: &str) -> bool {
    result.unwrap_or_else(|error| {
        tracing::warn!(error = ?anyhow::Error::from(error), "{what}");
        false
    })
}

/// Exponential back-off for retries: 5 s, 10 s, 20 s … capped at 10 minutes.
pub fn backoff(attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.clamp(1, 12) - 1).unwrap_or(0);
    Duration::from_secs(5u64.saturating_mul(1 << exponent)).min(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(4), Duration::from_secs(40));
        assert_eq!(backoff(50), Duration::from_secs(600));
        assert_eq!(backoff(0), Duration::from_secs(5));
    }
}
