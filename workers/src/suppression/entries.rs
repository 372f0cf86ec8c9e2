//! Reading and deleting suppression lists: one list, its entries page by page
//! (searchable), how many it holds, and deleting it whole.

use domain::suppression::{SuppressionKind, normalise};
use domain::{Permission, UserRole};
use entity::{suppression_entry, suppression_list};
use sea_orm::{ColumnTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;

use super::{changes, visible_to};
use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::page::{Page, PageRequest, keyset_page};
use crate::{ServiceError, Services};

/// One page of a list's entries.
pub type EntryPage = Page<suppression_entry::Model>;

/// One list the caller's tenant can see (its own or a global one).
pub async fn list(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
) -> Result<suppression_list::Model, ServiceError> {
    principal.require(Permission::ViewLists)?;
    suppression_list::Entity::find_by_id(list_id)
        .filter(visible_to(principal.tenant_id))
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("suppression list"))
}

/// How many entries a list holds (expired ones included until purged).
pub async fn entry_count(services: &Services, list_id: Uuid) -> Result<u64, ServiceError> {
    Ok(suppression_entry::Entity::find()
        .filter(suppression_entry::Column::ListId.eq(list_id))
        .count(&services.db)
        .await?)
}

/// A page of a list's entries by value. `search` is a value prefix; a phone
/// written any way is normalised first, so "(202) 456" finds "+1202456…".
pub async fn entries(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    request: PageRequest,
    after: Option<i64>,
    search: Option<&str>,
) -> Result<EntryPage, ServiceError> {
    let list = list(services, principal, list_id).await?;
    let mut query =
        suppression_entry::Entity::find().filter(suppression_entry::Column::ListId.eq(list.id));
    if let Some(search) = search.map(str::trim).filter(|text| !text.is_empty()) {
        query = query.filter(
            suppression_entry::Column::Value
                .starts_with(search_prefix(SuppressionKind::parse(&list.kind), search)),
        );
    }
    Ok(keyset_page(
        &services.db,
        query,
        suppression_entry::Column::Id,
        Order::Asc,
        after,
        request.size,
        request.count_total,
    )
    .await?)
}

/// The stored form of a search prefix: a full value normalises; a partial
/// phone keeps its digits behind "+" (with the NANP "1" when it has 10 digits or fewer
/// and does not start with "+").
fn search_prefix(kind: Option<SuppressionKind>, search: &str) -> String {
    match kind {
        Some(SuppressionKind::Phone) => {
            if let Ok(value) = normalise(SuppressionKind::Phone, search, None) {
                return value;
            }
            let digits: String = search.chars().filter(char::is_ascii_digit).collect();
            if search.trim_start().starts_with('+') || digits.len() > 10 {
                format!("+{digits}")
            } else {
                format!("+1{digits}")
            }
        }
        Some(SuppressionKind::Email) => search.to_lowercase(),
        _ => search.to_owned(),
    }
}

/// Deletes a list and its entries (global lists: admins only); audited.
pub async fn delete_list(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
) -> Result<(), ServiceError> {
    principal.require(Permission::ManageSuppression)?;
    let txn = services.begin().await?;
    let list = suppression_list::Entity::find_by_id(list_id)
        .filter(visible_to(principal.tenant_id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("suppression list"))?;
    if list.tenant_id.is_none() && principal.role != UserRole::Admin {
        return Err(ServiceError::Forbidden);
    }
    suppression_entry::Entity::delete_many()
        .filter(suppression_entry::Column::ListId.eq(list.id))
        .exec(&txn)
        .await?;
    suppression_list::Entity::delete_by_id(list.id)
        .exec(&txn)
        .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "suppression_list.delete",
            object_type: "suppression_list",
            object_id: Some(list.id.to_string()),
            detail: json!({ "name": list.name, "kind": list.kind }),
        },
    )
    .await?;
    txn.commit().await?;
    // Gone from this process at once; the others drop it at their next catalogue read.
    services.suppression.deleted(list.id);
    changes::announce(services, list.id, list.version).await;
    audit::publish(&services.cache, &event).await;
    Ok(())
}

/// Records that a list's entries are being exported (personal data leaving
/// the system) and returns the download path of the CSV.
pub async fn export(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
) -> Result<String, ServiceError> {
    principal.require(Permission::ManageSuppression)?;
    let list = list(services, principal, list_id).await?;
    let event = audit::record(
        &services.db,
        &principal.actor(),
        Change {
            action: "suppression_list.export",
            object_type: "suppression_list",
            object_id: Some(list.id.to_string()),
            detail: json!({ "name": list.name }),
        },
    )
    .await?;
    audit::publish(&services.cache, &event).await;
    Ok(format!("/api/v1/suppression-lists/{}/entries.csv", list.id))
}

/// Entries per page of an export (bigger than a screen's page: a list may hold millions).
const EXPORT_PAGE: u64 = 5_000;

/// The next page of a list's entries for its CSV export, after entry id `after`.
pub async fn export_page(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    after: Option<i64>,
) -> Result<EntryPage, ServiceError> {
    principal.require(Permission::ManageSuppression)?;
    let list = list(services, principal, list_id).await?;
    let query =
        suppression_entry::Entity::find().filter(suppression_entry::Column::ListId.eq(list.id));
    Ok(keyset_page(
        &services.db,
        query,
        suppression_entry::Column::Id,
        Order::Asc,
        after,
        EXPORT_PAGE,
        false,
    )
    .await?)
}

/// Expired entries per purge statement.
const PURGE_PAGE: u64 = 5_000;

/// Deletes entries that expired before `before` from the database and this
/// process's copy (housekeeping: an expired entry already suppresses nothing,
/// so no change is recorded; other processes drop them at their next load).
pub async fn purge_expired(
    services: &Services,
    before: chrono::DateTime<chrono::Utc>,
) -> Result<u64, ServiceError> {
    let mut purged = 0;
    loop {
        let page = suppression_entry::Entity::find()
            .filter(suppression_entry::Column::ExpiresAt.lt(before))
            .limit(PURGE_PAGE)
            .all(&services.db)
            .await?;
        if page.is_empty() {
            return Ok(purged);
        }
        let ids: Vec<i64> = page.iter().map(|entry| entry.id).collect();
        purged += suppression_entry::Entity::delete_many()
            .filter(suppression_entry::Column::Id.is_in(ids))
            .exec(&services.db)
            .await?
            .rows_affected;
        let mut by_list: std::collections::HashMap<Uuid, Vec<String>> = Default::default();
        for entry in page {
            by_list.entry(entry.list_id).or_default().push(entry.value);
        }
        for (list_id, values) in by_list {
            services.suppression.remove_quietly(list_id, &values);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_searches_match_the_stored_form() {
        let phone = Some(SuppressionKind::Phone);
        assert_eq!(search_prefix(phone, "(202) 456"), "+1202456");
        assert_eq!(search_prefix(phone, "+44 20"), "+4420");
        assert_eq!(search_prefix(phone, "+1 202-456-1414"), "+12024561414");
        assert_eq!(search_prefix(Some(SuppressionKind::Email), "Ann@"), "ann@");
        assert_eq!(search_prefix(Some(SuppressionKind::ClientId), "A-1"), "A-1");
    }
}
