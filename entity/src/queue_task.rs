//! `queue_tasks`: the durable background-work queue.

use sea_orm::entity::prelude::*;

/// One unit of background work; claimed with a lease so a dead worker's task is taken over.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "queue_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Which handler runs it, e.g. `contacts.import`.
    pub kind: String,
    pub tenant_id: Option<Uuid>,
    pub payload: Json,
    /// `READY`, `RUNNING`, `DONE` or `FAILED`.
    pub status: String,
    /// Not before this instant.
    pub run_at: DateTimeUtc,
    pub attempts: i32,
    pub max_attempts: i32,
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Tasks stand alone.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
