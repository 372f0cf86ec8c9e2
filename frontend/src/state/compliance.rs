//! The compliance rule set as the editor holds it: typed structs that read and
//! write exactly the JSON of `compliance::RuleSet` (camelCase fields, enums in
//! SCREAMING_SNAKE_CASE, `{"ROLLING": {"hours": 24}}`, `{"CUSTOM": "debt_id"}`),
//! so the page edits plain Rust and `updateComplianceRuleSet` receives the
//! server's own format. Fields this build does not know are kept in `other`
//! and sent back untouched, so an older app never erases a newer setting.
//!
//! Times ("08:00", "24:00") and dates ("2026-12-25") stay text here: the
//! editor may hold a half-typed value, and `editor::problems` says what is
//! wrong with it before anything is sent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::compliance_types::DialMode;
use crate::api::schema_types::Channel;

pub mod check;
pub mod editor;
pub mod grid;
#[cfg(test)]
mod tests;

/// Everything a tenant configures about who may be contacted when (SPEC §3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleSet {
    /// The tenant-wide switch; the page changes it through `setEmergencyStop`, never the editor.
    #[serde(default)]
    pub emergency_stop: bool,
    /// Calling windows, region overrides, holidays and zone choice.
    pub calling_windows: CallingWindows,
    /// "Do not contact if N attempts today / in the last X" rules.
    #[serde(default)]
    pub attempt_rules: Vec<AttemptRule>,
    /// What automated modes may not reach.
    pub device_restrictions: DeviceRestrictions,
    /// Fields this build does not know, sent back as they came.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// When a device may be reached, in its own local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallingWindows {
    /// The channels the windows apply to.
    pub applies_to: Vec<Channel>,
    /// The window of every region without an override.
    pub default: WeeklyWindow,
    /// Region code (`NY`, `ON`) → the window that replaces the default there.
    #[serde(default)]
    pub regions: BTreeMap<String, WeeklyWindow>,
    /// Whole local days with no contact at all ("2026-12-25").
    #[serde(default)]
    pub holidays: Vec<String>,
    /// The zone of devices whose own zone is unknown; none means they are refused.
    #[serde(default)]
    pub default_zone: Option<String>,
    /// Whether a contact-level zone beats the device's area code.
    #[serde(default)]
    pub prefer_contact_zone: bool,
    /// Fields this build does not know, sent back as they came.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A week of local-time slots; a day without a slot has no calling hours.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyWindow {
    /// The slots, in the order written (server errors name them by index).
    pub slots: Vec<Slot>,
}

/// One stretch of local time on some days: `start` allowed, `end` not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    /// The days of the week it applies to.
    pub days: Vec<Day>,
    /// The first allowed local minute, "HH:MM".
    pub start: String,
    /// The first local minute no longer allowed, "HH:MM" ("24:00" for midnight).
    pub end: String,
}

/// A day of the week as the rule set writes it ("MON" … "SUN").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Day {
    /// Every day, Monday first (the grid's column order).
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];

    /// Monday to Friday, the days a new slot starts with.
    pub const WEEKDAYS: [Day; 5] = [Day::Mon, Day::Tue, Day::Wed, Day::Thu, Day::Fri];

    /// The three-letter name the grid and the checkboxes show.
    pub fn short_name(self) -> &'static str {
        match self {
            Day::Mon => "Mon",
            Day::Tue => "Tue",
            Day::Wed => "Wed",
            Day::Thu => "Thu",
            Day::Fri => "Fri",
            Day::Sat => "Sat",
            Day::Sun => "Sun",
        }
    }
}

/// "Do not contact if N attempts today / in the last X" (SPEC §3.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptRule {
    /// A name for people, repeated in every refusal.
    pub name: String,
    /// Refused once this many counted attempts are in the period.
    pub limit: u32,
    /// Today in the device's zone, or a rolling number of hours.
    pub period: AttemptPeriod,
    /// Whose attempts are counted together.
    pub counted_by: CountBy,
    /// The results that count; empty means every attempt.
    #[serde(default)]
    pub counted_results: Vec<CallResult>,
    /// The channels of the attempts the rule decides.
    pub channels: Vec<Channel>,
    /// Applied to every campaign (true) or only where a campaign names it.
    #[serde(default = "required_by_default")]
    pub required: bool,
    /// Fields this build does not know, sent back as they came.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A rule written without `required` is required, as the server reads it.
