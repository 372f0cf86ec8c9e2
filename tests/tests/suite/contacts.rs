//! A list's contacts: paging with devices, search in any format, edit, delete.

use serde_json::{Value, json};
use tests::{
    Stores, TestApp, USER_PASSWORD, error_code, error_field, on_both_stores, seed_contacts,
    spawn_app, spawn_app_with,
};

on_both_stores!(
    a_page_of_100_contacts_with_devices_costs_three_statements,
    contacts_page_with_their_devices,
    contacts_are_found_however_the_number_is_written,
    contacts_are_edited_and_deleted
);

/// Creates a list and seeds it; returns (admin token, list id, contact ids).
async fn list_with_contacts(app: &TestApp, count: usize) -> (String, String, Vec<i64>) {
    let admin = app.admin_token().await;
    let body = app
        .graphql(
            Some(&admin),
            "mutation { createContactList(input: { name: \"Seeded\", channel: VOICE }) { id } }",
            json!({}),
        )
        .await;
    let list_id = body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let me = app
        .graphql(Some(&admin), "{ me { tenant { id } } }", json!({}))
        .await;
    let tenant_id =
        uuid::Uuid::parse_str(me["data"]["me"]["tenant"]["id"].as_str().unwrap()).unwrap();
    let ids = seed_contacts(
        &app.services,
        tenant_id,
        uuid::Uuid::parse_str(&list_id).unwrap(),
        count,
    )
    .await;
    (admin, list_id, ids)
}

const PAGE: &str = "query($id: ID!, $after: String, $search: String) { contactList(id: $id) { contactCount contacts(first: 10, after: $after, search: $search) { totalCount pageInfo { hasNextPage endCursor } nodes { id clientId lastName devices { position kind value areaCode exchange subscriber deviceType timeZones } } } } }";

async fn contacts_page_with_their_devices(stores: Stores) {
    let app = spawn_app(stores).await;
    let (admin, list_id, _) = list_with_contacts(&app, 25).await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app
            .graphql(Some(&admin), PAGE, json!({ "id": list_id, "after": after }))
            .await;
        let contacts = &body["data"]["contactList"]["contacts"];
        assert_eq!(contacts["totalCount"], 25, "{body}");
        for node in contacts["nodes"].as_array().unwrap() {
            seen.push(node["clientId"].as_str().unwrap().to_owned());
            let devices = node["devices"].as_array().unwrap();
            assert_eq!(devices.len(), 2);
            assert_eq!(devices[0]["kind"], "HOME");
            assert_eq!(devices[1]["deviceType"], "MOBILE");
            assert_eq!(devices[1]["timeZones"], json!(["America/Los_Angeles"]));
        }
        if contacts["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = contacts["pageInfo"]["endCursor"].clone();
    }
    let expected: Vec<String> = (0..25).map(|n| format!("C{n:05}")).collect();
    assert_eq!(seen, expected);
}

