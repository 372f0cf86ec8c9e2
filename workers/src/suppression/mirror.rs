//! The suppression mirror: every process answers membership checks from its
//! own compact indexes ([`super::LocalMirror`]) — no cache or database round
//! trip per lookup — and keeps them exact by following the change feed in
//! the database ([`super::changes`], `super::follow`).
//!
//! A list is loaded on its first lookup (or at start by the `compliance`
//! role, [`preload_all`]): its version v0 is read first, then its entries,
//! page by page, into a fresh index; the changes after v0 are applied and
//! only then do lookups trust it. Until a list is ready — and while it is
//! read again after an upload or a gap in the feed — its lookups are answered
//! from the database, exactly.
//!
//! *Safety rule:* a writer's own process adds values to its index before the
//! commit and removes them after it, so that process may suppress more than
//! the database for a moment, never less; other processes apply each change
//! within a second (pub/sub wakes them, a 500 ms tick covers lost messages).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use domain::Channel;
use domain::suppression::SuppressionKind;
use entity::{suppression_entry, suppression_list};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use suppression_index::SuppressionIndex;
use uuid::Uuid;

use super::changes::{self, Change};
use super::local::{Applied, ListMeta, LocalMirror};
use crate::{ServiceError, Services};

/// An entry row as a load reads it: id, value, expiry, reason.
type EntryRow = (i64, String, Option<DateTime<Utc>>, Option<String>);

/// Entries read per database page when a list is loaded.
const LOAD_PAGE: u64 = 50_000;

/// Times a load starts over when the list changes wholesale while it is read.
const LOAD_ATTEMPTS: usize = 3;

/// One list that holds a looked-up value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The list's name, for the refusal's reason.
    pub list_name: String,
    /// The entry's reason, if any.
    pub reason: Option<String>,
    /// When the entry stops suppressing, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Hit {
    /// Whether the entry still suppresses at `at`.
    pub fn active_at(&self, at: DateTime<Utc>) -> bool {
        self.expires_at.is_none_or(|expires| expires > at)
    }
}

/// For each (kind, normalised value), every list of the tenant or global,
/// applying to `channel`, that holds it (expired entries included: the
/// caller judges them at its own instant).
pub async fn lookup(
    services: &Services,
    tenant_id: Uuid,
    queries: &[(SuppressionKind, String)],
    channel: Channel,
) -> Result<Vec<Vec<Hit>>, ServiceError> {
    if !services.suppression.catalogue_loaded() {
        refresh_catalogue(services).await?;
    }
    let mut lists = services.suppression.lists_for(tenant_id, channel);
    // The tenant's lists first, then the global ones, each by id: a stable order of hits.
    lists.sort_by_key(|list| (list.tenant_id.is_none(), list.id));
    let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); queries.len()];
    let not_ready = local_hits(&services.suppression, &lists, queries, &mut hits);
    if !not_ready.is_empty() {
        database_hits(services, &lists, &not_ready, queries, &mut hits).await?;
        for list_index in not_ready {
            spawn_load(services, lists[list_index].id);
        }
    }
    Ok(hits)
}

/// Lookups in this process's indexes; returns the lists not (fully) loaded.
fn local_hits(
    local: &LocalMirror,
    lists: &[Arc<ListMeta>],
    queries: &[(SuppressionKind, String)],
    hits: &mut [Vec<Hit>],
) -> Vec<usize> {
    local.read(|mirrored| {
        let mut not_ready = Vec::new();
        for (list_index, list) in lists.iter().enumerate() {
            let Some(copy) = mirrored.get(&list.id).filter(|copy| copy.ready) else {
                not_ready.push(list_index);
                continue;
            };
            for (query_index, (kind, value)) in queries.iter().enumerate() {
                if list.kind != kind.as_str() {
                    continue;
                }
                if let Some(entry) = copy.index.get(value) {
                    hits[query_index].push(Hit {
                        list_name: list.name.clone(),
                        reason: entry.reason.map(str::to_owned),
                        expires_at: entry
                            .expires_at
                            .and_then(|seconds| Utc.timestamp_opt(seconds, 0).single()),
                    });
                }
            }
        }
        not_ready
    })
}

/// Answers for lists not loaded yet, from the system of record.
async fn database_hits(
    services: &Services,
    lists: &[Arc<ListMeta>],
    not_ready: &[usize],
    queries: &[(SuppressionKind, String)],
    hits: &mut [Vec<Hit>],
) -> Result<(), ServiceError> {
    let ids: Vec<Uuid> = not_ready.iter().map(|&index| lists[index].id).collect();
    let values: Vec<String> = queries.iter().map(|(_, value)| value.clone()).collect();
    let by_id: HashMap<Uuid, &ListMeta> = lists.iter().map(|list| (list.id, &**list)).collect();
    let entries = suppression_entry::Entity::find()
        .filter(suppression_entry::Column::ListId.is_in(ids))
        .filter(suppression_entry::Column::Value.is_in(values))
        .all(&services.db)
        .await?;
    for entry in entries {
        let Some(list) = by_id.get(&entry.list_id) else {
            continue;
        };
        for (query_index, (kind, value)) in queries.iter().enumerate() {
            if list.kind == kind.as_str() && *value == entry.value {
                hits[query_index].push(Hit {
                    list_name: list.name.clone(),
                    reason: entry.reason.clone(),
                    expires_at: entry.expires_at,
                });
            }
        }
    }
    Ok(())
}

