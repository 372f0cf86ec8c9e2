//! The upload wizard on a list's page: pick a file → preview its first rows
//! → map columns → choose the mode → live progress → result with the
//! rejected rows. The rules (guesses, validation, the mapping sent, the
//! progress numbers) live in `state::import`; this file only draws them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use web_sys::HtmlInputElement;

use crate::api::error::ApiError;
use crate::api::multipart::preview_bytes;
use crate::api::operations::{
    CreateImportMapping, GetImportJob, ImportContacts, ImportMappings, ImportProgress,
    PreviewImport, create_import_mapping, get_import_job, import_contacts, import_mappings,
    import_progress, preview_import,
};
use crate::api::schema_types::{ContactField, DeviceKind, ImportMode, Upload};
use crate::api::subscription::{sleep, subscribe};
use crate::components::feedback::{EmptyState, ErrorBanner, Loading};
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::format::format_count;
use crate::pages::rules::RulesPicker;
use crate::state::import::{
    CUSTOM_FIELDS, ColumnTarget, ImportSnapshot, MappingDraft, column_names, rejections_path,
    status_label,
};
use crate::state::session::Session;

/// Rows the preview shows.
const PREVIEW_ROWS: i64 = 10;
/// How often the job is polled while the live feed may be silent.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

type Preview = preview_import::PreviewImportPreviewImport;
type Job = get_import_job::GetImportJobImportJob;

/// Where the wizard is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Pick,
    Preview,
    Map,
    Mode,
    Progress,
    Result,
}

