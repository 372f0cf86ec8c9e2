//! The Jobs pages of the built SPA in headless Debian Chromium against a
//! real server: save an SFTP connection, create a PURGE job while the cron
//! helper refuses an out-of-range minute and then lists the next five
//! firings, open the job, press "Run now" and see the run succeed in the
//! live run history.

use fantoccini::{Client, Locator};
use tests::browser::{
    ChromeDriver, PATIENCE, click, screenshot, scroll_to, texts_of, type_into, wait_for_text,
    wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

/// Clicks the button whose visible text is exactly `text`.
async fn press(browser: &Client, text: &str) {
    let xpath = format!("//button[normalize-space(.)='{text}']");
    click(browser, Locator::XPath(&xpath)).await;
}

/// Picks the option whose value is `value` in the `<select>` at `css`.
async fn choose(browser: &Client, css: &str, value: &str) {
    let select = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css} is missing: {error}"));
    select.select_by_value(value).await.unwrap();
}

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
    choose(browser, "#sftp-auth-method", "PASSWORD").await;
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
    choose(browser, "#job-kind", "PURGE").await;
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
