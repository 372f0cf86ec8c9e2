//! Opening the system of record (SQLite by default, PostgreSQL in production),
//! running migrations, and naming unique-constraint violations once.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, DbErr, SqlErr,
    TransactionTrait,
};

use crate::ServiceError;

/// Where the database lives: an explicit URL, or the embedded SQLite file under the data directory.
pub fn database_url(explicit: Option<&str>, data_dir: &Path) -> anyhow::Result<String> {
    if let Some(url) = explicit {
        return Ok(url.to_owned());
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let file = data_dir.join("reachline.db");
    Ok(format!("sqlite://{}?mode=rwc", file.display()))
}

/// Opens a pool on `url`; SQLite gets WAL so readers never wait for the writer.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let is_sqlite = url.starts_with("sqlite:");
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if is_sqlite { 8 } else { 20 })
        .min_connections(1)
        .connect_timeout(Duration::from_secs(3))
        // While PostgreSQL is down a request fails after this, saying so, rather
        // than hanging; SQLite's writers may queue behind an import for longer.
        .acquire_timeout(Duration::from_secs(if is_sqlite { 10 } else { 5 }))
        .sqlx_logging(false)
        // An import holds SQLite's one write lock for its whole transaction: other
        // writers wait for it rather than failing after the default five seconds.
        .map_sqlx_sqlite_opts(|sqlite| sqlite.busy_timeout(Duration::from_secs(120)));
    let db = Database::connect(options)
        .await
        .context("connecting to the database")?;
    if is_sqlite {
        db.execute_unprepared("PRAGMA journal_mode=WAL;")
            .await
            .context("enabling SQLite WAL")?;
    }
    Ok(db)
}

/// Applies every pending migration; on PostgreSQL under a transaction-scoped advisory
/// lock, so replicas starting together migrate one at a time.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Migrator::up(db, None).await.context("running migrations");
    }
    let txn = db
        .begin()
        .await
        .context("starting the migration transaction")?;
    // 1380270403 is "REAC" in ASCII: an arbitrary, fixed id for Reachline's migration lock.
    txn.execute_unprepared("SELECT pg_advisory_xact_lock(1380270403)")
        .await
        .context("taking the migration lock")?;
    Migrator::up(&txn, None)
        .await
        .context("running migrations")?;
    txn.commit().await.context("committing migrations")
}

/// Unique constraints and the input field each protects; both the PostgreSQL
/// constraint name and SQLite's `table.column` spelling are listed.
const UNIQUE_FIELDS: &[(&[&str], &str)] = &[
    (&["users_email_key", "users.email"], "email"),
    (&["tenants_name_key", "tenants.name"], "name"),
    (
        &[
            "api_clients_tenant_name_key",
            "api_clients.tenant_id, api_clients.name",
        ],
        "name",
    ),
    (
        &[
            "contact_lists_tenant_name_key",
            "contact_lists.tenant_id, contact_lists.name",
        ],
        "name",
    ),
    (
        &["jobs_tenant_name_key", "jobs.tenant_id, jobs.name"],
        "name",
    ),
    (
        &[
            "sftp_connections_tenant_name_key",
            "sftp_connections.tenant_id, sftp_connections.name",
        ],
        "name",
    ),
    (
        &[
            "message_templates_name_key",
            "message_templates.tenant_id, message_templates.name",
        ],
        "name",
    ),
];

/// Maps a unique violation to a field conflict, and any other database error through unchanged.
pub fn map_unique_violation(error: DbErr) -> ServiceError {
    let Some(SqlErr::UniqueConstraintViolation(message)) = error.sql_err() else {
        return ServiceError::Database(error);
    };
    UNIQUE_FIELDS
        .iter()
        .find(|(names, _)| names.iter().any(|name| message.contains(name)))
        .map(|(_, field)| ServiceError::conflict(field, "is already taken"))
        .unwrap_or(ServiceError::Database(error))
}

/// Whether the database answers a trivial query (readiness).
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.ping().await.is_ok()
}

/// Whether a database error means the server is out of reach (refused or
/// lost connections, a pool that cannot connect, a server shutting down or
/// starting up) rather than a problem with the statement.
pub fn is_outage(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(sea_orm::RuntimeErr::SqlxError(error))
        | DbErr::Query(sea_orm::RuntimeErr::SqlxError(error)) => match error.as_ref() {
            Sqlx::Io(_)
            | Sqlx::Tls(_)
            | Sqlx::Protocol(_)
            | Sqlx::PoolTimedOut
            | Sqlx::PoolClosed => true,
            // SQLSTATE class 08 (connection exception) and 57P (operator intervention:
            // shutting down, starting up).
            Sqlx::Database(error) => error
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        },
        _ => false,
    }
}

/// Runs a statement written with `$n` placeholders on either store (SQLite reads
/// them as `?n`); returns the rows it changed.
pub async fn execute(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<u64, DbErr> {
    let backend = conn.get_database_backend();
    let result = conn
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            placeholders(backend, sql),
            values,
        ))
        .await?;
    Ok(result.rows_affected())
}

/// Runs a query written with `$n` placeholders on either store and returns its rows.
pub async fn query(
    conn: &impl ConnectionTrait,
    sql: &str,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
    let backend = conn.get_database_backend();
    conn.query_all_raw(sea_orm::Statement::from_sql_and_values(
        backend,
        placeholders(backend, sql),
        values,
    ))
    .await
}

/// `$n` stays on PostgreSQL and becomes `?n` (the same numbered parameter) on SQLite.
pub fn placeholders(backend: sea_orm::DatabaseBackend, sql: &str) -> String {
    if backend == sea_orm::DatabaseBackend::Postgres {
        sql.to_owned()
    } else {
        sql.replace('$', "?")
    }
}
