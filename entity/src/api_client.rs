//! `api_clients`: machine credentials for dialers and gateways.

use sea_orm::entity::prelude::*;

/// One machine credential; only a hash of its key is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_clients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    /// Public, unique lookup part of the key (shown in the UI to tell keys apart).
    #[sea_orm(unique)]
    pub key_prefix: String,
    /// SHA-256 (hex) of the whole key: keys are 256-bit random, so a fast hash is safe.
    pub key_hash: String,
    /// JSON array of `domain::ApiScope::as_str()` names.
    pub scopes: Json,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

/// An API client belongs to one tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
