//! The dialer shims (SPEC §4): pre-dial validation of one record and of a
//! batch, call report records into dialing history and the attempt rules,
//! API-client keys, and the live traffic counters.

use std::time::{Duration, Instant};

use chrono::{Timelike, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tests::{Stores, TestApp, on_both_stores, spawn_app};

on_both_stores!(
    validation_allows_refuses_and_says_why,
    a_time_refusal_says_when_to_dial,
    a_batch_answers_every_record_in_order,
    bad_bodies_get_clear_client_errors,
    call_reports_count_for_attempt_rules_at_once,
    call_reports_are_idempotent_and_ordered,
    attempt_counts_survive_an_empty_cache,
    keys_are_checked_and_revocation_is_immediate,
    validation_traffic_adds_up,
);

const CREATE_CLIENT: &str = "mutation($input: CreateApiClientInput!) { createApiClient(input: $input) { key apiClient { id } } }";
const RULES: &str = "{ complianceRuleSet { rules } }";
const UPDATE: &str =
    "mutation($rules: JSON!) { updateComplianceRuleSet(rules: $rules) { version } }";

/// A real, valid New York number (the server refuses 555-01xx).
const NEW_YORK: &str = "+12127365000";
const SAN_FRANCISCO: &str = "+14158675309";
const WASHINGTON: &str = "+12024561414";

/// An API client key with the given scopes, and the client's id.
async fn dialer(app: &TestApp, admin: &str, name: &str, scopes: &[&str]) -> (String, String) {
    let body = app
        .graphql(
            Some(admin),
            CREATE_CLIENT,
            json!({ "input": { "name": name, "scopes": scopes } }),
        )
        .await;
    let created = &body["data"]["createApiClient"];
    (
        created["key"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned(),
        created["apiClient"]["id"].as_str().unwrap().to_owned(),
    )
}

/// POSTs a JSON body with a key; returns the status and the JSON answer.
async fn post(app: &TestApp, path: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    post_raw(app, path, key, body.to_string()).await
}

async fn post_raw(app: &TestApp, path: &str, key: Option<&str>, body: String) -> (u16, Value) {
    let (status, text) = app.post_json(path, key, body).await;
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, json)
}

/// Every rule kind that refused, sorted.
fn refused_by(answer: &Value) -> Vec<String> {
    let mut kinds: Vec<String> = answer["refusals"]
        .as_array()
        .map(|refusals| {
            refusals
                .iter()
                .map(|refusal| refusal["rule"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    kinds.sort();
    kinds.dedup();
    kinds
}

async fn suppress(app: &TestApp, admin: &str, values: &[&str]) {
    let created = app
        .graphql(
            Some(admin),
            "mutation { createSuppressionList(input: { name: \"Dialer DNC\", kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({}),
        )
        .await;
    let list = created["data"]["createSuppressionList"]["id"].clone();
    let added = app
        .graphql(
            Some(admin),
            "mutation($list: ID!, $values: [String!]!) { addSuppressionEntries(listId: $list, values: $values, reason: \"asked\") { added } }",
            json!({ "list": list, "values": values }),
        )
        .await;
    assert_eq!(
        added["data"]["addSuppressionEntries"]["added"],
        values.len(),
        "{added}"
    );
}

async fn validation_allows_refuses_and_says_why(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    suppress(&app, &admin, &[WASHINGTON]).await;
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE"]).await;

    // A preview dial to a New York number: allowed. Unknown keys are ignored.
    let record = json!({ "GSW_PHONE": NEW_YORK, "GSW_CUSTOMER_ID": "C-1", "GSW_DIAL_MODE": "PREVIEW",
        "record_id": 17, "GSW_SOMETHING_NEW": {"nested": true} });
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &record).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["allowed"], true);
    assert_eq!(answer["reasons"], json!([]));

    // Without a mode the record is judged as automated: a number of unknown
    // line type counts as a mobile and needs consent.
    let automated = json!({ "contact_info": NEW_YORK, "client_id": "C-1" });
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &automated).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(refused_by(&answer), ["MOBILE_CONSENT"]);
    assert!(
        answer["reasons"][0].as_str().unwrap().contains("consent"),
        "{answer}"
    );
    assert!(
        answer["nextAllowedAt"].is_null(),
        "consent is not a matter of time"
    );
    let consented = json!({ "contact_info": NEW_YORK, "client_id": "C-1", "GSW_CONSENT": "1" });
    let (status, _) = post(&app, "/ocs/v1/validate", Some(&key), &consented).await;
    assert_eq!(status, 200);

    // A suppressed number is refused with its list's name and reason.
    let suppressed = json!({ "GSW_PHONE": WASHINGTON, "GSW_DIAL_MODE": "PREVIEW" });
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &suppressed).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(refused_by(&answer), ["SUPPRESSION"]);
    assert!(
        answer["reasons"][0]
            .as_str()
            .unwrap()
            .contains("Dialer DNC"),
        "{answer}"
    );

    // A national number with its country; the emergency stop refuses everything at once.
    let national =
        json!({ "GSW_PHONE": "(415) 867-5309", "GSW_COUNTRY": "US", "GSW_DIAL_MODE": "PREVIEW" });
    let (status, _) = post(&app, "/ocs/v1/validate", Some(&key), &national).await;
    assert_eq!(status, 200);
    let stop = app
        .graphql(
            Some(&admin),
            "mutation { setEmergencyStop(on: true, reason: \"regulator call\") { version } }",
            json!({}),
        )
        .await;
    assert!(stop["errors"].is_null(), "{stop}");
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &national).await;
    assert_eq!(
        status, 409,
        "the stop takes effect on the next request: {answer}"
    );
    assert!(
        refused_by(&answer).contains(&"EMERGENCY_STOP".to_owned()),
        "{answer}"
    );
}

