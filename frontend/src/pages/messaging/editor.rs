//! `/messaging/templates/new` and `/messaging/templates/:id`: the message
//! template editor — name, channel, subject (e-mail only), the initial
//! message, the HELP and STOP answers — with the known placeholders that
//! insert `{{name}}` at the cursor, and the live preview (`preview`) beside
//! it. Problems land next to their fields as the user types (from the
//! preview) and on save; `MessageTemplateDraft` checks the form first.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use wasm_bindgen::JsCast;

use super::preview::{ChosenContact, PreviewPanel, PreviewState, debounced_preview};
use crate::api::error::ApiError;
use crate::api::jobs::reread;
use crate::api::message_types::MessageChannel;
use crate::api::messaging::{
    CreateMessageTemplate, GetMessageTemplate, MessageTemplate, MessageTemplateFields,
    UpdateMessageTemplate, create_message_template, get_message_template, message_template_fields,
    update_message_template,
};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{SelectField, TextAreaField, TextField};
use crate::components::page::{Breadcrumbs, Crumb, PageHeader};
use crate::components::toast::Toasts;
use crate::state::messaging::drafts::{MessageTemplateDraft, TEMPLATE_FIELDS};
use crate::state::messaging::{insert_placeholder, template_field_problem};
use crate::state::nav::can_manage_messaging;
use crate::state::session::Session;

/// The body text area's id (the placeholder buttons insert at its cursor).
const BODY_ID: &str = "template-body";

/// `/messaging/templates/new`.
#[component]
pub fn NewMessageTemplatePage() -> impl IntoView {
    view! { <TemplateEditorLoader template_id=None /> }
}

/// `/messaging/templates/:id`; a new id in the address draws a fresh editor.
#[component]
pub fn EditMessageTemplatePage() -> impl IntoView {
    let params = use_params_map();
    let template_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <TemplateEditorLoader template_id=Some(template_id.get()) /> }
}

/// Loads the placeholders (and the template when editing), then draws the form.
#[component]
fn TemplateEditorLoader(template_id: Option<String>) -> impl IntoView {
    let session = Session::use_context();
    let loaded = LocalResource::new(move || {
        let template_id = template_id.clone();
        async move {
            match template_id {
                Some(id) => {
                    let variables = get_message_template::Variables { id };
                    let data = session.execute::<GetMessageTemplate>(variables).await?;
                    let template: MessageTemplate = reread(&data.message_template);
                    Ok::<_, ApiError>((data.message_template_fields, Some(template)))
                }
                None => {
                    let data = session
                        .execute::<MessageTemplateFields>(message_template_fields::Variables)
                        .await?;
                    Ok((data.message_template_fields, None))
                }
            }
        }
    });
    let body = move || {
        loaded.get().map(|result| match result {
            Err(error) => view! {
                <Breadcrumbs trail=vec![Crumb::link("Messaging", "/messaging"), Crumb::here("Unavailable")] />
                <ErrorBanner error title="Could not open the template" />
            }
            .into_any(),
            Ok((placeholders, existing)) => view! { <TemplateForm existing placeholders /> }.into_any(),
        })
    };
    view! { <Transition fallback=move || view! { <Loading what="the template editor" /> }>{body}</Transition> }
}

