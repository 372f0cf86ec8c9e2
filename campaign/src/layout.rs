//! The codes of the Genesys OCS calling-list layout (SPEC §2) that preloading,
//! leasing and treatments write, so any dialer reading the table understands it.

use domain::import::DeviceKind;

/// `contact_info_type` for a device of `kind`: 1 home, 2 direct business,
/// 4 mobile, 10 e-mail; SMS numbers are mobiles, other phones "none" (0).
pub fn contact_info_type(kind: DeviceKind) -> i16 {
    match kind {
        DeviceKind::Home => 1,
        DeviceKind::Work => 2,
        DeviceKind::Mobile | DeviceKind::Sms => 4,
        DeviceKind::Email => 10,
        DeviceKind::Other => 0,
    }
}

/// `record_type`: what kind of dial the record is waiting for.
pub mod record_type {
    /// A record as loaded.
    pub const GENERAL: i16 = 2;
    /// Rescheduled by a treatment or the campaign.
    pub const CAMPAIGN_RESCHEDULED: i16 = 3;
    /// A personal callback: only its agent takes it.
    pub const PERSONAL_CALLBACK: i16 = 5;
    /// A campaign callback: any agent takes it.
    pub const CAMPAIGN_CALLBACK: i16 = 6;
    /// Never to be dialled (suppressed, do not call).
    pub const NO_CALL: i16 = 7;
}

/// `record_status`: where the record is in its dialling cycle.
pub mod record_status {
    /// Ready to be handed to a dialer once `dial_sched_time` has come.
    pub const READY: i16 = 1;
    /// Leased to a dialer; back to ready when the lease runs out.
    pub const RETRIEVED: i16 = 2;
    /// Done: a final result, or nothing left to try.
    pub const UPDATED: i16 = 3;
    /// Cancelled: a compliance rule will never let it be dialled.
    pub const CANCELLED: i16 = 5;
    /// A later device of a chain, ready once the chain reaches it.
    pub const CHAIN_READY: i16 = 9;
}

/// `call_result` before any attempt: 28 "unknown".
pub const CALL_RESULT_UNKNOWN: i16 = 28;

/// The default device escalation order: mobile first, then home, work, other.
pub const DEFAULT_DEVICE_ORDER: [DeviceKind; 6] = [
    DeviceKind::Mobile,
    DeviceKind::Home,
    DeviceKind::Work,
    DeviceKind::Other,
    DeviceKind::Sms,
    DeviceKind::Email,
];

/// Seconds since local midnight, as `daily_from` / `daily_till` hold them.
pub fn seconds_of_day(time: chrono::NaiveTime) -> i32 {
    use chrono::Timelike;
    time.num_seconds_from_midnight() as i32
}
