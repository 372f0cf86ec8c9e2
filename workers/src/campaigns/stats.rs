//! A campaign's live statistics. Counters live in one `campaign_stats` row that
//! every change to the calling list updates in its own transaction (load,
//! lease, expiry, result), so they are exact and a dashboard reads one row;
//! attempts, answers, connects and abandons are also kept per minute for the
//! charts and the abandon rate over the template's window.

use std::time::Duration;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use domain::Permission;
use entity::campaign_stats;
use futures::Stream;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, TryGetable};
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::db;
use crate::{ServiceError, Services};

/// Changes to a campaign's counters, applied together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delta {
    /// Records in the calling list.
    pub total: i64,
    /// Ready records (due or scheduled).
    pub ready: i64,
    /// Leased records.
    pub leased: i64,
    /// Attempts with a result.
    pub dialed: i64,
    /// Conversations (answered by a person and connected).
    pub connected: i64,
    /// Abandoned calls.
    pub abandoned: i64,
    /// No answer.
    pub no_answer: i64,
    /// Busy.
    pub busy: i64,
    /// Answering machines.
    pub machine: i64,
    /// Records done for good.
    pub final_count: i64,
    /// Records dialled for the first time.
    pub attempted: i64,
}

/// Creates a campaign's counters row.
pub async fn create_row(conn: &impl ConnectionTrait, campaign_id: Uuid) -> Result<(), DbErr> {
    db::execute(
        conn,
        "INSERT INTO campaign_stats (campaign_id, updated_at) VALUES ($1, $2)",
        vec![campaign_id.into(), Utc::now().into()],
    )
    .await?;
    Ok(())
}

/// Applies `delta` to a campaign's counters inside the caller's transaction.
pub async fn add(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    delta: Delta,
) -> Result<(), DbErr> {
    if delta == Delta::default() {
        return Ok(());
    }
    db::execute(
        conn,
        "UPDATE campaign_stats SET total = total + $2, ready = ready + $3, leased = leased + $4, \
         dialed = dialed + $5, connected = connected + $6, abandoned = abandoned + $7, \
         no_answer = no_answer + $8, busy = busy + $9, machine = machine + $10, \
         final_count = final_count + $11, attempted = attempted + $12, updated_at = $13 \
         WHERE campaign_id = $1",
        vec![
            campaign_id.into(),
            delta.total.into(),
            delta.ready.into(),
            delta.leased.into(),
            delta.dialed.into(),
            delta.connected.into(),
            delta.abandoned.into(),
            delta.no_answer.into(),
            delta.busy.into(),
            delta.machine.into(),
            delta.final_count.into(),
            delta.attempted.into(),
            Utc::now().into(),
        ],
    )
    .await?;
    Ok(())
}

/// Changes to a campaign's message counters (SMS and e-mail campaigns).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageDelta {
    /// Accepted by the gateway.
    pub sent: i64,
    /// Delivered receipts.
    pub delivered: i64,
    /// Refused by the gateway or failed receipts.
    pub failed: i64,
    /// STOP replies.
    pub opted_out: i64,
}

/// Applies `delta` to a campaign's message counters inside the caller's transaction.
pub async fn add_messages(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    delta: MessageDelta,
) -> Result<(), DbErr> {
    if delta == MessageDelta::default() {
        return Ok(());
    }
    db::execute(
        conn,
        "UPDATE campaign_stats SET sent = sent + $2, delivered = delivered + $3, \
         failed = failed + $4, opted_out = opted_out + $5, updated_at = $6 WHERE campaign_id = $1",
        vec![
            campaign_id.into(),
            delta.sent.into(),
            delta.delivered.into(),
            delta.failed.into(),
            delta.opted_out.into(),
            Utc::now().into(),
        ],
    )
    .await?;
    Ok(())
}

/// One minute's activity, for the charts and the abandon rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Minute {
    /// Attempts that ended.
    pub attempts: i64,
    /// Answered by a person (the abandon rate's usual divisor).
    pub answered: i64,
    /// Conversations.
    pub connects: i64,
    /// Abandoned.
    pub abandoned: i64,
}

/// Adds one result to its minute.
pub async fn add_minute(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    at: DateTime<Utc>,
    minute: Minute,
) -> Result<(), DbErr> {
    let start = at.duration_trunc(TimeDelta::minutes(1)).unwrap_or(at);
    db::execute(
        conn,
        "INSERT INTO campaign_stat_minutes (campaign_id, minute, attempts, answered, connects, abandoned) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, minute) DO UPDATE SET \
         attempts = campaign_stat_minutes.attempts + excluded.attempts, \
         answered = campaign_stat_minutes.answered + excluded.answered, \
         connects = campaign_stat_minutes.connects + excluded.connects, \
         abandoned = campaign_stat_minutes.abandoned + excluded.abandoned",
        vec![
            campaign_id.into(),
            start.into(),
            minute.attempts.into(),
            minute.answered.into(),
            minute.connects.into(),
            minute.abandoned.into(),
        ],
    )
    .await?;
    Ok(())
}

