//! `/dialers`: what dialers are asking right now. Polls `validationTraffic`
//! every two seconds while the page is open (the server flushes its counters
//! once a second) and shows the rate, the window's counts and allow ratio, a
//! per-second chart of allowed against refused records and the rules that
//! refuse most. `state::traffic` computes every number and bar; this module
//! only draws them.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::dialers::{ValidationTraffic, validation_traffic};
use crate::api::error::ApiError;
use crate::components::feedback::{ErrorBanner, Loading};
use crate::components::page::PageHeader;
use crate::components::table::DataTable;
use crate::format::format_count;
use crate::state::nav::can_manage_api_clients;
use crate::state::session::Session;
use crate::state::traffic::{
    CHART_HEIGHT, CHART_WIDTH, ChartBar, Outcome, POLL_INTERVAL_MILLISECONDS, RefusalRow,
    TrafficChart, TrafficReport, WINDOW_SECONDS,
};

/// What the page holds between polls: the last report that loaded and the
/// last poll's failure (the numbers stay on screen while the server is away).
#[derive(Clone, Copy)]
struct Poll {
    report: RwSignal<Option<TrafficReport>>,
    error: RwSignal<Option<ApiError>>,
    /// Whether a request is on its way, so a slow server gets no pile-up.
    in_flight: StoredValue<bool>,
}

impl Poll {
    fn new() -> Poll {
        Poll {
            report: RwSignal::new(None),
            error: RwSignal::new(None),
            in_flight: StoredValue::new(false),
        }
    }

    /// Asks for the window once, unless the previous request is still out.
    /// `try_` setters: the answer may arrive after the page was left.
    fn fetch(self, session: Session) {
        if self.in_flight.try_get_value().unwrap_or(true) {
            return;
        }
        self.in_flight.set_value(true);
        leptos::task::spawn_local(async move {
            let variables = validation_traffic::Variables {
                seconds: WINDOW_SECONDS,
            };
            match session.execute::<ValidationTraffic>(variables).await {
                Ok(data) => {
                    let report = TrafficReport::from_traffic(&data.validation_traffic);
                    self.report.try_set(Some(report));
                    self.error.try_set(None);
                }
                Err(error) => {
                    self.error.try_set(Some(error));
                }
            }
            self.in_flight.try_set_value(false);
        });
    }

    /// Fetches now, then every `POLL_INTERVAL_MILLISECONDS` until the page goes.
    fn start(self, session: Session) {
        self.fetch(session);
        let interval = Duration::from_millis(POLL_INTERVAL_MILLISECONDS);
        match set_interval_with_handle(move || self.fetch(session), interval) {
            Ok(handle) => on_cleanup(move || handle.clear()),
            Err(_) => leptos::logging::warn!("reachline: the traffic page could not start polling"),
        }
    }
}

/// The Dialer traffic page.
#[component]
pub fn DialersPage() -> impl IntoView {
    let session = Session::use_context();
    let poll = Poll::new();
    poll.start(session);
    let link_to_clients = can_manage_api_clients(session.role());
    let body = move || match poll.report.get() {
        None if poll.error.with(Option::is_some) => None,
        None => Some(view! { <Loading what="the dialer traffic" /> }.into_any()),
        Some(report) if !report.has_traffic => {
            Some(view! { <NoTraffic report link_to_clients /> }.into_any())
        }
        Some(report) => Some(view! { <TrafficView report /> }.into_any()),
    };
    view! {
        <PageHeader title="Dialer traffic">
            <span class="live-indicator live-indicator--live" title="Refreshed every 2 seconds">
                <span class="live-indicator__dot" aria-hidden="true"></span>
                "Live"
            </span>
        </PageHeader>
        <p class="page-intro">
            "Pre-dial validation as dialers see it: every record they ask about before \
             dialling, whether it was allowed, and the rules that refused it. Last 5 minutes, \
             all servers added up."
        </p>
        {move || poll.error.get().map(|error| view! {
            <ErrorBanner error title="Could not refresh the dialer traffic" />
        })}
        {body}
    }
}

/// The empty state, pointing at where dialers get their keys.
#[component]
fn NoTraffic(report: TrafficReport, link_to_clients: bool) -> impl IntoView {
    view! {
        <section class="panel traffic-empty" aria-label="No traffic">
            <p class="empty-state">{report.empty_message()}</p>
            <p>
                {if link_to_clients {
                    view! { <A href="/api-clients">"Create an API client for a dialer"</A> }.into_any()
                } else {
                    view! { <span class="muted">"An administrator creates API clients for dialers."</span> }
                        .into_any()
                }}
            </p>
        </section>
    }
}

