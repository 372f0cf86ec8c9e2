//! `attempt_keys`: the keys one attempt counts under for the attempt rules.

use sea_orm::entity::prelude::*;

/// One (attempt, key) pair: `d:<device>`, `c:<client id>` or `k:<name>=<value>`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attempt_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub attempt_guid: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    /// The attempt's result, as in `dialing_history`.
    pub result: String,
    pub started_at: DateTimeUtc,
}

/// Keys belong to an attempt of a tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
