//! The suppression mirror: every list's entries copied into the cache so
//! that a membership check is one round trip, not a database query — into
//! Redis, or on the embedded default into this process's compact indexes
//! ([`super::LocalMirror`]).
//!
//! Redis layout: the hash `supp:list:<list id>` maps each value to
//! `<expiry unix seconds or empty>\t<reason>`, plus the field [`READY`] once the
//! hash holds the whole list. The lists of a tenant (and the global ones) are
//! cached as `supp:lists:<tenant|global>` tagged with a generation counter
//! that every create and delete bumps after its commit, so a stale copy is
//! never trusted.
//!
//! *Safety rule:* the mirror may suppress more than the database (adds are
//! written before their commit, removals after theirs), never less: a list
//! without its [`READY`] field is answered from the database and rebuilt.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use domain::Channel;
use domain::suppression::SuppressionKind;
use entity::{suppression_entry, suppression_list};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{ServiceError, Services};

/// The field that marks a list's hash as complete.
pub(crate) const READY: &str = "\u{0}ready";

/// Fields written per cache command.
const WRITE_CHUNK: usize = 2_000;

/// Entries read per database page when a list is rebuilt.
const REBUILD_PAGE: u64 = 10_000;

/// How long one replica may hold a list's rebuild before another may start it.
const REBUILD_LEASE: Duration = Duration::from_secs(600);

/// The cache key of a list's entries.
fn list_key(list_id: Uuid) -> String {
    format!("supp:list:{list_id}")
}

/// Where mirrored entries go: a list's live copy, or the copy a `REPLACE`
/// upload builds and swaps in after its commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The copy lookups read.
    Live(Uuid),
    /// An upload's copy under construction.
    Build {
        /// The list.
        list: Uuid,
        /// The upload.
        import: Uuid,
    },
}

impl Slot {
    fn key(self) -> String {
        match self {
            Slot::Live(list) => list_key(list),
            Slot::Build { list, import } => format!("supp:build:{list}:{import}"),
        }
    }
}

/// One mirrored entry: the normalised value, its expiry and reason.
pub type MirrorEntry = (String, Option<DateTime<Utc>>, Option<String>);

fn scope(tenant: Option<Uuid>) -> String {
    tenant.map_or_else(|| "global".to_owned(), |tenant| tenant.to_string())
}

fn lists_key(tenant: Option<Uuid>) -> String {
    format!("supp:lists:{}", scope(tenant))
}

fn generation_key(tenant: Option<Uuid>) -> String {
    format!("supp:gen:{}", scope(tenant))
}

/// What a lookup needs to know of a list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ListMeta {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    pub channels: String,
}

/// The mirror's text for one entry (Redis).
fn encode(expires_at: Option<DateTime<Utc>>, reason: Option<&str>) -> String {
    let expiry = expires_at.map_or(String::new(), |at| at.timestamp().to_string());
    let reason: String = reason.unwrap_or("").chars().take(200).collect();
    format!("{expiry}\t{reason}")
}

fn decode(raw: &str) -> (Option<DateTime<Utc>>, Option<String>) {
    let (expiry, reason) = raw.split_once('\t').unwrap_or((raw, ""));
    let expires_at = expiry
        .parse::<i64>()
        .ok()
        .and_then(|seconds| Utc.timestamp_opt(seconds, 0).single());
    let reason = (!reason.is_empty()).then(|| reason.to_owned());
    (expires_at, reason)
}

