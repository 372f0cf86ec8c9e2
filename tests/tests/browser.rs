//! The built SPA in headless Debian Chromium against a real server: sign in,
//! create a user, and watch the audit log update live.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;
use tests::browser::{ChromeDriver, click, screenshot, type_into, wait_for_text};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_create_a_user_and_see_it_in_the_live_audit_log() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = driver.browser(profile.path()).await;

    // Sign in.
    browser
        .goto(&format!("{}/login", app.address))
        .await
        .unwrap();
    type_into(&browser, "#login-email", ADMIN_EMAIL).await;
    type_into(&browser, "#login-password", ADMIN_PASSWORD).await;
    screenshot(&browser, "login").await;
    click(&browser, Locator::Css("form button[type=submit]")).await;
    browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("a[href='/audit']"))
        .await
        .unwrap();

    // Open the audit log in this tab; it subscribes to new events.
    click(&browser, Locator::Css("a[href='/audit']")).await;
    wait_for_text(&browser, "auth.login").await;
    let audit_tab = browser.window().await.unwrap();

    // Create a user from the Users page in a second tab.
    let users_tab = browser.new_window(true).await.unwrap();
    browser.switch_to_window(users_tab.handle).await.unwrap();
    browser
        .goto(&format!("{}/users", app.address))
        .await
        .unwrap();
    click(
        &browser,
        Locator::XPath("//button[normalize-space(.)='New user']"),
    )
    .await;
    type_into(&browser, "#new-user-email", "browser.user@example.com").await;
    type_into(&browser, "#new-user-name", "Browser User").await;
    type_into(&browser, "#new-user-password", "browser-user-password").await;
    click(&browser, Locator::Css("#new-user button[type=submit]")).await;
    wait_for_text(&browser, "browser.user@example.com").await;
    screenshot(&browser, "users").await;

    // Back on the audit tab, without reloading: the event arrived through the subscription.
    browser.switch_to_window(audit_tab).await.unwrap();
    wait_for_text(&browser, "user.create").await;
    wait_for_text(&browser, "browser.user@example.com").await;
    screenshot(&browser, "audit").await;

    // Issue an API client key from its page: shown once, in full.
    click(&browser, Locator::Css("a[href='/api-clients']")).await;
    click(
        &browser,
        Locator::XPath("//button[normalize-space(.)='New API client']"),
    )
    .await;
    type_into(&browser, "#new-client-name", "dialer-east").await;
    click(&browser, Locator::Css("#scope-ocs_validate")).await;
    click(
        &browser,
        Locator::Css("#new-api-client button[type=submit]"),
    )
    .await;
    let key_field = browser
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css("#issued-key"))
        .await
        .unwrap();
    let key = key_field.prop("value").await.unwrap().unwrap_or_default();
    assert!(
        key.starts_with("rl_") && key.len() > 70,
        "the full key is shown: {key:?}"
    );
    screenshot(&browser, "api-clients").await;
    let principal = workers::accounts::api_clients::authenticate(
        &app.services,
        &key,
        domain::ApiScope::OcsValidate,
    )
    .await;
    assert!(principal.is_ok(), "the key shown in the browser works");

    // The server agrees: the user exists.
    let token = app.admin_token().await;
    let body = app
        .graphql(
            Some(&token),
            "{ users(search: \"browser.user\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["users"]["totalCount"], 1, "{body}");
    browser.close().await.unwrap();
}
