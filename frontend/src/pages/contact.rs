//! `/contacts/:id`: one contact — its fields, consent flags and custom
//! fields, and every device with its normalised parts. List managers and
//! administrators edit the identity fields and consents, or delete the contact.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::error::ApiError;
use crate::api::operations::{
    DeleteContact, GetContact, GetContactList, UpdateContact, delete_contact, get_contact,
    get_contact_list, update_contact,
};
use crate::components::feedback::{ActionErrorBanner, ErrorBanner, Loading, Unavailable, confirm};
use crate::components::form::{CheckboxField, TextField, field_message};
use crate::components::page::{Breadcrumbs, Crumb, FormToggle, PageHeader};
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::format::format_timestamp;
use crate::state::contacts::{
    ContactDetail, ContactDevice, ContactEditDraft, contact_display_name, country_label,
    custom_fields, delete_contact_question, device_kind_label, device_type_label, number_parts,
    or_dash, time_zones_label, yes_no,
};
use crate::state::nav::can_manage_lists;
use crate::state::session::Session;

/// The fields of the edit form, by GraphQL name: errors for any other field
/// go into the form's banner.
const EDIT_CONTACT_FIELDS: &[&str] = &["firstName", "lastName", "company", "clientId"];

/// The contact page; a new id in the address draws a fresh page.
#[component]
pub fn ContactPage() -> impl IntoView {
    let params = use_params_map();
    let contact_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <ContactLoader contact_id=contact_id.get() /> }
}

/// Loads the contact, then shows it (again after each save).
#[component]
fn ContactLoader(contact_id: String) -> impl IntoView {
    let session = Session::use_context();
    let contact = LocalResource::new(move || {
        let variables = get_contact::Variables {
            id: contact_id.clone(),
        };
        async move {
            let data = session.execute::<GetContact>(variables).await?;
            Ok::<_, ApiError>(data.contact)
        }
    });
    let shown = move || {
        contact.get().map(|loaded| match loaded {
            Ok(contact_detail) => view! {
                <ContactView contact=contact_detail on_saved=move || contact.refetch() />
            }
            .into_any(),
            Err(error) => view! { <Unavailable error what="contact" /> }.into_any(),
        })
    };
    view! { <Transition fallback=move || view! { <Loading what="the contact" /> }>{shown}</Transition> }
}

/// The contact's page once loaded.
#[component]
fn ContactView(
    contact: ContactDetail,
    on_saved: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let navigate = use_navigate();
    let can_manage = Memo::new(move |_| can_manage_lists(session.role()));
    let show_form = RwSignal::new(false);
    let name = contact_display_name(
        contact.first_name.as_deref(),
        contact.last_name.as_deref(),
        contact.company.as_deref(),
    );
    let list_path = format!("/lists/{}", contact.list_id);

    // The breadcrumb names the list; until it is known it just says "List".
    let list_name = LocalResource::new({
        let list_id = contact.list_id.clone();
        move || {
            let variables = get_contact_list::Variables {
                id: list_id.clone(),
            };
            async move {
                let data = session.execute::<GetContactList>(variables).await.ok()?;
                Some(data.contact_list.name)
            }
        }
    });
    let breadcrumbs = {
        let (name, list_path) = (name.clone(), list_path.clone());
        move || {
            let list_label = list_name
                .get()
                .flatten()
                .unwrap_or_else(|| "List".to_owned());
            let trail = vec![
                Crumb::link("Lists", "/lists"),
                Crumb::link(list_label, list_path.clone()),
                Crumb::here(name.clone()),
            ];
            view! { <Breadcrumbs trail /> }
        }
    };

    let delete = Action::new_local({
        let (id, name, list_path) = (contact.id.clone(), name.clone(), list_path.clone());
        move |_: &()| {
            let variables = delete_contact::Variables { id: id.clone() };
            let (name, list_path, navigate) = (name.clone(), list_path.clone(), navigate.clone());
            async move {
                session.execute::<DeleteContact>(variables).await?;
                toasts.success(format!("{name} deleted"));
                navigate(&list_path, NavigateOptions::default());
                Ok::<(), ApiError>(())
            }
        }
    });
    let question = delete_contact_question(&name, contact.devices.len());
    let on_delete = move |_| {
        if confirm(&question) {
            delete.dispatch_local(());
        }
    };

    let edit = FormToggle {
        label: "Edit contact",
        form_id: "edit-contact",
        open: show_form,
        allowed: can_manage.into(),
    };
    let form_contact = contact.clone();
    view! {
        {breadcrumbs}
        <PageHeader title=name.clone() toggle=edit>
            <Show when=move || can_manage.get()>
                <button
                    type="button"
                    class="button button--danger"
                    disabled=move || delete.pending().get()
                    on:click=on_delete.clone()
                >
                    "Delete contact"
                </button>
            </Show>
        </PageHeader>
        <ActionErrorBanner action=delete title="The contact was not deleted" />
        <Show when=move || can_manage.get() && show_form.get()>
            <EditContactForm
                contact=form_contact.clone()
                on_done={
                    let on_saved = on_saved.clone();
                    move |saved: bool| {
                        show_form.set(false);
                        if saved {
                            on_saved();
                        }
                    }
                }
            />
        </Show>
        <div class="detail-grid">
            <ContactFacts contact=contact.clone() />
            <ConsentFacts contact=contact.clone() />
        </div>
        <section aria-labelledby="devices-title">
            <h2 id="devices-title" class="section-title">"Devices"</h2>
            <DevicesTable devices=contact.devices />
        </section>
    }
}

