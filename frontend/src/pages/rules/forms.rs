//! The selection-rule editor with its condition builder (sets of field / operator /
//! value rows), and the form helpers the split-rule editor shares.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::error::{ApiError, ErrorKind};
use crate::api::rules::{
    CreateSelectionRule, OperandKind, SelectionOperator, UpdateSelectionRule,
    create_selection_rule, update_selection_rule,
};
use crate::components::feedback::ErrorBanner;
use crate::components::form::TextField;
use crate::state::rules::{FIELD_CHOICES, SavedSelectionRule, SelectionDraft, SetsDraft, convert};
use crate::state::session::Session;

/// A field's error message as a signal, for `TextField`.
pub(super) fn field_error(
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        error.with(|error| {
            error
                .as_ref()
                .and_then(|error| error.field_message(field).map(str::to_owned))
        })
    })
}

/// The banner for problems no field of the form shows.
pub(super) fn banner(
    error: RwSignal<Option<ApiError>>,
    shown: &'static [&'static str],
    title: &'static str,
) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|error| error.needs_banner(shown))
            .map(|error| view! { <ErrorBanner error title /> })
    }
}

pub(super) fn encoding_error(message: String) -> ApiError {
    ApiError::new(ErrorKind::Protocol, message)
}

/// Creates or edits a selection rule; `on_done` gets the saved name, or `None` on cancel.
#[component]
pub fn SelectionRuleForm(
    existing: Option<SavedSelectionRule>,
    on_done: impl Fn(Option<String>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let draft = existing
        .as_ref()
        .map(SelectionDraft::from_saved)
        .unwrap_or_default();
    let title = if existing.is_some() {
        "Edit selection rule"
    } else {
        "New selection rule"
    };
    let rule_id = existing.map(|rule| rule.id);
    let name = RwSignal::new(draft.name);
    let description = RwSignal::new(draft.description);
    let sets = RwSignal::new(draft.sets);
    let error = RwSignal::new(None::<ApiError>);
    let done = on_done.clone();
    let save = Action::new_local(move |draft: &SelectionDraft| {
        let input = draft.to_input();
        let (rule_id, done) = (rule_id.clone(), done.clone());
        async move {
            let saved = match rule_id {
                None => match convert(&input) {
                    Ok(input) => session
                        .execute::<CreateSelectionRule>(create_selection_rule::Variables { input })
                        .await
                        .map(|data| data.create_selection_rule.name),
                    Err(message) => Err(encoding_error(message)),
                },
                Some(id) => match convert(&input) {
                    Ok(input) => session
                        .execute::<UpdateSelectionRule>(update_selection_rule::Variables {
                            id,
                            input,
                        })
                        .await
                        .map(|data| data.update_selection_rule.name),
                    Err(message) => Err(encoding_error(message)),
                },
            };
            match saved {
                Ok(name) => done(Some(name)),
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = SelectionDraft {
            name: name.get_untracked(),
            description: description.get_untracked(),
            sets: sets.get_untracked(),
        };
        let problems = draft.problems();
        if problems.is_empty() {
            save.dispatch_local(draft);
        } else {
            error.set(Some(ApiError::from_field_errors(problems)));
        }
    };
    let sets_error = field_error(error, "sets");
    view! {
        <form id="selection-rule-form" class="panel form" on:submit=on_submit novalidate>
            <h2>{title}</h2>
            {banner(error, &["name", "description", "sets"], "The rule was not saved")}
            <div class="form__grid">
                <TextField id="selection-rule-name" label="Name" value=name autocomplete="off"
                    required=true error=field_error(error, "name") />
                <TextField id="selection-rule-description" label="Description (optional)"
                    value=description autocomplete="off" error=field_error(error, "description") />
            </div>
            <ConditionBuilder sets />
            {move || sets_error.get().map(|message| view! { <p class="field__error" role="alert">{message}</p> })}
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save rule" }}
                </button>
                <button type="button" class="button button--secondary" on:click=move |_| on_done(None)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// The condition builder: one fieldset per set, one row per condition. It is redrawn
/// only when conditions are added or removed, so typing keeps the focus.
#[component]
fn ConditionBuilder(sets: RwSignal<SetsDraft>) -> impl IntoView {
    let shape =
        Memo::new(move |_| sets.with(|draft| draft.sets.iter().map(Vec::len).collect::<Vec<_>>()));
    move || {
        let shape = shape.get();
        let set_count = shape.len();
        let blocks = shape
            .into_iter()
            .enumerate()
            .map(|(set, rows)| {
                let rows = (0..rows)
                    .map(|index| view! { <ConditionRow sets set index /> })
                    .collect_view();
                view! {
                    {(set > 0).then(|| view! { <p class="condition-or">"or"</p> })}
                    <fieldset class="condition-set">
                        <legend>{if set_count > 1 { format!("Set {} — all of these", set + 1) } else { "All of these".to_owned() }}</legend>
                        {rows}
                        <button type="button" class="button button--small button--secondary"
                            on:click=move |_| sets.update(|draft| draft.add_condition(set))>
                            "Add condition"
                        </button>
                    </fieldset>
                }
            })
            .collect_view();
        view! {
            <div class="condition-builder">
                {blocks}
                <button type="button" class="button button--small button--secondary"
                    on:click=move |_| sets.update(SetsDraft::add_set)>
                    "Add an \u{201c}or\u{201d} set"
                </button>
            </div>
        }
    }
}

/// One condition: field, operator and (when the operator takes one) a value.
#[component]
fn ConditionRow(sets: RwSignal<SetsDraft>, set: usize, index: usize) -> impl IntoView {
    let read = move |pick: fn(&crate::state::rules::ConditionDraft) -> String| {
        move || {
            sets.with(|draft| {
                draft
                    .sets
                    .get(set)
                    .and_then(|row| row.get(index))
                    .map(pick)
                    .unwrap_or_default()
            })
        }
    };
    let operator = move || {
        sets.with(|draft| {
            draft
                .sets
                .get(set)
                .and_then(|row| row.get(index))
                .map(|condition| condition.operator)
        })
        .unwrap_or(SelectionOperator::Equals)
    };
    let prefix = format!("condition-{}-{}", set + 1, index + 1);
    let field_options = FIELD_CHOICES
        .iter()
        .map(|(wire, label)| {
            let selected = read(|condition| condition.field.clone());
            view! { <option value=*wire selected=move || selected() == *wire>{*label}</option> }
        })
        .collect_view();
    let operator_options = SelectionOperator::ALL
        .into_iter()
        .map(|choice| view! { <option value=choice.wire_name() selected=move || operator() == choice>{choice.label()}</option> })
        .collect_view();
    let place = format!("set {}, condition {}", set + 1, index + 1);
    view! {
        <div class="condition-row">
            <select class="select" id=format!("{prefix}-field") aria-label=format!("Field ({place})")
                on:change=move |event| {
                    let field = event_target_value(&event);
                    sets.update(|draft| draft.edit(set, index, |condition| condition.field = field));
                }>
                {field_options}
            </select>
            <select class="select" id=format!("{prefix}-operator") aria-label=format!("Operator ({place})")
                on:change=move |event| {
                    if let Some(choice) = SelectionOperator::from_wire_name(&event_target_value(&event)) {
                        sets.update(|draft| draft.edit(set, index, |condition| condition.operator = choice));
                    }
                }>
                {operator_options}
            </select>
            <input class="input" type="text" id=format!("{prefix}-value") aria-label=format!("Value ({place})")
                hidden=move || operator().operand() == OperandKind::Nothing
                placeholder=move || match operator() {
                    SelectionOperator::In | SelectionOperator::NotIn => "CA, WA, OR",
                    SelectionOperator::Like => "9%",
                    _ => "",
                }
                prop:value=read(|condition| condition.value.clone())
                on:input=move |event| {
                    let value = event_target_value(&event);
                    sets.update(|draft| draft.edit(set, index, |condition| condition.value = value));
                } />
            <button type="button" class="button button--small button--secondary"
                aria-label=format!("Remove condition ({place})")
                on:click=move |_| sets.update(|draft| draft.remove_condition(set, index))>
                "Remove"
            </button>
        </div>
    }
}
