//! Compliance decisions (SPEC §3): the tenant's rule set and the one pure
//! function that decides whether a dial or send attempt is allowed.
//!
//! [`RuleSet`] is what a tenant configures — calling windows with weekday
//! slots, region overrides and holidays, attempt rules, device restrictions,
//! the emergency stop — stored as JSON ([`RuleSet::defaults`] are SPEC §3's).
//! [`decide`] takes the rules, the [`DeviceFacts`], the [`DialMode`], a
//! [`Suppression`] view, an [`AttemptHistory`] and an instant, and returns a
//! [`Decision`]: allowed, or every refusing rule with a reason, and when only
//! time refuses, the first instant at which it will not.
//!
//! *Invariants:* no I/O, no clock, no async, no database: the caller gathers
//! the facts and the same function answers for the API and the workers.
//! Local times come from the zone database (chrono-tz), never fixed offsets.
//! A device whose zone is unknown is never allowed by a calling window.
//! Each thread remembers its last few hundred zone-database answers (slot
//! starts and offset changes by zone and local date): they depend on nothing
//! else, so remembering them changes no decision, only its speed.

#![warn(missing_docs)]

mod attempts;
mod check;
mod decide;
mod explain;
mod facts;
mod next;
mod rules;
mod time;
mod window;

pub use check::{FieldError, InvalidRuleSet, MAX_ROLLING_HOURS};
pub use decide::{Decision, Refusal, RuleKind, decide, resolve_zones};
pub use explain::{Verdict, explain};
pub use facts::{
    Attempt, AttemptHistory, AttemptKey, AttemptLog, CallResult, Channel, DeviceFacts, DeviceType,
    DialMode, NoSuppression, Suppression, SuppressionKind,
};
pub use rules::{
    AttemptPeriod, AttemptRule, CallingWindows, CountBy, DeviceRestrictions, RuleSet, Slot,
    WeeklyWindow,
};
pub use time::{ClockTime, Day, InvalidClockTime, ZoneName};

#[cfg(test)]
mod fast_path;
#[cfg(test)]
mod oracle;
