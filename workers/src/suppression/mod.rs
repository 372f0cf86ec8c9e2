//! Suppression lists: create and list them, add and remove entries, and ask whether a
//! value is suppressed for a tenant on a channel at an instant (SPEC §2, §3 rule 1).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use domain::suppression::{SuppressionKind, SuppressionSource, normalise};
use domain::{Channel, DefaultCountry, Permission, UserRole, ValidationError};
use entity::{suppression_entry, suppression_list};
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, SqlErr,
};
use serde_json::json;
use uuid::Uuid;

use self::changes::{AddedEntry, Change as ListChange};
use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::{ServiceError, Services};

mod changes;
mod entries;
mod export;
mod follow;
mod import;
mod local;
pub mod mirror;
mod view;

pub use changes::prune_changes;
pub use entries::{
    EntryPage, delete_list, entries, entry_count, export, export_page, list, purge_expired,
};
pub use export::{EXPORT_HEADER, export_csv};
pub use follow::follow;
pub use import::{
    ImportOptions, SuppressionImportMode, TASK_KIND as IMPORT_TASK_KIND, import_of_list,
    imports_of_list, rejections, start_import, try_execute_import_task,
};
pub use local::LocalMirror;
pub use mirror::{Hit, preload_all};
pub use view::SuppressionView;
pub(crate) use view::list_channel;

/// Values per `IN (…)` query and per multi-row insert (well under SQLite's limits).
const CHUNK: usize = 500;

/// What a new suppression list looks like.
#[derive(Debug, Clone)]
pub struct NewSuppressionList {
    /// Unique within the tenant (or among global lists).
    pub name: String,
    /// What the list holds.
    pub kind: SuppressionKind,
    /// The channels it applies to; at least one.
    pub channels: Vec<Channel>,
    /// Free text.
    pub description: Option<String>,
    /// A global list applies to every tenant; only admins create them.
    pub global: bool,
}

/// The result of adding values to a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddOutcome {
    /// Values newly stored.
    pub added: u64,
    /// Values the list already held (or repeated within the request).
    pub already_present: u64,
    /// Values that did not normalise, with the reason.
    pub rejected: Vec<(String, String)>,
}

fn conflict_on_name(error: DbErr) -> ServiceError {
    if let Some(SqlErr::UniqueConstraintViolation(_)) = error.sql_err() {
        ServiceError::conflict("name", "is already taken")
    } else {
        ServiceError::Database(error)
    }
}

fn channels_text(channels: &[Channel]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for channel in Channel::ALL {
        if channels.contains(channel) {
            names.push(channel.as_str());
        }
    }
    names.join(",")
}

/// Whether a stored `channels` text names `channel`.
pub fn applies_to(channels: &str, channel: Channel) -> bool {
    channels
        .split(',')
        .any(|name| name.trim() == channel.as_str())
}

/// Creates a suppression list of the caller's tenant, or a global one (admins only).
pub async fn create_list(
    services: &Services,
    principal: &Principal,
    new: NewSuppressionList,
) -> Result<suppression_list::Model, ServiceError> {
    principal.require(Permission::ManageSuppression)?;
    if new.global && principal.role != UserRole::Admin {
        return Err(ServiceError::Forbidden);
    }
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ValidationError::new("name", "must be 1 to 200 characters").into());
    }
    if new.channels.is_empty() {
        return Err(ValidationError::new("channels", "must name at least one channel").into());
    }
    let tenant_id = (!new.global).then_some(principal.tenant_id);
    let now = Utc::now();
    let txn = services.begin().await?;
    if new.global {
        // NULL tenant ids never collide in the unique index: check global names here.
        let taken = suppression_list::Entity::find()
            .filter(suppression_list::Column::TenantId.is_null())
            .filter(suppression_list::Column::Name.eq(name))
            .one(&txn)
            .await?;
        if taken.is_some() {
            return Err(ServiceError::conflict("name", "is already taken"));
        }
    }
    let saved = suppression_list::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant_id),
        name: Set(name.to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        channels: Set(channels_text(&new.channels)),
        description: Set(new.description.filter(|text| !text.trim().is_empty())),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(0),
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_name)?;
    // Version 1: the list's contents start here (empty).
    let version = changes::record(&txn, saved.id, &ListChange::Reload).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "suppression_list.create",
            object_type: "suppression_list",
            object_id: Some(saved.id.to_string()),
            detail: json!({
                "name": saved.name,
                "kind": saved.kind,
                "channels": saved.channels,
                "global": new.global,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    // Empty and complete: this process knows it at once, the others within a second.
    services.suppression.created(local::ListMeta {
        id: saved.id,
        tenant_id,
        name: saved.name.clone(),
        kind: saved.kind.clone(),
        channels: saved.channels.clone(),
        version,
    });
    changes::announce(services, saved.id, version).await;
    audit::publish(&services.cache, &event).await;
    Ok(suppression_list::Model { version, ..saved })
}

/// The lists that apply to the caller's tenant (its own and the global ones), by name.
pub async fn lists(
    services: &Services,
    principal: &Principal,
) -> Result<Vec<suppression_list::Model>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    Ok(suppression_list::Entity::find()
        .filter(visible_to(principal.tenant_id))
        .order_by_asc(suppression_list::Column::Name)
        .order_by_asc(suppression_list::Column::Id)
        .all(&services.db)
        .await?)
}

