//! `job_runs`: one run of a job, per firing (unique per job and instant) or per "run now".

use sea_orm::entity::prelude::*;

/// A run with its status, counts and log.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub job_id: Uuid,
    /// `SCHEDULE`, `MISFIRE` or `MANUAL`.
    pub trigger: String,
    /// `QUEUED`, `RUNNING`, `RETRYING`, `SUCCEEDED`, `FAILED`.
    pub status: String,
    pub scheduled_for: Option<DateTimeUtc>,
    pub attempt: i32,
    pub max_attempts: i32,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub next_attempt_at: Option<DateTimeUtc>,
    /// `{ files, rows, imported, rejected, exported }`.
    pub counts: Json,
    /// `[{ at, level, message }]`.
    pub log: Json,
    pub error: Option<String>,
    pub fired_by: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
