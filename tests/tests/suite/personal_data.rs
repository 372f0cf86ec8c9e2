//! Personal data (issue 10): a data subject request finds one person in
//! every list, the history, messages and suppression lists of their tenant
//! only; erasing them deletes it all but never makes them callable (attempt
//! counts of the rule window and suppression entries stay); retention
//! deletes old history and is never shorter than the rule window; and the
//! expensive operations are budgeted per tenant.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{Value, json};
use tests::{Stores, TestApp, USER_PASSWORD, error_code, error_field, on_both_stores, spawn_app};
use uuid::Uuid;

on_both_stores!(
    a_subject_is_found_in_every_list_and_erased_without_becoming_callable,
    retention_keeps_the_rule_window_and_deletes_older_history,
    expensive_operations_are_budgeted_per_tenant,
);

const FIND: &str = "query($s: String!) { personalData(subject: $s) { subject values clientIds contacts { listName contact { clientId firstName devices { value } } } history { attemptGuid device result } messages { recipient body } messageEvents suppressions { value global listName } document } }";
const ERASE: &str = "mutation($s: String!, $r: Boolean!) { erasePersonalData(subject: $s, removeSuppression: $r) { contactsDeleted devicesDeleted recordsCancelled historyDeleted messagesDeleted messageEventsDeleted attemptCountsKept attemptCountsKeptUntil suppressionRemoved suppressionKept } }";
const CAMPAIGN_STATS: &str =
    "query($id: ID!) { campaign(id: $id) { loadStatus stats { recordsTotal ready final } } }";

/// Contact 0 of `tests::seed_contacts`: home in Washington, mobile in San Francisco.
const HOME: &str = "+12024560000";
const MOBILE: &str = "+14158670000";

async fn tenant_of(app: &TestApp, token: &str) -> Uuid {
    let me = app
        .graphql(Some(token), "{ me { tenant { id } } }", json!({}))
        .await;
    Uuid::parse_str(me["data"]["me"]["tenant"]["id"].as_str().unwrap()).unwrap()
}

/// A new list of `token`'s tenant with `count` seeded contacts (client ids C00000…).
async fn seeded_list(app: &TestApp, token: &str, name: &str, count: usize) -> String {
    let body = app
        .graphql(
            Some(token),
            "mutation($name: String!) { createContactList(input: { name: $name, channel: VOICE }) { id } }",
            json!({ "name": name }),
        )
        .await;
    let list = body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let tenant = tenant_of(app, token).await;
    tests::seed_contacts(
        &app.services,
        tenant,
        Uuid::parse_str(&list).unwrap(),
        count,
    )
    .await;
    list
}

/// Stores one finished attempt `days` ago with its attempt counts, as the history path would.
async fn old_attempt(app: &TestApp, tenant: Uuid, guid: &str, device: &str, days: i64) {
    let at = Utc::now() - Duration::days(days);
    entity::dialing_history::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(tenant),
        attempt_guid: Set(guid.into()),
        sequence: Set(1),
        device: Set(device.into()),
        client_id: Set(Some("C00000".into())),
        calling_list: Set(None),
        campaign: Set(None),
        chain_id: Set(None),
        result: Set("NO_ANSWER".into()),
        result_code: Set(Some(7)),
        started_at: Set(at),
        ended_at: Set(Some(at)),
        received_at: Set(at),
        api_client_id: Set(None),
        record: Set(json!({ "GSW_PHONE": device })),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    for key in [format!("d:{device}"), "c:C00000".to_owned()] {
        entity::attempt_key::ActiveModel {
            tenant_id: Set(tenant),
            attempt_guid: Set(guid.into()),
            key: Set(key),
            result: Set("NO_ANSWER".into()),
            started_at: Set(at),
        }
        .insert(&app.services.db)
        .await
        .unwrap();
    }
}

