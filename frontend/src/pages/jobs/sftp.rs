//! The Jobs page's "SFTP connections" section: the connections table, a
//! "Test connection" per row, and the editor (create and edit) with its own
//! test whose presented host key fingerprint can be pinned. Secrets are
//! write-only: on edit the password and key fields stay blank and say
//! "stored — leave blank to keep".

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::job_types::{SftpAuthMethod, SftpConnection, SftpConnectionTest};
use crate::api::jobs::{
    CreateSftpConnection, CreateSftpConnectionVariables, DeleteSftpConnection, IdVariables,
    NoVariables, SftpConnections, TestSftpConnection, TestSftpConnectionVariables,
    UpdateSftpConnection, UpdateSftpConnectionVariables,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, Loading, confirm};
use crate::components::form::{SelectField, TextAreaField, TextField, field_message};
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::state::jobs::sftp::{SFTP_FIELDS, SftpDraft, auth_label, fingerprint_note, secret_hint};
use crate::state::session::Session;

/// Which connection the editor shows.
#[derive(Clone, Debug, PartialEq)]
enum Editing {
    Nothing,
    New,
    Existing(SftpConnection),
}

/// The outcome of a test, with the connection's name.
type TestOutcome = (String, Result<SftpConnectionTest, ApiError>);

/// The "SFTP connections" section.
#[component]
pub fn SftpConnectionsSection(can_manage: Memo<bool>) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let editing = RwSignal::new(Editing::Nothing);
    let connections = LocalResource::new(move || async move {
        let data = session.execute::<SftpConnections>(NoVariables {}).await?;
        Ok::<_, ApiError>(data.sftp_connections)
    });
    let delete = Action::new_local(move |(id, name): &(String, String)| {
        let variables = IdVariables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<DeleteSftpConnection>(variables).await;
            connections.refetch();
            result.map(|_| toasts.success(format!("{name} deleted")))
        }
    });
    let test = Action::new_local(move |(id, name): &(String, String)| {
        let variables = TestSftpConnectionVariables {
            id: Some(id.clone()),
            input: None,
            directory: ".".to_owned(),
        };
        let name = name.clone();
        async move {
            let result = session.execute::<TestSftpConnection>(variables).await;
            (name, result.map(|data| data.test_sftp_connection))
        }
    });
    let on_saved = Callback::new(move |()| {
        editing.set(Editing::Nothing);
        connections.refetch();
    });
    let editor = move || {
        let existing = match editing.get() {
            Editing::Nothing => return None,
            Editing::New => None,
            Editing::Existing(connection) => Some(connection),
        };
        let on_cancel = Callback::new(move |()| editing.set(Editing::Nothing));
        Some(view! { <SftpEditor existing on_saved on_cancel /> })
    };
    let table = move || {
        connections.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load SFTP connections" /> }.into_any()
            }
            Ok(rows) => view! {
                <ConnectionsTable rows can_manage=can_manage.get_untracked() editing delete test />
            }
            .into_any(),
        })
    };
    let row_test = move || {
        test.value().get().map(|(name, outcome)| {
            view! {
                <div class="panel" aria-live="polite">
                    <h3>{format!("Test of {name}")}</h3>
                    <TestOutcomeView outcome on_pin=None />
                </div>
            }
        })
    };
    view! {
        <section class="rules-section" aria-labelledby="sftp-title">
            <div class="section-header">
                <h2 class="section-title" id="sftp-title">"SFTP connections"</h2>
                <Show when=move || can_manage.get()>
                    <button type="button" class="button button--primary"
                        aria-controls="sftp-editor"
                        on:click=move |_| editing.set(Editing::New)>
                        "New SFTP connection"
                    </button>
                </Show>
            </div>
            {editor}
            <ActionErrorBanner action=delete title="The connection was not deleted" />
            <Transition fallback=move || view! { <Loading what="SFTP connections" /> }>{table}</Transition>
            {move || test.pending().get().then(|| view! { <Loading what="the test result" /> })}
            {row_test}
        </section>
    }
}

