//! The compliance data in use (area codes, zones, wireless blocks, flagged
//! numbers) and its refresh from the configured provider.
//!
//! Every process holds a [`ComplianceData`] handle: the built-in copy until a
//! provider's document has been stored, then the last good one from the
//! `compliance_data` row, so all replicas judge numbers with the same data. A
//! refresh (the `compliance` role's schedule, or `refreshComplianceData`)
//! GETs the configured URL, validates the whole document with
//! `NumberingData::parse`, stores it, switches this process atomically and
//! tells the others over the cache's pub/sub. A refresh that fails or does
//! not validate keeps the last good data and records the error: the alert.
//! Format and behaviour: `docs/compliance-data.md`.

pub mod fetch;
mod schedule;
mod store;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use domain::access::Permission;
use numbering::{DataError, NumberingData};

use crate::accounts::Principal;
use crate::audit::{self, Actor, Change};
use crate::{ServiceError, Services};

pub use fetch::FetchError;
pub use schedule::{follow, run};

/// The `source` shown while the compiled-in data is in use.
pub const SOURCE_BUILTIN: &str = "built-in";

/// Pub/sub channel announcing a stored document (or a failed attempt) to every process.
const CHANGED_CHANNEL: &str = "compliance-data:changed";

/// Cache lock held during one refresh, so one replica fetches at a time.
const REFRESH_LOCK: &str = "compliance-data:refresh";

/// Lease of [`REFRESH_LOCK`]: a whole fetch plus parsing and storing a large document.
const REFRESH_LOCK_TTL: Duration = Duration::from_secs(fetch::FETCH_TIMEOUT.as_secs() + 120);

/// How long after start the first scheduled refresh runs (the process settles first).
const STARTUP_DELAY: Duration = Duration::from_secs(5);

/// A failed refresh is retried after this long, or after the interval when shorter.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(3600);

/// How often a process re-reads the row even without a message (a missed message heals).
const RESYNC_EVERY: Duration = Duration::from_secs(300);

/// Why a refresh did not produce new data; its text is the status's `lastError`.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// The provider could not be reached or answered badly.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The document broke a rule of the format.
    #[error("provider document refused: {0}")]
    Invalid(#[from] DataError),
}

/// The data one process uses, shared by every clone; cheap to clone.
#[derive(Clone)]
pub struct ComplianceData {
    inner: Arc<Inner>,
}

/// What the handle's clones share.
struct Inner {
    url: Option<String>,
    interval: Duration,
    started_at: DateTime<Utc>,
    in_use: RwLock<Arc<InUse>>,
}

/// The data in use and where it came from, swapped whole.
struct InUse {
    data: Arc<NumberingData>,
    source: String,
    /// When the stored document was fetched; `None` for the built-in copy.
    fetched_at: Option<DateTime<Utc>>,
    loaded_at: DateTime<Utc>,
}

impl ComplianceData {
    /// Starts on the built-in data; `url` is the provider (none: built-in only),
    /// `interval` the time between scheduled refreshes.
    pub fn new(url: Option<String>, interval: Duration) -> Self {
        let now = now();
        let in_use = InUse {
            data: NumberingData::builtin_shared(),
            source: SOURCE_BUILTIN.to_owned(),
            fetched_at: None,
            loaded_at: now,
        };
        let url = url.filter(|url| !url.trim().is_empty());
        ComplianceData {
            inner: Arc::new(Inner {
                url,
                interval: interval.max(Duration::from_secs(1)),
                started_at: now,
                in_use: RwLock::new(Arc::new(in_use)),
            }),
        }
    }

    /// The data in use now; an import takes it once and keeps it to its end.
    pub fn current(&self) -> Arc<NumberingData> {
        Arc::clone(&self.in_use().data)
    }

    /// The configured provider URL, if any.
    pub fn provider_url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    fn in_use(&self) -> Arc<InUse> {
        let guard = self
            .inner
            .in_use
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&guard)
    }

    /// Switches to `candidate` unless newer data is already in use (a slow
    /// reload must not undo a refresh that finished meanwhile).
    fn install(&self, candidate: InUse) {
        let mut guard = self
            .inner
            .in_use
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if candidate.fetched_at >= guard.fetched_at {
            *guard = Arc::new(candidate);
        }
    }
}

