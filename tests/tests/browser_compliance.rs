//! The Compliance page of the built SPA in headless Debian Chromium against a
//! real server: edit the default window's end, add a region override and a
//! holiday, save, reload and see them kept; check a number inside and outside
//! the window and read the verdicts; turn the emergency stop on (with its
//! confirmation), see a check refused by it, and turn it off.

use fantoccini::{Client, Locator};
use serde_json::json;
use tests::browser::{
    ChromeDriver, PATIENCE, click, press, screenshot, scroll_to, texts_of, type_into,
    wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

/// Sets an `<input>` the way a date or date-time picker does (typing into
/// them depends on the browser's locale) and tells the page.
async fn set_input(browser: &Client, css: &str, value: &str) {
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css} is missing: {error}"));
    browser
        .execute(
            "const input = document.querySelector(arguments[0]);
             input.value = arguments[1];
             input.dispatchEvent(new Event('input', { bubbles: true }));
             input.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![json!(css), json!(value)],
        )
        .await
        .unwrap();
}

/// The browser's own `datetime-local` text for a UTC instant, so the test
/// does not depend on the zone Chromium runs in.
async fn local_text(browser: &Client, utc: &str) -> String {
    let value = browser
        .execute(
            "const d = new Date(arguments[0]);
             const two = (n) => String(n).padStart(2, '0');
             return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;",
            vec![json!(utc)],
        )
        .await
        .unwrap();
    value.as_str().unwrap().to_owned()
}

/// The value property of the input at `css`.
async fn value_of(browser: &Client, css: &str) -> String {
    let element = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    element.prop("value").await.unwrap().unwrap_or_default()
}

/// Checks +1 212 736 5000 (the default mode, Preview) at `utc` and waits for an answer.
async fn check_at(browser: &Client, utc: &str) {
    let local = local_text(browser, utc).await;
    type_into(browser, "#check-phone", "+1 212 736 5000").await;
    set_input(browser, "#check-at", &local).await;
    press(browser, "Check").await;
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(".check-result"))
        .await
        .unwrap();
}

/// The verdict table's row for `rule` (its label, e.g. "Calling window").
async fn verdict_row(browser: &Client, rule: &str) -> String {
    let rows = texts_of(browser, ".check-result table tbody tr").await;
    rows.into_iter()
        .find(|row| row.starts_with(rule))
        .unwrap_or_else(|| panic!("no verdict for {rule}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_save_check_and_stop_through_the_page() {
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
    click(browser, Locator::Css("nav a[href='/compliance']")).await;
    wait_for_text(browser, "Refuses every contact of this tenant at once").await;
    wait_for_text(browser, "Area codes").await;
    screenshot(browser, "compliance-top").await;

    // Edit the default window, add an NY override and a holiday, save.
    type_into(browser, "#window-default-slot-0-end", "20:00").await;
    let picker = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#region-picker"))
        .await
        .unwrap();
    picker.select_by_value("NY").await.unwrap();
    press(browser, "Add override").await;
    type_into(browser, "#window-ny-slot-0-start", "09:00").await;
    set_input(browser, "#holiday-date", "2026-12-25").await;
    press(browser, "Add holiday").await;
    wait_for_text(browser, "2026-12-25").await;
    scroll_to(browser, "#window-ny").await;
    screenshot(browser, "compliance-editor").await;
    press(browser, "Save rules").await;
    wait_for_text(browser, "Compliance rules saved").await;

    // Reload: everything was kept.
    browser.refresh().await.unwrap();
    let end = value_of(browser, "#window-default-slot-0-end").await;
    assert_eq!(end, "20:00");
    assert_eq!(value_of(browser, "#window-ny-slot-0-start").await, "09:00");
    wait_for_text(browser, "2026-12-25").await;
    let token = app.admin_token().await;
    let body = app
        .graphql(Some(&token), "{ complianceRuleSet { rules } }", json!({}))
        .await;
    let windows = &body["data"]["complianceRuleSet"]["rules"]["callingWindows"];
    assert_eq!(windows["default"]["slots"][0]["end"], "20:00", "{body}");
    assert_eq!(windows["regions"]["NY"]["slots"][0]["start"], "09:00");
    assert_eq!(windows["holidays"], json!(["2026-12-25"]));

    // Wednesday 13:00 in New York: allowed; 22:00 there: refused by the window.
    check_at(browser, "2026-11-18T18:00:00Z").await;
    wait_for_text(browser, "Allowed").await;
    assert!(
        verdict_row(browser, "Calling window")
            .await
            .contains("Allowed")
    );
    scroll_to(browser, ".check-result").await;
    screenshot(browser, "compliance-check-allowed").await;
    check_at(browser, "2026-11-19T03:00:00Z").await;
    wait_until("the check is refused", move || async move {
        texts_of(browser, ".verdict-banner")
            .await
            .iter()
            .any(|text| text.starts_with("Refused"))
    })
    .await;
    assert!(
        verdict_row(browser, "Calling window")
            .await
            .contains("Refused")
    );
    wait_for_text(browser, "Next allowed:").await;
    scroll_to(browser, ".check-result").await;
    screenshot(browser, "compliance-check-refused").await;

    // Emergency stop on, with its confirmation and reason.
    browser
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    press(browser, "Emergency stop").await;
    type_into(browser, "#stop-reason", "Carrier complaint drill").await;
    screenshot(browser, "compliance-stop-dialog").await;
    press(browser, "Stop all contact").await;
    wait_for_text(browser, "Emergency stop is ON").await;
    check_at(browser, "2026-11-18T18:00:00Z").await;
    wait_until("the check is refused by the stop", move || async move {
        texts_of(browser, ".verdict-banner")
            .await
            .iter()
            .any(|text| text.starts_with("Refused") && text.contains("Emergency stop"))
    })
    .await;
    browser
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    screenshot(browser, "compliance-stop-on").await;

    // And off again.
    press(browser, "Turn off the emergency stop").await;
    press(browser, "Emergency stop").await;
    press(browser, "Cancel").await;
    check_at(browser, "2026-11-18T18:00:00Z").await;
    wait_until("the check is allowed again", move || async move {
        texts_of(browser, ".verdict-banner")
            .await
            .iter()
            .any(|text| text.starts_with("Allowed"))
    })
    .await;
}
