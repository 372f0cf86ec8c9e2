//! The campaign template editor's block for SMS and e-mail modes: the
//! message template to send (only templates of the mode's channel, with a
//! link to create one) and the campaign's messages per second. Hidden for
//! voice modes, which send neither.

use leptos::prelude::*;
use leptos_router::components::A;

use super::editor::message_for;
use crate::api::error::ApiError;
use crate::api::message_types::MessageChannel;
use crate::api::messaging::{MessageTemplates, message_templates};
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::form::{SelectField, TextField};
use crate::state::messaging::templates_for_channel;
use crate::state::session::Session;

/// The message template select and the rate, while `channel` is a message channel.
#[component]
pub fn MessageFields(
    /// The channel the chosen dialing mode sends on (none: a voice mode).
    channel: Memo<Option<MessageChannel>>,
    /// The chosen message template's id, two-way bound.
    template_id: RwSignal<String>,
    /// The messages-per-second cap as typed, two-way bound.
    rate: RwSignal<String>,
    /// The last save's problems.
    error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let session = Session::use_context();
    let templates = LocalResource::new(move || async move {
        let data = session
            .execute::<MessageTemplates>(message_templates::Variables)
            .await?;
        Ok::<_, ApiError>(
            data.message_templates
                .into_iter()
                .map(|template| (template.id, template.name, template.channel))
                .collect::<Vec<_>>(),
        )
    });
    // A template of the other channel cannot be sent: forget it when the mode changes.
    Effect::new(move |_| {
        let Some(channel) = channel.get() else {
            return;
        };
        let fits = templates.with(|loaded| match loaded {
            Some(Ok(templates)) => templates.iter().any(|(id, _, template_channel)| {
                *template_channel == channel && template_id.with_untracked(|chosen| chosen == id)
            }),
            _ => true,
        });
        if !fits {
            template_id.set(String::new());
        }
    });
    let select = move || {
        let channel = channel.get()?;
        Some(templates.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load message templates" /> }.into_any()
            }
            Ok(templates) => {
                let choices = templates_for_channel(
                    templates
                        .iter()
                        .map(|(id, name, channel)| (id.as_str(), name.as_str(), *channel)),
                    channel,
                );
                let hint = if choices.is_empty() {
                    "No template of this channel yet: create one first."
                } else {
                    "Sent to every record, with its placeholders filled."
                };
                view! {
                    <SelectField id="template-message-template" label="Message template" value=template_id
                        choices placeholder="Choose a template…" hint
                        error=message_for(error, "messageTemplateId") />
                }
                .into_any()
            }
        }))
    };
    view! {
        <Show when=move || channel.get().is_some()>
            <h3>"Message"</h3>
            <div class="form__grid">
                <div>
                    <Transition fallback=move || view! { <Loading what="message templates" /> }>{select}</Transition>
                    <A href="/messaging/templates/new" attr:id="template-create-message-template">
                        "Create a message template"
                    </A>
                </div>
                <TextField id="template-messages-per-second" label="Messages per second (optional)"
                    value=rate input_type="number" hint="1 to 10000; blank: no campaign cap"
                    error=message_for(error, "messagesPerSecond") />
            </div>
        </Show>
    }
}
