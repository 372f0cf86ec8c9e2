//! `compliance_data`: the last good numbering document fetched from the
//! compliance data provider, and the status of the latest refresh attempt.
//!
//! One row per installation (`id` = 1): every replica loads the same document
//! from it at start and after a refresh elsewhere, so they all judge numbers
//! with the same data. Only the last good document is kept (older ones are of
//! no use: the provider's newest is always wanted, the built-in copy is the
//! fallback).

use sea_orm_migration::prelude::*;

/// Creates `compliance_data`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum ComplianceData {
    Table,
    Id,
    Document,
    Version,
    AreaCodes,
    SourceUrl,
    FetchedAt,
    LastAttemptAt,
    LastSuccessAt,
    LastError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let nullable_timestamp = |column: ComplianceData| {
            ColumnDef::new(column)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        };
        manager
            .create_table(
                Table::create()
                    .table(ComplianceData::Table)
                    // Always 1: the installation's single row.
                    .col(
                        ColumnDef::new(ComplianceData::Id)
                            .integer()
                            .not_null()
                            .primary_key(),
                    )
                    // The last document that validated, as fetched (NULL until one did:
                    // the built-in copy is in use).
                    .col(ColumnDef::new(ComplianceData::Document).text().null())
                    .col(ColumnDef::new(ComplianceData::Version).text().null())
                    .col(ColumnDef::new(ComplianceData::AreaCodes).integer().null())
                    // Where the document came from, without credentials or query.
                    .col(ColumnDef::new(ComplianceData::SourceUrl).text().null())
                    .col(nullable_timestamp(ComplianceData::FetchedAt))
                    // Status of the refreshes: the alert is `last_error` not NULL.
                    .col(nullable_timestamp(ComplianceData::LastAttemptAt))
                    .col(nullable_timestamp(ComplianceData::LastSuccessAt))
                    .col(ColumnDef::new(ComplianceData::LastError).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ComplianceData::Table).to_owned())
            .await
    }
}
