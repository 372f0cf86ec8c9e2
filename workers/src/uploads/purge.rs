//! Removing uploads nobody touched for a day, unless a queued or running
//! import still reads them.

use super::*;

/// Housekeeping: removes uploads (rows and files) untouched since `untouched_since`,
/// except those a queued or running import still needs; returns how many went.
pub async fn purge_stale(
    services: &Services,
    untouched_since: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let stale = upload::Entity::find()
        .filter(upload::Column::UpdatedAt.lt(untouched_since))
        .limit(PURGE_BATCH)
        .all(&services.db)
        .await?;
    let needed =
        in_use_by_import(services, stale.iter().map(|row| row.path.clone()).collect()).await?;
    let mut purged = 0;
    for row in stale {
        if needed.contains(&row.path) {
            continue;
        }
        // A chunk streaming right now touches the row when it ends: not stale.
        let Some(guard) = services
            .cache
            .try_lock(&lock_name(row.id), LOCK_LEASE)
            .await?
        else {
            continue;
        };
        let outcome = purge_one(services, &row, untouched_since).await;
        release(guard).await;
        match outcome {
            Ok(true) => purged += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(error = ?anyhow::Error::from(error), upload = %row.id, "purging a stale upload")
            }
        }
    }
    Ok(purged)
}

async fn purge_one(
    services: &Services,
    row: &upload::Model,
    untouched_since: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    // Re-read under the lock: a chunk or an import may have touched it since the query.
    let still_stale = upload::Entity::find_by_id(row.id)
        .filter(upload::Column::UpdatedAt.lt(untouched_since))
        .one(&services.db)
        .await?
        .is_some();
    if !still_stale {
        return Ok(false);
    }
    remove_file(&row.path).await?;
    let deleted = upload::Entity::delete_many()
        .filter(upload::Column::Id.eq(row.id))
        .exec(&services.db)
        .await?;
    Ok(deleted.rows_affected > 0)
}
