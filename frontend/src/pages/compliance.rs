//! `/compliance`: everything a compliance officer configures and tests — the
//! emergency stop, the numbering data's refresh status, the "check a number"
//! tool, and the rule editor (calling windows per region on a week grid,
//! holidays, zones, attempt rules, device restrictions) that saves the whole
//! rule set at once. Roles that may not change a part see it read-only.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::compliance::{
    ComplianceRuleSet, SetEmergencyStop, UpdateComplianceRuleSet, compliance_rule_set,
    set_emergency_stop, update_compliance_rule_set,
};
use crate::api::error::{ApiError, ErrorKind};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::page::PageHeader;
use crate::components::toast::Toasts;
use crate::format::format_timestamp;
use crate::state::compliance::RuleSet;
use crate::state::compliance::editor::problems;
use crate::state::nav::{can_edit_compliance_rules, can_use_emergency_stop};
use crate::state::session::Session;

mod attempts;
mod check_tool;
pub mod data_status;
mod windows;

use attempts::{AttemptRulesEditor, DeviceRestrictionsEditor};
use check_tool::CheckNumberPanel;
use data_status::DataStatusPanel;
use windows::WindowsEditor;

/// What every part of the rule editor shares: the draft, the last problems
/// (the editor's own or the server's, by JSON path) and whether it may change.
#[derive(Clone, Copy)]
struct Editor {
    draft: RwSignal<RuleSet>,
    error: RwSignal<Option<ApiError>>,
    can_edit: bool,
}

/// The message `error` holds for the field at JSON `path`, as a signal.
fn path_message(error: RwSignal<Option<ApiError>>, path: String) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.with(|error| {
            error
                .as_ref()
                .and_then(|error| error.field_message(&path).map(str::to_owned))
        })
    })
}

/// The emergency stop as the page last saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct StopState {
    on: bool,
    reason: Option<String>,
}

/// The rule set as loaded: the model, its version, when it changed, the region codes.
#[derive(Clone, Debug)]
struct Loaded {
    rules: RuleSet,
    version: i64,
    updated_at: String,
    regions: Vec<String>,
    stop: StopState,
}

/// The Compliance page.
#[component]
pub fn CompliancePage() -> impl IntoView {
    let session = Session::use_context();
    let can_edit = can_edit_compliance_rules(session.role());
    let can_stop = can_use_emergency_stop(session.role());
    let stop = RwSignal::new(None::<StopState>);
    let loaded = LocalResource::new(move || async move {
        let data = session
            .execute::<ComplianceRuleSet>(compliance_rule_set::Variables)
            .await?;
        let set = data.compliance_rule_set;
        let rules = RuleSet::from_json(&set.rules)
            .map_err(|message| ApiError::new(ErrorKind::Protocol, message))?;
        Ok::<_, ApiError>(Loaded {
            rules,
            version: set.version,
            updated_at: set.updated_at,
            regions: data.compliance_regions,
            stop: StopState {
                on: set.emergency_stop,
                reason: set.emergency_stop_reason,
            },
        })
    });
    Effect::new(move |_| {
        if let Some(Ok(loaded)) = loaded.get() {
            stop.set(Some(loaded.stop));
        }
    });
    let editor = move || {
        loaded.get().map(|result| match result {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load the compliance rules" /> }
                    .into_any()
            }
            Ok(snapshot) => view! {
                <RuleEditor snapshot can_edit stop on_reload=move || loaded.refetch() />
            }
            .into_any(),
        })
    };
    view! {
        <PageHeader title="Compliance" />
        <p class="page-intro">
            "Who may be contacted, when and on which device. Every dialer and gateway asks these \
             rules before each attempt; a refusal names every rule that refused."
        </p>
        <EmergencyStopPanel stop can_stop />
        <DataStatusPanel can_refresh=can_edit />
        <CheckNumberPanel />
        <Transition fallback=move || view! { <Loading what="the compliance rules" /> }>{editor}</Transition>
    }
}

