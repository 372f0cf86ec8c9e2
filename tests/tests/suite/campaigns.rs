//! Campaigns through the API on both stores (SPEC §2, §4): templates checked
//! whole, the state machine and its CONFLICTs, the preload into the OCS
//! calling-list layout (chains, suppressed and undialable devices left out
//! and counted, loading twice doubles nothing), record leases (two dialers
//! never share a record, an expired lease returns), treatments driven by call
//! reports, live counters, the dialability breakdown and the roles.

use std::time::{Duration, Instant};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::graphql_ws::subscribe;
use tests::{Stores, TestApp, USER_PASSWORD, error_code, error_field, on_both_stores, spawn_app};

on_both_stores!(
    templates_are_checked_whole_and_audited,
    the_state_machine_allows_only_its_transitions,
    loading_builds_the_calling_list_in_ocs_layout,
    leases_never_share_a_record_and_results_move_records_on,
    dialability_says_why_records_wait,
    roles_limit_who_runs_campaigns,
    campaigns_shape_pre_dial_checks,
    callbacks_go_to_their_agent_and_stats_stream_live,
    filters_order_and_list_mix_decide_the_dialling_order,
    a_lease_judges_the_contact_like_a_pre_dial_check,
);

const CREATE_TEMPLATE: &str = "mutation($input: CampaignTemplateInput!) { createCampaignTemplate(input: $input) { id name dialingMode deviceOrder pacing { targetAbandonRate } treatments { result kind } effectiveTreatments { result kind suppressDevice } } }";
const CREATE_CAMPAIGN: &str = "mutation($input: CampaignInput!) { createCampaign(input: $input) { id name state allowedTransitions loadStatus } }";
const CAMPAIGN: &str = "query($id: ID!) { campaign(id: $id) { id state loadStatus loadError loadContacts loadedContacts excluded { suppressed undialable filtered } stats { recordsTotal ready leased dialed connected abandoned noAnswer busy machine final penetration abandonRate targetAbandonRate } } }";

/// The tenant id of the admin.
async fn tenant_id(app: &TestApp, admin: &str) -> uuid::Uuid {
    let me = app
        .graphql(Some(admin), "{ me { tenant { id } } }", json!({}))
        .await;
    uuid::Uuid::parse_str(me["data"]["me"]["tenant"]["id"].as_str().unwrap()).unwrap()
}

/// A list with `count` seeded contacts (home +1202456nnnn in New York, mobile +1415867nnnn without consent).
async fn seeded_list(app: &TestApp, admin: &str, name: &str, count: usize) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation($name: String!) { createContactList(input: { name: $name, channel: VOICE }) { id } }",
            json!({ "name": name }),
        )
        .await;
    let list_id = body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let tenant = tenant_id(app, admin).await;
    tests::seed_contacts(
        &app.services,
        tenant,
        uuid::Uuid::parse_str(&list_id).unwrap(),
        count,
    )
    .await;
    list_id
}

async fn template(
    app: &TestApp,
    admin: &str,
    name: &str,
    mode: &str,
    device_order: Value,
) -> String {
    let body = app
        .graphql(
            Some(admin),
            CREATE_TEMPLATE,
            json!({ "input": { "name": name, "dialingMode": mode, "deviceOrder": device_order } }),
        )
        .await;
    body["data"]["createCampaignTemplate"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn campaign(app: &TestApp, admin: &str, name: &str, template: &str, list: &str) -> String {
    let body = app
        .graphql(
            Some(admin),
            CREATE_CAMPAIGN,
            json!({ "input": { "name": name, "templateId": template, "lists": [{ "listId": list }] } }),
        )
        .await;
    body["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn act(app: &TestApp, token: &str, mutation: &str, id: &str) -> Value {
    app.graphql(
        Some(token),
        &format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ id state loadStatus allowedTransitions }} }}"),
        json!({ "id": id }),
    )
    .await
}