/// What the status page shows: the data in use and how its refreshes went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceDataStatus {
    /// `built-in`, or the provider URL (without credentials or query) the data came from.
    pub source: String,
    /// The version label of the data in use.
    pub version: String,
    /// How many area codes the data in use lists.
    pub area_codes: usize,
    /// When the data in use was fetched (built-in: when this process started).
    pub loaded_at: DateTime<Utc>,
    /// When a refresh was last tried.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When a refresh last stored a valid document.
    pub last_success_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// `true` when the last attempt failed or did not validate.
    pub alert: bool,
    /// When the next scheduled refresh is due; `None` without a provider.
    pub next_refresh_at: Option<DateTime<Utc>>,
}

/// Loads the last good document from the database when it differs from the
/// data in use (at start, after a refresh elsewhere); a stored document that
/// no longer validates is logged and ignored.
#[tracing::instrument(skip_all)]
pub async fn load(services: &Services) -> Result<(), ServiceError> {
    let handle = &services.compliance_data;
    if handle.provider_url().is_none() {
        return Ok(());
    }
    let status = store::status_row(&services.db).await?;
    if status.fetched_at.is_none() || status.fetched_at == handle.in_use().fetched_at {
        return Ok(());
    }
    let Some(row) = store::row(&services.db).await? else {
        return Ok(());
    };
    let Some(text) = row.document else {
        return Ok(());
    };
    let parsed = tokio::task::spawn_blocking(move || NumberingData::parse(&text))
        .await
        .map_err(|error| ServiceError::Internal(error.into()))?;
    match parsed {
        Ok(data) => {
            tracing::info!(version = data.version(), "compliance data loaded");
            handle.install(InUse {
                data: Arc::new(data),
                source: row.source_url.unwrap_or_default(),
                fetched_at: row.fetched_at,
                loaded_at: row.fetched_at.unwrap_or_else(now),
            });
        }
        Err(error) => tracing::error!(%error, "stored compliance data no longer validates"),
    }
    Ok(())
}

/// The status for a user who may read compliance settings.
pub async fn status(
    services: &Services,
    principal: &Principal,
) -> Result<ComplianceDataStatus, ServiceError> {
    principal.require(Permission::ViewCompliance)?;
    current_status(services).await
}

/// Every region code of the data in use, sorted (the choices of a per-region rule).
pub async fn regions(
    services: &Services,
    principal: &Principal,
) -> Result<Vec<String>, ServiceError> {
    principal.require(Permission::ViewCompliance)?;
    let data = services.compliance_data.current();
    Ok(data.regions().into_iter().map(str::to_owned).collect())
}

