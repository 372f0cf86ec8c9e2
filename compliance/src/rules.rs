//! The tenant's compliance rule set (SPEC §2 `ComplianceRuleSet`, §3) as a
//! serde type, stored as JSON, with [`RuleSet::defaults`] quoting SPEC §3.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::facts::{CallResult, Channel, DialMode};
use crate::time::{ClockTime, Day, ZoneName};

/// Everything a tenant configures about who may be contacted when (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleSet {
    /// "Emergency stop: a tenant-wide switch that refuses everything at once."
    #[serde(default)]
    pub emergency_stop: bool,
    /// Calling windows, region overrides, holidays and how a device's zone is chosen.
    pub calling_windows: CallingWindows,
    /// "Do not contact if N attempts today / in the last X" rules.
    #[serde(default)]
    pub attempt_rules: Vec<AttemptRule>,
    /// Which dialing modes count as automated and what they may not reach.
    pub device_restrictions: DeviceRestrictions,
}

/// When a device may be reached, in its own local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallingWindows {
    /// The channels the windows apply to (an e-mail has no local time of its own).
    pub applies_to: Vec<Channel>,
    /// The window of every region without an override.
    pub default: WeeklyWindow,
    /// Region code (as the numbering data names it: `NY`, `ON`) → a window
    /// that replaces the default there (stricter state hours, no Sundays).
    #[serde(default)]
    pub regions: BTreeMap<String, WeeklyWindow>,
    /// Whole local days on which nothing is allowed, in the device's zone.
    #[serde(default)]
    pub holidays: Vec<NaiveDate>,
    /// "Unknown zone (non-geographic numbers) → the tenant's default zone,
    /// never allow": with no default zone such a device is refused.
    #[serde(default)]
    pub default_zone: Option<ZoneName>,
    /// "A contact-level zone (explicit column, or postal code) beats the
    /// device's area code when the tenant says so."
    #[serde(default)]
    pub prefer_contact_zone: bool,
}

/// A week of local-time slots; a day without a slot has no calling hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeeklyWindow {
    /// The slots; several per day are allowed when they do not overlap.
    pub slots: Vec<Slot>,
}

/// One stretch of local time on some days of the week: `start` allowed, `end` not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Slot {
    /// The days of the week this slot applies to.
    pub days: Vec<Day>,
    /// The first allowed local minute ("08:00").
    pub start: ClockTime,
    /// The first local minute no longer allowed ("21:00"; "24:00" for midnight).
    pub end: ClockTime,
}

impl WeeklyWindow {
    /// The same hours every day of the week.
    pub fn every_day(start: ClockTime, end: ClockTime) -> WeeklyWindow {
        WeeklyWindow {
            slots: vec![Slot {
                days: Day::ALL.to_vec(),
                start,
                end,
            }],
        }
    }

    /// Whether `minute` (since local midnight) of `day` is inside a slot.
    pub fn allows(&self, day: Day, minute: u16) -> bool {
        self.slots_on(day)
            .any(|slot| slot.start.minutes() <= minute && minute < slot.end.minutes())
    }

    /// The slots that apply on `day`, in the order written.
    pub fn slots_on(&self, day: Day) -> impl Iterator<Item = &Slot> {
        self.slots_on_indexed(day).map(|(_, slot)| slot)
    }

    /// The slots that apply on `day` with their positions, in the order written.
    fn slots_on_indexed(&self, day: Day) -> impl Iterator<Item = (usize, &Slot)> {
        self.slots
            .iter()
            .enumerate()
            .filter(move |(_, slot)| slot.days.contains(&day))
    }

    /// The day's hours for a human: "08:00–12:00, 13:00–21:00" (empty when none).
    pub fn describe(&self, day: Day) -> String {
        let mut hours = String::new();
        self.push_hours(day, &mut hours);
        hours
    }

    /// Appends the day's hours as [`WeeklyWindow::describe`] writes them —
    /// in start order, the order written among equal starts — without
    /// collecting them first: refusal reasons write them in place.
    pub(crate) fn push_hours(&self, day: Day, text: &mut String) {
        let mut written: Option<(ClockTime, usize)> = None;
        // The next slot after the last written: a day has a handful at most.
        while let Some((index, slot)) = self
            .slots_on_indexed(day)
            .filter(|&(index, slot)| written.is_none_or(|last| (slot.start, index) > last))
            .min_by_key(|&(index, slot)| (slot.start, index))
        {
            if written.is_some() {
                text.push_str(", ");
            }
            slot.start.push_to(text);
            text.push('–');
            slot.end.push_to(text);
            written = Some((slot.start, index));
        }
    }
}

/// "Do not contact if N attempts today / in the last X" (SPEC §3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttemptRule {
    /// A name for people, repeated in every refusal ("Regulation F 7 in 7").
    pub name: String,
    /// The attempt is refused once this many counted attempts are in the period.
    pub limit: u32,
    /// Today in the device's zone, or a rolling duration.
    pub period: AttemptPeriod,
    /// Whose attempts are counted together.
    pub counted_by: CountBy,
    /// The call results that count; empty means every attempt counts.
    #[serde(default)]
    pub counted_results: Vec<CallResult>,
    /// The channels of the attempt being decided that this rule applies to.
    pub channels: Vec<Channel>,
    /// Required rules apply to every campaign, even running ones; optional
    /// rules only where a campaign attaches them by name.
    #[serde(default = "required_by_default")]
    pub required: bool,
}

/// Attempt rules written without `required` are required: the safe side.
fn required_by_default() -> bool {
    true
}

