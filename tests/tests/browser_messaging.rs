//! Messaging in the built SPA, in headless Debian Chromium against a real
//! server and a fake Nexus gateway: the gateway settings with a test send, a
//! message template previewed for a real contact, an SMS campaign created,
//! loaded and started from the pages and sent to completion, its delivery
//! funnel following the gateway's receipts, and a STOP reply counted,
//! suppressing the number and answered with the template's opt-out text.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;
use tests::browser::{
    ChromeDriver, PATIENCE, click, press, screenshot, scroll_to, select_value, texts_of, type_into,
    wait_for_text, wait_until,
};
use tests::gateway::{self, FakeGateway};
use tests::{ADMIN_EMAIL, ADMIN_PASSWORD, Stores, spa_dir, spawn_app};

/// Picks the option of `<select id=select_id>` whose text starts with `text`.
async fn choose(browser: &Client, select_id: &str, text: &str) {
    let xpath =
        format!("//select[@id='{select_id}']/option[starts-with(normalize-space(.), '{text}')]");
    click(browser, Locator::XPath(&xpath)).await;
}

/// The `data-count` of a funnel bar, or -1 while it is not shown.
async fn funnel(browser: &Client, bar: &str) -> i64 {
    match browser.find(Locator::Css(&format!("#funnel-{bar}"))).await {
        Ok(element) => element
            .attr("data-count")
            .await
            .ok()
            .flatten()
            .and_then(|count| count.parse().ok())
            .unwrap_or(-1),
        Err(_) => -1,
    }
}

