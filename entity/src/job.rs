//! `jobs`: scheduled work (the seed's Job Scheduler): a `scheduling::JobSpec` and where firing stands.

use sea_orm::entity::prelude::*;

/// One job.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    /// `scheduling::JobKind` name.
    pub kind: String,
    /// `scheduling::JobSpec`.
    pub spec: Json,
    pub enabled: bool,
    /// The latest firing fired or skipped; missed firings are counted after it.
    pub fired_through: DateTimeUtc,
    /// The account the job acts as (whoever saved it last).
    pub owner_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
