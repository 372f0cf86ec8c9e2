//! Dialing history: every attempt a dialer reported (the system of record for
//! audit, reports and the attempt rules), and the keys each attempt counts
//! under (device, client id, custom keys), which the hot path mirrors in the
//! cache and rebuilds from here.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates `dialing_history` and `attempt_keys`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
}

#[derive(Iden)]
enum DialingHistory {
    Table,
    Id,
    TenantId,
    AttemptGuid,
    Sequence,
    Device,
    ClientId,
    CallingList,
    Campaign,
    ChainId,
    Result,
    ResultCode,
    StartedAt,
    EndedAt,
    ReceivedAt,
    ApiClientId,
    Record,
}

#[derive(Iden)]
enum AttemptKeys {
    Table,
    TenantId,
    AttemptGuid,
    Key,
    Result,
    StartedAt,
}

fn text(column: impl Iden + 'static, length: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(length).null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DialingHistory::Table)
                    .col(
                        ColumnDef::new(DialingHistory::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(DialingHistory::TenantId).uuid().not_null())
                    .col(
                        ColumnDef::new(DialingHistory::AttemptGuid)
                            .string_len(64)
                            .not_null(),
                    )
                    // 0 dialling started, 1 finished (OCS GSW_HIST_SEQUENCE_NUM)
                    .col(
                        ColumnDef::new(DialingHistory::Sequence)
                            .small_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DialingHistory::Device)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(text(DialingHistory::ClientId, 64))
                    .col(text(DialingHistory::CallingList, 255))
                    .col(text(DialingHistory::Campaign, 255))
                    .col(text(DialingHistory::ChainId, 255))
                    // compliance::CallResult name; IN_PROGRESS until record 1
                    .col(
                        ColumnDef::new(DialingHistory::Result)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(ColumnDef::new(DialingHistory::ResultCode).integer().null())
                    .col(timestamp(DialingHistory::StartedAt))
                    .col(
                        ColumnDef::new(DialingHistory::EndedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(timestamp(DialingHistory::ReceivedAt))
                    .col(ColumnDef::new(DialingHistory::ApiClientId).uuid().null())
                    // The record as the dialer sent it, for audit.
                    .col(ColumnDef::new(DialingHistory::Record).json().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("dialing_history_tenant_fk")
                            .from(DialingHistory::Table, DialingHistory::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "dialing_history_attempt_key",
            DialingHistory::Table,
            [DialingHistory::TenantId, DialingHistory::AttemptGuid],
            true,
        )
        .await?;
        create_index(
            manager,
            "dialing_history_started_idx",
            DialingHistory::Table,
            [DialingHistory::TenantId, DialingHistory::StartedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AttemptKeys::Table)
                    .col(ColumnDef::new(AttemptKeys::TenantId).uuid().not_null())
                    .col(
                        ColumnDef::new(AttemptKeys::AttemptGuid)
                            .string_len(64)
                            .not_null(),
                    )
                    // "d:<device>", "c:<client id>", "k:<name>=<value>"
                    .col(ColumnDef::new(AttemptKeys::Key).text().not_null())
                    .col(
                        ColumnDef::new(AttemptKeys::Result)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(timestamp(AttemptKeys::StartedAt))
                    .primary_key(
                        Index::create()
                            .name("attempt_keys_pk")
                            .col(AttemptKeys::TenantId)
                            .col(AttemptKeys::AttemptGuid)
                            .col(AttemptKeys::Key),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("attempt_keys_tenant_fk")
                            .from(AttemptKeys::Table, AttemptKeys::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "attempt_keys_lookup_idx",
            AttemptKeys::Table,
            [
                AttemptKeys::TenantId,
                AttemptKeys::Key,
                AttemptKeys::StartedAt,
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AttemptKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(DialingHistory::Table).to_owned())
            .await
    }
}
