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
        }
    }
}

/// The stores and settings shared by the API resolvers and the background roles; cheap to clone.
#[derive(Clone)]
pub struct Services {
    /// The system of record.
    pub db: DatabaseConnection,
    /// Redis or the in-process stand-in.
    pub cache: Cache,
    /// JWT signing keys.
    pub keys: TokenKeys,
    /// Settings.
    pub config: ServicesConfig,
    /// The numbering data in use (built-in until a provider's document is loaded).
    pub compliance_data: ComplianceData,
    /// The suppression mirror's compact indexes when the cache is in-process
    /// (with Redis the mirror lives there); shared by clones of this handle.
    pub suppression_local: Option<std::sync::Arc<crate::suppression::LocalMirror>>,
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
        let suppression_local = (cache.backend_name() == "in-process")
            .then(|| std::sync::Arc::new(crate::suppression::LocalMirror::default()));
        Self {
            db,
            cache,
            keys,
            config,
            compliance_data,
            suppression_local,
        }
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
