//! Housekeeping run by the `scheduler` role: work no request waits for, done
//! once per period across all replicas.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::watch;

use crate::{ServiceError, Services};

/// How often housekeeping runs.
pub const PERIOD: Duration = Duration::from_secs(3600);

/// Deletes revocations of tokens that have expired anyway (an expired token is refused on its own).
pub async fn purge_expired_revocations(services: &Services) -> Result<u64, ServiceError> {
    let deleted = entity::revoked_token::Entity::delete_many()
        .filter(entity::revoked_token::Column::ExpiresAt.lt(Utc::now()))
        .exec(&services.db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Runs housekeeping every [`PERIOD`] until `stop` turns true. A cache lock held for
/// most of the period makes one replica do it while the others skip.
pub async fn run(services: Services, mut stop: watch::Receiver<bool>) {
    loop {
        match services
            .cache
            .try_lock("maintenance:hourly", PERIOD - Duration::from_secs(60))
            .await
        {
            Ok(Some(_lease)) => {
                match purge_expired_revocations(&services).await {
                    Ok(purged) => tracing::info!(purged, "purged expired token revocations"),
                    Err(error) => {
                        tracing::warn!(error = ?anyhow::Error::from(error), "housekeeping failed")
                    }
                }
                match crate::suppression::purge_expired(&services, Utc::now()).await {
                    Ok(purged) => tracing::info!(purged, "purged expired suppression entries"),
                    Err(error) => {
                        tracing::warn!(error = ?anyhow::Error::from(error), "purging expired suppression entries failed")
                    }
                }
                let day_ago = Utc::now() - chrono::Duration::hours(24);
                match crate::suppression::prune_changes(&services, day_ago).await {
                    Ok(pruned) => tracing::info!(pruned, "pruned day-old suppression changes"),
                    Err(error) => {
                        tracing::warn!(error = ?anyhow::Error::from(error), "pruning suppression changes failed")
                    }
                }
                match crate::personal_data::purge_expired(&services, Utc::now()).await {
                    Ok(purged) => tracing::info!(
                        history = purged.history,
                        attempt_counts = purged.attempt_counts,
                        messages = purged.messages,
                        message_events = purged.message_events,
                        "deleted history past each tenant's retention"
                    ),
                    Err(error) => {
                        tracing::warn!(error = ?anyhow::Error::from(error), "deleting history past its retention failed")
                    }
                }
                let untouched_since = Utc::now() - crate::uploads::STALE_AFTER;
                match crate::uploads::purge_stale(&services, untouched_since).await {
                    Ok(purged) => tracing::info!(purged, "purged stale uploads"),
                    Err(error) => {
                        tracing::warn!(error = ?anyhow::Error::from(error), "purging stale uploads failed")
                    }
                }
            }
            Ok(None) => tracing::debug!("housekeeping done by another replica this period"),
            Err(error) => tracing::warn!(%error, "housekeeping lock unavailable"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PERIOD) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}
