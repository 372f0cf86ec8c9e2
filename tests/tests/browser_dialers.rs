//! The dialer side of the built SPA in headless Debian Chromium against a
//! real server: an admin creates an API client with the pre-dial validation
//! scope and reads its key (and the `curl` example) off the screen; the test
//! then validates records with that key as a dialer would — allowed,
//! refused by a suppression list, and one that is not a number — watches the
//! Dialer traffic page count them and name the refusing rule, revokes the
//! client in the page and sees the key refused with 401 at once.

use fantoccini::{Client, Locator};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tests::browser::{
    ChromeDriver, PATIENCE, click, press, screenshot, scroll_to, texts_of, type_into,
    wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, TestApp, spa_dir, spawn_app};

/// The number dialers may call (New York; the window is opened to the whole day).
const ALLOWED_PHONE: &str = "+12127365000";
/// The number the suppression list refuses.
const SUPPRESSED_PHONE: &str = "+14158675309";
/// The suppression list's name.
const SUPPRESSION_LIST: &str = "Floor DNC";

const ALLOWED_RECORDS: usize = 20;
const REFUSED_RECORDS: usize = 10;
const INVALID_RECORDS: usize = 2;

/// The text of the element with `id`, or "" while it is not on the page.
async fn text_of(browser: &Client, id: &str) -> String {
    texts_of(browser, &format!("#{id}"))
        .await
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Puts `SUPPRESSED_PHONE` on a new phone suppression list.
async fn suppress_one_number(app: &TestApp, token: &str) {
    let created = app
        .graphql(
            Some(token),
            "mutation($name: String!) { createSuppressionList(input: { name: $name, kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({ "name": SUPPRESSION_LIST }),
        )
        .await;
    let list = created["data"]["createSuppressionList"]["id"].clone();
    assert!(list.is_string(), "{created}");
    let added = app
        .graphql(
            Some(token),
            "mutation($list: ID!, $values: [String!]!) { addSuppressionEntries(listId: $list, values: $values, reason: \"asked on the phone\") { added } }",
            json!({ "list": list, "values": [SUPPRESSED_PHONE] }),
        )
        .await;
    assert_eq!(
        added["data"]["addSuppressionEntries"]["added"], 1,
        "{added}"
    );
}

/// One `POST /ocs/v1/validate` with `key`, as a dialer sends it.
async fn validate(app: &TestApp, key: &str, record: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(format!("{}/ocs/v1/validate", app.address))
        .header("X-API-Key", key)
        .json(&record)
        .send()
        .await
        .expect("the validation request is answered");
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// A record in preview mode (a person dials, so no automated-mode consent applies).
fn record(phone: &str, customer: usize) -> Value {
    json!({
        "GSW_PHONE": phone,
        "GSW_CUSTOMER_ID": format!("C-{customer}"),
        "GSW_DIAL_MODE": "PREVIEW",
    })
}

/// Sends the mix over four seconds (so the chart has several bars) and
/// returns the refusing rule's name as the server gave it.
async fn send_the_mix(app: &TestApp, key: &str) -> String {
    const ROUNDS: usize = 4;
    let mut rule = String::new();
    for round in 0..ROUNDS {
        if round > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(1_000)).await;
        }
        let mine = |count: usize| (0..count).filter(move |index| index % ROUNDS == round);
        for customer in mine(ALLOWED_RECORDS) {
            let (status, body) = validate(app, key, record(ALLOWED_PHONE, customer)).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        for customer in mine(REFUSED_RECORDS) {
            let (status, body) = validate(app, key, record(SUPPRESSED_PHONE, customer)).await;
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert_eq!(body["allowed"], false, "{body}");
            assert_eq!(body["refusals"][0]["rule"], "SUPPRESSION", "{body}");
            rule = body["refusals"][0]["name"]
                .as_str()
                .expect("the refusal names its rule")
                .to_owned();
        }
        for customer in mine(INVALID_RECORDS) {
            let (status, body) = validate(app, key, record("not a number", customer)).await;
            assert!(status.is_client_error(), "{status} {body}");
            assert_ne!(status, StatusCode::CONFLICT, "{body}");
        }
    }
    rule
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dialer_key_is_issued_counted_and_revoked_through_the_pages() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let token = app.admin_token().await;
    app.open_calling_window_all_day(&token).await;
    suppress_one_number(&app, &token).await;

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

    // Before any traffic: the empty state points at the API clients page.
    click(browser, Locator::Css("nav a[href='/dialers']")).await;
    wait_for_text(browser, "No validation requests in the last 5 minutes.").await;
    screenshot(browser, "dialers-empty").await;

    // Issue a key with the validation scope and read it off the screen.
    click(
        browser,
        Locator::Css(".traffic-empty a[href='/api-clients']"),
    )
    .await;
    press(browser, "New API client").await;
    type_into(browser, "#new-client-name", "Floor dialer").await;
    wait_for_text(browser, "Pre-dial validation").await;
    wait_for_text(browser, "Call reports").await;
    wait_for_text(browser, "Record leasing").await;
    click(browser, Locator::Css("#scope-ocs_validate")).await;
    press(browser, "Create client").await;
    let key_field = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#issued-key"))
        .await
        .unwrap();
    let key = key_field
        .prop("value")
        .await
        .unwrap()
        .expect("the key is shown");
    assert!(key.starts_with("rl_"), "{key}");
    let example = text_of(browser, "validate-example").await;
    assert!(
        example.contains(&format!("X-API-Key: {key}"))
            && example.contains(&format!("{}/ocs/v1/validate", app.address)),
        "{example}"
    );
    screenshot(browser, "dialers-api-client-key").await;

    // A dialer validates 32 records with it.
    let rule = send_the_mix(&app, &key).await;
    assert!(!rule.is_empty());

    press(browser, "I have copied the key").await;
    click(browser, Locator::Css("nav a[href='/dialers']")).await;
    let expected = &(
        ALLOWED_RECORDS.to_string(),
        REFUSED_RECORDS.to_string(),
        INVALID_RECORDS.to_string(),
    );
    wait_until("the page counts every record", move || async move {
        let counts = (
            text_of(browser, "traffic-allowed").await,
            text_of(browser, "traffic-refused").await,
            text_of(browser, "traffic-invalid").await,
        );
        counts == *expected
    })
    .await;
    assert_eq!(text_of(browser, "traffic-allow-ratio").await, "66.7%");
    let refusals = texts_of(
        browser,
        "section[aria-labelledby=traffic-refusals-title] tbody tr",
    )
    .await;
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert!(
        refusals[0].starts_with(&rule) && refusals[0].contains("100%"),
        "{refusals:?} for {rule}"
    );
    let bars = browser
        .find_all(Locator::Css(".traffic-chart__bar"))
        .await
        .unwrap();
    // The first and last rounds are three seconds apart: two bars at least.
    assert!(bars.len() >= 2, "{} bars", bars.len());
    screenshot(browser, "dialers-traffic").await;
    scroll_to(browser, "#traffic-chart-title").await;
    screenshot(browser, "dialers-traffic-refusals").await;

    // Revoke in the page: the very next request with the key is refused.
    click(browser, Locator::Css("nav a[href='/api-clients']")).await;
    press(browser, "Revoke").await;
    browser.accept_alert().await.unwrap();
    wait_for_text(browser, "Floor dialer revoked").await;
    wait_until("the row says Revoked", move || async move {
        texts_of(browser, "table tbody tr")
            .await
            .iter()
            .any(|row| row.starts_with("Floor dialer") && row.contains("Revoked"))
    })
    .await;
    screenshot(browser, "dialers-api-client-revoked").await;
    let (status, body) = validate(&app, &key, record(ALLOWED_PHONE, 99)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}
