//! The upload wizard on a list's page in headless Debian Chromium against a
//! real server (every role in one process, so the `lists` worker runs the
//! queued import): pick a CSV, preview it, accept the guessed mapping, append,
//! watch it finish, read the counts and the rejected row, and see the new
//! contacts in the table.
//!
//! The chromedriver and element helpers repeat those of `browser_lists.rs` on
//! purpose: they are few, and each browser test stays readable on its own.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;
use tests::browser::{
    ChromeDriver, PATIENCE, click, screenshot, texts_of, type_into, wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

/// The client ids in the contacts table (its first column).
const CLIENT_ID_CELLS: &str =
    "section[aria-labelledby='contacts-title'] table tbody tr td:first-child";

/// How long the import itself may take (queued, picked up, run).
const IMPORT_PATIENCE: Duration = Duration::from_secs(60);

/// Signs in through the login page and waits for the navigation.
async fn sign_in(browser: &Client, address: &str, email: &str, password: &str) {
    browser.goto(&format!("{address}/login")).await.unwrap();
    type_into(browser, "#login-email", email).await;
    type_into(browser, "#login-password", password).await;
    click(browser, Locator::Css("form button[type=submit]")).await;
    click(browser, Locator::Css("nav a[href='/lists']")).await;
}

/// The current value of the form control `css` (a `<select>`'s chosen option).
async fn value_of(browser: &Client, css: &str) -> String {
    let element = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    element.prop("value").await.unwrap().unwrap_or_default()
}

/// Six rows: four good, one with a bad phone and no e-mail (line 4), one
/// repeating account A002 (line 6).
const CSV: &str = "Account,First,Last,Phone,Email\n\
A001,Ada,Lovelace,(202) 456-1001,ada@example.com\n\
A002,Alan,Turing,202-456-1002,alan@example.com\n\
A003,Grace,Hopper,12345,\n\
A004,Edsger,Dijkstra,+1 202 456 1004,edsger@example.com\n\
A002,Alan,Turing,202 456 1002,alan@example.com\n\
A005,Barbara,Liskov,2024561005,barbara@example.com\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_preview_map_and_import_a_csv_then_read_the_result() {
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
            json!({ "input": { "name": "Imported leads", "channel": "VOICE" } }),
        )
        .await;
    let list_id = created["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no list: {created}"))
        .to_owned();

    sign_in(browser, &app.address, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    click(
        browser,
        Locator::XPath("//table//a[normalize-space(.)='Imported leads']"),
    )
    .await;
    wait_for_text(browser, "This list has no contacts yet.").await;
    assert!(
        browser
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&list_id)
    );

    // 1. Pick a file.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Import contacts']"),
    )
    .await;
    let folder = tempfile::tempdir().unwrap();
    let csv_path = folder.path().join("leads.csv");
    std::fs::write(&csv_path, CSV).unwrap();
    let file_input = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("input[type=file]"))
        .await
        .unwrap();
    screenshot(browser, "import-1-pick").await;
    file_input
        .send_keys(csv_path.to_str().unwrap())
        .await
        .unwrap();

    // 2. The preview shows the rows as parsed, with what was detected.
    wait_for_text(browser, "Lovelace").await;
    wait_until("the preview shows six rows", move || async move {
        texts_of(browser, "#import-wizard table tbody tr")
            .await
            .len()
            == 6
    })
    .await;
    let facts = texts_of(browser, "#import-wizard .wizard__facts").await;
    assert!(
        facts
            .iter()
            .any(|f| f.contains("leads.csv") && f.contains("Delimiter: “,”")),
        "{facts:?}"
    );
    screenshot(browser, "import-2-preview").await;

    // 3. The guessed mapping, accepted as it is.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Next: map columns']"),
    )
    .await;
    let guesses = [
        ("#import-column-0", "field:CLIENT_ID"),
        ("#import-column-1", "field:FIRST_NAME"),
        ("#import-column-2", "field:LAST_NAME"),
        ("#import-column-3", "device:HOME"),
        ("#import-column-4", "device:EMAIL"),
    ];
    for (select, expected) in guesses {
        assert_eq!(value_of(browser, select).await, expected, "{select}");
    }
    assert_eq!(value_of(browser, "#import-country").await, "US");
    screenshot(browser, "import-3-map").await;

    // Save it for the next file: it is offered under "Use saved mapping".
    type_into(browser, "#import-mapping-name", "CRM export").await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Save mapping']"),
    )
    .await;
    wait_for_text(browser, "Mapping “CRM export” saved").await;
    wait_until("the saved mapping is offered", move || async move {
        texts_of(browser, "#import-saved-mapping option")
            .await
            .contains(&"CRM export".to_owned())
    })
    .await;
    browser
        .execute(
            "document.querySelector('.wizard__save').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .unwrap();
    screenshot(browser, "import-3-map-saved").await;

    // 4. Append, and start.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Next: choose mode']"),
    )
    .await;
    click(browser, Locator::Css("#import-mode-APPEND_ONLY")).await;
    screenshot(browser, "import-4-mode").await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Start import']"),
    )
    .await;
    screenshot(browser, "import-5-progress").await;

    // 6. The result: counts and the rejected line.
    browser
        .wait()
        .at_most(IMPORT_PATIENCE)
        .for_element(Locator::Css("#import-accepted"))
        .await
        .expect("the import finishes");
    let count = |css: &'static str| async move {
        browser
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert_eq!(count("#import-accepted").await, "4");
    assert_eq!(count("#import-rejected").await, "1");
    assert_eq!(count("#import-duplicates").await, "1");
    wait_for_text(browser, "Import finished").await;
    let rejected = texts_of(browser, "#import-wizard table tbody tr").await;
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(rejected[0].starts_with('4'), "{rejected:?}");
    browser
        .find(Locator::XPath(
            "//button[normalize-space(.)='Download rejected rows (CSV)']",
        ))
        .await
        .expect("the rejected rows can be downloaded");
    screenshot(browser, "import-6-result").await;

    // The download is fetched with the bearer token; a refusal would show a banner.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Download rejected rows (CSV)']"),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        browser
            .find(Locator::Css("#import-wizard .banner--error"))
            .await
            .is_err(),
        "the rejected rows download failed"
    );

    // Closing refreshes the list: its count and its contacts.
    click(
        browser,
        Locator::XPath("//section[@id='import-wizard']//button[normalize-space(.)='Close' and contains(@class, 'button--primary')]"),
    )
    .await;
    wait_until("the new contacts are in the table", move || async move {
        texts_of(browser, CLIENT_ID_CELLS).await == ["A001", "A002", "A004", "A005"]
    })
    .await;
    screenshot(browser, "import-7-contacts").await;
    wait_until("the header counts four contacts", move || async move {
        let Ok(count) = browser
            .find(Locator::XPath(
                "//dt[normalize-space(.)='Contacts']/following-sibling::dd[1]",
            ))
            .await
        else {
            return false;
        };
        count.text().await.unwrap_or_default().trim() == "4"
    })
    .await;

    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { contactList(id: $id) { status contactCount } }",
            json!({ "id": list_id }),
        )
        .await;
    assert_eq!(body["data"]["contactList"]["status"], "READY", "{body}");
    assert_eq!(body["data"]["contactList"]["contactCount"], 4, "{body}");

    // Export the list: the server audits it and the CSV downloads.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Export CSV']"),
    )
    .await;
    wait_for_text(browser, "Export downloaded").await;
    let audit = app
        .graphql(
            Some(&token),
            "{ auditEvents(first: 1, action: \"contact_list.export\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(audit["data"]["auditEvents"]["totalCount"], 1, "{audit}");
    session.close().await.unwrap();
}
