//! `contact_lists`: named sets of contacts that campaigns dial.

use sea_orm::entity::prelude::*;

/// One contact list of a tenant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    /// `IMPORTING`, `READY`, `FAILED` or `ARCHIVED`.
    pub status: String,
    /// `VOICE`, `SMS` or `EMAIL`.
    pub channel: String,
    pub caller_id: Option<String>,
    pub default_mapping_id: Option<Uuid>,
    pub contact_count: i64,
    pub device_count: i64,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Lists own contacts and import jobs (cascading deletes in the schema).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