/// The period an attempt rule counts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AttemptPeriod {
    /// The current local day in the device's zone (every zone's, when several).
    Today,
    /// The last `hours` hours, whatever the calendar says.
    Rolling {
        /// The length of the period in hours (168 for seven days).
        hours: u32,
    },
}

/// What attempts are counted by: the same device, person, or custom key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CountBy {
    /// The device value (the phone number or address).
    Device,
    /// The contact's client id (the customer's own key).
    ClientId,
    /// A custom key of the contact (a debt or account id): Regulation F counts
    /// per person per debt.
    Custom(String),
}

/// Which modes are automated and what they may not reach (SPEC §3.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceRestrictions {
    /// The automated modes: "PREDICTIVE, POWER, AGENTLESS, SMS".
    pub automated_modes: Vec<DialMode>,
    /// Automated modes "may not reach a mobile device without a consent flag".
    pub mobile_requires_consent: bool,
    /// Treat a device of unknown type as mobile for the consent rule (the safe side).
    pub unknown_type_is_mobile: bool,
    /// "Reassigned … numbers flagged by compliance data are refused for automated modes."
    pub refuse_reassigned: bool,
    /// "… or ported numbers flagged by compliance data are refused for automated modes."
    pub refuse_ported: bool,
}

impl RuleSet {
    /// The defaults of SPEC §3, seeded for every new tenant.
    ///
    /// - Calling window: "the device's local time must be inside the window
    ///   (default 08:00–21:00)", every day, for voice and SMS; no region
    ///   overrides and no holidays until the tenant adds them; no default zone,
    ///   so an unknown zone is refused ("never allow").
    /// - Attempt rules: "at most 3 attempts per client id per rolling 24 h (the
    ///   strictest US state caps), at most 7 per client id per rolling 7 days
    ///   (Regulation F), none within 7 days after a call whose result was a
    ///   conversation (`ANSWER` with a right party), none to a device within 72
    ///   h after an `ABANDONED` call (Ofcom)."
    /// - Device restrictions: "automated modes (`PREDICTIVE`, `POWER`,
    ///   `AGENTLESS`, `SMS`) may not reach a mobile device without a consent
    ///   flag; reassigned or ported numbers flagged by compliance data are
    ///   refused for automated modes." A device of unknown type is treated as
    ///   mobile (not stated by the SPEC: the side that cannot break the rule).
    /// - Emergency stop: off.
    pub fn defaults() -> RuleSet {
        let voice = vec![Channel::Voice];
        RuleSet {
            emergency_stop: false,
            calling_windows: CallingWindows {
                applies_to: vec![Channel::Voice, Channel::Sms],
                default: WeeklyWindow::every_day(ClockTime::hm(8, 0), ClockTime::hm(21, 0)),
                regions: BTreeMap::new(),
                holidays: Vec::new(),
                default_zone: None,
                prefer_contact_zone: false,
            },
            attempt_rules: vec![
                AttemptRule {
                    name: "3 per client id per rolling 24 h (state caps)".into(),
                    limit: 3,
                    period: AttemptPeriod::Rolling { hours: 24 },
                    counted_by: CountBy::ClientId,
                    counted_results: Vec::new(),
                    channels: voice.clone(),
                    required: true,
                },
                AttemptRule {
                    name: "7 per client id per rolling 7 days (Regulation F)".into(),
                    limit: 7,
                    period: AttemptPeriod::Rolling { hours: 7 * 24 },
                    counted_by: CountBy::ClientId,
                    counted_results: Vec::new(),
                    channels: voice.clone(),
                    required: true,
                },
                AttemptRule {
                    name: "none within 7 days after a conversation".into(),
                    limit: 1,
                    period: AttemptPeriod::Rolling { hours: 7 * 24 },
                    counted_by: CountBy::ClientId,
                    counted_results: vec![CallResult::RightPartyContact],
                    channels: voice.clone(),
                    required: true,
                },
                AttemptRule {
                    name: "none to a device within 72 h after an abandoned call (Ofcom)".into(),
                    limit: 1,
                    period: AttemptPeriod::Rolling { hours: 72 },
                    counted_by: CountBy::Device,
                    counted_results: vec![CallResult::Abandoned],
                    channels: voice,
                    required: true,
                },
            ],
            device_restrictions: DeviceRestrictions {
                automated_modes: vec![
                    DialMode::Predictive,
                    DialMode::Power,
                    DialMode::Agentless,
                    DialMode::Sms,
                ],
                mobile_requires_consent: true,
                unknown_type_is_mobile: true,
                refuse_reassigned: true,
                refuse_ported: true,
            },
        }
    }

    /// The rules a campaign runs under: every required attempt rule and the
    /// optional ones it attaches by name; every other rule always applies.
    pub fn for_campaign(&self, attached: &[String]) -> RuleSet {
        let mut rules = self.clone();
        rules
            .attempt_rules
            .retain(|rule| rule.required || attached.contains(&rule.name));
        rules
    }

    /// The windows that apply to a device in `regions` (each region's override,
    /// else the default); the device must be inside all of them.
    pub fn windows_for<'a>(
        &'a self,
        regions: &[String],
    ) -> Vec<(Option<&'a str>, &'a WeeklyWindow)> {
        let windows = &self.calling_windows;
        let mut found: Vec<(Option<&str>, &WeeklyWindow)> =
            Vec::with_capacity(regions.len().max(1));
        let mut needs_default = regions.is_empty();
        for region in regions {
            match windows.regions.get_key_value(region.as_str()) {
                Some((name, window)) => found.push((Some(name.as_str()), window)),
                None => needs_default = true,
            }
        }
        if needs_default {
            found.push((None, &windows.default));
        }
        found
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::defaults()
    }
}
