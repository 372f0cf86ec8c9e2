//! `compliance_data`: the installation's last good numbering document and the status of its refreshes.

use sea_orm::entity::prelude::*;

/// The single row (`id` = 1) every replica loads its numbering data from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "compliance_data")]
pub struct Model {
    /// Always 1.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// The last document that validated (`None`: the built-in copy is in use).
    pub document: Option<String>,
    /// The document's version label.
    pub version: Option<String>,
    /// How many area codes the document lists.
    pub area_codes: Option<i32>,
    /// Where the document came from (credentials and query removed).
    pub source_url: Option<String>,
    /// When the stored document was fetched.
    pub fetched_at: Option<DateTimeUtc>,
    /// When a refresh was last tried, whatever its outcome.
    pub last_attempt_at: Option<DateTimeUtc>,
    /// When a refresh last stored a valid document.
    pub last_success_at: Option<DateTimeUtc>,
    /// Why the last attempt failed; `None` after a success (no alert).
    pub last_error: Option<String>,
}

/// No relations: one row per installation.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
