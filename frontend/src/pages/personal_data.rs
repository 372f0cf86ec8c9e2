//! `/personal-data`: a person's access and erasure requests (GDPR Art. 15
//! and 17, CCPA "know" and "delete") and the tenant's history retention.
//! Find a person by phone number, e-mail address or client id, read what
//! the tenant holds about them section by section, download it as one JSON
//! document to hand to them, or erase them (what the erasure keeps, and
//! why, is said before and after). Administrators and compliance officers
//! only (ManagePersonalData); see `docs/personal-data.md`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::error::{ApiError, ErrorKind};
use crate::api::jobs::reread;
use crate::api::personal_data::{
    ErasePersonalData, Erasure, PersonalData, PersonalDataFound, Retention, RetentionSettings,
    UpdateRetentionSettings, erase_personal_data, personal_data, retention_settings,
    update_retention_settings,
};
use crate::api::upload::save_file;
use crate::components::feedback::{EmptyState, ErrorBanner, Loading};
use crate::components::form::{CheckboxField, TextField, field_message};
use crate::components::page::PageHeader;
use crate::components::table::DataTable;
use crate::components::toast::Toasts;
use crate::format::{format_count, format_date, format_timestamp};
use crate::state::nav::can_manage_personal_data;
use crate::state::personal_data::{
    RETENTION_FIELD, RULE_WINDOW_DAYS, SUBJECT_FIELD, contact_name, count_of, device_kind_label,
    download_file_name, erasure_report, found_summary, retention_days, retention_range,
    section_heading, status_word, subject_to_search,
};
use crate::state::session::Session;

/// An erasure as the report shows it: the subject it was asked for and the counts.
#[derive(Clone, Debug, PartialEq)]
struct Erased {
    subject: String,
    erasure: Erasure,
}

/// One press of the dialog's "Erase": the subject, whether their
/// suppression entries go too, and the dialog's signals (closed on success,
/// the reason shown on failure).
#[derive(Clone)]
struct EraseRequest {
    subject: String,
    remove_suppression: bool,
    asking: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
}

/// The Personal data page.
#[component]
pub fn PersonalDataPage() -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    if !can_manage_personal_data(session.role()) {
        // The shell's guard turns other roles away first; this is the page's own word.
        return view! {
            <PageHeader title="Personal data" />
            <p class="banner banner--info">
                "Administrators and compliance officers answer personal data requests."
            </p>
        }
        .into_any();
    }
    let subject = RwSignal::new(String::new());
    let search_error = RwSignal::new(None::<ApiError>);
    let found = RwSignal::new(None::<PersonalDataFound>);
    let erased = RwSignal::new(None::<Erased>);
    let search = Action::new_local(move |subject: &String| {
        let variables = personal_data::Variables {
            subject: subject.clone(),
        };
        async move {
            match session.execute::<PersonalData>(variables).await {
                Ok(data) => {
                    search_error.set(None);
                    found.set(Some(data.personal_data));
                }
                Err(failure) => {
                    found.set(None);
                    search_error.set(Some(failure));
                }
            }
        }
    });
    // Owned by the page: the dialog and the results it belongs to are
    // replaced while the erasure finishes (the search runs again).
    let erase = Action::new_local(move |request: &EraseRequest| {
        let EraseRequest {
            subject,
            remove_suppression,
            asking,
            error,
        } = request.clone();
        let variables = erase_personal_data::Variables {
            subject: subject.clone(),
            remove_suppression,
        };
        async move {
            match session.execute::<ErasePersonalData>(variables).await {
                Ok(data) => {
                    asking.try_set(false);
                    erased.set(Some(Erased {
                        subject: subject.clone(),
                        erasure: data.erase_personal_data,
                    }));
                    toasts.success("The person was erased");
                    // Show what is still held (suppression entries, say) under the report.
                    search.dispatch_local(subject);
                }
                // The dialog stays open with the reason.
                Err(failure) => {
                    error.try_set(Some(failure));
                }
            }
        }
    });
    let on_find = move |event: SubmitEvent| {
        event.prevent_default();
        erased.set(None);
        match subject_to_search(&subject.get_untracked()) {
            Ok(text) => {
                search.dispatch_local(text);
            }
            Err(problem) => search_error.set(Some(ApiError::from_field_errors(vec![problem]))),
        }
    };
    let search_banner = move || {
        search_error
            .get()
            .filter(|error| error.needs_banner(&[SUBJECT_FIELD]))
            .map(|error| view! { <ErrorBanner error title="The search failed" /> })
    };
    let results = move || found.get().map(|found| view! { <Results found erase /> });
    view! {
        <PageHeader title="Personal data" />
        <p class="page-intro">
            "Answer a person's request to see or to erase what this organisation holds about \
             them (GDPR Art. 15 and 17, CCPA). Find them by any of their phone numbers, e-mail \
             addresses or client ids; every search and erasure is recorded in the audit log."
        </p>
        <section class="panel" aria-labelledby="personal-data-search-title">
            <h2 id="personal-data-search-title">"Find a person"</h2>
            <form id="personal-data-search" class="personal-search" role="search" on:submit=on_find novalidate>
                <TextField id="personal-data-subject" label="Phone number, e-mail address or client id"
                    value=subject autocomplete="off"
                    hint="Written any way: (202) 456-0000, +1 202 456 0000, ann@example.com or C00042."
                    error=field_message(search_error, SUBJECT_FIELD) />
                <div class="form__actions">
                    <button type="submit" class="button button--primary" id="personal-data-find"
                        disabled=move || search.pending().get()>
                        "Find"
                    </button>
                </div>
            </form>
        </section>
        {search_banner}
        {move || erased.get().map(|erased| view! { <ErasureReport erased /> })}
        {move || search.pending().get().then(|| view! { <Loading what="their data" /> })}
        {results}
        <RetentionCard />
    }
    .into_any()
}

