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

use std::time::Instant;

use serde_json::json;
use tests::{ADMIN_PASSWORD, JWT_SECRET, TestDatabase};

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
    tests::messy::generate(&file, rows)?;
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
        "mapping": serde_json::from_str::<serde_json::Value>(tests::messy::MAPPING)?,
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
        tests::peak_rss_mib()
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
