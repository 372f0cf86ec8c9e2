//! The Imports section of a list's page: its imports, newest first, with
//! their counts, the error of a failed one, the rejected rows to download and
//! the lists a split import wrote to. It reloads when the page's revision
//! moves (an import wizard closed) and every 2 s while an import waits or runs.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::error::ApiError;
use crate::api::list_imports::{ImportPartRow, ImportRow, ListImports, any_active, list_imports};
use crate::api::subscription::sleep;
use crate::components::feedback::{ActionErrorBanner, EmptyState};
use crate::components::table::{DataTable, PagedTable};
use crate::format::{format_count, format_timestamp};
use crate::state::import::rejections_path;
use crate::state::models::Page;
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE};
use crate::state::session::Session;

/// How often the table reloads while an import waits or runs (the wizard's pace).
const POLL_EVERY: Duration = Duration::from_secs(2);

/// A rejected-rows download: the job and the name to save the file under.
type DownloadRequest = (String, String);

/// The list's imports as a paged table, reloaded on `revision` and while any
/// import on the page is under way.
#[component]
pub fn ImportsSection(
    /// The list whose imports are shown.
    list_id: String,
    /// Moved by the page when an import wizard closes: the table reloads.
    revision: RwSignal<u32>,
    /// Runs once the imports that were under way have all ended, so the page
    /// can reload what they changed (the list's status and contacts).
    on_settled: impl Fn() + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let pager = RwSignal::new(CursorPager::default());
    // Moved by the poll below: a reload without changing page.
    let poll_tick = RwSignal::new(0_u32);
    let imports = LocalResource::new(move || {
        revision.track();
        poll_tick.track();
        let variables = list_imports::Variables {
            list_id: list_id.clone(),
            first: Some(TABLE_PAGE_SIZE),
            after: pager.with(CursorPager::after),
        };
        // The label must describe the rows shown, not the page being fetched.
        let page_number = pager.with(CursorPager::page_number);
        async move {
            let data = session.execute::<ListImports>(variables).await?;
            let page = Page::<ImportRow>::from(data.contact_list.import_jobs);
            Ok::<_, ApiError>((page_number, page))
        }
    });

    // After each load that shows an import under way, wait and load again; a
    // load that shows none stops the loop (and tells the page they ended).
    let was_active = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(active) = imports.with(|loaded| match loaded {
            Some(Ok((_, page))) => Some(any_active(&page.rows)),
            _ => None,
        }) else {
            return;
        };
        if was_active.get_value() && !active {
            on_settled();
        }
        was_active.set_value(active);
        if active {
            leptos::task::spawn_local(async move {
                sleep(POLL_EVERY).await;
                // Gone meanwhile (the user left the page): nothing to reload.
                let _still_shown = poll_tick.try_update(|tick| *tick += 1);
            });
        }
    });

    let download = Action::new_local(move |(job_id, file_name): &DownloadRequest| {
        let path = rejections_path(job_id);
        let file_name = file_name.clone();
        async move { session.download(&path, &file_name).await }
    });

    view! {
        <section aria-labelledby="imports-title">
            <h2 id="imports-title" class="section-title">"Imports"</h2>
            <ActionErrorBanner action=download title="The rejected rows were not downloaded" />
            <PagedTable
                page=imports
                pager
                what="imports"
                error_title="Could not load imports"
                render_rows=move |rows| view! { <ImportsTable rows download /> }
            />
        </section>
    }
}

/// The table body: one row per import, or the empty state.
#[component]
fn ImportsTable(
    rows: Vec<ImportRow>,
    download: Action<DownloadRequest, Result<(), ApiError>>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyState message="No imports yet." /> }.into_any();
    }
    let headers = vec![
        "Started",
        "File",
        "Mode",
        "Status",
        "Accepted",
        "Rejected",
        "Duplicates",
        "Filtered",
        "",
    ];
    let rows = rows
        .into_iter()
        .map(|job| view! { <ImportRowView job download /> })
        .collect_view();
    view! {
        <DataTable caption="Imports" headers=headers>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// One import: when, which file, how, how it went, and its rejected rows.
#[component]
fn ImportRowView(
    job: ImportRow,
    download: Action<DownloadRequest, Result<(), ApiError>>,
) -> impl IntoView {
    let status = job.status_badge();
    let mode = job.mode_label();
    let failure = job.failure();
    let started_title = match &job.finished_at {
        Some(finished_at) => format!("Started {}, ended {finished_at}", job.created_at),
        None => format!("Started {}", job.created_at),
    };
    let download_button = job.has_rejections().then(|| {
        let request = (job.id.clone(), job.rejections_file_name());
        view! {
            <button
                type="button"
                class="button button--small button--secondary"
                disabled=move || download.pending().get()
                on:click=move |_| {
                    download.dispatch_local(request.clone());
                }
            >
                "Rejected rows (CSV)"
            </button>
        }
    });
    let parts = (!job.parts.is_empty()).then(|| view! { <SplitParts parts=job.parts.clone() /> });
    view! {
        <tr>
            <td class="table__nowrap" title=started_title>
                {format_timestamp(&job.created_at)}
            </td>
            <td class="imports__file">
                <span class="imports__file-name">{job.file_name.clone()}</span>
                {failure.map(|error| view! { <p class="imports__error">{error}</p> })}
                {parts}
            </td>
            <td class="table__nowrap">{mode}</td>
            <td>
                <span class=status.class>{status.label}</span>
            </td>
            <td class="table__number">{format_count(job.accepted)}</td>
            <td class="table__number">{format_count(job.rejected)}</td>
            <td class="table__number">{format_count(job.duplicates)}</td>
            <td class="table__number">{format_count(job.filtered)}</td>
            <td class="table__actions">{download_button}</td>
        </tr>
    }
}

/// The lists a split import wrote to, each a link to its page with what it received.
#[component]
fn SplitParts(parts: Vec<ImportPartRow>) -> impl IntoView {
    let items = parts
        .into_iter()
        .map(|part| {
            view! {
                <li>
                    <A href=format!("/lists/{}", part.list_id)>{part.name}</A>
                    <span class="muted">{format!(" ({})", format_count(part.accepted))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="imports__parts">
            <span class="muted">"Split into"</span>
            <ul>{items}</ul>
        </div>
    }
}
