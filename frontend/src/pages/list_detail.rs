//! `/lists/:id`: one list — its header (status, channel, caller id, counts),
//! an edit form for list managers and administrators, its contacts with
//! search (a phone or e-mail written any way) and paging, and its imports
//! (`pages::list_imports`).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::error::ApiError;
use crate::api::operations::{
    ExportContactList, GetContactList, ListContacts, UpdateContactList, export_contact_list,
    get_contact_list, list_contacts,
};
use crate::api::schema_types::ContactListStatus;
use crate::components::feedback::{EmptyState, ErrorBanner, Loading, Unavailable};
use crate::components::form::{TextAreaField, TextField, field_message};
use crate::components::page::{Breadcrumbs, Crumb, FormToggle, PageHeader};
use crate::components::table::{DataTable, PagedTable};
use crate::components::toast::Toasts;
use crate::format::{format_count, format_timestamp, list_status};
use crate::pages::import_wizard::ImportWizard;
use crate::pages::list_imports::ImportsSection;
use crate::pages::lists::CALLER_ID_HINT;
use crate::state::contacts::{ContactRow, contacts_empty_message};
use crate::state::lists::{ContactListSummary, ListEditDraft};
use crate::state::models::Page;
use crate::state::nav::can_manage_lists;
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE};
use crate::state::session::Session;

/// The fields of the edit form, by GraphQL name: errors for any other field
/// go into the form's banner.
const EDIT_LIST_FIELDS: &[&str] = &["name", "description", "callerId"];

/// The list detail page; a new id in the address draws a fresh page.
#[component]
pub fn ListDetailPage() -> impl IntoView {
    let params = use_params_map();
    let list_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <ListDetail list_id=list_id.get() /> }
}

/// One list's page.
#[component]
fn ListDetail(list_id: String) -> impl IntoView {
    let session = Session::use_context();
    let can_manage = Memo::new(move |_| can_manage_lists(session.role()));
    let show_form = RwSignal::new(false);
    let show_import = RwSignal::new(false);
    // Bumped when an import wizard closes or an import ends: the contacts
    // and imports tables reload.
    let contacts_revision = RwSignal::new(0_u32);
    let summary = LocalResource::new({
        let list_id = list_id.clone();
        move || {
            let variables = get_contact_list::Variables {
                id: list_id.clone(),
            };
            async move {
                let data = session.execute::<GetContactList>(variables).await?;
                Ok::<_, ApiError>(data.contact_list)
            }
        }
    });
    let wizard_list_id = list_id.clone();
    // An import started or ended: the header (status, counts) and the tables reload.
    let reload = move || {
        summary.refetch();
        contacts_revision.update(|revision| *revision += 1);
    };
    let list_found = Memo::new(move |_| summary.get().is_some_and(|loaded| loaded.is_ok()));

    let header = move || {
        summary.get().map(|loaded| match loaded {
            Ok(list) => view! {
                <ListHeader list can_manage show_form show_import
                    on_saved=move || summary.refetch() />
            }
            .into_any(),
            Err(error) => view! { <Unavailable error what="list" /> }.into_any(),
        })
    };
    view! {
        <Transition fallback=move || view! { <Loading what="the list" /> }>{header}</Transition>
        <Show when=move || list_found.get() && can_manage.get() && show_import.get()>
            <ImportWizard
                list_id=wizard_list_id.clone()
                on_close=move || {
                    show_import.set(false);
                    summary.refetch();
                    contacts_revision.update(|revision| *revision += 1);
                }
                on_started=reload
                on_finished=reload
            />
        </Show>
        <Show when=move || list_found.get()>
            <ContactsSection list_id=list_id.clone() revision=contacts_revision />
            <ImportsSection
                list_id=list_id.clone()
                revision=contacts_revision
                on_settled=move || {
                    summary.refetch();
                    contacts_revision.update(|revision| *revision += 1);
                }
            />
        </Show>
    }
}