async fn a_time_refusal_says_when_to_dial(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    // A one-hour window two hours from now in New York, every day.
    let new_york = chrono_tz::America::New_York;
    let hour = (Utc::now().with_timezone(&new_york).hour() + 2) % 23;
    let mut rules = app.graphql(Some(&admin), RULES, json!({})).await["data"]["complianceRuleSet"]
        ["rules"]
        .clone();
    rules["callingWindows"]["default"] = json!({ "slots": [{
        "days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"],
        "start": format!("{hour:02}:00"), "end": format!("{:02}:00", hour + 1) }] });
    rules["callingWindows"]["regions"] = json!({});
    let body = app
        .graphql(Some(&admin), UPDATE, json!({ "rules": rules }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE"]).await;
    let record = json!({ "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW" });
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &record).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(refused_by(&answer), ["CALLING_WINDOW"]);
    let next: chrono::DateTime<chrono::FixedOffset> =
        answer["nextAllowedAt"].as_str().unwrap().parse().unwrap();
    let local = next.with_timezone(&new_york);
    assert_eq!((local.hour(), local.minute()), (hour, 0), "{answer}");
    let wait = next.with_timezone(&Utc) - Utc::now();
    assert!(
        wait > chrono::TimeDelta::zero() && wait < chrono::TimeDelta::hours(24),
        "{answer}"
    );
}

