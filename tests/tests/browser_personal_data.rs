//! Personal data in the built SPA, in headless Debian Chromium against a
//! real server: an administrator finds a person by a phone number written
//! the way people write it, downloads what is held about them as JSON,
//! erases them (the report names every count) and sets the history
//! retention, whose range the server enforces on the field; a viewer is
//! not offered the page.

use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use tests::browser::{
    ChromeDriver, PATIENCE, click, press, screenshot, scroll_to, texts_of, type_into,
    wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, TestApp, USER_PASSWORD, spa_dir, spawn_app};

const LIST_NAME: &str = "Spring leads";
const VIEWER_EMAIL: &str = "viewer@example.com";
/// What the page saves the JSON of subject `(202) 456-0000` as.
const DOWNLOAD_NAME: &str = "personal-data-202-456-0000.json";

/// Creates the contact list through GraphQL and seeds three contacts
/// (contact 0: home +12024560000, mobile +14158670000, client id C00000),
/// and puts contact 0's mobile on a suppression list.
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
    tests::seed_contacts(&app.services, tenant_id, list_id, 3).await;
    // Their mobile asked not to be called: an entry the erasure keeps.
    let suppression = app
        .graphql(
            Some(token),
            "mutation { createSuppressionList(input: { name: \"Internal DNC\", kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({}),
        )
        .await;
    let suppression_id = suppression["data"]["createSuppressionList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no suppression list: {suppression}"));
    let added = app
        .graphql(
            Some(token),
            "mutation($id: ID!) { addSuppressionEntries(listId: $id, values: [\"+14158670000\"], reason: \"Asked on the phone\") { added } }",
            json!({ "id": suppression_id }),
        )
        .await;
    assert_eq!(
        added["data"]["addSuppressionEntries"]["added"], 1,
        "{added}"
    );
}

/// Makes the browser profile at `profile` save downloads into `downloads`
/// without asking (Chromium reads `Default/Preferences` at start).
fn save_downloads_into(profile: &Path, downloads: &Path) {
    let default = profile.join("Default");
    std::fs::create_dir_all(&default).unwrap();
    let preferences = json!({
        "download": {
            "default_directory": downloads.display().to_string(),
            "prompt_for_download": false,
            "directory_upgrade": true
        },
        "safebrowsing": { "enabled": false }
    });
    std::fs::write(default.join("Preferences"), preferences.to_string()).unwrap();
}

async fn sign_in(browser: &Client, email: &str, password: &str) {
    type_into(browser, "#login-email", email).await;
    type_into(browser, "#login-password", password).await;
    click(browser, Locator::Css("form button[type=submit]")).await;
}

/// The whole text of the element at `css`, or "" while it is missing.
async fn text_of(browser: &Client, css: &str) -> String {
    texts_of(browser, css).await.join("\n")
}

