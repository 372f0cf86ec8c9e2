//! Record leases for dialers that do not read the calling-list table
//! (`POST /ocs/v1/campaigns/{id}/records:lease`): the next ready records in
//! campaign order, each judged by the compliance engine at that moment (a
//! record a rule refuses is rescheduled to its next allowed instant, or
//! cancelled when no time lifts the refusal, and never handed out), marked
//! retrieved with an expiry. On PostgreSQL candidates are row-locked with
//! `SKIP LOCKED`; on SQLite the write transaction serialises leases. Either
//! way two dialers never get the same record.

use campaign::layout::{record_status, record_type};
use campaign::{CampaignState, TemplateSettings};
use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use compliance::{DeviceFacts, RuleSet};
use domain::PhoneNumber;
use entity::calling_list_record;
use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult};
use uuid::Uuid;

use super::stats::{self, Delta};
use crate::accounts::api_clients::ApiPrincipal;
use crate::db;
use crate::dialing::judge::{self, Person};
use crate::{ServiceError, Services};

/// Most records one lease hands out.
pub const MAX_COUNT: u32 = 500;
/// Default lease length.
pub const DEFAULT_LEASE_SECONDS: u32 = 300;

/// What a dialer asks for.
#[derive(Debug, Clone)]
pub struct LeaseRequest {
    /// How many records (1 to 500).
    pub count: u32,
    /// How long the dialer keeps them before they return to ready (10 s to 1 h).
    pub lease_seconds: u32,
    /// The agent asking: personal callbacks are only handed to their agent.
    pub agent_id: Option<String>,
}

/// A leased record.
#[derive(Debug, Clone)]
pub struct Leased {
    /// The record as stored, after the lease.
    pub record: calling_list_record::Model,
    /// The campaign's name (`GSW_CAMPAIGN_NAME`).
    pub campaign: String,
}

/// What a lease gives: records, or why there are none.
#[derive(Debug, Clone)]
pub struct LeaseOutcome {
    /// The leased records, in campaign order.
    pub records: Vec<Leased>,
    /// When empty, why (`"no ready records"`, the schedule …).
    pub idle_reason: Option<String>,
    /// Candidates a rule refused and that were rescheduled or cancelled.
    pub refused: u32,
}

/// The columns a record is judged on: the record, and its contact's consent,
/// own zone, custom fields and first e-mail address.
pub(crate) const SUBJECT_COLUMNS: &str = "r.record_id, r.contact_info, r.c_client_id, r.tz_name, \
     r.record_status, r.dial_sched_time, c.time_zone AS contact_zone, c.consent_automated, \
     c.consent_sms, c.custom, (SELECT e.value FROM contact_devices e WHERE e.contact_id = r.contact_id \
     AND e.kind = 'EMAIL' ORDER BY e.position LIMIT 1) AS email";

/// A record with what the engine needs of its contact.
#[derive(Debug, FromQueryResult)]
pub(crate) struct Subject {
    pub(crate) record_id: i64,
    pub(crate) contact_info: String,
    pub(crate) c_client_id: Option<String>,
    pub(crate) tz_name: Option<String>,
    pub(crate) record_status: i16,
    pub(crate) dial_sched_time: Option<i64>,
    pub(crate) contact_zone: Option<String>,
    pub(crate) consent_automated: bool,
    pub(crate) consent_sms: bool,
    pub(crate) custom: serde_json::Value,
    pub(crate) email: Option<String>,
}

/// Returns a campaign's expired leases to ready; how many.
pub async fn expire(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let returned = db::execute(
        conn,
        "UPDATE calling_list_records SET record_status = $2, lease_until = NULL, lease_id = NULL \
         WHERE campaign_id = $1 AND record_status = $3 AND lease_until < $4",
        vec![
            campaign_id.into(),
            record_status::READY.into(),
            record_status::RETRIEVED.into(),
            now.timestamp().into(),
        ],
    )
    .await?;
    if returned > 0 {
        let n = returned as i64;
        stats::add(
            conn,
            campaign_id,
            Delta {
                leased: -n,
                ready: n,
                ..Delta::default()
            },
        )
        .await?;
    }
    Ok(returned)
}

/// Returns every leased record of a campaign to ready (unload).
pub async fn release_all(
    conn: &impl ConnectionTrait,
    campaign_id: Uuid,
) -> Result<u64, ServiceError> {
    expire(conn, campaign_id, DateTime::<Utc>::MAX_UTC).await
}

