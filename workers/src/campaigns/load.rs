//! Preloading (role `campaigns`): builds a campaign's calling list in the OCS
//! layout with set-based SQL, in three resumable steps of the durable task
//! `campaign.load`:
//!
//! 1. **Members**: the campaign's contacts in dialling order, numbered, in one
//!    `INSERT … SELECT` with window functions (lists mixed by weight or in
//!    order, then the record order, then contact id). Selection rules, when the
//!    campaign has any, are evaluated in Rust with the import's own code over a
//!    keyset stream of the contacts first (`campaign_candidates`).
//! 2. **Device classes**: every distinct (device type, region, zones) of the
//!    lists is put to the compliance engine once — may it ever be dialled in
//!    this mode, with consent and without; its daily window and zone — and the
//!    answers travel into SQL as one JSON parameter.
//! 3. **Chunks**: members are turned into records a range at a time (50k
//!    contacts first, their chain heads committed before the rest of their
//!    chains so dialing can start at once, then 100k), one record per
//!    dialable device, chained per contact in the template's device order,
//!    suppressed devices left out (`NOT EXISTS` against the active lists), and
//!    `ON CONFLICT DO NOTHING` on (campaign, device) when the range may hold
//!    records already. Each chunk commits with the cursor and the counters,
//!    so a killed worker resumes after its last chunk and a repeated chunk
//!    inserts nothing twice.
//!
//! On PostgreSQL the records, members and candidates have no foreign key to
//! the campaign (a trigger call per row): each writing transaction holds the
//! campaign row instead, and deleting a campaign deletes them explicitly.
//!
//! Devices left out are counted by reason in one aggregate at the end.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use campaign::layout::{self, record_status};
use campaign::{CampaignState, ListMix, TemplateSettings};
use chrono::Utc;
use chrono_tz::Tz;
use compliance::{
    AttemptLog, DeviceFacts, DeviceType as RuleDeviceType, DialMode, NoSuppression, RuleSet,
};
use domain::Channel;
use domain::import::{ContactDraft, DeviceDraft, DeviceKind};
use domain::selection::SelectionSpec;
use entity::{campaign as campaign_row, suppression_list};
use sea_orm::sea_query::LockType;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect,
    TryGetable, Value,
};
use serde_json::json;
use uuid::Uuid;

use super::stats::{self, Delta};
use super::{Excluded, load_status};
use crate::db;
use crate::queue::{self, ClaimedTask, NewTask};
use crate::{ServiceError, Services};

/// The queue task kind.
pub const TASK_KIND: &str = "campaign.load";
/// Contacts in the first chunk: small, so the first records are dialable at once.
pub const FIRST_CHUNK: i64 = 50_000;
/// Contacts in every later chunk.
pub const CHUNK: i64 = 100_000;
const LEASE: Duration = Duration::from_secs(120);

/// Queues the load of a campaign, in the caller's transaction.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    campaign_id: Uuid,
) -> Result<(), ServiceError> {
    queue::enqueue(
        conn,
        NewTask {
            kind: TASK_KIND,
            tenant_id: Some(tenant_id),
            payload: json!({ "campaignId": campaign_id }),
            run_at: None,
            max_attempts: 5,
        },
    )
    .await?;
    Ok(())
}

/// Claims and runs one queued load; `false` when none was waiting.
pub async fn try_execute_task(services: &Services, worker: &str) -> Result<bool, ServiceError> {
    let Some(task) = queue::claim(&services.db, &[TASK_KIND], worker, LEASE).await? else {
        return Ok(false);
    };
    let campaign_id = task.payload["campaignId"]
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok());
    let Some(campaign_id) = campaign_id else {
        queue::fail(
            &services.db,
            &task,
            "payload has no campaign id",
            queue::backoff(task.attempts),
        )
        .await?;
        return Ok(true);
    };
    match run(services, campaign_id, Some(&task)).await {
        Ok(()) => {
            queue::complete(&services.db, &task).await?;
        }
        Err(error) => {
            tracing::warn!(error = ?anyhow::Error::from(error), %campaign_id, "campaign load attempt failed");
            if task.attempts >= task.max_attempts {
                mark_failed(
                    services,
                    campaign_id,
                    "the calling list could not be built; see the logs",
                )
                .await?;
            }
            queue::fail(
                &services.db,
                &task,
                "campaign load attempt failed; see the logs",
                queue::backoff(task.attempts),
            )
            .await?;
        }
    }
    Ok(true)
}

/// The `campaigns` role's loop: runs queued loads until stopped.
pub async fn run_worker(
    services: Services,
    worker: String,
    stop: tokio::sync::watch::Receiver<bool>,
) {
    let (services, worker) = (&services, worker.as_str());
    queue::work_until_stopped(
        &services.db,
        worker,
        stop,
        Duration::from_millis(250),
        || async move {
            queue::ran_or_warn(
                try_execute_task(services, worker).await,
                "campaign load worker",
            )
        },
    )
    .await;
}

async fn mark_failed(
    services: &Services,
    campaign_id: Uuid,
    reason: &str,
) -> Result<(), ServiceError> {
    db::execute(
        &services.db,
        "UPDATE campaigns SET load_status = $2, load_error = $3 WHERE id = $1 AND load_status = $4",
        vec![
            campaign_id.into(),
            load_status::FAILED.into(),
            reason.into(),
            load_status::LOADING.into(),
        ],
    )
    .await?;
    Ok(())
}

