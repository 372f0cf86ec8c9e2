//! Import staging skips the write-ahead log on PostgreSQL: staged rows are
//! disposable (a restarted import clears and re-reads them, and PostgreSQL
//! empties unlogged tables after a crash), so their durability buys nothing
//! and costs most of an import's write time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// Makes the staging tables unlogged on PostgreSQL (SQLite has no such notion).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE import_staging SET UNLOGGED; ALTER TABLE import_staging_devices SET UNLOGGED;")
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE import_staging SET LOGGED; ALTER TABLE import_staging_devices SET LOGGED;")
            .await
            .map(|_| ())
    }
}
