//! Per-tenant compliance rule sets, and bulk uploads into suppression lists
//! with their rejected rows.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates `compliance_rule_sets`, `suppression_imports` and `suppression_import_rejections`.
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
}

#[derive(Iden)]
enum ComplianceRuleSets {
    Table,
    TenantId,
    Rules,
    Version,
    EmergencyStopReason,
    UpdatedBy,
    UpdatedAt,
}

#[derive(Iden)]
enum SuppressionImports {
    Table,
    Id,
    TenantId,
    ListId,
    Mode,
    Status,
    FileName,
    FilePath,
    FileBytes,
    RowsRead,
    Added,
    AlreadyPresent,
    Rejected,
    Options,
    Error,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum SuppressionImportRejections {
    Table,
    Id,
    ImportId,
    Line,
    Reason,
    Raw,
}

fn counter(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn maybe_timestamp(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ComplianceRuleSets::Table)
                    .col(
                        ColumnDef::new(ComplianceRuleSets::TenantId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    // The whole rule set as `compliance::RuleSet` serialises it.
                    .col(ColumnDef::new(ComplianceRuleSets::Rules).json().not_null())
                    .col(
                        ColumnDef::new(ComplianceRuleSets::Version)
                            .big_integer()
                            .not_null()
                            .default(1),
                    )
                    .col(
                        ColumnDef::new(ComplianceRuleSets::EmergencyStopReason)
                            .text()
                            .null(),
                    )
                    .col(ColumnDef::new(ComplianceRuleSets::UpdatedBy).uuid().null())
                    .col(timestamp(ComplianceRuleSets::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("compliance_rule_sets_tenant_fk")
                            .from(ComplianceRuleSets::Table, ComplianceRuleSets::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SuppressionImports::Table)
                    .col(
                        ColumnDef::new(SuppressionImports::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SuppressionImports::TenantId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SuppressionImports::ListId).uuid().not_null())
                    // APPEND or REPLACE
                    .col(
                        ColumnDef::new(SuppressionImports::Mode)
                            .string_len(16)
                            .not_null(),
                    )
                    // QUEUED, RUNNING, SUCCEEDED, FAILED
                    .col(
                        ColumnDef::new(SuppressionImports::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SuppressionImports::FileName)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SuppressionImports::FilePath)
                            .text()
                            .not_null(),
                    )
                    .col(counter(SuppressionImports::FileBytes))
                    .col(counter(SuppressionImports::RowsRead))
                    .col(counter(SuppressionImports::Added))
                    .col(counter(SuppressionImports::AlreadyPresent))
                    .col(counter(SuppressionImports::Rejected))
                    // Reason, expiry and default country given with the upload.
                    .col(
                        ColumnDef::new(SuppressionImports::Options)
                            .json()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SuppressionImports::Error).text().null())
                    .col(ColumnDef::new(SuppressionImports::CreatedBy).uuid().null())
                    .col(timestamp(SuppressionImports::CreatedAt))
                    .col(maybe_timestamp(SuppressionImports::StartedAt))
                    .col(maybe_timestamp(SuppressionImports::FinishedAt))
                    .col(timestamp(SuppressionImports::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("suppression_imports_list_fk")
                            .from(SuppressionImports::Table, SuppressionImports::ListId)
                            .to(SuppressionLists::Table, SuppressionLists::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A list's upload history, newest first.
        create_index(
            manager,
            "suppression_imports_list_created_idx",
            SuppressionImports::Table,
            [SuppressionImports::ListId, SuppressionImports::CreatedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SuppressionImportRejections::Table)
                    .col(
                        ColumnDef::new(SuppressionImportRejections::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SuppressionImportRejections::ImportId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SuppressionImportRejections::Line)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SuppressionImportRejections::Reason)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SuppressionImportRejections::Raw)
                            .text()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("suppression_import_rejections_import_fk")
                            .from(
                                SuppressionImportRejections::Table,
                                SuppressionImportRejections::ImportId,
                            )
                            .to(SuppressionImports::Table, SuppressionImports::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "suppression_import_rejections_import_line_idx",
            SuppressionImportRejections::Table,
            [
                SuppressionImportRejections::ImportId,
                SuppressionImportRejections::Line,
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "suppression_import_rejections",
            "suppression_imports",
            "compliance_rule_sets",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
