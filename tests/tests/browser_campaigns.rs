//! The Campaigns section of the built SPA in headless Debian Chromium against
//! a real server: with a contact list seeded through GraphQL and the calling
//! window open all day, an admin creates a campaign template (and sees a
//! duplicate name flagged at its field), creates a campaign on the list,
//! loads it, waits for the load to be READY and browses the calling list,
//! starts it and reads the dashboard's live counters and the dialability
//! table, stops and unloads it; then loads, starts and force-unloads it
//! through the confirmation dialog. Every page is screenshotted.

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use tests::browser::{
    ChromeDriver, PATIENCE, click, press, screenshot, scroll_to, texts_of, type_into,
    wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, TestApp, USER_PASSWORD, spa_dir, spawn_app};

/// Contacts seeded into the list (two phones each).
const CONTACTS: usize = 3;
const LIST_NAME: &str = "Spring leads";
const TEMPLATE_NAME: &str = "Floor template";
const CAMPAIGN_NAME: &str = "Spring calls";
const VIEWER_EMAIL: &str = "viewer@example.com";

/// The text of the element with `id`, or "" while it is not on the page.
async fn text_of(browser: &Client, id: &str) -> String {
    texts_of(browser, &format!("#{id}"))
        .await
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Picks the option of `<select id=select_id>` whose text starts with `text`.
async fn choose(browser: &Client, select_id: &str, text: &str) {
    let xpath =
        format!("//select[@id='{select_id}']/option[starts-with(normalize-space(.), '{text}')]");
    click(browser, Locator::XPath(&xpath)).await;
}

/// Presses the campaign control `transition` (`LOAD`, `START`, …) inside `scope` (XPath).
async fn control(browser: &Client, scope: &str, transition: &str) {
    let xpath = format!("{scope}//button[@data-transition='{transition}']");
    click(browser, Locator::XPath(&xpath)).await;
}

/// The campaigns table's row of the test campaign.
const CAMPAIGN_ROW: &str = "//tr[@data-campaign='Spring calls']";
/// The dashboard's controls.
const DASHBOARD: &str = "//section[contains(@class, 'campaign-header')]";

/// Creates the contact list through GraphQL and seeds its contacts.
async fn seed_the_list(app: &TestApp, token: &str) {
    let created = app
        .graphql(
            Some(token),
            "mutation($name: String!) { createContactList(input: { name: $name, channel: VOICE }) { id } }",
            json!({ "name": LIST_NAME }),
        )
        .await;
    let list_id: uuid::Uuid = created["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no list: {created}"))
        .parse()
        .unwrap();
    let me = app
        .graphql(Some(token), "{ me { tenant { id } } }", json!({}))
        .await;
    let tenant_id: uuid::Uuid = me["data"]["me"]["tenant"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no tenant id: {me}"))
        .parse()
        .unwrap();
    tests::seed_contacts(&app.services, tenant_id, list_id, CONTACTS).await;
}

/// An API client key with the lease and call-report scopes.
async fn dialer_key(app: &TestApp, token: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            "mutation($input: CreateApiClientInput!) { createApiClient(input: $input) { key } }",
            json!({ "input": { "name": "Floor dialer", "scopes": ["OCS_LEASE", "OCS_HISTORY"] } }),
        )
        .await;
    body["data"]["createApiClient"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("no key: {body}"))
        .to_owned()
}