async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    let body = app
        .graphql(Some(token), CAMPAIGN, json!({ "id": id }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["campaign"].clone()
}

/// Waits (bounded) until the campaign's load is READY; returns the campaign.
async fn loaded(app: &TestApp, token: &str, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let campaign = read(app, token, id).await;
        match campaign["loadStatus"].as_str() {
            Some("READY") => return campaign,
            Some("FAILED") => panic!("the load failed: {campaign}"),
            _ if started.elapsed() > Duration::from_secs(30) => {
                panic!("the load did not finish: {campaign}")
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

async fn records(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!) { campaign(id: $id) { records(first: 100) { totalCount edges { node { recordId contactInfo contactInfoType recordType recordStatus callResult attempt chainId chainN dailyFrom dailyTill tzName deviceKind dialSchedTime clientId } } } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["campaign"]["records"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["node"].clone())
        .collect()
}

async fn suppress(app: &TestApp, admin: &str, values: &[&str]) {
    let created = app
        .graphql(
            Some(admin),
            "mutation { createSuppressionList(input: { name: \"Floor DNC\", kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({}),
        )
        .await;
    let list = created["data"]["createSuppressionList"]["id"].clone();
    let added = app
        .graphql(
            Some(admin),
            "mutation($list: ID!, $values: [String!]!) { addSuppressionEntries(listId: $list, values: $values) { added } }",
            json!({ "list": list, "values": values }),
        )
        .await;
    assert!(added["errors"].is_null(), "{added}");
}

async fn dialer_key(app: &TestApp, admin: &str) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CreateApiClientInput!) { createApiClient(input: $input) { key } }",
            json!({ "input": { "name": "dialer", "scopes": ["OCS_LEASE", "OCS_HISTORY", "OCS_VALIDATE"] } }),
        )
        .await;
    body["data"]["createApiClient"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn post(app: &TestApp, path: &str, key: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .header("x-api-key", key)
        .json(body)
        .send()
        .await
        .expect("a dialer request");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn templates_are_checked_whole_and_audited(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let bad = app
        .graphql(
            Some(&admin),
            CREATE_TEMPLATE,
            json!({ "input": {
                "name": "Collections",
                "dialingMode": "PREDICTIVE",
                "pacing": { "linesPerAgent": 20.0, "targetAbandonRate": 0.5, "abandonThresholdSeconds": 2,
                            "abandonCounting": "ANSWERED_CALLS", "abandonWindowMinutes": 43200 },
                "optionalRules": ["No such rule"],
                "deviceOrder": ["EMAIL"],
                "treatments": [{ "result": "BUSY", "kind": "RETRY", "intervalMinutes": 0, "maxAttempts": 3, "suppressDevice": false }]
            } }),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    let fields: Vec<&str> = bad["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap_or_else(|| panic!("{bad}"))
        .iter()
        .filter_map(|field| field["field"].as_str())
        .collect();
    for expected in [
        "pacing.linesPerAgent",
        "pacing.targetAbandonRate",
        "deviceOrder",
        "treatments",
        "optionalRules",
    ] {
        assert!(fields.contains(&expected), "{expected} missing from {bad}");
    }

    let good = app
        .graphql(
            Some(&admin),
            CREATE_TEMPLATE,
            json!({ "input": {
                "name": "Collections",
                "dialingMode": "PREDICTIVE",
                "treatments": [{ "result": "BUSY", "kind": "RETRY", "intervalMinutes": 10, "incrementMinutes": 5, "maxAttempts": 3, "suppressDevice": false }]
            } }),
        )
        .await;
    let created = &good["data"]["createCampaignTemplate"];
    assert_eq!(created["dialingMode"], "PREDICTIVE", "{good}");
    assert_eq!(
        created["deviceOrder"],
        json!(["MOBILE", "HOME", "WORK", "OTHER", "SMS", "EMAIL"])
    );
    assert_eq!(created["pacing"]["targetAbandonRate"], 0.03);
    assert_eq!(
        created["treatments"],
        json!([{ "result": "BUSY", "kind": "RETRY" }])
    );
    let effective = created["effectiveTreatments"].as_array().unwrap();
    assert_eq!(effective.len(), 13);
    assert!(
        effective
            .contains(&json!({ "result": "DO_NOT_CALL", "kind": "FINAL", "suppressDevice": true }))
    );

    let duplicate = app
        .graphql(
            Some(&admin),
            CREATE_TEMPLATE,
            json!({ "input": { "name": "Collections", "dialingMode": "POWER" } }),
        )
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    assert_eq!(error_field(&duplicate), Some("name"));

    let id = created["id"].as_str().unwrap();
    let renamed = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!, $input: CampaignTemplateInput!) { updateCampaignTemplate(id: $id, input: $input) { name dialingMode schedule { timeZone days from till } } }",
            json!({ "id": id, "input": { "name": "Collections East", "dialingMode": "POWER",
                     "schedule": { "timeZone": "America/New_York", "days": ["MON", "TUE"], "from": "09:00", "till": "17:30" } } }),
        )
        .await;
    assert_eq!(
        renamed["data"]["updateCampaignTemplate"],
        json!({ "name": "Collections East", "dialingMode": "POWER",
                "schedule": { "timeZone": "America/New_York", "days": ["MON", "TUE"], "from": "09:00", "till": "17:30" } }),
        "{renamed}"
    );
    let listed = app
        .graphql(Some(&admin), "{ campaignTemplates { name } }", json!({}))
        .await;
    assert_eq!(
        listed["data"]["campaignTemplates"],
        json!([{ "name": "Collections East" }])
    );
    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteCampaignTemplate(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted["data"]["deleteCampaignTemplate"], id);
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 20) { edges { node { action } } } }",
            json!({}),
        )
        .await
        .to_string();
    for action in [
        "campaign_template.create",
        "campaign_template.update",
        "campaign_template.delete",
    ] {
        assert!(audit.contains(action), "{action} not audited: {audit}");
    }
}

async fn the_state_machine_allows_only_its_transitions(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list = seeded_list(&app, &admin, "Spring", 3).await;
    let template = template(
        &app,
        &admin,
        "Preview",
        "PREVIEW",
        json!(["HOME", "MOBILE"]),
    )
    .await;
    let id = campaign(&app, &admin, "Spring drive", &template, &list).await;

    let mut changes = subscribe(
        &app.ws_url(),
        Some(&admin),
        "subscription { campaignStateChanged { campaignId name from to transition actor } }",
    )
    .await
    .expect("subscribed");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let refused = act(&app, &admin, "startCampaign", &id).await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("UNLOADED") && message.contains("allowed: load"),
        "{message}"
    );

    let body = act(&app, &admin, "loadCampaign", &id).await;
    assert_eq!(body["data"]["loadCampaign"]["state"], "LOADED", "{body}");
    assert_eq!(
        body["data"]["loadCampaign"]["allowedTransitions"],
        json!(["START", "UNLOAD", "FORCE_UNLOAD"])
    );
    loaded(&app, &admin, &id).await;
    let again = act(&app, &admin, "loadCampaign", &id).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    // A loaded campaign cannot be edited or deleted.
    let edit = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!, $input: CampaignInput!) { updateCampaign(id: $id, input: $input) { id } }",
            json!({ "id": id, "input": { "name": "Renamed", "templateId": template, "lists": [{ "listId": list }] } }),
        )
        .await;
    assert_eq!(error_code(&edit), Some("CONFLICT"), "{edit}");

    assert_eq!(
        act(&app, &admin, "startCampaign", &id).await["data"]["startCampaign"]["state"],
        "RUNNING"
    );
    let unload = act(&app, &admin, "unloadCampaign", &id).await;
    assert_eq!(error_code(&unload), Some("CONFLICT"), "{unload}");
    assert_eq!(
        act(&app, &admin, "stopCampaign", &id).await["data"]["stopCampaign"]["state"],
        "STOPPED"
    );
    assert_eq!(
        act(&app, &admin, "startCampaign", &id).await["data"]["startCampaign"]["state"],
        "RUNNING"
    );
    let forced = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { unloadCampaign(id: $id, force: true) { state loadStatus } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        forced["data"]["unloadCampaign"],
        json!({ "state": "UNLOADED", "loadStatus": "NOT_LOADED" }),
        "{forced}"
    );

    let mut seen = Vec::new();
    while seen.len() < 5 {
        let payload = changes
            .next_payload(Duration::from_secs(5))
            .await
            .expect("a state change");
        let change = &payload["data"]["campaignStateChanged"];
        assert_eq!(change["campaignId"], id.as_str(), "{payload}");
        assert_eq!(change["actor"], tests::ADMIN_EMAIL);
        seen.push(format!(
            "{}:{}>{}",
            change["transition"].as_str().unwrap(),
            change["from"].as_str().unwrap(),
            change["to"].as_str().unwrap()
        ));
    }
    assert_eq!(
        seen,
        [
            "LOAD:UNLOADED>LOADED",
            "START:LOADED>RUNNING",
            "STOP:RUNNING>STOPPED",
            "START:STOPPED>RUNNING",
            "FORCE_UNLOAD:RUNNING>UNLOADED"
        ]
    );
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 30) { edges { node { action objectId } } } }",
            json!({}),
        )
        .await
        .to_string();
    for action in [
        "campaign.create",
        "campaign.load",
        "campaign.start",
        "campaign.stop",
        "campaign.force_unload",
    ] {
        assert!(audit.contains(action), "{action} not audited: {audit}");
    }
    // Unloaded again: editable and deletable.
    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteCampaign(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted["data"]["deleteCampaign"], id.as_str(), "{deleted}");
    // Its calling list and members go with it (no cascade on PostgreSQL).
    let campaign_id: uuid::Uuid = id.parse().unwrap();
    for table in ["calling_list_records", "campaign_members"] {
        let rows = workers::db::query(
            &app.services.db,
            &format!("SELECT COUNT(*) AS n FROM {table} WHERE campaign_id = $1"),
            vec![campaign_id.into()],
        )
        .await
        .unwrap();
        let left: i64 = rows[0].try_get("", "n").unwrap();
        assert_eq!(left, 0, "{table} rows left after the campaign was deleted");
    }
}

