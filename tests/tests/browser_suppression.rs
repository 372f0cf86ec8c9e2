//! The Suppression pages of the built SPA in headless Debian Chromium against
//! a real server: create a list, add two numbers, find one by searching for
//! it written another way, remove it, then upload a small CSV with one bad
//! row and see that row rejected with its line number.

use fantoccini::{Client, Locator};
use tests::browser::{
    ChromeDriver, PATIENCE, click, press, screenshot, scroll_to, texts_of, type_into,
    wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

/// A header (line 1), two good numbers — one written without its country
/// code, read with the panel's default country — and one that is not a
/// number (line 3).
const CSV: &str = "phone\n+1 212 736 5000\nnot a number\n(415) 867-5309\n";

/// The text of each row of the entries table.
async fn entry_rows(browser: &Client) -> Vec<String> {
    texts_of(
        browser,
        "section[aria-labelledby=entries-title] table tbody tr",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_add_search_remove_and_upload_through_the_page() {
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
    click(browser, Locator::Css("nav a[href='/suppression']")).await;

    // Create a list.
    press(browser, "New suppression list").await;
    type_into(browser, "#suppression-list-name", "Internal DNC").await;
    screenshot(browser, "suppression-new-list").await;
    press(browser, "Create list").await;
    click(browser, Locator::LinkText("Internal DNC")).await;

    // Add two numbers, written two ways.
    type_into(
        browser,
        "#suppression-values",
        "+1 212 736 5000\n(202) 456-1414",
    )
    .await;
    type_into(browser, "#suppression-reason", "Asked by phone").await;
    press(browser, "Add values").await;
    wait_for_text(browser, "2 added").await;
    wait_until("both entries are listed", move || async move {
        entry_rows(browser).await.len() == 2
    })
    .await;
    scroll_to(browser, "section[aria-labelledby=entries-title]").await;
    screenshot(browser, "suppression-detail").await;

    // Search finds one, written another way.
    type_into(browser, "#entry-search", "(212) 736-5000").await;
    press(browser, "Search").await;
    wait_until("the search keeps one entry", move || async move {
        let rows = entry_rows(browser).await;
        rows.len() == 1 && rows[0].contains("+12127365000")
    })
    .await;

    // Remove it.
    click(
        browser,
        Locator::Css("button[aria-label='Remove +12127365000']"),
    )
    .await;
    wait_for_text(browser, "No entry starts with this value.").await;

    // Upload a CSV with one bad row: it is rejected with its line.
    let folder = tempfile::tempdir().unwrap();
    let csv_path = folder.path().join("dnc.csv");
    std::fs::write(&csv_path, CSV).unwrap();
    let file_input = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#suppression-file"))
        .await
        .unwrap();
    file_input
        .send_keys(csv_path.to_str().unwrap())
        .await
        .unwrap();
    press(browser, "Upload").await;
    wait_for_text(browser, "Download rejected rows (CSV)").await;
    let rejected = texts_of(browser, ".upload-result table tbody tr").await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].starts_with('3') && rejected[0].contains("not a number"),
        "{rejected:?}"
    );
    let result = texts_of(browser, ".upload-result p").await;
    assert!(
        result.iter().any(|line| line.contains("2 added")),
        "{result:?}"
    );
    scroll_to(browser, "section[aria-labelledby=upload-title]").await;
    screenshot(browser, "suppression-upload-result").await;

    // The table holds the uploaded numbers (and the one added by hand).
    type_into(browser, "#entry-search", "").await;
    press(browser, "Search").await;
    wait_until("three entries are listed", move || async move {
        entry_rows(browser).await.len() == 3
    })
    .await;

    click(browser, Locator::Css("nav a[href='/suppression']")).await;
    wait_for_text(browser, "Internal DNC").await;
    screenshot(browser, "suppression-lists").await;
}
