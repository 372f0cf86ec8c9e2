//! `/users`: the tenant's users with search and paging; administrators also
//! create users, change roles and disable or enable accounts.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::operations::{
    CreateUser, ListUsers, UpdateUser, create_user, list_users, update_user,
};
use crate::api::schema_types::UserRole;
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner};
use crate::components::form::{RoleSelect, TextField};
use crate::components::page::{FormToggle, PageHeader};
use crate::components::table::{DataTable, PagedTable};
use crate::components::toast::Toasts;
use crate::format::{format_date, format_optional_timestamp, user_status};
use crate::state::forms::NewUserDraft;
use crate::state::models::{Page, UserRow};
use crate::state::nav::can_manage_users;
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE};
use crate::state::session::Session;

/// A change to one user, from a row's controls.
#[derive(Clone, Debug)]
struct UserChange {
    id: String,
    email: String,
    input: update_user::UpdateUserInput,
}

/// The users page.
#[component]
pub fn UsersPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let can_manage = Memo::new(move |_| can_manage_users(session.role()));
    let search_text = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let pager = RwSignal::new(CursorPager::default());
    let show_form = RwSignal::new(false);

    let users = LocalResource::new(move || {
        let search = applied_search.get();
        let variables = list_users::Variables {
            first: Some(TABLE_PAGE_SIZE),
            after: pager.with(CursorPager::after),
            search: (!search.is_empty()).then_some(search),
        };
        // The label must describe the rows shown, not the page being fetched.
        let page_number = pager.with(CursorPager::page_number);
        async move {
            let data = session.execute::<ListUsers>(variables).await?;
            Ok::<_, ApiError>((page_number, Page::<UserRow>::from(data.users)))
        }
    });

    let change_user = Action::new_local(move |change: &UserChange| {
        let change = change.clone();
        async move {
            let variables = update_user::Variables {
                id: change.id,
                input: change.input,
            };
            let result = session.execute::<UpdateUser>(variables).await;
            // Refresh either way: on failure the row's controls snap back.
            users.refetch();
            result.map(|_| toasts.success(format!("{} updated", change.email)))
        }
    });

    let on_search = move |event: SubmitEvent| {
        event.prevent_default();
        applied_search.set(search_text.get_untracked().trim().to_owned());
        pager.update(CursorPager::reset);
    };

    let new_user = FormToggle {
        label: "New user",
        form_id: "new-user",
        open: show_form,
        allowed: can_manage.into(),
    };

    view! {
        <PageHeader title="Users" toggle=new_user />
        <Show when=move || !can_manage.get()>
            <p class="page-intro">"Read-only: only administrators create users or change them."</p>
        </Show>
        <Show when=move || can_manage.get() && show_form.get()>
            <NewUserForm on_created=move || {
                show_form.set(false);
                pager.update(CursorPager::reset);
                users.refetch();
            } />
        </Show>
        <form class="toolbar" role="search" on:submit=on_search>
            <label class="visually-hidden" for="user-search">
                "Search users"
            </label>
            <input
                class="input toolbar__search"
                id="user-search"
                type="search"
                placeholder="Search by e-mail or name"
                bind:value=search_text
            />
            <button type="submit" class="button button--secondary">
                "Search"
            </button>
        </form>
        <ActionErrorBanner action=change_user title="The change was not saved" />
        <PagedTable
            page=users
            pager
            what="users"
            error_title="Could not load users"
            render_rows=move |rows| view! { <UsersTable rows can_manage change_user /> }
        />
    }
}