/// Writes entries into a slot (uploads and adds; benchmarks load a mirror with it).
pub async fn write(
    services: &Services,
    slot: Slot,
    entries: impl IntoIterator<Item = MirrorEntry>,
) -> Result<(), ServiceError> {
    if let Some(local) = &services.suppression_local {
        let insert = |index: &mut suppression_index::SuppressionIndex| {
            for (value, expires_at, reason) in entries {
                index.insert(
                    &value,
                    expires_at.map(|at| at.timestamp()),
                    reason.as_deref(),
                );
            }
        };
        match slot {
            Slot::Live(list) => local.with_list(list, |mirrored| insert(&mut mirrored.index)),
            Slot::Build { list, import } => local.with_build(list, import, insert),
        }
        return Ok(());
    }
    let key = slot.key();
    let mut chunk = Vec::with_capacity(WRITE_CHUNK);
    for (value, expires_at, reason) in entries {
        chunk.push((value, encode(expires_at, reason.as_deref())));
        if chunk.len() == WRITE_CHUNK {
            services.cache.hash_set(&key, &chunk).await?;
            chunk.clear();
        }
    }
    services.cache.hash_set(&key, &chunk).await?;
    Ok(())
}

/// Marks a list's live copy complete (a new list, or the end of a rebuild).
pub async fn mark_ready(services: &Services, list_id: Uuid) -> Result<(), ServiceError> {
    if let Some(local) = &services.suppression_local {
        local.with_list(list_id, |mirrored| mirrored.ready = true);
        return Ok(());
    }
    let ready = [(READY.to_owned(), "1".to_owned())];
    services.cache.hash_set(&list_key(list_id), &ready).await?;
    Ok(())
}

/// Removes values from a list's live copy.
pub(crate) async fn remove(
    services: &Services,
    list_id: Uuid,
    values: &[String],
) -> Result<(), ServiceError> {
    if let Some(local) = &services.suppression_local {
        local.with_list(list_id, |mirrored| {
            for value in values {
                mirrored.index.remove(value);
            }
        });
        return Ok(());
    }
    for chunk in values.chunks(WRITE_CHUNK) {
        services
            .cache
            .hash_remove(&list_key(list_id), chunk)
            .await?;
    }
    Ok(())
}

/// After a list was created or deleted: the scope's cached lists are stale.
pub(crate) async fn lists_changed(
    services: &Services,
    tenant: Option<Uuid>,
) -> Result<(), ServiceError> {
    services
        .cache
        .incr(&generation_key(tenant), 1, None)
        .await?;
    Ok(())
}

/// Drops a list's mirror (deleted list, or a mirror in doubt): lookups go to
/// the database until it is rebuilt. Also what a Redis restart does.
pub async fn forget(services: &Services, list_id: Uuid) -> Result<(), ServiceError> {
    if let Some(local) = &services.suppression_local {
        local.forget(list_id);
        return Ok(());
    }
    services.cache.delete(&list_key(list_id)).await?;
    Ok(())
}

/// Drops what an upload built and did not swap in.
pub(crate) async fn discard_build(
    services: &Services,
    list: Uuid,
    import: Uuid,
) -> Result<(), ServiceError> {
    if let Some(local) = &services.suppression_local {
        local.discard_build(list, import);
        return Ok(());
    }
    services
        .cache
        .delete(&Slot::Build { list, import }.key())
        .await?;
    Ok(())
}

/// Makes an upload's build the list's live copy, complete, in one step.
pub(crate) async fn swap_in(
    services: &Services,
    list: Uuid,
    import: Uuid,
) -> Result<(), ServiceError> {
    if let Some(local) = &services.suppression_local {
        local.swap_in(list, import);
        return Ok(());
    }
    let build = Slot::Build { list, import }.key();
    services
        .cache
        .hash_set(&build, &[(READY.to_owned(), "1".to_owned())])
        .await?;
    services.cache.rename_hash(&build, &list_key(list)).await?;
    Ok(())
}

/// How many entries a list's live copy holds (0 when it is not mirrored),
/// and whether it is complete: for status pages and tests.
pub async fn mirrored(services: &Services, list_id: Uuid) -> Result<(u64, bool), ServiceError> {
    if let Some(local) = &services.suppression_local {
        return Ok(local.read(|lists| {
            lists.get(&list_id).map_or((0, false), |mirrored| {
                (mirrored.index.len() as u64, mirrored.ready)
            })
        }));
    }
    let key = list_key(list_id);
    let fields = services.cache.hash_len(&key).await?;
    let ready = services
        .cache
        .hash_get_many(&[(key, READY.to_owned())])
        .await?
        .first()
        .is_some_and(Option::is_some);
    Ok((fields.saturating_sub(u64::from(ready)), ready))
}

