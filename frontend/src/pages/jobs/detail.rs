//! `/jobs/:id`: one job — its settings, its next five firings in its own
//! zone, "Run now", "Edit", "Enable"/"Disable", "Delete", and its run history
//! (`runs`) kept current by the `jobRunUpdates` subscription (with a slow
//! poll while a run is unfinished, in case the socket is down).

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::error::ApiError;
use crate::api::job_types::JobKind;
use crate::api::jobs::{
    DeleteJob, Job, JobDetail, JobRun, JobRunUpdates, RUN_HISTORY_SIZE, RunJobNow, UpdateJob,
    delete_job, job_detail, job_run_updates, reread, reread_all, run_job_now, update_job,
};
use crate::api::subscription::subscribe;
use crate::components::feedback::{ActionErrorBanner, ErrorBanner, Loading, confirm};
use crate::components::page::{Breadcrumbs, Crumb, PageHeader};
use crate::components::toast::Toasts;
use crate::pages::campaigns::LiveIndicator;
use crate::pages::jobs::runs::RunsTable;
use crate::state::jobs::draft::JobDraft;
use crate::state::jobs::runs::{is_finished, upsert_run};
use crate::state::jobs::schedule_label;
use crate::state::nav::can_manage_jobs;
use crate::state::session::Session;

/// How often the runs reload while one is unfinished (the subscription
/// usually gets there first).
const UNFINISHED_POLL: Duration = Duration::from_millis(3_000);

/// The job page; a new id in the address draws a fresh page.
#[component]
pub fn JobDetailPage() -> impl IntoView {
    let params = use_params_map();
    let job_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <JobPage job_id=job_id.get() /> }
}

/// One job's page.
#[component]
fn JobPage(job_id: String) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let can_manage = can_manage_jobs(session.role());
    let runs = RwSignal::new(Vec::<JobRun>::new());
    let expanded = RwSignal::new(None::<String>);
    let detail = LocalResource::new({
        let job_id = job_id.clone();
        move || {
            let variables = job_detail::Variables {
                id: job_id.clone(),
                first: RUN_HISTORY_SIZE,
            };
            async move { session.execute::<JobDetail>(variables).await }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(data)) = detail.get() {
            runs.set(reread_all(&data.job_runs));
        }
    });
    let merge = move |run: JobRun| {
        runs.try_update(|held| upsert_run(held, run, RUN_HISTORY_SIZE as usize));
    };
    let live = subscribe::<JobRunUpdates>(
        session,
        job_run_updates::Variables {
            job_id: Some(job_id.clone()),
        },
        move |data| merge(data.job_run_updates),
    );
    poll_while_unfinished(job_id.clone(), runs);
    let run_now = Action::new_local({
        let job_id = job_id.clone();
        move |_: &()| {
            let variables = run_job_now::Variables { id: job_id.clone() };
            async move {
                let data = session.execute::<RunJobNow>(variables).await?;
                merge(reread(&data.run_job_now));
                toasts.success("Run queued");
                Ok::<(), ApiError>(())
            }
        }
    });
    let header = move || {
        detail.get().map(|loaded| match loaded {
            Err(error) => view! {
                <Breadcrumbs trail=vec![Crumb::link("Jobs", "/jobs"), Crumb::here("Unavailable")] />
                <ErrorBanner error title="Could not load the job" />
            }
            .into_any(),
            Ok(data) => view! {
                <JobHeader job=reread(&data.job) can_manage run_now on_changed=move || detail.refetch() />
            }
            .into_any(),
        })
    };
    view! {
        <Transition fallback=move || view! { <Loading what="the job" /> }>{header}</Transition>
        <ActionErrorBanner action=run_now title="The job was not started" />
        <section class="rules-section" aria-labelledby="runs-title">
            <div class="section-header">
                <h2 class="section-title" id="runs-title">"Run history"</h2>
                <LiveIndicator live />
            </div>
            <RunsTable runs expanded />
        </section>
    }
}

/// Reloads the runs every `UNFINISHED_POLL` while one of them is unfinished.
fn poll_while_unfinished(job_id: String, runs: RwSignal<Vec<JobRun>>) {
    let session = Session::use_context();
    let tick = move || {
        let unfinished = runs
            .try_with_untracked(|held| held.iter().any(|run| !is_finished(run.status)))
            .unwrap_or(false);
        if !unfinished {
            return;
        }
        let variables = job_detail::Variables {
            id: job_id.clone(),
            first: RUN_HISTORY_SIZE,
        };
        leptos::task::spawn_local(async move {
            if let Ok(data) = session.execute::<JobDetail>(variables).await {
                for run in reread_all(&data.job_runs) {
                    runs.try_update(|held| upsert_run(held, run, RUN_HISTORY_SIZE as usize));
                }
            }
        });
    };
    if let Ok(handle) = set_interval_with_handle(tick, UNFINISHED_POLL) {
        on_cleanup(move || handle.clear());
    }
}

