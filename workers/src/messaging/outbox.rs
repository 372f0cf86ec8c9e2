//! The `messages` table: a message is written (`SENDING`, with its
//! idempotency key) before it is handed to the gateway, and its status only
//! moves forward (`SENDING → SENT → DELIVERED | FAILED`). Every forward move
//! of a campaign's message moves that campaign's counters in the same
//! transaction, so the delivery statistics are exact whichever replica or
//! callback makes the move, and however often.

use chrono::{DateTime, Utc};
use domain::access::Permission;
use entity::message;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::gateway::{self, Outbound, SendError};
use super::{MessageChannel, MessageKind, MessageStatus, provider};
use crate::accounts::Principal;
use crate::campaigns::stats::{self, MessageDelta};
use crate::db;
use crate::{ServiceError, Services};

/// A message to write before sending.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Why it is sent.
    pub kind: MessageKind,
    /// SMS or e-mail.
    pub channel: MessageChannel,
    /// E.164 number or address.
    pub to: String,
    /// Sender id or From address.
    pub from: Option<String>,
    /// E-mail subject.
    pub subject: Option<String>,
    /// The rendered text.
    pub body: String,
    /// Unique per tenant; the same key is the same message.
    pub key: String,
    /// The campaign it belongs to.
    pub campaign_id: Option<Uuid>,
    /// The calling-list record it was sent for.
    pub record_id: Option<i64>,
    /// The template it was rendered from.
    pub template_id: Option<Uuid>,
}

/// The active model of a new message.
pub fn row(tenant_id: Uuid, message: NewMessage, now: DateTime<Utc>) -> message::ActiveModel {
    message::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant_id),
        campaign_id: Set(message.campaign_id),
        record_id: Set(message.record_id),
        template_id: Set(message.template_id),
        kind: Set(message.kind.as_str().to_owned()),
        channel: Set(message.channel.as_str().to_owned()),
        recipient: Set(message.to),
        sender: Set(message.from),
        subject: Set(message.subject),
        body: Set(message.body),
        idempotency_key: Set(message.key),
        status: Set(MessageStatus::Sending.as_str().to_owned()),
        provider_id: Set(None),
        error: Set(None),
        tries: Set(0),
        created_at: Set(now),
        sent_at: Set(None),
        delivered_at: Set(None),
        updated_at: Set(now),
    }
}

/// A forward move of one message.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    /// The new status.
    pub to: MessageStatus,
    /// The gateway's id, when known.
    pub provider_id: Option<&'a str>,
    /// The failure's reason.
    pub error: Option<&'a str>,
    /// When it happened.
    pub at: DateTime<Utc>,
}

/// Moves `message` forward (never back) in `conn` and its campaign's
/// counters with it; whether it moved.
pub async fn advance(
    conn: &impl ConnectionTrait,
    message: &message::Model,
    step: Move<'_>,
) -> Result<bool, ServiceError> {
    let Some(delta) = move_status(conn, message, step).await? else {
        return Ok(false);
    };
    if let Some(campaign_id) = message.campaign_id {
        stats::add_messages(conn, campaign_id, delta).await?;
    }
    Ok(true)
}