pub(crate) fn visible_to(tenant_id: Uuid) -> Condition {
    Condition::any()
        .add(suppression_list::Column::TenantId.eq(tenant_id))
        .add(suppression_list::Column::TenantId.is_null())
}

/// A list the caller may change: its tenant's, or a global one for admins.
async fn writable_list(
    conn: &impl ConnectionTrait,
    principal: &Principal,
    list_id: Uuid,
) -> Result<suppression_list::Model, ServiceError> {
    principal.require(Permission::ManageSuppression)?;
    let list = suppression_list::Entity::find_by_id(list_id)
        .filter(visible_to(principal.tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("suppression list"))?;
    if list.tenant_id.is_none() && principal.role != UserRole::Admin {
        return Err(ServiceError::Forbidden);
    }
    Ok(list)
}

/// Normalises `values` for the list's kind and stores the new ones, in one transaction
/// with one audit event. Invalid values are reported, not fatal.
#[allow(clippy::too_many_arguments)]
pub async fn add_entries(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    values: &[String],
    reason: Option<&str>,
    source: SuppressionSource,
    expires_at: Option<DateTime<Utc>>,
    default_country: Option<DefaultCountry>,
) -> Result<AddOutcome, ServiceError> {
    let txn = services.begin().await?;
    let list = writable_list(&txn, principal, list_id).await?;
    let entries = NewEntries {
        values,
        reason,
        source,
        expires_at,
        default_country,
    };
    add_in(services, txn, &principal.actor(), list, entries).await
}

/// Values to add to one list and what to record with them.
pub(crate) struct NewEntries<'a> {
    values: &'a [String],
    reason: Option<&'a str>,
    source: SuppressionSource,
    expires_at: Option<DateTime<Utc>>,
    default_country: Option<DefaultCountry>,
}

