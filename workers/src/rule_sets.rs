//! Each tenant's compliance rule set (SPEC §3): read (seeded with the
//! defaults on first use), replaced whole after validation, the emergency
//! stop, and `checkNumber` — one decision of the engine on the stored rules,
//! the numbering data and the suppression mirror, with every rule's verdict.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use compliance::{Decision, DialMode, RuleSet, Verdict, ZoneName};
use domain::{DefaultCountry, Permission, PhoneNumber, ValidationError};
use entity::compliance_rule_set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::dialing::judge::{self, Person};
use crate::{ServiceError, Services};

/// The pub/sub channel told of every rule change (replicas drop cached rules).
pub const CHANGED_CHANNEL: &str = "compliance:rules";

/// A tenant's rule set as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRuleSet {
    /// The rules.
    pub rules: RuleSet,
    /// Increments on every change.
    pub version: i64,
    /// Why the emergency stop is on.
    pub emergency_stop_reason: Option<String>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// SPEC §3's defaults for a tenant: unknown zones fall back to the tenant's zone.
pub fn defaults_for(tenant_zone: &str) -> RuleSet {
    let mut rules = RuleSet::defaults();
    rules.calling_windows.default_zone = tenant_zone.parse::<Tz>().ok().map(ZoneName);
    rules
}

/// Stores the defaults for a tenant unless it has a rule set (tenant creation, first read).
pub async fn seed(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    tenant_zone: &str,
) -> Result<(), ServiceError> {
    let rules = serde_json::to_value(defaults_for(tenant_zone)).map_err(anyhow::Error::from)?;
    let row = compliance_rule_set::ActiveModel {
        tenant_id: Set(tenant_id),
        rules: Set(rules),
        version: Set(1),
        emergency_stop_reason: Set(None),
        updated_by: Set(None),
        updated_at: Set(Utc::now()),
    };
    compliance_rule_set::Entity::insert(row)
        .on_conflict(
            OnConflict::column(compliance_rule_set::Column::TenantId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

fn stored(row: compliance_rule_set::Model) -> Result<StoredRuleSet, ServiceError> {
    let rules: RuleSet = serde_json::from_value(row.rules).map_err(|error| {
        anyhow::anyhow!(
            "stored rule set of {} is unreadable: {error}",
            row.tenant_id
        )
    })?;
    Ok(StoredRuleSet {
        rules,
        version: row.version,
        emergency_stop_reason: row.emergency_stop_reason,
        updated_at: row.updated_at,
    })
}

/// The tenant's rule set, seeded with the defaults when it has none yet.
pub async fn load(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
) -> Result<StoredRuleSet, ServiceError> {
    if let Some(row) = compliance_rule_set::Entity::find_by_id(tenant_id)
        .one(conn)
        .await?
    {
        return stored(row);
    }
    let tenant = crate::accounts::tenants::get(conn, tenant_id).await?;
    seed(conn, tenant_id, &tenant.time_zone).await?;
    let row = compliance_rule_set::Entity::find_by_id(tenant_id)
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("compliance rule set"))?;
    stored(row)
}

/// The caller's tenant's rule set.
pub async fn get(
    services: &Services,
    principal: &Principal,
) -> Result<StoredRuleSet, ServiceError> {
    principal.require(Permission::ViewCompliance)?;
    load(&services.db, principal.tenant_id).await
}

/// Parses and validates a whole rule set: every problem with its field path;
/// a region override must name a region of `regions` (the numbering data's).
pub fn validate(json: serde_json::Value, regions: &[&str]) -> Result<RuleSet, ServiceError> {
    let rules: RuleSet = serde_json::from_value(json).map_err(|error| {
        ServiceError::InvalidFields(vec![("rules".to_owned(), error.to_string())])
    })?;
    let mut problems: Vec<(String, String)> = match rules.check() {
        Ok(()) => Vec::new(),
        Err(invalid) => invalid
            .0
            .into_iter()
            .map(|problem| (problem.field, problem.message))
            .collect(),
    };
    for region in rules.calling_windows.regions.keys() {
        if !regions.contains(&region.as_str()) {
            problems.push((
                format!("callingWindows.regions.{region}"),
                format!("unknown region code {region:?}: the numbering data has no such region"),
            ));
        }
    }
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(ServiceError::InvalidFields(problems))
    }
}

/// Replaces the rule set whole (the emergency stop is kept: it has its own
/// switch); validated first, audited with the new rules, published.
pub async fn update(
    services: &Services,
    principal: &Principal,
    json: serde_json::Value,
) -> Result<StoredRuleSet, ServiceError> {
    principal.require(Permission::ManageCompliance)?;
    let data = services.compliance_data.current();
    let mut rules = validate(json, &data.regions())?;
    let txn = services.begin().await?;
    let current = load(&txn, principal.tenant_id).await?;
    rules.emergency_stop = current.rules.emergency_stop;
    let saved = save(
        &txn,
        principal,
        &current,
        rules,
        current.emergency_stop_reason.clone(),
    )
    .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "compliance_rules.update",
            object_type: "compliance_rule_set",
            object_id: Some(principal.tenant_id.to_string()),
            detail: json!({ "version": saved.version, "rules": serde_json::to_value(&saved.rules).unwrap_or_default() }),
        },
    )
    .await?;
    txn.commit().await?;
    announce(services, principal.tenant_id).await;
    audit::publish(&services.cache, &event).await;
    Ok(saved)
}

