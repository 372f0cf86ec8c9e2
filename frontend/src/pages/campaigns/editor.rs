//! The campaign editor: name, description, template, contact lists with
//! weights in order, the list mix, saved selection rules, up to four sort
//! fields and the agent group. Used by the Campaigns page (new) and the
//! dashboard (edit); a campaign that is not unloaded is shown read-only with
//! the reason. `state::campaigns::campaign_draft` checks the form.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::campaign_types::ListMix;
use crate::api::campaigns::{
    CampaignDetail, CampaignEditorChoices, CreateCampaign, UpdateCampaign, campaign_editor_choices,
    create_campaign, update_campaign,
};
use crate::api::error::ApiError;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{TextAreaField, TextField, field_message};
use crate::components::toast::Toasts;
use crate::state::campaigns::campaign_draft::{
    CampaignDraft, MAX_SORT_FIELDS, SORTABLE_FIELDS, SortChoice,
};
use crate::state::campaigns::editing_blocked_reason;
use crate::state::campaigns::template_draft::move_item;
use crate::state::session::Session;

/// The fields the form shows errors next to; others go into its banner.
const CAMPAIGN_FIELDS: &[&str] = &["name", "description", "templateId", "lists", "recordOrder"];

/// The editor; `existing` is the campaign being edited (none: a new one).
#[component]
pub fn CampaignEditor(
    /// The campaign to edit, or `None` for a new one.
    existing: Option<CampaignDetail>,
    /// Called with the campaign's id after it was saved.
    on_saved: Callback<String>,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = existing
        .as_ref()
        .map(CampaignDraft::from_campaign)
        .unwrap_or_default();
    let blocked_reason = existing
        .as_ref()
        .and_then(|campaign| editing_blocked_reason(campaign.state));
    let blocked = blocked_reason.is_some();
    let existing_id = existing.as_ref().map(|campaign| campaign.id.clone());
    let name = RwSignal::new(initial.name.clone());
    let description = RwSignal::new(initial.description.clone());
    let agent_group = RwSignal::new(initial.agent_group.clone());
    let draft = RwSignal::new(initial);
    let error = RwSignal::new(None::<ApiError>);
    let choices = LocalResource::new(move || async move {
        session
            .execute::<CampaignEditorChoices>(campaign_editor_choices::Variables)
            .await
    });
    let save = Action::new_local(move |form: &CampaignDraft| {
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
                    .execute::<UpdateCampaign>(update_campaign::Variables {
                        id,
                        input: (&settings).into(),
                    })
                    .await
                    .map(|data| (data.update_campaign.id, data.update_campaign.name)),
                None => session
                    .execute::<CreateCampaign>(create_campaign::Variables {
                        input: (&settings).into(),
                    })
                    .await
                    .map(|data| (data.create_campaign.id, data.create_campaign.name)),
            };
            match saved {
                Ok((id, saved_name)) => {
                    error.set(None);
                    toasts.success(format!("{saved_name} saved"));
                    on_saved.run(id);
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let is_new = existing.is_none();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut form = draft.get_untracked();
        form.name = name.get_untracked();
        form.description = description.get_untracked();
        form.agent_group = agent_group.get_untracked();
        save.dispatch_local(form);
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(CAMPAIGN_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The campaign was not saved" /> })
    };
    let pickers = move || {
        choices.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load templates and lists" /> }
                    .into_any()
            }
            Ok(data) => view! { <Pickers data draft error /> }.into_any(),
        })
    };
    view! {
        <form id="campaign-editor" class="panel form" on:submit=on_submit novalidate>
            <h2>{if is_new { "New campaign" } else { "Campaign settings" }}</h2>
            {blocked_reason.map(|reason| view! {
                <p class="banner banner--info" role="note">{reason}</p>
            })}
            {general_error}
            <fieldset class="form__fieldset" disabled=blocked>
                <div class="form__grid">
                    <TextField id="campaign-name" label="Name" value=name autocomplete="off"
                        required=true error=field_error("name") />
                    <TextField id="campaign-agent-group" label="Agent group (optional)"
                        value=agent_group autocomplete="off"
                        hint="Overrides the template's agent group" />
                    <div class="form__wide">
                        <TextAreaField id="campaign-description" label="Description (optional)"
                            value=description rows=2 error=field_error("description") />
                    </div>
                </div>
                <Transition fallback=move || view! { <Loading what="templates and lists" /> }>
                    {pickers}
                </Transition>
                <RecordOrder draft error />
            </fieldset>
            <div class="form__actions">
                <button type="submit" class="button button--primary"
                    disabled=move || blocked || save.pending().get()>
                    {move || match (save.pending().get(), is_new) {
                        (true, _) => "Saving…",
                        (false, true) => "Create campaign",
                        (false, false) => "Save campaign",
                    }}
                </button>
            </div>
        </form>
    }
}

