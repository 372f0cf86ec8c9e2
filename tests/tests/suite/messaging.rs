//! SMS campaigns through the Dial Manager against a fake Nexus gateway, on
//! both stores (SPEC §3, §4, issue 8): a campaign runs to completion with
//! exact delivery statistics, receipts move messages forward once, STOP
//! suppresses the number at once and a later campaign skips it, HELP is
//! answered, bad signatures store nothing, rates hold, quiet hours hold in
//! every zone, and templates refuse unknown placeholders when saved.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use tests::gateway::{self, Behaviour, FakeGateway, Received, Texted};
use tests::{Stores, TestApp, USER_PASSWORD, error_code, error_field, on_both_stores, spawn_app};

on_both_stores!(
    an_sms_campaign_runs_to_completion_with_exact_statistics,
    templates_refuse_unknown_placeholders_and_preview_a_real_contact,
    gateway_settings_keep_secrets_write_only_and_send_a_test_message,
    a_stop_reply_suppresses_the_number_at_once_and_a_later_campaign_skips_it,
    callbacks_with_a_bad_signature_are_refused_and_store_nothing,
    the_campaign_rate_is_held_within_ten_percent,
    quiet_hours_hold_in_every_zone,
    an_email_campaign_sends_to_addresses,
);

const CREATE_MESSAGE_TEMPLATE: &str = "mutation($input: MessageTemplateInput!) { createMessageTemplate(input: $input) { id name channel subject fields smsLength { encoding units segments } } }";
const CREATE_CAMPAIGN_TEMPLATE: &str = "mutation($input: CampaignTemplateInput!) { createCampaignTemplate(input: $input) { id messageTemplate { id } messagesPerSecond } }";
const SEND_TEST: &str = "mutation($channel: MessageChannel!, $to: String!, $body: String!) { sendTestMessage(channel: $channel, to: $to, body: $body) { accepted providerMessageId error status } }";
const CHECK_NUMBER: &str = "query($phone: String!) { checkNumber(phone: $phone, mode: SMS, consent: true) { e164 allowed suppressed reasons } }";
const SUPPRESSION_LISTS: &str = "{ suppressionLists { id name kind channels entryCount entries(first: 50) { nodes { value source active } } } }";

/// Posts a GraphQL document and asserts it has no errors; its `data`.
async fn ok(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let body = app.graphql(Some(token), query, variables).await;
    assert!(body["errors"].is_null(), "{query}: {body}");
    body["data"].clone()
}

