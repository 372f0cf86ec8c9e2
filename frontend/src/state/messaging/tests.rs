//! Messaging's rules and drafts, table-driven.
use super::drafts::{MessageTemplateDraft, ProviderDraft, TestMessageDraft};
use super::*;
use crate::api::error::ErrorKind;

fn fields(problems: &[FieldError]) -> Vec<&str> {
    problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect()
}

#[test]
fn messages_per_second_is_blank_or_one_to_ten_thousand() {
    let table = [
        ("", Ok(None)),
        ("  ", Ok(None)),
        ("1", Ok(Some(1))),
        (" 250 ", Ok(Some(250))),
        ("10000", Ok(Some(10_000))),
        ("0", Err(())),
        ("10001", Err(())),
        ("-5", Err(())),
        ("2.5", Err(())),
        ("fast", Err(())),
    ];
    for (text, expected) in table {
        let parsed = parse_messages_per_second(text, "messagesPerSecond");
        match expected {
            Ok(rate) => assert_eq!(parsed, Ok(rate), "{text:?}"),
            Err(()) => {
                let problem = parsed.expect_err(text);
                assert_eq!(problem.field, "messagesPerSecond");
            }
        }
    }
}

#[test]
fn sms_lengths_read_as_words() {
    assert_eq!(
        sms_length_label(SmsEncoding::Gsm7, 123, 1),
        "1 segment (GSM-7, 123 units)"
    );
    assert_eq!(
        sms_length_label(SmsEncoding::Ucs2, 1_234, 19),
        "19 segments (UCS-2, 1,234 units)"
    );
    assert_eq!(
        preview_length_label(SmsEncoding::Gsm7, 161, 2),
        "2 segments · GSM-7 · 161 units"
    );
    assert_eq!(
        preview_length_label(SmsEncoding::Ucs2, 0, 0),
        "0 segments · UCS-2 · 0 units"
    );
}

#[test]
fn empty_fields_are_named_as_placeholders() {
    assert_eq!(empty_fields_warning(&[]), None);
    assert_eq!(
        empty_fields_warning(&["company".into(), "other3".into()]).as_deref(),
        Some("This contact has no value for {{company}}, {{other3}}; the message leaves it empty.")
    );
    assert_eq!(placeholders_label(&[]), "—");
    assert_eq!(
        placeholders_label(&["firstname".into(), "company".into()]),
        "{{firstname}} {{company}}"
    );
}

#[test]
fn placeholders_go_where_the_cursor_stands() {
    let table = [
        ("Hi !", Some(3), "Hi {{firstName}}!", 16),
        ("Hi", None, "Hi{{firstName}}", 15),
        ("Hi", Some(99), "Hi{{firstName}}", 15),
        ("", Some(0), "{{firstName}}", 13),
        // "é" is one UTF-16 unit, "😀" two: the cursor counts units.
        ("é😀x", Some(3), "é😀{{firstName}}x", 16),
        // A cursor inside a surrogate pair is no boundary: appended.
        ("😀", Some(1), "😀{{firstName}}", 15),
    ];
    for (text, cursor, expected, new_cursor) in table {
        let (result, cursor_after) = insert_placeholder(text, cursor, "firstName");
        assert_eq!(result, expected, "{text:?} at {cursor:?}");
        assert_eq!(cursor_after, new_cursor, "{text:?} at {cursor:?}");
    }
}

#[test]
fn only_message_modes_have_a_channel_and_choices_follow_it() {
    assert_eq!(channel_of_mode(DialMode::Sms), Some(MessageChannel::Sms));
    assert_eq!(
        channel_of_mode(DialMode::Email),
        Some(MessageChannel::Email)
    );
    for mode in [DialMode::Preview, DialMode::Predictive, DialMode::Agentless] {
        assert_eq!(channel_of_mode(mode), None, "{mode:?}");
    }
    let templates = [
        ("t1", "Reminder", MessageChannel::Sms),
        ("t2", "Newsletter", MessageChannel::Email),
        ("t3", "Due", MessageChannel::Sms),
    ];
    assert_eq!(
        templates_for_channel(templates, MessageChannel::Sms),
        [
            ("t1".to_owned(), "Reminder".to_owned()),
            ("t3".to_owned(), "Due".to_owned())
        ]
    );
}

#[test]
fn the_funnel_shares_the_records_and_scales_to_the_longest_bar() {
    let counts = DeliveryCounts {
        records: 200,
        sent: 150,
        delivered: 120,
        failed: 10,
        opted_out: 3,
    };
    let bars = delivery_funnel(counts);
    let keys: Vec<&str> = bars.iter().map(|bar| bar.key).collect();
    assert_eq!(
        keys,
        ["records", "sent", "delivered", "failed", "opted-out"]
    );
    let labels: Vec<&str> = bars.iter().map(|bar| bar.value_label.as_str()).collect();
    assert_eq!(
        labels,
        ["200", "150 (75.0%)", "120 (60.0%)", "10 (5.0%)", "3 (1.5%)"]
    );
    let widths: Vec<f64> = bars.iter().map(|bar| bar.width_percent).collect();
    assert_eq!(widths, [100.0, 75.0, 60.0, 5.0, 1.5]);
    assert_eq!(
        delivery_rate_label(counts).as_deref(),
        Some("Delivered 80.0% of sent")
    );
}

#[test]
fn an_empty_funnel_draws_no_bars_and_no_shares() {
    let bars = delivery_funnel(DeliveryCounts::default());
    assert!(bars.iter().all(|bar| bar.width_percent == 0.0));
    assert!(bars.iter().all(|bar| bar.value_label == "0"));
    assert_eq!(delivery_rate_label(DeliveryCounts::default()), None);
    // More sent than records (a reloaded list): still within 100 %.
    let bars = delivery_funnel(DeliveryCounts {
        records: 0,
        sent: 4,
        ..DeliveryCounts::default()
    });
    assert_eq!(bars[1].width_percent, 100.0);
    assert_eq!(bars[1].value_label, "4");
}

