//! Every process's follower of the suppression change feed: woken by the
//! `supp:changed` pub/sub channel and, because pub/sub delivers at most once,
//! by a 500 ms tick; each wake re-reads the catalogue of lists (one query)
//! and applies the changes of every list this process has loaded whose
//! version moved on. A number suppressed on one replica is thus refused by
//! every other within a second.

use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::watch;

use super::changes::CHANNEL;
use super::mirror::{self, Reload};
use crate::{ServiceError, Services};

/// The longest a missed announcement delays a change.
const TICK: Duration = Duration::from_millis(500);

/// How long after a failed subscription the follower tries again (ticks go on meanwhile).
const RESUBSCRIBE_AFTER: Duration = Duration::from_secs(5);

/// Follows the change feed until `stop` turns true (spawned in every process).
pub async fn follow(services: Services, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut messages: Option<BoxStream<'static, String>> = None;
    let mut last_attempt: Option<Instant> = None;
    loop {
        if messages.is_none() && last_attempt.is_none_or(|at| at.elapsed() >= RESUBSCRIBE_AFTER) {
            last_attempt = Some(Instant::now());
            match services.cache.subscribe(CHANNEL).await {
                Ok(stream) => messages = Some(stream),
                Err(error) => tracing::warn!(%error, "subscribing to suppression changes failed"),
            }
        }
        let next = async {
            match messages.as_mut() {
                Some(stream) => stream.next().await,
                None => std::future::pending().await,
            }
        };
        let ended = tokio::select! {
            message = next => message.is_none(),
            _ = tick.tick() => false,
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        if ended {
            // The subscription ended (the cache reconnecting): subscribe again.
            messages = None;
        }
        // One sync answers a burst of announcements.
        if let Some(stream) = messages.as_mut() {
            while let Some(Some(_)) = stream.next().now_or_never() {}
        }
        if let Err(error) = sync(&services).await {
            tracing::warn!(error = ?anyhow::Error::from(error), "following suppression changes failed");
        }
    }
}

/// Refreshes the catalogue and brings every loaded list up to its version.
pub(crate) async fn sync(services: &Services) -> Result<(), ServiceError> {
    mirror::refresh_catalogue(services).await?;
    for (list_id, version) in services.suppression.behind() {
        if let Err(error) = mirror::catch_up(services, list_id, version, Reload::Background).await {
            services.suppression.forget(list_id);
            tracing::warn!(%list_id, error = ?anyhow::Error::from(error), "applying suppression changes failed");
        }
    }
    Ok(())
}
