//! `messages`: every SMS and e-mail handed to the gateway, and what became of it.

use sea_orm::entity::prelude::*;

/// One message; its idempotency key is unique per tenant and survives a re-send.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub campaign_id: Option<Uuid>,
    /// The calling-list record it was sent for.
    pub record_id: Option<i64>,
    pub template_id: Option<Uuid>,
    /// `CAMPAIGN`, `TEST` or `REPLY`.
    pub kind: String,
    /// `SMS` or `EMAIL`.
    pub channel: String,
    pub recipient: String,
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub body: String,
    pub idempotency_key: String,
    /// `SENDING`, `SENT`, `DELIVERED` or `FAILED`.
    pub status: String,
    pub provider_id: Option<String>,
    pub error: Option<String>,
    pub tries: i32,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    pub delivered_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