fn required_by_default() -> bool {
    true
}

/// The period an attempt rule counts over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttemptPeriod {
    /// The current local day in the device's zone.
    Today,
    /// The last `hours` hours.
    Rolling {
        /// The length of the period in hours (168 for seven days).
        hours: u32,
    },
}

/// What attempts are counted by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CountBy {
    /// The device value.
    Device,
    /// The contact's client id.
    ClientId,
    /// A custom key of the contact, e.g. a debt id (Regulation F counts per debt).
    Custom(String),
}

/// Declares the call results with their wire names and labels in one table.
macro_rules! call_results {
    ($($(#[$meta:meta])* $variant:ident = $wire:literal, $label:literal;)+) => {
        /// The result of a past attempt, as attempt rules select them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum CallResult {
            $($(#[$meta])* #[serde(rename = $wire)] $variant,)+
        }

        impl CallResult {
            /// Every result, in the order the multi-select lists them.
            pub const ALL: &'static [CallResult] = &[$(CallResult::$variant,)+];

            /// The value in the rule set JSON.
            pub fn wire_name(self) -> &'static str {
                match self { $(CallResult::$variant => $wire,)+ }
            }

            /// What the multi-select says.
            pub fn label(self) -> &'static str {
                match self { $(CallResult::$variant => $label,)+ }
            }
        }
    };
}

call_results! {
    /// Answered, the party not identified.
    Answer = "ANSWER", "Answered";
    /// A conversation with the right party.
    RightPartyContact = "RIGHT_PARTY_CONTACT", "Right party contact";
    /// Answered by someone else.
    WrongParty = "WRONG_PARTY", "Wrong party";
    /// An answering machine or voice mail.
    AnsweringMachine = "ANSWERING_MACHINE", "Answering machine";
    /// Busy.
    Busy = "BUSY", "Busy";
    /// Rang out.
    NoAnswer = "NO_ANSWER", "No answer";
    /// Dropped for want of an agent.
    Abandoned = "ABANDONED", "Abandoned";
    /// The party asked not to be called.
    DoNotCall = "DO_NOT_CALL", "Do not call";
    /// Not the contact's number.
    WrongNumber = "WRONG_NUMBER", "Wrong number";
    /// Fax or modem tone.
    Fax = "FAX", "Fax";
    /// The network or dialer failed.
    SystemError = "SYSTEM_ERROR", "System error";
    /// A message was sent.
    Sent = "SENT", "Sent";
    /// Anything else.
    Other = "OTHER", "Other";
}

/// Which modes are automated and what they may not reach (SPEC §3.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeviceRestrictions {
    /// The automated modes.
    pub automated_modes: Vec<DialMode>,
    /// Automated modes may not reach a mobile without consent.
    pub mobile_requires_consent: bool,
    /// A device of unknown type counts as a mobile.
    pub unknown_type_is_mobile: bool,
    /// Refuse numbers flagged as reassigned (automated modes).
    pub refuse_reassigned: bool,
    /// Refuse numbers flagged as ported (automated modes).
    pub refuse_ported: bool,
    /// Fields this build does not know, sent back as they came.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl RuleSet {
    /// Reads the `rules` JSON of `complianceRuleSet`.
    pub fn from_json(json: &Value) -> Result<RuleSet, String> {
        serde_json::from_value(json.clone())
            .map_err(|error| format!("The rule set could not be read: {error}."))
    }

    /// The JSON `updateComplianceRuleSet` takes.
    pub fn to_json(&self) -> Value {
        // Plain structs, string keys: serialising cannot fail.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl AttemptPeriod {
    /// "Today" or "Rolling 24 h" / "Rolling 7 days" for the table.
    pub fn describe(self) -> String {
        match self {
            AttemptPeriod::Today => "Today (local day)".to_owned(),
            AttemptPeriod::Rolling { hours } if hours % 24 == 0 && hours >= 48 => {
                format!("Rolling {} days", hours / 24)
            }
            AttemptPeriod::Rolling { hours } => format!("Rolling {hours} h"),
        }
    }
}

impl CountBy {
    /// "Device", "Client id" or "Custom key debt_id" for the table.
    pub fn describe(&self) -> String {
        match self {
            CountBy::Device => "Device".to_owned(),
            CountBy::ClientId => "Client id".to_owned(),
            CountBy::Custom(key) => format!("Custom key {key}"),
        }
    }
}
