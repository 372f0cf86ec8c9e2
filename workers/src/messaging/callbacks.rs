//! The gateway's callbacks (`POST /nexus/v1/events`): delivery receipts and
//! inbound messages. A request is believed only with a valid HMAC-SHA256
//! signature, under the tenant's signing secret, over `"{timestamp}.{body}"`,
//! and a timestamp within five minutes of now (a captured request cannot be
//! replayed later); anything else is refused before one byte is stored.
//! Every event is applied once: its id is stored in the same transaction as
//! its effect. A STOP (or synonym) suppresses the sender at once — committed
//! and announced to every replica before the gateway gets its answer — and
//! is answered with the opt-out text; HELP/INFO with the help text.

use chrono::{DateTime, Utc};
use entity::{message, message_event};
use hmac::{Hmac, Mac};
use messaging::{EventKind, Inbound};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::Sha256;
use uuid::Uuid;

use super::outbox::{self, Move, NewMessage};
use super::{MessageChannel, MessageKind, MessageStatus, provider, templates};
use crate::campaigns::stats::{self, MessageDelta};
use crate::suppression::{self, EMAIL_STOP_REPLIES, SMS_STOP_REPLIES};
use crate::{ServiceError, Services};

/// Re-exported: the body is read by the pure `messaging` crate (and fuzzed there).
pub use messaging::callback::{Event, MAX_EVENTS};

/// How far a callback's timestamp may be from now, in seconds.
pub const TIMESTAMP_WINDOW_SECS: i64 = 300;
/// Sent to a STOP when the template has no opt-out text.
pub const DEFAULT_OPT_OUT_TEXT: &str =
    "You are unsubscribed and will receive no more messages from us.";
/// Sent to a HELP when the template has no help text.
pub const DEFAULT_HELP_TEXT: &str = "Reply STOP to stop receiving messages.";

/// Why a callback was refused.
#[derive(Debug, thiserror::Error)]
pub enum CallbackError {
    /// Unsigned, badly signed, stale, or for an account we do not know: 401, nothing stored.
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed, but not a callback we can read: 400.
    #[error("{0}")]
    BadRequest(String),
    /// Our fault.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

/// The three headers a callback is authenticated by.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signed<'a> {
    /// `X-Nexus-Account`: the tenant's id.
    pub account: Option<&'a str>,
    /// `X-Nexus-Timestamp`: unix seconds.
    pub timestamp: Option<&'a str>,
    /// `X-Nexus-Signature`: `sha256=<hex>`.
    pub signature: Option<&'a str>,
}

/// What a callback did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Receipt {
    /// Events applied now.
    pub accepted: usize,
    /// Events seen before (ignored).
    pub duplicates: usize,
}

/// Checks the signature and the timestamp; the tenant when both hold.
pub async fn authenticate(
    services: &Services,
    signed: Signed<'_>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Uuid, CallbackError> {
    let refuse = |why: &str| CallbackError::Unauthenticated(why.to_owned());
    let tenant_id = signed
        .account
        .and_then(|account| Uuid::parse_str(account.trim()).ok())
        .ok_or_else(|| refuse("X-Nexus-Account is missing or not an account id"))?;
    let timestamp: i64 = signed
        .timestamp
        .and_then(|value| value.trim().parse().ok())
        .ok_or_else(|| refuse("X-Nexus-Timestamp is missing or not unix seconds"))?;
    if (now.timestamp() - timestamp).abs() > TIMESTAMP_WINDOW_SECS {
        return Err(refuse(&format!(
            "X-Nexus-Timestamp is more than {TIMESTAMP_WINDOW_SECS} s from the server's clock"
        )));
    }
    let signature = signed
        .signature
        .map(str::trim)
        .and_then(|value| value.strip_prefix("sha256="))
        .and_then(|hex_text| hex::decode(hex_text).ok())
        .ok_or_else(|| refuse("X-Nexus-Signature is missing or not sha256=<hex>"))?;
    // An unknown account (or a secret that no longer opens) gets the same
    // answer as a bad signature; a store that fails is our fault (500: the
    // gateway sends again).
    let secret = match provider::signing_secret(services, tenant_id).await {
        Ok(Some(secret)) => secret,
        Ok(None) | Err(ServiceError::Invalid(_)) => {
            return Err(refuse("the signature does not match"));
        }
        Err(error) => return Err(error.into()),
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| refuse("the signature does not match"))?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| refuse("the signature does not match"))?;
    Ok(tenant_id)
}

