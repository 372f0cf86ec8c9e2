//! Benchmark: pre-dial validation over HTTP on the real `reachline serve
//! --roles compliance` binary, against an axum hello-world run side by side
//! (TARGETS.md: "pre-dial validation", "pre-dial validation latency",
//! "batch validation").
//!
//! `cargo run --release -p tests --example ocs_benchmark [seconds]`
//!
//! What it does, in order: builds the release binary (`cargo build --release
//! -p api --bin reachline`, a no-op when fresh) and installs the load tools
//! when missing (`wrk` with apt-get, `oha` with `cargo install`); creates a
//! fresh PostgreSQL database and Redis prefix; starts an `api` process on them
//! to create a PHONE suppression list and an API client with OCS_VALIDATE;
//! inserts 1,000,000 suppressed NANP numbers into that list inside
//! PostgreSQL; starts `reachline serve --roles compliance` (default rule set)
//! and waits until it has loaded them; then, on loopback:
//! 1. `wrk -t2 -c64 -d<seconds>s` POSTing single records with varying real
//!    NANP numbers (about 10 % of them suppressed) to `/ocs/v1/validate`;
//! 2. the same with batches of 100 records to `/ocs/v1/validate/batch`;
//! 3. `oha` at a constant 2,000 req/s for `<seconds>` s on `/ocs/v1/validate`
//!    (latency corrected for coordinated omission) for p50/p99;
//! 4. run 1 again against a bare axum hello-world (this example re-run with
//!    `--hello-world`, a separate process) after the server has stopped.
//!
//! It prints each run's figures next to its target. `seconds` defaults to 15.
//! With `REACHLINE_BENCH_PERF=<path>` the server is profiled with `perf
//! record -g` during run 1 and the report written to `<path>.txt`; with
//! `REACHLINE_BENCH_OPEN_WINDOWS=1` the calling windows are opened all day
//! (diagnosis: decisions that do not depend on the hour). After each run the
//! CPU the server and `redis-server` spent is printed per request.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tests::process::ServerProcess;
use tests::{ADMIN_PASSWORD, JWT_SECRET, TestDatabase, redis_url, unique_redis_prefix};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

/// The `oha` release this benchmark installs, with the system OpenSSL (`native-tls`): it
/// does not build with no TLS feature, and its default `rustls` compiles aws-lc.
const OHA_VERSION: &str = "1.16.0";
/// Suppression entries in the tenant's PHONE list.
const ENTRIES: usize = 1_000_000;
/// Real US area codes the numbers are drawn from (fixed-line or mobile, several time zones).
const AREAS: [u16; 50] = [
    201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225,
    228, 229, 231, 234, 239, 240, 248, 251, 252, 253, 254, 256, 260, 262, 267, 269, 270, 276, 281,
    301, 302, 303, 304, 307, 309, 310, 312, 313, 314, 315, 316,
];
/// A number is suppressed when its line number is a multiple of this: 50 areas
/// × 800 exchanges × 25 lines = 1,000,000 entries.
const LINE_STEP: u32 = 400;
/// Records per batch request.
const BATCH: usize = 100;
/// The constant rate of the latency run.
const LATENCY_RATE: u32 = 2_000;

/// What one load run measured.
#[derive(Debug, Default, Clone)]
struct Run {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    requests: u64,
    /// Responses outside 2xx/3xx (wrk) — a 409 "do not dial" is one.
    non_2xx: u64,
    /// Socket errors and timeouts.
    errors: u64,
    statuses: String,
    /// The CPU the server and Redis spent during the run.
    cpu: String,
}

fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn on_path(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `wrk` from Debian and a pinned `oha` (cargo install), installed only when missing.
async fn ensure_tools() -> anyhow::Result<()> {
    if !on_path("wrk") {
        println!("installing wrk (apt-get)…");
        let sudo = if on_path("sudo") && !is_root() {
            "sudo "
        } else {
            ""
        };
        let status = Command::new("sh")
            .args([
                "-c",
                &format!("{sudo}apt-get install -y wrk || ({sudo}apt-get update && {sudo}apt-get install -y wrk)"),
            ])
            .status()
            .await?;
        if !status.success() {
            bail!("installing wrk failed");
        }
    }
    if !on_path("oha") {
        println!("installing oha {OHA_VERSION} (cargo install, a few minutes)…");
        let status = Command::new(cargo())
            .args([
                "install",
                "oha",
                "--version",
                OHA_VERSION,
                "--locked",
                "--no-default-features",
                "--features",
                "native-tls",
            ])
            .status()
            .await?;
        if !status.success() {
            bail!("installing oha failed");
        }
    }
    Ok(())
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The release binary, built when stale (`REACHLINE_BIN` overrides).
async fn release_binary() -> anyhow::Result<PathBuf> {
    if let Ok(path) = std::env::var("REACHLINE_BIN") {
        return Ok(PathBuf::from(path));
    }
    let status = Command::new(cargo())
        .args(["build", "--release", "-p", "api", "--bin", "reachline"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .status()
        .await?;
    if !status.success() {
        bail!("building the release binary failed");
    }
    Ok(target_dir().join("release/reachline"))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "?".into())
}

async fn graphql(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    query: &str,
) -> anyhow::Result<Value> {
    let mut request = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request.send().await?.json().await?;
    if body.get("errors").is_some() {
        bail!("GraphQL error: {body}");
    }
    Ok(body)
}

/// The first admin's token, a PHONE list's id and an OCS_VALIDATE key, through an `api` process.
async fn arrange(client: &reqwest::Client, address: &str) -> anyhow::Result<(String, String)> {
    let login = graphql(
        client,
        address,
        None,
        &format!(
            "mutation {{ login(email: \"{}\", password: \"{ADMIN_PASSWORD}\") {{ token }} }}",
            tests::ADMIN_EMAIL
        ),
    )
    .await?;
    let token = login["data"]["login"]["token"]
        .as_str()
        .context("a login token")?
        .to_owned();
    let list = graphql(
        client,
        address,
        Some(&token),
        "mutation { createSuppressionList(input: { name: \"Registry\", kind: PHONE, channels: [VOICE] }) { id } }",
    )
    .await?;
    let list_id = list["data"]["createSuppressionList"]["id"]
        .as_str()
        .context("a list id")?
        .to_owned();
    let key = graphql(
        client,
        address,
        Some(&token),
        "mutation { createApiClient(input: { name: \"bench-dialer\", scopes: [OCS_VALIDATE] }) { key } }",
    )
    .await?;
    let key = key["data"]["createApiClient"]["key"]
        .as_str()
        .context("an API key")?
        .to_owned();
    if std::env::var_os("REACHLINE_BENCH_OPEN_WINDOWS").is_some() {
        // Diagnosis only: calling windows open all day, so decisions do not depend on the hour.
        let rules = graphql(
            client,
            address,
            Some(&token),
            "{ complianceRuleSet { rules } }",
        )
        .await?;
        let mut rules = rules["data"]["complianceRuleSet"]["rules"].clone();
        rules["callingWindows"]["default"] = json!({ "slots": [{
            "days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "start": "00:00", "end": "24:00" }] });
        rules["callingWindows"]["regions"] = json!({});
        let body = client
            .post(format!("{address}/graphql"))
            .bearer_auth(&token)
            .json(&json!({
                "query": "mutation($rules: JSON!) { updateComplianceRuleSet(rules: $rules) { version } }",
                "variables": { "rules": rules },
            }))
            .send()
            .await?
            .json::<Value>()
            .await?;
        if body.get("errors").is_some() {
            bail!("opening the calling windows: {body}");
        }
        println!("calling windows opened all day (REACHLINE_BENCH_OPEN_WINDOWS)");
    }
    Ok((list_id, key))
}

/// Inserts the 1M suppressed numbers (`+1 AAA EEE LLLL`, LLLL a multiple of
/// [`LINE_STEP`]) in one `INSERT … SELECT` inside PostgreSQL.
async fn insert_entries(database_url: &str, list_id: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    let db = Database::connect(database_url).await?;
    let areas = AREAS
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let lines = (ENTRIES / (AREAS.len() * 800)) as u32;
    db.execute_unprepared(&format!(
        "INSERT INTO suppression_entries (list_id, value, reason, source, expires_at, created_at) \
         SELECT '{list_id}'::uuid, '+1' || a || e || lpad((l * {LINE_STEP})::text, 4, '0'), NULL, 'UPLOAD', NULL, now() \
         FROM unnest(ARRAY[{areas}]) AS a, generate_series(200, 999) AS e, generate_series(0, {last}) AS l",
        last = lines - 1
    ))
    .await?;
    let count = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT count(*)::bigint AS n FROM suppression_entries WHERE list_id = '{list_id}'"
            ),
        ))
        .await?
        .context("a count")?
        .try_get::<i64>("", "n")?;
    if count as usize != ENTRIES {
        bail!("{count} entries inserted, expected {ENTRIES}");
    }
    let _ = db.close().await;
    Ok(started.elapsed())
}

/// The Lua table of area codes and the request-building helpers both scripts share.
fn lua_prelude(key: &str) -> String {
    let areas = AREAS
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    format!(
        r#"local areas = {{{areas}}}
local key = "{key}"
local counter = 0
local headers = {{ ["X-API-Key"] = key, ["Content-Type"] = "application/json" }}
-- A real NANP number; about 10 % are on the suppression list (line a multiple of {LINE_STEP}).
local function number()
  local area = areas[math.random(#areas)]
  local exchange = math.random(200, 999)
  local line
  if math.random(10) == 1 then line = {LINE_STEP} * math.random(0, 24) else line = math.random(0, 9999) end
  return string.format("+1%d%d%04d", area, exchange, line)
end
local function record()
  counter = counter + 1
  return string.format('{{"GSW_PHONE":"%s","GSW_CUSTOMER_ID":"C%d","GSW_CHAIN_ID":"%d","GSW_DIAL_MODE":"PREVIEW"}}', number(), counter, counter)
end
local pool = {{}}
local next_request = 0
local threads = 0
-- Each wrk thread gets its own number (its own random sequence).
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
function request()
  next_request = next_request % #pool + 1
  return pool[next_request]
end
"#
    )
}

/// One record per request, from a pool of 20,000 pre-built requests per thread.
fn single_script(key: &str) -> String {
    format!(
        "{}\nfunction init(args)\n  math.randomseed(os.time() * 100 + (thread_id or 0))\n  for i = 1, 20000 do\n    pool[i] = wrk.format(\"POST\", nil, headers, record())\n  end\nend\n",
        lua_prelude(key)
    )
}

/// [`BATCH`] records per request, from a pool of 500 pre-built requests per thread.
fn batch_script(key: &str) -> String {
    format!(
        "{}\nfunction init(args)\n  math.randomseed(os.time() * 100 + (thread_id or 0))\n  for i = 1, 500 do\n    local records = {{}}\n    for j = 1, {BATCH} do records[j] = record() end\n    pool[i] = wrk.format(\"POST\", nil, headers, \"[\" .. table.concat(records, \",\") .. \"]\")\n  end\nend\n",
        lua_prelude(key)
    )
}

/// `wrk -t2 -c64 -d<seconds>s` with `script` against `url`.
async fn wrk(script: &Path, url: &str, seconds: u64) -> anyhow::Result<Run> {
    let output = Command::new("wrk")
        .args([
            "-t2",
            "-c64",
            &format!("-d{seconds}s"),
            "--timeout",
            "5s",
            "-s",
        ])
        .arg(script)
        .arg(url)
        .output()
        .await
        .context("running wrk")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout.lines().find(|line| line.starts_with("RESULT ")) else {
        bail!(
            "wrk printed no result:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let field = |name: &str| -> f64 {
        line.split_whitespace()
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .and_then(|value| value.parse().ok())
            .unwrap_or(0.0)
    };
    let requests = field("requests");
    Ok(Run {
        requests_per_second: requests / (field("duration_us") / 1e6),
        p50_ms: field("p50_us") / 1e3,
        p99_ms: field("p99_us") / 1e3,
        requests: requests as u64,
        non_2xx: field("non2xx") as u64,
        errors: field("errors") as u64,
        statuses: String::new(),
        cpu: String::new(),
    })
}

/// `oha` at a constant [`LATENCY_RATE`] for `seconds`, one fixed unsuppressed record.
async fn oha(url: &str, key: &str, seconds: u64) -> anyhow::Result<Run> {
    let body = r#"{"GSW_PHONE":"+12125550143","GSW_CUSTOMER_ID":"C1","GSW_CHAIN_ID":"1","GSW_DIAL_MODE":"PREVIEW"}"#;
    let output = Command::new("oha")
        .args([
            "-z",
            &format!("{seconds}s"),
            "-q",
            &LATENCY_RATE.to_string(),
            "-c",
            "64",
            "--latency-correction",
            "--no-tui",
            "--output-format",
            "json",
            "-m",
            "POST",
            "-H",
            &format!("X-API-Key: {key}"),
            "-H",
            "Content-Type: application/json",
            "-d",
            body,
            url,
        ])
        .output()
        .await
        .context("running oha")?;
    let report: Value = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "oha printed no JSON: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let seconds_to_ms = |value: &Value| value.as_f64().unwrap_or(f64::NAN) * 1e3;
    Ok(Run {
        requests_per_second: report["summary"]["requestsPerSec"]
            .as_f64()
            .unwrap_or(f64::NAN),
        p50_ms: seconds_to_ms(&report["latencyPercentiles"]["p50"]),
        p99_ms: seconds_to_ms(&report["latencyPercentiles"]["p99"]),
        requests: report["statusCodeDistribution"]
            .as_object()
            .map_or(0, |codes| codes.values().filter_map(Value::as_u64).sum()),
        non_2xx: 0,
        errors: report["errorDistribution"]
            .as_object()
            .map_or(0, |errors| errors.values().filter_map(Value::as_u64).sum()),
        statuses: report["statusCodeDistribution"].to_string(),
        cpu: String::new(),
    })
}

/// A sample of single-record answers before the load: statuses and refusal reasons.
async fn probe(client: &reqwest::Client, url: &str, key: &str) -> anyhow::Result<String> {
    let mut tally = std::collections::BTreeMap::<String, u32>::new();
    for index in 0..400u32 {
        let area = AREAS[(index as usize * 7) % AREAS.len()];
        let exchange = 200 + (index * 37) % 800;
        let line = if index % 4 == 0 {
            LINE_STEP * (index % 25)
        } else {
            ((index * 7919) % 10_000) | 1
        };
        let response = client
            .post(url)
            .header("X-API-Key", key)
            .json(&json!({ "GSW_PHONE": format!("+1{area}{exchange}{line:04}"), "GSW_DIAL_MODE": "PREVIEW" }))
            .send()
            .await?;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let rules: Vec<String> = body["refusals"]
            .as_array()
            .map(|refusals| {
                refusals
                    .iter()
                    .filter_map(|refusal| refusal["rule"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let expected = if index % 4 == 0 { "listed" } else { "unlisted" };
        *tally
            .entry(format!("{expected} → {status} {}", rules.join("+")))
            .or_default() += 1;
        let suppressed = rules.iter().any(|rule| rule == "SUPPRESSION");
        if suppressed != (index % 4 == 0) {
            bail!(
                "number {area}{exchange}{line:04}: suppressed {suppressed}, expected the opposite: {body}"
            );
        }
    }
    Ok(tally
        .iter()
        .map(|(what, count)| format!("{count} {what}"))
        .collect::<Vec<_>>()
        .join("; "))
}

/// With `REACHLINE_BENCH_PERF=<path>`: `perf record -g` of the server during
/// the single-record run, into `<path>.data`.
fn start_profile(
    server: &ServerProcess,
    path: &str,
    seconds: u64,
) -> anyhow::Result<tokio::process::Child> {
    let pid = server.id().context("the server's pid")?;
    Command::new("perf")
        .args([
            "record",
            "-F",
            "499",
            "-g",
            "-o",
            &format!("{path}.data"),
            "-p",
        ])
        .arg(pid.to_string())
        .args(["--", "sleep", &seconds.saturating_sub(2).max(1).to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("running perf")
}

/// Waits for the recording and writes `perf report` (flat, then by caller) to `<path>.txt`.
async fn finish_profile(path: &str, mut recording: tokio::process::Child) -> anyhow::Result<()> {
    recording.wait().await?;
    let flat = Command::new("perf")
        .args([
            "report",
            "--stdio",
            "--no-children",
            "--percent-limit",
            "0.5",
            "-g",
            "none",
            "-i",
        ])
        .arg(format!("{path}.data"))
        .output()
        .await?;
    let children = Command::new("perf")
        .args([
            "report",
            "--stdio",
            "--children",
            "--percent-limit",
            "2",
            "-g",
            "none",
            "-i",
        ])
        .arg(format!("{path}.data"))
        .output()
        .await?;
    std::fs::write(
        format!("{path}.txt"),
        [flat.stdout, b"\n\n".to_vec(), children.stdout].concat(),
    )?;
    println!("profile of the single-record run written to {path}.txt");
    Ok(())
}

/// `--hello-world`: a bare axum server answering every request with a short text.
async fn hello_world() -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("hello-world listening on {}", listener.local_addr()?.port());
    let app = axum::Router::new().fallback(|| async { "Hello, World!" });
    axum::serve(listener, app).await?;
    Ok(())
}

/// Starts this example again as a hello-world server and returns it and its port.
async fn spawn_hello_world() -> anyhow::Result<(tokio::process::Child, u16)> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg("--hello-world")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let stdout = child.stdout.take().context("piped stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await??
        .context("the hello-world printed nothing")?;
    let port = line
        .rsplit(' ')
        .next()
        .and_then(|port| port.parse().ok())
        .context("a port")?;
    Ok((child, port))
}

/// CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            let user: f64 = fields.get(11)?.parse().ok()?;
            let system: f64 = fields.get(12)?.parse().ok()?;
            Some((user + system) / 100.0)
        })
        .unwrap_or(0.0)
}

/// The local `redis-server`'s process id, when there is one (its CPU is part of every decision).
fn redis_pid() -> Option<u32> {
    let output = std::process::Command::new("pgrep")
        .args(["-o", "-x", "redis-server"])
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

/// Runs `load` and prints the CPU the server and Redis spent per request meanwhile.
async fn with_cpu(
    server: Option<u32>,
    load: impl std::future::Future<Output = anyhow::Result<Run>>,
) -> anyhow::Result<Run> {
    let redis = redis_pid();
    let server_before = server.map_or(0.0, cpu_seconds);
    let redis_before = redis.map_or(0.0, cpu_seconds);
    let mut run = load.await?;
    let server_cpu = server.map_or(0.0, cpu_seconds) - server_before;
    let redis_cpu = redis.map_or(0.0, cpu_seconds) - redis_before;
    let per_request = |seconds: f64| seconds * 1e6 / run.requests.max(1) as f64;
    run.cpu = format!(
        "CPU meanwhile: server {server_cpu:.1} s ({:.0} µs/request), redis-server {redis_cpu:.1} s ({:.0} µs/request)",
        per_request(server_cpu),
        per_request(redis_cpu)
    );
    Ok(run)
}

fn verdict(met: bool) -> &'static str {
    if met { "MET" } else { "MISSED" }
}

fn print_run(name: &str, run: &Run) {
    println!(
        "{name:<34} {:>9.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  ({} requests, {} non-2xx, {} socket errors{})",
        run.requests_per_second,
        run.p50_ms,
        run.p99_ms,
        run.requests,
        run.non_2xx,
        run.errors,
        if run.statuses.is_empty() {
            String::new()
        } else {
            format!(", statuses {}", run.statuses)
        }
    );
    if !run.cpu.is_empty() {
        println!("    {}", run.cpu);
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().any(|arg| arg == "--hello-world") {
        return hello_world().await;
    }
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    let _ = rustls::crypto::ring::default_provider().install_default();
    ensure_tools().await?;
    let binary = release_binary().await?;
    println!(
        "binary {}; load average at start {}",
        binary.display(),
        load_average()
    );

    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let redis = redis_url();
    let data_dir = tempfile::tempdir()?;
    let data = data_dir.path().display().to_string();
    let store_args = |roles: &'static str| -> Vec<String> {
        [
            "--roles",
            roles,
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            &data,
            "--database-url",
            &database.url,
            "--redis-url",
            &redis,
            "--redis-prefix",
            &prefix,
            "--admin-password",
            ADMIN_PASSWORD,
            "--jwt-secret",
            JWT_SECRET,
        ]
        .iter()
        .map(|arg| arg.to_string())
        .collect()
    };
    let envs = [("RUST_LOG", "info,sqlx=warn")];
    let client = tests::http_client();

    let api_args = store_args("api");
    let api_args: Vec<&str> = api_args.iter().map(String::as_str).collect();
    let mut api = ServerProcess::start_binary(&binary, &api_args, &envs).await;
    let (list_id, key) = arrange(&client, &api.address()).await?;
    api.terminate().await;
    let _ = api.wait(Duration::from_secs(10)).await;
    let inserted = insert_entries(&database.url, &list_id).await?;
    println!(
        "{ENTRIES} suppression entries inserted in {:.1} s",
        inserted.as_secs_f64()
    );

    let started = Instant::now();
    let compliance_args = store_args("compliance");
    let compliance_args: Vec<&str> = compliance_args.iter().map(String::as_str).collect();
    let mut server = ServerProcess::start_binary(&binary, &compliance_args, &envs).await;
    loop {
        let logs = server.stderr_text();
        if logs.contains("suppression lists loaded") {
            break;
        }
        if logs.contains("preloading a suppression list failed")
            || started.elapsed().as_secs() > 300
        {
            bail!("the suppression list was not loaded:\n{logs}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "compliance process up and {ENTRIES} entries loaded {:.1} s after start",
        started.elapsed().as_secs_f64()
    );
    let single_url = format!("{}/ocs/v1/validate", server.address());
    let batch_url = format!("{}/ocs/v1/validate/batch", server.address());
    println!(
        "sample of 400 answers: {}",
        probe(&client, &single_url, &key).await?
    );

    let scripts = tempfile::tempdir()?;
    let single = scripts.path().join("single.lua");
    let batch = scripts.path().join("batch.lua");
    std::fs::write(&single, single_script(&key))?;
    std::fs::write(&batch, batch_script(&key))?;

    println!("load average before the runs {}", load_average());
    let profile = match std::env::var("REACHLINE_BENCH_PERF") {
        Ok(path) => Some((path.clone(), start_profile(&server, &path, seconds)?)),
        Err(_) => None,
    };
    let pid = server.id();
    let validate = with_cpu(pid, wrk(&single, &single_url, seconds)).await?;
    if let Some((path, recording)) = profile {
        finish_profile(&path, recording).await?;
    }
    print_run("wrk single record", &validate);
    let batches = with_cpu(pid, wrk(&batch, &batch_url, seconds)).await?;
    print_run("wrk batch of 100", &batches);
    let latency = with_cpu(pid, oha(&single_url, &key, seconds)).await?;
    print_run(&format!("oha -q {LATENCY_RATE} single record"), &latency);
    let rss = std::fs::read_to_string(format!("/proc/{}/status", server.id().unwrap_or(0)))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .map(|line| line.split_whitespace().nth(1).unwrap_or("?").to_owned())
        })
        .unwrap_or_else(|| "?".into());
    server.terminate().await;
    let _ = server.wait(Duration::from_secs(10)).await;

    let (mut hello, port) = spawn_hello_world().await?;
    let baseline = with_cpu(
        hello.id(),
        wrk(
            &single,
            &format!("http://127.0.0.1:{port}/ocs/v1/validate"),
            seconds,
        ),
    )
    .await?;
    print_run("wrk hello-world (same script)", &baseline);
    let _ = hello.kill().await;

    let ratio = validate.requests_per_second / baseline.requests_per_second;
    let records = batches.requests_per_second * BATCH as f64;
    println!();
    println!(
        "compliance process peak RSS {rss} kB; load average at end {}",
        load_average()
    );
    println!(
        "single-record req/s ÷ hello-world req/s = {:.0} ÷ {:.0} = {ratio:.2}   target ≥ 0.4 (stretch 0.6): {}",
        validate.requests_per_second,
        baseline.requests_per_second,
        verdict(ratio >= 0.4)
    );
    println!(
        "p99 at a constant {LATENCY_RATE} req/s = {:.2} ms (p50 {:.2} ms, achieved {:.0} req/s)   target ≤ 5 ms: {}",
        latency.p99_ms,
        latency.p50_ms,
        latency.requests_per_second,
        verdict(
            latency.p99_ms <= 5.0 && latency.requests_per_second >= 0.95 * f64::from(LATENCY_RATE)
        )
    );
    println!(
        "batch records/s = {records:.0} ({:.0} req/s × {BATCH})   target ≥ 200,000: {}",
        batches.requests_per_second,
        verdict(records >= 200_000.0)
    );
    drop(database);
    Ok(())
}
