//! Uploading a file of values into a suppression list: pick a CSV, choose
//! append or replace, follow the job (`suppressionImport`, polled every
//! second) to its result with the rejected rows and their line numbers, and
//! the list's recent uploads.

use std::time::Duration;

use leptos::html::Input;
use leptos::prelude::*;

use crate::api::compliance_types::{SuppressionImportMode, SuppressionKind};
use crate::api::error::{ApiError, ErrorKind};
use crate::api::schema_types::Upload;
use crate::api::subscription::sleep;
use crate::api::suppression::{
    GetSuppressionImport, ImportSuppressionEntries, SuppressionImportDetail, SuppressionImportRow,
    get_suppression_import, import_suppression_entries,
};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{TextField, field_message};
use crate::components::table::DataTable;
use crate::format::{format_count, format_timestamp};
use crate::state::forms::{default_country, field_error};
use crate::state::import::DEFAULT_COUNTRY;
use crate::state::session::Session;
use crate::state::suppression::{import_is_active, import_status_badge, safe_file_stem};

/// How often a running upload is polled.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// The "Upload a file" panel; `on_finished` runs when the job has ended.
#[component]
pub fn UploadPanel(
    list_id: String,
    kind: SuppressionKind,
    on_finished: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let phones = kind == SuppressionKind::Phone;
    let country = RwSignal::new(DEFAULT_COUNTRY.to_owned());
    let file_input = NodeRef::<Input>::new();
    let mode = RwSignal::new(SuppressionImportMode::Append);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let job = RwSignal::new(None::<SuppressionImportDetail>);
    let list_id = StoredValue::new(list_id);

    let follow = move |job_id: String| {
        leptos::task::spawn_local(async move {
            loop {
                let variables = get_suppression_import::Variables { id: job_id.clone() };
                match session.execute::<GetSuppressionImport>(variables).await {
                    Ok(data) => {
                        let detail = data.suppression_import;
                        let active = import_is_active(&detail.status);
                        if job.try_set(Some(detail)).is_some() {
                            return; // The page is gone.
                        }
                        if !active {
                            busy.try_set(false);
                            on_finished();
                            return;
                        }
                    }
                    Err(failure) => {
                        busy.try_set(false);
                        error.try_set(Some(failure));
                        return;
                    }
                }
                sleep(POLL_EVERY).await;
            }
        });
    };
    let start = move |_| {
        let Some(file) = file_input
            .get()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            error.set(Some(ApiError::new(
                ErrorKind::BadUserInput,
                "Choose a file first.",
            )));
            return;
        };
        let default_country = if phones {
            match default_country(&country.get_untracked()) {
                Ok(country) => country,
                Err(message) => {
                    error.set(Some(ApiError::from_field_errors(vec![field_error(
                        "defaultCountry",
                        message,
                    )])));
                    return;
                }
            }
        } else {
            None
        };
        let variables = import_suppression_entries::Variables {
            list_id: list_id.get_value(),
            file: Some(Upload),
            mode: Some(mode.get_untracked()),
            reason: None,
            expires_at: None,
            default_country,
        };
        let name = file.name();
        busy.set(true);
        error.set(None);
        job.set(None);
        leptos::task::spawn_local(async move {
            let result = session
                .execute_with_file::<ImportSuppressionEntries>(variables, &file, &name)
                .await;
            match result {
                Ok(data) => follow(data.import_suppression_entries.id),
                Err(failure) => {
                    busy.try_set(false);
                    error.try_set(Some(failure));
                }
            }
        });
    };
    let modes = SuppressionImportMode::ALL
        .iter()
        .map(|&choice| {
            let id = format!(
                "suppression-mode-{}",
                choice.wire_name().to_ascii_lowercase()
            );
            let label_for = id.clone();
            view! {
                <label class="check-chip" for=label_for>
                    <input type="radio" name="suppression-mode" id=id value=choice.wire_name()
                        prop:checked=move || mode.get() == choice
                        on:change=move |_| mode.set(choice) />
                    <span>{choice.label()}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="panel form" aria-labelledby="upload-title">
            <h2 id="upload-title">"Upload a file"</h2>
            {move || error.get().filter(|error| error.needs_banner(&["defaultCountry"])).map(|error| view! {
                <ErrorBanner error title="The upload did not go through" />
            })}
            <div class="field">
                <label class="field__label" for="suppression-file">"CSV file"</label>
                <p class="field__hint" id="suppression-file-hint">
                    "One value per row in the first column; a header row is skipped. Rows that cannot be read are listed with their line."
                </p>
                <input class="input" id="suppression-file" type="file" node_ref=file_input
                    accept=".csv,.txt,text/csv,text/plain" aria-describedby="suppression-file-hint" />
            </div>
            {phones.then(|| view! {
                <TextField id="suppression-file-country" label="Default country" value=country
                    autocomplete="off" hint="For numbers written without a country code." error=field_message(error, "defaultCountry") />
            })}
            <fieldset class="check-group">
                <legend class="field__label">"What to do with the list's current values"</legend>
                <div class="check-group__boxes">{modes}</div>
            </fieldset>
            <div class="form__actions">
                <button type="button" class="button button--primary" disabled=move || busy.get() on:click=start>
                    {move || if busy.get() { "Uploading…" } else { "Upload" }}
                </button>
            </div>
            {move || job.get().map(|detail| view! { <UploadResult detail /> })}
        </section>
    }
}

/// The job's progress, then its counts and rejected rows.
#[component]
fn UploadResult(detail: SuppressionImportDetail) -> impl IntoView {
    let session = Session::use_context();
    let badge = import_status_badge(&detail.status);
    let running = import_is_active(&detail.status);
    let download_name = format!("{}-rejected-rows.csv", safe_file_stem(&detail.file_name));
    let url = detail.rejections_url.clone();
    let download = Action::new_local(move |_: &()| {
        let url = url.clone();
        let name = download_name.clone();
        async move { session.download(&url, &name).await }
    });
    let rejections = detail.rejections.clone();
    let rejected_table = (!rejections.is_empty()).then(|| {
        let rows = rejections
            .into_iter()
            .map(|row| {
                view! {
                    <tr class="table__row--error">
                        <td class="table__number">{row.line}</td>
                        <td>{row.reason}</td>
                        <td><code>{row.raw}</code></td>
                    </tr>
                }
            })
            .collect_view();
        view! { <DataTable caption="Rejected rows" headers=vec!["Line", "Why", "Row"]>{rows}</DataTable> }
    });
    view! {
        <div class="upload-result" role="status">
            <p>
                <span class=badge.class>{badge.label}</span>" "
                <strong>{detail.file_name.clone()}</strong>
                {format!(
                    " — {} rows read, {} added, {} already present, {} rejected",
                    format_count(detail.rows_read),
                    format_count(detail.added),
                    format_count(detail.already_present),
                    format_count(detail.rejected),
                )}
            </p>
            {running.then(|| view! { <Loading what="the upload's progress" /> })}
            {detail.error.clone().map(|message| view! {
                <div class="banner banner--error" role="alert">{message}</div>
            })}
            {rejected_table}
            {(detail.rejected > 0).then(|| view! {
                <button type="button" class="button button--secondary button--small"
                    on:click=move |_| { download.dispatch_local(()); }>
                    "Download rejected rows (CSV)"
                </button>
            })}
            {move || download.value().get().and_then(Result::err).map(|error| view! {
                <ErrorBanner error title="The download failed" />
            })}
        </div>
    }
}

/// The list's recent uploads, newest first.
#[component]
pub fn UploadsTable(imports: Vec<SuppressionImportRow>) -> impl IntoView {
    if imports.is_empty() {
        return ().into_any();
    }
    let rows = imports
        .into_iter()
        .map(|upload| {
            let badge = import_status_badge(&upload.status);
            view! {
                <tr>
                    <td>{upload.file_name.clone()}{upload.error.clone().map(|error| view! { <div class="imports__error">{error}</div> })}</td>
                    <td>{upload.mode.label()}</td>
                    <td><span class=badge.class>{badge.label}</span></td>
                    <td class="table__number">{format_count(upload.rows_read)}</td>
                    <td class="table__number">{format_count(upload.added)}</td>
                    <td class="table__number">{format_count(upload.rejected)}</td>
                    <td class="table__nowrap" title=upload.created_at.clone()>{format_timestamp(&upload.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let headers = vec![
        "File", "Mode", "Status", "Rows", "Added", "Rejected", "Started",
    ];
    view! {
        <section aria-labelledby="uploads-title">
            <h2 id="uploads-title" class="section-title">"Uploads"</h2>
            <DataTable caption="Uploads" headers>{rows}</DataTable>
        </section>
    }
    .into_any()
}
