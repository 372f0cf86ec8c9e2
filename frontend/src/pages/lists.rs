//! `/lists`: the tenant's contact lists with search, paging and a "Show
//! archived" switch; list managers and administrators also create lists and
//! archive, restore or delete them.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::error::ApiError;
use crate::api::operations::{
    CreateContactList, DeleteContactList, ListContactLists, SetContactListArchived,
    create_contact_list, delete_contact_list, list_contact_lists, set_contact_list_archived,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, confirm};
use crate::components::form::{ChannelSelect, TextAreaField, TextField, field_message};
use crate::components::page::{FormToggle, PageHeader};
use crate::components::table::{DataTable, PagedTable};
use crate::components::toast::Toasts;
use crate::format::{format_count, format_date, list_status};
use crate::state::lists::{
    ArchiveChange, ContactListRow, ListRowActions, NewListDraft, delete_list_question,
    lists_empty_message,
};
use crate::state::models::Page;
use crate::state::nav::can_manage_lists;
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE};
use crate::state::session::Session;

/// The hint under every caller id field.
pub const CALLER_ID_HINT: &str = "+E.164 or an SMS short code";

/// The fields of the "New list" form, by GraphQL name: errors for any
/// other field go into the form's banner.
const NEW_LIST_FIELDS: &[&str] = &["name", "description", "callerId"];

/// Archive or restore one list, from its row.
#[derive(Clone, Debug)]
struct ArchiveRequest {
    id: String,
    name: String,
    change: ArchiveChange,
}

/// Delete one list, from its row (after the user confirmed).
#[derive(Clone, Debug)]
struct DeleteRequest {
    id: String,
    name: String,
}

/// The Lists page.
#[component]
pub fn ListsPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let can_manage = Memo::new(move |_| can_manage_lists(session.role()));
    let search_text = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let show_archived = RwSignal::new(false);
    let pager = RwSignal::new(CursorPager::default());
    let show_form = RwSignal::new(false);

    let lists = LocalResource::new(move || {
        let search = applied_search.get();
        let variables = list_contact_lists::Variables {
            first: Some(TABLE_PAGE_SIZE),
            after: pager.with(CursorPager::after),
            search: (!search.is_empty()).then_some(search),
            include_archived: show_archived.get(),
        };
        // The label must describe the rows shown, not the page being fetched.
        let page_number = pager.with(CursorPager::page_number);
        async move {
            let data = session.execute::<ListContactLists>(variables).await?;
            Ok::<_, ApiError>((
                page_number,
                Page::<ContactListRow>::from(data.contact_lists),
            ))
        }
    });

    let archive = Action::new_local(move |request: &ArchiveRequest| {
        let request = request.clone();
        async move {
            let variables = set_contact_list_archived::Variables {
                id: request.id,
                archived: request.change.archived(),
            };
            let result = session.execute::<SetContactListArchived>(variables).await;
            lists.refetch();
            result.map(|_| toasts.success(request.change.done_message(&request.name)))
        }
    });

    let delete = Action::new_local(move |request: &DeleteRequest| {
        let request = request.clone();
        async move {
            let variables = delete_contact_list::Variables { id: request.id };
            let result = session.execute::<DeleteContactList>(variables).await;
            lists.refetch();
            result.map(|_| toasts.success(format!("{} deleted", request.name)))
        }
    });

    let on_search = move |event: SubmitEvent| {
        event.prevent_default();
        applied_search.set(search_text.get_untracked().trim().to_owned());
        pager.update(CursorPager::reset);
    };
    let on_show_archived = move |event| {
        show_archived.set(event_target_checked(&event));
        pager.update(CursorPager::reset);
    };

    let new_list = FormToggle {
        label: "New list",
        form_id: "new-list",
        open: show_form,
        allowed: can_manage.into(),
    };
    let row_actions = RowActions {
        can_manage,
        archive,
        delete,
    };
    let search_applied = Signal::derive(move || !applied_search.get().is_empty());

    view! {
        <PageHeader title="Lists" toggle=new_list />
        <p class="page-intro">
            {move || {
                if can_manage.get() {
                    "The people campaigns reach, one list per source or audience. \
                     Archive a list to hide it without losing its contacts."
                } else {
                    "The people campaigns reach. Read-only: list managers and \
                     administrators create and change lists."
                }
            }}
        </p>
        <Show when=move || can_manage.get() && show_form.get()>
            <NewListForm on_created=move || {
                show_form.set(false);
                pager.update(CursorPager::reset);
                lists.refetch();
            } />
        </Show>
        <form class="toolbar" role="search" on:submit=on_search>
            <label class="visually-hidden" for="list-search">
                "Search lists"
            </label>
            <input
                class="input toolbar__search"
                id="list-search"
                type="search"
                placeholder="Search by list name"
                bind:value=search_text
            />
            <button type="submit" class="button button--secondary">
                "Search"
            </button>
            <label class="toolbar__toggle" for="show-archived">
                <input
                    type="checkbox"
                    id="show-archived"
                    prop:checked=move || show_archived.get()
                    on:change=on_show_archived
                />
                "Show archived"
            </label>
        </form>
        <ActionErrorBanner action=archive title="The list was not changed" />
        <ActionErrorBanner action=delete title="The list was not deleted" />
        <PagedTable
            page=lists
            pager
            what="lists"
            error_title="Could not load lists"
            render_rows=move |rows| view! { <ListsTable rows row_actions search_applied /> }
        />
    }
}

