//! Benchmark: a campaign's preload (`workers::campaigns::load`) of 1M
//! contacts with ≈ 2.5M devices, against a plain `INSERT … SELECT` of the
//! same rows into a calling-list-shaped table, in the same run (TARGETS.md:
//! preload ≤ 2.0 × the copy; the first 50k records dialable ≤ 1 s after the
//! load starts).
//!
//! `cargo run --release -p tests --example campaign_benchmark [contacts=1000000] [sqlite]`
//!
//! Contacts and devices are generated with SQL inside the database (not
//! through the importer): real-looking New York numbers, two devices per
//! contact and a third for every other one. The template dials in PREVIEW
//! mode, so every device becomes a record and both sides write the same rows.
//! The baseline table is `LIKE calling_list_records` with the same indexes
//! (a bare copy without indexes is timed too). While the preload runs, a
//! second connection counts READY records every 20 ms to time the first 50k.
//! Prints: generation, both baselines, the preload and its steps, the ratio,
//! time to first 50k ready, peak RSS of this process (server included).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use campaign::layout::record_status;
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, Statement};
use serde_json::{Value, json};
use tests::{Stores, TestApp, spawn_app_with};

/// READY records the latency target is about.
const FIRST: i64 = 50_000;

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

async fn exec(db: &impl ConnectionTrait, sql: &str) -> anyhow::Result<u64> {
    Ok(db
        .execute_unprepared(sql)
        .await
        .map_err(|error| anyhow::anyhow!("{error:?}"))
        .with_context(|| sql.chars().take(120).collect::<String>())?
        .rows_affected())
}

async fn count(db: &impl ConnectionTrait, sql: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await?
        .context("a count")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

/// A UUID as an SQL literal: text on PostgreSQL, a blob on SQLite (as sqlx stores it).
fn lit(db: &impl ConnectionTrait, id: uuid::Uuid) -> String {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        format!("'{id}'")
    } else {
        format!("X'{}'", id.simple())
    }
}

/// Contacts `1..=n` and their devices, straight into the tables.
async fn generate(
    db: &impl ConnectionTrait,
    tenant: uuid::Uuid,
    list: uuid::Uuid,
    n: u64,
) -> anyhow::Result<()> {
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let (tenant_sql, list_sql) = (lit(db, tenant), lit(db, list));
    let series = if postgres {
        format!("generate_series(1, {n}) AS s(g)")
    } else {
        format!(
            "(WITH RECURSIVE r(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM r WHERE g < {n}) SELECT g FROM r) AS s"
        )
    };
    let (custom, now, yes) = if postgres {
        ("'{}'::json", "now()", "true")
    } else {
        ("'{}'", "CURRENT_TIMESTAMP", "1")
    };
    exec(
        db,
        &format!(
            "INSERT INTO contacts (tenant_id, list_id, client_id, dedupe_key, first_name, last_name, company, \
             postal_code, country, time_zone, custom, consent_automated, consent_sms, consent_email, created_at, updated_at) \
             SELECT {tenant_sql}, {list_sql}, 'B' || g, 'c:B' || g, 'First' || g, 'Last' || g, NULL, '10001', 'US', NULL, \
             {custom}, (g % 3 = 0) = {yes}, {no}, {no}, {now}, {now} FROM {series}",
            no = if postgres { "false" } else { "0" },
        ),
    )
    .await?;
    // k numbers every device: area (5), exchange 200–999, line 0000–9999, all distinct.
    let line = if postgres {
        "lpad(((k / 4000) % 10000)::text, 4, '0')"
    } else {
        "substr('0000' || ((k / 4000) % 10000), -4)"
    };
    let number = format!(
        "(CASE k % 5 WHEN 0 THEN '212' WHEN 1 THEN '646' WHEN 2 THEN '917' WHEN 3 THEN '718' ELSE '347' END) \
         || (200 + (k / 5) % 800) || {line}"
    );
    exec(
        db,
        &format!(
            "INSERT INTO contact_devices (tenant_id, list_id, contact_id, position, kind, value, raw, country_code, \
             area_code, exchange, subscriber, extension, device_type, country, region, time_zones) \
             SELECT tenant_id, list_id, contact_id, n, CASE n WHEN 0 THEN 'HOME' WHEN 1 THEN 'MOBILE' ELSE 'WORK' END, \
             '+1' || num, '+1' || num, 1, substr(num, 1, 3), substr(num, 4, 3), substr(num, 7, 4), NULL, \
             CASE n WHEN 1 THEN 'MOBILE' ELSE 'LANDLINE' END, 'US', 'NY', 'America/New_York' FROM ( \
               SELECT tenant_id, list_id, contact_id, n, {number} AS num FROM ( \
                 SELECT c.tenant_id, c.list_id, c.id AS contact_id, p.n, c.id * 3 + p.n AS k \
                 FROM contacts c CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) p \
                 WHERE c.list_id = {list_sql} AND (p.n < 2 OR c.id % 2 = 0)) x) y"
        ),
    )
    .await?;
    let devices = count(
        db,
        &format!("SELECT count(*) FROM contact_devices WHERE list_id = {list_sql}"),
    )
    .await?;
    exec(
        db,
        &format!(
            "UPDATE contact_lists SET contact_count = {n}, device_count = {devices} WHERE id = {list_sql}"
        ),
    )
    .await?;
    if postgres {
        exec(db, "VACUUM ANALYZE contacts").await?;
        exec(db, "VACUUM ANALYZE contact_devices").await?;
    } else {
        exec(db, "ANALYZE").await?;
    }
    Ok(())
}