/// Moves `message` forward (never back) in `conn`; the counter change the
/// caller owes its campaign, or `None` when it did not move.
pub async fn move_status(
    conn: &impl ConnectionTrait,
    message: &message::Model,
    step: Move<'_>,
) -> Result<Option<MessageDelta>, ServiceError> {
    let from = MessageStatus::parse(&message.status).unwrap_or(MessageStatus::Sending);
    if step.to.rank() <= from.rank() {
        return Ok(None);
    }
    let earlier: Vec<&str> = [MessageStatus::Sending, MessageStatus::Sent]
        .into_iter()
        .filter(|status| status.rank() < step.to.rank())
        .map(MessageStatus::as_str)
        .collect();
    let (sent_at, delivered_at) = match step.to {
        MessageStatus::Sent => (Some(step.at), None),
        MessageStatus::Delivered => (None, Some(step.at)),
        _ => (None, None),
    };
    let moved = db::execute(
        conn,
        &format!(
            "UPDATE messages SET status = $2, provider_id = COALESCE($3, provider_id), \
             error = COALESCE($4, error), sent_at = COALESCE(sent_at, $5), \
             delivered_at = COALESCE(delivered_at, $6), updated_at = $7 \
             WHERE id = $1 AND status IN ({})",
            earlier
                .iter()
                .map(|status| format!("'{status}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        vec![
            message.id.into(),
            step.to.as_str().into(),
            step.provider_id.map(str::to_owned).into(),
            step.error.map(str::to_owned).into(),
            sent_at.into(),
            delivered_at.into(),
            step.at.into(),
        ],
    )
    .await?;
    if moved == 0 {
        return Ok(None);
    }
    let mut delta = MessageDelta::default();
    if message.kind == MessageKind::Campaign.as_str() {
        // The status it really had: another writer may have moved it meanwhile,
        // but only from an earlier status, which the WHERE above allowed.
        let was_sent = from == MessageStatus::Sent;
        match step.to {
            MessageStatus::Sent => delta.sent = 1,
            MessageStatus::Delivered => {
                delta.delivered = 1;
                delta.sent = i64::from(!was_sent);
            }
            MessageStatus::Failed => {
                delta.failed = 1;
            }
            MessageStatus::Sending => {}
        }
    }
    Ok(Some(delta))
}

/// Moves accepted `SENDING` messages to `SENT` with the gateway's ids, in one
/// statement (the Dial Manager's batches); how many moved. The caller counts
/// them for their campaign.
pub async fn mark_sent(
    conn: &impl ConnectionTrait,
    accepted: &[(Uuid, &str)],
    at: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    if accepted.is_empty() {
        return Ok(0);
    }
    let mut values: Vec<sea_orm::Value> = vec![at.into()];
    let rows: Vec<String> = accepted
        .iter()
        .map(|(id, provider_id)| {
            values.push((*id).into());
            values.push((*provider_id).to_owned().into());
            format!("(${}, ${})", values.len() - 1, values.len())
        })
        .collect();
    let moved = db::execute(
        conn,
        &format!(
            "WITH accepted (id, provider_id) AS (VALUES {}) \
             UPDATE messages SET status = 'SENT', provider_id = accepted.provider_id, \
             sent_at = COALESCE(messages.sent_at, $1), updated_at = $1 \
             FROM accepted WHERE messages.id = accepted.id AND messages.status = 'SENDING'",
            rows.join(", ")
        ),
        values,
    )
    .await?;
    Ok(moved)
}

/// Notes a failed try that will be retried (the message stays `SENDING`).
pub async fn note_retry(
    conn: &impl ConnectionTrait,
    message_id: Uuid,
    error: &str,
) -> Result<(), ServiceError> {
    db::execute(
        conn,
        "UPDATE messages SET tries = tries + 1, error = $2, updated_at = $3 WHERE id = $1 AND status = 'SENDING'",
        vec![message_id.into(), error.to_owned().into(), Utc::now().into()],
    )
    .await?;
    Ok(())
}

/// Writes and sends one message outside a campaign (a test or a reply): the
/// row first, then the gateway, then the outcome. A reply whose send fails
/// transiently stays `SENDING` and is retried by the dispatcher.
pub async fn send_now(
    services: &Services,
    gateway: &provider::Gateway,
    message: NewMessage,
) -> Result<message::Model, ServiceError> {
    let now = Utc::now();
    let inserted = message::Entity::insert(row(gateway.tenant_id, message.clone(), now))
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                message::Column::TenantId,
                message::Column::IdempotencyKey,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(&services.db)
        .await?;
    let stored = by_key(&services.db, gateway.tenant_id, &message.key).await?;
    if inserted == 0 && stored.status != MessageStatus::Sending.as_str() {
        return Ok(stored);
    }
    deliver(services, gateway, &stored).await
}

/// The message of a tenant with idempotency key `key`.
pub async fn by_key(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    key: &str,
) -> Result<message::Model, ServiceError> {
    message::Entity::find()
        .filter(message::Column::TenantId.eq(tenant_id))
        .filter(message::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("message"))
}

/// Hands a stored `SENDING` message to the gateway once and records the outcome.
pub async fn deliver(
    services: &Services,
    gateway: &provider::Gateway,
    stored: &message::Model,
) -> Result<message::Model, ServiceError> {
    let channel = MessageChannel::parse(&stored.channel).unwrap_or(MessageChannel::Sms);
    let outbound = Outbound::new(
        gateway,
        channel,
        &stored.recipient,
        &stored.body,
        stored.subject.as_deref(),
        &stored.idempotency_key,
    );
    let result = gateway::send(gateway, &outbound).await;
    let now = Utc::now();
    let txn = services.begin().await?;
    match &result {
        Ok(accepted) => {
            advance(
                &txn,
                stored,
                Move {
                    to: MessageStatus::Sent,
                    provider_id: Some(&accepted.provider_id),
                    error: None,
                    at: now,
                },
            )
            .await?;
        }
        Err(SendError::Permanent(reason)) => {
            advance(
                &txn,
                stored,
                Move {
                    to: MessageStatus::Failed,
                    provider_id: None,
                    error: Some(reason),
                    at: now,
                },
            )
            .await?;
        }
        Err(SendError::Transient { message, .. }) => note_retry(&txn, stored.id, message).await?,
    }
    db::execute(
        &txn,
        "UPDATE messages SET tries = tries + 1 WHERE id = $1 AND status <> 'SENDING'",
        vec![stored.id.into()],
    )
    .await?;
    txn.commit().await?;
    message::Entity::find_by_id(stored.id)
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("message"))
}

/// "Send test message" from the gateway settings: sent at once, no retry; the outcome is returned.
pub async fn send_test(
    services: &Services,
    principal: &Principal,
    channel: MessageChannel,
    to: &str,
    body: &str,
    subject: Option<&str>,
) -> Result<message::Model, ServiceError> {
    principal.require(Permission::ManageMessaging)?;
    let to = normalise_recipient(channel, "to", to)?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > super::templates::MAX_SMS_CHARS {
        return Err(domain::ValidationError::new(
            "body",
            format!(
                "must be 1 to {} characters",
                super::templates::MAX_SMS_CHARS
            ),
        )
        .into());
    }
    let gateway = provider::gateway(services, principal.tenant_id)
        .await?
        .ok_or_else(|| {
            ServiceError::conflict(
                "channel",
                "no messaging gateway is configured: save the gateway settings first",
            )
        })?;
    let subject = subject
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .or_else(|| (channel == MessageChannel::Email).then(|| "Test message".to_owned()));
    send_now(
        services,
        &gateway,
        NewMessage {
            kind: MessageKind::Test,
            channel,
            to,
            from: None,
            subject,
            body: body.to_owned(),
            key: format!("t-{}", Uuid::now_v7()),
            campaign_id: None,
            record_id: None,
            template_id: None,
        },
    )
    .await
}

/// A recipient as the gateway gets it: E.164 for SMS, a lower-case address for e-mail.
pub fn normalise_recipient(
    channel: MessageChannel,
    field: &'static str,
    raw: &str,
) -> Result<String, ServiceError> {
    Ok(match channel {
        MessageChannel::Sms => domain::PhoneNumber::parse(field, raw, None)?
            .e164()
            .to_owned(),
        MessageChannel::Email => domain::EmailAddress::parse(field, raw)?
            .as_str()
            .to_ascii_lowercase(),
    })
}

/// A campaign's newest messages.
pub async fn of_campaign(
    services: &Services,
    principal: &Principal,
    campaign_id: Uuid,
    first: u64,
) -> Result<Vec<message::Model>, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    crate::campaigns::find(&services.db, principal.tenant_id, campaign_id, false).await?;
    Ok(message::Entity::find()
        .filter(message::Column::TenantId.eq(principal.tenant_id))
        .filter(message::Column::CampaignId.eq(campaign_id))
        .order_by_desc(message::Column::CreatedAt)
        .order_by_desc(message::Column::Id)
        .limit(first.clamp(1, 500))
        .all(&services.db)
        .await?)
}

