//! Benchmark: two API targets of `../shared/TARGETS.md` that no other command
//! measures.
//!
//! `cargo run --release -p tests --example api_benchmark [pg|sqlite] [contacts=5000]`
//!
//! 1. **A GraphQL page of 100 contacts with their devices**: SQL statements
//!    per request (from the server's own `reachline_db_statements_total`),
//!    latency p50 / p99 at a constant 100 req/s for 20 s (each latency
//!    measured from the request's scheduled start, so a stalled server
//!    cannot hide queued requests), and saturation: 32 clients in a closed
//!    loop for 10 s. Pages walk the whole list by cursor. Targets: ≤ 3
//!    statements; ≤ 8 ms / ≤ 25 ms; ≥ 300 req/s.
//! 2. **A number suppressed through the API until every `compliance` replica
//!    refuses it**: an api process and two compliance replicas on the same
//!    stores; each round adds a fresh number on the api process and polls a
//!    dialer's pre-dial check (`/ocs/v1/validate`) on both replicas every
//!    5 ms until both refuse it as suppressed; 30 rounds. Target: ≤ 1 s.
//!
//! Everything runs in this process on one machine: the servers, the load and
//! (with `pg`) PostgreSQL and Redis share the same cores.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use tests::{Stores, TestApp, spawn_app_with};

const PAGE: &str = "query($id: ID!, $after: String) { contactList(id: $id) { contacts(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id clientId firstName lastName devices { kind value deviceType timeZones } } } } }";

/// Every page's `after` cursor of the list, walked once.
async fn cursors(app: &TestApp, token: &str, list: &str) -> anyhow::Result<Vec<Option<String>>> {
    let mut cursors = vec![None];
    loop {
        let after = cursors.last().cloned().flatten();
        let body = app
            .graphql(Some(token), PAGE, json!({ "id": list, "after": after }))
            .await;
        let info = &body["data"]["contactList"]["contacts"]["pageInfo"];
        if info["hasNextPage"] != true {
            return Ok(cursors);
        }
        let next = info["endCursor"]
            .as_str()
            .with_context(|| format!("no cursor: {body}"))?;
        cursors.push(Some(next.to_owned()));
    }
}

/// One page request; its latency, or an error naming what came back.
async fn page(
    app: &TestApp,
    token: &str,
    list: &str,
    after: &Option<String>,
) -> anyhow::Result<()> {
    let body: Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({ "query": PAGE, "variables": { "id": list, "after": after } }))
        .send()
        .await?
        .json()
        .await?;
    let nodes = body["data"]["contactList"]["contacts"]["nodes"]
        .as_array()
        .with_context(|| format!("no page: {body}"))?;
    if nodes.is_empty() {
        bail!("an empty page: {body}");
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn contacts_page(stores: Stores, contacts: usize) -> anyhow::Result<()> {
    // Only the api role: background workers' polling would count as statements.
    let app = spawn_app_with(stores, &["--roles", "api"]).await;
    let token = app.admin_token().await;
    let created = app
        .graphql(
            Some(&token),
            "mutation { createContactList(input: { name: \"Bench\", channel: VOICE }) { id } }",
            json!({}),
        )
        .await;
    let list = created["data"]["createContactList"]["id"]
        .as_str()
        .with_context(|| format!("{created}"))?
        .to_owned();
    let me = app
        .graphql(Some(&token), "{ me { tenant { id } } }", json!({}))
        .await;
    let tenant = uuid::Uuid::parse_str(me["data"]["me"]["tenant"]["id"].as_str().unwrap_or(""))?;
    let seeding = Instant::now();
    tests::seed_contacts(
        &app.services,
        tenant,
        uuid::Uuid::parse_str(&list)?,
        contacts,
    )
    .await;
    let pages = cursors(&app, &token, &list).await?;
    println!(
        "  {contacts} contacts seeded in {:.1} s; {} pages of 100",
        seeding.elapsed().as_secs_f64(),
        pages.len()
    );

    // Statements per request (one /metrics scrape adds its own one).
    let before = app.sql_statements().await;
    let probes = 20;
    for after in pages.iter().cycle().take(probes) {
        page(&app, &token, &list, after).await?;
    }
    let after = app.sql_statements().await;
    let per_request = (after - before).saturating_sub(1) as f64 / probes as f64;
    println!("  SQL statements per page request: {per_request:.2} (target ≤ 3)");

    // Constant 100 req/s for 20 s, latency from the scheduled start.
    let rate = 100u32;
    let total = rate as usize * 20;
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    for n in 0..total {
        let scheduled = started + Duration::from_secs_f64(n as f64 / f64::from(rate));
        tokio::time::sleep_until(scheduled.into()).await;
        let (app_address, client, token, list) = (
            app.address.clone(),
            app.client.clone(),
            token.clone(),
            list.clone(),
        );
        let after = pages[n % pages.len()].clone();
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(format!("{app_address}/graphql"))
                .bearer_auth(&token)
                .json(&json!({ "query": PAGE, "variables": { "id": list, "after": after } }))
                .send()
                .await;
            let ok = match response {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            };
            (ok, scheduled.elapsed())
        }));
    }
    let mut latencies = Vec::with_capacity(total);
    let mut failed = 0;
    for task in tasks {
        let (ok, latency) = task.await?;
        if !ok {
            failed += 1;
        }
        latencies.push(latency);
    }
    latencies.sort();
    println!(
        "  at {rate} req/s for 20 s: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {failed} failed (targets ≤ 8 / ≤ 25 ms)",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0)),
    );

    // Saturation: 32 clients in a closed loop for 10 s.
    let clients = 32;
    let window = Duration::from_secs(10);
    let started = Instant::now();
    let mut workers = Vec::new();
    for client_no in 0..clients {
        let (app_address, client, token, list, pages) = (
            app.address.clone(),
            app.client.clone(),
            token.clone(),
            list.clone(),
            pages.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut done = 0u64;
            let mut n = client_no;
            while started.elapsed() < window {
                let after = &pages[n % pages.len()];
                let response = client
                    .post(format!("{app_address}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({ "query": PAGE, "variables": { "id": list, "after": after } }))
                    .send()
                    .await;
                if let Ok(response) = response
                    && response.status().is_success()
                    && response.bytes().await.is_ok()
                {
                    done += 1;
                }
                n += clients;
            }
            done
        }));
    }
    let mut done = 0;
    for worker in workers {
        done += worker.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "  saturation, {clients} clients: {:.0} req/s (target ≥ 300)",
        done as f64 / elapsed
    );
    Ok(())
}

