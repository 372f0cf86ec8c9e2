//! `/suppression`: the suppression lists the tenant sees (its own and the
//! global ones) with their kind, channels and size; administrators,
//! compliance officers and list managers also create and delete them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::compliance_types::SuppressionKind;
use crate::api::error::ApiError;
use crate::api::schema_types::Channel;
use crate::api::suppression::{
    CreateSuppressionList, DeleteSuppressionList, SuppressionListRow, SuppressionLists,
    create_suppression_list, delete_suppression_list, suppression_lists,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, Loading, confirm};
use crate::components::form::{
    CheckboxField, CheckboxGroup, TextAreaField, TextField, field_message,
};
use crate::components::page::{FormToggle, PageHeader};
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::format::{format_count, format_date};
use crate::state::nav::{can_manage_global_suppression, can_manage_suppression};
use crate::state::session::Session;
use crate::state::suppression::NewSuppressionListDraft;

/// The fields of the "New suppression list" form, by GraphQL name.
const NEW_LIST_FIELDS: &[&str] = &["name", "kind", "channels", "description"];

/// The channels as the checkbox groups offer them.
pub fn channel_choices() -> Vec<(Channel, &'static str, &'static str)> {
    Channel::CHOOSABLE
        .into_iter()
        .map(|channel| (channel, channel.wire_name(), channel.label()))
        .collect()
}

/// "Voice, SMS" for a list's channels.
pub fn channels_text(channels: &[Channel]) -> String {
    channels
        .iter()
        .map(|channel| channel.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Suppression lists page.
#[component]
pub fn SuppressionListsPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let can_manage = Memo::new(move |_| can_manage_suppression(session.role()));
    let show_form = RwSignal::new(false);
    let lists = LocalResource::new(move || async move {
        let data = session
            .execute::<SuppressionLists>(suppression_lists::Variables)
            .await?;
        Ok::<_, ApiError>(data.suppression_lists)
    });
    let delete = Action::new_local(move |(id, name): &(String, String)| {
        let variables = delete_suppression_list::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<DeleteSuppressionList>(variables).await;
            lists.refetch();
            result.map(|_| toasts.success(format!("{name} deleted")))
        }
    });
    let toggle = FormToggle {
        label: "New suppression list",
        form_id: "new-suppression-list",
        open: show_form,
        allowed: can_manage.into(),
    };
    let table = move || {
        lists.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load suppression lists" /> }.into_any()
            }
            Ok(rows) => view! { <ListsTable rows can_manage delete /> }.into_any(),
        })
    };
    view! {
        <PageHeader title="Suppression lists" toggle />
        <p class="page-intro">
            {move || {
                if can_manage.get() {
                    "Phone numbers, e-mail addresses and client ids that must not be contacted \
                     on the channels a list names. Global lists apply to every tenant."
                } else {
                    "Phone numbers, e-mail addresses and client ids that must not be contacted. \
                     Read-only: compliance officers, list managers and administrators change them."
                }
            }}
        </p>
        <Show when=move || can_manage.get() && show_form.get()>
            <NewSuppressionListForm on_created=move || {
                show_form.set(false);
                lists.refetch();
            } />
        </Show>
        <ActionErrorBanner action=delete title="The list was not deleted" />
        <Transition fallback=move || view! { <Loading what="suppression lists" /> }>{table}</Transition>
    }
}

