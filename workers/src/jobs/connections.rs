//! SFTP connections: a customer's server, its login and its pinned host key.
//! Secrets are write-only: the API says whether one is stored, never what it
//! is, and they are stored sealed (`crate::secrets`).

use std::time::Duration;

use chrono::Utc;
use domain::ValidationError;
use domain::access::Permission;
use entity::sftp_connection;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::Principal;
use crate::audit::{self, Change};
use crate::secrets::SecretBox;
use crate::{ServiceError, Services};

/// How long connecting and logging in may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// How a connection logs in, as stored.
pub mod auth_method {
    /// A password.
    pub const PASSWORD: &str = "PASSWORD";
    /// An OpenSSH private key.
    pub const PRIVATE_KEY: &str = "PRIVATE_KEY";
}

/// A connection as a user writes it; `None` secrets keep the stored ones on update.
#[derive(Debug, Clone, Default)]
pub struct ConnectionInput {
    /// Unique in the tenant.
    pub name: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// Login name.
    pub username: String,
    /// [`auth_method`] name.
    pub auth_method: String,
    /// Password (write-only).
    pub password: Option<String>,
    /// OpenSSH private key (write-only).
    pub private_key: Option<String>,
    /// The key's passphrase (write-only).
    pub private_key_passphrase: Option<String>,
    /// Pinned `SHA256:…` host key fingerprint.
    pub host_key_fingerprint: Option<String>,
}

/// One connection of the tenant.
pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<sftp_connection::Model, ServiceError> {
    sftp_connection::Entity::find_by_id(id)
        .filter(sftp_connection::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("SFTP connection"))
}

/// One connection of the tenant (a job's source shows it).
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<sftp_connection::Model, ServiceError> {
    principal.require(Permission::ViewJobs)?;
    find(&services.db, principal.tenant_id, id).await
}

/// The tenant's connections by name.
pub async fn list(
    services: &Services,
    principal: &Principal,
) -> Result<Vec<sftp_connection::Model>, ServiceError> {
    principal.require(Permission::ViewJobs)?;
    Ok(sftp_connection::Entity::find()
        .filter(sftp_connection::Column::TenantId.eq(principal.tenant_id))
        .order_by_asc(sftp_connection::Column::Name)
        .all(&services.db)
        .await?)
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Merges an input over the stored connection (secrets kept when not given) and checks the whole.
fn merged(
    secrets: &SecretBox,
    input: ConnectionInput,
    existing: Option<&sftp_connection::Model>,
) -> Result<ConnectionInput, ServiceError> {
    let stored =
        |field: &'static str, value: Option<&String>| -> Result<Option<String>, ServiceError> {
            value
                .map(|sealed| secrets.open(sealed))
                .transpose()
                .map_err(|unreadable| ValidationError::new(field, unreadable.to_string()).into())
        };
    let password = match blank_to_none(input.password) {
        Some(given) => Some(given),
        None => stored("password", existing.and_then(|e| e.password.as_ref()))?,
    };
    let private_key = match blank_to_none(input.private_key) {
        Some(given) => Some(given),
        None => stored("privateKey", existing.and_then(|e| e.private_key.as_ref()))?,
    };
    let private_key_passphrase = match blank_to_none(input.private_key_passphrase) {
        Some(given) => Some(given),
        None => stored(
            "privateKeyPassphrase",
            existing.and_then(|e| e.private_key_passphrase.as_ref()),
        )?,
    };
    let mut merged = ConnectionInput {
        name: input.name.trim().to_owned(),
        host: input.host.trim().to_owned(),
        username: input.username.trim().to_owned(),
        password,
        private_key,
        private_key_passphrase,
        host_key_fingerprint: blank_to_none(input.host_key_fingerprint)
            .map(|f| f.trim().to_owned()),
        ..input
    };
    let mut problems = Vec::new();
    if merged.name.is_empty() || merged.name.chars().count() > 100 {
        problems.push(("name".to_owned(), "must be 1 to 100 characters".to_owned()));
    }
    if merged.host.is_empty()
        || merged.host.len() > 255
        || merged.host.contains(char::is_whitespace)
    {
        problems.push((
            "host".to_owned(),
            "must be a host name or address".to_owned(),
        ));
    }
    if merged.port == 0 {
        problems.push(("port".to_owned(), "must be 1 to 65535".to_owned()));
    }
    if merged.username.is_empty() || merged.username.len() > 100 {
        problems.push((
            "username".to_owned(),
            "must be 1 to 100 characters".to_owned(),
        ));
    }
    match merged.auth_method.as_str() {
        auth_method::PASSWORD => {
            if merged.password.is_none() {
                problems.push((
                    "password".to_owned(),
                    "is required for password login".to_owned(),
                ));
            }
            merged.private_key = None;
            merged.private_key_passphrase = None;
        }
        auth_method::PRIVATE_KEY => {
            match merged.private_key.as_deref() {
                None => problems.push((
                    "privateKey".to_owned(),
                    "is required for key login".to_owned(),
                )),
                Some(key) if !key.contains("PRIVATE KEY") => problems.push((
                    "privateKey".to_owned(),
                    "must be an OpenSSH private key (-----BEGIN OPENSSH PRIVATE KEY-----)"
                        .to_owned(),
                )),
                Some(_) => {}
            }
            merged.password = None;
        }
        other => problems.push((
            "authMethod".to_owned(),
            format!("{other:?} is not PASSWORD or PRIVATE_KEY"),
        )),
    }
    if let Some(fingerprint) = merged.host_key_fingerprint.as_deref() {
        let body = fingerprint.strip_prefix("SHA256:").unwrap_or("");
        if body.len() < 40
            || !body
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=')
        {
            problems.push((
                "hostKeyFingerprint".to_owned(),
                "must be an OpenSSH SHA256 fingerprint like SHA256:…(43 characters), as `ssh-keygen -lf` prints it".to_owned(),
            ));
        }
    }
    if problems.is_empty() {
        Ok(merged)
    } else {
        Err(ServiceError::InvalidFields(problems))
    }
}