/// The signature a gateway puts on `body` at `timestamp` (for its fakes and tests).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Authenticates and applies one callback.
pub async fn receive(
    services: &Services,
    signed: Signed<'_>,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<Receipt, CallbackError> {
    let tenant_id = authenticate(services, signed, body, now).await?;
    let events = messaging::parse_events(body)
        .map_err(|error| CallbackError::BadRequest(error.to_string()))?;
    let mut receipt = Receipt::default();
    for event in events {
        if apply(services, tenant_id, event, now).await? {
            receipt.accepted += 1;
        } else {
            receipt.duplicates += 1;
        }
    }
    Ok(receipt)
}

/// Applies one event once; whether it was new.
async fn apply(
    services: &Services,
    tenant_id: Uuid,
    event: Event,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let seen = message_event::Entity::find_by_id((tenant_id, event.id.clone()))
        .one(&services.db)
        .await?;
    if seen.is_some() {
        return Ok(false);
    }
    if event.kind == EventKind::Inbound {
        inbound(services, tenant_id, event, now).await
    } else {
        receipt(services, tenant_id, event, now).await
    }
}

/// Stores the event row; false when another delivery of it got there first.
async fn remember(
    txn: &impl sea_orm::ConnectionTrait,
    tenant_id: Uuid,
    event: &Event,
    message_id: Option<Uuid>,
    sender: Option<String>,
    body: Option<String>,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let inserted = message_event::Entity::insert(message_event::ActiveModel {
        tenant_id: Set(tenant_id),
        event_id: Set(event.id.clone()),
        kind: Set(event.kind.as_str().to_owned()),
        message_id: Set(message_id),
        sender: Set(sender),
        body: Set(body),
        received_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            message_event::Column::TenantId,
            message_event::Column::EventId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    Ok(inserted == 1)
}

/// A delivery receipt: the message moves forward (never back), with its campaign's counters.
async fn receipt(
    services: &Services,
    tenant_id: Uuid,
    event: Event,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let txn = services.begin().await?;
    let mut query = message::Entity::find().filter(message::Column::TenantId.eq(tenant_id));
    query = match (&event.reference, &event.message_id) {
        (Some(reference), _) => {
            query.filter(message::Column::IdempotencyKey.eq(reference.as_str()))
        }
        (None, Some(id)) => query.filter(message::Column::ProviderId.eq(id.as_str())),
        (None, None) => query.filter(message::Column::Id.eq(Uuid::nil())),
    };
    let found = query.one(&txn).await?;
    let reason = event
        .reason
        .as_deref()
        .map(|text| text.chars().take(300).collect::<String>());
    if !remember(
        &txn,
        tenant_id,
        &event,
        found.as_ref().map(|m| m.id),
        None,
        reason.clone(),
        now,
    )
    .await?
    {
        return Ok(false);
    }
    if let Some(found) = found {
        let to = match event.kind {
            EventKind::Sent => MessageStatus::Sent,
            EventKind::Delivered => MessageStatus::Delivered,
            EventKind::Failed | EventKind::Inbound => MessageStatus::Failed,
        };
        outbox::advance(
            &txn,
            &found,
            Move {
                to,
                provider_id: event.message_id.as_deref(),
                error: reason
                    .as_deref()
                    .or((to == MessageStatus::Failed).then_some("failed")),
                at: event.at.unwrap_or(now),
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// An inbound message: STOP suppresses and answers, HELP answers, anything else is kept.
async fn inbound(
    services: &Services,
    tenant_id: Uuid,
    event: Event,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let channel = match event.channel.as_deref() {
        Some("EMAIL") => MessageChannel::Email,
        _ => MessageChannel::Sms,
    };
    let text = event.text.clone().unwrap_or_default();
    let sender = event
        .from
        .as_deref()
        .and_then(|from| outbox::normalise_recipient(channel, "from", from).ok());
    let classified = messaging::classify(&text);
    // The campaign message this answers: the newest to that sender.
    let last = match &sender {
        Some(sender) => {
            message::Entity::find()
                .filter(message::Column::TenantId.eq(tenant_id))
                .filter(message::Column::Recipient.eq(sender.as_str()))
                .filter(message::Column::Kind.eq(MessageKind::Campaign.as_str()))
                .order_by_desc(message::Column::CreatedAt)
                .one(&services.db)
                .await?
        }
        None => None,
    };
    if let (Inbound::OptOut(word), Some(sender)) = (&classified, &sender) {
        // At once, before anything else: committed and announced to every replica.
        let target = match channel {
            MessageChannel::Sms => &SMS_STOP_REPLIES,
            MessageChannel::Email => &EMAIL_STOP_REPLIES,
        };
        suppression::suppress_into(
            services,
            tenant_id,
            target,
            sender,
            &format!("replied {word} on {}", now.format("%Y-%m-%d %H:%M UTC")),
        )
        .await?;
    }
    let answer = match (&classified, &sender) {
        (Inbound::OptOut(_), Some(_)) => {
            Some(reply_text(services, tenant_id, last.as_ref(), true).await?)
        }
        (Inbound::Help, Some(_)) => {
            Some(reply_text(services, tenant_id, last.as_ref(), false).await?)
        }
        _ => None,
    };
    let txn = services.begin().await?;
    let stored_text: String = text.chars().take(1000).collect();
    if !remember(
        &txn,
        tenant_id,
        &event,
        last.as_ref().map(|m| m.id),
        sender.clone(),
        Some(stored_text),
        now,
    )
    .await?
    {
        return Ok(false);
    }
    if let (Inbound::OptOut(_), Some(campaign_id)) =
        (&classified, last.as_ref().and_then(|m| m.campaign_id))
    {
        stats::add_messages(
            &txn,
            campaign_id,
            MessageDelta {
                opted_out: 1,
                ..MessageDelta::default()
            },
        )
        .await?;
    }
    let reply = match (answer, &sender) {
        (Some(body), Some(to)) => {
            let reply = NewMessage {
                kind: MessageKind::Reply,
                channel,
                to: to.clone(),
                from: None,
                subject: (channel == MessageChannel::Email).then(|| "Re: your message".to_owned()),
                body,
                key: format!("r-{}", event.id),
                campaign_id: last.as_ref().and_then(|m| m.campaign_id),
                record_id: None,
                template_id: last.as_ref().and_then(|m| m.template_id),
            };
            message::Entity::insert(outbox::row(tenant_id, reply.clone(), now))
                .on_conflict(
                    OnConflict::columns([
                        message::Column::TenantId,
                        message::Column::IdempotencyKey,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
            Some(reply.key)
        }
        _ => None,
    };
    txn.commit().await?;
    if let Some(key) = reply {
        // Answered after the callback is acknowledged; a reply still SENDING
        // later (this process stopped) is sent by the dispatcher's retry.
        let services = services.clone();
        tokio::spawn(async move {
            let sent = async {
                let Some(gateway) = provider::gateway(&services, tenant_id).await? else {
                    return Ok::<_, ServiceError>(());
                };
                let stored = outbox::by_key(&services.db, tenant_id, &key).await?;
                outbox::deliver(&services, &gateway, &stored).await?;
                Ok(())
            };
            if let Err(error) = sent.await {
                tracing::warn!(error = ?anyhow::Error::from(error), "sending a reply failed; it will be retried");
            }
        });
    }
    Ok(true)
}

/// The answer to a STOP (`opt_out`) or a HELP: the template's text of the
/// campaign that last wrote to the sender, rendered for its contact, or the default.
async fn reply_text(
    services: &Services,
    tenant_id: Uuid,
    last: Option<&message::Model>,
    opt_out: bool,
) -> Result<String, ServiceError> {
    let fallback = if opt_out {
        DEFAULT_OPT_OUT_TEXT
    } else {
        DEFAULT_HELP_TEXT
    };
    let Some(template_id) = last.and_then(|m| m.template_id) else {
        return Ok(fallback.to_owned());
    };
    let Ok(row) = templates::find(&services.db, tenant_id, template_id).await else {
        return Ok(fallback.to_owned());
    };
    let parsed = templates::parse(&row)?;
    let text = if opt_out { parsed.opt_out } else { parsed.help };
    let Some(text) = text else {
        return Ok(fallback.to_owned());
    };
    let values = match last.and_then(|m| m.record_id) {
        Some(record_id) => {
            let record = entity::calling_list_record::Entity::find_by_id(record_id)
                .one(&services.db)
                .await?;
            let contact = match record {
                Some(record) => {
                    entity::contact::Entity::find_by_id(record.contact_id)
                        .one(&services.db)
                        .await?
                }
                None => None,
            };
            contact
                .as_ref()
                .map(templates::values_of)
                .unwrap_or_default()
        }
        None => Default::default(),
    };
    Ok(templates::render(&text, &values))
}