/// Turns the tenant's emergency stop on (with a reason) or off; audited, published.
pub async fn set_emergency_stop(
    services: &Services,
    principal: &Principal,
    on: bool,
    reason: Option<&str>,
) -> Result<StoredRuleSet, ServiceError> {
    principal.require(Permission::StopDialing)?;
    let reason = reason.map(str::trim).filter(|text| !text.is_empty());
    if on && reason.is_none() {
        return Err(
            ValidationError::new("reason", "say why the emergency stop is turned on").into(),
        );
    }
    let txn = services.begin().await?;
    let current = load(&txn, principal.tenant_id).await?;
    let mut rules = current.rules.clone();
    rules.emergency_stop = on;
    let saved = save(
        &txn,
        principal,
        &current,
        rules,
        reason.filter(|_| on).map(str::to_owned),
    )
    .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: if on {
                "compliance_rules.emergency_stop_on"
            } else {
                "compliance_rules.emergency_stop_off"
            },
            object_type: "compliance_rule_set",
            object_id: Some(principal.tenant_id.to_string()),
            detail: json!({ "version": saved.version, "reason": reason }),
        },
    )
    .await?;
    txn.commit().await?;
    announce(services, principal.tenant_id).await;
    audit::publish(&services.cache, &event).await;
    Ok(saved)
}

async fn save(
    txn: &impl ConnectionTrait,
    principal: &Principal,
    current: &StoredRuleSet,
    rules: RuleSet,
    emergency_stop_reason: Option<String>,
) -> Result<StoredRuleSet, ServiceError> {
    let now = Utc::now();
    let row = compliance_rule_set::ActiveModel {
        tenant_id: Set(principal.tenant_id),
        rules: Set(serde_json::to_value(&rules).map_err(anyhow::Error::from)?),
        version: Set(current.version + 1),
        emergency_stop_reason: Set(emergency_stop_reason.clone()),
        updated_by: Set(Some(principal.user_id)),
        updated_at: Set(now),
    };
    row.update(txn).await?;
    Ok(StoredRuleSet {
        rules,
        version: current.version + 1,
        emergency_stop_reason,
        updated_at: now,
    })
}

async fn announce(services: &Services, tenant_id: Uuid) {
    services.hot.forget_rules(tenant_id);
    if let Err(error) = services
        .cache
        .publish(CHANGED_CHANNEL, &tenant_id.to_string())
        .await
    {
        tracing::warn!(%error, "publishing a rule change failed");
    }
}

