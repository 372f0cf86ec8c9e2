//! The attempt rules and device restrictions of the rule editor: a table of
//! the rules (name, limit, period, counted by, results, channels, required)
//! with Add, Edit and Remove, the edit form of the chosen rule, and the
//! device restrictions' checkboxes.

use leptos::prelude::*;

use super::{Editor, path_message};
use crate::api::compliance_types::DialMode;
use crate::components::form::CheckboxGroup;
use crate::pages::suppression::{channel_choices, channels_text};
use crate::state::compliance::editor::set_member;
use crate::state::compliance::{AttemptPeriod, AttemptRule, CallResult, CountBy, RuleSet};

/// The attempt rules table and the form of the rule being edited.
#[component]
pub fn AttemptRulesEditor(editor: Editor) -> impl IntoView {
    let draft = editor.draft;
    let editing = RwSignal::new(None::<usize>);
    let count = Memo::new(move |_| draft.with(|rules| rules.attempt_rules.len()));
    let add = move |_| {
        draft.update(|rules| {
            let number = rules.attempt_rules.len() + 1;
            rules.attempt_rules.push(AttemptRule::new_rule(number));
        });
        editing.set(Some(count.get_untracked().saturating_sub(1)));
    };
    let mut headers = vec![
        "Name",
        "Limit",
        "Period",
        "Counted by",
        "Results counted",
        "Channels",
        "Required",
    ];
    if editor.can_edit {
        headers.push("");
    }
    let header_cells = headers
        .into_iter()
        .map(|header| view! { <th scope="col">{header}</th> })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="attempt-rules-title">
            <div class="section-header">
                <h2 id="attempt-rules-title">"Attempt rules"</h2>
                {editor.can_edit.then(|| view! {
                    <button type="button" class="button button--secondary" on:click=add>"Add rule"</button>
                })}
            </div>
            <p class="muted">"An attempt is refused once a rule's limit of counted attempts is reached in its period."</p>
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Attempt rules"</caption>
                    <thead><tr>{header_cells}</tr></thead>
                    <tbody>
                        <For each=move || 0..count.get() key=|index| *index
                            children=move |index| view! { <AttemptRuleRow editor index editing /> } />
                    </tbody>
                </table>
            </div>
            {move || editing.get().filter(|index| *index < count.get()).map(|index| view! {
                <AttemptRuleForm editor index on_close=move || editing.set(None) />
            })}
        </section>
    }
}

/// One rule's summary row.
#[component]
fn AttemptRuleRow(editor: Editor, index: usize, editing: RwSignal<Option<usize>>) -> impl IntoView {
    let draft = editor.draft;
    let read = move |pick: fn(&AttemptRule) -> String| {
        move || draft.with(|rules| rules.attempt_rules.get(index).map(pick).unwrap_or_default())
    };
    let has_error = Memo::new(move |_| {
        let prefix = format!("attemptRules[{index}]");
        editor.error.with(|error| {
            error.as_ref().is_some_and(|error| {
                error
                    .field_errors
                    .iter()
                    .any(|problem| problem.field.starts_with(&prefix))
            })
        })
    });
    let actions = editor.can_edit.then(|| {
        let remove = move |_| {
            draft.update(|rules| {
                if index < rules.attempt_rules.len() {
                    rules.attempt_rules.remove(index);
                }
            });
            editing.set(None);
        };
        view! {
            <td class="table__actions">
                <button type="button" class="button button--small button--secondary"
                    aria-label=move || format!("Edit {}", read(|rule| rule.name.clone())())
                    on:click=move |_| editing.set(Some(index))>"Edit"</button>
                <button type="button" class="button button--small button--danger"
                    aria-label=move || format!("Remove {}", read(|rule| rule.name.clone())())
                    on:click=remove>"Remove"</button>
            </td>
        }
    });
    view! {
        <tr class:table__row--error=move || has_error.get()>
            <td>{read(|rule| rule.name.clone())}</td>
            <td class="table__number">{read(|rule| rule.limit.to_string())}</td>
            <td class="table__nowrap">{read(|rule| rule.period.describe())}</td>
            <td>{read(|rule| rule.counted_by.describe())}</td>
            <td>{read(|rule| describe_results(&rule.counted_results))}</td>
            <td>{read(|rule| channels_text(&rule.channels))}</td>
            <td>{read(|rule| if rule.required { "Yes".to_owned() } else { "No".to_owned() })}</td>
            {actions}
        </tr>
    }
}

