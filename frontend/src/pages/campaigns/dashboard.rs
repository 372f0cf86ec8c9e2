//! `/campaigns/:id`: one campaign's dashboard — its state and controls, live
//! counters from `campaignStats`, the abandon rate against its target, the
//! penetration, per-minute charts of the last hour (inline SVG), what the
//! load left out, and the dialability breakdown with a refresh button; SMS
//! and e-mail campaigns show their delivery funnel and recent messages
//! (`messages`) instead of the voice counters. The settings editor opens here too. `state::campaigns::charts` computes every
//! number and shape; this module draws them.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::campaign_types::LoadStatus;
use crate::api::campaigns::{
    CampaignDetail, CampaignDialability, CampaignStateChanged, CampaignStatsUpdates, GetCampaign,
    campaign_dialability, campaign_state_changed, campaign_stats_updates, get_campaign,
};
use crate::api::error::ApiError;
use crate::api::subscription::subscribe;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::page::{Breadcrumbs, Crumb};
use crate::components::table::DataTable;
use crate::format::{format_count, format_timestamp};
use crate::pages::campaigns::LiveIndicator;
use crate::pages::campaigns::controls::{CampaignControls, ControlErrorBanner};
use crate::pages::campaigns::editor::CampaignEditor;
use crate::pages::campaigns::messages::{MessageStatsPanels, RecentMessages};
use crate::state::campaigns::charts::{
    CHART_HEIGHT, CHART_WIDTH, CampaignStats, abandon_gauge, activity_chart, chart_now, rate_chart,
};
use crate::state::campaigns::{
    count_with_share, format_rate, load_percent, load_progress_label, state_badge,
};
use crate::state::messaging::channel_of_mode;
use crate::state::nav::can_manage_campaigns;
use crate::state::session::Session;

/// How often the page reloads the campaign while its calling list is being built.
const LOAD_POLL: Duration = Duration::from_millis(2_000);

/// The dashboard page; a new id in the address draws a fresh page.
#[component]
pub fn CampaignDashboardPage() -> impl IntoView {
    let params = use_params_map();
    let campaign_id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    move || view! { <Dashboard campaign_id=campaign_id.get() /> }
}

