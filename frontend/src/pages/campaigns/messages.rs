//! The dashboard of an SMS or e-mail campaign: its counters and the
//! delivery funnel (records → sent → delivered, then failed and opted
//! out) fed by the live `campaignStats`, and the recent messages table,
//! reloaded when the statistics change but at most every two seconds.
//! `state::messaging` computes the funnel; this module draws it.

use std::time::Duration;

use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::messaging::{
    CampaignMessage, CampaignMessages, RECENT_MESSAGES, campaign_messages,
};
use crate::components::feedback::{EmptyState, ErrorBanner, Loading};
use crate::components::table::DataTable;
use crate::format::{format_count, format_optional_timestamp, format_timestamp};
use crate::state::campaigns::charts::CampaignStats;
use crate::state::messaging::{delivery_funnel, delivery_rate_label, message_status_badge};
use crate::state::session::Session;

/// The shortest time between two reloads of the recent messages.
const MESSAGES_REFRESH: Duration = Duration::from_millis(2_000);

/// The counters and the delivery funnel of a message campaign.
#[component]
pub fn MessageStatsPanels(stats: CampaignStats) -> impl IntoView {
    let counters = [
        ("Records", stats.records_total, "stat-records-total"),
        ("Ready", stats.ready, "stat-ready"),
        ("Leased", stats.leased, "stat-leased"),
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
    let counts = stats.delivery_counts();
    let bars = delivery_funnel(counts)
        .into_iter()
        .map(|bar| {
            view! {
                <div class="funnel__row" id=format!("funnel-{}", bar.key) data-count=bar.count>
                    <span class="funnel__label">{bar.label}</span>
                    <div class="funnel__track" aria-hidden="true">
                        <div class=format!("funnel__bar {}", bar.class)
                            style=format!("width: {:.1}%", bar.width_percent)></div>
                    </div>
                    <span class="funnel__value">{bar.value_label}</span>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="campaign-counters-title">
            <h2 id="campaign-counters-title">"Counters"</h2>
            <dl class="summary campaign-counters">{counters}</dl>
            <p class="muted">{format!("Updated {}", format_timestamp(&stats.updated_at))}</p>
        </section>
        <section class="panel" aria-labelledby="delivery-funnel-title" id="delivery-funnel">
            <h2 id="delivery-funnel-title">"Delivery"</h2>
            <div class="funnel">
                {bars}
            </div>
            {delivery_rate_label(counts).map(|label| view! {
                <p class="muted" id="funnel-delivery-rate">{label}</p>
            })}
        </section>
    }
}

/// The campaign's latest messages, reloaded after `stats` change (at most
/// every `MESSAGES_REFRESH`, so a busy campaign does not flood the server).
#[component]
pub fn RecentMessages(
    /// The campaign.
    campaign_id: String,
    /// The live statistics; a change means messages moved.
    stats: RwSignal<Option<CampaignStats>>,
) -> impl IntoView {
    let session = Session::use_context();
    let messages = LocalResource::new(move || {
        let variables = campaign_messages::Variables {
            campaign_id: campaign_id.clone(),
            first: RECENT_MESSAGES,
        };
        async move {
            let data = session.execute::<CampaignMessages>(variables).await?;
            Ok::<_, ApiError>(data.campaign_messages)
        }
    });
    let stale = StoredValue::new(false);
    Effect::new(move |previous: Option<()>| {
        stats.track();
        if previous.is_some() {
            stale.set_value(true);
        }
    });
    let reload_if_stale = move || {
        if stale.get_value() {
            stale.set_value(false);
            messages.refetch();
        }
    };
    if let Ok(handle) = set_interval_with_handle(reload_if_stale, MESSAGES_REFRESH) {
        on_cleanup(move || handle.clear());
    }
    let table = move || {
        messages.get().map(|loaded| match loaded {
            Err(error) => {
                view! { <ErrorBanner error title="Could not load the messages" /> }.into_any()
            }
            Ok(rows) => view! { <MessagesTable rows /> }.into_any(),
        })
    };
    view! {
        <section class="panel" aria-labelledby="recent-messages-title" id="recent-messages">
            <h2 id="recent-messages-title">"Recent messages"</h2>
            <Transition fallback=move || view! { <Loading what="messages" /> }>{table}</Transition>
        </section>
    }
}

/// The messages table, newest first.
#[component]
fn MessagesTable(rows: Vec<CampaignMessage>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <EmptyState message="No message sent yet." /> }.into_any();
    }
    let headers = vec!["To", "Status", "Error", "Tries", "Sent", "Delivered"];
    let rows = rows
        .into_iter()
        .map(|message| {
            let badge = message_status_badge(message.status);
            view! {
                <tr data-message-id=message.id.clone() data-status=badge.label>
                    <td class="table__nowrap">{message.to.clone()}</td>
                    <td><span class=badge.class>{badge.label}</span></td>
                    <td>{message.error.clone().unwrap_or_default()}</td>
                    <td class="table__number">{message.tries}</td>
                    <td class="table__nowrap">{format_optional_timestamp(message.sent_at.as_deref(), "—")}</td>
                    <td class="table__nowrap">{format_optional_timestamp(message.delivered_at.as_deref(), "—")}</td>
                </tr>
            }
        })
        .collect_view();
    view! { <DataTable caption="Recent messages" headers>{rows}</DataTable> }.into_any()
}
