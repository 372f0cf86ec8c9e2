//! The audit log: written in the same transaction as the change it records,
//! published after commit so live views (on any replica) see it.

use cache::Cache;
use chrono::Utc;
use entity::audit_event;
use futures::{Stream, StreamExt};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter, Set,
};
use uuid::Uuid;

use crate::page::{Page, PageRequest, keyset_page};
use crate::{ServiceError, Services};

/// Who did something: a user, an API client, or the system itself.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The tenant the action happened in.
    pub tenant_id: Uuid,
    /// The user, when a person did it.
    pub user_id: Option<Uuid>,
    /// How the actor reads in the log.
    pub label: String,
    /// Where the request came from.
    pub client_ip: Option<String>,
}

impl Actor {
    /// The system acting on a tenant (start-up, command line, schedules).
    pub fn system(tenant_id: Uuid, label: &str) -> Self {
        Self {
            tenant_id,
            user_id: None,
            label: label.to_owned(),
            client_ip: None,
        }
    }
}

/// What happened, to which object.
#[derive(Debug, Clone)]
pub struct Change {
    /// Dotted verb, e.g. `user.create`.
    pub action: &'static str,
    /// The kind of object, e.g. `user`.
    pub object_type: &'static str,
    /// The object's id.
    pub object_id: Option<String>,
    /// The changed values (never secrets).
    pub detail: serde_json::Value,
}

/// Inserts an audit event inside the caller's transaction.
pub async fn record(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    change: Change,
) -> Result<audit_event::Model, DbErr> {
    audit_event::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        actor_id: Set(actor.user_id),
        actor_label: Set(actor.label.clone()),
        action: Set(change.action.to_owned()),
        object_type: Set(change.object_type.to_owned()),
        object_id: Set(change.object_id),
        client_ip: Set(actor.client_ip.clone()),
        detail: Set(change.detail),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await
}

fn channel(tenant_id: Uuid) -> String {
    format!("audit:{tenant_id}")
}

/// Announces a committed event to live subscribers; a failure is logged, never fatal
/// (the event is already durable).
pub async fn publish(cache: &Cache, event: &audit_event::Model) {
    let payload = match serde_json::to_string(event) {
        Ok(payload) => payload,
        Err(error) => {
            tracing::error!(%error, "serialising audit event");
            return;
        }
    };
    if let Err(error) = cache.publish(&channel(event.tenant_id), &payload).await {
        tracing::warn!(%error, event_id = event.id, "publishing audit event failed");
    }
}

/// Live audit events of one tenant, from now on.
pub async fn subscribe(
    cache: &Cache,
    tenant_id: Uuid,
) -> Result<impl Stream<Item = audit_event::Model> + Send + 'static, ServiceError> {
    let payloads = cache.subscribe(&channel(tenant_id)).await?;
    Ok(payloads.filter_map(|payload| async move {
        serde_json::from_str::<audit_event::Model>(&payload)
            .inspect_err(|error| tracing::warn!(%error, "dropping malformed audit payload"))
            .ok()
    }))
}

/// A tenant's audit events, newest first, after the cursor id, optionally of one action.
pub async fn list(
    services: &Services,
    tenant_id: Uuid,
    request: PageRequest,
    before_id: Option<i64>,
    action: Option<&str>,
) -> Result<Page<audit_event::Model>, ServiceError> {
    let mut query = audit_event::Entity::find().filter(audit_event::Column::TenantId.eq(tenant_id));
    if let Some(action) = action.filter(|a| !a.is_empty()) {
        query = query.filter(audit_event::Column::Action.eq(action));
    }
    Ok(keyset_page(
        &services.db,
        query,
        audit_event::Column::Id,
        Order::Desc,
        before_id,
        request.size,
        request.count_total,
    )
    .await?)
}