/// Whether the template's schedule allows handing out records at `now`; why not.
pub fn outside_schedule(settings: &TemplateSettings, now: DateTime<Utc>) -> Option<String> {
    let schedule = settings.schedule.as_ref()?;
    let zone: Tz = schedule.time_zone.parse().ok()?;
    let local = now.with_timezone(&zone);
    let day_ok = schedule.days.is_empty() || schedule.days.contains(&local.weekday());
    let time = local.time();
    let end_ok = schedule.till == chrono::NaiveTime::MIN || time < schedule.till;
    if day_ok && time >= schedule.from && end_ok {
        None
    } else {
        Some(format!(
            "outside the campaign's schedule ({}–{} {})",
            schedule.from.format("%H:%M"),
            schedule.till.format("%H:%M"),
            schedule.time_zone
        ))
    }
}

/// The template's own daily window in the device's zone: the next instant it opens, when closed now.
fn window_reopens(
    settings: &TemplateSettings,
    zone: Option<&str>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let window = settings.time_window?;
    let zone: Tz = zone?.parse().ok()?;
    let local = now.with_timezone(&zone);
    let time = local.time();
    let open = time >= window.from && (window.till == chrono::NaiveTime::MIN || time < window.till);
    if open {
        return None;
    }
    let mut day = local.date_naive();
    if time >= window.from {
        day = day.succ_opt()?;
    }
    let opens = day.and_time(window.from);
    use chrono::offset::LocalResult;
    match opens.and_local_timezone(zone) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at.with_timezone(&Utc)),
        LocalResult::None => Some(now + TimeDelta::hours(1)),
    }
    .map(|at| at.with_second(0).unwrap_or(at))
}

/// The device facts the engine needs for a record, as a pre-dial check of
/// the same record would have them: the contact's client id, e-mail, consent
/// for the mode, its own zone (not the device's: the number's zones come from
/// the numbering data) and the custom keys the rules count by.
pub(crate) fn facts_of(
    services: &Services,
    subject: &Subject,
    mode: compliance::DialMode,
    custom_names: &[&str],
) -> Option<DeviceFacts> {
    let contact_zone = subject
        .contact_zone
        .as_deref()
        .and_then(|zone| zone.split_whitespace().next())
        .and_then(|zone| zone.parse::<Tz>().ok());
    if mode == compliance::DialMode::Email {
        // An address has no numbering facts: the contact's own zone is its zone.
        let address = subject.contact_info.trim().to_ascii_lowercase();
        if !address.contains('@') {
            return None;
        }
        return Some(DeviceFacts {
            value: address,
            contact_zones: contact_zone.into_iter().collect(),
            client_id: subject
                .c_client_id
                .clone()
                .filter(|id| !id.trim().is_empty()),
            contact_email: subject.email.clone().filter(|e| !e.trim().is_empty()),
            custom_keys: custom_values(subject, custom_names).into_iter().collect(),
            ..DeviceFacts::default()
        });
    }
    let number = PhoneNumber::parse("contact_info", &subject.contact_info, None).ok()?;
    let consent = if mode == compliance::DialMode::Sms {
        subject.consent_sms
    } else {
        subject.consent_automated
    };
    let person = Person {
        client_id: subject.c_client_id.clone(),
        email: subject.email.clone(),
        consent,
        contact_zone,
        custom: custom_values(subject, custom_names),
    };
    Some(judge::locate(services, &number, person).device)
}

/// The record's contact's values of the custom keys the rules count by.
fn custom_values(subject: &Subject, custom_names: &[&str]) -> Vec<(String, String)> {
    custom_names
        .iter()
        .filter_map(|name| {
            let value = subject.custom.get(*name)?;
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            Some(((*name).to_owned(), text))
        })
        .collect()
}

/// The rules a campaign's records are judged by: every required rule plus the
/// optional attempt rules its template attaches.
pub(crate) async fn campaign_rules(
    services: &Services,
    tenant_id: Uuid,
    settings: &TemplateSettings,
) -> Result<RuleSet, ServiceError> {
    let rules = services.hot.rules(services, tenant_id).await?;
    Ok(rules.stored.rules.for_campaign(&settings.optional_rules))
}

/// Leases up to `request.count` ready records of a running campaign.
pub async fn lease(
    services: &Services,
    client: &ApiPrincipal,
    campaign_id: Uuid,
    request: LeaseRequest,
) -> Result<LeaseOutcome, ServiceError> {
    lease_for(services, client.tenant_id, campaign_id, request).await
}