/// The form and its preview; `existing` is the template edited (none: a new one).
#[component]
fn TemplateForm(existing: Option<MessageTemplate>, placeholders: Vec<String>) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let navigate = use_navigate();
    let can_manage = can_manage_messaging(session.role());
    let initial = existing
        .as_ref()
        .map(MessageTemplateDraft::from_template)
        .unwrap_or_default();
    let existing_id = existing.as_ref().map(|template| template.id.clone());
    let title = existing.as_ref().map_or_else(
        || "New message template".to_owned(),
        |template| format!("Template: {}", template.name),
    );
    let used_by = existing
        .as_ref()
        .map(|template| {
            template
                .used_by
                .iter()
                .map(|user| user.name.clone())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let text = |value: &str| RwSignal::new(value.to_owned());
    let name = text(&initial.name);
    let channel = text(initial.channel.wire_name());
    let subject = text(&initial.subject);
    let body = text(&initial.body);
    let help_text = text(&initial.help_text);
    let opt_out_text = text(&initial.opt_out_text);
    let error = RwSignal::new(None::<ApiError>);
    let chosen_channel =
        move || MessageChannel::from_wire_name(&channel.get()).unwrap_or(MessageChannel::Sms);
    let draft = Memo::new(move |_| MessageTemplateDraft {
        name: name.get(),
        channel: chosen_channel(),
        subject: subject.get(),
        body: body.get(),
        help_text: help_text.get(),
        opt_out_text: opt_out_text.get(),
    });
    let contact: ChosenContact = RwSignal::new(None);
    let preview = debounced_preview(draft, contact);
    let save = Action::new_local(move |draft: &MessageTemplateDraft| {
        let input = draft.to_input();
        let existing_id = existing_id.clone();
        let navigate = navigate.clone();
        async move {
            let input = match input {
                Ok(input) => input,
                Err(problems) => return error.set(Some(ApiError::from_field_errors(problems))),
            };
            let saved = match existing_id {
                Some(id) => session
                    .execute::<UpdateMessageTemplate>(update_message_template::Variables {
                        id,
                        input: reread(&input),
                    })
                    .await
                    .map(|data| data.update_message_template.name),
                None => session
                    .execute::<CreateMessageTemplate>(create_message_template::Variables { input })
                    .await
                    .map(|data| data.create_message_template.name),
            };
            match saved {
                Ok(saved_name) => {
                    error.set(None);
                    toasts.success(format!("{saved_name} saved"));
                    navigate("/messaging", Default::default());
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        save.dispatch_local(draft.get_untracked());
    };
    let message = move |field: &'static str| field_problem(preview, error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(TEMPLATE_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The template was not saved" /> })
    };
    let channel_choices = MessageChannel::ALL
        .iter()
        .map(|channel| (channel.wire_name().to_owned(), channel.label().to_owned()))
        .collect();
    let is_email = move || chosen_channel() == MessageChannel::Email;
    let trail = vec![
        Crumb::link("Messaging", "/messaging"),
        Crumb::here(title.clone()),
    ];
    view! {
        <Breadcrumbs trail />
        <PageHeader title=title />
        {(!used_by.is_empty()).then(|| view! {
            <p class="muted" id="template-used-by">{format!("Used by {}", used_by.join(", "))}</p>
        })}
        <div class="messaging-editor">
            <form id="message-template-editor" class="panel form" on:submit=on_submit novalidate>
                {general_error}
                <fieldset class="form__fieldset" disabled=!can_manage>
                    <div class="form__grid">
                        <TextField id="template-name" label="Name" value=name autocomplete="off"
                            required=true error=message("name") />
                        <SelectField id="template-channel" label="Channel" value=channel
                            choices=channel_choices error=message("channel") />
                        <Show when=is_email>
                            <div class="form__wide">
                                <TextField id="template-subject" label="Subject" value=subject
                                    autocomplete="off" error=message("subject") />
                            </div>
                        </Show>
                        <div class="form__wide">
                            <TextAreaField id=BODY_ID label="Message" value=body rows=6
                                hint="The initial message; placeholders such as {{firstName}} are filled per contact."
                                error=message("body") />
                            <PlaceholderButtons placeholders body />
                        </div>
                        <div class="form__wide">
                            <TextAreaField id="template-help-text" label="Answer to HELP / INFO (optional)"
                                value=help_text rows=2 error=message("helpText") />
                        </div>
                        <div class="form__wide">
                            <TextAreaField id="template-opt-out-text" label="Answer to STOP (optional)"
                                value=opt_out_text rows=2
                                hint="Sent once the number is suppressed; without it a standard confirmation is sent."
                                error=message("optOutText") />
                        </div>
                    </div>
                </fieldset>
                <div class="form__actions">
                    {can_manage.then(|| view! {
                        <button type="submit" class="button button--primary" id="template-save"
                            disabled=move || save.pending().get()>
                            {move || if save.pending().get() { "Saving…" } else { "Save template" }}
                        </button>
                    })}
                    <A href="/messaging" attr:class="button button--secondary">"Back to Messaging"</A>
                </div>
            </form>
            <PreviewPanel preview contact />
        </div>
    }
}

/// The problem `field` shows: the preview's verdict on the current text, else the last save's.
fn field_problem(
    preview: PreviewState,
    error: RwSignal<Option<ApiError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        preview.with(|preview| {
            let verdict = preview.as_ref().map(|result| result.as_ref().map(|_| ()));
            error.with(|saved| template_field_problem(verdict, saved.as_ref(), field))
        })
    })
}

/// One button per known placeholder; a click inserts `{{name}}` where the
/// body's cursor stands and puts the cursor after it.
#[component]
fn PlaceholderButtons(placeholders: Vec<String>, body: RwSignal<String>) -> impl IntoView {
    let buttons = placeholders
        .into_iter()
        .map(|field| {
            let shown = format!("{{{{{field}}}}}");
            let inserted = field.clone();
            view! {
                <button type="button" class="button button--small button--secondary placeholder-chip"
                    data-placeholder=field
                    on:click=move |_| insert_at_cursor(body, &inserted)>
                    {shown}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="placeholder-list" id="template-placeholders" role="group" aria-label="Insert a placeholder">
            <span class="field__hint">"Insert:"</span>
            {buttons}
        </div>
    }
}

/// Inserts `{{field}}` at the body's cursor (at the end when it has none),
/// then gives the body the focus back with the cursor after the insertion.
fn insert_at_cursor(body: RwSignal<String>, field: &str) {
    let text_area = document()
        .get_element_by_id(BODY_ID)
        .and_then(|element| element.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
    let cursor = text_area
        .as_ref()
        .and_then(|text_area| text_area.selection_start().ok().flatten());
    let (text, new_cursor) = insert_placeholder(&body.get_untracked(), cursor, field);
    body.set(text);
    if let Some(text_area) = text_area {
        request_animation_frame(move || {
            let _ = text_area.focus();
            let _ = text_area.set_selection_range(new_cursor, new_cursor);
        });
    }
}