/// The campaign row, when its load is still wanted; in a transaction the row
/// is held (`FOR KEY SHARE` on PostgreSQL) so the campaign cannot be deleted
/// before the transaction's records commit — what its dropped foreign keys did.
async fn still_loading(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<Option<super::Campaign>, ServiceError> {
    let Some(row) = campaign_row::Entity::find_by_id(campaign_id)
        .lock(LockType::KeyShare)
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let campaign = super::parse(row)?;
    let wanted = campaign.row.load_status == load_status::LOADING
        && campaign.state != CampaignState::Unloaded;
    Ok(wanted.then_some(campaign))
}

/// Holds the campaign row for the rest of the transaction (see
/// [`still_loading`]) before members or candidates are written; `NotFound`
/// when it was deleted meanwhile.
async fn hold(conn: &impl ConnectionTrait, campaign_id: Uuid) -> Result<(), ServiceError> {
    campaign_row::Entity::find_by_id(campaign_id)
        .lock(LockType::KeyShare)
        .one(conn)
        .await?
        .map(|_| ())
        .ok_or(ServiceError::NotFound("campaign"))
}

/// Chunk sizes of a load, and where to stop: the defaults in production,
/// smaller ones in tests and benchmarks that exercise resumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunks {
    /// Contacts in the first chunk.
    pub first: i64,
    /// Contacts in every later chunk.
    pub rest: i64,
    /// Stop after this many chunks, as a killed worker would (the load stays `LOADING`).
    pub stop_after: Option<usize>,
}

impl Default for Chunks {
    fn default() -> Self {
        Chunks {
            first: FIRST_CHUNK,
            rest: CHUNK,
            stop_after: None,
        }
    }
}

/// Runs (or resumes) the load of one campaign.
pub async fn run(
    services: &Services,
    campaign_id: Uuid,
    task: Option<&ClaimedTask>,
) -> Result<(), ServiceError> {
    run_with(services, campaign_id, task, Chunks::default()).await
}

/// What one load works with, read once.
struct Plan {
    campaign: super::Campaign,
    settings: TemplateSettings,
    rules: RuleSet,
    kinds: Vec<DeviceKind>,
    lists: (Vec<Uuid>, Vec<Uuid>),
}

/// [`run`] with explicit chunk sizes (tests, benchmarks).
pub async fn run_with(
    services: &Services,
    campaign_id: Uuid,
    task: Option<&ClaimedTask>,
    chunks: Chunks,
) -> Result<(), ServiceError> {
    let Some(campaign) = still_loading(&services.db, campaign_id).await? else {
        return Ok(());
    };
    let tenant_id = campaign.row.tenant_id;
    let settings = super::settings_of(&services.db, &campaign).await?;
    let mut rules = crate::rule_sets::load(&services.db, tenant_id)
        .await?
        .rules
        .for_campaign(&settings.optional_rules);
    // The stop is a moment's state, not a property of a device: it is checked at lease time.
    rules.emergency_stop = false;
    let kinds = settings.usable_devices();
    let lists = suppression_lists(services, tenant_id, settings.dialing_mode).await?;
    let plan = Plan {
        campaign,
        settings,
        rules,
        kinds,
        lists,
    };
    let campaign = &plan.campaign;
    let mut cursor = campaign.row.load_cursor;
    let mut members = campaign.row.load_members;
    let mut done = 0usize;
    let stopped = |done: usize| chunks.stop_after.is_some_and(|stop| done >= stop);
    let mut judged = None;
    if members == 0 {
        if cursor != 0 {
            // Killed between the early first chunk and the numbering of the
            // rest: number again and go over the first chunk again (its
            // records are there already; a repeat inserts nothing twice).
            set_cursor(&services.db, campaign_id, 0).await?;
            cursor = 0;
        }
        if streams(campaign) {
            // The common case (one list in contact order, no selection rule):
            // number and load the first chunk alone, so dialing can start at
            // once, then number the rest and judge the whole list's classes.
            let step = Instant::now();
            let head = number_head(services, campaign, chunks.first.max(1)).await?;
            tracing::info!(%campaign_id, head, ms = step.elapsed().as_millis() as u64, "first members numbered");
            if stopped(done) {
                return Ok(());
            }
            let step = Instant::now();
            let first = classes(services, &plan, Some((0, head))).await?;
            tracing::info!(%campaign_id, classes = first.len(), ms = step.elapsed().as_millis() as u64, "first chunk's classes judged");
            if let Some(task) = task {
                queue::heartbeat(&services.db, task, LEASE).await?;
            }
            let conflict = records_exist(&services.db, campaign_id, 0, head).await?;
            let range = (0, head);
            if !write_part(services, &plan, &first, range, Part::Heads, conflict, None).await? {
                return Ok(());
            }
            // The rest of the first chains, and on another connection the
            // numbering of the other members, then every class of the list
            // (judged once they are all numbered, so none is missing).
            let (chained, numbered) = tokio::join!(
                write_part(
                    services,
                    &plan,
                    &first,
                    range,
                    Part::Chains,
                    conflict,
                    Some(head)
                ),
                async {
                    let step = Instant::now();
                    let members = number_rest(services, campaign, head).await?;
                    tracing::info!(%campaign_id, members, ms = step.elapsed().as_millis() as u64, "members numbered");
                    let step = Instant::now();
                    let classes = classes(services, &plan, None).await?;
                    tracing::info!(%campaign_id, classes = classes.len(), ms = step.elapsed().as_millis() as u64, "classes judged");
                    Ok::<_, ServiceError>((members, classes))
                }
            );
            let (numbered, classes) = numbered?;
            if !chained? {
                return Ok(());
            }
            done += 1;
            cursor = head;
            members = numbered;
            judged = Some(classes);
        } else {
            let step = Instant::now();
            members = build_members(services, campaign).await?;
            tracing::info!(%campaign_id, members, ms = step.elapsed().as_millis() as u64, "members numbered");
        }
    }
    if members != campaign.row.load_members {
        refresh_statistics(services).await?;
    }
    let classes = match judged {
        Some(classes) => classes,
        None => {
            let step = Instant::now();
            let classes = classes(services, &plan, None).await?;
            tracing::info!(%campaign_id, classes = classes.len(), ms = step.elapsed().as_millis() as u64, "classes judged");
            classes
        }
    };
    while cursor < members {
        if stopped(done) {
            return Ok(());
        }
        done += 1;
        let end = (cursor
            + if cursor == 0 {
                chunks.first
            } else {
                chunks.rest
            }
            .max(1))
        .min(members);
        if !load_chunk(services, task, &plan, &classes, cursor, end, members).await? {
            return Ok(());
        }
        cursor = end;
    }
    let step = Instant::now();
    let mut excluded = count_excluded(services, &plan, &classes).await?;
    tracing::info!(%campaign_id, ms = step.elapsed().as_millis() as u64, "exclusions counted");
    excluded.filtered = campaign
        .excluded
        .filtered
        .max(filtered_count(services, campaign).await?);
    db::execute(
        &services.db,
        "UPDATE campaigns SET load_status = $2, load_finished_at = $3, excluded = $4 WHERE id = $1 AND load_status = $5",
        vec![
            campaign_id.into(),
            load_status::READY.into(),
            Utc::now().into(),
            serde_json::to_value(excluded).map_err(anyhow::Error::from)?.into(),
            load_status::LOADING.into(),
        ],
    )
    .await?;
    Ok(())
}