/// Waits until the element at `css` says `text`.
async fn wait_for_text_in(browser: &Client, css: &str, text: &str) {
    wait_until(&format!("{css} says {text:?}"), move || async move {
        text_of(browser, css).await.contains(text)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_is_found_downloaded_and_erased_and_retention_is_set_from_the_spa() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let admin = app.admin_token().await;
    seed_the_list(&app, &admin).await;
    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    save_downloads_into(profile.path(), downloads.path());
    let session = driver.browser(profile.path()).await;
    let browser = &session;
    browser
        .goto(&format!("{}/login", app.address))
        .await
        .unwrap();
    sign_in(browser, ADMIN_EMAIL, ADMIN_PASSWORD).await;

    // Find the person by their home number, written the way people write it.
    click(browser, Locator::Css("nav a[href='/personal-data']")).await;
    type_into(browser, "#personal-data-subject", "(202) 456-0000").await;
    press(browser, "Find").await;
    wait_for_text_in(browser, "#personal-contacts h2", "Contacts (1)").await;
    let contacts = texts_of(browser, "#personal-contacts tbody tr").await;
    assert_eq!(contacts.len(), 1, "{contacts:?}");
    for expected in [
        LIST_NAME,
        "C00000",
        "First0 Last0",
        "+12024560000",
        "+14158670000",
    ] {
        assert!(contacts[0].contains(expected), "{expected}: {contacts:?}");
    }
    let entries = texts_of(browser, "#personal-suppressions tbody tr").await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    for expected in ["Internal DNC", "+14158670000", "Asked on the phone"] {
        assert!(entries[0].contains(expected), "{expected}: {entries:?}");
    }
    let summary = text_of(browser, "#personal-data-summary").await;
    assert!(summary.starts_with("Found 1 contact"), "{summary}");
    for empty in [
        "No calls or messages in the contact history.",
        "No messages sent to them.",
        "No replies or receipts from them.",
    ] {
        wait_for_text(browser, empty).await;
    }
    screenshot(browser, "personal-data-results").await;
    scroll_to(browser, "#personal-history").await;
    screenshot(browser, "personal-data-results-sections").await;

    // The JSON document, saved under a name made of the subject.
    press(browser, "Download JSON").await;
    let saved = downloads.path().join(DOWNLOAD_NAME);
    wait_until("the JSON document is saved", || {
        let saved = saved.clone();
        async move { saved.is_file() }
    })
    .await;
    let document: Value = serde_json::from_slice(&std::fs::read(&saved).unwrap())
        .unwrap_or_else(|error| panic!("{DOWNLOAD_NAME} is no JSON: {error}"));
    assert!(
        document.to_string().contains("+14158670000"),
        "the document holds their mobile: {document}"
    );
    assert!(
        texts_of(browser, "[role=alert]").await.is_empty(),
        "no error after the download"
    );

    // Erase them: the dialog says what is kept; the suppression box starts unticked.
    press(browser, "Erase this person").await;
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#erase-dialog"))
        .await
        .unwrap();
    let dialog = text_of(browser, "#erase-dialog").await;
    for expected in ["Attempt counts of the last 32 days", "global lists"] {
        assert!(dialog.contains(expected), "{expected}: {dialog}");
    }
    let remove_suppression = browser
        .find(Locator::Css("#erase-remove-suppression"))
        .await
        .unwrap();
    assert!(
        !remove_suppression.is_selected().await.unwrap(),
        "suppression entries are kept unless asked"
    );
    screenshot(browser, "personal-data-erase-dialog").await;
    click(browser, Locator::Css("#erase-confirm")).await;
    wait_for_text_in(
        browser,
        "#erasure-report",
        "1 contact deleted from every list",
    )
    .await;
    let report = text_of(browser, "#erasure-report").await;
    for expected in [
        "2 phone numbers and addresses deleted",
        "0 calling-list records cancelled in campaigns",
        "attempt counts kept",
        "0 suppression entries removed",
        "1 suppression entry kept",
    ] {
        assert!(report.contains(expected), "{expected}: {report}");
    }
    // The search ran again: nothing is left in the lists.
    wait_for_text_in(browser, "#personal-contacts", "No contacts in any list.").await;
    wait_for_text_in(browser, "#personal-contacts h2", "Contacts (0)").await;
    scroll_to(browser, "#erasure-report").await;
    screenshot(browser, "personal-data-erased").await;
    let left = app
        .graphql(
            Some(&admin),
            "query($s: String!) { personalData(subject: $s) { contacts { listName } } }",
            json!({ "s": "C00000" }),
        )
        .await;
    assert_eq!(
        left["data"]["personalData"]["contacts"],
        json!([]),
        "{left}"
    );
    // Their mobile stays suppressed: erasing never makes them callable.
    let kept = app
        .graphql(
            Some(&admin),
            "query($s: String!) { personalData(subject: $s) { suppressions { value } } }",
            json!({ "s": "+14158670000" }),
        )
        .await;
    assert_eq!(
        kept["data"]["personalData"]["suppressions"],
        json!([{ "value": "+14158670000" }]),
        "{kept}"
    );

    // Retention: below the rule window is refused on the field, 90 days is saved.
    scroll_to(browser, "#retention").await;
    wait_for_text_in(browser, "#retention-range", "From 32 to 3,650 days.").await;
    type_into(browser, "#retention-days", "31").await;
    press(browser, "Save").await;
    wait_until("the field shows the server's error", move || async move {
        !text_of(browser, "#retention-days-error").await.is_empty()
    })
    .await;
    screenshot(browser, "personal-data-retention-refused").await;
    type_into(browser, "#retention-days", "90").await;
    press(browser, "Save").await;
    wait_for_text_in(browser, "#retention-current", "90 days").await;
    assert_eq!(text_of(browser, "#retention-days-error").await, "");
    let stored = app
        .graphql(
            Some(&admin),
            "{ retentionSettings { historyRetentionDays } }",
            json!({}),
        )
        .await;
    assert_eq!(
        stored["data"]["retentionSettings"]["historyRetentionDays"], 90,
        "{stored}"
    );

    // A viewer is not offered the page, and is turned away from its address.
    app.create_user(&admin, VIEWER_EMAIL, "VIEWER").await;
    press(browser, "Sign out").await;
    sign_in(browser, VIEWER_EMAIL, USER_PASSWORD).await;
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("nav a[href='/campaigns']"))
        .await
        .unwrap();
    assert!(
        browser
            .find(Locator::Css("nav a[href='/personal-data']"))
            .await
            .is_err(),
        "a viewer has no Personal data entry"
    );
    browser
        .goto(&format!("{}/personal-data", app.address))
        .await
        .unwrap();
    wait_for_text(browser, "Your role does not give access to this section.").await;
}
