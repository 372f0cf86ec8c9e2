//! `messaging_providers`: each tenant's Nexus-compatible gateway.

use sea_orm::entity::prelude::*;

/// Where a tenant's messages go and how its callbacks are signed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messaging_providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    pub base_url: String,
    /// Sealed by `workers::secrets`.
    pub api_key: Option<String>,
    /// Sealed by `workers::secrets`.
    pub signing_secret: Option<String>,
    pub sms_sender: Option<String>,
    pub email_sender: Option<String>,
    /// The tenant-wide cap; none: no cap.
    pub messages_per_second: Option<i32>,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