/// One `checkNumber` answer: what the number is and the engine's decision.
#[derive(Debug, Clone)]
pub struct NumberCheck {
    /// The number as given.
    pub input: String,
    /// E.164.
    pub e164: String,
    /// ISO country of the number, when known.
    pub country: Option<String>,
    /// The single region, when there is exactly one.
    pub region: Option<String>,
    /// Every region it may be in.
    pub regions: Vec<String>,
    /// The zones the windows were read in.
    pub time_zones: Vec<String>,
    /// (zone, local time) at the instant.
    pub local_times: Vec<(String, String)>,
    /// MOBILE, LANDLINE or UNKNOWN.
    pub device_type: &'static str,
    /// Whether a suppression list holds the number, client id or e-mail.
    pub suppressed: bool,
    /// The decision.
    pub decision: Decision,
    /// Every rule's verdict.
    pub verdicts: Vec<Verdict>,
    /// The instant decided.
    pub at: DateTime<Utc>,
    /// The mode decided for.
    pub mode: DialMode,
}

/// What `checkNumber` is asked beyond the number.
#[derive(Debug, Clone, Default)]
pub struct CheckContext {
    /// The instant (now when absent).
    pub at: Option<DateTime<Utc>>,
    /// The contact's client id, for suppression and attempt rules.
    pub client_id: Option<String>,
    /// The contact's e-mail, for EMAIL suppression lists.
    pub email: Option<String>,
    /// Whether the contact consented to automated calls or texts.
    pub consent: bool,
    /// The country of a number written without a country code.
    pub default_country: Option<String>,
}

/// Decides a dial or send to `phone` in `mode` under the tenant's rules, as
/// a dialer would be answered, and explains every rule.
pub async fn check_number(
    services: &Services,
    principal: &Principal,
    phone: &str,
    mode: DialMode,
    context: CheckContext,
) -> Result<NumberCheck, ServiceError> {
    principal.require(Permission::ViewCompliance)?;
    if mode == DialMode::Email {
        return Err(ValidationError::new("mode", "EMAIL does not dial a phone number").into());
    }
    let default_country = match context.default_country.as_deref() {
        Some(country) => Some(DefaultCountry::parse("defaultCountry", country)?),
        None => None,
    };
    let number = PhoneNumber::parse("phone", phone, default_country)?;
    let at = context.at.unwrap_or_else(Utc::now);
    let rules = services.hot.rules(services, principal.tenant_id).await?;
    let person = Person {
        client_id: context.client_id.clone(),
        email: context.email.clone(),
        consent: context.consent,
        ..Person::default()
    };
    let located = judge::locate(services, &number, person);
    let judged = judge::judge(
        services,
        principal.tenant_id,
        &rules.required,
        &[(located.device.clone(), mode)],
        at,
    )
    .await?
    .pop()
    .ok_or(ServiceError::NotFound("decision"))?;
    let (device, decision, view) = (located.device, judged.decision, judged.suppression);
    let regions = device.regions.clone();
    let device_type = located.device_type;
    let verdicts = compliance::explain(&rules.required, &device, mode, &decision);
    let used = compliance::resolve_zones(&rules.required, &device);
    let local_times = used
        .iter()
        .map(|zone| {
            let local = at.with_timezone(zone);
            (
                zone.name().to_owned(),
                local.format("%a %Y-%m-%d %H:%M %Z").to_string(),
            )
        })
        .collect();
    Ok(NumberCheck {
        input: phone.to_owned(),
        e164: number.e164().to_owned(),
        country: number.country().map(str::to_owned),
        region: located.region,
        regions,
        time_zones: used.iter().map(|zone| zone.name().to_owned()).collect(),
        local_times,
        device_type: device_type.as_str(),
        suppressed: view.any_active(at),
        decision,
        verdicts,
        at,
        mode,
    })
}
