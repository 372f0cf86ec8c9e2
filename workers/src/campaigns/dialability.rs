//! "Why is my dialer idle": for a campaign's records, how many each rule keeps
//! from being dialled now and through the next 24 hours. Every waiting record
//! is judged by the same engine and facts as a lease (suppression, windows,
//! holidays, attempt rules, consent, the emergency stop); records already
//! done, retries scheduled later and the campaign's own schedule are counted
//! beside the rules.

use std::collections::BTreeMap;

use campaign::layout::record_status;
use chrono::{DateTime, TimeDelta, Utc};
use compliance::RuleKind;
use domain::Permission;
use sea_orm::{FromQueryResult, TryGetable};
use uuid::Uuid;

use super::lease::{SUBJECT_COLUMNS, Subject, campaign_rules, facts_of, outside_schedule};
use crate::accounts::principal::Principal;
use crate::db;
use crate::dialing::judge;
use crate::{ServiceError, Services};

/// Records judged per engine batch.
const PAGE: i64 = 1_000;

/// One reason's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// A stable key: a rule (`CALLING_WINDOW`, `SUPPRESSION` …) or `FINAL`,
    /// `RETRY_SCHEDULED`, `LEASED`, `WAITING_IN_CHAIN`, `CAMPAIGN_SCHEDULE`, `NOT_A_NUMBER`.
    pub reason: String,
    /// For people.
    pub label: String,
    /// Records it excludes now.
    pub now: i64,
    /// Records it excludes for the whole next 24 hours.
    pub next_24h: i64,
}

/// The breakdown.
#[derive(Debug, Clone)]
pub struct Dialability {
    /// When it was computed.
    pub at: DateTime<Utc>,
    /// Records in the calling list.
    pub records: i64,
    /// Records a dialer could get now.
    pub dialable_now: i64,
    /// Per reason, largest first.
    pub exclusions: Vec<Exclusion>,
}

fn label(reason: &str) -> String {
    match reason {
        "FINAL" => "Done (final result, cancelled or chain finished)",
        "RETRY_SCHEDULED" => "Retry or callback scheduled later",
        "LEASED" => "Leased to a dialer",
        "WAITING_IN_CHAIN" => "Later device of a contact's chain",
        "CAMPAIGN_SCHEDULE" => "Outside the campaign's schedule",
        "NOT_A_NUMBER" => "Not a dialable number",
        "EMERGENCY_STOP" => "Emergency stop",
        "SUPPRESSION" => "On a suppression list",
        "TIME_ZONE_UNKNOWN" => "Time zone unknown",
        "CALLING_WINDOW" => "Outside the calling window",
        "HOLIDAY" => "Holiday blackout",
        "ATTEMPT_LIMIT" => "Attempt rule reached",
        "MOBILE_CONSENT" => "Mobile without consent",
        "REASSIGNED" => "Reassigned number",
        "PORTED" => "Ported number",
        other => other,
    }
    .to_owned()
}

fn rule_key(rule: RuleKind) -> &'static str {
    match rule {
        RuleKind::EmergencyStop => "EMERGENCY_STOP",
        RuleKind::Suppression => "SUPPRESSION",
        RuleKind::TimeZoneUnknown => "TIME_ZONE_UNKNOWN",
        RuleKind::CallingWindow => "CALLING_WINDOW",
        RuleKind::Holiday => "HOLIDAY",
        RuleKind::AttemptLimit => "ATTEMPT_LIMIT",
        RuleKind::MobileConsent => "MOBILE_CONSENT",
        RuleKind::Reassigned => "REASSIGNED",
        RuleKind::Ported => "PORTED",
    }
}

fn add(tally: &mut BTreeMap<String, (i64, i64)>, reason: &str, now: bool, later: bool) {
    let entry = tally.entry(reason.to_owned()).or_default();
    entry.0 += i64::from(now);
    entry.1 += i64::from(later);
}

fn get<T: TryGetable>(row: &sea_orm::QueryResult, column: &str) -> Result<T, sea_orm::DbErr> {
    row.try_get("", column)
}