async fn a_batch_answers_every_record_in_order(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    suppress(&app, &admin, &[WASHINGTON]).await;
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE"]).await;
    let records = json!([
        { "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW" },
        { "GSW_PHONE": WASHINGTON, "GSW_DIAL_MODE": "PREVIEW" },
        { "GSW_CUSTOMER_ID": "no phone" },
        { "GSW_PHONE": SAN_FRANCISCO, "GSW_CALLING_LIST": "No such list", "GSW_DIAL_MODE": "PREVIEW" },
        "not a record",
        { "GSW_PHONE": "2127365000", "GSW_DIAL_MODE": "PREVIEW" },
        { "GSW_PHONE": SAN_FRANCISCO, "GSW_DIAL_MODE": "PREVIEW" },
    ]);
    let (status, answer) = post(&app, "/ocs/v1/validate/batch", Some(&key), &records).await;
    assert_eq!(status, 200, "{answer}");
    let decisions = answer["decisions"].as_array().unwrap();
    assert_eq!(decisions.len(), 7);
    assert_eq!(decisions[0]["allowed"], true);
    assert_eq!(refused_by(&decisions[1]), ["SUPPRESSION"]);
    assert_eq!(decisions[2]["allowed"], false);
    assert_eq!(decisions[2]["error"]["code"], "BAD_USER_INPUT");
    assert!(
        decisions[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("GSW_PHONE")
    );
    assert_eq!(decisions[3]["error"]["code"], "NOT_FOUND");
    assert!(
        decisions[3]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("calling list")
    );
    assert_eq!(decisions[4]["error"]["code"], "BAD_USER_INPUT");
    assert!(
        decisions[5]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("GSW_COUNTRY"),
        "a national number needs its country: {}",
        decisions[5]
    );
    assert_eq!(decisions[6]["allowed"], true);
    assert_eq!(
        (&answer["allowed"], &answer["refused"], &answer["invalid"]),
        (&json!(2), &json!(1), &json!(4))
    );
    // The object form is accepted too.
    let wrapped = json!({ "records": [{ "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW" }] });
    let (status, answer) = post(&app, "/ocs/v1/validate/batch", Some(&key), &wrapped).await;
    assert_eq!((status, &answer["allowed"]), (200, &json!(1)), "{answer}");
}

async fn bad_bodies_get_clear_client_errors(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE", "OCS_HISTORY"]).await;
    let message = |answer: &Value| {
        answer["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };

    let (status, answer) = post_raw(
        &app,
        "/ocs/v1/validate",
        Some(&key),
        "{\"GSW_PHONE\": ".into(),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert!(message(&answer).contains("not valid JSON"), "{answer}");
    let (status, answer) = post(
        &app,
        "/ocs/v1/validate",
        Some(&key),
        &json!({ "record_id": 1 }),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(message(&answer), "GSW_PHONE is required");
    let (status, answer) = post(
        &app,
        "/ocs/v1/validate",
        Some(&key),
        &json!({ "GSW_PHONE": "call me" }),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &json!([1, 2])).await;
    assert_eq!(status, 400, "{answer}");
    let unknown_list = json!({ "GSW_PHONE": NEW_YORK, "GSW_CALLING_LIST": "Ghost" });
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &unknown_list).await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(answer["errors"][0]["extensions"]["code"], "NOT_FOUND");

    let huge = format!(
        "{{\"GSW_PHONE\": \"{NEW_YORK}\", \"pad\": \"{}\"}}",
        "x".repeat(100_000)
    );
    let (status, answer) = post_raw(&app, "/ocs/v1/validate", Some(&key), huge).await;
    assert_eq!(status, 413, "{answer}");
    assert!(message(&answer).contains("larger"), "{answer}");

    let too_many: Vec<Value> = (0..1001)
        .map(|_| json!({ "GSW_PHONE": NEW_YORK }))
        .collect();
    let (status, answer) = post(&app, "/ocs/v1/validate/batch", Some(&key), &json!(too_many)).await;
    assert_eq!(status, 400, "{answer}");
    assert!(message(&answer).contains("1001"), "{answer}");
    let (status, _) = post(&app, "/ocs/v1/validate/batch", Some(&key), &json!([])).await;
    assert_eq!(status, 400);
    let (status, _) = post(
        &app,
        "/ocs/v1/validate/batch",
        Some(&key),
        &json!({ "rows": [] }),
    )
    .await;
    assert_eq!(status, 400);

    let unknown_result = json!({ "GSW_CALL_ATTEMPT_GUID": "g-1", "GSW_HIST_SEQUENCE_NUM": 1,
        "GSW_PHONE": NEW_YORK, "GSW_CALL_RESULT": "Exploded" });
    let (status, answer) = post(&app, "/ocs/v1/history", Some(&key), &unknown_result).await;
    assert_eq!(status, 400, "{answer}");
    assert!(message(&answer).contains("GSW_CALL_RESULT"), "{answer}");
    let no_guid = json!({ "GSW_HIST_SEQUENCE_NUM": 0, "GSW_PHONE": NEW_YORK });
    let (status, answer) = post(&app, "/ocs/v1/history", Some(&key), &no_guid).await;
    assert_eq!(
        (status, message(&answer)),
        (400, "GSW_CALL_ATTEMPT_GUID is required".to_owned())
    );
    let no_phone = json!({ "GSW_CALL_ATTEMPT_GUID": "g-2", "GSW_HIST_SEQUENCE_NUM": 0 });
    let (status, _) = post(&app, "/ocs/v1/history", Some(&key), &no_phone).await;
    assert_eq!(status, 400);
    let stored = entity::dialing_history::Entity::find()
        .count(&app.services.db)
        .await
        .unwrap();
    assert_eq!(stored, 0, "nothing of a bad record is stored");
}

/// Reports one finished attempt (records 0 and 1) and returns both outcomes.
async fn report_attempt(
    app: &TestApp,
    key: &str,
    guid: &str,
    phone: &str,
    client_id: &str,
    result: &str,
) -> (String, String) {
    let mut outcomes = Vec::new();
    for (sequence, result) in [(0, "28"), (1, result)] {
        let record = json!({ "GSW_CALL_ATTEMPT_GUID": guid, "GSW_HIST_SEQUENCE_NUM": sequence,
            "GSW_PHONE": phone, "GSW_CUSTOMER_ID": client_id, "GSW_CALL_RESULT": result });
        let (status, answer) = post(app, "/ocs/v1/history", Some(key), &record).await;
        assert_eq!(status, 200, "{answer}");
        outcomes.push(answer["outcome"].as_str().unwrap().to_owned());
    }
    (outcomes[0].clone(), outcomes[1].clone())
}

async fn call_reports_count_for_attempt_rules_at_once(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE", "OCS_HISTORY"]).await;
    let record =
        json!({ "GSW_PHONE": NEW_YORK, "GSW_CUSTOMER_ID": "C-9", "GSW_DIAL_MODE": "PREVIEW" });

    for attempt in 0..3 {
        let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &record).await;
        assert_eq!(status, 200, "attempt {attempt}: {answer}");
        let outcomes =
            report_attempt(&app, &key, &format!("c9-{attempt}"), NEW_YORK, "C-9", "7").await;
        assert_eq!(outcomes, ("STORED".to_owned(), "REPLACED".to_owned()));
    }
    // Three attempts per client id per 24 h: the fourth is refused, and the
    // same person on another number too.
    let (status, answer) = post(&app, "/ocs/v1/validate", Some(&key), &record).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(refused_by(&answer), ["ATTEMPT_LIMIT"]);
    assert!(
        answer["refusals"][0]["name"]
            .as_str()
            .unwrap()
            .contains("3 per client id"),
        "{answer}"
    );
    assert!(
        !answer["nextAllowedAt"].is_null(),
        "an attempt limit lapses with time: {answer}"
    );
    let other_number =
        json!({ "GSW_PHONE": SAN_FRANCISCO, "GSW_CUSTOMER_ID": "C-9", "GSW_DIAL_MODE": "PREVIEW" });
    let (status, _) = post(&app, "/ocs/v1/validate", Some(&key), &other_number).await;
    assert_eq!(status, 409);
    let checked = app
        .graphql(
            Some(&admin),
            "query($p: String!) { checkNumber(phone: $p, clientId: \"C-9\") { allowed refusals { rule } } }",
            json!({ "p": SAN_FRANCISCO }),
        )
        .await;
    assert_eq!(
        checked["data"]["checkNumber"]["allowed"], false,
        "{checked}"
    );

    // An abandoned call blocks the device for 72 h (counted by device).
    let (status, _) = post(
        &app,
        "/ocs/v1/validate",
        Some(&key),
        &json!({ "GSW_PHONE": WASHINGTON, "GSW_CUSTOMER_ID": "C-10", "GSW_DIAL_MODE": "PREVIEW" }),
    )
    .await;
    assert_eq!(status, 200);
    report_attempt(&app, &key, "abandoned-1", WASHINGTON, "C-10", "Abandoned").await;
    let (status, answer) = post(
        &app,
        "/ocs/v1/validate",
        Some(&key),
        &json!({ "GSW_PHONE": WASHINGTON, "GSW_CUSTOMER_ID": "C-11", "GSW_DIAL_MODE": "PREVIEW" }),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["refusals"][0]["name"]
            .as_str()
            .unwrap()
            .contains("abandoned"),
        "{answer}"
    );

    // A conversation (answered, right party) blocks the person for 7 days.
    report_attempt(
        &app,
        &key,
        "rpc-1",
        SAN_FRANCISCO,
        "C-12",
        "RIGHT_PARTY_CONTACT",
    )
    .await;
    let (status, answer) = post(
        &app,
        "/ocs/v1/validate",
        Some(&key),
        &json!({ "GSW_PHONE": NEW_YORK, "GSW_CUSTOMER_ID": "C-12", "GSW_DIAL_MODE": "PREVIEW" }),
    )
    .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["refusals"][0]["name"]
            .as_str()
            .unwrap()
            .contains("conversation"),
        "{answer}"
    );

    // Dialling that has only started already counts for "every attempt" rules.
    for attempt in 0..3 {
        let started = json!({ "GSW_CALL_ATTEMPT_GUID": format!("c20-{attempt}"), "GSW_HIST_SEQUENCE_NUM": 0,
            "GSW_PHONE": NEW_YORK, "GSW_CUSTOMER_ID": "C-20" });
        let (status, _) = post(&app, "/ocs/v1/history", Some(&key), &started).await;
        assert_eq!(status, 200);
    }
    let (status, _) = post(
        &app,
        "/ocs/v1/validate",
        Some(&key),
        &json!({ "GSW_PHONE": NEW_YORK, "GSW_CUSTOMER_ID": "C-20", "GSW_DIAL_MODE": "PREVIEW" }),
    )
    .await;
    assert_eq!(status, 409);
}

async fn call_reports_are_idempotent_and_ordered(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_HISTORY"]).await;
    let record = |sequence: u8, result: &str| {
        json!({ "GSW_CALL_ATTEMPT_GUID": "A-1",
        "GSW_HIST_SEQUENCE_NUM": sequence, "GSW_PHONE": NEW_YORK, "GSW_CUSTOMER_ID": "C-1",
        "GSW_CALL_RESULT": result, "GSW_CALL_TIME": 1_795_000_000 })
    };
    let outcome = |answer: &Value| answer["outcome"].as_str().unwrap_or_default().to_owned();

    // Record 1 first (record 0 lost or late), then record 0, then both again.
    let (status, answer) = post(&app, "/ocs/v1/history", Some(&key), &record(1, "Busy")).await;
    assert_eq!(
        (status, outcome(&answer)),
        (200, "STORED".into()),
        "{answer}"
    );
    assert_eq!(answer["attemptGuid"], "A-1");
    let (status, answer) = post(&app, "/ocs/v1/history", Some(&key), &record(0, "28")).await;
    assert_eq!(
        (status, outcome(&answer)),
        (200, "SUPERSEDED".into()),
        "{answer}"
    );
    let (_, answer) = post(&app, "/ocs/v1/history", Some(&key), &record(1, "Busy")).await;
    assert_eq!(outcome(&answer), "DUPLICATE");
    // The same guid for another number is a conflict, not a second attempt.
    let mut other = record(1, "Busy");
    other["GSW_PHONE"] = json!(SAN_FRANCISCO);
    let (status, answer) = post(&app, "/ocs/v1/history", Some(&key), &other).await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("another number")
    );

    let rows = entity::dialing_history::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one attempt, stored once");
    assert_eq!(rows[0].result, "BUSY");
    assert_eq!(rows[0].result_code, Some(6));
    assert_eq!(rows[0].sequence, 1);
    assert_eq!(rows[0].device, NEW_YORK);
    assert_eq!(rows[0].started_at.timestamp(), 1_795_000_000);
    let keys = entity::attempt_key::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap();
    assert_eq!(keys.len(), 2, "counted by device and by client id");
    assert!(keys.iter().all(|key| key.result == "BUSY"));

    // Record 0 then 1: the result replaces "in progress" everywhere.
    let mut started = record(0, "28");
    started["GSW_CALL_ATTEMPT_GUID"] = json!("A-2");
    let (_, answer) = post(&app, "/ocs/v1/history", Some(&key), &started).await;
    assert_eq!(outcome(&answer), "STORED");
    let mut finished = record(1, "9");
    finished["GSW_CALL_ATTEMPT_GUID"] = json!("A-2");
    let (_, answer) = post(&app, "/ocs/v1/history", Some(&key), &finished).await;
    assert_eq!(outcome(&answer), "REPLACED");
    let second = entity::dialing_history::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap()
        .into_iter()
        .find(|row| row.attempt_guid == "A-2")
        .unwrap();
    assert_eq!(
        (second.result.as_str(), second.sequence),
        ("ANSWERING_MACHINE", 1)
    );
}

async fn attempt_counts_survive_an_empty_cache(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE", "OCS_HISTORY"]).await;
    for attempt in 0..3 {
        report_attempt(
            &app,
            &key,
            &format!("g-{attempt}"),
            NEW_YORK,
            "C-5",
            "NoAnswer",
        )
        .await;
    }
    // A replica with a cache of its own, empty (a Redis restart, or another
    // in-process cache): it must still count the three attempts.
    let replica = app.spawn_replica(false, &[]).await;
    let record =
        json!({ "GSW_PHONE": SAN_FRANCISCO, "GSW_CUSTOMER_ID": "C-5", "GSW_DIAL_MODE": "PREVIEW" });
    let (status, answer) = post(&replica, "/ocs/v1/validate", Some(&key), &record).await;
    assert_eq!(
        status, 409,
        "read from the database while the cache is empty: {answer}"
    );
    // The replica rebuilds its cache from the database in the background;
    // once rebuilt it still refuses.
    let deadline = Instant::now() + Duration::from_secs(10);
    while replica
        .services
        .cache
        .get(&format!("att:ready:{}", tenant_of(&app).await))
        .await
        .unwrap()
        .is_none()
    {
        assert!(
            Instant::now() < deadline,
            "the attempt counts were not rebuilt"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, _) = post(&replica, "/ocs/v1/validate", Some(&key), &record).await;
    assert_eq!(status, 409, "counted from the rebuilt cache");
    let fresh =
        json!({ "GSW_PHONE": SAN_FRANCISCO, "GSW_CUSTOMER_ID": "C-6", "GSW_DIAL_MODE": "PREVIEW" });
    let (status, _) = post(&replica, "/ocs/v1/validate", Some(&key), &fresh).await;
    assert_eq!(status, 200);
    drop(replica);
}

async fn tenant_of(app: &TestApp) -> String {
    entity::tenant::Entity::find()
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn keys_are_checked_and_revocation_is_immediate(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let (key, id) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE"]).await;
    let record = json!({ "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW" });

    let (status, answer) = post(&app, "/ocs/v1/validate", None, &record).await;
    assert_eq!(status, 401, "{answer}");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("X-API-Key")
    );
    let (status, _) = post(
        &app,
        "/ocs/v1/validate",
        Some("rl_0123456789ab_nope"),
        &record,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = post(&app, "/ocs/v1/validate", Some(&admin), &record).await;
    assert_eq!(status, 401, "a user's token is not a dialer key");
    // Bearer works too.
    let response = app
        .client
        .post(format!("{}/ocs/v1/validate", app.address))
        .bearer_auth(&key)
        .json(&record)
        .send()
        .await
        .unwrap();
    assert_ne!(response.status().as_u16(), 401);
    let report =
        json!({ "GSW_CALL_ATTEMPT_GUID": "x", "GSW_HIST_SEQUENCE_NUM": 0, "GSW_PHONE": NEW_YORK });
    let (status, answer) = post(&app, "/ocs/v1/history", Some(&key), &report).await;
    assert_eq!(status, 403, "no OCS_HISTORY scope: {answer}");

    // A replica on the same stores has the key cached; revoking it stops it everywhere.
    let replica = app.spawn_replica(true, &[]).await;
    let (status, _) = post(&replica, "/ocs/v1/validate", Some(&key), &record).await;
    assert_ne!(status, 401);
    let revoked = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { revokeApiClient(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert!(revoked["errors"].is_null(), "{revoked}");
    let (status, _) = post(&app, "/ocs/v1/validate", Some(&key), &record).await;
    assert_eq!(status, 401, "revoked on this replica at once");
    let started = Instant::now();
    loop {
        let (status, _) = post(&replica, "/ocs/v1/validate", Some(&key), &record).await;
        if status == 401 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the other replica still accepts the key"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "revocation reached the other replica in {:?}",
        started.elapsed()
    );
    drop(replica);
}

async fn validation_traffic_adds_up(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    suppress(&app, &admin, &[WASHINGTON]).await;
    let (key, _) = dialer(&app, &admin, "ocs", &["OCS_VALIDATE"]).await;
    for _ in 0..4 {
        post(
            &app,
            "/ocs/v1/validate",
            Some(&key),
            &json!({ "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW" }),
        )
        .await;
    }
    let batch = json!([
        { "GSW_PHONE": WASHINGTON, "GSW_DIAL_MODE": "PREVIEW" },
        { "GSW_PHONE": WASHINGTON, "GSW_DIAL_MODE": "PREVIEW" },
        { "GSW_PHONE": "" },
    ]);
    post(&app, "/ocs/v1/validate/batch", Some(&key), &batch).await;
    let query = "{ validationTraffic(seconds: 120) { seconds recordsPerSecond allowed refused invalid allowRatio series { at allowed refused } topRefusals { rule count } } }";
    let deadline = Instant::now() + Duration::from_secs(10);
    let traffic = loop {
        let body = app.graphql(Some(&admin), query, json!({})).await;
        let traffic = body["data"]["validationTraffic"].clone();
        assert!(body["errors"].is_null(), "{body}");
        if traffic["allowed"] == 4 && traffic["refused"] == 2 && traffic["invalid"] == 1 {
            break traffic;
        }
        assert!(
            Instant::now() < deadline,
            "traffic never added up: {traffic}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(traffic["seconds"], 120);
    assert_eq!(traffic["series"].as_array().unwrap().len(), 120);
    assert!((traffic["allowRatio"].as_f64().unwrap() - 4.0 / 6.0).abs() < 1e-9);
    assert_eq!(traffic["topRefusals"][0]["count"], 2, "{traffic}");
    assert_eq!(
        traffic["topRefusals"][0]["rule"], "suppression lists",
        "{traffic}"
    );
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", tests::USER_PASSWORD).await;
    let body = app.graphql(Some(&viewer), query, json!({})).await;
    assert!(
        body["errors"].is_null(),
        "every role may watch the traffic: {body}"
    );
}
