//! The Jobs pages of the built SPA in headless Debian Chromium against a
//! real server: save an SFTP connection, create a PURGE job while the cron
//! helper refuses an out-of-range minute and then lists the next five
//! firings, open the job, press "Run now" and see the run succeed in the
//! live run history.

use fantoccini::Locator;
use tests::browser::{
    ChromeDriver, click, press, screenshot, scroll_to, select_value, texts_of, type_into,
    wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_a_job_with_the_cron_helper_and_run_it_now() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
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
    click(browser, Locator::Css("nav a[href='/jobs']")).await;

    // Save an SFTP connection (not tested: no server listens there).
    press(browser, "New SFTP connection").await;
    type_into(browser, "#sftp-name", "Vendor drop").await;
    type_into(browser, "#sftp-host", "127.0.0.1").await;
    type_into(browser, "#sftp-port", "2222").await;
    type_into(browser, "#sftp-username", "reach").await;
    select_value(browser, "#sftp-auth-method", "PASSWORD").await;
    type_into(browser, "#sftp-password", "s3cret").await;
    press(browser, "Save connection").await;
    wait_until("the connection is listed", move || async move {
        let rows = texts_of(
            browser,
            "section[aria-labelledby=sftp-title] table tbody tr",
        )
        .await;
        rows.iter()
            .any(|row| row.contains("Vendor drop") && row.contains("127.0.0.1:2222"))
    })
    .await;

    // A PURGE job: the cron helper refuses minute 61, then lists five firings.
    press(browser, "New job").await;
    type_into(browser, "#job-name", "Nightly purge").await;
    select_value(browser, "#job-kind", "PURGE").await;
    type_into(browser, "#job-time-zone", "America/New_York").await;
    type_into(browser, "#job-cron", "61 * * * *").await;
    wait_until("the minute field is named", move || async move {
        texts_of(browser, "#job-cron-error")
            .await
            .iter()
            .any(|message| message.to_lowercase().contains("minute"))
    })
    .await;
    screenshot(browser, "jobs-cron-error").await;
    type_into(browser, "#job-cron", "0 6 * * *").await;
    wait_until("five firings are previewed", move || async move {
        texts_of(browser, "#job-cron-preview li").await.len() == 5
    })
    .await;
    let firings = texts_of(browser, "#job-cron-preview li").await;
    assert!(
        firings.iter().all(|firing| firing.contains("06:00")),
        "{firings:?}"
    );
    screenshot(browser, "jobs-editor").await;
    press(browser, "Save job").await;

    // The job's page: run it now and watch the run succeed.
    wait_for_text(browser, "Run history").await;
    wait_until("the job page lists five firings", move || async move {
        texts_of(browser, "#job-next-firings li").await.len() == 5
    })
    .await;
    press(browser, "Run now").await;
    wait_until("the run succeeded", move || async move {
        !texts_of(
            browser,
            "section[aria-labelledby=runs-title] table tbody tr[data-status=SUCCEEDED]",
        )
        .await
        .is_empty()
    })
    .await;
    scroll_to(browser, "section[aria-labelledby=runs-title]").await;
    screenshot(browser, "jobs-run-history").await;

    // Back on the list, the job shows its schedule and last run.
    click(browser, Locator::Css("nav a[href='/jobs']")).await;
    wait_until("the job is listed with its schedule", move || async move {
        texts_of(
            browser,
            "section[aria-labelledby=jobs-title] table tbody tr",
        )
        .await
        .iter()
        .any(|row| row.contains("Nightly purge") && row.contains("0 6 * * * (America/New_York)"))
    })
    .await;
    screenshot(browser, "jobs-list").await;
}

/// A file the automation finds: a header and three people.
const LEADS: &str = "Account,First,Last,Cell\nA-1001,Ann,Lee,+1 212 736 5001\nA-1002,Bob,Ray,(415) 867-5309\nA-1003,Cy,Oh,+1 646 555 0142\n";

/// Runs a GraphQL operation as `token` and returns `data`, panicking on errors.
async fn data(app: &tests::TestApp, token: &str, query: &str) -> serde_json::Value {
    let body = app.graphql(Some(token), query, serde_json::json!({})).await;
    assert!(body["errors"].is_null(), "{query}: {body}");
    body["data"].clone()
}

