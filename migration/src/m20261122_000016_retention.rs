//! How long each tenant keeps dialing history, messages and attempt counts
//! (data subject requests and retention, issue 10). Existing tenants get the
//! default of 400 days; nothing is deleted by the migration itself.

use sea_orm_migration::prelude::*;

/// Adds `tenants.history_retention_days`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    HistoryRetentionDays,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .add_column(
                        ColumnDef::new(Tenants::HistoryRetentionDays)
                            .integer()
                            .not_null()
                            .default(400),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Tenants::Table)
                    .drop_column(Tenants::HistoryRetentionDays)
                    .to_owned(),
            )
            .await
    }
}