async fn set_cursor(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    cursor: i64,
) -> Result<(), ServiceError> {
    db::execute(
        conn,
        "UPDATE campaigns SET load_cursor = $2 WHERE id = $1",
        vec![campaign_id.into(), cursor.into()],
    )
    .await?;
    Ok(())
}

/// PostgreSQL's statistics of the members and records, refreshed once the
/// members are numbered: planned with the numbers of an empty table, a
/// chunk's probe for existing records loops over a sequential scan (seen:
/// 400 s for one chunk at 1M contacts instead of 3 s). No-op elsewhere (and
/// a warning, not an error, when the role does not own the tables).
async fn refresh_statistics(services: &Services) -> Result<(), ServiceError> {
    if services.db.get_database_backend() == DatabaseBackend::Postgres {
        db::execute(
            &services.db,
            "ANALYZE campaign_members, calling_list_records",
            Vec::new(),
        )
        .await?;
    }
    Ok(())
}

/// Sorts and hashes of a load's statements fit in memory on PostgreSQL
/// (the 4 MB default spills a 250k-row chunk to disk); no-op elsewhere.
async fn roomy(txn: &impl ConnectionTrait) -> Result<(), ServiceError> {
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        db::execute(txn, "SET LOCAL work_mem = '128MB'", Vec::new()).await?;
    }
    Ok(())
}

/// Which records of a chunk's chains one statement writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Every record.
    All,
    /// The chain heads (the READY records) alone.
    Heads,
    /// Every record after its chain's head.
    Chains,
}

/// Members `(from, to]` into records, with the counters and the cursor;
/// `false` when the load is no longer wanted. The first chunk commits its
/// chain heads first, so its contacts are dialable before their other
/// devices are written; the cursor moves with the last part only, so a load
/// killed in between goes over the chunk again (skipping what is there).
async fn load_chunk(
    services: &Services,
    task: Option<&ClaimedTask>,
    plan: &Plan,
    classes: &[Class],
    from: i64,
    to: i64,
    members: i64,
) -> Result<bool, ServiceError> {
    if let Some(task) = task {
        queue::heartbeat(&services.db, task, LEASE).await?;
    }
    // A chunk whose contacts have no record yet (the usual case: beyond the
    // committed cursor of a first load) is inserted plainly; one that may hold
    // records already (a reload, a chunk gone over again) skips them. The
    // speculative insertion of `ON CONFLICT` costs ≈ 15 % of a chunk.
    let conflict = records_exist(&services.db, plan.campaign.row.id, from, to).await?;
    let range = (from, to);
    if from == 0 && !write_part(services, plan, classes, range, Part::Heads, conflict, None).await?
    {
        return Ok(false);
    }
    let part = if from == 0 { Part::Chains } else { Part::All };
    let cursor = Some(to.min(members));
    write_part(services, plan, classes, range, part, conflict, cursor).await
}

/// One part of members `(from, to]` into records with its counters (and the
/// cursor, when given) in one transaction; `false` when the load is no
/// longer wanted.
async fn write_part(
    services: &Services,
    plan: &Plan,
    classes: &[Class],
    (from, to): (i64, i64),
    part: Part,
    conflict: bool,
    cursor: Option<i64>,
) -> Result<bool, ServiceError> {
    let campaign_id = plan.campaign.row.id;
    let txn = services.begin().await?;
    if still_loading(&txn, campaign_id).await?.is_none() {
        return Ok(false);
    }
    roomy(&txn).await?;
    let step = Instant::now();
    let (total, ready) = insert_chunk(&txn, plan, classes, (from, to), part, conflict).await?;
    tracing::info!(%campaign_id, from, to, ?part, total, ms = step.elapsed().as_millis() as u64, "chunk inserted");
    stats::add(
        &txn,
        campaign_id,
        Delta {
            total,
            ready,
            ..Delta::default()
        },
    )
    .await?;
    if let Some(cursor) = cursor {
        set_cursor(&txn, campaign_id, cursor).await?;
    }
    txn.commit().await?;
    Ok(true)
}

fn get<T: TryGetable>(row: &sea_orm::QueryResult, column: &str) -> Result<T, sea_orm::DbErr> {
    row.try_get("", column)
}

/// Ready records among members `(from, to]` (a range of the lease index).
async fn ready_in(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    from: i64,
    to: i64,
) -> Result<i64, ServiceError> {
    let rows = db::query(
        conn,
        "SELECT COUNT(*) AS ready FROM calling_list_records \
         WHERE campaign_id = $1 AND record_status = $4 AND seq > $2 AND seq <= $3",
        vec![
            campaign_id.into(),
            from.into(),
            to.into(),
            record_status::READY.into(),
        ],
    )
    .await?;
    let row = rows
        .first()
        .ok_or_else(|| anyhow::anyhow!("a count returned no row"))?;
    Ok(get::<i64>(row, "ready")?)
}