/// The lists table.
#[component]
fn ListsTable(
    rows: Vec<SuppressionListRow>,
    can_manage: Memo<bool>,
    delete: Action<(String, String), Result<(), ApiError>>,
) -> impl IntoView {
    let session = Session::use_context();
    let can_manage = can_manage.get_untracked();
    let can_manage_global = can_manage_global_suppression(session.role());
    if rows.is_empty() {
        let message = if can_manage {
            "No suppression lists yet. Create one with \u{201c}New suppression list\u{201d}."
        } else {
            "No suppression lists yet."
        };
        return view! { <EmptyState message /> }.into_any();
    }
    let mut headers = vec!["Name", "Holds", "Channels", "Scope", "Entries", "Updated"];
    if can_manage {
        headers.push("");
    }
    let rows = rows
        .into_iter()
        .map(|list| {
            let deletable = can_manage && (!list.global || can_manage_global);
            let question = format!(
                "Delete the suppression list \u{201c}{}\u{201d} and its {} entries? \
                 Its values may be contacted again.",
                list.name,
                format_count(list.entry_count)
            );
            let request = (list.id.clone(), list.name.clone());
            let delete_label = format!("Delete {}", list.name);
            let delete_button = deletable.then(|| {
                view! {
                    <button type="button" class="button button--small button--danger"
                        aria-label=delete_label
                        disabled=move || delete.pending().get()
                        on:click=move |_| {
                            if confirm(&question) {
                                delete.dispatch_local(request.clone());
                            }
                        }>
                        "Delete"
                    </button>
                }
            });
            let scope = if list.global {
                view! { <span class="badge badge--info">"Global"</span> }.into_any()
            } else {
                view! { <span class="muted">"This tenant"</span> }.into_any()
            };
            let description = list.description.clone().unwrap_or_default();
            view! {
                <tr>
                    <td>
                        <A href=format!("/suppression/{}", list.id)>{list.name.clone()}</A>
                        <div class="muted">{description}</div>
                    </td>
                    <td>{list.kind.label()}</td>
                    <td>{channels_text(&list.channels)}</td>
                    <td>{scope}</td>
                    <td class="table__number">{format_count(list.entry_count)}</td>
                    <td class="table__nowrap" title=list.updated_at.clone()>
                        {format_date(&list.updated_at)}
                    </td>
                    {can_manage.then(|| view! { <td class="table__actions">{delete_button}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Suppression lists" headers>{rows}</DataTable> }.into_any()
}

/// The "New suppression list" form.
#[component]
fn NewSuppressionListForm(on_created: impl Fn() + Clone + 'static) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = NewSuppressionListDraft::default();
    let name = RwSignal::new(initial.name);
    let kind = RwSignal::new(initial.kind);
    let channels = RwSignal::new(initial.channels);
    let global = RwSignal::new(initial.global);
    let description = RwSignal::new(initial.description);
    let error = RwSignal::new(None::<ApiError>);
    let may_create_global = can_manage_global_suppression(session.role());
    let create = Action::new_local(move |draft: &NewSuppressionListDraft| {
        let variables = create_suppression_list::Variables {
            input: create_suppression_list::CreateSuppressionListInput {
                name: draft.name.trim().to_owned(),
                kind: draft.kind,
                channels: draft.ordered_channels(),
                global: draft.global,
                description: draft.description(),
            },
        };
        let on_created = on_created.clone();
        async move {
            match session.execute::<CreateSuppressionList>(variables).await {
                Ok(data) => {
                    toasts.success(format!("{} created", data.create_suppression_list.name));
                    error.set(None);
                    on_created();
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = NewSuppressionListDraft {
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            channels: channels.get_untracked(),
            global: global.get_untracked() && may_create_global,
            description: description.get_untracked(),
        };
        let problems = draft.problems();
        if problems.is_empty() {
            create.dispatch_local(draft);
        } else {
            error.set(Some(ApiError::from_field_errors(problems)));
        }
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(NEW_LIST_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The list was not created" /> })
    };
    let kinds = SuppressionKind::ALL
        .iter()
        .map(|&choice| {
            view! {
                <option value=choice.wire_name() selected=move || kind.get() == choice>
                    {choice.label()}
                </option>
            }
        })
        .collect_view();
    view! {
        <form id="new-suppression-list" class="panel form" on:submit=on_submit novalidate>
            <h2>"New suppression list"</h2>
            {general_error}
            <div class="form__grid">
                <TextField id="suppression-list-name" label="Name" value=name autocomplete="off"
                    required=true error=field_error("name") />
                <div class="field">
                    <label class="field__label" for="suppression-list-kind">"Holds"</label>
                    <select class="select" id="suppression-list-kind"
                        on:change=move |event| {
                            if let Some(choice) = SuppressionKind::from_wire_name(&event_target_value(&event)) {
                                kind.set(choice);
                            }
                        }>
                        {kinds}
                    </select>
                </div>
                <div class="form__wide">
                    <CheckboxGroup id_prefix="suppression-list-channel" legend="Blocks these channels"
                        choices=channel_choices()
                        is_ticked=move |channel| channels.with(|list| list.contains(&channel))
                        on_toggle=move |channel, on| channels.update(|list| {
                            crate::state::compliance::editor::set_member(list, channel, on)
                        })
                        error=field_error("channels") />
                </div>
                {may_create_global.then(|| view! {
                    <div class="form__wide">
                        <CheckboxField id="suppression-list-global" label="Global"
                            hint="Applies to every tenant, not only this one." checked=global />
                    </div>
                })}
                <div class="form__wide">
                    <TextAreaField id="suppression-list-description" label="Description (optional)"
                        value=description error=field_error("description") />
                </div>
            </div>
            <div class="form__actions">
                <button type="submit" class="button button--primary"
                    disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create list" }}
                </button>
            </div>
        </form>
    }
}
