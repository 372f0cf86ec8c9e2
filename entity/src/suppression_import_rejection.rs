//! `suppression_import_rejections`: the rows of an upload that were not stored, and why.

use sea_orm::entity::prelude::*;

/// One rejected row of a suppression upload.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppression_import_rejections")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub import_id: Uuid,
    /// The line of the file where the row starts.
    pub line: i64,
    pub reason: String,
    /// The row as read.
    pub raw: String,
}

/// Rejections belong to an upload.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
