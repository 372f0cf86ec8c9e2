//! `/jobs/new` and `/jobs/:id/edit`: the job editor. The form shows only the
//! blocks the chosen kind needs (`state::jobs::kind_needs`): the SFTP
//! source, a contact list or a new list per file, the import mapping and
//! mode, a suppression list, a campaign, the export, the purge age. The
//! schedule comes with the cron helper (`cron_helper`). The server's field
//! problems (`source.pattern`, `cron`, `campaignId`, …) land next to their
//! fields; `JobDraft` checks the form first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use wasm_bindgen::prelude::*;

use crate::api::error::ApiError;
use crate::api::job_types::{AfterPickup, ExportSource, JobKind, MisfirePolicy};
use crate::api::jobs::{
    CreateJob, GetJob, Job, JobEditorChoices, JobInput, SftpConnections, UpdateJob, create_job,
    get_job, job_editor_choices, reread, sftp_connections, update_job,
};
use crate::api::schema_types::ImportMode;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{CheckboxField, SelectField, TextField};
use crate::components::page::{Breadcrumbs, Crumb, PageHeader};
use crate::components::toast::Toasts;
use crate::pages::jobs::cron_helper::ScheduleFields;
use crate::pages::jobs::targets::{Choices, TargetFields, enum_choices};
use crate::state::jobs::draft::JobDraft;
use crate::state::jobs::{
    PATTERN_HINT, initial_time_zone, job_error_needs_banner, job_field_message, kind_needs,
};
use crate::state::session::Session;

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat`, to read the browser's zone.
    #[wasm_bindgen(js_namespace = Intl, js_name = DateTimeFormat)]
    type DateTimeFormat;

    /// `new Intl.DateTimeFormat()`.
    #[wasm_bindgen(catch, constructor, js_namespace = Intl, js_class = DateTimeFormat)]
    fn new() -> Result<DateTimeFormat, JsValue>;

    /// `resolvedOptions()`: the locale, calendar and zone in use.
    #[wasm_bindgen(method, js_name = resolvedOptions)]
    fn resolved_options(this: &DateTimeFormat) -> ResolvedDateTimeFormatOptions;

    /// What `resolvedOptions()` returns.
    type ResolvedDateTimeFormatOptions;

    /// The resolved IANA zone, e.g. "Europe/Berlin".
    #[wasm_bindgen(method, getter, js_name = timeZone)]
    fn time_zone(this: &ResolvedDateTimeFormatOptions) -> Option<String>;
}

/// The browser's IANA zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), if it says.
fn browser_time_zone() -> Option<String> {
    DateTimeFormat::new().ok()?.resolved_options().time_zone()
}

/// What the editor's selects offer.
#[derive(Clone, Debug, Default, PartialEq)]
struct EditorChoices {
    connections: Choices,
    contact_lists: Choices,
    suppression_lists: Choices,
    campaigns: Choices,
    mappings: Choices,
}

/// `/jobs/new`.
#[component]
pub fn NewJobPage() -> impl IntoView {
    view! { <JobEditorLoader job_id=None /> }
}

/// `/jobs/:id/edit`; a new id in the address draws a fresh editor.
#[component]
pub fn EditJobPage() -> impl IntoView {
    let params = use_params_map();
    let job_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <JobEditorLoader job_id=Some(job_id.get()) /> }
}

/// Loads the choices (and the job when editing), then draws the form.
#[component]
fn JobEditorLoader(job_id: Option<String>) -> impl IntoView {
    let session = Session::use_context();
    let loaded = LocalResource::new(move || {
        let job_id = job_id.clone();
        async move {
            let choices = load_choices(session).await?;
            let job = match job_id {
                Some(id) => {
                    let data = session.execute::<GetJob>(get_job::Variables { id }).await?;
                    Some(reread::<_, Job>(&data.job))
                }
                None => None,
            };
            Ok::<_, ApiError>((choices, job))
        }
    });
    let body = move || {
        loaded.get().map(|result| match result {
            Err(error) => view! {
                <Breadcrumbs trail=vec![Crumb::link("Jobs", "/jobs"), Crumb::here("Unavailable")] />
                <ErrorBanner error title="Could not open the job editor" />
            }
            .into_any(),
            Ok((choices, existing)) => view! { <JobForm existing choices /> }.into_any(),
        })
    };
    view! { <Transition fallback=move || view! { <Loading what="the job editor" /> }>{body}</Transition> }
}

/// The connections, lists, campaigns and mappings the selects offer.
async fn load_choices(session: Session) -> Result<EditorChoices, ApiError> {
    let data = session
        .execute::<JobEditorChoices>(job_editor_choices::Variables)
        .await?;
    let connections = session
        .execute::<SftpConnections>(sftp_connections::Variables)
        .await?;
    Ok(EditorChoices {
        connections: connections
            .sftp_connections
            .into_iter()
            .map(|connection| (connection.id, connection.name))
            .collect(),
        contact_lists: data
            .contact_lists
            .edges
            .into_iter()
            .map(|edge| (edge.node.id, edge.node.name))
            .collect(),
        suppression_lists: data
            .suppression_lists
            .into_iter()
            .map(|list| (list.id, list.name))
            .collect(),
        campaigns: data
            .campaigns
            .into_iter()
            .map(|campaign| (campaign.id, campaign.name))
            .collect(),
        mappings: data
            .import_mappings
            .nodes
            .into_iter()
            .map(|mapping| (mapping.id, mapping.name))
            .collect(),
    })
}

/// The import mode spelled `wire_name`.
fn import_mode_from(wire_name: &str) -> ImportMode {
    ImportMode::ALL
        .into_iter()
        .find(|mode| mode.wire_name() == wire_name)
        .unwrap_or(ImportMode::AppendOnly)
}

/// The form; `existing` is the job being edited (none: a new one).
#[component]
fn JobForm(existing: Option<Job>, choices: EditorChoices) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let navigate = use_navigate();
    let initial = existing
        .as_ref()
        .map(JobDraft::from_job)
        .unwrap_or_else(|| JobDraft::new(initial_time_zone(browser_time_zone())));
    let existing_id = existing.as_ref().map(|job| job.id.clone());
    let title = existing
        .as_ref()
        .map_or_else(|| "New job".to_owned(), |job| format!("Edit {}", job.name));
    let text = |value: &str| RwSignal::new(value.to_owned());
    let name = text(&initial.name);
    let kind = text(initial.kind.wire_name());
    let cron = text(&initial.cron);
    let time_zone = text(&initial.time_zone);
    let enabled = RwSignal::new(initial.enabled);
    let misfire = text(initial.misfire_policy.wire_name());
    let max_retries = text(&initial.max_retries);
    let retry_delay = text(&initial.retry_delay_seconds);
    let connection = text(&initial.source_connection_id);
    let directory = text(&initial.source_directory);
    let pattern = text(&initial.source_pattern);
    let after_pickup = text(initial.after_pickup.wire_name());
    let move_to = text(&initial.move_to);
    let settle = text(&initial.settle_seconds);
    let require_file = RwSignal::new(initial.require_file);
    let contact_list = text(&initial.contact_list_id);
    let new_list_name = text(&initial.new_list_name);
    let mapping = text(&initial.import_mapping_id);
    let import_mode = text(initial.import_mode.wire_name());
    let suppression_list = text(&initial.suppression_list_id);
    let campaign = text(&initial.campaign_id);
    let start_campaign = RwSignal::new(initial.start_campaign);
    let export_source = text(initial.export_source.wire_name());
    let export_connection = text(&initial.export_connection_id);
    let export_directory = text(&initial.export_directory);
    let export_file_name = text(&initial.export_file_name);
    let purge_days = text(&initial.purge_after_days);
    let error = RwSignal::new(None::<ApiError>);
    let chosen_kind =
        move || JobKind::from_wire_name(&kind.get()).unwrap_or(JobKind::ContactImport);
    let chosen_export = move || {
        ExportSource::from_wire_name(&export_source.get()).unwrap_or(ExportSource::ContactList)
    };
    let needs = Memo::new(move |_| kind_needs(chosen_kind(), chosen_export()));
    let read_draft = move || JobDraft {
        name: name.get_untracked(),
        kind: chosen_kind(),
        cron: cron.get_untracked(),
        time_zone: time_zone.get_untracked(),
        enabled: enabled.get_untracked(),
        misfire_policy: MisfirePolicy::from_wire_name(&misfire.get_untracked())
            .unwrap_or(MisfirePolicy::RunOnce),
        max_retries: max_retries.get_untracked(),
        retry_delay_seconds: retry_delay.get_untracked(),
        source_connection_id: connection.get_untracked(),
        source_directory: directory.get_untracked(),
        source_pattern: pattern.get_untracked(),
        after_pickup: AfterPickup::from_wire_name(&after_pickup.get_untracked())
            .unwrap_or(AfterPickup::Keep),
        move_to: move_to.get_untracked(),
        settle_seconds: settle.get_untracked(),
        require_file: require_file.get_untracked(),
        contact_list_id: contact_list.get_untracked(),
        new_list_name: new_list_name.get_untracked(),
        import_mapping_id: mapping.get_untracked(),
        import_mode: import_mode_from(&import_mode.get_untracked()),
        suppression_list_id: suppression_list.get_untracked(),
        campaign_id: campaign.get_untracked(),
        start_campaign: start_campaign.get_untracked(),
        export_source: chosen_export(),
        export_connection_id: export_connection.get_untracked(),
        export_directory: export_directory.get_untracked(),
        export_file_name: export_file_name.get_untracked(),
        purge_after_days: purge_days.get_untracked(),
    };
    let save = Action::new_local(move |input: &JobInput| {
        let input = input.clone();
        let existing_id = existing_id.clone();
        let navigate = navigate.clone();
        async move {
            let saved = match existing_id {
                Some(id) => session
                    .execute::<UpdateJob>(update_job::Variables {
                        id,
                        input: reread(&input),
                    })
                    .await
                    .map(|data| (data.update_job.id, data.update_job.name)),
                None => session
                    .execute::<CreateJob>(create_job::Variables { input })
                    .await
                    .map(|data| (data.create_job.id, data.create_job.name)),
            };
            match saved {
                Ok((id, name)) => {
                    error.set(None);
                    toasts.success(format!("{name} saved"));
                    navigate(&format!("/jobs/{id}"), Default::default());
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        match read_draft().to_input() {
            Ok(input) => {
                save.dispatch_local(input);
            }
            Err(problems) => error.set(Some(ApiError::from_field_errors(problems))),
        }
    };
    let message = move |path: &'static str| {
        Signal::derive(move || {
            error.with(|error| {
                error
                    .as_ref()
                    .and_then(|error| job_field_message(error, path))
                    .map(str::to_owned)
            })
        })
    };
    let general_error = move || {
        error
            .get()
            .filter(job_error_needs_banner)
            .map(|error| view! { <ErrorBanner error title="The job was not saved" /> })
    };
    let EditorChoices {
        connections,
        contact_lists,
        suppression_lists,
        campaigns,
        mappings,
    } = choices;
    let connections = StoredValue::new(connections);
    let trail = vec![Crumb::link("Jobs", "/jobs"), Crumb::here(title.clone())];
    view! {
        <Breadcrumbs trail />
        <PageHeader title=title.clone() />
        <form id="job-editor" class="panel form" on:submit=on_submit novalidate>
            {general_error}
            <fieldset class="fieldset">
                <legend class="section-title">"Job"</legend>
                <div class="form__grid">
                    <TextField id="job-name" label="Name" value=name autocomplete="off" required=true
                        error=message("name") />
                    <SelectField id="job-kind" label="Kind" value=kind
                        choices=enum_choices(JobKind::ALL, JobKind::wire_name, JobKind::label)
                        error=message("kind") />
                    <div class="form__wide">
                        <CheckboxField id="job-enabled" label="Enabled"
                            hint="A disabled job keeps its settings but does not fire." checked=enabled />
                    </div>
                </div>
            </fieldset>
            <fieldset class="fieldset">
                <legend class="section-title">"Schedule"</legend>
                <div class="form__grid">
                    <ScheduleFields cron time_zone save_error=error />
                    <SelectField id="job-misfire-policy" label="After downtime" value=misfire
                        choices=enum_choices(MisfirePolicy::ALL, MisfirePolicy::wire_name, MisfirePolicy::label)
                        error=message("misfirePolicy") />
                    <TextField id="job-max-retries" label="Retries after a failure" value=max_retries
                        input_type="number" error=message("maxRetries") />
                    <TextField id="job-retry-delay" label="Seconds between attempts" value=retry_delay
                        input_type="number" error=message("retryDelaySeconds") />
                </div>
            </fieldset>
            <Show when=move || needs.get().source>
                <fieldset class="fieldset">
                    <legend class="section-title">"Files to pick up"</legend>
                    <div class="form__grid">
                        <SelectField id="job-source-connection" label="SFTP connection" value=connection
                            choices=connections.get_value() placeholder="Choose a connection…"
                            error=message("source.connectionId") />
                        <TextField id="job-source-directory" label="Directory" value=directory
                            autocomplete="off" error=message("source.directory") />
                        <div class="form__wide">
                            <TextField id="job-source-pattern" label="File name pattern" value=pattern
                                autocomplete="off" hint=PATTERN_HINT error=message("source.pattern") />
                        </div>
                        <SelectField id="job-after-pickup" label="After pickup" value=after_pickup
                            choices=enum_choices(AfterPickup::ALL, AfterPickup::wire_name, AfterPickup::label)
                            error=message("source.afterPickup") />
                        <Show when=move || after_pickup.get() == AfterPickup::Move.wire_name()>
                            <TextField id="job-move-to" label="Move to directory" value=move_to
                                autocomplete="off" error=message("source.moveTo") />
                        </Show>
                        <TextField id="job-settle-seconds" label="Settle seconds" value=settle input_type="number"
                            hint="A file must stay unchanged this long before it is picked up."
                            error=message("source.settleSeconds") />
                        <div class="form__wide">
                            <CheckboxField id="job-require-file" label="Require a file"
                                hint="Fail the run when no file matches." checked=require_file />
                        </div>
                    </div>
                </fieldset>
            </Show>
            <Show when=move || needs.get().export>
                <fieldset class="fieldset">
                    <legend class="section-title">"Export"</legend>
                    <div class="form__grid">
                        <SelectField id="job-export-source" label="Export" value=export_source
                            choices=enum_choices(ExportSource::ALL, ExportSource::wire_name, ExportSource::label)
                            error=message("export.source") />
                        <SelectField id="job-export-connection" label="Write to" value=export_connection
                            choices=connections.get_value() placeholder="The server's exports directory"
                            error=message("export.connectionId") />
                        <TextField id="job-export-directory" label="Directory" value=export_directory
                            autocomplete="off" error=message("export.directory") />
                        <TextField id="job-export-file-name" label="File name" value=export_file_name
                            autocomplete="off" hint="Date tokens allowed, e.g. results_{date:%Y%m%d}.csv"
                            error=message("export.fileName") />
                    </div>
                </fieldset>
            </Show>
            <TargetFields needs contact_lists suppression_lists campaigns mappings contact_list
                new_list_name mapping import_mode suppression_list campaign start_campaign purge_days
                message=Callback::new(move |path: &'static str| message(path)) />
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save job" }}
                </button>
            </div>
        </form>
    }
}