/// How to reach a stored connection, its credentials opened.
pub fn endpoint(
    services: &Services,
    row: &sftp_connection::Model,
) -> Result<sftp::Endpoint, ServiceError> {
    let secrets = &services.keys.secrets;
    let open = |field: &'static str,
                value: &Option<String>|
     -> Result<Option<String>, ServiceError> {
        value
            .as_deref()
            .map(|sealed| secrets.open(sealed))
            .transpose()
            .map_err(|unreadable| {
                ValidationError::new(field, format!("of connection '{}': {unreadable}", row.name))
                    .into()
            })
    };
    Ok(endpoint_of(&ConnectionInput {
        name: row.name.clone(),
        host: row.host.clone(),
        port: u16::try_from(row.port).unwrap_or(22),
        username: row.username.clone(),
        auth_method: row.auth_method.clone(),
        password: open("password", &row.password)?,
        private_key: open("privateKey", &row.private_key)?,
        private_key_passphrase: open("privateKeyPassphrase", &row.private_key_passphrase)?,
        host_key_fingerprint: row.host_key_fingerprint.clone(),
    }))
}

/// Seals a credential for storage.
fn sealed(services: &Services, value: Option<String>) -> Result<Option<String>, ServiceError> {
    value
        .map(|plain| services.keys.secrets.seal(&plain))
        .transpose()
}

fn endpoint_of(input: &ConnectionInput) -> sftp::Endpoint {
    let auth = if input.auth_method == auth_method::PRIVATE_KEY {
        sftp::Auth::PrivateKey {
            openssh_pem: input.private_key.clone().unwrap_or_default(),
            passphrase: input.private_key_passphrase.clone(),
        }
    } else {
        sftp::Auth::Password(input.password.clone().unwrap_or_default())
    };
    sftp::Endpoint {
        host: input.host.clone(),
        port: input.port,
        username: input.username.clone(),
        auth,
        host_key: input.host_key_fingerprint.clone(),
    }
}

