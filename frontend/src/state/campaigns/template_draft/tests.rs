//! The template draft's checks, table and helpers, table-driven.
use super::*;
use crate::api::campaign_types::TreatmentKind;
use crate::state::campaigns::treatments::{TreatmentLine, minutes_words, treatment_lines};

fn fields(problems: &[FieldError]) -> Vec<&str> {
    problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect()
}

#[test]
fn the_default_draft_needs_only_a_name() {
    let problems = TemplateDraft::default().to_settings().unwrap_err();
    assert_eq!(fields(&problems), ["name"]);
    let draft = TemplateDraft {
        name: " Collections ".into(),
        ..TemplateDraft::default()
    };
    let settings = draft.to_settings().expect("valid");
    assert_eq!(settings.name, "Collections");
    assert!((settings.target_abandon_rate - 0.03).abs() < 1e-9);
    assert_eq!(settings.device_order, DEFAULT_DEVICE_ORDER.to_vec());
    assert!(settings.schedule.is_none() && settings.time_window.is_none());
}

#[test]
fn bad_numbers_and_clocks_name_their_fields() {
    let draft = TemplateDraft {
        name: "x".into(),
        lines_per_agent: "11".into(),
        target_abandon_percent: "abc".into(),
        abandon_threshold_seconds: "0".into(),
        has_schedule: true,
        schedule_from: "9:00".into(),
        has_time_window: true,
        window_till: "24:00".into(),
        device_order: Vec::new(),
        treatments: vec![TreatmentRow {
            interval: String::new(),
            ..TreatmentRow::new(CallResult::Busy)
        }],
        ..TemplateDraft::default()
    };
    let problems = draft.to_settings().unwrap_err();
    assert_eq!(
        fields(&problems),
        [
            "pacing.linesPerAgent",
            "pacing.targetAbandonRate",
            "pacing.abandonThresholdSeconds",
            "schedule.from",
            "deviceOrder",
            "treatments",
        ]
    );
}

#[test]
fn treatments_and_rules_are_typed() {
    let draft = TemplateDraft {
        name: "x".into(),
        optional_rules: " daily cap, , weekly cap".into(),
        treatments: vec![
            TreatmentRow::new(CallResult::Busy),
            TreatmentRow {
                kind: TreatmentKind::Final,
                suppress_device: true,
                ..TreatmentRow::new(CallResult::DoNotCall)
            },
        ],
        ..TemplateDraft::default()
    };
    let settings = draft.to_settings().expect("valid");
    assert_eq!(settings.optional_rules, ["daily cap", "weekly cap"]);
    assert_eq!(settings.treatments[0].interval_minutes, Some(30));
    assert_eq!(settings.treatments[0].max_attempts, Some(3));
    assert_eq!(settings.treatments[1].interval_minutes, None);
    assert!(settings.treatments[1].suppress_device);
}

#[test]
fn own_treatments_are_marked_over_the_effective_ones() {
    let busy_default = TreatmentRow {
        interval: "10".into(),
        ..TreatmentRow::new(CallResult::Busy)
    };
    let no_answer_default = TreatmentRow::new(CallResult::NoAnswer);
    let mine = TreatmentRow {
        interval: "5".into(),
        ..TreatmentRow::new(CallResult::Busy)
    };
    let fax = TreatmentRow::new(CallResult::Fax);
    let lines = treatment_lines(
        &[busy_default, no_answer_default.clone()],
        &[mine.clone(), fax.clone()],
    );
    assert_eq!(
        lines,
        vec![
            TreatmentLine {
                row: mine,
                own: true
            },
            TreatmentLine {
                row: no_answer_default,
                own: false
            },
            TreatmentLine {
                row: fax,
                own: true
            },
        ]
    );
}

#[test]
fn moving_and_summaries() {
    let mut order = vec![1, 2, 3];
    move_item(&mut order, 0, true);
    assert_eq!(order, [1, 2, 3]);
    move_item(&mut order, 0, false);
    assert_eq!(order, [2, 1, 3]);
    move_item(&mut order, 2, false);
    assert_eq!(order, [2, 1, 3]);
    move_item(&mut order, 2, true);
    assert_eq!(order, [2, 3, 1]);
    let row = TreatmentRow {
        increment: "10".into(),
        ..TreatmentRow::new(CallResult::Busy)
    };
    assert_eq!(
        row.summary(),
        "Retry in 30 min (+10 per retry), 3 attempts at most"
    );
    assert_eq!(minutes_words("4320"), "3 days");
    assert_eq!(minutes_words("240"), "4 h");
    assert_eq!(minutes_words("90"), "90 min");
    assert_eq!(trim_number(0.03 * 100.0), "3");
    assert_eq!(trim_number(2.5), "2.5");
}

#[test]
fn message_modes_need_a_message_template_and_a_valid_rate() {
    let draft = TemplateDraft {
        name: "Texts".into(),
        dialing_mode: DialMode::Sms,
        messages_per_second: "20000".into(),
        ..TemplateDraft::default()
    };
    let problems = draft.to_settings().unwrap_err();
    assert_eq!(
        fields(&problems),
        ["messageTemplateId", "messagesPerSecond"]
    );
    let draft = TemplateDraft {
        message_template_id: "m1".into(),
        messages_per_second: " 50 ".into(),
        ..draft
    };
    let settings = draft.to_settings().expect("valid");
    assert_eq!(settings.message_template_id.as_deref(), Some("m1"));
    assert_eq!(settings.messages_per_second, Some(50));
}

#[test]
fn voice_modes_send_no_message_settings() {
    let draft = TemplateDraft {
        name: "Calls".into(),
        dialing_mode: DialMode::Predictive,
        message_template_id: "m1".into(),
        messages_per_second: "not checked".into(),
        ..TemplateDraft::default()
    };
    let settings = draft.to_settings().expect("valid");
    assert_eq!(settings.message_template_id, None);
    assert_eq!(settings.messages_per_second, None);
}

#[test]
fn message_modes_ignore_the_hidden_voice_settings() {
    let draft = TemplateDraft {
        name: "Texts".into(),
        dialing_mode: DialMode::Email,
        lines_per_agent: "99".into(),
        agent_group: "floor-1".into(),
        message_template_id: "m2".into(),
        ..TemplateDraft::default()
    };
    let settings = draft
        .to_settings()
        .expect("the hidden pacing is not checked");
    assert_eq!(settings.agent_group, None);
    assert!((settings.lines_per_agent - 1.0).abs() < 1e-9);
}