/// A point of the attempts / connects chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    /// The minute.
    pub at: DateTime<Utc>,
    /// Its activity.
    pub minute: Minute,
}

/// What a dashboard shows.
#[derive(Debug, Clone)]
pub struct Stats {
    /// The counters.
    pub counters: campaign_stats::Model,
    /// Abandoned ÷ answered (or ÷ all attempts) over the template's window.
    pub abandon_rate: f64,
    /// The template's target.
    pub target_abandon_rate: f64,
    /// Records dialled at least once ÷ records.
    pub penetration: f64,
    /// Activity of the last `minutes` minutes that had any.
    pub timeline: Vec<Point>,
}

fn get<T: TryGetable>(row: &sea_orm::QueryResult, column: &str) -> Result<T, DbErr> {
    row.try_get("", column)
}

async fn minutes_since(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<Point>, DbErr> {
    let rows = db::query(
        conn,
        "SELECT minute, attempts, answered, connects, abandoned FROM campaign_stat_minutes \
         WHERE campaign_id = $1 AND minute >= $2 ORDER BY minute",
        vec![campaign_id.into(), since.into()],
    )
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Point {
                at: get(row, "minute")?,
                minute: Minute {
                    attempts: get(row, "attempts")?,
                    answered: get(row, "answered")?,
                    connects: get(row, "connects")?,
                    abandoned: get(row, "abandoned")?,
                },
            })
        })
        .collect()
}

/// The statistics of one campaign; `timeline_minutes` of chart points.
pub async fn read(
    services: &Services,
    campaign: &super::Campaign,
    timeline_minutes: u32,
) -> Result<Stats, ServiceError> {
    let counters = campaign_stats::Entity::find_by_id(campaign.row.id)
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("campaign statistics"))?;
    let settings = super::settings_of(&services.db, campaign).await?;
    let now = Utc::now();
    let window = TimeDelta::minutes(i64::from(settings.pacing.abandon_window_minutes));
    let points = minutes_since(&services.db, campaign.row.id, now - window).await?;
    let (abandoned, answered, attempts) = points.iter().fold((0, 0, 0), |(ab, an, at), point| {
        (
            ab + point.minute.abandoned,
            an + point.minute.answered,
            at + point.minute.attempts,
        )
    });
    let divisor = match settings.pacing.abandon_counting {
        campaign::AbandonCounting::AnsweredCalls => answered,
        campaign::AbandonCounting::AllCalls => attempts,
    };
    let timeline_since = now - TimeDelta::minutes(i64::from(timeline_minutes));
    Ok(Stats {
        abandon_rate: ratio(abandoned, divisor),
        target_abandon_rate: settings.pacing.target_abandon_rate,
        penetration: ratio(counters.attempted, counters.total),
        timeline: points
            .into_iter()
            .filter(|point| point.at >= timeline_since)
            .collect(),
        counters,
    })
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The caller's view of a campaign's statistics.
pub async fn get_for(
    services: &Services,
    principal: &Principal,
    campaign_id: Uuid,
    timeline_minutes: u32,
) -> Result<Stats, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    let campaign = super::find(&services.db, principal.tenant_id, campaign_id, false).await?;
    read(services, &campaign, timeline_minutes).await
}

/// Live statistics: the current figures at once, then again whenever they
/// changed, checked once a second (so at most one update a second).
pub async fn watch(
    services: &Services,
    principal: &Principal,
    campaign_id: Uuid,
) -> Result<impl Stream<Item = Stats> + Send + 'static, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    let campaign = super::find(&services.db, principal.tenant_id, campaign_id, false).await?;
    let services = services.clone();
    Ok(futures::stream::unfold(
        (services, campaign, None::<DateTime<Utc>>, true),
        |(services, campaign, seen, first)| async move {
            if !first {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            loop {
                match read(&services, &campaign, 60).await {
                    Ok(stats) if Some(stats.counters.updated_at) != seen => {
                        let seen = Some(stats.counters.updated_at);
                        return Some((stats, (services, campaign, seen, false)));
                    }
                    Ok(_) => {}
                    Err(ServiceError::NotFound(_)) => return None,
                    Err(error) => {
                        tracing::warn!(error = ?anyhow::Error::from(error), "campaign statistics")
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        },
    ))
}
