//! `/suppression/:id`: one suppression list — what it holds and blocks, its
//! entries with search (a phone written any way) and paging, and for those
//! who may: add values, remove them one by one or in bulk, upload a file
//! (`pages::suppression_upload`), export and delete the list.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::compliance_types::SuppressionKind;
use crate::api::error::ApiError;
use crate::api::suppression::{
    AddSuppressionEntries, DeleteSuppressionList, ExportSuppressionList, GetSuppressionList,
    RemoveSuppressionEntries, SuppressionEntries, SuppressionEntryRow, SuppressionListSummary,
    add_suppression_entries, delete_suppression_list, export_suppression_list,
    get_suppression_list, remove_suppression_entries, suppression_entries,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, Loading, confirm};
use crate::components::form::{TextAreaField, TextField, field_message};
use crate::components::page::{Breadcrumbs, Crumb, PageHeader};
use crate::components::table::{DataTable, PagedTable};
use crate::components::toast::Toasts;
use crate::format::{format_count, format_date, format_timestamp};
use crate::pages::suppression::channels_text;
use crate::pages::suppression_upload::{UploadPanel, UploadsTable};
use crate::state::models::Page;
use crate::state::nav::{can_manage_global_suppression, can_manage_suppression};
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE};
use crate::state::session::Session;
use crate::state::suppression::{
    AddEntriesDraft, EntrySelection, add_result_message, entries_empty_message, expiry_instant,
    parse_values, remove_question, safe_file_stem, search_placeholder,
};

/// The list page; a new id in the address draws a fresh page.
#[component]
pub fn SuppressionListPage() -> impl IntoView {
    let params = use_params_map();
    let list_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <SuppressionListDetail list_id=list_id.get() /> }
}

/// One list's page.
#[component]
fn SuppressionListDetail(list_id: String) -> impl IntoView {
    let session = Session::use_context();
    // Bumped after every change: the header, entries and uploads reload.
    let revision = RwSignal::new(0_u32);
    let summary = LocalResource::new({
        let list_id = list_id.clone();
        move || {
            revision.track();
            let variables = get_suppression_list::Variables {
                id: list_id.clone(),
            };
            async move {
                let data = session.execute::<GetSuppressionList>(variables).await?;
                Ok::<_, ApiError>(data.suppression_list)
            }
        }
    });
    let changed = move || revision.update(|revision| *revision += 1);
    let may_change = move |list: &SuppressionListSummary| {
        can_manage_suppression(session.role())
            && (!list.global || can_manage_global_suppression(session.role()))
    };
    // What the forms and the entries need. It stays equal across reloads, so
    // a reload after a change refreshes the header and the uploads without
    // redrawing the forms: an upload's result and the values not added stay
    // on screen.
    let loaded = Memo::new(move |_| {
        summary
            .get()
            .and_then(Result::ok)
            .map(|list| (list.kind, may_change(&list)))
    });
    let header = move || {
        summary.get().map(|loaded| match loaded {
            Err(error) => view! {
                <Breadcrumbs trail=vec![Crumb::link("Suppression", "/suppression"), Crumb::here("Unavailable")] />
                <ErrorBanner error title="Could not load the suppression list" />
            }
            .into_any(),
            Ok(list) => {
                let can_change = may_change(&list);
                view! { <ListHeader list can_change /> }.into_any()
            }
        })
    };
    let body = move || {
        loaded.get().map(|(kind, can_change)| {
            view! { <ListBody list_id=list_id.clone() kind can_change revision on_changed=changed /> }
        })
    };
    let uploads = move || {
        summary
            .get()
            .and_then(Result::ok)
            .map(|list| view! { <UploadsTable imports=list.imports /> })
    };
    view! {
        <Transition fallback=move || view! { <Loading what="the suppression list" /> }>{header}</Transition>
        {body}
        {uploads}
    }
}