impl Step {
    const ALL: [(Step, &'static str); 6] = [
        (Step::Pick, "File"),
        (Step::Preview, "Preview"),
        (Step::Map, "Columns"),
        (Step::Mode, "Mode"),
        (Step::Progress, "Import"),
        (Step::Result, "Result"),
    ];

    fn index(self) -> usize {
        Step::ALL
            .iter()
            .position(|(step, _)| *step == self)
            .unwrap_or(0)
    }
}

/// Everything the steps share.
#[derive(Clone, Copy)]
struct Wizard {
    list_id: StoredValue<String>,
    step: RwSignal<Step>,
    file: StoredValue<Option<web_sys::File>, LocalStorage>,
    file_name: RwSignal<String>,
    preview: RwSignal<Option<Preview>>,
    draft: RwSignal<Option<MappingDraft>>,
    mode: RwSignal<ImportMode>,
    selection_rule_ids: RwSignal<Vec<String>>,
    split_rule_id: RwSignal<Option<String>>,
    job_id: RwSignal<Option<String>>,
    snapshot: RwSignal<ImportSnapshot>,
    job: RwSignal<Option<Job>>,
    error: RwSignal<Option<(String, ApiError)>>,
    busy: RwSignal<bool>,
}

/// The wizard panel; `on_close` runs when the user closes it.
#[component]
pub fn ImportWizard(
    list_id: String,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
    /// Called once the import is queued, so the page behind can show the list as importing.
    on_started: impl Fn() + Send + Sync + 'static,
    /// Called once when the import has ended, so the page behind can show the new contacts.
    on_finished: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let wizard = Wizard {
        list_id: StoredValue::new(list_id),
        step: RwSignal::new(Step::Pick),
        file: StoredValue::new_local(None),
        file_name: RwSignal::new(String::new()),
        preview: RwSignal::new(None),
        draft: RwSignal::new(None),
        mode: RwSignal::new(ImportMode::AppendOnly),
        selection_rule_ids: RwSignal::new(Vec::new()),
        split_rule_id: RwSignal::new(None),
        job_id: RwSignal::new(None),
        snapshot: RwSignal::new(ImportSnapshot::default()),
        job: RwSignal::new(None),
        error: RwSignal::new(None),
        busy: RwSignal::new(false),
    };
    let steps = Step::ALL
        .iter()
        .enumerate()
        .map(|(index, (step, label))| {
            let step = *step;
            let class = move || {
                let current = wizard.step.get().index();
                if index == current {
                    "steps__item steps__item--current"
                } else if index < current {
                    "steps__item steps__item--done"
                } else {
                    "steps__item"
                }
            };
            view! {
                <li
                    class=class
                    aria-current=move || (wizard.step.get() == step).then_some("step")
                >
                    <span class="steps__number">{index + 1}</span>
                    {*label}
                </li>
            }
        })
        .collect_view();
    Effect::new(move |_| match wizard.step.get() {
        Step::Progress => on_started(),
        Step::Result => on_finished(),
        _ => {}
    });
    let close = {
        let on_close = on_close.clone();
        move |_| on_close()
    };
    let body = move || match wizard.step.get() {
        Step::Pick => view! { <PickStep wizard /> }.into_any(),
        Step::Preview => view! { <PreviewStep wizard /> }.into_any(),
        Step::Map => view! { <MapStep wizard /> }.into_any(),
        Step::Mode => view! { <ModeStep wizard /> }.into_any(),
        Step::Progress => view! { <ProgressStep wizard /> }.into_any(),
        Step::Result => view! { <ResultStep wizard on_close=on_close.clone() /> }.into_any(),
    };
    let error = move || {
        wizard
            .error
            .get()
            .map(|(title, error)| view! { <ErrorBanner error title /> })
    };
    view! {
        <section id="import-wizard" class="panel wizard" aria-labelledby="import-wizard-title">
            <div class="wizard__header">
                <h2 id="import-wizard-title">"Import contacts"</h2>
                <button type="button" class="button button--secondary button--small" on:click=close>
                    "Close"
                </button>
            </div>
            <ol class="steps" aria-label="Import steps">{steps}</ol>
            {error}
            {body}
        </section>
    }
}

/// Step 1: choose a file; its start is previewed at once.
#[component]
fn PickStep(wizard: Wizard) -> impl IntoView {
    let session = Session::use_context();
    let on_change = move |event: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&event);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        let name = file.name();
        wizard.file_name.set(name.clone());
        wizard.file.set_value(Some(file.clone()));
        wizard.error.set(None);
        wizard.busy.set(true);
        leptos::task::spawn_local(async move {
            let end = preview_bytes(&name, file.size());
            let result = match file.slice_with_f64_and_f64(0.0, end) {
                Ok(start) => {
                    let variables = preview_import::Variables {
                        file: Upload,
                        rows: PREVIEW_ROWS,
                    };
                    session
                        .execute_with_file::<PreviewImport>(variables, &start, &name)
                        .await
                }
                Err(_) => Err(ApiError::new(
                    crate::api::error::ErrorKind::Protocol,
                    "The browser could not read the file.",
                )),
            };
            wizard.busy.try_set(false);
            match result {
                Ok(data) => {
                    let preview = data.preview_import;
                    let widest = preview
                        .rows
                        .iter()
                        .filter_map(|row| row.cells.as_ref().map(Vec::len))
                        .max()
                        .unwrap_or(0);
                    let names = column_names(preview.headers.as_deref(), widest);
                    let by_header = preview.headers.is_some();
                    wizard
                        .draft
                        .try_set(Some(MappingDraft::guessed(names, by_header)));
                    wizard.preview.try_set(Some(preview));
                    wizard.step.try_set(Step::Preview);
                }
                Err(error) => {
                    wizard
                        .error
                        .try_set(Some(("The file could not be read".to_owned(), error)));
                }
            }
        });
    };
    view! {
        <div class="field">
            <label class="field__label" for="import-file">"File to import"</label>
            <input class="input" id="import-file" type="file"
                accept=".csv,.txt,.tsv,.gz,.zip,text/csv,text/plain"
                aria-describedby="import-file-hint" on:change=on_change />
            <p class="field__hint" id="import-file-hint">
                "CSV or other delimited text, optionally .gz or .zip. The first rows are shown before anything is imported."
            </p>
        </div>
        <Show when=move || wizard.busy.get()>
            <Loading what=format!("a preview of {}", wizard.file_name.get_untracked()) />
        </Show>
    }
}

