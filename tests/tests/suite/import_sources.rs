//! Import inputs beyond a delimited multipart upload: fixed-width layouts and
//! files sent through the chunked `/api/v1/uploads` endpoint; a list's import
//! history; devices located through the API (region and zones).

use serde_json::{Value, json};
use tests::{Stores, TestApp, error_code, on_both_stores, spawn_app_with};

on_both_stores!(
    a_fixed_width_file_imports_through_the_api,
    a_chunked_upload_is_previewed_and_imported,
    a_saved_mapping_reads_back_as_the_input_it_came_from,
);

const API_ONLY: &[&str] = &["--roles", "api"];

const FIXED_MAPPING: &str = "{ defaultCountry: \"US\", columns: [ \
    { header: \"id\", field: CLIENT_ID }, { header: \"name\", field: LAST_NAME }, \
    { header: \"phone\", device: HOME } ] }";

async fn new_list(app: &TestApp, token: &str, name: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            "mutation($name: String!) { createContactList(input: { name: $name, channel: VOICE }) { id } }",
            json!({ "name": name }),
        )
        .await;
    body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn drain(app: &TestApp) {
    while workers::import::try_execute_task(&app.services, "test-worker")
        .await
        .unwrap()
    {}
}

/// The list's imports and its contacts' devices, as the SPA reads them.
async fn list_view(app: &TestApp, token: &str, list: &str) -> Value {
    let query = "query($id: ID!) { contactList(id: $id) { contactCount \
        importJobs(first: 5) { totalCount nodes { status accepted rejected fileName } } \
        contacts(first: 10) { nodes { clientId devices { value region timeZones } } } } }";
    let body = app.graphql(Some(token), query, json!({ "id": list })).await;
    body["data"]["contactList"].clone()
}

async fn a_fixed_width_file_imports_through_the_api(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let token = app.admin_token().await;
    let list = new_list(&app, &token, "Fixed").await;
    // id: 0..4, name: 4..14, phone: 14..26
    let file =
        "F001Lovelace  (208)5550100\nF002Turing    2125550101  \nF003Hopper    not a phone \n";
    let query = format!(
        "mutation($list: ID!, $file: Upload!) {{ importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
         hasHeader: false, fixedWidth: [{{ name: \"id\", start: 0, width: 4 }}, {{ name: \"name\", start: 4, width: 10 }}, \
         {{ name: \"phone\", start: 14, width: 12 }}], mapping: {FIXED_MAPPING}) {{ id }} }}"
    );
    let body = tests::graphql_upload(
        &app.client,
        &app.address,
        &token,
        &query,
        json!({ "list": list, "file": null }),
        "fixed.txt",
        file,
    )
    .await;
    assert!(body["data"]["importContacts"]["id"].is_string(), "{body}");
    drain(&app).await;

    let view = list_view(&app, &token, &list).await;
    assert_eq!(view["contactCount"], 2, "{view}");
    let job = &view["importJobs"]["nodes"][0];
    assert_eq!(
        (&job["status"], &job["accepted"], &job["rejected"]),
        (&json!("SUCCEEDED"), &json!(2), &json!(1)),
        "{view}"
    );
    let contacts = view["contacts"]["nodes"].as_array().unwrap();
    let idaho = &contacts[0]["devices"][0];
    assert_eq!(idaho["value"], "+12085550100");
    assert_eq!(idaho["region"], "ID");
    let mut zones: Vec<&str> = idaho["timeZones"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    zones.sort_unstable();
    assert_eq!(zones, ["America/Boise", "America/Los_Angeles"]);
    assert_eq!(
        contacts[1]["devices"][0]["timeZones"],
        json!(["America/New_York"])
    );

    // A layout with a zero width is refused before anything is stored.
    let bad = query.replace("width: 12", "width: 0");
    let body = tests::graphql_upload(
        &app.client,
        &app.address,
        &token,
        &bad,
        json!({ "list": list, "file": null }),
        "fixed.txt",
        file,
    )
    .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

async fn a_chunked_upload_is_previewed_and_imported(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let token = app.admin_token().await;
    let list = new_list(&app, &token, "Chunked").await;
    let mut file = String::from("Account,Last,Phone\n");
    for n in 0..3000 {
        file.push_str(&format!("K{n},Name{n},(415) 555-{:04}\n", n % 10_000));
    }
    let url = format!("{}/api/v1/uploads", app.address);
    let created: Value = app
        .client
        .post(&url)
        .bearer_auth(&token)
        .json(&json!({ "fileName": "chunked.csv", "size": file.len() }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let mut offset = 0;
    for chunk in file.as_bytes().chunks(20_000) {
        let response = app
            .client
            .patch(format!("{url}/{id}"))
            .bearer_auth(&token)
            .header("Upload-Offset", offset.to_string())
            .header("Content-Type", "application/offset+octet-stream")
            .body(chunk.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        offset += chunk.len();
    }

    let preview = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { previewImport(uploadId: $id, rows: 2) { headers rows { line cells } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        preview["data"]["previewImport"]["headers"],
        json!(["Account", "Last", "Phone"]),
        "{preview}"
    );
    let import = "mutation($list: ID!, $upload: ID!) { importContacts(listId: $list, uploadId: $upload, \
        mode: APPEND_ONLY, mapping: { defaultCountry: \"US\", columns: [ { header: \"Account\", field: CLIENT_ID }, \
        { header: \"Last\", field: LAST_NAME }, { header: \"Phone\", device: MOBILE } ] }) { id fileName fileBytes } }";
    let body = app
        .graphql(Some(&token), import, json!({ "list": list, "upload": id }))
        .await;
    let job = &body["data"]["importContacts"];
    assert_eq!(job["fileName"], "chunked.csv", "{body}");
    assert_eq!(job["fileBytes"], file.len());
    drain(&app).await;
    let view = list_view(&app, &token, &list).await;
    assert_eq!(view["contactCount"], 3000, "{view}");
    assert_eq!(view["importJobs"]["totalCount"], 1);

    // Neither or both of file and uploadId is refused.
    let body = app
        .graphql(
            Some(&token),
            &format!("mutation($list: ID!) {{ importContacts(listId: $list, mode: APPEND_ONLY, mapping: {FIXED_MAPPING}) {{ id }} }}"),
            json!({ "list": list }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        body.to_string().contains("give either file or uploadId"),
        "{body}"
    );
}

async fn a_saved_mapping_reads_back_as_the_input_it_came_from(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let token = app.admin_token().await;
    let input = json!({ "defaultCountry": "GB", "columns": [
        { "header": "Account", "field": "CLIENT_ID", "transforms": ["UPPER"] },
        { "position": 3, "device": "MOBILE", "transforms": [] },
        { "header": "Balance", "custom": 4, "transforms": [] }
    ] });
    let body = app
        .graphql(
            Some(&token),
            "mutation($m: ImportMappingInput!) { createImportMapping(name: \"Round trip\", mapping: $m) { id } }",
            json!({ "m": input }),
        )
        .await;
    assert!(
        body["data"]["createImportMapping"]["id"].is_string(),
        "{body}"
    );
    let body = app
        .graphql(
            Some(&token),
            "{ importMappings { nodes { name spec } } }",
            json!({}),
        )
        .await;
    let spec: Value = serde_json::from_str(
        body["data"]["importMappings"]["nodes"][0]["spec"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}")),
    )
    .unwrap();
    assert_eq!(spec, input, "the wizard applies what it saved");
}
