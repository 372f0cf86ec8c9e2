//! The handle every use case runs on: the stores plus the settings use cases need.

use std::time::Duration;

use cache::Cache;
use sea_orm::DatabaseConnection;

use crate::accounts::tokens::TokenKeys;
use crate::compliance_data::ComplianceData;

/// Settings for the account use cases, filled from the binary's typed config.
#[derive(Clone, Debug)]
pub struct ServicesConfig {
    /// How long a login token stays valid.
    pub token_ttl: Duration,
    /// Failed logins allowed per account within `login_window`.
    pub login_failures_per_account: u32,
    /// Failed logins allowed per client IP within `login_window`.
    pub login_failures_per_ip: u32,
    /// The fixed window the two limits above count in.
    pub login_window: Duration,
    /// Where uploads are stored for the `lists` workers (shared by every replica).
    pub uploads_dir: std::path::PathBuf,
    /// The compliance data provider (`https://…`, or `http://` to a loopback host); none: built-in data only.
    pub compliance_data_url: Option<String>,
    /// Time between scheduled compliance data refreshes.
    pub compliance_data_refresh: Duration,
    /// Imports, exports and campaign loads each allowed per tenant per minute (0: no limit).
    pub tenant_expensive_per_minute: u32,
}

impl Default for ServicesConfig {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(8 * 3600),
            login_failures_per_account: 10,
            login_failures_per_ip: 50,
            login_window: Duration::from_secs(15 * 60),
            uploads_dir: std::path::PathBuf::from("./data/uploads"),
            compliance_data_url: None,
            compliance_data_refresh: Duration::from_secs(24 * 3600),
            tenant_expensive_per_minute: 30,
        }
    }
}

/// The stores and settings shared by the API resolvers and the background roles; cheap to
/// clone (every field is a handle: the HTTP layer clones it for every request).
#[derive(Clone)]
pub struct Services {
    /// The system of record.
    pub db: DatabaseConnection,
    /// Redis or the in-process stand-in.
    pub cache: Cache,
    /// JWT signing keys.
    pub keys: std::sync::Arc<TokenKeys>,
    /// Settings.
    pub config: std::sync::Arc<ServicesConfig>,
    /// The numbering data in use (built-in until a provider's document is loaded).
    pub compliance_data: ComplianceData,
    /// This process's copy of the suppression lists (catalogue and compact
    /// indexes), kept exact by `suppression::follow`; shared by clones of this handle.
    pub suppression: std::sync::Arc<crate::suppression::LocalMirror>,
    /// This process's copies of rules, API keys and list names for the dialer hot path.
    pub hot: std::sync::Arc<crate::dialing::HotCache>,
    /// Validation decisions tallied for the live traffic view.
    pub traffic: std::sync::Arc<crate::dialing::Traffic>,
}

impl Services {
    /// Bundles the stores with their settings; the compliance data starts built-in
    /// (`compliance_data::load` switches to the stored provider document).
    pub fn new(
        db: DatabaseConnection,
        cache: Cache,
        keys: TokenKeys,
        config: ServicesConfig,
    ) -> Self {
        let compliance_data = ComplianceData::new(
            config.compliance_data_url.clone(),
            config.compliance_data_refresh,
        );
        Self {
            db,
            cache,
            keys: std::sync::Arc::new(keys),
            config: std::sync::Arc::new(config),
            compliance_data,
            suppression: Default::default(),
            hot: Default::default(),
            traffic: Default::default(),
        }
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a transaction that reads before it writes waits
    /// for other writers (busy timeout) instead of failing with "database is
    /// locked" when one committed in between; PostgreSQL ignores the mode.
    pub async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        self.db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await
    }

    /// Whether both stores answer (the `/readyz` check).
    pub async fn ready(&self) -> Result<(), String> {
        if !crate::db::ping(&self.db).await {
            return Err("database unreachable".into());
        }
        self.cache
            .ping()
            .await
            .map_err(|error| format!("cache unreachable: {error}"))
    }
}
