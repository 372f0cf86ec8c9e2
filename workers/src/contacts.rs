//! Contacts of a list: paging and search (by name, client id, or a phone number
//! written any way), loading devices in one query, editing and deleting.

use std::collections::HashMap;

use chrono::Utc;
use domain::{DefaultCountry, EmailAddress, Permission, PhoneNumber, ValidationError};
use entity::{contact, contact_device};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::page::{Page, PageRequest, keyset_page};
use crate::{ServiceError, Services, lists};

/// Input of `update`: only the fields that are `Some` change (`Some(None)` clears).
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    /// New client id.
    pub client_id: Option<Option<String>>,
    /// New first name.
    pub first_name: Option<Option<String>>,
    /// New last name.
    pub last_name: Option<Option<String>>,
    /// New company.
    pub company: Option<Option<String>>,
    /// Consent to automated calls and texts to mobiles.
    pub consent_automated: Option<bool>,
    /// Consent to text messages.
    pub consent_sms: Option<bool>,
    /// Consent to e-mail.
    pub consent_email: Option<bool>,
}

/// What a search text can match: a device value it normalises to, and names or client ids.
pub(crate) fn device_values_for(search: &str) -> Vec<String> {
    let mut values = Vec::new();
    if let Ok(email) = EmailAddress::parse("search", search) {
        values.push(email.as_str().to_owned());
    }
    // A number with a country code parses alone; a national one is tried as North American.
    let north_america = DefaultCountry::parse("search", "US").ok();
    for default in [None, north_america] {
        if let Ok(number) = PhoneNumber::parse("search", search, default) {
            values.push(number.e164().to_owned());
            break;
        }
    }
    values
}

/// A page of a list's contacts in id order, optionally matching a search text.
pub async fn page(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    request: PageRequest,
    after_id: Option<i64>,
    search: Option<&str>,
) -> Result<Page<contact::Model>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let mut query = contact::Entity::find()
        .filter(contact::Column::TenantId.eq(principal.tenant_id))
        .filter(contact::Column::ListId.eq(list_id));
    if let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.replace(['%', '_'], ""));
        let mut any = Condition::any()
            .add(contact::Column::DedupeKey.eq(format!("c:{text}")))
            .add(contact::Column::LastName.like(pattern.as_str()))
            .add(contact::Column::FirstName.like(pattern.as_str()))
            .add(contact::Column::Company.like(pattern.as_str()));
        let values = device_values_for(text);
        if !values.is_empty() {
            let owners = contact_device::Entity::find()
                .select_only()
                .column(contact_device::Column::ContactId)
                .filter(contact_device::Column::ListId.eq(list_id))
                .filter(contact_device::Column::Value.is_in(values))
                .into_query();
            any = any.add(contact::Column::Id.in_subquery(owners));
        }
        query = query.filter(any);
    }
    Ok(keyset_page(
        &services.db,
        query,
        contact::Column::Id,
        Order::Asc,
        after_id,
        request.size,
        request.count_total,
    )
    .await?)
}

/// The devices of many contacts in one query, each contact's in escalation order.
pub async fn devices_of(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    contact_ids: &[i64],
) -> Result<HashMap<i64, Vec<contact_device::Model>>, ServiceError> {
    let rows = contact_device::Entity::find()
        .filter(contact_device::Column::TenantId.eq(tenant_id))
        .filter(contact_device::Column::ContactId.is_in(contact_ids.iter().copied()))
        .order_by_asc(contact_device::Column::ContactId)
        .order_by_asc(contact_device::Column::Position)
        .all(conn)
        .await?;
    let mut by_contact: HashMap<i64, Vec<contact_device::Model>> = HashMap::new();
    for row in rows {
        by_contact.entry(row.contact_id).or_default().push(row);
    }
    Ok(by_contact)
}

/// One contact of the caller's tenant.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: i64,
) -> Result<contact::Model, ServiceError> {
    principal.require(Permission::ViewLists)?;
    find(&services.db, principal.tenant_id, id).await
}

async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: i64,
) -> Result<contact::Model, ServiceError> {
    contact::Entity::find_by_id(id)
        .filter(contact::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("contact"))
}

fn text(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, ValidationError> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if value.as_ref().is_some_and(|v| v.chars().count() > max) {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value)
}

