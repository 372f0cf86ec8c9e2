//! The upload wizard's choice of saved rules: selection rules to keep records by
//! (any of them keeps a record) and one split rule to cut the upload with.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::pages::rules::{load_selection_rules, load_split_rules};
use crate::state::rules::{describe_sets, describe_split};
use crate::state::session::Session;

/// Checkboxes of selection rules and a split-rule menu, bound to the wizard's choice.
#[component]
pub fn RulesPicker(
    /// The chosen selection rules' ids.
    selection_rule_ids: RwSignal<Vec<String>>,
    /// The chosen split rule's id, if any.
    split_rule_id: RwSignal<Option<String>>,
) -> impl IntoView {
    let session = Session::use_context();
    let selection = LocalResource::new(move || load_selection_rules(session));
    let splits = LocalResource::new(move || load_split_rules(session));
    let selection_boxes = move || {
        let rules = selection.get().and_then(Result::ok).unwrap_or_default();
        if rules.is_empty() {
            return view! {
                <p class="muted">"No selection rules yet: every record is kept. "
                    <A href="/rules">"Create rules"</A></p>
            }
            .into_any();
        }
        rules
            .into_iter()
            .map(|rule| {
                let id = rule.id.clone();
                let input_id = format!("import-selection-{}", rule.id);
                let toggled = id.clone();
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=input_id.clone()
                            prop:checked=move || selection_rule_ids.with(|ids| ids.contains(&id))
                            on:change=move |event| {
                                let chosen = event_target_checked(&event);
                                let id = toggled.clone();
                                selection_rule_ids.update(|ids| {
                                    ids.retain(|other| *other != id);
                                    if chosen {
                                        ids.push(id);
                                    }
                                });
                            } />
                        <label for=input_id>
                            <span class="checkbox__label">{rule.name.clone()}</span>
                            <span class="checkbox__hint">{describe_sets(&rule.sets)}</span>
                        </label>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let split_options = move || {
        splits
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|rule| {
                let id = rule.id.clone();
                let label = format!("{} — {}", rule.name, describe_split(&rule));
                view! {
                    <option value=rule.id.clone()
                        selected=move || split_rule_id.with(|chosen| chosen.as_deref() == Some(id.as_str()))>
                        {label}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="fieldset">
            <legend class="field__label">"Keep only records matching (optional)"</legend>
            <p class="field__hint">"A record is kept when any chosen rule keeps it."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading rules…"</p> }>{selection_boxes}</Transition>
        </fieldset>
        <div class="field">
            <label class="field__label" for="import-split-rule">"Split into several lists (optional)"</label>
            <select class="select" id="import-split-rule"
                on:change=move |event| {
                    let id = event_target_value(&event);
                    split_rule_id.set((!id.is_empty()).then_some(id));
                }>
                <option value="" selected=move || split_rule_id.with(Option::is_none)>"Do not split"</option>
                <Transition fallback=|| ()>{split_options}</Transition>
            </select>
        </div>
    }
}
