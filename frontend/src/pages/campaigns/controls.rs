//! The Load / Start / Stop / Unload / Force unload buttons of one campaign,
//! shown as the server's `allowedTransitions` say, with the force-unload
//! question first; a refused change (`CONFLICT`, say) goes into the page's
//! error signal, which outlives the row (the page reloads the campaign after
//! every attempt, redrawing these buttons).

use leptos::prelude::*;

use crate::api::campaign_types::CampaignTransition;
use crate::api::campaigns::{
    DeleteCampaign, LoadCampaign, StartCampaign, StopCampaign, UnloadCampaign, delete_campaign,
    load_campaign, start_campaign, stop_campaign, unload_campaign,
};
use crate::api::error::ApiError;
use crate::components::feedback::{ErrorBanner, confirm};

/// The banner for a refused control, where the page puts it.
#[component]
pub fn ControlErrorBanner(error: RwSignal<Option<ApiError>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|error| view! { <ErrorBanner error title="The campaign did not change" /> })
    }
}
use crate::components::toast::Toasts;
use crate::state::campaigns::{controls, transition_done_message};
use crate::state::session::Session;

/// Asks the server for `transition` of campaign `id`.
pub async fn run_transition(
    session: Session,
    id: String,
    transition: CampaignTransition,
) -> Result<(), ApiError> {
    match transition {
        CampaignTransition::Load => session
            .execute::<LoadCampaign>(load_campaign::Variables { id })
            .await
            .map(|_| ()),
        CampaignTransition::Start => session
            .execute::<StartCampaign>(start_campaign::Variables { id })
            .await
            .map(|_| ()),
        CampaignTransition::Stop => session
            .execute::<StopCampaign>(stop_campaign::Variables { id })
            .await
            .map(|_| ()),
        CampaignTransition::Unload | CampaignTransition::ForceUnload => {
            let force = transition == CampaignTransition::ForceUnload;
            session
                .execute::<UnloadCampaign>(unload_campaign::Variables { id, force })
                .await
                .map(|_| ())
        }
    }
}

/// The control buttons of one campaign; `on_changed` runs after a change
/// went through (the page reloads the campaign).
#[component]
pub fn CampaignControls(
    /// The campaign's id.
    id: String,
    /// Its name, for the question and the toast.
    name: String,
    /// What the server allows now.
    allowed: Vec<CampaignTransition>,
    /// Whether the user may run campaigns (the buttons are hidden otherwise).
    can_manage: bool,
    /// Called after a successful change.
    on_changed: Callback<()>,
    /// Where a refused change is reported; the page shows it above its content.
    error: RwSignal<Option<ApiError>>,
    /// Offer "Delete" while the campaign is unloaded (the list page does).
    #[prop(optional)]
    deletable: bool,
) -> impl IntoView {
    let session = Session::use_context();
    let toasts = Toasts::use_context();
    let change = Action::new_local({
        let id = id.clone();
        let name = name.clone();
        move |transition: &CampaignTransition| {
            let transition = *transition;
            let id = id.clone();
            let name = name.clone();
            async move {
                match run_transition(session, id, transition).await {
                    Ok(()) => {
                        error.set(None);
                        toasts.success(transition_done_message(&name, transition));
                        on_changed.run(());
                    }
                    Err(failure) => {
                        error.set(Some(failure));
                        on_changed.run(());
                    }
                }
            }
        }
    });
    let remove = Action::new_local({
        let id = id.clone();
        let name = name.clone();
        move |()| {
            let id = id.clone();
            let name = name.clone();
            async move {
                match session
                    .execute::<DeleteCampaign>(delete_campaign::Variables { id })
                    .await
                {
                    Ok(_) => {
                        error.set(None);
                        toasts.success(format!("{name} deleted"));
                    }
                    Err(failure) => error.set(Some(failure)),
                }
                on_changed.run(());
            }
        }
    });
    let delete_question = format!("Delete the campaign {name} and its calling list?");
    let offer_delete = deletable && allowed.contains(&CampaignTransition::Load);
    if !can_manage {
        return view! { <span class="muted campaign-controls__none">"Read-only"</span> }.into_any();
    }
    let buttons = controls(&name, &allowed)
        .into_iter()
        .map(|control| {
            let transition = control.transition;
            let question = control.confirm.clone();
            view! {
                <button
                    type="button"
                    class=format!("button button--small {}", control.class)
                    data-transition=transition.wire_name()
                    disabled=move || change.pending().get()
                    on:click=move |_| {
                        let confirmed = question.as_deref().is_none_or(confirm);
                        if confirmed {
                            change.dispatch_local(transition);
                        }
                    }
                >
                    {control.label}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="campaign-controls">
            <div class="campaign-controls__buttons">
                {buttons}
                {offer_delete.then(|| view! {
                    <button type="button" class="button button--small button--danger"
                        disabled=move || remove.pending().get()
                        on:click=move |_| {
                            if confirm(&delete_question) {
                                remove.dispatch_local(());
                            }
                        }>
                        "Delete"
                    </button>
                })}
            </div>
        </div>
    }
    .into_any()
}