#[test]
fn statuses_have_badges() {
    assert_eq!(
        message_status_badge(MessageStatus::Delivered).label,
        "Delivered"
    );
    assert!(
        message_status_badge(MessageStatus::Failed)
            .class
            .contains("danger")
    );
    assert_eq!(
        message_status_badge(MessageStatus::Unknown).label,
        "Unknown"
    );
}

#[test]
fn the_callback_url_joins_origin_and_path() {
    assert_eq!(
        callback_url("https://app.example.com", "/nexus/v1/events"),
        "https://app.example.com/nexus/v1/events"
    );
    assert_eq!(
        callback_url("https://app.example.com/", "nexus/v1/events"),
        "https://app.example.com/nexus/v1/events"
    );
}

fn bad_input(field: &str, message: &str) -> ApiError {
    ApiError::from_field_errors(vec![field_error(field, message)])
}

#[test]
fn the_preview_verdict_wins_over_an_older_save() {
    let saved = bad_input("body", "unknown placeholder {{foo}}");
    let preview_error = bad_input("body", "unknown placeholder {{bar}}");
    let name_taken = ApiError {
        kind: ErrorKind::Conflict,
        ..bad_input("name", "the name is taken")
    };
    let table = [
        (
            None,
            Some(&saved),
            "body",
            Some("unknown placeholder {{foo}}"),
        ),
        (Some(Ok(())), Some(&saved), "body", None),
        (
            Some(Err(&preview_error)),
            Some(&saved),
            "body",
            Some("unknown placeholder {{bar}}"),
        ),
        (Some(Err(&preview_error)), None, "subject", None),
        // The preview never judges the name.
        (
            Some(Ok(())),
            Some(&name_taken),
            "name",
            Some("the name is taken"),
        ),
    ];
    for (preview, saved, field, expected) in table {
        assert_eq!(
            template_field_problem(preview, saved, field).as_deref(),
            expected,
            "{field}"
        );
    }
}

#[test]
fn a_template_needs_a_name_a_body_and_for_email_a_subject() {
    let problems = MessageTemplateDraft {
        channel: MessageChannel::Email,
        ..MessageTemplateDraft::default()
    }
    .to_input()
    .unwrap_err();
    assert_eq!(fields(&problems), ["name", "subject", "body"]);
    let draft = MessageTemplateDraft {
        name: " Reminder ".into(),
        subject: "ignored for SMS".into(),
        body: " Hi {{firstName}} \n".into(),
        help_text: "  ".into(),
        opt_out_text: "You will get no more messages.".into(),
        ..MessageTemplateDraft::default()
    };
    let input = draft.to_input().expect("valid");
    assert_eq!(input.name, "Reminder");
    assert_eq!(input.subject, None);
    assert_eq!(input.body, "Hi {{firstName}}");
    assert_eq!(input.help_text, None);
    assert_eq!(
        input.opt_out_text.as_deref(),
        Some("You will get no more messages.")
    );
}

#[test]
fn the_preview_sends_the_text_as_typed_with_a_stand_in_name() {
    assert_eq!(MessageTemplateDraft::default().preview_input(), None);
    let draft = MessageTemplateDraft {
        channel: MessageChannel::Email,
        subject: "Your visit".into(),
        body: "Dear {{lastName}}".into(),
        ..MessageTemplateDraft::default()
    };
    let input = draft.preview_input().expect("a body to preview");
    assert_eq!(input.name, "Preview");
    assert_eq!(input.subject.as_deref(), Some("Your visit"));
}

#[test]
fn gateway_secrets_are_write_only() {
    let problems = ProviderDraft {
        base_url: "gateway.example.com".into(),
        messages_per_second: "0".into(),
        ..ProviderDraft::default()
    }
    .to_input()
    .unwrap_err();
    assert_eq!(
        fields(&problems),
        ["baseUrl", "apiKey", "messagesPerSecond"]
    );
    let stored = ProviderDraft {
        base_url: " https://nexus.example.com/ ".into(),
        api_key: "  ".into(),
        signing_secret: " whsec_1\n".into(),
        sms_sender: "72345".into(),
        api_key_set: true,
        ..ProviderDraft::default()
    };
    let input = stored.to_input().expect("valid");
    assert_eq!(input.base_url, "https://nexus.example.com");
    assert_eq!(input.api_key, None, "blank keeps the stored key");
    assert_eq!(input.signing_secret.as_deref(), Some("whsec_1"));
    assert_eq!(input.sms_sender.as_deref(), Some("72345"));
    assert_eq!(input.email_sender, None);
    assert_eq!(input.messages_per_second, None);
}

#[test]
fn a_test_message_needs_a_recipient_of_its_channel() {
    let problems = TestMessageDraft {
        channel: MessageChannel::Email,
        to: "+12125550100".into(),
        body: " ".into(),
        ..TestMessageDraft::default()
    }
    .to_variables()
    .unwrap_err();
    assert_eq!(fields(&problems), ["to", "body"]);
    let variables = TestMessageDraft {
        to: " +12125550100 ".into(),
        subject: "dropped for SMS".into(),
        ..TestMessageDraft::default()
    }
    .to_variables()
    .expect("valid");
    assert_eq!(variables.to, "+12125550100");
    assert_eq!(variables.subject, None);
    let json = serde_json::to_value(&variables).expect("serialises");
    assert_eq!(json["channel"], "SMS");
}