/// The job's title, actions, settings and next firings.
#[component]
fn JobHeader(
    job: Job,
    can_manage: bool,
    run_now: Action<(), Result<(), ApiError>>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let navigate = use_navigate();
    let trail = vec![Crumb::link("Jobs", "/jobs"), Crumb::here(job.name.clone())];
    let toggle = Action::new_local({
        let job = job.clone();
        move |_: &()| {
            let mut draft = JobDraft::from_job(&job);
            draft.enabled = !job.enabled;
            let id = job.id.clone();
            async move {
                let input = draft.to_input().map_err(ApiError::from_field_errors)?;
                let enabled = input.enabled;
                session
                    .execute::<UpdateJob>(update_job::Variables {
                        id,
                        input: reread(&input),
                    })
                    .await?;
                toasts.success(if enabled {
                    "Job enabled"
                } else {
                    "Job disabled"
                });
                on_changed();
                Ok::<(), ApiError>(())
            }
        }
    });
    let delete = Action::new_local({
        let (id, name) = (job.id.clone(), job.name.clone());
        move |_: &()| {
            let variables = delete_job::Variables { id: id.clone() };
            let name = name.clone();
            let navigate = navigate.clone();
            async move {
                session.execute::<DeleteJob>(variables).await?;
                toasts.success(format!("{name} deleted"));
                navigate("/jobs", Default::default());
                Ok::<(), ApiError>(())
            }
        }
    });
    let question = format!(
        "Delete the job \u{201c}{}\u{201d} and its run history?",
        job.name
    );
    let actions = can_manage.then(|| {
        let toggle_label = if job.enabled { "Disable" } else { "Enable" };
        view! {
            <button type="button" class="button button--primary" disabled=move || run_now.pending().get()
                on:click=move |_| { run_now.dispatch_local(()); }>
                {move || if run_now.pending().get() { "Starting…" } else { "Run now" }}
            </button>
            <A href=format!("/jobs/{}/edit", job.id) attr:class="button button--secondary">"Edit"</A>
            <button type="button" class="button button--secondary" disabled=move || toggle.pending().get()
                on:click=move |_| { toggle.dispatch_local(()); }>
                {toggle_label}
            </button>
            <button type="button" class="button button--danger" disabled=move || delete.pending().get()
                on:click=move |_| {
                    if confirm(&question) {
                        delete.dispatch_local(());
                    }
                }>
                "Delete"
            </button>
        }
    });
    let firings = if job.next_firings.is_empty() {
        let why = if job.enabled {
            "No upcoming firings."
        } else {
            "Disabled: the job does not fire."
        };
        view! { <p class="muted">{why}</p> }.into_any()
    } else {
        let items = job
            .next_firings
            .iter()
            .map(|firing| view! { <li title=firing.at.clone()>{firing.local.clone()}</li> })
            .collect_view();
        view! { <ol class="cron-preview" id="job-next-firings">{items}</ol> }.into_any()
    };
    view! {
        <Breadcrumbs trail />
        <PageHeader title=job.name.clone()>{actions}</PageHeader>
        <ActionErrorBanner action=toggle title="The job was not changed" />
        <ActionErrorBanner action=delete title="The job was not deleted" />
        <div class="panel-pair">
            <section class="panel" aria-labelledby="settings-title">
                <h2 class="section-title" id="settings-title">"Settings"</h2>
                <JobSettings job=job.clone() />
            </section>
            <section class="panel" aria-labelledby="firings-title">
                <h2 class="section-title" id="firings-title">"Next firings"</h2>
                <p class="muted">{format!("In {}", job.time_zone)}</p>
                {firings}
            </section>
        </div>
    }
}

/// The job's settings as a summary list (only what its kind uses).
#[component]
fn JobSettings(job: Job) -> impl IntoView {
    let mut facts: Vec<(&'static str, String)> = vec![
        ("Kind", job.kind.label().to_owned()),
        ("Schedule", schedule_label(&job.cron, &job.time_zone)),
        ("Enabled", if job.enabled { "Yes" } else { "No" }.to_owned()),
        ("After downtime", job.misfire_policy.label().to_owned()),
        (
            "Retries",
            format!("{} × every {} s", job.max_retries, job.retry_delay_seconds),
        ),
    ];
    if let Some(source) = &job.source {
        let connection = source
            .connection
            .as_ref()
            .map_or_else(|| source.connection_id.clone(), |named| named.name.clone());
        facts.push(("SFTP connection", connection));
        facts.push(("Directory", source.directory.clone()));
        facts.push(("Pattern", source.pattern.clone()));
        let after = match &source.move_to {
            Some(directory) => format!("{} to {directory}", source.after_pickup.label()),
            None => source.after_pickup.label().to_owned(),
        };
        facts.push(("After pickup", after));
        facts.push(("Settle", format!("{} s", source.settle_seconds)));
        facts.push((
            "Require a file",
            if source.require_file { "Yes" } else { "No" }.to_owned(),
        ));
    }
    let optional = [
        ("Contact list", job.contact_list_id.clone()),
        ("New list name", job.new_list_name.clone()),
        ("Import mapping", job.import_mapping_id.clone()),
        (
            "Import mode",
            job.import_mode.map(|mode| mode.label().to_owned()),
        ),
        ("Suppression list", job.suppression_list_id.clone()),
        ("Campaign", job.campaign_id.clone()),
    ];
    facts.extend(
        optional
            .into_iter()
            .filter_map(|(label, value)| value.map(|value| (label, value))),
    );
    if job.start_campaign {
        facts.push(("Start the campaign", "Yes".to_owned()));
    }
    if let Some(export) = &job.export {
        facts.push(("Export", export.source.label().to_owned()));
        facts.push((
            "Export to",
            format!("{}/{}", export.directory, export.file_name),
        ));
    }
    if job.kind == JobKind::Purge {
        facts.push(("Purge after", format!("{} days", job.purge_after_days)));
    }
    let items = facts
        .into_iter()
        .map(|(label, value)| {
            view! { <div class="summary__item"><dt>{label}</dt><dd>{value}</dd></div> }
        })
        .collect_view();
    view! { <dl class="summary">{items}</dl> }
}
