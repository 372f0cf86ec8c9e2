//! The compliance data provider: a refresh from a (mock) provider switches the
//! data imports use; a failing or invalid refresh keeps the last good data and
//! raises the alert; the schedule refreshes on its own; permissions.

use std::io::Write;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tests::{Stores, TestApp, error_code, on_both_stores, spawn_app_with};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use workers::accounts::Principal;
use workers::import::{self, ImportMode, ImportOptions, NewImport};

on_both_stores!(
    a_valid_document_replaces_the_data_in_use,
    a_failed_or_invalid_refresh_keeps_the_last_good_data,
    the_schedule_refreshes_without_being_asked,
    without_a_provider_the_builtin_data_is_used_without_alert,
    viewers_see_the_status_but_cannot_refresh,
);

const STATUS_FIELDS: &str =
    "source version areaCodes loadedAt lastAttemptAt lastSuccessAt lastError alert nextRefreshAt";

/// A provider document where 212 has moved to Ontario (so the change is visible).
fn provider_document(version: &str) -> Value {
    json!({
        "format": 1,
        "version": version,
        "areaCodes": [
            {"areaCode": "212", "country": "CA", "region": "ON", "zones": ["America/Toronto"]},
            {"areaCode": "876", "country": "JM", "zones": ["America/Jamaica"]}
        ],
        "countries": {"FR": ["Europe/Paris"]},
        "wirelessBlocks": ["+1212555"],
        "flaggedNumbers": [{"e164": "+12125550199", "ported": true}]
    })
}

async fn serve(server: &MockServer, response: ResponseTemplate) {
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/numbering.json"))
        .respond_with(response)
        .mount(server)
        .await;
}

async fn serve_document(server: &MockServer, document: &Value) {
    serve(
        server,
        ResponseTemplate::new(200).set_body_string(document.to_string()),
    )
    .await;
}

fn provider_url(server: &MockServer) -> String {
    format!("{}/numbering.json", server.uri())
}

/// An app with the provider configured and without the schedule (the test refreshes).
async fn app_with_provider(stores: Stores, server: &MockServer) -> TestApp {
    let url = provider_url(server);
    spawn_app_with(
        stores,
        &["--roles", "api", "--compliance-data-url", url.as_str()],
    )
    .await
}

async fn status(app: &TestApp, token: &str) -> Value {
    let body = app
        .graphql(
            Some(token),
            &format!("{{ complianceDataStatus {{ {STATUS_FIELDS} }} }}"),
            json!({}),
        )
        .await;
    body["data"]["complianceDataStatus"].clone()
}

async fn try_refresh(app: &TestApp, token: &str) -> Value {
    app.graphql(
        Some(token),
        &format!("mutation {{ refreshComplianceData {{ {STATUS_FIELDS} }} }}"),
        json!({}),
    )
    .await
}

async fn refresh(app: &TestApp, token: &str) -> Value {
    let body = try_refresh(app, token).await;
    let status = body["data"]["refreshComplianceData"].clone();
    assert!(status.is_object(), "refresh failed: {body}");
    status
}

async fn principal(app: &TestApp, token: &str) -> Principal {
    workers::accounts::users::authenticate(&app.services, token, None)
        .await
        .unwrap()
}

