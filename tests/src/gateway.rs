//! A faithful fake of a Nexus-compatible messaging gateway (wiremock on
//! loopback) that records every request it receives: it checks the API key,
//! answers a repeated `Idempotency-Key` with the same message id without
//! "sending" again (like the real gateway), and can refuse or delay chosen
//! numbers. Also the other direction: signed callbacks to
//! `POST /nexus/v1/events`, and the set-up every messaging test needs.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::TestApp;

/// The API key the fake expects.
pub const API_KEY: &str = "nexus-test-key";
/// The callback signing secret the tests configure.
pub const SIGNING_SECRET: &str = "nexus-signing-secret-for-tests";

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The `Idempotency-Key` header.
    pub key: String,
    /// `SMS` or `EMAIL`.
    pub channel: String,
    /// The recipient.
    pub to: String,
    /// The sender.
    pub from: Option<String>,
    /// The text.
    pub text: String,
    /// The e-mail subject.
    pub subject: Option<String>,
    /// When it arrived.
    pub at: Instant,
    /// Whether the key was seen before (the gateway did not send it again).
    pub duplicate: bool,
    /// The message id answered.
    pub id: String,
}

/// How the fake behaves.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Every answer waits this long.
    pub delay: Duration,
    /// Numbers refused for good (HTTP 400 "unknown subscriber").
    pub refuse: HashSet<String>,
    /// Numbers answered HTTP 503 this many times before they are accepted.
    pub flaky: HashMap<String, u32>,
}

#[derive(Default)]
struct Log {
    received: Vec<Received>,
    ids: HashMap<String, String>,
    flaky_left: HashMap<String, u32>,
    unauthorised: usize,
}

struct Responder {
    log: Arc<Mutex<Log>>,
    behaviour: Behaviour,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let template = |status: u16, body: Value| {
            ResponseTemplate::new(status)
                .set_body_json(body)
                .set_delay(self.behaviour.delay)
        };
        let auth = request
            .headers
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let mut log = self
            .log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if auth != format!("Bearer {API_KEY}") {
            log.unauthorised += 1;
            return template(401, json!({ "error": "bad API key" }));
        }
        let key = request
            .headers
            .get("idempotency-key")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let to = body["to"].as_str().unwrap_or_default().to_owned();
        if key.is_empty() || to.is_empty() || body["text"].as_str().is_none() {
            return template(
                422,
                json!({ "error": "to, text and Idempotency-Key are required" }),
            );
        }
        if self.behaviour.refuse.contains(&to) {
            return template(400, json!({ "error": "unknown subscriber" }));
        }
        let left = log
            .flaky_left
            .entry(to.clone())
            .or_insert_with(|| self.behaviour.flaky.get(&to).copied().unwrap_or(0));
        if *left > 0 {
            *left -= 1;
            return template(503, json!({ "error": "try again" }));
        }
        let next = log.ids.len() + 1;
        let duplicate = log.ids.contains_key(&key);
        let id = log
            .ids
            .entry(key.clone())
            .or_insert_with(|| format!("nx-{next}"))
            .clone();
        log.received.push(Received {
            key,
            channel: body["channel"].as_str().unwrap_or_default().to_owned(),
            to,
            from: body["from"].as_str().map(str::to_owned),
            text: body["text"].as_str().unwrap_or_default().to_owned(),
            subject: body["subject"].as_str().map(str::to_owned),
            at: Instant::now(),
            duplicate,
            id: id.clone(),
        });
        template(202, json!({ "id": id, "status": "accepted" }))
    }
}

/// A running fake gateway.
pub struct FakeGateway {
    server: MockServer,
    log: Arc<Mutex<Log>>,
}

impl FakeGateway {
    /// Starts a fake that accepts everything at once.
    pub async fn start() -> FakeGateway {
        Self::start_with(Behaviour::default()).await
    }

