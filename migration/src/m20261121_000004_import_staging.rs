//! Import staging: an import writes here first, then one transaction moves the
//! rows into the list, so a list never shows half an import and a restarted
//! import simply clears its own staging rows.

use sea_orm_migration::prelude::*;

use crate::support::create_index;

/// Creates the staging tables and links contacts to the staging row they came from.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Contacts {
    Table,
    ImportJobId,
    ImportSeq,
}

#[derive(Iden)]
enum ImportStaging {
    Table,
    JobId,
    Seq,
    Line,
    DedupeKey,
    ClientId,
    FirstName,
    LastName,
    Company,
    PostalCode,
    Country,
    TimeZone,
    Custom,
    ConsentAutomated,
    ConsentSms,
    ConsentEmail,
}

#[derive(Iden)]
enum ImportStagingDevices {
    Table,
    JobId,
    Seq,
    Position,
    Kind,
    Value,
    Raw,
    CountryCode,
    AreaCode,
    Exchange,
    Subscriber,
    Extension,
    DeviceType,
    Country,
    Region,
    TimeZones,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Which staging row (of which import) a contact came from: finalising joins on it.
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .add_column(ColumnDef::new(Contacts::ImportSeq).big_integer().null())
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "contacts_import_idx",
            Contacts::Table,
            [Contacts::ImportJobId, Contacts::ImportSeq],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportStaging::Table)
                    .col(ColumnDef::new(ImportStaging::JobId).uuid().not_null())
                    // The record's position in the file: stable across a restart.
                    .col(ColumnDef::new(ImportStaging::Seq).big_integer().not_null())
                    .col(ColumnDef::new(ImportStaging::Line).big_integer().not_null())
                    // Client id, else the first device: a second row with the same key is a duplicate.
                    .col(
                        ColumnDef::new(ImportStaging::DedupeKey)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStaging::ClientId)
                            .string_len(64)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStaging::FirstName)
                            .string_len(100)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStaging::LastName)
                            .string_len(100)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStaging::Company)
                            .string_len(200)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStaging::PostalCode)
                            .string_len(20)
                            .null(),
                    )
                    .col(ColumnDef::new(ImportStaging::Country).string_len(2).null())
                    .col(
                        ColumnDef::new(ImportStaging::TimeZone)
                            .string_len(64)
                            .null(),
                    )
                    .col(ColumnDef::new(ImportStaging::Custom).json().not_null())
                    .col(
                        ColumnDef::new(ImportStaging::ConsentAutomated)
                            .boolean()
                            .null(),
                    )
                    .col(ColumnDef::new(ImportStaging::ConsentSms).boolean().null())
                    .col(ColumnDef::new(ImportStaging::ConsentEmail).boolean().null())
                    .primary_key(
                        Index::create()
                            .name("import_staging_pk")
                            .col(ImportStaging::JobId)
                            .col(ImportStaging::Seq),
                    )
                    .to_owned(),
            )
            .await?;
        // De-duplication within the file: the first row with a key wins.
        create_index(
            manager,
            "import_staging_dedupe_key",
            ImportStaging::Table,
            [ImportStaging::JobId, ImportStaging::DedupeKey],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportStagingDevices::Table)
                    .col(
                        ColumnDef::new(ImportStagingDevices::JobId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Seq)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Position)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Value)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Raw)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::CountryCode)
                            .small_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::AreaCode)
                            .string_len(8)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Exchange)
                            .string_len(8)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Subscriber)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Extension)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::DeviceType)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Country)
                            .string_len(2)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::Region)
                            .string_len(8)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportStagingDevices::TimeZones)
                            .string_len(200)
                            .null(),
                    )
                    .primary_key(
                        Index::create()
                            .name("import_staging_devices_pk")
                            .col(ImportStagingDevices::JobId)
                            .col(ImportStagingDevices::Seq)
                            .col(ImportStagingDevices::Position),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportStagingDevices::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(ImportStaging::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("contacts_import_idx")
                    .table(Contacts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Contacts::Table)
                    .drop_column(Contacts::ImportSeq)
                    .to_owned(),
            )
            .await
    }
}