/// The "done when": a list automation job made in the page, against a
/// real OpenSSH server, picks the dropped file up and ends with the campaign
/// loaded and running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_automation_made_in_the_page_loads_and_starts_the_campaign() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let server = tests::sshd::Sshd::start();
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    server.write_file(
        &format!("incoming/leads_{today}_east.csv"),
        LEADS.as_bytes(),
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let token = app.admin_token().await;
    app.open_calling_window_all_day(&token).await;
    // What the job names, made beforehand: a campaign (with an empty seed list) and a saved mapping.
    let seed = data(
        &app,
        &token,
        "mutation { createContactList(input: { name: \"Seed\", channel: VOICE }) { id } }",
    )
    .await;
    let template = data(&app, &token, "mutation { createCampaignTemplate(input: { name: \"Preview\", dialingMode: PREVIEW }) { id } }").await;
    let campaign = data(
        &app,
        &token,
        &format!(
            "mutation {{ createCampaign(input: {{ name: \"Daily leads\", templateId: \"{}\", lists: [{{ listId: \"{}\" }}] }}) {{ id }} }}",
            template["createCampaignTemplate"]["id"].as_str().unwrap(),
            seed["createContactList"]["id"].as_str().unwrap()
        ),
    )
    .await;
    let campaign_id = campaign["createCampaign"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mapping = data(
        &app,
        &token,
        "mutation { createImportMapping(name: \"Leads drop\", mapping: { defaultCountry: \"US\", columns: [ \
         { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
         { header: \"Last\", field: LAST_NAME }, { header: \"Cell\", device: MOBILE } ] }) { id } }",
    )
    .await;
    let mapping_id = mapping["createImportMapping"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

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
    click(browser, Locator::Css("nav a[href='/jobs']")).await;

    // The connection: tested against the real server, its key pinned from the test, saved.
    press(browser, "New SFTP connection").await;
    type_into(browser, "#sftp-name", "Client drop").await;
    type_into(browser, "#sftp-host", "127.0.0.1").await;
    type_into(browser, "#sftp-port", &server.port.to_string()).await;
    type_into(browser, "#sftp-username", &server.username).await;
    select_value(browser, "#sftp-auth-method", "PASSWORD").await;
    type_into(browser, "#sftp-password", &server.password).await;
    type_into(browser, "#sftp-test-directory", "incoming").await;
    press(browser, "Test connection").await;
    press(browser, "Pin this fingerprint").await;
    let pinned = browser
        .find(Locator::Css("#sftp-fingerprint"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(pinned, server.host_key_fingerprint);
    press(browser, "Test connection").await;
    wait_for_text(browser, &format!("leads_{today}_east.csv")).await;
    screenshot(browser, "jobs-sftp-tested").await;
    press(browser, "Save connection").await;
    wait_until("the connection is listed", move || async move {
        texts_of(
            browser,
            "section[aria-labelledby=sftp-title] table tbody tr",
        )
        .await
        .iter()
        .any(|row| row.contains("Client drop"))
    })
    .await;
    let connections = data(
        &app,
        &token,
        "{ sftpConnections { id hostKeyFingerprint } }",
    )
    .await;
    let connection_id = connections["sftpConnections"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        connections["sftpConnections"][0]["hostKeyFingerprint"],
        server.host_key_fingerprint.as_str()
    );

    // The automation job.
    press(browser, "New job").await;
    type_into(browser, "#job-name", "Leads automation").await;
    select_value(browser, "#job-kind", "LIST_AUTOMATION").await;
    type_into(browser, "#job-cron", "0 0 7 * * 1-5").await;
    type_into(browser, "#job-time-zone", "UTC").await;
    select_value(browser, "#job-source-connection", &connection_id).await;
    type_into(browser, "#job-source-directory", "incoming").await;
    type_into(browser, "#job-source-pattern", "leads_{date:%Y%m%d}_*.csv").await;
    select_value(browser, "#job-after-pickup", "MOVE").await;
    type_into(browser, "#job-move-to", "done").await;
    type_into(
        browser,
        "#job-new-list-name",
        "Leads {date:%Y-%m-%d} {file}",
    )
    .await;
    select_value(browser, "#job-import-mapping", &mapping_id).await;
    select_value(browser, "#job-campaign", &campaign_id).await;
    click(browser, Locator::Css("#job-start-campaign")).await;
    wait_until("five firings are previewed", move || async move {
        texts_of(browser, "#job-cron-preview li").await.len() == 5
    })
    .await;
    screenshot(browser, "jobs-automation-editor").await;
    press(browser, "Save job").await;

    // Run it now: the run history shows it succeed, its log tells each step.
    wait_for_text(browser, "Run history").await;
    press(browser, "Run now").await;
    wait_until("the automation run succeeded", move || async move {
        !texts_of(
            browser,
            "section[aria-labelledby=runs-title] table tbody tr[data-status=SUCCEEDED]",
        )
        .await
        .is_empty()
    })
    .await;
    press(browser, "Log").await;
    wait_for_text(browser, "start → now RUNNING").await;
    scroll_to(browser, "section[aria-labelledby=runs-title]").await;
    screenshot(browser, "jobs-automation-run").await;

    let state = data(
        &app,
        &token,
        &format!("{{ campaign(id: \"{campaign_id}\") {{ state loadStatus lists {{ list {{ contactCount }} }} }} }}"),
    )
    .await;
    assert_eq!(state["campaign"]["state"], "RUNNING", "{state}");
    assert_eq!(state["campaign"]["loadStatus"], "READY", "{state}");
    assert_eq!(
        state["campaign"]["lists"][1]["list"]["contactCount"], 3,
        "{state}"
    );
    assert!(
        server.exists(&format!("done/leads_{today}_east.csv")),
        "moved after pickup"
    );
}
