//! `suppression_entries`: the normalised values of a suppression list.

use sea_orm::entity::prelude::*;

/// One suppressed value of a list.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppression_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub list_id: Uuid,
    /// E.164 for phones, lower-case address for e-mail, trimmed text for client ids.
    pub value: String,
    pub reason: Option<String>,
    /// `UPLOAD`, `API`, `SMS_STOP` or `AGENT`.
    pub source: String,
    /// After this instant the entry no longer suppresses.
    pub expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

/// Entries belong to a list.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
