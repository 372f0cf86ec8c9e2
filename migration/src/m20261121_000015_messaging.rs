//! The Dial Manager's tables: message templates, each tenant's gateway
//! (secrets sealed), every message sent (unique per tenant and idempotency
//! key: a message re-sent after a crash keeps its key, so the gateway drops
//! the duplicate), the gateway's callbacks (unique per event id, so a replayed
//! callback changes nothing) and the message counters of a campaign.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates the messaging tables and the campaign message counters.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
}

#[derive(Iden)]
enum MessageTemplates {
    Table,
    Id,
    TenantId,
    Name,
    Channel,
    Subject,
    Body,
    HelpText,
    OptOutText,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum MessagingProviders {
    Table,
    TenantId,
    BaseUrl,
    ApiKey,
    SigningSecret,
    SmsSender,
    EmailSender,
    MessagesPerSecond,
    UpdatedBy,
    UpdatedAt,
}

#[derive(Iden)]
enum Messages {
    Table,
    Id,
    TenantId,
    CampaignId,
    RecordId,
    TemplateId,
    Kind,
    Channel,
    Recipient,
    Sender,
    Subject,
    Body,
    IdempotencyKey,
    Status,
    ProviderId,
    Error,
    Tries,
    CreatedAt,
    SentAt,
    DeliveredAt,
    UpdatedAt,
}

#[derive(Iden)]
enum MessageEvents {
    Table,
    TenantId,
    EventId,
    Kind,
    MessageId,
    Sender,
    Body,
    ReceivedAt,
}

#[derive(Iden)]
enum CampaignStats {
    Table,
    Sent,
    Delivered,
    Failed,
    OptedOut,
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

fn uuid(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column).uuid().not_null().to_owned()
}

fn text(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column).text().null().to_owned()
}

fn short(column: impl Iden + 'static, len: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(len).not_null().to_owned()
}

fn optional_time(column: impl Iden + 'static) -> ColumnDef {
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
                    .table(MessageTemplates::Table)
                    .col(uuid(MessageTemplates::Id).primary_key())
                    .col(uuid(MessageTemplates::TenantId))
                    .col(short(MessageTemplates::Name, 100))
                    // SMS or EMAIL
                    .col(short(MessageTemplates::Channel, 10))
                    .col(text(MessageTemplates::Subject))
                    .col(ColumnDef::new(MessageTemplates::Body).text().not_null())
                    .col(text(MessageTemplates::HelpText))
                    .col(text(MessageTemplates::OptOutText))
                    .col(ColumnDef::new(MessageTemplates::CreatedBy).uuid().null())
                    .col(timestamp(MessageTemplates::CreatedAt))
                    .col(timestamp(MessageTemplates::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "message_templates_tenant_fk",
                        MessageTemplates::Table,
                        MessageTemplates::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "message_templates_name_key",
            MessageTemplates::Table,
            [MessageTemplates::TenantId, MessageTemplates::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MessagingProviders::Table)
                    .col(uuid(MessagingProviders::TenantId).primary_key())
                    .col(
                        ColumnDef::new(MessagingProviders::BaseUrl)
                            .text()
                            .not_null(),
                    )
                    // Sealed (`workers::secrets`).
                    .col(text(MessagingProviders::ApiKey))
                    .col(text(MessagingProviders::SigningSecret))
                    .col(text(MessagingProviders::SmsSender))
                    .col(text(MessagingProviders::EmailSender))
                    .col(
                        ColumnDef::new(MessagingProviders::MessagesPerSecond)
                            .integer()
                            .null(),
                    )
                    .col(ColumnDef::new(MessagingProviders::UpdatedBy).uuid().null())
                    .col(timestamp(MessagingProviders::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "messaging_providers_tenant_fk",
                        MessagingProviders::Table,
                        MessagingProviders::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Messages::Table)
                    .col(uuid(Messages::Id).primary_key())
                    .col(uuid(Messages::TenantId))
                    .col(ColumnDef::new(Messages::CampaignId).uuid().null())
                    .col(ColumnDef::new(Messages::RecordId).big_integer().null())
                    .col(ColumnDef::new(Messages::TemplateId).uuid().null())
                    // CAMPAIGN, TEST or REPLY
                    .col(short(Messages::Kind, 10))
                    .col(short(Messages::Channel, 10))
                    .col(short(Messages::Recipient, 254))
                    .col(text(Messages::Sender))
                    .col(text(Messages::Subject))
                    .col(ColumnDef::new(Messages::Body).text().not_null())
                    .col(short(Messages::IdempotencyKey, 100))
                    // SENDING, SENT, DELIVERED or FAILED
                    .col(short(Messages::Status, 10))
                    .col(ColumnDef::new(Messages::ProviderId).string_len(200).null())
                    .col(text(Messages::Error))
                    .col(ColumnDef::new(Messages::Tries).integer().not_null())
                    .col(timestamp(Messages::CreatedAt))
                    .col(optional_time(Messages::SentAt))
                    .col(optional_time(Messages::DeliveredAt))
                    .col(timestamp(Messages::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "messages_tenant_fk",
                        Messages::Table,
                        Messages::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "messages_idempotency_key",
            Messages::Table,
            [Messages::TenantId, Messages::IdempotencyKey],
            true,
        )
        .await?;
        create_index(
            manager,
            "messages_provider_idx",
            Messages::Table,
            [Messages::TenantId, Messages::ProviderId],
            false,
        )
        .await?;
        // The campaign that last wrote to a number (an inbound STOP is counted against it).
        create_index(
            manager,
            "messages_recipient_idx",
            Messages::Table,
            [Messages::TenantId, Messages::Recipient, Messages::CreatedAt],
            false,
        )
        .await?;
        create_index(
            manager,
            "messages_campaign_idx",
            Messages::Table,
            [Messages::CampaignId, Messages::CreatedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MessageEvents::Table)
                    .col(uuid(MessageEvents::TenantId))
                    .col(short(MessageEvents::EventId, 200))
                    .col(short(MessageEvents::Kind, 30))
                    .col(ColumnDef::new(MessageEvents::MessageId).uuid().null())
                    .col(ColumnDef::new(MessageEvents::Sender).string_len(254).null())
                    .col(text(MessageEvents::Body))
                    .col(timestamp(MessageEvents::ReceivedAt))
                    .primary_key(
                        Index::create()
                            .name("message_events_pkey")
                            .col(MessageEvents::TenantId)
                            .col(MessageEvents::EventId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "message_events_tenant_fk",
                        MessageEvents::Table,
                        MessageEvents::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;

        // SQLite alters one column per statement.
        for column in [
            CampaignStats::Sent,
            CampaignStats::Delivered,
            CampaignStats::Failed,
            CampaignStats::OptedOut,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CampaignStats::Table)
                        .add_column(ColumnDef::new(column).big_integer().not_null().default(0))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
