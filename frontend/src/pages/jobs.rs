//! `/jobs`: the tenant's scheduled jobs (kind, schedule, next firing in the
//! job's zone, latest run) and, below them, the SFTP connections the jobs
//! pick files up from (`sftp`). Every role reads them; administrators,
//! supervisors and list managers create, change, delete and run them. The
//! editor is `editor` (`/jobs/new`, `/jobs/:id/edit`), one job's page with
//! its live run history is `detail` (`/jobs/:id`).

pub mod cron_helper;
pub mod detail;
pub mod editor;
pub mod runs;
pub mod sftp;
pub mod sftp_editor;
pub mod targets;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::error::ApiError;
use crate::api::jobs::{
    DeleteJob, Job, JobRun, Jobs, RunJobNow, delete_job, jobs, reread_all, run_job_now,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, Loading, confirm};
use crate::components::page::PageHeader;
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::pages::jobs::sftp::SftpConnectionsSection;
use crate::state::jobs::runs::{last_run_time, next_firing_label, run_status_badge};
use crate::state::jobs::schedule_label;
use crate::state::nav::can_manage_jobs;
use crate::state::session::Session;

/// The Jobs page.
#[component]
pub fn JobsPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let navigate = use_navigate();
    let can_manage = Memo::new(move |_| can_manage_jobs(session.role()));
    let jobs = LocalResource::new(move || async move {
        let data = session.execute::<Jobs>(jobs::Variables).await?;
        Ok::<_, ApiError>(reread_all::<_, Job>(&data.jobs))
    });
    let delete = Action::new_local(move |(id, name): &(String, String)| {
        let variables = delete_job::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<DeleteJob>(variables).await;
            jobs.refetch();
            result.map(|_| toasts.success(format!("{name} deleted")))
        }
    });
    let run_now = Action::new_local(move |(id, name): &(String, String)| {
        let variables = run_job_now::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<RunJobNow>(variables).await;
            jobs.refetch();
            result.map(|_| toasts.success(format!("{name} queued")))
        }
    });
    let table = move || {
        jobs.get().map(|loaded| match loaded {
            Err(error) => view! { <ErrorBanner error title="Could not load jobs" /> }.into_any(),
            Ok(rows) => {
                view! { <JobsTable rows can_manage=can_manage.get_untracked() delete run_now /> }
                    .into_any()
            }
        })
    };
    view! {
        <PageHeader title="Jobs">
            <Show when=move || can_manage.get()>
                <button type="button" class="button button--primary"
                    on:click={
                        let navigate = navigate.clone();
                        move |_| navigate("/jobs/new", Default::default())
                    }>
                    "New job"
                </button>
            </Show>
        </PageHeader>
        <p class="page-intro">
            {move || if can_manage.get() {
                "Jobs run on a cron schedule in their own time zone: they pick files up over \
                 SFTP and import them, export results, start and stop campaigns, and purge old data."
            } else {
                "Jobs run on a cron schedule in their own time zone. Read-only: administrators, \
                 supervisors and list managers change and run them."
            }}
        </p>
        <section aria-labelledby="jobs-title">
            <h2 class="section-title" id="jobs-title">"Scheduled jobs"</h2>
            <ActionErrorBanner action=delete title="The job was not deleted" />
            <ActionErrorBanner action=run_now title="The job was not started" />
            <Transition fallback=move || view! { <Loading what="jobs" /> }>{table}</Transition>
        </section>
        <SftpConnectionsSection can_manage />
    }
}

/// The jobs table.
#[component]
fn JobsTable(
    rows: Vec<Job>,
    can_manage: bool,
    delete: Action<(String, String), Result<(), ApiError>>,
    run_now: Action<(String, String), Result<(), ApiError>>,
) -> impl IntoView {
    if rows.is_empty() {
        let message = if can_manage {
            "No jobs yet. Create one with \u{201c}New job\u{201d}."
        } else {
            "No jobs yet."
        };
        return view! { <EmptyState message /> }.into_any();
    }
    let mut headers = vec![
        "Name",
        "Kind",
        "Schedule",
        "Enabled",
        "Next firing",
        "Last run",
    ];
    if can_manage {
        headers.push("");
    }
    let rows = rows
        .into_iter()
        .map(|job| {
            let next_firing = next_firing_label(&job);
            let next_title = job.next_firings.first().map(|firing| firing.at.clone());
            let last_run = job.last_run.clone();
            let (job_id, job_name) = (job.id.clone(), job.name.clone());
            let actions = can_manage.then(move || {
                let request = (job_id.clone(), job_name.clone());
                let run_request = request.clone();
                let question = format!("Delete the job \u{201c}{}\u{201d} and its run history?", job_name);
                let edit_href = format!("/jobs/{}/edit", job_id);
                view! {
                    <td class="table__actions">
                        <button type="button" class="button button--small button--secondary"
                            aria-label=format!("Run {} now", job_name)
                            disabled=move || run_now.pending().get()
                            on:click=move |_| { run_now.dispatch_local(run_request.clone()); }>
                            "Run now"
                        </button>
                        <A href=edit_href attr:class="button button--small button--secondary">"Edit"</A>
                        <button type="button" class="button button--small button--danger"
                            aria-label=format!("Delete {}", job_name)
                            disabled=move || delete.pending().get()
                            on:click=move |_| {
                                if confirm(&question) {
                                    delete.dispatch_local(request.clone());
                                }
                            }>
                            "Delete"
                        </button>
                    </td>
                }
            });
            let link_text = job.name.clone();
            view! {
                <tr data-job=job.name.clone()>
                    <td><A href=format!("/jobs/{}", job.id)>{link_text}</A></td>
                    <td>{job.kind.label()}</td>
                    <td class="table__nowrap"><code>{schedule_label(&job.cron, &job.time_zone)}</code></td>
                    <td>{if job.enabled { "Yes" } else { "No" }}</td>
                    <td class="table__nowrap" title=next_title>{next_firing}</td>
                    <td class="table__nowrap"><LastRunCell run=last_run /></td>
                    {actions}
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Jobs" headers>{rows}</DataTable> }.into_any()
}

/// The latest run's status badge and time, or "Never".
#[component]
fn LastRunCell(run: Option<JobRun>) -> impl IntoView {
    match run {
        None => view! { <span class="muted">"Never"</span> }.into_any(),
        Some(run) => {
            let badge = run_status_badge(run.status);
            view! {
                <span class=badge.class>{badge.label}</span>
                " "
                <span class="muted">{last_run_time(&run)}</span>
            }
            .into_any()
        }
    }
}
