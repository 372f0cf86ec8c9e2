//! The inputs of a decision other than the rules: the device and what the
//! compliance data says about it, the dialing mode, and two views the caller
//! provides — suppression membership and dialing history — as traits, so the
//! engine stays pure whatever store answers them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// What the engine knows about the device being dialed or messaged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFacts {
    /// The normalised device value: E.164 for a phone, the address for an e-mail.
    pub value: String,
    /// Mobile, landline or unknown (from the wireless blocks or the import).
    pub device_type: DeviceType,
    /// Every region (state, province) the number may be in; several for 902.
    pub regions: Vec<String>,
    /// Every IANA zone the device may be in (from its area code); empty when unknown.
    pub zones: Vec<Tz>,
    /// The contact-level zone(s) (explicit column or postal code), if any.
    pub contact_zones: Vec<Tz>,
    /// The contact agreed to automated calls or texts on this device.
    pub consent_automated: bool,
    /// Compliance data flags the number as reassigned to someone else.
    pub reassigned: bool,
    /// Compliance data flags the number as ported.
    pub ported: bool,
    /// The contact's client id, checked against `CLIENT_ID` suppression and attempt rules.
    pub client_id: Option<String>,
    /// The contact's e-mail address, checked against `EMAIL` suppression lists.
    pub contact_email: Option<String>,
    /// Custom keys of the contact (debt id, account id) for attempt rules counted by them.
    pub custom_keys: BTreeMap<String, String>,
}

/// The kind of line a phone number is on, as far as the data knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeviceType {
    /// A wireless number: automated modes need consent.
    Mobile,
    /// A fixed line.
    Landline,
    /// Not known (the device restrictions say how to treat it).
    #[default]
    Unknown,
}

/// The campaign's dialing mode (SPEC §2 `CampaignTemplate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DialMode {
    /// An agent sees the record and decides to dial.
    Preview,
    /// Dialed for an agent who is already free.
    Progressive,
    /// Dialed ahead of agents by a pacing algorithm.
    Predictive,
    /// Dialed at a fixed ratio per agent.
    Power,
    /// No agent: a recorded message or an IVR.
    Agentless,
    /// A text message.
    Sms,
    /// An e-mail.
    Email,
}

impl DialMode {
    /// The channel the attempt goes out on, which picks suppression lists and rules.
    pub fn channel(self) -> Channel {
        match self {
            DialMode::Sms => Channel::Sms,
            DialMode::Email => Channel::Email,
            _ => Channel::Voice,
        }
    }

    /// The mode as SPEC §2 writes it, for reasons.
    pub fn name(self) -> &'static str {
        match self {
            DialMode::Preview => "PREVIEW",
            DialMode::Progressive => "PROGRESSIVE",
            DialMode::Predictive => "PREDICTIVE",
            DialMode::Power => "POWER",
            DialMode::Agentless => "AGENTLESS",
            DialMode::Sms => "SMS",
            DialMode::Email => "EMAIL",
        }
    }
}

/// The channel of an attempt (suppression lists are per channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Channel {
    /// A phone call.
    Voice,
    /// A text message.
    Sms,
    /// An e-mail.
    Email,
}

impl Channel {
    /// The channel in lower case, for reasons ("voice").
    pub fn name(self) -> &'static str {
        match self {
            Channel::Voice => "voice",
            Channel::Sms => "SMS",
            Channel::Email => "e-mail",
        }
    }
}

/// The result of a past attempt, as attempt rules select them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallResult {
    /// Answered, the party not (yet) identified.
    Answer,
    /// A conversation: `ANSWER` with a right party (SPEC §3.3).
    RightPartyContact,
    /// Answered by someone else.
    WrongParty,
    /// An answering machine or voice mail.
    AnsweringMachine,
    /// Busy.
    Busy,
    /// Rang out.
    NoAnswer,
    /// Answered, but no agent was free and the call was dropped.
    Abandoned,
    /// The party asked not to be called.
    DoNotCall,
    /// The number is not the contact's.
    WrongNumber,
    /// Fax or modem tone.
    Fax,
    /// The network or dialer failed.
    SystemError,
    /// A message was sent (SMS, e-mail).
    Sent,
    /// Anything else.
    Other,
    /// Dialling started and no result came back yet: counts for rules that
    /// count every attempt from the moment it starts.
    InProgress,
}

impl CallResult {
    /// Every result an attempt can end with (all but `IN_PROGRESS`): what rule
    /// sets, call reports and treatments may name.
    pub const ENDED: [CallResult; 13] = [
        CallResult::Answer,
        CallResult::RightPartyContact,
        CallResult::WrongParty,
        CallResult::AnsweringMachine,
        CallResult::Busy,
        CallResult::NoAnswer,
        CallResult::Abandoned,
        CallResult::DoNotCall,
        CallResult::WrongNumber,
        CallResult::Fax,
        CallResult::SystemError,
        CallResult::Sent,
        CallResult::Other,
    ];

