//! Contact lists and everything an import needs: contacts, their devices, saved
//! mappings, selection and split rules, import jobs and their rejected rows.

use sea_orm_migration::prelude::*;

use crate::support::{create_index, timestamp};

/// Creates the List Builder / List Manager tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum Tenants {
    Table,
    Id,
}

#[derive(Iden)]
enum ContactLists {
    Table,
    Id,
    TenantId,
    Name,
    Description,
    Status,
    Channel,
    CallerId,
    DefaultMappingId,
    ContactCount,
    DeviceCount,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum Contacts {
    Table,
    Id,
    TenantId,
    ListId,
    ClientId,
    FirstName,
    LastName,
    Company,
    PostalCode,
    Country,
    TimeZone,
    Custom,
    ConsentAutomated,
    ConsentSms,
    ConsentEmail,
    ImportJobId,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum ContactDevices {
    Table,
    Id,
    TenantId,
    ListId,
    ContactId,
    Position,
    Kind,
    Value,
    Raw,
    CountryCode,
    AreaCode,
    Exchange,
    Subscriber,
    Extension,
    DeviceType,
    Country,
    Region,
    TimeZones,
}

/// Saved, named JSON specifications of one tenant (mappings, selection rules, split rules).
#[derive(Iden, Clone, Copy)]
enum Specs {
    ImportMappings,
    SelectionRules,
    SplitRules,
}

#[derive(Iden)]
enum SpecColumns {
    Id,
    TenantId,
    Name,
    Description,
    Spec,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum ImportJobs {
    Table,
    Id,
    TenantId,
    ListId,
    MappingId,
    Mode,
    Status,
    FileName,
    FilePath,
    FileBytes,
    BytesRead,
    RowsRead,
    Accepted,
    Rejected,
    Duplicates,
    Suppressed,
    Options,
    Error,
    CreatedBy,
    CreatedAt,
    StartedAt,
    FinishedAt,
    UpdatedAt,
}

#[derive(Iden)]
enum ImportRejections {
    Table,
    Id,
    JobId,
    Line,
    Reason,
    Raw,
}

fn fk(
    name: &str,
    from: (impl Iden + 'static, impl Iden + 'static),
    to: (impl Iden + 'static, impl Iden + 'static),
    cascade: bool,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(if cascade {
            ForeignKeyAction::Cascade
        } else {
            ForeignKeyAction::Restrict
        })
        .to_owned()
}

fn counter(column: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(column)
        .big_integer()
        .not_null()
        .default(0)
        .to_owned()
}

impl Migration {
    async fn spec_table(
        manager: &SchemaManager<'_>,
        table: Specs,
        prefix: &str,
    ) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(table)
                    .col(
                        ColumnDef::new(SpecColumns::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SpecColumns::TenantId).uuid().not_null())
                    .col(ColumnDef::new(SpecColumns::Name).string_len(100).not_null())
                    .col(ColumnDef::new(SpecColumns::Description).text().null())
                    .col(ColumnDef::new(SpecColumns::Spec).json().not_null())
                    .col(ColumnDef::new(SpecColumns::CreatedBy).uuid().null())
                    .col(timestamp(SpecColumns::CreatedAt))
                    .col(timestamp(SpecColumns::UpdatedAt))
                    .foreign_key(&mut fk(
                        &format!("{prefix}_tenant_fk"),
                        (table, SpecColumns::TenantId),
                        (Tenants::Table, Tenants::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        // Names tell saved specifications apart in the wizard: unique within a tenant.
        create_index(
            manager,
            &format!("{prefix}_tenant_name_key"),
            table,
            [SpecColumns::TenantId, SpecColumns::Name],
            true,
        )
        .await
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ContactLists::Table)
                    .col(
                        ColumnDef::new(ContactLists::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ContactLists::TenantId).uuid().not_null())
                    .col(
                        ColumnDef::new(ContactLists::Name)
                            .string_len(200)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ContactLists::Description).text().null())
                    // IMPORTING, READY, FAILED, ARCHIVED
                    .col(
                        ColumnDef::new(ContactLists::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    // VOICE, SMS, EMAIL
                    .col(
                        ColumnDef::new(ContactLists::Channel)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ContactLists::CallerId).string_len(32).null())
                    .col(ColumnDef::new(ContactLists::DefaultMappingId).uuid().null())
                    .col(counter(ContactLists::ContactCount))
                    .col(counter(ContactLists::DeviceCount))
                    .col(ColumnDef::new(ContactLists::CreatedBy).uuid().null())
                    .col(timestamp(ContactLists::CreatedAt))
                    .col(timestamp(ContactLists::UpdatedAt))
                    .foreign_key(&mut fk(
                        "contact_lists_tenant_fk",
                        (ContactLists::Table, ContactLists::TenantId),
                        (Tenants::Table, Tenants::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        // Lists are found and paged by name within a tenant; names are unique there.
        create_index(
            manager,
            "contact_lists_tenant_name_key",
            ContactLists::Table,
            [ContactLists::TenantId, ContactLists::Name],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Contacts::Table)
                    .col(
                        ColumnDef::new(Contacts::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Contacts::TenantId).uuid().not_null())
                    .col(ColumnDef::new(Contacts::ListId).uuid().not_null())
                    .col(ColumnDef::new(Contacts::ClientId).string_len(64).null())
                    .col(ColumnDef::new(Contacts::FirstName).string_len(100).null())
                    .col(ColumnDef::new(Contacts::LastName).string_len(100).null())
                    .col(ColumnDef::new(Contacts::Company).string_len(200).null())
                    .col(ColumnDef::new(Contacts::PostalCode).string_len(20).null())
                    .col(ColumnDef::new(Contacts::Country).string_len(2).null())
                    .col(ColumnDef::new(Contacts::TimeZone).string_len(64).null())
                    // other1…otherN custom fields
                    .col(ColumnDef::new(Contacts::Custom).json().not_null())
                    .col(
                        ColumnDef::new(Contacts::ConsentAutomated)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Contacts::ConsentSms)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(Contacts::ConsentEmail)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    // The import that wrote the row last: lets a restarted import remove its own partial rows.
                    .col(ColumnDef::new(Contacts::ImportJobId).uuid().null())
                    .col(timestamp(Contacts::CreatedAt))
                    .col(timestamp(Contacts::UpdatedAt))
                    .foreign_key(&mut fk(
                        "contacts_list_fk",
                        (Contacts::Table, Contacts::ListId),
                        (ContactLists::Table, ContactLists::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        // Client ids are the customer's key: unique within a list (NULLs do not collide).
        create_index(
            manager,
            "contacts_list_client_key",
            Contacts::Table,
            [Contacts::ListId, Contacts::ClientId],
            true,
        )
        .await?;
        // Paging a list's contacts in id order.
        create_index(
            manager,
            "contacts_list_idx",
            Contacts::Table,
            [Contacts::ListId, Contacts::Id],
            false,
        )
        .await?;
        // Search by name within a list.
        create_index(
            manager,
            "contacts_list_name_idx",
            Contacts::Table,
            [Contacts::ListId, Contacts::LastName, Contacts::FirstName],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ContactDevices::Table)
                    .col(
                        ColumnDef::new(ContactDevices::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ContactDevices::TenantId).uuid().not_null())
                    .col(ColumnDef::new(ContactDevices::ListId).uuid().not_null())
                    .col(
                        ColumnDef::new(ContactDevices::ContactId)
                            .big_integer()
                            .not_null(),
                    )
                    // 0–9: the escalation order of the contact's devices.
                    .col(
                        ColumnDef::new(ContactDevices::Position)
                            .small_integer()
                            .not_null(),
                    )
                    // HOME, WORK, MOBILE, OTHER, SMS, EMAIL
                    .col(
                        ColumnDef::new(ContactDevices::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    // E.164 for phones, lower-case address for e-mail.
                    .col(
                        ColumnDef::new(ContactDevices::Value)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ContactDevices::Raw)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ContactDevices::CountryCode)
                            .small_integer()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ContactDevices::AreaCode)
                            .string_len(8)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ContactDevices::Exchange)
                            .string_len(8)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ContactDevices::Subscriber)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ContactDevices::Extension)
                            .string_len(16)
                            .null(),
                    )
                    // MOBILE, LANDLINE, UNKNOWN (phones) or EMAIL
                    .col(
                        ColumnDef::new(ContactDevices::DeviceType)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ContactDevices::Country).string_len(2).null())
                    .col(ColumnDef::new(ContactDevices::Region).string_len(8).null())
                    // Space-separated IANA zones; several when an area code spans zones.
                    .col(
                        ColumnDef::new(ContactDevices::TimeZones)
                            .string_len(200)
                            .null(),
                    )
                    .foreign_key(&mut fk(
                        "contact_devices_contact_fk",
                        (ContactDevices::Table, ContactDevices::ContactId),
                        (Contacts::Table, Contacts::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        // A contact's devices in escalation order (the dataloader's query).
        create_index(
            manager,
            "contact_devices_contact_idx",
            ContactDevices::Table,
            [ContactDevices::ContactId, ContactDevices::Position],
            true,
        )
        .await?;
        // De-duplication by device within a list, and search by phone number.
        create_index(
            manager,
            "contact_devices_list_value_idx",
            ContactDevices::Table,
            [ContactDevices::ListId, ContactDevices::Value],
            false,
        )
        .await?;

        Self::spec_table(manager, Specs::ImportMappings, "import_mappings").await?;
        Self::spec_table(manager, Specs::SelectionRules, "selection_rules").await?;
        Self::spec_table(manager, Specs::SplitRules, "split_rules").await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportJobs::Table)
                    .col(
                        ColumnDef::new(ImportJobs::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ImportJobs::TenantId).uuid().not_null())
                    .col(ColumnDef::new(ImportJobs::ListId).uuid().not_null())
                    .col(ColumnDef::new(ImportJobs::MappingId).uuid().null())
                    // APPEND_ONLY, FLUSH_APPEND, APPEND_AND_UPDATE
                    .col(ColumnDef::new(ImportJobs::Mode).string_len(24).not_null())
                    // QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED
                    .col(ColumnDef::new(ImportJobs::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(ImportJobs::FileName)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::FilePath)
                            .string_len(1024)
                            .not_null(),
                    )
                    .col(counter(ImportJobs::FileBytes))
                    .col(counter(ImportJobs::BytesRead))
                    .col(counter(ImportJobs::RowsRead))
                    .col(counter(ImportJobs::Accepted))
                    .col(counter(ImportJobs::Rejected))
                    .col(counter(ImportJobs::Duplicates))
                    .col(counter(ImportJobs::Suppressed))
                    // The mapping and rules as they were when the import was asked for.
                    .col(ColumnDef::new(ImportJobs::Options).json().not_null())
                    .col(ColumnDef::new(ImportJobs::Error).text().null())
                    .col(ColumnDef::new(ImportJobs::CreatedBy).uuid().null())
                    .col(timestamp(ImportJobs::CreatedAt))
                    .col(
                        ColumnDef::new(ImportJobs::StartedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(ImportJobs::FinishedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(timestamp(ImportJobs::UpdatedAt))
                    .foreign_key(&mut fk(
                        "import_jobs_list_fk",
                        (ImportJobs::Table, ImportJobs::ListId),
                        (ContactLists::Table, ContactLists::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        // A list's import history, newest first.
        create_index(
            manager,
            "import_jobs_list_created_idx",
            ImportJobs::Table,
            [ImportJobs::ListId, ImportJobs::CreatedAt],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ImportRejections::Table)
                    .col(
                        ColumnDef::new(ImportRejections::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ImportRejections::JobId).uuid().not_null())
                    .col(
                        ColumnDef::new(ImportRejections::Line)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ImportRejections::Reason).text().not_null())
                    .col(ColumnDef::new(ImportRejections::Raw).text().not_null())
                    .foreign_key(&mut fk(
                        "import_rejections_job_fk",
                        (ImportRejections::Table, ImportRejections::JobId),
                        (ImportJobs::Table, ImportJobs::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        // Rejected rows are listed and downloaded in line order.
        create_index(
            manager,
            "import_rejections_job_line_idx",
            ImportRejections::Table,
            [ImportRejections::JobId, ImportRejections::Line],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "import_rejections",
            "import_jobs",
            "split_rules",
            "selection_rules",
            "import_mappings",
            "contact_devices",
            "contacts",
            "contact_lists",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
