//! The Jobs page's "SFTP connections" section: the connections table with
//! a "Test connection" per row, and a test's outcome (ok or not, the host
//! key and its pinning, the first files). The editor is `sftp_editor`.

use leptos::prelude::*;

use super::sftp_editor::SftpEditor;
use crate::api::error::ApiError;
use crate::api::jobs::{
    DeleteSftpConnection, SftpConnection, SftpConnectionTest, SftpConnections, TestSftpConnection,
    delete_sftp_connection, sftp_connections, test_sftp_connection,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, Loading, confirm};
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::state::jobs::sftp::{auth_label, fingerprint_note};
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
        let data = session
            .execute::<SftpConnections>(sftp_connections::Variables)
            .await?;
        Ok::<_, ApiError>(data.sftp_connections)
    });
    let delete = Action::new_local(move |(id, name): &(String, String)| {
        let variables = delete_sftp_connection::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<DeleteSftpConnection>(variables).await;
            connections.refetch();
            result.map(|_| toasts.success(format!("{name} deleted")))
        }
    });
    let test = Action::new_local(move |(id, name): &(String, String)| {
        let variables = test_sftp_connection::Variables {
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
    let mut headers = vec!["Name", "Host", "Username", "Auth", "Pinned fingerprint"];
    if can_manage {
        headers.push("");
    }
    let rows = rows
        .into_iter()
        .map(|connection| {
            let request = (connection.id.clone(), connection.name.clone());
            let test_request = request.clone();
            let test_label = format!("Test connection {}", connection.name);
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
                    {can_manage.then(|| view! {
                        <td class="table__actions">
                            <button type="button" class="button button--small button--secondary"
                                aria-label=test_label
                                disabled=move || test.pending().get()
                                on:click=move |_| { test.dispatch_local(test_request.clone()); }>
                                "Test connection"
                            </button>
                            {manage_buttons}
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="SFTP connections" headers>{rows}</DataTable> }.into_any()
}

/// A test's outcome: ok or not with the message, the host key, the first
/// files; `on_pin` adds "Pin this fingerprint" (the editor's test).
#[component]
pub(super) fn TestOutcomeView(
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
