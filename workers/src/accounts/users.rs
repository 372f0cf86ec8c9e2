//! Users: login and logout, token authentication, and the admin use cases.

use chrono::Utc;
use domain::{EmailAddress, Password, Permission, UserRole, ValidationError};
use entity::user;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::accounts::{passwords, tokens};
use crate::audit::{self, Actor, Change};
use crate::db::map_unique_violation;
use crate::page::{Page, PageRequest, keyset_page};
use crate::{ServiceError, Services};

/// The single message for every failed login, so it reveals nothing about which part was wrong.
pub const BAD_CREDENTIALS: &str = "invalid e-mail or password";

/// A successful login.
#[derive(Debug, Clone)]
pub struct LoginOutcome {
    /// The bearer token and its expiry.
    pub token: tokens::IssuedToken,
    /// The signed-in user.
    pub user: user::Model,
}

/// Input of `create`, as typed by an admin.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Raw e-mail (parsed here).
    pub email: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// The role to grant.
    pub role: UserRole,
    /// Raw password (checked against the policy here).
    pub password: String,
}

/// Input of `update`: only the fields that are `Some` change.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<UserRole>,
    /// Disable or re-enable sign-in.
    pub disabled: Option<bool>,
    /// New password.
    pub password: Option<String>,
}

fn display_name(raw: &str) -> Result<String, ValidationError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ValidationError::new(
            "displayName",
            "must be 1 to 200 characters",
        ));
    }
    Ok(name.to_owned())
}

/// What authentication needs of a user, cached briefly so a request costs no query.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct UserSnapshot {
    tenant_id: Uuid,
    email: String,
    role: String,
    disabled: bool,
}

/// How long a user snapshot is trusted. Changes through `update` evict it at once; this
/// only bounds a read that raced with a concurrent change.
const USER_SNAPSHOT_TTL: std::time::Duration = std::time::Duration::from_secs(10);

fn snapshot_key(user_id: Uuid) -> String {
    format!("auth:user:{user_id}")
}

async fn user_snapshot(
    services: &Services,
    user_id: Uuid,
) -> Result<Option<UserSnapshot>, ServiceError> {
    let key = snapshot_key(user_id);
    if let Some(cached) = services.cache.get(&key).await?
        && let Ok(snapshot) = serde_json::from_str(&cached)
    {
        return Ok(Some(snapshot));
    }
    let Some(user) = user::Entity::find_by_id(user_id).one(&services.db).await? else {
        return Ok(None);
    };
    let snapshot = UserSnapshot {
        tenant_id: user.tenant_id,
        email: user.email,
        role: user.role,
        disabled: user.disabled,
    };
    if let Ok(text) = serde_json::to_string(&snapshot) {
        services
            .cache
            .set(&key, &text, Some(USER_SNAPSHOT_TTL))
            .await?;
    }
    Ok(Some(snapshot))
}

/// Turns a bearer token into a principal: signature, expiry, revocation, and an enabled account.
pub async fn authenticate(
    services: &Services,
    token: &str,
    client_ip: Option<String>,
) -> Result<Principal, ServiceError> {
    let claims = tokens::decode(&services.keys, token)?;
    if tokens::is_revoked(services, &claims).await? {
        return Err(ServiceError::Unauthenticated("token revoked"));
    }
    let user = user_snapshot(services, claims.sub)
        .await?
        .filter(|user| user.tenant_id == claims.tid && !user.disabled)
        .ok_or(ServiceError::Unauthenticated(
            "account not found or disabled",
        ))?;
    let role = UserRole::parse(&user.role)
        .ok_or_else(|| anyhow::anyhow!("stored role {:?} is unknown", user.role))?;
    Ok(Principal {
        user_id: claims.sub,
        tenant_id: user.tenant_id,
        email: user.email,
        role,
        claims,
        client_ip,
    })
}