/// Saves a new connection; audited (never with its secrets).
pub async fn create(
    services: &Services,
    principal: &Principal,
    input: ConnectionInput,
) -> Result<sftp_connection::Model, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let input = merged(&services.keys.secrets, input, None)?;
    let now = Utc::now();
    let txn = services.begin().await?;
    let row = sftp_connection::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(input.name),
        host: Set(input.host),
        port: Set(i32::from(input.port)),
        username: Set(input.username),
        auth_method: Set(input.auth_method),
        password: Set(sealed(services, input.password)?),
        private_key: Set(sealed(services, input.private_key)?),
        private_key_passphrase: Set(sealed(services, input.private_key_passphrase)?),
        host_key_fingerprint: Set(input.host_key_fingerprint),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(crate::db::map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change("sftp_connection.create", &row),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(row)
}

fn change(action: &'static str, row: &sftp_connection::Model) -> Change {
    Change {
        action,
        object_type: "sftp_connection",
        object_id: Some(row.id.to_string()),
        detail: json!({
            "name": row.name, "host": row.host, "port": row.port, "username": row.username,
            "authMethod": row.auth_method, "hostKeyFingerprint": row.host_key_fingerprint,
        }),
    }
}

/// Replaces a connection's settings (secrets kept unless given); audited.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    input: ConnectionInput,
) -> Result<sftp_connection::Model, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    let input = merged(&services.keys.secrets, input, Some(&existing))?;
    let mut active: sftp_connection::ActiveModel = existing.into();
    active.name = Set(input.name);
    active.host = Set(input.host);
    active.port = Set(i32::from(input.port));
    active.username = Set(input.username);
    active.auth_method = Set(input.auth_method);
    active.password = Set(sealed(services, input.password)?);
    active.private_key = Set(sealed(services, input.private_key)?);
    active.private_key_passphrase = Set(sealed(services, input.private_key_passphrase)?);
    active.host_key_fingerprint = Set(input.host_key_fingerprint);
    active.updated_at = Set(Utc::now());
    let row = active
        .update(&txn)
        .await
        .map_err(crate::db::map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change("sftp_connection.update", &row),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(row)
}

/// Deletes a connection no job uses (a used one is `CONFLICT`, naming the jobs); audited.
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Uuid, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    let users: Vec<String> = entity::job::Entity::find()
        .filter(entity::job::Column::TenantId.eq(principal.tenant_id))
        .all(&txn)
        .await?
        .into_iter()
        .filter_map(|row| super::Job::parse(row).ok())
        .filter(|job| {
            job.spec
                .source
                .as_ref()
                .is_some_and(|s| s.connection_id == id)
                || job
                    .spec
                    .export
                    .as_ref()
                    .is_some_and(|e| e.connection_id == Some(id))
        })
        .map(|job| job.row.name)
        .collect();
    if !users.is_empty() {
        return Err(ServiceError::conflict(
            "id",
            format!(
                "is used by the jobs {}: change them first",
                users.join(", ")
            ),
        ));
    }
    sftp_connection::Entity::delete_by_id(id).exec(&txn).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change("sftp_connection.delete", &existing),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(id)
}

/// "Test connection": a stored connection (`id`), an unsaved one (`input`), or
/// an edit of a stored one (both: unsent secrets come from the stored one).
pub async fn test(
    services: &Services,
    principal: &Principal,
    id: Option<Uuid>,
    input: Option<ConnectionInput>,
    directory: &str,
) -> Result<sftp::Probe, ServiceError> {
    principal.require(Permission::ManageJobs)?;
    let existing = match id {
        Some(id) => Some(find(&services.db, principal.tenant_id, id).await?),
        None => None,
    };
    let endpoint = match (input, existing.as_ref()) {
        (Some(input), existing) => endpoint_of(&merged(&services.keys.secrets, input, existing)?),
        (None, Some(existing)) => endpoint(services, existing)?,
        (None, None) => {
            return Err(domain::ValidationError::new(
                "id",
                "give the id of a saved connection or an input to test",
            )
            .into());
        }
    };
    Ok(sftp::probe(&endpoint, directory, CONNECT_TIMEOUT).await)
}
