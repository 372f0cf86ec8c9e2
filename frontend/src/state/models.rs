//! The app's own view of server objects, converted from the generated
//! response types so pages do not depend on graphql_client's long names and
//! two operations that return the same object share one Rust type.

use crate::api::operations::{
    audit_event_added, list_api_clients, list_audit_events, list_users, login, me,
};
use crate::api::schema_types::UserRole;
use crate::state::paging::Identified;

/// The signed-in user, as the header and home page show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    /// User id.
    pub id: String,
    /// E-mail address (the login).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role, which decides the navigation.
    pub role: UserRole,
    /// Tenant id.
    pub tenant_id: String,
    /// Tenant name.
    pub tenant_name: String,
}

impl From<me::MeMe> for CurrentUser {
    fn from(user: me::MeMe) -> Self {
        CurrentUser {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            tenant_id: user.tenant.id,
            tenant_name: user.tenant.name,
        }
    }
}

impl From<login::LoginLoginUser> for CurrentUser {
    fn from(user: login::LoginLoginUser) -> Self {
        CurrentUser {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            tenant_id: user.tenant.id,
            tenant_name: user.tenant.name,
        }
    }
}

/// One page of a connection, flattened for a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<Row> {
    /// The rows of this page.
    pub rows: Vec<Row>,
    /// Rows in the whole connection (all pages).
    pub total_count: i64,
    /// Whether a next page exists.
    pub has_next_page: bool,
    /// The cursor to ask for the next page with.
    pub end_cursor: Option<String>,
}

/// A row of the users table.
pub type UserRow = list_users::ListUsersUsersEdgesNode;

/// A row of the API clients table.
pub type ApiClientRow = list_api_clients::ListApiClientsApiClientsEdgesNode;

impl From<list_users::ListUsersUsers> for Page<UserRow> {
    fn from(connection: list_users::ListUsersUsers) -> Self {
        Page {
            rows: connection.edges.into_iter().map(|edge| edge.node).collect(),
            total_count: connection.total_count,
            has_next_page: connection.page_info.has_next_page,
            end_cursor: connection.page_info.end_cursor,
        }
    }
}

impl From<list_api_clients::ListApiClientsApiClients> for Page<ApiClientRow> {
    fn from(connection: list_api_clients::ListApiClientsApiClients) -> Self {
        Page {
            rows: connection.edges.into_iter().map(|edge| edge.node).collect(),
            total_count: connection.total_count,
            has_next_page: connection.page_info.has_next_page,
            end_cursor: connection.page_info.end_cursor,
        }
    }
}

/// One audit event, from a page or from the live subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// Event id.
    pub id: String,
    /// When it happened (RFC 3339).
    pub at: String,
    /// Who did it, as the server labels them (user e-mail, API client name, "system").
    pub actor_label: String,
    /// What was done, e.g. `user.create`.
    pub action: String,
    /// The kind of object acted on.
    pub object_type: String,
    /// The object's id, when there is one.
    pub object_id: Option<String>,
    /// Where the request came from.
    pub client_ip: Option<String>,
    /// Free-text detail.
    pub detail: String,
}

impl Identified for AuditEntry {
    fn id(&self) -> &str {
        &self.id
    }
}

impl AuditEntry {
    /// Whether the entry passes the action filter (`""` lets everything through).
    ///
    /// Mirrors the server's `auditEvents(action:)` so live events obey the same
    /// filter as the pages: an exact, case-sensitive match.
    pub fn matches_action_filter(&self, filter: &str) -> bool {
        let filter = filter.trim();
        filter.is_empty() || self.action == filter
    }
}

impl From<list_audit_events::ListAuditEventsAuditEventsEdgesNode> for AuditEntry {
    fn from(event: list_audit_events::ListAuditEventsAuditEventsEdgesNode) -> Self {
        AuditEntry {
            id: event.id,
            at: event.at,
            actor_label: event.actor_label,
            action: event.action,
            object_type: event.object_type,
            object_id: event.object_id,
            client_ip: event.client_ip,
            detail: event.detail,
        }
    }
}

impl From<audit_event_added::AuditEventAddedAuditEventAdded> for AuditEntry {
    fn from(event: audit_event_added::AuditEventAddedAuditEventAdded) -> Self {
        AuditEntry {
            id: event.id,
            at: event.at,
            actor_label: event.actor_label,
            action: event.action,
            object_type: event.object_type,
            object_id: event.object_id,
            client_ip: event.client_ip,
            detail: event.detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> AuditEntry {
        AuditEntry {
            id: "1".to_owned(),
            at: "2026-11-21T02:34:56Z".to_owned(),
            actor_label: "admin@localhost".to_owned(),
            action: action.to_owned(),
            object_type: "User".to_owned(),
            object_id: Some("7".to_owned()),
            client_ip: None,
            detail: String::new(),
        }
    }

    #[test]
    fn the_action_filter_is_exact() {
        assert!(entry("user.create").matches_action_filter(""));
        assert!(entry("user.create").matches_action_filter("  "));
        assert!(entry("user.create").matches_action_filter(" user.create "));
        assert!(!entry("user.create").matches_action_filter("user"));
        assert!(!entry("user.create").matches_action_filter("User.create"));
    }

    #[test]
    fn connections_flatten_into_pages() {
        let json = serde_json::json!({
            "totalCount": 3,
            "pageInfo": { "hasNextPage": true, "endCursor": "c2" },
            "edges": [
                { "node": { "id": "a", "name": "dialer", "keyPrefix": "rl_ab", "scopes": ["OCS_VALIDATE"],
                            "createdAt": "2026-11-21T02:34:56Z", "lastUsedAt": null, "revokedAt": null } }
            ]
        });
        let connection: list_api_clients::ListApiClientsApiClients =
            serde_json::from_value(json).expect("parses");
        let page = Page::from(connection);
        assert_eq!(page.rows.len(), 1);
        assert_eq!(page.total_count, 3);
        assert!(page.has_next_page);
        assert_eq!(page.end_cursor.as_deref(), Some("c2"));
    }
}