/// Replies (and tests) still `SENDING` a while after they were written: sent
/// again with their own key, for a process that stopped between the write
/// and the gateway's answer. Returns how many were tried.
pub async fn retry_stalled(services: &Services) -> Result<usize, ServiceError> {
    let before = Utc::now() - chrono::TimeDelta::seconds(20);
    let stalled = message::Entity::find()
        .filter(message::Column::Status.eq(MessageStatus::Sending.as_str()))
        .filter(message::Column::Kind.eq(MessageKind::Reply.as_str()))
        .filter(message::Column::UpdatedAt.lt(before))
        .filter(message::Column::Tries.lt(10))
        .limit(100)
        .all(&services.db)
        .await?;
    let tried = stalled.len();
    for message in stalled {
        // Claim it for this pass: another replica skips a row touched just now.
        let claimed = db::execute(
            &services.db,
            "UPDATE messages SET updated_at = $2 WHERE id = $1 AND updated_at = $3 AND status = 'SENDING'",
            vec![message.id.into(), Utc::now().into(), message.updated_at.into()],
        )
        .await?;
        if claimed == 0 {
            continue;
        }
        if let Some(gateway) = provider::gateway(services, message.tenant_id).await? {
            deliver(services, &gateway, &message).await?;
        }
    }
    Ok(tried)
}
