//! `/campaigns`: the tenant's campaigns with their state, load progress, key
//! counters and controls; refreshed live by `campaignStateChanged` (and every
//! two seconds while a calling list is being built). Administrators and
//! supervisors also create campaigns here (`editor`). The dashboard and the
//! calling-list browser of one campaign are `dashboard` and `records`; an
//! SMS or e-mail campaign's delivery funnel and recent messages are `messages`.

pub mod controls;
pub mod dashboard;
pub mod editor;
pub mod messages;
pub mod records;

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::campaign_types::LoadStatus;
use crate::api::campaigns::{CampaignRow, CampaignStateChanged, Campaigns, campaign_state_changed};
use crate::api::error::ApiError;
use crate::api::subscription::{Subscription, subscribe};
use crate::components::feedback::{EmptyState, ErrorBanner, Loading};
use crate::components::page::{FormToggle, PageHeader};
use crate::components::table::DataTable;
use crate::format::format_count;
use crate::pages::campaigns::controls::{CampaignControls, ControlErrorBanner};
use crate::pages::campaigns::editor::CampaignEditor;
use crate::state::campaigns::{format_rate, load_percent, load_progress_label, state_badge};
use crate::state::nav::can_manage_campaigns;
use crate::state::session::Session;

/// How often the list reloads while a calling list is being built.
const LOAD_POLL: Duration = Duration::from_millis(2_000);

/// The Campaigns page.
#[component]
pub fn CampaignsPage() -> impl IntoView {
    let session = Session::use_context();
    let can_manage = Memo::new(move |_| can_manage_campaigns(session.role()));
    let show_form = RwSignal::new(false);
    let control_error = RwSignal::new(None::<ApiError>);
    let campaigns = LocalResource::new(move || async move {
        let data = session
            .execute::<Campaigns>(crate::api::campaigns::campaigns::Variables)
            .await?;
        Ok::<_, ApiError>(data.campaigns)
    });
    let live = subscribe::<CampaignStateChanged>(
        session,
        campaign_state_changed::Variables,
        move |_change| campaigns.refetch(),
    );
    poll_while_loading(campaigns);
    let new_campaign = FormToggle {
        label: "New campaign",
        form_id: "campaign-editor",
        open: show_form,
        allowed: can_manage.into(),
    };
    let table = move || {
        campaigns.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load campaigns" /> }.into_any()
            }
            Ok(rows) => view! {
                <CampaignsTable rows can_manage=can_manage.get_untracked() control_error
                    on_changed=Callback::new(move |()| campaigns.refetch()) />
            }
            .into_any(),
        })
    };
    view! {
        <PageHeader title="Campaigns" toggle=new_campaign>
            <LiveIndicator live />
        </PageHeader>
        <p class="page-intro">
            {move || if can_manage.get() {
                "A campaign dials its contact lists with a template's settings: load it to build \
                 the calling list, start it to let dialers lease records."
            } else {
                "A campaign dials its contact lists with a template's settings. Read-only: \
                 administrators and supervisors create and run campaigns."
            }}
        </p>
        <Show when=move || can_manage.get() && show_form.get()>
            <CampaignEditor
                existing=None
                on_saved=Callback::new(move |_id: String| {
                    show_form.set(false);
                    campaigns.refetch();
                })
            />
        </Show>
        <ControlErrorBanner error=control_error />
        <Transition fallback=move || view! { <Loading what="campaigns" /> }>{table}</Transition>
    }
}

/// Reloads `campaigns` every `LOAD_POLL` while one of them is loading.
fn poll_while_loading(campaigns: LocalResource<Result<Vec<CampaignRow>, ApiError>>) {
    let tick = move || {
        let loading = campaigns.with_untracked(|loaded| {
            loaded.as_ref().is_some_and(|loaded| {
                loaded.as_ref().is_ok_and(|rows| {
                    rows.iter()
                        .any(|row| row.load_status == LoadStatus::Loading)
                })
            })
        });
        if loading {
            campaigns.refetch();
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, LOAD_POLL) {
        on_cleanup(move || handle.clear());
    }
}

/// The "Live" dot of a page fed by a subscription.
#[component]
pub fn LiveIndicator(live: Subscription) -> impl IntoView {
    view! {
        <span class=move || live.state.with(|state| state.css_class()) role="status" aria-live="polite">
            <span class="live-indicator__dot" aria-hidden="true"></span>
            {move || live.state.with(|state| state.label())}
        </span>
    }
}

/// The campaigns table.
#[component]
fn CampaignsTable(
    rows: Vec<CampaignRow>,
    can_manage: bool,
    on_changed: Callback<()>,
    control_error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    if rows.is_empty() {
        let message = if can_manage {
            "No campaigns yet. Create a template first, then a campaign on your lists."
        } else {
            "No campaigns yet."
        };
        return view! { <EmptyState message /> }.into_any();
    }
    let headers = vec![
        "Name",
        "Template",
        "State",
        "Calling list",
        "Records",
        "Ready",
        "Dialed",
        "Connected",
        "Abandon rate",
        "Controls",
    ];
    let rows = rows
        .into_iter()
        .map(|row| view! { <CampaignTableRow row can_manage on_changed control_error /> })
        .collect_view();
    view! { <DataTable caption="Campaigns" headers>{rows}</DataTable> }.into_any()
}

/// One campaign's row.
#[component]
fn CampaignTableRow(
    row: CampaignRow,
    can_manage: bool,
    on_changed: Callback<()>,
    control_error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let badge = state_badge(row.state);
    let progress = load_progress_label(row.load_status, row.loaded_contacts, row.load_contacts);
    let percent = load_percent(row.loaded_contacts, row.load_contacts);
    let show_bar = row.load_status == LoadStatus::Loading;
    let stats = row.stats.clone();
    let over_target = stats.abandon_rate > stats.target_abandon_rate;
    let name = row.name.clone();
    let href = format!("/campaigns/{}", row.id);
    view! {
        <tr data-campaign=row.name.clone()>
            <td class="table__nowrap"><A href=href>{name}</A></td>
            <td>{row.template.name.clone()}</td>
            <td><span class=badge.class>{badge.label}</span></td>
            <td class="campaign-load">
                <span class="campaign-load__label">{progress}</span>
                {show_bar.then(|| view! {
                    <span class="progress campaign-load__bar" aria-hidden="true">
                        <span class="progress__bar" style=format!("display: block; width: {percent:.0}%")></span>
                    </span>
                })}
                {row.load_error.clone().map(|error| view! { <span class="field__error">{error}</span> })}
            </td>
            <td class="table__number">{format_count(stats.records_total)}</td>
            <td class="table__number">{format_count(stats.ready)}</td>
            <td class="table__number">{format_count(stats.dialed)}</td>
            <td class="table__number">{format_count(stats.connected)}</td>
            <td class="table__number" class:text-danger=over_target>
                {format!("{} / {}", format_rate(stats.abandon_rate), format_rate(stats.target_abandon_rate))}
            </td>
            <td class="table__actions">
                <CampaignControls id=row.id.clone() name=row.name.clone()
                    allowed=row.allowed_transitions.clone() can_manage on_changed error=control_error deletable=true />
            </td>
        </tr>
    }
}