/// The numbers, the chart and the refusing rules of one report.
#[component]
fn TrafficView(report: TrafficReport) -> impl IntoView {
    let TrafficReport {
        window_label,
        records_per_second,
        allowed,
        refused,
        invalid,
        allow_ratio,
        chart,
        refusals,
        ..
    } = report;
    view! {
        <section class="panel traffic-figures" aria-label="Validation counts">
            <div class="traffic-rate">
                <span class="traffic-rate__number" id="traffic-rate">{records_per_second}</span>
                <span class="traffic-rate__unit">"records / second"</span>
                <span class="muted">"last 10 seconds"</span>
            </div>
            <dl class="summary traffic-counts">
                <Figure label="Allowed" value=allowed id="traffic-allowed" />
                <Figure label="Refused" value=refused id="traffic-refused" />
                <Figure label="Invalid" value=invalid id="traffic-invalid" />
                <Figure label="Allow ratio" value=allow_ratio id="traffic-allow-ratio" />
            </dl>
            <p class="muted traffic-window">{format!("In the last {window_label}")}</p>
        </section>
        <section class="panel" aria-labelledby="traffic-chart-title">
            <h2 id="traffic-chart-title">"Records per second"</h2>
            <TrafficChartView chart />
        </section>
        <section class="panel" aria-labelledby="traffic-refusals-title">
            <h2 id="traffic-refusals-title">"Top refusing rules"</h2>
            <RefusalsTable rows=refusals />
        </section>
    }
}

/// One labelled count of the summary row.
#[component]
fn Figure(label: &'static str, value: String, id: &'static str) -> impl IntoView {
    view! {
        <div class="summary__item">
            <dt>{label}</dt>
            <dd class="summary__number traffic-counts__value" id=id>{value}</dd>
        </div>
    }
}

/// The stacked per-second bars with their scale, time axis and legend.
#[component]
fn TrafficChartView(chart: TrafficChart) -> impl IntoView {
    let TrafficChart {
        scale_max,
        bars,
        start_label,
    } = chart;
    let view_box = format!("0 0 {CHART_WIDTH} {CHART_HEIGHT}");
    let middle = CHART_HEIGHT / 2.0;
    let bars = bars
        .into_iter()
        .map(|bar| view! { <Bar bar /> })
        .collect_view();
    view! {
        <figure class="traffic-chart">
            <div class="traffic-chart__plot">
                <div class="traffic-chart__scale" aria-hidden="true">
                    <span>{format_count(scale_max)}</span>
                    <span>"0"</span>
                </div>
                <svg
                    class="traffic-chart__svg"
                    viewBox=view_box
                    preserveAspectRatio="none"
                    role="img"
                    aria-label="Allowed, refused and invalid records per second"
                >
                    <line class="traffic-chart__grid" x1="0" x2=CHART_WIDTH y1="0.5" y2="0.5" />
                    <line class="traffic-chart__grid" x1="0" x2=CHART_WIDTH y1=middle y2=middle />
                    <line class="traffic-chart__axis" x1="0" x2=CHART_WIDTH y1=CHART_HEIGHT y2=CHART_HEIGHT />
                    {bars}
                </svg>
            </div>
            <div class="traffic-chart__time" aria-hidden="true">
                <span>{start_label}</span>
                <span>"now"</span>
            </div>
            <figcaption class="grid-legend">
                <LegendItem outcome=Outcome::Allowed />
                <LegendItem outcome=Outcome::Refused />
                <LegendItem outcome=Outcome::Invalid />
            </figcaption>
        </figure>
    }
}

/// One second's bar; its tooltip names the second and the counts.
#[component]
fn Bar(bar: ChartBar) -> impl IntoView {
    let ChartBar {
        x,
        width,
        segments,
        title,
    } = bar;
    let parts = segments
        .into_iter()
        .map(|segment| {
            view! {
                <rect class=segment.outcome.css_class() x=x y=segment.y width=width height=segment.height />
            }
        })
        .collect_view();
    view! {
        <g class="traffic-chart__bar">
            <title>{title}</title>
            {parts}
        </g>
    }
}

/// A colour swatch and its word.
#[component]
fn LegendItem(outcome: Outcome) -> impl IntoView {
    view! {
        <span class="traffic-legend">
            <span class=format!("traffic-legend__swatch {}", outcome.css_class()) aria-hidden="true"></span>
            {outcome.label()}
        </span>
    }
}

/// The rules that refused most, with their share of refused records.
#[component]
fn RefusalsTable(rows: Vec<RefusalRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty-state">"No record was refused in this window."</p> }
            .into_any();
    }
    let rows = rows
        .into_iter()
        .map(|row| {
            let bar_width = format!("width: {:.1}%", row.share_percent);
            view! {
                <tr>
                    <td>{row.rule}</td>
                    <td class="table__number">{row.count}</td>
                    <td class="traffic-share">
                        <span class="traffic-share__bar" aria-hidden="true">
                            <span class="traffic-share__fill" style=bar_width></span>
                        </span>
                        <span class="traffic-share__label">{row.share_label}</span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let headers = vec!["Rule", "Refusals", "Share of refused records"];
    view! { <DataTable caption="Top refusing rules" headers>{rows}</DataTable> }.into_any()
}
