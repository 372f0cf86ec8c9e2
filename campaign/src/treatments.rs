//! Treatments: what happens to a calling-list record after each call result —
//! retry after an interval (growing by an increment, up to a count), move to the
//! chain's next device, retry at a date, or stop; and whether the device is
//! suppressed. Pure: the caller stores the [`Next`] it gets.

use chrono::{DateTime, Duration, Utc};
use compliance::CallResult;
use domain::ValidationError;
use serde::{Deserialize, Serialize};

/// What a treatment does with the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TreatmentAction {
    /// Dial the same device again after `intervalMinutes`, plus
    /// `incrementMinutes` more for each earlier retry, until the record has been
    /// dialled `maxAttempts` times; then the chain's next device, or final.
    Retry {
        /// Wait before the first retry.
        #[serde(rename = "intervalMinutes")]
        interval_minutes: u32,
        /// Extra wait added per retry already made.
        #[serde(rename = "incrementMinutes", default)]
        increment_minutes: u32,
        /// Attempts on this device at most (the first call included).
        #[serde(rename = "maxAttempts")]
        max_attempts: u16,
    },
    /// Go on with the contact's next device now; final when there is none.
    NextInChain,
    /// Dial again at a fixed instant.
    RetryAt {
        /// When.
        at: DateTime<Utc>,
    },
    /// Done with this contact.
    Final,
}

/// The treatment of one call result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Treatment {
    /// The result it applies to.
    pub result: CallResult,
    /// What happens next.
    pub action: TreatmentAction,
    /// Also put the device on the tenant's do-not-call list.
    #[serde(default)]
    pub suppress_device: bool,
}

/// A template's treatments; results it does not name get [`Treatments::default_for`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Treatments(pub Vec<Treatment>);

/// What the worker knows of a record when its result arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordFacts {
    /// Times this record (device) has been dialled, this call included.
    pub attempts: u16,
    /// Whether the contact has a device after this one in its chain.
    pub has_next_in_chain: bool,
}

/// The record's next step, decided by [`Treatments::next`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Ready again at this instant.
    RetryAt(DateTime<Utc>),
    /// This record is done; the chain's next device becomes ready now.
    NextInChain,
    /// The chain is done.
    Final,
}

impl Treatments {
    /// The built-in treatment of a result no template treatment names: busy and
    /// system errors retry soon, no answer in an hour, machines in four hours,
    /// an abandoned call after the 72 h the attempt rules ask; a wrong party,
    /// fax or wrong number goes to the next device; a conversation, a sent
    /// message and do-not-call end the chain; do-not-call and wrong number
    /// also suppress the device.
    pub fn default_for(result: CallResult) -> Treatment {
        let retry = |interval_minutes, increment_minutes, max_attempts| TreatmentAction::Retry {
            interval_minutes,
            increment_minutes,
            max_attempts,
        };
        let (action, suppress_device) = match result {
            CallResult::Busy => (retry(5, 5, 3), false),
            CallResult::SystemError => (retry(10, 0, 3), false),
            CallResult::NoAnswer => (retry(60, 30, 3), false),
            CallResult::AnsweringMachine => (retry(240, 0, 2), false),
            CallResult::Abandoned => (retry(72 * 60, 0, 2), false),
            CallResult::WrongParty | CallResult::Fax => (TreatmentAction::NextInChain, false),
            CallResult::WrongNumber => (TreatmentAction::NextInChain, true),
            CallResult::DoNotCall => (TreatmentAction::Final, true),
            CallResult::Answer
            | CallResult::RightPartyContact
            | CallResult::Sent
            | CallResult::Other
            | CallResult::InProgress => (TreatmentAction::Final, false),
        };
        Treatment {
            result,
            action,
            suppress_device,
        }
    }

    /// The treatment for `result`: the template's, else the default.
    pub fn for_result(&self, result: CallResult) -> Treatment {
        self.0
            .iter()
            .find(|treatment| treatment.result == result)
            .copied()
            .unwrap_or_else(|| Self::default_for(result))
    }

    /// Every result's treatment, the template's or the default, for display.
    pub fn effective(&self) -> Vec<Treatment> {
        CallResult::ENDED
            .iter()
            .map(|result| self.for_result(*result))
            .collect()
    }