/// Adds to `list` inside `txn` (committed here with the change feed) on behalf of `actor`.
async fn add_in(
    services: &Services,
    txn: sea_orm::DatabaseTransaction,
    actor: &crate::audit::Actor,
    list: suppression_list::Model,
    entries: NewEntries<'_>,
) -> Result<AddOutcome, ServiceError> {
    let NewEntries {
        values,
        reason,
        source,
        expires_at,
        default_country,
    } = entries;
    let kind = SuppressionKind::parse(&list.kind)
        .ok_or_else(|| anyhow::anyhow!("suppression list {} has kind {:?}", list.id, list.kind))?;
    let mut outcome = AddOutcome::default();
    let mut fresh: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for raw in values {
        match normalise(kind, raw, default_country) {
            Ok(value) => {
                if seen.insert(value.clone()) {
                    fresh.push(value);
                } else {
                    outcome.already_present += 1;
                }
            }
            Err(error) => outcome.rejected.push((raw.clone(), error.message.clone())),
        }
    }
    let reason = reason
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned);
    let now = Utc::now();
    let mut stored: Vec<AddedEntry> = Vec::new();
    for chunk in fresh.chunks(CHUNK) {
        let existing: HashSet<String> = suppression_entry::Entity::find()
            .filter(suppression_entry::Column::ListId.eq(list.id))
            .filter(suppression_entry::Column::Value.is_in(chunk.iter().cloned()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|entry| entry.value)
            .collect();
        let rows: Vec<suppression_entry::ActiveModel> = chunk
            .iter()
            .filter(|value| !existing.contains(*value))
            .map(|value| suppression_entry::ActiveModel {
                list_id: Set(list.id),
                value: Set(value.clone()),
                reason: Set(reason.clone()),
                source: Set(source.as_str().to_owned()),
                expires_at: Set(expires_at),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        outcome.already_present += existing.len() as u64;
        outcome.added += rows.len() as u64;
        stored.extend(
            chunk
                .iter()
                .filter(|value| !existing.contains(*value))
                .map(|value| AddedEntry {
                    value: value.clone(),
                    expires_at,
                    reason: reason.clone(),
                }),
        );
        if !rows.is_empty() {
            suppression_entry::Entity::insert_many(rows)
                .exec_without_returning(&txn)
                .await?;
        }
    }
    let event = audit::record(
        &txn,
        actor,
        Change {
            action: "suppression_list.add_entries",
            object_type: "suppression_list",
            object_id: Some(list.id.to_string()),
            detail: json!({
                "source": source.as_str(),
                "added": outcome.added,
                "alreadyPresent": outcome.already_present,
                "rejected": outcome.rejected.len(),
                "expiresAt": expires_at,
            }),
        },
    )
    .await?;
    commit_change(services, txn, list.id, ListChange::Add(stored)).await?;
    audit::publish(&services.cache, &event).await;
    Ok(outcome)
}

/// The name of the tenant list that call results (do not call, wrong number) add to.
pub const DIALER_RESULTS_LIST: &str = "Do not call (call results)";

/// A tenant list the system itself adds to, created on first use.
#[derive(Debug, Clone, Copy)]
pub struct SystemList {
    /// Its name in the tenant.
    pub name: &'static str,
    /// What it holds.
    pub kind: SuppressionKind,
    /// The channels it suppresses.
    pub channels: &'static [Channel],
    /// Its description.
    pub description: &'static str,
    /// The source its entries record.
    pub source: SuppressionSource,
    /// Who the audit log says added them.
    pub actor: &'static str,
}

/// Numbers whose call result asked never to call them again (every channel).
pub const CALL_RESULTS: SystemList = SystemList {
    name: DIALER_RESULTS_LIST,
    kind: SuppressionKind::Phone,
    channels: &[Channel::Voice, Channel::Sms],
    description: "Numbers whose call result asked never to call them again",
    source: SuppressionSource::Agent,
    actor: "call results",
};

/// Numbers that replied STOP (or a synonym) to a text: no more texts or automated calls.
pub const SMS_STOP_REPLIES: SystemList = SystemList {
    name: "SMS opt-outs (STOP replies)",
    kind: SuppressionKind::Phone,
    channels: &[Channel::Voice, Channel::Sms],
    description: "Numbers that replied STOP (or a synonym) to a text message",
    source: SuppressionSource::SmsStop,
    actor: "STOP reply",
};

/// Addresses that replied STOP (or a synonym) to an e-mail.
pub const EMAIL_STOP_REPLIES: SystemList = SystemList {
    name: "E-mail opt-outs (STOP replies)",
    kind: SuppressionKind::Email,
    channels: &[Channel::Email],
    description: "Addresses that replied STOP (or a synonym) to an e-mail",
    source: SuppressionSource::SmsStop,
    actor: "STOP reply",
};

/// Suppresses `value` (an E.164 number) for every channel of the tenant at once:
/// adds it to the tenant's [`DIALER_RESULTS_LIST`], created on first use. Used
/// when a call result asks for it (a do-not-call request, a wrong number).
pub async fn suppress_from_result(
    services: &Services,
    tenant_id: Uuid,
    value: &str,
    reason: &str,
) -> Result<AddOutcome, ServiceError> {
    suppress_into(services, tenant_id, &CALL_RESULTS, value, reason).await
}

/// Adds `value` to the tenant's system list `target` (created on first use),
/// committed and announced to every replica before this returns.
pub async fn suppress_into(
    services: &Services,
    tenant_id: Uuid,
    target: &SystemList,
    value: &str,
    reason: &str,
) -> Result<AddOutcome, ServiceError> {
    let actor = crate::audit::Actor::system(tenant_id, target.actor);
    let list = system_list(services, tenant_id, target).await?;
    let txn = services.begin().await?;
    let values = [value.to_owned()];
    let entries = NewEntries {
        values: &values,
        reason: Some(reason),
        source: target.source,
        expires_at: None,
        default_country: None,
    };
    add_in(services, txn, &actor, list, entries).await
}

/// The tenant's system list `target`, created on first use like any list
/// (its first version recorded, this process's catalogue told at once), so
/// the entry added next is checked by this process the moment it commits.
async fn system_list(
    services: &Services,
    tenant_id: Uuid,
    target: &SystemList,
) -> Result<suppression_list::Model, ServiceError> {
    let find = || {
        suppression_list::Entity::find()
            .filter(suppression_list::Column::TenantId.eq(tenant_id))
            .filter(suppression_list::Column::Name.eq(target.name))
            .one(&services.db)
    };
    if let Some(list) = find().await? {
        return Ok(list);
    }
    let now = Utc::now();
    let txn = services.begin().await?;
    let inserted = suppression_list::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(Some(tenant_id)),
        name: Set(target.name.to_owned()),
        kind: Set(target.kind.as_str().to_owned()),
        channels: Set(channels_text(target.channels)),
        description: Set(Some(target.description.into())),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(0),
    }
    .insert(&txn)
    .await;
    let saved = match inserted {
        Ok(saved) => saved,
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            // Another writer created it a moment ago.
            drop(txn);
            return find()
                .await?
                .ok_or(ServiceError::NotFound("suppression list"));
        }
        Err(error) => return Err(error.into()),
    };
    let version = changes::record(&txn, saved.id, &ListChange::Reload).await?;
    txn.commit().await?;
    services.suppression.created(local::ListMeta {
        id: saved.id,
        tenant_id: Some(tenant_id),
        name: saved.name.clone(),
        kind: saved.kind.clone(),
        channels: saved.channels.clone(),
        version,
    });
    changes::announce(services, saved.id, version).await;
    Ok(suppression_list::Model { version, ..saved })
}