/// Leases records of a running campaign of `tenant_id` for an in-process
/// sender (the Dial Manager) or a dialer: the same judgement either way.
pub async fn lease_for(
    services: &Services,
    tenant_id: Uuid,
    campaign_id: Uuid,
    request: LeaseRequest,
) -> Result<LeaseOutcome, ServiceError> {
    if !(1..=MAX_COUNT).contains(&request.count) {
        return Err(
            domain::ValidationError::new("count", format!("must be 1 to {MAX_COUNT}")).into(),
        );
    }
    if !(10..=3600).contains(&request.lease_seconds) {
        return Err(domain::ValidationError::new("leaseSeconds", "must be 10 to 3600").into());
    }
    let campaign = super::find(&services.db, tenant_id, campaign_id, false).await?;
    if campaign.state != CampaignState::Running {
        return Err(ServiceError::conflict(
            "state",
            format!(
                "is {}: records are leased only while the campaign runs",
                campaign.state.as_str()
            ),
        ));
    }
    let settings = super::settings_of(&services.db, &campaign).await?;
    let now = Utc::now();
    if let Some(reason) = outside_schedule(&settings, now) {
        return Ok(LeaseOutcome {
            records: Vec::new(),
            idle_reason: Some(reason),
            refused: 0,
        });
    }
    let rules = campaign_rules(services, tenant_id, &settings).await?;
    if rules.emergency_stop {
        // The stop refuses everything until lifted: hand out nothing, touch nothing.
        return Ok(LeaseOutcome {
            records: Vec::new(),
            idle_reason: Some("the tenant's emergency stop is on".to_owned()),
            refused: 0,
        });
    }
    let mode = settings.dialing_mode;
    let custom_names = crate::dialing::attempts::custom_key_names(&rules);
    let mut leased: Vec<Leased> = Vec::new();
    let mut refused = 0u32;
    // Candidates are read and judged outside any transaction (judging reads the
    // cache and, on a cold list, the database: holding a write transaction
    // meanwhile would take a second pooled connection per lease, which starves
    // the pool under concurrent leases on SQLite); the short write transaction
    // then claims those still ready and due. Refused candidates are moved out of
    // the way and others may win a race, so a few rounds fill the lease.
    let txn = services.begin().await?;
    expire(&txn, campaign_id, now).await?;
    txn.commit().await?;
    for _round in 0..6 {
        let wanted = request.count as usize - leased.len();
        if wanted == 0 {
            break;
        }
        let sql = format!(
            "SELECT {SUBJECT_COLUMNS} \
             FROM calling_list_records r JOIN contacts c ON c.id = r.contact_id \
             WHERE r.campaign_id = $1 AND r.record_status = $2 \
             AND (r.dial_sched_time IS NULL OR r.dial_sched_time <= $3) \
             AND (r.record_type <> $4 OR r.agent_id = $5) \
             ORDER BY r.seq, r.chain_n LIMIT $6"
        );
        let rows = db::query(
            &services.db,
            &sql,
            vec![
                campaign_id.into(),
                record_status::READY.into(),
                now.timestamp().into(),
                record_type::PERSONAL_CALLBACK.into(),
                request.agent_id.clone().unwrap_or_default().into(),
                (wanted as i64).into(),
            ],
        )
        .await?;
        if rows.is_empty() {
            break;
        }
        let candidates: Vec<Subject> = rows
            .iter()
            .map(|row| Subject::from_query_result(row, ""))
            .collect::<Result<_, _>>()?;
        let mut items = Vec::with_capacity(candidates.len());
        let mut judged_ids = Vec::with_capacity(candidates.len());
        let mut cancel: Vec<i64> = Vec::new();
        let mut reschedule: Vec<(i64, i64)> = Vec::new();
        for candidate in &candidates {
            match facts_of(services, candidate, mode, &custom_names) {
                Some(facts) => {
                    if let Some(opens) =
                        window_reopens(&settings, candidate.tz_name.as_deref(), now)
                    {
                        reschedule.push((candidate.record_id, opens.timestamp()));
                        continue;
                    }
                    items.push((facts, mode));
                    judged_ids.push(candidate.record_id);
                }
                None => cancel.push(candidate.record_id),
            }
        }
        let judged = judge::judge(services, tenant_id, &rules, &items, now).await?;
        let mut allowed: Vec<i64> = Vec::new();
        for (id, verdict) in judged_ids.iter().zip(judged) {
            if verdict.decision.allowed {
                allowed.push(*id);
            } else {
                match verdict.decision.next_allowed_at {
                    Some(next) => reschedule.push((*id, next.timestamp().max(now.timestamp() + 1))),
                    None => cancel.push(*id),
                }
            }
        }
        // Claim what is still ready and due: another dialer may have taken some.
        let txn = services.begin().await?;
        let lock = if txn.get_database_backend() == DatabaseBackend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let ids: Vec<i64> = candidates
            .iter()
            .map(|candidate| candidate.record_id)
            .collect();
        let available: std::collections::HashSet<i64> = db::query(
            &txn,
            &format!(
                "SELECT record_id FROM calling_list_records WHERE record_id IN ({}) AND record_status = $1 \
                 AND (dial_sched_time IS NULL OR dial_sched_time <= $2){lock}",
                id_list(&ids)
            ),
            vec![record_status::READY.into(), now.timestamp().into()],
        )
        .await?
        .iter()
        .map(|row| row.try_get::<i64>("", "record_id"))
        .collect::<Result<_, _>>()?;
        allowed.retain(|id| available.contains(id));
        cancel.retain(|id| available.contains(id));
        reschedule.retain(|(id, _)| available.contains(id));
        refused += (cancel.len() + reschedule.len()) as u32;
        for (id, at) in &reschedule {
            db::execute(
                &txn,
                "UPDATE calling_list_records SET dial_sched_time = $2 WHERE record_id = $1",
                vec![(*id).into(), (*at).into()],
            )
            .await?;
        }
        let mut delta = Delta::default();
        for id in &cancel {
            cancel_record(&txn, *id, &mut delta).await?;
        }
        let lease_id = Uuid::new_v4().to_string();
        let until = now.timestamp() + i64::from(request.lease_seconds);
        if !allowed.is_empty() {
            let ids = id_list(&allowed);
            db::execute(
                &txn,
                &format!(
                    "UPDATE calling_list_records SET record_status = $1, lease_until = $2, lease_id = $3, \
                     agent_id = COALESCE($4, agent_id) WHERE record_id IN ({ids})"
                ),
                vec![
                    record_status::RETRIEVED.into(),
                    until.into(),
                    lease_id.clone().into(),
                    request.agent_id.clone().into(),
                ],
            )
            .await?;
            let n = allowed.len() as i64;
            delta.ready -= n;
            delta.leased += n;
            let rows = db::query(
                &txn,
                &format!("SELECT * FROM calling_list_records WHERE record_id IN ({ids}) ORDER BY seq, chain_n"),
                Vec::new(),
            )
            .await?;
            for row in rows {
                leased.push(Leased {
                    record: calling_list_record::Model::from_query_result(&row, "")?,
                    campaign: campaign.row.name.clone(),
                });
            }
        }
        stats::add(&txn, campaign_id, delta).await?;
        txn.commit().await?;
    }
    let idle_reason = leased.is_empty().then(|| {
        if refused > 0 {
            "every due record was refused by a compliance rule now; see the campaign's dialability"
                .to_owned()
        } else {
            "no ready records are due".to_owned()
        }
    });
    Ok(LeaseOutcome {
        records: leased,
        idle_reason,
        refused,
    })
}

