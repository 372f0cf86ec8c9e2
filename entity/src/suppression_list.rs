//! `suppression_lists`: named sets of phone numbers, addresses or client ids never to contact.

use sea_orm::entity::prelude::*;

/// One suppression list, of a tenant or global (`tenant_id` NULL).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppression_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// `None` for a global list, which applies to every tenant.
    pub tenant_id: Option<Uuid>,
    pub name: String,
    /// `PHONE`, `EMAIL` or `CLIENT_ID`.
    pub kind: String,
    /// Comma-separated channels the list applies to, e.g. `VOICE,SMS`.
    pub channels: String,
    pub description: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Bumped by every write to the list (see `suppression_changes`).
    pub version: i64,
}

/// Lists own their entries (cascading deletes in the schema).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
