//! Attempt rules (SPEC §3.3): counting a device's or person's past attempts
//! in a period, and when the period will have let go of enough of them.

use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::decide::{Refusal, RuleKind};
use crate::facts::{AttemptHistory, AttemptKey, DeviceFacts};
use crate::rules::{AttemptPeriod, AttemptRule, CountBy};
use crate::time;

/// One attempt rule applied to one device: the key it counts and the zones its "today" is read in.
pub(crate) struct BoundRule<'a> {
    /// The rule.
    pub rule: &'a AttemptRule,
    /// The key resolved from the device.
    pub key: AttemptKey<'a>,
    /// The device's zones (UTC when none is known).
    pub zones: &'a [Tz],
}

impl<'a> BoundRule<'a> {
    /// Binds a rule to a device. A contact without the client id or custom key
    /// the rule counts by is counted by its device instead: never uncounted.
    pub(crate) fn new(rule: &'a AttemptRule, device: &'a DeviceFacts, zones: &'a [Tz]) -> Self {
        let by_device = AttemptKey::Device(device.value.as_str());
        let key = match &rule.counted_by {
            CountBy::Device => by_device,
            CountBy::ClientId => device
                .client_id
                .as_deref()
                .map_or(by_device, AttemptKey::ClientId),
            CountBy::Custom(name) => {
                device
                    .custom_keys
                    .get(name)
                    .map_or(by_device, |value| AttemptKey::Custom {
                        name: name.as_str(),
                        value: value.as_str(),
                    })
            }
        };
        BoundRule { rule, key, zones }
    }

    /// The first instant counted at `at`: the period's start.
    fn period_start(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        match self.rule.period {
            // Counted while less than the period has passed: an attempt made
            // exactly `hours` ago no longer counts.
            AttemptPeriod::Rolling { hours } => {
                at - TimeDelta::hours(i64::from(hours)) + TimeDelta::nanoseconds(1)
            }
            // The earliest local midnight across the zones: an attempt counts
            // while it is "today" in any of them.
            AttemptPeriod::Today => self
                .zones_or_utc()
                .filter_map(|zone| time::start_of_day(zone, at.with_timezone(&zone).date_naive()))
                .min()
                .unwrap_or(at),
        }
    }

    /// The device's zones, or UTC alone when none is known.
    fn zones_or_utc(&self) -> impl Iterator<Item = Tz> + '_ {
        let fallback = if self.zones.is_empty() {
            Some(Tz::UTC)
        } else {
            None
        };
        self.zones.iter().copied().chain(fallback)
    }

    /// The refusal when the limit is reached at `at`.
    pub(crate) fn refusal(
        &self,
        history: &impl AttemptHistory,
        at: DateTime<Utc>,
    ) -> Option<Refusal> {
        let rule = self.rule;
        let counted = history.count(&self.key, self.period_start(at), &rule.counted_results);
        if counted < rule.limit {
            return None;
        }
        let attempts = if counted == 1 { "attempt" } else { "attempts" };
        // One string written in place (writing to a String cannot fail):
        // refusals are decided as often as allowed attempts.
        let mut reason = String::with_capacity(128 + rule.name.len());
        let _ = write!(reason, "{counted} {attempts}");
        for (index, result) in rule.counted_results.iter().enumerate() {
            reason.push_str(if index == 0 { " with result " } else { " or " });
            reason.push_str(result.name());
        }
        match self.key {
            AttemptKey::Device(_) => reason.push_str(" to this device"),
            AttemptKey::ClientId(_) => reason.push_str(" to this client id"),
            AttemptKey::Custom { name, .. } => {
                reason.push_str(" for this ");
                reason.push_str(name);
            }
        }
        let _ = match rule.period {
            AttemptPeriod::Today => write!(reason, " today"),
            AttemptPeriod::Rolling { hours } if hours % 24 == 0 && hours > 24 => {
                write!(reason, " in the last {} days", hours / 24)
            }
            AttemptPeriod::Rolling { hours } => write!(reason, " in the last {hours} h"),
        };
        let _ = write!(
            reason,
            ", the limit is {} (rule \"{}\")",
            rule.limit, rule.name
        );
        Some(Refusal {
            rule: RuleKind::AttemptLimit,
            name: rule.name.clone(),
            reason,
        })
    }

    /// The instant from which fewer than `limit` counted attempts are in the
    /// period (history does not grow meanwhile), `None` when that is already
    /// so at any instant: it does not depend on the instant asked, so the
    /// `nextAllowedAt` search reads the history once per rule.
    pub(crate) fn free_at(&self, history: &impl AttemptHistory) -> Option<DateTime<Utc>> {
        let rule = self.rule;
        let oldest_counted = history.nth_latest(&self.key, &rule.counted_results, rule.limit)?;
        match rule.period {
            AttemptPeriod::Rolling { hours } => {
                Some(oldest_counted + TimeDelta::hours(i64::from(hours)))
            }
            // The attempt stops counting at the next local midnight in every zone.
            AttemptPeriod::Today => self
                .zones_or_utc()
                .filter_map(|zone| {
                    let date = oldest_counted.with_timezone(&zone).date_naive();
                    time::start_of_day(zone, time::add_days(date, 1)?)
                })
                .max(),
        }
    }
}
