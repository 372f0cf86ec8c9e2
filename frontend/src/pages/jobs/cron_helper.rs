//! The job editor's schedule fields with the cron helper: the cron
//! expression and time zone (with a list of common zones), preset buttons,
//! and — 300 ms after the user stops typing — the server's `cronPreview`:
//! the next five firings in the job's zone, or its problems in red next to
//! the field they concern.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::jobs::{CronPreview, CronPreviewResult, PREVIEW_FIRINGS, cron_preview};
use crate::components::feedback::ErrorBanner;
use crate::state::jobs::{COMMON_TIME_ZONES, CRON_PRESETS, job_field_message, preview_problem};
use crate::state::session::Session;

/// How long typing must pause before the preview is asked for.
const PREVIEW_DEBOUNCE: Duration = Duration::from_millis(300);

/// The cron and zone fields, the presets and the live preview.
#[component]
pub fn ScheduleFields(
    /// The cron expression, two-way bound.
    cron: RwSignal<String>,
    /// The IANA zone, two-way bound.
    time_zone: RwSignal<String>,
    /// The last save's error, whose `cron` / `timeZone` problems show here too.
    save_error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let preview = debounced_preview(cron, time_zone);
    let problem = move |field: &'static str| {
        Signal::derive(move || {
            let from_save = || {
                save_error.with(|error| {
                    error
                        .as_ref()
                        .and_then(|error| job_field_message(error, field))
                        .map(str::to_owned)
                })
            };
            // A verdict on the current text wins over an older save's; the
            // server may also refuse the arguments outright (a GraphQL error
            // naming the field) instead of answering `valid: false`.
            preview.with(|preview| match preview {
                Some(Ok(preview)) => preview_problem(preview, field),
                Some(Err(error)) => job_field_message(error, field)
                    .map(str::to_owned)
                    .or_else(from_save),
                None => from_save(),
            })
        })
    };
    let cron_problem = problem("cron");
    let zone_problem = problem("timeZone");
    let presets = CRON_PRESETS
        .iter()
        .map(|&(label, expression)| {
            view! {
                <button type="button" class="button button--small button--secondary"
                    title=expression
                    on:click=move |_| cron.set(expression.to_owned())>
                    {label}
                </button>
            }
        })
        .collect_view();
    let zones = COMMON_TIME_ZONES
        .iter()
        .map(|zone| view! { <option value=*zone></option> })
        .collect_view();
    view! {
        <div class="field" class:field--invalid=move || cron_problem.get().is_some()>
            <label class="field__label" for="job-cron">"Cron expression"</label>
            <p class="field__hint" id="job-cron-hint">
                "minute hour day-of-month month day-of-week, or six fields with seconds first"
            </p>
            <input class="input input--code" id="job-cron" name="job-cron" autocomplete="off"
                spellcheck="false" bind:value=cron
                aria-invalid=move || cron_problem.get().map(|_| "true")
                aria-describedby=move || match cron_problem.get() {
                    Some(_) => "job-cron-hint job-cron-error",
                    None => "job-cron-hint",
                } />
            {move || cron_problem.get().map(|message| view! {
                <p class="field__error" id="job-cron-error" role="alert">{message}</p>
            })}
        </div>
        <div class="field" class:field--invalid=move || zone_problem.get().is_some()>
            <label class="field__label" for="job-time-zone">"Time zone"</label>
            <p class="field__hint" id="job-time-zone-hint">"An IANA zone; the schedule follows its daylight saving."</p>
            <input class="input" id="job-time-zone" name="job-time-zone" autocomplete="off"
                list="job-time-zones" bind:value=time_zone
                aria-invalid=move || zone_problem.get().map(|_| "true")
                aria-describedby=move || match zone_problem.get() {
                    Some(_) => "job-time-zone-hint job-time-zone-error",
                    None => "job-time-zone-hint",
                } />
            <datalist id="job-time-zones">{zones}</datalist>
            {move || zone_problem.get().map(|message| view! {
                <p class="field__error" id="job-time-zone-error" role="alert">{message}</p>
            })}
        </div>
        <div class="form__wide cron-helper">
            <div class="toolbar" role="group" aria-label="Cron presets">{presets}</div>
            <section aria-labelledby="cron-preview-title">
                <h4 id="cron-preview-title">"Next firings"</h4>
                <PreviewList preview />
            </section>
        </div>
    }
}

/// The preview's firings, a waiting line, or why there are none.
#[component]
fn PreviewList(preview: RwSignal<Option<Result<CronPreviewResult, ApiError>>>) -> impl IntoView {
    move || match preview.get() {
        None => view! { <p class="muted">"Enter a cron expression and a zone."</p> }.into_any(),
        Some(Err(error)) if error.field_errors.is_empty() => {
            view! { <ErrorBanner error title="Could not check the schedule" /> }.into_any()
        }
        Some(Err(_)) => {
            view! { <p class="muted">"Fix the schedule to see its next firings."</p> }.into_any()
        }
        Some(Ok(preview)) if !preview.valid => {
            view! { <p class="muted">"Fix the schedule to see its next firings."</p> }.into_any()
        }
        Some(Ok(preview)) => {
            let normalized = preview.normalized.clone();
            let firings = preview
                .next_firings
                .into_iter()
                .map(|firing| view! { <li title=firing.at>{firing.local}</li> })
                .collect_view();
            view! {
                <ol class="cron-preview" id="job-cron-preview">{firings}</ol>
                {normalized.map(|text| view! {
                    <p class="muted">"Read as " <code>{text}</code></p>
                })}
            }
            .into_any()
        }
    }
}

/// The preview of the current cron and zone, asked for once typing has
/// paused for `PREVIEW_DEBOUNCE`; answers to older text are dropped.
fn debounced_preview(
    cron: RwSignal<String>,
    time_zone: RwSignal<String>,
) -> RwSignal<Option<Result<CronPreviewResult, ApiError>>> {
    let session = Session::use_context();
    let preview = RwSignal::new(None::<Result<CronPreviewResult, ApiError>>);
    let latest = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let cron_text = cron.get().trim().to_owned();
        let zone = time_zone.get().trim().to_owned();
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        if cron_text.is_empty() || zone.is_empty() {
            preview.set(None);
            return;
        }
        let is_current = move || latest.try_get_value() == Some(ticket);
        set_timeout(
            move || {
                if !is_current() {
                    return;
                }
                let variables = cron_preview::Variables {
                    cron: cron_text,
                    time_zone: zone,
                    count: PREVIEW_FIRINGS,
                };
                leptos::task::spawn_local(async move {
                    let result = session
                        .execute::<CronPreview>(variables)
                        .await
                        .map(|data| data.cron_preview);
                    if is_current() {
                        preview.try_set(Some(result));
                    }
                });
            },
            PREVIEW_DEBOUNCE,
        );
    });
    preview
}
