//! The rule set and `checkNumber` through GraphQL on both stores: the
//! defaults seeded for a tenant, whole-set validation with every problem
//! named, decisions across zones, DST and multi-zone area codes,
//! suppression visible at once, the emergency stop, and the audit trail.

use serde_json::{Value, json};
use tests::{Stores, TestApp, error_code, error_field, on_both_stores, spawn_app};

on_both_stores!(
    a_new_tenant_has_the_default_rules,
    a_rule_set_with_problems_is_refused_whole,
    a_valid_rule_set_is_stored_versioned_and_audited,
    check_number_decides_like_the_engine,
    a_suppressed_number_is_refused_at_once_and_allowed_after_removal,
    the_emergency_stop_refuses_everything_until_turned_off,
    roles_limit_who_changes_rules,
);

const RULES: &str = "{ complianceRuleSet { rules emergencyStop emergencyStopReason version } }";

const UPDATE: &str =
    "mutation($rules: JSON!) { updateComplianceRuleSet(rules: $rules) { rules version } }";

const CHECK: &str = "query($phone: String!, $at: DateTime, $mode: DialMode, $consent: Boolean) { \
    checkNumber(phone: $phone, at: $at, mode: $mode, consent: $consent) { \
      e164 country region regions timeZones localTimes { zone localTime } deviceType suppressed \
      allowed reasons refusals { rule reason } verdicts { rule name applies allowed detail } nextAllowedAt at mode } }";

async fn rules(app: &TestApp, token: &str) -> Value {
    let body = app.graphql(Some(token), RULES, json!({})).await;
    body["data"]["complianceRuleSet"].clone()
}

async fn check(app: &TestApp, token: &str, phone: &str, at: &str, mode: &str) -> Value {
    check_with(
        app,
        token,
        json!({ "phone": phone, "at": at, "mode": mode }),
    )
    .await
}

async fn check_with(app: &TestApp, token: &str, variables: Value) -> Value {
    let body = app.graphql(Some(token), CHECK, variables).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["checkNumber"].clone()
}

