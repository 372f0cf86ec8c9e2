//! `suppression_imports`: one uploaded file added to (or replacing) a suppression list.

use sea_orm::entity::prelude::*;

/// One bulk upload; progresses `QUEUED → RUNNING → SUCCEEDED | FAILED`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppression_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub list_id: Uuid,
    /// `APPEND` or `REPLACE`.
    pub mode: String,
    pub status: String,
    pub file_name: String,
    /// Where the upload is stored under the data directory.
    pub file_path: String,
    pub file_bytes: i64,
    pub rows_read: i64,
    pub added: i64,
    pub already_present: i64,
    pub rejected: i64,
    /// Reason, expiry and default country given with the upload.
    pub options: Json,
    pub error: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

/// An upload belongs to a suppression list.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
