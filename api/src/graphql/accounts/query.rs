//! Queries: the caller and the user directory.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;
use workers::accounts::users;
use workers::page::PageRequest;

use super::types::User;
use crate::graphql::error::{ApiError, GraphqlResultExt};
use crate::graphql::relay::{CountedConnection, connection, decode_cursor, wants_total};
use crate::graphql::{principal, services};

/// Parses an `ID` argument as a UUID (`BAD_USER_INPUT` otherwise).
pub fn parse_id(field: &str, id: &ID) -> async_graphql::Result<Uuid> {
    Uuid::parse_str(id.as_str())
        .map_err(|_| ApiError::bad_input(field, "is not a valid id"))
        .gql()
}

/// Account queries.
#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let principal = principal(ctx)?;
        users::get(&services(ctx).db, principal.tenant_id, principal.user_id)
            .await
            .map(User)
            .gql()
    }

    /// Users of the caller's tenant, by e-mail (ADMIN, SUPERVISOR).
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
        #[graphql(desc = "Part of an e-mail or name.")] search: Option<String>,
    ) -> async_graphql::Result<CountedConnection<User>> {
        let principal = principal(ctx)?;
        let after = decode_cursor(after.as_deref()).gql()?;
        let page = users::list(
            services(ctx),
            principal,
            PageRequest::new(first, wants_total(ctx)),
            after.as_deref(),
            search.as_deref(),
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after.is_some(),
            |user| user.email.clone(),
            User,
        ))
    }

    /// One user of the caller's tenant (ADMIN, SUPERVISOR); another tenant's user is `NOT_FOUND`.
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's id.")] id: ID,
    ) -> async_graphql::Result<User> {
        let principal = principal(ctx)?;
        principal.require(domain::Permission::ViewUsers).gql()?;
        let id = parse_id("id", &id)?;
        users::get(&services(ctx).db, principal.tenant_id, id)
            .await
            .map(User)
            .gql()
    }
}
