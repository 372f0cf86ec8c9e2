//! Contact lists: create, browse, change, archive, delete — roles and tenants respected.

use serde_json::json;
use tests::{Stores, USER_PASSWORD, error_code, error_field, on_both_stores, spawn_app};

on_both_stores!(
    list_managers_create_and_everyone_reads_lists,
    list_names_are_unique_and_inputs_checked,
    lists_are_renamed_archived_restored_and_deleted,
    other_tenants_lists_are_not_found,
);

const CREATE: &str = "mutation($input: CreateContactListInput!) { createContactList(input: $input) { id name status channel callerId contactCount } }";
const UPDATE: &str = "mutation($id: ID!, $input: UpdateContactListInput!) { updateContactList(id: $id, input: $input) { name description status callerId } }";

async fn list_managers_create_and_everyone_reads_lists(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "lm@example.com", "LIST_MANAGER")
        .await;
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let manager = app.login("lm@example.com", USER_PASSWORD).await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;

    let body = app
        .graphql(Some(&manager), CREATE, json!({ "input": { "name": "Spring renewals", "channel": "VOICE", "callerId": "+1 (202) 456-1414" } }))
        .await;
    let created = &body["data"]["createContactList"];
    assert_eq!(created["status"], "READY", "{body}");
    assert_eq!(created["channel"], "VOICE");
    assert_eq!(
        created["callerId"], "+12024561414",
        "caller ids are stored in E.164"
    );
    assert_eq!(created["contactCount"], 0);

    let refused = app
        .graphql(
            Some(&viewer),
            CREATE,
            json!({ "input": { "name": "x", "channel": "SMS" } }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"));
    let listing = app
        .graphql(
            Some(&viewer),
            "{ contactLists { totalCount nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listing["data"]["contactLists"]["nodes"],
        json!([{ "name": "Spring renewals" }]),
        "{listing}"
    );
    let one = app
        .graphql(
            Some(&viewer),
            "query($id: ID!) { contactList(id: $id) { name } }",
            json!({ "id": created["id"] }),
        )
        .await;
    assert_eq!(one["data"]["contactList"]["name"], "Spring renewals");

    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(action: \"contact_list.create\") { nodes { actorLabel } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        audit["data"]["auditEvents"]["nodes"][0]["actorLabel"],
        "lm@example.com"
    );
}

async fn list_names_are_unique_and_inputs_checked(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.graphql(
        Some(&admin),
        CREATE,
        json!({ "input": { "name": "Dupes", "channel": "SMS" } }),
    )
    .await;
    let duplicate = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Dupes", "channel": "VOICE" } }),
        )
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    assert_eq!(error_field(&duplicate), Some("name"));
    let blank = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "  ", "channel": "VOICE" } }),
        )
        .await;
    assert_eq!(error_field(&blank), Some("name"));
    let caller = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "C", "channel": "VOICE", "callerId": "555-0100" } }),
        )
        .await;
    assert_eq!(error_field(&caller), Some("callerId"), "{caller}");
    let short_code = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Texts", "channel": "SMS", "callerId": "72345" } }),
        )
        .await;
    assert_eq!(
        short_code["data"]["createContactList"]["callerId"], "72345",
        "{short_code}"
    );
}

async fn lists_are_renamed_archived_restored_and_deleted(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let body = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Old name", "channel": "EMAIL", "description": "first" } }),
        )
        .await;
    let id = body["data"]["createContactList"]["id"].clone();

    let renamed = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "input": { "name": "New name", "description": null } }),
        )
        .await;
    assert_eq!(
        renamed["data"]["updateContactList"],
        json!({ "name": "New name", "description": null, "status": "READY", "callerId": null }),
        "{renamed}"
    );

    let archived = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "input": { "archived": true } }),
        )
        .await;
    assert_eq!(archived["data"]["updateContactList"]["status"], "ARCHIVED");
    let hidden = app
        .graphql(Some(&admin), "{ contactLists { totalCount } }", json!({}))
        .await;
    assert_eq!(
        hidden["data"]["contactLists"]["totalCount"], 0,
        "archived lists are hidden by default"
    );
    let shown = app
        .graphql(
            Some(&admin),
            "{ contactLists(includeArchived: true) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(shown["data"]["contactLists"]["totalCount"], 1);
    let restored = app
        .graphql(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "input": { "archived": false } }),
        )
        .await;
    assert_eq!(restored["data"]["updateContactList"]["status"], "READY");

    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteContactList(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted["data"]["deleteContactList"], id, "{deleted}");
    let gone = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { contactList(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 3) { nodes { action } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        audit["data"]["auditEvents"]["nodes"][0]["action"],
        "contact_list.delete"
    );
}

async fn other_tenants_lists_are_not_found(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let body = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "Ours", "channel": "VOICE" } }),
        )
        .await;
    let id = body["data"]["createContactList"]["id"].clone();

    let (_, acme) = app.second_tenant_admin().await;
    let read = app
        .graphql(
            Some(&acme),
            "query($id: ID!) { contactList(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&read), Some("NOT_FOUND"));
    let change = app
        .graphql(
            Some(&acme),
            UPDATE,
            json!({ "id": id, "input": { "name": "Theirs" } }),
        )
        .await;
    assert_eq!(error_code(&change), Some("NOT_FOUND"));
    let delete = app
        .graphql(
            Some(&acme),
            "mutation($id: ID!) { deleteContactList(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&delete), Some("NOT_FOUND"));
    let listing = app
        .graphql(Some(&acme), "{ contactLists { totalCount } }", json!({}))
        .await;
    assert_eq!(listing["data"]["contactLists"]["totalCount"], 0);
    // Same name in another tenant is fine.
    let same = app
        .graphql(
            Some(&acme),
            CREATE,
            json!({ "input": { "name": "Ours", "channel": "VOICE" } }),
        )
        .await;
    assert!(
        same["data"]["createContactList"]["id"].is_string(),
        "{same}"
    );
}