/// Reads every list's scope, name, kind, channels and version into this
/// process's catalogue (lists gone from the database leave memory).
pub(crate) async fn refresh_catalogue(services: &Services) -> Result<(), ServiceError> {
    let number = services.suppression.begin_refresh();
    let rows: Vec<(Uuid, Option<Uuid>, String, String, String, i64)> =
        suppression_list::Entity::find()
            .select_only()
            .columns([
                suppression_list::Column::Id,
                suppression_list::Column::TenantId,
                suppression_list::Column::Name,
                suppression_list::Column::Kind,
                suppression_list::Column::Channels,
                suppression_list::Column::Version,
            ])
            .into_tuple()
            .all(&services.db)
            .await?;
    let lists = rows
        .into_iter()
        .map(|(id, tenant_id, name, kind, channels, version)| ListMeta {
            id,
            tenant_id,
            name,
            kind,
            channels,
            version,
        })
        .collect();
    services.suppression.finish_refresh(number, lists);
    Ok(())
}

/// Loads a list in the background unless this process is loading it already.
fn spawn_load(services: &Services, list_id: Uuid) {
    let Ok(held) = services.suppression.load_lock(list_id).try_lock_owned() else {
        return;
    };
    let services = services.clone();
    tokio::spawn(async move {
        let _held = held;
        if let Err(error) = load_locked(&services, list_id).await {
            tracing::warn!(%list_id, error = ?anyhow::Error::from(error), "loading a suppression list failed");
        }
    });
}

/// Loads a list now, after any load of it already running here.
pub(crate) async fn load(services: &Services, list_id: Uuid) -> Result<(), ServiceError> {
    let lock = services.suppression.load_lock(list_id);
    let _held = lock.lock().await;
    load_locked(services, list_id).await
}

/// Reads a list into a fresh index and makes it ready (the caller holds its load lock).
async fn load_locked(services: &Services, list_id: Uuid) -> Result<(), ServiceError> {
    let local = &services.suppression;
    if local.read(|lists| lists.get(&list_id).is_some_and(|mirrored| mirrored.ready)) {
        return Ok(());
    }
    let loaded = read_and_catch_up(services, list_id).await;
    if loaded.is_err() {
        local.forget(list_id);
    }
    loaded
}

async fn read_and_catch_up(services: &Services, list_id: Uuid) -> Result<(), ServiceError> {
    let local = &services.suppression;
    for _ in 0..LOAD_ATTEMPTS {
        let version = suppression_list::Entity::find_by_id(list_id)
            .select_only()
            .column(suppression_list::Column::Version)
            .into_tuple::<i64>()
            .one(&services.db)
            .await?;
        let Some(version) = version else {
            // Deleted meanwhile.
            local.forget(list_id);
            return Ok(());
        };
        let index = read_index(services, list_id).await?;
        local.install(list_id, index, version);
        if apply_changes(services, list_id, version).await?.is_some() {
            local.mark_ready(list_id);
            return Ok(());
        }
    }
    Err(
        anyhow::anyhow!("suppression list {list_id} kept changing wholesale while it was read")
            .into(),
    )
}

/// Streams a list's entries, page by page in id order, into a fresh index
/// built on a blocking thread.
async fn read_index(services: &Services, list_id: Uuid) -> Result<SuppressionIndex, ServiceError> {
    type Row = (String, Option<i64>, Option<String>);
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<Row>>(2);
    let builder = tokio::task::spawn_blocking(move || {
        SuppressionIndex::from_sorted_or_unsorted(
            std::iter::from_fn(move || receiver.blocking_recv()).flatten(),
        )
    });
    let mut after = 0_i64;
    loop {
        let page: Vec<EntryRow> = suppression_entry::Entity::find()
            .select_only()
            .columns([
                suppression_entry::Column::Id,
                suppression_entry::Column::Value,
                suppression_entry::Column::ExpiresAt,
                suppression_entry::Column::Reason,
            ])
            .filter(suppression_entry::Column::ListId.eq(list_id))
            .filter(suppression_entry::Column::Id.gt(after))
            .order_by_asc(suppression_entry::Column::Id)
            .limit(LOAD_PAGE)
            .into_tuple()
            .all(&services.db)
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.0;
        let full = page.len() as u64 == LOAD_PAGE;
        let rows = page
            .into_iter()
            .map(|(_, value, expires_at, reason)| {
                (value, expires_at.map(|at| at.timestamp()), reason)
            })
            .collect();
        if sender.send(rows).await.is_err() || !full {
            break;
        }
    }
    drop(sender);
    Ok(builder.await.map_err(anyhow::Error::from)?)
}

