//! `/api-clients`: machine credentials for dialers and gateways. Creating
//! one shows its key exactly once; revoking one stops it at once.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::operations::{
    CreateApiClient, ListApiClients, RevokeApiClient, create_api_client, list_api_clients,
    revoke_api_client,
};
use crate::api::schema_types::ApiScope;
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, confirm};
use crate::components::form::TextField;
use crate::components::page::{FormToggle, PageHeader};
use crate::components::table::{DataTable, PagedTable};
use crate::components::toast::Toasts;
use crate::format::{api_client_status, format_date, format_optional_timestamp};
use crate::state::forms::{NewApiClientDraft, validate_curl_example};
use crate::state::models::{ApiClientRow, Page};
use crate::state::nav::can_manage_api_clients;
use crate::state::paging::{CursorPager, TABLE_PAGE_SIZE};
use crate::state::session::Session;

/// A key just created: shown until the user dismisses it, never again.
#[derive(Clone, Debug, PartialEq, Eq)]
struct IssuedKey {
    client_name: String,
    key: String,
    /// What the key may call: the validation example is shown only when it works.
    scopes: Vec<ApiScope>,
}

/// The API clients page.
#[component]
pub fn ApiClientsPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let pager = RwSignal::new(CursorPager::default());
    let show_form = RwSignal::new(false);
    let issued_key = RwSignal::new(None::<IssuedKey>);
    // The navigation already hides this page from other roles; this keeps
    // the controls honest if someone opens it anyway (the server refuses too).
    let can_manage = Memo::new(move |_| can_manage_api_clients(session.role()));

    let clients = LocalResource::new(move || {
        let variables = list_api_clients::Variables {
            first: Some(TABLE_PAGE_SIZE),
            after: pager.with(CursorPager::after),
        };
        // The label must describe the rows shown, not the page being fetched.
        let page_number = pager.with(CursorPager::page_number);
        async move {
            let data = session.execute::<ListApiClients>(variables).await?;
            Ok::<_, ApiError>((page_number, Page::<ApiClientRow>::from(data.api_clients)))
        }
    });

    let revoke = Action::new_local(move |(id, name): &(String, String)| {
        let variables = revoke_api_client::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<RevokeApiClient>(variables).await;
            clients.refetch();
            result.map(|_| toasts.success(format!("{name} revoked")))
        }
    });

    let new_client = FormToggle {
        label: "New API client",
        form_id: "new-api-client",
        open: show_form,
        allowed: can_manage.into(),
    };

    view! {
        <PageHeader title="API clients" toggle=new_client />
        <p class="page-intro">
            "Dialers and messaging gateways authenticate with these keys. Give each \
             system its own client and only the scopes it needs."
        </p>
        {move || issued_key.get().map(|issued| view! { <IssuedKeyPanel issued issued_key /> })}
        <Show when=move || can_manage.get() && show_form.get()>
            <NewApiClientForm on_created=move |issued: IssuedKey| {
                show_form.set(false);
                issued_key.set(Some(issued));
                pager.update(CursorPager::reset);
                clients.refetch();
            } />
        </Show>
        <ActionErrorBanner action=revoke title="The client was not revoked" />
        <PagedTable
            page=clients
            pager
            what="API clients"
            error_title="Could not load API clients"
            render_rows=move |rows| view! { <ApiClientsTable rows can_manage revoke /> }
        />
    }
}

/// The one-time display of a new key.
#[component]
fn IssuedKeyPanel(issued: IssuedKey, issued_key: RwSignal<Option<IssuedKey>>) -> impl IntoView {
    let select_all = |event: leptos::ev::FocusEvent| {
        event_target::<web_sys::HtmlInputElement>(&event).select();
    };
    // The example only works for a key that may validate.
    let example_key = issued
        .scopes
        .contains(&ApiScope::OcsValidate)
        .then(|| issued.key.clone());
    view! {
        <section class="panel panel--warning" role="alert" aria-labelledby="issued-key-title">
            <h2 id="issued-key-title">{format!("Key for {}", issued.client_name)}</h2>
            <p>
                <strong>"Copy this key now: it will not be shown again."</strong>
                " Store it in the dialer's or gateway's configuration. If it is lost, \
                 revoke this client and create a new one."
            </p>
            <label class="field__label" for="issued-key">"API key"</label>
            <input
                class="input input--code"
                id="issued-key"
                type="text"
                readonly=true
                prop:value=issued.key
                on:focus=select_all
            />
            <p class="field__hint">"Click the key to select it, then press Ctrl+C (⌘C on a Mac)."</p>
            {example_key.map(|api_key| view! { <ValidateExample api_key /> })}
            <button type="button" class="button button--secondary" on:click=move |_| issued_key.set(None)>
                "I have copied the key"
            </button>
        </section>
    }
}