    /// Starts a fake with `behaviour`.
    pub async fn start_with(behaviour: Behaviour) -> FakeGateway {
        let server = MockServer::start().await;
        let log = Arc::new(Mutex::new(Log::default()));
        Mock::given(method("POST"))
            .and(path("/v1/messages"))
            .respond_with(Responder {
                log: log.clone(),
                behaviour,
            })
            .mount(&server)
            .await;
        FakeGateway { server, log }
    }

    /// The base URL to configure.
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Every accepted request, in arrival order (duplicates included).
    pub fn received(&self) -> Vec<Received> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .received
            .clone()
    }

    /// Messages really sent: accepted requests with a key not seen before.
    pub fn sent(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|received| !received.duplicate)
            .collect()
    }

    /// Requests refused for a bad API key.
    pub fn unauthorised(&self) -> usize {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .unauthorised
    }

    /// Waits (bounded) until at least `count` messages were sent; returns them.
    pub async fn wait_for_sent(&self, count: usize, within: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let sent = self.sent();
            if sent.len() >= count || started.elapsed() > within {
                return sent;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Saves the tenant's gateway settings pointing at `gateway`, with an optional tenant rate.
pub async fn configure(app: &TestApp, admin: &str, gateway_url: &str, rate: Option<u32>) -> Value {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: MessagingProviderInput!) { updateMessagingProvider(input: $input) { baseUrl apiKeySet signingSecretSet smsSender accountId callbackPath messagesPerSecond } }",
            json!({ "input": {
                "baseUrl": gateway_url, "apiKey": API_KEY, "signingSecret": SIGNING_SECRET,
                "smsSender": "72345", "emailSender": "news@example.com", "messagesPerSecond": rate,
            } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["updateMessagingProvider"].clone()
}

/// Posts `events` to `/nexus/v1/events` signed with `secret` at `timestamp`; status and body.
pub async fn post_events_signed(
    app: &TestApp,
    account: &str,
    secret: &str,
    timestamp: i64,
    events: Value,
) -> (u16, Value) {
    let body = serde_json::to_vec(&json!({ "events": events })).unwrap_or_default();
    let signature = workers::messaging::callbacks::sign(secret, timestamp, &body);
    let response = app
        .client
        .post(format!("{}/nexus/v1/events", app.address))
        .header("content-type", "application/json")
        .header("x-nexus-account", account)
        .header("x-nexus-timestamp", timestamp.to_string())
        .header("x-nexus-signature", signature)
        .body(body)
        .send()
        .await
        .expect("posting a callback");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Posts `events` signed correctly, now, for `account`.
pub async fn post_events(app: &TestApp, account: &str, events: Value) -> (u16, Value) {
    post_events_signed(
        app,
        account,
        SIGNING_SECRET,
        chrono::Utc::now().timestamp(),
        events,
    )
    .await
}

/// One contact to text: client id, first name, E.164 mobile and its IANA zone.
#[derive(Debug, Clone)]
pub struct Texted {
    /// The customer's key.
    pub client_id: String,
    /// First name (templates greet with it).
    pub first_name: String,
    /// E.164 mobile number.
    pub mobile: String,
    /// The number's zone.
    pub zone: String,
}

/// `count` contacts with New York mobiles +1212555nnnn, consent to texts.
pub fn new_yorkers(count: usize) -> Vec<Texted> {
    (0..count)
        .map(|n| Texted {
            client_id: format!("T{n:05}"),
            first_name: format!("Ann{n}"),
            mobile: format!("+1212555{:04}", n % 10_000),
            zone: "America/New_York".into(),
        })
        .collect()
}

/// Creates an SMS list with `contacts` (mobile devices, SMS consent); its id.
pub async fn sms_list(app: &TestApp, admin: &str, name: &str, contacts: &[Texted]) -> String {
    seeded_list(app, admin, name, "SMS", contacts, Device::Mobile).await
}

/// Creates an e-mail list with `contacts`, each with one EMAIL device: its
/// `mobile` field holds the address (e-mail consent); the list's id.
pub async fn email_list(app: &TestApp, admin: &str, name: &str, contacts: &[Texted]) -> String {
    seeded_list(app, admin, name, "EMAIL", contacts, Device::Email).await
}

/// `count` contacts with e-mail addresses `annN@example.com` (in `mobile`).
pub fn emailed(count: usize) -> Vec<Texted> {
    (0..count)
        .map(|n| Texted {
            client_id: format!("E{n:05}"),
            first_name: format!("Ann{n}"),
            mobile: format!("ann{n}@example.com"),
            zone: "America/New_York".into(),
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Device {
    Mobile,
    Email,
}

async fn seeded_list(
    app: &TestApp,
    admin: &str,
    name: &str,
    channel: &str,
    contacts: &[Texted],
    device: Device,
) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation($name: String!, $channel: Channel!) { createContactList(input: { name: $name, channel: $channel }) { id } }",
            json!({ "name": name, "channel": channel }),
        )
        .await;
    let list_id = body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let me = app
        .graphql(Some(admin), "{ me { tenant { id } } }", json!({}))
        .await;
    let tenant = uuid::Uuid::parse_str(
        me["data"]["me"]["tenant"]["id"]
            .as_str()
            .unwrap_or_default(),
    )
    .expect("a tenant id");
    let list = uuid::Uuid::parse_str(&list_id).expect("a list id");
    insert(&app.services.db, tenant, list, contacts, device).await;
    list_id
}

/// Inserts `contacts` with one MOBILE device each straight into `list` of
/// `tenant` (tests that run the binary as processes share only the database).
pub async fn insert_mobiles(
    db: &sea_orm::DatabaseConnection,
    tenant: uuid::Uuid,
    list: uuid::Uuid,
    contacts: &[Texted],
) {
    insert(db, tenant, list, contacts, Device::Mobile).await;
}

async fn insert(
    db: &sea_orm::DatabaseConnection,
    tenant: uuid::Uuid,
    list: uuid::Uuid,
    contacts: &[Texted],
    device: Device,
) {
    use sea_orm::{ActiveModelTrait, Set};
    let now = chrono::Utc::now();
    for texted in contacts {
        let contact = entity::contact::ActiveModel {
            tenant_id: Set(tenant),
            list_id: Set(list),
            client_id: Set(Some(texted.client_id.clone())),
            dedupe_key: Set(Some(format!("c:{}", texted.client_id))),
            first_name: Set(Some(texted.first_name.clone())),
            last_name: Set(Some("Tester".into())),
            company: Set(None),
            postal_code: Set(None),
            country: Set(Some("US".into())),
            time_zone: Set(None),
            custom: Set(json!({})),
            consent_automated: Set(true),
            consent_sms: Set(true),
            consent_email: Set(true),
            import_job_id: Set(None),
            import_seq: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("seeding a contact");
        let value = &texted.mobile;
        let row = match device {
            Device::Mobile => {
                let number = domain::PhoneNumber::parse("mobile", value, None)
                    .unwrap_or_else(|error| panic!("{value}: {error:?}"));
                entity::contact_device::ActiveModel {
                    kind: Set("MOBILE".into()),
                    raw: Set(value.clone()),
                    subscriber: Set(Some(number.subscriber().to_owned())),
                    value: Set(number.e164().to_owned()),
                    country_code: Set(i16::try_from(number.country_code()).ok()),
                    area_code: Set(Some(number.area_code().to_owned())),
                    exchange: Set(Some(number.exchange().to_owned())),
                    device_type: Set("MOBILE".into()),
                    country: Set(number.country().map(str::to_owned)),
                    time_zones: Set(Some(texted.zone.clone())),
                    ..Default::default()
                }
            }
            Device::Email => entity::contact_device::ActiveModel {
                kind: Set("EMAIL".into()),
                raw: Set(value.clone()),
                subscriber: Set(None),
                value: Set(value.to_ascii_lowercase()),
                country_code: Set(None),
                area_code: Set(None),
                exchange: Set(None),
                device_type: Set("UNKNOWN".into()),
                country: Set(None),
                time_zones: Set(None),
                ..Default::default()
            },
        };
        entity::contact_device::ActiveModel {
            tenant_id: Set(tenant),
            list_id: Set(list),
            contact_id: Set(contact.id),
            position: Set(0),
            extension: Set(None),
            region: Set(None),
            ..row
        }
        .insert(db)
        .await
        .expect("seeding a device");
    }
}

/// A message template; its id.
pub async fn message_template(app: &TestApp, admin: &str, name: &str, body: &str) -> String {
    let created = app
        .graphql(
            Some(admin),
            "mutation($input: MessageTemplateInput!) { createMessageTemplate(input: $input) { id } }",
            json!({ "input": {
                "name": name, "channel": "SMS", "body": body,
                "helpText": "Acme help: call 800-555-0100. Reply STOP to opt out.",
                "optOutText": "{{firstName}}, you are unsubscribed from Acme texts.",
            } }),
        )
        .await;
    created["data"]["createMessageTemplate"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned()
}

/// An SMS campaign over `list` sending `template` (at most `rate` per second),
/// created, loaded (waited for) and started; its id.
pub async fn running_sms_campaign(
    app: &TestApp,
    admin: &str,
    name: &str,
    list: &str,
    template: &str,
    rate: Option<u32>,
) -> String {
    running_campaign(
        app,
        admin,
        name,
        list,
        template,
        rate,
        "SMS",
        json!(["MOBILE", "SMS"]),
    )
    .await
}

/// A campaign in `mode` (`SMS` or `EMAIL`) over `list` reaching `device_order`
/// with `template` (at most `rate` per second), created, loaded (waited for)
/// and started; its id.
#[allow(clippy::too_many_arguments)]
pub async fn running_campaign(
    app: &TestApp,
    admin: &str,
    name: &str,
    list: &str,
    template: &str,
    rate: Option<u32>,
    mode: &str,
    device_order: Value,
) -> String {
    let created = app
        .graphql(
            Some(admin),
            "mutation($input: CampaignTemplateInput!) { createCampaignTemplate(input: $input) { id } }",
            json!({ "input": {
                "name": format!("{name} settings"), "dialingMode": mode,
                "deviceOrder": device_order, "messageTemplateId": template,
                "messagesPerSecond": rate,
            } }),
        )
        .await;
    let settings = created["data"]["createCampaignTemplate"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();
    let created = app
        .graphql(
            Some(admin),
            "mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }",
            json!({ "input": { "name": name, "templateId": settings, "lists": [{ "listId": list }] } }),
        )
        .await;
    let id = created["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();
    let loaded = app
        .graphql(
            Some(admin),
            "mutation($id: ID!) { loadCampaign(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(loaded["errors"].is_null(), "{loaded}");
    let started = Instant::now();
    loop {
        let read = app
            .graphql(
                Some(admin),
                "query($id: ID!) { campaign(id: $id) { loadStatus loadError } }",
                json!({ "id": id }),
            )
            .await;
        match read["data"]["campaign"]["loadStatus"].as_str() {
            Some("READY") => break,
            Some("FAILED") => panic!("the load failed: {read}"),
            _ if started.elapsed() > Duration::from_secs(60) => {
                panic!("the load did not finish: {read}")
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let run = app
        .graphql(
            Some(admin),
            "mutation($id: ID!) { startCampaign(id: $id) { state } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(run["data"]["startCampaign"]["state"], "RUNNING", "{run}");
    id
}

/// The campaign's message counters and records: `{ recordsTotal ready leased final sent delivered failed optedOut }`.
pub async fn message_stats(app: &TestApp, token: &str, campaign: &str) -> Value {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!) { campaign(id: $id) { stats { recordsTotal ready leased dialed final sent delivered failed optedOut } } }",
            json!({ "id": campaign }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["campaign"]["stats"].clone()
}