/// Imports one contact with the phone `(212) 555-0100` and returns its device's (region, zones).
async fn import_one_phone(app: &TestApp, admin: &Principal) -> (Option<String>, Option<String>) {
    let list = workers::lists::create(
        &app.services,
        admin,
        workers::lists::NewList {
            name: format!("list {}", uuid::Uuid::new_v4().simple()),
            description: None,
            channel: domain::Channel::Voice,
            caller_id: None,
        },
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("contacts.csv");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(b"Account,Home\nA1,(212) 555-0100\n")
        .unwrap();
    let mapping = json!({ "defaultCountry": "US", "columns": [
        { "column": "Account", "target": { "type": "FIELD", "field": "CLIENT_ID" } },
        { "column": "Home", "target": { "type": "DEVICE", "kind": "HOME" } }
    ] });
    let options: ImportOptions = serde_json::from_value(json!({ "mapping": mapping })).unwrap();
    import::start(
        &app.services,
        admin,
        NewImport {
            list_id: list.id,
            file_name: "contacts.csv".into(),
            file_bytes: std::fs::metadata(&file).unwrap().len(),
            file_path: file.clone(),
            mode: ImportMode::AppendOnly,
            options,
            mapping_id: None,
        },
    )
    .await
    .unwrap();
    while import::try_execute_task(&app.services, "test-worker")
        .await
        .unwrap()
    {}
    let device = entity::contact_device::Entity::find()
        .filter(entity::contact_device::Column::ListId.eq(list.id))
        .one(&app.services.db)
        .await
        .unwrap()
        .expect("the imported device");
    (device.region, device.time_zones)
}

async fn a_valid_document_replaces_the_data_in_use(stores: Stores) {
    let server = MockServer::start().await;
    serve_document(&server, &provider_document("provider-2027-01")).await;
    let app = app_with_provider(stores, &server).await;
    let token = app.admin_token().await;
    let admin = principal(&app, &token).await;

    let before = status(&app, &token).await;
    assert_eq!(before["source"], "built-in");
    assert_eq!(before["version"], "builtin-2026-11");
    assert_eq!(before["alert"], false);
    assert!(before["lastAttemptAt"].is_null());
    assert!(before["nextRefreshAt"].is_string(), "{before}");
    let (region, zones) = import_one_phone(&app, &admin).await;
    assert_eq!(region.as_deref(), Some("NY"));
    assert_eq!(zones.as_deref(), Some("America/New_York"));

    let after = refresh(&app, &token).await;
    assert_eq!(after["version"], "provider-2027-01", "{after}");
    assert_eq!(after["source"], provider_url(&server));
    assert_eq!(after["areaCodes"], 2);
    assert_eq!(after["alert"], false);
    assert!(after["lastError"].is_null());
    assert!(after["lastSuccessAt"].is_string());
    assert_eq!(after["lastSuccessAt"], after["lastAttemptAt"]);
    assert_eq!(status(&app, &token).await["version"], "provider-2027-01");
    let audited = entity::audit_event::Entity::find()
        .filter(entity::audit_event::Column::Action.eq("compliance_data.refresh"))
        .one(&app.services.db)
        .await
        .unwrap()
        .expect("the refresh is audited");
    assert_eq!(audited.actor_id, Some(admin.user_id));
    assert_eq!(audited.detail["version"], "provider-2027-01");

    let regions = app
        .graphql(Some(&token), "{ complianceRegions }", json!({}))
        .await;
    assert_eq!(
        regions["data"]["complianceRegions"],
        json!(["ON"]),
        "{regions}"
    );

    let (region, zones) = import_one_phone(&app, &admin).await;
    assert_eq!(region.as_deref(), Some("ON"));
    assert_eq!(zones.as_deref(), Some("America/Toronto"));
    let data = app.services.compliance_data.current();
    assert!(data.is_wireless("+12125550100"));
    assert!(data.flags("+12125550199").ported);

    // Another process (a replica, or this one restarted) starts from the stored document.
    let replica = workers::Services::new(
        app.services.db.clone(),
        app.services.cache.clone(),
        (*app.services.keys).clone(),
        (*app.services.config).clone(),
    );
    assert_eq!(
        replica.compliance_data.current().version(),
        "builtin-2026-11"
    );
    workers::compliance_data::load(&replica).await.unwrap();
    assert_eq!(
        replica.compliance_data.current().version(),
        "provider-2027-01"
    );
}

async fn a_failed_or_invalid_refresh_keeps_the_last_good_data(stores: Stores) {
    let server = MockServer::start().await;
    serve_document(&server, &provider_document("provider-2027-01")).await;
    let app = app_with_provider(stores, &server).await;
    let token = app.admin_token().await;
    let good = refresh(&app, &token).await;
    assert_eq!(good["version"], "provider-2027-01");

    serve(&server, ResponseTemplate::new(500)).await;
    let failed = refresh(&app, &token).await;
    assert_eq!(failed["alert"], true, "{failed}");
    let error = failed["lastError"].as_str().unwrap();
    assert!(error.contains("HTTP 500"), "{error}");
    assert_eq!(failed["version"], "provider-2027-01");
    assert_eq!(failed["lastSuccessAt"], good["lastSuccessAt"]);
    assert_ne!(failed["lastAttemptAt"], good["lastAttemptAt"]);

    let mut invalid = provider_document("provider-2027-02");
    invalid["areaCodes"][0]["zones"] = json!(["Mars/Olympus_Mons"]);
    serve_document(&server, &invalid).await;
    let refused = refresh(&app, &token).await;
    assert_eq!(refused["alert"], true, "{refused}");
    let error = refused["lastError"].as_str().unwrap();
    assert!(
        error.contains("refused") && error.contains("Mars/Olympus_Mons"),
        "{error}"
    );
    assert_eq!(refused["version"], "provider-2027-01");
    assert_eq!(status(&app, &token).await["alert"], true);
    let data = app.services.compliance_data.current();
    assert_eq!(data.nanp_area("212").unwrap().region.as_deref(), Some("ON"));

    serve(
        &server,
        ResponseTemplate::new(200).set_body_string("{\"format\": 2}"),
    )
    .await;
    let unsupported = refresh(&app, &token).await;
    let error = unsupported["lastError"].as_str().unwrap();
    assert!(error.contains("unsupported"), "{error}");

    serve_document(&server, &provider_document("provider-2027-03")).await;
    let recovered = refresh(&app, &token).await;
    assert_eq!(recovered["alert"], false);
    assert!(recovered["lastError"].is_null());
    assert_eq!(recovered["version"], "provider-2027-03");
}

async fn the_schedule_refreshes_without_being_asked(stores: Stores) {
    let server = MockServer::start().await;
    serve_document(&server, &provider_document("provider-scheduled")).await;
    let url = provider_url(&server);
    let app = spawn_app_with(
        stores,
        &[
            "--roles",
            "api,compliance",
            "--compliance-data-url",
            url.as_str(),
            "--compliance-data-refresh-secs",
            "1",
        ],
    )
    .await;
    let token = app.admin_token().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let current = status(&app, &token).await;
        if current["version"] == "provider-scheduled" {
            assert_eq!(current["alert"], false);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scheduled refresh: {current}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

async fn without_a_provider_the_builtin_data_is_used_without_alert(stores: Stores) {
    let app = spawn_app_with(stores, &[]).await;
    let token = app.admin_token().await;
    let current = status(&app, &token).await;
    assert_eq!(current["source"], "built-in");
    assert_eq!(current["alert"], false);
    assert!(current["nextRefreshAt"].is_null());
    assert!(current["areaCodes"].as_i64().unwrap() > 300);
    let refreshed = refresh(&app, &token).await;
    assert_eq!(refreshed["version"], current["version"]);
    assert!(refreshed["lastAttemptAt"].is_null());
    let regions = app
        .graphql(Some(&token), "{ complianceRegions }", json!({}))
        .await;
    let regions = regions["data"]["complianceRegions"].as_array().unwrap();
    assert!(regions.contains(&json!("NY")) && regions.contains(&json!("ON")));
}

async fn viewers_see_the_status_but_cannot_refresh(stores: Stores) {
    let server = MockServer::start().await;
    serve_document(&server, &provider_document("provider-2027-01")).await;
    let app = app_with_provider(stores, &server).await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    app.create_user(&admin, "officer@example.com", "COMPLIANCE_OFFICER")
        .await;
    let viewer = app.login("viewer@example.com", tests::USER_PASSWORD).await;
    assert_eq!(status(&app, &viewer).await["source"], "built-in");
    let forbidden = try_refresh(&app, &viewer).await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");

    let officer = app.login("officer@example.com", tests::USER_PASSWORD).await;
    assert_eq!(refresh(&app, &officer).await["version"], "provider-2027-01");
    let anonymous = app
        .graphql(None, "{ complianceDataStatus { version } }", json!({}))
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}