/// The emergency stop: a red banner while it is on (with "Turn off"), else a
/// red button that asks for a reason before stopping every contact.
#[component]
fn EmergencyStopPanel(stop: RwSignal<Option<StopState>>, can_stop: bool) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let switch = Action::new_local(move |(on, why): &(bool, Option<String>)| {
        let variables = set_emergency_stop::Variables {
            on: *on,
            reason: why.clone(),
        };
        async move {
            match session.execute::<SetEmergencyStop>(variables).await {
                Ok(data) => {
                    let set = data.set_emergency_stop;
                    toasts.success(if set.emergency_stop {
                        "Emergency stop is on: every contact is refused"
                    } else {
                        "Emergency stop is off"
                    });
                    stop.set(Some(StopState {
                        on: set.emergency_stop,
                        reason: set.emergency_stop_reason,
                    }));
                    asking.set(false);
                    reason.set(String::new());
                    error.set(None);
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let confirm_stop = move |event: SubmitEvent| {
        event.prevent_default();
        let why = reason.get_untracked().trim().to_owned();
        if why.is_empty() {
            error.set(Some(ApiError::from_field_errors(vec![
                crate::state::forms::field_error("reason", "Say why contact is being stopped."),
            ])));
            return;
        }
        switch.dispatch_local((true, Some(why)));
    };
    let reason_error = crate::components::form::field_message(error, "reason");
    let banner_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(&["reason"]))
            .map(|error| view! { <ErrorBanner error title="The emergency stop was not changed" /> })
    };
    move || {
        match stop.get() {
        None => ().into_any(),
        Some(state) if state.on => view! {
            <section class="stop-banner" role="alert" aria-labelledby="stop-title">
                <div>
                    <h2 id="stop-title">"Emergency stop is ON"</h2>
                    <p>"Every call, text and e-mail is refused. "{state.reason.clone().map(|why| format!("Reason: {why}"))}</p>
                </div>
                {banner_error}
                {can_stop.then(|| view! {
                    <button type="button" class="button button--secondary" disabled=move || switch.pending().get()
                        on:click=move |_| { switch.dispatch_local((false, None)); }>
                        "Turn off the emergency stop"
                    </button>
                })}
            </section>
        }
        .into_any(),
        Some(_) if !can_stop => ().into_any(),
        Some(_) => view! {
                <section class="panel stop-panel" aria-labelledby="stop-off-title">
                    <div class="section-header">
                        <div>
                            <h2 id="stop-off-title">"Emergency stop"</h2>
                            <p class="muted">"Refuses every contact of this tenant at once, until turned off."</p>
                        </div>
                        <button type="button" class="button button--danger button--stop"
                            aria-haspopup="dialog" on:click=move |_| asking.set(true)>
                            "Emergency stop"
                        </button>
                    </div>
                    <Show when=move || asking.get()>
                        <div class="dialog-backdrop">
                            <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="stop-dialog-title"
                                on:submit=confirm_stop novalidate>
                                <h2 id="stop-dialog-title">"Stop all contact?"</h2>
                                <p>"Every dialer and gateway will be refused until someone turns the stop off."</p>
                                {banner_error}
                                <crate::components::form::TextField id="stop-reason" label="Reason" value=reason
                                    autocomplete="off" required=true error=reason_error />
                                <div class="form__actions">
                                    <button type="submit" class="button button--danger" disabled=move || switch.pending().get()>
                                        "Stop all contact"
                                    </button>
                                    <button type="button" class="button button--secondary"
                                        on:click=move |_| { asking.set(false); error.set(None); }>
                                        "Cancel"
                                    </button>
                                </div>
                            </form>
                        </div>
                    </Show>
                </section>
            }
            .into_any(),
    }
    }
}

/// The rule editor with its Save bar.
#[component]
fn RuleEditor(
    snapshot: Loaded,
    can_edit: bool,
    stop: RwSignal<Option<StopState>>,
    on_reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let editor = Editor {
        draft: RwSignal::new(snapshot.rules.clone()),
        error: RwSignal::new(None),
        can_edit,
    };
    let saved = RwSignal::new(snapshot.rules.clone());
    let version = RwSignal::new((snapshot.version, snapshot.updated_at.clone()));
    let dirty = Memo::new(move |_| saved.with(|saved| editor.draft.with(|draft| draft != saved)));
    let save = Action::new_local(move |rules: &RuleSet| {
        let variables = update_compliance_rule_set::Variables {
            rules: rules.to_json(),
        };
        async move {
            match session.execute::<UpdateComplianceRuleSet>(variables).await {
                Ok(data) => {
                    let set = data.update_compliance_rule_set;
                    match RuleSet::from_json(&set.rules) {
                        Ok(rules) => {
                            saved.set(rules.clone());
                            editor.draft.set(rules);
                        }
                        Err(_) => saved.set(editor.draft.get_untracked()),
                    }
                    version.set((set.version, set.updated_at));
                    editor.error.set(None);
                    toasts.success("Compliance rules saved");
                }
                Err(failure) => editor.error.set(Some(failure)),
            }
        }
    });
    let on_save = move |_| {
        let mut rules = editor.draft.get_untracked();
        // The stop has its own switch: never let a save flip it back.
        if let Some(state) = stop.get_untracked() {
            rules.emergency_stop = state.on;
        }
        let found = problems(&rules);
        if found.is_empty() {
            save.dispatch_local(rules);
        } else {
            editor.error.set(Some(ApiError::from_field_errors(found)));
        }
    };
    let problems_list = move || {
        editor.error.get().map(|error| {
            let items = error
                .field_errors
                .iter()
                .map(|problem| view! { <li><code>{problem.field.clone()}</code>": "{problem.message.clone()}</li> })
                .collect_view();
            let message = (error.field_errors.is_empty()).then(|| error.message.clone());
            view! {
                <div class="banner banner--error" role="alert">
                    <strong class="banner__title">"The rules were not saved"</strong>
                    {message}
                    <ul class="problem-list">{items}</ul>
                </div>
            }
        })
    };
    let save_bar = can_edit.then(|| view! {
        <div class="save-bar">
            <span class="muted">
                {move || {
                    let (number, at) = version.get();
                    format!("Version {number}, saved {}", format_timestamp(&at))
                }}
                {move || dirty.get().then_some(" — unsaved changes")}
            </span>
            <button type="button" class="button button--secondary" disabled=move || !dirty.get() || save.pending().get()
                on:click=move |_| { editor.error.set(None); on_reload(); }>
                "Discard changes"
            </button>
            <button type="button" class="button button--primary" id="save-rules"
                disabled=move || save.pending().get() on:click=on_save>
                {move || if save.pending().get() { "Saving…" } else { "Save rules" }}
            </button>
        </div>
    });
    let read_only = (!can_edit).then(|| view! {
        <p class="muted">"Read-only: compliance officers and administrators change the rules."</p>
    });
    // The save bar sticks to the bottom of the window only inside this
    // container, so it never covers the stop, data and check panels above.
    view! {
        <div class="rule-editor">
            <div class="section-header">
                <h2 class="section-title">"Rules"</h2>
            </div>
            {read_only}
            {problems_list}
            <WindowsEditor editor regions=snapshot.regions.clone() />
            <AttemptRulesEditor editor />
            <DeviceRestrictionsEditor editor />
            {save_bar}
        </div>
    }
}