/// The lists of the tenant and the global ones: both scopes' cached copies
/// and generations in one round trip, each reloaded from the database when
/// its generation moved on.
async fn scope_lists(services: &Services, tenant_id: Uuid) -> Result<Vec<ListMeta>, ServiceError> {
    let scopes = [Some(tenant_id), None];
    let keys: Vec<String> = scopes
        .iter()
        .flat_map(|scope| [generation_key(*scope), lists_key(*scope)])
        .collect();
    let values = services.cache.get_many(&keys).await?;
    let mut lists = Vec::new();
    for (scope, pair) in scopes.into_iter().zip(values.chunks(2)) {
        let generation = pair[0].clone().unwrap_or_default();
        let cached = pair[1]
            .as_deref()
            .and_then(|cached| cached.split_once('\n'))
            .filter(|(tag, _)| *tag == generation)
            .and_then(|(_, json)| serde_json::from_str::<Vec<ListMeta>>(json).ok());
        match cached {
            Some(cached) => lists.extend(cached),
            None => lists.extend(load_scope(services, scope, &generation).await?),
        }
    }
    Ok(lists)
}

/// Reads one scope's lists from the database (after its generation was read:
/// a list committed later bumps it again) and caches them under that generation.
async fn load_scope(
    services: &Services,
    tenant: Option<Uuid>,
    generation: &str,
) -> Result<Vec<ListMeta>, ServiceError> {
    let condition = match tenant {
        Some(tenant) => Condition::all().add(suppression_list::Column::TenantId.eq(tenant)),
        None => Condition::all().add(suppression_list::Column::TenantId.is_null()),
    };
    let lists: Vec<ListMeta> = suppression_list::Entity::find()
        .filter(condition)
        .order_by_asc(suppression_list::Column::Id)
        .all(&services.db)
        .await?
        .into_iter()
        .map(|list| ListMeta {
            id: list.id,
            name: list.name,
            kind: list.kind,
            channels: list.channels,
        })
        .collect();
    let json = serde_json::to_string(&lists).map_err(anyhow::Error::from)?;
    services
        .cache
        .set(&lists_key(tenant), &format!("{generation}\n{json}"), None)
        .await?;
    Ok(lists)
}

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
    let mut lists = scope_lists(services, tenant_id).await?;
    lists.retain(|list| super::applies_to(&list.channels, channel));
    let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); queries.len()];
    let not_ready = match &services.suppression_local {
        Some(local) => local_hits(local, &lists, queries, &mut hits),
        None => cache_hits(services, &lists, queries, &mut hits).await?,
    };
    if !not_ready.is_empty() {
        database_hits(services, &lists, &not_ready, queries, &mut hits).await?;
        for list_index in not_ready {
            spawn_rebuild(services.clone(), lists[list_index].id);
        }
    }
    Ok(hits)
}