/// POSTs `body` with the dialer's key; returns the status and the answer.
async fn post(app: &TestApp, key: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .header("X-API-Key", key)
        .json(body)
        .send()
        .await
        .expect("the dialer request is answered");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Leases three records and reports answer (33), busy (6) and abandoned (21)
/// for them, both history records of each attempt as OCS sends them.
async fn dial_three(app: &TestApp, key: &str, campaign_id: &str) {
    let (status, leased) = post(
        app,
        key,
        &format!("/ocs/v1/campaigns/{campaign_id}/records:lease"),
        &json!({ "count": 3 }),
    )
    .await;
    assert_eq!(status, 200, "{leased}");
    let records = leased["records"].as_array().cloned().unwrap_or_default();
    assert_eq!(records.len(), 3, "{leased}");
    let now = chrono::Utc::now().timestamp();
    for (index, (record, result)) in records.iter().zip(["33", "6", "21"]).enumerate() {
        for (sequence, code) in [(0, "28"), (1, result)] {
            let mut report = json!({
                "GSW_CALL_ATTEMPT_GUID": format!("browser-campaign-{index}"),
                "GSW_HIST_SEQUENCE_NUM": sequence,
                "GSW_CALL_RESULT": code,
                "GSW_CALL_TIME": now,
            });
            for name in [
                "GSW_RECORD_HANDLE",
                "GSW_PHONE",
                "GSW_CHAIN_ID",
                "GSW_CUSTOMER_ID",
                "GSW_TZ_NAME",
                "GSW_CAMPAIGN_NAME",
            ] {
                report[name] = record[name].clone();
            }
            let (status, answer) = post(app, key, "/ocs/v1/history", &report).await;
            assert_eq!(status, 200, "{report} → {answer}");
        }
    }
}

/// Waits until the dashboard's state badge says `state`.
async fn wait_for_state(browser: &Client, state: &str) {
    let expected = state.to_owned();
    let expected = &expected;
    wait_until(&format!("the campaign is {state}"), move || async move {
        text_of(browser, "campaign-state").await == *expected
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaign_is_built_loaded_started_watched_stopped_and_unloaded_in_the_pages() {
    the_whole_flow(Stores::SqliteInProcess).await;
}

/// The same on PostgreSQL, with the live events crossing Redis pub/sub.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_campaign_pages_work_on_postgres_and_redis() {
    the_whole_flow(Stores::PostgresRedis).await;
}

/// The flow of the module comment, on `stores`.
async fn the_whole_flow(stores: Stores) {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    // Both runs take screenshots; the PostgreSQL one's names start with `pg-`.
    let prefix = match stores {
        Stores::SqliteInProcess => "",
        Stores::PostgresRedis => "pg-",
    };
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    app.open_calling_window_all_day(&token).await;
    seed_the_list(&app, &token).await;

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let session = driver.browser(profile.path()).await;
    let browser = &session;
    browser
        .goto(&format!("{}/login", app.address))
        .await
        .unwrap();
    type_into(browser, "#login-email", ADMIN_EMAIL).await;
    type_into(browser, "#login-password", ADMIN_PASSWORD).await;
    click(browser, Locator::Css("form button[type=submit]")).await;

    // A template with the defaults, one own treatment and a narrower window.
    click(browser, Locator::Css("nav a[href='/campaign-templates']")).await;
    wait_for_text(browser, "No templates yet.").await;
    press(browser, "New template").await;
    type_into(browser, "#template-name", TEMPLATE_NAME).await;
    type_into(browser, "#template-caller-id", "+12025550100").await;
    choose(browser, "template-treatment-result", "Busy").await;
    press(browser, "Add treatment").await;
    wait_for_text(browser, "This template").await;
    screenshot(browser, &format!("{prefix}campaign-template-new")).await;
    press(browser, "Create template").await;
    let template_row = "//tr[@data-template='Floor template']";
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(template_row))
        .await
        .expect("the template is listed");
    screenshot(browser, &format!("{prefix}campaign-templates")).await;

    // Its editor shows the effective treatments, its own one marked.
    click(
        browser,
        Locator::XPath(&format!(
            "{template_row}//button[normalize-space(.)='Edit']"
        )),
    )
    .await;
    wait_for_text(browser, "Default").await;
    let own_rows = texts_of(browser, "tr.treatment--own").await;
    assert_eq!(own_rows.len(), 1, "{own_rows:?}");
    assert!(own_rows[0].starts_with("Busy"), "{own_rows:?}");
    assert!(!texts_of(browser, "tr.treatment--default").await.is_empty());
    screenshot(browser, &format!("{prefix}campaign-template-editor")).await;
    scroll_to(browser, "#template-treatments").await;
    screenshot(browser, &format!("{prefix}campaign-template-treatments")).await;

    // The same name again: the server's refusal lands next to the Name field.
    press(browser, "New template").await;
    type_into(browser, "#template-name", TEMPLATE_NAME).await;
    press(browser, "Create template").await;
    let name_error = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#template-name-error"))
        .await
        .expect("the duplicate name is flagged at the field");
    let name_error = name_error.text().await.unwrap();
    assert!(!name_error.is_empty());
    scroll_to(browser, "#template-editor").await;
    screenshot(
        browser,
        &format!("{prefix}campaign-template-duplicate-name"),
    )
    .await;

    // A campaign on the list.
    click(browser, Locator::Css("nav a[href='/campaigns']")).await;
    wait_for_text(browser, "No campaigns yet.").await;
    press(browser, "New campaign").await;
    type_into(browser, "#campaign-name", CAMPAIGN_NAME).await;
    choose(browser, "campaign-template", TEMPLATE_NAME).await;
    choose(browser, "campaign-add-list", LIST_NAME).await;
    press(browser, "Add list").await;
    press(browser, "Add sort field").await;
    screenshot(browser, &format!("{prefix}campaign-editor")).await;
    press(browser, "Create campaign").await;
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(CAMPAIGN_ROW))
        .await
        .expect("the campaign is listed");

    // Load: the row follows the build until it is ready.
    control(browser, CAMPAIGN_ROW, "LOAD").await;
    let ready = format!("Ready: {CONTACTS} contacts");
    let ready = &ready;
    wait_until("the load is ready", move || async move {
        match browser.find(Locator::XPath(CAMPAIGN_ROW)).await {
            Ok(row) => row
                .text()
                .await
                .unwrap_or_default()
                .contains(ready.as_str()),
            Err(_) => false,
        }
    })
    .await;
    let row_text = browser
        .find(Locator::XPath(CAMPAIGN_ROW))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        row_text.contains("Loaded") && row_text.contains(TEMPLATE_NAME),
        "{row_text}"
    );
    screenshot(browser, &format!("{prefix}campaigns-loaded")).await;

    // The calling list browser shows the records.
    click(
        browser,
        Locator::XPath(&format!(
            "{CAMPAIGN_ROW}//a[normalize-space(.)='{CAMPAIGN_NAME}']"
        )),
    )
    .await;
    wait_for_state(browser, "Loaded").await;
    click(
        browser,
        Locator::XPath("//a[normalize-space(.)='Calling list']"),
    )
    .await;
    wait_until("the calling list shows records", move || async move {
        !texts_of(browser, "table tbody tr").await.is_empty()
    })
    .await;
    let records = texts_of(browser, "table tbody tr").await;
    assert!(
        records.iter().any(|row| row.contains("Ready")),
        "{records:?}"
    );
    let total = texts_of(browser, ".pager__label").await.join("");
    screenshot(browser, &format!("{prefix}campaign-records")).await;
    choose(browser, "record-status-filter", "Ready").await;
    wait_until("the filter keeps ready records", move || async move {
        let rows = texts_of(browser, "table tbody tr").await;
        !rows.is_empty() && rows.iter().all(|row| row.contains("Ready"))
    })
    .await;
    let record_count = records.len();

    // Start from the dashboard; the counters and the dialability table fill in.
    click(
        browser,
        Locator::XPath(&format!("//nav//a[normalize-space(.)='{CAMPAIGN_NAME}']")),
    )
    .await;
    wait_for_state(browser, "Loaded").await;
    control(browser, DASHBOARD, "START").await;
    wait_for_state(browser, "Running").await;
    wait_until("the counters show the records", move || async move {
        let shown = text_of(browser, "stat-records-total").await;
        shown
            .parse::<usize>()
            .is_ok_and(|count| count >= record_count.min(1))
    })
    .await;
    let records_total = text_of(browser, "stat-records-total").await;
    assert!(
        total.ends_with(&format!("of {records_total}")) || total.contains(&records_total),
        "{total} vs {records_total}"
    );
    // A dialer leases three records and reports an answer, a busy and an
    // abandoned call: the open dashboard counts them live.
    let url = browser.current_url().await.unwrap();
    let campaign_id = url
        .path()
        .strip_prefix("/campaigns/")
        .expect("the dashboard is /campaigns/<id>")
        .to_owned();
    let key = dialer_key(&app, &token).await;
    dial_three(&app, &key, &campaign_id).await;
    wait_until(
        "the live counters show the three attempts",
        move || async move { text_of(browser, "stat-dialed").await == "3" },
    )
    .await;
    assert_eq!(text_of(browser, "stat-abandoned").await, "1");
    assert_eq!(text_of(browser, "stat-busy").await, "1");
    let bars = browser
        .find_all(Locator::Css(".chart__attempts"))
        .await
        .unwrap();
    assert!(!bars.is_empty(), "the attempts chart has a bar");
    press(browser, "Refresh").await;
    wait_until(
        "the dialability table counts the records",
        move || async move {
            let shown = text_of(browser, "dialability-records").await;
            !shown.is_empty() && shown != "0"
        },
    )
    .await;
    scroll_to(browser, "nav[aria-label=Breadcrumb]").await;
    screenshot(browser, &format!("{prefix}campaign-dashboard")).await;
    scroll_to(browser, "#campaign-counters-title").await;
    screenshot(browser, &format!("{prefix}campaign-dashboard-charts")).await;
    press(browser, "Settings").await;
    wait_for_text(
        browser,
        "Settings can be changed only while the campaign is unloaded",
    )
    .await;
    let save_disabled = browser
        .find(Locator::XPath(
            "//button[normalize-space(.)='Save campaign']",
        ))
        .await
        .unwrap()
        .attr("disabled")
        .await
        .unwrap();
    assert!(
        save_disabled.is_some(),
        "a running campaign's settings are read-only"
    );
    scroll_to(browser, "#campaign-editor").await;
    screenshot(browser, &format!("{prefix}campaign-settings-blocked")).await;
    press(browser, "Settings").await;
    scroll_to(browser, "#dialability").await;
    screenshot(browser, &format!("{prefix}campaign-dashboard-dialability")).await;

    // Stop, then unload.
    control(browser, DASHBOARD, "STOP").await;
    wait_for_state(browser, "Stopped").await;
    control(browser, DASHBOARD, "UNLOAD").await;
    wait_for_state(browser, "Unloaded").await;
    screenshot(browser, &format!("{prefix}campaign-unloaded")).await;

    // Load and start again, then force-unload through the question.
    control(browser, DASHBOARD, "LOAD").await;
    wait_for_state(browser, "Loaded").await;
    wait_until("the load is ready again", move || async move {
        text_of(browser, "campaign-load-status")
            .await
            .starts_with("Ready")
    })
    .await;
    control(browser, DASHBOARD, "START").await;
    wait_for_state(browser, "Running").await;
    control(browser, DASHBOARD, "FORCE_UNLOAD").await;
    browser.accept_alert().await.unwrap();
    wait_for_state(browser, "Unloaded").await;

    // The list agrees.
    click(browser, Locator::Css("nav a[href='/campaigns']")).await;
    wait_until("the row says Unloaded", move || async move {
        match browser.find(Locator::XPath(CAMPAIGN_ROW)).await {
            Ok(row) => row.text().await.unwrap_or_default().contains("Unloaded"),
            Err(_) => false,
        }
    })
    .await;
    screenshot(browser, &format!("{prefix}campaigns-unloaded")).await;

    // The template is in use: deleting it is refused with the server's message.
    click(browser, Locator::Css("nav a[href='/campaign-templates']")).await;
    click(
        browser,
        Locator::XPath(
            "//tr[@data-template='Floor template']//button[normalize-space(.)='Delete']",
        ),
    )
    .await;
    browser.accept_alert().await.unwrap();
    wait_for_text(browser, "The template was not deleted").await;
    assert!(
        browser
            .find(Locator::XPath("//tr[@data-template='Floor template']"))
            .await
            .is_ok(),
        "the template is still listed"
    );
    screenshot(browser, &format!("{prefix}campaign-template-in-use")).await;

    // A viewer reads campaigns and templates but gets no controls.
    app.create_user(&token, VIEWER_EMAIL, "VIEWER").await;
    press(browser, "Sign out").await;
    type_into(browser, "#login-email", VIEWER_EMAIL).await;
    type_into(browser, "#login-password", USER_PASSWORD).await;
    click(browser, Locator::Css("form button[type=submit]")).await;
    click(browser, Locator::Css("nav a[href='/campaigns']")).await;
    wait_until(
        "the viewer sees the campaign read-only",
        move || async move {
            match browser.find(Locator::XPath(CAMPAIGN_ROW)).await {
                Ok(row) => row.text().await.unwrap_or_default().contains("Read-only"),
                Err(_) => false,
            }
        },
    )
    .await;
    assert!(
        browser
            .find(Locator::XPath(
                "//button[normalize-space(.)='New campaign']"
            ))
            .await
            .is_err(),
        "a viewer cannot create campaigns"
    );
    assert!(
        browser
            .find(Locator::Css("button[data-transition]"))
            .await
            .is_err(),
        "a viewer gets no controls"
    );
    screenshot(browser, &format!("{prefix}campaigns-viewer")).await;
}