/// Whether any contact among members `(from, to]` has a record already (a
/// record's chain is its contact, and a device belongs to one contact for
/// good, so no record found means no device of the range can conflict).
async fn records_exist(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    from: i64,
    to: i64,
) -> Result<bool, ServiceError> {
    let rows = db::query(
        conn,
        "SELECT 1 AS found FROM campaign_members m JOIN calling_list_records r \
         ON r.campaign_id = m.campaign_id AND r.chain_id = m.contact_id \
         WHERE m.campaign_id = $1 AND m.seq > $2 AND m.seq <= $3 LIMIT 1",
        vec![campaign_id.into(), from.into(), to.into()],
    )
    .await?;
    Ok(!rows.is_empty())
}

/// Whether members can be numbered by streaming the contact index: one list,
/// contact order, no selection rule — then the first chunk is numbered and
/// loaded before the rest.
fn streams(campaign: &super::Campaign) -> bool {
    campaign.lists.len() == 1
        && campaign.record_order.is_empty()
        && campaign.selection_rule_ids.is_empty()
}

/// The first `count` members of a [`streams`] campaign (numbering begins
/// again: earlier members are dropped); how many there are.
async fn number_head(
    services: &Services,
    campaign: &super::Campaign,
    count: i64,
) -> Result<i64, ServiceError> {
    let id = campaign.row.id;
    let list = campaign
        .lists
        .first()
        .ok_or_else(|| anyhow::anyhow!("a campaign without lists"))?;
    let txn = services.begin().await?;
    hold(&txn, id).await?;
    db::execute(
        &txn,
        "DELETE FROM campaign_members WHERE campaign_id = $1",
        vec![id.into()],
    )
    .await?;
    let head = db::execute(
        &txn,
        "INSERT INTO campaign_members (campaign_id, seq, contact_id) \
         SELECT $1, ROW_NUMBER() OVER (ORDER BY c.id), c.id FROM contacts c WHERE c.list_id = $2 \
         ORDER BY c.id LIMIT $3",
        vec![id.into(), list.list_id.into(), count.into()],
    )
    .await? as i64;
    txn.commit().await?;
    Ok(head)
}

/// The members after the first `head` of a [`streams`] campaign: every later
/// contact (by id, so a contact added or removed meanwhile cannot collide with
/// a number given out); records the total.
async fn number_rest(
    services: &Services,
    campaign: &super::Campaign,
    head: i64,
) -> Result<i64, ServiceError> {
    let id = campaign.row.id;
    let list = campaign
        .lists
        .first()
        .ok_or_else(|| anyhow::anyhow!("a campaign without lists"))?;
    let txn = services.begin().await?;
    hold(&txn, id).await?;
    let rest = db::execute(
        &txn,
        "INSERT INTO campaign_members (campaign_id, seq, contact_id) \
         SELECT $1, $3 + ROW_NUMBER() OVER (ORDER BY c.id), c.id FROM contacts c WHERE c.list_id = $2 \
         AND c.id > COALESCE((SELECT MAX(contact_id) FROM campaign_members WHERE campaign_id = $1), 0)",
        vec![id.into(), list.list_id.into(), head.into()],
    )
    .await? as i64;
    let members = head + rest;
    db::execute(
        &txn,
        "UPDATE campaigns SET load_members = $2 WHERE id = $1",
        vec![id.into(), members.max(0).into()],
    )
    .await?;
    txn.commit().await?;
    Ok(members)
}

/// The stored column a sort field reads.
fn sort_column(field: &str) -> String {
    match field {
        "clientId" => "c.client_id".into(),
        "firstName" => "c.first_name".into(),
        "lastName" => "c.last_name".into(),
        "company" => "c.company".into(),
        "postalCode" => "c.postal_code".into(),
        "country" => "c.country".into(),
        "timeZone" => "c.time_zone".into(),
        // checked by `campaign::settings::check_record_order`: other1…other20
        custom => format!("(c.custom ->> '{}')", custom.replace('\'', "")),
    }
}

fn list_case(
    campaign: &super::Campaign,
    values: &mut Vec<Value>,
    pick: impl Fn(usize, &super::CampaignList) -> i64,
) -> String {
    let mut sql = String::from("CASE c.list_id");
    for (index, list) in campaign.lists.iter().enumerate() {
        values.push(list.list_id.into());
        sql.push_str(&format!(
            " WHEN ${} THEN {}",
            values.len(),
            pick(index, list)
        ));
    }
    sql.push_str(" END");
    sql
}

/// Step 1: numbers the campaign's contacts in dialling order; returns how many.
async fn build_members(
    services: &Services,
    campaign: &super::Campaign,
) -> Result<i64, ServiceError> {
    let id = campaign.row.id;
    let filtered = !campaign.selection_rule_ids.is_empty();
    if filtered {
        filter_candidates(services, campaign).await?;
    }
    let txn = services.begin().await?;
    hold(&txn, id).await?;
    roomy(&txn).await?;
    db::execute(
        &txn,
        "DELETE FROM campaign_members WHERE campaign_id = $1",
        vec![id.into()],
    )
    .await?;
    let mut values: Vec<Value> = vec![id.into()];
    let position = list_case(campaign, &mut values, |index, _| index as i64);
    let weight = list_case(campaign, &mut values, |_, list| i64::from(list.weight));
    let mut order = String::new();
    for field in &campaign.record_order {
        let column = sort_column(&field.field);
        let direction = if field.descending { "DESC" } else { "ASC" };
        order.push_str(&format!("({column} IS NULL), {column} {direction}, "));
    }
    let lists: Vec<String> = (0..campaign.lists.len())
        .map(|index| format!("${}", index + 2))
        .collect();
    let candidates = if filtered {
        " AND c.id IN (SELECT contact_id FROM campaign_candidates WHERE campaign_id = $1)"
    } else {
        ""
    };
    let mix = match campaign.list_mix {
        ListMix::Weighted => "(CAST(x.rn AS REAL) - 0.5) / x.weight, x.position",
        ListMix::Ordered => "x.position, x.rn",
    };
    let sql = format!(
        "INSERT INTO campaign_members (campaign_id, seq, contact_id) \
         SELECT $1, ROW_NUMBER() OVER (ORDER BY {mix}, x.id), x.id FROM ( \
           SELECT c.id, {position} AS position, {weight} AS weight, \
           ROW_NUMBER() OVER (PARTITION BY c.list_id ORDER BY {order}c.id) AS rn \
           FROM contacts c WHERE c.list_id IN ({lists}){candidates} \
         ) x",
        lists = lists.join(", ")
    );
    let members = db::execute(&txn, &sql, values).await? as i64;
    db::execute(
        &txn,
        "DELETE FROM campaign_candidates WHERE campaign_id = $1",
        vec![id.into()],
    )
    .await?;
    db::execute(
        &txn,
        "UPDATE campaigns SET load_members = $2 WHERE id = $1",
        vec![id.into(), members.max(0).into()],
    )
    .await?;
    txn.commit().await?;
    Ok(members)
}

