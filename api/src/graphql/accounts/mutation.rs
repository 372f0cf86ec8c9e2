//! Mutations: sign-in, sign-out and user administration (audited by the use cases).

use async_graphql::{Context, ID, Object};
use workers::accounts::users;

use super::query::parse_id;
use super::types::{CreateUserInput, LoginPayload, UpdateUserInput, User};
use crate::graphql::error::GraphqlResultExt;
use crate::graphql::{client_ip, principal, services};

/// Account mutations.
#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Signs in; failures are rate-limited per account and per client address.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Login e-mail.")] email: String,
        #[graphql(desc = "Password.", secret)] password: String,
    ) -> async_graphql::Result<LoginPayload> {
        let outcome = users::login(services(ctx), &email, &password, client_ip(ctx))
            .await
            .gql()?;
        Ok(LoginPayload {
            token: outcome.token.token,
            expires_at: outcome.token.expires_at,
            user: User(outcome.user),
        })
    }

    /// Ends the caller's token on every replica.
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let principal = principal(ctx)?;
        users::logout(services(ctx), principal).await.gql()?;
        Ok(true)
    }

    /// Creates a user in the caller's tenant (ADMIN).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> async_graphql::Result<User> {
        let principal = principal(ctx)?;
        let new_user = users::NewUser {
            email: input.email,
            display_name: input.display_name,
            role: input.role.into(),
            password: input.password,
        };
        users::create(services(ctx), principal, new_user)
            .await
            .map(User)
            .gql()
    }

    /// Changes a user of the caller's tenant (ADMIN): name, role, disabled, password.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's id.")] id: ID,
        input: UpdateUserInput,
    ) -> async_graphql::Result<User> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        let changes = users::UserChanges {
            display_name: input.display_name,
            role: input.role.map(Into::into),
            disabled: input.disabled,
            password: input.password,
        };
        users::update(services(ctx), principal, id, changes)
            .await
            .map(User)
            .gql()
    }
}