/// What the rows' buttons need: whether to show them, and what they run.
#[derive(Clone, Copy)]
struct RowActions {
    can_manage: Memo<bool>,
    archive: Action<ArchiveRequest, Result<(), ApiError>>,
    delete: Action<DeleteRequest, Result<(), ApiError>>,
}

/// The table body: one row per list.
#[component]
fn ListsTable(
    rows: Vec<ContactListRow>,
    row_actions: RowActions,
    search_applied: Signal<bool>,
) -> impl IntoView {
    let can_manage = row_actions.can_manage.get_untracked();
    if rows.is_empty() {
        let message = lists_empty_message(search_applied.get_untracked(), can_manage);
        return view! { <EmptyState message /> }.into_any();
    }
    let mut headers = vec![
        "Name", "Channel", "Status", "Contacts", "Devices", "Updated",
    ];
    if can_manage {
        headers.push("");
    }
    let rows = rows
        .into_iter()
        .map(|list| view! { <ListRow list row_actions /> })
        .collect_view();
    view! {
        <DataTable caption="Contact lists" headers=headers>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// One list, with Archive/Restore and Delete for those who may.
#[component]
fn ListRow(list: ContactListRow, row_actions: RowActions) -> impl IntoView {
    let RowActions {
        can_manage,
        archive,
        delete,
    } = row_actions;
    let status = list_status(list.status);
    let offered = ListRowActions::for_list(can_manage.get_untracked(), list.status);
    let busy = move || archive.pending().get() || delete.pending().get();
    let archive_button = offered.archive.map(|change| {
        let request = ArchiveRequest {
            id: list.id.clone(),
            name: list.name.clone(),
            change,
        };
        view! {
            <button
                type="button"
                class="button button--small button--secondary"
                disabled=busy
                on:click=move |_| {
                    archive.dispatch_local(request.clone());
                }
            >
                {change.label()}
            </button>
        }
    });
    let delete_button = offered.delete.then(|| {
        let question = delete_list_question(&list.name, list.contact_count);
        let request = DeleteRequest {
            id: list.id.clone(),
            name: list.name.clone(),
        };
        view! {
            <button
                type="button"
                class="button button--small button--danger"
                disabled=busy
                on:click=move |_| {
                    if confirm(&question) {
                        delete.dispatch_local(request.clone());
                    }
                }
            >
                "Delete"
            </button>
        }
    });
    let manage_cell = can_manage.get_untracked().then(|| {
        view! {
            <td class="table__actions">
                {archive_button}
                {delete_button}
            </td>
        }
    });
    view! {
        <tr>
            <td>
                <A href=format!("/lists/{}", list.id)>{list.name.clone()}</A>
            </td>
            <td>{list.channel.label()}</td>
            <td>
                <span class=status.class>{status.label}</span>
            </td>
            <td class="table__number">{format_count(list.contact_count)}</td>
            <td class="table__number">{format_count(list.device_count)}</td>
            <td class="table__nowrap" title=list.updated_at.clone()>
                {format_date(&list.updated_at)}
            </td>
            {manage_cell}
        </tr>
    }
}

/// The "New list" form; `on_created` runs after a successful `createContactList`.
#[component]
fn NewListForm(on_created: impl Fn() + Clone + 'static) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = NewListDraft::default();
    let name = RwSignal::new(initial.name);
    let description = RwSignal::new(initial.description);
    let channel = RwSignal::new(initial.channel);
    let caller_id = RwSignal::new(initial.caller_id);
    let error = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |draft: &NewListDraft| {
        let variables = create_contact_list::Variables {
            input: draft.to_input(),
        };
        let on_created = on_created.clone();
        async move {
            match session.execute::<CreateContactList>(variables).await {
                Ok(data) => {
                    toasts.success(format!("{} created", data.create_contact_list.name));
                    error.set(None);
                    on_created();
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = NewListDraft {
            name: name.get_untracked(),
            description: description.get_untracked(),
            channel: channel.get_untracked(),
            caller_id: caller_id.get_untracked(),
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
    view! {
        <form id="new-list" class="panel form" on:submit=on_submit novalidate>
            <h2>"New list"</h2>
            {general_error}
            <div class="form__grid">
                <TextField id="new-list-name" label="Name" value=name autocomplete="off"
                    required=true error=field_error("name") />
                <ChannelSelect id="new-list-channel" selected=channel />
                <TextField id="new-list-caller-id" label="Caller id" value=caller_id
                    autocomplete="off" hint=CALLER_ID_HINT error=field_error("callerId") />
                <div class="form__wide">
                    <TextAreaField id="new-list-description" label="Description (optional)"
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