/// Contacts of the campaign's lists the selection rules drop.
async fn filtered_count(
    services: &Services,
    campaign: &super::Campaign,
) -> Result<i64, ServiceError> {
    if campaign.selection_rule_ids.is_empty() {
        return Ok(0);
    }
    let lists: Vec<String> = (0..campaign.lists.len())
        .map(|index| format!("${}", index + 2))
        .collect();
    let mut values: Vec<Value> = vec![campaign.row.id.into()];
    values.extend(campaign.lists.iter().map(|list| Value::from(list.list_id)));
    let rows = db::query(
        &services.db,
        &format!(
            "SELECT (SELECT COUNT(*) FROM contacts c WHERE c.list_id IN ({})) - \
             (SELECT COUNT(*) FROM campaign_members WHERE campaign_id = $1) AS filtered",
            lists.join(", ")
        ),
        values,
    )
    .await?;
    Ok(rows
        .first()
        .map(|row| get::<i64>(row, "filtered"))
        .transpose()?
        .unwrap_or(0))
}

/// Evaluates the campaign's selection rules (any of them keeps a contact) over
/// its lists in keyset pages and records the kept contacts.
async fn filter_candidates(
    services: &Services,
    campaign: &super::Campaign,
) -> Result<(), ServiceError> {
    let specs: Vec<SelectionSpec> = entity::selection_rule::Entity::find()
        .filter(entity::selection_rule::Column::TenantId.eq(campaign.row.tenant_id))
        .filter(entity::selection_rule::Column::Id.is_in(campaign.selection_rule_ids.clone()))
        .all(&services.db)
        .await?
        .into_iter()
        .map(|rule| super::parse_json::<SelectionSpec>(&rule.spec))
        .collect::<Result<_, _>>()?;
    let id = campaign.row.id;
    db::execute(
        &services.db,
        "DELETE FROM campaign_candidates WHERE campaign_id = $1",
        vec![id.into()],
    )
    .await?;
    for list in &campaign.lists {
        let mut after = 0i64;
        loop {
            let contacts = entity::contact::Entity::find()
                .filter(entity::contact::Column::ListId.eq(list.list_id))
                .filter(entity::contact::Column::Id.gt(after))
                .order_by_id_asc()
                .limit(5_000)
                .all(&services.db)
                .await?;
            let Some(last) = contacts.last() else { break };
            after = last.id;
            let ids: Vec<i64> = contacts.iter().map(|contact| contact.id).collect();
            let devices = entity::contact_device::Entity::find()
                .filter(entity::contact_device::Column::ContactId.is_in(ids))
                .all(&services.db)
                .await?;
            let mut by_contact: BTreeMap<i64, Vec<entity::contact_device::Model>> = BTreeMap::new();
            for device in devices {
                by_contact
                    .entry(device.contact_id)
                    .or_default()
                    .push(device);
            }
            let kept: Vec<i64> = contacts
                .iter()
                .filter(|contact| {
                    let draft = draft_of(
                        contact,
                        by_contact
                            .get(&contact.id)
                            .map(Vec::as_slice)
                            .unwrap_or(&[]),
                    );
                    specs.iter().any(|spec| spec.keeps(&draft))
                })
                .map(|contact| contact.id)
                .collect();
            if !kept.is_empty() {
                let txn = services.begin().await?;
                hold(&txn, id).await?;
                let rows = kept
                    .iter()
                    .map(|contact| format!("($1, {contact})"))
                    .collect::<Vec<_>>()
                    .join(", ");
                db::execute(
                    &txn,
                    &format!("INSERT INTO campaign_candidates (campaign_id, contact_id) VALUES {rows} ON CONFLICT DO NOTHING"),
                    vec![id.into()],
                )
                .await?;
                txn.commit().await?;
            }
        }
    }
    Ok(())
}

/// A stored contact as the selection rules read an imported one.
fn draft_of(
    contact: &entity::contact::Model,
    devices: &[entity::contact_device::Model],
) -> ContactDraft {
    let mut draft = ContactDraft::default();
    let fields = [
        ("clientId", &contact.client_id),
        ("firstName", &contact.first_name),
        ("lastName", &contact.last_name),
        ("company", &contact.company),
        ("postalCode", &contact.postal_code),
        ("country", &contact.country),
        ("timeZone", &contact.time_zone),
    ];
    for (name, value) in fields {
        if let Some(value) = value {
            draft.fields.insert(name, value.clone());
        }
    }
    if let Some(custom) = contact.custom.as_object() {
        for (key, value) in custom {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            draft.custom.insert(key.clone(), text);
        }
    }
    let mut devices: Vec<&entity::contact_device::Model> = devices.iter().collect();
    devices.sort_by_key(|device| device.position);
    for device in devices {
        let kind = kind_of(&device.kind);
        draft.devices.push(DeviceDraft {
            kind,
            raw: device.raw.clone(),
            phone: (kind != DeviceKind::Email)
                .then(|| domain::PhoneNumber::parse("value", &device.value, None).ok())
                .flatten(),
            value: device.value.clone(),
            region: device.region.clone(),
            time_zones: device
                .time_zones
                .as_deref()
                .map(|zones| zones.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
        });
    }
    draft
}

fn kind_of(stored: &str) -> DeviceKind {
    match stored {
        "HOME" => DeviceKind::Home,
        "WORK" => DeviceKind::Work,
        "MOBILE" => DeviceKind::Mobile,
        "SMS" => DeviceKind::Sms,
        "EMAIL" => DeviceKind::Email,
        _ => DeviceKind::Other,
    }
}

/// One device class put to the engine.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Class {
    device_type: String,
    region: String,
    zones: String,
    /// 1 when a device of this class may be dialled some time, with consent.
    ok_consent: i32,
    /// The same without consent.
    ok_plain: i32,
    daily_from: i32,
    daily_till: i32,
    tz_dbid: i32,
    tz_name: String,
}

