//! `import_rejections`: each row an import refused, with its line number and reason.

use sea_orm::entity::prelude::*;

/// One rejected row, kept so it can be downloaded, fixed and re-imported.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_rejections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job_id: Uuid,
    /// 1-based line of the file where the row starts.
    pub line: i64,
    pub reason: String,
    /// The row as read.
    pub raw: String,
}

/// A rejection belongs to an import job.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
