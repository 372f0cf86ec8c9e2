//! `suppression_changes`: what each version of a suppression list changed, read by every process to keep its in-memory copy exact.

use sea_orm::entity::prelude::*;

/// One write to a list: the list's version it produced and what it did.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppression_changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub list_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i64,
    /// `ADD`, `REMOVE` or `RELOAD`.
    pub op: String,
    /// `ADD`: `[{ value, expiresAt, reason }]`; `REMOVE`: `[value]`; `RELOAD`: `[]`.
    pub entries: Json,
    pub created_at: DateTimeUtc,
}

/// Changes belong to a list (cascading deletes in the schema).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
