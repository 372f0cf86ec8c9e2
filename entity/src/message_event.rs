//! `message_events`: callbacks from the gateway, kept once per event id.

use sea_orm::entity::prelude::*;

/// A delivery receipt or an inbound message.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
    /// `message.sent`, `message.delivered`, `message.failed` or `message.inbound`.
    pub kind: String,
    pub message_id: Option<Uuid>,
    /// The sender of an inbound message.
    pub sender: Option<String>,
    /// An inbound message's text, or a failure's reason.
    pub body: Option<String>,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
