//! Per-tenant budgets for the expensive operations (imports, exports,
//! campaign loads): a fixed one-minute window in the shared cache, so every
//! replica counts against the same budget and one tenant's script cannot
//! keep the workers every tenant shares busy.

use std::time::Duration;

use uuid::Uuid;

use crate::{ServiceError, Services};

/// The window a budget counts in.
pub const WINDOW: Duration = Duration::from_secs(60);

/// An operation that starts work far larger than its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expensive {
    /// A contact or suppression import (reads a whole file).
    Import,
    /// A list export (writes a whole file).
    Export,
    /// A campaign load (builds a whole calling list).
    CampaignLoad,
}

impl Expensive {
    /// The name in cache keys and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Expensive::Import => "imports",
            Expensive::Export => "exports",
            Expensive::CampaignLoad => "campaign loads",
        }
    }
}

/// Counts one `what` against the tenant's budget; `RateLimited` once the
/// window's budget (`tenant_expensive_per_minute`, 0 = none) is spent.
pub async fn spend(
    services: &Services,
    tenant_id: Uuid,
    what: Expensive,
) -> Result<(), ServiceError> {
    let limit = services.config.tenant_expensive_per_minute;
    if limit == 0 {
        return Ok(());
    }
    let key = format!("quota:{}:{tenant_id}", what.as_str().replace(' ', "_"));
    let used = services.cache.incr(&key, 1, Some(WINDOW)).await?;
    if used <= i64::from(limit) {
        return Ok(());
    }
    let retry_after_secs = services
        .cache
        .ttl(&key)
        .await?
        .map_or(1, |ttl| ttl.as_secs().max(1));
    Err(ServiceError::QuotaSpent {
        what: what.as_str(),
        limit,
        retry_after_secs,
    })
}
