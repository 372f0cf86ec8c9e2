//! Saved import mappings: named, reusable column specifications of a tenant.

use chrono::Utc;
use domain::import::MappingSpec;
use domain::{Permission, ValidationError};
use entity::import_mapping;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, Order, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::db::map_unique_violation;
use crate::page::{Page, PageRequest, keyset_page};
use crate::{ServiceError, Services};

/// Saves a mapping under a name unique within the tenant.
pub async fn create(
    services: &Services,
    principal: &Principal,
    name: &str,
    spec: &MappingSpec,
) -> Result<import_mapping::Model, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ValidationError::new("name", "must be 1 to 100 characters").into());
    }
    spec.check()?;
    let now = Utc::now();
    let txn = services.begin().await?;
    let saved = import_mapping::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(name.to_owned()),
        description: Set(None),
        spec: Set(serde_json::to_value(spec).map_err(anyhow::Error::from)?),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "import_mapping.create",
            object_type: "import_mapping",
            object_id: Some(saved.id.to_string()),
            detail: json!({ "name": saved.name, "columns": spec.columns.len() }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(saved)
}

/// The tenant's saved mappings by name.
pub async fn list(
    services: &Services,
    principal: &Principal,
    request: PageRequest,
    after_name: Option<&str>,
) -> Result<Page<import_mapping::Model>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let query = import_mapping::Entity::find()
        .filter(import_mapping::Column::TenantId.eq(principal.tenant_id));
    Ok(keyset_page(
        &services.db,
        query,
        import_mapping::Column::Name,
        Order::Asc,
        after_name,
        request.size,
        request.count_total,
    )
    .await?)
}

/// One saved mapping of the tenant, parsed.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<(import_mapping::Model, MappingSpec), ServiceError> {
    principal.require(Permission::ViewLists)?;
    let saved = import_mapping::Entity::find_by_id(id)
        .filter(import_mapping::Column::TenantId.eq(principal.tenant_id))
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("import mapping"))?;
    let spec = serde_json::from_value(saved.spec.clone()).map_err(anyhow::Error::from)?;
    Ok((saved, spec))
}