/// Removes `values` (normalised like [`add_entries`]) from a list; returns how many went.
pub async fn remove_entries(
    services: &Services,
    principal: &Principal,
    list_id: Uuid,
    values: &[String],
    default_country: Option<DefaultCountry>,
) -> Result<u64, ServiceError> {
    let txn = services.begin().await?;
    let list = writable_list(&txn, principal, list_id).await?;
    let kind = SuppressionKind::parse(&list.kind)
        .ok_or_else(|| anyhow::anyhow!("suppression list {} has kind {:?}", list.id, list.kind))?;
    let normalised: Vec<String> = values
        .iter()
        .filter_map(|raw| normalise(kind, raw, default_country).ok())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut removed = 0;
    for chunk in normalised.chunks(CHUNK) {
        removed += suppression_entry::Entity::delete_many()
            .filter(suppression_entry::Column::ListId.eq(list.id))
            .filter(suppression_entry::Column::Value.is_in(chunk.iter().cloned()))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "suppression_list.remove_entries",
            object_type: "suppression_list",
            object_id: Some(list.id.to_string()),
            detail: json!({ "removed": removed }),
        },
    )
    .await?;
    let change = ListChange::Remove(if removed > 0 { normalised } else { Vec::new() });
    commit_change(services, txn, list.id, change).await?;
    audit::publish(&services.cache, &event).await;
    Ok(removed)
}

/// Records a non-empty change in the writer's transaction and commits it
/// through the mirror; an empty one just commits.
async fn commit_change(
    services: &Services,
    txn: DatabaseTransaction,
    list_id: Uuid,
    change: ListChange,
) -> Result<(), ServiceError> {
    let empty = match &change {
        ListChange::Add(entries) => entries.is_empty(),
        ListChange::Remove(values) => values.is_empty(),
        ListChange::Reload => false,
    };
    if empty {
        txn.commit().await?;
        return Ok(());
    }
    let version = changes::record(&txn, list_id, &change).await?;
    mirror::commit(services, txn, list_id, version, &change).await
}

/// The list that suppresses `value` for `tenant_id` on `channel` at `at`, if any:
/// the tenant's own lists or the global ones, of `kind`, unexpired at `at`,
/// answered by the mirror. `value` is normalised first (phones need a
/// country code here, e.g. E.164).
pub async fn is_suppressed(
    services: &Services,
    tenant_id: Uuid,
    kind: SuppressionKind,
    value: &str,
    channel: Channel,
    at: DateTime<Utc>,
) -> Result<Option<Hit>, ServiceError> {
    let value = normalise(kind, value, None).unwrap_or_else(|_| value.trim().to_owned());
    let hits = mirror::lookup(services, tenant_id, &[(kind, value)], channel).await?;
    Ok(hits.into_iter().flatten().find(|hit| hit.active_at(at)))
}