/// Breadcrumbs, title, the facts about the list and, when open, the edit form.
#[component]
fn ListHeader(
    list: ContactListSummary,
    can_manage: Memo<bool>,
    show_form: RwSignal<bool>,
    show_import: RwSignal<bool>,
    on_saved: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let edit = FormToggle {
        label: "Edit list",
        form_id: "edit-list",
        open: show_form,
        allowed: can_manage.into(),
    };
    let trail = vec![
        Crumb::link("Lists", "/lists"),
        Crumb::here(list.name.clone()),
    ];
    let status = list_status(list.status);
    let caller_id = list.caller_id.clone().unwrap_or_else(|| "None".to_owned());
    let description = list.description.clone();
    let form_list = list.clone();
    // No second import while one runs, none into an archived list.
    let importable = !matches!(
        list.status,
        ContactListStatus::Importing | ContactListStatus::Archived
    );
    view! {
        <Breadcrumbs trail />
        <PageHeader title=list.name.clone() toggle=edit>
            <Show when=move || can_manage.get() && importable>
                <button
                    type="button"
                    class="button button--secondary"
                    aria-expanded=move || show_import.get().to_string()
                    aria-controls="import-wizard"
                    on:click=move |_| show_import.update(|shown| *shown = !*shown)
                >
                    "Import contacts"
                </button>
            </Show>
            <Show when=move || can_manage.get()>
                <ExportButton list_id=list.id.clone() list_name=list.name.clone() />
            </Show>
        </PageHeader>
        <section class="panel" aria-label="About this list">
            <dl class="summary">
                <div class="summary__item">
                    <dt>"Status"</dt>
                    <dd><span class=status.class>{status.label}</span></dd>
                </div>
                <div class="summary__item">
                    <dt>"Channel"</dt>
                    <dd>{list.channel.label()}</dd>
                </div>
                <div class="summary__item">
                    <dt>"Caller id"</dt>
                    <dd>{caller_id}</dd>
                </div>
                <div class="summary__item">
                    <dt>"Contacts"</dt>
                    <dd class="summary__number">{format_count(list.contact_count)}</dd>
                </div>
                <div class="summary__item">
                    <dt>"Devices"</dt>
                    <dd class="summary__number">{format_count(list.device_count)}</dd>
                </div>
                <div class="summary__item">
                    <dt>"Updated"</dt>
                    <dd title=list.updated_at.clone()>{format_timestamp(&list.updated_at)}</dd>
                </div>
            </dl>
            {description.map(|text| view! { <p class="summary__description">{text}</p> })}
        </section>
        <Show when=move || can_manage.get() && show_form.get()>
            <EditListForm
                list=form_list.clone()
                on_done={
                    let on_saved = on_saved.clone();
                    move |saved: bool| {
                        show_form.set(false);
                        if saved {
                            on_saved();
                        }
                    }
                }
            />
        </Show>
    }
}

/// The list's contacts: search, table and pager.
#[component]
fn ContactsSection(list_id: String, revision: RwSignal<u32>) -> impl IntoView {
    let session = Session::use_context();
    let search_text = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let pager = RwSignal::new(CursorPager::default());
    let contacts = LocalResource::new(move || {
        revision.track();
        let search = applied_search.get();
        let variables = list_contacts::Variables {
            list_id: list_id.clone(),
            first: Some(TABLE_PAGE_SIZE),
            after: pager.with(CursorPager::after),
            search: (!search.is_empty()).then_some(search),
        };
        // The label must describe the rows shown, not the page being fetched.
        let page_number = pager.with(CursorPager::page_number);
        async move {
            let data = session.execute::<ListContacts>(variables).await?;
            let page = Page::<ContactRow>::from(data.contact_list.contacts);
            Ok::<_, ApiError>((page_number, page))
        }
    });
    let on_search = move |event: SubmitEvent| {
        event.prevent_default();
        applied_search.set(search_text.get_untracked().trim().to_owned());
        pager.update(CursorPager::reset);
    };
    let search_applied = Signal::derive(move || !applied_search.get().is_empty());
    view! {
        <section aria-labelledby="contacts-title">
            <h2 id="contacts-title" class="section-title">"Contacts"</h2>
            <form class="toolbar" role="search" on:submit=on_search>
                <label class="visually-hidden" for="contact-search">
                    "Search contacts"
                </label>
                <input
                    class="input toolbar__search toolbar__search--wide"
                    id="contact-search"
                    type="search"
                    placeholder="Name, client id, phone or e-mail — any format"
                    bind:value=search_text
                />
                <button type="submit" class="button button--secondary">
                    "Search"
                </button>
            </form>
            <PagedTable
                page=contacts
                pager
                what="contacts"
                error_title="Could not load contacts"
                render_rows=move |rows| view! { <ContactsTable rows search_applied /> }
            />
        </section>
    }
}

