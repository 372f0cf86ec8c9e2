//! The audit log: a paged query and a live subscription.

use async_graphql::{Context, ID, Object, Subscription};
use chrono::{DateTime, Utc};
use domain::Permission;
use futures::Stream;
use workers::audit;
use workers::page::PageRequest;

use crate::graphql::error::GraphqlResultExt;
use crate::graphql::relay::{CountedConnection, connection, decode_id_cursor, wants_total};
use crate::graphql::{principal, services};

/// One audited action.
pub struct AuditEvent(entity::audit_event::Model);

#[Object]
impl AuditEvent {
    /// Stable id (increasing).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When it happened.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The acting user, when a person acted.
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor_id.map(|id| ID(id.to_string()))
    }
    /// The actor as a person reads it (e-mail, API client, `system`).
    async fn actor_label(&self) -> &str {
        &self.0.actor_label
    }
    /// Dotted verb, e.g. `user.create`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// The kind of object acted on.
    async fn object_type(&self) -> &str {
        &self.0.object_type
    }
    /// The object's id.
    async fn object_id(&self) -> Option<&str> {
        self.0.object_id.as_deref()
    }
    /// Where the request came from.
    async fn client_ip(&self) -> Option<&str> {
        self.0.client_ip.as_deref()
    }
    /// What changed, as compact JSON.
    async fn detail(&self) -> String {
        self.0.detail.to_string()
    }
}

/// Audit queries.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The tenant's audit events, newest first (ADMIN, SUPERVISOR, COMPLIANCE_OFFICER).
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Only this action, e.g. `user.create`.")] action: Option<String>,
    ) -> async_graphql::Result<CountedConnection<AuditEvent>> {
        let principal = principal(ctx)?;
        principal.require(Permission::ViewAudit).gql()?;
        let before_id = decode_id_cursor(after.as_deref()).gql()?;
        let page = audit::list(
            services(ctx),
            principal.tenant_id,
            PageRequest::new(first, wants_total(ctx)),
            before_id,
            action.as_deref(),
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            before_id.is_some(),
            |event| event.id.to_string(),
            AuditEvent,
        ))
    }
}

/// Audit subscriptions.
#[derive(Default)]
pub struct AuditSubscription;

#[Subscription]
impl AuditSubscription {
    /// Every audit event of the caller's tenant from now on, from any replica.
    async fn audit_event_added(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = AuditEvent>> {
        use futures::StreamExt;
        let principal = principal(ctx)?;
        principal.require(Permission::ViewAudit).gql()?;
        let events = audit::subscribe(&services(ctx).cache, principal.tenant_id)
            .await
            .gql()?;
        Ok(events.map(AuditEvent))
    }
}