/// Step 2: every distinct (device type, region, zones) of the campaign's
/// devices — or of members `range` only — judged once by the engine.
async fn classes(
    services: &Services,
    plan: &Plan,
    range: Option<(i64, i64)>,
) -> Result<Vec<Class>, ServiceError> {
    let Plan {
        campaign,
        settings,
        rules,
        kinds,
        ..
    } = plan;
    let mut values: Vec<Value> = Vec::new();
    let kinds_sql = placeholders_for(
        &mut values,
        kinds.iter().map(|kind| Value::from(kind.as_str())),
    );
    let sql = match range {
        Some((from, to)) => {
            values.push(campaign.row.id.into());
            values.push(from.into());
            values.push(to.into());
            let n = values.len();
            format!(
                "SELECT DISTINCT d.device_type AS device_type, COALESCE(d.region, '') AS region, \
                 COALESCE(d.time_zones, c.time_zone, '') AS zones \
                 FROM campaign_members m JOIN contacts c ON c.id = m.contact_id \
                 JOIN contact_devices d ON d.contact_id = m.contact_id \
                 WHERE m.campaign_id = ${} AND m.seq > ${} AND m.seq <= ${} AND d.kind IN ({kinds_sql})",
                n - 2,
                n - 1,
                n
            )
        }
        None => {
            let lists = placeholders_for(
                &mut values,
                campaign.lists.iter().map(|list| Value::from(list.list_id)),
            );
            // One pass over the devices: the contact's zone is looked up only
            // for a device without its own.
            format!(
                "SELECT DISTINCT d.device_type AS device_type, COALESCE(d.region, '') AS region, \
                 COALESCE(d.time_zones, (SELECT c.time_zone FROM contacts c WHERE c.id = d.contact_id), '') AS zones \
                 FROM contact_devices d WHERE d.list_id IN ({lists}) AND d.kind IN ({kinds_sql})"
            )
        }
    };
    let rows = db::query(&services.db, &sql, values).await?;
    let now = Utc::now();
    let mut classes = Vec::with_capacity(rows.len());
    for row in rows {
        let device_type: String = get(&row, "device_type")?;
        let region: String = get(&row, "region")?;
        let zones_text: String = get(&row, "zones")?;
        let zones: Vec<Tz> = zones_text
            .split_whitespace()
            .filter_map(|zone| zone.parse().ok())
            .collect();
        let facts = |consent: bool| DeviceFacts {
            value: String::new(),
            device_type: match device_type.as_str() {
                "MOBILE" => RuleDeviceType::Mobile,
                "LANDLINE" => RuleDeviceType::Landline,
                _ => RuleDeviceType::Unknown,
            },
            regions: if region.is_empty() {
                Vec::new()
            } else {
                vec![region.clone()]
            },
            zones: zones.clone(),
            contact_zones: Vec::new(),
            consent_automated: consent,
            reassigned: false,
            ported: false,
            client_id: None,
            contact_email: None,
            custom_keys: Default::default(),
        };
        let ever = |consent: bool| {
            let decision = compliance::decide(
                rules,
                &facts(consent),
                settings.dialing_mode,
                &NoSuppression,
                &AttemptLog::default(),
                now,
            );
            i32::from(decision.allowed || decision.next_allowed_at.is_some())
        };
        let probe = facts(true);
        let resolved = compliance::resolve_zones(rules, &probe);
        let zone = resolved.first().copied();
        let (daily_from, daily_till) = daily_window(rules, &probe.regions, zone, now);
        classes.push(Class {
            ok_consent: ever(true),
            ok_plain: ever(false),
            daily_from,
            daily_till,
            tz_dbid: zone
                .and_then(|zone| {
                    chrono_tz::TZ_VARIANTS
                        .iter()
                        .position(|known| *known == zone)
                })
                .map_or(-1, |index| index as i32),
            tz_name: zone.map(|zone| zone.name().to_owned()).unwrap_or_default(),
            device_type,
            region,
            zones: zones_text,
        });
    }
    Ok(classes)
}

/// Today's calling window in the device's zone, as seconds since local
/// midnight: the latest start and earliest end over the windows that apply
/// (a hint for dialers reading the table; every lease and pre-dial check
/// applies the whole rule set).
fn daily_window(
    rules: &RuleSet,
    regions: &[String],
    zone: Option<Tz>,
    now: chrono::DateTime<Utc>,
) -> (i32, i32) {
    let day = compliance::Day::of(match zone {
        Some(zone) => now.with_timezone(&zone).date_naive(),
        None => now.date_naive(),
    });
    let mut from = 0i32;
    let mut till = 24 * 3600;
    for (_, window) in rules.windows_for(regions) {
        let slots: Vec<_> = window.slots_on(day).collect();
        if slots.is_empty() {
            return (0, 0);
        }
        let start = slots
            .iter()
            .map(|slot| i32::from(slot.start.minutes()))
            .min()
            .unwrap_or(0)
            * 60;
        let end = slots
            .iter()
            .map(|slot| i32::from(slot.end.minutes()))
            .max()
            .unwrap_or(0)
            * 60;
        from = from.max(start);
        till = till.min(end);
    }
    if till < from { (0, 0) } else { (from, till) }
}

