//! The Campaigns section's plain rules: words for the OCS codes of the
//! calling list, state badges, which controls a campaign offers, rates as
//! percentages, and (in submodules) the template and campaign drafts and the
//! dashboard's chart geometry. Pure, so the host tests cover them.

pub mod campaign_draft;
pub mod charts;
pub mod template_draft;
pub mod treatments;

use crate::api::campaign_types::{CampaignState, CampaignTransition, LoadStatus};
use crate::format::{Badge, format_count};

/// The record statuses the calling-list browser filters by, with their words.
pub const RECORD_STATUS_FILTERS: &[(i64, &str)] = &[
    (1, "Ready"),
    (2, "Retrieved (leased)"),
    (3, "Updated (done)"),
    (5, "Cancelled"),
    (9, "Chain ready"),
];

/// `record_status` as a word (SPEC §2's OCS codes).
pub fn record_status_label(status: i64) -> String {
    let word = match status {
        0 => "None",
        1 => "Ready",
        2 => "Retrieved (leased)",
        3 => "Updated (done)",
        4 => "Stale",
        5 => "Cancelled",
        6 => "Agent error",
        7 => "Chain updated",
        8 => "Missed callback",
        9 => "Chain ready",
        other => return format!("Status {other}"),
    };
    word.to_owned()
}

/// `record_type` as a word.
pub fn record_type_label(record_type: i64) -> String {
    let word = match record_type {
        0 => "None",
        1 => "Unknown",
        2 => "General",
        3 => "Rescheduled",
        4 => "Personal rescheduled",
        5 => "Personal callback",
        6 => "Campaign callback",
        7 => "No call",
        other => return format!("Type {other}"),
    };
    word.to_owned()
}

/// The OCS `call_result` code with its name where it is a common one.
pub fn call_result_label(code: i64) -> String {
    let name = match code {
        6 => "busy",
        7 => "no answer",
        9 => "answering machine",
        21 => "abandoned",
        28 => "unknown",
        33 => "answer",
        51 => "do not call",
        53 => "wrong number",
        _ => return code.to_string(),
    };
    format!("{code} {name}")
}

/// A calling-list record's device kind as a word: `MOBILE` → "Mobile",
/// `SMS` → "SMS"; an unknown kind as it came.
pub fn device_word(kind: &str) -> String {
    let word = match kind {
        "HOME" => "Home",
        "WORK" => "Work",
        "MOBILE" => "Mobile",
        "OTHER" => "Other",
        "SMS" => "SMS",
        "EMAIL" => "E-mail",
        other => return other.to_owned(),
    };
    word.to_owned()
}

/// A campaign's state as a badge.
pub fn state_badge(state: CampaignState) -> Badge {
    let class = match state {
        CampaignState::Unloaded => "badge badge--muted",
        CampaignState::Loaded => "badge badge--info",
        CampaignState::Running => "badge badge--ok",
        CampaignState::Stopped => "badge badge--danger",
    };
    Badge {
        label: state.label(),
        class,
    }
}

/// "Loading 40 of 120 contacts", "Ready: 120 contacts", … for the load column.
pub fn load_progress_label(status: LoadStatus, loaded: i64, total: i64) -> String {
    match status {
        LoadStatus::NotLoaded => "Not loaded".to_owned(),
        LoadStatus::Loading if total == 0 => "Loading (counting contacts)".to_owned(),
        LoadStatus::Loading => format!(
            "Loading {} of {} contacts",
            format_count(loaded),
            format_count(total)
        ),
        LoadStatus::Ready => format!("Ready: {} contacts", format_count(loaded)),
        LoadStatus::Failed => "Failed".to_owned(),
    }
}

/// How far the load is, 0 to 100, for a progress bar.
pub fn load_percent(loaded: i64, total: i64) -> f64 {
    if total <= 0 {
        return 0.0;
    }
    (loaded as f64 * 100.0 / total as f64).clamp(0.0, 100.0)
}

/// A fraction as a percentage with one decimal: 0.0312 → "3.1%".
pub fn format_rate(fraction: f64) -> String {
    if !fraction.is_finite() {
        return "–".to_owned();
    }
    format!("{:.1}%", fraction * 100.0)
}

/// One control button of a campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Control {
    /// What it asks for.
    pub transition: CampaignTransition,
    /// The button's word.
    pub label: &'static str,
    /// The question asked first, for the destructive ones.
    pub confirm: Option<String>,
    /// The button's CSS modifier.
    pub class: &'static str,
}

