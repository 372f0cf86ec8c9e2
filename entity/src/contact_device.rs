//! `contact_devices`: a contact's phones and e-mail addresses, in escalation order.

use sea_orm::entity::prelude::*;

/// One device (up to 10 per contact), normalised at import.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contact_devices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Uuid,
    pub list_id: Uuid,
    pub contact_id: i64,
    /// 0–9: the order the devices are tried in.
    pub position: i16,
    /// `HOME`, `WORK`, `MOBILE`, `OTHER`, `SMS` or `EMAIL`.
    pub kind: String,
    /// E.164 for phones, the lower-case address for e-mail.
    pub value: String,
    /// The value as it was in the file.
    pub raw: String,
    pub country_code: Option<i16>,
    pub area_code: Option<String>,
    pub exchange: Option<String>,
    pub subscriber: Option<String>,
    pub extension: Option<String>,
    /// `MOBILE`, `LANDLINE`, `UNKNOWN` or `EMAIL`.
    pub device_type: String,
    pub country: Option<String>,
    /// State or province.
    pub region: Option<String>,
    /// Space-separated IANA zones.
    pub time_zones: Option<String>,
}

/// A device belongs to a contact.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
