//! Benchmark: suppression membership through the mirror with a large list
//! loaded, and `checkNumber` end to end through GraphQL, on a real server.
//!
//! `cargo run --release -p tests --example compliance_benchmark [entries] [sqlite]`
//!
//! `entries` (default 10,000,000) random NANP numbers are inserted into one
//! PHONE list's table rows (straight SQL, not the upload path), then loaded
//! into the process's compact index the way the `compliance` role does at
//! start (`workers::suppression::preload_all`: its load time and memory are
//! printed). Then it prints, for 200,000 lookups of a 50/50 mix
//! of listed and unlisted numbers: one caller at a time (latency p50/p99) and
//! 64 concurrent callers (lookups/s); and for `checkNumber` over HTTP with 32
//! concurrent clients for 10 s: requests/s and p50/p99. With `sqlite` the
//! embedded default (SQLite + in-process cache) is used instead of
//! PostgreSQL + Redis.

use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::Channel;
use domain::suppression::SuppressionKind;
use sea_orm::{EntityTrait, Set};
use serde_json::json;
use tests::{Stores, spawn_app};
use workers::suppression::{SuppressionView, mirror};

/// Rows per multi-row insert (6 parameters each, under SQLite's and PostgreSQL's limits).
const INSERT_CHUNK: usize = 5_000;

/// One entry row of the list.
fn entry(
    list_id: uuid::Uuid,
    value: String,
    now: chrono::DateTime<chrono::Utc>,
) -> entity::suppression_entry::ActiveModel {
    entity::suppression_entry::ActiveModel {
        list_id: Set(list_id),
        value: Set(value),
        reason: Set(None),
        source: Set("UPLOAD".into()),
        expires_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
}

/// Inserts rows, skipping values the list holds already (the number generator repeats some).
async fn insert(
    services: &workers::Services,
    rows: Vec<entity::suppression_entry::ActiveModel>,
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    entity::suppression_entry::Entity::insert_many(rows)
        .on_conflict_do_nothing_on([
            entity::suppression_entry::Column::ListId,
            entity::suppression_entry::Column::Value,
        ])
        .exec_without_returning(&services.db)
        .await?;
    Ok(())
}

/// A valid NANP number (NXX-NXX-XXXX) from a counter, spread by a multiplier.
fn number(index: u64) -> String {
    let mixed = index.wrapping_mul(2_654_435_761) % 8_000_000_000;
    let area = 200 + (mixed / 10_000_000) % 800;
    let exchange = 200 + (mixed / 10_000) % 800;
    let line = mixed % 10_000;
    format!("+1{area:03}{exchange:03}{line:04}")
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index].as_secs_f64() * 1e6
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let entries: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000);
    let stores = if std::env::args().any(|arg| arg == "sqlite") {
        Stores::SqliteInProcess
    } else {
        Stores::PostgresRedis
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    let body = app
        .graphql(
            Some(&token),
            "mutation { createSuppressionList(input: { name: \"Registry\", kind: PHONE, channels: [VOICE] }) { id } }",
            json!({}),
        )
        .await;
    let list = body["data"]["createSuppressionList"]["id"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("{body}"))?
        .to_owned();
    let list_id: uuid::Uuid = list.parse()?;
    let started = Instant::now();
    let now = chrono::Utc::now();
    let mut chunk = Vec::with_capacity(INSERT_CHUNK);
    for index in 0..entries {
        chunk.push(entry(list_id, number(index), now));
        if chunk.len() == INSERT_CHUNK {
            insert(&app.services, std::mem::take(&mut chunk)).await?;
        }
    }
    insert(&app.services, chunk).await?;
    println!(
        "{:?}: {entries} entries inserted in {:.1} s",
        stores,
        started.elapsed().as_secs_f64()
    );
    // The creating process holds the list (empty) already: read it again from the rows.
    mirror::forget(&app.services, list_id).await?;
    let started = Instant::now();
    workers::suppression::preload_all(&app.services).await?;
    let (stored, ready) = mirror::mirrored(&app.services, list_id).await?;
    println!(
        "{stored} entries loaded (complete: {ready}) in {:.1} s; peak RSS {:.0} MiB",
        started.elapsed().as_secs_f64(),
        tests::peak_rss_mib()
    );

    let principal = workers::accounts::users::authenticate(&app.services, &token, None).await?;
    let tenant = principal.tenant_id;
    let probes: Vec<String> = (0..200_000u64)
        .map(|index| {
            if index % 2 == 0 {
                number(index * 37 % entries.max(1))
            } else {
                number(entries + index)
            }
        })
        .collect();

    // One caller at a time: the latency of one decision's suppression lookup.
    let mut latencies = Vec::with_capacity(probes.len());
    let mut found = 0u64;
    let now = chrono::Utc::now();
    for probe in &probes {
        let at = Instant::now();
        let view = SuppressionView::load(
            &app.services,
            tenant,
            Channel::Voice,
            &[(SuppressionKind::Phone, probe.as_str())],
        )
        .await?;
        latencies.push(at.elapsed());
        found += u64::from(view.any_active(now));
    }
    latencies.sort();
    println!(
        "membership, one caller: {} lookups, {found} listed; p50 {:.1} µs, p99 {:.1} µs",
        probes.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );

    // 64 concurrent callers.
    let probes = Arc::new(probes);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..64usize {
        let services = app.services.clone();
        let probes = probes.clone();
        tasks.push(tokio::spawn(async move {
            let mut index = worker;
            while index < probes.len() {
                let _ = SuppressionView::load(
                    &services,
                    tenant,
                    Channel::Voice,
                    &[(SuppressionKind::Phone, probes[index].as_str())],
                )
                .await;
                index += 64;
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    println!(
        "membership, 64 callers: {:.0} lookups/s",
        probes.len() as f64 / started.elapsed().as_secs_f64()
    );

    // checkNumber over HTTP, 32 clients for 10 s.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut clients = Vec::new();
    for worker in 0..32usize {
        let client = tests::http_client();
        let address = app.address.clone();
        let token = token.clone();
        let probes = probes.clone();
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut index = worker;
            while Instant::now() < deadline {
                let phone = &probes[index % probes.len()];
                let at = Instant::now();
                let response = client
                    .post(format!("{address}/graphql"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "query": "query($phone: String!) { checkNumber(phone: $phone, at: \"2026-11-23T15:00:00Z\") { allowed suppressed nextAllowedAt } }",
                        "variables": { "phone": phone },
                    }))
                    .send()
                    .await;
                if let Ok(response) = response {
                    let _ = response.bytes().await;
                    latencies.push(at.elapsed());
                }
                index += 32;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for client in clients {
        latencies.extend(client.await?);
    }
    latencies.sort();
    println!(
        "checkNumber over GraphQL, 32 clients: {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms",
        latencies.len() as f64 / 10.0,
        percentile(&latencies, 0.5) / 1000.0,
        percentile(&latencies, 0.99) / 1000.0
    );
    println!("peak RSS {:.0} MiB", tests::peak_rss_mib());
    Ok(())
}
