//! `/messaging`: the tenant's message templates (channel, placeholders
//! used, SMS length, last change) with New / Edit / Delete, and a link to
//! the Nexus gateway settings (`provider`, `/messaging/provider`). The
//! template editor with its live preview is `editor` and `preview`
//! (`/messaging/templates/new`, `/messaging/templates/:id`). Every role
//! reads them; administrators and supervisors change them.

pub mod editor;
pub mod preview;
pub mod provider;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::error::ApiError;
use crate::api::messaging::{
    DeleteMessageTemplate, MessageTemplate, MessageTemplates, delete_message_template,
    message_templates,
};
use crate::components::feedback::{ActionErrorBanner, EmptyState, ErrorBanner, Loading, confirm};
use crate::components::page::PageHeader;
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::format::format_date;
use crate::state::messaging::{placeholders_label, sms_length_label};
use crate::state::nav::can_manage_messaging;
use crate::state::session::Session;

/// The Messaging page.
#[component]
pub fn MessagingPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let can_manage = Memo::new(move |_| can_manage_messaging(session.role()));
    let templates = LocalResource::new(move || async move {
        let data = session
            .execute::<MessageTemplates>(message_templates::Variables)
            .await?;
        Ok::<_, ApiError>(data.message_templates)
    });
    let delete = Action::new_local(move |(id, name): &(String, String)| {
        let variables = delete_message_template::Variables { id: id.clone() };
        let name = name.clone();
        async move {
            let result = session.execute::<DeleteMessageTemplate>(variables).await;
            templates.refetch();
            result.map(|_| toasts.success(format!("{name} deleted")))
        }
    });
    let table = move || {
        templates.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load message templates" /> }.into_any()
            }
            Ok(rows) => view! {
                <TemplatesTable rows can_manage=can_manage.get_untracked() delete />
            }
            .into_any(),
        })
    };
    view! {
        <PageHeader title="Messaging">
            <A href="/messaging/provider" attr:class="button button--secondary" attr:id="gateway-settings-link">
                "Gateway settings"
            </A>
            <Show when=move || can_manage.get()>
                <A href="/messaging/templates/new" attr:class="button button--primary"
                    attr:id="new-message-template">
                    "New template"
                </A>
            </Show>
        </PageHeader>
        <p class="page-intro">
            {move || if can_manage.get() {
                "SMS and e-mail campaigns send a message template through the Nexus gateway: \
                 the first message, the answer to HELP and the answer to STOP. Placeholders such \
                 as {{firstName}} are filled per contact."
            } else {
                "SMS and e-mail campaigns send a message template through the Nexus gateway. \
                 Read-only: administrators and supervisors change templates and the gateway settings."
            }}
        </p>
        <section aria-labelledby="message-templates-title">
            <h2 class="section-title" id="message-templates-title">"Message templates"</h2>
            <ActionErrorBanner action=delete title="The template was not deleted" />
            <Transition fallback=move || view! { <Loading what="message templates" /> }>{table}</Transition>
        </section>
    }
}

/// The templates table.
#[component]
fn TemplatesTable(
    rows: Vec<MessageTemplate>,
    can_manage: bool,
    delete: Action<(String, String), Result<(), ApiError>>,
) -> impl IntoView {
    if rows.is_empty() {
        let message = if can_manage {
            "No message templates yet. Create one with \u{201c}New template\u{201d}."
        } else {
            "No message templates yet."
        };
        return view! { <EmptyState message /> }.into_any();
    }
    let headers = vec![
        "Name",
        "Channel",
        "Placeholders",
        "SMS length",
        "Used by",
        "Updated",
        "",
    ];
    let rows = rows
        .into_iter()
        .map(|template| {
            let length = template.sms_length.as_ref().map_or_else(
                || "—".to_owned(),
                |length| sms_length_label(length.encoding, length.units, length.segments),
            );
            let used_by = if template.used_by.is_empty() {
                "—".to_owned()
            } else {
                template
                    .used_by
                    .iter()
                    .map(|user| user.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let edit_href = format!("/messaging/templates/{}", template.id);
            let request = (template.id.clone(), template.name.clone());
            let question = format!(
                "Delete the message template \u{201c}{}\u{201d}?",
                template.name
            );
            let delete_button = can_manage.then(|| {
                view! {
                    <button type="button" class="button button--small button--danger"
                        aria-label=format!("Delete {}", template.name)
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
            let (row_name, link_text) = (template.name.clone(), template.name.clone());
            view! {
                <tr data-message-template=row_name>
                    <td><A href=edit_href.clone()>{link_text}</A></td>
                    <td>{template.channel.label()}</td>
                    <td><code>{placeholders_label(&template.fields)}</code></td>
                    <td class="table__nowrap">{length}</td>
                    <td>{used_by}</td>
                    <td class="table__nowrap">{format_date(&template.updated_at)}</td>
                    <td class="table__actions">
                        <A href=edit_href attr:class="button button--small button--secondary">
                            {if can_manage { "Edit" } else { "View" }}
                        </A>
                        {delete_button}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Message templates" headers>{rows}</DataTable> }.into_any()
}
