//! The split-rule editor: a kind and its parameters; RULES parts each pick a saved
//! selection rule whose conditions are copied into the split rule.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::forms::{banner, encoding_error, field_error};
use crate::api::error::ApiError;
use crate::api::rules::{
    CreateSplitRule, SplitKind, UpdateSplitRule, create_split_rule, update_split_rule,
};
use crate::components::form::{CheckboxField, TextField};
use crate::state::rules::{
    FIELD_CHOICES, PartDraft, SavedSelectionRule, SavedSplitRule, SplitDraft, convert,
};
use crate::state::session::Session;

/// Creates or edits a split rule; `on_done` gets the saved name, or `None` on cancel.
#[component]
pub fn SplitRuleForm(
    existing: Option<SavedSplitRule>,
    selection_rules: Vec<SavedSelectionRule>,
    on_done: impl Fn(Option<String>) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let initial = existing
        .as_ref()
        .map(SplitDraft::from_saved)
        .unwrap_or_default();
    let title = if existing.is_some() {
        "Edit split rule"
    } else {
        "New split rule"
    };
    let rule_id = existing.map(|rule| rule.id);
    let name = RwSignal::new(initial.name.clone());
    let description = RwSignal::new(initial.description.clone());
    let size = RwSignal::new(initial.size.clone());
    let percents = RwSignal::new(initial.percents.clone());
    let drop_unmatched = RwSignal::new(initial.drop_unmatched);
    let draft = RwSignal::new(initial);
    let error = RwSignal::new(None::<ApiError>);
    let choices = StoredValue::new(selection_rules);
    let done = on_done.clone();
    let save = Action::new_local(move |input: &serde_json::Value| {
        let (input, rule_id, done) = (input.clone(), rule_id.clone(), done.clone());
        async move {
            let saved = match rule_id {
                None => match convert(&input) {
                    Ok(input) => session
                        .execute::<CreateSplitRule>(create_split_rule::Variables { input })
                        .await
                        .map(|data| data.create_split_rule.name),
                    Err(message) => Err(encoding_error(message)),
                },
                Some(id) => match convert(&input) {
                    Ok(input) => session
                        .execute::<UpdateSplitRule>(update_split_rule::Variables { id, input })
                        .await
                        .map(|data| data.update_split_rule.name),
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
        let mut current = draft.get_untracked();
        current.name = name.get_untracked();
        current.description = description.get_untracked();
        current.size = size.get_untracked();
        current.percents = percents.get_untracked();
        current.drop_unmatched = drop_unmatched.get_untracked();
        match choices.with_value(|rules| current.to_input(rules)) {
            Ok(input) => {
                save.dispatch_local(input);
            }
            Err(problems) => error.set(Some(ApiError::from_field_errors(problems))),
        }
    };
    let kind = move || draft.with(|draft| draft.kind);
    let kind_options = SplitKind::ALL
        .into_iter()
        .map(|choice| view! { <option value=choice.wire_name() selected=move || kind() == choice>{choice.label()}</option> })
        .collect_view();
    let field_options = move || {
        FIELD_CHOICES
            .iter()
            .map(|(wire, label)| view! { <option value=*wire selected=move || draft.with(|draft| draft.field == *wire)>{*label}</option> })
            .collect_view()
    };
    let rules_error = field_error(error, "rules");
    view! {
        <form id="split-rule-form" class="panel form" on:submit=on_submit novalidate>
            <h2>{title}</h2>
            {banner(error, &["name", "description", "size", "percents", "rules"], "The rule was not saved")}
            <div class="form__grid">
                <TextField id="split-rule-name" label="Name" value=name autocomplete="off"
                    required=true error=field_error(error, "name") />
                <TextField id="split-rule-description" label="Description (optional)"
                    value=description autocomplete="off" />
                <div class="field form__wide">
                    <label class="field__label" for="split-rule-kind">"How to cut the upload"</label>
                    <select class="select" id="split-rule-kind"
                        on:change=move |event| {
                            if let Some(choice) = SplitKind::from_wire_name(&event_target_value(&event)) {
                                draft.update(|draft| draft.kind = choice);
                                error.set(None);
                            }
                        }>
                        {kind_options}
                    </select>
                </div>
            </div>
            <Show when=move || kind() == SplitKind::Count>
                <TextField id="split-rule-size" label="Records per list" value=size
                    hint="The last list takes what is left." error=field_error(error, "size") />
            </Show>
            <Show when=move || kind() == SplitKind::Percent>
                <TextField id="split-rule-percents" label="Shares, in percent" value=percents
                    hint="Whole numbers adding up to 100, e.g. 50, 30, 20." error=field_error(error, "percents") />
            </Show>
            <Show when=move || kind() == SplitKind::Field>
                <div class="field">
                    <label class="field__label" for="split-rule-field">"One list per value of"</label>
                    <p class="field__hint">"At most 50 lists; further values share an \u{201c}other\u{201d} list."</p>
                    <select class="select" id="split-rule-field"
                        on:change=move |event| {
                            let field = event_target_value(&event);
                            draft.update(|draft| draft.field = field);
                        }>
                        {field_options()}
                    </select>
                </div>
            </Show>
            <Show when=move || kind() == SplitKind::Rules>
                <PartsEditor draft choices />
                {move || rules_error.get().map(|message| view! { <p class="field__error" role="alert">{message}</p> })}
                <CheckboxField id="split-rule-drop" label="Drop records no rule keeps"
                    checked=drop_unmatched hint="Otherwise they go to a \u{201c}rest\u{201d} list." />
            </Show>
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

/// The parts of a RULES split: a name and a saved selection rule each, in order.
#[component]
fn PartsEditor(
    draft: RwSignal<SplitDraft>,
    choices: StoredValue<Vec<SavedSelectionRule>>,
) -> impl IntoView {
    let count = Memo::new(move |_| draft.with(|draft| draft.parts.len()));
    let rows = move || {
        (0..count.get())
            .map(|index| {
                let part = move |pick: fn(&PartDraft) -> String| {
                    move || draft.with(|draft| draft.parts.get(index).map(pick).unwrap_or_default())
                };
                let has_kept = draft.with_untracked(|draft| draft.parts.get(index).is_some_and(|part| !part.kept_sets.is_empty()));
                let selected = part(|part| part.selection_rule_id.clone());
                let options = choices.with_value(|rules| {
                    rules
                        .iter()
                        .map(|rule| {
                            let id = rule.id.clone();
                            view! { <option value=rule.id.clone() selected=move || selected() == id>{rule.name.clone()}</option> }
                        })
                        .collect_view()
                });
                let empty_label = if has_kept { "Keep its current conditions" } else { "Choose a selection rule" };
                view! {
                    <div class="condition-row condition-row--part">
                        <input class="input" type="text" id=format!("split-part-{}-name", index + 1)
                            aria-label=format!("Name of part {}", index + 1) placeholder="List name suffix, e.g. West"
                            prop:value=part(|part| part.name.clone())
                            on:input=move |event| {
                                let name = event_target_value(&event);
                                draft.update(|draft| if let Some(part) = draft.parts.get_mut(index) { part.name = name; });
                            } />
                        <select class="select" id=format!("split-part-{}-rule", index + 1)
                            aria-label=format!("Selection rule of part {}", index + 1)
                            on:change=move |event| {
                                let id = event_target_value(&event);
                                draft.update(|draft| if let Some(part) = draft.parts.get_mut(index) { part.selection_rule_id = id; });
                            }>
                            <option value="">{empty_label}</option>
                            {options}
                        </select>
                        <button type="button" class="button button--small button--secondary"
                            disabled=move || count.get() <= 1
                            on:click=move |_| draft.update(|draft| { if draft.parts.len() > 1 && index < draft.parts.len() { draft.parts.remove(index); } })>
                            "Remove"
                        </button>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="condition-set">
            <legend>"Lists, in order: the first whose rule keeps a record takes it"</legend>
            {rows}
            <button type="button" class="button button--small button--secondary"
                on:click=move |_| draft.update(|draft| draft.parts.push(PartDraft::default()))>
                "Add list"
            </button>
        </fieldset>
    }
}