/// A `curl` that tries the new key on `POST /ocs/v1/validate` against this server.
#[component]
fn ValidateExample(api_key: String) -> impl IntoView {
    let origin = window()
        .location()
        .origin()
        .unwrap_or_else(|_| "https://reachline.example".to_owned());
    view! {
        <p class="field__label" id="validate-example-title">"Try it: ask whether a number may be dialled"</p>
        <pre class="curl-example" id="validate-example" tabindex="0" aria-labelledby="validate-example-title">
            {validate_curl_example(&origin, &api_key)}
        </pre>
        <p class="field__hint">
            "200 means dial, 409 do not dial (the body names every refusing rule). \
             The Dialer traffic page counts each request."
        </p>
    }
}

/// The table body: one row per client, with "Revoke" on active ones.
#[component]
fn ApiClientsTable(
    rows: Vec<ApiClientRow>,
    can_manage: Memo<bool>,
    revoke: Action<(String, String), Result<(), ApiError>>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyState message="No API clients yet." /> }.into_any();
    }
    let headers = vec![
        "Name",
        "Key prefix",
        "Scopes",
        "Created",
        "Last used",
        "Status",
        "",
    ];
    let rows = rows
        .into_iter()
        .map(|client| {
            let status = api_client_status(client.revoked_at.as_deref());
            let is_active = client.revoked_at.is_none();
            let (id, name) = (client.id.clone(), client.name.clone());
            let on_revoke = move |_| {
                let question = format!(
                    "Revoke \"{name}\"? Systems using its key are refused at once. This cannot be undone."
                );
                if confirm(&question) {
                    revoke.dispatch_local((id.clone(), name.clone()));
                }
            };
            let scopes = client
                .scopes
                .iter()
                .map(|scope| view! { <span class="badge" title=scope.description()>{scope.label()}</span> })
                .collect_view();
            view! {
                <tr>
                    <td>{client.name.clone()}</td>
                    <td><code>{client.key_prefix.clone()}</code></td>
                    <td class="table__badges">{scopes}</td>
                    <td class="table__nowrap" title=client.created_at.clone()>{format_date(&client.created_at)}</td>
                    <td class="table__nowrap" title=client.last_used_at.clone()>
                        {format_optional_timestamp(client.last_used_at.as_deref(), "never")}
                    </td>
                    <td class="table__nowrap" title=client.revoked_at.clone()>
                        <span class=status.class>{status.label}</span>
                        {client.revoked_at.as_deref().map(|at| format!(" {}", format_date(at)))}
                    </td>
                    <td class="table__actions">
                        {(is_active && can_manage.get_untracked()).then(|| view! {
                            <button
                                type="button"
                                class="button button--small button--danger"
                                disabled=move || revoke.pending().get()
                                on:click=on_revoke
                            >
                                "Revoke"
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="API clients" headers=headers>{rows}</DataTable> }.into_any()
}

/// The create form: a name and the scopes to grant.
#[component]
fn NewApiClientForm(on_created: impl Fn(IssuedKey) + Clone + 'static) -> impl IntoView {
    let session = Session::use_context();
    let name = RwSignal::new(String::new());
    let draft_scopes = RwSignal::new(NewApiClientDraft::default());
    let error = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(move |draft: &NewApiClientDraft| {
        let variables = create_api_client::Variables {
            input: draft.to_input(),
        };
        let on_created = on_created.clone();
        async move {
            match session.execute::<CreateApiClient>(variables).await {
                Ok(data) => {
                    error.set(None);
                    on_created(IssuedKey {
                        client_name: data.create_api_client.api_client.name,
                        key: data.create_api_client.key,
                        scopes: data.create_api_client.api_client.scopes,
                    });
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let mut draft = draft_scopes.get_untracked();
        draft.name = name.get_untracked();
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
    let scopes_error = field_error("scopes");
    let scope_boxes = ApiScope::GRANTABLE
        .into_iter()
        .map(|scope| {
            let id = format!("scope-{}", scope.wire_name().to_lowercase());
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=id.clone()
                        prop:checked=move || draft_scopes.with(|draft| draft.has_scope(scope))
                        on:change=move |event| {
                            let granted = event_target_checked(&event);
                            draft_scopes.update(|draft| draft.set_scope(scope, granted));
                        }
                    />
                    <label for=id>
                        <span class="checkbox__label">{scope.label()}</span>
                        <span class="checkbox__hint">{scope.description()}</span>
                    </label>
                </div>
            }
        })
        .collect_view();
    view! {
        <form id="new-api-client" class="panel form" on:submit=on_submit novalidate>
            <h2>"New API client"</h2>
            {move || {
                error
                    .get()
                    .filter(|error| error.field_errors.is_empty())
                    .map(|error| view! { <ErrorBanner error title="The client was not created" /> })
            }}
            <TextField id="new-client-name" label="Name" value=name autocomplete="off"
                required=true error=field_error("name") />
            <fieldset class="fieldset" class:field--invalid=move || scopes_error.get().is_some()>
                <legend class="field__label">"Scopes"</legend>
                {scope_boxes}
                {move || scopes_error.get().map(|message| view! { <p class="field__error">{message}</p> })}
            </fieldset>
            <div class="form__actions">
                <button type="submit" class="button button--primary"
                    disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create client" }}
                </button>
            </div>
        </form>
    }
}