/// Everything found about the person: the summary and its actions, then one section per kind.
#[component]
fn Results(found: PersonalDataFound, erase: Action<EraseRequest, ()>) -> impl IntoView {
    let summary = found_summary(
        found.contacts.len(),
        found.history.len(),
        found.messages.len(),
        found.message_events,
        found.suppressions.len(),
    );
    let known = [found.values.join(", "), found.client_ids.join(", ")]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let download_error = RwSignal::new(None::<ApiError>);
    let file_name = download_file_name(&found.subject);
    let document = found.document.clone();
    let on_download = move |_| {
        let result = serde_json::to_string_pretty(&document)
            .map_err(|error| {
                ApiError::new(
                    ErrorKind::Protocol,
                    format!("The document could not be written: {error}."),
                )
            })
            .and_then(|text| save_file(text.as_bytes(), "application/json", &file_name));
        download_error.set(result.err());
    };
    let asking = RwSignal::new(false);
    let subject = found.subject.clone();
    let contacts = found.contacts.len();
    view! {
        <section class="panel" id="personal-data-results" aria-labelledby="personal-data-results-title">
            <div class="panel__header">
                <h2 id="personal-data-results-title">{format!("\u{201c}{}\u{201d}", found.subject)}</h2>
                <div class="page-header__actions">
                    <button type="button" class="button button--secondary" id="personal-data-download"
                        on:click=on_download>
                        "Download JSON"
                    </button>
                    <button type="button" class="button button--danger" id="personal-data-erase"
                        aria-haspopup="dialog" on:click=move |_| asking.set(true)>
                        "Erase this person"
                    </button>
                </div>
            </div>
            <p id="personal-data-summary">{summary}</p>
            {(!known.is_empty()).then(|| view! {
                <p class="muted" id="personal-data-known">"Their numbers, addresses and client ids: "{known}</p>
            })}
            {move || download_error.get().map(|error| view! { <ErrorBanner error title="The download failed" /> })}
        </section>
        <Show when=move || asking.get()>
            <EraseDialog subject=subject.clone() contacts asking erase />
        </Show>
        <ContactsSection rows=found.contacts.clone() />
        <HistorySection rows=found.history.clone() />
        <MessagesSection rows=found.messages.clone() />
        <section class="panel" id="personal-events" aria-labelledby="personal-events-title">
            <h2 id="personal-events-title">{format!("Replies and receipts ({})", format_count(found.message_events))}</h2>
            {if found.message_events == 0 {
                view! { <EmptyState message="No replies or receipts from them." /> }.into_any()
            } else {
                view! {
                    <p>{format!("{} from their numbers and addresses (STOP replies, delivery receipts); \
                        the JSON document lists none of their content.",
                        count_of(found.message_events, "reply or receipt", "replies and receipts"))}</p>
                }.into_any()
            }}
        </section>
        <SuppressionsSection rows=found.suppressions.clone() />
    }
}

