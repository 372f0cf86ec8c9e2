//! The compliance rule set and the decision engine through GraphQL:
//! `complianceRuleSet`, `updateComplianceRuleSet`, `setEmergencyStop` and
//! `checkNumber` (SPEC §4). The rule set travels as JSON in the format of
//! `docs/compliance-rules.md`, validated whole by `workers::rule_sets`.

use async_graphql::{Context, Enum, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use workers::rule_sets::{self, CheckContext, StoredRuleSet};

use crate::graphql::error::GraphqlResultExt;
use crate::graphql::{principal, services};

/// A dialing mode (SPEC §2 `CampaignTemplate`).
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "compliance::DialMode")]
pub enum DialMode {
    /// An agent sees the record and decides to dial.
    Preview,
    /// Dialed for an agent who is already free.
    Progressive,
    /// Dialed ahead of agents by a pacing algorithm.
    Predictive,
    /// Dialed at a fixed ratio per agent.
    Power,
    /// No agent: a recorded message or an IVR.
    Agentless,
    /// A text message.
    Sms,
    /// An e-mail.
    Email,
}

/// The rules of SPEC §3, as named in refusals.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "compliance::RuleKind")]
pub enum RuleKind {
    /// The tenant-wide emergency stop is on.
    EmergencyStop,
    /// The device, client id or e-mail is on an active suppression list.
    Suppression,
    /// No zone is known for the device and the tenant has no default zone.
    TimeZoneUnknown,
    /// The local time is outside a calling window.
    CallingWindow,
    /// The local day is a holiday blackout.
    Holiday,
    /// An attempt rule's limit is reached.
    AttemptLimit,
    /// An automated mode to a mobile device without consent.
    MobileConsent,
    /// An automated mode to a number flagged as reassigned.
    Reassigned,
    /// An automated mode to a number flagged as ported.
    Ported,
}

/// A tenant's compliance rules.
pub struct ComplianceRuleSet(pub StoredRuleSet);

#[Object]
impl ComplianceRuleSet {
    /// The whole rule set as JSON (format: docs/compliance-rules.md).
    async fn rules(&self) -> async_graphql::Result<Json<serde_json::Value>> {
        Ok(Json(serde_json::to_value(&self.0.rules)?))
    }

    /// Whether the emergency stop refuses everything now.
    async fn emergency_stop(&self) -> bool {
        self.0.rules.emergency_stop
    }

    /// Why the emergency stop is on.
    async fn emergency_stop_reason(&self) -> Option<&str> {
        self.0.emergency_stop_reason.as_deref()
    }

