//! The campaign template editor: name, description, dialing mode, pacing
//! (the abandon target typed as a percentage), caller id, agent group, an
//! optional schedule and time window, optional rules, the device order and
//! the treatments table. The server's field errors land next to their
//! fields; `state::campaigns::template_draft` checks the form first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::message_fields::MessageFields;
use super::treatments::TreatmentsTable;
use crate::api::campaign_types::{AbandonCounting, Weekday};
use crate::api::campaigns::{
    CreateCampaignTemplate, Template, UpdateCampaignTemplate, create_campaign_template,
    update_campaign_template,
};
use crate::api::compliance_types::DialMode;
use crate::api::error::{ApiError, normalize_field_name};
use crate::api::schema_types::DeviceKind;
use crate::components::feedback::ErrorBanner;
use crate::components::form::{TextAreaField, TextField};
use crate::components::toast::Toasts;
use crate::pages::campaigns::editor::MoveButtons;
use crate::state::campaigns::template_draft::{TemplateDraft, device_kind_word, move_item};
use crate::state::campaigns::treatments::TreatmentRow;
use crate::state::messaging::channel_of_mode;
use crate::state::session::Session;

/// The fields the form shows errors next to (as the server names them).
const TEMPLATE_FIELDS: &[&str] = &[
    "name",
    "description",
    "dialingMode",
    "pacing.linesPerAgent",
    "linesPerAgent",
    "pacing.targetAbandonRate",
    "targetAbandonRate",
    "pacing.abandonThresholdSeconds",
    "abandonThresholdSeconds",
    "pacing.abandonWindowMinutes",
    "abandonWindowMinutes",
    "callerId",
    "agentGroup",
    "schedule.timeZone",
    "timeZone",
    "schedule.from",
    "schedule.till",
    "timeWindow.from",
    "timeWindow.till",
    "deviceOrder",
    "treatments",
    "optionalRules",
    "messageTemplateId",
    "messagesPerSecond",
];

/// The message for `path` (`pacing.linesPerAgent`) whether the server sent
/// the whole path (a list of problems) or its last segment (one problem).
pub(super) fn message_for(
    error: RwSignal<Option<ApiError>>,
    path: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.with(|error| {
            let error = error.as_ref()?;
            let message = error
                .field_message(path)
                .or_else(|| error.field_message(&normalize_field_name(path)))?;
            Some(message.to_owned())
        })
    })
}