/// Stores a delivered text to `recipient` `days` ago and the STOP it answered with.
async fn texted(app: &TestApp, tenant: Uuid, recipient: &str, days: i64) {
    let at = Utc::now() - Duration::days(days);
    let id = Uuid::now_v7();
    entity::message::ActiveModel {
        id: Set(id),
        tenant_id: Set(tenant),
        campaign_id: Set(None),
        record_id: Set(None),
        template_id: Set(None),
        kind: Set("TEST".into()),
        channel: Set("SMS".into()),
        recipient: Set(recipient.into()),
        sender: Set(Some("+12025550100".into())),
        subject: Set(None),
        body: Set("Hello First0, your balance is due".into()),
        idempotency_key: Set(format!("k-{id}")),
        status: Set("DELIVERED".into()),
        provider_id: Set(Some(format!("p-{id}"))),
        error: Set(None),
        tries: Set(1),
        created_at: Set(at),
        sent_at: Set(Some(at)),
        delivered_at: Set(Some(at)),
        updated_at: Set(at),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    entity::message_event::ActiveModel {
        tenant_id: Set(tenant),
        event_id: Set(format!("e-{id}")),
        kind: Set("INBOUND".into()),
        message_id: Set(None),
        sender: Set(Some(recipient.into())),
        body: Set(Some("STOP".into())),
        received_at: Set(at),
    }
    .insert(&app.services.db)
    .await
    .unwrap();
}

async fn dialer_key(app: &TestApp, admin: &str) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation { createApiClient(input: { name: \"ocs\", scopes: [OCS_VALIDATE, OCS_HISTORY] }) { key } }",
            json!({}),
        )
        .await;
    body["data"]["createApiClient"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Validates `phone` for client C00000; the HTTP status and the rules that refused.
async fn validate(app: &TestApp, key: &str, phone: &str) -> (u16, Vec<String>) {
    let record =
        json!({ "GSW_PHONE": phone, "GSW_CUSTOMER_ID": "C00000", "GSW_DIAL_MODE": "PREVIEW" });
    let (status, text) = app
        .post_json("/ocs/v1/validate", Some(key), record.to_string())
        .await;
    let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let mut rules: Vec<String> = answer["refusals"]
        .as_array()
        .map(|refusals| {
            refusals
                .iter()
                .filter_map(|r| r["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    rules.sort();
    rules.dedup();
    (status, rules)
}

async fn a_subject_is_found_in_every_list_and_erased_without_becoming_callable(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let tenant = tenant_of(&app, &admin).await;
    let key = dialer_key(&app, &admin).await;

    // The person (client C00000) is in two lists; three calls today, one 40 days ago.
    let list_a = seeded_list(&app, &admin, "Collections", 3).await;
    seeded_list(&app, &admin, "Renewals", 1).await;
    for attempt in 0..3 {
        for (sequence, result) in [(0, "28"), (1, "7")] {
            let record = json!({ "GSW_CALL_ATTEMPT_GUID": format!("today-{attempt}"), "GSW_HIST_SEQUENCE_NUM": sequence,
                "GSW_PHONE": HOME, "GSW_CUSTOMER_ID": "C00000", "GSW_CALL_RESULT": result });
            let (status, answer) = app
                .post_json("/ocs/v1/history", Some(&key), record.to_string())
                .await;
            assert_eq!(status, 200, "{answer}");
        }
    }
    old_attempt(&app, tenant, "old-1", HOME, 40).await;
    texted(&app, tenant, MOBILE, 2).await;
    let created = app
        .graphql(
            Some(&admin),
            "mutation { createSuppressionList(input: { name: \"Asked not to be called\", kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({}),
        )
        .await;
    let dnc = created["data"]["createSuppressionList"]["id"].clone();
    let added = app
        .graphql(
            Some(&admin),
            "mutation($l: ID!) { addSuppressionEntries(listId: $l, values: [\"+12024560000\"], reason: \"asked\") { added } }",
            json!({ "l": dnc }),
        )
        .await;
    assert_eq!(
        added["data"]["addSuppressionEntries"]["added"], 1,
        "{added}"
    );

    // A loaded campaign holds the person's records.
    let template = app
        .graphql(
            Some(&admin),
            "mutation { createCampaignTemplate(input: { name: \"Preview\", dialingMode: PREVIEW }) { id } }",
            json!({}),
        )
        .await;
    let template = template["data"]["createCampaignTemplate"]["id"].clone();
    let campaign = app
        .graphql(
            Some(&admin),
            "mutation($t: ID!, $l: ID!) { createCampaign(input: { name: \"Q4\", templateId: $t, lists: [{ listId: $l }] }) { id } }",
            json!({ "t": template, "l": list_a }),
        )
        .await;
    let campaign = campaign["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{campaign}"))
        .to_owned();
    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { loadCampaign(id: $id) { id } }",
        json!({ "id": campaign }),
    )
    .await;
    let stats_before = loop {
        let body = app
            .graphql(Some(&admin), CAMPAIGN_STATS, json!({ "id": campaign }))
            .await;
        match body["data"]["campaign"]["loadStatus"].as_str() {
            Some("READY") => break body["data"]["campaign"]["stats"].clone(),
            Some("FAILED") => panic!("{body}"),
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    };

    // Another tenant has the same number and client id: never found, never erased.
    let acme = app.second_tenant_admin().await.1;
    seeded_list(&app, &acme, "Acme people", 1).await;

    // The access request: the number written any way finds everything, once.
    let found = app
        .graphql(Some(&admin), FIND, json!({ "s": "(202) 456-0000" }))
        .await;
    let data = &found["data"]["personalData"];
    assert!(found["errors"].is_null(), "{found}");
    let values: Vec<&str> = data["values"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(values, [HOME, MOBILE], "{found}");
    assert_eq!(
        data["clientIds"],
        json!(["C00000"]),
        "found through the contacts"
    );
    let mut lists: Vec<&str> = data["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["listName"].as_str().unwrap())
        .collect();
    lists.sort();
    assert_eq!(lists, ["Collections", "Renewals"], "not Acme's: {found}");
    assert_eq!(data["history"].as_array().unwrap().len(), 4, "{found}");
    assert_eq!(data["history"][3]["attemptGuid"], "old-1");
    assert_eq!(data["messages"][0]["recipient"], MOBILE);
    assert_eq!(data["messageEvents"], 1);
    assert_eq!(data["suppressions"][0]["value"], HOME);
    assert_eq!(data["suppressions"][0]["global"], false);
    let document = &data["document"];
    assert_eq!(document["contacts"].as_array().unwrap().len(), 2);
    assert_eq!(document["contactHistory"].as_array().unwrap().len(), 4);
    assert_eq!(document["doNotContact"][0]["reason"], "asked");
    assert!(document.to_string().contains("First0"));
    // The client id alone finds the same person.
    let by_id = app
        .graphql(Some(&admin), FIND, json!({ "s": "C00000" }))
        .await;
    assert_eq!(
        by_id["data"]["personalData"]["contacts"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "{by_id}"
    );
    // Roles without the permission cannot ask.
    app.create_user(&admin, "lister@example.com", "LIST_MANAGER")
        .await;
    let lister = app.login("lister@example.com", USER_PASSWORD).await;
    let refused = app.graphql(Some(&lister), FIND, json!({ "s": HOME })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let bad = app.graphql(Some(&admin), FIND, json!({ "s": "  " })).await;
    assert_eq!(error_field(&bad), Some("subject"), "{bad}");

    // The person is refused before erasure (suppressed, and three calls today).
    assert_eq!(validate(&app, &key, MOBILE).await.0, 409);

    // Erasure: every contact, record, call and message goes; what protects them stays.
    let erased = app
        .graphql(Some(&admin), ERASE, json!({ "s": HOME, "r": false }))
        .await;
    let report = &erased["data"]["erasePersonalData"];
    assert!(erased["errors"].is_null(), "{erased}");
    assert_eq!(report["contactsDeleted"], 2, "{erased}");
    assert_eq!(report["devicesDeleted"], 4);
    assert_eq!(report["historyDeleted"], 4);
    assert_eq!(report["messagesDeleted"], 1);
    assert_eq!(report["messageEventsDeleted"], 1);
    assert_eq!(
        report["attemptCountsKept"], 6,
        "two keys of each call today"
    );
    assert!(report["attemptCountsKeptUntil"].is_string());
    assert_eq!(report["suppressionRemoved"], 0);
    assert_eq!(report["suppressionKept"], 1);
    let cancelled = report["recordsCancelled"].as_i64().unwrap();
    assert!(cancelled >= 1, "{erased}");

    // The calling list: cancelled records no dialer gets, counters still adding up.
    let after = app
        .graphql(Some(&admin), CAMPAIGN_STATS, json!({ "id": campaign }))
        .await;
    let stats = &after["data"]["campaign"]["stats"];
    assert_eq!(stats["recordsTotal"], stats_before["recordsTotal"]);
    assert_eq!(
        stats["ready"].as_i64().unwrap(),
        stats_before["ready"].as_i64().unwrap() - cancelled,
        "{after}"
    );
    assert_eq!(
        stats["final"].as_i64().unwrap(),
        stats_before["final"].as_i64().unwrap() + cancelled
    );
    let stripped = entity::calling_list_record::Entity::find()
        .filter(entity::calling_list_record::Column::ContactInfo.eq(HOME))
        .count(&app.services.db)
        .await
        .unwrap();
    assert_eq!(stripped, 0, "no record keeps the number");

    // Still never callable: the three calls of today count (by client id on
    // another number), and the suppression entry holds.
    let (status, rules) = validate(&app, &key, "+14158675309").await;
    assert_eq!(
        (status, rules.as_slice()),
        (409, &["ATTEMPT_LIMIT".to_owned()][..])
    );
    let (status, rules) = validate(&app, &key, HOME).await;
    assert_eq!(status, 409);
    assert!(rules.contains(&"SUPPRESSION".to_owned()), "{rules:?}");

    // Nothing is left to find but the suppression entry; Acme's person is untouched.
    let again = app.graphql(Some(&admin), FIND, json!({ "s": HOME })).await;
    let data = &again["data"]["personalData"];
    assert_eq!(data["contacts"], json!([]), "{again}");
    assert_eq!(data["history"], json!([]));
    assert_eq!(data["messages"], json!([]));
    assert_eq!(data["suppressions"].as_array().unwrap().len(), 1);
    let theirs = app.graphql(Some(&acme), FIND, json!({ "s": HOME })).await;
    assert_eq!(
        theirs["data"]["personalData"]["contacts"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "{theirs}"
    );
    let lists = app
        .graphql(
            Some(&admin),
            "{ contactLists { nodes { name contactCount deviceCount } } }",
            json!({}),
        )
        .await;
    let collections = lists["data"]["contactLists"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["name"] == "Collections")
        .cloned()
        .unwrap();
    assert_eq!(collections["contactCount"], 2, "{lists}");
    assert_eq!(collections["deviceCount"], 4);

    // Asked to, the erasure removes the tenant's suppression entry too; a
    // second request finds nothing more to do.
    let erased = app
        .graphql(Some(&admin), ERASE, json!({ "s": HOME, "r": true }))
        .await;
    let report = &erased["data"]["erasePersonalData"];
    assert_eq!(report["suppressionRemoved"], 1, "{erased}");
    assert_eq!(report["contactsDeleted"], 0);
    assert_eq!(report["historyDeleted"], 0);
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 50) { nodes { action detail } } }",
            json!({}),
        )
        .await;
    let text = audit.to_string();
    assert!(text.contains("personal_data.erase"), "{text}");
    assert!(text.contains("personal_data.export"));
    assert!(
        !text.contains("2024560000"),
        "the audit log names no number: {text}"
    );
}

async fn retention_keeps_the_rule_window_and_deletes_older_history(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let tenant = tenant_of(&app, &admin).await;
    const SET: &str = "mutation($d: Int!) { updateRetentionSettings(historyRetentionDays: $d) { historyRetentionDays minimumDays maximumDays } }";

    let read = app
        .graphql(
            Some(&admin),
            "{ retentionSettings { historyRetentionDays minimumDays maximumDays } }",
            json!({}),
        )
        .await;
    assert_eq!(
        read["data"]["retentionSettings"],
        json!({ "historyRetentionDays": 400, "minimumDays": 32, "maximumDays": 3650 }),
        "{read}"
    );
    for days in [0, 31, 3651] {
        let refused = app.graphql(Some(&admin), SET, json!({ "d": days })).await;
        assert_eq!(
            error_field(&refused),
            Some("historyRetentionDays"),
            "{days}: {refused}"
        );
    }
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;
    let refused = app.graphql(Some(&viewer), SET, json!({ "d": 90 })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    let set = app.graphql(Some(&admin), SET, json!({ "d": 45 })).await;
    assert_eq!(
        set["data"]["updateRetentionSettings"]["historyRetentionDays"], 45,
        "{set}"
    );

    for (guid, days) in [("a-50", 50), ("a-40", 40), ("a-10", 10)] {
        old_attempt(&app, tenant, guid, "+12127365000", days).await;
    }
    texted(&app, tenant, "+12127365000", 50).await;
    texted(&app, tenant, "+12127365000", 20).await;
    // Another tenant keeps the default 400 days: its 50-day-old call stays.
    let acme = app.second_tenant_admin().await.1;
    let acme_tenant = tenant_of(&app, &acme).await;
    old_attempt(&app, acme_tenant, "acme-50", "+12127365000", 50).await;

    let purged = workers::personal_data::purge_expired(&app.services, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        purged,
        workers::personal_data::Purged {
            history: 1,
            attempt_counts: 2,
            messages: 1,
            message_events: 1,
        }
    );
    let mut left: Vec<String> = entity::dialing_history::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.attempt_guid)
        .collect();
    left.sort();
    assert_eq!(left, ["a-10", "a-40", "acme-50"]);
    // A second pass finds nothing more.
    let again = workers::personal_data::purge_expired(&app.services, Utc::now())
        .await
        .unwrap();
    assert_eq!(again, workers::personal_data::Purged::default());
}

async fn expensive_operations_are_budgeted_per_tenant(stores: Stores) {
    let app = tests::spawn_app_with(stores, &["--tenant-expensive-per-minute", "2"]).await;
    let admin = app.admin_token().await;
    let list = seeded_list(&app, &admin, "Exported", 2).await;
    const EXPORT: &str = "mutation($id: ID!) { exportContactList(id: $id) }";
    for _ in 0..2 {
        let body = app
            .graphql(Some(&admin), EXPORT, json!({ "id": list }))
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let refused = app
        .graphql(Some(&admin), EXPORT, json!({ "id": list }))
        .await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    let extensions = &refused["errors"][0]["extensions"];
    assert_eq!(extensions["retryable"], true);
    let wait = extensions["retryAfterSeconds"].as_u64().unwrap();
    assert!((1..=60).contains(&wait), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("at most 2 a minute"), "{message}");
    // Another tenant has its own budget; reading is never budgeted.
    let acme = app.second_tenant_admin().await.1;
    let theirs = seeded_list(&app, &acme, "Theirs", 1).await;
    let body = app
        .graphql(Some(&acme), EXPORT, json!({ "id": theirs }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let read = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { contactList(id: $id) { name } }",
            json!({ "id": list }),
        )
        .await;
    assert!(read["errors"].is_null(), "{read}");
}