    /// Increments on every change.
    async fn version(&self) -> i64 {
        self.0.version
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// One rule's refusal.
#[derive(SimpleObject)]
pub struct Refusal {
    /// Which rule.
    pub rule: RuleKind,
    /// Why, for people.
    pub reason: String,
}

/// One rule's verdict on a check.
#[derive(SimpleObject)]
pub struct RuleVerdict {
    /// Which rule.
    pub rule: RuleKind,
    /// Its name (an attempt rule's own).
    pub name: String,
    /// Whether it applies to the mode at all.
    pub applies: bool,
    /// `false` when it refused.
    pub allowed: bool,
    /// The refusal's reason, or what passed.
    pub detail: String,
}

/// The local time in one zone.
#[derive(SimpleObject)]
pub struct ZoneTime {
    /// The IANA zone.
    pub zone: String,
    /// "Sat 2026-11-21 09:14 EST".
    pub local_time: String,
}

/// What `checkNumber` found and decided.
#[derive(SimpleObject)]
pub struct NumberCheck {
    /// The number as given.
    pub input: String,
    /// E.164.
    pub e164: String,
    /// ISO country of the number.
    pub country: Option<String>,
    /// The single region, when exactly one.
    pub region: Option<String>,
    /// Every region it may be in.
    pub regions: Vec<String>,
    /// The zones the windows were read in.
    pub time_zones: Vec<String>,
    /// The local time in each zone at the instant.
    pub local_times: Vec<ZoneTime>,
    /// MOBILE, LANDLINE or UNKNOWN.
    pub device_type: String,
    /// Whether an active suppression list holds the number, client id or e-mail.
    pub suppressed: bool,
    /// Whether every rule allows the attempt.
    pub allowed: bool,
    /// Every refusal's reason.
    pub reasons: Vec<String>,
    /// Every refusing rule with its reason.
    pub refusals: Vec<Refusal>,
    /// Every rule of the set, allowed or not.
    pub verdicts: Vec<RuleVerdict>,
    /// The first instant all time-based rules allow (null when another rule refuses).
    pub next_allowed_at: Option<DateTime<Utc>>,
    /// The instant decided.
    pub at: DateTime<Utc>,
    /// The mode decided for.
    pub mode: DialMode,
}

impl From<rule_sets::NumberCheck> for NumberCheck {
    fn from(check: rule_sets::NumberCheck) -> Self {
        NumberCheck {
            input: check.input,
            e164: check.e164,
            country: check.country,
            region: check.region,
            regions: check.regions,
            time_zones: check.time_zones,
            local_times: check
                .local_times
                .into_iter()
                .map(|(zone, local_time)| ZoneTime { zone, local_time })
                .collect(),
            device_type: check.device_type.to_owned(),
            suppressed: check.suppressed,
            allowed: check.decision.allowed,
            reasons: check
                .decision
                .refusals
                .iter()
                .map(|refusal| refusal.reason.clone())
                .collect(),
            refusals: check
                .decision
                .refusals
                .into_iter()
                .map(|refusal| Refusal {
                    rule: refusal.rule.into(),
                    reason: refusal.reason,
                })
                .collect(),
            verdicts: check
                .verdicts
                .into_iter()
                .map(|verdict| RuleVerdict {
                    rule: verdict.rule.into(),
                    name: verdict.name,
                    applies: verdict.applies,
                    allowed: verdict.allowed,
                    detail: verdict.detail,
                })
                .collect(),
            next_allowed_at: check.decision.next_allowed_at,
            at: check.at,
            mode: check.mode.into(),
        }
    }
}

/// Compliance queries (every role).
#[derive(Default)]
pub struct ComplianceQuery;

#[Object]
impl ComplianceQuery {
    /// The tenant's rule set (SPEC §3's defaults until changed).
    async fn compliance_rule_set(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<ComplianceRuleSet> {
        let principal = principal(ctx)?;
        rule_sets::get(services(ctx), principal)
            .await
            .map(ComplianceRuleSet)
            .gql()
    }

    /// Decides a dial or send to `phone` in `mode` at `at` (now by default)
    /// under the tenant's rules, with every rule's verdict.
    #[allow(clippy::too_many_arguments)]
    async fn check_number(
        &self,
        ctx: &Context<'_>,
        phone: String,
        at: Option<DateTime<Utc>>,
        #[graphql(desc = "The dialing mode (PREVIEW when absent).")] mode: Option<DialMode>,
        client_id: Option<String>,
        email: Option<String>,
        #[graphql(desc = "Whether the contact consented to automated calls or texts.")]
        consent: Option<bool>,
        #[graphql(desc = "The country of a number written without a country code.")]
        default_country: Option<String>,
    ) -> async_graphql::Result<NumberCheck> {
        let principal = principal(ctx)?;
        let context = CheckContext {
            at,
            client_id,
            email,
            consent: consent.unwrap_or(false),
            default_country,
        };
        let mode = mode.unwrap_or(DialMode::Preview);
        rule_sets::check_number(services(ctx), principal, &phone, mode.into(), context)
            .await
            .map(NumberCheck::from)
            .gql()
    }
}

/// Compliance mutations; each is audited.
#[derive(Default)]
pub struct ComplianceMutation;

#[Object]
impl ComplianceMutation {
    /// Replaces the rule set whole (ADMIN, COMPLIANCE_OFFICER); refused with
    /// every problem (`extensions.fields`) when any part is invalid. The
    /// emergency stop is kept as it is: `setEmergencyStop` changes it.
    async fn update_compliance_rule_set(
        &self,
        ctx: &Context<'_>,
        rules: Json<serde_json::Value>,
    ) -> async_graphql::Result<ComplianceRuleSet> {
        let principal = principal(ctx)?;
        rule_sets::update(services(ctx), principal, rules.0)
            .await
            .map(ComplianceRuleSet)
            .gql()
    }

    /// Turns the tenant-wide emergency stop on (a reason is required) or off
    /// (ADMIN, COMPLIANCE_OFFICER, SUPERVISOR).
    async fn set_emergency_stop(
        &self,
        ctx: &Context<'_>,
        on: bool,
        reason: Option<String>,
    ) -> async_graphql::Result<ComplianceRuleSet> {
        let principal = principal(ctx)?;
        rule_sets::set_emergency_stop(services(ctx), principal, on, reason.as_deref())
            .await
            .map(ComplianceRuleSet)
            .gql()
    }
}