/// The template picker, the lists with weights and order, the mix and the rules.
#[component]
fn Pickers(
    data: campaign_editor_choices::ResponseData,
    draft: RwSignal<CampaignDraft>,
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let templates = data.campaign_templates;
    let lists: Vec<(String, String, i64)> = data
        .contact_lists
        .edges
        .into_iter()
        .map(|edge| (edge.node.id, edge.node.name, edge.node.contact_count))
        .collect();
    let rules = data.selection_rules;
    let no_rules = rules.is_empty();
    let template_options = templates
        .into_iter()
        .map(|template| {
            let id = template.id.clone();
            let label = format!("{} ({})", template.name, template.dialing_mode.label());
            view! {
                <option value=template.id.clone()
                    selected=move || draft.with(|draft| draft.template_id == id)>
                    {label}
                </option>
            }
        })
        .collect_view();
    let list_to_add = RwSignal::new(String::new());
    let list_options = lists
        .iter()
        .map(|(id, name, contacts)| {
            view! { <option value=id.clone()>{format!("{name} ({contacts} contacts)")}</option> }
        })
        .collect_view();
    let add_list = move |_| {
        let chosen = list_to_add.get_untracked();
        let name = lists
            .iter()
            .find(|(id, _, _)| *id == chosen)
            .map(|(_, name, _)| name.clone())
            .unwrap_or_default();
        draft.update(|draft| {
            draft.add_list(&chosen, &name);
        });
    };
    let rule_boxes = rules
        .into_iter()
        .map(|rule| {
            let id = format!("campaign-rule-{}", rule.id);
            let rule_id = rule.id.clone();
            let toggled_id = rule.id.clone();
            let label_for = id.clone();
            view! {
                <label class="check-chip" for=label_for>
                    <input type="checkbox" id=id
                        prop:checked=move || draft.with(|draft| draft.selection_rule_ids.contains(&rule_id))
                        on:change=move |event| {
                            let chosen = event_target_checked(&event);
                            draft.update(|draft| draft.set_rule(&toggled_id, chosen));
                        } />
                    <span>{rule.name}</span>
                </label>
            }
        })
        .collect_view();
    let template_error = field_message(error, "templateId");
    let lists_error = field_message(error, "lists");
    view! {
        <div class="form__grid">
            <div class="field" class:field--invalid=move || template_error.get().is_some()>
                <label class="field__label" for="campaign-template">"Template"</label>
                <select class="select" id="campaign-template"
                    on:change=move |event| {
                        let id = event_target_value(&event);
                        draft.update(|draft| draft.template_id = id);
                    }>
                    <option value="" selected=move || draft.with(|draft| draft.template_id.is_empty())>
                        "Pick a template"
                    </option>
                    {template_options}
                </select>
                {move || template_error.get().map(|message| view! {
                    <p class="field__error" id="campaign-template-error">{message}</p>
                })}
            </div>
            <div class="field">
                <label class="field__label" for="campaign-list-mix">"List mix"</label>
                <select class="select" id="campaign-list-mix"
                    on:change=move |event| {
                        if let Some(mix) = ListMix::from_wire_name(&event_target_value(&event)) {
                            draft.update(|draft| draft.list_mix = mix);
                        }
                    }>
                    {ListMix::ALL.iter().map(|mix| {
                        let mix = *mix;
                        view! {
                            <option value=mix.wire_name()
                                selected=move || draft.with(|draft| draft.list_mix == mix)>
                                {match mix {
                                    ListMix::Weighted => "Weighted: interleaved by weight",
                                    ListMix::Ordered => "Ordered: first list first",
                                }}
                            </option>
                        }
                    }).collect_view()}
                </select>
            </div>
        </div>
        <fieldset class="check-group" class:field--invalid=move || lists_error.get().is_some()>
            <legend class="field__label">"Contact lists"</legend>
            <ListRows draft />
            <div class="toolbar toolbar--inline">
                <label class="visually-hidden" for="campaign-add-list">"List to add"</label>
                <select class="select" id="campaign-add-list"
                    on:change=move |event| list_to_add.set(event_target_value(&event))>
                    <option value="">"Pick a list"</option>
                    {list_options}
                </select>
                <button type="button" class="button button--secondary" on:click=add_list>
                    "Add list"
                </button>
            </div>
            {move || lists_error.get().map(|message| view! {
                <p class="field__error" id="campaign-lists-error">{message}</p>
            })}
        </fieldset>
        <fieldset class="check-group">
            <legend class="field__label">"Selection rules (a contact passing any is kept; none: every contact)"</legend>
            <div class="check-group__boxes">{rule_boxes}</div>
            {no_rules.then(|| view! {
                <p class="muted">"No saved selection rules: every contact of the lists is called."</p>
            })}
        </fieldset>
    }
}