/// The table body: one row per user, with controls for administrators.
#[component]
fn UsersTable(
    rows: Vec<UserRow>,
    can_manage: Memo<bool>,
    change_user: Action<UserChange, Result<(), ApiError>>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyState message="No users match." /> }.into_any();
    }
    let session = Session::use_context();
    let own_id = session.user().map(|user| user.id).unwrap_or_default();
    let headers = vec![
        "E-mail",
        "Name",
        "Role",
        "Status",
        "Created",
        "Last login",
        "",
    ];
    let rows = rows
        .into_iter()
        .map(|user| {
            // Nobody edits their own role or status: no locking oneself out.
            let editable = Signal::derive({
                let is_self = user.id == own_id;
                move || can_manage.get() && !is_self && !change_user.pending().get()
            });
            let status = user_status(user.disabled);
            let role = user.role;
            let (id, email, disabled) = (user.id.clone(), user.email.clone(), user.disabled);
            let on_role = {
                let (id, email) = (id.clone(), email.clone());
                move |new_role: UserRole| {
                    if new_role != role {
                        change_user.dispatch_local(UserChange {
                            id: id.clone(),
                            email: email.clone(),
                            input: update(Some(new_role), None),
                        });
                    }
                }
            };
            let on_toggle = {
                let (id, email) = (id.clone(), email.clone());
                move |_| {
                    change_user.dispatch_local(UserChange {
                        id: id.clone(),
                        email: email.clone(),
                        input: update(None, Some(!disabled)),
                    });
                }
            };
            view! {
                <tr>
                    <td>{user.email.clone()}</td>
                    <td>{user.display_name}</td>
                    <td>
                        <RoleSelect
                            id=format!("role-{id}")
                            label=format!("Role of {email}")
                            hide_label=true
                            selected=role
                            disabled=Signal::derive(move || !editable.get())
                            on_change=on_role
                        />
                    </td>
                    <td>
                        <span class=status.class>{status.label}</span>
                    </td>
                    <td class="table__nowrap" title=user.created_at.clone()>{format_date(&user.created_at)}</td>
                    <td class="table__nowrap" title=user.last_login_at.clone()>
                        {format_optional_timestamp(user.last_login_at.as_deref(), "never")}
                    </td>
                    <td class="table__actions">
                        <Show when=move || can_manage.get()>
                            <button
                                type="button"
                                class="button button--small button--secondary"
                                disabled=move || !editable.get()
                                on:click=on_toggle.clone()
                            >
                                {if disabled { "Enable" } else { "Disable" }}
                            </button>
                        </Show>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Users" headers=headers>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// An `updateUser` input that changes only the role or only the status.
fn update(role: Option<UserRole>, disabled: Option<bool>) -> update_user::UpdateUserInput {
    update_user::UpdateUserInput {
        display_name: None,
        role,
        disabled,
        password: None,
    }
}

/// The "New user" form; `on_created` runs after a successful `createUser`.
#[component]
fn NewUserForm(on_created: impl Fn() + Clone + 'static) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let email = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(NewUserDraft::default().role);
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |draft: &NewUserDraft| {
        let variables = create_user::Variables {
            input: draft.to_input(),
        };
        let on_created = on_created.clone();
        async move {
            match session.execute::<CreateUser>(variables).await {
                Ok(data) => {
                    toasts.success(format!("{} created", data.create_user.email));
                    error.set(None);
                    on_created();
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = NewUserDraft {
            email: email.get_untracked(),
            display_name: display_name.get_untracked(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        let problems = draft.problems();
        if problems.is_empty() {
            create.dispatch_local(draft);
        } else {
            error.set(Some(ApiError::from_field_errors(problems)));
        }
    };
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            error.with(|error| {
                error
                    .as_ref()
                    .and_then(|error| error.field_message(field).map(str::to_owned))
            })
        })
    };
    let general_error = move || {
        error
            .get()
            .filter(|error| error.field_errors.is_empty())
            .map(|error| view! { <ErrorBanner error title="The user was not created" /> })
    };
    view! {
        <form id="new-user" class="panel form" on:submit=on_submit novalidate>
            <h2>"New user"</h2>
            {general_error}
            <div class="form__grid">
                <TextField id="new-user-email" label="E-mail" value=email input_type="email"
                    autocomplete="off" required=true error=field_error("email") />
                <TextField id="new-user-name" label="Display name" value=display_name
                    autocomplete="off" required=true error=field_error("displayName") />
                <div class="field">
                    <RoleSelect id="new-user-role" label="Role" selected=role
                        on_change=move |picked| role.set(picked) />
                </div>
                <TextField id="new-user-password" label="Initial password" value=password
                    input_type="password" autocomplete="new-password" required=true
                    error=field_error("password") />
            </div>
            <div class="form__actions">
                <button type="submit" class="button button--primary"
                    disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create user" }}
                </button>
            </div>
        </form>
    }
}