/// Computes the breakdown for one campaign of the caller's tenant.
pub async fn compute(
    services: &Services,
    principal: &Principal,
    campaign_id: Uuid,
) -> Result<Dialability, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    let campaign = super::find(&services.db, principal.tenant_id, campaign_id, false).await?;
    let settings = super::settings_of(&services.db, &campaign).await?;
    let rules = campaign_rules(services, principal.tenant_id, &settings).await?;
    let now = Utc::now();
    let day_later = (now + TimeDelta::hours(24)).timestamp();
    let mut tally: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let rows = db::query(
        &services.db,
        "SELECT record_status, COUNT(*) AS n FROM calling_list_records WHERE campaign_id = $1 GROUP BY record_status",
        vec![campaign_id.into()],
    )
    .await?;
    let mut records = 0i64;
    for row in &rows {
        let status: i16 = get(row, "record_status")?;
        let n: i64 = get(row, "n")?;
        records += n;
        let reason = match status {
            record_status::UPDATED | record_status::CANCELLED => "FINAL",
            record_status::RETRIEVED => "LEASED",
            record_status::CHAIN_READY => "WAITING_IN_CHAIN",
            _ => continue,
        };
        let entry = tally.entry(reason.to_owned()).or_default();
        entry.0 += n;
        entry.1 += if reason == "FINAL" { n } else { 0 };
    }
    let schedule = outside_schedule(&settings, now);
    let custom_names = crate::dialing::attempts::custom_key_names(&rules);
    let mut dialable_now = 0i64;
    let mut after = 0i64;
    loop {
        let page = db::query(
            &services.db,
            &format!(
                "SELECT {SUBJECT_COLUMNS} FROM calling_list_records r JOIN contacts c ON c.id = r.contact_id \
             WHERE r.campaign_id = $1 AND r.record_status = $2 AND r.record_id > $3 ORDER BY r.record_id LIMIT $4"
            ),
            vec![campaign_id.into(), record_status::READY.into(), after.into(), PAGE.into()],
        )
        .await?;
        let Some(last) = page.last() else { break };
        after = get(last, "record_id")?;
        let waiting: Vec<Subject> = page
            .iter()
            .map(|row| Subject::from_query_result(row, ""))
            .collect::<Result<_, _>>()?;
        let mut items = Vec::new();
        for record in &waiting {
            debug_assert_eq!(record.record_status, record_status::READY);
            if let Some(at) = record.dial_sched_time
                && at > now.timestamp()
            {
                add(&mut tally, "RETRY_SCHEDULED", true, at > day_later);
                continue;
            }
            match facts_of(services, record, settings.dialing_mode, &custom_names) {
                Some(facts) => {
                    items.push((facts, settings.dialing_mode));
                }
                None => add(&mut tally, "NOT_A_NUMBER", true, true),
            }
        }
        let judged = judge::judge(services, principal.tenant_id, &rules, &items, now).await?;
        for verdict in judged {
            let decision = verdict.decision;
            if decision.allowed {
                if schedule.is_some() {
                    add(&mut tally, "CAMPAIGN_SCHEDULE", true, false);
                } else {
                    dialable_now += 1;
                }
                continue;
            }
            let blocked_all_day = decision
                .next_allowed_at
                .is_none_or(|next| next.timestamp() > day_later);
            let mut seen: Vec<&str> = Vec::new();
            for refusal in &decision.refusals {
                let key = rule_key(refusal.rule);
                if !seen.contains(&key) {
                    seen.push(key);
                    add(&mut tally, key, true, blocked_all_day);
                }
            }
        }
    }
    let mut exclusions: Vec<Exclusion> = tally
        .into_iter()
        .map(|(reason, (now, next_24h))| Exclusion {
            label: label(&reason),
            reason,
            now,
            next_24h,
        })
        .collect();
    exclusions.sort_by(|a, b| b.now.cmp(&a.now).then_with(|| a.reason.cmp(&b.reason)));
    Ok(Dialability {
        at: now,
        records,
        dialable_now,
        exclusions,
    })
}
