//! The signed-in session: the bearer token (kept in `localStorage` so a
//! reload keeps the user signed in) and the user it belongs to, shared with
//! every component through Leptos context.

use graphql_client::GraphQLQuery;
use leptos::prelude::*;

use crate::api::error::{ApiError, ErrorKind};
use crate::api::operations::{Logout, logout};
use crate::api::schema_types::UserRole;
use crate::api::{http, upload};
use crate::state::models::CurrentUser;

/// The `localStorage` key holding the bearer token.
const TOKEN_STORAGE_KEY: &str = "reachline.token";

/// The session: cheap to copy, reactive, provided once at the app's root.
#[derive(Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<String>>,
    user: RwSignal<Option<CurrentUser>>,
}

impl Session {
    /// Restores the token saved by an earlier visit and provides the session
    /// as context; call once, above the router.
    pub fn provide() -> Session {
        let session = Session {
            token: RwSignal::new(read_stored_token()),
            user: RwSignal::new(None),
        };
        provide_context(session);
        session
    }

    /// The session provided by `provide` (every component sits below it).
    pub fn use_context() -> Session {
        expect_context::<Session>()
    }

    /// Whether a token is held (tracked: re-runs effects when it changes).
    pub fn is_signed_in(&self) -> bool {
        self.token.with(Option::is_some)
    }

    /// The signed-in user once known (tracked).
    pub fn user(&self) -> Option<CurrentUser> {
        self.user.get()
    }

    /// The signed-in user's role; `Unknown` until known (tracked).
    pub fn role(&self) -> UserRole {
        self.user
            .with(|user| user.as_ref().map_or(UserRole::Unknown, |user| user.role))
    }

    /// Records a fresh login: the token is saved for the next visit.
    pub fn sign_in(&self, token: String, user: CurrentUser) {
        store_token(Some(&token));
        self.token.set(Some(token));
        self.user.set(Some(user));
    }

    /// Replaces the known user (after `me` answered).
    pub fn set_user(&self, user: CurrentUser) {
        self.user.set(Some(user));
    }

    /// The token for a subscription's `connection_init` (untracked).
    pub fn token_untracked(&self) -> Option<String> {
        self.token.get_untracked()
    }

    /// Forgets the token and the user; the shell then sends the user to /login.
    pub fn end(&self) {
        store_token(None);
        self.token.try_set(None);
        self.user.try_set(None);
    }

    /// Signs out: tells the server to revoke the token (best effort: the
    /// local session ends even when the server cannot be reached).
    pub async fn sign_out(&self) {
        let token = self.token_untracked();
        if token.is_some() {
            let _revoked = http::execute::<Logout>(token.as_deref(), logout::Variables).await;
        }
        self.end();
    }

    /// Runs `Operation` as the signed-in user; an `UNAUTHENTICATED` answer
    /// ends the session (the token expired or was revoked elsewhere).
    pub async fn execute<Operation: GraphQLQuery>(
        &self,
        variables: Operation::Variables,
    ) -> Result<Operation::ResponseData, ApiError> {
        let Some(token) = self.token_untracked() else {
            return Err(ApiError::new(
                ErrorKind::Unauthenticated,
                "You are not signed in.",
            ));
        };
        let result = http::execute::<Operation>(Some(&token), variables).await;
        if result.as_ref().is_err_and(ApiError::is_unauthenticated) {
            self.end();
        }
        result
    }

    /// Runs `Operation` with `file` as its `Upload` variable (a GraphQL
    /// multipart request); ends the session on `UNAUTHENTICATED` like `execute`.
    pub async fn execute_with_file<Operation: GraphQLQuery>(
        &self,
        variables: Operation::Variables,
        file: &web_sys::Blob,
        file_name: &str,
    ) -> Result<Operation::ResponseData, ApiError> {
        let token = self.require_token()?;
        let result =
            upload::execute_with_file::<Operation>(&token, variables, file, file_name).await;
        if result.as_ref().is_err_and(ApiError::is_unauthenticated) {
            self.end();
        }
        result
    }

    /// Downloads `path` (a REST export) with the bearer token as `file_name`.
    pub async fn download(&self, path: &str, file_name: &str) -> Result<(), ApiError> {
        let token = self.require_token()?;
        let result = upload::download(&token, path, file_name).await;
        if result.as_ref().is_err_and(ApiError::is_unauthenticated) {
            self.end();
        }
        result
    }

    fn require_token(&self) -> Result<String, ApiError> {
        self.token_untracked()
            .ok_or_else(|| ApiError::new(ErrorKind::Unauthenticated, "You are not signed in."))
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn read_stored_token() -> Option<String> {
    let token = local_storage()?.get_item(TOKEN_STORAGE_KEY).ok()??;
    (!token.is_empty()).then_some(token)
}

/// Saves or removes the token; storage can be unavailable (private mode,
/// quota): then the session just does not survive a reload.
fn store_token(token: Option<&str>) {
    let Some(storage) = local_storage() else {
        return;
    };
    let _ignored = match token {
        Some(token) => storage.set_item(TOKEN_STORAGE_KEY, token),
        None => storage.remove_item(TOKEN_STORAGE_KEY),
    };
}