/// The chosen lists: weight, up/down, remove.
#[component]
fn ListRows(draft: RwSignal<CampaignDraft>) -> impl IntoView {
    move || {
        let lists = draft.with(|draft| draft.lists.clone());
        if lists.is_empty() {
            return view! { <p class="muted">"No list yet: pick one below and add it."</p> }
                .into_any();
        }
        let count = lists.len();
        let rows = lists
            .into_iter()
            .enumerate()
            .map(|(index, list)| {
                let weight_id = format!("campaign-list-weight-{index}");
                view! {
                    <tr>
                        <td>{index + 1}</td>
                        <td>{list.name.clone()}</td>
                        <td>
                            <label class="visually-hidden" for=weight_id.clone()>
                                {format!("Weight of {}", list.name)}
                            </label>
                            <input class="input input--narrow" id=weight_id inputmode="numeric"
                                prop:value=list.weight.clone()
                                on:change=move |event| {
                                    let weight = event_target_value(&event);
                                    draft.update(|draft| {
                                        if let Some(list) = draft.lists.get_mut(index) {
                                            list.weight = weight;
                                        }
                                    });
                                } />
                        </td>
                        <td class="table__actions">
                            <MoveButtons index count on_move=Callback::new(move |(index, up)| {
                                draft.update(|draft| move_item(&mut draft.lists, index, up));
                            }) />
                            <button type="button" class="button button--small button--secondary"
                                on:click=move |_| draft.update(|draft| {
                                    if index < draft.lists.len() {
                                        draft.lists.remove(index);
                                    }
                                })>
                                "Remove"
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="table table--compact">
                <caption class="visually-hidden">"Lists of the campaign"</caption>
                <thead><tr><th>"#"</th><th>"List"</th><th>"Weight"</th><th></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    }
}

/// "Up" and "Down" buttons for row `index` of `count`.
#[component]
pub fn MoveButtons(index: usize, count: usize, on_move: Callback<(usize, bool)>) -> impl IntoView {
    view! {
        <button type="button" class="button button--small button--secondary"
            aria-label="Move up" title="Move up" disabled={index == 0}
            on:click=move |_| on_move.run((index, true))>
            "↑"
        </button>
        <button type="button" class="button button--small button--secondary"
            aria-label="Move down" title="Move down" disabled={index + 1 >= count}
            on:click=move |_| on_move.run((index, false))>
            "↓"
        </button>
    }
}

/// Up to four sort fields, each with its direction.
#[component]
fn RecordOrder(draft: RwSignal<CampaignDraft>, error: RwSignal<Option<ApiError>>) -> impl IntoView {
    let order_error = field_message(error, "recordOrder");
    let rows = move || {
        let order = draft.with(|draft| draft.record_order.clone());
        let count = order.len();
        order
            .into_iter()
            .enumerate()
            .map(|(index, sort)| view! { <SortRow index count sort draft /> })
            .collect_view()
    };
    view! {
        <fieldset class="check-group" class:field--invalid=move || order_error.get().is_some()>
            <legend class="field__label">"Record order (up to four fields; none: as loaded)"</legend>
            <div class="sort-rows">{rows}</div>
            <button type="button" class="button button--secondary button--small"
                disabled=move || draft.with(|draft| draft.record_order.len() >= MAX_SORT_FIELDS)
                on:click=move |_| draft.update(|draft| {
                    draft.add_sort_field();
                })>
                "Add sort field"
            </button>
            {move || order_error.get().map(|message| view! { <p class="field__error">{message}</p> })}
        </fieldset>
    }
}

/// One sort field: which, the direction, moves and remove.
#[component]
fn SortRow(
    index: usize,
    count: usize,
    sort: SortChoice,
    draft: RwSignal<CampaignDraft>,
) -> impl IntoView {
    let select_id = format!("campaign-sort-{index}");
    let options = SORTABLE_FIELDS
        .iter()
        .map(|(field, label)| {
            view! { <option value=*field selected={sort.field == *field}>{*label}</option> }
        })
        .collect_view();
    view! {
        <div class="sort-row">
            <label class="visually-hidden" for=select_id.clone()>{format!("Sort field {}", index + 1)}</label>
            <select class="select" id=select_id
                on:change=move |event| {
                    let field = event_target_value(&event);
                    draft.update(|draft| {
                        if let Some(sort) = draft.record_order.get_mut(index) {
                            sort.field = field;
                        }
                    });
                }>
                {options}
            </select>
            <label class="toolbar__toggle">
                <input type="checkbox" prop:checked=sort.descending
                    on:change=move |event| {
                        let descending = event_target_checked(&event);
                        draft.update(|draft| {
                            if let Some(sort) = draft.record_order.get_mut(index) {
                                sort.descending = descending;
                            }
                        });
                    } />
                "Descending"
            </label>
            <MoveButtons index count on_move=Callback::new(move |(index, up)| {
                draft.update(|draft| move_item(&mut draft.record_order, index, up));
            }) />
            <button type="button" class="button button--small button--secondary"
                on:click=move |_| draft.update(|draft| {
                    if index < draft.record_order.len() {
                        draft.record_order.remove(index);
                    }
                })>
                "Remove"
            </button>
        </div>
    }
}
