//! API clients: machine credentials for dialers and gateways, scoped to a tenant.
//!
//! A key is `rl_<12 hex>_<64 hex>`: the prefix finds the row, the SHA-256 of
//! the whole key proves it. Keys carry 256 random bits, so a fast hash is as
//! safe as a slow one and keeps the dialer hot path cheap.

use std::time::Duration;

use chrono::Utc;
use domain::{ApiScope, Permission, ValidationError};
use entity::api_client;
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, Order, QueryFilter, Set};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::db::map_unique_violation;
use crate::page::{Page, PageRequest, keyset_page};
use crate::{ServiceError, Services};

/// A machine caller established from a valid key.
#[derive(Debug, Clone)]
pub struct ApiPrincipal {
    /// The client's id.
    pub client_id: Uuid,
    /// The tenant it acts for.
    pub tenant_id: Uuid,
    /// The client's name (the audit label).
    pub name: String,
    /// What it may call.
    pub scopes: Vec<ApiScope>,
}

/// The stored scope names of a client, parsed (unknown names are ignored).
pub fn scopes_of(client: &api_client::Model) -> Vec<ApiScope> {
    client
        .scopes
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().and_then(ApiScope::parse))
                .collect()
        })
        .unwrap_or_default()
}

fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The public prefix of a key (`rl_<12 hex>`), if it has the key's shape.
fn key_prefix(key: &str) -> Option<&str> {
    let (random, _secret) = key.strip_prefix("rl_")?.split_once('_')?;
    Some(&key[..3 + random.len()])
}

fn new_key() -> (String, String) {
    let mut prefix = [0u8; 6];
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut prefix);
    rand::rng().fill_bytes(&mut secret);
    // Hex on both sides: the only `_` after `rl_` is the separator.
    let prefix = format!("rl_{}", hex::encode(prefix));
    let key = format!("{prefix}_{}", hex::encode(secret));
    (prefix, key)
}

/// The caller's tenant's API clients by name.
pub async fn list(
    services: &Services,
    principal: &Principal,
    request: PageRequest,
    after_name: Option<&str>,
) -> Result<Page<api_client::Model>, ServiceError> {
    principal.require(Permission::ManageApiClients)?;
    let query =
        api_client::Entity::find().filter(api_client::Column::TenantId.eq(principal.tenant_id));
    Ok(keyset_page(
        &services.db,
        query,
        api_client::Column::Name,
        Order::Asc,
        after_name,
        request.size,
        request.count_total,
    )
    .await?)
}

/// Creates a client and returns it with its key, which is never shown again.
pub async fn create(
    services: &Services,
    principal: &Principal,
    name: &str,
    scopes: &[ApiScope],
) -> Result<(api_client::Model, String), ServiceError> {
    principal.require(Permission::ManageApiClients)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ValidationError::new("name", "must be 1 to 100 characters").into());
    }
    if scopes.is_empty() {
        return Err(ValidationError::new("scopes", "must name at least one scope").into());
    }
    let mut scope_names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    scope_names.sort_unstable();
    scope_names.dedup();
    let (prefix, key) = new_key();
    let txn = services.begin().await?;
    let client = api_client::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(name.to_owned()),
        key_prefix: Set(prefix),
        key_hash: Set(hash_key(&key)),
        scopes: Set(json!(scope_names)),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(map_unique_violation)?;
    let event = audit::record(&txn, &principal.actor(), Change {
        action: "api_client.create",
        object_type: "api_client",
        object_id: Some(client.id.to_string()),
        detail: json!({ "name": client.name, "scopes": scope_names, "keyPrefix": client.key_prefix }),
    })
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok((client, key))
}

/// Revokes a client of the caller's tenant: its key stops working at once.
pub async fn revoke(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<api_client::Model, ServiceError> {
    principal.require(Permission::ManageApiClients)?;
    let txn = services.begin().await?;
    let client = api_client::Entity::find_by_id(id)
        .filter(api_client::Column::TenantId.eq(principal.tenant_id))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound("api client"))?;
    if client.revoked_at.is_some() {
        txn.rollback().await?;
        return Ok(client);
    }
    let mut active: api_client::ActiveModel = client.into();
    active.revoked_at = Set(Some(Utc::now()));
    let client = active.update(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "api_client.revoke",
            object_type: "api_client",
            object_id: Some(client.id.to_string()),
            detail: json!({ "name": client.name }),
        },
    )
    .await?;
    txn.commit().await?;
    // Every process drops its copy of the key now, this one first.
    services.hot.forget_client(&client.key_prefix);
    if let Err(error) = services
        .cache
        .publish(crate::dialing::hot::CLIENTS_CHANNEL, &client.key_prefix)
        .await
    {
        tracing::warn!(%error, "announcing a revoked API client failed");
    }
    audit::publish(&services.cache, &event).await;
    Ok(client)
}

