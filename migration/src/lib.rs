//! Append-only schema history. Each migration is self-contained (its own
//! `Iden` enums) and names its constraints and indexes, because the
//! application maps unique-constraint violations to fields by those names.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_accounts;
mod m20261121_000002_task_queue;
mod m20261121_000003_contact_lists;
mod m20261121_000004_import_staging;
mod m20261121_000005_unlogged_staging;
mod m20261121_000006_direct_import;
mod m20261121_000007_uploads;
mod m20261121_000008_suppression;
mod m20261121_000009_compliance_rules;
mod m20261121_000010_compliance_data;
mod m20261121_000011_suppression_changes;
mod m20261121_000012_dialing_history;
mod m20261121_000013_campaigns;
mod m20261121_000014_jobs;
mod m20261121_000015_messaging;
mod m20261122_000016_retention;
mod m20261122_000017_preload_keys;
mod support;

/// Runs every migration in order; used by `reachline migrate` and at start-up.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_accounts::Migration),
            Box::new(m20261121_000002_task_queue::Migration),
            Box::new(m20261121_000003_contact_lists::Migration),
            Box::new(m20261121_000004_import_staging::Migration),
            Box::new(m20261121_000005_unlogged_staging::Migration),
            Box::new(m20261121_000006_direct_import::Migration),
            Box::new(m20261121_000007_uploads::Migration),
            Box::new(m20261121_000008_suppression::Migration),
            Box::new(m20261121_000009_compliance_rules::Migration),
            Box::new(m20261121_000010_compliance_data::Migration),
            Box::new(m20261121_000011_suppression_changes::Migration),
            Box::new(m20261121_000012_dialing_history::Migration),
            Box::new(m20261121_000013_campaigns::Migration),
            Box::new(m20261121_000014_jobs::Migration),
            Box::new(m20261121_000015_messaging::Migration),
            Box::new(m20261122_000016_retention::Migration),
            Box::new(m20261122_000017_preload_keys::Migration),
        ]
    }
}
