//! What dialers are doing, for supervisors and compliance officers:
//! `validationTraffic`, the live pre-dial validation traffic of the tenant
//! across every `compliance` replica (SPEC §4 REST shims).

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use domain::Permission;
use workers::dialing::traffic::{self, TrafficView};

use crate::graphql::error::GraphqlResultExt;
use crate::graphql::{principal, services};

/// The seconds `recordsPerSecond` averages over.
const RATE_SECONDS: usize = 10;

/// One second of pre-dial validation.
#[derive(SimpleObject, Debug, Clone)]
pub struct TrafficSecond {
    /// The second.
    pub at: DateTime<Utc>,
    /// Records allowed (the dialer was answered 200).
    pub allowed: i64,
    /// Records refused (409).
    pub refused: i64,
    /// Records that could not be judged (bad input, 4xx).
    pub invalid: i64,
}

/// How often one rule refused.
#[derive(SimpleObject, Debug, Clone)]
pub struct RefusalCount {
    /// The rule's name.
    pub rule: String,
    /// Refusals in the window.
    pub count: i64,
}

/// The tenant's pre-dial validation traffic over a window.
#[derive(Debug, Clone)]
pub struct ValidationTraffic(TrafficView);

#[Object]
impl ValidationTraffic {
    /// The window's length in seconds.
    async fn seconds(&self) -> u32 {
        self.0.seconds
    }

    /// Records validated per second over the last 10 seconds (a single
    /// validation is one record; a batch counts each of its records).
    async fn records_per_second(&self) -> f64 {
        let recent: i64 = self
            .0
            .series
            .iter()
            .rev()
            .take(RATE_SECONDS)
            .map(|second| second.allowed + second.refused + second.invalid)
            .sum();
        recent as f64 / RATE_SECONDS.min(self.0.series.len().max(1)) as f64
    }

    /// Records allowed in the window.
    async fn allowed(&self) -> i64 {
        self.0.series.iter().map(|second| second.allowed).sum()
    }

    /// Records refused in the window.
    async fn refused(&self) -> i64 {
        self.0.series.iter().map(|second| second.refused).sum()
    }

    /// Records that could not be judged in the window.
    async fn invalid(&self) -> i64 {
        self.0.series.iter().map(|second| second.invalid).sum()
    }

    /// Allowed ÷ (allowed + refused) in the window; null without decisions.
    async fn allow_ratio(&self) -> Option<f64> {
        let allowed: i64 = self.0.series.iter().map(|second| second.allowed).sum();
        let refused: i64 = self.0.series.iter().map(|second| second.refused).sum();
        (allowed + refused > 0).then(|| allowed as f64 / (allowed + refused) as f64)
    }

    /// Per second, oldest first (the current second is still being counted and left out).
    async fn series(&self) -> Vec<TrafficSecond> {
        self.0
            .series
            .iter()
            .map(|second| TrafficSecond {
                at: second.at,
                allowed: second.allowed,
                refused: second.refused,
                invalid: second.invalid,
            })
            .collect()
    }

    /// The rules that refused most in the window (at most 10), most frequent first.
    async fn top_refusals(&self) -> Vec<RefusalCount> {
        self.0
            .top_refusals
            .iter()
            .map(|(rule, count)| RefusalCount {
                rule: rule.clone(),
                count: *count,
            })
            .collect()
    }
}

/// Dialer traffic queries (every role).
#[derive(Default)]
pub struct DialingQuery;

#[Object]
impl DialingQuery {
    /// The tenant's pre-dial validation traffic over the last `seconds`
    /// (300 by default, at most 3600), every replica's added up.
    async fn validation_traffic(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 300)] seconds: u32,
    ) -> async_graphql::Result<ValidationTraffic> {
        let principal = principal(ctx)?;
        principal
            .require(Permission::ViewCompliance)
            .map_err(crate::graphql::error::ApiError::from)?;
        traffic::read(services(ctx), principal.tenant_id, seconds)
            .await
            .map(ValidationTraffic)
            .gql()
    }
}
