//! Throughput of `tabular` on a generated messy contact list: 1,000,000 rows of
//! 10 columns (mixed quoting, Windows-1252 names, embedded delimiters and quotes,
//! a ragged row in every 500), read plain and gzip-compressed.
//!
//! Run with `cargo run --release -p tabular --example tabular_throughput [rows]`.

use std::error::Error;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

const FIRST_NAMES: [&str; 8] = [
    "Ann", "Müller", "Zoë", "José", "Renée", "Björn", "O'Neil", "Łukasz",
];
const LAST_NAMES: [&str; 6] = ["Smith", "Dupré", "Núñez", "Øster", "García", "Brown"];
const COMPANIES: [&str; 4] = [
    "Acme, Inc.",
    "Foo \"Bar\" Ltd",
    "Initech",
    "Société Générale",
];

fn main() -> Result<(), Box<dyn Error>> {
    let rows: usize = match std::env::args().nth(1) {
        Some(argument) => argument.parse()?,
        None => 1_000_000,
    };
    let directory = tempfile::tempdir()?;
    let plain = directory.path().join("contacts.csv");
    let packed = directory.path().join("contacts.csv.gz");

    let started = Instant::now();
    generate(&plain, rows)?;
    let mut encoder = flate2::write::GzEncoder::new(
        BufWriter::new(File::create(&packed)?),
        flate2::Compression::fast(),
    );
    std::io::copy(&mut File::open(&plain)?, &mut encoder)?;
    encoder.finish()?.flush()?;
    let plain_bytes = std::fs::metadata(&plain)?.len();
    let packed_bytes = std::fs::metadata(&packed)?.len();
    println!(
        "generated {rows} rows: {:.1} MB plain, {:.1} MB gzip, in {:.1} s",
        mb(plain_bytes),
        mb(packed_bytes),
        started.elapsed().as_secs_f64()
    );

    for (label, path, packed_size) in [
        ("plain", &plain, plain_bytes),
        ("gzip", &packed, packed_bytes),
    ] {
        measure(label, path, plain_bytes, packed_size)?;
    }
    Ok(())
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// Writes the messy file, encoded in Windows-1252 as many CRM exports still are.
fn generate(path: &Path, rows: usize) -> Result<(), Box<dyn Error>> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(
        out,
        "client_id,first_name,last_name,company,home_phone,mobile_phone,email,postal_code,state,notes"
    )?;
    let mut line = String::with_capacity(256);
    for id in 0..rows {
        line.clear();
        let first = FIRST_NAMES[id % FIRST_NAMES.len()];
        let last = LAST_NAMES[id / 7 % LAST_NAMES.len()];
        let company = COMPANIES[id / 3 % COMPANIES.len()];
        let company = if company.contains([',', '"']) {
            format!("\"{}\"", company.replace('"', "\"\""))
        } else {
            company.to_owned()
        };
        let home = if id % 4 == 0 {
            format!("\"(555) {:03}-{:04}\"", id % 1000, id % 10_000)
        } else {
            format!("555{:07}", id % 10_000_000)
        };
        let mobile = if id % 3 == 0 {
            String::new()
        } else {
            format!("+1 555 {:03} {:04}", id % 997, id % 9_973)
        };
        let notes = match id % 6 {
            0 => "\"called twice, no answer\"",
            1 => "",
            2 => "VIP",
            3 => "\"said \"\"call back\"\" at 10:30\"",
            _ => "prefers e-mail",
        };
        line.push_str(&format!(
            "C{id:08},{first},{last},{company},{home},{mobile},{}.{}@example.com,{:05},{}",
            first.to_lowercase(),
            id,
            id % 100_000,
            ["CA", "NY", "TX", "WA"][id % 4],
        ));
        // One row in 500 is ragged: it lacks the notes column.
        if id % 500 != 499 {
            line.push(',');
            line.push_str(notes);
        }
        line.push('\n');
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&line);
        out.write_all(&bytes)?;
    }
    out.flush()?;
    Ok(())
}

/// CPU time of the calling thread (Linux), to see past other processes on a busy machine.
fn thread_cpu_seconds() -> Option<f64> {
    let schedstat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = schedstat.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e9)
}

fn measure(
    label: &str,
    path: &Path,
    plain_bytes: u64,
    packed_bytes: u64,
) -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let mut reader = tabular::open(File::open(path)?, &tabular::ReadOptions::default())?;
    let (mut accepted, mut rejected, mut cells) = (0u64, 0u64, 0u64);
    for row in reader.by_ref() {
        match row? {
            Ok(record) => {
                accepted += 1;
                cells += record.fields.len() as u64;
            }
            Err(_) => rejected += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let rows = accepted + rejected;
    if let (Some(before), Some(after)) = (cpu_started, thread_cpu_seconds()) {
        let cpu = after - before;
        println!(
            "{label:>5}: parsing thread busy {cpu:.3} s = {:.2} M rows/s, {:.0} MB/s of text per core",
            rows as f64 / cpu / 1e6,
            mb(plain_bytes) / cpu
        );
    }
    println!(
        "{label:>5}: {rows} rows ({accepted} accepted, {rejected} rejected, {cells} values) in {seconds:.3} s = \
         {:.2} M rows/s, {:.0} MB/s of text, {:.0} MB/s of file; delimiter {:?}, encoding {}",
        rows as f64 / seconds / 1e6,
        mb(plain_bytes) / seconds,
        mb(packed_bytes) / seconds,
        reader.delimiter().map(char::from),
        reader.encoding(),
    );
    Ok(())
}
