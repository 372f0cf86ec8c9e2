//! The template editor's live preview: 300 ms after typing pauses the
//! server's `previewMessage` renders the text as typed — measured as
//! written, or for a real contact picked from a contact list — and shows
//! the recipient, the rendered subject and body, the SMS length and the
//! placeholders the contact has no value for. Its field problems (an
//! unknown placeholder in the body, say) show next to the editor's fields.

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::jobs::reread;
use crate::api::messaging::{MessagePreview, PreviewMessage, preview_message};
use crate::api::operations::{ListContactLists, ListContacts, list_contact_lists, list_contacts};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::SelectField;
use crate::state::contacts::contact_display_name;
use crate::state::messaging::drafts::MessageTemplateDraft;
use crate::state::messaging::{PREVIEWED_FIELDS, empty_fields_warning, preview_length_label};
use crate::state::session::Session;

/// How long typing must pause before the preview is asked for.
const PREVIEW_DEBOUNCE: Duration = Duration::from_millis(300);

/// How many contacts a search of the picker lists.
const CONTACT_RESULTS: i64 = 10;

/// How many lists the picker offers.
const CONTACT_LISTS: i64 = 100;

/// The last preview: the server's rendering, or why there is none.
pub type PreviewState = RwSignal<Option<Result<MessagePreview, ApiError>>>;

/// The contact the preview renders for: id and name.
pub type ChosenContact = RwSignal<Option<(String, String)>>;

/// The preview of `draft` for `contact`, asked for once typing has paused
/// for `PREVIEW_DEBOUNCE`; answers to older text are dropped.
pub fn debounced_preview(
    draft: Memo<MessageTemplateDraft>,
    contact: ChosenContact,
) -> PreviewState {
    let session = Session::use_context();
    let preview: PreviewState = RwSignal::new(None);
    let latest = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let input = draft.with(MessageTemplateDraft::preview_input);
        let contact_id = contact.with(|contact| contact.as_ref().map(|(id, _)| id.clone()));
        let ticket = latest.get_value() + 1;
        latest.set_value(ticket);
        let Some(input) = input else {
            preview.set(None);
            return;
        };
        let is_current = move || latest.try_get_value() == Some(ticket);
        set_timeout(
            move || {
                if !is_current() {
                    return;
                }
                let variables = preview_message::Variables {
                    input: reread(&input),
                    contact_id,
                };
                leptos::task::spawn_local(async move {
                    let result = session
                        .execute::<PreviewMessage>(variables)
                        .await
                        .map(|data| data.preview_message);
                    if is_current() {
                        preview.try_set(Some(result));
                    }
                });
            },
            PREVIEW_DEBOUNCE,
        );
    });
    preview
}

/// The preview panel: the contact picker and the rendered message.
#[component]
pub fn PreviewPanel(preview: PreviewState, contact: ChosenContact) -> impl IntoView {
    view! {
        <section class="panel message-preview" aria-labelledby="preview-title" id="message-preview">
            <h2 id="preview-title">"Preview"</h2>
            <ContactPicker contact />
            <div aria-live="polite" id="preview-result">
                <RenderedMessage preview contact />
            </div>
        </section>
    }
}

/// What the server rendered, a waiting line, or why there is nothing.
#[component]
fn RenderedMessage(preview: PreviewState, contact: ChosenContact) -> impl IntoView {
    move || {
        match preview.get() {
        None => view! {
            <p class="muted" id="preview-status">"Write the message to see it here."</p>
        }
        .into_any(),
        Some(Err(error))
            if !error.field_errors.is_empty() && !error.needs_banner(PREVIEWED_FIELDS) =>
        {
            view! {
                <p class="muted" id="preview-status">"Fix the highlighted fields to see the message."</p>
            }
            .into_any()
        }
        Some(Err(error)) => {
            view! { <ErrorBanner error title="Could not preview the message" /> }.into_any()
        }
        Some(Ok(rendered)) => {
            let has_contact = contact.with(Option::is_some);
            let to = rendered.to.clone().unwrap_or_else(|| {
                if has_contact {
                    "No device this channel can reach".to_owned()
                } else {
                    "Pick a contact to see who it goes to".to_owned()
                }
            });
            let length = rendered.sms_length.as_ref().map(|length| {
                preview_length_label(length.encoding, length.units, length.segments)
            });
            let warning = empty_fields_warning(&rendered.empty_fields);
            view! {
                <dl class="message-preview__headers">
                    <dt>"To:"</dt>
                    <dd id="preview-to">{to}</dd>
                    {rendered.subject.clone().map(|subject| view! {
                        <dt>"Subject:"</dt>
                        <dd id="preview-subject">{subject}</dd>
                    })}
                </dl>
                <div class="message-preview__body" id="preview-body">{rendered.body.clone()}</div>
                {length.map(|length| view! {
                    <p class="message-preview__length" id="preview-segments">{length}</p>
                })}
                {warning.map(|warning| view! {
                    <p class="banner banner--warning" id="preview-empty-fields" role="status">{warning}</p>
                })}
                {(!has_contact).then(|| view! {
                    <p class="muted">"Measured as written: placeholders are not filled in yet."</p>
                })}
            }
            .into_any()
        }
    }
    }
}

