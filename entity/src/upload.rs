//! `uploads`: resumable, chunked uploads of list files too large for one request.

use sea_orm::entity::prelude::*;

/// One upload in progress or finished; its file grows chunk by chunk under the uploads directory.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// The user who started it (`None` when an API client did).
    pub created_by: Option<Uuid>,
    /// The API client that started it, if one did.
    pub api_client_id: Option<Uuid>,
    /// The file's name as the client gave it (for the import's report).
    pub file_name: String,
    /// Where the bytes are stored (readable by every `lists` worker).
    pub path: String,
    /// The declared total size, when the client knew it.
    pub size: Option<i64>,
    /// Bytes durably stored: the offset the next chunk must start at.
    pub bytes: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when the declared size is reached or the upload was taken for an import.
    pub completed_at: Option<DateTimeUtc>,
}

/// No relations needed: looked up by id within a tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
