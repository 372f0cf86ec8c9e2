//! Campaigns (the seed's Campaign Manager): templates, campaigns (the seed's
//! "campaign group"), the ordered contacts a load takes in, the calling list in
//! the Genesys OCS layout that dialers read and lease from, and the live
//! counters a dashboard reads without scanning the list.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates the campaign tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
}

#[derive(Iden)]
enum CampaignTemplates {
    Table,
    Id,
    TenantId,
    Name,
    Description,
    Settings,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum Campaigns {
    Table,
    Id,
    TenantId,
    Name,
    Description,
    TemplateId,
    State,
    Lists,
    ListMix,
    SelectionRuleIds,
    RecordOrder,
    AgentGroup,
    LoadStatus,
    LoadError,
    LoadStartedAt,
    LoadFinishedAt,
    LoadCursor,
    LoadMembers,
    Excluded,
    StateChangedAt,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum CampaignMembers {
    Table,
    CampaignId,
    Seq,
    ContactId,
}

#[derive(Iden)]
enum CampaignCandidates {
    Table,
    CampaignId,
    ContactId,
}

#[derive(Iden)]
enum CampaignStats {
    Table,
    CampaignId,
    Total,
    Ready,
    Leased,
    Dialed,
    Connected,
    Abandoned,
    NoAnswer,
    Busy,
    Machine,
    FinalCount,
    Attempted,
    UpdatedAt,
}

#[derive(Iden)]
enum CampaignStatMinutes {
    Table,
    CampaignId,
    Minute,
    Attempts,
    Answered,
    Connects,
    Abandoned,
}

#[derive(Iden)]
enum CallingListRecords {
    Table,
    RecordId,
    TenantId,
    CampaignId,
    ContactId,
    DeviceId,
    Seq,
    ContactInfo,
    ContactInfoType,
    RecordType,
    RecordStatus,
    CallResult,
    Attempt,
    DialSchedTime,
    CallTime,
    DailyFrom,
    DailyTill,
    TzDbid,
    TzName,
    AgentId,
    ChainId,
    ChainN,
    LeaseUntil,
    LeaseId,
    CClientId,
    CFirstName,
    CLastName,
    CCompany,
    CPostalCode,
    CCountry,
    CdKind,
    CdCountryCode,
    CdAreaCode,
    CdRegion,
    CdDeviceType,
}

fn counter(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn text(column: impl Iden + 'static, length: u32) -> ColumnDef {
    ColumnDef::new(column).string_len(length).null().to_owned()
}

fn small(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column).small_integer().not_null().to_owned()
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CampaignTemplates::Table)
                    .col(
                        ColumnDef::new(CampaignTemplates::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CampaignTemplates::TenantId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CampaignTemplates::Name)
                            .string_len(100)
                            .not_null(),
                    )
                    .col(ColumnDef::new(CampaignTemplates::Description).text().null())
                    // campaign::TemplateSettings as JSON
                    .col(
                        ColumnDef::new(CampaignTemplates::Settings)
                            .json()
                            .not_null(),
                    )
                    .col(ColumnDef::new(CampaignTemplates::CreatedBy).uuid().null())
                    .col(timestamp(CampaignTemplates::CreatedAt))
                    .col(timestamp(CampaignTemplates::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "campaign_templates_tenant_fk",
                        CampaignTemplates::Table,
                        CampaignTemplates::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "campaign_templates_tenant_name_key",
            CampaignTemplates::Table,
            [CampaignTemplates::TenantId, CampaignTemplates::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(
                        ColumnDef::new(Campaigns::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Campaigns::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Campaigns::Name).string_len(100).not_null())
                    .col(ColumnDef::new(Campaigns::Description).text().null())
                    .col(ColumnDef::new(Campaigns::TemplateId).uuid().not_null())
                    .col(ColumnDef::new(Campaigns::State).string_len(16).not_null())
                    // [{ "listId": uuid, "weight": n }] in list order
                    .col(ColumnDef::new(Campaigns::Lists).json().not_null())
                    .col(ColumnDef::new(Campaigns::ListMix).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Campaigns::SelectionRuleIds)
                            .json()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Campaigns::RecordOrder).json().not_null())
                    .col(text(Campaigns::AgentGroup, 100))
                    // NOT_LOADED, LOADING, READY, FAILED
                    .col(
                        ColumnDef::new(Campaigns::LoadStatus)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Campaigns::LoadError).text().null())
                    .col(
                        ColumnDef::new(Campaigns::LoadStartedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(Campaigns::LoadFinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    // the last member seq whose records are in the calling list
                    .col(counter(Campaigns::LoadCursor))
                    .col(counter(Campaigns::LoadMembers))
                    // devices left out of the calling list, by reason
                    .col(ColumnDef::new(Campaigns::Excluded).json().not_null())
                    .col(timestamp(Campaigns::StateChangedAt))
                    .col(ColumnDef::new(Campaigns::CreatedBy).uuid().null())
                    .col(timestamp(Campaigns::CreatedAt))
                    .col(timestamp(Campaigns::UpdatedAt))
                    .foreign_key(&mut tenant_fk(
                        "campaigns_tenant_fk",
                        Campaigns::Table,
                        Campaigns::TenantId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("campaigns_template_fk")
                            .from(Campaigns::Table, Campaigns::TemplateId)
                            .to(CampaignTemplates::Table, CampaignTemplates::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        create_index(
            manager,
            "campaigns_tenant_name_key",
            Campaigns::Table,
            [Campaigns::TenantId, Campaigns::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CampaignMembers::Table)
                    .col(
                        ColumnDef::new(CampaignMembers::CampaignId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CampaignMembers::Seq)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CampaignMembers::ContactId)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CampaignMembers::CampaignId)
                            .col(CampaignMembers::Seq),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("campaign_members_campaign_fk")
                            .from(CampaignMembers::Table, CampaignMembers::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignCandidates::Table)
                    .col(
                        ColumnDef::new(CampaignCandidates::CampaignId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CampaignCandidates::ContactId)
                            .big_integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CampaignCandidates::CampaignId)
                            .col(CampaignCandidates::ContactId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("campaign_candidates_campaign_fk")
                            .from(CampaignCandidates::Table, CampaignCandidates::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CampaignStats::Table)
                    .col(
                        ColumnDef::new(CampaignStats::CampaignId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(counter(CampaignStats::Total))
                    .col(counter(CampaignStats::Ready))
                    .col(counter(CampaignStats::Leased))
                    .col(counter(CampaignStats::Dialed))
                    .col(counter(CampaignStats::Connected))
                    .col(counter(CampaignStats::Abandoned))
                    .col(counter(CampaignStats::NoAnswer))
                    .col(counter(CampaignStats::Busy))
                    .col(counter(CampaignStats::Machine))
                    .col(counter(CampaignStats::FinalCount))
                    .col(counter(CampaignStats::Attempted))
                    .col(timestamp(CampaignStats::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("campaign_stats_campaign_fk")
                            .from(CampaignStats::Table, CampaignStats::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CampaignStatMinutes::Table)
                    .col(
                        ColumnDef::new(CampaignStatMinutes::CampaignId)
                            .uuid()
                            .not_null(),
                    )
                    .col(timestamp(CampaignStatMinutes::Minute))
                    .col(counter(CampaignStatMinutes::Attempts))
                    .col(counter(CampaignStatMinutes::Answered))
                    .col(counter(CampaignStatMinutes::Connects))
                    .col(counter(CampaignStatMinutes::Abandoned))
                    .primary_key(
                        Index::create()
                            .col(CampaignStatMinutes::CampaignId)
                            .col(CampaignStatMinutes::Minute),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("campaign_stat_minutes_campaign_fk")
                            .from(CampaignStatMinutes::Table, CampaignStatMinutes::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CallingListRecords::Table)
                    .col(
                        ColumnDef::new(CallingListRecords::RecordId)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::TenantId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::CampaignId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::ContactId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::DeviceId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::Seq)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::ContactInfo)
                            .string_len(128)
                            .not_null(),
                    )
                    .col(small(CallingListRecords::ContactInfoType))
                    .col(small(CallingListRecords::RecordType))
                    .col(small(CallingListRecords::RecordStatus))
                    .col(small(CallingListRecords::CallResult))
                    .col(
                        ColumnDef::new(CallingListRecords::Attempt)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::DialSchedTime)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::CallTime)
                            .big_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::DailyFrom)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::DailyTill)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::TzDbid)
                            .integer()
                            .not_null(),
                    )
                    .col(text(CallingListRecords::TzName, 64))
                    .col(text(CallingListRecords::AgentId, 64))
                    .col(
                        ColumnDef::new(CallingListRecords::ChainId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::ChainN)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::LeaseUntil)
                            .big_integer()
                            .null(),
                    )
                    .col(text(CallingListRecords::LeaseId, 36))
                    .col(text(CallingListRecords::CClientId, 64))
                    .col(text(CallingListRecords::CFirstName, 255))
                    .col(text(CallingListRecords::CLastName, 255))
                    .col(text(CallingListRecords::CCompany, 255))
                    .col(text(CallingListRecords::CPostalCode, 32))
                    .col(text(CallingListRecords::CCountry, 2))
                    .col(
                        ColumnDef::new(CallingListRecords::CdKind)
                            .string_len(8)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CallingListRecords::CdCountryCode)
                            .small_integer()
                            .null(),
                    )
                    .col(text(CallingListRecords::CdAreaCode, 8))
                    .col(text(CallingListRecords::CdRegion, 8))
                    .col(text(CallingListRecords::CdDeviceType, 16))
                    .foreign_key(
                        ForeignKey::create()
                            .name("calling_list_records_campaign_fk")
                            .from(CallingListRecords::Table, CallingListRecords::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One record per device per campaign: a resumed load inserts only what is missing.
        create_index(
            manager,
            "calling_list_records_device_key",
            CallingListRecords::Table,
            [CallingListRecords::CampaignId, CallingListRecords::DeviceId],
            true,
        )
        .await?;
        // Leasing: the next ready records in campaign order.
        create_index(
            manager,
            "calling_list_records_lease_idx",
            CallingListRecords::Table,
            [
                CallingListRecords::CampaignId,
                CallingListRecords::RecordStatus,
                CallingListRecords::Seq,
            ],
            false,
        )
        .await?;
        // Treatments: the other devices of a chain.
        create_index(
            manager,
            "calling_list_records_chain_idx",
            CallingListRecords::Table,
            [CallingListRecords::CampaignId, CallingListRecords::ChainId],
            false,
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CallingListRecords::Table.to_string(),
            CampaignStatMinutes::Table.to_string(),
            CampaignStats::Table.to_string(),
            CampaignCandidates::Table.to_string(),
            CampaignMembers::Table.to_string(),
            Campaigns::Table.to_string(),
            CampaignTemplates::Table.to_string(),
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
