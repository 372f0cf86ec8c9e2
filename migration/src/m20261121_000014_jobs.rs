//! The Job Scheduler: SFTP connections, jobs, their runs (one row per firing,
//! unique per job and firing instant: the single-fire lock every scheduler
//! replica takes), and the files jobs have picked up (remembered by name, size
//! and checksum so none is imported twice).

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates the job tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
}

#[derive(Iden)]
enum SftpConnections {
    Table,
    Id,
    TenantId,
    Name,
    Host,
    Port,
    Username,
    AuthMethod,
    Password,
    PrivateKey,
    PrivateKeyPassphrase,
    HostKeyFingerprint,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum Jobs {
    Table,
    Id,
    TenantId,
    Name,
    Kind,
    Spec,
    Enabled,
    FiredThrough,
    OwnerId,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum JobRuns {
    Table,
    Id,
    TenantId,
    JobId,
    Trigger,
    Status,
    ScheduledFor,
    Attempt,
    MaxAttempts,
    StartedAt,
    FinishedAt,
    NextAttemptAt,
    Counts,
    Log,
    Error,
    FiredBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum JobPickedFiles {
    Table,
    Id,
    TenantId,
    JobId,
    RunId,
    Name,
    Size,
    Sha256,
    StoredPath,
    PickedAt,
}

fn tenant_fk(
    name: &str,
    table: impl Iden + 'static,
    column: impl Iden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Tenants::Table, Tenants::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn job_fk(
    name: &str,
    table: impl Iden + 'static,
    column: impl Iden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, column)
        .to(Jobs::Table, Jobs::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn uuid(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column).uuid().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SftpConnections::Table)
                    .col(uuid(SftpConnections::Id).primary_key())
                    .col(uuid(SftpConnections::TenantId))
                    .col(
                        ColumnDef::new(SftpConnections::Name)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SftpConnections::Host)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SftpConnections::Port).integer().not_null())
                    .col(
                        ColumnDef::new(SftpConnections::Username)
                            .string_len(100)
                            .not_null(),
                    )
                    // PASSWORD or PRIVATE_KEY
                    .col(
                        ColumnDef::new(SftpConnections::AuthMethod)
                            .string_len(20)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SftpConnections::Password).text().null())
                    .col(ColumnDef::new(SftpConnections::PrivateKey).text().null())
                    .col(
                        ColumnDef::new(SftpConnections::PrivateKeyPassphrase)
                            .text()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SftpConnections::HostKeyFingerprint)
                            .string_len(100)
                            .null(),
                    )
                    .col(ColumnDef::new(SftpConnections::CreatedBy).uuid().null())
                    .col(timestamp(SftpConnections::CreatedAt))
                    .col(timestamp(SftpConnections::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "sftp_connections_tenant_fk",
                        SftpConnections::Table,
                        SftpConnections::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "sftp_connections_tenant_name_key",
            SftpConnections::Table,
            [SftpConnections::TenantId, SftpConnections::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(uuid(Jobs::Id).primary_key())
                    .col(uuid(Jobs::TenantId))
                    .col(ColumnDef::new(Jobs::Name).string_len(120).not_null())
                    .col(ColumnDef::new(Jobs::Kind).string_len(30).not_null())
                    // scheduling::JobSpec as JSON
                    .col(ColumnDef::new(Jobs::Spec).json().not_null())
                    .col(ColumnDef::new(Jobs::Enabled).boolean().not_null())
                    // The latest firing fired or skipped: the misfire check starts after it.
                    .col(timestamp(Jobs::FiredThrough))
                    // The account the job acts as: whoever saved it last.
                    .col(ColumnDef::new(Jobs::OwnerId).uuid().null())
                    .col(timestamp(Jobs::CreatedAt))
                    .col(timestamp(Jobs::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "jobs_tenant_fk",
                        Jobs::Table,
                        Jobs::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "jobs_tenant_name_key",
            Jobs::Table,
            [Jobs::TenantId, Jobs::Name],
            true,
        )
        .await?;
        create_index(
            manager,
            "jobs_enabled_idx",
            Jobs::Table,
            [Jobs::Enabled],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(JobRuns::Table)
                    .col(uuid(JobRuns::Id).primary_key())
                    .col(uuid(JobRuns::TenantId))
                    .col(uuid(JobRuns::JobId))
                    // SCHEDULE, MISFIRE or MANUAL
                    .col(ColumnDef::new(JobRuns::Trigger).string_len(10).not_null())
                    .col(ColumnDef::new(JobRuns::Status).string_len(10).not_null())
                    .col(
                        ColumnDef::new(JobRuns::ScheduledFor)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(JobRuns::Attempt).integer().not_null())
                    .col(ColumnDef::new(JobRuns::MaxAttempts).integer().not_null())
                    .col(
                        ColumnDef::new(JobRuns::StartedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(JobRuns::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(JobRuns::NextAttemptAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(JobRuns::Counts).json().not_null())
                    // [{ at, level, message }]
                    .col(ColumnDef::new(JobRuns::Log).json().not_null())
                    .col(ColumnDef::new(JobRuns::Error).text().null())
                    .col(ColumnDef::new(JobRuns::FiredBy).string_len(100).null())
                    .col(timestamp(JobRuns::CreatedAt))
                    .col(timestamp(JobRuns::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "job_runs_tenant_fk",
                        JobRuns::Table,
                        JobRuns::TenantId,
                    ))
                    .foreign_key(&mut job_fk(
                        "job_runs_job_fk",
                        JobRuns::Table,
                        JobRuns::JobId,
                    ))
                    .to_owned(),
            )
            .await?;
        // The single-fire lock: one run per job and firing (manual runs have none).
        create_index(
            manager,
            "job_runs_firing_key",
            JobRuns::Table,
            [JobRuns::JobId, JobRuns::ScheduledFor],
            true,
        )
        .await?;
        create_index(
            manager,
            "job_runs_job_created_idx",
            JobRuns::Table,
            [JobRuns::JobId, JobRuns::CreatedAt],
            false,
        )
        .await?;
        create_index(
            manager,
            "job_runs_created_idx",
            JobRuns::Table,
            [JobRuns::CreatedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(JobPickedFiles::Table)
                    .col(uuid(JobPickedFiles::Id).primary_key())
                    .col(uuid(JobPickedFiles::TenantId))
                    .col(uuid(JobPickedFiles::JobId))
                    .col(uuid(JobPickedFiles::RunId))
                    .col(
                        ColumnDef::new(JobPickedFiles::Name)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JobPickedFiles::Size)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(JobPickedFiles::Sha256)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(JobPickedFiles::StoredPath).text().not_null())
                    .col(timestamp(JobPickedFiles::PickedAt))
                    .foreign_key(&mut tenant_fk(
                        "job_picked_files_tenant_fk",
                        JobPickedFiles::Table,
                        JobPickedFiles::TenantId,
                    ))
                    .foreign_key(&mut job_fk(
                        "job_picked_files_job_fk",
                        JobPickedFiles::Table,
                        JobPickedFiles::JobId,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "job_picked_files_identity_key",
            JobPickedFiles::Table,
            [
                JobPickedFiles::JobId,
                JobPickedFiles::Name,
                JobPickedFiles::Size,
                JobPickedFiles::Sha256,
            ],
            true,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["job_picked_files", "job_runs", "jobs", "sftp_connections"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