async fn contacts_are_found_however_the_number_is_written(stores: Stores) {
    let app = spawn_app(stores).await;
    let (admin, list_id, _) = list_with_contacts(&app, 12).await;
    let find = |search: &'static str| {
        let app = &app;
        let admin = admin.clone();
        let list_id = list_id.clone();
        async move {
            let body = app
                .graphql(
                    Some(&admin),
                    PAGE,
                    json!({ "id": list_id, "search": search }),
                )
                .await;
            body["data"]["contactList"]["contacts"]["nodes"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .map(|n| n["clientId"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    for written in [
        "(202) 456-0007",
        "+1 202 456 0007",
        "202.456.0007",
        "2024560007",
        "415-867-0007",
    ] {
        assert_eq!(find(written).await, ["C00007"], "{written}");
    }
    assert_eq!(find("C00003").await, ["C00003"]);
    assert_eq!(find("Last11").await, ["C00011"]);
    assert_eq!(find("Last1").await, ["C00001", "C00010", "C00011"]);
    assert!(find("(202) 456-9999").await.is_empty());
}

async fn contacts_are_edited_and_deleted(stores: Stores) {
    let app = spawn_app(stores).await;
    let (admin, list_id, ids) = list_with_contacts(&app, 3).await;
    let update = "mutation($id: ID!, $input: UpdateContactInput!) { updateContact(id: $id, input: $input) { clientId firstName consentAutomated } }";
    let body = app
        .graphql(Some(&admin), update, json!({ "id": ids[0].to_string(), "input": { "firstName": "Ada", "consentAutomated": true } }))
        .await;
    assert_eq!(
        body["data"]["updateContact"],
        json!({ "clientId": "C00000", "firstName": "Ada", "consentAutomated": true }),
        "{body}"
    );
    let clash = app
        .graphql(
            Some(&admin),
            update,
            json!({ "id": ids[0].to_string(), "input": { "clientId": "C00001" } }),
        )
        .await;
    assert_eq!(error_code(&clash), Some("CONFLICT"), "{clash}");
    assert_eq!(error_field(&clash), Some("clientId"));

    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;
    let refused = app
        .graphql(
            Some(&viewer),
            "mutation($id: ID!) { deleteContact(id: $id) }",
            json!({ "id": ids[1].to_string() }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));

    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteContact(id: $id) }",
            json!({ "id": ids[1].to_string() }),
        )
        .await;
    assert_eq!(
        deleted["data"]["deleteContact"],
        ids[1].to_string(),
        "{deleted}"
    );
    let list = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { contactList(id: $id) { contactCount deviceCount } }",
            json!({ "id": list_id }),
        )
        .await;
    assert_eq!(
        list["data"]["contactList"],
        json!({ "contactCount": 2, "deviceCount": 4 })
    );
    let gone = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { contact(id: $id) { id } }",
            json!({ "id": ids[1].to_string() }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));
    let one = app
        .graphql(
            Some(&viewer),
            "query($id: ID!) { contact(id: $id) { firstName devices { value } } }",
            json!({ "id": ids[0].to_string() }),
        )
        .await;
    assert_eq!(one["data"]["contact"]["firstName"], "Ada", "{one}");
    assert_eq!(
        one["data"]["contact"]["devices"][0]["value"],
        "+12024560000"
    );
}

async fn a_page_of_100_contacts_with_devices_costs_three_statements(stores: Stores) {
    // Only the api role: a background worker's polling would be counted too.
    let app = spawn_app_with(stores, &["--roles", "api"]).await;
    let (admin, list_id, _) = list_with_contacts(&app, 120).await;
    let query = "query($id: ID!) { contactList(id: $id) { name contacts(first: 100) { pageInfo { hasNextPage } nodes { id clientId firstName lastName devices { value deviceType timeZones } } } } }";
    // The first request fills the token and user caches, as any signed-in session has.
    app.graphql(Some(&admin), query, json!({ "id": list_id }))
        .await;
    // Background work of the api role (the suppression change feed's tick)
    // may land a statement inside a window now and then: the page's own
    // cost is the fewest a window ever saw, over three requests.
    let mut fewest = u64::MAX;
    for _ in 0..3 {
        let before = app.sql_statements().await;
        let body = app
            .graphql(Some(&admin), query, json!({ "id": list_id }))
            .await;
        let after = app.sql_statements().await;
        let nodes = body["data"]["contactList"]["contacts"]["nodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        assert_eq!(nodes.len(), 100);
        assert!(
            nodes
                .iter()
                .all(|node| node["devices"].as_array().is_some_and(|d| d.len() == 2))
        );
        // Minus the one statement each scrape of /metrics sends to read the queue backlog.
        fewest = fewest.min(after - before - 1);
    }
    // The list, the page of contacts, and all their devices in one query.
    assert_eq!(
        fewest, 3,
        "statements for one page of 100 contacts with devices"
    );
}
