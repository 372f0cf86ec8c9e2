//! A 1,000,000-row messy file (110 MB, Windows-1252, mixed phone formats, bad
//! rows, repeated accounts) uploaded through the wizard in headless Chromium to
//! a real server on the embedded default (SQLite, every role in one process):
//! the progress bar moves while the `lists` worker imports, and the result shows
//! the exact counts the deterministic generator produces.
//!
//! Set `REACHLINE_LARGE_IMPORT_ROWS` to run it with fewer rows while developing
//! (the expected counts are then read from a direct import of the same file).

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;
use tests::browser::{ChromeDriver, PATIENCE, click, screenshot, type_into, wait_for_text};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

/// How long the upload and the import may take on two busy cores.
const IMPORT_PATIENCE: Duration = Duration::from_secs(600);

/// The figures of a finished import of the full file.
const FULL: (usize, &str, &str, &str) = (1_000_000, "941,126", "49,857", "9,017");

/// The text of `css`, or empty while it is not on the page.
async fn text(browser: &Client, css: &str) -> String {
    match browser.find(Locator::Css(css)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The progress bar's value (0–100), when it shows one.
async fn percent(browser: &Client) -> Option<u32> {
    let bar = browser
        .find(Locator::Css("[role=progressbar]"))
        .await
        .ok()?;
    bar.attr("aria-valuenow").await.ok()??.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_row_upload_shows_live_progress_and_exact_counts() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let rows = std::env::var("REACHLINE_LARGE_IMPORT_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(FULL.0);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("messy-contacts.csv");
    tests::messy::generate(&path, rows).unwrap();

    let app = spawn_app(Stores::SqliteInProcess).await;
    let token = app.admin_token().await;
    let created = app
        .graphql(
            Some(&token),
            "mutation { createContactList(input: { name: \"Million\", channel: VOICE }) { id } }",
            json!({}),
        )
        .await;
    assert!(
        created["data"]["createContactList"]["id"].is_string(),
        "{created}"
    );
    let mapping = app
        .graphql(
            Some(&token),
            "mutation { createImportMapping(name: \"Messy export\", mapping: { defaultCountry: \"US\", columns: [ \
             { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
             { header: \"Last\", field: LAST_NAME }, { header: \"Company\", field: COMPANY }, \
             { header: \"Zip\", field: POSTAL_CODE }, { header: \"Home\", device: HOME }, \
             { header: \"Work\", device: WORK }, { header: \"Cell\", device: MOBILE }, \
             { header: \"Email\", device: EMAIL }, { header: \"Debt\", custom: 1 } ] }) { id } }",
            json!({}),
        )
        .await;
    assert!(
        mapping["data"]["createImportMapping"]["id"].is_string(),
        "{mapping}"
    );

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
    click(browser, Locator::Css("nav a[href='/lists']")).await;
    click(
        browser,
        Locator::XPath("//table//a[normalize-space(.)='Million']"),
    )
    .await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Import contacts']"),
    )
    .await;
    let input = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("input[type=file]"))
        .await
        .unwrap();
    input.send_keys(path.to_str().unwrap()).await.unwrap();
    wait_for_text(browser, "Acme 1").await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Next: map columns']"),
    )
    .await;
    let saved = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#import-saved-mapping"))
        .await
        .unwrap();
    saved
        .select_by_label("Messy export")
        .await
        .expect("the saved mapping is offered");
    screenshot(browser, "import-large-mapping").await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Next: choose mode']"),
    )
    .await;
    click(browser, Locator::Css("#import-mode-APPEND_ONLY")).await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Start import']"),
    )
    .await;

    // The bar moves: several distinct values below 100 % before the result shows.
    let started = std::time::Instant::now();
    let mut seen = Vec::new();
    let mut header_importing = false;
    while text(browser, "#import-accepted").await.is_empty() {
        header_importing |= text(browser, ".badge--info").await.contains("Importing");
        assert!(
            started.elapsed() < IMPORT_PATIENCE,
            "the import did not finish; saw {seen:?}"
        );
        if let Some(value) = percent(browser).await
            && value < 100
            && seen.last() != Some(&value)
        {
            seen.push(value);
            if seen.len() == 2 {
                screenshot(browser, "import-large-progress").await;
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if rows == FULL.0 {
        assert!(seen.len() >= 3, "the progress bar barely moved: {seen:?}");
        assert!(
            header_importing,
            "the list's header never said it was importing"
        );
    }
    screenshot(browser, "import-large-result").await;
    let counts = (
        text(browser, "#import-accepted").await,
        text(browser, "#import-rejected").await,
        text(browser, "#import-duplicates").await,
    );
    if rows == FULL.0 {
        assert_eq!(
            (counts.0.as_str(), counts.1.as_str(), counts.2.as_str()),
            (FULL.1, FULL.2, FULL.3),
            "progress seen: {seen:?}"
        );
    }
    let body = app
        .graphql(
            Some(&token),
            "{ contactLists(first: 5) { nodes { name status contactCount } } }",
            json!({}),
        )
        .await;
    let list = &body["data"]["contactLists"]["nodes"][0];
    assert_eq!(list["status"], "READY", "{body}");
    assert_eq!(
        list["contactCount"].as_i64(),
        counts.0.replace(',', "").parse::<i64>().ok(),
        "{body}"
    );
    session.close().await.unwrap();
}
