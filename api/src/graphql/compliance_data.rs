//! The compliance data (numbering facts the rules need): its status and alert,
//! the regions it knows, and a refresh on demand. Thin resolvers over
//! `workers::compliance_data`.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use workers::compliance_data;

use crate::graphql::error::GraphqlResultExt;
use crate::graphql::{principal, services};

/// Which numbering data is in use and how its refreshes from the provider went.
#[derive(SimpleObject, Debug, Clone)]
pub struct ComplianceDataStatus {
    /// `built-in`, or the provider URL (without credentials or query) the data in use came from.
    source: String,
    /// The version label of the data in use.
    version: String,
    /// How many area codes the data in use lists.
    area_codes: i32,
    /// When the data in use was fetched (built-in data: when the server started).
    loaded_at: DateTime<Utc>,
    /// When a refresh was last tried, whatever its outcome.
    last_attempt_at: Option<DateTime<Utc>>,
    /// When a refresh last stored a valid document.
    last_success_at: Option<DateTime<Utc>>,
    /// Why the last refresh failed or was refused; null after a success.
    last_error: Option<String>,
    /// True when the last refresh failed or its document did not validate (the last good data stays in use).
    alert: bool,
    /// When the next scheduled refresh is due; null when no provider is configured.
    next_refresh_at: Option<DateTime<Utc>>,
}

impl From<compliance_data::ComplianceDataStatus> for ComplianceDataStatus {
    fn from(status: compliance_data::ComplianceDataStatus) -> Self {
        ComplianceDataStatus {
            source: status.source,
            version: status.version,
            area_codes: i32::try_from(status.area_codes).unwrap_or(i32::MAX),
            loaded_at: status.loaded_at,
            last_attempt_at: status.last_attempt_at,
            last_success_at: status.last_success_at,
            last_error: status.last_error,
            alert: status.alert,
            next_refresh_at: status.next_refresh_at,
        }
    }
}

/// Compliance data queries (any role that may read compliance settings).
#[derive(Default)]
pub struct ComplianceDataQuery;

#[Object]
impl ComplianceDataQuery {
    /// The numbering data in use and the status of its refreshes (the alert).
    async fn compliance_data_status(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<ComplianceDataStatus> {
        let principal = principal(ctx)?;
        compliance_data::status(services(ctx), principal)
            .await
            .map(ComplianceDataStatus::from)
            .gql()
    }

    /// Every region code (ISO 3166-2 without country, e.g. "NY", "ON") of the data in use, sorted.
    async fn compliance_regions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        let principal = principal(ctx)?;
        compliance_data::regions(services(ctx), principal)
            .await
            .gql()
    }
}

/// Compliance data mutations (admins and compliance officers).
#[derive(Default)]
pub struct ComplianceDataMutation;

#[Object]
impl ComplianceDataMutation {
    /// Fetches the provider's document now; a failure or a refused document is reported
    /// in the returned status (`alert`, `lastError`) and the last good data stays in use.
    async fn refresh_compliance_data(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<ComplianceDataStatus> {
        let principal = principal(ctx)?;
        compliance_data::refresh_now(services(ctx), principal)
            .await
            .map(ComplianceDataStatus::from)
            .gql()
    }
}
