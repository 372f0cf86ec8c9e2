//! The suppression change feed: every list carries a version that each write
//! bumps in its transaction, and `suppression_changes` holds what each
//! version did, so every process can bring its in-memory copy of a list up to
//! date by reading the versions it has not applied yet.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Adds `suppression_lists.version`, `suppression_changes` and the entry index loads page by.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum SuppressionLists {
    Table,
    Id,
    Version,
}

#[derive(Iden)]
enum SuppressionEntries {
    Table,
    ListId,
    Id,
}

#[derive(Iden)]
enum SuppressionChanges {
    Table,
    ListId,
    Version,
    Op,
    Entries,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Bumped by every write to the list, in the writing transaction (the row
        // lock orders writers, so versions commit in order and without gaps).
        manager
            .alter_table(
                Table::alter()
                    .table(SuppressionLists::Table)
                    .add_column(
                        ColumnDef::new(SuppressionLists::Version)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SuppressionChanges::Table)
                    .col(ColumnDef::new(SuppressionChanges::ListId).uuid().not_null())
                    .col(
                        ColumnDef::new(SuppressionChanges::Version)
                            .big_integer()
                            .not_null(),
                    )
                    // ADD, REMOVE or RELOAD
                    .col(
                        ColumnDef::new(SuppressionChanges::Op)
                            .string_len(16)
                            .not_null(),
                    )
                    // ADD: [{ value, expiresAt, reason }]; REMOVE: [value]; RELOAD: [].
                    .col(
                        ColumnDef::new(SuppressionChanges::Entries)
                            .json()
                            .not_null(),
                    )
                    .col(timestamp(SuppressionChanges::CreatedAt))
                    .primary_key(
                        Index::create()
                            .name("suppression_changes_pkey")
                            .col(SuppressionChanges::ListId)
                            .col(SuppressionChanges::Version),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("suppression_changes_list_fk")
                            .from(SuppressionChanges::Table, SuppressionChanges::ListId)
                            .to(SuppressionLists::Table, SuppressionLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Housekeeping deletes changes older than a day.
        create_index(
            manager,
            "suppression_changes_created_at_idx",
            SuppressionChanges::Table,
            [SuppressionChanges::CreatedAt],
            false,
        )
        .await?;
        // Loading a list pages its entries by id.
        create_index(
            manager,
            "suppression_entries_list_id_idx",
            SuppressionEntries::Table,
            [SuppressionEntries::ListId, SuppressionEntries::Id],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("suppression_entries_list_id_idx")
                    .table(SuppressionEntries::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(SuppressionChanges::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SuppressionLists::Table)
                    .drop_column(SuppressionLists::Version)
                    .to_owned(),
            )
            .await
    }
}
