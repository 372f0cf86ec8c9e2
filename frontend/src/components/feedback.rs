//! Feedback blocks: error banners (also for a failed action), loading and
//! empty states, and the confirmation question before a destructive action.

use leptos::prelude::*;

use crate::api::error::{ApiError, ErrorKind};

/// A red banner for a failed call, announced at once (`role="alert"`).
#[component]
pub fn ErrorBanner(
    /// The error to explain.
    error: ApiError,
    /// What the user was doing, e.g. "Could not load users".
    #[prop(optional, into)]
    title: Option<String>,
) -> impl IntoView {
    view! {
        <div class="banner banner--error" role="alert">
            {title.map(|title| view! { <strong class="banner__title">{title}</strong> })}
            <span>{error.banner_text()}</span>
        </div>
    }
}

/// The banner for `action`'s last run when it failed; nothing otherwise.
#[component]
pub fn ActionErrorBanner<Input, Output>(
    /// The action to watch, e.g. a row's "Revoke".
    action: Action<Input, Result<Output, ApiError>>,
    /// What did not happen, e.g. "The client was not revoked".
    #[prop(into)]
    title: String,
) -> impl IntoView
where
    Input: 'static,
    Output: Clone + 'static,
{
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorBanner error title=title.clone() /> })
    }
}

/// A neutral "Loading…" line for data on its way.
#[component]
pub fn Loading(
    /// What is loading, e.g. "users".
    #[prop(into)]
    what: String,
) -> impl IntoView {
    view! {
        <p class="loading" role="status">
            <span class="spinner" aria-hidden="true"></span>
            {format!("Loading {what}…")}
        </p>
    }
}

/// A message for a table with no rows.
#[component]
pub fn EmptyState(
    /// The explanation, e.g. "No users match this search."
    #[prop(into)]
    message: String,
) -> impl IntoView {
    view! { <p class="empty-state">{message}</p> }
}

/// Asks the browser's own yes/no question (a modal dialog every assistive
/// technology knows); true when the user confirmed.
pub fn confirm(question: &str) -> bool {
    window().confirm_with_message(question).unwrap_or(false)
}

/// What stands instead of a Lists-section page whose object cannot be loaded (`what`: "list", "contact").
#[component]
pub fn Unavailable(error: ApiError, what: &'static str) -> impl IntoView {
    let title = if error.kind == ErrorKind::NotFound {
        format!("This {what} does not exist or was deleted")
    } else {
        format!("Could not load the {what}")
    };
    view! {
        <crate::components::page::Breadcrumbs
            trail=vec![crate::components::page::Crumb::link("Lists", "/lists"), crate::components::page::Crumb::here("Unavailable")] />
        <ErrorBanner error title />
        <p>
            <leptos_router::components::A href="/lists">"Back to all lists"</leptos_router::components::A>
        </p>
    }
}