/// "Preview with contact": a contact list (its first contacts are listed at
/// once), a search in it, and the contacts found.
#[component]
fn ContactPicker(contact: ChosenContact) -> impl IntoView {
    let session = Session::use_context();
    let list_id = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let applied_search = RwSignal::new(String::new());
    let lists = LocalResource::new(move || async move {
        let variables = list_contact_lists::Variables {
            first: Some(CONTACT_LISTS),
            after: None,
            search: None,
            include_archived: false,
        };
        let data = session.execute::<ListContactLists>(variables).await?;
        Ok::<_, ApiError>(
            data.contact_lists
                .edges
                .into_iter()
                .map(|edge| (edge.node.id, edge.node.name))
                .collect::<Vec<_>>(),
        )
    });
    let found = LocalResource::new(move || {
        let list = list_id.get();
        let search = applied_search.get();
        async move {
            if list.is_empty() {
                return Ok(None);
            }
            let variables = list_contacts::Variables {
                list_id: list,
                first: Some(CONTACT_RESULTS),
                after: None,
                search: (!search.is_empty()).then_some(search),
            };
            let data = session.execute::<ListContacts>(variables).await?;
            Ok::<_, ApiError>(Some(data.contact_list.contacts.edges))
        }
    });
    let on_search = move |event: SubmitEvent| {
        event.prevent_default();
        applied_search.set(search.get_untracked().trim().to_owned());
    };
    let list_select = move || {
        lists.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load contact lists" /> }.into_any()
            }
            Ok(choices) => view! {
                <SelectField id="preview-contact-list" label="Contact list" value=list_id choices
                    placeholder="Choose a list…" />
            }
            .into_any(),
        })
    };
    let results = move || {
        found.get().map(|loaded| match loaded {
            Err(error) => view! { <ErrorBanner error title="Could not search the contacts" /> }.into_any(),
            Ok(None) => ().into_any(),
            Ok(Some(edges)) if edges.is_empty() => {
                view! { <p class="muted" id="preview-contact-results">"No contact matches."</p> }.into_any()
            }
            Ok(Some(edges)) => {
                let buttons = edges
                    .into_iter()
                    .map(|edge| {
                        let node = edge.node;
                        let name = contact_display_name(
                            node.first_name.as_deref(),
                            node.last_name.as_deref(),
                            node.company.as_deref(),
                        );
                        let label = match &node.client_id {
                            Some(client_id) => format!("{name} ({client_id})"),
                            None => name.clone(),
                        };
                        let chosen = (node.id.clone(), name);
                        view! {
                            <li>
                                <button type="button" class="button button--small button--secondary"
                                    data-contact-id=node.id
                                    on:click=move |_| contact.set(Some(chosen.clone()))>
                                    {label}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="contact-picker__results" id="preview-contact-results">{buttons}</ul> }
                    .into_any()
            }
        })
    };
    let chosen = move || {
        contact.get().map(|(_, name)| {
            view! {
                <p class="contact-picker__chosen">
                    "Previewing for " <strong id="preview-contact">{name}</strong> " "
                    <button type="button" class="button button--small button--secondary" id="preview-contact-clear"
                        on:click=move |_| contact.set(None)>
                        "Preview as written"
                    </button>
                </p>
            }
        })
    };
    view! {
        <details class="contact-picker" id="preview-contact-picker">
            <summary>"Preview with contact"</summary>
            <Transition fallback=move || view! { <Loading what="contact lists" /> }>{list_select}</Transition>
            <form class="contact-picker__search" role="search" on:submit=on_search novalidate>
                <label class="field__label" for="preview-contact-search">"Find a contact"</label>
                <div class="toolbar toolbar--inline">
                    <input class="input" id="preview-contact-search" type="search" autocomplete="off"
                        placeholder="Name, client id, number…" bind:value=search />
                    <button type="submit" class="button button--secondary" id="preview-contact-find"
                        disabled=move || list_id.with(String::is_empty)>
                        "Search"
                    </button>
                </div>
            </form>
            <Transition fallback=move || view! { <Loading what="contacts" /> }>{results}</Transition>
        </details>
        {chosen}
    }
}
