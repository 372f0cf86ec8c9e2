//! `/login`: e-mail and password for a token; back to where the user was.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::error::{ApiError, FieldError};
use crate::api::http;
use crate::api::operations::{Login, login};
use crate::components::feedback::ErrorBanner;
use crate::components::form::TextField;
use crate::format::safe_return_path;
use crate::state::forms::LoginDraft;
use crate::state::models::CurrentUser;
use crate::state::session::Session;

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = Session::use_context();
    let navigate = use_navigate();
    let query = use_query_map();
    let return_path = Memo::new(move |_| safe_return_path(query.read().get("next").as_deref()));

    // Signed in (now, or already on arrival): leave for the page asked for.
    Effect::new(move |_| {
        if session.is_signed_in() {
            let options = NavigateOptions {
                replace: true,
                ..NavigateOptions::default()
            };
            navigate(&return_path.get_untracked(), options);
        }
    });

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::new());
    let sign_in = Action::new_local(move |draft: &LoginDraft| {
        let variables = login::Variables {
            email: draft.email.trim().to_owned(),
            password: draft.password.clone(),
        };
        async move {
            let data = http::execute::<Login>(None, variables).await?;
            session.sign_in(data.login.token, CurrentUser::from(data.login.user));
            Ok::<(), ApiError>(())
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = LoginDraft {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let found = draft.problems();
        let ready = found.is_empty();
        problems.set(found);
        if ready {
            sign_in.dispatch_local(draft);
        }
    };
    let field_problem = move |field: &'static str| {
        move || {
            problems.with(|problems: &Vec<FieldError>| {
                problems
                    .iter()
                    .find(|problem| problem.field == field)
                    .map(|problem| problem.message.clone())
            })
        }
    };
    let server_error = move || sign_in.value().get().and_then(Result::err);

    view! {
        <main class="login">
            <form class="login__card" on:submit=on_submit novalidate>
                <div class="brand brand--large">
                    <span class="brand__mark" aria-hidden="true">"R"</span>
                    "Reachline"
                </div>
                <h1 class="login__title">"Sign in"</h1>
                {move || server_error().map(|error| view! { <ErrorBanner error /> })}
                <TextField
                    id="login-email"
                    label="E-mail"
                    value=email
                    input_type="email"
                    autocomplete="username"
                    required=true
                    error=Signal::derive(field_problem("email"))
                />
                <TextField
                    id="login-password"
                    label="Password"
                    value=password
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    error=Signal::derive(field_problem("password"))
                />
                <button
                    type="submit"
                    class="button button--primary button--block"
                    disabled=move || sign_in.pending().get()
                >
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