    /// The result as the rule set JSON writes it ("ABANDONED"), for reasons.
    pub fn name(self) -> &'static str {
        match self {
            CallResult::Answer => "ANSWER",
            CallResult::RightPartyContact => "RIGHT_PARTY_CONTACT",
            CallResult::WrongParty => "WRONG_PARTY",
            CallResult::AnsweringMachine => "ANSWERING_MACHINE",
            CallResult::Busy => "BUSY",
            CallResult::NoAnswer => "NO_ANSWER",
            CallResult::Abandoned => "ABANDONED",
            CallResult::DoNotCall => "DO_NOT_CALL",
            CallResult::WrongNumber => "WRONG_NUMBER",
            CallResult::Fax => "FAX",
            CallResult::SystemError => "SYSTEM_ERROR",
            CallResult::Sent => "SENT",
            CallResult::Other => "OTHER",
            CallResult::InProgress => "IN_PROGRESS",
        }
    }
}

/// The suppression list kinds of SPEC §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SuppressionKind {
    /// Phone numbers in E.164.
    Phone,
    /// E-mail addresses.
    Email,
    /// The customer's client ids.
    ClientId,
}

/// Membership in the tenant's and the global suppression lists, as the caller stores them.
pub trait Suppression {
    /// The reason (list name, entry reason) when `value` is on an active —
    /// unexpired at `at` — tenant or global list of `kind` for `channel`.
    fn is_suppressed(
        &self,
        kind: SuppressionKind,
        value: &str,
        channel: Channel,
        at: DateTime<Utc>,
    ) -> Option<String>;
}

/// No suppression lists at all, for tools and tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSuppression;

impl Suppression for NoSuppression {
    fn is_suppressed(
        &self,
        _: SuppressionKind,
        _: &str,
        _: Channel,
        _: DateTime<Utc>,
    ) -> Option<String> {
        None
    }
}

/// Whose attempts an attempt rule counts together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptKey<'a> {
    /// Attempts to this device value.
    Device(&'a str),
    /// Attempts to any device of contacts with this client id.
    ClientId(&'a str),
    /// Attempts whose contact had this custom key (`name`) with this value.
    Custom {
        /// The custom key's name ("debt_id").
        name: &'a str,
        /// Its value.
        value: &'a str,
    },
}

/// The dialing history, as the caller stores it. Both methods select the
/// attempts of `key` whose result is in `results` (every attempt when empty),
/// and must agree with each other.
pub trait AttemptHistory {
    /// How many selected attempts were made at or after `since`.
    fn count(&self, key: &AttemptKey<'_>, since: DateTime<Utc>, results: &[CallResult]) -> u32;

    /// The instant of the `n`-th most recent selected attempt (1 = the latest),
    /// which says when a full period will have passed.
    fn nth_latest(
        &self,
        key: &AttemptKey<'_>,
        results: &[CallResult],
        n: u32,
    ) -> Option<DateTime<Utc>>;
}

/// One past attempt, with every key it can be counted by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The device value dialed.
    pub device: String,
    /// The contact's client id.
    pub client_id: Option<String>,
    /// The contact's custom keys.
    pub custom_keys: BTreeMap<String, String>,
    /// Its result.
    pub result: CallResult,
}

impl Attempt {
    /// Whether the attempt belongs to `key` and has one of `results` (any when empty).
    pub fn matches(&self, key: &AttemptKey<'_>, results: &[CallResult]) -> bool {
        // The result first: it is cheaper to compare than the key's text.
        (results.is_empty() || results.contains(&self.result))
            && match key {
                AttemptKey::Device(device) => self.device == *device,
                AttemptKey::ClientId(id) => self.client_id.as_deref() == Some(*id),
                AttemptKey::Custom { name, value } => {
                    self.custom_keys.get(*name).map(String::as_str) == Some(*value)
                }
            }
    }
}

/// How many latest attempts [`AttemptLog::nth_latest`] keeps without allocating.
const LATEST_ON_STACK: usize = 16;

/// A dialing history held in memory (one contact's attempts, tests, tools).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptLog {
    /// The attempts, in any order.
    pub attempts: Vec<Attempt>,
}

impl AttemptHistory for AttemptLog {
    fn count(&self, key: &AttemptKey<'_>, since: DateTime<Utc>, results: &[CallResult]) -> u32 {
        let counted = self
            .attempts
            .iter()
            .filter(|attempt| attempt.at >= since && attempt.matches(key, results))
            .count();
        u32::try_from(counted).unwrap_or(u32::MAX)
    }

    fn nth_latest(
        &self,
        key: &AttemptKey<'_>,
        results: &[CallResult],
        n: u32,
    ) -> Option<DateTime<Utc>> {
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        let selected = self
            .attempts
            .iter()
            .filter(|attempt| attempt.matches(key, results))
            .map(|attempt| attempt.at);
        // Limits are small: the `n` latest are kept on the stack, latest
        // first, rather than sorting a copy of the history.
        let mut latest = [DateTime::<Utc>::MIN_UTC; LATEST_ON_STACK];
        let Some(kept) = latest.get_mut(..=index) else {
            let mut instants: Vec<DateTime<Utc>> = selected.collect();
            instants.sort_unstable_by(|left, right| right.cmp(left));
            return instants.get(index).copied();
        };
        let mut found = 0;
        for at in selected {
            let mut slot = found.min(index);
            if found > index && kept[index] >= at {
                continue;
            }
            found += 1;
            while slot > 0 && kept[slot - 1] < at {
                kept[slot] = kept[slot - 1];
                slot -= 1;
            }
            kept[slot] = at;
        }
        (found > index).then_some(kept[index])
    }
}
