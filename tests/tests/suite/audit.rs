//! The audit log: every mutation is recorded, pages newest first, and streams live.

use std::time::Duration;

use serde_json::json;
use tests::graphql_ws::subscribe;
use tests::{ADMIN_EMAIL, Stores, USER_PASSWORD, error_code, on_both_stores, spawn_app};

on_both_stores!(
    every_mutation_writes_an_audit_event,
    audit_events_page_newest_first,
    subscription_streams_new_events,
    subscription_needs_a_valid_token,
);

const SUBSCRIPTION: &str =
    "subscription { auditEventAdded { action actorLabel objectType detail clientIp } }";

async fn every_mutation_writes_an_audit_event(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "dave@example.com", "VIEWER").await;
    let update = "mutation($id: ID!) { updateUser(id: $id, input: { role: SUPERVISOR, password: \"a-brand-new-password\" }) { id } }";
    app.graphql(Some(&admin), update, json!({ "id": id })).await;
    let created = app
        .graphql(Some(&admin), "mutation { createApiClient(input: { name: \"d1\", scopes: [OCS_LEASE] }) { apiClient { id } } }", json!({}))
        .await;
    let client_id = created["data"]["createApiClient"]["apiClient"]["id"].clone();
    app.graphql(
        Some(&admin),
        "mutation($id: ID!) { revokeApiClient(id: $id) { id } }",
        json!({ "id": client_id }),
    )
    .await;
    app.try_login("dave@example.com", "wrong password!!").await;
    let dave = app.login("dave@example.com", "a-brand-new-password").await;
    app.graphql(Some(&dave), "mutation { logout }", json!({}))
        .await;

    let body = app.graphql(Some(&admin), "{ auditEvents(first: 100) { nodes { action actorLabel objectType objectId clientIp detail } } }", json!({})).await;
    let events = body["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .clone();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "auth.logout",
            "auth.login",
            "auth.login_failed",
            "api_client.revoke",
            "api_client.create",
            "user.update",
            "user.create",
            "auth.login",
            "user.create",
        ],
        "{body}"
    );
    let update_event = &events[5];
    assert_eq!(update_event["actorLabel"], ADMIN_EMAIL);
    assert_eq!(update_event["objectType"], "user");
    assert_eq!(update_event["objectId"], id.as_str());
    assert_eq!(update_event["clientIp"], "127.0.0.1");
    let detail: serde_json::Value =
        serde_json::from_str(update_event["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        detail["role"],
        json!({ "from": "VIEWER", "to": "SUPERVISOR" })
    );
    assert_eq!(detail["password"], "changed");
    assert!(
        !body.to_string().contains("a-brand-new-password"),
        "secrets never reach the audit log"
    );
    assert_eq!(events[0]["actorLabel"], "dave@example.com");
}

async fn audit_events_page_newest_first(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    for n in 0..5 {
        app.create_user(&admin, &format!("p{n}@example.com"), "VIEWER")
            .await;
    }
    let query = "query($after: String) { auditEvents(first: 3, after: $after, action: \"user.create\") { totalCount pageInfo { hasNextPage endCursor } nodes { detail } } }";
    let first = app.graphql(Some(&admin), query, json!({})).await;
    let page = &first["data"]["auditEvents"];
    assert_eq!(page["totalCount"], 6, "{first}");
    assert!(
        page["nodes"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("p4@example.com")
    );
    let second = app
        .graphql(
            Some(&admin),
            query,
            json!({ "after": page["pageInfo"]["endCursor"] }),
        )
        .await;
    let nodes = second["data"]["auditEvents"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3);
    assert!(nodes[2]["detail"].as_str().unwrap().contains(ADMIN_EMAIL));
    assert_eq!(
        second["data"]["auditEvents"]["pageInfo"]["hasNextPage"],
        false
    );
}

async fn subscription_streams_new_events(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let mut subscription = subscribe(&app.ws_url(), Some(&admin), SUBSCRIPTION)
        .await
        .expect("subscribed");
    // The server subscribes asynchronously after our `subscribe` message.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.create_user(&admin, "live@example.com", "VIEWER").await;
    let payload = subscription
        .next_payload(Duration::from_secs(5))
        .await
        .expect("an event");
    let event = &payload["data"]["auditEventAdded"];
    assert_eq!(event["action"], "user.create", "{payload}");
    assert_eq!(event["actorLabel"], ADMIN_EMAIL);
    assert!(
        event["detail"]
            .as_str()
            .unwrap()
            .contains("live@example.com")
    );

    // Viewers may not watch the audit log.
    let viewer = app.login("live@example.com", USER_PASSWORD).await;
    let mut refused = subscribe(&app.ws_url(), Some(&viewer), SUBSCRIPTION)
        .await
        .expect("connected");
    let payload = refused
        .next_payload(Duration::from_secs(5))
        .await
        .expect("an error");
    assert_eq!(
        error_code(&json!({ "errors": payload["errors"] })),
        Some("FORBIDDEN"),
        "{payload}"
    );
}

async fn subscription_needs_a_valid_token(stores: Stores) {
    let app = spawn_app(stores).await;
    let refused = subscribe(&app.ws_url(), Some("garbage"), SUBSCRIPTION).await;
    assert!(
        refused.is_err(),
        "a bad token is refused in connection_init"
    );
    let refused = subscribe(&app.ws_url(), None, SUBSCRIPTION).await;
    assert!(refused.is_err(), "no token is refused in connection_init");
}