/// One campaign's dashboard.
#[component]
fn Dashboard(campaign_id: String) -> impl IntoView {
    let session = Session::use_context();
    let can_manage = can_manage_campaigns(session.role());
    let stats = RwSignal::new(None::<CampaignStats>);
    let show_editor = RwSignal::new(false);
    let control_error = RwSignal::new(None::<ApiError>);
    let campaign = LocalResource::new({
        let id = campaign_id.clone();
        move || {
            let variables = get_campaign::Variables { id: id.clone() };
            async move {
                let data = session.execute::<GetCampaign>(variables).await?;
                if let Some(loaded) = CampaignStats::from_response(&data.campaign.stats) {
                    stats.set(Some(loaded));
                }
                Ok::<_, ApiError>(data.campaign)
            }
        }
    });
    let live = subscribe::<CampaignStatsUpdates>(
        session,
        campaign_stats_updates::Variables {
            campaign_id: campaign_id.clone(),
        },
        move |data| {
            if let Some(loaded) = CampaignStats::from_response(&data.campaign_stats) {
                stats.set(Some(loaded));
            }
        },
    );
    let watched_id = campaign_id.clone();
    subscribe::<CampaignStateChanged>(session, campaign_state_changed::Variables, move |data| {
        if data.campaign_state_changed.campaign_id == watched_id {
            campaign.refetch();
        }
    });
    let tick = move || {
        let loading = campaign.with_untracked(|loaded| {
            matches!(loaded, Some(Ok(campaign)) if campaign.load_status == LoadStatus::Loading)
        });
        if loading {
            campaign.refetch();
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, LOAD_POLL) {
        on_cleanup(move || handle.clear());
    }

    let header = move || {
        campaign.get().map(|loaded| match loaded {
            Err(error) => view! {
                <Breadcrumbs trail=vec![Crumb::link("Campaigns", "/campaigns"), Crumb::here("Unavailable")] />
                <ErrorBanner error title="Could not load the campaign" />
            }
            .into_any(),
            Ok(detail) => view! {
                <Header detail can_manage show_editor control_error
                    on_changed=Callback::new(move |()| campaign.refetch()) />
            }
            .into_any(),
        })
    };
    // Outer `None`: not loaded yet; inner: the channel of a message campaign.
    let message_channel = Memo::new(move |_| {
        campaign.with(|loaded| match loaded {
            Some(Ok(detail)) => Some(channel_of_mode(detail.template.dialing_mode)),
            _ => None,
        })
    });
    let body = move || {
        let stats = stats.get()?;
        Some(match message_channel.get()? {
            Some(_) => view! { <MessageStatsPanels stats /> }.into_any(),
            None => view! { <StatsPanels stats /> }.into_any(),
        })
    };
    let messages_id = campaign_id.clone();
    let recent_messages = move || {
        matches!(message_channel.get(), Some(Some(_)))
            .then(|| view! { <RecentMessages campaign_id=messages_id.clone() stats /> })
    };
    let exclusions = move || {
        campaign.get().and_then(Result::ok).map(|detail| {
            view! { <ExcludedPanel detail /> }
        })
    };
    view! {
        <Transition fallback=move || view! { <Loading what="the campaign" /> }>{header}</Transition>
        <div class="campaign-live"><LiveIndicator live /></div>
        {body}
        {recent_messages}
        {exclusions}
        <DialabilityPanel campaign_id=campaign_id.clone() />
    }
}

/// Title, state, load progress, controls and the settings editor.
#[component]
fn Header(
    detail: CampaignDetail,
    can_manage: bool,
    show_editor: RwSignal<bool>,
    on_changed: Callback<()>,
    control_error: RwSignal<Option<ApiError>>,
) -> impl IntoView {
    let badge = state_badge(detail.state);
    let progress = load_progress_label(
        detail.load_status,
        detail.loaded_contacts,
        detail.load_contacts,
    );
    let percent = load_percent(detail.loaded_contacts, detail.load_contacts);
    let loading = detail.load_status == LoadStatus::Loading;
    let records_href = format!("/campaigns/{}/records", detail.id);
    let editor_detail = detail.clone();
    view! {
        <Breadcrumbs trail=vec![Crumb::link("Campaigns", "/campaigns"), Crumb::here(detail.name.clone())] />
        <header class="page-header">
            <h1>
                {detail.name.clone()}
                " "
                <span class=badge.class id="campaign-state">{badge.label}</span>
            </h1>
            <div class="page-header__actions">
                <A href=records_href attr:class="button button--secondary">"Calling list"</A>
                <button type="button" class="button button--secondary"
                    aria-expanded=move || show_editor.get().to_string()
                    aria-controls="campaign-editor"
                    on:click=move |_| show_editor.update(|shown| *shown = !*shown)>
                    {if can_manage { "Settings" } else { "View settings" }}
                </button>
            </div>
        </header>
        <section class="panel campaign-header" aria-label="State and controls">
            <dl class="summary">
                <div class="summary__item">
                    <dt>"Template"</dt>
                    <dd>{format!("{} ({})", detail.template.name, detail.template.dialing_mode.label())}</dd>
                </div>
                <div class="summary__item">
                    <dt>"Calling list"</dt>
                    <dd id="campaign-load-status">{progress}</dd>
                </div>
                <div class="summary__item">
                    <dt>"State since"</dt>
                    <dd>{format_timestamp(&detail.state_changed_at)}</dd>
                </div>
            </dl>
            {loading.then(|| view! {
                <div class="progress" role="progressbar" aria-label="Load progress"
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{percent:.0}")>
                    <div class="progress__bar" style=format!("width: {percent:.0}%")></div>
                </div>
            })}
            {detail.load_error.clone().map(|error| view! {
                <p class="banner banner--error" role="alert">{format!("The load failed: {error}")}</p>
            })}
            <CampaignControls id=detail.id.clone() name=detail.name.clone()
                allowed=detail.allowed_transitions.clone() can_manage on_changed error=control_error />
            <ControlErrorBanner error=control_error />
        </section>
        <Show when=move || show_editor.get()>
            <CampaignEditor existing=Some(editor_detail.clone())
                on_saved=Callback::new(move |_id: String| {
                    show_editor.set(false);
                    on_changed.run(());
                }) />
        </Show>
    }
}

/// Counters, the abandon gauge, penetration and the two charts.
#[component]
fn StatsPanels(stats: CampaignStats) -> impl IntoView {
    let gauge = abandon_gauge(stats.abandon_rate, stats.target_abandon_rate);
    let now = chart_now(&stats);
    let counters = [
        ("Records", stats.records_total, "stat-records-total"),
        ("Ready", stats.ready, "stat-ready"),
        ("Leased", stats.leased, "stat-leased"),
        ("Dialed", stats.dialed, "stat-dialed"),
        ("Connected", stats.connected, "stat-connected"),
        ("Abandoned", stats.abandoned, "stat-abandoned"),
        ("No answer", stats.no_answer, "stat-no-answer"),
        ("Busy", stats.busy, "stat-busy"),
        ("Machine", stats.machine, "stat-machine"),
        ("Final", stats.final_records, "stat-final"),
    ]
    .into_iter()
    .map(|(label, value, id)| {
        view! {
            <div class="summary__item">
                <dt>{label}</dt>
                <dd class="summary__number" id=id>{format_count(value)}</dd>
            </div>
        }
    })
    .collect_view();
    let fill_class = if gauge.over_target {
        "gauge__fill gauge__fill--over"
    } else {
        "gauge__fill"
    };
    let charts = now.map(|now| {
        let activity = activity_chart(&stats.timeline, now);
        let rates = rate_chart(&stats.timeline, now, stats.target_abandon_rate);
        view! { <Charts activity rates /> }
    });
    view! {
        <section class="panel" aria-labelledby="campaign-counters-title">
            <h2 id="campaign-counters-title">"Counters"</h2>
            <dl class="summary campaign-counters">{counters}</dl>
            <p class="muted">{format!("Updated {}", format_timestamp(&stats.updated_at))}</p>
        </section>
        <section class="panel campaign-rates" aria-label="Abandon rate and penetration">
            <div class="campaign-rate">
                <h2>"Abandon rate"</h2>
                <p class="campaign-rate__figure" class:text-danger=gauge.over_target id="stat-abandon-rate">
                    {format_rate(stats.abandon_rate)}
                    <span class="muted">{format!(" target {}", format_rate(stats.target_abandon_rate))}</span>
                </p>
                <div class="gauge" role="meter" aria-label="Abandon rate against target"
                    aria-valuenow=format!("{:.4}", stats.abandon_rate) aria-valuemin="0"
                    aria-valuemax=format!("{:.4}", gauge.scale)>
                    <div class=fill_class style=format!("width: {:.1}%", gauge.fill_percent)></div>
                    <div class="gauge__target" style=format!("left: {:.1}%", gauge.target_percent)
                        title="Target"></div>
                </div>
                <div class="gauge__scale muted"><span>"0%"</span><span>{format_rate(gauge.scale)}</span></div>
            </div>
            <div class="campaign-rate">
                <h2>"Penetration"</h2>
                <p class="campaign-rate__figure" id="stat-penetration">{format_rate(stats.penetration)}</p>
                <div class="gauge">
                    <div class="gauge__fill gauge__fill--ok"
                        style=format!("width: {:.1}%", (stats.penetration * 100.0).clamp(0.0, 100.0))></div>
                </div>
                <p class="muted">"Records dialled at least once"</p>
            </div>
        </section>
        {charts}
    }
}

/// Attempts and connects per minute, and the abandon rate per minute against the target.
#[component]
fn Charts(
    activity: crate::state::campaigns::charts::ActivityChart,
    rates: crate::state::campaigns::charts::RateChart,
) -> impl IntoView {
    let view_box = format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}");
    let bars = activity
        .bars
        .into_iter()
        .map(|bar| {
            view! {
                <g>
                    <title>{bar.title}</title>
                    <rect class="chart__attempts" x=bar.x y=bar.attempts_y width=bar.width height=bar.attempts_height />
                    <rect class="chart__connects" x=bar.x y=bar.connects_y width=bar.width height=bar.connects_height />
                </g>
            }
        })
        .collect_view();
    let has_rates = !rates.points.is_empty();
    let dots = rates
        .dots
        .into_iter()
        .map(|(x, y, title)| {
            view! {
                <circle class="chart__dot" cx=x cy=y r="3"><title>{title}</title></circle>
            }
        })
        .collect_view();
    view! {
        <section class="panel campaign-charts" aria-label="Last 60 minutes">
            <figure class="traffic-chart">
                <h2>"Attempts and connects per minute"</h2>
                <div class="traffic-chart__plot">
                    <div class="traffic-chart__scale" aria-hidden="true">
                        <span>{format_count(activity.scale_max)}</span><span>"0"</span>
                    </div>
                    <svg class="traffic-chart__svg" viewBox=view_box.clone() preserveAspectRatio="none"
                        role="img" aria-label="Attempts and connects per minute, last 60 minutes">
                        <line class="traffic-chart__axis" x1="0" x2=CHART_WIDTH y1=CHART_HEIGHT y2=CHART_HEIGHT />
                        {bars}
                    </svg>
                </div>
                <div class="traffic-chart__time" aria-hidden="true"><span>"60 min ago"</span><span>"now"</span></div>
                <figcaption class="grid-legend">
                    <span class="traffic-legend"><span class="traffic-legend__swatch chart__attempts"></span>"Attempts"</span>
                    <span class="traffic-legend"><span class="traffic-legend__swatch chart__connects"></span>"Connects"</span>
                </figcaption>
            </figure>
            <figure class="traffic-chart">
                <h2>"Abandon rate per minute"</h2>
                <div class="traffic-chart__plot">
                    <div class="traffic-chart__scale" aria-hidden="true">
                        <span>{format_rate(rates.scale_max)}</span><span>"0%"</span>
                    </div>
                    <svg class="traffic-chart__svg" viewBox=view_box preserveAspectRatio="none"
                        role="img" aria-label="Abandon rate per minute against the target">
                        <line class="traffic-chart__axis" x1="0" x2=CHART_WIDTH y1=CHART_HEIGHT y2=CHART_HEIGHT />
                        <line class="chart__target" x1="0" x2=CHART_WIDTH y1=rates.target_y y2=rates.target_y />
                        <polyline class="chart__rate" points=rates.points />
                        {dots}
                    </svg>
                </div>
                <div class="traffic-chart__time" aria-hidden="true"><span>"60 min ago"</span><span>"now"</span></div>
                <figcaption class="grid-legend">
                    <span class="traffic-legend"><span class="traffic-legend__swatch chart__rate-swatch"></span>"Abandoned ÷ answered"</span>
                    <span class="traffic-legend"><span class="traffic-legend__swatch chart__target-swatch"></span>"Target"</span>
                    {(!has_rates).then(|| view! { <span class="muted">"No answered call in the last hour."</span> })}
                </figcaption>
            </figure>
        </section>
    }
}

