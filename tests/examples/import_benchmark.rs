//! Benchmark: a 1,000,000-row messy contact file imported end to end on
//! PostgreSQL, against `psql \copy` of the same file into an equivalent table
//! with two indexes, in the same run.
//!
//! `cargo run --release -p tests --example import_benchmark [rows] [sqlite]`
//!
//! With `sqlite` the import runs on the embedded SQLite default instead and
//! only rows/s and memory are printed (there is no `\copy` to compare with).
//!
//! Needs PostgreSQL at `REACHLINE_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and `psql` on the PATH.
//! Prints the generation, import and copy times, rows/s, the ratio and the
//! process's peak resident memory.

use std::io::{BufWriter, Write};
use std::time::Instant;

use serde_json::json;
use tests::{ADMIN_PASSWORD, JWT_SECRET, TestDatabase};

/// Deterministic pseudo-random numbers: every run imports the same file.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Writes a Windows-1252 CSV: 10 columns, 2–3 phones in mixed formats, Latin-1 names,
/// 5 % rows with an unusable phone, 1 % repeated accounts.
fn generate(path: &std::path::Path, rows: usize) -> std::io::Result<()> {
    let first = [
        "Ana",
        "Jos\u{e9}",
        "Zo\u{eb}",
        "Fran\u{e7}ois",
        "Bj\u{f6}rn",
        "Maria",
        "Li",
        "Sam",
    ];
    let last = [
        "M\u{fc}ller",
        "Garc\u{ed}a",
        "O'Neil",
        "Smith, Jr.",
        "N\u{fa}\u{f1}ez",
        "Lee",
        "D\u{ed}az",
        "Brown",
    ];
    let areas = [
        "202", "212", "305", "312", "415", "512", "617", "702", "917", "416",
    ];
    let mut random = Lcg(7);
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut line = String::from("Account,First,Last,Company,Zip,Home,Work,Cell,Email,Debt\n");
    let mut bytes = Vec::with_capacity(256);
    for n in 0..rows {
        let phone = |random: &mut Lcg| {
            let area = areas[(random.next() % areas.len() as u64) as usize];
            let exchange = 200 + random.next() % 700;
            let number = random.next() % 10_000;
            match random.next() % 4 {
                0 => format!("({area}) {exchange}-{number:04}"),
                1 => format!("{area}.{exchange}.{number:04}"),
                2 => format!("+1 {area} {exchange} {number:04}"),
                _ => format!("{area}{exchange}{number:04}"),
            }
        };
        let account = if n > 0 && random.next().is_multiple_of(100) {
            n - 1
        } else {
            n
        };
        let home = if random.next().is_multiple_of(20) {
            "12-34".to_owned()
        } else {
            phone(&mut random)
        };
        let work = if random.next().is_multiple_of(2) {
            phone(&mut random)
        } else {
            String::new()
        };
        let cell = phone(&mut random);
        let first_name = first[(random.next() % 8) as usize];
        let last_name = last[(random.next() % 8) as usize];
        line.push_str(&format!(
            "A{account:08},{first_name},\"{last_name}\",\"Acme {n}\",{:05},{home},{work},{cell},user{n}@example.com,D-{n}\n",
            random.next() % 100_000
        ));
        // Windows-1252 is Latin-1 for these characters.
        bytes.clear();
        bytes.extend(line.chars().map(|c| u32::from(c).min(255) as u8));
        out.write_all(&bytes)?;
        line.clear();
    }
    out.flush()
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let sqlite = std::env::args().any(|arg| arg == "sqlite");
    let _ = rustls::crypto::ring::default_provider().install_default();
    if std::env::var_os("RUST_LOG").is_some() {
        api::telemetry::init(api::config::LogFormat::Text);
    }
    let work = tempfile::tempdir()?;
    let file = work.path().join("contacts.csv");
    let started = Instant::now();
    generate(&file, rows)?;
    let file_bytes = std::fs::metadata(&file)?.len();
    println!(
        "generated {rows} rows, {:.1} MB in {:.1} s",
        file_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    // Baseline: psql \copy of the same file into an equivalent table with two indexes.
    let copy_seconds = if sqlite {
        f64::NAN
    } else {
        psql_copy(&file, rows).await?
    };

    // Reachline: the same file through the import job on its own database.
    let database = TestDatabase::create().await;
    let data_dir = work.path().join("data");
    let data = data_dir.display().to_string();
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--roles",
        "api",
        "--data-dir",
        &data,
        "--admin-password",
        ADMIN_PASSWORD,
        "--jwt-secret",
        JWT_SECRET,
    ];
    if !sqlite {
        args.extend(["--database-url", database.url.as_str()]);
    }
    let config = api::ServeConfig::from_args(args)?;
    let app = api::Application::build(config).await?;
    let services = app.services().clone();
    let outcome =
        workers::accounts::users::login(&services, "admin@localhost", ADMIN_PASSWORD, None).await?;
    let principal =
        workers::accounts::users::authenticate(&services, &outcome.token.token, None).await?;
    let list = workers::lists::create(
        &services,
        &principal,
        workers::lists::NewList {
            name: "Benchmark".into(),
            description: None,
            channel: domain::Channel::Voice,
            caller_id: None,
        },
    )
    .await?;
    let options: workers::import::ImportOptions = serde_json::from_value(json!({
        "encoding": "WINDOWS1252",
        "mapping": { "defaultCountry": "US", "columns": [
            { "column": "Account", "target": { "type": "FIELD", "field": "CLIENT_ID" } },
            { "column": "First", "target": { "type": "FIELD", "field": "FIRST_NAME" } },
            { "column": "Last", "target": { "type": "FIELD", "field": "LAST_NAME" } },
            { "column": "Company", "target": { "type": "FIELD", "field": "COMPANY" } },
            { "column": "Zip", "target": { "type": "FIELD", "field": "POSTAL_CODE" } },
            { "column": "Home", "target": { "type": "DEVICE", "kind": "HOME" } },
            { "column": "Work", "target": { "type": "DEVICE", "kind": "WORK" } },
            { "column": "Cell", "target": { "type": "DEVICE", "kind": "MOBILE" } },
            { "column": "Email", "target": { "type": "DEVICE", "kind": "EMAIL" } },
            { "column": "Debt", "target": { "type": "CUSTOM", "number": 1 } }
        ] }
    }))?;
    let started = Instant::now();
    let job = workers::import::start(
        &services,
        &principal,
        workers::import::NewImport {
            list_id: list.id,
            file_name: "contacts.csv".into(),
            file_path: file.clone(),
            file_bytes,
            mode: workers::import::ImportMode::AppendOnly,
            options,
            mapping_id: None,
        },
    )
    .await?;
    anyhow::ensure!(
        workers::import::try_execute_task(&services, "benchmark").await?,
        "the import was not queued"
    );
    let import_seconds = started.elapsed().as_secs_f64();
    let job = workers::import::job(&services, &principal, job.id).await?;
    anyhow::ensure!(
        job.status == "SUCCEEDED",
        "the import ended {}: {:?}",
        job.status,
        job.error
    );
    println!(
        "reachline import: {import_seconds:.1} s ({:.0} rows/s): accepted {}, rejected {}, duplicates {}",
        rows as f64 / import_seconds,
        job.accepted,
        job.rejected,
        job.duplicates
    );
    if sqlite {
        println!("store: embedded SQLite (target ≥ 100k rows/s)");
    } else {
        println!(
            "ratio import / psql \\copy: {:.2} (target ≤ 2.0, stretch 1.4)",
            import_seconds / copy_seconds
        );
    }
    println!(
        "peak RSS of this process: {:.0} MiB (target ≤ 300 MiB)",
        peak_rss_mib()
    );
    Ok(())
}

/// Loads the file with `psql \copy` into an equivalent table with two indexes; returns seconds.
async fn psql_copy(file: &std::path::Path, rows: usize) -> anyhow::Result<f64> {
    let baseline_db = TestDatabase::create().await;
    let psql = |sql: &str| {
        std::process::Command::new("psql")
            .args([
                baseline_db.url.as_str(),
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ])
            .status()
    };
    psql(
        "CREATE TABLE contacts_copy (account text, first text, last text, company text, zip text, home text, work text, cell text, email text, debt text); CREATE INDEX ON contacts_copy (account); CREATE INDEX ON contacts_copy (home);",
    )?;
    let started = Instant::now();
    let copy = psql(&format!(
        "\\copy contacts_copy FROM '{}' WITH (FORMAT csv, HEADER true, ENCODING 'WIN1252')",
        file.display()
    ))?;
    let copy_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(copy.success(), "psql \\copy failed");
    println!(
        "psql \\copy: {copy_seconds:.1} s ({:.0} rows/s)",
        rows as f64 / copy_seconds
    );
    Ok(copy_seconds)
}
