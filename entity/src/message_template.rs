//! `message_templates`: the texts an SMS or e-mail campaign sends and answers with.

use sea_orm::entity::prelude::*;

/// A template: the initial message, the HELP answer and the STOP answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "message_templates")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    /// `SMS` or `EMAIL`.
    pub channel: String,
    pub subject: Option<String>,
    pub body: String,
    pub help_text: Option<String>,
    pub opt_out_text: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
