//! `/campaign-templates`: the tenant's campaign templates (dialing mode,
//! pacing, abandon target, treatments) and their editor (`editor`, with the
//! message template and rate of SMS and e-mail modes in `message_fields`).
//! Every role reads them; administrators and supervisors create, change and
//! delete them.

pub mod editor;
pub mod message_fields;
pub mod treatments;

use leptos::prelude::*;

use crate::api::campaigns::{
    CampaignTemplates, DeleteCampaignTemplate, Template, campaign_templates,
    delete_campaign_template,
};
use crate::api::error::ApiError;
use crate::components::feedback::{EmptyState, ErrorBanner, Loading, confirm};
use crate::components::page::{FormToggle, PageHeader};
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::format::format_date;
use crate::pages::campaign_templates::editor::TemplateEditor;
use crate::state::campaigns::format_rate;
use crate::state::messaging::channel_of_mode;
use crate::state::nav::can_manage_campaigns;
use crate::state::session::Session;

/// Which template the editor shows: none, a new one, or a saved one.
#[derive(Clone, Debug, PartialEq)]
enum Editing {
    Nothing,
    New,
    Existing(String),
}

/// The Campaign templates page.
#[component]
pub fn CampaignTemplatesPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let can_manage = Memo::new(move |_| can_manage_campaigns(session.role()));
    let editing = RwSignal::new(Editing::Nothing);
    let show_new = RwSignal::new(false);
    Effect::new(move |_| {
        if show_new.get() {
            editing.set(Editing::New);
        } else if editing.get_untracked() == Editing::New {
            editing.set(Editing::Nothing);
        }
    });
    let templates = LocalResource::new(move || async move {
        let data = session
            .execute::<CampaignTemplates>(campaign_templates::Variables)
            .await?;
        Ok::<_, ApiError>(data.campaign_templates)
    });
    let delete = Action::new_local(move |(id, name): &(String, String)| {
        let (id, name) = (id.clone(), name.clone());
        async move {
            let result = session
                .execute::<DeleteCampaignTemplate>(delete_campaign_template::Variables { id })
                .await;
            templates.refetch();
            result.map(|_| toasts.success(format!("{name} deleted")))
        }
    });
    let new_template = FormToggle {
        label: "New template",
        form_id: "template-editor",
        open: show_new,
        allowed: can_manage.into(),
    };
    let on_saved = Callback::new(move |()| {
        show_new.set(false);
        editing.set(Editing::Nothing);
        templates.refetch();
    });
    let editor = move || {
        let chosen = editing.get();
        let existing = match &chosen {
            Editing::Nothing => return None,
            Editing::New => None,
            Editing::Existing(id) => templates.with(|loaded| {
                loaded
                    .as_ref()
                    .and_then(|loaded| loaded.as_ref().ok())
                    .and_then(|rows| rows.iter().find(|template| template.id == *id).cloned())
            }),
        };
        if matches!(chosen, Editing::Existing(_)) && existing.is_none() {
            return None;
        }
        Some(view! { <TemplateEditor existing can_manage=can_manage.get_untracked() on_saved /> })
    };
    let table = move || {
        templates.get().map(|loaded| match loaded {
            Err(error) => view! { <ErrorBanner error title="Could not load templates" /> }.into_any(),
            Ok(rows) => view! { <TemplatesTable rows can_manage=can_manage.get_untracked() editing delete /> }
                .into_any(),
        })
    };
    view! {
        <PageHeader title="Campaign templates" toggle=new_template />
        <p class="page-intro">
            "How campaigns dial: the mode, the pacing and abandon-rate target, what happens after \
             each call result, and the order a contact's devices are tried in."
        </p>
        {move || delete.value().get().and_then(Result::err).map(|error| view! {
            <ErrorBanner error title="The template was not deleted" />
        })}
        {editor}
        <Transition fallback=move || view! { <Loading what="templates" /> }>{table}</Transition>
    }
}

/// Scrolls the editor (drawn above the table) into view once it is on the page.
fn show_editor_on_screen() {
    request_animation_frame(|| {
        if let Some(editor) = document().get_element_by_id("template-editor") {
            editor.scroll_into_view();
        }
    });
}

/// The "Pacing" cell: lines per agent, or for SMS and e-mail the message
/// template sent and the rate.
fn pacing_label(template: &Template) -> String {
    if channel_of_mode(template.dialing_mode).is_none() {
        return format!("{} lines per agent", template.pacing.lines_per_agent);
    }
    let message = template
        .message_template
        .as_ref()
        .map_or("no message template", |message| message.name.as_str());
    match template.messages_per_second {
        Some(rate) => format!("Sends {message}, {rate}/s"),
        None => format!("Sends {message}"),
    }
}

/// The templates table.
#[component]
fn TemplatesTable(
    rows: Vec<Template>,
    can_manage: bool,
    editing: RwSignal<Editing>,
    delete: Action<(String, String), Result<(), ApiError>>,
) -> impl IntoView {
    if rows.is_empty() {
        let message = if can_manage {
            "No templates yet. Create one: campaigns dial with a template's settings."
        } else {
            "No templates yet."
        };
        return view! { <EmptyState message /> }.into_any();
    }
    let headers = vec![
        "Name",
        "Dialing mode",
        "Pacing",
        "Abandon target",
        "Own treatments",
        "Updated",
        "",
    ];
    let rows = rows
        .into_iter()
        .map(|template| {
            let id = template.id.clone();
            let delete_request = (template.id.clone(), template.name.clone());
            let question = format!("Delete the template {}? Campaigns using it block this.", template.name);
            let pacing = &template.pacing;
            view! {
                <tr data-template=template.name.clone()>
                    <td>{template.name.clone()}</td>
                    <td>{template.dialing_mode.label()}</td>
                    <td>{pacing_label(&template)}</td>
                    <td>{format!("{} ({}, {} s)", format_rate(pacing.target_abandon_rate),
                        pacing.abandon_counting.label().to_lowercase(), pacing.abandon_threshold_seconds)}</td>
                    <td class="table__number">{template.treatments.len()}</td>
                    <td class="table__nowrap">{format_date(&template.updated_at)}</td>
                    <td class="table__actions">
                        <button type="button" class="button button--small button--secondary"
                            on:click=move |_| {
                                editing.set(Editing::Existing(id.clone()));
                                show_editor_on_screen();
                            }>
                            {if can_manage { "Edit" } else { "View" }}
                        </button>
                        {can_manage.then(|| view! {
                            <button type="button" class="button button--small button--danger"
                                disabled=move || delete.pending().get()
                                on:click=move |_| {
                                    if confirm(&question) {
                                        delete.dispatch_local(delete_request.clone());
                                    }
                                }>
                                "Delete"
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Campaign templates" headers>{rows}</DataTable> }.into_any()
}
