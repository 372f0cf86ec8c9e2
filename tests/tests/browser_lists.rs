//! The Lists section of the built SPA in headless Debian Chromium against a
//! real server: create a list, see its empty state, page and search seeded
//! contacts (a phone written any way), open a contact's devices, and archive
//! the list.
//!
//! The chromedriver and element helpers repeat those of `browser.rs` on
//! purpose: they are few, and each browser test stays readable on its own.

use fantoccini::{Client, Locator};
use serde_json::json;
use tests::browser::{
    ChromeDriver, PATIENCE, click, screenshot, texts_of, type_into, wait_for_text, wait_until,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

/// The client ids in the contacts table (its first column).
const CLIENT_ID_CELLS: &str = "table tbody tr td:first-child";

/// Signs in through the login page and waits for the navigation.
async fn sign_in(browser: &Client, address: &str, email: &str, password: &str) {
    browser.goto(&format!("{address}/login")).await.unwrap();
    type_into(browser, "#login-email", email).await;
    type_into(browser, "#login-password", password).await;
    click(browser, Locator::Css("form button[type=submit]")).await;
    click(browser, Locator::Css("nav a[href='/lists']")).await;
}

/// The pager's "Showing 1–25 of 30".
async fn pager_label(browser: &Client) -> String {
    match browser.find(Locator::Css(".pager__label")).await {
        Ok(label) => label.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The row of the Lists table whose name link says `name`.
fn list_row_xpath(name: &str) -> String {
    format!("//table//tr[.//a[normalize-space(.)='{name}']]")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_a_list_page_and_search_its_contacts_open_one_and_archive_the_list() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let session = driver.browser(profile.path()).await;
    // A shared reference the polling closures below can copy into their futures.
    let browser = &session;

    // Sign in; every role sees Lists in the navigation.
    sign_in(browser, &app.address, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    wait_for_text(browser, "No lists yet.").await;

    // Create a list through the "New list" form; it shows up in the table.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='New list']"),
    )
    .await;
    type_into(browser, "#new-list-name", "Spring leads").await;
    type_into(browser, "#new-list-caller-id", "+1 202 456 1414").await;
    type_into(
        browser,
        "#new-list-description",
        "Web sign-ups from the spring campaign",
    )
    .await;
    click(browser, Locator::Css("#new-list button[type=submit]")).await;
    let list_row = &list_row_xpath("Spring leads");
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(list_row))
        .await
        .expect("the new list is in the table");
    let row_text = browser
        .find(Locator::XPath(list_row))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        row_text.contains("Voice") && row_text.contains("Ready"),
        "{row_text:?}"
    );

    // The same name again: the server's CONFLICT lands next to the Name field.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='New list']"),
    )
    .await;
    type_into(browser, "#new-list-name", "Spring leads").await;
    click(browser, Locator::Css("#new-list button[type=submit]")).await;
    let name_error = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("#new-list-name-error"))
        .await
        .expect("the duplicate name is flagged at the field");
    let name_error = name_error.text().await.unwrap();
    assert!(name_error.contains("already taken"), "{name_error:?}");
    screenshot(browser, "lists").await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='New list']"),
    )
    .await;

    // Open it: nothing in it yet.
    click(
        browser,
        Locator::XPath(&format!("{list_row}//a[normalize-space(.)='Spring leads']")),
    )
    .await;
    wait_for_text(browser, "This list has no contacts yet.").await;
    wait_for_text(browser, "+12024561414").await;
    screenshot(browser, "list-empty").await;

    // Edit it: a short code replaces the number, an emptied description is cleared.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Edit list']"),
    )
    .await;
    type_into(browser, "#edit-list-caller-id", "72345").await;
    type_into(browser, "#edit-list-description", "").await;
    screenshot(browser, "list-edit").await;
    click(browser, Locator::Css("#edit-list button[type=submit]")).await;
    wait_for_text(browser, "Spring leads saved").await;
    wait_until("the header shows the new caller id", move || async move {
        let Ok(summary) = browser.find(Locator::Css(".summary")).await else {
            return false;
        };
        summary.text().await.unwrap_or_default().contains("72345")
            && browser
                .find(Locator::Css(".summary__description"))
                .await
                .is_err()
    })
    .await;
    let url = browser.current_url().await.unwrap();
    let list_id = url
        .path()
        .strip_prefix("/lists/")
        .expect("the list's page is /lists/<id>")
        .to_owned();

    // Seed 30 contacts (as an import would) into the admin's tenant.
    let token = app.admin_token().await;
    let me = app
        .graphql(Some(&token), "{ me { tenant { id } } }", json!({}))
        .await;
    let tenant_id: uuid::Uuid = me["data"]["me"]["tenant"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no tenant id: {me}"))
        .parse()
        .unwrap();
    let list_uuid: uuid::Uuid = list_id.parse().unwrap();
    let contact_ids = tests::seed_contacts(&app.services, tenant_id, list_uuid, 30).await;

    // Reload: the first page, then the second.
    browser.refresh().await.unwrap();
    wait_until("the first page of contacts shows", move || async move {
        texts_of(browser, CLIENT_ID_CELLS).await.len() == 25
    })
    .await;
    assert_eq!(pager_label(browser).await, "Showing 1–25 of 30");
    wait_for_text(browser, "+12024560000 (unknown)").await;
    wait_for_text(browser, "+14158670000 (mobile)").await;
    screenshot(browser, "list-detail").await;
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Next']"),
    )
    .await;
    wait_until("the second page of contacts shows", move || async move {
        texts_of(browser, CLIENT_ID_CELLS).await
            == ["C00025", "C00026", "C00027", "C00028", "C00029"]
    })
    .await;
    assert_eq!(pager_label(browser).await, "Showing 26–30 of 30");

    // A phone number written the way people write it finds exactly one contact.
    type_into(browser, "#contact-search", "(202) 456-0007").await;
    click(
        browser,
        Locator::XPath("//form[@role='search']//button[normalize-space(.)='Search']"),
    )
    .await;
    wait_until("the search finds exactly C00007", move || async move {
        texts_of(browser, CLIENT_ID_CELLS).await == ["C00007"]
    })
    .await;
    assert_eq!(pager_label(browser).await, "Showing 1–1 of 1");
    screenshot(browser, "list-search").await;

    // The contact's page lists its devices with their normalised parts.
    click(
        browser,
        Locator::XPath("//table//a[normalize-space(.)='First7 Last7']"),
    )
    .await;
    wait_until("the contact's devices show", move || async move {
        let rows = texts_of(browser, "table tbody tr").await;
        rows.len() == 2
            && rows[0].contains("+12024560007")
            && rows[0].contains("America/New_York")
            && rows[1].contains("+14158670007")
            && rows[1].contains("America/Los_Angeles")
    })
    .await;
    wait_for_text(browser, "debt-7").await;
    wait_for_text(browser, "202 · 456 · 0007").await;
    // The breadcrumb names the list once it is known.
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(
            "//nav[@aria-label='Breadcrumb']//a[normalize-space(.)='Spring leads']",
        ))
        .await
        .expect("the breadcrumb links back to the list");
    screenshot(browser, "contact").await;

    // Edit it: a company and consent to text messages.
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Edit contact']"),
    )
    .await;
    type_into(browser, "#edit-contact-company", "Acme Tools").await;
    click(browser, Locator::Css("#edit-contact-consent-sms")).await;
    screenshot(browser, "contact-edit").await;
    click(browser, Locator::Css("#edit-contact button[type=submit]")).await;
    wait_for_text(browser, "Contact saved").await;
    wait_for_text(browser, "Acme Tools").await;
    let consent = browser
        .find(Locator::XPath(
            "//dt[normalize-space(.)='Text messages']/following-sibling::dd[1]",
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(consent.trim(), "Yes");

    // Delete another contact after confirming: back on its list, one fewer.
    browser
        .goto(&format!("{}/contacts/{}", app.address, contact_ids[3]))
        .await
        .unwrap();
    click(
        browser,
        Locator::XPath("//button[normalize-space(.)='Delete contact']"),
    )
    .await;
    browser.accept_alert().await.unwrap();
    wait_for_text(browser, "First3 Last3 deleted").await;
    wait_until("the list shows 29 contacts", move || async move {
        pager_label(browser).await == "Showing 1–25 of 29"
            && !texts_of(browser, CLIENT_ID_CELLS)
                .await
                .contains(&"C00003".to_owned())
    })
    .await;

    // Archive the list from the Lists page: it leaves the default view and
    // comes back, marked, with "Show archived".
    click(browser, Locator::Css("nav a[href='/lists']")).await;
    click(
        browser,
        Locator::XPath(&format!("{list_row}//button[normalize-space(.)='Archive']")),
    )
    .await;
    wait_for_text(browser, "Spring leads archived").await;
    wait_until("the archived list leaves the table", move || async move {
        browser.find(Locator::XPath(list_row)).await.is_err()
    })
    .await;
    click(browser, Locator::Css("#show-archived")).await;
    let archived_row = &browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(list_row))
        .await
        .expect("the archived list shows with Show archived");
    wait_until("the archived row offers Restore", move || async move {
        let text = archived_row.text().await.unwrap_or_default();
        text.contains("Archived") && text.contains("Restore")
    })
    .await;
    screenshot(browser, "lists-archived").await;
    click(browser, Locator::Css("#show-archived")).await;
    wait_until("the archived list is hidden again", move || async move {
        browser.find(Locator::XPath(list_row)).await.is_err()
    })
    .await;

    // The server agrees.
    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { contactList(id: $id) { status contactCount } }",
            json!({ "id": list_id }),
        )
        .await;
    assert_eq!(body["data"]["contactList"]["status"], "ARCHIVED", "{body}");
    assert_eq!(body["data"]["contactList"]["contactCount"], 29, "{body}");

    // A viewer reads everything and is offered no change.
    app.create_user(&token, "viewer@example.com", "VIEWER")
        .await;
    let viewer_profile = tempfile::tempdir().unwrap();
    let viewer = &driver.browser(viewer_profile.path()).await;
    sign_in(
        viewer,
        &app.address,
        "viewer@example.com",
        tests::USER_PASSWORD,
    )
    .await;
    wait_for_text(viewer, "Read-only").await;
    click(viewer, Locator::Css("#show-archived")).await;
    wait_for_text(viewer, "Archived").await;
    let row_buttons = viewer
        .find_all(Locator::XPath(&format!("{list_row}//button")))
        .await
        .unwrap();
    assert!(row_buttons.is_empty(), "a viewer may not archive or delete");
    click(
        viewer,
        Locator::XPath(&format!("{list_row}//a[normalize-space(.)='Spring leads']")),
    )
    .await;
    wait_until("the viewer sees the contacts", move || async move {
        texts_of(viewer, CLIENT_ID_CELLS).await.len() == 25
    })
    .await;
    click(
        viewer,
        Locator::XPath("//table//a[normalize-space(.)='First0 Last0']"),
    )
    .await;
    wait_for_text(viewer, "+12024560000").await;
    let buttons = texts_of(viewer, ".content button").await;
    assert!(buttons.is_empty(), "a viewer is offered {buttons:?}");
    viewer.clone().close().await.unwrap();

    // Delete the list after confirming: it is gone for good.
    click(browser, Locator::Css("#show-archived")).await;
    click(
        browser,
        Locator::XPath(&format!("{list_row}//button[normalize-space(.)='Delete']")),
    )
    .await;
    browser.accept_alert().await.unwrap();
    wait_for_text(browser, "Spring leads deleted").await;
    wait_until("the deleted list leaves the table", move || async move {
        browser.find(Locator::XPath(list_row)).await.is_err()
    })
    .await;
    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { contactList(id: $id) { id } }",
            json!({ "id": list_id }),
        )
        .await;
    assert_eq!(tests::error_code(&body), Some("NOT_FOUND"), "{body}");
    session.close().await.unwrap();
}