/// Wrong keys one client IP may send per [`KEY_FAILURE_WINDOW`] before every
/// key from it is refused: an unknown key prefix costs a database read, so
/// guessing must stay slow.
pub const KEY_FAILURES_PER_IP: u32 = 50;

/// The fixed window [`KEY_FAILURES_PER_IP`] counts in.
pub const KEY_FAILURE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// [`authenticate`] with wrong keys counted per client IP in the shared cache
/// (like failed logins): past [`KEY_FAILURES_PER_IP`] in the window the IP
/// gets `RateLimited` before its key is looked at, on every replica.
pub async fn authenticate_from(
    services: &Services,
    key: &str,
    scope: ApiScope,
    client_ip: Option<&str>,
) -> Result<ApiPrincipal, ServiceError> {
    let Some(ip) = client_ip else {
        return authenticate(services, key, scope).await;
    };
    let counter = format!("apikey:fail:ip:{ip}");
    crate::accounts::users::check_failure_limits(
        services,
        &[(counter.clone(), KEY_FAILURES_PER_IP)],
    )
    .await?;
    let answer = authenticate(services, key, scope).await;
    if matches!(answer, Err(ServiceError::Unauthenticated(_))) {
        services
            .cache
            .incr(&counter, 1, Some(KEY_FAILURE_WINDOW))
            .await?;
    }
    answer
}

/// Establishes a machine caller from its key and checks it holds `scope`.
/// The client is read from this process's hot cache (a revocation reaches
/// every process through pub/sub at once), so a dialer's request costs no
/// database round trip; `last_used_at` is written at most once a minute.
pub async fn authenticate(
    services: &Services,
    key: &str,
    scope: ApiScope,
) -> Result<ApiPrincipal, ServiceError> {
    const BAD_KEY: ServiceError = ServiceError::Unauthenticated("invalid api key");
    let prefix = key_prefix(key).ok_or(BAD_KEY)?;
    let client = services
        .hot
        .client(services, prefix)
        .await?
        .filter(|client| client.row.revoked_at.is_none())
        .ok_or(BAD_KEY)?;
    let expected = client.row.key_hash.as_bytes();
    let actual = hash_key(key);
    // Constant-time comparison of the two hex digests.
    let same = expected.len() == actual.len()
        && expected
            .iter()
            .zip(actual.as_bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(BAD_KEY);
    }
    let scopes = scopes_of(&client.row);
    if !scopes.contains(&scope) {
        return Err(ServiceError::Forbidden);
    }
    if client.claim_touch() {
        let db = services.db.clone();
        let id = client.row.id;
        tokio::spawn(async move {
            let touched = api_client::Entity::update_many()
                .col_expr(
                    api_client::Column::LastUsedAt,
                    sea_orm::sea_query::Expr::value(Utc::now()),
                )
                .filter(api_client::Column::Id.eq(id))
                .exec(&db)
                .await;
            if let Err(error) = touched {
                tracing::warn!(%error, "recording an API client's last use failed");
            }
        });
    }
    Ok(ApiPrincipal {
        client_id: client.row.id,
        tenant_id: client.row.tenant_id,
        name: client.row.name.clone(),
        scopes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_prefix_and_entropy() {
        let (prefix, key) = new_key();
        assert!(key.starts_with(&format!("{prefix}_")));
        assert_eq!(prefix.len(), 15);
        assert_eq!(key_prefix(&key), Some(prefix.as_str()));
        assert_eq!(key_prefix("rl_abc_def_ghi"), Some("rl_abc"));
        assert_eq!(key_prefix("nope"), None);
        let (_, other) = new_key();
        assert_ne!(key, other);
        assert_eq!(hash_key(&key).len(), 64);
    }
}
