//! Opening the stores named by the configuration, and the JWT secret.

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use cache::Cache;
use rand::RngCore;
use sea_orm::DatabaseConnection;
use workers::accounts::tokens::TokenKeys;

use crate::config::{Secret, StoreConfig};

/// Opens the database (creating the SQLite file on first start) and applies migrations.
pub async fn open_database(config: &StoreConfig) -> anyhow::Result<DatabaseConnection> {
    let url = workers::db::database_url(
        config.database_url.as_ref().map(Secret::expose),
        &config.data_dir,
    )?;
    let db = workers::db::connect(&url).await?;
    workers::db::migrate(&db).await?;
    Ok(db)
}

/// Connects Redis when configured, otherwise the in-process cache.
pub async fn open_cache(config: &StoreConfig) -> anyhow::Result<Cache> {
    match &config.redis_url {
        Some(url) => Cache::connect_redis(url.expose(), &config.redis_prefix)
            .await
            .context("connecting to Redis"),
        None => Ok(Cache::in_process()),
    }
}

/// The token signing keys: the configured secret, or one generated once into the data directory.
pub fn token_keys(configured: Option<&Secret>, data_dir: &Path) -> anyhow::Result<TokenKeys> {
    if let Some(secret) = configured {
        anyhow::ensure!(
            secret.expose().len() >= 32,
            "REACHLINE_JWT_SECRET must be at least 32 characters"
        );
        return Ok(TokenKeys::from_secret(secret.expose().as_bytes()));
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(TokenKeys::from_secret(existing.trim().as_bytes()));
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let secret = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
    write_private(&path, &secret).with_context(|| format!("writing {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "generated a token secret; set REACHLINE_JWT_SECRET to share one between replicas"
    );
    Ok(TokenKeys::from_secret(secret.as_bytes()))
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}