/// Step 2: the first rows as the import will read them.
#[component]
fn PreviewStep(wizard: Wizard) -> impl IntoView {
    let Some(preview) = wizard.preview.get_untracked() else {
        return ().into_any();
    };
    let names = wizard
        .draft
        .with_untracked(|draft| draft.as_ref().map(|d| d.names.clone()))
        .unwrap_or_default();
    let column_count = names.len();
    let delimiter = match preview.delimiter.as_deref() {
        Some("\t") => "Tab".to_owned(),
        Some(" ") => "Space".to_owned(),
        Some(other) => format!("“{other}”"),
        None => "Fixed width".to_owned(),
    };
    let rows = preview
        .rows
        .iter()
        .map(|row| {
            let line = row.line;
            match (&row.cells, &row.error) {
                (Some(cells), None) => {
                    let cells = (0..column_count.max(cells.len()))
                        .map(|index| {
                            view! { <td>{cells.get(index).cloned().unwrap_or_default()}</td> }
                        })
                        .collect_view();
                    view! { <tr><td class="table__number">{line}</td>{cells}</tr> }.into_any()
                }
                (cells, error) => {
                    let reason = error.clone().unwrap_or_default();
                    let raw = cells.as_ref().map(|cells| cells.join(" · ")).unwrap_or_default();
                    view! {
                        <tr class="table__row--error">
                            <td class="table__number">{line}</td>
                            <td colspan=column_count.max(1)>
                                <span class="badge badge--danger">"Will be rejected"</span>
                                " "{reason}
                                {(!raw.is_empty()).then(|| view! { <span class="muted">" — "{raw}</span> })}
                            </td>
                        </tr>
                    }
                    .into_any()
                }
            }
        })
        .collect_view();
    let header_cells = names
        .iter()
        .map(|name| view! { <th scope="col">{name.clone()}</th> })
        .collect_view();
    let empty = preview.rows.is_empty();
    view! {
        <p class="wizard__facts">
            <strong>{wizard.file_name.get_untracked()}</strong>
            " · Delimiter: "{delimiter}
            " · Encoding: "{preview.encoding.clone()}
            " · Compression: "{preview.compression.clone()}
        </p>
        {if empty {
            view! { <EmptyState message="The file has no rows to import." /> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="table table--compact">
                        <caption class="visually-hidden">"Preview of the first rows"</caption>
                        <thead>
                            <tr><th scope="col">"Line"</th>{header_cells}</tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <div class="form__actions">
            <button type="button" class="button button--primary" disabled=empty
                on:click=move |_| wizard.step.set(Step::Map)>
                "Next: map columns"
            </button>
            <button type="button" class="button button--secondary"
                on:click=move |_| wizard.step.set(Step::Pick)>
                "Choose another file"
            </button>
        </div>
    }
    .into_any()
}

/// The options of a column's select, grouped.
fn target_options(selected: ColumnTarget) -> impl IntoView {
    let option = move |target: ColumnTarget| {
        view! {
            <option value=target.value() selected=target == selected>{target.label()}</option>
        }
    };
    view! {
        {option(ColumnTarget::Ignore)}
        <optgroup label="Contact">
            {ContactField::ALL.map(|field| option(ColumnTarget::Field(field))).to_vec()}
        </optgroup>
        <optgroup label="Devices">
            {DeviceKind::ALL.map(|kind| option(ColumnTarget::Device(kind))).to_vec()}
        </optgroup>
        <optgroup label="Custom fields">
            {(1..=CUSTOM_FIELDS).map(|n| option(ColumnTarget::Custom(n))).collect::<Vec<_>>()}
        </optgroup>
    }
}

/// Step 3: what each column fills, the default country, saved mappings.
#[component]
fn MapStep(wizard: Wizard) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let Some(draft) = wizard.draft.get_untracked() else {
        return ().into_any();
    };
    let first_row: Vec<String> = wizard
        .preview
        .with_untracked(|preview| {
            preview
                .as_ref()
                .and_then(|preview| preview.rows.iter().find_map(|row| row.cells.clone()))
        })
        .unwrap_or_default();
    let saved = LocalResource::new(move || async move {
        session
            .execute::<ImportMappings>(import_mappings::Variables)
            .await
            .map(|data| data.import_mappings.nodes)
    });
    let country = RwSignal::new(draft.default_country.clone());
    // Redraws the selects after a saved mapping replaced every choice.
    let revision = RwSignal::new(0_u32);
    let rows = move || {
        revision.track();
        let draft = wizard
            .draft
            .get_untracked()
            .unwrap_or_else(|| draft.clone());
        draft
            .names
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let id = format!("import-column-{index}");
                let label_for = id.clone();
                let sample = first_row.get(index).cloned().unwrap_or_default();
                let selected = draft.targets[index];
                view! {
                    <tr>
                        <td><label for=label_for>{name.clone()}</label></td>
                        <td class="muted">{sample}</td>
                        <td>
                            <select class="select" id=id
                                on:change=move |event| {
                                    if let Some(target) = ColumnTarget::from_value(&event_target_value(&event)) {
                                        wizard.draft.update(|draft| {
                                            if let Some(draft) = draft {
                                                draft.targets[index] = target;
                                            }
                                        });
                                    }
                                }>
                                {target_options(selected)}
                            </select>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    Effect::new(move |_| {
        let value = country.get();
        wizard.draft.update(|draft| {
            if let Some(draft) = draft {
                draft.default_country = value;
            }
        });
    });
    let problems = Memo::new(move |_| {
        wizard.draft.with(|draft| {
            draft
                .as_ref()
                .map(MappingDraft::problems)
                .unwrap_or_default()
        })
    });
    let saved_options = move || {
        saved.get().and_then(Result::ok).map(|mappings| {
            mappings
                .into_iter()
                .map(|mapping| view! { <option value=mapping.id>{mapping.name}</option> })
                .collect_view()
        })
    };
    let apply_saved = move |event: leptos::ev::Event| {
        let id = event_target_value(&event);
        let Some(spec) = saved
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|mappings| mappings.into_iter().find(|m| m.id == id).map(|m| m.spec))
        else {
            return;
        };
        let mut outcome = Ok(());
        wizard.draft.update(|draft| {
            if let Some(draft) = draft {
                outcome = draft.apply_saved(&spec);
                country.set(draft.default_country.clone());
            }
        });
        match outcome {
            Ok(()) => revision.update(|n| *n += 1),
            Err(message) => wizard.error.set(Some((
                "The saved mapping was not applied".to_owned(),
                ApiError::new(crate::api::error::ErrorKind::BadUserInput, message),
            ))),
        }
    };
    let save_name = RwSignal::new(String::new());
    let save = Action::new_local(move |name: &String| {
        let name = name.clone();
        let spec = wizard
            .draft
            .with_untracked(|draft| draft.as_ref().map(MappingDraft::to_spec));
        async move {
            let Some(spec) = spec else { return };
            let mapping = match spec.to_input::<create_import_mapping::ImportMappingInput>() {
                Ok(mapping) => mapping,
                Err(message) => {
                    wizard.error.set(Some((
                        "The mapping was not saved".to_owned(),
                        ApiError::new(crate::api::error::ErrorKind::Protocol, message),
                    )));
                    return;
                }
            };
            let variables = create_import_mapping::Variables { name, mapping };
            match session.execute::<CreateImportMapping>(variables).await {
                Ok(data) => {
                    toasts.success(format!(
                        "Mapping “{}” saved",
                        data.create_import_mapping.name
                    ));
                    save_name.set(String::new());
                    wizard.error.set(None);
                    saved.refetch();
                }
                Err(error) => wizard
                    .error
                    .set(Some(("The mapping was not saved".to_owned(), error))),
            }
        }
    });
    let on_save = move |event: SubmitEvent| {
        event.prevent_default();
        let name = save_name.get_untracked().trim().to_owned();
        if !name.is_empty() {
            save.dispatch_local(name);
        }
    };
    let problem_list = move || {
        let problems = problems.get();
        (!problems.is_empty()).then(|| {
            view! {
                <ul class="wizard__problems" role="status">
                    {problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <div class="wizard__toolbar">
            <div class="field">
                <label class="field__label" for="import-country">"Default country"</label>
                <input class="input input--short" id="import-country" type="text" maxlength="2"
                    autocomplete="off" bind:value=country />
                <span class="field__hint">"For numbers written without a country code."</span>
            </div>
            <div class="field">
                <label class="field__label" for="import-saved-mapping">"Use saved mapping"</label>
                <select class="select" id="import-saved-mapping" on:change=apply_saved>
                    <option value="" selected=true>"Choose a saved mapping…"</option>
                    {saved_options}
                </select>
            </div>
        </div>
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Column mapping"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Column"</th>
                        <th scope="col">"First row"</th>
                        <th scope="col">"Maps to"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {problem_list}
        <form class="wizard__save" on:submit=on_save>
            <label class="field__label" for="import-mapping-name">"Save this mapping as…"</label>
            <input class="input" id="import-mapping-name" type="text" autocomplete="off"
                placeholder="e.g. CRM export" bind:value=save_name />
            <button type="submit" class="button button--secondary"
                disabled=move || save.pending().get() || save_name.with(|n| n.trim().is_empty())>
                "Save mapping"
            </button>
        </form>
        <div class="form__actions">
            <button type="button" class="button button--primary"
                disabled=move || !problems.with(Vec::is_empty)
                on:click=move |_| wizard.step.set(Step::Mode)>
                "Next: choose mode"
            </button>
            <button type="button" class="button button--secondary"
                on:click=move |_| wizard.step.set(Step::Preview)>
                "Back"
            </button>
        </div>
    }
    .into_any()
}

/// Step 4: append, replace or update; then start.
#[component]
fn ModeStep(wizard: Wizard) -> impl IntoView {
    let session = Session::use_context();
    let choices = ImportMode::ALL
        .into_iter()
        .map(|mode| {
            let id = format!("import-mode-{}", mode.wire_name());
            let label_for = id.clone();
            view! {
                <label class="choice" for=label_for>
                    <input type="radio" name="import-mode" id=id value=mode.wire_name()
                        checked=move || wizard.mode.get() == mode
                        on:change=move |_| wizard.mode.set(mode) />
                    <span>
                        <strong class="choice__title">{mode.label()}</strong>
                        <span class="choice__description">{mode.description()}</span>
                    </span>
                </label>
            }
        })
        .collect_view();
    let start = move |_| {
        let Some(file) = wizard.file.get_value() else {
            return;
        };
        let Some(spec) = wizard
            .draft
            .with_untracked(|draft| draft.as_ref().map(MappingDraft::to_spec))
        else {
            return;
        };
        let mapping = match spec.to_input::<import_contacts::ImportMappingInput>() {
            Ok(mapping) => mapping,
            Err(message) => {
                wizard.error.set(Some((
                    "The import was not started".to_owned(),
                    ApiError::new(crate::api::error::ErrorKind::Protocol, message),
                )));
                return;
            }
        };
        let variables = import_contacts::Variables {
            list_id: wizard.list_id.get_value(),
            file: Upload,
            mode: wizard.mode.get_untracked(),
            mapping: Some(mapping),
            selection_rule_ids: Some(wizard.selection_rule_ids.get_untracked())
                .filter(|ids| !ids.is_empty()),
            split_rule_id: wizard.split_rule_id.get_untracked(),
        };
        let name = wizard.file_name.get_untracked();
        wizard.busy.set(true);
        wizard.error.set(None);
        leptos::task::spawn_local(async move {
            let result = session
                .execute_with_file::<ImportContacts>(variables, &file, &name)
                .await;
            wizard.busy.try_set(false);
            match result {
                Ok(data) => {
                    wizard.snapshot.try_set(ImportSnapshot {
                        status: data.import_contacts.status,
                        ..ImportSnapshot::default()
                    });
                    wizard.job_id.try_set(Some(data.import_contacts.id));
                    wizard.step.try_set(Step::Progress);
                }
                Err(error) => {
                    wizard
                        .error
                        .try_set(Some(("The import was not started".to_owned(), error)));
                }
            }
        });
    };
    view! {
        <fieldset class="choices">
            <legend class="field__label">"What to do with the list's current contacts"</legend>
            {choices}
        </fieldset>
        <RulesPicker selection_rule_ids=wizard.selection_rule_ids split_rule_id=wizard.split_rule_id />
        <div class="form__actions">
            <button type="button" class="button button--primary"
                disabled=move || wizard.busy.get() on:click=start>
                {move || if wizard.busy.get() { "Uploading…" } else { "Start import" }}
            </button>
            <button type="button" class="button button--secondary"
                disabled=move || wizard.busy.get()
                on:click=move |_| wizard.step.set(Step::Map)>
                "Back"
            </button>
        </div>
    }
}

/// Loads the job; once it has ended, shows the result.
async fn refresh_job(session: Session, wizard: Wizard, job_id: String) {
    let variables = get_import_job::Variables { id: job_id };
    match session.execute::<GetImportJob>(variables).await {
        Ok(data) => {
            let snapshot = ImportSnapshot::from(&data.import_job);
            let current = wizard.snapshot.try_get_untracked().unwrap_or_default();
            if snapshot.supersedes(&current) || snapshot.is_finished() {
                wizard.snapshot.try_set(snapshot.clone());
            }
            if snapshot.is_finished() && wizard.step.try_get_untracked() == Some(Step::Progress) {
                wizard.job.try_set(Some(data.import_job));
                wizard.step.try_set(Step::Result);
            }
        }
        Err(error) => {
            wizard.error.try_set(Some((
                "Could not load the import's progress".to_owned(),
                error,
            )));
        }
    }
}

/// Step 5: the live progress bar, fed by the subscription and a 2 s poll.
#[component]
fn ProgressStep(wizard: Wizard) -> impl IntoView {
    let session = Session::use_context();
    let Some(job_id) = wizard.job_id.get_untracked() else {
        return ().into_any();
    };
    let variables = import_progress::Variables {
        job_id: job_id.clone(),
    };
    let live = {
        let job_id = job_id.clone();
        subscribe::<ImportProgress>(session, variables, move |data| {
            let snapshot = ImportSnapshot::from(data.import_progress);
            let current = wizard.snapshot.get_untracked();
            if snapshot.supersedes(&current) {
                let finished = snapshot.is_finished();
                wizard.snapshot.set(snapshot);
                if finished {
                    leptos::task::spawn_local(refresh_job(session, wizard, job_id.clone()));
                }
            }
        })
    };
    leptos::task::spawn_local(async move {
        while wizard.step.try_get_untracked() == Some(Step::Progress) {
            refresh_job(session, wizard, job_id.clone()).await;
            sleep(POLL_EVERY).await;
        }
    });
    let percent = move || wizard.snapshot.with(ImportSnapshot::percent);
    let bar = move || {
        let percent = percent();
        let width = format!("{}%", percent.unwrap_or(0));
        view! {
            <div class="progress" role="progressbar" aria-label="Import progress"
                aria-valuemin="0" aria-valuemax="100"
                aria-valuenow=percent.map(|p| p.to_string())>
                <div class="progress__bar" style:width=width></div>
            </div>
        }
    };
    let fact = move |label: &'static str, value: Signal<String>| {
        view! {
            <div class="summary__item">
                <dt>{label}</dt>
                <dd class="summary__number">{value}</dd>
            </div>
        }
    };
    let snapshot = wizard.snapshot;
    view! {
        <p class="wizard__facts" role="status">
            <strong>{move || snapshot.with(|s| status_label(&s.status))}</strong>
            {move || percent().map(|p| format!(" · {p}%"))}
            {move || live.last_error.get().map(|_| " · live updates paused, checking every 2 s")}
        </p>
        {bar}
        <dl class="summary">
            {fact("Rows read", Signal::derive(move || format_count(snapshot.with(|s| s.rows_read))))}
            {fact("Rejected", Signal::derive(move || format_count(snapshot.with(|s| s.rejected))))}
            {fact("Duplicates", Signal::derive(move || format_count(snapshot.with(|s| s.duplicates))))}
        </dl>
    }
    .into_any()
}

/// Step 6: the counts, the error, the first rejected rows and their download.
#[component]
fn ResultStep(
    wizard: Wizard,
    on_close: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let Some(job) = wizard.job.get_untracked() else {
        return ().into_any();
    };
    let failed = job.status == "FAILED";
    let job_id = job.id.clone();
    let download = Action::new_local(move |_: &()| {
        let path = rejections_path(&job_id);
        async move { session.download(&path, "rejected-rows.csv").await }
    });
    let shown = job.rejections.nodes.len();
    let total = job.rejections.total_count;
    let rejection_rows = job
        .rejections
        .nodes
        .iter()
        .map(|rejection| {
            view! {
                <tr>
                    <td class="table__number">{rejection.line}</td>
                    <td>{rejection.reason.clone()}</td>
                    <td><code>{rejection.raw.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    let outcome = if failed {
        view! {
            <div class="banner banner--error" role="alert">
                <strong class="banner__title">"The import failed"</strong>
                <span>{job.error.clone().unwrap_or_else(|| "No reason was given.".to_owned())}</span>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="banner banner--ok" role="status">
                <strong class="banner__title">"Import finished"</strong>
                <span>{format!("{} rows read.", format_count(job.rows_read))}</span>
            </div>
        }
        .into_any()
    };
    view! {
        {outcome}
        <dl class="summary wizard__counts">
            <div class="summary__item">
                <dt>"Accepted"</dt>
                <dd class="summary__number" id="import-accepted">{format_count(job.accepted)}</dd>
            </div>
            <div class="summary__item">
                <dt>"Rejected"</dt>
                <dd class="summary__number" id="import-rejected">{format_count(job.rejected)}</dd>
            </div>
            <div class="summary__item">
                <dt>"Duplicates"</dt>
                <dd class="summary__number" id="import-duplicates">{format_count(job.duplicates)}</dd>
            </div>
        </dl>
        {(shown > 0).then(|| view! {
            <h3 class="wizard__subtitle">
                {if i64::try_from(shown).unwrap_or(0) < total {
                    format!("Rejected rows (first {shown} of {total})")
                } else {
                    "Rejected rows".to_owned()
                }}
            </h3>
            <DataTable caption="Rejected rows" headers=vec!["Line", "Reason", "Row"]>
                {rejection_rows}
            </DataTable>
        })}
        {move || download.value().get().and_then(Result::err).map(|error| view! {
            <ErrorBanner error title="The rejected rows could not be downloaded" />
        })}
        <div class="form__actions">
            {(job.rejected > 0).then(|| view! {
                <button type="button" class="button button--secondary"
                    disabled=move || download.pending().get()
                    on:click=move |_| { download.dispatch_local(()); }>
                    "Download rejected rows (CSV)"
                </button>
            })}
            <button type="button" class="button button--primary"
                on:click=move |_| on_close()>
                "Close"
            </button>
        </div>
    }
    .into_any()
}
