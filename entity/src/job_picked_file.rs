//! `job_picked_files`: remote files a job has taken, so the same file is never imported twice.

use sea_orm::entity::prelude::*;

/// A file, known by name, size and SHA-256, and the run that took it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_picked_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub job_id: Uuid,
    pub run_id: Uuid,
    pub name: String,
    pub size: i64,
    pub sha256: String,
    /// The local copy the import read.
    pub stored_path: String,
    pub picked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
