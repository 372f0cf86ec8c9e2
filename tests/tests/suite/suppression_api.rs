//! Suppression lists through the API on both stores: uploads with rejected
//! rows, REPLACE swapping a list's contents at once, search, export, delete,
//! and the mirror answering right when it is lost (a Redis flush).

use std::time::Duration;

use serde_json::{Value, json};
use tests::{Stores, TestApp, error_code, error_field, on_both_stores, spawn_app};

on_both_stores!(
    an_upload_adds_values_and_reports_rejected_rows,
    a_replace_upload_swaps_the_list_at_once,
    entries_are_searched_exported_and_deleted_with_the_list,
    a_lost_mirror_is_answered_from_the_database_and_rebuilt,
    bad_suppression_input_is_refused_clearly,
    a_contact_import_counts_suppressed_contacts,
);

const CHECK: &str = "query($phone: String!) { checkNumber(phone: $phone, at: \"2026-11-23T15:00:00Z\") { allowed suppressed reasons } }";

const UPLOAD: &str = "mutation($list: ID!, $file: Upload!, $mode: SuppressionImportMode) { importSuppressionEntries(listId: $list, file: $file, mode: $mode, defaultCountry: \"US\", reason: \"bulk\") { id status mode fileName } }";

const IMPORT: &str = "query($id: ID!) { suppressionImport(id: $id) { status rowsRead added alreadyPresent rejected error rejections { line reason raw } rejectionsUrl } }";

async fn create_list(app: &TestApp, token: &str, name: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            "mutation($name: String!) { createSuppressionList(input: { name: $name, kind: PHONE, channels: [VOICE, SMS] }) { id name kind channels global entryCount } }",
            json!({ "name": name }),
        )
        .await;
    let list = &body["data"]["createSuppressionList"];
    assert_eq!(list["kind"], "PHONE", "{body}");
    assert_eq!(list["global"], false);
    list["id"].as_str().unwrap().to_owned()
}

async fn suppressed(app: &TestApp, token: &str, phone: &str) -> bool {
    let body = app
        .graphql(Some(token), CHECK, json!({ "phone": phone }))
        .await;
    let check = &body["data"]["checkNumber"];
    assert!(check.is_object(), "{body}");
    check["suppressed"].as_bool().unwrap()
}