/// The connections table.
#[component]
fn ConnectionsTable(
    rows: Vec<SftpConnection>,
    can_manage: bool,
    editing: RwSignal<Editing>,
    delete: Action<(String, String), Result<(), ApiError>>,
    test: Action<(String, String), TestOutcome>,
) -> impl IntoView {
    if rows.is_empty() {
        let message = if can_manage {
            "No SFTP connections yet. Add one with \u{201c}New SFTP connection\u{201d}."
        } else {
            "No SFTP connections yet."
        };
        return view! { <EmptyState message /> }.into_any();
    }
    let headers = vec!["Name", "Host", "Username", "Auth", "Pinned fingerprint", ""];
    let rows = rows
        .into_iter()
        .map(|connection| {
            let request = (connection.id.clone(), connection.name.clone());
            let test_request = request.clone();
            let question = format!(
                "Delete the SFTP connection \u{201c}{}\u{201d}? Jobs using it stop picking files up.",
                connection.name
            );
            let fingerprint = connection
                .host_key_fingerprint
                .clone()
                .unwrap_or_else(|| "—".to_owned());
            let auth = auth_label(&connection);
            let edited = connection.clone();
            let manage_buttons = can_manage.then(|| {
                view! {
                    <button type="button" class="button button--small button--secondary"
                        aria-label=format!("Edit {}", connection.name)
                        on:click=move |_| editing.set(Editing::Existing(edited.clone()))>
                        "Edit"
                    </button>
                    <button type="button" class="button button--small button--danger"
                        aria-label=format!("Delete {}", connection.name)
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
            view! {
                <tr data-connection=connection.name.clone()>
                    <td>{connection.name.clone()}</td>
                    <td class="table__nowrap">{format!("{}:{}", connection.host, connection.port)}</td>
                    <td>{connection.username.clone()}</td>
                    <td>{auth}</td>
                    <td><code>{fingerprint}</code></td>
                    <td class="table__actions">
                        <button type="button" class="button button--small button--secondary"
                            disabled=move || test.pending().get()
                            on:click=move |_| { test.dispatch_local(test_request.clone()); }>
                            "Test connection"
                        </button>
                        {manage_buttons}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="SFTP connections" headers>{rows}</DataTable> }.into_any()
}

/// A test's outcome: ok or not with the message, the host key, the first
/// files; `on_pin` adds "Pin this fingerprint" (the editor's test).
#[component]
fn TestOutcomeView(
    outcome: Result<SftpConnectionTest, ApiError>,
    on_pin: Option<Callback<String>>,
) -> impl IntoView {
    let test = match outcome {
        Err(error) => {
            return view! { <ErrorBanner error title="The test could not run" /> }.into_any();
        }
        Ok(test) => test,
    };
    let (class, verdict) = if test.ok {
        ("banner banner--ok", "Connection OK")
    } else {
        ("banner banner--error", "Connection failed")
    };
    let note = fingerprint_note(&test);
    let fingerprint = test.presented_fingerprint.clone().map(|presented| {
        let pin = on_pin.map(|on_pin| {
            let presented = presented.clone();
            view! {
                <button type="button" class="button button--small button--secondary"
                    on:click=move |_| on_pin.run(presented.clone())>
                    "Pin this fingerprint"
                </button>
            }
        });
        view! {
            <p class="sftp-test__fingerprint">
                "Host key: " <code class="sftp-test__presented">{presented}</code> " " {pin}
            </p>
        }
    });
    let files = if test.files.is_empty() {
        None
    } else {
        let names = test
            .files
            .iter()
            .map(|name| view! { <li><code>{name.clone()}</code></li> })
            .collect_view();
        Some(view! {
            <div>
                <strong>"First files:"</strong>
                <ul class="sftp-test__files">{names}</ul>
            </div>
        })
    };
    view! {
        <div class="sftp-test" data-ok=test.ok.to_string()>
            <div class=class role="status">
                <strong class="banner__title">{verdict}</strong>
                <span>{test.message.clone()}</span>
            </div>
            {fingerprint}
            {note.map(|note| view! { <p class="muted">{note}</p> })}
            {files}
        </div>
    }
    .into_any()
}

/// The connection editor: create, or edit a saved one.
#[component]
fn SftpEditor(
    existing: Option<SftpConnection>,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = existing
        .as_ref()
        .map(SftpDraft::from_connection)
        .unwrap_or_default();
    let existing_id = existing.as_ref().map(|connection| connection.id.clone());
    let title = existing.as_ref().map_or_else(
        || "New SFTP connection".to_owned(),
        |connection| format!("Edit {}", connection.name),
    );
    let (has_password, has_private_key) = (initial.has_password, initial.has_private_key);
    let name = RwSignal::new(initial.name.clone());
    let host = RwSignal::new(initial.host.clone());
    let port = RwSignal::new(initial.port.clone());
    let username = RwSignal::new(initial.username.clone());
    let auth_method = RwSignal::new(initial.auth_method.wire_name().to_owned());
    let password = RwSignal::new(String::new());
    let private_key = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let fingerprint = RwSignal::new(initial.host_key_fingerprint.clone());
    let test_directory = RwSignal::new(".".to_owned());
    let error = RwSignal::new(None::<ApiError>);
    let read_draft = move || SftpDraft {
        name: name.get_untracked(),
        host: host.get_untracked(),
        port: port.get_untracked(),
        username: username.get_untracked(),
        auth_method: SftpAuthMethod::from_wire_name(&auth_method.get_untracked())
            .unwrap_or(SftpAuthMethod::Password),
        password: password.get_untracked(),
        private_key: private_key.get_untracked(),
        private_key_passphrase: passphrase.get_untracked(),
        host_key_fingerprint: fingerprint.get_untracked(),
        has_password,
        has_private_key,
    };
    let save = Action::new_local({
        let existing_id = existing_id.clone();
        move |draft: &SftpDraft| {
            let existing_id = existing_id.clone();
            let input = draft.to_input();
            async move {
                let input = match input {
                    Ok(input) => input,
                    Err(problems) => return error.set(Some(ApiError::from_field_errors(problems))),
                };
                let saved = match existing_id {
                    Some(id) => session
                        .execute::<UpdateSftpConnection>(UpdateSftpConnectionVariables {
                            id,
                            input,
                        })
                        .await
                        .map(|data| data.update_sftp_connection.name),
                    None => session
                        .execute::<CreateSftpConnection>(CreateSftpConnectionVariables { input })
                        .await
                        .map(|data| data.create_sftp_connection.name),
                };
                match saved {
                    Ok(name) => {
                        toasts.success(format!("{name} saved"));
                        error.set(None);
                        on_saved.run(());
                    }
                    Err(failure) => error.set(Some(failure)),
                }
            }
        }
    });
    let test = Action::new_local(move |draft: &SftpDraft| {
        let input = draft.to_input();
        let id = existing_id.clone();
        let directory = test_directory.get_untracked();
        async move {
            let input = input.map_err(ApiError::from_field_errors)?;
            let variables = TestSftpConnectionVariables {
                id,
                input: Some(input),
                directory: if directory.trim().is_empty() {
                    ".".to_owned()
                } else {
                    directory
                },
            };
            session
                .execute::<TestSftpConnection>(variables)
                .await
                .map(|data| data.test_sftp_connection)
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch_local(read_draft());
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(SFTP_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The connection was not saved" /> })
    };
    let is_key = move || auth_method.get() == SftpAuthMethod::PrivateKey.wire_name();
    let auth_choices = SftpAuthMethod::ALL
        .iter()
        .map(|method| (method.wire_name().to_owned(), method.label().to_owned()))
        .collect();
    let on_pin = Callback::new(move |presented: String| fingerprint.set(presented));
    let test_result = move || {
        test.value()
            .get()
            .map(|outcome| view! { <TestOutcomeView outcome on_pin=Some(on_pin) /> })
    };
    view! {
        <form id="sftp-editor" class="panel form" on:submit=on_submit novalidate>
            <h3>{title}</h3>
            {general_error}
            <div class="form__grid">
                <TextField id="sftp-name" label="Name" value=name autocomplete="off" required=true
                    error=field_error("name") />
                <TextField id="sftp-host" label="Host" value=host autocomplete="off" required=true
                    error=field_error("host") />
                <TextField id="sftp-port" label="Port" value=port input_type="number"
                    error=field_error("port") />
                <TextField id="sftp-username" label="Username" value=username autocomplete="off"
                    required=true error=field_error("username") />
                <SelectField id="sftp-auth-method" label="Sign in with" value=auth_method
                    choices=auth_choices error=field_error("authMethod") />
                <Show when=move || !is_key()>
                    {secret_field("sftp-password", "Password", password, has_password, field_error("password"))}
                </Show>
                <Show when=is_key>
                    <div class="form__wide">
                        {private_key_field(private_key, has_private_key, field_error("privateKey"))}
                    </div>
                    <TextField id="sftp-passphrase" label="Key passphrase (optional)" value=passphrase
                        input_type="password" autocomplete="new-password"
                        error=field_error("privateKeyPassphrase") />
                </Show>
                <div class="form__wide">
                    <TextField id="sftp-fingerprint" label="Pinned host key fingerprint" value=fingerprint
                        autocomplete="off"
                        hint="SHA256:… — the server's key must match it; test the connection to see it."
                        error=field_error("hostKeyFingerprint") />
                </div>
                <TextField id="sftp-test-directory" label="Directory to list in the test" value=test_directory
                    autocomplete="off" />
            </div>
            <div class="form__actions">
                <button type="submit" class="button button--primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save connection" }}
                </button>
                <button type="button" class="button button--secondary" disabled=move || test.pending().get()
                    on:click=move |_| { test.dispatch_local(read_draft()); }>
                    {move || if test.pending().get() { "Testing…" } else { "Test connection" }}
                </button>
                <button type="button" class="button button--secondary" on:click=move |_| on_cancel.run(())>
                    "Cancel"
                </button>
            </div>
            <div aria-live="polite">{test_result}</div>
        </form>
    }
}

/// A write-only password field; says "stored — leave blank to keep" when a
/// secret is stored.
fn secret_field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    stored: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    match secret_hint(stored) {
        Some(hint) => view! {
            <TextField id label value input_type="password" autocomplete="new-password" hint error />
        }
        .into_any(),
        None => view! {
            <TextField id label value input_type="password" autocomplete="new-password" error />
        }
        .into_any(),
    }
}

/// The write-only private key box; says "stored — leave blank to keep"
/// when a key is stored.
fn private_key_field(
    value: RwSignal<String>,
    stored: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let label = "Private key (OpenSSH or PEM)";
    match secret_hint(stored) {
        Some(hint) => view! {
            <TextAreaField id="sftp-private-key" label value rows=4 hint error />
        }
        .into_any(),
        None => {
            view! { <TextAreaField id="sftp-private-key" label value rows=4 error /> }.into_any()
        }
    }
}
