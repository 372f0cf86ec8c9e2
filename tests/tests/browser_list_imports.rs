//! The Imports history on a list's page in headless Debian Chromium against a
//! real server (every role in one process, so the `lists` worker runs the
//! queued import): an empty state first, then, after an import through the
//! API, its row with the file name, status, grouped counts and the
//! rejected-rows download.
//!
//! The element helpers repeat those of the other browser tests on purpose:
//! they are few, and each browser test stays readable on its own.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use tests::browser::{
    ChromeDriver, click, screenshot, texts_of, type_into, wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, TestApp, spa_dir, spawn_app};

/// The cells of the Imports table's rows.
const IMPORT_CELLS: &str = "section[aria-labelledby='imports-title'] table tbody tr td";

/// How long the import itself may take (queued, picked up, run).
const IMPORT_PATIENCE: Duration = Duration::from_secs(60);

/// `importContacts` with the columns of `leads_csv`, appending.
const IMPORT: &str = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
    mapping: { defaultCountry: \"US\", columns: [ \
      { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
      { header: \"Last\", field: LAST_NAME }, { header: \"Phone\", device: HOME } ] }) { id status } }";

/// `importContacts` as above, cut into lists by a split rule.
const SPLIT_IMPORT: &str = "mutation($list: ID!, $file: Upload!, $split: ID) { importContacts(listId: $list, file: $file, \
    mode: APPEND_ONLY, splitRuleId: $split, mapping: { defaultCountry: \"US\", columns: [ \
      { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
      { header: \"Last\", field: LAST_NAME }, { header: \"Phone\", device: HOME } ] }) { id status } }";

/// Two contacts in Washington, DC and one in California, for the split.
const REGIONS_CSV: &str = "Account,First,Last,Phone\n\
R1,Ada,Lovelace,(202) 555-0101\n\
R2,Alan,Turing,(202) 555-0102\n\
R3,Grace,Hopper,(415) 555-0103\n";

/// 1,200 good rows (so the counts need a thousands separator), one with a
/// phone that is no number, and one repeating the first row.
fn leads_csv() -> String {
    let mut csv = String::from("Account,First,Last,Phone\n");
    for index in 0..1_200 {
        csv.push_str(&format!(
            "A{index:05},First{index},Last{index},(202) 456-{index:04}\n"
        ));
    }
    csv.push_str("B00001,Alan,Turing,not a number\n");
    csv.push_str("A00000,First0,Last0,(202) 456-0000\n");
    csv
}

/// Signs in through the login page and waits for the navigation.
async fn sign_in(browser: &Client, address: &str, email: &str, password: &str) {
    browser.goto(&format!("{address}/login")).await.unwrap();
    type_into(browser, "#login-email", email).await;
    type_into(browser, "#login-password", password).await;
    click(browser, Locator::Css("form button[type=submit]")).await;
    click(browser, Locator::Css("nav a[href='/lists']")).await;
}

/// Polls `importJob(id)` until it has ended; returns the job.
async fn finished_job(app: &TestApp, token: &str, job_id: &str) -> Value {
    let query = "query($id: ID!) { importJob(id: $id) { status accepted rejected duplicates filtered error } }";
    let deadline = tokio::time::Instant::now() + IMPORT_PATIENCE;
    loop {
        let body = app
            .graphql(Some(token), query, json!({ "id": job_id }))
            .await;
        let status = &body["data"]["importJob"]["status"];
        if status == "SUCCEEDED" || status == "FAILED" {
            return body["data"]["importJob"].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the import did not end: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lists_page_shows_its_imports_with_their_counts() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let session = driver.browser(profile.path()).await;
    let browser = &session;

    let token = app.admin_token().await;
    let created = app
        .graphql(
            Some(&token),
            "mutation($input: CreateContactListInput!) { createContactList(input: $input) { id } }",
            json!({ "input": { "name": "Spring leads", "channel": "VOICE" } }),
        )
        .await;
    let list_id = created["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no list: {created}"))
        .to_owned();

    // A new list: nothing imported yet.
    sign_in(browser, &app.address, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    browser
        .goto(&format!("{}/lists/{list_id}", app.address))
        .await
        .unwrap();
    wait_for_text(browser, "No imports yet.").await;

    // Import a file through the API; the app's `lists` worker runs it.
    let queued = tests::graphql_upload(
        &app.client,
        &app.address,
        &token,
        IMPORT,
        json!({ "list": list_id, "file": null }),
        "spring-leads.csv",
        &leads_csv(),
    )
    .await;
    let job_id = queued["data"]["importContacts"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job: {queued}"))
        .to_owned();
    let job = finished_job(&app, &token, &job_id).await;
    assert_eq!(job["status"], "SUCCEEDED", "{job}");
    assert_eq!(
        (
            job["accepted"].as_i64(),
            job["rejected"].as_i64(),
            job["duplicates"].as_i64(),
            job["filtered"].as_i64()
        ),
        (Some(1_200), Some(1), Some(1), Some(0)),
        "{job}"
    );

    // The page shows it: file, mode, status and the counts, grouped.
    browser.refresh().await.unwrap();
    wait_until(
        "the import shows in the Imports table",
        move || async move { texts_of(browser, IMPORT_CELLS).await.len() == 9 },
    )
    .await;
    let cells = texts_of(browser, IMPORT_CELLS).await;
    assert!(cells[0].ends_with("UTC"), "the start time: {cells:?}");
    assert_eq!(
        cells[1..],
        [
            "spring-leads.csv",
            "Append",
            "Finished",
            "1,200",
            "1",
            "1",
            "0",
            "Rejected rows (CSV)"
        ],
        "{cells:?}"
    );
    let status_class = browser
        .find(Locator::Css(
            "section[aria-labelledby='imports-title'] tbody .badge",
        ))
        .await
        .unwrap()
        .attr("class")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(status_class.contains("badge--ok"), "{status_class:?}");
    assert_eq!(
        texts_of(
            browser,
            "section[aria-labelledby='imports-title'] .pager__label"
        )
        .await,
        ["Showing 1–1 of 1"]
    );
    // The section sits under the contacts: bring it into view for the picture.
    browser
        .execute(
            "document.getElementById('imports-title').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    screenshot(browser, "list-imports").await;

    // The rejected rows download with the bearer token; a refusal would show a banner.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Rejected rows (CSV)']"),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        browser
            .find(Locator::Css(
                "section[aria-labelledby='imports-title'] .banner--error"
            ))
            .await
            .is_err(),
        "the rejected rows download failed"
    );

    // A split import: its row names the lists it wrote to, each a link.
    let split = app
        .graphql(
            Some(&token),
            "mutation { createSplitRule(input: { name: \"By state\", kind: FIELD, field: \"device.state\" }) { id } }",
            json!({}),
        )
        .await;
    let split_id = split["data"]["createSplitRule"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no split rule: {split}"))
        .to_owned();
    let queued = tests::graphql_upload(
        &app.client,
        &app.address,
        &token,
        SPLIT_IMPORT,
        json!({ "list": list_id, "file": null, "split": split_id }),
        "regions.csv",
        REGIONS_CSV,
    )
    .await;
    let job_id = queued["data"]["importContacts"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job: {queued}"))
        .to_owned();
    let job = finished_job(&app, &token, &job_id).await;
    assert_eq!(job["status"], "SUCCEEDED", "{job}");
    browser.refresh().await.unwrap();
    let part_links = "section[aria-labelledby='imports-title'] .imports__parts a";
    wait_until("the split import names its parts", move || async move {
        let mut names = texts_of(browser, part_links).await;
        names.sort_unstable();
        names == ["Spring leads – CA", "Spring leads – DC"]
    })
    .await;
    let rows = texts_of(
        browser,
        "section[aria-labelledby='imports-title'] table tbody tr",
    )
    .await;
    assert_eq!(rows.len(), 2, "newest first: {rows:?}");
    assert!(rows[0].contains("regions.csv"), "{rows:?}");
    assert!(rows[1].contains("spring-leads.csv"), "{rows:?}");
    assert!(
        !rows[0].contains("Rejected rows (CSV)"),
        "nothing was rejected: {rows:?}"
    );
    browser
        .execute(
            "document.getElementById('imports-title').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    screenshot(browser, "list-imports-split").await;
    click(
        browser,
        Locator::XPath("//a[normalize-space(.)='Spring leads – CA']"),
    )
    .await;
    wait_for_text(browser, "No imports yet.").await;
    wait_until("the part's own page opened", move || async move {
        texts_of(browser, "h1").await == ["Spring leads – CA"]
    })
    .await;
    session.close().await.unwrap();
}
