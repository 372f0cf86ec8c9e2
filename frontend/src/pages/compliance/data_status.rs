//! The numbering data's refresh status: where the area codes came from, when
//! they were last refreshed, the last error, a red alert when the last
//! refresh failed, and "Refresh now" for those who may change the rules.
//! The home page shows the alert too (`DataAlertBanner`).

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::compliance::{
    ComplianceDataStatus, DataStatus, RefreshComplianceData, compliance_data_status,
    refresh_compliance_data,
};
use crate::api::error::ApiError;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::toast::Toasts;
use crate::format::{format_count, format_optional_timestamp, format_timestamp};
use crate::state::session::Session;

/// `detail` ending with a full stop, so the next sentence can follow it.
fn as_sentence(detail: &str) -> String {
    let detail = detail.trim();
    if detail.ends_with(['.', '!', '?']) {
        detail.to_owned()
    } else {
        format!("{detail}.")
    }
}

/// Loads the status.
async fn load_status(session: Session) -> Result<DataStatus, ApiError> {
    let data = session
        .execute::<ComplianceDataStatus>(compliance_data_status::Variables)
        .await?;
    Ok(data.compliance_data_status)
}

/// The "Numbering data" panel of the Compliance page.
#[component]
pub fn DataStatusPanel(
    /// Whether "Refresh now" is offered.
    can_refresh: bool,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let status = RwSignal::new(None::<Result<DataStatus, ApiError>>);
    let loaded = LocalResource::new(move || load_status(session));
    Effect::new(move |_| {
        if let Some(result) = loaded.get() {
            status.set(Some(result));
        }
    });
    let refresh = Action::new_local(move |_: &()| async move {
        let data = session
            .execute::<RefreshComplianceData>(refresh_compliance_data::Variables)
            .await?;
        let fresh = DataStatus::from(data.refresh_compliance_data);
        if fresh.alert {
            toasts.success("Refresh attempted: see the error below".to_owned());
        } else {
            toasts.success("Numbering data refreshed".to_owned());
        }
        status.set(Some(Ok(fresh)));
        Ok::<(), ApiError>(())
    });
    let body = move || match status.get() {
        None => view! { <Loading what="the numbering data's status" /> }.into_any(),
        Some(Err(error)) => {
            view! { <ErrorBanner error title="Could not load the numbering data's status" /> }
                .into_any()
        }
        Some(Ok(status)) => view! { <StatusFacts status /> }.into_any(),
    };
    view! {
        <section class="panel" aria-labelledby="data-status-title">
            <div class="section-header">
                <h2 id="data-status-title">"Numbering data"</h2>
                {can_refresh.then(|| view! {
                    <button type="button" class="button button--secondary"
                        disabled=move || refresh.pending().get()
                        on:click=move |_| { refresh.dispatch_local(()); }>
                        {move || if refresh.pending().get() { "Refreshing…" } else { "Refresh now" }}
                    </button>
                })}
            </div>
            {move || refresh.value().get().and_then(Result::err).map(|error| view! {
                <ErrorBanner error title="The refresh did not run" />
            })}
            {body}
        </section>
    }
}

/// The facts of one status, with the alert on top when it is raised.
#[component]
fn StatusFacts(status: DataStatus) -> impl IntoView {
    let alert = status.alert.then(|| {
        let detail = status
            .last_error
            .clone()
            .unwrap_or_else(|| "The last refresh did not validate.".to_owned());
        view! {
            <div class="banner banner--error" role="alert">
                <strong class="banner__title">"The numbering data could not be refreshed"</strong>
                <span>{as_sentence(&detail)}" Decisions use the data loaded "{format_timestamp(&status.loaded_at)}"."</span>
            </div>
        }
    });
    view! {
        {alert}
        <dl class="summary">
            <div class="summary__item"><dt>"Source"</dt><dd>{status.source.clone()}</dd></div>
            <div class="summary__item"><dt>"Version"</dt><dd>{status.version.clone()}</dd></div>
            <div class="summary__item">
                <dt>"Area codes"</dt><dd class="summary__number">{format_count(status.area_codes)}</dd>
            </div>
            <div class="summary__item">
                <dt>"Loaded"</dt><dd>{format_timestamp(&status.loaded_at)}</dd>
            </div>
            <div class="summary__item">
                <dt>"Last success"</dt>
                <dd>{format_optional_timestamp(status.last_success_at.as_deref(), "Never")}</dd>
            </div>
            <div class="summary__item">
                <dt>"Last attempt"</dt>
                <dd>{format_optional_timestamp(status.last_attempt_at.as_deref(), "Never")}</dd>
            </div>
            <div class="summary__item">
                <dt>"Next refresh"</dt>
                <dd>{format_optional_timestamp(status.next_refresh_at.as_deref(), "Not scheduled")}</dd>
            </div>
        </dl>
        {(!status.alert).then(|| status.last_error.clone()).flatten().map(|error| view! {
            <p class="muted">"Earlier error: "{error}</p>
        })}
    }
}

/// A small red banner for the home page while the numbering data is stale
/// or the emergency stop is on; nothing otherwise (or when it cannot load).
#[component]
pub fn ComplianceAlerts() -> impl IntoView {
    let session = Session::use_context();
    let status = LocalResource::new(move || load_status(session));
    let stop = LocalResource::new(move || async move {
        let data = session
            .execute::<crate::api::compliance::ComplianceRuleSet>(
                crate::api::compliance::compliance_rule_set::Variables,
            )
            .await?;
        Ok::<_, ApiError>(data.compliance_rule_set)
    });
    let data_alert = move || {
        status
            .get()
            .and_then(Result::ok)
            .filter(|status| status.alert)
            .map(|_| {
                view! {
                    <div class="banner banner--error" role="alert">
                        <strong class="banner__title">"Compliance data alert"</strong>
                        <span>"The numbering data could not be refreshed. "</span>
                        <A href="/compliance">"See the Compliance page"</A>
                    </div>
                }
            })
    };
    let stop_alert = move || {
        stop.get()
            .and_then(Result::ok)
            .filter(|rules| rules.emergency_stop)
            .map(|rules| {
                view! {
                    <div class="banner banner--error" role="alert">
                        <strong class="banner__title">"Emergency stop is on"</strong>
                        <span>{rules.emergency_stop_reason.unwrap_or_default()}" "</span>
                        <A href="/compliance">"Compliance page"</A>
                    </div>
                }
            })
    };
    view! { {stop_alert}{data_alert} }
}
