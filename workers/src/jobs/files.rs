//! Picking files up from SFTP: list the directory, keep the files the pattern
//! matches on the run's day, let them settle, download each with its size and
//! SHA-256 checked, remember it (name, size, checksum) so no run takes it
//! again, then move or delete it on the server. Everything lands in the log.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use entity::job_picked_file;
use scheduling::{AfterPickup, FilePattern, Source};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::connections;
use super::run::{RunCtx, RunError};
use crate::ServiceError;

/// A file this run has taken, stored locally.
#[derive(Debug, Clone)]
pub struct PickedFile {
    /// Its name on the server.
    pub name: String,
    /// The local copy.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
}

/// The day the run works for, in the job's zone: the firing's day, or today for a manual run.
pub fn run_day(ctx: &RunCtx<'_>) -> NaiveDate {
    let at = ctx.scheduled_for.unwrap_or_else(Utc::now);
    let zone = ctx
        .job
        .spec
        .time_zone
        .parse::<chrono_tz::Tz>()
        .unwrap_or(chrono_tz::UTC);
    at.with_timezone(&zone).date_naive()
}

fn join(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

fn local_path(ctx: &RunCtx<'_>, name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(80)
        .collect();
    ctx.services
        .config
        .uploads_dir
        .join(format!("job-{}-{safe}", ctx.run_id.simple()))
}

fn listed(names: &[String]) -> String {
    let mut shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
    if names.len() > 10 {
        shown.push("…");
    }
    shown.join(", ")
}

/// Fetches the job's new files (and those an earlier attempt of this run took).
pub async fn fetch(ctx: &mut RunCtx<'_>, source: &Source) -> Result<Vec<PickedFile>, RunError> {
    let mut picked: Vec<PickedFile> = job_picked_file::Entity::find()
        .filter(job_picked_file::Column::RunId.eq(ctx.run_id))
        .order_by_asc(job_picked_file::Column::Name)
        .all(&ctx.services.db)
        .await
        .map_err(ServiceError::from)?
        .into_iter()
        .map(|row| PickedFile {
            name: row.name,
            path: PathBuf::from(row.stored_path),
            size: u64::try_from(row.size).unwrap_or(0),
        })
        .collect();
    if !picked.is_empty() {
        ctx.info(format!(
            "{} file(s) picked up by an earlier attempt of this run: {}",
            picked.len(),
            listed(&picked.iter().map(|f| f.name.clone()).collect::<Vec<_>>())
        ))
        .await?;
    }
    let row = connections::find(
        &ctx.services.db,
        ctx.job.row.tenant_id,
        source.connection_id,
    )
    .await
    .map_err(|_| RunError::Permanent("the job's SFTP connection no longer exists".into()))?;
    let pattern = FilePattern::parse(&source.pattern)
        .map_err(|why| RunError::Permanent(format!("pattern {why}")))?;
    let day = run_day(ctx);
    let glob = pattern.for_day(day);
    ctx.info(format!(
        "connecting to {}@{}:{} ({})",
        row.username, row.host, row.port, row.name
    ))
    .await?;
    let session = sftp::Session::connect(
        &connections::endpoint(ctx.services, &row)?,
        connections::CONNECT_TIMEOUT,
    )
    .await?;
    ctx.info(format!(
        "connected; the server's host key {} is the pinned one",
        session.host_key_fingerprint()
    ))
    .await?;
    let listing = session.list(&source.directory).await?;
    let (matching, others): (Vec<_>, Vec<_>) = listing
        .into_iter()
        .partition(|file| pattern.matches(day, &file.name));
    if !others.is_empty() {
        ctx.warn(format!(
            "{} file(s) in {} match no pattern ({glob}) and were left alone: {}",
            others.len(),
            source.directory,
            listed(&others.iter().map(|f| f.name.clone()).collect::<Vec<_>>())
        ))
        .await?;
    }
    ctx.info(format!(
        "{} file(s) in {} match {glob}",
        matching.len(),
        source.directory
    ))
    .await?;
    let mut ready = matching;
    if source.settle_seconds > 0 && !ready.is_empty() {
        ctx.info(format!(
            "waiting {} s for the files to settle (a file still being written changes size)",
            source.settle_seconds
        ))
        .await?;
        tokio::time::sleep(Duration::from_secs(u64::from(source.settle_seconds))).await;
        let mut settled = Vec::new();
        for file in ready {
            match session.stat(&file.path).await? {
                None => {
                    return Err(RunError::Permanent(format!(
                        "{} vanished before it could be downloaded (deleted or moved on the server); nothing was imported from it",
                        file.name
                    )));
                }
                Some(now) if now.size != file.size => {
                    ctx.warn(format!(
                        "{} is still being written ({} → {} bytes): left for the next run",
                        file.name, file.size, now.size
                    ))
                    .await?;
                }
                Some(now) => settled.push(now),
            }
        }
        ready = settled;
    }
    let mut new_files = 0;
    for file in ready {
        ctx.alive()?;
        if picked.iter().any(|p| p.name == file.name) {
            continue;
        }
        let path = local_path(ctx, &file.name);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| RunError::Transient(format!("preparing the local copy: {e}")))?;
        }
        let downloaded = match session.download(&file.path, &path, file.size).await {
            Ok(downloaded) => downloaded,
            Err(error) => {
                let _ = tokio::fs::remove_file(&path).await;
                return Err(match error {
                    sftp::SftpError::Vanished { .. } | sftp::SftpError::NotFound { .. } => {
                        RunError::Permanent(format!(
                            "{} vanished during the download (deleted or moved on the server); nothing was imported from it",
                            file.name
                        ))
                    }
                    sftp::SftpError::Truncated { expected, got, .. } => {
                        RunError::Permanent(format!(
                            "{} is truncated: the server listed {expected} bytes but sent {got}; nothing was imported from it",
                            file.name
                        ))
                    }
                    other => RunError::from(other),
                });
            }
        };
        let earlier = job_picked_file::Entity::find()
            .filter(job_picked_file::Column::JobId.eq(ctx.job.row.id))
            .filter(job_picked_file::Column::Name.eq(file.name.as_str()))
            .filter(
                job_picked_file::Column::Size
                    .eq(i64::try_from(downloaded.bytes).unwrap_or(i64::MAX)),
            )
            .filter(job_picked_file::Column::Sha256.eq(downloaded.sha256.as_str()))
            .one(&ctx.services.db)
            .await
            .map_err(ServiceError::from)?;
        let recorded = match earlier {
            Some(_) => false,
            None => remember(ctx, &file.name, downloaded.bytes, &downloaded.sha256, &path).await?,
        };
        if !recorded {
            let _ = tokio::fs::remove_file(&path).await;
            ctx.info(format!(
                "{} ({} bytes, sha256 {}…) was picked up by an earlier run: not imported again",
                file.name,
                downloaded.bytes,
                &downloaded.sha256[..12.min(downloaded.sha256.len())]
            ))
            .await?;
        } else {
            new_files += 1;
            ctx.info(format!(
                "picked up {} ({} bytes, sha256 {}…)",
                file.name,
                downloaded.bytes,
                &downloaded.sha256[..12.min(downloaded.sha256.len())]
            ))
            .await?;
            picked.push(PickedFile {
                name: file.name.clone(),
                path,
                size: downloaded.bytes,
            });
        }
        after_pickup(ctx, &session, source, &file.name).await?;
    }
    let _ = session.close().await;
    ctx.counts.files += new_files;
    ctx.save().await?;
    if picked.is_empty() && source.require_file {
        return Err(RunError::Permanent(format!(
            "no new file matching {glob} in {} (the job requires one)",
            source.directory
        )));
    }
    if picked.is_empty() {
        ctx.info("no new file: nothing to do").await?;
    }
    Ok(picked)
}

