//! Contact lists: create, find, change, archive and delete (List Manager).

use chrono::Utc;
use domain::{Channel, DefaultCountry, ListStatus, Permission, PhoneNumber, ValidationError};
use entity::contact_list;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::db::map_unique_violation;
use crate::page::{Page, PageRequest, keyset_page};
use crate::{ServiceError, Services};

/// Input of `create`.
#[derive(Debug, Clone)]
pub struct NewList {
    /// Unique name within the tenant.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// How its contacts are reached.
    pub channel: Channel,
    /// The number shown to called parties (E.164) or an SMS short code.
    pub caller_id: Option<String>,
}

/// Input of `update`: only the fields that are `Some` change (`Some(None)` clears).
#[derive(Debug, Clone, Default)]
pub struct ListChanges {
    /// New name.
    pub name: Option<String>,
    /// New description.
    pub description: Option<Option<String>>,
    /// New caller id.
    pub caller_id: Option<Option<String>>,
    /// Archive (true) or restore (false).
    pub archived: Option<bool>,
}

fn list_name(raw: &str) -> Result<String, ValidationError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ValidationError::new("name", "must be 1 to 200 characters"));
    }
    Ok(name.to_owned())
}

/// A caller id is a full international number or a 3–8 digit SMS short code.
fn caller_id(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let Some(raw) = raw.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    if (3..=8).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Some(raw.to_owned()));
    }
    let number = PhoneNumber::parse("callerId", raw, None::<DefaultCountry>).map_err(|_| {
        ValidationError::new(
            "callerId",
            "must be an international number (+…) or an SMS short code",
        )
    })?;
    Ok(Some(number.e164().to_owned()))
}

fn description(raw: Option<&str>) -> Result<Option<String>, ValidationError> {
    let text = raw.map(str::trim).filter(|value| !value.is_empty());
    if text.is_some_and(|text| text.chars().count() > 2000) {
        return Err(ValidationError::new(
            "description",
            "must be at most 2000 characters",
        ));
    }
    Ok(text.map(str::to_owned))
}

/// Loads a list of the tenant; another tenant's list is `NOT_FOUND`.
pub async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<contact_list::Model, ServiceError> {
    contact_list::Entity::find_by_id(id)
        .filter(contact_list::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("contact list"))
}

/// One list of the caller's tenant.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<contact_list::Model, ServiceError> {
    principal.require(Permission::ViewLists)?;
    find(&services.db, principal.tenant_id, id).await
}

/// The caller's tenant's lists by name, archived ones only when asked.
pub async fn list(
    services: &Services,
    principal: &Principal,
    request: PageRequest,
    after_name: Option<&str>,
    search: Option<&str>,
    include_archived: bool,
) -> Result<Page<contact_list::Model>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let mut query =
        contact_list::Entity::find().filter(contact_list::Column::TenantId.eq(principal.tenant_id));
    if !include_archived {
        query = query.filter(contact_list::Column::Status.ne(ListStatus::Archived.as_str()));
    }
    if let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        query =
            query.filter(Condition::any().add(contact_list::Column::Name.like(pattern.as_str())));
    }
    Ok(keyset_page(
        &services.db,
        query,
        contact_list::Column::Name,
        Order::Asc,
        after_name,
        request.size,
        request.count_total,
    )
    .await?)
}

/// Creates an empty, ready list.
pub async fn create(
    services: &Services,
    principal: &Principal,
    input: NewList,
) -> Result<contact_list::Model, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let name = list_name(&input.name)?;
    let description = description(input.description.as_deref())?;
    let caller_id = caller_id(input.caller_id.as_deref())?;
    let now = Utc::now();
    let txn = services.begin().await?;
    let created = contact_list::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(name),
        description: Set(description),
        status: Set(ListStatus::Ready.as_str().to_owned()),
        channel: Set(input.channel.as_str().to_owned()),
        caller_id: Set(caller_id),
        default_mapping_id: Set(None),
        contact_count: Set(0),
        device_count: Set(0),
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
            action: "contact_list.create",
            object_type: "contact_list",
            object_id: Some(created.id.to_string()),
            detail: json!({ "name": created.name, "channel": created.channel }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(created)
}