/// Waits (bounded by `within`) until `check` returns `Some`; panics naming `what` otherwise.
async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(started.elapsed() < within, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Messages the fake really sent to `to`.
fn sent_to(fake: &FakeGateway, to: &str) -> Vec<Received> {
    fake.sent().into_iter().filter(|r| r.to == to).collect()
}

/// Campaign messages (key `m-…`) the fake really sent to `to`.
fn campaign_texts_to(fake: &FakeGateway, to: &str) -> usize {
    sent_to(fake, to)
        .iter()
        .filter(|r| r.key.starts_with("m-"))
        .count()
}

/// Waits until every record of the campaign is settled (none ready or leased, all final).
async fn settled(app: &TestApp, token: &str, campaign: &str) -> Value {
    stats_until(app, token, campaign, |s| {
        s["ready"] == 0 && s["leased"] == 0 && s["final"] == s["recordsTotal"]
    })
    .await
}

/// Waits (bounded) until `check` holds for the campaign's stats; returns them.
async fn stats_until(
    app: &TestApp,
    token: &str,
    campaign: &str,
    check: impl Fn(&Value) -> bool,
) -> Value {
    let started = std::time::Instant::now();
    loop {
        let stats = gateway::message_stats(app, token, campaign).await;
        if check(&stats) {
            return stats;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "stats never settled: {stats}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn account(app: &TestApp, admin: &str) -> String {
    let me = app
        .graphql(Some(admin), "{ me { tenant { id } } }", json!({}))
        .await;
    me["data"]["me"]["tenant"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn an_sms_campaign_runs_to_completion_with_exact_statistics(stores: Stores) {
    let contacts: Vec<Texted> = gateway::new_yorkers(40);
    let refused = contacts[3].mobile.clone();
    let flaky = contacts[5].mobile.clone();
    let fake = FakeGateway::start_with(Behaviour {
        refuse: [refused.clone()].into(),
        flaky: [(flaky.clone(), 1)].into(),
        ..Behaviour::default()
    })
    .await;
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    gateway::configure(&app, &admin, &fake.url(), None).await;
    let list = gateway::sms_list(&app, &admin, "Texts", &contacts).await;
    let template = gateway::message_template(
        &app,
        &admin,
        "Reminder",
        "Hi {{firstName}}, your bill is due. Reply STOP to opt out.",
    )
    .await;
    let campaign =
        gateway::running_sms_campaign(&app, &admin, "Reminders", &list, &template, None).await;

    let stats = stats_until(&app, &admin, &campaign, |s| s["final"] == 40).await;
    assert_eq!(stats["recordsTotal"], 40, "{stats}");
    assert_eq!(stats["sent"], 39, "{stats}");
    assert_eq!(stats["failed"], 1, "{stats}");
    assert_eq!(stats["leased"], 0, "{stats}");
    assert_eq!(stats["ready"], 0, "{stats}");
    let sent = fake.sent();
    assert_eq!(sent.len(), 39);
    let keys: std::collections::HashSet<&str> = sent.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), 39, "one key per message");
    let first = sent
        .iter()
        .find(|r| r.to == contacts[0].mobile)
        .expect("the first contact's text");
    assert_eq!(
        first.text,
        "Hi Ann0, your bill is due. Reply STOP to opt out."
    );
    assert_eq!(first.from.as_deref(), Some("72345"));
    assert_eq!(first.channel, "SMS");
    assert!(!sent.iter().any(|r| r.to == refused));
    assert!(
        sent.iter().any(|r| r.to == flaky),
        "the flaky number was retried and sent"
    );

    // Receipts: 30 delivered, 2 failed, one delivered twice (replayed), one for an unknown message.
    let account = account(&app, &admin).await;
    let mut events: Vec<Value> = sent
        .iter()
        .take(30)
        .enumerate()
        .map(|(n, r)| json!({ "id": format!("d-{n}"), "type": "message.delivered", "messageId": r.id, "reference": r.key }))
        .collect();
    events.push(json!({ "id": "f-1", "type": "message.failed", "messageId": sent[30].id, "reference": sent[30].key, "reason": "handset off" }));
    events.push(json!({ "id": "f-2", "type": "message.failed", "messageId": sent[31].id, "reason": "carrier rejected" }));
    events.push(json!({ "id": "x-1", "type": "message.delivered", "messageId": "nx-unknown" }));
    let (status, body) = gateway::post_events(&app, &account, json!(events)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["accepted"], 33, "{body}");
    let (status, body) = gateway::post_events(&app, &account, json!(events[..5])).await;
    assert_eq!(
        (status, body["duplicates"].as_i64()),
        (200, Some(5)),
        "{body}"
    );
    // A late "sent" receipt never moves a delivered message back.
    let (status, _) = gateway::post_events(
        &app,
        &account,
        json!([{ "id": "late", "type": "message.sent", "messageId": sent[0].id, "reference": sent[0].key }]),
    )
    .await;
    assert_eq!(status, 200);
    let stats = gateway::message_stats(&app, &admin, &campaign).await;
    assert_eq!(stats["sent"], 39, "{stats}");
    assert_eq!(stats["delivered"], 30, "{stats}");
    assert_eq!(stats["failed"], 3, "{stats}");
    let messages = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { campaignMessages(campaignId: $id, first: 100) { to status error tries providerMessageId } }",
            json!({ "id": campaign }),
        )
        .await;
    let messages = messages["data"]["campaignMessages"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(messages.len(), 40);
    let refused_message = messages
        .iter()
        .find(|m| m["to"] == refused.as_str())
        .unwrap();
    assert_eq!(refused_message["status"], "FAILED");
    assert!(
        refused_message["error"]
            .as_str()
            .unwrap()
            .contains("unknown subscriber"),
        "{refused_message}"
    );
    let flaky_message = messages.iter().find(|m| m["to"] == flaky.as_str()).unwrap();
    assert_eq!(
        flaky_message["tries"], 1,
        "one hand-over recorded: {flaky_message}"
    );
    let first_message = messages
        .iter()
        .find(|m| m["to"] == sent[0].to.as_str())
        .unwrap();
    assert_eq!(first_message["status"], "DELIVERED", "{first_message}");
}

async fn templates_refuse_unknown_placeholders_and_preview_a_real_contact(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let create = |input: Value| {
        let app = &app;
        let admin = &admin;
        async move {
            app.graphql(
                Some(admin),
                CREATE_MESSAGE_TEMPLATE,
                json!({ "input": input }),
            )
            .await
        }
    };

    // A placeholder naming no field is refused when saved, naming the known ones.
    let refused =
        create(json!({ "name": "Nick", "channel": "SMS", "body": "Hi {{nickname}}" })).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(error_field(&refused), Some("body"), "{refused}");
    let message = refused["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(message.contains("nickname"), "{refused}");
    for known in ["firstname", "lastname", "company", "clientid", "other20"] {
        assert!(message.contains(known), "{known} is not named: {refused}");
    }
    let unclosed =
        create(json!({ "name": "Open", "channel": "SMS", "body": "Hi {{firstName, welcome" }))
            .await;
    assert_eq!(error_code(&unclosed), Some("BAD_USER_INPUT"), "{unclosed}");
    assert_eq!(error_field(&unclosed), Some("body"), "{unclosed}");
    let bad_help = create(
        json!({ "name": "Help", "channel": "SMS", "body": "Hi", "helpText": "Call {{agent}}" }),
    )
    .await;
    assert_eq!(error_field(&bad_help), Some("helpText"), "{bad_help}");
    let no_subject =
        create(json!({ "name": "Mail", "channel": "EMAIL", "body": "Hello {{firstName}}" })).await;
    assert_eq!(
        error_code(&no_subject),
        Some("BAD_USER_INPUT"),
        "{no_subject}"
    );
    assert_eq!(error_field(&no_subject), Some("subject"), "{no_subject}");

    // A valid template lists its fields (lower-case, first use order) and measures the text as written.
    let made = create(json!({
        "name": "Welcome", "channel": "SMS",
        "body": "Hi {{FirstName}} of {{company}}, {{firstName}} again. Reply STOP to opt out.",
        "optOutText": "{{firstName}}, you are out.",
    }))
    .await;
    assert!(made["errors"].is_null(), "{made}");
    let welcome = made["data"]["createMessageTemplate"].clone();
    assert_eq!(
        welcome["fields"],
        json!(["firstname", "company"]),
        "{welcome}"
    );
    let written = "Hi {{FirstName}} of {{company}}, {{firstName}} again. Reply STOP to opt out.";
    assert_eq!(
        welcome["smsLength"],
        json!({ "encoding": "GSM7", "units": written.chars().count() + written.matches(['{', '}']).count(), "segments": 1 }),
        "{welcome}"
    );
    let duplicate = create(json!({ "name": "Welcome", "channel": "SMS", "body": "Other" })).await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    assert_eq!(error_field(&duplicate), Some("name"), "{duplicate}");

    let long = create(json!({ "name": "Long", "channel": "SMS", "body": "a".repeat(161) })).await;
    assert_eq!(
        long["data"]["createMessageTemplate"]["smsLength"],
        json!({ "encoding": "GSM7", "units": 161, "segments": 2 }),
        "{long}"
    );
    let single =
        create(json!({ "name": "Single", "channel": "SMS", "body": "a".repeat(160) })).await;
    assert_eq!(
        single["data"]["createMessageTemplate"]["smsLength"],
        json!({ "encoding": "GSM7", "units": 160, "segments": 1 }),
        "{single}"
    );
    let emoji =
        create(json!({ "name": "Emoji", "channel": "SMS", "body": "Hello \u{1F600}" })).await;
    let emoji_length = &emoji["data"]["createMessageTemplate"]["smsLength"];
    assert_eq!(emoji_length["encoding"], "UCS2", "{emoji}");
    assert_eq!(emoji_length["segments"], 1, "{emoji}");
    let mail = create(json!({ "name": "Mail", "channel": "EMAIL", "subject": "Hello {{firstName}}", "body": "Dear {{firstName}} {{lastName}}" })).await;
    let mail = mail["data"]["createMessageTemplate"].clone();
    assert_eq!(mail["fields"], json!(["firstname", "lastname"]), "{mail}");
    assert!(mail["smsLength"].is_null(), "{mail}");

    // The preview renders a real contact and names the fields it has no value for.
    let contacts = gateway::new_yorkers(1);
    let list = gateway::sms_list(&app, &admin, "Preview list", &contacts).await;
    let listed = ok(
        &app,
        &admin,
        "query($id: ID!) { contactList(id: $id) { contacts(first: 1) { edges { node { id } } } } }",
        json!({ "id": list }),
    )
    .await;
    let contact_id = listed["contactList"]["contacts"]["edges"][0]["node"]["id"].clone();
    assert!(contact_id.is_string(), "{listed}");
    let preview = ok(
        &app,
        &admin,
        "query($input: MessageTemplateInput!, $contact: ID) { previewMessage(input: $input, contactId: $contact) { subject body smsLength { encoding units segments } emptyFields to } }",
        json!({ "input": { "name": "Unsaved", "channel": "SMS", "body": "Hi {{firstName}} {{lastName}} of {{company}}!" }, "contact": contact_id }),
    )
    .await;
    let preview = &preview["previewMessage"];
    assert_eq!(preview["body"], "Hi Ann0 Tester of !", "{preview}");
    assert_eq!(preview["emptyFields"], json!(["company"]), "{preview}");
    assert_eq!(preview["to"], contacts[0].mobile.as_str(), "{preview}");
    assert_eq!(
        preview["smsLength"],
        json!({ "encoding": "GSM7", "units": 19, "segments": 1 }),
        "{preview}"
    );
    let as_written = ok(
        &app,
        &admin,
        "query($input: MessageTemplateInput!) { previewMessage(input: $input) { body emptyFields to } }",
        json!({ "input": { "name": "Unsaved", "channel": "SMS", "body": "Hi {{firstName}}" } }),
    )
    .await;
    assert_eq!(
        as_written["previewMessage"],
        json!({ "body": "Hi {{firstName}}", "emptyFields": [], "to": null })
    );
    let bad_preview = app
        .graphql(
            Some(&admin),
            "query($input: MessageTemplateInput!) { previewMessage(input: $input) { body } }",
            json!({ "input": { "name": "Unsaved", "channel": "SMS", "body": "Hi {{nickname}}" } }),
        )
        .await;
    assert_eq!(error_field(&bad_preview), Some("body"), "{bad_preview}");

    // Campaign templates: SMS needs a message template, of the SMS channel.
    let missing = app
        .graphql(
            Some(&admin),
            CREATE_CAMPAIGN_TEMPLATE,
            json!({ "input": { "name": "No text", "dialingMode": "SMS", "deviceOrder": ["MOBILE"] } }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("BAD_USER_INPUT"), "{missing}");
    assert_eq!(
        error_field(&missing),
        Some("messageTemplateId"),
        "{missing}"
    );
    let wrong_channel = app
        .graphql(
            Some(&admin),
            CREATE_CAMPAIGN_TEMPLATE,
            json!({ "input": { "name": "Mail text", "dialingMode": "SMS", "deviceOrder": ["MOBILE"], "messageTemplateId": mail["id"] } }),
        )
        .await;
    assert!(
        wrong_channel["data"].is_null()
            || wrong_channel["data"]["createCampaignTemplate"].is_null(),
        "{wrong_channel}"
    );
    assert_eq!(
        error_field(&wrong_channel),
        Some("messageTemplateId"),
        "{wrong_channel}"
    );
    let user = ok(
        &app,
        &admin,
        CREATE_CAMPAIGN_TEMPLATE,
        json!({ "input": { "name": "Welcome texts", "dialingMode": "SMS", "deviceOrder": ["MOBILE"], "messageTemplateId": welcome["id"], "messagesPerSecond": 5 } }),
    )
    .await;
    assert_eq!(
        user["createCampaignTemplate"]["messageTemplate"]["id"],
        welcome["id"]
    );
    assert_eq!(user["createCampaignTemplate"]["messagesPerSecond"], 5);
    let used = ok(
        &app,
        &admin,
        "query($id: ID!) { messageTemplate(id: $id) { usedBy { name } } }",
        json!({ "id": welcome["id"] }),
    )
    .await;
    assert_eq!(
        used["messageTemplate"]["usedBy"],
        json!([{ "name": "Welcome texts" }])
    );
    let in_use = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteMessageTemplate(id: $id) }",
            json!({ "id": welcome["id"] }),
        )
        .await;
    assert_eq!(error_code(&in_use), Some("CONFLICT"), "{in_use}");
    let deleted = ok(
        &app,
        &admin,
        "mutation($id: ID!) { deleteMessageTemplate(id: $id) }",
        json!({ "id": single["data"]["createMessageTemplate"]["id"] }),
    )
    .await;
    assert_eq!(
        deleted["deleteMessageTemplate"],
        single["data"]["createMessageTemplate"]["id"]
    );

    // A viewer reads templates but cannot write them.
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;
    let read = ok(
        &app,
        &viewer,
        "{ messageTemplates { name channel } }",
        json!({}),
    )
    .await;
    let names: Vec<&str> = read["messageTemplates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Emoji", "Long", "Mail", "Welcome"], "{read}");
    let forbidden = app
        .graphql(
            Some(&viewer),
            CREATE_MESSAGE_TEMPLATE,
            json!({ "input": { "name": "Mine", "channel": "SMS", "body": "Hi" } }),
        )
        .await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");
    let count = ok(&app, &admin, "{ messageTemplates { id } }", json!({})).await;
    assert_eq!(count["messageTemplates"].as_array().unwrap().len(), 4);
}

async fn gateway_settings_keep_secrets_write_only_and_send_a_test_message(stores: Stores) {
    let refused_number = "+12125550198";
    let fake = FakeGateway::start_with(Behaviour {
        refuse: [refused_number.to_owned()].into(),
        ..Behaviour::default()
    })
    .await;
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    const PROVIDER: &str = "{ messagingProvider { baseUrl apiKeySet signingSecretSet smsSender emailSender messagesPerSecond accountId callbackPath updatedAt } }";

    let none = ok(&app, &admin, PROVIDER, json!({})).await;
    assert!(none["messagingProvider"].is_null(), "{none}");
    let too_early = app
        .graphql(
            Some(&admin),
            SEND_TEST,
            json!({ "channel": "SMS", "to": "+12125550199", "body": "Hello" }),
        )
        .await;
    assert_eq!(error_code(&too_early), Some("CONFLICT"), "{too_early}");

    let saved = gateway::configure(&app, &admin, &fake.url(), None).await;
    let tenant = account(&app, &admin).await;
    assert_eq!(saved["apiKeySet"], true, "{saved}");
    assert_eq!(saved["signingSecretSet"], true, "{saved}");
    assert_eq!(saved["accountId"], tenant.as_str(), "{saved}");
    assert_eq!(saved["callbackPath"], "/nexus/v1/events", "{saved}");
    assert_eq!(saved["smsSender"], "72345", "{saved}");

    // Saved again without secrets: the stored ones are kept.
    let again = app
        .graphql(
            Some(&admin),
            "mutation($input: MessagingProviderInput!) { updateMessagingProvider(input: $input) { baseUrl apiKeySet signingSecretSet smsSender emailSender messagesPerSecond accountId callbackPath } }",
            json!({ "input": {
                "baseUrl": fake.url(), "apiKey": "", "signingSecret": null,
                "smsSender": "72345", "emailSender": "news@example.com", "messagesPerSecond": 30,
            } }),
        )
        .await;
    assert!(again["errors"].is_null(), "{again}");
    assert_eq!(
        again["data"]["updateMessagingProvider"]["apiKeySet"], true,
        "{again}"
    );
    assert_eq!(
        again["data"]["updateMessagingProvider"]["signingSecretSet"], true,
        "{again}"
    );
    assert_eq!(
        again["data"]["updateMessagingProvider"]["messagesPerSecond"], 30,
        "{again}"
    );
    let read = app.graphql(Some(&admin), PROVIDER, json!({})).await;
    assert_eq!(
        read["data"]["messagingProvider"]["baseUrl"],
        fake.url().as_str(),
        "{read}"
    );
    for body in [&read, &again, &saved] {
        let text = body.to_string();
        assert!(!text.contains(gateway::API_KEY), "the key leaked: {text}");
        assert!(
            !text.contains(gateway::SIGNING_SECRET),
            "the secret leaked: {text}"
        );
    }

    let insecure = app
        .graphql(
            Some(&admin),
            "mutation($input: MessagingProviderInput!) { updateMessagingProvider(input: $input) { baseUrl } }",
            json!({ "input": { "baseUrl": "http://gateway.example.com", "smsSender": "72345" } }),
        )
        .await;
    assert_eq!(error_code(&insecure), Some("BAD_USER_INPUT"), "{insecure}");
    assert_eq!(error_field(&insecure), Some("baseUrl"), "{insecure}");
    let kept = ok(&app, &admin, PROVIDER, json!({})).await;
    assert_eq!(
        kept["messagingProvider"]["baseUrl"],
        fake.url().as_str(),
        "{kept}"
    );

    // A test message goes out with the kept key, to the number in E.164.
    let test = ok(
        &app,
        &admin,
        SEND_TEST,
        json!({ "channel": "SMS", "to": "+1 (212) 555-0199", "body": "Hello" }),
    )
    .await;
    let test = &test["sendTestMessage"];
    assert_eq!(test["accepted"], true, "{test}");
    assert_eq!(test["status"], "SENT", "{test}");
    assert!(test["error"].is_null(), "{test}");
    let sent = fake.sent();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(test["providerMessageId"], sent[0].id.as_str(), "{test}");
    assert_eq!(sent[0].to, "+12125550199");
    assert_eq!(sent[0].text, "Hello");
    assert_eq!(sent[0].channel, "SMS");
    assert_eq!(sent[0].from.as_deref(), Some("72345"));
    assert_eq!(fake.unauthorised(), 0, "the stored key was kept");

    let refused = ok(
        &app,
        &admin,
        SEND_TEST,
        json!({ "channel": "SMS", "to": refused_number, "body": "Hello" }),
    )
    .await;
    let refused = &refused["sendTestMessage"];
    assert_eq!(refused["accepted"], false, "{refused}");
    assert_eq!(refused["status"], "FAILED", "{refused}");
    assert!(refused["providerMessageId"].is_null(), "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown subscriber"),
        "{refused}"
    );
    assert_eq!(fake.sent().len(), 1);
    let bad_number = app
        .graphql(
            Some(&admin),
            SEND_TEST,
            json!({ "channel": "SMS", "to": "not a number", "body": "Hello" }),
        )
        .await;
    assert_eq!(
        error_code(&bad_number),
        Some("BAD_USER_INPUT"),
        "{bad_number}"
    );
    assert_eq!(error_field(&bad_number), Some("to"), "{bad_number}");

    // A viewer sees the settings (without secrets) but can neither change them nor send.
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;
    let seen = ok(&app, &viewer, PROVIDER, json!({})).await;
    assert_eq!(seen["messagingProvider"]["apiKeySet"], true, "{seen}");
    let forbidden = app
        .graphql(
            Some(&viewer),
            SEND_TEST,
            json!({ "channel": "SMS", "to": "+12125550199", "body": "Hello" }),
        )
        .await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");
    assert_eq!(fake.sent().len(), 1);
}

/// Posts an inbound SMS from `from` with `text` as event `id`; the answer.
async fn inbound(app: &TestApp, account: &str, id: &str, from: &str, text: &str) -> Value {
    let (status, body) = gateway::post_events(
        app,
        account,
        json!([{ "id": id, "type": "message.inbound", "channel": "SMS", "from": from, "to": "72345", "text": text }]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn check_number(app: &TestApp, token: &str, phone: &str) -> Value {
    ok(app, token, CHECK_NUMBER, json!({ "phone": phone })).await["checkNumber"].clone()
}

async fn a_stop_reply_suppresses_the_number_at_once_and_a_later_campaign_skips_it(stores: Stores) {
    let contacts = gateway::new_yorkers(5);
    let fake = FakeGateway::start().await;
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    gateway::configure(&app, &admin, &fake.url(), None).await;
    let account = account(&app, &admin).await;
    let list = gateway::sms_list(&app, &admin, "First texts", &contacts).await;
    let template = gateway::message_template(
        &app,
        &admin,
        "Reminder",
        "Hi {{firstName}}, your bill is due. Reply STOP to opt out.",
    )
    .await;
    let campaign =
        gateway::running_sms_campaign(&app, &admin, "First", &list, &template, None).await;
    let stats = stats_until(&app, &admin, &campaign, |s| s["final"] == 5).await;
    assert_eq!(stats["sent"], 5, "{stats}");
    assert_eq!(stats["optedOut"], 0, "{stats}");
    assert_eq!(fake.sent().len(), 5);

    let stopped = contacts[1].mobile.clone();
    assert_eq!(check_number(&app, &admin, &stopped).await["allowed"], true);
    let answer = inbound(&app, &account, "in-1", &stopped, "Stop please").await;
    assert_eq!(answer, json!({ "accepted": 1, "duplicates": 0 }));
    // At once: the 200 came after the suppression was committed and announced.
    let check = check_number(&app, &admin, &stopped).await;
    assert_eq!(check["allowed"], false, "{check}");
    assert_eq!(check["suppressed"], true, "{check}");
    assert!(!check["reasons"].as_array().unwrap().is_empty(), "{check}");
    let lists = ok(&app, &admin, SUPPRESSION_LISTS, json!({})).await;
    let lists = lists["suppressionLists"].as_array().unwrap().clone();
    let opt_outs = lists
        .iter()
        .find(|l| l["name"] == "SMS opt-outs (STOP replies)")
        .unwrap_or_else(|| panic!("no STOP list: {lists:?}"));
    assert_eq!(opt_outs["kind"], "PHONE", "{opt_outs}");
    let mut channels: Vec<&str> = opt_outs["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    channels.sort_unstable();
    assert_eq!(channels, ["SMS", "VOICE"], "{opt_outs}");
    assert_eq!(
        opt_outs["entries"]["nodes"],
        json!([{ "value": stopped, "source": "SMS_STOP", "active": true }]),
        "{opt_outs}"
    );
    let stats = gateway::message_stats(&app, &admin, &campaign).await;
    assert_eq!(stats["optedOut"], 1, "{stats}");
    assert_eq!(
        stats["sent"], 5,
        "a reply is not a campaign message: {stats}"
    );
    let opt_out_text = "Ann1, you are unsubscribed from Acme texts.";
    let reply = eventually("the opt-out reply", Duration::from_secs(10), || async {
        sent_to(&fake, &stopped)
            .into_iter()
            .find(|r| r.text == opt_out_text)
    })
    .await;
    assert_eq!(reply.from.as_deref(), Some("72345"));

    // The same event again changes nothing.
    let replay = inbound(&app, &account, "in-1", &stopped, "Stop please").await;
    assert_eq!(replay, json!({ "accepted": 0, "duplicates": 1 }));

    // ARRÊT from another contact suppresses too; HELP is answered; anything else is kept quietly.
    let arret = contacts[2].mobile.clone();
    inbound(&app, &account, "in-2", &arret, "ARRÊT").await;
    let check = check_number(&app, &admin, &arret).await;
    assert_eq!(
        (check["allowed"].clone(), check["suppressed"].clone()),
        (json!(false), json!(true)),
        "{check}"
    );
    let chatty = contacts[4].mobile.clone();
    inbound(&app, &account, "in-3", &chatty, "thanks").await;
    let helped = contacts[3].mobile.clone();
    inbound(&app, &account, "in-4", &helped, "HELP").await;
    eventually("the help reply", Duration::from_secs(10), || async {
        sent_to(&fake, &helped)
            .into_iter()
            .find(|r| r.text == "Acme help: call 800-555-0100. Reply STOP to opt out.")
    })
    .await;
    eventually(
        "the second opt-out reply",
        Duration::from_secs(10),
        || async {
            sent_to(&fake, &arret)
                .into_iter()
                .find(|r| r.text == "Ann2, you are unsubscribed from Acme texts.")
        },
    )
    .await;
    let check = check_number(&app, &admin, &helped).await;
    assert_eq!(
        (check["allowed"].clone(), check["suppressed"].clone()),
        (json!(true), json!(false)),
        "{check}"
    );
    // Replies are sent after the answer; give a wrong second reply time to show up.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sent_to(&fake, &stopped).len(),
        2,
        "one campaign text and one reply"
    );
    assert_eq!(sent_to(&fake, &chatty).len(), 1, "no answer to \"thanks\"");
    assert_eq!(sent_to(&fake, &helped).len(), 2);
    assert_eq!(fake.sent().len(), 5 + 3);
    let stats = gateway::message_stats(&app, &admin, &campaign).await;
    assert_eq!(stats["optedOut"], 2, "{stats}");
    let events = entity::message_event::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 4);

    // A later campaign over a list holding the stopped number never texts it.
    let mut second = vec![contacts[1].clone()];
    second.extend((0..2).map(|n| Texted {
        client_id: format!("S{n}"),
        first_name: format!("Bob{n}"),
        mobile: format!("+1212555{:04}", 100 + n),
        zone: "America/New_York".into(),
    }));
    let list = gateway::sms_list(&app, &admin, "Second texts", &second).await;
    let campaign =
        gateway::running_sms_campaign(&app, &admin, "Second", &list, &template, None).await;
    let stats = settled(&app, &admin, &campaign).await;
    assert_eq!(stats["sent"], 2, "{stats}");
    for other in &second[1..] {
        assert_eq!(
            campaign_texts_to(&fake, &other.mobile),
            1,
            "{}",
            other.mobile
        );
    }
    assert_eq!(
        campaign_texts_to(&fake, &stopped),
        1,
        "only the first campaign's text reached the stopped number"
    );
    assert_eq!(fake.sent().len(), 5 + 3 + 2);
}

/// Posts `body` to the callback endpoint with `headers`; status and answer.
async fn post_callback(app: &TestApp, headers: &[(&str, String)], body: &[u8]) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/nexus/v1/events", app.address))
        .header("content-type", "application/json")
        .body(body.to_vec());
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let response = request.send().await.expect("posting a callback");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn callbacks_with_a_bad_signature_are_refused_and_store_nothing(stores: Stores) {
    let fake = FakeGateway::start().await;
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    gateway::configure(&app, &admin, &fake.url(), None).await;
    let account = account(&app, &admin).await;
    let number = "+12125550100";
    let stop = json!([{ "id": "in-1", "type": "message.inbound", "channel": "SMS", "from": number, "to": "72345", "text": "STOP" }]);
    let now = Utc::now().timestamp();

    let (status, body) = gateway::post_events_signed(
        &app,
        &account,
        "a-different-secret-of-enough-length",
        now,
        stop.clone(),
    )
    .await;
    assert_eq!(status, 401, "wrong secret: {body}");
    assert!(body["error"].is_string(), "{body}");
    let (status, body) = gateway::post_events_signed(
        &app,
        &account,
        gateway::SIGNING_SECRET,
        now - 600,
        stop.clone(),
    )
    .await;
    assert_eq!(status, 401, "stale timestamp: {body}");
    let (status, body) = gateway::post_events_signed(
        &app,
        &account,
        gateway::SIGNING_SECRET,
        now + 600,
        stop.clone(),
    )
    .await;
    assert_eq!(status, 401, "future timestamp: {body}");
    let (status, body) =
        gateway::post_events(&app, &uuid::Uuid::new_v4().to_string(), stop.clone()).await;
    assert_eq!(status, 401, "unknown account: {body}");
    let raw = serde_json::to_vec(&json!({ "events": stop })).unwrap();
    let signature = workers::messaging::callbacks::sign(gateway::SIGNING_SECRET, now, &raw);
    let (status, body) = post_callback(&app, &[], &raw).await;
    assert_eq!(status, 401, "no headers: {body}");
    let (status, body) = post_callback(
        &app,
        &[
            ("x-nexus-account", account.clone()),
            ("x-nexus-timestamp", now.to_string()),
        ],
        &raw,
    )
    .await;
    assert_eq!(status, 401, "no signature: {body}");
    let (status, body) = post_callback(
        &app,
        &[
            ("x-nexus-timestamp", now.to_string()),
            ("x-nexus-signature", signature.clone()),
        ],
        &raw,
    )
    .await;
    assert_eq!(status, 401, "no account: {body}");
    // A body changed after signing.
    let tampered = String::from_utf8(raw.clone())
        .unwrap()
        .replace("STOP", "HELP");
    let (status, body) = post_callback(
        &app,
        &[
            ("x-nexus-account", account.clone()),
            ("x-nexus-timestamp", now.to_string()),
            ("x-nexus-signature", signature.clone()),
        ],
        tampered.as_bytes(),
    )
    .await;
    assert_eq!(status, 401, "tampered body: {body}");

    // Signed but not a callback: 400.
    for malformed in [
        &b"{\"events\": \"STOP\"}"[..],
        b"not json at all",
        b"{\"events\": [{\"type\": \"message.inbound\", \"from\": \"+12125550100\", \"text\": \"STOP\"}]}",
        b"{\"events\": [{\"id\": \"x\", \"type\": \"message.exploded\"}]}",
    ] {
        let signed = workers::messaging::callbacks::sign(gateway::SIGNING_SECRET, now, malformed);
        let (status, body) = post_callback(
            &app,
            &[
                ("x-nexus-account", account.clone()),
                ("x-nexus-timestamp", now.to_string()),
                ("x-nexus-signature", signed),
            ],
            malformed,
        )
        .await;
        assert_eq!(status, 400, "{}: {body}", String::from_utf8_lossy(malformed));
    }

    // Nothing was stored: no STOP list, no entry, no event, no reply; the number is still allowed.
    let lists = ok(&app, &admin, SUPPRESSION_LISTS, json!({})).await;
    assert_eq!(lists["suppressionLists"], json!([]), "{lists}");
    let events = entity::message_event::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap();
    assert!(events.is_empty(), "{events:?}");
    let messages = entity::message::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap();
    assert!(messages.is_empty(), "{messages:?}");
    app.open_calling_window_all_day(&admin).await;
    let check = check_number(&app, &admin, number).await;
    assert_eq!(check["suppressed"], false, "{check}");

    // The same STOP, signed right, is taken.
    let (status, body) = post_callback(
        &app,
        &[
            ("x-nexus-account", account.clone()),
            ("x-nexus-timestamp", now.to_string()),
            ("x-nexus-signature", signature),
        ],
        &raw,
    )
    .await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({ "accepted": 1, "duplicates": 0 })),
        "{body}"
    );
    let events = entity::message_event::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    let check = check_number(&app, &admin, number).await;
    assert_eq!(check["suppressed"], true, "{check}");
    assert_eq!(fake.unauthorised(), 0);
}

/// The measured rate of `arrivals` (first to last) and the most in any one-second window.
fn measured(arrivals: &[Instant]) -> (f64, usize) {
    let mut at: Vec<Instant> = arrivals.to_vec();
    at.sort();
    let span = at[at.len() - 1].duration_since(at[0]).as_secs_f64();
    let rate = (at.len() - 1) as f64 / span;
    let busiest = (0..at.len())
        .map(|i| {
            at[i..]
                .iter()
                .take_while(|t| t.duration_since(at[i]) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0);
    eprintln!(
        "{} messages: {rate:.1}/s, at most {busiest} in one second",
        at.len()
    );
    (rate, busiest)
}

/// `count` New York contacts with their own client ids (`prefix`).
fn texted(prefix: &str, count: usize) -> Vec<Texted> {
    gateway::new_yorkers(count)
        .into_iter()
        .map(|t| Texted {
            client_id: format!("{prefix}{}", t.client_id),
            ..t
        })
        .collect()
}

async fn the_campaign_rate_is_held_within_ten_percent(stores: Stores) {
    let fake = FakeGateway::start().await;
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    gateway::configure(&app, &admin, &fake.url(), None).await;
    let template = gateway::message_template(&app, &admin, "Rate", "Hi {{firstName}}").await;

    // The campaign's own rate.
    let list = gateway::sms_list(&app, &admin, "Forty", &texted("A", 120)).await;
    let campaign =
        gateway::running_sms_campaign(&app, &admin, "Forty", &list, &template, Some(40)).await;
    let sent = fake.wait_for_sent(120, Duration::from_secs(30)).await;
    assert_eq!(sent.len(), 120);
    let (rate, busiest) = measured(&sent.iter().map(|r| r.at).collect::<Vec<_>>());
    assert!(
        (36.0..=44.0).contains(&rate),
        "measured {rate:.1}/s for 40/s"
    );
    assert!(busiest <= 44, "{busiest} in one second for 40/s");
    let stats = stats_until(&app, &admin, &campaign, |s| s["final"] == 120).await;
    assert_eq!(stats["sent"], 120, "{stats}");
    ok(
        &app,
        &admin,
        "mutation($id: ID!) { stopCampaign(id: $id) { state } }",
        json!({ "id": campaign }),
    )
    .await;

    // The tenant's cap is lower than the campaign's rate: the cap wins.
    let capped = FakeGateway::start().await;
    gateway::configure(&app, &admin, &capped.url(), Some(25)).await;
    let list = gateway::sms_list(&app, &admin, "Capped", &texted("B", 90)).await;
    gateway::running_sms_campaign(&app, &admin, "Capped", &list, &template, Some(100)).await;
    let sent = capped.wait_for_sent(90, Duration::from_secs(30)).await;
    assert_eq!(sent.len(), 90);
    let (rate, busiest) = measured(&sent.iter().map(|r| r.at).collect::<Vec<_>>());
    assert!(
        (22.5..=27.5).contains(&rate),
        "measured {rate:.1}/s under a 25/s cap"
    );
    assert!(busiest <= 27, "{busiest} in one second under a 25/s cap");
    assert_eq!(
        fake.sent().len(),
        120,
        "nothing more through the old gateway"
    );
}

/// A zone's local time now, in minutes after midnight.
fn local_minutes(zone: Tz) -> u32 {
    let local = Utc::now().with_timezone(&zone);
    local.hour() * 60 + local.minute()
}

/// The next 08:00 in `zone` after now.
fn next_opening(zone: Tz) -> chrono::DateTime<Utc> {
    let local = Utc::now().with_timezone(&zone);
    let mut day = local.date_naive();
    if local.hour() >= 8 {
        day = day.succ_opt().unwrap();
    }
    zone.from_local_datetime(&day.and_hms_opt(8, 0, 0).unwrap())
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

async fn quiet_hours_hold_in_every_zone(stores: Stores) {
    // Numbers whose numbering data gives exactly one zone (NANP area codes,
    // and a few single-zone countries so every hour of the day has both sides).
    let candidates: [(&str, &str); 9] = [
        ("+1212555", "America/New_York"),
        ("+1312555", "America/Chicago"),
        ("+1303555", "America/Denver"),
        ("+1213555", "America/Los_Angeles"),
        ("+1808555", "Pacific/Honolulu"),
        ("+1671555", "Pacific/Guam"),
        ("+4474001", "Europe/London"),
        ("+8190123", "Asia/Tokyo"),
        ("+9181234", "Asia/Kolkata"),
    ];
    let mut inside: Vec<Texted> = Vec::new();
    let mut outside: Vec<(Texted, Tz)> = Vec::new();
    for (index, (prefix, zone_name)) in candidates.iter().enumerate() {
        let zone: Tz = zone_name.parse().unwrap();
        let minutes = local_minutes(zone);
        // Ten minutes clear of either edge of 08:00–21:00, so the test cannot straddle one.
        let is_inside = (8 * 60 + 10..21 * 60 - 10).contains(&minutes);
        let is_outside = !(8 * 60 - 10..21 * 60 + 10).contains(&minutes);
        for n in 0..2 {
            let digits = if prefix.starts_with("+1") { 4 } else { 5 };
            let mobile = format!("{prefix}{:0digits$}", 10 * index + n, digits = digits);
            if domain::PhoneNumber::parse("mobile", &mobile, None).is_err() {
                eprintln!("skipping {mobile}: not a valid number");
                continue;
            }
            let texted = Texted {
                client_id: format!("Q{index}-{n}"),
                first_name: format!("Zed{index}{n}"),
                mobile,
                zone: (*zone_name).to_owned(),
            };
            if is_inside {
                inside.push(texted);
            } else if is_outside {
                outside.push((texted, zone));
            }
        }
    }
    if inside.is_empty() || outside.is_empty() {
        eprintln!(
            "quiet_hours_hold_in_every_zone: at {} every candidate zone is on the same side of 08:00–21:00; nothing to compare",
            Utc::now()
        );
        return;
    }
    let fake = FakeGateway::start().await;
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    gateway::configure(&app, &admin, &fake.url(), None).await;
    let mut everyone = inside.clone();
    everyone.extend(outside.iter().map(|(t, _)| t.clone()));
    let list = gateway::sms_list(&app, &admin, "Everywhere", &everyone).await;
    let template = gateway::message_template(&app, &admin, "Zones", "Hi {{firstName}}").await;
    let campaign =
        gateway::running_sms_campaign(&app, &admin, "Zones", &list, &template, None).await;

    let sent = fake
        .wait_for_sent(inside.len(), Duration::from_secs(30))
        .await;
    assert_eq!(sent.len(), inside.len(), "{sent:?}");
    // The outside ones wait in READY with their zone's next opening as their schedule.
    let records = eventually(
        "the outside records to be rescheduled",
        Duration::from_secs(20),
        || async {
            let body = ok(
                &app,
                &admin,
                "query($id: ID!) { campaign(id: $id) { records(first: 100) { edges { node { contactInfo recordStatus dialSchedTime } } } } }",
                json!({ "id": campaign }),
            )
            .await;
            let records: Vec<Value> = body["campaign"]["records"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|edge| edge["node"].clone())
                .collect();
            outside
                .iter()
                .all(|(t, _)| {
                    records
                        .iter()
                        .any(|r| r["contactInfo"] == t.mobile.as_str() && r["dialSchedTime"].is_string())
                })
                .then_some(records)
        },
    )
    .await;
    assert_eq!(records.len(), everyone.len(), "{records:?}");
    for (texted, zone) in &outside {
        let record = records
            .iter()
            .find(|r| r["contactInfo"] == texted.mobile.as_str())
            .unwrap();
        assert_eq!(record["recordStatus"], 1, "{record}");
        let at: chrono::DateTime<Utc> = record["dialSchedTime"].as_str().unwrap().parse().unwrap();
        let opens = next_opening(*zone);
        assert!(
            (at - opens).num_seconds().abs() <= 60,
            "{} ({zone}) is scheduled at {at}, its window opens at {opens}",
            texted.mobile
        );
    }
    // Well after the inside ones were done, still nothing to the outside ones.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for texted in &inside {
        assert_eq!(
            sent_to(&fake, &texted.mobile).len(),
            1,
            "{} ({})",
            texted.mobile,
            texted.zone
        );
    }
    for (texted, zone) in &outside {
        assert!(
            sent_to(&fake, &texted.mobile).is_empty(),
            "{} ({zone}) was texted at night",
            texted.mobile
        );
    }
    assert_eq!(fake.sent().len(), inside.len());
    let stats = gateway::message_stats(&app, &admin, &campaign).await;
    assert_eq!(stats["sent"], inside.len(), "{stats}");
    assert_eq!(stats["ready"], outside.len(), "{stats}");
}

async fn an_email_campaign_sends_to_addresses(stores: Stores) {
    let fake = FakeGateway::start().await;
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.open_calling_window_all_day(&admin).await;
    gateway::configure(&app, &admin, &fake.url(), None).await;
    let contacts = gateway::emailed(4);
    let list = gateway::email_list(&app, &admin, "Mailing", &contacts).await;
    let template = ok(
        &app,
        &admin,
        CREATE_MESSAGE_TEMPLATE,
        json!({ "input": { "name": "News", "channel": "EMAIL", "subject": "Hello {{firstName}}", "body": "Dear {{firstName}} {{lastName}}, here is our news." } }),
    )
    .await;
    let template = template["createMessageTemplate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let suppressed = ok(
        &app,
        &admin,
        "mutation { createSuppressionList(input: { name: \"Mail DNC\", kind: EMAIL, channels: [EMAIL] }) { id } }",
        json!({}),
    )
    .await;
    ok(
        &app,
        &admin,
        "mutation($list: ID!, $values: [String!]!) { addSuppressionEntries(listId: $list, values: $values) { added } }",
        json!({ "list": suppressed["createSuppressionList"]["id"], "values": ["ANN2@example.com"] }),
    )
    .await;
    let campaign = gateway::running_campaign(
        &app,
        &admin,
        "News",
        &list,
        &template,
        None,
        "EMAIL",
        json!(["EMAIL"]),
    )
    .await;
    let stats = settled(&app, &admin, &campaign).await;
    assert_eq!(stats["sent"], 3, "{stats}");
    let sent = fake.sent();
    assert_eq!(sent.len(), 3, "{sent:?}");
    for (n, contact) in contacts.iter().enumerate() {
        let got = sent_to(&fake, &contact.mobile);
        if n == 2 {
            assert!(got.is_empty(), "the suppressed address got {got:?}");
            continue;
        }
        assert_eq!(got.len(), 1, "{}: {got:?}", contact.mobile);
        assert_eq!(got[0].channel, "EMAIL");
        assert_eq!(
            got[0].subject.as_deref(),
            Some(format!("Hello Ann{n}").as_str())
        );
        assert_eq!(
            got[0].text,
            format!("Dear Ann{n} Tester, here is our news.")
        );
        assert_eq!(got[0].from.as_deref(), Some("news@example.com"));
    }
    let messages = ok(
        &app,
        &admin,
        "query($id: ID!) { campaignMessages(campaignId: $id) { channel to status kind } }",
        json!({ "id": campaign }),
    )
    .await;
    let messages = messages["campaignMessages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m["channel"] == "EMAIL" && m["status"] == "SENT" && m["kind"] == "CAMPAIGN"),
        "{messages:?}"
    );
}
