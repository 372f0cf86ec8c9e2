//! `dialing_history`: every attempt a dialer reported, the system of record.

use sea_orm::entity::prelude::*;

/// One attempt: record 0 (dialling started) replaced by record 1 (finished).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dialing_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    /// `GSW_CALL_ATTEMPT_GUID`, unique per tenant: the idempotency key.
    pub attempt_guid: String,
    /// 0 dialling started, 1 finished.
    pub sequence: i16,
    /// The number dialed, E.164.
    pub device: String,
    pub client_id: Option<String>,
    pub calling_list: Option<String>,
    pub campaign: Option<String>,
    pub chain_id: Option<String>,
    /// `compliance::CallResult` name; `IN_PROGRESS` until record 1.
    pub result: String,
    /// The OCS call result code, when the dialer sent one.
    pub result_code: Option<i32>,
    pub started_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    pub received_at: DateTimeUtc,
    pub api_client_id: Option<Uuid>,
    /// The record as sent.
    pub record: Json,
}

/// History rows belong to a tenant.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
