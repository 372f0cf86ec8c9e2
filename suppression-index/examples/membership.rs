//! Benchmark for the TARGETS.md lines "suppression membership, 10M entries:
//! lookup ≤ 300 ns; memory ≤ 250 MiB" and "suppression at national-registry
//! scale, 250M entries: memory ≤ 1 GiB; lookup ≤ 1 µs; exact", with a
//! `HashSet<u64>` baseline built and queried side by side in the same process
//! up to 20M entries.
//!
//! `CARGO_TARGET_DIR=/work/target-index cargo run --release -p suppression-index --example membership -- [entries=10000000]`
//!
//! Builds an index of N random valid NANP numbers (+1NXXNXXXXXX) through the
//! streaming builder from integer keys (no string per entry), and up to 20M
//! entries also from strings through `from_sorted_or_unsorted`. Then times
//! 10M lookups of a 50/50 mix of listed and random numbers, through the
//! string API and through pre-parsed keys. Exactness: every structure must
//! report the expected number of hits — from the `HashSet<u64>` up to 20M,
//! above that from an exact count (the random queries are kept in a set and
//! every listed number is regenerated and looked up in it).

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Instant;

use suppression_index::{PhoneKey, SuppressionIndex};

const LOOKUPS: usize = 10_000_000;
const LISTED_SEED: u64 = 0x5eed_0001;
const RANDOM_SEED: u64 = 0x5eed_0002;
/// Bytes of "+1NXXNXXXXXX".
const QUERY_LENGTH: usize = 12;
const MIB: f64 = 1024.0 * 1024.0;

