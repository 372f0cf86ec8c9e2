//! `tenants`: the organisations that share one Reachline installation.

use sea_orm::entity::prelude::*;

/// One tenant; every row of tenant data points at one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tenants")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub name: String,
    pub time_zone: String,
    /// Days dialing history, messages and attempt counts are kept (at least the rule window).
    pub history_retention_days: i32,
    pub created_at: DateTimeUtc,
}

/// Tenants own users, API clients and audit events.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
