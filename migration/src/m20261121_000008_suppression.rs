//! Suppression lists (tenant or global) and their normalised entries.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates `suppression_lists` and `suppression_entries`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
}

#[derive(Iden)]
enum SuppressionLists {
    Table,
    Id,
    TenantId,
    Name,
    Kind,
    Channels,
    Description,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum SuppressionEntries {
    Table,
    Id,
    ListId,
    Value,
    Reason,
    Source,
    ExpiresAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SuppressionLists::Table)
                    .col(
                        ColumnDef::new(SuppressionLists::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    // NULL: a global list, applied to every tenant.
                    .col(ColumnDef::new(SuppressionLists::TenantId).uuid().null())
                    .col(
                        ColumnDef::new(SuppressionLists::Name)
                            .string_len(200)
                            .not_null(),
                    )
                    // PHONE, EMAIL, CLIENT_ID
                    .col(
                        ColumnDef::new(SuppressionLists::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    // Comma-separated: VOICE,SMS,EMAIL
                    .col(
                        ColumnDef::new(SuppressionLists::Channels)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SuppressionLists::Description).text().null())
                    .col(ColumnDef::new(SuppressionLists::CreatedBy).uuid().null())
                    .col(timestamp(SuppressionLists::CreatedAt))
                    .col(timestamp(SuppressionLists::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("suppression_lists_tenant_fk")
                            .from(SuppressionLists::Table, SuppressionLists::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        // Names are unique within a tenant (global lists: NULLs do not collide, so the
        // use case checks global names itself).
        create_index(
            manager,
            "suppression_lists_tenant_name_key",
            SuppressionLists::Table,
            [SuppressionLists::TenantId, SuppressionLists::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SuppressionEntries::Table)
                    .col(
                        ColumnDef::new(SuppressionEntries::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SuppressionEntries::ListId).uuid().not_null())
                    // E.164, lower-case address or trimmed client id.
                    .col(
                        ColumnDef::new(SuppressionEntries::Value)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SuppressionEntries::Reason).text().null())
                    // UPLOAD, API, SMS_STOP, AGENT
                    .col(
                        ColumnDef::new(SuppressionEntries::Source)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SuppressionEntries::ExpiresAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(timestamp(SuppressionEntries::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("suppression_entries_list_fk")
                            .from(SuppressionEntries::Table, SuppressionEntries::ListId)
                            .to(SuppressionLists::Table, SuppressionLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A value appears once per list; also pages a list's entries by value.
        create_index(
            manager,
            "suppression_entries_list_value_key",
            SuppressionEntries::Table,
            [SuppressionEntries::ListId, SuppressionEntries::Value],
            true,
        )
        .await?;
        // Membership lookups: is this value on any of these lists?
        create_index(
            manager,
            "suppression_entries_value_list_idx",
            SuppressionEntries::Table,
            [SuppressionEntries::Value, SuppressionEntries::ListId],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["suppression_entries", "suppression_lists"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