/// Changes a list's name, description or caller id, or archives / restores it.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    changes: ListChanges,
) -> Result<contact_list::Model, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let name = changes.name.as_deref().map(list_name).transpose()?;
    let new_description = changes
        .description
        .as_ref()
        .map(|d| description(d.as_deref()))
        .transpose()?;
    let new_caller_id = changes
        .caller_id
        .as_ref()
        .map(|c| caller_id(c.as_deref()))
        .transpose()?;

    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    let status = ListStatus::parse(&existing.status).unwrap_or(ListStatus::Ready);
    let mut detail = serde_json::Map::new();
    let mut active: contact_list::ActiveModel = existing.clone().into();
    if let Some(name) = name.filter(|n| *n != existing.name) {
        detail.insert("name".into(), json!({ "from": existing.name, "to": name }));
        active.name = Set(name);
    }
    if let Some(value) = new_description.filter(|d| *d != existing.description) {
        detail.insert("description".into(), json!("changed"));
        active.description = Set(value);
    }
    if let Some(value) = new_caller_id.filter(|c| *c != existing.caller_id) {
        detail.insert(
            "callerId".into(),
            json!({ "from": existing.caller_id, "to": value }),
        );
        active.caller_id = Set(value);
    }
    if let Some(archived) = changes
        .archived
        .filter(|a| *a != (status == ListStatus::Archived))
    {
        if status == ListStatus::Importing {
            return Err(ServiceError::conflict(
                "archived",
                "cannot change while an import is running",
            ));
        }
        let next = if archived {
            ListStatus::Archived
        } else {
            ListStatus::Ready
        };
        detail.insert(
            "status".into(),
            json!({ "from": existing.status, "to": next.as_str() }),
        );
        active.status = Set(next.as_str().to_owned());
    }
    if detail.is_empty() {
        txn.rollback().await?;
        return Ok(existing);
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await.map_err(map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "contact_list.update",
            object_type: "contact_list",
            object_id: Some(updated.id.to_string()),
            detail: serde_json::Value::Object(detail),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(updated)
}

/// Deletes a list with its contacts, devices and import history; refused while an import runs.
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<(), ServiceError> {
    principal.require(Permission::ManageLists)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    if existing.status == ListStatus::Importing.as_str() {
        return Err(ServiceError::conflict(
            "id",
            "an import is running into this list",
        ));
    }
    let campaigns = crate::campaigns::using_list(&txn, principal.tenant_id, id).await?;
    if !campaigns.is_empty() {
        return Err(ServiceError::conflict(
            "id",
            format!(
                "is dialled by campaign(s) {}: remove it from them first",
                campaigns.join(", ")
            ),
        ));
    }
    // Devices and contacts go first explicitly: on SQLite a cascade over a million rows
    // is no faster, and the explicit order keeps the transaction's locks predictable.
    entity::contact_device::Entity::delete_many()
        .filter(entity::contact_device::Column::ListId.eq(id))
        .exec(&txn)
        .await?;
    entity::contact::Entity::delete_many()
        .filter(entity::contact::Column::ListId.eq(id))
        .exec(&txn)
        .await?;
    contact_list::Entity::delete_by_id(id).exec(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "contact_list.delete",
            object_type: "contact_list",
            object_id: Some(id.to_string()),
            detail: json!({ "name": existing.name, "contacts": existing.contact_count }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(())
}

/// Records that a list's contacts are being exported (personal data leaving the system)
/// and returns the download path of the CSV.
pub async fn export(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<String, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let list = find(&services.db, principal.tenant_id, id).await?;
    let event = audit::record(
        &services.db,
        &principal.actor(),
        Change {
            action: "contact_list.export",
            object_type: "contact_list",
            object_id: Some(list.id.to_string()),
            detail: json!({ "name": list.name, "contacts": list.contact_count }),
        },
    )
    .await?;
    audit::publish(&services.cache, &event).await;
    Ok(format!("/api/v1/lists/{}/contacts.csv", list.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_ids_are_international_numbers_or_short_codes() {
        assert_eq!(
            caller_id(Some("+1 202 456 1414")).unwrap().as_deref(),
            Some("+12024561414")
        );
        assert_eq!(caller_id(Some("72345")).unwrap().as_deref(), Some("72345"));
        assert_eq!(caller_id(Some("  ")).unwrap(), None);
        assert!(
            caller_id(Some("202-456-1414")).is_err(),
            "a national number is ambiguous"
        );
        assert!(caller_id(Some("12")).is_err());
    }
}
