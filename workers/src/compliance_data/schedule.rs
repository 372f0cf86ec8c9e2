//! When refreshes happen: the `compliance` role's schedule (due times from
//! the shared row, one replica at a time under the cache lock) and every
//! process's follower that reloads the data another process stored.

use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use tokio::sync::watch;

use super::{
    CHANGED_CHANNEL, REFRESH_LOCK, REFRESH_LOCK_TTL, RESYNC_EVERY, attempt, due_at, load, store,
};
use crate::{ServiceError, Services};

/// The `compliance` role: refreshes when due until `stop` turns true. The
/// due time comes from the shared row, so a refresh by any replica (or by
/// hand) moves every replica's schedule, and the lock makes one replica fetch.
pub async fn run(services: Services, mut stop: watch::Receiver<bool>) {
    if services.compliance_data.provider_url().is_none() {
        tracing::info!("no compliance data provider configured; the built-in data is in use");
        return;
    }
    loop {
        let pause = match scheduled_step(&services).await {
            Ok(pause) => pause,
            Err(error) => {
                tracing::warn!(error = ?anyhow::Error::from(error), "scheduled compliance data refresh failed");
                Duration::from_secs(60)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}

/// Refreshes if due (and no other replica is at it); returns how long to sleep.
async fn scheduled_step(services: &Services) -> Result<Duration, ServiceError> {
    let handle = &services.compliance_data;
    let row = store::status_row(&services.db).await?;
    let until_due = (due_at(handle, &row) - Utc::now())
        .to_std()
        .unwrap_or_default();
    if !until_due.is_zero() {
        // Wake at least hourly: a manual refresh elsewhere may have moved the due time.
        return Ok(until_due.min(Duration::from_secs(3600)));
    }
    let Some(lease) = services
        .cache
        .try_lock(REFRESH_LOCK, REFRESH_LOCK_TTL)
        .await?
    else {
        // Another replica is refreshing; its attempt moves the due time.
        return Ok(Duration::from_secs(1));
    };
    // Check again under the lock: another replica may have just finished.
    let row = store::status_row(&services.db).await?;
    let outcome = if due_at(handle, &row) <= Utc::now() {
        attempt(services, None).await
    } else {
        Ok(())
    };
    let _ = lease.release().await;
    outcome.map(|()| Duration::from_secs(1))
}

/// Every process: reloads the data when another process stored a new document,
/// and re-reads the row every few minutes in case a message was lost.
pub async fn follow(services: Services, mut stop: watch::Receiver<bool>) {
    if services.compliance_data.provider_url().is_none() {
        return;
    }
    loop {
        let mut messages = match services.cache.subscribe(CHANGED_CHANNEL).await {
            Ok(messages) => Some(messages),
            Err(error) => {
                tracing::warn!(%error, "subscribing to compliance data changes failed");
                None
            }
        };
        loop {
            let next = async {
                match messages.as_mut() {
                    Some(stream) => stream.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                message = next => if message.is_none() { break },
                _ = tokio::time::sleep(RESYNC_EVERY) => {}
                _ = stop.wait_for(|stopped| *stopped) => return,
            }
            if let Err(error) = load(&services).await {
                tracing::warn!(error = ?anyhow::Error::from(error), "reloading compliance data failed");
            }
            if messages.is_none() {
                break;
            }
        }
        // The subscription ended (cache reconnecting): subscribe again shortly.
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}