/// A well-mixed 64-bit hash (splitmix64), so number `i` of a seed can be
/// regenerated for queries without keeping the list.
fn mix(seed: u64, position: u64) -> u64 {
    let mut z = seed
        .wrapping_add(position.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Above this many entries the `HashSet<u64>` baseline (≈ 16 bytes per entry)
/// and the string build are skipped.
const BASELINE_LIMIT: u64 = 20_000_000;

/// Number `position` of `seed` as the integer of +1NXXNXXXXXX (area code and
/// exchange start with 2–9).
fn nanp_key(seed: u64, position: u64) -> u64 {
    let random = mix(seed, position);
    let area = 200 + random % 800;
    let exchange = 200 + (random / 800) % 800;
    let line = (random / 640_000) % 10_000;
    10_000_000_000 + area * 10_000_000 + exchange * 10_000 + line
}

/// Number `position` of `seed` as "+1NXXNXXXXXX".
fn nanp(seed: u64, position: u64) -> String {
    format!("+{}", nanp_key(seed, position))
}

/// (peak, current) resident set size in bytes from /proc/self/status.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .map_or(0, |kib| kib * 1024)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / MIB
}

fn main() {
    let entries: u64 = std::env::args()
        .nth(1)
        .map(|text| text.trim_start_matches("entries=").replace('_', ""))
        .map(|text| text.parse().expect("entries must be a number"))
        .unwrap_or(10_000_000);
    let now = 1_800_000_000;
    let with_baseline = entries <= BASELINE_LIMIT;

    let (peak_before, rss_before) = memory();
    let started = Instant::now();
    let mut builder = SuppressionIndex::builder();
    for position in 0..entries {
        let key = PhoneKey::from_u64(nanp_key(LISTED_SEED, position)).expect("valid");
        builder.push_phone(key);
    }
    let index = builder.finish();
    let index_build = started.elapsed();
    let (peak_after_index, rss_after_index) = memory();
    println!("entries requested {entries}, stored {}", index.len());
    println!(
        "index (streaming builder, integer keys): build {:.2} s; heap_bytes {:.1} MiB \
         ({:.2} bytes/entry); RSS +{:.1} MiB; process peak RSS (VmHWM) {:.1} -> {:.1} MiB",
        index_build.as_secs_f64(),
        mib(index.heap_bytes() as u64),
        index.heap_bytes() as f64 / index.len().max(1) as f64,
        mib(rss_after_index.saturating_sub(rss_before)),
        mib(peak_before),
        mib(peak_after_index),
    );

    let mut baseline: HashSet<u64> = HashSet::new();
    if with_baseline {
        let started = Instant::now();
        let from_text = SuppressionIndex::from_sorted_or_unsorted(
            (0..entries).map(|position| (nanp(LISTED_SEED, position), None, None::<&str>)),
        );
        let text_build = started.elapsed();
        assert_eq!(
            from_text.len(),
            index.len(),
            "string and key builds disagree"
        );
        assert_eq!(from_text.heap_bytes(), index.heap_bytes());
        drop(from_text);

        let (_, rss_before_baseline) = memory();
        let started = Instant::now();
        for position in 0..entries {
            let key = PhoneKey::parse(&nanp(LISTED_SEED, position)).expect("valid");
            baseline.insert(key.as_u64());
        }
        let baseline_build = started.elapsed();
        let (_, rss_after_baseline) = memory();
        // hashbrown: a power-of-two number of 8-byte slots plus a control byte each.
        let baseline_heap = (baseline.capacity() * 8 / 7).next_power_of_two() * 9;
        println!(
            "index from strings (from_sorted_or_unsorted): build {:.2} s; \
             HashSet<u64>: build {:.2} s, ≈ {:.1} MiB (RSS +{:.1} MiB)",
            text_build.as_secs_f64(),
            baseline_build.as_secs_f64(),
            mib(baseline_heap as u64),
            mib(rss_after_baseline.saturating_sub(rss_before_baseline)),
        );
    }

    // Queries: even ones are listed numbers, odd ones random numbers (a
    // random NANP number is listed with probability entries / 6.4e9).
    // All queries are 12 bytes long: one arena instead of 10M small strings,
    // as a request handler holds its number in a buffer already in cache.
    let mut arena = String::with_capacity(LOOKUPS * QUERY_LENGTH);
    for query in 0..LOOKUPS as u64 {
        let position = mix(RANDOM_SEED ^ 1, query) % entries.max(1);
        let number = match query % 2 {
            0 => nanp(LISTED_SEED, position),
            _ => nanp(RANDOM_SEED, query),
        };
        assert_eq!(number.len(), QUERY_LENGTH);
        arena.push_str(&number);
    }
    let query = |position: usize| &arena[position * QUERY_LENGTH..(position + 1) * QUERY_LENGTH];
    let keys: Vec<PhoneKey> = (0..LOOKUPS)
        .map(|position| PhoneKey::parse(query(position)).expect("valid"))
        .collect();

    // The exact number of hits, without trusting the index.
    let expected_hits = if with_baseline {
        keys.iter()
            .filter(|key| baseline.contains(&key.as_u64()))
            .count()
    } else {
        let started = Instant::now();
        let random_queries: HashSet<u64> = keys
            .iter()
            .skip(1)
            .step_by(2)
            .map(|key| key.as_u64())
            .collect();
        let mut listed_random: HashSet<u64> = HashSet::new();
        for position in 0..entries {
            let key = nanp_key(LISTED_SEED, position);
            if random_queries.contains(&key) {
                listed_random.insert(key);
            }
        }
        let listed_queries = if entries == 0 { 0 } else { LOOKUPS.div_ceil(2) };
        let random_hits = keys
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|key| listed_random.contains(&key.as_u64()))
            .count();
        println!(
            "exact expected hit count computed independently in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        listed_queries + random_hits
    };
    println!("expected hits: {expected_hits} of {LOOKUPS}");

    let time = |name: &str, lookup: &dyn Fn(usize) -> bool| {
        let started = Instant::now();
        let mut hits = 0usize;
        for position in 0..LOOKUPS {
            hits += usize::from(lookup(black_box(position)));
        }
        let elapsed = started.elapsed();
        println!(
            "{name:<44} {:>7.1} ns/lookup  ({hits} hits of {LOOKUPS})",
            elapsed.as_nanos() as f64 / LOOKUPS as f64
        );
        hits
    };
    time(
        "PhoneKey::parse alone (share of the &str rows)",
        &|position| {
            PhoneKey::parse(black_box(query(position))).is_some_and(|key| key.as_u64() % 2 == 0)
        },
    );
    let mut hits = vec![
        time("index.contains_active(&str)", &|position| {
            index.contains_active(black_box(query(position)), now)
        }),
        time("index.contains_phone_active(PhoneKey)", &|position| {
            index.contains_phone_active(black_box(keys[position]), now)
        }),
    ];
    if with_baseline {
        hits.push(time(
            "HashSet<u64>: PhoneKey::parse + contains",
            &|position| {
                PhoneKey::parse(black_box(query(position)))
                    .is_some_and(|key| baseline.contains(&key.as_u64()))
            },
        ));
        hits.push(time("HashSet<u64>::contains(u64)", &|position| {
            baseline.contains(&black_box(keys[position]).as_u64())
        }));
    }
    for count in hits {
        assert_eq!(count, expected_hits, "a lookup path is not exact");
    }
    let (peak_end, rss_end) = memory();
    println!(
        "exact: every path found the expected {expected_hits} hits; \
         process RSS at end {:.1} MiB, peak {:.1} MiB (queries and checks included)",
        mib(rss_end),
        mib(peak_end)
    );
}
