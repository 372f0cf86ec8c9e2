//! A job's run history table: trigger, status badge, times, attempts,
//! counts, who fired it and its error; a run's "Log" button (or a click on
//! its row) opens its log lines underneath. The rows come from a signal the
//! job page keeps current from `jobRunUpdates`, so a running run's status
//! and log change in place.

use leptos::prelude::*;

use crate::api::jobs::{JobLogLine, JobRun};
use crate::components::feedback::EmptyState;
use crate::components::table::DataTable;
use crate::format::format_timestamp;
use crate::state::jobs::runs::{
    attempt_label, counts_label, log_level_badge, optional_time, run_status_badge, trigger_label,
};

/// The columns of the run history.
const RUN_HEADERS: [&str; 10] = [
    "Trigger",
    "Status",
    "Scheduled for",
    "Started",
    "Finished",
    "Attempt",
    "Counts",
    "Fired by",
    "Error",
    "",
];

/// The run history; `expanded` is the run whose log is open.
#[component]
pub fn RunsTable(runs: RwSignal<Vec<JobRun>>, expanded: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        let rows = runs.get();
        if rows.is_empty() {
            return view! { <EmptyState message="No runs yet." /> }.into_any();
        }
        let rows = rows
            .into_iter()
            .map(|run| view! { <RunRow run expanded /> })
            .collect_view();
        view! { <DataTable caption="Run history" headers=RUN_HEADERS.to_vec()>{rows}</DataTable> }
            .into_any()
    }
}

/// One run's row, and its log under it while open.
#[component]
fn RunRow(run: JobRun, expanded: RwSignal<Option<String>>) -> impl IntoView {
    let badge = run_status_badge(run.status);
    let id = run.id.clone();
    let is_open = {
        let id = id.clone();
        move || expanded.with(|open| open.as_deref() == Some(id.as_str()))
    };
    let toggle = {
        let id = id.clone();
        move || {
            expanded.update(|open| {
                *open = if open.as_deref() == Some(id.as_str()) {
                    None
                } else {
                    Some(id.clone())
                };
            });
        }
    };
    let toggle_on_button = toggle.clone();
    let log_id = format!("run-log-{}", run.id);
    let log = run.log.clone();
    let log_is_open = is_open.clone();
    view! {
        <tr data-run=run.id.clone() data-status=badge.label class="table__row--clickable"
            on:click=move |_| toggle()>
            <td>{trigger_label(run.trigger)}</td>
            <td><span class=badge.class>{badge.label}</span></td>
            <td class="table__nowrap">{optional_time(run.scheduled_for.as_deref())}</td>
            <td class="table__nowrap">{optional_time(run.started_at.as_deref())}</td>
            <td class="table__nowrap">{optional_time(run.finished_at.as_deref())}</td>
            <td class="table__number">{attempt_label(run.attempt, run.max_attempts)}</td>
            <td>{counts_label(&run.counts)}</td>
            <td>{run.fired_by.clone().unwrap_or_else(|| "—".to_owned())}</td>
            <td class="text-danger">{run.error.clone().unwrap_or_default()}</td>
            <td class="table__actions">
                <button type="button" class="button button--small button--secondary"
                    aria-expanded=move || is_open().to_string()
                    aria-controls=log_id.clone()
                    on:click=move |event| {
                        event.stop_propagation();
                        toggle_on_button();
                    }>
                    "Log"
                </button>
            </td>
        </tr>
        <Show when=move || log_is_open()>
            <tr class="run-log-row" id=format!("run-log-{id}")>
                <td colspan=RUN_HEADERS.len().to_string()>
                    <RunLog lines=log.clone() />
                </td>
            </tr>
        </Show>
    }
}

/// A run's log lines, oldest first.
#[component]
fn RunLog(lines: Vec<JobLogLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="muted">"The log is empty."</p> }.into_any();
    }
    let rows = lines
        .into_iter()
        .map(|line| {
            let badge = log_level_badge(line.level);
            view! {
                <tr>
                    <td><span class=badge.class>{badge.label}</span></td>
                    <td class="table__nowrap" title=line.at.clone()>{format_timestamp(&line.at)}</td>
                    <td>{line.message}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="run-log" aria-label="Run log">
            <DataTable caption="Run log" headers=vec!["Level", "Time", "Message"]>{rows}</DataTable>
        </section>
    }
    .into_any()
}
