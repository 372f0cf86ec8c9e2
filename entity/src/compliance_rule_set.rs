//! `compliance_rule_sets`: each tenant's compliance rules, one row per tenant.

use sea_orm::entity::prelude::*;

/// A tenant's rule set, stored whole so an update is validated and applied as one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compliance_rule_sets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    /// The rule set as `compliance::RuleSet` serialises it.
    pub rules: Json,
    /// Increments on every change, so editors can tell theirs is stale.
    pub version: i64,
    /// Why the emergency stop was turned on (kept while it is on).
    pub emergency_stop_reason: Option<String>,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTimeUtc,
}

/// A rule set belongs to a tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