/// The list's title, actions and facts; redrawn after every change.
#[component]
fn ListHeader(list: SuppressionListSummary, can_change: bool) -> impl IntoView {
    let trail = vec![
        Crumb::link("Suppression", "/suppression"),
        Crumb::here(list.name.clone()),
    ];
    let scope = if list.global {
        "Global (every tenant)"
    } else {
        "This tenant"
    };
    let description = list.description.clone();
    let (export_id, delete_id) = (list.id.clone(), list.id.clone());
    let (export_name, delete_name) = (list.name.clone(), list.name.clone());
    view! {
        <Breadcrumbs trail />
        <PageHeader title=list.name.clone()>
            <ExportButton list_id=export_id list_name=export_name />
            {can_change.then(|| view! { <DeleteListButton list_id=delete_id.clone() list_name=delete_name.clone() /> })}
        </PageHeader>
        <section class="panel" aria-label="About this list">
            <dl class="summary">
                <div class="summary__item"><dt>"Holds"</dt><dd>{list.kind.label()}</dd></div>
                <div class="summary__item"><dt>"Blocks"</dt><dd>{channels_text(&list.channels)}</dd></div>
                <div class="summary__item"><dt>"Scope"</dt><dd>{scope}</dd></div>
                <div class="summary__item">
                    <dt>"Entries"</dt>
                    <dd class="summary__number">{format_count(list.entry_count)}</dd>
                </div>
                <div class="summary__item">
                    <dt>"Updated"</dt>
                    <dd title=list.updated_at.clone()>{format_timestamp(&list.updated_at)}</dd>
                </div>
            </dl>
            {description.map(|text| view! { <p class="summary__description">{text}</p> })}
        </section>
    }
}

/// The forms and the entries, drawn once per page.
#[component]
fn ListBody(
    list_id: String,
    kind: SuppressionKind,
    can_change: bool,
    revision: RwSignal<u32>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let (add_id, upload_id) = (list_id.clone(), list_id.clone());
    view! {
        {can_change.then(|| view! {
            <div class="panel-pair">
                <AddValuesPanel list_id=add_id.clone() kind on_added=on_changed />
                <UploadPanel list_id=upload_id.clone() kind on_finished=on_changed />
            </div>
        })}
        <EntriesSection list_id kind can_change revision on_changed />
    }
}

/// "Export CSV": asks for the export's path, then downloads it with the token.
#[component]
fn ExportButton(list_id: String, list_name: String) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let export = Action::new_local(move |_: &()| {
        let variables = export_suppression_list::Variables {
            id: list_id.clone(),
        };
        let file_name = format!("{}-suppression.csv", safe_file_stem(&list_name));
        async move {
            let data = session.execute::<ExportSuppressionList>(variables).await?;
            session
                .download(&data.export_suppression_list, &file_name)
                .await?;
            toasts.success("Export downloaded".to_owned());
            Ok::<(), ApiError>(())
        }
    });
    view! {
        <button type="button" class="button button--secondary"
            disabled=move || export.pending().get()
            on:click=move |_| { export.dispatch_local(()); }>
            {move || if export.pending().get() { "Exporting…" } else { "Export CSV" }}
        </button>
        <ActionErrorBanner action=export title="The export failed" />
    }
}

/// "Delete list", after a confirmation; back to all lists afterwards.
#[component]
fn DeleteListButton(list_id: String, list_name: String) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let navigate = use_navigate();
    let question = format!(
        "Delete the suppression list \u{201c}{list_name}\u{201d} and all its entries? \
         Its values may be contacted again."
    );
    let delete = Action::new_local(move |_: &()| {
        let variables = delete_suppression_list::Variables {
            id: list_id.clone(),
        };
        let name = list_name.clone();
        let navigate = navigate.clone();
        async move {
            session.execute::<DeleteSuppressionList>(variables).await?;
            toasts.success(format!("{name} deleted"));
            navigate("/suppression", Default::default());
            Ok::<(), ApiError>(())
        }
    });
    view! {
        <button type="button" class="button button--danger"
            disabled=move || delete.pending().get()
            on:click=move |_| {
                if confirm(&question) {
                    delete.dispatch_local(());
                }
            }>
            "Delete list"
        </button>
        <ActionErrorBanner action=delete title="The list was not deleted" />
    }
}

/// The help under "Values, one per line", by what the list holds.
fn values_hint(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Phone => {
            "Phone numbers may be written any way: +1 212 736 5000, (212) 736-5000."
        }
        SuppressionKind::Email => "One e-mail address per line.",
        SuppressionKind::ClientId => "One client id per line, as your systems write it.",
    }
}