/// Fixed-window failure counters in the shared cache (so every replica sees
/// them): refuses before checking a credential once a limit is reached.
pub(crate) async fn check_failure_limits(
    services: &Services,
    keys: &[(String, u32)],
) -> Result<(), ServiceError> {
    for (key, limit) in keys {
        let failures: u32 = services
            .cache
            .get(key)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if failures >= *limit {
            let retry_after_secs = services
                .cache
                .ttl(key)
                .await?
                .map(|ttl| ttl.as_secs().max(1))
                .unwrap_or(1);
            return Err(ServiceError::RateLimited { retry_after_secs });
        }
    }
    Ok(())
}

/// Signs a user in; failures are counted per account and per client IP.
#[tracing::instrument(skip_all)]
pub async fn login(
    services: &Services,
    raw_email: &str,
    password: &str,
    client_ip: Option<String>,
) -> Result<LoginOutcome, ServiceError> {
    let email = raw_email.trim().to_lowercase();
    let window = Some(services.config.login_window);
    let mut limits = vec![(
        format!("auth:fail:acct:{email}"),
        services.config.login_failures_per_account,
    )];
    if let Some(ip) = &client_ip {
        limits.push((
            format!("auth:fail:ip:{ip}"),
            services.config.login_failures_per_ip,
        ));
    }
    check_failure_limits(services, &limits).await?;

    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(&services.db)
        .await?;
    let stored_hash = found
        .as_ref()
        .map_or(passwords::TIMING_DECOY_HASH, |u| u.password_hash.as_str());
    let password_ok = passwords::verify(stored_hash, password).await;
    let user = match found {
        Some(user) if password_ok && !user.disabled => user,
        other => {
            for (key, _) in &limits {
                services.cache.incr(key, 1, window).await?;
            }
            if let Some(user) = other {
                let actor = Actor {
                    user_id: Some(user.id),
                    ..Actor::system(user.tenant_id, &user.email)
                };
                let actor = Actor {
                    client_ip: client_ip.clone(),
                    ..actor
                };
                let reason = if user.disabled {
                    "account disabled"
                } else {
                    "wrong password"
                };
                let event = audit::record(
                    &services.db,
                    &actor,
                    Change {
                        action: "auth.login_failed",
                        object_type: "user",
                        object_id: Some(user.id.to_string()),
                        detail: json!({ "reason": reason }),
                    },
                )
                .await?;
                audit::publish(&services.cache, &event).await;
            }
            return Err(ServiceError::Unauthenticated(BAD_CREDENTIALS));
        }
    };

    let token = tokens::issue(
        &services.keys,
        user.id,
        user.tenant_id,
        services.config.token_ttl,
    )?;
    let txn = services.begin().await?;
    let mut active: user::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(Utc::now()));
    let user = active.update(&txn).await?;
    let actor = Actor {
        user_id: Some(user.id),
        client_ip,
        ..Actor::system(user.tenant_id, &user.email)
    };
    let event = audit::record(
        &txn,
        &actor,
        Change {
            action: "auth.login",
            object_type: "user",
            object_id: Some(user.id.to_string()),
            detail: json!({}),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(LoginOutcome { token, user })
}

/// Ends the caller's token everywhere.
pub async fn logout(services: &Services, principal: &Principal) -> Result<(), ServiceError> {
    tokens::revoke(services, &principal.claims).await?;
    let event = audit::record(
        &services.db,
        &principal.actor(),
        Change {
            action: "auth.logout",
            object_type: "user",
            object_id: Some(principal.user_id.to_string()),
            detail: json!({}),
        },
    )
    .await?;
    audit::publish(&services.cache, &event).await;
    Ok(())
}

/// Loads a user of the caller's tenant; another tenant's user is `NOT_FOUND`.
pub async fn get(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<user::Model, ServiceError> {
    user::Entity::find_by_id(id)
        .filter(user::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("user"))
}

/// The caller's tenant's users, by e-mail, after the cursor e-mail, optionally filtered by a search text.
pub async fn list(
    services: &Services,
    principal: &Principal,
    request: PageRequest,
    after_email: Option<&str>,
    search: Option<&str>,
) -> Result<Page<user::Model>, ServiceError> {
    principal.require(Permission::ViewUsers)?;
    let mut query = user::Entity::find().filter(user::Column::TenantId.eq(principal.tenant_id));
    if let Some(text) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", text.to_lowercase().replace(['%', '_'], ""));
        query = query.filter(
            Condition::any()
                .add(user::Column::Email.like(pattern.as_str()))
                .add(user::Column::DisplayName.like(pattern.as_str())),
        );
    }
    Ok(keyset_page(
        &services.db,
        query,
        user::Column::Email,
        Order::Asc,
        after_email,
        request.size,
        request.count_total,
    )
    .await?)
}

/// Creates a user in a tenant on behalf of `actor`, audited in the same transaction.
pub async fn create_as(
    services: &Services,
    actor: &Actor,
    input: NewUser,
) -> Result<user::Model, ServiceError> {
    let email = EmailAddress::parse("email", &input.email)?;
    let display_name = display_name(&input.display_name)?;
    let password = Password::parse("password", &input.password)?;
    let password_hash = passwords::hash(&password).await?;
    let now = Utc::now();
    let txn = services.begin().await?;
    let created = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(actor.tenant_id),
        email: Set(email.as_str().to_owned()),
        display_name: Set(display_name),
        role: Set(input.role.as_str().to_owned()),
        password_hash: Set(password_hash),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        last_login_at: Set(None),
    }
    .insert(&txn)
    .await
    .map_err(map_unique_violation)?;
    let event = audit::record(
        &txn,
        actor,
        Change {
            action: "user.create",
            object_type: "user",
            object_id: Some(created.id.to_string()),
            detail: json!({ "email": created.email, "role": created.role }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(created)
}

/// Creates a user in the caller's tenant (admins only).
pub async fn create(
    services: &Services,
    principal: &Principal,
    input: NewUser,
) -> Result<user::Model, ServiceError> {
    principal.require(Permission::ManageUsers)?;
    create_as(services, &principal.actor(), input).await
}

/// Changes a user of the caller's tenant (admins only); admins cannot lock themselves out.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    changes: UserChanges,
) -> Result<user::Model, ServiceError> {
    principal.require(Permission::ManageUsers)?;
    if id == principal.user_id {
        if changes.disabled == Some(true) {
            return Err(
                ValidationError::new("disabled", "you cannot disable your own account").into(),
            );
        }
        if changes.role.is_some_and(|role| role != principal.role) {
            return Err(ValidationError::new("role", "you cannot change your own role").into());
        }
    }
    let display_name = changes
        .display_name
        .as_deref()
        .map(display_name)
        .transpose()?;
    let password_hash = match changes.password.as_deref() {
        Some(raw) => Some(passwords::hash(&Password::parse("password", raw)?).await?),
        None => None,
    };

    let txn = services.begin().await?;
    let existing = get(&txn, principal.tenant_id, id).await?;
    let mut detail = serde_json::Map::new();
    let mut active: user::ActiveModel = existing.clone().into();
    if let Some(name) = display_name.filter(|n| *n != existing.display_name) {
        detail.insert(
            "displayName".into(),
            json!({ "from": existing.display_name, "to": name }),
        );
        active.display_name = Set(name);
    }
    if let Some(role) = changes.role.filter(|r| r.as_str() != existing.role) {
        detail.insert(
            "role".into(),
            json!({ "from": existing.role, "to": role.as_str() }),
        );
        active.role = Set(role.as_str().to_owned());
    }
    if let Some(disabled) = changes.disabled.filter(|d| *d != existing.disabled) {
        detail.insert(
            "disabled".into(),
            json!({ "from": existing.disabled, "to": disabled }),
        );
        active.disabled = Set(disabled);
    }
    if let Some(hash) = password_hash {
        detail.insert("password".into(), json!("changed"));
        active.password_hash = Set(hash);
    }
    if detail.is_empty() {
        txn.rollback().await?;
        return Ok(existing);
    }
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "user.update",
            object_type: "user",
            object_id: Some(updated.id.to_string()),
            detail: serde_json::Value::Object(detail),
        },
    )
    .await?;
    txn.commit().await?;
    // Role and disabled changes must apply to the very next request, on every replica.
    services.cache.delete(&snapshot_key(updated.id)).await?;
    audit::publish(&services.cache, &event).await;
    Ok(updated)
}
