//! Each tenant's Nexus-compatible gateway: base URL, API key and callback
//! signing secret (write-only, sealed at rest by `crate::secrets`), sender ids
//! and the tenant-wide messages-per-second cap.

use chrono::Utc;
use domain::access::Permission;
use entity::messaging_provider;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::Principal;
use crate::audit::{self, Change};
use crate::{ServiceError, Services};

/// The path the gateway posts receipts and inbound messages to.
pub const CALLBACK_PATH: &str = "/nexus/v1/events";

/// Settings as a user writes them; blank secrets keep the stored ones.
#[derive(Debug, Clone, Default)]
pub struct ProviderInput {
    /// `https://…` (plain `http://` only to a loopback host).
    pub base_url: String,
    /// The gateway's API key (write-only).
    pub api_key: Option<String>,
    /// The secret the gateway signs callbacks with (write-only).
    pub signing_secret: Option<String>,
    /// The SMS sender id (number or short code).
    pub sms_sender: Option<String>,
    /// The e-mail From address.
    pub email_sender: Option<String>,
    /// The tenant-wide cap; none: no cap.
    pub messages_per_second: Option<u32>,
}

/// A tenant's gateway with its secrets opened: what a send needs.
#[derive(Clone)]
pub struct Gateway {
    /// The tenant.
    pub tenant_id: Uuid,
    /// Where `/v1/messages` lives.
    pub base_url: reqwest::Url,
    /// The API key.
    pub api_key: String,
    /// The SMS sender id.
    pub sms_sender: Option<String>,
    /// The e-mail From address.
    pub email_sender: Option<String>,
    /// The tenant-wide cap.
    pub messages_per_second: Option<u32>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("tenant_id", &self.tenant_id)
            .field("base_url", &self.base_url.as_str())
            .finish_non_exhaustive()
    }
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// The tenant's stored settings, if any.
pub async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
) -> Result<Option<messaging_provider::Model>, ServiceError> {
    Ok(messaging_provider::Entity::find_by_id(tenant_id)
        .one(conn)
        .await?)
}

/// The caller's tenant's settings (none until saved).
pub async fn get(
    services: &Services,
    principal: &Principal,
) -> Result<Option<messaging_provider::Model>, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    find(&services.db, principal.tenant_id).await
}

/// Saves the tenant's settings (secrets kept unless given); audited, never with secrets.
pub async fn update(
    services: &Services,
    principal: &Principal,
    input: ProviderInput,
) -> Result<messaging_provider::Model, ServiceError> {
    principal.require(Permission::ManageMessaging)?;
    let mut problems: Vec<(String, String)> = Vec::new();
    let base_url = input.base_url.trim().trim_end_matches('/').to_owned();
    if let Err(error) = crate::compliance_data::fetch::check_url(&base_url) {
        problems.push(("baseUrl".into(), error.to_string()));
    }
    let sms_sender = blank_to_none(input.sms_sender);
    if let Some(sender) = &sms_sender {
        let digits = sender.trim_start_matches('+');
        if !(3..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_alphanumeric()) {
            problems.push((
                "smsSender".into(),
                "must be a number, a short code or an alphanumeric sender id (3 to 15 characters)"
                    .into(),
            ));
        }
    }
    let email_sender = blank_to_none(input.email_sender);
    if let Some(sender) = &email_sender
        && domain::EmailAddress::parse("emailSender", sender).is_err()
    {
        problems.push(("emailSender".into(), "must be an e-mail address".into()));
    }
    if let Some(rate) = input.messages_per_second
        && !(1..=campaign::MAX_MESSAGES_PER_SECOND).contains(&rate)
    {
        problems.push((
            "messagesPerSecond".into(),
            format!("must be 1 to {}", campaign::MAX_MESSAGES_PER_SECOND),
        ));
    }
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id).await?;
    let secrets = &services.keys.secrets;
    let api_key = match blank_to_none(input.api_key) {
        Some(key) => Some(secrets.seal(&key)?),
        None => existing.as_ref().and_then(|row| row.api_key.clone()),
    };
    if api_key.is_none() {
        problems.push(("apiKey".into(), "is required".into()));
    }
    let signing_secret = match blank_to_none(input.signing_secret) {
        Some(secret) if secret.len() < 16 => {
            problems.push((
                "signingSecret".into(),
                "must be at least 16 characters".into(),
            ));
            None
        }
        Some(secret) => Some(secrets.seal(&secret)?),
        None => existing.as_ref().and_then(|row| row.signing_secret.clone()),
    };
    if signing_secret.is_none() && !problems.iter().any(|(field, _)| field == "signingSecret") {
        problems.push(("signingSecret".into(), "is required".into()));
    }
    if !problems.is_empty() {
        return Err(ServiceError::InvalidFields(problems));
    }
    let row = messaging_provider::ActiveModel {
        tenant_id: Set(principal.tenant_id),
        base_url: Set(base_url),
        api_key: Set(api_key),
        signing_secret: Set(signing_secret),
        sms_sender: Set(sms_sender),
        email_sender: Set(email_sender),
        messages_per_second: Set(input.messages_per_second.map(|rate| rate as i32)),
        updated_by: Set(Some(principal.user_id)),
        updated_at: Set(Utc::now()),
    };
    let row = if existing.is_some() {
        row.update(&txn).await?
    } else {
        row.insert(&txn).await?
    };
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "messaging_provider.update",
            object_type: "messaging_provider",
            object_id: Some(principal.tenant_id.to_string()),
            detail: json!({
                "baseUrl": row.base_url, "smsSender": row.sms_sender,
                "emailSender": row.email_sender, "messagesPerSecond": row.messages_per_second,
            }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(row)
}

/// The tenant's gateway ready to send; `None` when not configured.
pub async fn gateway(
    services: &Services,
    tenant_id: Uuid,
) -> Result<Option<Gateway>, ServiceError> {
    let Some(row) = find(&services.db, tenant_id).await? else {
        return Ok(None);
    };
    let secrets = &services.keys.secrets;
    let api_key = row
        .api_key
        .as_deref()
        .map(|sealed| secrets.open(sealed))
        .transpose()
        .map_err(|unreadable| domain::ValidationError::new("apiKey", unreadable.to_string()))?
        .unwrap_or_default();
    let base_url = reqwest::Url::parse(&format!("{}/", row.base_url.trim_end_matches('/')))
        .map_err(|error| domain::ValidationError::new("baseUrl", error.to_string()))?;
    Ok(Some(Gateway {
        tenant_id,
        base_url,
        api_key,
        sms_sender: row.sms_sender,
        email_sender: row.email_sender,
        messages_per_second: row
            .messages_per_second
            .and_then(|rate| u32::try_from(rate).ok()),
    }))
}

/// The tenant's callback signing secret, opened (none when not configured).
pub async fn signing_secret(
    services: &Services,
    tenant_id: Uuid,
) -> Result<Option<String>, ServiceError> {
    let Some(row) = find(&services.db, tenant_id).await? else {
        return Ok(None);
    };
    row.signing_secret
        .as_deref()
        .map(|sealed| services.keys.secrets.open(sealed))
        .transpose()
        .map_err(|unreadable| {
            domain::ValidationError::new("signingSecret", unreadable.to_string()).into()
        })
}