/// A result section: its heading with the count, then `children`.
#[component]
fn ResultSection(
    id: &'static str,
    title: &'static str,
    count: usize,
    children: Children,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    view! {
        <section class="panel" id=id aria-labelledby=title_id.clone()>
            <h2 id=title_id.clone()>{section_heading(title, count)}</h2>
            {children()}
        </section>
    }
}

/// Their contacts in every list, with their devices.
#[component]
fn ContactsSection(rows: Vec<personal_data::PersonalDataPersonalDataContacts>) -> impl IntoView {
    let count = rows.len();
    let body = if rows.is_empty() {
        view! { <EmptyState message="No contacts in any list." /> }.into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|row| {
                let contact = row.contact;
                let name = contact_name(contact.first_name.as_deref(), contact.last_name.as_deref());
                let devices = contact
                    .devices
                    .iter()
                    .map(|device| {
                        view! {
                            <li>{device_kind_label(&device.kind)}" "<span class="table__mono">{device.value.clone()}</span></li>
                        }
                    })
                    .collect_view();
                view! {
                    <tr data-contact-id=contact.id.clone()>
                        <td>{row.list_name}</td>
                        <td>{contact.client_id.unwrap_or_else(|| "—".to_owned())}</td>
                        <td><A href=format!("/contacts/{}", contact.id)>{name}</A></td>
                        <td><ul class="plain-list">{devices}</ul></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable caption="Contacts" headers=vec!["List", "Client id", "Name", "Phone numbers and addresses"]>
                {rows}
            </DataTable>
        }
        .into_any()
    };
    view! { <ResultSection id="personal-contacts" title="Contacts" count>{body}</ResultSection> }
}

/// Their calls and messages in the dialing history.
#[component]
fn HistorySection(rows: Vec<personal_data::PersonalDataPersonalDataHistory>) -> impl IntoView {
    let count = rows.len();
    let body = if rows.is_empty() {
        view! { <EmptyState message="No calls or messages in the contact history." /> }.into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|attempt| {
                view! {
                    <tr data-attempt=attempt.attempt_guid.clone()>
                        <td class="table__nowrap" title=attempt.started_at.clone()>{format_timestamp(&attempt.started_at)}</td>
                        <td class="table__mono">{attempt.device}</td>
                        <td>{attempt.campaign.unwrap_or_else(|| "—".to_owned())}</td>
                        <td>{status_word(&attempt.result)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable caption="Contact history" headers=vec!["Time", "Number or address", "Campaign", "Result"]>
                {rows}
            </DataTable>
        }
        .into_any()
    };
    view! { <ResultSection id="personal-history" title="Contact history" count>{body}</ResultSection> }
}

/// The messages sent to them.
#[component]
fn MessagesSection(rows: Vec<personal_data::PersonalDataPersonalDataMessages>) -> impl IntoView {
    let count = rows.len();
    let body = if rows.is_empty() {
        view! { <EmptyState message="No messages sent to them." /> }.into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|message| {
                view! {
                    <tr>
                        <td class="table__nowrap" title=message.created_at.clone()>{format_timestamp(&message.created_at)}</td>
                        <td class="table__mono">{message.recipient}</td>
                        <td>
                            {message.subject.map(|subject| view! { <strong>{subject}</strong><br /> })}
                            {message.body}
                        </td>
                        <td>{format!("{} · {}", status_word(&message.channel), status_word(&message.status))}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable caption="Messages" headers=vec!["Time", "To", "Text", "Status"]>{rows}</DataTable>
        }
        .into_any()
    };
    view! { <ResultSection id="personal-messages" title="Messages" count>{body}</ResultSection> }
}

/// Their entries in suppression lists, global ones marked.
#[component]
fn SuppressionsSection(
    rows: Vec<personal_data::PersonalDataPersonalDataSuppressions>,
) -> impl IntoView {
    let count = rows.len();
    let body = if rows.is_empty() {
        view! { <EmptyState message="No do-not-contact entries: they are on no suppression list." /> }
            .into_any()
    } else {
        let rows = rows
            .into_iter()
            .map(|entry| {
                let since = match &entry.expires_at {
                    Some(until) => format!("{} (until {})", format_date(&entry.created_at), format_date(until)),
                    None => format_date(&entry.created_at),
                };
                view! {
                    <tr data-suppression-list=entry.list_id.clone()>
                        <td>
                            <A href=format!("/suppression/{}", entry.list_id)>{entry.list_name}</A>
                            {entry.global.then(|| view! { " " <span class="badge badge--info">"Global"</span> })}
                        </td>
                        <td class="table__mono">{entry.value}</td>
                        <td>{entry.reason.unwrap_or_else(|| "—".to_owned())}</td>
                        <td class="table__nowrap">{since}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DataTable caption="Do-not-contact entries" headers=vec!["List", "Value", "Reason", "Since"]>
                {rows}
            </DataTable>
        }
        .into_any()
    };
    view! {
        <ResultSection id="personal-suppressions" title="Do-not-contact entries" count>{body}</ResultSection>
    }
}

/// The question before an erasure: what goes, what stays and why, and
/// whether their suppression entries go too (unticked: they stay).
#[component]
fn EraseDialog(
    subject: String,
    contacts: usize,
    asking: RwSignal<bool>,
    erase: Action<EraseRequest, ()>,
) -> impl IntoView {
    let remove_suppression = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let request = subject.clone();
    let on_confirm = move |event: SubmitEvent| {
        event.prevent_default();
        error.set(None);
        erase.dispatch_local(EraseRequest {
            subject: request.clone(),
            remove_suppression: remove_suppression.get_untracked(),
            asking,
            error,
        });
    };
    let contacts = i64::try_from(contacts).unwrap_or(i64::MAX);
    view! {
        <div class="dialog-backdrop">
            <form class="dialog" id="erase-dialog" role="dialog" aria-modal="true"
                aria-labelledby="erase-dialog-title" on:submit=on_confirm novalidate>
                <h2 id="erase-dialog-title">"Erase this person?"</h2>
                <p>
                    {format!("Everything found for \u{201c}{subject}\u{201d} is deleted: {} from every list, \
                        their calling-list records in campaigns, their contact history, messages, replies \
                        and receipts. This cannot be undone.",
                        count_of(contacts, "contact", "contacts"))}
                </p>
                <p><strong>"Kept, so that erasing never makes them callable:"</strong></p>
                <ul>
                    <li>{format!("Attempt counts of the last {RULE_WINDOW_DAYS} days: the attempt rules \
                        still count them; they are deleted when they grow older.")}</li>
                    <li>"Their entries in your suppression lists, unless you tick the box below."</li>
                    <li>"Entries in global lists, always."</li>
                </ul>
                <CheckboxField id="erase-remove-suppression"
                    label="Also remove from our suppression lists (they could then be contacted again)"
                    checked=remove_suppression />
                {move || error.get().map(|error| view! { <ErrorBanner error title="Nothing was erased" /> })}
                <div class="form__actions">
                    <button type="submit" class="button button--danger button--stop" id="erase-confirm"
                        disabled=move || erase.pending().get()>
                        {move || if erase.pending().get() { "Erasing…" } else { "Erase" }}
                    </button>
                    <button type="button" class="button button--secondary" on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </div>
            </form>
        </div>
    }
}

/// What the last erasure deleted and kept.
#[component]
fn ErasureReport(erased: Erased) -> impl IntoView {
    let lines = erasure_report(&erased.erasure)
        .into_iter()
        .map(|line| view! { <li>{line}</li> })
        .collect_view();
    view! {
        <section class="panel panel--report" id="erasure-report" role="status" aria-labelledby="erasure-report-title">
            <h2 id="erasure-report-title">{format!("Erased \u{201c}{}\u{201d}", erased.subject)}</h2>
            <ul class="report-list">{lines}</ul>
            <p class="muted">
                "The search below ran again: it shows what is still linked to this subject. \
                 Kept suppression entries stay on their lists even when their numbers no longer \
                 lead back here."
            </p>
        </section>
    }
}

/// The History retention card: the current days, the allowed range and a form to change it.
#[component]
fn RetentionCard() -> impl IntoView {
    let session = Session::use_context();
    let loaded = LocalResource::new(move || async move {
        let data = session
            .execute::<RetentionSettings>(retention_settings::Variables)
            .await?;
        Ok::<_, ApiError>(data.retention_settings)
    });
    let body = move || {
        loaded.get().map(|result| match result {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load the history retention" /> }
                    .into_any()
            }
            Ok(stored) => view! { <RetentionForm stored /> }.into_any(),
        })
    };
    view! {
        <section class="panel" id="retention" aria-labelledby="retention-title">
            <h2 id="retention-title">"History retention"</h2>
            <Transition fallback=move || view! { <Loading what="the history retention" /> }>{body}</Transition>
        </section>
    }
}

/// The retention form, starting from what the server holds.
#[component]
fn RetentionForm(stored: Retention) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let days = RwSignal::new(stored.history_retention_days.to_string());
    let stored = RwSignal::new(stored);
    let error = RwSignal::new(None::<ApiError>);
    let save = Action::new_local(move |requested: &i64| {
        let variables = update_retention_settings::Variables {
            history_retention_days: *requested,
        };
        async move {
            match session.execute::<UpdateRetentionSettings>(variables).await {
                Ok(data) => {
                    let saved: Retention = reread(&data.update_retention_settings);
                    days.set(saved.history_retention_days.to_string());
                    stored.set(saved);
                    error.set(None);
                    toasts.success("History retention saved");
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_save = move |event: SubmitEvent| {
        event.prevent_default();
        match retention_days(&days.get_untracked()) {
            Ok(value) => {
                save.dispatch_local(value);
            }
            Err(problem) => error.set(Some(ApiError::from_field_errors(vec![problem]))),
        }
    };
    let banner = move || {
        error
            .get()
            .filter(|error| error.needs_banner(&[RETENTION_FIELD]))
            .map(|error| view! { <ErrorBanner error title="The retention was not saved" /> })
    };
    view! {
        <p id="retention-current">
            "Dialing history, messages, replies and attempt counts are kept for "
            <strong>{move || count_of(stored.get().history_retention_days, "day", "days")}</strong>
            ", then deleted within the hour."
        </p>
        <p class="muted" id="retention-range">
            {move || stored.with(|stored| retention_range(stored.minimum_days, stored.maximum_days))}
            {format!(" Never shorter than {RULE_WINDOW_DAYS} days: the attempt rules count that far back.")}
        </p>
        {banner}
        <form id="retention-form" class="retention-form" on:submit=on_save novalidate>
            <TextField id="retention-days" label="Keep history for (days)" value=days input_type="number"
                error=field_message(error, RETENTION_FIELD) />
            <div class="form__actions">
                <button type="submit" class="button button--primary" id="retention-save"
                    disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Saving…" } else { "Save" }}
                </button>
            </div>
        </form>
    }
}
