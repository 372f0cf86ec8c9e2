//! Benchmark: the Job Scheduler (issue 7) — how late firings are, how fast a
//! file comes off a real SFTP server, and how long a list automation takes
//! from a dropped file to a running campaign.
//!
//! `cargo run --release -p tests --example jobs_benchmark [rows=100000] [megabytes=256] [seconds=30]`
//!
//! Needs root and Debian's `openssh-server` (the real `sshd` of the tests) and
//! PostgreSQL + Redis on their usual ports. Prints:
//! 1. SFTP download of a `megabytes` file over loopback by the `sftp` crate
//!    (size check and SHA-256 included) against OpenSSH's own `sftp` client
//!    fetching the same file (batch mode, key login);
//! 2. firing lateness of a per-second job over `seconds` s on PostgreSQL +
//!    Redis with every role in one process: run row written − scheduled
//!    instant, and run started − scheduled instant (p50, p99, max);
//! 3. a list automation of a `rows`-row CSV: pick-up, import, load and start,
//!    the whole run and each step as the run's log times them.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tests::sshd::Sshd;
use tests::{Stores, TestApp, spawn_app_with};

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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn summary(label: &str, mut values: Vec<f64>) {
    values.sort_by(f64::total_cmp);
    println!(
        "{label}: n={} p50={:.1} ms p99={:.1} ms max={:.1} ms",
        values.len(),
        percentile(&values, 0.5),
        percentile(&values, 0.99),
        values.last().copied().unwrap_or(f64::NAN)
    );
}

/// Part 1: the crate's download against OpenSSH's client on the same file.
async fn sftp_download(server: &Sshd, megabytes: usize) -> anyhow::Result<()> {
    let bytes: Vec<u8> = (0..megabytes * 1024 * 1024)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[1])
        .collect();
    server.write_file("bench/big.bin", &bytes);
    let endpoint = sftp::Endpoint {
        host: "127.0.0.1".into(),
        port: server.port,
        username: server.username.clone(),
        auth: sftp::Auth::PrivateKey {
            openssh_pem: server.client_key_pem.clone(),
            passphrase: None,
        },
        host_key: Some(server.host_key_fingerprint.clone()),
    };
    let local = tempfile::tempdir()?;
    let ours = local.path().join("ours.bin");
    let started = Instant::now();
    let session = sftp::Session::connect(&endpoint, Duration::from_secs(15)).await?;
    let downloaded = session
        .download("bench/big.bin", &ours, bytes.len() as u64)
        .await?;
    let _ = session.close().await;
    let ours_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(downloaded.bytes == bytes.len() as u64, "short download");

    let key = local.path().join("id");
    std::fs::write(&key, &server.client_key_pem)?;
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    let theirs = local.path().join("theirs.bin");
    let batch = local.path().join("batch");
    std::fs::write(&batch, format!("get bench/big.bin {}\n", theirs.display()))?;
    let started = Instant::now();
    let status = std::process::Command::new("sftp")
        .args(["-q", "-b"])
        .arg(&batch)
        .args(["-i"])
        .arg(&key)
        .args([
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-P",
        ])
        .arg(server.port.to_string())
        .arg(format!("{}@127.0.0.1", server.username))
        .status()
        .context("running OpenSSH's sftp client")?;
    let theirs_s = started.elapsed().as_secs_f64();
    anyhow::ensure!(status.success(), "OpenSSH's sftp failed: {status}");
    let mb = megabytes as f64;
    println!(
        "sftp download {megabytes} MiB: sftp crate {ours_s:.2} s ({:.0} MiB/s, SHA-256 included); OpenSSH sftp {theirs_s:.2} s ({:.0} MiB/s); ratio {:.2}",
        mb / ours_s,
        mb / theirs_s,
        ours_s / theirs_s
    );
    Ok(())
}

