//! An OCS validation or history body (a record, an array of them, or
//! `{"records": [...]}`) read by `ocs::Record`: no panic, the same answer twice,
//! and every field within the limits the crate promises.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ocs::{Record, Sequence, Validation};
use serde_json::Value;

fn check_validation(validation: &Validation) {
    let phone = &validation.phone;
    assert!(
        !phone.is_empty() && phone.trim() == phone && phone.chars().count() <= 128,
        "{phone:?}"
    );
    if let Some(client_id) = &validation.client_id {
        assert!(
            !client_id.is_empty() && client_id.chars().count() <= 64,
            "{client_id:?}"
        );
    }
    for text in [
        &validation.country,
        &validation.email,
        &validation.time_zone,
        &validation.calling_list,
        &validation.campaign,
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            !text.is_empty() && text.trim() == text && text.chars().count() <= 255,
            "{text:?}"
        );
    }
}

fn check_record(value: &Value) {
    let Ok(record) = Record::new(value) else {
        assert!(!value.is_object());
        return;
    };
    let validation = record.validation();
    assert_eq!(
        validation,
        record.validation(),
        "validation is deterministic"
    );
    if let Ok(validation) = &validation {
        check_validation(validation);
    }
    let _ = record.custom("debt_id");

    let report = record.report();
    assert_eq!(report, record.report(), "reading a report is deterministic");
    let Ok(report) = report else {
        return;
    };
    assert_eq!(
        Ok(&report.validation),
        validation.as_ref(),
        "a report carries the record's validation"
    );
    assert!(
        !report.guid.is_empty() && report.guid.chars().count() <= 64,
        "{:?}",
        report.guid
    );
    match report.sequence {
        Sequence::Started => {
            assert_eq!(report.result, None, "record 0 carries no result");
            assert_eq!(report.callback, None, "record 0 carries no callback");
        }
        Sequence::Finished => assert!(report.result.is_some(), "record 1 has a result"),
    }
    if let Some(handle) = report.record_handle {
        assert!(handle > 0);
    }
    if let Some(callback) = &report.callback {
        assert!(
            !callback.personal || callback.agent_id.is_some(),
            "a personal callback names its agent"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    // As the dialer routes read a body: blank is null, else JSON.
    let body = if data.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(data) {
            Ok(body) => body,
            Err(_) => return,
        }
    };
    let batch = match &body {
        Value::Array(records) => Some(records),
        Value::Object(object) => match object.get("records") {
            Some(Value::Array(records)) => Some(records),
            _ => None,
        },
        _ => None,
    };
    check_record(&body);
    for record in batch.into_iter().flatten().take(1000) {
        check_record(record);
    }
    // Call results arrive as text or numbers; the parser takes anything.
    if let Ok(text) = std::str::from_utf8(data) {
        assert_eq!(ocs::parse_call_result(text), ocs::parse_call_result(text));
    }
});
