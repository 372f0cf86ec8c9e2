//! The app shell around every signed-in page: checks the session with `me`,
//! sends signed-out visitors to /login, and lays out the left navigation,
//! the header (who is signed in, "Sign out") and the page itself.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::error::ApiError;
use crate::api::operations::{Me, me};
use crate::components::feedback::ErrorBanner;
use crate::components::toast::ToastRegion;
use crate::format::login_path_returning_to;
use crate::state::models::CurrentUser;
use crate::state::nav::{may_open, section_for_path, sections_for};
use crate::state::session::Session;

/// The parent route of every signed-in page.
#[component]
pub fn Shell() -> impl IntoView {
    let session = Session::use_context();
    redirect_when_signed_out(session);

    let me = LocalResource::new(move || async move {
        let data = session.execute::<Me>(me::Variables).await?;
        let user = CurrentUser::from(data.me);
        session.set_user(user.clone());
        Ok::<CurrentUser, ApiError>(user)
    });

    move || match me.get() {
        None => view! {
            <div class="shell-loading" role="status">
                <span class="spinner" aria-hidden="true"></span>
                "Loading Reachline…"
            </div>
        }
        .into_any(),
        Some(Ok(_)) => view! { <Layout /> }.into_any(),
        // The redirect effect is already on its way to /login.
        Some(Err(error)) if error.is_unauthenticated() => ().into_any(),
        Some(Err(error)) => view! {
            <div class="shell-failure">
                <ErrorBanner error title="Reachline could not start" />
                <button type="button" class="button" on:click=move |_| me.refetch()>
                    "Try again"
                </button>
            </div>
        }
        .into_any(),
    }
}

/// Navigates to /login (remembering where the user was) whenever the session
/// ends: no token at start, `UNAUTHENTICATED` from any call, or "Sign out".
fn redirect_when_signed_out(session: Session) {
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if session.is_signed_in() {
            return;
        }
        let here = location.pathname.get_untracked();
        let options = NavigateOptions {
            replace: true,
            ..NavigateOptions::default()
        };
        navigate(&login_path_returning_to(&here), options);
    });
}

/// Navigation, header and the current page.
#[component]
fn Layout() -> impl IntoView {
    let session = Session::use_context();
    let location = use_location();
    let may_open_page = Memo::new(move |_| may_open(session.role(), &location.pathname.get()));
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <div class="app">
            <aside class="sidebar">
                <div class="brand">
                    <span class="brand__mark" aria-hidden="true">"R"</span>
                    "Reachline"
                </div>
                <Navigation />
            </aside>
            <div class="main-column">
                <Header />
                <main id="main" class="content" tabindex="-1">
                    <Show when=move || may_open_page.get() fallback=NotPermitted>
                        <Outlet />
                    </Show>
                </main>
            </div>
        </div>
        <ToastRegion />
    }
}

/// The left navigation: home plus the sections the user's role may open.
/// A section stays highlighted on its pages outside its own path (Lists on
/// a contact's page).
#[component]
fn Navigation() -> impl IntoView {
    let session = Session::use_context();
    let location = use_location();
    let current_section =
        Memo::new(move |_| section_for_path(&location.pathname.get()).map(|entry| entry.path));
    let section_links = move || {
        sections_for(session.role())
            .into_iter()
            .map(|entry| {
                let is_current = move || current_section.get() == Some(entry.path);
                view! {
                    <li class:nav__item--current=is_current>
                        <A href=entry.path>{entry.label}</A>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <nav class="nav" aria-label="Main">
            <ul>
                <li>
                    <A href="/" exact=true>
                        "Home"
                    </A>
                </li>
                {section_links}
            </ul>
        </nav>
    }
}

/// The top bar: tenant, the signed-in user and "Sign out".
#[component]
fn Header() -> impl IntoView {
    let session = Session::use_context();
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        signing_out.set(true);
        leptos::task::spawn_local(async move { session.sign_out().await });
    };
    let user = move || session.user();
    view! {
        <header class="topbar">
            <span class="topbar__tenant">{move || user().map(|user| user.tenant_name)}</span>
            <div class="topbar__user">
                <span class="topbar__identity">
                    <span class="topbar__name">{move || user().map(|user| user.display_name)}</span>
                    <span class="topbar__email">{move || user().map(|user| user.email)}</span>
                </span>
                <span class="badge badge--role">{move || session.role().label()}</span>
                <button
                    type="button"
                    class="button button--secondary"
                    disabled=move || signing_out.get()
                    on:click=sign_out
                >
                    "Sign out"
                </button>
            </div>
        </header>
    }
}

/// Shown instead of a page the user's role may not open.
#[component]
fn NotPermitted() -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Not available"</h1>
            <p>"Your role does not give access to this section. Ask an administrator if you need it."</p>
            <p>
                <A href="/">"Back to the home page"</A>
            </p>
        </section>
    }
}
