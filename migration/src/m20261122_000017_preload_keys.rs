//! The preload writes millions of calling-list records and members per
//! campaign; on PostgreSQL their foreign keys to `campaigns` cost a trigger
//! call per row (≈ 3.4 µs a record, a fifth of a load). They are dropped
//! there: a campaign's records, members and candidates are deleted
//! explicitly with it, and every load transaction holds the campaign row
//! (`FOR KEY SHARE`) while it writes, as the foreign key did. Nothing
//! deletes tenants (whose campaigns cascade): delete a tenant's campaigns
//! first. SQLite keeps its keys (dropping one needs a table rebuild, and its
//! loads have one writer anyway).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

/// Drops the per-row foreign keys of the preload's tables on PostgreSQL.
#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, constraint) of every foreign key dropped.
const KEYS: [(&str, &str); 3] = [
    ("calling_list_records", "calling_list_records_campaign_fk"),
    ("campaign_members", "campaign_members_campaign_fk"),
    ("campaign_candidates", "campaign_candidates_campaign_fk"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (table, key) in KEYS {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {key}"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        for (table, key) in KEYS {
            manager
                .get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE {table} ADD CONSTRAINT {key} FOREIGN KEY (campaign_id) \
                     REFERENCES campaigns (id) ON DELETE CASCADE"
                ))
                .await?;
        }
        Ok(())
    }
}
