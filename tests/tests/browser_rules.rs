//! The Rules page of the built SPA in headless Debian Chromium against a real
//! server: build a selection rule with two conditions, see it summarised in the
//! table, edit it (rename, add an "or" set), then create a percentage split and a
//! split by selection rules; and the GraphQL API holds what the page showed. Then
//! the upload wizard's last step offers the saved rules and sends the chosen ones.

use fantoccini::{Client, Locator};
use serde_json::json;
use tests::browser::{
    ChromeDriver, PATIENCE, click, press, screenshot, select_value, type_into, wait_for_text,
};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, TestApp, spa_dir, spawn_app};

/// Signs in through the login page and opens the Rules page from the navigation.
async fn sign_in_and_open_rules(browser: &Client, address: &str) {
    browser.goto(&format!("{address}/login")).await.unwrap();
    type_into(browser, "#login-email", ADMIN_EMAIL).await;
    type_into(browser, "#login-password", ADMIN_PASSWORD).await;
    click(browser, Locator::Css("form button[type=submit]")).await;
    click(browser, Locator::Css("nav a[href='/rules']")).await;
}

/// Picks the option labelled `label` in the `<select>` at `css`.
async fn choose_label(browser: &Client, css: &str, label: &str) {
    let select = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    select.select_by_label(label).await.unwrap();
}

/// The text of the table row whose first cell starts with `name`.
async fn row_text(browser: &Client, name: &str) -> String {
    let xpath = format!("//table//tr[td[1]/strong[normalize-space(.)='{name}']]");
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|error| panic!("no row for {name}: {error}"))
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn build_edit_and_split_with_rules_through_the_page() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let session = driver.browser(profile.path()).await;
    let browser = &session;

    sign_in_and_open_rules(browser, &app.address).await;
    wait_for_text(browser, "No selection rules yet.").await;
    wait_for_text(browser, "No split rules yet.").await;

    // A selection rule with two conditions (AND) built in the condition builder.
    press(browser, "New selection rule").await;
    type_into(browser, "#selection-rule-name", "West coast").await;
    select_value(browser, "#condition-1-1-field", "device.state").await;
    select_value(browser, "#condition-1-1-operator", "IN").await;
    type_into(browser, "#condition-1-1-value", "CA, WA").await;
    press(browser, "Add condition").await;
    select_value(browser, "#condition-1-2-field", "company").await;
    select_value(browser, "#condition-1-2-operator", "CONTAINS").await;
    type_into(browser, "#condition-1-2-value", "Acme").await;
    screenshot(browser, "rules-selection-form").await;
    press(browser, "Save rule").await;
    let row = row_text(browser, "West coast").await;
    assert!(
        row.contains("Device: state is one of CA, WA and Company contains Acme"),
        "{row}"
    );

    // Edit: rename it and add an "or" set.
    click(
        browser,
        Locator::Css("button[aria-label='Edit West coast']"),
    )
    .await;
    type_into(browser, "#selection-rule-name", "West coast or mobiles").await;
    press(browser, "Add an \u{201c}or\u{201d} set").await;
    select_value(browser, "#condition-2-1-field", "device.deviceType").await;
    type_into(browser, "#condition-2-1-value", "MOBILE").await;
    screenshot(browser, "rules-selection-edit").await;
    press(browser, "Save rule").await;
    let row = row_text(browser, "West coast or mobiles").await;
    assert!(row.contains("; or Device: type is MOBILE"), "{row}");

    // A percentage split.
    press(browser, "New split rule").await;
    type_into(browser, "#split-rule-name", "Halves").await;
    select_value(browser, "#split-rule-kind", "PERCENT").await;
    type_into(browser, "#split-rule-percents", "50, 50").await;
    press(browser, "Save rule").await;
    assert!(row_text(browser, "Halves").await.contains("50% / 50%"));

    // A split by selection rules: the part copies the chosen rule's conditions.
    press(browser, "New split rule").await;
    type_into(browser, "#split-rule-name", "Regions").await;
    select_value(browser, "#split-rule-kind", "RULES").await;
    type_into(browser, "#split-part-1-name", "West").await;
    choose_label(browser, "#split-part-1-rule", "West coast or mobiles").await;
    screenshot(browser, "rules-split-form").await;
    press(browser, "Save rule").await;
    assert!(
        row_text(browser, "Regions")
            .await
            .contains("West, then the rest")
    );
    screenshot(browser, "rules-page").await;

    // The API holds what the page showed.
    let token = app.admin_token().await;
    let body = app
        .graphql(
            Some(&token),
            "{ selectionRules { name sets { conditions { field operator value values } } } splitRules { name kind percents rules { name sets { conditions { field } } } } }",
            json!({}),
        )
        .await;
    let selection = &body["data"]["selectionRules"][0];
    assert_eq!(selection["name"], "West coast or mobiles", "{body}");
    assert_eq!(
        selection["sets"][0]["conditions"][0]["values"],
        json!(["CA", "WA"])
    );
    assert_eq!(selection["sets"][0]["conditions"][1]["value"], "Acme");
    assert_eq!(
        selection["sets"][1]["conditions"][0]["field"],
        "device.deviceType"
    );
    let splits = &body["data"]["splitRules"];
    assert_eq!(splits[0]["percents"], json!([50, 50]), "{body}");
    assert_eq!(
        splits[1]["rules"][0]["sets"][1]["conditions"][0]["field"],
        "device.deviceType"
    );

    session.close().await.unwrap();
}

