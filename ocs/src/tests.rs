use compliance::{CallResult, DialMode};
use serde_json::json;

use super::*;

#[test]
fn a_validation_reads_gsw_keys_and_calling_list_columns() {
    let body = json!({
        "GSW_PHONE": "+12127365000",
        "gsw_customer_id": "C-17",
        "GSW_TZ_NAME": "America/New_York",
        "GSW_CALLING_LIST": "Spring",
        "GSW_CAMPAIGN_GROUP_NAME": "Collections",
        "c_consent": "Y",
        "dial_mode": "preview",
        "record_id": 77,
        "unknown_key": {"nested": true}
    });
    let record = Record::new(&body).unwrap();
    let validation = record.validation().unwrap();
    assert_eq!(validation.phone, "+12127365000");
    assert_eq!(validation.client_id.as_deref(), Some("C-17"));
    assert_eq!(validation.time_zone.as_deref(), Some("America/New_York"));
    assert_eq!(validation.calling_list.as_deref(), Some("Spring"));
    assert_eq!(validation.campaign.as_deref(), Some("Collections"));
    assert!(validation.consent);
    assert_eq!(validation.mode, Some(DialMode::Preview));

    let columns = json!({ "contact_info": 12127365000_u64, "client_id": "C-1", "c_debt_id": "D9" });
    let record = Record::new(&columns).unwrap();
    let validation = record.validation().unwrap();
    assert_eq!(validation.phone, "12127365000");
    assert!(!validation.consent);
    assert_eq!(validation.mode, None);
    assert_eq!(record.custom("debt_id").unwrap().as_deref(), Some("D9"));
    assert_eq!(record.custom("other").unwrap(), None);
}

#[test]
fn bad_records_name_the_field() {
    assert_eq!(
        Record::new(&json!([1])).unwrap_err(),
        RecordError::NotAnObject
    );
    let blank = json!({"GSW_PHONE": "  ", "x": 1});
    let missing = Record::new(&blank).unwrap();
    assert_eq!(
        missing.validation().unwrap_err(),
        RecordError::Missing { field: "GSW_PHONE" }
    );
    let nested = json!({"GSW_PHONE": ["+12127365000"]});
    let error = Record::new(&nested).unwrap().validation().unwrap_err();
    assert_eq!(error.to_string(), "GSW_PHONE: must be text or a number");
    let consent = json!({"GSW_PHONE": "+12127365000", "consent": "maybe"});
    let error = Record::new(&consent).unwrap().validation().unwrap_err();
    assert!(error.to_string().starts_with("consent:"), "{error}");
    let mode = json!({"GSW_PHONE": "+12127365000", "GSW_DIAL_MODE": "ROBOT"});
    assert!(Record::new(&mode).unwrap().validation().is_err());
    let long_id = json!({"GSW_PHONE": "+12127365000", "GSW_CUSTOMER_ID": "x".repeat(65)});
    assert!(Record::new(&long_id).unwrap().validation().is_err());
}

#[test]
fn reports_read_sequence_result_and_time() {
    let started = json!({
        "GSW_CALL_ATTEMPT_GUID": "A1", "GSW_HIST_SEQUENCE_NUM": "0",
        "GSW_PHONE": "+12127365000", "GSW_CALL_RESULT": "28", "GSW_CALL_TIME": 1795000000
    });
    let report = Record::new(&started).unwrap().report().unwrap();
    assert_eq!(report.sequence, Sequence::Started);
    assert_eq!(
        report.result, None,
        "record 0 carries the list's old result"
    );
    assert_eq!(report.at.unwrap().timestamp(), 1_795_000_000);

    let finished = json!({
        "GSW_CALL_ATTEMPT_GUID": "A1", "GSW_HIST_SEQUENCE_NUM": 1,
        "GSW_PHONE": "+12127365000", "GSW_CALL_RESULT": "Answer", "GSW_RIGHT_PARTY": "1",
        "GSW_CALL_TIME": "2026-11-21T10:00:00Z"
    });
    let report = Record::new(&finished).unwrap().report().unwrap();
    assert_eq!(report.sequence, Sequence::Finished);
    assert_eq!(
        report.result,
        Some((CallResult::RightPartyContact, Some(33)))
    );

    let no_result =
        json!({"GSW_CALL_ATTEMPT_GUID": "A1", "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": "1"});
    assert_eq!(
        Record::new(&no_result).unwrap().report().unwrap_err(),
        RecordError::Missing {
            field: "GSW_CALL_RESULT"
        }
    );
    let unknown = json!({"GSW_CALL_ATTEMPT_GUID": "A1", "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": "1", "GSW_CALL_RESULT": "Exploded"});
    let error = Record::new(&unknown).unwrap().report().unwrap_err();
    assert!(
        error.to_string().contains("not an OCS call result"),
        "{error}"
    );
    let bad_sequence =
        json!({"GSW_CALL_ATTEMPT_GUID": "A1", "GSW_HIST_SEQUENCE_NUM": 2, "GSW_PHONE": "1"});
    assert!(Record::new(&bad_sequence).unwrap().report().is_err());
    let no_guid = json!({"GSW_HIST_SEQUENCE_NUM": 0, "GSW_PHONE": "1"});
    assert_eq!(
        Record::new(&no_guid).unwrap().report().unwrap_err(),
        RecordError::Missing {
            field: "GSW_CALL_ATTEMPT_GUID"
        }
    );
}

#[test]
fn call_results_by_code_and_name() {
    assert_eq!(
        parse_call_result("33"),
        Some((CallResult::Answer, Some(33)))
    );
    assert_eq!(
        parse_call_result("21"),
        Some((CallResult::Abandoned, Some(21)))
    );
    assert_eq!(parse_call_result("6"), Some((CallResult::Busy, Some(6))));
    assert_eq!(
        parse_call_result("7"),
        Some((CallResult::NoAnswer, Some(7)))
    );
    assert_eq!(
        parse_call_result("9"),
        Some((CallResult::AnsweringMachine, Some(9)))
    );
    assert_eq!(
        parse_call_result("51"),
        Some((CallResult::DoNotCall, Some(51)))
    );
    assert_eq!(
        parse_call_result("53"),
        Some((CallResult::WrongNumber, Some(53)))
    );
    assert_eq!(
        parse_call_result("Answering Machine Detected"),
        Some((CallResult::AnsweringMachine, Some(9)))
    );
    assert_eq!(
        parse_call_result("NO_ANSWER"),
        Some((CallResult::NoAnswer, Some(7)))
    );
    assert_eq!(
        parse_call_result("RIGHT_PARTY_CONTACT"),
        Some((CallResult::RightPartyContact, None))
    );
    assert_eq!(parse_call_result("54"), None);
    assert_eq!(parse_call_result("-1"), None);
    assert_eq!(parse_call_result("__"), None);
    for code in 0..=53 {
        assert!(parse_call_result(&code.to_string()).is_some(), "{code}");
    }
}