/// "Every attempt" or the counted results' names.
fn describe_results(results: &[CallResult]) -> String {
    if results.is_empty() {
        return "Every attempt".to_owned();
    }
    results
        .iter()
        .map(|result| result.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Changes rule `index` of the draft with `change`.
fn change_rule(draft: RwSignal<RuleSet>, index: usize, change: impl FnOnce(&mut AttemptRule)) {
    draft.update(|rules| {
        if let Some(rule) = rules.attempt_rules.get_mut(index) {
            change(rule);
        }
    });
}

/// The form of rule `index`; its changes go straight into the draft (saved with the rest).
#[component]
fn AttemptRuleForm(editor: Editor, index: usize, on_close: impl Fn() + 'static) -> impl IntoView {
    let draft = editor.draft;
    let rule = move || draft.with(|rules| rules.attempt_rules.get(index).cloned());
    let error_for =
        move |field: &str| path_message(editor.error, format!("attemptRules[{index}].{field}"));
    let (name_error, limit_error, period_error, counted_error, channels_error) = (
        error_for("name"),
        error_for("limit"),
        error_for("period"),
        error_for("countedBy"),
        error_for("channels"),
    );
    let show = |error: Signal<Option<String>>| {
        move || {
            error
                .get()
                .map(|message| view! { <p class="field__error">{message}</p> })
        }
    };
    let period_kind = move || match rule().map(|rule| rule.period) {
        Some(AttemptPeriod::Today) => "TODAY",
        _ => "ROLLING",
    };
    let counted_kind = move || match rule().map(|rule| rule.counted_by) {
        Some(CountBy::Device) => "DEVICE",
        Some(CountBy::Custom(_)) => "CUSTOM",
        _ => "CLIENT_ID",
    };
    let result_choices = CallResult::ALL
        .iter()
        .map(|&result| (result, result.wire_name(), result.label()))
        .collect::<Vec<_>>();
    view! {
        <div class="rule-form form" role="group" aria-labelledby="attempt-rule-form-title">
            <h3 id="attempt-rule-form-title">{move || format!("Edit rule {}", index + 1)}</h3>
            <div class="form__grid form__grid--three">
                <div class="field" class:field--invalid=move || name_error.get().is_some()>
                    <label class="field__label" for="attempt-rule-name">"Name"</label>
                    <input class="input" id="attempt-rule-name" autocomplete="off"
                        prop:value=move || rule().map(|rule| rule.name).unwrap_or_default()
                        on:input=move |event| {
                            let text = event_target_value(&event);
                            change_rule(draft, index, |rule| rule.name = text);
                        } />
                    {show(name_error)}
                </div>
                <div class="field" class:field--invalid=move || limit_error.get().is_some()>
                    <label class="field__label" for="attempt-rule-limit">"Limit (attempts)"</label>
                    <input class="input input--short" id="attempt-rule-limit" type="number" min="1"
                        prop:value=move || rule().map(|rule| rule.limit.to_string()).unwrap_or_default()
                        on:input=move |event| {
                            let limit = event_target_value(&event).trim().parse().unwrap_or(0);
                            change_rule(draft, index, |rule| rule.limit = limit);
                        } />
                    {show(limit_error)}
                </div>
                <div class="field" class:field--invalid=move || period_error.get().is_some()>
                    <label class="field__label" for="attempt-rule-period">"Period"</label>
                    <div class="inline-fields">
                        <select class="select" id="attempt-rule-period" prop:value=period_kind
                            on:change=move |event| {
                                let today = event_target_value(&event) == "TODAY";
                                change_rule(draft, index, |rule| {
                                    rule.period = if today { AttemptPeriod::Today } else { AttemptPeriod::Rolling { hours: 24 } };
                                });
                            }>
                            <option value="TODAY">"Today (local day)"</option>
                            <option value="ROLLING">"Rolling hours"</option>
                        </select>
                        <Show when=move || period_kind() == "ROLLING">
                            <label class="visually-hidden" for="attempt-rule-hours">"Hours"</label>
                            <input class="input input--short" id="attempt-rule-hours" type="number" min="1"
                                prop:value=move || match rule().map(|rule| rule.period) {
                                    Some(AttemptPeriod::Rolling { hours }) => hours.to_string(),
                                    _ => String::new(),
                                }
                                on:input=move |event| {
                                    let hours = event_target_value(&event).trim().parse().unwrap_or(0);
                                    change_rule(draft, index, |rule| rule.period = AttemptPeriod::Rolling { hours });
                                } />
                            <span class="muted">"h"</span>
                        </Show>
                    </div>
                    {show(period_error)}
                </div>
                <div class="field" class:field--invalid=move || counted_error.get().is_some()>
                    <label class="field__label" for="attempt-rule-counted-by">"Counted by"</label>
                    <div class="inline-fields">
                        <select class="select" id="attempt-rule-counted-by" prop:value=counted_kind
                            on:change=move |event| {
                                let kind = event_target_value(&event);
                                change_rule(draft, index, |rule| {
                                    rule.counted_by = match kind.as_str() {
                                        "DEVICE" => CountBy::Device,
                                        "CUSTOM" => CountBy::Custom(String::new()),
                                        _ => CountBy::ClientId,
                                    };
                                });
                            }>
                            <option value="DEVICE">"Device"</option>
                            <option value="CLIENT_ID">"Client id"</option>
                            <option value="CUSTOM">"Custom key"</option>
                        </select>
                        <Show when=move || counted_kind() == "CUSTOM">
                            <label class="visually-hidden" for="attempt-rule-custom-key">"Custom key"</label>
                            <input class="input" id="attempt-rule-custom-key" placeholder="debt_id"
                                prop:value=move || match rule().map(|rule| rule.counted_by) {
                                    Some(CountBy::Custom(key)) => key,
                                    _ => String::new(),
                                }
                                on:input=move |event| {
                                    let key = event_target_value(&event);
                                    change_rule(draft, index, |rule| rule.counted_by = CountBy::Custom(key));
                                } />
                        </Show>
                    </div>
                    {show(counted_error)}
                </div>
            </div>
            <CheckboxGroup id_prefix="attempt-rule-result" legend="Results counted (none ticked: every attempt)"
                choices=result_choices
                is_ticked=move |result| rule().is_some_and(|rule| rule.counted_results.contains(&result))
                on_toggle=move |result, on| change_rule(draft, index, |rule| {
                    set_member(&mut rule.counted_results, result, on);
                    rule.counted_results.sort();
                }) />
            <CheckboxGroup id_prefix="attempt-rule-channel" legend="Channels"
                choices=channel_choices()
                is_ticked=move |channel| rule().is_some_and(|rule| rule.channels.contains(&channel))
                on_toggle=move |channel, on| change_rule(draft, index, |rule| set_member(&mut rule.channels, channel, on))
                error=channels_error />
            <div class="checkbox">
                <input type="checkbox" id="attempt-rule-required"
                    prop:checked=move || rule().is_some_and(|rule| rule.required)
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        change_rule(draft, index, |rule| rule.required = on);
                    } />
                <label for="attempt-rule-required">
                    <span class="checkbox__label">"Required"</span>
                    <span class="checkbox__hint">"Applied to every campaign, even running ones; otherwise only where a campaign names it."</span>
                </label>
            </div>
            <div class="form__actions">
                <button type="button" class="button button--secondary" on:click=move |_| on_close()>"Done"</button>
            </div>
        </div>
    }
}

/// The device restrictions: automated modes and what they may not reach.
#[component]
pub fn DeviceRestrictionsEditor(editor: Editor) -> impl IntoView {
    let draft = editor.draft;
    let disabled = Signal::derive(move || !editor.can_edit);
    let modes = DialMode::ALL
        .iter()
        .map(|&mode| (mode, mode.wire_name(), mode.label()))
        .collect::<Vec<_>>();
    type Flag = fn(&mut crate::state::compliance::DeviceRestrictions) -> &mut bool;
    let flags: [(&'static str, &'static str, &'static str, Flag); 4] = [
        (
            "device-mobile-consent",
            "Mobiles need consent",
            "Automated modes may not reach a mobile without the contact's consent.",
            |devices| &mut devices.mobile_requires_consent,
        ),
        (
            "device-unknown-mobile",
            "Unknown type counts as mobile",
            "The safe side when the data cannot tell.",
            |devices| &mut devices.unknown_type_is_mobile,
        ),
        (
            "device-reassigned",
            "Refuse reassigned numbers",
            "Numbers flagged as reassigned, in automated modes.",
            |devices| &mut devices.refuse_reassigned,
        ),
        (
            "device-ported",
            "Refuse ported numbers",
            "Numbers flagged as ported, in automated modes.",
            |devices| &mut devices.refuse_ported,
        ),
    ];
    let boxes = flags
        .into_iter()
        .map(|(id, label, hint, flag)| {
            view! {
                <div class="checkbox">
                    <input type="checkbox" id=id disabled=!editor.can_edit
                        prop:checked=move || draft.with(|rules| {
                            let mut devices = rules.device_restrictions.clone();
                            *flag(&mut devices)
                        })
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            draft.update(|rules| *flag(&mut rules.device_restrictions) = on);
                        } />
                    <label for=id>
                        <span class="checkbox__label">{label}</span>
                        <span class="checkbox__hint">{hint}</span>
                    </label>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="devices-title">
            <h2 id="devices-title">"Device restrictions"</h2>
            <CheckboxGroup id_prefix="automated-mode" legend="Automated modes"
                choices=modes
                is_ticked=move |mode| draft.with(|rules| rules.device_restrictions.automated_modes.contains(&mode))
                on_toggle=move |mode, on| draft.update(|rules| set_member(&mut rules.device_restrictions.automated_modes, mode, on))
                disabled
                error=path_message(editor.error, "deviceRestrictions.automatedModes".to_owned()) />
            {boxes}
        </section>
    }
}
