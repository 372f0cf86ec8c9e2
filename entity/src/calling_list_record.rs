//! `calling_list_records`: the dialer-facing calling list in the Genesys OCS
//! layout (SPEC §2), one record per dialable device, chained per contact.

use sea_orm::entity::prelude::*;

/// One record; codes are those of `campaign::layout`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calling_list_records")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub record_id: i64,
    pub tenant_id: Uuid,
    pub campaign_id: Uuid,
    pub contact_id: i64,
    pub device_id: i64,
    /// Position in the campaign's record order.
    pub seq: i64,
    pub contact_info: String,
    pub contact_info_type: i16,
    pub record_type: i16,
    pub record_status: i16,
    pub call_result: i16,
    pub attempt: i32,
    /// UTC epoch seconds; none: at once.
    pub dial_sched_time: Option<i64>,
    pub call_time: Option<i64>,
    /// Seconds since local midnight.
    pub daily_from: i32,
    pub daily_till: i32,
    pub tz_dbid: i32,
    pub tz_name: Option<String>,
    pub agent_id: Option<String>,
    pub chain_id: i64,
    pub chain_n: i32,
    /// UTC epoch seconds the lease runs out.
    pub lease_until: Option<i64>,
    pub lease_id: Option<String>,
    pub c_client_id: Option<String>,
    pub c_first_name: Option<String>,
    pub c_last_name: Option<String>,
    pub c_company: Option<String>,
    pub c_postal_code: Option<String>,
    pub c_country: Option<String>,
    pub cd_kind: String,
    pub cd_country_code: Option<i16>,
    pub cd_area_code: Option<String>,
    pub cd_region: Option<String>,
    pub cd_device_type: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
