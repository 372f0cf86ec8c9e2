//! Appending one chunk: checked against the stored offset, streamed to the file
//! under the upload's lock, fsynced, and only then counted.

use super::*;

/// Streams one chunk onto the end of the upload and returns the upload at its new offset.
///
/// The chunk must start at the stored offset. Bytes received before a broken body
/// are kept (fsynced, then counted), so the client resumes from the returned offset.
#[tracing::instrument(skip_all, fields(upload = %id))]
pub async fn append<S, B, E>(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    chunk: ChunkRequest,
    body: S,
) -> Result<upload::Model, UploadError>
where
    S: Stream<Item = Result<B, E>> + Send,
    B: AsRef<[u8]> + Send,
    E: std::fmt::Display,
{
    principal.require_any(&[Permission::ManageLists, Permission::ManageSuppression])?;
    let row = find_owned(services, principal, id).await?;
    check_chunk(&row, chunk)?;
    let guard = lock(services, id).await?;
    // Re-read under the lock: the previous writer may have moved the offset meanwhile.
    let outcome = match find_owned(services, principal, id).await {
        Ok(row) => match check_chunk(&row, chunk) {
            Ok(()) => write_chunk(services, &guard, row, chunk.max_bytes, body).await,
            Err(refusal) => Err(refusal),
        },
        Err(error) => Err(error.into()),
    };
    release(guard).await;
    outcome
}

/// Refusals that need no bytes read: wrong offset, a taken upload, a chunk that cannot fit.
fn check_chunk(row: &upload::Model, chunk: ChunkRequest) -> Result<(), UploadError> {
    let current = stored(row.bytes);
    if chunk.offset != current {
        return Err(UploadError::OffsetMismatch {
            current,
            claimed: chunk.offset,
        });
    }
    if row.size.is_none() && row.completed_at.is_some() {
        return Err(ServiceError::conflict("id", "the upload was taken for an import").into());
    }
    let Some(length) = chunk.declared_length else {
        return Ok(());
    };
    if length > chunk.max_bytes {
        return Err(UploadError::ChunkTooLarge {
            limit: chunk.max_bytes,
        });
    }
    if let Some(size) = row.size.map(stored)
        && current.saturating_add(length) > size
    {
        return Err(UploadError::ExceedsSize { size });
    }
    Ok(())
}

/// Puts the file back at the stored offset after a refused or failed chunk.
async fn roll_back(writer: BufWriter<tokio::fs::File>, offset: u64) -> std::io::Result<()> {
    let file = writer.into_inner();
    file.set_len(offset).await?;
    file.sync_all().await
}

/// Appends the body to the file (holding the lock), fsyncs, then moves the stored offset.
async fn write_chunk<S, B, E>(
    services: &Services,
    guard: &LockGuard,
    row: upload::Model,
    max_bytes: u64,
    body: S,
) -> Result<upload::Model, UploadError>
where
    S: Stream<Item = Result<B, E>> + Send,
    B: AsRef<[u8]> + Send,
    E: std::fmt::Display,
{
    let start = stored(row.bytes);
    let size = row.size.map(stored);
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&row.path)
        .await?;
    let on_disk = file.metadata().await?.len();
    if on_disk < start {
        return Err(ServiceError::Internal(anyhow::anyhow!(
            "upload file is shorter ({on_disk}) than its stored offset ({start})"
        ))
        .into());
    }
    // Bytes past the stored offset were never acknowledged (a crash before fsync and update).
    file.set_len(start).await?;
    file.seek(std::io::SeekFrom::Start(start)).await?;
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER_BYTES, file);
    let mut body = pin!(body);
    let mut renewal = tokio::time::interval(LOCK_RENEWAL);
    renewal.tick().await;
    let mut received: u64 = 0;
    let mut interrupted = false;
    loop {
        let next = tokio::select! {
            next = body.next() => next,
            _ = renewal.tick() => {
                if guard.extend(LOCK_LEASE).await.is_err() {
                    // Another writer may own the file now: leave it to them.
                    return Err(UploadError::Busy);
                }
                continue;
            }
        };
        let bytes = match next {
            None => break,
            Some(Err(error)) => {
                tracing::info!(%error, received, "upload chunk broke off");
                interrupted = true;
                break;
            }
            Some(Ok(bytes)) => bytes,
        };
        let bytes = bytes.as_ref();
        received = received.saturating_add(bytes.len() as u64);
        let refusal = if received > max_bytes {
            Some(UploadError::ChunkTooLarge { limit: max_bytes })
        } else if let Some(size) = size.filter(|size| start.saturating_add(received) > *size) {
            Some(UploadError::ExceedsSize { size })
        } else {
            match writer.write_all(bytes).await {
                Ok(()) => None,
                Err(error) => Some(error.into()),
            }
        };
        if let Some(refusal) = refusal {
            roll_back(writer, start).await?;
            return Err(refusal);
        }
    }
    if let Err(error) = writer.flush().await {
        roll_back(writer, start).await?;
        return Err(error.into());
    }
    let file = writer.into_inner();
    file.sync_all().await?;
    let length = file.metadata().await?.len();
    let upload = commit_offset(services, row, start, length).await?;
    if interrupted {
        return Err(UploadError::Interrupted { offset: length });
    }
    Ok(upload)
}

/// Moves the stored offset from `start` to `length`, unless someone else moved it first.
async fn commit_offset(
    services: &Services,
    row: upload::Model,
    start: u64,
    length: u64,
) -> Result<upload::Model, UploadError> {
    let now = Utc::now();
    let new_bytes = i64::try_from(length)
        .map_err(|_| ServiceError::Internal(anyhow::anyhow!("upload offset overflows")))?;
    let completed_at = match row.size {
        Some(size) if size == new_bytes => Some(row.completed_at.unwrap_or(now)),
        _ => row.completed_at,
    };
    let moved = upload::Entity::update_many()
        .col_expr(upload::Column::Bytes, Expr::value(new_bytes))
        .col_expr(upload::Column::UpdatedAt, Expr::value(now))
        .col_expr(upload::Column::CompletedAt, Expr::value(completed_at))
        .filter(upload::Column::Id.eq(row.id))
        .filter(upload::Column::Bytes.eq(row.bytes))
        .exec(&services.db)
        .await?;
    if moved.rows_affected == 0 {
        tracing::warn!(
            start,
            length,
            "upload offset moved under a writer whose lease ran out"
        );
        return Err(UploadError::Busy);
    }
    Ok(upload::Model {
        bytes: new_bytes,
        updated_at: now,
        completed_at,
        ..row
    })
}