async fn loading_builds_the_calling_list_in_ocs_layout(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let list = seeded_list(&app, &admin, "Autumn", 10).await;
    // One home number is suppressed: that contact's chain starts at its mobile.
    suppress(&app, &admin, &["+12024560003"]).await;

    // PREDICTIVE: a mobile, or a number that may be one, needs consent to an
    // automated call; only the first five contacts gave it.
    workers::db::execute(
        &app.services.db,
        "UPDATE contacts SET consent_automated = TRUE WHERE client_id IN ('C00000', 'C00001', 'C00002', 'C00003', 'C00004')",
        Vec::new(),
    )
    .await
    .unwrap();
    let predictive = template(
        &app,
        &admin,
        "Predictive",
        "PREDICTIVE",
        json!(["MOBILE", "HOME"]),
    )
    .await;
    let auto = campaign(&app, &admin, "Autumn predictive", &predictive, &list).await;
    act(&app, &admin, "loadCampaign", &auto).await;
    let done = loaded(&app, &admin, &auto).await;
    assert_eq!(
        done["excluded"],
        json!({ "suppressed": 1, "undialable": 10, "filtered": 0 }),
        "{done}"
    );
    assert_eq!(done["stats"]["recordsTotal"], 9);
    assert_eq!(done["stats"]["ready"], 5);
    assert_eq!(done["loadContacts"], 10);
    let rows = records(&app, &admin, &auto).await;
    assert_eq!(rows.len(), 9);
    let heads: Vec<&str> = rows
        .iter()
        .filter(|row| row["chainN"] == 0)
        .map(|row| row["deviceKind"].as_str().unwrap())
        .collect();
    assert_eq!(heads, ["MOBILE"; 5], "mobile first: {rows:?}");
    assert!(
        rows.iter()
            .all(|row| row["clientId"].as_str().unwrap() < "C00005")
    );

    // PREVIEW: both devices, chained home first.
    let preview = template(
        &app,
        &admin,
        "Preview",
        "PREVIEW",
        json!(["HOME", "MOBILE"]),
    )
    .await;
    let id = campaign(&app, &admin, "Autumn preview", &preview, &list).await;
    act(&app, &admin, "loadCampaign", &id).await;
    let done = loaded(&app, &admin, &id).await;
    assert_eq!(
        done["excluded"],
        json!({ "suppressed": 1, "undialable": 0, "filtered": 0 }),
        "{done}"
    );
    assert_eq!(done["stats"]["recordsTotal"], 19);
    assert_eq!(
        done["stats"]["ready"], 10,
        "one ready record per contact: {done}"
    );
    let rows = records(&app, &admin, &id).await;
    assert_eq!(rows.len(), 19);
    let first = &rows[0];
    assert_eq!(first["contactInfo"], "+12024560000", "{first}");
    assert_eq!(first["contactInfoType"], 1);
    assert_eq!(first["recordType"], 2);
    assert_eq!(first["recordStatus"], 1);
    assert_eq!(first["callResult"], 28);
    assert_eq!(first["attempt"], 0);
    assert_eq!(first["chainN"], 0);
    assert_eq!(first["tzName"], "America/New_York");
    assert_eq!(
        (first["dailyFrom"].as_i64(), first["dailyTill"].as_i64()),
        (Some(0), Some(86_400))
    );
    assert_eq!(first["clientId"], "C00000");
    let second = &rows[1];
    assert_eq!(second["contactInfo"], "+14158670000", "{second}");
    assert_eq!(
        (
            second["contactInfoType"].as_i64(),
            second["chainN"].as_i64(),
            second["recordStatus"].as_i64()
        ),
        (Some(4), Some(1), Some(9))
    );
    assert_eq!(second["chainId"], first["chainId"]);
    let lone = rows
        .iter()
        .filter(|row| row["chainId"] == rows[6]["chainId"])
        .count();
    assert_eq!(
        lone, 1,
        "the suppressed contact keeps only its mobile: {rows:?}"
    );
    assert_eq!(rows[6]["contactInfo"], "+14158670003");
    assert_eq!(rows[6]["recordStatus"], 1);

    // Unload and load again: nothing is doubled.
    act(&app, &admin, "unloadCampaign", &id).await;
    act(&app, &admin, "loadCampaign", &id).await;
    let again = loaded(&app, &admin, &id).await;
    assert_eq!(again["stats"]["recordsTotal"], 19, "{again}");
    assert_eq!(again["stats"]["ready"], 10);
    assert_eq!(records(&app, &admin, &id).await.len(), 19);
}

