//! Machine credentials for dialers and gateways.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use workers::accounts::api_clients;
use workers::page::PageRequest;

use crate::graphql::error::GraphqlResultExt;
use crate::graphql::relay::{CountedConnection, connection, decode_cursor, wants_total};
use crate::graphql::{principal, services};

/// What an API client may call.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::ApiScope")]
pub enum ApiScope {
    /// Pre-dial validation (`/ocs/v1/validate`, `/ocs/v1/validate/batch`).
    OcsValidate,
    /// Call report records (`/ocs/v1/history`).
    OcsHistory,
    /// Record leasing (`/ocs/v1/campaigns/{id}/records:lease`).
    OcsLease,
}

/// A machine credential (its key is shown once, at creation).
pub struct ApiClient(entity::api_client::Model);

#[Object]
impl ApiClient {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique name within the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Public start of the key, to tell keys apart.
    async fn key_prefix(&self) -> &str {
        &self.0.key_prefix
    }
    /// What the client may call.
    async fn scopes(&self) -> Vec<ApiScope> {
        api_clients::scopes_of(&self.0)
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When its key was last accepted (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    /// When it was revoked; a revoked key is refused.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A new API client.
#[derive(InputObject)]
pub struct CreateApiClientInput {
    /// Unique name within the tenant (e.g. the dialer's host).
    pub name: String,
    /// What it may call (at least one).
    pub scopes: Vec<ApiScope>,
}

/// A created client and its key.
#[derive(SimpleObject)]
pub struct CreateApiClientPayload {
    /// The client.
    pub api_client: ApiClient,
    /// The secret key: shown this once, store it in the dialer's configuration.
    pub key: String,
}

/// API client queries.
#[derive(Default)]
pub struct ApiClientsQuery;

#[Object]
impl ApiClientsQuery {
    /// The tenant's API clients, by name (ADMIN).
    async fn api_clients(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<ApiClient>> {
        let principal = principal(ctx)?;
        let after = decode_cursor(after.as_deref()).gql()?;
        let page = api_clients::list(
            services(ctx),
            principal,
            PageRequest::new(first, wants_total(ctx)),
            after.as_deref(),
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after.is_some(),
            |client| client.name.clone(),
            ApiClient,
        ))
    }
}

/// API client mutations.
#[derive(Default)]
pub struct ApiClientsMutation;

#[Object]
impl ApiClientsMutation {
    /// Creates an API client and returns its key once (ADMIN).
    async fn create_api_client(
        &self,
        ctx: &Context<'_>,
        input: CreateApiClientInput,
    ) -> async_graphql::Result<CreateApiClientPayload> {
        let principal = principal(ctx)?;
        let scopes: Vec<domain::ApiScope> = input.scopes.into_iter().map(Into::into).collect();
        let (client, key) = api_clients::create(services(ctx), principal, &input.name, &scopes)
            .await
            .gql()?;
        Ok(CreateApiClientPayload {
            api_client: ApiClient(client),
            key,
        })
    }

    /// Revokes an API client: its key is refused from now on (ADMIN).
    async fn revoke_api_client(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The client's id.")] id: ID,
    ) -> async_graphql::Result<ApiClient> {
        let principal = principal(ctx)?;
        let id = crate::graphql::accounts::parse_id("id", &id)?;
        api_clients::revoke(services(ctx), principal, id)
            .await
            .map(ApiClient)
            .gql()
    }
}
