//! `/messaging/provider`: the tenant's Nexus gateway settings — base URL,
//! the write-only API key and signing secret ("stored — leave blank to
//! keep"), the SMS and e-mail senders and the tenant-wide messages per
//! second — with what to give the gateway (the callback URL and the
//! account id), and a "Send test message" form showing what the gateway
//! answered.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::api::error::ApiError;
use crate::api::jobs::reread;
use crate::api::message_types::MessageChannel;
use crate::api::messaging::{
    MessagingProvider, ProviderSettings, SendTestMessage, TestMessageResult,
    UpdateMessagingProvider, messaging_provider, update_messaging_provider,
};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{SelectField, TextAreaField, TextField, field_message};
use crate::components::page::{Breadcrumbs, Crumb, PageHeader};
use crate::components::toast::Toasts;
use crate::format::format_timestamp;
use crate::state::jobs::sftp::secret_hint;
use crate::state::messaging::drafts::{
    PROVIDER_FIELDS, ProviderDraft, TEST_MESSAGE_FIELDS, TestMessageDraft,
};
use crate::state::messaging::{callback_url, message_status_badge};
use crate::state::nav::can_manage_messaging;
use crate::state::session::Session;

#[wasm_bindgen]
extern "C" {
    /// `navigator.clipboard.writeText(text)`; throws where the page may not use the clipboard.
    #[wasm_bindgen(catch, js_namespace = ["navigator", "clipboard"], js_name = writeText)]
    fn write_text(text: &str) -> Result<JsValue, JsValue>;
}

/// The gateway settings page.
#[component]
pub fn MessagingProviderPage() -> impl IntoView {
    let session = Session::use_context();
    let can_manage = can_manage_messaging(session.role());
    let loaded = LocalResource::new(move || async move {
        let data = session
            .execute::<MessagingProvider>(messaging_provider::Variables)
            .await?;
        Ok::<_, ApiError>(data.messaging_provider)
    });
    let body = move || {
        loaded.get().map(|result| match result {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load the gateway settings" /> }
                    .into_any()
            }
            Ok(stored) => view! {
                <ProviderForm stored can_manage />
                {can_manage.then(|| view! { <TestMessageForm /> })}
            }
            .into_any(),
        })
    };
    view! {
        <Breadcrumbs trail=vec![Crumb::link("Messaging", "/messaging"), Crumb::here("Gateway settings")] />
        <PageHeader title="Gateway settings" />
        <p class="page-intro">
            "SMS and e-mail go out through the Nexus gateway. Give the gateway the callback URL and \
             the account id below so delivery receipts and STOP replies come back to Reachline."
        </p>
        <Transition fallback=move || view! { <Loading what="the gateway settings" /> }>{body}</Transition>
    }
}

