//! Benchmark: SMS dispatch (issue 8) — messages per second through the whole
//! path (lease with the compliance check, render, message row, HTTP send to a
//! gateway, dialing history, record treatment and counters) against a local
//! fake gateway with no rate limit, next to raw HTTP sends from Rust to the
//! same fake; then how closely a campaign's messages-per-second limit holds.
//!
//! `cargo run --release -p tests --example messaging_benchmark [messages=20000] [rate=200]`
//!
//! Needs PostgreSQL + Redis on their usual ports. Prints:
//! 1. raw sends: `messages` POSTs from one reqwest client, 64 in flight, to the fake;
//! 2. dispatch on PostgreSQL + Redis and on SQLite + in-process cache: from
//!    `startCampaign` until every record is final and the fake has every message;
//! 3. a campaign limited to `rate` per second: the rate the fake measured
//!    between its first and last arrival, over 10 s of sending.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use futures::StreamExt;
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};
use tests::gateway::{API_KEY, SIGNING_SECRET};
use tests::{Stores, TestApp, spawn_app};

/// The fake: answers every message at once and notes when it came.
#[derive(Clone, Default)]
struct Fake {
    count: Arc<AtomicU64>,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

async fn accept(State(fake): State<Fake>, headers: HeaderMap) -> Json<Value> {
    let n = fake.count.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut arrivals) = fake.arrivals.lock() {
        arrivals.push(Instant::now());
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("none");
    Json(json!({ "id": format!("nx-{n}-{key}"), "status": "accepted" }))
}

async fn start_fake() -> anyhow::Result<(String, Fake)> {
    let fake = Fake::default();
    let router = axum::Router::new()
        .route("/v1/messages", axum::routing::post(accept))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((format!("http://{address}"), fake))
}

async fn graphql(
    app: &TestApp,
    token: &str,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let body = app.graphql(Some(token), query, variables).await;
    if !body["errors"].is_null() {
        bail!("{query}: {body}");
    }
    Ok(body["data"].clone())
}

/// Part 1: raw sends from Rust to the fake.
async fn raw_sends(url: &str, messages: usize) -> anyhow::Result<f64> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let results: Vec<bool> = futures::stream::iter(0..messages)
        .map(|n| {
            let client = client.clone();
            async move {
                client
                    .post(format!("{url}/v1/messages"))
                    .bearer_auth(API_KEY)
                    .header("Idempotency-Key", format!("raw-{n}"))
                    .json(&json!({ "channel": "SMS", "to": "+12125550100", "text": "Hello", "reference": format!("raw-{n}") }))
                    .send()
                    .await
                    .is_ok_and(|response| response.status().is_success())
            }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let ok = results.iter().filter(|ok| **ok).count();
    let rate = ok as f64 / started.elapsed().as_secs_f64();
    println!(
        "raw sends: {ok} in {:.2} s = {rate:.0} msg/s",
        started.elapsed().as_secs_f64()
    );
    Ok(rate)
}

/// Seeds `count` texted contacts in bulk into a new SMS list; its id.
async fn seed(app: &TestApp, token: &str, count: usize) -> anyhow::Result<String> {
    let data = graphql(
        app,
        token,
        "mutation { createContactList(input: { name: \"Bench\", channel: SMS }) { id } }",
        json!({}),
    )
    .await?;
    let list: uuid::Uuid = data["createContactList"]["id"]
        .as_str()
        .context("list id")?
        .parse()?;
    let me = graphql(app, token, "{ me { tenant { id } } }", json!({})).await?;
    let tenant: uuid::Uuid = me["me"]["tenant"]["id"]
        .as_str()
        .context("tenant id")?
        .parse()?;
    let now = chrono::Utc::now();
    for chunk in (0..count).collect::<Vec<_>>().chunks(1000) {
        let contacts = chunk.iter().map(|n| entity::contact::ActiveModel {
            tenant_id: Set(tenant),
            list_id: Set(list),
            client_id: Set(Some(format!("B{n:07}"))),
            dedupe_key: Set(Some(format!("c:B{n:07}"))),
            first_name: Set(Some(format!("Ann{n}"))),
            custom: Set(json!({})),
            consent_automated: Set(true),
            consent_sms: Set(true),
            consent_email: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        entity::contact::Entity::insert_many(contacts)
            .exec_without_returning(&app.services.db)
            .await?;
    }
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let ids: Vec<i64> = entity::contact::Entity::find()
        .filter(entity::contact::Column::ListId.eq(list))
        .order_by_asc(entity::contact::Column::Id)
        .all(&app.services.db)
        .await?
        .into_iter()
        .map(|contact| contact.id)
        .collect();
    for (chunk_no, chunk) in ids.chunks(1000).enumerate() {
        let devices = chunk.iter().enumerate().map(|(i, contact_id)| {
            let n = chunk_no * 1000 + i;
            // Spread over New York exchanges so numbers stay distinct.
            let number = format!("+1212{:03}{:04}", 200 + n / 10_000, n % 10_000);
            entity::contact_device::ActiveModel {
                tenant_id: Set(tenant),
                list_id: Set(list),
                contact_id: Set(*contact_id),
                position: Set(0),
                kind: Set("MOBILE".into()),
                raw: Set(number.clone()),
                subscriber: Set(Some(number[8..].to_owned())),
                exchange: Set(Some(number[5..8].to_owned())),
                value: Set(number),
                country_code: Set(Some(1)),
                area_code: Set(Some("212".into())),
                device_type: Set("MOBILE".into()),
                country: Set(Some("US".into())),
                time_zones: Set(Some("America/New_York".into())),
                ..Default::default()
            }
        });
        entity::contact_device::Entity::insert_many(devices)
            .exec_without_returning(&app.services.db)
            .await?;
    }
    Ok(list.to_string())
}

/// Runs one SMS campaign over `list` to completion; messages per second from start to the last final record.
async fn run_campaign(
    app: &TestApp,
    token: &str,
    name: &str,
    list: &str,
    rate: Option<u32>,
    expected: i64,
) -> anyhow::Result<f64> {
    let data = graphql(app, token, "mutation($n: String!) { createMessageTemplate(input: { name: $n, channel: SMS, body: \"Hi {{firstName}}, your appointment is tomorrow. Reply STOP to opt out.\" }) { id } }", json!({ "n": name })).await?;
    let template = data["createMessageTemplate"]["id"]
        .as_str()
        .context("template")?
        .to_owned();
    let data = graphql(app, token, "mutation($n: String!, $t: ID!, $r: Int) { createCampaignTemplate(input: { name: $n, dialingMode: SMS, deviceOrder: [MOBILE], messageTemplateId: $t, messagesPerSecond: $r }) { id } }", json!({ "n": name, "t": template, "r": rate })).await?;
    let settings = data["createCampaignTemplate"]["id"]
        .as_str()
        .context("settings")?
        .to_owned();
    let data = graphql(app, token, "mutation($n: String!, $t: ID!, $l: ID!) { createCampaign(input: { name: $n, templateId: $t, lists: [{ listId: $l }] }) { id } }", json!({ "n": name, "t": settings, "l": list })).await?;
    let campaign = data["createCampaign"]["id"]
        .as_str()
        .context("campaign")?
        .to_owned();
    graphql(
        app,
        token,
        "mutation($id: ID!) { loadCampaign(id: $id) { id } }",
        json!({ "id": campaign }),
    )
    .await?;
    loop {
        let data = graphql(
            app,
            token,
            "query($id: ID!) { campaign(id: $id) { loadStatus } }",
            json!({ "id": campaign }),
        )
        .await?;
        match data["campaign"]["loadStatus"].as_str() {
            Some("READY") => break,
            Some("FAILED") => bail!("load failed"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let started = Instant::now();
    graphql(
        app,
        token,
        "mutation($id: ID!) { startCampaign(id: $id) { state } }",
        json!({ "id": campaign }),
    )
    .await?;
    loop {
        let data = graphql(
            app,
            token,
            "query($id: ID!) { campaign(id: $id) { stats { final sent } } }",
            json!({ "id": campaign }),
        )
        .await?;
        if data["campaign"]["stats"]["final"].as_i64() == Some(expected) {
            let elapsed = started.elapsed().as_secs_f64();
            let sent = data["campaign"]["stats"]["sent"].as_i64().unwrap_or(0);
            if rate.is_none() {
                println!(
                    "  {expected} records final, {sent} sent, in {elapsed:.2} s = {:.0} msg/s",
                    sent as f64 / elapsed
                );
            }
            return Ok(sent as f64 / elapsed);
        }
        if started.elapsed() > Duration::from_secs(1800) {
            bail!("the campaign did not finish: {data}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn configure(app: &TestApp, token: &str, url: &str) -> anyhow::Result<()> {
    // Quiet hours would hold the New York numbers back at night there.
    app.open_calling_window_all_day(token).await;
    graphql(app, token, "mutation($input: MessagingProviderInput!) { updateMessagingProvider(input: $input) { accountId } }",
        json!({ "input": { "baseUrl": url, "apiKey": API_KEY, "signingSecret": SIGNING_SECRET, "smsSender": "72345" } })).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().collect();
    let messages: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let rate: u32 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(200);
    let (url, fake) = start_fake().await?;
    let raw = raw_sends(&url, messages).await?;
    for stores in [Stores::PostgresRedis, Stores::SqliteInProcess] {
        let app = spawn_app(stores).await;
        let token = app.admin_token().await;
        configure(&app, &token, &url).await?;
        let list = seed(&app, &token, messages).await?;
        println!("dispatch on {stores:?}:");
        let sent = run_campaign(&app, &token, "Bench", &list, None, messages as i64).await?;
        println!("  ratio to raw sends: {:.2}", sent / raw);
    }
    // Rate accuracy: `rate` per second over 10 s.
    let app = spawn_app(Stores::PostgresRedis).await;
    let token = app.admin_token().await;
    configure(&app, &token, &url).await?;
    let count = (rate * 10) as usize;
    let list = seed(&app, &token, count).await?;
    let before = fake.arrivals.lock().map(|a| a.len()).unwrap_or(0);
    run_campaign(&app, &token, "Limited", &list, Some(rate), count as i64).await?;
    let arrivals: Vec<Instant> = fake
        .arrivals
        .lock()
        .map(|a| a[before..].to_vec())
        .unwrap_or_default();
    if let (Some(first), Some(last)) = (arrivals.first(), arrivals.last()) {
        let measured = (arrivals.len() - 1) as f64 / last.duration_since(*first).as_secs_f64();
        println!(
            "rate limit {rate}/s: {} messages, measured {measured:.1}/s ({:+.1} %)",
            arrivals.len(),
            (measured / f64::from(rate) - 1.0) * 100.0
        );
    }
    Ok(())
}