/// Part 2: how late a per-second job's runs are written and started.
async fn firing_lateness(app: &TestApp, token: &str, seconds: u64) -> anyhow::Result<()> {
    let data = graphql(
        app,
        token,
        "mutation { createJob(input: { name: \"Every second\", kind: PURGE, cron: \"* * * * * *\", timeZone: \"UTC\" }) { id } }",
        json!({}),
    )
    .await?;
    let id = data["createJob"]["id"]
        .as_str()
        .context("job id")?
        .to_owned();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    graphql(
        app,
        token,
        "mutation($id: ID!) { updateJob(id: $id, input: { name: \"Every second\", kind: PURGE, cron: \"* * * * * *\", timeZone: \"UTC\", enabled: false }) { id } }",
        json!({ "id": id }),
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let data = graphql(
        app,
        token,
        "query($id: ID!) { jobRuns(jobId: $id, first: 500) { scheduledFor createdAt startedAt status } }",
        json!({ "id": id }),
    )
    .await?;
    let runs = data["jobRuns"].as_array().context("runs")?;
    let at =
        |run: &Value, field: &str| -> Option<DateTime<Utc>> { run[field].as_str()?.parse().ok() };
    let mut written = Vec::new();
    let mut started = Vec::new();
    for run in runs {
        let Some(scheduled) = at(run, "scheduledFor") else {
            continue;
        };
        if let Some(created) = at(run, "createdAt") {
            written.push((created - scheduled).num_microseconds().unwrap_or(0) as f64 / 1000.0);
        }
        if let Some(start) = at(run, "startedAt") {
            started.push((start - scheduled).num_microseconds().unwrap_or(0) as f64 / 1000.0);
        }
    }
    let expected = seconds as usize;
    println!(
        "per-second job for {seconds} s: {} runs (≈{expected} expected)",
        runs.len()
    );
    summary("  run written after its instant", written);
    summary("  run started after its instant", started);
    Ok(())
}

/// Part 3: a dropped file to a running campaign.
async fn automation(app: &TestApp, token: &str, server: &Sshd, rows: usize) -> anyhow::Result<()> {
    let mut csv = String::from("Account,First,Last,Cell\n");
    for i in 0..rows {
        let exchange = 230 + (i / 10_000) % 60;
        csv.push_str(&format!(
            "B-{i:07},Ann{i},Lee,+1 212 {exchange} {:04}\n",
            i % 10_000
        ));
    }
    let file = format!("leads_{}_bench.csv", Utc::now().format("%Y%m%d"));
    server.write_file(&format!("incoming/{file}"), csv.as_bytes());
    let data = graphql(
        app,
        token,
        "mutation($input: SftpConnectionInput!) { createSftpConnection(input: $input) { id } }",
        json!({ "input": { "name": "Bench", "host": "127.0.0.1", "port": server.port, "username": server.username,
            "authMethod": "PASSWORD", "password": server.password, "hostKeyFingerprint": server.host_key_fingerprint } }),
    )
    .await?;
    let connection = data["createSftpConnection"]["id"]
        .as_str()
        .context("connection")?
        .to_owned();
    let seed = graphql(
        app,
        token,
        "mutation { createContactList(input: { name: \"Seed\", channel: VOICE }) { id } }",
        json!({}),
    )
    .await?["createContactList"]["id"]
        .clone();
    let template = graphql(app, token, "mutation { createCampaignTemplate(input: { name: \"Preview\", dialingMode: PREVIEW }) { id } }", json!({})).await?
        ["createCampaignTemplate"]["id"]
        .clone();
    let campaign = graphql(
        app,
        token,
        "mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }",
        json!({ "input": { "name": "Bench leads", "templateId": template, "lists": [{ "listId": seed }] } }),
    )
    .await?["createCampaign"]["id"]
        .clone();
    let mapping = graphql(
        app,
        token,
        "mutation { createImportMapping(name: \"Bench\", mapping: { defaultCountry: \"US\", columns: [ \
         { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
         { header: \"Last\", field: LAST_NAME }, { header: \"Cell\", device: MOBILE } ] }) { id } }",
        json!({}),
    )
    .await?["createImportMapping"]["id"]
        .clone();
    let job = graphql(
        app,
        token,
        "mutation($input: JobInput!) { createJob(input: $input) { id } }",
        json!({ "input": { "name": "Bench automation", "kind": "LIST_AUTOMATION", "cron": "0 0 7 * * *", "timeZone": "UTC",
            "enabled": false, "source": { "connectionId": connection, "directory": "incoming", "pattern": "leads_{date:%Y%m%d}_*.csv" },
            "newListName": "{file}", "importMappingId": mapping, "campaignId": campaign, "startCampaign": true } }),
    )
    .await?["createJob"]["id"]
        .clone();
    let started = Instant::now();
    let run_id = graphql(
        app,
        token,
        "mutation($id: ID!) { runJobNow(id: $id) { id } }",
        json!({ "id": job }),
    )
    .await?["runJobNow"]["id"]
        .clone();
    let run = loop {
        let data = graphql(
            app,
            token,
            "query($id: ID!) { jobRun(id: $id) { status error counts { imported rejected } log { at message } } }",
            json!({ "id": run_id }),
        )
        .await?;
        match data["jobRun"]["status"].as_str() {
            Some("SUCCEEDED") => break data["jobRun"].clone(),
            Some("FAILED") => bail!("the automation failed: {}", data["jobRun"]),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    let total = started.elapsed().as_secs_f64();
    println!(
        "list automation of {rows} rows ({:.1} MiB): {total:.2} s to a running campaign; imported {}, rejected {}",
        csv.len() as f64 / 1_048_576.0,
        run["counts"]["imported"],
        run["counts"]["rejected"]
    );
    let lines = run["log"].as_array().context("log")?;
    let first: Option<DateTime<Utc>> = lines.first().and_then(|l| l["at"].as_str()?.parse().ok());
    for line in lines {
        let at: Option<DateTime<Utc>> = line["at"].as_str().and_then(|a| a.parse().ok());
        if let (Some(first), Some(at)) = (first, at) {
            println!(
                "  +{:>7.2} s  {}",
                (at - first).num_milliseconds() as f64 / 1000.0,
                line["message"].as_str().unwrap_or("")
            );
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let megabytes: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(256);
    let seconds: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(30);
    let server = Sshd::start();
    sftp_download(&server, megabytes).await?;

    let app = spawn_app_with(Stores::PostgresRedis, &[]).await;
    let token = app.admin_token().await;
    app.open_calling_window_all_day(&token).await;
    firing_lateness(&app, &token, seconds).await?;
    automation(&app, &token, &server, rows).await?;
    Ok(())
}