/// Refreshes now for a user who may manage compliance, audited, and returns the new
/// status (a failed fetch is an alert in the status, not an error).
#[tracing::instrument(skip_all, fields(user = %principal.user_id))]
pub async fn refresh_now(
    services: &Services,
    principal: &Principal,
) -> Result<ComplianceDataStatus, ServiceError> {
    principal.require(Permission::ManageCompliance)?;
    if services.compliance_data.provider_url().is_none() {
        return current_status(services).await;
    }
    // Another replica may be refreshing: wait for it to finish, then fetch again
    // (the caller asked for a refresh from now, not a recent one).
    let deadline = tokio::time::Instant::now() + REFRESH_LOCK_TTL;
    let lease = loop {
        if let Some(lease) = services
            .cache
            .try_lock(REFRESH_LOCK, REFRESH_LOCK_TTL)
            .await?
        {
            break lease;
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ServiceError::Internal(anyhow::anyhow!(
                "the compliance data refresh lock stayed busy"
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let outcome = attempt(services, Some(&principal.actor())).await;
    let _ = lease.release().await;
    outcome?;
    current_status(services).await
}

/// The status from the shared row and this process's data (reloading first if
/// another replica stored newer data and its message was missed).
async fn current_status(services: &Services) -> Result<ComplianceDataStatus, ServiceError> {
    let handle = &services.compliance_data;
    if handle.provider_url().is_none() {
        let in_use = handle.in_use();
        return Ok(ComplianceDataStatus {
            source: in_use.source.clone(),
            version: in_use.data.version().to_owned(),
            area_codes: in_use.data.area_code_count(),
            loaded_at: in_use.loaded_at,
            last_attempt_at: None,
            last_success_at: None,
            last_error: None,
            alert: false,
            next_refresh_at: None,
        });
    }
    let mut row = store::status_row(&services.db).await?;
    if row.fetched_at.is_some() && row.fetched_at != handle.in_use().fetched_at {
        load(services).await?;
        row = store::status_row(&services.db).await?;
    }
    let in_use = handle.in_use();
    Ok(ComplianceDataStatus {
        source: in_use.source.clone(),
        version: in_use.data.version().to_owned(),
        area_codes: in_use.data.area_code_count(),
        loaded_at: in_use.loaded_at,
        next_refresh_at: Some(due_at(handle, &row)),
        alert: row.last_error.is_some(),
        last_attempt_at: row.last_attempt_at,
        last_success_at: row.last_success_at,
        last_error: row.last_error,
    })
}

/// When the next scheduled refresh is due: an interval after the last attempt
/// (sooner after a failure), never before the start-up delay has passed.
fn due_at(handle: &ComplianceData, row: &store::StatusRow) -> DateTime<Utc> {
    let interval = handle.inner.interval;
    let after_start = handle.inner.started_at + STARTUP_DELAY.min(interval);
    let Some(last_attempt) = row.last_attempt_at else {
        return after_start;
    };
    let wait = if row.last_error.is_some() {
        interval.min(RETRY_AFTER_FAILURE)
    } else {
        interval
    };
    let after_last = last_attempt + wait;
    after_last.max(after_start)
}

/// One refresh, under the caller's lock: fetch, validate, store and switch, or
/// record the failure (audited when a user asked for it). Errs only when the
/// database or cache fails.
async fn attempt(services: &Services, actor: Option<&Actor>) -> Result<(), ServiceError> {
    let Some(url_text) = services.compliance_data.provider_url() else {
        return Ok(());
    };
    let at = now();
    let outcome = fetch_and_validate(url_text).await?;
    let detail = match &outcome {
        Ok((_, data)) => serde_json::json!({ "version": data.version(), "alert": false }),
        Err(error) => serde_json::json!({ "alert": true, "error": error.to_string() }),
    };
    let txn = services.begin().await?;
    let installed = match outcome {
        Ok((document, data)) => {
            let source = document.source_url.clone();
            store::save_success(&txn, document, at).await?;
            Some(InUse {
                data: Arc::new(data),
                source,
                fetched_at: Some(at),
                loaded_at: at,
            })
        }
        Err(error) => {
            let message = error.to_string();
            tracing::warn!(error = %message, "compliance data refresh failed; last good data kept");
            store::save_failure(&txn, &message, at).await?;
            None
        }
    };
    let event = match actor {
        Some(actor) => {
            let change = Change {
                action: "compliance_data.refresh",
                object_type: "compliance_data",
                object_id: None,
                detail,
            };
            Some(audit::record(&txn, actor, change).await?)
        }
        None => None,
    };
    txn.commit().await?;
    let announcement = match installed {
        Some(in_use) => {
            let version = in_use.data.version().to_owned();
            tracing::info!(%version, "compliance data refreshed");
            services.compliance_data.install(in_use);
            version
        }
        None => "failed".to_owned(),
    };
    publish(services, &announcement).await;
    if let Some(event) = event {
        audit::publish(&services.cache, &event).await;
    }
    Ok(())
}

/// GETs and validates the provider's document (parsing on a blocking thread: it may be large).
async fn fetch_and_validate(
    url_text: &str,
) -> Result<Result<(store::GoodDocument, NumberingData), RefreshError>, ServiceError> {
    let fetched = async {
        let url = fetch::check_url(url_text)?;
        let client = fetch::client()?;
        let text = fetch::fetch(&client, &url).await?;
        Ok::<_, FetchError>((fetch::display_url(&url), text))
    }
    .await;
    let (source_url, text) = match fetched {
        Ok(fetched) => fetched,
        Err(error) => return Ok(Err(error.into())),
    };
    let (text, parsed) = tokio::task::spawn_blocking(move || {
        let parsed = NumberingData::parse(&text);
        (text, parsed)
    })
    .await
    .map_err(|error| ServiceError::Internal(error.into()))?;
    Ok(parsed.map_err(RefreshError::from).map(|data| {
        let document = store::GoodDocument {
            text,
            version: data.version().to_owned(),
            area_codes: data.area_code_count(),
            source_url,
        };
        (document, data)
    }))
}

/// Tells every process to reload; a lost message is healed by the periodic resync.
async fn publish(services: &Services, payload: &str) {
    if let Err(error) = services.cache.publish(CHANGED_CHANNEL, payload).await {
        tracing::warn!(%error, "announcing the compliance data change failed");
    }
}

/// Now, to the millisecond: what the database stores and gives back unchanged,
/// so a stored time compares equal to the one kept in memory.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}
