//! What each kind of job does once its run has started.

use std::path::Path;
use std::time::Duration;

use campaign::{CampaignState, Transition};
use chrono::Utc;
use entity::{calling_list_record, import_job};
use scheduling::{ExportSource, JobKind, JobSpec, NameTemplate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::files::{self, PickedFile};
use super::run::{RunCtx, RunError};
use crate::accounts::Principal;
use crate::campaigns::{self, CampaignInput, CampaignList};
use crate::import::{self, ImportMode, ImportOptions, NewImport};
use crate::{ServiceError, lists};

/// How often a run checks on an import or a load it waits for.
const POLL: Duration = Duration::from_millis(500);

/// How often a wait writes "still …" into the log.
const PROGRESS_EVERY: Duration = Duration::from_secs(30);

/// Does the job's work.
pub(super) async fn execute(ctx: &mut RunCtx<'_>) -> Result<(), RunError> {
    let spec = ctx.job.spec.clone();
    match spec.kind {
        JobKind::ContactImport | JobKind::ListAutomation => {
            let source = spec
                .source
                .clone()
                .ok_or_else(|| RunError::Permanent("the job has no source".into()))?;
            let picked = files::fetch(ctx, &source).await?;
            let mut list_ids = Vec::new();
            for file in &picked {
                let list_id = import_contacts(ctx, &spec, file).await?;
                if !list_ids.contains(&list_id) {
                    list_ids.push(list_id);
                }
            }
            if spec.kind == JobKind::ListAutomation {
                if list_ids.is_empty() {
                    ctx.info("no new contacts: the campaign is left as it is")
                        .await?;
                } else {
                    automate(ctx, &spec, &list_ids).await?;
                }
            }
            Ok(())
        }
        JobKind::SuppressionImport => {
            let source = spec
                .source
                .clone()
                .ok_or_else(|| RunError::Permanent("the job has no source".into()))?;
            for file in files::fetch(ctx, &source).await? {
                import_suppression(ctx, &spec, &file).await?;
            }
            Ok(())
        }
        JobKind::Export => export(ctx, &spec).await,
        JobKind::CampaignStart => start_campaign(ctx, &spec).await,
        JobKind::CampaignStop => stop_campaign(ctx, &spec).await,
        JobKind::ComplianceRefresh => {
            let principal = ctx.principal().await?;
            let status = crate::compliance_data::refresh_now(ctx.services, &principal).await?;
            match status.last_error {
                Some(error) if status.alert => Err(RunError::Transient(format!(
                    "the compliance data refresh failed: {error}"
                ))),
                _ => {
                    ctx.info(format!(
                        "compliance data in use: {} (version {}, {} area codes)",
                        status.source, status.version, status.area_codes
                    ))
                    .await
                }
            }
        }
        JobKind::Purge => purge(ctx, &spec).await,
    }
}

fn campaign_id(spec: &JobSpec) -> Result<Uuid, RunError> {
    spec.campaign_id
        .ok_or_else(|| RunError::Permanent("the job names no campaign".into()))
}

/// Imports one picked-up file into the job's list (or a new list per file) and waits for it.
async fn import_contacts(
    ctx: &mut RunCtx<'_>,
    spec: &JobSpec,
    file: &PickedFile,
) -> Result<Uuid, RunError> {
    let principal = ctx.principal().await?;
    let services = ctx.services;
    let stored_path = file.path.display().to_string();
    let existing = import_job::Entity::find()
        .filter(import_job::Column::TenantId.eq(ctx.job.row.tenant_id))
        .filter(import_job::Column::FilePath.eq(stored_path.as_str()))
        .one(&services.db)
        .await
        .map_err(ServiceError::from)?;
    let job = match existing {
        Some(job) => {
            ctx.info(format!(
                "{} was already handed to import {} by an earlier attempt: waiting for it",
                file.name, job.id
            ))
            .await?;
            job
        }
        None => {
            let list_id = target_list(ctx, &principal, spec, file).await?;
            let mapping_id = spec
                .import_mapping_id
                .ok_or_else(|| RunError::Permanent("the job names no import mapping".into()))?;
            let (_, mapping) = import::mappings::get(services, &principal, mapping_id)
                .await
                .map_err(|_| {
                    RunError::Permanent("the job's import mapping no longer exists".into())
                })?;
            let mode = spec
                .import_mode
                .as_deref()
                .and_then(ImportMode::parse)
                .unwrap_or(ImportMode::AppendOnly);
            let started = import::start(
                services,
                &principal,
                NewImport {
                    list_id,
                    file_name: file.name.clone(),
                    file_path: file.path.clone(),
                    file_bytes: file.size,
                    mode,
                    options: ImportOptions {
                        mapping,
                        format: Default::default(),
                        selection_rule_ids: Vec::new(),
                        split_rule_id: None,
                    },
                    mapping_id: Some(mapping_id),
                },
            )
            .await;
            match started {
                Ok(job) => job,
                Err(ServiceError::Conflict { message, .. }) => {
                    return Err(RunError::Transient(format!("the list is busy ({message})")));
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    ctx.info(format!(
        "importing {} ({} mode) as import {}",
        file.name, job.mode, job.id
    ))
    .await?;
    let mut last_progress = std::time::Instant::now();
    let done = loop {
        ctx.alive()?;
        let now = import_job::Entity::find_by_id(job.id)
            .one(&services.db)
            .await
            .map_err(ServiceError::from)?
            .ok_or_else(|| RunError::Permanent(format!("import {} disappeared", job.id)))?;
        if now.status == import::status::SUCCEEDED || now.status == import::status::FAILED {
            break now;
        }
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = std::time::Instant::now();
            ctx.info(format!(
                "still importing {}: {} rows read",
                file.name, now.rows_read
            ))
            .await?;
        }
        tokio::time::sleep(POLL).await;
    };
    ctx.counts.rows += done.rows_read;
    ctx.counts.imported += done.accepted;
    ctx.counts.rejected += done.rejected;
    if done.status == import::status::FAILED {
        return Err(RunError::Permanent(format!(
            "the import of {} failed: {}; nothing from it was kept",
            file.name,
            done.error.as_deref().unwrap_or("no reason recorded")
        )));
    }
    ctx.info(format!(
        "imported {}: {} rows, {} contacts added or updated, {} rejected, {} duplicates, {} suppressed",
        file.name, done.rows_read, done.accepted, done.rejected, done.duplicates, done.suppressed
    ))
    .await?;
    if done.rejected > 0 {
        ctx.warn(format!(
            "{} rows of {} were rejected: see import {} for each line and reason",
            done.rejected, file.name, done.id
        ))
        .await?;
    }
    Ok(done.list_id)
}

/// The list a file goes into: the job's, or a new one named from the file.
async fn target_list(
    ctx: &mut RunCtx<'_>,
    principal: &Principal,
    spec: &JobSpec,
    file: &PickedFile,
) -> Result<Uuid, RunError> {
    if let Some(list_id) = spec.contact_list_id {
        return Ok(list_id);
    }
    let template = spec.new_list_name.as_deref().unwrap_or("{file}");
    let name = NameTemplate::parse(template, true)
        .map_err(|why| RunError::Permanent(format!("newListName {why}")))?
        .render(files::run_day(ctx), &file.name);
    let existing = entity::contact_list::Entity::find()
        .filter(entity::contact_list::Column::TenantId.eq(principal.tenant_id))
        .filter(entity::contact_list::Column::Name.eq(name.as_str()))
        .one(&ctx.services.db)
        .await
        .map_err(ServiceError::from)?;
    if let Some(list) = existing {
        ctx.info(format!("importing into the existing list '{name}'"))
            .await?;
        return Ok(list.id);
    }
    let list = lists::create(
        ctx.services,
        principal,
        lists::NewList {
            name: name.clone(),
            description: Some(format!("Made by job {}", ctx.job.row.name)),
            channel: domain::Channel::Voice,
            caller_id: None,
        },
    )
    .await?;
    ctx.info(format!("created the list '{name}'")).await?;
    Ok(list.id)
}

/// Adds a picked-up file's numbers to the job's suppression list and waits for it.
async fn import_suppression(
    ctx: &mut RunCtx<'_>,
    spec: &JobSpec,
    file: &PickedFile,
) -> Result<(), RunError> {
    use entity::suppression_import;
    let principal = ctx.principal().await?;
    let list_id = spec
        .suppression_list_id
        .ok_or_else(|| RunError::Permanent("the job names no suppression list".into()))?;
    let stored_path = file.path.display().to_string();
    let existing = suppression_import::Entity::find()
        .filter(suppression_import::Column::TenantId.eq(principal.tenant_id))
        .filter(suppression_import::Column::FilePath.eq(stored_path.as_str()))
        .one(&ctx.services.db)
        .await
        .map_err(ServiceError::from)?;
    let upload = match existing {
        Some(upload) => upload,
        None => match crate::suppression::start_import(
            ctx.services,
            &principal,
            list_id,
            &file.name,
            file.path.clone(),
            file.size,
            crate::suppression::SuppressionImportMode::Append,
            Default::default(),
        )
        .await
        {
            Ok(upload) => upload,
            Err(ServiceError::Conflict { message, .. }) => {
                return Err(RunError::Transient(format!("the list is busy ({message})")));
            }
            Err(error) => return Err(error.into()),
        },
    };
    ctx.info(format!(
        "adding the numbers of {} to the suppression list (upload {})",
        file.name, upload.id
    ))
    .await?;
    let done = loop {
        ctx.alive()?;
        let now = suppression_import::Entity::find_by_id(upload.id)
            .one(&ctx.services.db)
            .await
            .map_err(ServiceError::from)?
            .ok_or_else(|| RunError::Permanent(format!("upload {} disappeared", upload.id)))?;
        if now.status == "SUCCEEDED" || now.status == "FAILED" {
            break now;
        }
        tokio::time::sleep(POLL).await;
    };
    ctx.counts.rows += done.rows_read;
    ctx.counts.imported += done.added;
    ctx.counts.rejected += done.rejected;
    if done.status == "FAILED" {
        return Err(RunError::Permanent(format!(
            "the suppression upload of {} failed: {}",
            file.name,
            done.error.as_deref().unwrap_or("no reason recorded")
        )));
    }
    ctx.info(format!(
        "{}: {} rows, {} numbers added, {} already listed, {} rejected",
        file.name, done.rows_read, done.added, done.already_present, done.rejected
    ))
    .await
}

async fn move_campaign(
    ctx: &mut RunCtx<'_>,
    principal: &Principal,
    id: Uuid,
    transition: Transition,
) -> Result<campaigns::Campaign, RunError> {
    let campaign = campaigns::transition(ctx.services, principal, id, transition).await?;
    ctx.info(format!(
        "campaign '{}': {} → now {}",
        campaign.row.name,
        transition.as_str(),
        campaign.state.as_str()
    ))
    .await?;
    Ok(campaign)
}

/// Waits until a loading campaign's calling list is ready.
async fn wait_loaded(
    ctx: &mut RunCtx<'_>,
    principal: &Principal,
    id: Uuid,
) -> Result<campaigns::Campaign, RunError> {
    let mut last_progress = std::time::Instant::now();
    loop {
        ctx.alive()?;
        let campaign = campaigns::get(ctx.services, principal, id).await?;
        match campaign.row.load_status.as_str() {
            "READY" => {
                ctx.info(format!(
                    "calling list of '{}' ready: {} contacts taken in",
                    campaign.row.name, campaign.row.load_members
                ))
                .await?;
                return Ok(campaign);
            }
            "FAILED" => {
                return Err(RunError::Permanent(format!(
                    "loading campaign '{}' failed: {}",
                    campaign.row.name,
                    campaign
                        .row
                        .load_error
                        .as_deref()
                        .unwrap_or("no reason recorded")
                )));
            }
            _ if campaign.state == CampaignState::Unloaded => {
                return Err(RunError::Permanent(format!(
                    "campaign '{}' was unloaded while it loaded",
                    campaign.row.name
                )));
            }
            _ => {}
        }
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = std::time::Instant::now();
            ctx.info(format!("still loading '{}'", campaign.row.name))
                .await?;
        }
        tokio::time::sleep(POLL).await;
    }
}

/// List automation's last steps: the campaign puts its list away, takes the
/// new lists in, loads, and starts when the job says so.
async fn automate(ctx: &mut RunCtx<'_>, spec: &JobSpec, list_ids: &[Uuid]) -> Result<(), RunError> {
    let principal = ctx.principal().await?;
    let id = campaign_id(spec)?;
    let mut campaign = campaigns::get(ctx.services, &principal, id).await?;
    if campaign.state == CampaignState::Running {
        campaign = move_campaign(ctx, &principal, id, Transition::Stop).await?;
    }
    if campaign.state != CampaignState::Unloaded {
        campaign = move_campaign(ctx, &principal, id, Transition::Unload).await?;
    }
    let missing: Vec<Uuid> = list_ids
        .iter()
        .copied()
        .filter(|l| !campaign.lists.iter().any(|c| c.list_id == *l))
        .collect();
    if !missing.is_empty() {
        let mut lists = campaign.lists.clone();
        lists.extend(missing.iter().map(|list_id| CampaignList {
            list_id: *list_id,
            weight: 1,
        }));
        let input = CampaignInput {
            name: campaign.row.name.clone(),
            description: campaign.row.description.clone(),
            template_id: campaign.row.template_id,
            lists,
            list_mix: campaign.list_mix,
            selection_rule_ids: campaign.selection_rule_ids.clone(),
            record_order: campaign.record_order.clone(),
            agent_group: campaign.row.agent_group.clone(),
        };
        campaigns::update(ctx.services, &principal, id, input).await?;
        ctx.info(format!(
            "assigned {} new list(s) to campaign '{}'",
            missing.len(),
            campaign.row.name
        ))
        .await?;
    }
    move_campaign(ctx, &principal, id, Transition::Load).await?;
    wait_loaded(ctx, &principal, id).await?;
    if spec.start_campaign {
        move_campaign(ctx, &principal, id, Transition::Start).await?;
    }
    Ok(())
}

async fn start_campaign(ctx: &mut RunCtx<'_>, spec: &JobSpec) -> Result<(), RunError> {
    let principal = ctx.principal().await?;
    let id = campaign_id(spec)?;
    let campaign = campaigns::get(ctx.services, &principal, id).await?;
    match campaign.state {
        CampaignState::Running => {
            ctx.info(format!(
                "campaign '{}' is already running",
                campaign.row.name
            ))
            .await
        }
        CampaignState::Unloaded => {
            move_campaign(ctx, &principal, id, Transition::Load).await?;
            wait_loaded(ctx, &principal, id).await?;
            move_campaign(ctx, &principal, id, Transition::Start)
                .await
                .map(|_| ())
        }
        CampaignState::Loaded | CampaignState::Stopped => {
            if campaign.row.load_status != "READY" {
                wait_loaded(ctx, &principal, id).await?;
            }
            move_campaign(ctx, &principal, id, Transition::Start)
                .await
                .map(|_| ())
        }
    }
}

async fn stop_campaign(ctx: &mut RunCtx<'_>, spec: &JobSpec) -> Result<(), RunError> {
    let principal = ctx.principal().await?;
    let id = campaign_id(spec)?;
    let campaign = campaigns::get(ctx.services, &principal, id).await?;
    if campaign.state == CampaignState::Running {
        move_campaign(ctx, &principal, id, Transition::Stop)
            .await
            .map(|_| ())
    } else {
        ctx.info(format!(
            "campaign '{}' is {}, not running: nothing to stop",
            campaign.row.name,
            campaign.state.as_str()
        ))
        .await
    }
}

/// Writes the export to a local file and returns the rows written.
async fn write_export(
    ctx: &mut RunCtx<'_>,
    spec: &JobSpec,
    source: ExportSource,
    path: &Path,
) -> Result<i64, RunError> {
    let principal = ctx.principal().await?;
    let services = ctx.services;
    let mut out: Vec<u8> = Vec::new();
    let mut rows = 0i64;
    match source {
        ExportSource::ContactList => {
            let list_id = spec
                .contact_list_id
                .ok_or_else(|| RunError::Permanent("the job names no list".into()))?;
            lists::export(services, &principal, list_id).await?;
            let mut after = None;
            loop {
                let request = crate::page::PageRequest {
                    size: 500,
                    count_total: false,
                };
                let page =
                    crate::contacts::page(services, &principal, list_id, request, after, None)
                        .await?;
                let ids: Vec<i64> = page.items.iter().map(|c| c.id).collect();
                let devices =
                    crate::contacts::devices_of(&services.db, principal.tenant_id, &ids).await?;
                out.extend(crate::contacts::export_chunk(
                    &page.items,
                    &devices,
                    after.is_none(),
                ));
                rows += i64::try_from(page.items.len()).unwrap_or(0);
                match (page.has_next_page, page.items.last()) {
                    (true, Some(last)) => after = Some(last.id),
                    _ => break,
                }
            }
        }
        ExportSource::CampaignResults => {
            let id = campaign_id(spec)?;
            campaigns::get(services, &principal, id).await?;
            let mut writer = tabular::CsvWriter::with_bom(Vec::new())
                .map_err(|e| RunError::Permanent(e.to_string()))?;
            let header = [
                "record_id",
                "chain_id",
                "chain_n",
                "client_id",
                "first_name",
                "last_name",
                "contact_info",
                "contact_info_type",
                "record_status",
                "record_type",
                "call_result",
                "attempt",
                "call_time_utc",
                "next_dial_utc",
                "agent_id",
            ];
            writer
                .write_record(header.map(String::from).to_vec())
                .map_err(|e| RunError::Permanent(e.to_string()))?;
            let mut after = i64::MIN;
            loop {
                let page = calling_list_record::Entity::find()
                    .filter(calling_list_record::Column::CampaignId.eq(id))
                    .filter(calling_list_record::Column::RecordId.gt(after))
                    .order_by_asc(calling_list_record::Column::RecordId)
                    .limit(5000)
                    .all(&services.db)
                    .await
                    .map_err(ServiceError::from)?;
                let Some(last) = page.last() else { break };
                after = last.record_id;
                let when = |at: Option<i64>| {
                    at.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default()
                };
                for record in &page {
                    let text = |value: &Option<String>| value.clone().unwrap_or_default();
                    writer
                        .write_record(vec![
                            record.record_id.to_string(),
                            record.chain_id.to_string(),
                            record.chain_n.to_string(),
                            text(&record.c_client_id),
                            text(&record.c_first_name),
                            text(&record.c_last_name),
                            record.contact_info.clone(),
                            record.contact_info_type.to_string(),
                            record.record_status.to_string(),
                            record.record_type.to_string(),
                            record.call_result.to_string(),
                            record.attempt.to_string(),
                            when(record.call_time),
                            when(record.dial_sched_time),
                            text(&record.agent_id),
                        ])
                        .map_err(|e| RunError::Permanent(e.to_string()))?;
                }
                rows += i64::try_from(page.len()).unwrap_or(0);
            }
            out = writer
                .into_inner()
                .map_err(|e| RunError::Permanent(e.to_string()))?;
        }
    }
    tokio::fs::write(path, &out)
        .await
        .map_err(|e| RunError::Transient(format!("writing the export: {e}")))?;
    Ok(rows)
}

async fn export(ctx: &mut RunCtx<'_>, spec: &JobSpec) -> Result<(), RunError> {
    let target = spec
        .export
        .clone()
        .ok_or_else(|| RunError::Permanent("the job has no export target".into()))?;
    let name = NameTemplate::parse(&target.file_name, false)
        .map_err(|why| RunError::Permanent(format!("fileName {why}")))?
        .render(files::run_day(ctx), "");
    let local = ctx
        .services
        .config
        .uploads_dir
        .join(format!("export-{}.csv", ctx.run_id.simple()));
    if let Some(parent) = local.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| RunError::Transient(format!("preparing the export: {e}")))?;
    }
    let rows = write_export(ctx, spec, target.source, &local).await?;
    ctx.info(format!("wrote {rows} rows")).await?;
    let outcome = match target.connection_id {
        Some(connection_id) => {
            let row =
                super::connections::find(&ctx.services.db, ctx.job.row.tenant_id, connection_id)
                    .await
                    .map_err(|_| {
                        RunError::Permanent("the job's SFTP connection no longer exists".into())
                    })?;
            ctx.info(format!(
                "connecting to {}@{}:{} ({})",
                row.username, row.host, row.port, row.name
            ))
            .await?;
            let session = sftp::Session::connect(
                &super::connections::endpoint(ctx.services, &row)?,
                super::connections::CONNECT_TIMEOUT,
            )
            .await?;
            let bytes = session.upload(&local, &target.directory, &name).await?;
            let _ = session.close().await;
            ctx.info(format!(
                "uploaded {}/{name} ({bytes} bytes)",
                target.directory.trim_end_matches('/')
            ))
            .await
        }
        None => {
            let dir = ctx
                .services
                .config
                .uploads_dir
                .with_file_name("exports")
                .join(target.directory.trim_matches('/'));
            tokio::fs::create_dir_all(&dir)
                .await
                .map_err(|e| RunError::Transient(format!("preparing {}: {e}", dir.display())))?;
            let to = dir.join(&name);
            tokio::fs::copy(&local, &to)
                .await
                .map_err(|e| RunError::Transient(format!("writing {}: {e}", to.display())))?;
            ctx.info(format!("wrote {}", to.display())).await
        }
    };
    let _ = tokio::fs::remove_file(&local).await;
    outcome?;
    ctx.counts.files += 1;
    ctx.counts.exported += rows;
    ctx.save().await
}

async fn purge(ctx: &mut RunCtx<'_>, spec: &JobSpec) -> Result<(), RunError> {
    let before = Utc::now() - chrono::Duration::days(i64::from(spec.purge_after_days));
    let tenant = ctx.job.row.tenant_id;
    let runs = crate::db::execute(
        &ctx.services.db,
        "DELETE FROM job_runs WHERE tenant_id = $1 AND created_at < $2 AND status IN ('SUCCEEDED', 'FAILED')",
        vec![tenant.into(), before.into()],
    )
    .await
    .map_err(ServiceError::from)?;
    let picked = crate::db::execute(
        &ctx.services.db,
        "DELETE FROM job_picked_files WHERE tenant_id = $1 AND picked_at < $2",
        vec![tenant.into(), before.into()],
    )
    .await
    .map_err(ServiceError::from)?;
    let expired = crate::suppression::purge_expired(ctx.services, Utc::now()).await?;
    ctx.counts.rows += i64::try_from(runs + picked + expired).unwrap_or(i64::MAX);
    ctx.info(format!(
        "deleted {runs} finished runs and {picked} picked-file records older than {} days, and {expired} expired suppression entries",
        spec.purge_after_days
    ))
    .await
}