/// The plain copy: the same rows into a table shaped like the calling list.
async fn baseline(
    db: &impl ConnectionTrait,
    tenant: uuid::Uuid,
    campaign: uuid::Uuid,
    list: uuid::Uuid,
    indexed: bool,
) -> anyhow::Result<(Duration, u64)> {
    let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
    let (tenant_sql, campaign_sql, list_sql) = (lit(db, tenant), lit(db, campaign), lit(db, list));
    let table = if indexed {
        "bench_copy_indexed"
    } else {
        "bench_copy_bare"
    };
    if postgres {
        let including = if indexed {
            "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES"
        } else {
            "INCLUDING DEFAULTS INCLUDING IDENTITY"
        };
        exec(
            db,
            &format!("CREATE TABLE {table} (LIKE calling_list_records {including})"),
        )
        .await?;
    } else {
        exec(
            db,
            &format!("CREATE TABLE {table} AS SELECT * FROM calling_list_records WHERE 0"),
        )
        .await?;
        if indexed {
            exec(
                db,
                &format!("CREATE UNIQUE INDEX {table}_device ON {table} (campaign_id, device_id)"),
            )
            .await?;
            exec(
                db,
                &format!("CREATE INDEX {table}_lease ON {table} (campaign_id, record_status, seq)"),
            )
            .await?;
            exec(
                db,
                &format!("CREATE INDEX {table}_chain ON {table} (campaign_id, chain_id)"),
            )
            .await?;
        }
    }
    let record_id = if postgres { "" } else { "record_id, " };
    let record_value = if postgres { "" } else { "d.id, " };
    let started = Instant::now();
    let rows = exec(
        db,
        &format!(
            "INSERT INTO {table} ({record_id}tenant_id, campaign_id, contact_id, device_id, seq, contact_info, \
             contact_info_type, record_type, record_status, call_result, attempt, daily_from, daily_till, tz_dbid, \
             tz_name, chain_id, chain_n, c_client_id, c_first_name, c_last_name, c_company, c_postal_code, c_country, \
             cd_kind, cd_country_code, cd_area_code, cd_region, cd_device_type) \
             SELECT {record_value}{tenant_sql}, {campaign_sql}, c.id, d.id, c.id, d.value, 1, 2, 1, 28, 0, 28800, 75600, 0, \
             'America/New_York', c.id, d.position, c.client_id, c.first_name, c.last_name, c.company, c.postal_code, \
             c.country, d.kind, d.country_code, d.area_code, d.region, d.device_type \
             FROM contacts c JOIN contact_devices d ON d.contact_id = c.id WHERE c.list_id = {list_sql}"
        ),
    )
    .await?;
    Ok((started.elapsed(), rows))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let contacts: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let stores = if std::env::args().any(|arg| arg == "sqlite") {
        Stores::SqliteInProcess
    } else {
        Stores::PostgresRedis
    };
    let _ = rustls::crypto::ring::default_provider().install_default();
    if std::env::var_os("RUST_LOG").is_some() {
        api::telemetry::init(api::config::LogFormat::Text);
    }
    // Only the API: this process runs the preload itself, to time it.
    let app = spawn_app_with(stores, &["--roles", "api"]).await;
    let db = app.services.db.clone();
    let token = app.admin_token().await;
    let list = graphql(
        &app,
        &token,
        "mutation { createContactList(input: { name: \"Bench\", channel: VOICE }) { id } }",
        json!({}),
    )
    .await?["createContactList"]["id"]
        .as_str()
        .context("a list id")?
        .parse::<uuid::Uuid>()?;
    let tenant = entity::contact_list::Entity::find_by_id(list)
        .one(&db)
        .await?
        .context("the list")?
        .tenant_id;

    let list_sql = lit(&db, list);
    let started = Instant::now();
    generate(&db, tenant, list, contacts).await?;
    let devices = count(
        &db,
        &format!("SELECT count(*) FROM contact_devices WHERE list_id = {list_sql}"),
    )
    .await?;
    println!(
        "{stores:?}: generated {contacts} contacts, {devices} devices in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let template = graphql(
        &app,
        &token,
        "mutation($input: CampaignTemplateInput!) { createCampaignTemplate(input: $input) { id } }",
        json!({ "input": { "name": "Bench", "dialingMode": "PREVIEW" } }),
    )
    .await?["createCampaignTemplate"]["id"]
        .clone();
    let campaign = graphql(
        &app,
        &token,
        "mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }",
        json!({ "input": { "name": "Bench", "templateId": template, "lists": [{ "listId": list.to_string() }] } }),
    )
    .await?["createCampaign"]["id"]
        .as_str()
        .context("a campaign id")?
        .parse::<uuid::Uuid>()?;

    let campaign_sql = lit(&db, campaign);
    // Both sides read warm tables.
    count(&db, "SELECT count(*) FROM contacts").await?;
    count(&db, "SELECT count(*) FROM contact_devices").await?;
    let (bare, bare_rows) = baseline(&db, tenant, campaign, list, false).await?;
    println!(
        "baseline INSERT … SELECT, no indexes: {bare_rows} rows in {:.2} s",
        bare.as_secs_f64()
    );
    let (copy, copy_rows) = baseline(&db, tenant, campaign, list, true).await?;
    println!(
        "baseline INSERT … SELECT, calling-list indexes: {copy_rows} rows in {:.2} s",
        copy.as_secs_f64()
    );
    exec(&db, "DROP TABLE bench_copy_bare").await?;
    exec(&db, "DROP TABLE bench_copy_indexed").await?;
    if stores == Stores::PostgresRedis {
        exec(&db, "CHECKPOINT").await?;
    }

    // The preload, with a watcher counting READY records from another connection.
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (db, done) = (db.clone(), done.clone());
        let sql = format!(
            "SELECT count(*) FROM calling_list_records WHERE campaign_id = {campaign_sql} AND record_status = {}",
            record_status::READY
        );
        tokio::spawn(async move {
            let started = Instant::now();
            loop {
                if let Ok(ready) = count(&db, &sql).await
                    && ready >= FIRST
                {
                    return Some(started.elapsed());
                }
                if done.load(Ordering::SeqCst) {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    graphql(
        &app,
        &token,
        "mutation($id: ID!) { loadCampaign(id: $id) { loadStatus } }",
        json!({ "id": campaign.to_string() }),
    )
    .await?;
    workers::campaigns::load::run(&app.services, campaign, None)
        .await
        .map_err(|error| anyhow::anyhow!("{error:?}"))?;
    let preload = started.elapsed();
    done.store(true, Ordering::SeqCst);
    let first = watcher.await?;
    // The queued task finds the load done.
    while workers::campaigns::load::try_execute_task(&app.services, "bench")
        .await
        .map_err(|error| anyhow::anyhow!("{error:?}"))?
    {}
    let records = count(
        &db,
        &format!("SELECT count(*) FROM calling_list_records WHERE campaign_id = {campaign_sql}"),
    )
    .await?;
    let ready = count(
        &db,
        &format!(
            "SELECT count(*) FROM calling_list_records WHERE campaign_id = {campaign_sql} AND record_status = {}",
            record_status::READY
        ),
    )
    .await?;
    if records != copy_rows as i64 {
        bail!("the preload wrote {records} records, the copy {copy_rows}");
    }
    println!(
        "preload: {records} records ({ready} ready) in {:.2} s; ratio {:.2} (to the indexed copy), {:.2} (to the bare copy)",
        preload.as_secs_f64(),
        preload.as_secs_f64() / copy.as_secs_f64(),
        preload.as_secs_f64() / bare.as_secs_f64(),
    );
    match first {
        Some(at) => println!(
            "first {FIRST} records ready {:.2} s after the load started",
            at.as_secs_f64()
        ),
        None => println!("fewer than {FIRST} records ready before the load ended"),
    }
    println!("peak RSS {:.0} MiB", tests::peak_rss_mib());
    if std::env::var_os("REACHLINE_BENCH_KEEP_DATABASE").is_some() {
        // For EXPLAIN by hand: leave without dropping the database.
        let name = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT current_database() AS name".to_owned(),
            ))
            .await?
            .context("a name")?
            .try_get::<String>("", "name")?;
        println!("database {name} kept (campaign {campaign}, list {list})");
        std::process::exit(0);
    }
    Ok(())
}
