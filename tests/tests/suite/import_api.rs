//! Imports through the API: a multipart upload, the queued job, live progress,
//! counts and rejected rows — with the worker run by the test or by the `lists` role.

use std::time::Duration;

use serde_json::{Value, json};
use tests::graphql_ws::subscribe;
use tests::{Stores, TestApp, error_code, on_both_stores, spawn_app, spawn_app_with};

on_both_stores!(
    an_upload_is_imported_by_the_lists_role,
    import_progress_streams_until_the_end,
    a_preview_shows_the_file_as_the_import_reads_it,
    an_export_is_audited_streamed_and_formula_safe,
);

const FILE: &str = "Account,First,Last,Phone\nA1,Ada,Lovelace,(202) 456-1414\nA2,Alan,Turing,not a number\nA3,Grace,Hopper,+1 415 867 5309\n";

const IMPORT: &str = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
    mapping: { defaultCountry: \"US\", columns: [ \
      { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
      { header: \"Last\", field: LAST_NAME }, { header: \"Phone\", device: HOME } ] }) { id status fileName fileBytes } }";

async fn upload(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
    file_name: &str,
    content: &str,
) -> Value {
    tests::graphql_upload(
        &app.client,
        &app.address,
        token,
        query,
        variables,
        file_name,
        content,
    )
    .await
}

async fn new_list(app: &TestApp, token: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            "mutation { createContactList(input: { name: \"Uploads\", channel: VOICE }) { id } }",
            json!({}),
        )
        .await;
    body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

const JOB: &str = "query($id: ID!) { importJob(id: $id) { status rowsRead accepted rejected duplicates error rejections { totalCount nodes { line reason } } } }";

async fn an_upload_is_imported_by_the_lists_role(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let list_id = new_list(&app, &admin).await;
    let body = upload(
        &app,
        &admin,
        IMPORT,
        json!({ "list": list_id, "file": null }),
        "people.csv",
        FILE,
    )
    .await;
    let job = &body["data"]["importContacts"];
    assert_eq!(job["status"], "QUEUED", "{body}");
    assert_eq!(job["fileName"], "people.csv");
    assert_eq!(job["fileBytes"], FILE.len());
    let id = job["id"].clone();

    // The app runs every role: its `lists` worker picks the job up.
    let mut finished = Value::Null;
    for _ in 0..100 {
        let body = app.graphql(Some(&admin), JOB, json!({ "id": id })).await;
        if body["data"]["importJob"]["status"] == "SUCCEEDED"
            || body["data"]["importJob"]["status"] == "FAILED"
        {
            finished = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let job = &finished["data"]["importJob"];
    assert_eq!(job["status"], "SUCCEEDED", "{finished}");
    assert_eq!(
        (
            job["rowsRead"].as_i64(),
            job["accepted"].as_i64(),
            job["rejected"].as_i64()
        ),
        (Some(3), Some(2), Some(1))
    );
    assert_eq!(job["rejections"]["totalCount"], 1);
    assert_eq!(job["rejections"]["nodes"][0]["line"], 3);
    assert!(
        job["rejections"]["nodes"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("Phone"),
        "{finished}"
    );

    let list = app.graphql(Some(&admin), "query($id: ID!) { contactList(id: $id) { status contactCount contacts { nodes { clientId devices { value } } } } }", json!({ "id": list_id })).await;
    assert_eq!(list["data"]["contactList"]["status"], "READY");
    assert_eq!(list["data"]["contactList"]["contactCount"], 2);
    assert_eq!(
        list["data"]["contactList"]["contacts"]["nodes"][1]["devices"][0]["value"], "+14158675309",
        "{list}"
    );

    // The rejected rows download as a formula-safe CSV, for the signed-in only.
    let url = format!(
        "{}/api/v1/imports/{}/rejections.csv",
        app.address,
        id.as_str().unwrap()
    );
    let csv = app
        .client
        .get(&url)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "a byte-order mark for spreadsheets"
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("line,reason,row"), "{text}");
    assert!(
        text.contains("3,") && text.contains("A2,Alan,Turing,not a number"),
        "{text}"
    );
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 401);

    // A second import while one runs is refused; a missing mapping is a clear error.
    let no_mapping = upload(&app, &admin, "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY) { id } }", json!({ "list": list_id, "file": null }), "x.csv", FILE).await;
    assert_eq!(
        error_code(&no_mapping),
        Some("BAD_USER_INPUT"),
        "{no_mapping}"
    );
}

async fn import_progress_streams_until_the_end(stores: Stores) {
    // Only the api role: the test runs the worker itself, after subscribing.
    let app = spawn_app_with(stores, &["--roles", "api"]).await;
    let admin = app.admin_token().await;
    let list_id = new_list(&app, &admin).await;
    let mut big = String::from("Account,First,Last,Phone\n");
    for n in 0..12_000 {
        big.push_str(&format!("B{n},F{n},L{n},(202) 555-{:04}\n", n % 10_000));
    }
    let body = upload(
        &app,
        &admin,
        IMPORT,
        json!({ "list": list_id, "file": null }),
        "big.csv",
        &big,
    )
    .await;
    let job_id = body["data"]["importContacts"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let query = format!(
        "subscription {{ importProgress(jobId: \"{job_id}\") {{ status rowsRead bytesRead fileBytes accepted }} }}"
    );
    let mut progress = subscribe(&app.ws_url(), Some(&admin), &query)
        .await
        .expect("subscribed");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        workers::import::try_execute_task(&app.services, "test-worker")
            .await
            .unwrap()
    );

    let mut events = Vec::new();
    while let Some(payload) = progress.next_payload(Duration::from_secs(5)).await {
        let event = payload["data"]["importProgress"].clone();
        let done = event["status"] != "RUNNING";
        events.push(event);
        if done {
            break;
        }
    }
    assert!(events.len() >= 3, "running events then the end: {events:?}");
    assert!(
        events
            .iter()
            .any(|e| e["status"] == "RUNNING" && e["rowsRead"].as_i64() == Some(5000)),
        "{events:?}"
    );
    let last = events.last().unwrap();
    assert_eq!(last["status"], "SUCCEEDED");
    assert_eq!(last["accepted"], 12_000);
}

async fn a_preview_shows_the_file_as_the_import_reads_it(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let query = "mutation($file: Upload!) { previewImport(file: $file, rows: 5) { headers delimiter encoding compression rows { line cells error } } }";
    let latin1_name = "Account;Name;Phone\nA1;M\u{fc}ller;2024561414\nA2;\"unclosed;2024561415\nA3;Ng;2024561416\nA4;Ito;2024561417\nA5;Li;2024561418\nA6;Yu;2024561419\n";
    let body = upload(
        &app,
        &admin,
        query,
        json!({ "file": null }),
        "sample.csv",
        latin1_name,
    )
    .await;
    let preview = &body["data"]["previewImport"];
    assert_eq!(
        preview["headers"],
        json!(["Account", "Name", "Phone"]),
        "{body}"
    );
    assert_eq!(preview["delimiter"], ";");
    assert_eq!(preview["compression"], "NONE");
    assert_eq!(
        preview["rows"][0]["cells"],
        json!(["A1", "M\u{fc}ller", "2024561414"])
    );
    assert_eq!(preview["rows"][1]["line"], 3);
    assert!(
        preview["rows"][1]["error"].is_string(),
        "an unbalanced quote is shown as the error it will be: {body}"
    );

    let binary = upload(
        &app,
        &admin,
        query,
        json!({ "file": null }),
        "photo.png",
        "\u{89}PNG\r\n\u{1a}\n\0\0\0\rIHDR",
    )
    .await;
    assert_eq!(error_code(&binary), Some("BAD_USER_INPUT"), "{binary}");
}

async fn an_export_is_audited_streamed_and_formula_safe(stores: Stores) {
    let app = spawn_app_with(stores, &["--roles", "api"]).await;
    let admin = app.admin_token().await;
    let list_id = new_list(&app, &admin).await;
    let file = "Account,First,Last,Phone\nX1,=HYPERLINK(\"http://evil\"),Doe,(202) 456-1414\nX2,Bo,\"Smith, Jr.\",+44 20 7946 0018\n";
    let body = upload(
        &app,
        &admin,
        IMPORT,
        json!({ "list": list_id, "file": null }),
        "x.csv",
        file,
    )
    .await;
    assert!(body["data"]["importContacts"]["id"].is_string(), "{body}");
    assert!(
        workers::import::try_execute_task(&app.services, "test-worker")
            .await
            .unwrap()
    );

    let exported = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { exportContactList(id: $id) }",
            json!({ "id": list_id }),
        )
        .await;
    let path = exported["data"]["exportContactList"]
        .as_str()
        .unwrap_or_else(|| panic!("{exported}"))
        .to_owned();
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = response.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&bytes[3..]).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("clientId,firstName,lastName"),
        "{text}"
    );
    assert!(lines[0].ends_with("device10Kind,device10"));
    assert!(
        lines[1].starts_with("X1,\"'=HYPERLINK(\"\"http://evil\"\")\",Doe"),
        "formula cells are escaped: {text}"
    );
    assert!(
        lines[2].contains("\"Smith, Jr.\"") && lines[2].contains("HOME,'+442079460018"),
        "{text}"
    );
    assert_eq!(lines.len(), 3);

    let audit = app
        .graphql(
            Some(&admin),
            "{ auditEvents(first: 1) { nodes { action } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        audit["data"]["auditEvents"]["nodes"][0]["action"],
        "contact_list.export"
    );
    assert_eq!(
        app.client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}
