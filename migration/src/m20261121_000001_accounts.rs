//! Tenancy, accounts, machine credentials, token revocation and the audit log.

use sea_orm_migration::prelude::*;

use crate::support::create_index;

/// Creates the tables every later capability builds on.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(Iden)]
enum Users {
    Table,
    Id,
    TenantId,
    Email,
    DisplayName,
    Role,
    PasswordHash,
    Disabled,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

#[derive(Iden)]
enum ApiClients {
    Table,
    Id,
    TenantId,
    Name,
    KeyPrefix,
    KeyHash,
    Scopes,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(Iden)]
enum AuditEvents {
    Table,
    Id,
    TenantId,
    ActorId,
    ActorLabel,
    Action,
    ObjectType,
    ObjectId,
    ClientIp,
    Detail,
    CreatedAt,
}

#[derive(Iden)]
enum RevokedTokens {
    Table,
    Jti,
    UserId,
    ExpiresAt,
    RevokedAt,
}

fn tenant_fk(
    from_table: impl Iden + 'static,
    from_column: impl Iden + 'static,
    name: &str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from_table, from_column)
        .to(Tenants::Table, Tenants::Id)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenants::Table)
                    .col(ColumnDef::new(Tenants::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Tenants::Name).string_len(100).not_null())
                    .col(
                        ColumnDef::new(Tenants::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "tenants_name_key",
            Tenants::Table,
            [Tenants::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(ColumnDef::new(Users::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Users::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Users::Email).string_len(254).not_null())
                    .col(
                        ColumnDef::new(Users::DisplayName)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Users::Role).string_len(32).not_null())
                    .col(
                        ColumnDef::new(Users::PasswordHash)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Users::Disabled)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Users::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Users::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Users::LastLoginAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut tenant_fk(
                        Users::Table,
                        Users::TenantId,
                        "users_tenant_fk",
                    ))
                    .to_owned(),
            )
            .await?;
        // Login is by e-mail alone, so e-mail is unique across tenants.
        create_index(
            manager,
            "users_email_key",
            Users::Table,
            [Users::Email],
            true,
        )
        .await?;
        // The Users page lists a tenant's users in creation order.
        create_index(
            manager,
            "users_tenant_created_idx",
            Users::Table,
            [Users::TenantId, Users::CreatedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiClients::Table)
                    .col(
                        ColumnDef::new(ApiClients::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ApiClients::TenantId).uuid().not_null())
                    .col(ColumnDef::new(ApiClients::Name).string_len(100).not_null())
                    .col(
                        ColumnDef::new(ApiClients::KeyPrefix)
                            .string_len(32)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiClients::KeyHash)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ApiClients::Scopes).json().not_null())
                    .col(ColumnDef::new(ApiClients::CreatedBy).uuid().null())
                    .col(
                        ColumnDef::new(ApiClients::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ApiClients::LastUsedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ApiClients::RevokedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .foreign_key(&mut tenant_fk(
                        ApiClients::Table,
                        ApiClients::TenantId,
                        "api_clients_tenant_fk",
                    ))
                    .to_owned(),
            )
            .await?;
        // A key is found by its public prefix, then checked against the hash.
        create_index(
            manager,
            "api_clients_key_prefix_key",
            ApiClients::Table,
            [ApiClients::KeyPrefix],
            true,
        )
        .await?;
        // Names tell clients apart in the UI: unique within a tenant.
        create_index(
            manager,
            "api_clients_tenant_name_key",
            ApiClients::Table,
            [ApiClients::TenantId, ApiClients::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(
                        ColumnDef::new(AuditEvents::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(AuditEvents::TenantId).uuid().not_null())
                    .col(ColumnDef::new(AuditEvents::ActorId).uuid().null())
                    .col(
                        ColumnDef::new(AuditEvents::ActorLabel)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::Action)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(AuditEvents::ObjectType)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditEvents::ObjectId).string_len(64).null())
                    .col(ColumnDef::new(AuditEvents::ClientIp).string_len(64).null())
                    .col(ColumnDef::new(AuditEvents::Detail).json().not_null())
                    .col(
                        ColumnDef::new(AuditEvents::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut tenant_fk(
                        AuditEvents::Table,
                        AuditEvents::TenantId,
                        "audit_events_tenant_fk",
                    ))
                    .to_owned(),
            )
            .await?;
        // The audit log pages newest-first within a tenant by id.
        create_index(
            manager,
            "audit_events_tenant_id_idx",
            AuditEvents::Table,
            [AuditEvents::TenantId, AuditEvents::Id],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RevokedTokens::Table)
                    .col(
                        ColumnDef::new(RevokedTokens::Jti)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(RevokedTokens::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(RevokedTokens::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RevokedTokens::RevokedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Expired revocations are purged by expiry.
        create_index(
            manager,
            "revoked_tokens_expires_idx",
            RevokedTokens::Table,
            [RevokedTokens::ExpiresAt],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RevokedTokens::Table.to_string(),
            AuditEvents::Table.to_string(),
            ApiClients::Table.to_string(),
            Users::Table.to_string(),
            Tenants::Table.to_string(),
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
