//! Benchmark: `PhoneNumber::parse` throughput on messy input, against the bare
//! libphonenumber parse + validate it wraps, on one core.
//!
//! `cargo run --release -p domain --example phone_throughput [count]`

use std::time::Instant;

use domain::{DefaultCountry, PhoneNumber};

/// Deterministic pseudo-random numbers so every run parses the same input.
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

fn messy_numbers(count: usize) -> Vec<String> {
    let area_codes = [
        "202", "212", "213", "305", "312", "415", "512", "617", "702", "917", "416", "604",
    ];
    let mut random = Lcg(42);
    (0..count)
        .map(|_| {
            let area = area_codes[(random.next() % area_codes.len() as u64) as usize];
            let exchange = 200 + random.next() % 700;
            let line = random.next() % 10_000;
            match random.next() % 6 {
                0 => format!("({area}) {exchange}-{line:04}"),
                1 => format!("{area}.{exchange}.{line:04}"),
                2 => format!("+1 {area} {exchange} {line:04}"),
                3 => format!("1-{area}-{exchange}-{line:04}"),
                4 => format!("{area}{exchange}{line:04}"),
                _ => format!("{area}-{exchange}-{line:04} ext. {}", random.next() % 1000),
            }
        })
        .collect()
}

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(500_000);
    let inputs = messy_numbers(count);
    let us = DefaultCountry::parse("defaultCountry", "US").expect("US is supported");
    let region: rlibphonenumber::Region = "US".parse().expect("US is a region");

    // Warm the lazily built metadata and regexes.
    let _ = PhoneNumber::parse("phone", &inputs[0], Some(us));

    let started = Instant::now();
    let mut baseline_valid = 0usize;
    for raw in &inputs {
        if let Ok(number) = rlibphonenumber::PhoneNumber::parse(raw, Some(region)) {
            baseline_valid += usize::from(number.is_valid());
        }
    }
    let baseline = started.elapsed();

    let started = Instant::now();
    let mut valid = 0usize;
    for raw in &inputs {
        valid += usize::from(PhoneNumber::parse("phone", raw, Some(us)).is_ok());
    }
    let ours = started.elapsed();

    let rate = |elapsed: std::time::Duration| count as f64 / elapsed.as_secs_f64();
    println!(
        "inputs: {count} messy NANP numbers, {valid} valid (baseline agrees: {})",
        valid == baseline_valid
    );
    println!(
        "libphonenumber parse + is_valid: {:>10.0} numbers/s",
        rate(baseline)
    );
    println!(
        "domain::PhoneNumber::parse:      {:>10.0} numbers/s",
        rate(ours)
    );
    println!(
        "ratio (ours / baseline):         {:>10.2}",
        rate(ours) / rate(baseline)
    );
}
