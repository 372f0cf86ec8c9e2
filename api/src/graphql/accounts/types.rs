//! GraphQL types of the accounts domain, mapped from entities and domain types.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;
use workers::Services;

use crate::graphql::error::{ApiError, GraphqlResultExt};

/// The role of a user; decides what they may see and change.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::UserRole")]
pub enum UserRole {
    /// Manages users, API clients and every tenant setting.
    Admin,
    /// Runs campaigns and watches the floor.
    Supervisor,
    /// Loads and maintains contact lists.
    ListManager,
    /// Owns rule sets, suppression lists and the emergency stop.
    ComplianceOfficer,
    /// Reads dashboards; changes nothing.
    Viewer,
}

/// An organisation sharing this installation.
#[derive(SimpleObject, Clone)]
pub struct Tenant {
    /// Stable id.
    pub id: ID,
    /// Unique name.
    pub name: String,
}

/// Batches tenant look-ups of one request into one query.
pub struct TenantLoader(pub Services);

impl Loader<Uuid> for TenantLoader {
    type Value = Tenant;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Tenant>, Self::Error> {
        let rows = entity::tenant::Entity::find()
            .filter(entity::tenant::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0.db)
            .await
            .map_err(workers::ServiceError::from)
            .gql()?;
        Ok(rows
            .into_iter()
            .map(|row| {
                (
                    row.id,
                    Tenant {
                        id: ID(row.id.to_string()),
                        name: row.name,
                    },
                )
            })
            .collect())
    }
}

/// A person who signs in to Reachline.
pub struct User(pub entity::user::Model);

#[Object]
impl User {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Login e-mail, lower-case.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Name shown in the UI.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// What the user may do.
    async fn role(&self) -> async_graphql::Result<UserRole> {
        domain::UserRole::parse(&self.0.role)
            .map(UserRole::from)
            .ok_or(ApiError::Internal)
            .gql()
    }

    /// Disabled users cannot sign in and their tokens stop working.
    async fn disabled(&self) -> bool {
        self.0.disabled
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the user last signed in.
    async fn last_login_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_login_at
    }

    /// The user's tenant.
    async fn tenant(&self, ctx: &Context<'_>) -> async_graphql::Result<Tenant> {
        ctx.data::<DataLoader<TenantLoader>>()?
            .load_one(self.0.tenant_id)
            .await?
            .ok_or(ApiError::NotFound("tenant not found".into()))
            .gql()
    }
}

/// A successful sign-in.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Bearer token for `Authorization: Bearer …` and the WebSocket `connection_init` payload.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
}

/// A new user.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Login e-mail (unique across the installation).
    pub email: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// What the user may do.
    pub role: UserRole,
    /// Initial password (at least 10 characters).
    pub password: String,
}

/// Changes to a user; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateUserInput {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<UserRole>,
    /// Disable (true) or re-enable (false) the account.
    pub disabled: Option<bool>,
    /// New password (at least 10 characters).
    pub password: Option<String>,
}