/// The contact's own fields, and its custom fields when it has any.
#[component]
fn ContactFacts(contact: ContactDetail) -> impl IntoView {
    let custom = custom_fields(&contact.custom)
        .into_iter()
        .map(|(field, value)| {
            view! {
                <dt><code>{field}</code></dt>
                <dd>{value}</dd>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="contact-fields-title">
            <h2 id="contact-fields-title">"Contact"</h2>
            <dl class="facts">
                <dt>"Client id"</dt>
                <dd>{or_dash(contact.client_id.as_deref())}</dd>
                <dt>"First name"</dt>
                <dd>{or_dash(contact.first_name.as_deref())}</dd>
                <dt>"Last name"</dt>
                <dd>{or_dash(contact.last_name.as_deref())}</dd>
                <dt>"Company"</dt>
                <dd>{or_dash(contact.company.as_deref())}</dd>
                <dt>"Postal code"</dt>
                <dd>{or_dash(contact.postal_code.as_deref())}</dd>
                <dt>"Country"</dt>
                <dd>{or_dash(contact.country.as_deref())}</dd>
                <dt>"Time zone"</dt>
                <dd>{or_dash(contact.time_zone.as_deref())}</dd>
                {custom}
                <dt>"Updated"</dt>
                <dd title=contact.updated_at.clone()>{format_timestamp(&contact.updated_at)}</dd>
            </dl>
        </section>
    }
}

/// The three consent flags.
#[component]
fn ConsentFacts(contact: ContactDetail) -> impl IntoView {
    let flags = [
        (
            "Automated calls and texts to mobiles",
            contact.consent_automated,
        ),
        ("Text messages", contact.consent_sms),
        ("E-mail", contact.consent_email),
    ];
    let rows = flags
        .into_iter()
        .map(|(label, given)| {
            let class = if given {
                "badge badge--ok"
            } else {
                "badge badge--muted"
            };
            view! {
                <dt>{label}</dt>
                <dd><span class=class>{yes_no(given)}</span></dd>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="consent-title">
            <h2 id="consent-title">"Consent"</h2>
            <dl class="facts">{rows}</dl>
        </section>
    }
}

/// Every device, in the order they are tried.
#[component]
fn DevicesTable(devices: Vec<ContactDevice>) -> impl IntoView {
    if devices.is_empty() {
        return view! { <p class="empty-state">"This contact has no phones or addresses."</p> }
            .into_any();
    }
    let headers = vec![
        "#",
        "Kind",
        "Value",
        "Raw value",
        "Type",
        "Country",
        "Area · exchange · subscriber",
        "Extension",
        "Time zones",
        "Region",
    ];
    let rows = devices
        .into_iter()
        .map(|device| {
            view! {
                <tr>
                    <td class="table__number">{device.position}</td>
                    <td>{device_kind_label(&device.kind)}</td>
                    <td class="table__nowrap"><code>{device.value.clone()}</code></td>
                    <td class="table__nowrap">{device.raw.clone()}</td>
                    <td>{device_type_label(&device.device_type)}</td>
                    <td class="table__nowrap">
                        {country_label(device.country.as_deref(), device.country_code)}
                    </td>
                    <td class="table__nowrap">
                        {number_parts(
                            device.area_code.as_deref(),
                            device.exchange.as_deref(),
                            device.subscriber.as_deref(),
                        )}
                    </td>
                    <td>{or_dash(device.extension.as_deref())}</td>
                    <td>{time_zones_label(&device.time_zones)}</td>
                    <td>{or_dash(device.region.as_deref())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Devices" headers=headers>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// The edit form: names, company, client id and the consent flags.
/// `on_done(true)` after a save, `on_done(false)` on Cancel.
#[component]
fn EditContactForm(
    contact: ContactDetail,
    on_done: impl Fn(bool) + Clone + 'static,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let initial = ContactEditDraft::from_contact(&contact);
    let first_name = RwSignal::new(initial.first_name);
    let last_name = RwSignal::new(initial.last_name);
    let company = RwSignal::new(initial.company);
    let client_id = RwSignal::new(initial.client_id);
    let consent_automated = RwSignal::new(initial.consent_automated);
    let consent_sms = RwSignal::new(initial.consent_sms);
    let consent_email = RwSignal::new(initial.consent_email);
    let error = RwSignal::new(None::<ApiError>);
    let save = Action::new_local({
        let (contact_id, on_done) = (contact.id.clone(), on_done.clone());
        move |draft: &ContactEditDraft| {
            let variables = update_contact::Variables {
                id: contact_id.clone(),
                input: draft.to_input(),
            };
            let on_done = on_done.clone();
            async move {
                match session.execute::<UpdateContact>(variables).await {
                    Ok(_) => {
                        toasts.success("Contact saved");
                        error.set(None);
                        on_done(true);
                    }
                    Err(failure) => error.set(Some(failure)),
                }
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = ContactEditDraft {
            client_id: client_id.get_untracked(),
            first_name: first_name.get_untracked(),
            last_name: last_name.get_untracked(),
            company: company.get_untracked(),
            consent_automated: consent_automated.get_untracked(),
            consent_sms: consent_sms.get_untracked(),
            consent_email: consent_email.get_untracked(),
        };
        let problems = draft.problems();
        if problems.is_empty() {
            save.dispatch_local(draft);
        } else {
            error.set(Some(ApiError::from_field_errors(problems)));
        }
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(EDIT_CONTACT_FIELDS))
            .map(|error| view! { <ErrorBanner error title="The contact was not saved" /> })
    };
    view! {
        <form id="edit-contact" class="panel form" on:submit=on_submit novalidate>
            <h2>"Edit contact"</h2>
            {general_error}
            <div class="form__grid">
                <TextField id="edit-contact-first-name" label="First name" value=first_name
                    autocomplete="off" error=field_error("firstName") />
                <TextField id="edit-contact-last-name" label="Last name" value=last_name
                    autocomplete="off" error=field_error("lastName") />
                <TextField id="edit-contact-company" label="Company" value=company
                    autocomplete="off" error=field_error("company") />
                <TextField id="edit-contact-client-id" label="Client id" value=client_id
                    autocomplete="off" hint="Your own key for this contact, unique within the list"
                    error=field_error("clientId") />
            </div>
            <fieldset class="fieldset">
                <legend class="field__label">"Consent"</legend>
                <CheckboxField id="edit-contact-consent-automated"
                    label="Automated calls and texts to mobiles" checked=consent_automated
                    hint="Without it, automated campaigns do not call or text this contact's mobiles" />
                <CheckboxField id="edit-contact-consent-sms" label="Text messages"
                    checked=consent_sms />
                <CheckboxField id="edit-contact-consent-email" label="E-mail"
                    checked=consent_email />
            </fieldset>
            <div class="form__actions">
                <button type="submit" class="button button--primary"
                    disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save contact" }}
                </button>
                <button type="button" class="button button--secondary"
                    on:click=move |_| on_done(false)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
