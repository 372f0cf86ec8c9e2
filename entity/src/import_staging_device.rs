//! `import_staging_devices`: the devices of staged rows.

use sea_orm::entity::prelude::*;

/// One device of a staged record.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_staging_devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i16,
    pub kind: String,
    pub value: String,
    pub raw: String,
    pub country_code: Option<i16>,
    pub area_code: Option<String>,
    pub exchange: Option<String>,
    pub subscriber: Option<String>,
    pub extension: Option<String>,
    pub device_type: String,
    pub country: Option<String>,
    pub region: Option<String>,
    pub time_zones: Option<String>,
}

/// Staging rows stand alone.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