fn refusing_rules(check: &Value) -> Vec<String> {
    let mut rules: Vec<String> = check["refusals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|refusal| refusal["rule"].as_str().unwrap().to_owned())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

/// SPEC §3's defaults are seeded: 08:00–21:00 every day, the four attempt
/// rules, automated modes restricted, the tenant's zone as the default zone.
async fn a_new_tenant_has_the_default_rules(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let set = rules(&app, &admin).await;
    assert_eq!(set["version"], 1, "{set}");
    assert_eq!(set["emergencyStop"], false);
    let windows = &set["rules"]["callingWindows"];
    assert_eq!(windows["default"]["slots"][0]["start"], "08:00");
    assert_eq!(windows["default"]["slots"][0]["end"], "21:00");
    assert_eq!(
        windows["default"]["slots"][0]["days"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
    assert_eq!(windows["defaultZone"], "America/New_York");
    let attempts = set["rules"]["attemptRules"].as_array().unwrap();
    assert_eq!(attempts.len(), 4);
    assert!(attempts.iter().all(|rule| rule["required"] == true));
    assert_eq!(attempts[0]["limit"], 3);
    assert_eq!(attempts[1]["limit"], 7);
    let automated = &set["rules"]["deviceRestrictions"]["automatedModes"];
    assert_eq!(
        automated,
        &json!(["PREDICTIVE", "POWER", "AGENTLESS", "SMS"])
    );
}

/// Start after end, an unknown region, a holiday listed twice and an attempt
/// rule with a zero period are all reported at once, and nothing is stored.
async fn a_rule_set_with_problems_is_refused_whole(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let mut set = rules(&app, &admin).await["rules"].clone();
    set["callingWindows"]["default"]["slots"][0]["start"] = json!("22:00");
    set["callingWindows"]["regions"] = json!({ "ZZ": { "slots": [] } });
    set["callingWindows"]["holidays"] = json!(["2026-12-25", "2026-12-25"]);
    set["attemptRules"][0]["period"] = json!({ "ROLLING": { "hours": 0 } });
    let body = app
        .graphql(Some(&admin), UPDATE, json!({ "rules": set }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let fields: Vec<&str> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("no fields: {body}"))
        .iter()
        .map(|problem| problem["field"].as_str().unwrap())
        .collect();
    for expected in [
        "callingWindows.default.slots[0]",
        "callingWindows.regions.ZZ",
        "callingWindows.holidays[1]",
        "attemptRules[0].period",
    ] {
        assert!(
            fields.iter().any(|field| field.starts_with(expected)),
            "{expected} missing from {fields:?}"
        );
    }
    assert_eq!(rules(&app, &admin).await["version"], 1, "nothing stored");

    // JSON that is not a rule set at all.
    let body = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "rules": { "callingWindows": 3 } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("rules"));
}

/// A stricter New York window and a holiday are stored whole, bump the
/// version, keep the emergency stop as it was, and leave an audit event.
async fn a_valid_rule_set_is_stored_versioned_and_audited(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let mut set = rules(&app, &admin).await["rules"].clone();
    set["callingWindows"]["regions"] = json!({ "NY": { "slots": [
        { "days": ["MON", "TUE", "WED", "THU", "FRI", "SAT"], "start": "08:00", "end": "20:00" } ] } });
    set["callingWindows"]["holidays"] = json!(["2026-12-25"]);
    set["emergencyStop"] = json!(true);
    let body = app
        .graphql(Some(&admin), UPDATE, json!({ "rules": set }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["updateComplianceRuleSet"]["version"], 2);
    let stored = rules(&app, &admin).await;
    assert_eq!(
        stored["emergencyStop"], false,
        "the stop has its own switch"
    );
    assert_eq!(
        stored["rules"]["callingWindows"]["regions"]["NY"]["slots"][0]["end"],
        "20:00"
    );
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 10) { nodes { action objectType } } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = audit["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{audit}"))
        .iter()
        .map(|event| event["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"compliance_rules.update"), "{actions:?}");

    // New York on a Sunday: no calling hours; Christmas: a holiday.
    let sunday = check(
        &app,
        &admin,
        "+1 212 736 5000",
        "2026-11-22T15:00:00Z",
        "PREVIEW",
    )
    .await;
    assert_eq!(refusing_rules(&sunday), ["CALLING_WINDOW"], "{sunday}");
    assert_eq!(sunday["nextAllowedAt"], "2026-11-23T13:00:00+00:00");
    let christmas = check(
        &app,
        &admin,
        "+1 212 736 5000",
        "2026-12-25T15:00:00Z",
        "PREVIEW",
    )
    .await;
    assert_eq!(refusing_rules(&christmas), ["HOLIDAY"], "{christmas}");
    assert_eq!(christmas["nextAllowedAt"], "2026-12-26T13:00:00+00:00");
    // 20:30 in New York on a Monday: past the state's 20:00.
    let evening = check(
        &app,
        &admin,
        "+1 212 736 5000",
        "2026-11-24T01:30:00Z",
        "PREVIEW",
    )
    .await;
    assert_eq!(refusing_rules(&evening), ["CALLING_WINDOW"], "{evening}");
    assert!(
        evening["reasons"][0]
            .as_str()
            .unwrap()
            .contains("region NY"),
        "{evening}"
    );
}

/// One row: phone, instant, mode, the refusing rules, `nextAllowedAt`.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<&'static str>,
);

/// Decisions through the API match SPEC §3 on a table of numbers and instants.
async fn check_number_decides_like_the_engine(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    // (phone, instant, mode, refusing rules, nextAllowedAt)
    let table: [Case; 7] = [
        // 09:00 EST on a Monday in New York.
        (
            "+1 212 736 5000",
            "2026-11-23T14:00:00Z",
            "PREVIEW",
            &[],
            Some("2026-11-23T14:00:00+00:00"),
        ),
        // 07:30 EST: too early; opens at 08:00 EST = 13:00 UTC.
        (
            "+1 (212) 736-5000",
            "2026-11-23T12:30:00Z",
            "PREVIEW",
            &["CALLING_WINDOW"],
            Some("2026-11-23T13:00:00+00:00"),
        ),
        // The first day of DST 2027: 08:30 EDT is 12:30 UTC (with a fixed -05:00 it would be 07:30).
        (
            "+1 212 736 5000",
            "2027-03-14T12:30:00Z",
            "PREVIEW",
            &[],
            Some("2027-03-14T12:30:00+00:00"),
        ),
        // Kentucky's 270 spans Chicago and New York: 08:30 in New York is 07:30 in Chicago.
        (
            "+1 270 782 1000",
            "2026-11-23T13:30:00Z",
            "PREVIEW",
            &["CALLING_WINDOW"],
            Some("2026-11-23T14:00:00+00:00"),
        ),
        // 21:30 in New York, 20:30 in Chicago: closed in New York, next when both are open.
        (
            "+1 270 782 1000",
            "2026-11-24T02:30:00Z",
            "PREVIEW",
            &["CALLING_WINDOW"],
            Some("2026-11-24T14:00:00+00:00"),
        ),
        // An automated mode to a number of unknown line type without consent.
        (
            "+1 212 736 5000",
            "2026-11-23T14:00:00Z",
            "PREDICTIVE",
            &["MOBILE_CONSENT"],
            None,
        ),
        // A toll-free number has no zone: the tenant's default zone (New York) is used.
        (
            "+1 800 692 7753",
            "2026-11-23T12:30:00Z",
            "PREVIEW",
            &["CALLING_WINDOW"],
            Some("2026-11-23T13:00:00+00:00"),
        ),
    ];
    for (phone, at, mode, refused, next) in table {
        let result = check(&app, &admin, phone, at, mode).await;
        assert_eq!(
            refusing_rules(&result),
            refused,
            "{phone} at {at} in {mode}: {result}"
        );
        assert_eq!(result["allowed"], refused.is_empty(), "{result}");
        assert_eq!(
            result["nextAllowedAt"],
            json!(next),
            "{phone} at {at}: {result}"
        );
        assert_eq!(
            result["refusals"].as_array().unwrap().len(),
            result["reasons"].as_array().unwrap().len()
        );
        let verdicts = result["verdicts"].as_array().unwrap();
        assert!(verdicts.len() >= 9, "every rule has a verdict: {result}");
        for rule in refused {
            assert!(
                verdicts
                    .iter()
                    .any(|verdict| verdict["rule"] == *rule && verdict["allowed"] == false),
                "{rule} verdict: {result}"
            );
        }
    }
    let kentucky = check(
        &app,
        &admin,
        "+1 270 782 1000",
        "2026-11-23T13:30:00Z",
        "PREVIEW",
    )
    .await;
    assert_eq!(kentucky["e164"], "+12707821000");
    assert_eq!(kentucky["region"], "KY");
    assert_eq!(
        kentucky["timeZones"],
        json!(["America/Chicago", "America/New_York"])
    );
    assert_eq!(
        kentucky["localTimes"][0]["localTime"],
        "Mon 2026-11-23 07:30 CST"
    );

    // Consent lifts the device restriction.
    let consented = check_with(
        &app,
        &admin,
        json!({ "phone": "+1 212 736 5000", "at": "2026-11-23T14:00:00Z", "mode": "PREDICTIVE", "consent": true }),
    )
    .await;
    assert_eq!(consented["allowed"], true, "{consented}");

    // A number that does not parse, and EMAIL for a phone.
    let body = app
        .graphql(
            Some(&admin),
            CHECK,
            json!({ "phone": "12", "mode": "PREVIEW" }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("phone"));
    let body = app
        .graphql(
            Some(&admin),
            CHECK,
            json!({ "phone": "+12127365000", "mode": "EMAIL" }),
        )
        .await;
    assert_eq!(error_field(&body), Some("mode"), "{body}");
}

/// A number added to a suppression list through the API is refused by the
/// very next check (no waiting), with the list's name; removed, it is allowed.
async fn a_suppressed_number_is_refused_at_once_and_allowed_after_removal(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let created = app
        .graphql(
            Some(&admin),
            "mutation { createSuppressionList(input: { name: \"Internal DNC\", kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({}),
        )
        .await;
    let list = created["data"]["createSuppressionList"]["id"].clone();
    let add = app
        .graphql(
            Some(&admin),
            "mutation($list: ID!) { addSuppressionEntries(listId: $list, values: [\"(212) 736-5000\", \"nope\"], reason: \"asked on the phone\", defaultCountry: \"US\") { added alreadyPresent rejected { value reason } } }",
            json!({ "list": list }),
        )
        .await;
    assert_eq!(add["data"]["addSuppressionEntries"]["added"], 1, "{add}");
    assert_eq!(
        add["data"]["addSuppressionEntries"]["rejected"][0]["value"],
        "nope"
    );

    let at = "2026-11-23T14:00:00Z";
    let refused = check(&app, &admin, "+1 212 736 5000", at, "PREVIEW").await;
    assert_eq!(refusing_rules(&refused), ["SUPPRESSION"], "{refused}");
    assert_eq!(refused["suppressed"], true);
    assert_eq!(
        refused["nextAllowedAt"],
        Value::Null,
        "time does not lift it"
    );
    let reason = refused["reasons"][0].as_str().unwrap();
    assert!(
        reason.contains("Internal DNC") && reason.contains("asked on the phone"),
        "{reason}"
    );
    // The list applies to voice and SMS, not to what it does not name.
    let sms = check(&app, &admin, "+1 212 736 5000", at, "SMS").await;
    assert!(
        refusing_rules(&sms).contains(&"SUPPRESSION".to_owned()),
        "{sms}"
    );

    let removed = app
        .graphql(
            Some(&admin),
            "mutation($list: ID!) { removeSuppressionEntries(listId: $list, values: [\"+1-212-736-5000\"]) }",
            json!({ "list": list }),
        )
        .await;
    assert_eq!(removed["data"]["removeSuppressionEntries"], 1, "{removed}");
    let allowed = check(&app, &admin, "+1 212 736 5000", at, "PREVIEW").await;
    assert_eq!(allowed["allowed"], true, "{allowed}");
}

/// The stop needs a reason, refuses every attempt while on, and lifts when off.
async fn the_emergency_stop_refuses_everything_until_turned_off(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let stop = "mutation($on: Boolean!, $reason: String) { setEmergencyStop(on: $on, reason: $reason) { emergencyStop emergencyStopReason version } }";
    let body = app.graphql(Some(&admin), stop, json!({ "on": true })).await;
    assert_eq!(error_field(&body), Some("reason"), "{body}");
    let body = app
        .graphql(
            Some(&admin),
            stop,
            json!({ "on": true, "reason": "carrier complaint" }),
        )
        .await;
    assert_eq!(
        body["data"]["setEmergencyStop"]["emergencyStop"], true,
        "{body}"
    );
    assert_eq!(
        body["data"]["setEmergencyStop"]["emergencyStopReason"],
        "carrier complaint"
    );
    let at = "2026-11-23T14:00:00Z";
    let refused = check(&app, &admin, "+1 212 736 5000", at, "PREVIEW").await;
    assert_eq!(refusing_rules(&refused), ["EMERGENCY_STOP"], "{refused}");
    assert_eq!(refused["nextAllowedAt"], Value::Null);
    // At 07:30 both the stop and the window refuse: every rule is listed.
    let early = check(
        &app,
        &admin,
        "+1 212 736 5000",
        "2026-11-23T12:30:00Z",
        "PREVIEW",
    )
    .await;
    assert_eq!(
        refusing_rules(&early),
        ["CALLING_WINDOW", "EMERGENCY_STOP"],
        "{early}"
    );

    let body = app
        .graphql(Some(&admin), stop, json!({ "on": false }))
        .await;
    assert_eq!(
        body["data"]["setEmergencyStop"]["emergencyStop"], false,
        "{body}"
    );
    assert_eq!(
        body["data"]["setEmergencyStop"]["emergencyStopReason"],
        Value::Null
    );
    let allowed = check(&app, &admin, "+1 212 736 5000", at, "PREVIEW").await;
    assert_eq!(allowed["allowed"], true, "{allowed}");
}

/// Viewers read and check; only admins and compliance officers change rules;
/// supervisors may pull the emergency stop.
async fn roles_limit_who_changes_rules(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let set = rules(&app, &admin).await["rules"].clone();
    for (email, role, may_update, may_stop) in [
        ("viewer@example.com", "VIEWER", false, false),
        ("lists@example.com", "LIST_MANAGER", false, false),
        ("super@example.com", "SUPERVISOR", false, true),
        ("officer@example.com", "COMPLIANCE_OFFICER", true, true),
    ] {
        app.create_user(&admin, email, role).await;
        let token = app.login(email, tests::USER_PASSWORD).await;
        assert_eq!(rules(&app, &token).await["rules"], set, "{role} reads");
        let checked = check(
            &app,
            &token,
            "+1 212 736 5000",
            "2026-11-23T14:00:00Z",
            "PREVIEW",
        )
        .await;
        assert_eq!(checked["allowed"], true, "{role} checks");
        let body = app
            .graphql(Some(&token), UPDATE, json!({ "rules": set }))
            .await;
        assert_eq!(
            error_code(&body).is_none(),
            may_update,
            "{role} update: {body}"
        );
        let body = app
            .graphql(
                Some(&token),
                "mutation { setEmergencyStop(on: false) { emergencyStop } }",
                json!({}),
            )
            .await;
        assert_eq!(error_code(&body).is_none(), may_stop, "{role} stop: {body}");
    }
    let body = app.graphql(None, RULES, json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}
