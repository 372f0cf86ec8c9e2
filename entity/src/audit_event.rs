//! `audit_events`: the append-only record of who changed what.

use sea_orm::entity::prelude::*;

/// One audited action; rows are never updated or deleted by the application.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// Monotonic per installation: gives a stable order and a cursor.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Uuid,
    pub actor_id: Option<Uuid>,
    /// The actor as a person reads it (an e-mail, an API client name, `system`).
    pub actor_label: String,
    /// Dotted verb such as `user.create`.
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub client_ip: Option<String>,
    /// What changed, as JSON (never passwords or keys).
    pub detail: Json,
    pub created_at: DateTimeUtc,
}

/// Audit events belong to a tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
