//! `contacts`: the people on a list.

use sea_orm::entity::prelude::*;

/// One contact; its phones and addresses are `contact_devices` rows.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Uuid,
    pub list_id: Uuid,
    /// The customer's own key (≤ 64 characters), unique within the list.
    pub client_id: Option<String>,
    pub dedupe_key: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    /// An explicit IANA zone, which beats the devices' area codes when the tenant says so.
    pub time_zone: Option<String>,
    /// Custom fields `other1…otherN`.
    pub custom: Json,
    /// Consent to automated calls and texts to mobiles (TCPA).
    pub consent_automated: bool,
    pub consent_sms: bool,
    pub consent_email: bool,
    pub import_job_id: Option<Uuid>,
    /// The staging row (of `import_job_id`) the contact came from.
    pub import_seq: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// A contact belongs to a list.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