/// Creates a rule or list through GraphQL and returns the id at `path` in the answer.
async fn create(
    app: &TestApp,
    token: &str,
    query: &str,
    input: serde_json::Value,
    path: &str,
) -> String {
    let body = app
        .graphql(Some(token), query, json!({ "input": input }))
        .await;
    body["data"][path]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("creating through {path} failed: {body}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upload_wizard_sends_the_chosen_rules() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let app = spawn_app(Stores::SqliteInProcess).await;
    let token = app.admin_token().await;
    let rule_id = create(
        &app,
        &token,
        "mutation($input: SelectionRuleInput!) { createSelectionRule(input: $input) { id } }",
        json!({ "name": "Has a company", "sets": [ { "conditions": [ { "field": "company", "operator": "IS_NOT_EMPTY" } ] } ] }),
        "createSelectionRule",
    )
    .await;
    let split_id = create(
        &app,
        &token,
        "mutation($input: SplitRuleInput!) { createSplitRule(input: $input) { id } }",
        json!({ "name": "Pairs", "kind": "COUNT", "size": 2 }),
        "createSplitRule",
    )
    .await;
    create(
        &app,
        &token,
        "mutation($input: CreateContactListInput!) { createContactList(input: $input) { id } }",
        json!({ "name": "Filtered leads", "channel": "VOICE" }),
        "createContactList",
    )
    .await;

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let session = driver.browser(profile.path()).await;
    let browser = &session;
    sign_in_and_open_rules(browser, &app.address).await;
    click(browser, Locator::Css("nav a[href='/lists']")).await;
    click(
        browser,
        Locator::XPath("//table//a[normalize-space(.)='Filtered leads']"),
    )
    .await;
    press(browser, "Import contacts").await;
    let folder = tempfile::tempdir().unwrap();
    let csv_path = folder.path().join("leads.csv");
    std::fs::write(
        &csv_path,
        "Account,Company,Home\nA1,Acme,(202) 456-1414\nA2,,(202) 456-1415\n",
    )
    .unwrap();
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("input[type=file]"))
        .await
        .unwrap()
        .send_keys(csv_path.to_str().unwrap())
        .await
        .unwrap();
    press(browser, "Next: map columns").await;
    press(browser, "Next: choose mode").await;

    // The last step lists the saved rules; choose both.
    click(
        browser,
        Locator::Css(&format!("#import-selection-{rule_id}")),
    )
    .await;
    select_value(browser, "#import-split-rule", &split_id).await;
    screenshot(browser, "rules-import-wizard").await;
    press(browser, "Start import").await;

    // The queued job carries the chosen rules.
    let services = app.services.clone();
    let (rule, split) = (rule_id.clone(), split_id.clone());
    tests::browser::wait_until("the import job records the chosen rules", move || {
        let (services, rule, split) = (services.clone(), rule.clone(), split.clone());
        async move {
            use sea_orm::EntityTrait;
            let jobs = entity::import_job::Entity::find()
                .all(&services.db)
                .await
                .unwrap_or_default();
            jobs.iter().any(|job| {
                let options = job.options.to_string();
                options.contains(&rule) && options.contains(&split)
            })
        }
    })
    .await;
    session.close().await.unwrap();
}
