//! Resumable uploads: a list file that arrives in several requests keeps its
//! progress here, so a client can resume after a failure from the stored offset.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates the `uploads` table.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
}

#[derive(Iden)]
enum Uploads {
    Table,
    Id,
    TenantId,
    CreatedBy,
    ApiClientId,
    FileName,
    Path,
    Size,
    Bytes,
    CreatedAt,
    UpdatedAt,
    CompletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Uploads::Table)
                    .col(ColumnDef::new(Uploads::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Uploads::TenantId).uuid().not_null())
                    // Exactly one of the two owners is set: a user or an API client.
                    .col(ColumnDef::new(Uploads::CreatedBy).uuid().null())
                    .col(ColumnDef::new(Uploads::ApiClientId).uuid().null())
                    .col(ColumnDef::new(Uploads::FileName).string_len(255).not_null())
                    .col(ColumnDef::new(Uploads::Path).string_len(1024).not_null())
                    // Unknown until the client says so; the upload then ends when taken for an import.
                    .col(ColumnDef::new(Uploads::Size).big_integer().null())
                    // The durable offset: the file's length after the last successful fsync.
                    .col(
                        ColumnDef::new(Uploads::Bytes)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .col(timestamp(Uploads::CreatedAt))
                    .col(timestamp(Uploads::UpdatedAt))
                    .col(
                        ColumnDef::new(Uploads::CompletedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("uploads_tenant_fk")
                            .from(Uploads::Table, Uploads::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // Every lookup is scoped to the caller's tenant.
        create_index(
            manager,
            "uploads_tenant_idx",
            Uploads::Table,
            [Uploads::TenantId],
            false,
        )
        .await?;
        // Housekeeping finds uploads untouched for a day.
        create_index(
            manager,
            "uploads_updated_idx",
            Uploads::Table,
            [Uploads::UpdatedAt],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Uploads::Table).to_owned())
            .await
    }
}