/// The buttons the server allows now, in a stable order (Load, Start, Stop,
/// Unload, Force unload), the destructive ones with their question.
pub fn controls(name: &str, allowed: &[CampaignTransition]) -> Vec<Control> {
    CampaignTransition::ALL
        .iter()
        .copied()
        .filter(|transition| allowed.contains(transition))
        .map(|transition| {
            let (confirm, class) = match transition {
                CampaignTransition::ForceUnload => (
                    Some(format!(
                        "Force unload {name}? Dialling stops at once and leased records are dropped."
                    )),
                    "button--danger",
                ),
                CampaignTransition::Start => (None, "button--primary"),
                _ => (None, "button--secondary"),
            };
            Control {
                transition,
                label: transition.label(),
                confirm,
                class,
            }
        })
        .collect()
}

/// The toast after a transition went through.
pub fn transition_done_message(name: &str, transition: CampaignTransition) -> String {
    let what = match transition {
        CampaignTransition::Load => "is loading",
        CampaignTransition::Start => "started",
        CampaignTransition::Stop => "stopped",
        CampaignTransition::Unload | CampaignTransition::ForceUnload => "unloaded",
    };
    format!("{name} {what}")
}

/// Why a campaign's settings cannot be changed now, or `None` when they can.
pub fn editing_blocked_reason(state: CampaignState) -> Option<&'static str> {
    match state {
        CampaignState::Unloaded => None,
        _ => Some(
            "Settings can be changed only while the campaign is unloaded: stop and unload it first.",
        ),
    }
}

/// The dialability table's "share of records" cell: `12 (40.0%)`.
pub fn count_with_share(count: i64, total: i64) -> String {
    if total <= 0 {
        return format_count(count);
    }
    format!(
        "{} ({})",
        format_count(count),
        format_rate(count as f64 / total as f64)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_become_words() {
        assert_eq!(record_status_label(1), "Ready");
        assert_eq!(record_status_label(2), "Retrieved (leased)");
        assert_eq!(record_status_label(3), "Updated (done)");
        assert_eq!(record_status_label(5), "Cancelled");
        assert_eq!(record_status_label(9), "Chain ready");
        assert_eq!(record_status_label(42), "Status 42");
        assert_eq!(record_type_label(2), "General");
        assert_eq!(record_type_label(3), "Rescheduled");
        assert_eq!(record_type_label(5), "Personal callback");
        assert_eq!(record_type_label(6), "Campaign callback");
        assert_eq!(record_type_label(7), "No call");
        assert_eq!(call_result_label(28), "28 unknown");
        assert_eq!(call_result_label(99), "99");
        assert_eq!(device_word("MOBILE"), "Mobile");
        assert_eq!(device_word("EMAIL"), "E-mail");
        assert_eq!(device_word("PAGER"), "PAGER");
    }

    #[test]
    fn controls_follow_the_allowed_transitions_in_a_stable_order() {
        let allowed = [
            CampaignTransition::ForceUnload,
            CampaignTransition::Stop,
            CampaignTransition::Unload,
        ];
        let shown = controls("Spring", &allowed);
        let labels: Vec<&str> = shown.iter().map(|control| control.label).collect();
        assert_eq!(labels, ["Stop", "Unload", "Force unload"]);
        assert!(shown[2].confirm.as_deref().unwrap_or("").contains("Spring"));
        assert!(shown[0].confirm.is_none());
        assert!(controls("x", &[]).is_empty());
    }

    #[test]
    fn load_progress_reads_well() {
        assert_eq!(
            load_progress_label(LoadStatus::Loading, 40, 1200),
            "Loading 40 of 1,200 contacts"
        );
        assert_eq!(
            load_progress_label(LoadStatus::Loading, 0, 0),
            "Loading (counting contacts)"
        );
        assert_eq!(
            load_progress_label(LoadStatus::Ready, 3, 3),
            "Ready: 3 contacts"
        );
        assert_eq!(load_percent(1, 4), 25.0);
        assert_eq!(load_percent(5, 0), 0.0);
        assert_eq!(load_percent(9, 4), 100.0);
    }

    #[test]
    fn rates_and_shares() {
        assert_eq!(format_rate(0.0312), "3.1%");
        assert_eq!(format_rate(0.0), "0.0%");
        assert_eq!(format_rate(f64::NAN), "–");
        assert_eq!(count_with_share(1, 4), "1 (25.0%)");
        assert_eq!(count_with_share(3, 0), "3");
    }

    #[test]
    fn only_unloaded_campaigns_are_editable() {
        assert!(editing_blocked_reason(CampaignState::Unloaded).is_none());
        for state in [
            CampaignState::Loaded,
            CampaignState::Running,
            CampaignState::Stopped,
        ] {
            assert!(editing_blocked_reason(state).is_some(), "{state:?}");
        }
        assert_eq!(
            transition_done_message("Spring", CampaignTransition::ForceUnload),
            "Spring unloaded"
        );
    }
}