fn placeholders_for(values: &mut Vec<Value>, items: impl Iterator<Item = Value>) -> String {
    let mut names = Vec::new();
    for item in items {
        values.push(item);
        names.push(format!("${}", values.len()));
    }
    if names.is_empty() {
        "NULL".to_owned()
    } else {
        names.join(", ")
    }
}

/// Active suppression lists for the campaign's channel: (value lists, client-id lists).
async fn suppression_lists(
    services: &Services,
    tenant_id: Uuid,
    mode: DialMode,
) -> Result<(Vec<Uuid>, Vec<Uuid>), ServiceError> {
    let channel = match mode {
        DialMode::Sms => Channel::Sms,
        DialMode::Email => Channel::Email,
        _ => Channel::Voice,
    };
    let value_kind = if mode == DialMode::Email {
        "EMAIL"
    } else {
        "PHONE"
    };
    let lists = suppression_list::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(suppression_list::Column::TenantId.eq(tenant_id))
                .add(suppression_list::Column::TenantId.is_null()),
        )
        .all(&services.db)
        .await?;
    let applies =
        |list: &&suppression_list::Model| crate::suppression::applies_to(&list.channels, channel);
    let values = lists
        .iter()
        .filter(applies)
        .filter(|list| list.kind == value_kind)
        .map(|list| list.id)
        .collect();
    let clients = lists
        .iter()
        .filter(applies)
        .filter(|list| list.kind == "CLIENT_ID")
        .map(|list| list.id)
        .collect();
    Ok((values, clients))
}

/// The JSON parameter that carries the classes, as a table `w`.
fn classes_source(backend: DatabaseBackend, parameter: usize) -> String {
    if backend == DatabaseBackend::Postgres {
        format!(
            "json_to_recordset(${parameter}::json) AS w(device_type text, region text, zones text, \
             ok_consent int, ok_plain int, daily_from int, daily_till int, tz_dbid int, tz_name text)"
        )
    } else {
        format!(
            "(SELECT value ->> 'device_type' AS device_type, value ->> 'region' AS region, \
             value ->> 'zones' AS zones, value ->> 'ok_consent' AS ok_consent, value ->> 'ok_plain' AS ok_plain, \
             value ->> 'daily_from' AS daily_from, value ->> 'daily_till' AS daily_till, \
             value ->> 'tz_dbid' AS tz_dbid, value ->> 'tz_name' AS tz_name FROM json_each(${parameter})) AS w"
        )
    }
}

/// The shared FROM / WHERE of a chunk's insert and of the exclusion count:
/// members × contacts × devices of the usable kinds, joined to their class.
struct Scope {
    from: String,
    suppressed: String,
    dialable: String,
    values: Vec<Value>,
}

fn scope(backend: DatabaseBackend, plan: &Plan, classes: &[Class]) -> Result<Scope, ServiceError> {
    let Plan {
        campaign,
        settings,
        kinds,
        lists,
        ..
    } = plan;
    let mut values: Vec<Value> = vec![
        campaign.row.tenant_id.into(),
        campaign.row.id.into(),
        Utc::now().into(),
    ];
    values.push(
        serde_json::to_string(classes)
            .map_err(anyhow::Error::from)?
            .into(),
    );
    let classes_sql = classes_source(backend, values.len());
    let kinds_sql = placeholders_for(
        &mut values,
        kinds.iter().map(|kind| Value::from(kind.as_str())),
    );
    let value_lists = placeholders_for(&mut values, lists.0.iter().map(|id| Value::from(*id)));
    let client_lists = placeholders_for(&mut values, lists.1.iter().map(|id| Value::from(*id)));
    let mut suppressed = Vec::new();
    if !lists.0.is_empty() {
        suppressed.push(format!(
            "EXISTS (SELECT 1 FROM suppression_entries s WHERE s.value = d.value AND s.list_id IN ({value_lists}) \
             AND (s.expires_at IS NULL OR s.expires_at > $3))"
        ));
    }
    if !lists.1.is_empty() {
        suppressed.push(format!(
            "(c.client_id IS NOT NULL AND EXISTS (SELECT 1 FROM suppression_entries s WHERE s.value = c.client_id \
             AND s.list_id IN ({client_lists}) AND (s.expires_at IS NULL OR s.expires_at > $3)))"
        ));
    }
    let suppressed = if suppressed.is_empty() {
        "FALSE".to_owned()
    } else {
        suppressed.join(" OR ")
    };
    let consent = if settings.dialing_mode == DialMode::Sms {
        "c.consent_sms"
    } else {
        "c.consent_automated"
    };
    Ok(Scope {
        from: format!(
            "campaign_members m JOIN contacts c ON c.id = m.contact_id \
             JOIN contact_devices d ON d.contact_id = m.contact_id \
             LEFT JOIN {classes_sql} ON w.device_type = d.device_type AND w.region = COALESCE(d.region, '') \
             AND w.zones = COALESCE(d.time_zones, c.time_zone, '') \
             WHERE m.campaign_id = $2 AND d.kind IN ({kinds_sql})"
        ),
        suppressed,
        dialable: format!("(CASE WHEN {consent} THEN w.ok_consent ELSE w.ok_plain END) = 1"),
        values,
    })
}

