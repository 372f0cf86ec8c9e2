//! "Check a number": runs every compliance rule on one number at an instant
//! (the browser's local date and time, sent as UTC) and shows how the number
//! was read — E.164, country, regions, zones with their local times, device
//! type, suppression — then the verdict, every rule's verdict and the next
//! allowed time.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use web_sys::js_sys;
use web_sys::wasm_bindgen::JsValue;

use crate::api::compliance::{CheckNumber, NumberCheck, check_number};
use crate::api::compliance_types::DialMode;
use crate::api::error::{ApiError, ErrorKind};
use crate::components::feedback::ErrorBanner;
use crate::components::form::{CheckboxField, TextField, field_message};
use crate::components::table::DataTable;
use crate::format::format_timestamp;
use crate::state::compliance::check::{CheckDraft, verdict_mark};
use crate::state::session::Session;

/// A `datetime-local` value read in the browser's own zone, as RFC 3339 UTC.
fn local_to_utc(local: &str) -> Option<String> {
    let date = js_sys::Date::new(&JsValue::from_str(local));
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

/// An RFC 3339 instant in the browser's zone, for people ("11/21/2026, 9:14:00 AM").
fn in_browser_zone(rfc3339: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    String::from(date.to_locale_string("en-US", &JsValue::UNDEFINED))
}

/// The tool: its form and, once asked, the answer.
#[component]
pub fn CheckNumberPanel() -> impl IntoView {
    let session = Session::use_context();
    let initial = CheckDraft::default();
    let phone = RwSignal::new(initial.phone);
    let mode = RwSignal::new(initial.mode);
    let instant = RwSignal::new(initial.instant);
    let client_id = RwSignal::new(initial.client_id);
    let email = RwSignal::new(initial.email);
    let consent = RwSignal::new(initial.consent);
    let country = RwSignal::new(initial.country);
    let error = RwSignal::new(None::<ApiError>);
    let answer = RwSignal::new(None::<NumberCheck>);
    let check = Action::new_local(move |variables: &check_number::Variables| {
        let variables = variables.clone();
        async move {
            match session.execute::<CheckNumber>(variables).await {
                Ok(data) => {
                    error.set(None);
                    answer.set(Some(data.check_number));
                }
                Err(failure) => error.set(Some(failure)),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let draft = CheckDraft {
            phone: phone.get_untracked(),
            mode: mode.get_untracked(),
            instant: instant.get_untracked(),
            client_id: client_id.get_untracked(),
            email: email.get_untracked(),
            consent: consent.get_untracked(),
            country: country.get_untracked(),
        };
        let problems = draft.problems();
        if !problems.is_empty() {
            error.set(Some(ApiError::from_field_errors(problems)));
            return;
        }
        let at = if draft.instant.is_empty() {
            None
        } else if let Some(utc) = local_to_utc(&draft.instant) {
            Some(utc)
        } else {
            error.set(Some(ApiError::new(
                ErrorKind::BadUserInput,
                "The browser could not read that date and time.",
            )));
            return;
        };
        check.dispatch_local(check_number::Variables {
            phone: draft.phone.trim().to_owned(),
            at,
            mode: Some(draft.mode),
            client_id: CheckDraft::optional(&draft.client_id),
            email: CheckDraft::optional(&draft.email),
            consent: Some(draft.consent),
            default_country: draft.default_country(),
        });
    };
    let field_error = move |field: &'static str| field_message(error, field);
    let general_error = move || {
        error
            .get()
            .filter(|error| error.needs_banner(&["phone", "at", "defaultCountry"]))
            .map(|error| view! { <ErrorBanner error title="The number was not checked" /> })
    };
    let modes = DialMode::ALL
        .iter()
        .map(|&choice| view! {
            <option value=choice.wire_name() selected=move || mode.get() == choice>{choice.label()}</option>
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="check-title">
            <h2 id="check-title">"Check a number"</h2>
            <p class="muted">"Runs every rule as a dialer would, without contacting anyone."</p>
            <form class="form" on:submit=on_submit novalidate>
                {general_error}
                <div class="form__grid form__grid--three">
                    <TextField id="check-phone" label="Phone number" value=phone autocomplete="off"
                        required=true hint="Any format: +44 20 7946 0000, (212) 736-5000" error=field_error("phone") />
                    <TextField id="check-country" label="Default country" value=country
                        autocomplete="off" hint="For a number without a country code." error=field_error("defaultCountry") />
                    <div class="field">
                        <label class="field__label" for="check-mode">"Dialing mode"</label>
                        <select class="select" id="check-mode" on:change=move |event| {
                            if let Some(choice) = DialMode::from_wire_name(&event_target_value(&event)) {
                                mode.set(choice);
                            }
                        }>{modes}</select>
                    </div>
                    <TextField id="check-at" label="At (your local time)" value=instant input_type="datetime-local"
                        hint="Empty for now." error=field_error("at") />
                    <TextField id="check-client-id" label="Client id (optional)" value=client_id autocomplete="off" />
                    <TextField id="check-email" label="E-mail (optional)" value=email input_type="email" autocomplete="off" />
                    <CheckboxField id="check-consent" label="Consent to automated contact" checked=consent />
                </div>
                <div class="form__actions">
                    <button type="submit" class="button button--primary" disabled=move || check.pending().get()>
                        {move || if check.pending().get() { "Checking…" } else { "Check" }}
                    </button>
                </div>
            </form>
            {move || answer.get().map(|result| view! { <CheckResult result /> })}
        </section>
    }
}

/// The answer: verdict banner, how the number was read, every rule's verdict.
#[component]
fn CheckResult(result: NumberCheck) -> impl IntoView {
    let verdict = if result.allowed {
        view! {
            <div class="banner banner--ok verdict-banner" role="status">
                <strong class="banner__title">"Allowed"</strong>
                <span>{format!("Every rule allows a {} attempt at {}.", result.mode.label(), format_timestamp(&result.at))}</span>
            </div>
        }
        .into_any()
    } else {
        let reasons = result
            .refusals
            .iter()
            .map(|refusal| view! { <li><strong>{refusal.rule.label()}</strong>": "{refusal.reason.clone()}</li> })
            .collect_view();
        view! {
            <div class="banner banner--error verdict-banner" role="alert">
                <strong class="banner__title">"Refused"</strong>
                <ul class="verdict-reasons">{reasons}</ul>
            </div>
        }
        .into_any()
    };
    let next = result.next_allowed_at.clone().map(|next| {
        let local = in_browser_zone(&next);
        view! {
            <p class="next-allowed">
                <strong>"Next allowed: "</strong>
                <span title=next.clone()>{format_timestamp(&next)}</span>
                <span class="muted">{format!(" ({local} your time)")}</span>
            </p>
        }
    });
    let regions = if result.regions.is_empty() {
        result
            .region
            .clone()
            .unwrap_or_else(|| "Unknown".to_owned())
    } else {
        result.regions.join(", ")
    };
    let zones = if result.local_times.is_empty() {
        view! { <span>"Unknown"</span> }.into_any()
    } else {
        result
            .local_times
            .iter()
            .map(|zone| view! { <div><code>{zone.zone.clone()}</code>" — "{zone.local_time.clone()}</div> })
            .collect_view()
            .into_any()
    };
    let rows = result
        .verdicts
        .iter()
        .map(|verdict| {
            let (mark, word, class) = verdict_mark(verdict.applies, verdict.allowed);
            view! {
                <tr>
                    <td class="table__nowrap">{verdict.rule.label()}</td>
                    <td>{verdict.name.clone()}</td>
                    <td class="table__nowrap"><span class=class aria-label=word title=word>{mark}</span>" "{word}</td>
                    <td>{verdict.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let suppressed = if result.suppressed { "Yes" } else { "No" };
    view! {
        <div class="check-result">
            {verdict}
            {next}
            <dl class="summary">
                <div class="summary__item"><dt>"Input"</dt><dd>{result.input.clone()}</dd></div>
                <div class="summary__item"><dt>"E.164"</dt><dd>{result.e164.clone()}</dd></div>
                <div class="summary__item"><dt>"Country"</dt><dd>{result.country.clone().unwrap_or_else(|| "Unknown".to_owned())}</dd></div>
                <div class="summary__item"><dt>"Region"</dt><dd>{regions}</dd></div>
                <div class="summary__item"><dt>"Device type"</dt><dd>{result.device_type.clone()}</dd></div>
                <div class="summary__item"><dt>"Suppressed"</dt><dd>{suppressed}</dd></div>
                <div class="summary__item summary__item--wide"><dt>"Zones and local times"</dt><dd>{zones}</dd></div>
            </dl>
            <DataTable caption="Every rule's verdict" headers=vec!["Rule", "Name", "Verdict", "Detail"]>{rows}</DataTable>
        </div>
    }
}