/// Lookups in this process's indexes; returns the lists not (fully) mirrored.
fn local_hits(
    local: &super::LocalMirror,
    lists: &[ListMeta],
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

/// Lookups in Redis in one round trip; returns the lists not (fully) mirrored.
async fn cache_hits(
    services: &Services,
    lists: &[ListMeta],
    queries: &[(SuppressionKind, String)],
    hits: &mut [Vec<Hit>],
) -> Result<Vec<usize>, ServiceError> {
    // One round trip: each applicable list's ready mark and each value in it.
    let mut lookups = Vec::new();
    let mut asked: Vec<(usize, usize)> = Vec::new();
    for (list_index, list) in lists.iter().enumerate() {
        lookups.push((list_key(list.id), READY.to_owned()));
        for (query_index, (kind, value)) in queries.iter().enumerate() {
            if list.kind == kind.as_str() {
                lookups.push((list_key(list.id), value.clone()));
                asked.push((list_index, query_index));
            }
        }
    }
    let answers = services.cache.hash_get_many(&lookups).await?;

    let mut not_ready: Vec<usize> = Vec::new();
    let mut answer = answers.into_iter();
    let mut asked_iter = asked.iter().peekable();
    for (list_index, list) in lists.iter().enumerate() {
        let ready = answer.next().flatten().is_some();
        if !ready {
            not_ready.push(list_index);
        }
        while let Some(&&(asked_list, query_index)) = asked_iter.peek() {
            if asked_list != list_index {
                break;
            }
            asked_iter.next();
            if let Some(raw) = answer.next().flatten()
                && ready
            {
                let (expires_at, reason) = decode(&raw);
                hits[query_index].push(Hit {
                    list_name: list.name.clone(),
                    reason,
                    expires_at,
                });
            }
        }
    }
    Ok(not_ready)
}

/// Answers for lists whose mirror is incomplete, from the system of record.
async fn database_hits(
    services: &Services,
    lists: &[ListMeta],
    not_ready: &[usize],
    queries: &[(SuppressionKind, String)],
    hits: &mut [Vec<Hit>],
) -> Result<(), ServiceError> {
    let ids: Vec<Uuid> = not_ready.iter().map(|&index| lists[index].id).collect();
    let values: Vec<String> = queries.iter().map(|(_, value)| value.clone()).collect();
    let names: HashMap<Uuid, &ListMeta> = lists.iter().map(|list| (list.id, list)).collect();
    let entries = suppression_entry::Entity::find()
        .filter(suppression_entry::Column::ListId.is_in(ids))
        .filter(suppression_entry::Column::Value.is_in(values))
        .all(&services.db)
        .await?;
    for entry in entries {
        let Some(list) = names.get(&entry.list_id) else {
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

/// Rebuilds a list's hash in the background unless another replica is at it.
fn spawn_rebuild(services: Services, list_id: Uuid) {
    tokio::spawn(async move {
        if let Err(error) = rebuild(&services, list_id).await {
            tracing::warn!(%list_id, error = %error, "suppression mirror rebuild failed");
        }
    });
}

/// Copies a list's entries from the database into its hash, then marks it
/// ready; returns how many were written. Writes into the live hash (not a
/// copy), so adds made meanwhile are kept.
pub async fn rebuild(services: &Services, list_id: Uuid) -> Result<u64, ServiceError> {
    let Some(lock) = services
        .cache
        .try_lock(&format!("supp:rebuild:{list_id}"), REBUILD_LEASE)
        .await?
    else {
        return Ok(0);
    };
    let written = copy_list(services, list_id).await;
    let released = lock.release().await;
    let written = written?;
    released?;
    mark_ready(services, list_id).await?;
    Ok(written)
}

/// Writes every entry of a list, page by page in id order, into its live copy.
async fn copy_list(services: &Services, list_id: Uuid) -> Result<u64, ServiceError> {
    let mut after = 0_i64;
    let mut written = 0_u64;
    loop {
        let page = suppression_entry::Entity::find()
            .filter(suppression_entry::Column::ListId.eq(list_id))
            .filter(suppression_entry::Column::Id.gt(after))
            .order_by_asc(suppression_entry::Column::Id)
            .limit(REBUILD_PAGE)
            .all(&services.db)
            .await?;
        let Some(last) = page.last() else {
            return Ok(written);
        };
        after = last.id;
        written += page.len() as u64;
        write(
            services,
            Slot::Live(list_id),
            page.into_iter()
                .map(|entry| (entry.value, entry.expires_at, entry.reason)),
        )
        .await?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_through_their_text() {
        let at = Utc.with_ymd_and_hms(2027, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(
            decode(&encode(Some(at), Some("asked"))),
            (Some(at), Some("asked".to_owned()))
        );
        assert_eq!(decode(&encode(None, None)), (None, None));
        assert_eq!(
            decode(&encode(None, Some("a\tb"))).1.as_deref(),
            Some("a\tb")
        );
    }
}