/// What the last load left out.
#[component]
fn ExcludedPanel(detail: CampaignDetail) -> impl IntoView {
    let excluded = detail.excluded;
    view! {
        <section class="panel" aria-labelledby="campaign-excluded-title">
            <h2 id="campaign-excluded-title">"Left out at load"</h2>
            <dl class="summary">
                <div class="summary__item"><dt>"Suppressed"</dt>
                    <dd class="summary__number" id="excluded-suppressed">{format_count(excluded.suppressed)}</dd></div>
                <div class="summary__item"><dt>"Undialable in this mode"</dt>
                    <dd class="summary__number" id="excluded-undialable">{format_count(excluded.undialable)}</dd></div>
                <div class="summary__item"><dt>"Filtered by selection rules"</dt>
                    <dd class="summary__number" id="excluded-filtered">{format_count(excluded.filtered)}</dd></div>
            </dl>
        </section>
    }
}

/// The dialability breakdown, computed on demand.
#[component]
fn DialabilityPanel(campaign_id: String) -> impl IntoView {
    let session = Session::use_context();
    let report = LocalResource::new(move || {
        let variables = campaign_dialability::Variables {
            id: campaign_id.clone(),
        };
        async move {
            let data = session.execute::<CampaignDialability>(variables).await?;
            Ok::<_, ApiError>(data.campaign.dialability)
        }
    });
    let table = move || {
        report.get().map(|loaded| match loaded {
            Err(error) => view! { <ErrorBanner error title="Could not compute dialability" /> }.into_any(),
            Ok(report) => {
                let total = report.records;
                let rows = report
                    .exclusions
                    .iter()
                    .map(|exclusion| {
                        view! {
                            <tr data-reason=exclusion.reason.clone()>
                                <td>{exclusion.label.clone()}</td>
                                <td class="table__number">{count_with_share(exclusion.now, total)}</td>
                                <td class="table__number">{count_with_share(exclusion.next24h, total)}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                let headers = vec!["Reason", "Excluded now", "Excluded the next 24 h"];
                view! {
                    <dl class="summary">
                        <div class="summary__item"><dt>"Dialable now"</dt>
                            <dd class="summary__number" id="dialable-now">{format_count(report.dialable_now)}</dd></div>
                        <div class="summary__item"><dt>"Records"</dt>
                            <dd class="summary__number" id="dialability-records">{format_count(total)}</dd></div>
                        <div class="summary__item"><dt>"Computed"</dt>
                            <dd>{format_timestamp(&report.at)}</dd></div>
                    </dl>
                    {if report.exclusions.is_empty() {
                        view! { <p class="empty-state">"Nothing keeps a record from being dialled."</p> }.into_any()
                    } else {
                        view! { <DataTable caption="Dialability by reason" headers>{rows}</DataTable> }.into_any()
                    }}
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="panel campaign-dialability" aria-labelledby="dialability-title" id="dialability">
            <header class="panel__header">
                <h2 id="dialability-title">"Dialability"</h2>
                <button type="button" class="button button--secondary button--small"
                    on:click=move |_| report.refetch()>
                    "Refresh"
                </button>
            </header>
            <Transition fallback=move || view! { <Loading what="the dialability" /> }>{table}</Transition>
        </section>
    }
}