/// Records a taken file; false when another run recorded it first.
async fn remember(
    ctx: &RunCtx<'_>,
    name: &str,
    size: u64,
    sha256: &str,
    path: &std::path::Path,
) -> Result<bool, RunError> {
    let inserted = crate::db::execute(
        &ctx.services.db,
        "INSERT INTO job_picked_files (id, tenant_id, job_id, run_id, name, size, sha256, stored_path, picked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (job_id, name, size, sha256) DO NOTHING",
        vec![
            Uuid::now_v7().into(),
            ctx.job.row.tenant_id.into(),
            ctx.job.row.id.into(),
            ctx.run_id.into(),
            name.into(),
            i64::try_from(size).unwrap_or(i64::MAX).into(),
            sha256.into(),
            path.display().to_string().into(),
            Utc::now().into(),
        ],
    )
    .await
    .map_err(ServiceError::from)?;
    Ok(inserted == 1)
}

/// Moves or deletes a taken file on the server; a failure is logged, not fatal
/// (the file is remembered, so it is never taken twice).
async fn after_pickup(
    ctx: &mut RunCtx<'_>,
    session: &sftp::Session,
    source: &Source,
    name: &str,
) -> Result<(), RunError> {
    let from = join(&source.directory, name);
    match source.after_pickup {
        AfterPickup::Keep => Ok(()),
        AfterPickup::Delete => match session.remove(&from).await {
            Ok(()) => ctx.info(format!("deleted {from} on the server")).await,
            Err(error) => {
                ctx.warn(format!("could not delete {from} on the server: {error}"))
                    .await
            }
        },
        AfterPickup::Move => {
            let dir = source.move_to.clone().unwrap_or_default();
            if let Err(error) = session.create_dir_all(&dir).await {
                return ctx
                    .warn(format!("could not create {dir} on the server: {error}"))
                    .await;
            }
            let mut to = join(&dir, name);
            if session.stat(&to).await.ok().flatten().is_some() {
                to = join(
                    &dir,
                    &format!("{name}.{}", Utc::now().format("%Y%m%dT%H%M%S")),
                );
            }
            match session.rename(&from, &to).await {
                Ok(()) => {
                    ctx.info(format!("moved {from} to {to} on the server"))
                        .await
                }
                Err(error) => {
                    ctx.warn(format!(
                        "could not move {from} to {to} on the server: {error}"
                    ))
                    .await
                }
            }
        }
    }
}
