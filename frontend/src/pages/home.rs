//! `/`: who is signed in, compliance alerts (emergency stop on, numbering
//! data not refreshed), and shortcuts to the sections their role opens.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page::PageHeader;
use crate::pages::compliance::data_status::ComplianceAlerts;
use crate::state::nav::sections_for;
use crate::state::session::Session;

/// The home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let session = Session::use_context();
    move || {
        let Some(user) = session.user() else {
            return ().into_any();
        };
        let sections = sections_for(user.role);
        let shortcuts = if sections.is_empty() {
            view! {
                <p class="muted">
                    "Your role opens no sections of Reachline. Ask an administrator \
                     if you need access."
                </p>
            }
            .into_any()
        } else {
            view! {
                <ul class="shortcut-list">
                    {sections
                        .into_iter()
                        .map(|entry| {
                            view! {
                                <li>
                                    <A href=entry.path>{entry.label}</A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        };
        view! {
            <PageHeader title=format!("Welcome, {}", user.display_name) />
            <ComplianceAlerts />
            <section class="panel" aria-labelledby="home-account">
                <h2 id="home-account">"Your account"</h2>
                <dl class="facts">
                    <dt>"E-mail"</dt>
                    <dd>{user.email}</dd>
                    <dt>"Role"</dt>
                    <dd>
                        <span class="badge badge--role">{user.role.label()}</span>
                    </dd>
                    <dt>"Tenant"</dt>
                    <dd>{user.tenant_name}</dd>
                </dl>
            </section>
            <section class="panel" aria-labelledby="home-sections">
                <h2 id="home-sections">"Where to go"</h2>
                {shortcuts}
            </section>
        }
        .into_any()
    }
}