/// Step 3: one part of members `(from, to]` into records (skipping existing
/// ones when `conflict`); (records, ready records) added.
async fn insert_chunk(
    txn: &impl ConnectionTrait,
    plan: &Plan,
    classes: &[Class],
    (from, to): (i64, i64),
    part: Part,
    conflict: bool,
) -> Result<(i64, i64), ServiceError> {
    let backend = txn.get_database_backend();
    let kinds = &plan.kinds;
    let Scope {
        from: scope_sql,
        suppressed,
        dialable,
        mut values,
    } = scope(backend, plan, classes)?;
    values.push(from.into());
    let from_at = values.len();
    values.push(to.into());
    let to_at = values.len();
    let rank = {
        let mut case = String::from("CASE d.kind");
        for (index, kind) in kinds.iter().enumerate() {
            case.push_str(&format!(" WHEN '{}' THEN {index}", kind.as_str()));
        }
        case.push_str(" END");
        case
    };
    let info_type = {
        let mut case = String::from("CASE d.kind");
        for kind in kinds {
            case.push_str(&format!(
                " WHEN '{}' THEN {}",
                kind.as_str(),
                layout::contact_info_type(*kind)
            ));
        }
        case.push_str(" ELSE 0 END");
        case
    };
    let conflict = if conflict {
        " ON CONFLICT (campaign_id, device_id) DO NOTHING"
    } else {
        ""
    };
    let part = match part {
        Part::All => "TRUE",
        Part::Heads => "x.n = 1",
        Part::Chains => "x.n > 1",
    };
    let sql = format!(
        "INSERT INTO calling_list_records (tenant_id, campaign_id, contact_id, device_id, seq, contact_info, \
         contact_info_type, record_type, record_status, call_result, attempt, daily_from, daily_till, tz_dbid, \
         tz_name, chain_id, chain_n, c_client_id, c_first_name, c_last_name, c_company, c_postal_code, c_country, \
         cd_kind, cd_country_code, cd_area_code, cd_region, cd_device_type) \
         SELECT $1, $2, x.contact_id, x.device_id, x.seq, x.value, x.info_type, {general}, \
         CASE WHEN x.n = 1 THEN {ready} ELSE {chain_ready} END, {unknown}, 0, x.daily_from, x.daily_till, x.tz_dbid, \
         x.tz_name, x.contact_id, x.n - 1, x.client_id, x.first_name, x.last_name, x.company, x.postal_code, x.country, \
         x.kind, x.country_code, x.area_code, x.region, x.device_type FROM ( \
           SELECT m.seq, d.contact_id, d.id AS device_id, d.value, {info_type} AS info_type, \
           CAST(w.daily_from AS INTEGER) AS daily_from, CAST(w.daily_till AS INTEGER) AS daily_till, \
           CAST(w.tz_dbid AS INTEGER) AS tz_dbid, NULLIF(w.tz_name, '') AS tz_name, \
           c.client_id, c.first_name, c.last_name, c.company, c.postal_code, c.country, d.kind, d.country_code, \
           d.area_code, d.region, d.device_type, \
           ROW_NUMBER() OVER (PARTITION BY d.contact_id ORDER BY {rank}, d.position) AS n \
           FROM {scope_sql} AND m.seq > ${from_at} AND m.seq <= ${to_at} AND {dialable} AND NOT ({suppressed}) \
         ) x WHERE {part}{conflict}",
        general = layout::record_type::GENERAL,
        ready = record_status::READY,
        chain_ready = record_status::CHAIN_READY,
        unknown = layout::CALL_RESULT_UNKNOWN,
    );
    let campaign_id = plan.campaign.row.id;
    if backend == DatabaseBackend::Postgres {
        // What this statement inserted, counted as it goes (a repeated chunk inserts nothing).
        let rows = db::query(
            txn,
            &format!(
                "WITH inserted AS ({sql} RETURNING record_status) SELECT COUNT(*) AS total, \
                 COALESCE(SUM(CASE WHEN record_status = {ready} THEN 1 ELSE 0 END), 0) AS ready FROM inserted",
                ready = record_status::READY
            ),
            values,
        )
        .await?;
        let row = rows
            .first()
            .ok_or_else(|| anyhow::anyhow!("a count returned no row"))?;
        Ok((get::<i64>(row, "total")?, get::<i64>(row, "ready")?))
    } else {
        // SQLite has one writer at a time: before and after in this transaction are exact.
        let before = ready_in(txn, campaign_id, from, to).await?;
        let total = db::execute(txn, &sql, values).await? as i64;
        let after = ready_in(txn, campaign_id, from, to).await?;
        Ok((total, after - before))
    }
}

/// Devices of the members left out, by reason (suppressed first, then never
/// dialable); no scan when nothing can be left out (no active suppression
/// list and every class dialable with consent or without).
async fn count_excluded(
    services: &Services,
    plan: &Plan,
    classes: &[Class],
) -> Result<Excluded, ServiceError> {
    let nothing = plan.lists.0.is_empty()
        && plan.lists.1.is_empty()
        && classes
            .iter()
            .all(|class| class.ok_consent == 1 && class.ok_plain == 1);
    if nothing {
        return Ok(Excluded::default());
    }
    let Scope {
        from,
        suppressed,
        dialable,
        values,
    } = scope(services.db.get_database_backend(), plan, classes)?;
    let sql = format!(
        "SELECT COALESCE(SUM(CASE WHEN {suppressed} THEN 1 ELSE 0 END), 0) AS suppressed, \
         COALESCE(SUM(CASE WHEN NOT ({suppressed}) AND NOT (COALESCE({dialable}, FALSE)) THEN 1 ELSE 0 END), 0) AS undialable \
         FROM {from}"
    );
    let rows = db::query(&services.db, &sql, values).await?;
    let row = rows
        .first()
        .ok_or_else(|| anyhow::anyhow!("a count returned no row"))?;
    Ok(Excluded {
        suppressed: get::<i64>(row, "suppressed")?,
        undialable: get::<i64>(row, "undialable")?,
        filtered: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back() {
        for kind in layout::DEFAULT_DEVICE_ORDER {
            assert_eq!(kind_of(kind.as_str()), kind);
        }
    }

    #[test]
    fn weekday_is_used() {
        // Just exercise the window computation on the defaults.
        let rules = crate::rule_sets::defaults_for("America/New_York");
        let (from, till) =
            daily_window(&rules, &[], Some(chrono_tz::America::New_York), Utc::now());
        assert_eq!((from, till), (8 * 3600, 21 * 3600));
    }
}