/// The editor; `existing` is the template being edited (none: a new one).
#[component]
pub fn TemplateEditor(
    /// The template to edit, or `None` for a new one.
    existing: Option<Template>,
    /// Whether the user may save (read-only otherwise).
    can_manage: bool,
    /// Called after a save went through.
    on_saved: Callback<()>,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = existing
        .as_ref()
        .map(TemplateDraft::from_template)
        .unwrap_or_default();
    let effective: Vec<TreatmentRow> = existing
        .as_ref()
        .map(|template| {
            template
                .effective_treatments
                .iter()
                .map(TreatmentRow::from_treatment)
                .collect()
        })
        .unwrap_or_default();
    let existing_id = existing.as_ref().map(|template| template.id.clone());
    let is_new = existing_id.is_none();
    let text = |value: &str| RwSignal::new(value.to_owned());
    let name = text(&initial.name);
    let description = text(&initial.description);
    let lines_per_agent = text(&initial.lines_per_agent);
    let target_percent = text(&initial.target_abandon_percent);
    let threshold = text(&initial.abandon_threshold_seconds);
    let window_minutes = text(&initial.abandon_window_minutes);
    let caller_id = text(&initial.caller_id);
    let agent_group = text(&initial.agent_group);
    let schedule_zone = text(&initial.schedule_zone);
    let schedule_from = text(&initial.schedule_from);
    let schedule_till = text(&initial.schedule_till);
    let window_from = text(&initial.window_from);
    let window_till = text(&initial.window_till);
    let optional_rules = text(&initial.optional_rules);
    let message_template = text(&initial.message_template_id);
    let messages_per_second = text(&initial.messages_per_second);
    let draft = RwSignal::new(initial);
    let message_channel =
        Memo::new(move |_| draft.with(|draft| channel_of_mode(draft.dialing_mode)));
    let error = RwSignal::new(None::<ApiError>);
    let save = Action::new_local(move |form: &TemplateDraft| {
        let form = form.clone();
        let existing_id = existing_id.clone();
        async move {
            let settings = match form.to_settings() {
                Ok(settings) => settings,
                Err(problems) => {
                    error.set(Some(ApiError::from_field_errors(problems)));
                    return;
                }
            };
            let saved = match existing_id {
                Some(id) => session
                    .execute::<UpdateCampaignTemplate>(update_campaign_template::Variables {
                        id,
                        input: (&settings).into(),
                    })
                    .await
                    .map(|data| data.update_campaign_template.name),
                None => session
                    .execute::<CreateCampaignTemplate>(create_campaign_template::Variables {
                        input: (&settings).into(),
                    })
                    .await
                    .map(|data| data.create_campaign_template.name),
            };
            match saved {
                Ok(saved_name) => {
                    error.set(None);
                    toasts.success(format!("{saved_name} saved"));
                    on_saved.run(());
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut form = draft.get_untracked();
        form.name = name.get_untracked();
        form.description = description.get_untracked();
        form.lines_per_agent = lines_per_agent.get_untracked();
        form.target_abandon_percent = target_percent.get_untracked();
        form.abandon_threshold_seconds = threshold.get_untracked();
        form.abandon_window_minutes = window_minutes.get_untracked();
        form.caller_id = caller_id.get_untracked();
        form.agent_group = agent_group.get_untracked();
        form.schedule_zone = schedule_zone.get_untracked();
        form.schedule_from = schedule_from.get_untracked();
        form.schedule_till = schedule_till.get_untracked();
        form.window_from = window_from.get_untracked();
        form.window_till = window_till.get_untracked();
        form.optional_rules = optional_rules.get_untracked();
        form.message_template_id = message_template.get_untracked();
        form.messages_per_second = messages_per_second.get_untracked();
        save.dispatch_local(form);
    };
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(TEMPLATE_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The template was not saved" /> })
    };
    let message = move |path: &'static str| message_for(error, path);
    view! {
        <form id="template-editor" class="panel form" on:submit=on_submit novalidate>
            <h2>{if is_new { "New campaign template".to_owned() } else { format!("Template: {}", name.get_untracked()) }}</h2>
            {general_error}
            <fieldset class="form__fieldset" disabled={!can_manage}>
                <div class="form__grid">
                    <TextField id="template-name" label="Name" value=name autocomplete="off"
                        required=true error=message("name") />
                    <EnumSelect id="template-mode" label="Dialing mode" choices=DialMode::ALL
                        label_of=DialMode::label wire_of=DialMode::wire_name parse=DialMode::from_wire_name
                        selected=Signal::derive(move || draft.with(|draft| draft.dialing_mode))
                        on_pick=Callback::new(move |mode| draft.update(|draft| draft.dialing_mode = mode)) />
                    <div class="form__wide">
                        <TextAreaField id="template-description" label="Description (optional)"
                            value=description rows=2 error=message("description") />
                    </div>
                </div>
                <MessageFields channel=message_channel template_id=message_template
                    rate=messages_per_second error />
                <Show when=move || message_channel.get().is_none()>
                <h3>"Pacing"</h3>
                <div class="form__grid form__grid--three">
                    <TextField id="template-lines" label="Lines per agent" value=lines_per_agent
                        hint="1 to 10" error=message("pacing.linesPerAgent") />
                    <TextField id="template-target" label="Target abandon rate (%)" value=target_percent
                        hint="e.g. 3 for 3 %" error=message("pacing.targetAbandonRate") />
                    <TextField id="template-threshold" label="Abandon threshold (seconds)" value=threshold
                        hint="Not connected to an agent within this: abandoned"
                        error=message("pacing.abandonThresholdSeconds") />
                    <EnumSelect id="template-counting" label="Abandon rate divides by" choices=AbandonCounting::ALL
                        label_of=AbandonCounting::label wire_of=AbandonCounting::wire_name
                        parse=AbandonCounting::from_wire_name
                        selected=Signal::derive(move || draft.with(|draft| draft.abandon_counting))
                        on_pick=Callback::new(move |counting| draft.update(|draft| draft.abandon_counting = counting)) />
                    <TextField id="template-window" label="Measured over (minutes)" value=window_minutes
                        hint="43200 = 30 days" error=message("pacing.abandonWindowMinutes") />
                </div>
                </Show>
                <h3>{move || if message_channel.get().is_some() { "Sending" } else { "Calls" }}</h3>
                <div class="form__grid">
                    <TextField id="template-caller-id" label="Caller id (optional)" value=caller_id
                        autocomplete="off" hint="+E.164 or an SMS short code" error=message("callerId") />
                    <Show when=move || message_channel.get().is_none()>
                        <TextField id="template-agent-group" label="Agent group (optional)" value=agent_group
                            autocomplete="off" error=message("agentGroup") />
                    </Show>
                    <div class="form__wide">
                        <TextField id="template-optional-rules" label="Optional rules (optional)"
                            value=optional_rules autocomplete="off"
                            hint="Names of the rule set's optional attempt rules, comma separated"
                            error=message("optionalRules") />
                    </div>
                </div>
                <ScheduleFields draft zone=schedule_zone from=schedule_from till=schedule_till error />
                <TimeWindowFields draft from=window_from till=window_till error />
                <DeviceOrder draft error />
                <TreatmentsTable draft effective error />
            </fieldset>
            <div class="form__actions">
                {can_manage.then(|| view! {
                    <button type="submit" class="button button--primary" disabled=move || save.pending().get()>
                        {move || match (save.pending().get(), is_new) {
                            (true, _) => "Saving…",
                            (false, true) => "Create template",
                            (false, false) => "Save template",
                        }}
                    </button>
                })}
            </div>
        </form>
    }
}

/// A labelled `<select>` over a schema enum.
#[component]
pub fn EnumSelect<Choice>(
    /// The select's id.
    id: &'static str,
    /// The label.
    label: &'static str,
    /// The values offered.
    choices: &'static [Choice],
    /// Each value's words.
    label_of: fn(Choice) -> &'static str,
    /// Each value's wire name.
    wire_of: fn(Choice) -> &'static str,
    /// Reads a wire name back.
    parse: fn(&str) -> Option<Choice>,
    /// The value selected.
    selected: Signal<Choice>,
    /// Called with the value picked.
    on_pick: Callback<Choice>,
) -> impl IntoView
where
    Choice: Copy + PartialEq + Send + Sync + 'static,
{
    let options = choices
        .iter()
        .map(|choice| {
            let choice = *choice;
            view! {
                <option value=wire_of(choice) selected=move || selected.get() == choice>
                    {label_of(choice)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label class="field__label" for=id>{label}</label>
            <select class="select" id=id
                on:change=move |event| {
                    if let Some(choice) = parse(&event_target_value(&event)) {
                        on_pick.run(choice);
                    }
                }>
                {options}
            </select>
        </div>
    }
}

/// The optional schedule: zone, days, daily from/till.
#[component]
fn ScheduleFields(
    draft: RwSignal<TemplateDraft>,
    zone: RwSignal<String>,
    from: RwSignal<String>,
    till: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let enabled = move || draft.with(|draft| draft.has_schedule);
    let days = Weekday::ALL
        .iter()
        .map(|day| {
            let day = *day;
            let id = format!("template-day-{}", day.wire_name().to_ascii_lowercase());
            let label_for = id.clone();
            view! {
                <label class="check-chip" for=label_for>
                    <input type="checkbox" id=id
                        prop:checked=move || draft.with(|draft| draft.schedule_days.contains(&day))
                        on:change=move |event| {
                            let ticked = event_target_checked(&event);
                            draft.update(|draft| {
                                draft.schedule_days.retain(|other| *other != day);
                                if ticked {
                                    draft.schedule_days.push(day);
                                    draft.schedule_days.sort();
                                }
                            });
                        } />
                    <span>{day.label()}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="check-group">
            <legend class="field__label">
                <label class="toolbar__toggle">
                    <input type="checkbox" id="template-has-schedule" prop:checked=enabled
                        on:change=move |event| {
                            let ticked = event_target_checked(&event);
                            draft.update(|draft| draft.has_schedule = ticked);
                        } />
                    "Schedule: hand out records only on these days and hours"
                </label>
            </legend>
            <Show when=enabled>
                <div class="form__grid form__grid--three">
                    <TextField id="template-schedule-zone" label="Time zone (IANA)" value=zone
                        error=message_for(error, "schedule.timeZone") />
                    <TextField id="template-schedule-from" label="From (HH:MM)" value=from
                        error=message_for(error, "schedule.from") />
                    <TextField id="template-schedule-till" label="Till (HH:MM)" value=till
                        error=message_for(error, "schedule.till") />
                </div>
                <p class="muted">"Days (none ticked: every day)"</p>
                <div class="check-group__boxes">{days.clone()}</div>
            </Show>
        </fieldset>
    }
}

/// The optional narrower daily window in each device's zone.
#[component]
fn TimeWindowFields(
    draft: RwSignal<TemplateDraft>,
    from: RwSignal<String>,
    till: RwSignal<String>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let enabled = move || draft.with(|draft| draft.has_time_window);
    view! {
        <fieldset class="check-group">
            <legend class="field__label">
                <label class="toolbar__toggle">
                    <input type="checkbox" id="template-has-window" prop:checked=enabled
                        on:change=move |event| {
                            let ticked = event_target_checked(&event);
                            draft.update(|draft| draft.has_time_window = ticked);
                        } />
                    "Time window: a narrower daily window in each device's own zone"
                </label>
            </legend>
            <Show when=enabled>
                <div class="form__grid">
                    <TextField id="template-window-from" label="From (HH:MM)" value=from
                        error=message_for(error, "timeWindow.from") />
                    <TextField id="template-window-till" label="Till (HH:MM)" value=till
                        error=message_for(error, "timeWindow.till") />
                </div>
            </Show>
        </fieldset>
    }
}

/// The device order: an ordered list with up, down, remove and add back.
#[component]
fn DeviceOrder(draft: RwSignal<TemplateDraft>, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let order_error = message_for(error, "deviceOrder");
    let rows = move || {
        let order = draft.with(|draft| draft.device_order.clone());
        let count = order.len();
        order
            .into_iter()
            .enumerate()
            .map(|(index, kind)| {
                view! {
                    <li class="ordered-item">
                        <span class="ordered-item__label">{format!("{}. {}", index + 1, device_kind_word(kind))}</span>
                        <MoveButtons index count on_move=Callback::new(move |(index, up)| {
                            draft.update(|draft| move_item(&mut draft.device_order, index, up));
                        }) />
                        <button type="button" class="button button--small button--secondary"
                            on:click=move |_| draft.update(|draft| draft.device_order.retain(|other| *other != kind))>
                            "Remove"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let add_back = move || {
        draft
            .with(TemplateDraft::missing_device_kinds)
            .into_iter()
            .map(|kind: DeviceKind| {
                view! {
                    <button type="button" class="button button--small button--secondary"
                        on:click=move |_| draft.update(|draft| draft.device_order.push(kind))>
                        {format!("Add: {}", device_kind_word(kind))}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="check-group" class:field--invalid=move || order_error.get().is_some()>
            <legend class="field__label">"Device order (a contact's devices are tried in this order)"</legend>
            <ol class="ordered-list" id="template-device-order">{rows}</ol>
            <div class="toolbar toolbar--inline">{add_back}</div>
            {move || order_error.get().map(|message| view! { <p class="field__error">{message}</p> })}
        </fieldset>
    }
}