/// "Add values": one per line, an optional reason and expiry date.
#[component]
fn AddValuesPanel(
    list_id: String,
    kind: SuppressionKind,
    on_added: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let phones = kind == SuppressionKind::Phone;
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let values = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let expires_on = RwSignal::new(String::new());
    let country = RwSignal::new(AddEntriesDraft::default().country);
    let error = RwSignal::new(None::<ApiError>);
    let rejected = RwSignal::new(Vec::<(String, String)>::new());
    let add = Action::new_local(move |draft: &AddEntriesDraft| {
        let variables = add_suppression_entries::Variables {
            list_id: list_id.clone(),
            values: parse_values(&draft.values),
            reason: draft.reason(),
            expires_at: expiry_instant(&draft.expires_on),
            default_country: if phones {
                draft.default_country()
            } else {
                None
            },
        };
        async move {
            match session.execute::<AddSuppressionEntries>(variables).await {
                Ok(data) => {
                    let result = data.add_suppression_entries;
                    toasts.success(add_result_message(
                        result.added,
                        result.already_present,
                        result.rejected.len(),
                    ));
                    rejected.set(
                        result
                            .rejected
                            .into_iter()
                            .map(|value| (value.value, value.reason))
                            .collect(),
                    );
                    error.set(None);
                    values.set(String::new());
                    on_added();
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = AddEntriesDraft {
            values: values.get_untracked(),
            reason: reason.get_untracked(),
            expires_on: expires_on.get_untracked(),
            country: if phones {
                country.get_untracked()
            } else {
                String::new()
            },
        };
        let problems = draft.problems();
        if problems.is_empty() {
            add.dispatch_local(draft);
        } else {
            error.set(Some(ApiError::from_field_errors(problems)));
        }
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| {
                error.needs_banner(&["values", "reason", "expiresAt", "defaultCountry"])
            })
            .map(|error| view! { <ErrorBanner error title="The values were not added" /> })
    };
    let rejected_list = move || {
        let rows = rejected.get();
        (!rows.is_empty()).then(|| {
            let items = rows
                .into_iter()
                .map(|(value, reason)| view! { <li><code>{value}</code>" — "{reason}</li> })
                .collect_view();
            view! {
                <div class="banner banner--error" role="alert">
                    <strong class="banner__title">"Not added"</strong>
                    <ul class="rejected-values">{items}</ul>
                </div>
            }
        })
    };
    view! {
        <form class="panel form" aria-labelledby="add-values-title" on:submit=on_submit novalidate>
            <h2 id="add-values-title">"Add values"</h2>
            {general_error}
            <TextAreaField id="suppression-values" label="Values, one per line" value=values rows=4
                hint=values_hint(kind)
                error=field_error("values") />
            <div class="form__grid">
                <TextField id="suppression-reason" label="Reason (optional)" value=reason
                    autocomplete="off" hint="Shown with each entry." error=field_error("reason") />
                <TextField id="suppression-expiry" label="Expires after (optional)" value=expires_on
                    input_type="date" hint="Active through that day (UTC)." error=field_error("expiresAt") />
                {phones.then(|| view! {
                    <TextField id="suppression-country" label="Default country" value=country
                        autocomplete="off" hint="For numbers written without a country code." error=field_error("defaultCountry") />
                })}
            </div>
            {rejected_list}
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || add.pending().get()>
                    {move || if add.pending().get() { "Adding…" } else { "Add values" }}
                </button>
            </div>
        </form>
    }
}

/// The entries: search, "Remove selected", the table and the pager.
#[component]
fn EntriesSection(
    list_id: String,
    kind: crate::api::compliance_types::SuppressionKind,
    can_change: bool,
    revision: RwSignal<u32>,
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let search_text = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let pager = RwSignal::new(CursorPager::default());
    let selection = RwSignal::new(EntrySelection::default());
    let entries = LocalResource::new({
        let list_id = list_id.clone();
        move || {
            revision.track();
            let search = applied_search.get();
            let variables = suppression_entries::Variables {
                id: list_id.clone(),
                first: Some(TABLE_PAGE_SIZE),
                after: pager.with(CursorPager::after),
                search: (!search.is_empty()).then_some(search),
            };
            let page_number = pager.with(CursorPager::page_number);
            async move {
                let data = session.execute::<SuppressionEntries>(variables).await?;
                let page = Page::<SuppressionEntryRow>::from(data.suppression_list.entries);
                Ok::<_, ApiError>((page_number, page))
            }
        }
    });
    let remove = Action::new_local(move |values: &Vec<String>| {
        let variables = remove_suppression_entries::Variables {
            list_id: list_id.clone(),
            values: values.clone(),
        };
        async move {
            let removed = session
                .execute::<RemoveSuppressionEntries>(variables)
                .await?;
            selection.update(EntrySelection::clear);
            toasts.success(format!("{} removed", removed.remove_suppression_entries));
            on_changed();
            Ok::<(), ApiError>(())
        }
    });
    let on_search = move |event: SubmitEvent| {
        event.prevent_default();
        applied_search.set(search_text.get_untracked().trim().to_owned());
        pager.update(CursorPager::reset);
        selection.update(EntrySelection::clear);
    };
    let remove_selected = move |_| {
        let values = selection.with_untracked(EntrySelection::values);
        if !values.is_empty() && confirm(&remove_question(values.len())) {
            remove.dispatch_local(values);
        }
    };
    let search_applied = Signal::derive(move || !applied_search.get().is_empty());
    view! {
        <section aria-labelledby="entries-title">
            <h2 id="entries-title" class="section-title">"Entries"</h2>
            <form class="toolbar" role="search" on:submit=on_search>
                <label class="visually-hidden" for="entry-search">"Search entries"</label>
                <input class="input toolbar__search toolbar__search--wide" id="entry-search" type="search"
                    placeholder=search_placeholder(kind) bind:value=search_text />
                <button type="submit" class="button button--secondary">"Search"</button>
                {can_change.then(|| view! {
                    <button type="button" class="button button--danger"
                        disabled=move || selection.with(EntrySelection::is_empty) || remove.pending().get()
                        on:click=remove_selected>
                        {move || format!("Remove selected ({})", selection.with(EntrySelection::len))}
                    </button>
                })}
            </form>
            <ActionErrorBanner action=remove title="The entries were not removed" />
            <PagedTable page=entries pager what="entries" error_title="Could not load entries"
                render_rows=move |rows| view! { <EntriesTable rows can_change selection remove search_applied /> } />
        </section>
    }
}

/// The entries table body.
#[component]
fn EntriesTable(
    rows: Vec<SuppressionEntryRow>,
    can_change: bool,
    selection: RwSignal<EntrySelection>,
    remove: Action<Vec<String>, Result<(), ApiError>>,
    search_applied: Signal<bool>,
) -> impl IntoView {
    if rows.is_empty() {
        let message = entries_empty_message(search_applied.get_untracked());
        return view! { <EmptyState message /> }.into_any();
    }
    let mut headers = Vec::new();
    if can_change {
        headers.push("");
    }
    headers.extend(["Value", "Reason", "Source", "Expires", "Added", "Status"]);
    if can_change {
        headers.push("");
    }
    let rows = rows
        .into_iter()
        .map(|entry| {
            let value = entry.value.clone();
            let tick = can_change.then(|| {
                let value = value.clone();
                let shown = value.clone();
                let label = format!("Select {value}");
                view! {
                    <td class="table__check">
                        <input type="checkbox" aria-label=label
                            prop:checked=move || selection.with(|selected| selected.contains(&shown))
                            on:change=move |event| {
                                let ticked = event_target_checked(&event);
                                selection.update(|selected| selected.set(&value, ticked));
                            } />
                    </td>
                }
            });
            let remove_button = can_change.then(|| {
                let value = value.clone();
                let label = format!("Remove {value}");
                view! {
                    <td class="table__actions">
                        <button type="button" class="button button--small button--danger" aria-label=label
                            disabled=move || remove.pending().get()
                            on:click=move |_| { remove.dispatch_local(vec![value.clone()]); }>
                            "Remove"
                        </button>
                    </td>
                }
            });
            let (status, status_class) = if entry.active {
                ("Active", "badge badge--ok")
            } else {
                ("Expired", "badge badge--muted")
            };
            let expires = entry
                .expires_at
                .as_deref()
                .map_or_else(|| "Never".to_owned(), format_date);
            view! {
                <tr>
                    {tick}
                    <td class="table__nowrap"><code>{entry.value.clone()}</code></td>
                    <td>{entry.reason.clone().unwrap_or_default()}</td>
                    <td>{entry.source.label()}</td>
                    <td class="table__nowrap">{expires}</td>
                    <td class="table__nowrap" title=entry.created_at.clone()>{format_date(&entry.created_at)}</td>
                    <td><span class=status_class>{status}</span></td>
                    {remove_button}
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Suppression entries" headers>{rows}</DataTable> }.into_any()
}