/// Edits a contact's identity fields and consent flags.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: i64,
    changes: ContactChanges,
) -> Result<contact::Model, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    let mut active: contact::ActiveModel = existing.clone().into();
    let mut detail = serde_json::Map::new();
    macro_rules! apply_text {
        ($field:ident, $name:literal, $max:expr) => {
            if let Some(value) = changes.$field {
                let value = text($name, value, $max)?;
                if value != existing.$field {
                    detail.insert($name.into(), json!("changed"));
                    active.$field = Set(value);
                }
            }
        };
    }
    macro_rules! apply_flag {
        ($field:ident, $name:literal) => {
            if let Some(value) = changes.$field.filter(|v| *v != existing.$field) {
                detail.insert($name.into(), json!({ "from": existing.$field, "to": value }));
                active.$field = Set(value);
            }
        };
    }
    apply_text!(client_id, "clientId", 64);
    if detail.contains_key("clientId") {
        active.dedupe_key = Set(Some(dedupe_key(&txn, &existing, &active.client_id).await?));
    }
    apply_text!(first_name, "firstName", 100);
    apply_text!(last_name, "lastName", 100);
    apply_text!(company, "company", 200);
    apply_flag!(consent_automated, "consentAutomated");
    apply_flag!(consent_sms, "consentSms");
    apply_flag!(consent_email, "consentEmail");
    if detail.is_empty() {
        txn.rollback().await?;
        return Ok(existing);
    }
    active.updated_at = Set(Utc::now());
    let updated = active
        .update(&txn)
        .await
        .map_err(|error| match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ServiceError::conflict(
                "clientId",
                "is already used by another contact of this list",
            ),
            _ => ServiceError::Database(error),
        })?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "contact.update",
            object_type: "contact",
            object_id: Some(updated.id.to_string()),
            detail: serde_json::Value::Object(detail),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(updated)
}

/// The key imports de-duplicate this contact by once its client id is `client_id`.
async fn dedupe_key(
    conn: &impl sea_orm::ConnectionTrait,
    existing: &contact::Model,
    client_id: &sea_orm::ActiveValue<Option<String>>,
) -> Result<String, ServiceError> {
    let client_id = match client_id {
        sea_orm::ActiveValue::Set(value) | sea_orm::ActiveValue::Unchanged(value) => value.clone(),
        sea_orm::ActiveValue::NotSet => existing.client_id.clone(),
    };
    if let Some(id) = client_id {
        return Ok(format!("c:{id}"));
    }
    let first = contact_device::Entity::find()
        .filter(contact_device::Column::ContactId.eq(existing.id))
        .order_by_asc(contact_device::Column::Position)
        .one(conn)
        .await?;
    Ok(first.map_or_else(
        || format!("s:{}", existing.id),
        |device| format!("d:{}", device.value),
    ))
}

/// Deletes a contact with its devices and keeps the list's counts right.
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: i64,
) -> Result<(), ServiceError> {
    principal.require(Permission::ManageLists)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    let devices = contact_device::Entity::delete_many()
        .filter(contact_device::Column::ContactId.eq(id))
        .exec(&txn)
        .await?
        .rows_affected;
    contact::Entity::delete_by_id(id).exec(&txn).await?;
    let list = lists::find(&txn, principal.tenant_id, existing.list_id).await?;
    let mut active: entity::contact_list::ActiveModel = list.clone().into();
    active.contact_count = Set((list.contact_count - 1).max(0));
    active.device_count = Set((list.device_count - devices as i64).max(0));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "contact.delete",
            object_type: "contact",
            object_id: Some(id.to_string()),
            detail: json!({ "listId": existing.list_id, "clientId": existing.client_id }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(())
}

/// The export's columns: the contact, then up to ten devices as kind and value.
fn export_header() -> Vec<String> {
    let mut header: Vec<String> = [
        "clientId",
        "firstName",
        "lastName",
        "company",
        "postalCode",
        "country",
        "timeZone",
        "consentAutomated",
        "consentSms",
        "consentEmail",
        "custom",
    ]
    .map(String::from)
    .to_vec();
    for n in 1..=domain::import::MAX_DEVICES {
        header.push(format!("device{n}Kind"));
        header.push(format!("device{n}"));
    }
    header
}

/// A page of contacts as export CSV rows (with the header and BOM when `header`):
/// the list download and export jobs write the same file.
pub fn export_chunk(
    contacts: &[entity::contact::Model],
    devices: &std::collections::HashMap<i64, Vec<entity::contact_device::Model>>,
    header: bool,
) -> Vec<u8> {
    let buffer = Vec::with_capacity(contacts.len() * 160);
    let writer = if header {
        tabular::CsvWriter::with_bom(buffer)
    } else {
        Ok(tabular::CsvWriter::new(buffer))
    };
    let Ok(mut writer) = writer else {
        return Vec::new();
    };
    if header {
        let _ = writer.write_record(export_header());
    }
    for contact in contacts {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let mut row = vec![
            text(&contact.client_id),
            text(&contact.first_name),
            text(&contact.last_name),
            text(&contact.company),
            text(&contact.postal_code),
            text(&contact.country),
            text(&contact.time_zone),
            contact.consent_automated.to_string(),
            contact.consent_sms.to_string(),
            contact.consent_email.to_string(),
            contact.custom.to_string(),
        ];
        for device in devices.get(&contact.id).into_iter().flatten() {
            row.push(device.kind.clone());
            row.push(device.value.clone());
        }
        row.resize(export_header().len(), String::new());
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_normalise_numbers_and_addresses() {
        assert_eq!(device_values_for("(202) 456-1414"), vec!["+12024561414"]);
        assert_eq!(device_values_for("+44 20 7946 0018"), vec!["+442079460018"]);
        assert_eq!(
            device_values_for("Jane.Doe@Example.com"),
            vec!["jane.doe@example.com"]
        );
        assert!(device_values_for("Smith").is_empty());
    }
}
