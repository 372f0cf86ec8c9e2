//! The authenticated caller of a use case, and the audit actor it becomes.

use chrono::{DateTime, Utc};
use domain::{Permission, UserRole};
use uuid::Uuid;

use crate::ServiceError;
use crate::accounts::tokens::Claims;
use crate::audit::Actor;

/// A signed-in user, as established from a valid, unrevoked token of an enabled account.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The user's id.
    pub user_id: Uuid,
    /// The user's tenant: every query is scoped to it.
    pub tenant_id: Uuid,
    /// The user's e-mail (the audit label).
    pub email: String,
    /// The user's current role (read from the database on every request).
    pub role: UserRole,
    /// The token's claims, for logout.
    pub claims: Claims,
    /// Where the request came from, for the audit log.
    pub client_ip: Option<String>,
}

impl Principal {
    /// Fails with `FORBIDDEN` unless the role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ServiceError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// Ok when the role grants any of `permissions` (uploads serve contact
    /// and suppression lists alike).
    pub fn require_any(&self, permissions: &[Permission]) -> Result<(), ServiceError> {
        if permissions
            .iter()
            .any(|permission| self.role.allows(*permission))
        {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// This caller as an audit actor.
    pub fn actor(&self) -> Actor {
        Actor {
            tenant_id: self.tenant_id,
            user_id: Some(self.user_id),
            label: self.email.clone(),
            client_ip: self.client_ip.clone(),
        }
    }

    /// When the caller's token expires.
    pub fn token_expires_at(&self) -> DateTime<Utc> {
        self.claims.expires_at()
    }
}
