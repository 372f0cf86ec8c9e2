//! Reachline's web app: a Leptos single-page application rendered in the
//! browser (wasm32-unknown-unknown), served by the `api` role at `/`.
//!
//! Layout: `app` holds the router, `pages/` one module per route,
//! `components/` the shared look (shell, tables, forms, banners), `api/` the
//! typed GraphQL client, `state` the session and the plain-Rust rules the
//! pages follow. The pure parts (`api::error`, `api::operations`,
//! `api::dialers`, `api::campaigns`, `api::jobs`, `api::messaging`,
//! `api::personal_data`, `api::ws_protocol`, `api::multipart`,
//! `state::{nav, paging, forms, models, import, traffic, campaigns, jobs,
//! messaging, personal_data}`, `format`)
//! also compile on the host so `cargo test -p frontend` runs their tests
//! without a browser; everything that touches the DOM is wasm32-only.

// On the host only the pure modules are built, for their tests; their
// consumers (the components) are wasm32-only, so unused warnings there are noise.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod api;
mod format;
mod state;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod pages;

/// Mounts the app on `<body>`; panics are reported on the browser console.
#[cfg(target_arch = "wasm32")]
fn main() {
    std::panic::set_hook(Box::new(|panic| {
        leptos::logging::error!("reachline: {panic}");
    }));
    leptos::mount::mount_to_body(app::App);
}

/// The host build exists for the unit tests only.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Reachline web app runs in a browser: build it with scripts/build-spa");
}