/// The settings form; `stored` is what the server holds (none: not configured yet).
#[component]
fn ProviderForm(stored: Option<ProviderSettings>, can_manage: bool) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = stored
        .as_ref()
        .map(ProviderDraft::from_settings)
        .unwrap_or_default();
    let stored = RwSignal::new(stored);
    let text = |value: &str| RwSignal::new(value.to_owned());
    let base_url = text(&initial.base_url);
    let api_key = text("");
    let signing_secret = text("");
    let sms_sender = text(&initial.sms_sender);
    let email_sender = text(&initial.email_sender);
    let rate = text(&initial.messages_per_second);
    let error = RwSignal::new(None::<ApiError>);
    let read_draft = move || {
        let (api_key_set, signing_secret_set) = stored.with_untracked(|stored| {
            stored.as_ref().map_or((false, false), |settings| {
                (settings.api_key_set, settings.signing_secret_set)
            })
        });
        ProviderDraft {
            base_url: base_url.get_untracked(),
            api_key: api_key.get_untracked(),
            signing_secret: signing_secret.get_untracked(),
            sms_sender: sms_sender.get_untracked(),
            email_sender: email_sender.get_untracked(),
            messages_per_second: rate.get_untracked(),
            api_key_set,
            signing_secret_set,
        }
    };
    let save = Action::new_local(move |draft: &ProviderDraft| {
        let input = draft.to_input();
        async move {
            let input = match input {
                Ok(input) => input,
                Err(problems) => return error.set(Some(ApiError::from_field_errors(problems))),
            };
            let variables = update_messaging_provider::Variables { input };
            match session.execute::<UpdateMessagingProvider>(variables).await {
                Ok(data) => {
                    error.set(None);
                    api_key.set(String::new());
                    signing_secret.set(String::new());
                    stored.set(Some(reread(&data.update_messaging_provider)));
                    toasts.success("Gateway settings saved");
                }
                Err(failure) => error.set(Some(failure)),
            }
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
            .filter(|error| error.needs_banner(PROVIDER_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The settings were not saved" /> })
    };
    let key_stored = Signal::derive(move || {
        stored.with(|stored| stored.as_ref().is_some_and(|settings| settings.api_key_set))
    });
    let secret_stored = Signal::derive(move || {
        stored.with(|stored| {
            stored
                .as_ref()
                .is_some_and(|settings| settings.signing_secret_set)
        })
    });
    view! {
        <CallbackPanel stored />
        <form id="provider-editor" class="panel form" on:submit=on_submit novalidate>
            <h2>"Gateway"</h2>
            {general_error}
            <fieldset class="form__fieldset" disabled=!can_manage>
                <div class="form__grid">
                    <div class="form__wide">
                        <TextField id="provider-base-url" label="Base URL" value=base_url autocomplete="off"
                            required=true hint="e.g. https://api.nexus.example.com" error=field_error("baseUrl") />
                    </div>
                    {secret_field("provider-api-key", "API key", api_key, key_stored, field_error("apiKey"))}
                    {secret_field("provider-signing-secret", "Callback signing secret", signing_secret,
                        secret_stored, field_error("signingSecret"))}
                    <TextField id="provider-sms-sender" label="SMS sender id (optional)" value=sms_sender
                        autocomplete="off" hint="A short code or a number in E.164" error=field_error("smsSender") />
                    <TextField id="provider-email-sender" label="E-mail sender (optional)" value=email_sender
                        autocomplete="off" hint="e.g. Acme <news@acme.example>" error=field_error("emailSender") />
                    <TextField id="provider-messages-per-second" label="Messages per second, tenant-wide (optional)"
                        value=rate input_type="number" hint="1 to 10000; blank: no cap"
                        error=field_error("messagesPerSecond") />
                </div>
            </fieldset>
            {can_manage.then(|| view! {
                <div class="form__actions">
                    <button type="submit" class="button button--primary" id="provider-save"
                        disabled=move || save.pending().get()>
                        {move || if save.pending().get() { "Saving…" } else { "Save settings" }}
                    </button>
                </div>
            })}
        </form>
    }
}

/// A write-only secret field: "stored — leave blank to keep" once the
/// server holds one.
fn secret_field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    stored: Signal<bool>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    move || {
        let hint = secret_hint(stored.get()).unwrap_or("Not stored yet.");
        view! {
            <TextField id label value input_type="password" autocomplete="new-password" hint error />
        }
    }
}

/// The callback URL and account id to configure on the gateway's side.
#[component]
fn CallbackPanel(stored: RwSignal<Option<ProviderSettings>>) -> impl IntoView {
    let origin = window().location().origin().unwrap_or_default();
    move || {
        match stored.get() {
        None => view! {
            <section class="panel" aria-labelledby="provider-callback-title">
                <h2 id="provider-callback-title">"For the gateway"</h2>
                <p class="muted" id="provider-not-configured">
                    "Not configured yet: save the settings to see the callback URL and the account id."
                </p>
            </section>
        }
        .into_any(),
        Some(settings) => {
            let url = callback_url(&origin, &settings.callback_path);
            view! {
                <section class="panel" aria-labelledby="provider-callback-title">
                    <h2 id="provider-callback-title">"For the gateway"</h2>
                    <dl class="summary">
                        <div class="summary__item">
                            <dt>"Callback URL"</dt>
                            <dd><code id="provider-callback-url">{url.clone()}</code> " "
                                <CopyButton id="copy-callback-url" text=url what="callback URL" /></dd>
                        </div>
                        <div class="summary__item">
                            <dt>"Account id (X-Nexus-Account)"</dt>
                            <dd><code id="provider-account-id">{settings.account_id.clone()}</code> " "
                                <CopyButton id="copy-account-id" text=settings.account_id.clone() what="account id" /></dd>
                        </div>
                        <div class="summary__item">
                            <dt>"Last changed"</dt>
                            <dd>{format_timestamp(&settings.updated_at)}</dd>
                        </div>
                    </dl>
                </section>
            }
            .into_any()
        }
    }
    }
}

/// Copies `text` to the clipboard; says so in a toast, or how to copy by hand.
#[component]
fn CopyButton(id: &'static str, text: String, what: &'static str) -> impl IntoView {
    let toasts = Toasts::use_context();
    view! {
        <button type="button" class="button button--small button--secondary" id=id
            aria-label=format!("Copy the {what}")
            on:click=move |_| match write_text(&text) {
                Ok(_) => toasts.success(format!("The {what} was copied")),
                Err(_) => toasts.success(format!("Select the {what} and press Ctrl+C to copy it")),
            }>
            "Copy"
        </button>
    }
}

/// "Send test message": channel, recipient, subject (e-mail) and text, then what the gateway said.
#[component]
fn TestMessageForm() -> impl IntoView {
    let session = Session::use_context();
    let initial = TestMessageDraft::default();
    let channel = RwSignal::new(initial.channel.wire_name().to_owned());
    let to = RwSignal::new(initial.to);
    let subject = RwSignal::new(initial.subject);
    let body = RwSignal::new(initial.body);
    let error = RwSignal::new(None::<ApiError>);
    let chosen_channel =
        move || MessageChannel::from_wire_name(&channel.get()).unwrap_or(MessageChannel::Sms);
    let send = Action::new_local(move |draft: &TestMessageDraft| {
        let variables = draft.to_variables();
        async move {
            let variables = variables.map_err(ApiError::from_field_errors)?;
            session
                .execute::<SendTestMessage>(variables)
                .await
                .map(|data| data.send_test_message)
        }
    });
    Effect::new(move |_| {
        if let Some(result) = send.value().get() {
            error.set(result.err());
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        send.dispatch_local(TestMessageDraft {
            channel: chosen_channel(),
            to: to.get_untracked(),
            subject: subject.get_untracked(),
            body: body.get_untracked(),
        });
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let channel_choices = MessageChannel::ALL
        .iter()
        .map(|channel| (channel.wire_name().to_owned(), channel.label().to_owned()))
        .collect();
    let result = move || match send.value().get() {
        Some(Ok(result)) => Some(view! { <TestResult result /> }.into_any()),
        Some(Err(error)) if error.needs_banner(TEST_MESSAGE_FIELDS) => {
            Some(view! { <ErrorBanner error title="The test message was not sent" /> }.into_any())
        }
        _ => None,
    };
    view! {
        <form id="test-message" class="panel form" on:submit=on_submit novalidate>
            <h2>"Send test message"</h2>
            <div class="form__grid">
                <SelectField id="test-channel" label="Channel" value=channel choices=channel_choices
                    error=field_error("channel") />
                <TextField id="test-to" label="To" value=to autocomplete="off"
                    hint="A number in E.164 (+12125550100) or an e-mail address" error=field_error("to") />
                <Show when=move || chosen_channel() == MessageChannel::Email>
                    <div class="form__wide">
                        <TextField id="test-subject" label="Subject" value=subject autocomplete="off"
                            error=field_error("subject") />
                    </div>
                </Show>
                <div class="form__wide">
                    <TextAreaField id="test-body" label="Text" value=body rows=3 error=field_error("body") />
                </div>
            </div>
            <div class="form__actions">
                <button type="submit" class="button button--primary" id="send-test"
                    disabled=move || send.pending().get()>
                    {move || if send.pending().get() { "Sending…" } else { "Send test message" }}
                </button>
            </div>
            <div aria-live="polite">{result}</div>
        </form>
    }
}

/// What the gateway answered to the test.
#[component]
fn TestResult(result: TestMessageResult) -> impl IntoView {
    let status = message_status_badge(result.status);
    let (class, verdict) = if result.accepted {
        ("banner banner--ok", "Accepted by the gateway")
    } else {
        ("banner banner--error", "Not accepted")
    };
    view! {
        <div class=class role="status" id="test-result" data-accepted=result.accepted.to_string()>
            <strong class="banner__title">{verdict}</strong>
            <dl class="summary">
                {result.provider_message_id.clone().map(|id| view! {
                    <div class="summary__item"><dt>"Provider message id"</dt>
                        <dd><code id="test-provider-message-id">{id}</code></dd></div>
                })}
                <div class="summary__item"><dt>"Status"</dt>
                    <dd id="test-status"><span class=status.class>{status.label}</span></dd></div>
                {result.error.clone().map(|error| view! {
                    <div class="summary__item"><dt>"Error"</dt><dd id="test-error">{error}</dd></div>
                })}
            </dl>
        </div>
    }
}
