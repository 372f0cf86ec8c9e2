//! Imports write straight into the list inside one transaction: contacts get the
//! key they are de-duplicated by (unique per list), the staging tables go, import
//! jobs count the records selection rules dropped and name the lists a split
//! wrote to, and tenants get the zone used for numbers that have none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

use crate::support::create_index;

/// Adds `contacts.dedupe_key`, import-job split results and the tenant zone; drops staging.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Contacts {
    Table,
    ListId,
    DedupeKey,
}

#[derive(Iden)]
enum ImportJobs {
    Table,
    Filtered,
    Parts,
}

#[derive(Iden)]
enum Tenants {
    Table,
    TimeZone,
}

#[derive(Iden)]
enum ImportStaging {
    Table,
}

#[derive(Iden)]
enum ImportStagingDevices {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The key an import de-duplicates by: `c:<client id>`, else `d:<first device>`,
        // else `s:<id>` (a contact with neither never collides).
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(ColumnDef::new(Contacts::DedupeKey).string_len(255).null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // A contact located by postal code in a state that spans zones gets all of them,
        // space-separated like a device's (SQLite does not enforce lengths).
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared("ALTER TABLE contacts ALTER COLUMN time_zone TYPE varchar(200)")
                .await?;
        }
        db.execute_unprepared(
            "UPDATE contacts SET dedupe_key = CASE WHEN client_id IS NOT NULL THEN 'c:' || client_id \
             ELSE COALESCE((SELECT 'd:' || d.value FROM contact_devices d WHERE d.contact_id = contacts.id \
             ORDER BY d.position LIMIT 1), 's:' || CAST(id AS TEXT)) END",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE contacts SET dedupe_key = 's:' || CAST(id AS TEXT) WHERE id NOT IN \
             (SELECT MIN(id) FROM contacts GROUP BY list_id, dedupe_key)",
        )
        .await?;
        create_index(
            manager,
            "contacts_list_dedupe_key",
            Contacts::Table,
            [Contacts::ListId, Contacts::DedupeKey],
            true,
        )
        .await?;
        // Every index costs each imported row a B-tree insert: keep only what queries use.
        // The staging join used `contacts_import_idx`; client ids are unique and looked up
        // through the de-duplication key (`c:<client id>`); name search is a substring
        // match that the name index never served.
        for index in [
            "contacts_import_idx",
            "contacts_list_client_key",
            "contacts_list_name_idx",
        ] {
            manager
                .drop_index(Index::drop().name(index).table(Contacts::Table).to_owned())
                .await?;
        }
        // On PostgreSQL a foreign key is a per-row trigger (a quarter of an import's time);
        // contacts and devices are only written and deleted by the list code, which
        // refuses to delete a list while it imports and deletes children explicitly.
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE contacts DROP CONSTRAINT contacts_list_fk; \
                 ALTER TABLE contact_devices DROP CONSTRAINT contact_devices_contact_fk",
            )
            .await?;
        }
        manager
            .drop_table(Table::drop().table(ImportStagingDevices::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ImportStaging::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ImportJobs::Table)
                    .add_column(
                        ColumnDef::new(ImportJobs::Filtered)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        // The lists a split rule wrote to: `[{ "listId", "name", "accepted" }]`.
        manager
            .alter_table(
                Table::alter()
                    .table(ImportJobs::Table)
                    .add_column(ColumnDef::new(ImportJobs::Parts).json().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .add_column(
                        ColumnDef::new(Tenants::TimeZone)
                            .string_len(64)
                            .not_null()
                            .default("America/New_York"),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the staging tables are gone: restore from a backup to go back".to_owned(),
        ))
    }
}