/// Uploads a file and waits until the `lists` role has finished it.
async fn upload(app: &TestApp, token: &str, list: &str, mode: &str, content: &str) -> Value {
    let body = tests::graphql_upload(
        &app.client,
        &app.address,
        token,
        UPLOAD,
        json!({ "list": list, "file": null, "mode": mode }),
        "dnc.csv",
        content,
    )
    .await;
    let id = body["data"]["importSuppressionEntries"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    for _ in 0..200 {
        let body = app.graphql(Some(token), IMPORT, json!({ "id": id })).await;
        let status = body["data"]["suppressionImport"]["status"]
            .as_str()
            .unwrap_or("");
        if status == "SUCCEEDED" || status == "FAILED" {
            return body["data"]["suppressionImport"].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("upload {id} did not finish");
}

async fn entry_values(app: &TestApp, token: &str, list: &str, search: Option<&str>) -> Vec<String> {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!, $search: String) { suppressionList(id: $id) { entries(first: 100, search: $search) { totalCount edges { node { value reason source active } } } } }",
            json!({ "id": list, "search": search }),
        )
        .await;
    let entries = &body["data"]["suppressionList"]["entries"];
    let values: Vec<String> = entries["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|edge| edge["node"]["value"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(entries["totalCount"], values.len(), "{body}");
    values
}

/// A file with a header, a number written three ways, a repeat, a bad
/// number and a bad expiry: good rows land, bad ones are reported by line.
async fn an_upload_adds_values_and_reports_rejected_rows(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list = create_list(&app, &admin, "Uploaded DNC").await;
    let file = "phone,reason,expires_at\n(212) 736-5000,asked,\n+1 415 867 5309,,2099-01-01\n212.736.5000,again,\nnot a number,,\n+1 202 456 1414,,someday\n";
    let done = upload(&app, &admin, &list, "APPEND", file).await;
    assert_eq!(done["status"], "SUCCEEDED", "{done}");
    assert_eq!(done["rowsRead"], 5);
    assert_eq!(done["added"], 2);
    assert_eq!(done["alreadyPresent"], 1);
    assert_eq!(done["rejected"], 2);
    let lines: Vec<i64> = done["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [5, 6], "{done}");
    assert!(
        done["rejections"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("expires_at")
    );

    let csv = app
        .client
        .get(format!(
            "{}{}",
            app.address,
            done["rejectionsUrl"].as_str().unwrap()
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("line,reason,row") && csv.contains("not a number"),
        "{csv}"
    );

    assert!(suppressed(&app, &admin, "+1 212 736 5000").await);
    assert!(suppressed(&app, &admin, "+1 415 867 5309").await);
    assert!(!suppressed(&app, &admin, "+1 202 456 1414").await);
    let values = entry_values(&app, &admin, &list, None).await;
    assert_eq!(values, ["+12127365000", "+14158675309"]);
}

/// REPLACE makes the list exactly the file: a value left out is allowed and a
/// new one refused as soon as the upload ends.
async fn a_replace_upload_swaps_the_list_at_once(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list = create_list(&app, &admin, "Weekly registry").await;
    let first = upload(
        &app,
        &admin,
        &list,
        "APPEND",
        "+12127365000\n+14158675309\n",
    )
    .await;
    assert_eq!(first["added"], 2, "{first}");
    let replaced = upload(
        &app,
        &admin,
        &list,
        "REPLACE",
        "+14158675309\n+12024561414\n",
    )
    .await;
    assert_eq!(replaced["status"], "SUCCEEDED", "{replaced}");
    assert_eq!(replaced["added"], 2);
    assert!(
        !suppressed(&app, &admin, "+1 212 736 5000").await,
        "left out"
    );
    assert!(suppressed(&app, &admin, "+1 415 867 5309").await, "kept");
    assert!(suppressed(&app, &admin, "+1 202 456 1414").await, "added");
    let mut values = entry_values(&app, &admin, &list, None).await;
    values.sort();
    assert_eq!(values, ["+12024561414", "+14158675309"]);
}

/// Search takes a phone written any way; the export is audited and uploads
/// back as it is; deleting the list lifts its suppression at once.
async fn entries_are_searched_exported_and_deleted_with_the_list(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list = create_list(&app, &admin, "Agent requests").await;
    let add = app
        .graphql(
            Some(&admin),
            "mutation($list: ID!) { addSuppressionEntries(listId: $list, values: [\"+1 212 736 5000\", \"+1 415 867 5309\"], reason: \"=HYPERLINK(1)\", expiresAt: \"2099-01-01T00:00:00Z\") { added } }",
            json!({ "list": list }),
        )
        .await;
    assert_eq!(add["data"]["addSuppressionEntries"]["added"], 2, "{add}");
    assert_eq!(
        entry_values(&app, &admin, &list, Some("(415) 867")).await,
        ["+14158675309"]
    );
    assert_eq!(
        entry_values(&app, &admin, &list, Some("+1 212")).await,
        ["+12127365000"]
    );

    let body = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { exportSuppressionList(id: $id) }",
            json!({ "id": list }),
        )
        .await;
    let path = body["data"]["exportSuppressionList"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    let csv = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csv = csv.trim_start_matches('\u{feff}');
    assert!(
        csv.starts_with("value,reason,expires_at,source,created_at"),
        "{csv}"
    );
    assert!(
        csv.contains("+12127365000,'=HYPERLINK(1),2099-01-01T00:00:00+00:00,API"),
        "formula-safe: {csv}"
    );

    // The export uploads back into a new list as it is.
    let copy = create_list(&app, &admin, "Copy").await;
    let restored = upload(&app, &admin, &copy, "APPEND", csv).await;
    assert_eq!(
        (restored["added"].as_i64(), restored["rejected"].as_i64()),
        (Some(2), Some(0)),
        "{restored}"
    );

    let body = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteSuppressionList(id: $id) }",
            json!({ "id": copy }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteSuppressionList(id: $id) }",
            json!({ "id": list }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    assert!(
        !suppressed(&app, &admin, "+1 212 736 5000").await,
        "deleted lists no longer suppress"
    );
    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 20) { nodes { action } } }",
            json!({}),
        )
        .await
        .to_string();
    for action in [
        "suppression_list.export",
        "suppression_list.delete",
        "suppression_list.import",
    ] {
        assert!(audit.contains(action), "{action}: {audit}");
    }
}

/// When the cache loses a list (a Redis restart, an eviction), the next check
/// is answered from the database — still refused — and the list is rebuilt.
async fn a_lost_mirror_is_answered_from_the_database_and_rebuilt(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list = create_list(&app, &admin, "Mirror").await;
    upload(
        &app,
        &admin,
        &list,
        "APPEND",
        "+12127365000\n+14158675309\n",
    )
    .await;
    let list_id: uuid::Uuid = list.parse().unwrap();
    let mirror = workers::suppression::mirror::mirrored(&app.services, list_id);
    assert_eq!(mirror.await.unwrap(), (2, true), "two values, complete");
    workers::suppression::mirror::forget(&app.services, list_id)
        .await
        .unwrap();
    assert!(
        suppressed(&app, &admin, "+1 212 736 5000").await,
        "answered from the database"
    );
    let mut rebuilt = (0, false);
    for _ in 0..100 {
        rebuilt = workers::suppression::mirror::mirrored(&app.services, list_id)
            .await
            .unwrap();
        if rebuilt == (2, true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rebuilt, (2, true), "rebuilt in the background");
    assert!(suppressed(&app, &admin, "+1 415 867 5309").await);
    assert!(!suppressed(&app, &admin, "+1 202 456 1414").await);
}

/// Missing files, bad countries, duplicate names, global lists by non-admins,
/// unreadable files: each a clear error, nothing stored half-way.
async fn bad_suppression_input_is_refused_clearly(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list = create_list(&app, &admin, "Strict").await;
    let body = app
        .graphql(
            Some(&admin),
            "mutation { createSuppressionList(input: { name: \"Strict\", kind: EMAIL, channels: [EMAIL] }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let body = app
        .graphql(
            Some(&admin),
            "mutation($list: ID!) { importSuppressionEntries(listId: $list) { id } }",
            json!({ "list": list }),
        )
        .await;
    assert_eq!(error_field(&body), Some("file"), "{body}");
    let body = app
        .graphql(
            Some(&admin),
            "mutation($list: ID!) { addSuppressionEntries(listId: $list, values: [\"2127365000\"], defaultCountry: \"USA\") { added } }",
            json!({ "list": list }),
        )
        .await;
    assert_eq!(error_field(&body), Some("defaultCountry"), "{body}");

    app.create_user(&admin, "officer@example.com", "COMPLIANCE_OFFICER")
        .await;
    let officer = app.login("officer@example.com", tests::USER_PASSWORD).await;
    let body = app
        .graphql(
            Some(&officer),
            "mutation { createSuppressionList(input: { name: \"Everyone\", kind: PHONE, channels: [VOICE], global: true }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", tests::USER_PASSWORD).await;
    let body = app
        .graphql(
            Some(&viewer),
            "mutation($list: ID!) { addSuppressionEntries(listId: $list, values: [\"+12127365000\"]) { added } }",
            json!({ "list": list }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // A spreadsheet is not a CSV: the upload fails whole with its reason.
    let failed = upload(&app, &admin, &list, "APPEND", "PK\u{3}\u{4}binary").await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    assert!(
        !failed["error"].as_str().unwrap_or("").is_empty(),
        "{failed}"
    );
    assert!(entry_values(&app, &admin, &list, None).await.is_empty());
}

/// Contacts whose number is suppressed are imported and counted as suppressed.
async fn a_contact_import_counts_suppressed_contacts(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list = create_list(&app, &admin, "Registry").await;
    upload(&app, &admin, &list, "APPEND", "+14158675309\n").await;
    let body = app
        .graphql(
            Some(&admin),
            "mutation { createContactList(input: { name: \"Leads\", channel: VOICE }) { id } }",
            json!({}),
        )
        .await;
    let contacts = body["data"]["createContactList"]["id"].clone();
    let file = "Account,Phone\nA1,(202) 456-1414\nA2,+1 415 867 5309\nA3,+1 212 736 5000\n";
    let body = tests::graphql_upload(
        &app.client,
        &app.address,
        &admin,
        "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
           mapping: { defaultCountry: \"US\", columns: [ { header: \"Account\", field: CLIENT_ID }, { header: \"Phone\", device: HOME } ] }) { id } }",
        json!({ "list": contacts, "file": null }),
        "leads.csv",
        file,
    )
    .await;
    let id = body["data"]["importContacts"]["id"].clone();
    for _ in 0..200 {
        let body = app
            .graphql(
                Some(&admin),
                "query($id: ID!) { importJob(id: $id) { status accepted suppressed } }",
                json!({ "id": id }),
            )
            .await;
        let job = &body["data"]["importJob"];
        if job["status"] == "SUCCEEDED" {
            assert_eq!(job["accepted"], 3, "{body}");
            assert_eq!(job["suppressed"], 1, "{body}");
            return;
        }
        assert_ne!(job["status"], "FAILED", "{body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the import did not finish");
}
