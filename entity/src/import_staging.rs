//! `import_staging`: rows an import has read and accepted, before they join the list.

use sea_orm::entity::prelude::*;

/// One accepted record of a running import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_staging")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub line: i64,
    pub dedupe_key: String,
    pub client_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub time_zone: Option<String>,
    pub custom: Json,
    pub consent_automated: Option<bool>,
    pub consent_sms: Option<bool>,
    pub consent_email: Option<bool>,
}

/// Staging rows stand alone.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