    /// What happens to a record after `result`, dialled at `at`.
    pub fn next(&self, result: CallResult, record: RecordFacts, at: DateTime<Utc>) -> (Next, bool) {
        let treatment = self.for_result(result);
        let onward = if record.has_next_in_chain {
            Next::NextInChain
        } else {
            Next::Final
        };
        let next = match treatment.action {
            TreatmentAction::Retry {
                interval_minutes,
                increment_minutes,
                max_attempts,
            } => {
                if record.attempts >= max_attempts {
                    onward
                } else {
                    let retries_made = i64::from(record.attempts.saturating_sub(1));
                    let minutes =
                        i64::from(interval_minutes) + i64::from(increment_minutes) * retries_made;
                    Next::RetryAt(at + Duration::minutes(minutes))
                }
            }
            TreatmentAction::NextInChain => onward,
            TreatmentAction::RetryAt { at: when } if when > at => Next::RetryAt(when),
            TreatmentAction::RetryAt { .. } => onward,
            TreatmentAction::Final => Next::Final,
        };
        (next, treatment.suppress_device)
    }

    /// Every problem, each naming its field.
    pub fn problems(&self) -> Vec<ValidationError> {
        let mut problems = Vec::new();
        for (index, treatment) in self.0.iter().enumerate() {
            if !CallResult::ENDED.contains(&treatment.result) {
                problems.push(ValidationError::new(
                    "treatments",
                    format!(
                        "{} is not a call result a treatment can name",
                        treatment.result.name()
                    ),
                ));
            }
            if self.0[..index]
                .iter()
                .any(|earlier| earlier.result == treatment.result)
            {
                problems.push(ValidationError::new(
                    "treatments",
                    format!("treats {} twice", treatment.result.name()),
                ));
            }
            if let TreatmentAction::Retry {
                interval_minutes,
                max_attempts,
                ..
            } = treatment.action
            {
                if interval_minutes == 0 {
                    problems.push(ValidationError::new(
                        "treatments",
                        format!(
                            "{}: a retry needs an interval of at least 1 minute",
                            treatment.result.name()
                        ),
                    ));
                }
                if !(1..=100).contains(&max_attempts) {
                    problems.push(ValidationError::new(
                        "treatments",
                        format!("{}: maxAttempts must be 1 to 100", treatment.result.name()),
                    ));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
    }

    fn facts(attempts: u16, has_next_in_chain: bool) -> RecordFacts {
        RecordFacts {
            attempts,
            has_next_in_chain,
        }
    }

    #[test]
    fn retries_grow_by_the_increment_then_move_on() {
        let treatments = Treatments(vec![Treatment {
            result: CallResult::Busy,
            action: TreatmentAction::Retry {
                interval_minutes: 10,
                increment_minutes: 5,
                max_attempts: 3,
            },
            suppress_device: false,
        }]);
        let busy = |attempts, chain| {
            treatments
                .next(CallResult::Busy, facts(attempts, chain), at())
                .0
        };
        assert_eq!(busy(1, true), Next::RetryAt(at() + Duration::minutes(10)));
        assert_eq!(busy(2, true), Next::RetryAt(at() + Duration::minutes(15)));
        assert_eq!(busy(3, true), Next::NextInChain);
        assert_eq!(busy(3, false), Next::Final);
    }

    #[test]
    fn defaults_cover_every_result_and_suppress_do_not_call() {
        let none = Treatments::default();
        assert_eq!(none.effective().len(), CallResult::ENDED.len());
        assert_eq!(
            none.next(CallResult::DoNotCall, facts(1, true), at()),
            (Next::Final, true)
        );
        assert_eq!(
            none.next(CallResult::WrongNumber, facts(1, true), at()),
            (Next::NextInChain, true)
        );
        assert_eq!(
            none.next(CallResult::RightPartyContact, facts(1, true), at()),
            (Next::Final, false)
        );
        assert_eq!(
            none.next(CallResult::NoAnswer, facts(1, false), at()).0,
            Next::RetryAt(at() + Duration::hours(1))
        );
    }

    #[test]
    fn a_fixed_date_in_the_past_moves_on() {
        let past = at() - Duration::days(1);
        let treatments = Treatments(vec![Treatment {
            result: CallResult::AnsweringMachine,
            action: TreatmentAction::RetryAt { at: past },
            suppress_device: false,
        }]);
        assert_eq!(
            treatments
                .next(CallResult::AnsweringMachine, facts(1, false), at())
                .0,
            Next::Final
        );
    }

    #[test]
    fn bad_treatments_are_reported() {
        let bad = Treatment {
            result: CallResult::Busy,
            action: TreatmentAction::Retry {
                interval_minutes: 0,
                increment_minutes: 0,
                max_attempts: 0,
            },
            suppress_device: false,
        };
        let problems = Treatments(vec![bad, bad]).problems();
        assert_eq!(problems.len(), 5, "{problems:?}");
        let json = serde_json::json!([{ "result": "BUSY", "action": { "kind": "RETRY", "intervalMinutes": 5, "maxAttempts": 2 } }]);
        let parsed: Treatments = serde_json::from_value(json).unwrap();
        assert!(parsed.problems().is_empty());
    }
}