/// Whether a dialer's pre-dial check on `app` refuses `phone` as suppressed.
async fn refused(app: &TestApp, key: &str, phone: &str) -> anyhow::Result<bool> {
    let record =
        json!({ "GSW_PHONE": phone, "GSW_CUSTOMER_ID": "reach", "GSW_DIAL_MODE": "PREVIEW" });
    let (status, text) = app
        .post_json("/ocs/v1/validate", Some(key), record.to_string())
        .await;
    if status != 200 && status != 409 {
        bail!("validate answered {status}: {text}");
    }
    let answer: Value = serde_json::from_str(&text)?;
    Ok(answer["refusals"]
        .as_array()
        .is_some_and(|r| r.iter().any(|r| r["rule"] == "SUPPRESSION")))
}

async fn suppression_reach(stores: Stores) -> anyhow::Result<()> {
    let api = spawn_app_with(stores, &["--roles", "api"]).await;
    let token = api.admin_token().await;
    let replicas = [
        api.spawn_replica(true, &["--roles", "compliance"]).await,
        api.spawn_replica(true, &["--roles", "compliance"]).await,
    ];
    let created = api
        .graphql(
            Some(&token),
            "mutation { createSuppressionList(input: { name: \"Reach\", kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({}),
        )
        .await;
    let list = created["data"]["createSuppressionList"]["id"].clone();
    let client = api
        .graphql(
            Some(&token),
            "mutation { createApiClient(input: { name: \"dialer\", scopes: [OCS_VALIDATE] }) { key } }",
            json!({}),
        )
        .await;
    let key = client["data"]["createApiClient"]["key"]
        .as_str()
        .with_context(|| format!("{client}"))?
        .to_owned();
    // Real New York numbers: 212-736-5000 onwards.
    let mut reach = Vec::new();
    for round in 0..30 {
        let phone = format!("+1212736{:04}", 5000 + round);
        for replica in &replicas {
            if refused(replica, &key, &phone).await? {
                bail!("{phone} is refused before it was added");
            }
        }
        let added_at = Instant::now();
        let added = api
            .graphql(
                Some(&token),
                "mutation($l: ID!, $v: [String!]!) { addSuppressionEntries(listId: $l, values: $v) { added } }",
                json!({ "l": list, "v": [phone] }),
            )
            .await;
        if added["data"]["addSuppressionEntries"]["added"] != 1 {
            bail!("adding failed: {added}");
        }
        let mut pending = vec![true; replicas.len()];
        while pending.iter().any(|p| *p) {
            for (n, replica) in replicas.iter().enumerate() {
                if pending[n] && refused(replica, &key, &phone).await? {
                    pending[n] = false;
                }
            }
            if added_at.elapsed() > Duration::from_secs(10) {
                bail!("{phone} was not refused everywhere within 10 s");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        reach.push(added_at.elapsed());
    }
    reach.sort();
    println!(
        "  added on the api process until both compliance replicas refuse it, 30 rounds: p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms (target ≤ 1 s; includes the mutation)",
        ms(percentile(&reach, 0.5)),
        ms(percentile(&reach, 0.9)),
        ms(percentile(&reach, 1.0)),
    );
    Ok(())
}

/// The allocator the `reachline` binary runs with (the servers run in this process).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let stores = match args.first().map(String::as_str) {
        Some("sqlite") => Stores::SqliteInProcess,
        _ => Stores::PostgresRedis,
    };
    let contacts: usize = args.get(1).map_or(Ok(5000), |n| n.parse())?;
    println!("GraphQL page of 100 contacts with devices on {stores:?}:");
    contacts_page(stores, contacts).await?;
    println!("A suppressed number reaching every compliance replica on {stores:?}:");
    suppression_reach(stores).await?;
    Ok(())
}