/// Applies the changes after `applied` to a loaded list; the version reached,
/// or `None` when the list must be read again (a `RELOAD`, a gap, or the
/// index dropped meanwhile).
async fn apply_changes(
    services: &Services,
    list_id: Uuid,
    applied: i64,
) -> Result<Option<i64>, ServiceError> {
    let mut reached = applied;
    for (version, change) in changes::since(&services.db, list_id, applied).await? {
        match services.suppression.apply(list_id, version, &change) {
            Applied::Done | Applied::Already => reached = version,
            Applied::NotLoaded | Applied::NeedsReload => return Ok(None),
        }
    }
    Ok(Some(reached))
}

/// Whether a reload waits for the list to be read again or runs in the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reload {
    /// The writer's own process: ready again when its use case returns.
    Wait,
    /// A follower: lookups go to the database meanwhile.
    Background,
}

/// Brings a loaded list up to version `target` from the change feed; reads
/// it again on a `RELOAD` or when changes it needs were pruned.
pub(crate) async fn catch_up(
    services: &Services,
    list_id: Uuid,
    target: i64,
    reload: Reload,
) -> Result<(), ServiceError> {
    let Some(applied) = services.suppression.applied(list_id) else {
        return Ok(());
    };
    if applied >= target {
        return Ok(());
    }
    match apply_changes(services, list_id, applied).await? {
        Some(reached) if reached >= target => Ok(()),
        _ => read_again(services, list_id, reload).await,
    }
}

/// Drops a list's index (lookups go to the database) and reads it again.
async fn read_again(
    services: &Services,
    list_id: Uuid,
    reload: Reload,
) -> Result<(), ServiceError> {
    if !services.suppression.forget(list_id) {
        return Ok(());
    }
    match reload {
        Reload::Wait => load(services, list_id).await,
        Reload::Background => {
            spawn_load(services, list_id);
            Ok(())
        }
    }
}

/// Commits a write that recorded `change` as `version` of a list, keeping
/// this process's copy exact (adds go in before the commit, removals after
/// it; a wholesale change is answered from the database until read again),
/// then announces it to the other processes.
pub(crate) async fn commit(
    services: &Services,
    txn: DatabaseTransaction,
    list_id: Uuid,
    version: i64,
    change: &Change,
) -> Result<(), ServiceError> {
    let local = &services.suppression;
    let mut was_loaded = false;
    match change {
        Change::Add(entries) => local.add_ahead(list_id, entries),
        Change::Reload => was_loaded = local.forget(list_id),
        Change::Remove(_) => {}
    }
    if let Err(error) = txn.commit().await {
        local.forget(list_id);
        return Err(error.into());
    }
    let applied = if *change == Change::Reload {
        if was_loaded {
            load(services, list_id).await
        } else {
            Ok(())
        }
    } else if local.apply(list_id, version, change) == Applied::NeedsReload {
        catch_up(services, list_id, version, Reload::Wait).await
    } else {
        Ok(())
    };
    if let Err(error) = applied {
        // Committed: the follower retries; lookups meanwhile go to the database.
        local.forget(list_id);
        tracing::warn!(%list_id, error = ?anyhow::Error::from(error), "updating this process's suppression copy failed");
    }
    changes::announce(services, list_id, version).await;
    Ok(())
}

/// Loads every list into this process (the `compliance` role at start, so
/// its first checks need no database); returns how many are ready.
pub async fn preload_all(services: &Services) -> Result<usize, ServiceError> {
    refresh_catalogue(services).await?;
    let mut ready = 0;
    for list in services.suppression.catalogue() {
        match load(services, list.id).await {
            Ok(()) => ready += 1,
            Err(error) => {
                tracing::warn!(list_id = %list.id, error = ?anyhow::Error::from(error), "preloading a suppression list failed")
            }
        }
    }
    Ok(ready)
}

/// How many entries this process holds for a list (0 when not loaded), and
/// whether it is complete: for status pages and tests.
pub async fn mirrored(services: &Services, list_id: Uuid) -> Result<(u64, bool), ServiceError> {
    Ok(services.suppression.read(|lists| {
        lists.get(&list_id).map_or((0, false), |mirrored| {
            (mirrored.index.len() as u64, mirrored.ready)
        })
    }))
}

/// Drops a list's copy in this process (a copy in doubt): lookups go to the
/// database until it is loaded again.
pub async fn forget(services: &Services, list_id: Uuid) -> Result<(), ServiceError> {
    services.suppression.forget(list_id);
    Ok(())
}