/// The table body: one row per contact, linking to the contact's page.
#[component]
fn ContactsTable(rows: Vec<ContactRow>, search_applied: Signal<bool>) -> impl IntoView {
    if rows.is_empty() {
        let message = contacts_empty_message(search_applied.get_untracked());
        return view! { <EmptyState message /> }.into_any();
    }
    let headers = vec!["Client id", "Name", "Phones and addresses", "Devices"];
    let rows = rows
        .into_iter()
        .map(|contact| {
            let more = contact.device_count.saturating_sub(contact.device_preview.len());
            let preview = contact
                .device_preview
                .into_iter()
                .map(|device| view! { <span class="device-preview">{device}</span> })
                .collect_view();
            view! {
                <tr>
                    <td class="table__nowrap">
                        {contact.client_id.unwrap_or_else(|| "—".to_owned())}
                    </td>
                    <td>
                        <A href=format!("/contacts/{}", contact.id)>{contact.name}</A>
                    </td>
                    <td>
                        {preview}
                        {(more > 0).then(|| view! { <span class="muted">{format!("+{more} more")}</span> })}
                    </td>
                    <td class="table__number">{contact.device_count}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Contacts" headers=headers>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// The edit form: name, caller id and description. `on_done(true)` after a
/// save, `on_done(false)` on Cancel.
#[component]
fn EditListForm(
    list: ContactListSummary,
    on_done: impl Fn(bool) + Clone + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = ListEditDraft::from_summary(&list);
    let name = RwSignal::new(initial.name);
    let description = RwSignal::new(initial.description);
    let caller_id = RwSignal::new(initial.caller_id);
    let error = RwSignal::new(None::<ApiError>);
    let list_id = list.id.clone();
    let save = Action::new_local({
        let on_done = on_done.clone();
        move |draft: &ListEditDraft| {
            let variables = draft.to_variables(&list_id);
            let on_done = on_done.clone();
            async move {
                match session.execute::<UpdateContactList>(variables).await {
                    Ok(data) => {
                        toasts.success(format!("{} saved", data.update_contact_list.name));
                        error.set(None);
                        on_done(true);
                    }
                    Err(failure) => error.set(Some(failure)),
                }
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = ListEditDraft {
            name: name.get_untracked(),
            description: description.get_untracked(),
            caller_id: caller_id.get_untracked(),
        };
        let problems = draft.problems();
        if problems.is_empty() {
            save.dispatch_local(draft);
        } else {
            error.set(Some(ApiError::from_field_errors(problems)));
        }
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(EDIT_LIST_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The list was not saved" /> })
    };
    view! {
        <form id="edit-list" class="panel form" on:submit=on_submit novalidate>
            <h2>"Edit list"</h2>
            {general_error}
            <div class="form__grid">
                <TextField id="edit-list-name" label="Name" value=name autocomplete="off"
                    required=true error=field_error("name") />
                <TextField id="edit-list-caller-id" label="Caller id" value=caller_id
                    autocomplete="off" hint=CALLER_ID_HINT error=field_error("callerId") />
                <div class="form__wide">
                    <TextAreaField id="edit-list-description" label="Description (optional)"
                        value=description error=field_error("description") />
                </div>
            </div>
            <div class="form__actions">
                <button type="submit" class="button button--primary"
                    disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save list" }}
                </button>
                <button type="button" class="button button--secondary"
                    on:click=move |_| on_done(false)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}

/// Exports the list's contacts as CSV: the server audits the export, then the file downloads.
#[component]
fn ExportButton(list_id: String, list_name: String) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let export = Action::new_local(move |_: &()| {
        let list_id = list_id.clone();
        let file_name = format!(
            "{}-contacts.csv",
            list_name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "-")
        );
        async move {
            let variables = export_contact_list::Variables { id: list_id };
            let data = session.execute::<ExportContactList>(variables).await?;
            session
                .download(&data.export_contact_list, &file_name)
                .await?;
            toasts.success("Export downloaded".to_owned());
            Ok::<(), ApiError>(())
        }
    });
    view! {
        <button
            type="button"
            class="button button--secondary"
            disabled=move || export.pending().get()
            on:click=move |_| {
                export.dispatch(());
            }
        >
            {move || if export.pending().get() { "Exporting…" } else { "Export CSV" }}
        </button>
        {move || export.value().get().and_then(Result::err).map(|error| view! {
            <ErrorBanner error title="The export failed" />
        })}
    }
}