/// A record no time will make dialable: cancelled; the chain goes on with its next device.
async fn cancel_record(
    txn: &impl ConnectionTrait,
    record_id: i64,
    delta: &mut Delta,
) -> Result<(), ServiceError> {
    let rows = db::query(
        txn,
        "SELECT * FROM calling_list_records WHERE record_id = $1",
        vec![record_id.into()],
    )
    .await?;
    let Some(row) = rows.first() else {
        return Ok(());
    };
    let record = calling_list_record::Model::from_query_result(row, "")?;
    db::execute(
        txn,
        "UPDATE calling_list_records SET record_status = $2, record_type = $3 WHERE record_id = $1",
        vec![
            record_id.into(),
            record_status::CANCELLED.into(),
            record_type::NO_CALL.into(),
        ],
    )
    .await?;
    delta.ready -= 1;
    delta.final_count += 1;
    if let Some(next) = super::treat::next_in_chain(txn, &record).await? {
        db::execute(
            txn,
            "UPDATE calling_list_records SET record_status = $2 WHERE record_id = $1",
            vec![next.into(), record_status::READY.into()],
        )
        .await?;
        delta.ready += 1;
    }
    Ok(())
}

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Returns expired leases of every campaign to ready, so counters and the
/// calling list are right even while no dialer asks for records; how many.
pub async fn sweep(services: &Services) -> Result<u64, ServiceError> {
    let now = Utc::now();
    let rows = db::query(
        &services.db,
        "SELECT DISTINCT campaign_id FROM calling_list_records WHERE record_status = $1 AND lease_until < $2",
        vec![record_status::RETRIEVED.into(), now.timestamp().into()],
    )
    .await?;
    let mut returned = 0;
    for row in rows {
        let campaign_id: Uuid = row.try_get("", "campaign_id")?;
        let txn = services.begin().await?;
        returned += expire(&txn, campaign_id, now).await?;
        txn.commit().await?;
    }
    Ok(returned)
}

/// The `campaigns` role's lease keeper: returns expired leases every five seconds until stopped.
pub async fn run_sweeper(services: Services, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(error) = sweep(&services).await {
            tracing::warn!(error = ?anyhow::Error::from(error), "returning expired leases");
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            _ = stop.wait_for(|stopped| *stopped) => return,
        }
    }
}
