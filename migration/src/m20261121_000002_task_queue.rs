//! The durable task queue: background work survives crashes and is never done twice at once.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates `queue_tasks`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum QueueTasks {
    Table,
    Id,
    Kind,
    TenantId,
    Payload,
    Status,
    RunAt,
    Attempts,
    MaxAttempts,
    LockedBy,
    LockedUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(QueueTasks::Table)
                    .col(
                        ColumnDef::new(QueueTasks::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(QueueTasks::Kind).string_len(64).not_null())
                    .col(ColumnDef::new(QueueTasks::TenantId).uuid().null())
                    .col(ColumnDef::new(QueueTasks::Payload).json().not_null())
                    // READY, RUNNING, DONE, FAILED
                    .col(ColumnDef::new(QueueTasks::Status).string_len(16).not_null())
                    .col(timestamp(QueueTasks::RunAt))
                    .col(
                        ColumnDef::new(QueueTasks::Attempts)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(QueueTasks::MaxAttempts).integer().not_null())
                    .col(ColumnDef::new(QueueTasks::LockedBy).string_len(64).null())
                    // A running task whose lease has passed belongs to a dead worker: it is claimable again.
                    .col(
                        ColumnDef::new(QueueTasks::LockedUntil)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(QueueTasks::LastError).text().null())
                    .col(timestamp(QueueTasks::CreatedAt))
                    .col(timestamp(QueueTasks::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // Claiming scans ready tasks of some kinds by due time.
        create_index(
            manager,
            "queue_tasks_claim_idx",
            QueueTasks::Table,
            [QueueTasks::Status, QueueTasks::Kind, QueueTasks::RunAt],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QueueTasks::Table).to_owned())
            .await
    }
}
