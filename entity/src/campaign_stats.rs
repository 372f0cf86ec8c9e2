//! `campaign_stats`: a campaign's live counters, changed in the same transaction as
//! the records they count, so a dashboard reads one row.

use sea_orm::entity::prelude::*;

/// The counters of one campaign.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaign_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: Uuid,
    pub total: i64,
    pub ready: i64,
    pub leased: i64,
    pub dialed: i64,
    pub connected: i64,
    pub abandoned: i64,
    pub no_answer: i64,
    pub busy: i64,
    pub machine: i64,
    pub final_count: i64,
    /// Records dialled at least once (list penetration).
    pub attempted: i64,
    /// Messages the gateway accepted.
    pub sent: i64,
    /// Messages with a delivered receipt.
    pub delivered: i64,
    /// Messages refused by the gateway or with a failed receipt.
    pub failed: i64,
    /// STOP replies to the campaign's messages.
    pub opted_out: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