async fn leases_never_share_a_record_and_results_move_records_on(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let list = seeded_list(&app, &admin, "Winter", 10).await;
    let preview = template(
        &app,
        &admin,
        "Preview",
        "PREVIEW",
        json!(["HOME", "MOBILE"]),
    )
    .await;
    let id = campaign(&app, &admin, "Winter preview", &preview, &list).await;
    let key = dialer_key(&app, &admin).await;
    let path = format!("/ocs/v1/campaigns/{id}/records:lease");

    act(&app, &admin, "loadCampaign", &id).await;
    loaded(&app, &admin, &id).await;
    let (status, body) = post(&app, &path, &key, &json!({ "count": 5 })).await;
    assert_eq!(
        status, 409,
        "a loaded campaign that is not running leases nothing: {body}"
    );
    act(&app, &admin, "startCampaign", &id).await;

    let six = json!({ "count": 6 });
    let (a, b) = tokio::join!(post(&app, &path, &key, &six), post(&app, &path, &key, &six));
    assert_eq!((a.0, b.0), (200, 200), "{a:?} {b:?}");
    let mut handles: Vec<i64> = a.1["records"]
        .as_array()
        .unwrap()
        .iter()
        .chain(b.1["records"].as_array().unwrap())
        .map(|record| record["GSW_RECORD_HANDLE"].as_i64().unwrap())
        .collect();
    assert_eq!(handles.len(), 10, "every ready record once: {a:?} {b:?}");
    handles.sort_unstable();
    handles.dedup();
    assert_eq!(handles.len(), 10, "no record was leased twice");
    let (status, empty) = post(&app, &path, &key, &json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(empty["records"], json!([]));
    assert_eq!(empty["idleReason"], "no ready records are due");
    let stats = read(&app, &admin, &id).await["stats"].clone();
    assert_eq!(
        (stats["ready"].as_i64(), stats["leased"].as_i64()),
        (Some(0), Some(10)),
        "{stats}"
    );

    let all: Vec<Value> = a.1["records"]
        .as_array()
        .unwrap()
        .iter()
        .chain(b.1["records"].as_array().unwrap())
        .cloned()
        .collect();
    let by_phone = |phone: &str| {
        all.iter()
            .find(|record| record["GSW_PHONE"] == phone)
            .cloned()
            .unwrap_or_else(|| panic!("{phone} leased"))
    };
    let report = |record: &Value, guid: &str, result: &str| {
        json!({
            "GSW_CALL_ATTEMPT_GUID": guid, "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": record["GSW_PHONE"],
            "GSW_CALL_RESULT": result, "GSW_RECORD_HANDLE": record["GSW_RECORD_HANDLE"],
            "GSW_CUSTOMER_ID": record["GSW_CUSTOMER_ID"]
        })
    };
    // Busy: the default treatment retries in 5 minutes.
    let busy = by_phone("+12024560000");
    assert_eq!(
        post(&app, "/ocs/v1/history", &key, &report(&busy, "a-busy", "6"))
            .await
            .0,
        200
    );
    // Wrong number: the mobile is next, and the home number is suppressed at once.
    let wrong = by_phone("+12024560001");
    assert_eq!(
        post(
            &app,
            "/ocs/v1/history",
            &key,
            &report(&wrong, "a-wrong", "WrongNumber")
        )
        .await
        .0,
        200
    );
    // Do not call: the chain ends and the number is suppressed.
    let dnc = by_phone("+12024560002");
    assert_eq!(
        post(&app, "/ocs/v1/history", &key, &report(&dnc, "a-dnc", "51"))
            .await
            .0,
        200
    );
    // A conversation: the chain ends.
    let talk = by_phone("+12024560003");
    let mut conversation = report(&talk, "a-talk", "33");
    conversation["GSW_RIGHT_PARTY"] = json!(true);
    assert_eq!(
        post(&app, "/ocs/v1/history", &key, &conversation).await.0,
        200
    );
    // The same report again changes nothing.
    assert_eq!(
        post(&app, "/ocs/v1/history", &key, &conversation).await.0,
        200
    );

    let rows = records(&app, &admin, &id).await;
    let row = |phone: &str| {
        rows.iter()
            .find(|row| row["contactInfo"] == phone)
            .cloned()
            .unwrap()
    };
    let busy_row = row("+12024560000");
    assert_eq!(
        (
            busy_row["recordStatus"].as_i64(),
            busy_row["recordType"].as_i64(),
            busy_row["attempt"].as_i64(),
            busy_row["callResult"].as_i64()
        ),
        (Some(1), Some(3), Some(1), Some(6)),
        "{busy_row}"
    );
    let due =
        chrono::DateTime::parse_from_rfc3339(busy_row["dialSchedTime"].as_str().unwrap()).unwrap();
    let wait = due.signed_duration_since(chrono::Utc::now()).num_seconds();
    assert!(
        (240..=300).contains(&wait),
        "retry in about 5 minutes, got {wait} s"
    );
    assert_eq!(row("+12024560001")["recordStatus"], 3);
    assert_eq!(
        row("+14158670001")["recordStatus"],
        1,
        "the chain moved to the mobile"
    );
    assert_eq!(row("+12024560002")["recordStatus"], 3);
    assert_eq!(
        row("+14158670002")["recordStatus"],
        3,
        "do not call closes the chain"
    );
    assert_eq!(
        row("+14158670003")["recordStatus"],
        3,
        "a conversation closes the chain"
    );

    let stats = read(&app, &admin, &id).await["stats"].clone();
    assert_eq!(
        (
            stats["dialed"].as_i64(),
            stats["busy"].as_i64(),
            stats["connected"].as_i64(),
            stats["leased"].as_i64(),
            stats["ready"].as_i64(),
            stats["final"].as_i64()
        ),
        (Some(4), Some(1), Some(1), Some(6), Some(2), Some(5)),
        "{stats}"
    );
    assert_eq!(stats["penetration"], 4.0 / 20.0);

    // Both suppressed numbers are refused at once by pre-dial validation.
    for phone in ["+12024560001", "+12024560002"] {
        let (status, answer) = post(
            &app,
            "/ocs/v1/validate",
            &key,
            &json!({ "GSW_PHONE": phone }),
        )
        .await;
        assert_eq!(status, 409, "{phone}: {answer}");
        assert!(
            answer["reasons"]
                .to_string()
                .contains("Do not call (call results)"),
            "{answer}"
        );
    }

    // The mobile that became ready is leased next; an expired lease returns the rest.
    let (_, next) = post(&app, &path, &key, &json!({ "count": 10 })).await;
    let phones: Vec<&str> = next["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|record| record["GSW_PHONE"].as_str())
        .collect();
    assert_eq!(phones, ["+14158670001"], "{next}");
    // Simulate the leases running out (rather than sleeping): move their expiry into the past.
    let past = chrono::Utc::now().timestamp() - 1;
    workers::db::execute(
        &app.services.db,
        "UPDATE calling_list_records SET lease_until = $1 WHERE record_status = 2",
        vec![past.into()],
    )
    .await
    .unwrap();
    let (_, returned) = post(&app, &path, &key, &json!({ "count": 50 })).await;
    assert_eq!(
        returned["records"].as_array().unwrap().len(),
        7,
        "{returned}"
    );
    let stats = read(&app, &admin, &id).await["stats"].clone();
    assert_eq!(
        (stats["leased"].as_i64(), stats["ready"].as_i64()),
        (Some(7), Some(1)),
        "{stats}"
    );

    // The emergency stop hands out nothing and cancels nothing.
    let stop = app
        .graphql(
            Some(&admin),
            "mutation { setEmergencyStop(on: true, reason: \"Regulator audit\") { emergencyStop } }",
            json!({}),
        )
        .await;
    assert!(stop["errors"].is_null(), "{stop}");
    let (status, stopped) = post(&app, &path, &key, &json!({ "count": 50 })).await;
    assert_eq!(
        (status, stopped["records"].clone()),
        (200, json!([])),
        "{stopped}"
    );
    assert_eq!(stopped["idleReason"], "the tenant's emergency stop is on");
    app.graphql(
        Some(&admin),
        "mutation { setEmergencyStop(on: false) { emergencyStop } }",
        json!({}),
    )
    .await;
    let stats = read(&app, &admin, &id).await["stats"].clone();
    assert_eq!(
        (
            stats["leased"].as_i64(),
            stats["ready"].as_i64(),
            stats["final"].as_i64()
        ),
        (Some(7), Some(1), Some(5)),
        "{stats}"
    );

    act(&app, &admin, "stopCampaign", &id).await;
    let (status, _) = post(&app, &path, &key, &json!({})).await;
    assert_eq!(status, 409);
    // Unloading returns every lease.
    act(&app, &admin, "unloadCampaign", &id).await;
    let stats = read(&app, &admin, &id).await["stats"].clone();
    assert_eq!(
        (stats["leased"].as_i64(), stats["ready"].as_i64()),
        (Some(0), Some(8)),
        "{stats}"
    );
}

async fn dialability_says_why_records_wait(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let list = seeded_list(&app, &admin, "Summer", 6).await;
    let preview = template(
        &app,
        &admin,
        "Preview",
        "PREVIEW",
        json!(["HOME", "MOBILE"]),
    )
    .await;
    let id = campaign(&app, &admin, "Summer preview", &preview, &list).await;
    act(&app, &admin, "loadCampaign", &id).await;
    loaded(&app, &admin, &id).await;
    act(&app, &admin, "startCampaign", &id).await;
    // Suppressed after the load: the rule keeps it waiting now and all day.
    suppress(&app, &admin, &["+12024560005"]).await;
    let key = dialer_key(&app, &admin).await;
    let path = format!("/ocs/v1/campaigns/{id}/records:lease");
    let (_, leased) = post(&app, &path, &key, &json!({ "count": 1 })).await;
    let record = &leased["records"][0];
    assert_eq!(
        record["GSW_PHONE"], "+12024560000",
        "campaign order: {leased}"
    );

    let body = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { campaign(id: $id) { dialability { records dialableNow exclusions { reason label now next24h } } } }",
            json!({ "id": id }),
        )
        .await;
    let dialability = &body["data"]["campaign"]["dialability"];
    assert_eq!(dialability["records"], 12, "{body}");
    assert_eq!(dialability["dialableNow"], 4, "{body}");
    let exclusions = dialability["exclusions"].as_array().unwrap();
    let find = |reason: &str| {
        exclusions
            .iter()
            .find(|row| row["reason"] == reason)
            .cloned()
            .unwrap_or_else(|| panic!("{reason} in {body}"))
    };
    assert_eq!(find("WAITING_IN_CHAIN")["now"], 6);
    assert_eq!(find("LEASED")["now"], 1);
    let suppression = find("SUPPRESSION");
    assert_eq!(
        (suppression["now"].as_i64(), suppression["next24h"].as_i64()),
        (Some(1), Some(1)),
        "{suppression}"
    );
    assert_eq!(suppression["label"], "On a suppression list");
}

async fn roles_limit_who_runs_campaigns(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    app.create_user(&admin, "sup@example.com", "SUPERVISOR")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;
    let supervisor = app.login("sup@example.com", USER_PASSWORD).await;
    let refused = app
        .graphql(
            Some(&viewer),
            CREATE_TEMPLATE,
            json!({ "input": { "name": "V", "dialingMode": "PREVIEW" } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let made = app
        .graphql(
            Some(&supervisor),
            CREATE_TEMPLATE,
            json!({ "input": { "name": "S", "dialingMode": "PREVIEW" } }),
        )
        .await;
    assert!(made["errors"].is_null(), "{made}");
    let seen = app
        .graphql(
            Some(&viewer),
            "{ campaignTemplates { name } campaigns { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        seen["data"],
        json!({ "campaignTemplates": [{ "name": "S" }], "campaigns": [] }),
        "{seen}"
    );
}

async fn campaigns_shape_pre_dial_checks(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    // An optional rule: one call per device per day, only where a campaign attaches it.
    let mut rules = app
        .graphql(Some(&admin), "{ complianceRuleSet { rules } }", json!({}))
        .await["data"]["complianceRuleSet"]["rules"]
        .clone();
    rules["attemptRules"].as_array_mut().unwrap().push(json!({
        "name": "Once a day", "limit": 1, "period": { "ROLLING": { "hours": 24 } },
        "countedBy": "DEVICE", "countedResults": [], "channels": ["VOICE"], "required": false
    }));
    let saved = app
        .graphql(
            Some(&admin),
            "mutation($rules: JSON!) { updateComplianceRuleSet(rules: $rules) { version } }",
            json!({ "rules": rules }),
        )
        .await;
    assert!(saved["errors"].is_null(), "{saved}");
    let body = app
        .graphql(
            Some(&admin),
            CREATE_TEMPLATE,
            json!({ "input": { "name": "Gentle", "dialingMode": "PREVIEW", "optionalRules": ["Once a day"] } }),
        )
        .await;
    let template = body["data"]["createCampaignTemplate"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let list = seeded_list(&app, &admin, "Gentle list", 1).await;
    campaign(&app, &admin, "Gentle touch", &template, &list).await;
    let key = dialer_key(&app, &admin).await;

    // An unknown campaign is named as such.
    let (status, answer) = post(
        &app,
        "/ocs/v1/validate",
        &key,
        &json!({ "GSW_PHONE": "+14158675309", "GSW_CAMPAIGN_GROUP_NAME": "Nope" }),
    )
    .await;
    assert_eq!(status, 404, "{answer}");
    assert!(
        answer.to_string().contains("no campaign is named"),
        "{answer}"
    );
    // The campaign's mode: PREVIEW calls a mobile without consent; the default (PREDICTIVE) does not.
    let mobile = json!({ "GSW_PHONE": "+14158675309" });
    assert_eq!(post(&app, "/ocs/v1/validate", &key, &mobile).await.0, 409);
    let mut in_campaign = mobile.clone();
    in_campaign["GSW_CAMPAIGN_GROUP_NAME"] = json!("gentle TOUCH");
    assert_eq!(
        post(&app, "/ocs/v1/validate", &key, &in_campaign).await.0,
        200
    );
    // After one call, the campaign's optional rule refuses; outside the campaign it does not apply.
    let report = json!({ "GSW_CALL_ATTEMPT_GUID": "g-1", "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": "+12127365000", "GSW_CALL_RESULT": "7" });
    assert_eq!(post(&app, "/ocs/v1/history", &key, &report).await.0, 200);
    let landline = json!({ "GSW_PHONE": "+12127365000", "GSW_DIAL_MODE": "PREVIEW" });
    assert_eq!(post(&app, "/ocs/v1/validate", &key, &landline).await.0, 200);
    let mut gentle = landline.clone();
    gentle["GSW_CAMPAIGN_GROUP_NAME"] = json!("Gentle touch");
    let (status, answer) = post(&app, "/ocs/v1/validate", &key, &gentle).await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["reasons"].to_string().contains("Once a day"),
        "{answer}"
    );
}

async fn callbacks_go_to_their_agent_and_stats_stream_live(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let list = seeded_list(&app, &admin, "Callbacks", 2).await;
    let home_only = template(&app, &admin, "Home only", "PREVIEW", json!(["HOME"])).await;
    let id = campaign(&app, &admin, "Callbacks", &home_only, &list).await;
    act(&app, &admin, "loadCampaign", &id).await;
    loaded(&app, &admin, &id).await;
    act(&app, &admin, "startCampaign", &id).await;
    let key = dialer_key(&app, &admin).await;
    let path = format!("/ocs/v1/campaigns/{id}/records:lease");

    let mut live = subscribe(
        &app.ws_url(),
        Some(&admin),
        &format!("subscription {{ campaignStats(campaignId: \"{id}\") {{ dialed connected ready leased }} }}"),
    )
    .await
    .expect("subscribed");
    let first = live
        .next_payload(Duration::from_secs(5))
        .await
        .expect("the current figures");
    assert_eq!(
        first["data"]["campaignStats"],
        json!({ "dialed": 0, "connected": 0, "ready": 2, "leased": 0 }),
        "{first}"
    );

    let (_, leased) = post(
        &app,
        &path,
        &key,
        &json!({ "count": 1, "agentId": "agent-7" }),
    )
    .await;
    let record = leased["records"][0].clone();
    assert_eq!(record["agent_id"], "agent-7", "{leased}");
    // The agent talks to the contact and books a personal callback, due already.
    let due = chrono::Utc::now().timestamp() - 5;
    let report = json!({
        "GSW_CALL_ATTEMPT_GUID": "cb-1", "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": record["GSW_PHONE"],
        "GSW_CALL_RESULT": "33", "GSW_RECORD_HANDLE": record["GSW_RECORD_HANDLE"],
        "GSW_CALLBACK_TIME": due, "GSW_CALLBACK_TYPE": "Personal", "GSW_AGENT_ID": "agent-7"
    });
    let (status, answer) = post(&app, "/ocs/v1/history", &key, &report).await;
    assert_eq!(status, 200, "{answer}");
    let mut latest = Value::Null;
    let started = Instant::now();
    while latest["dialed"] != 1 && started.elapsed() < Duration::from_secs(10) {
        let payload = live
            .next_payload(Duration::from_secs(5))
            .await
            .expect("an update");
        latest = payload["data"]["campaignStats"].clone();
    }
    assert_eq!(
        latest,
        json!({ "dialed": 1, "connected": 1, "ready": 2, "leased": 0 })
    );

    // Another agent gets the other contact but never the personal callback.
    let (_, other) = post(
        &app,
        &path,
        &key,
        &json!({ "count": 5, "agentId": "agent-8" }),
    )
    .await;
    let handles: Vec<&Value> = other["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|record| &record["GSW_RECORD_HANDLE"])
        .collect();
    assert_eq!(handles.len(), 1, "{other}");
    assert_ne!(handles[0], &record["GSW_RECORD_HANDLE"]);
    let (_, mine) = post(
        &app,
        &path,
        &key,
        &json!({ "count": 5, "agentId": "agent-7" }),
    )
    .await;
    assert_eq!(
        mine["records"][0]["GSW_RECORD_HANDLE"], record["GSW_RECORD_HANDLE"],
        "{mine}"
    );
    assert_eq!(mine["records"][0]["record_type"], 5, "a personal callback");
}

/// Loads a campaign and returns its records' client ids in dialling order, and the campaign.
async fn dialling_order(app: &TestApp, admin: &str, input: Value) -> (Vec<String>, Value) {
    let body = app
        .graphql(Some(admin), CREATE_CAMPAIGN, json!({ "input": input }))
        .await;
    let id = body["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    act(app, admin, "loadCampaign", &id).await;
    let campaign = loaded(app, admin, &id).await;
    let order = records(app, admin, &id)
        .await
        .iter()
        .map(|row| row["clientId"].as_str().unwrap().to_owned())
        .collect();
    (order, campaign)
}

async fn filters_order_and_list_mix_decide_the_dialling_order(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let first = seeded_list(&app, &admin, "First", 6).await;
    let second = seeded_list(&app, &admin, "Second", 3).await;
    let home_only = template(&app, &admin, "Home only", "PREVIEW", json!(["HOME"])).await;
    let rule = app
        .graphql(
            Some(&admin),
            "mutation($input: SelectionRuleInput!) { createSelectionRule(input: $input) { id } }",
            json!({ "input": { "name": "Even debts", "sets": [{ "conditions": [
                { "field": "other1", "operator": "IN", "values": ["debt-0", "debt-2", "debt-4"] }
            ] }] } }),
        )
        .await;
    let rule = rule["data"]["createSelectionRule"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{rule}"))
        .to_owned();

    // Second list first, then the first; newest names first; only even debts.
    let (order, campaign) = dialling_order(
        &app,
        &admin,
        json!({ "name": "Ordered", "templateId": home_only, "listMix": "ORDERED",
                "lists": [{ "listId": second }, { "listId": first }],
                "selectionRuleIds": [rule],
                "recordOrder": [{ "field": "lastName", "descending": true }] }),
    )
    .await;
    assert_eq!(
        order,
        ["C00002", "C00000", "C00004", "C00002", "C00000"],
        "{campaign}"
    );
    assert_eq!(campaign["excluded"]["filtered"], 4, "{campaign}");
    // A list a campaign dials is not deleted from under it.
    let refused = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteContactList(id: $id) }",
            json!({ "id": second }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    assert!(refused.to_string().contains("Ordered"), "{refused}");
    assert_eq!(campaign["loadContacts"], 5);

    // Weighted 2:1: two of the first list for each of the second.
    let (order, _) = dialling_order(
        &app,
        &admin,
        json!({ "name": "Weighted", "templateId": home_only,
                "lists": [{ "listId": first, "weight": 2 }, { "listId": second, "weight": 1 }] }),
    )
    .await;
    assert_eq!(
        order,
        [
            "C00000", "C00000", "C00001", "C00002", "C00001", "C00003", "C00004", "C00002",
            "C00005"
        ],
        "first-list contacts 0,1 | second 0 | first 2 | ..."
    );
}

async fn a_lease_judges_the_contact_like_a_pre_dial_check(stores: Stores) {
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let list = seeded_list(&app, &admin, "Emails", 2).await;
    let home_only = template(&app, &admin, "Home only", "PREVIEW", json!(["HOME"])).await;
    let id = campaign(&app, &admin, "Email check", &home_only, &list).await;
    act(&app, &admin, "loadCampaign", &id).await;
    loaded(&app, &admin, &id).await;
    act(&app, &admin, "startCampaign", &id).await;
    // The first contact's e-mail address goes on an e-mail list that covers calls.
    let contact = entity::contact::Entity::find()
        .filter(entity::contact::Column::ClientId.eq("C00000"))
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    entity::contact_device::ActiveModel {
        tenant_id: Set(contact.tenant_id),
        list_id: Set(contact.list_id),
        contact_id: Set(contact.id),
        position: Set(5),
        kind: Set("EMAIL".into()),
        value: Set("first0@example.com".into()),
        raw: Set("first0@example.com".into()),
        device_type: Set("EMAIL".into()),
        ..Default::default()
    }
    .insert(&app.services.db)
    .await
    .unwrap();
    let created = app
        .graphql(
            Some(&admin),
            "mutation { createSuppressionList(input: { name: \"Mail opt-outs\", kind: EMAIL, channels: [VOICE] }) { id } }",
            json!({}),
        )
        .await;
    let added = app
        .graphql(
            Some(&admin),
            "mutation($list: ID!) { addSuppressionEntries(listId: $list, values: [\"first0@example.com\"]) { added } }",
            json!({ "list": created["data"]["createSuppressionList"]["id"] }),
        )
        .await;
    assert_eq!(
        added["data"]["addSuppressionEntries"]["added"], 1,
        "{added}"
    );

    let key = dialer_key(&app, &admin).await;
    let (_, leased) = post(
        &app,
        &format!("/ocs/v1/campaigns/{id}/records:lease"),
        &key,
        &json!({ "count": 5 }),
    )
    .await;
    let phones: Vec<&str> = leased["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|record| record["GSW_PHONE"].as_str())
        .collect();
    assert_eq!(
        phones,
        ["+12024560001"],
        "the suppressed contact is not handed out: {leased}"
    );
    assert_eq!(leased["refused"], 1);
    let rows = records(&app, &admin, &id).await;
    let refused = rows
        .iter()
        .find(|row| row["contactInfo"] == "+12024560000")
        .unwrap();
    assert_eq!(
        (
            refused["recordStatus"].as_i64(),
            refused["recordType"].as_i64()
        ),
        (Some(5), Some(7)),
        "cancelled, no call: {refused}"
    );
    let stats = read(&app, &admin, &id).await["stats"].clone();
    assert_eq!(
        (
            stats["ready"].as_i64(),
            stats["leased"].as_i64(),
            stats["final"].as_i64()
        ),
        (Some(0), Some(1), Some(1)),
        "{stats}"
    );
}
