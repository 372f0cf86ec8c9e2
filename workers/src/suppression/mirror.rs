//! The suppression mirror: every list's entries copied into the cache (Redis,
//! or the in-process store on the embedded default) so that a membership
//! check is one round trip, not a database query.
//!
//! Layout: the hash `supp:list:<list id>` maps each value to
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
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
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
pub(crate) fn list_key(list_id: Uuid) -> String {
    format!("supp:list:{list_id}")
}

/// The cache key of a list's hash while an upload that replaces it is built.
pub(crate) fn build_key(list_id: Uuid, import_id: Uuid) -> String {
    format!("supp:build:{list_id}:{import_id}")
}

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

/// The mirror's text for one entry.
pub(crate) fn encode(expires_at: Option<DateTime<Utc>>, reason: Option<&str>) -> String {
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

/// Writes entries (value, expiry, reason) into a list's hash.
pub(crate) async fn write(
    services: &Services,
    key: &str,
    entries: impl IntoIterator<Item = (String, String)>,
) -> Result<(), ServiceError> {
    let mut chunk = Vec::with_capacity(WRITE_CHUNK);
    for entry in entries {
        chunk.push(entry);
        if chunk.len() == WRITE_CHUNK {
            services.cache.hash_set(key, &chunk).await?;
            chunk.clear();
        }
    }
    services.cache.hash_set(key, &chunk).await?;
    Ok(())
}

/// Marks a list's hash complete (a new list, or the end of a rebuild).
pub(crate) async fn mark_ready(services: &Services, key: &str) -> Result<(), ServiceError> {
    let ready = [(READY.to_owned(), "1".to_owned())];
    services.cache.hash_set(key, &ready).await?;
    Ok(())
}

/// Removes values from a list's hash.
pub(crate) async fn remove(
    services: &Services,
    list_id: Uuid,
    values: &[String],
) -> Result<(), ServiceError> {
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

/// Drops a list's hash when the list is deleted (or its mirror is in doubt).
pub(crate) async fn forget(services: &Services, list_id: Uuid) -> Result<(), ServiceError> {
    services.cache.delete(&list_key(list_id)).await?;
    Ok(())
}

/// The lists of one scope, from the cache when its generation is current.
async fn scope_lists(
    services: &Services,
    tenant: Option<Uuid>,
) -> Result<Vec<ListMeta>, ServiceError> {
    let generation = services
        .cache
        .get(&generation_key(tenant))
        .await?
        .unwrap_or_default();
    if let Some(cached) = services.cache.get(&lists_key(tenant)).await?
        && let Some((tag, json)) = cached.split_once('\n')
        && tag == generation
        && let Ok(lists) = serde_json::from_str::<Vec<ListMeta>>(json)
    {
        return Ok(lists);
    }
    // Read after the generation: a list committed later bumps it again.
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
    let mut lists = scope_lists(services, Some(tenant_id)).await?;
    lists.extend(scope_lists(services, None).await?);
    lists.retain(|list| super::applies_to(&list.channels, channel));

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

    let mut hits: Vec<Vec<Hit>> = vec![Vec::new(); queries.len()];
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
    if !not_ready.is_empty() {
        database_hits(services, &lists, &not_ready, queries, &mut hits).await?;
        for list_index in not_ready {
            spawn_rebuild(services.clone(), lists[list_index].id);
        }
    }
    Ok(hits)
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
    let written = copy_list(services, &services.db, list_id, &list_key(list_id)).await;
    let released = lock.release().await;
    let written = written?;
    released?;
    mark_ready(services, &list_key(list_id)).await?;
    Ok(written)
}

/// Writes every entry of a list, page by page in id order, into `key`.
pub(crate) async fn copy_list(
    services: &Services,
    conn: &impl ConnectionTrait,
    list_id: Uuid,
    key: &str,
) -> Result<u64, ServiceError> {
    let mut after = 0_i64;
    let mut written = 0_u64;
    loop {
        let page = suppression_entry::Entity::find()
            .filter(suppression_entry::Column::ListId.eq(list_id))
            .filter(suppression_entry::Column::Id.gt(after))
            .order_by_asc(suppression_entry::Column::Id)
            .limit(REBUILD_PAGE)
            .all(conn)
            .await?;
        let Some(last) = page.last() else {
            return Ok(written);
        };
        after = last.id;
        written += page.len() as u64;
        write(
            services,
            key,
            page.into_iter().map(|entry| {
                let text = encode(entry.expires_at, entry.reason.as_deref());
                (entry.value, text)
            }),
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
