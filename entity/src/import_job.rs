//! `import_jobs`: one upload into a list, its progress and its counts.

use sea_orm::entity::prelude::*;

/// One import; progresses `QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub list_id: Uuid,
    pub mapping_id: Option<Uuid>,
    /// `APPEND_ONLY`, `FLUSH_APPEND` or `APPEND_AND_UPDATE`.
    pub mode: String,
    pub status: String,
    pub file_name: String,
    /// Where the upload is stored under the data directory.
    pub file_path: String,
    pub file_bytes: i64,
    pub bytes_read: i64,
    pub rows_read: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub duplicates: i64,
    pub suppressed: i64,
    pub filtered: i64,
    pub parts: Option<Json>,
    /// The mapping and rules as they were when the import was asked for.
    pub options: Json,
    pub error: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

/// An import belongs to a list.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
