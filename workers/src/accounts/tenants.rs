//! Tenants: created by the first start or by an operator on the command line.

use chrono::Utc;
use entity::tenant;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::ServiceError;
use crate::db::map_unique_violation;

/// The zone a new tenant uses for numbers that have none (non-geographic numbers).
pub const DEFAULT_TIME_ZONE: &str = "America/New_York";

/// Creates a tenant; `CONFLICT` on `name` when it exists.
pub async fn create(
    conn: &impl ConnectionTrait,
    name: &str,
) -> Result<tenant::Model, ServiceError> {
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(domain::ValidationError::new("name", "must be 1 to 100 characters").into());
    }
    let tenant = tenant::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name.to_owned()),
        time_zone: Set(DEFAULT_TIME_ZONE.to_owned()),
        history_retention_days: Set(crate::personal_data::DEFAULT_RETENTION_DAYS),
        created_at: Set(Utc::now()),
    }
    .insert(conn)
    .await
    .map_err(map_unique_violation)?;
    // A new tenant starts with SPEC §3's default rules, never with none.
    crate::rule_sets::seed(conn, tenant.id, &tenant.time_zone).await?;
    Ok(tenant)
}

/// Finds a tenant by name.
pub async fn find_by_name(
    conn: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<tenant::Model>, ServiceError> {
    Ok(tenant::Entity::find()
        .filter(tenant::Column::Name.eq(name))
        .one(conn)
        .await?)
}

/// Loads a tenant by id.
pub async fn get(conn: &impl ConnectionTrait, id: Uuid) -> Result<tenant::Model, ServiceError> {
    tenant::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("tenant"))
}