async fn wait_for_funnel(browser: &Client, bar: &'static str, count: i64) {
    wait_until(
        &format!("the funnel shows {count} {bar}"),
        move || async move { funnel(browser, bar).await == count },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sms_campaign_runs_from_the_spa_to_completion_and_stop_works_end_to_end() {
    assert!(
        spa_dir().join("index.html").is_file() && spa_dir().join("pkg").is_dir(),
        "the SPA is not built: run scripts/build-spa"
    );
    let fake = FakeGateway::start().await;
    let app = spawn_app(Stores::SqliteInProcess).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    let contacts = gateway::new_yorkers(6);
    gateway::sms_list(&app, &admin, "Texts", &contacts).await;
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

    // The gateway settings, then a test message through them.
    click(browser, Locator::Css("nav a[href='/messaging']")).await;
    click(browser, Locator::Css("#gateway-settings-link")).await;
    type_into(browser, "#provider-base-url", &fake.url()).await;
    type_into(browser, "#provider-api-key", gateway::API_KEY).await;
    type_into(browser, "#provider-signing-secret", gateway::SIGNING_SECRET).await;
    type_into(browser, "#provider-sms-sender", "72345").await;
    press(browser, "Save settings").await;
    wait_until("the account id is shown", move || async move {
        !texts_of(browser, "#provider-account-id").await.is_empty()
    })
    .await;
    type_into(browser, "#test-to", "+12125550199").await;
    type_into(browser, "#test-body", "Hello from Reachline").await;
    click(browser, Locator::Css("#send-test")).await;
    wait_until("the test message is accepted", move || async move {
        match browser.find(Locator::Css("#test-result")).await {
            Ok(result) => {
                result.attr("data-accepted").await.ok().flatten().as_deref() == Some("true")
            }
            Err(_) => false,
        }
    })
    .await;
    let test = fake.sent();
    assert_eq!(test.len(), 1);
    assert_eq!(
        (test[0].to.as_str(), test[0].text.as_str()),
        ("+12125550199", "Hello from Reachline")
    );
    screenshot(browser, "messaging-gateway").await;

    // A template, previewed for a real contact of the list.
    click(browser, Locator::Css("nav a[href='/messaging']")).await;
    click(browser, Locator::Css("#new-message-template")).await;
    type_into(browser, "#template-name", "Reminder").await;
    type_into(
        browser,
        "#template-body",
        "Hi {{firstName}}, your appointment is tomorrow. Reply STOP to opt out.",
    )
    .await;
    type_into(browser, "#template-help-text", "Acme: call 800-555-0100.").await;
    type_into(
        browser,
        "#template-opt-out-text",
        "{{firstName}}, you will get no more texts from Acme.",
    )
    .await;
    click(browser, Locator::Css("#preview-contact-picker summary")).await;
    choose(browser, "preview-contact-list", "Texts").await;
    click(
        browser,
        Locator::Css("#preview-contact-results button[data-contact-id]"),
    )
    .await;
    wait_until(
        "the preview is rendered for the contact",
        move || async move {
            texts_of(browser, "#preview-body")
                .await
                .iter()
                .any(|body| body.starts_with("Hi Ann0, your appointment is tomorrow."))
        },
    )
    .await;
    let segments = texts_of(browser, "#preview-segments").await.join(" ");
    assert!(
        segments.contains("1 segment") && segments.contains("GSM-7"),
        "{segments}"
    );
    let to = texts_of(browser, "#preview-to").await.join(" ");
    assert!(to.contains(&contacts[0].mobile), "{to}");
    screenshot(browser, "messaging-template-preview").await;
    click(browser, Locator::Css("#template-save")).await;
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css("[data-message-template='Reminder']"))
        .await
        .expect("the template is listed");

    // An SMS campaign template sending it, and a campaign over the list.
    click(browser, Locator::Css("nav a[href='/campaign-templates']")).await;
    press(browser, "New template").await;
    type_into(browser, "#template-name", "SMS reminders").await;
    select_value(browser, "#template-mode", "SMS").await;
    choose(browser, "template-message-template", "Reminder").await;
    press(browser, "Create template").await;
    wait_for_text(browser, "SMS reminders").await;
    click(browser, Locator::Css("nav a[href='/campaigns']")).await;
    press(browser, "New campaign").await;
    type_into(browser, "#campaign-name", "Reminders").await;
    choose(browser, "campaign-template", "SMS reminders").await;
    choose(browser, "campaign-add-list", "Texts").await;
    press(browser, "Add list").await;
    press(browser, "Create campaign").await;
    let row = "//tr[@data-campaign='Reminders']";
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(row))
        .await
        .expect("the campaign is listed");
    click(
        browser,
        Locator::XPath(&format!("{row}//button[@data-transition='LOAD']")),
    )
    .await;
    wait_until("the load is ready", move || async move {
        match browser.find(Locator::XPath(row)).await {
            Ok(found) => found
                .text()
                .await
                .unwrap_or_default()
                .contains("Ready: 6 contacts"),
            Err(_) => false,
        }
    })
    .await;
    click(
        browser,
        Locator::XPath(&format!("{row}//button[@data-transition='START']")),
    )
    .await;
    click(
        browser,
        Locator::XPath(&format!("{row}//a[normalize-space(.)='Reminders']")),
    )
    .await;

    // Sent to completion: the funnel follows the counters live.
    wait_for_funnel(browser, "sent", 6).await;
    let sent = fake.wait_for_sent(7, Duration::from_secs(30)).await;
    let campaign_texts: Vec<_> = sent.iter().filter(|r| r.to != "+12125550199").collect();
    assert_eq!(campaign_texts.len(), 6);
    assert!(
        campaign_texts
            .iter()
            .any(|r| r.text == "Hi Ann3, your appointment is tomorrow. Reply STOP to opt out.")
    );

    // Receipts: five delivered, one failed.
    let me = app
        .graphql(
            Some(&admin),
            "{ messagingProvider { accountId } }",
            json!({}),
        )
        .await;
    let account = me["data"]["messagingProvider"]["accountId"]
        .as_str()
        .unwrap()
        .to_owned();
    let events: Vec<_> = campaign_texts
        .iter()
        .enumerate()
        .map(|(n, r)| {
            let kind = if n < 5 { "message.delivered" } else { "message.failed" };
            json!({ "id": format!("r-{n}"), "type": kind, "messageId": r.id, "reference": r.key, "reason": "handset off" })
        })
        .collect();
    let (status, body) = gateway::post_events(&app, &account, json!(events)).await;
    assert_eq!(status, 200, "{body}");
    wait_for_funnel(browser, "delivered", 5).await;
    wait_for_funnel(browser, "failed", 1).await;

    // A STOP reply: counted, the number suppressed, the opt-out text sent back.
    let stopper = contacts[2].mobile.clone();
    let (status, body) = gateway::post_events(
        &app,
        &account,
        json!([{ "id": "in-1", "type": "message.inbound", "channel": "SMS", "from": stopper, "to": "72345", "text": "STOP" }]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    wait_for_funnel(browser, "opted-out", 1).await;
    let replies = fake.wait_for_sent(8, Duration::from_secs(10)).await;
    let reply = replies.last().expect("the opt-out answer");
    assert_eq!(
        (reply.to.as_str(), reply.text.as_str()),
        (
            stopper.as_str(),
            "Ann2, you will get no more texts from Acme."
        )
    );
    let check = app
        .graphql(
            Some(&admin),
            "query($p: String!) { checkNumber(phone: $p, mode: SMS) { allowed suppressed } }",
            json!({ "p": stopper }),
        )
        .await;
    assert_eq!(check["data"]["checkNumber"]["allowed"], false, "{check}");
    assert_eq!(check["data"]["checkNumber"]["suppressed"], true, "{check}");
    let rows = texts_of(browser, "#recent-messages tbody tr").await;
    assert!(
        rows.iter()
            .any(|row| row.contains("DELIVERED") || row.contains("Delivered")),
        "{rows:?}"
    );
    scroll_to(browser, "#delivery-funnel").await;
    screenshot(browser, "sms-campaign-dashboard").await;
}
