//! Table rows for the per-rule tables: the inputs of one decision and what it
//! must answer — allowed, or the exact set of refusing rules and the exact
//! `nextAllowedAt`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use compliance::{AttemptLog, DeviceFacts, DialMode, RuleKind, RuleSet, decide};

use super::Lists;

/// One row: a decision's inputs and its expected answer.
pub struct Row {
    pub name: String,
    pub rules: RuleSet,
    pub device: DeviceFacts,
    pub mode: DialMode,
    pub lists: Lists,
    pub history: AttemptLog,
    pub at: DateTime<Utc>,
    /// Empty when the attempt must be allowed.
    pub refused_by: Vec<RuleKind>,
    /// The expected `nextAllowedAt` of a refusal (an allowed row expects `at`).
    pub next: Option<DateTime<Utc>>,
    /// The names of the attempt rules that must refuse, when the row says.
    pub attempt_rules: Option<Vec<String>>,
}

/// A row in PREVIEW mode with no suppression and no history, expected allowed.
pub fn row(name: &str, rules: &RuleSet, device: &DeviceFacts, at: DateTime<Utc>) -> Row {
    Row {
        name: name.to_owned(),
        rules: rules.clone(),
        device: device.clone(),
        mode: DialMode::Preview,
        lists: Lists::default(),
        history: AttemptLog::default(),
        at,
        refused_by: Vec::new(),
        next: None,
        attempt_rules: None,
    }
}

impl Row {
    pub fn mode(mut self, mode: DialMode) -> Row {
        self.mode = mode;
        self
    }

    pub fn lists(mut self, lists: Lists) -> Row {
        self.lists = lists;
        self
    }

    pub fn history(mut self, history: AttemptLog) -> Row {
        self.history = history;
        self
    }

    /// Refused by exactly these rules, with this `nextAllowedAt`.
    pub fn refused(mut self, by: &[RuleKind], next: Option<DateTime<Utc>>) -> Row {
        assert!(!by.is_empty(), "{}: a refusal names a rule", self.name);
        self.refused_by = by.to_vec();
        self.next = next;
        self
    }

    /// The attempt rules (by name) that must be among the refusals.
    pub fn naming(mut self, names: &[&str]) -> Row {
        self.attempt_rules = Some(names.iter().map(|name| name.to_string()).collect());
        self
    }
}

/// The rule kinds as a set (a rule refusing in two zones is listed twice).
fn kind_set(kinds: impl IntoIterator<Item = RuleKind>) -> BTreeSet<String> {
    kinds.into_iter().map(|kind| format!("{kind:?}")).collect()
}

/// Decides every row and checks allowed, the refusing rules, their reasons
/// and `nextAllowedAt`; reports every failing row at once.
pub fn check(rows: Vec<Row>) {
    let mut failures = Vec::new();
    for row in &rows {
        let decision = decide(
            &row.rules,
            &row.device,
            row.mode,
            &row.lists,
            &row.history,
            row.at,
        );
        let allowed = row.refused_by.is_empty();
        let next = if allowed { Some(row.at) } else { row.next };
        let found = kind_set(decision.refusals.iter().map(|refusal| refusal.rule));
        let mut problems = Vec::new();
        if decision.allowed != allowed {
            problems.push(format!("allowed {} (expected {allowed})", decision.allowed));
        }
        if found != kind_set(row.refused_by.iter().copied()) {
            problems.push(format!(
                "refused by {found:?} (expected {:?})",
                row.refused_by
            ));
        }
        if decision.next_allowed_at != next {
            problems.push(format!(
                "nextAllowedAt {:?} (expected {next:?})",
                decision.next_allowed_at
            ));
        }
        if decision
            .refusals
            .iter()
            .any(|refusal| refusal.reason.trim().is_empty() || refusal.name.trim().is_empty())
        {
            problems.push("a refusal without a name or a reason".to_owned());
        }
        if let Some(names) = &row.attempt_rules {
            let found: BTreeSet<&str> = decision
                .refusals
                .iter()
                .filter(|refusal| refusal.rule == RuleKind::AttemptLimit)
                .map(|refusal| refusal.name.as_str())
                .collect();
            let expected: BTreeSet<&str> = names.iter().map(String::as_str).collect();
            if found != expected {
                problems.push(format!("attempt rules {found:?} (expected {expected:?})"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} (at {}): {}; reasons {:?}",
                row.name,
                row.at,
                problems.join(", "),
                decision
                    .refusals
                    .iter()
                    .map(|refusal| refusal.reason.as_str())
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
