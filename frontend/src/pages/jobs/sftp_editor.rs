//! The SFTP connection editor (create and edit): host, port, user, the
//! write-only password or private key ("stored — leave blank to keep" on
//! edit), the pinned host key fingerprint, and a "Test connection" whose
//! presented fingerprint "Pin this fingerprint" copies into its field.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::sftp::TestOutcomeView;
use crate::api::error::ApiError;
use crate::api::job_types::SftpAuthMethod;
use crate::api::jobs::{
    CreateSftpConnection, SftpConnection, TestSftpConnection, UpdateSftpConnection,
    create_sftp_connection, reread, test_sftp_connection, update_sftp_connection,
};
use crate::components::feedback::ErrorBanner;
use crate::components::form::{SelectField, TextAreaField, TextField, field_message};
use crate::components::toast::Toasts;
use crate::state::jobs::sftp::{SFTP_FIELDS, SftpDraft, secret_hint};
use crate::state::session::Session;

/// The connection editor: create, or edit a saved one.
#[component]
pub(super) fn SftpEditor(
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
                        .execute::<UpdateSftpConnection>(update_sftp_connection::Variables {
                            id,
                            input: reread(&input),
                        })
                        .await
                        .map(|data| data.update_sftp_connection.name),
                    None => session
                        .execute::<CreateSftpConnection>(create_sftp_connection::Variables {
                            input,
                        })
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
            let variables = test_sftp_connection::Variables {
                id,
                input: Some(reread(&input)),
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
