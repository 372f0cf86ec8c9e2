//! `/audit`: who did what, newest first, with "Load more" paging, a filter
//! by action, and new events arriving live over the WebSocket.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::operations::{
    AuditEventAdded, ListAuditEvents, audit_event_added, list_audit_events,
};
use crate::api::subscription::{Subscription, subscribe};
use crate::components::feedback::{EmptyState, ErrorBanner, Loading};
use crate::components::page::PageHeader;
use crate::components::table::DataTable;
use crate::format::{format_timestamp, object_label};
use crate::state::models::AuditEntry;
use crate::state::paging::{FEED_PAGE_SIZE, Feed};
use crate::state::session::Session;

/// A page request: `after` is `None` for a fresh first page.
#[derive(Clone, Debug)]
struct PageRequest {
    action: String,
    after: Option<String>,
}

/// What a page request brought back.
type PageResult = Result<(Vec<AuditEntry>, bool, Option<String>), ApiError>;

/// The audit log page.
#[component]
pub fn AuditPage() -> impl IntoView {
    let session = Session::use_context();
    let feed = RwSignal::new(Feed::<AuditEntry>::default());
    let loaded_once = RwSignal::new(false);
    let filter_text = RwSignal::new(String::new());
    let applied_filter = RwSignal::new(String::new());

    // One action for first pages and "Load more"; `version` tells a stale
    // answer (the filter changed while it was in flight) from a current one.
    let load = Action::new_local(move |request: &PageRequest| {
        let request = request.clone();
        async move {
            let action = request.action.trim().to_owned();
            let variables = list_audit_events::Variables {
                first: Some(FEED_PAGE_SIZE),
                after: request.after.clone(),
                action: (!action.is_empty()).then_some(action.clone()),
            };
            let result: PageResult =
                session
                    .execute::<ListAuditEvents>(variables)
                    .await
                    .map(|data| {
                        let connection = data.audit_events;
                        let entries = connection
                            .edges
                            .into_iter()
                            .map(|edge| edge.node.into())
                            .collect();
                        (
                            entries,
                            connection.page_info.has_next_page,
                            connection.page_info.end_cursor,
                        )
                    });
            let still_current = applied_filter.get_untracked().trim() == action;
            if let (true, Ok((entries, has_more, end_cursor))) = (still_current, &result) {
                feed.update(|feed| {
                    let (entries, has_more, end_cursor) =
                        (entries.clone(), *has_more, end_cursor.clone());
                    if request.after.is_none() {
                        feed.replace(entries, has_more, end_cursor);
                    } else {
                        feed.append(entries, has_more, end_cursor);
                    }
                });
                loaded_once.set(true);
            }
            result.map(|_| ())
        }
    });
    load.dispatch_local(PageRequest {
        action: String::new(),
        after: None,
    });

    let live: Subscription =
        subscribe::<AuditEventAdded>(session, audit_event_added::Variables, move |data| {
            let entry = AuditEntry::from(data.audit_event_added);
            if entry.matches_action_filter(&applied_filter.get_untracked()) {
                feed.update(|feed| {
                    feed.prepend(entry);
                });
            }
        });

    let on_filter = move |event: SubmitEvent| {
        event.prevent_default();
        let action = filter_text.get_untracked().trim().to_owned();
        applied_filter.set(action.clone());
        loaded_once.set(false);
        feed.set(Feed::default());
        load.dispatch_local(PageRequest {
            action,
            after: None,
        });
    };
    let load_more = move |_| {
        if let Some(after) = feed.with_untracked(Feed::next_cursor) {
            load.dispatch_local(PageRequest {
                action: applied_filter.get_untracked(),
                after: Some(after),
            });
        }
    };

    view! {
        <PageHeader title="Audit log">
            <LiveIndicator live />
        </PageHeader>
        <form class="toolbar" role="search" on:submit=on_filter>
            <label class="toolbar__label" for="audit-action">"Action"</label>
            <input
                class="input toolbar__search"
                id="audit-action"
                type="search"
                placeholder="e.g. user.create (empty: all)"
                bind:value=filter_text
            />
            <button type="submit" class="button button--secondary">"Filter"</button>
        </form>
        {move || {
            load.value()
                .get()
                .and_then(Result::err)
                .map(|error| view! { <ErrorBanner error title="Could not load the audit log" /> })
        }}
        {move || {
            if !loaded_once.get() {
                return load.pending().get().then(|| view! { <Loading what="audit events" /> }.into_any());
            }
            if feed.with(|feed| feed.items().is_empty()) {
                return Some(view! { <EmptyState message="No audit events match." /> }.into_any());
            }
            Some(view! { <AuditTable feed /> }.into_any())
        }}
        <Show when=move || feed.with(Feed::has_more)>
            <div class="load-more">
                <button
                    type="button"
                    class="button button--secondary"
                    disabled=move || load.pending().get()
                    on:click=load_more
                >
                    {move || if load.pending().get() { "Loading…" } else { "Load more" }}
                </button>
            </div>
        </Show>
    }
}

/// The events as table rows, newest first; keyed so a live event inserts
/// one row instead of redrawing the table.
#[component]
fn AuditTable(feed: RwSignal<Feed<AuditEntry>>) -> impl IntoView {
    let headers = vec!["Time", "Actor", "Action", "Object", "Client IP", "Detail"];
    view! {
        <DataTable caption="Audit events" headers=headers>
            <For
                each=move || feed.with(|feed| feed.items().to_vec())
                key=|entry| entry.id.clone()
                children=|entry| view! { <AuditRow entry /> }
            />
        </DataTable>
    }
}

/// One event.
#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let (at, detail) = (entry.at.clone(), entry.detail.clone());
    view! {
        <tr>
            <td class="table__nowrap" title=at>{format_timestamp(&entry.at)}</td>
            <td>{entry.actor_label}</td>
            <td><code>{entry.action}</code></td>
            <td class="table__nowrap">{object_label(&entry.object_type, entry.object_id.as_deref())}</td>
            <td>{entry.client_ip.unwrap_or_else(|| "—".to_owned())}</td>
            <td class="table__detail" title=detail>{entry.detail}</td>
        </tr>
    }
}

/// The socket's state as a coloured dot and a word, announced politely.
#[component]
fn LiveIndicator(live: Subscription) -> impl IntoView {
    view! {
        <span class=move || live.state.with(|state| state.css_class()) role="status" aria-live="polite">
            <span class="live-indicator__dot" aria-hidden="true"></span>
            {move || live.state.with(|state| state.label())}
            {move || {
                live.last_error
                    .get()
                    .map(|error| view! { <span class="visually-hidden">{error.message}</span> })
            }}
        </span>
    }
}
