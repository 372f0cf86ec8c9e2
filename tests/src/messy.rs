//! The benchmark's messy contact file: deterministic (the same rows every run),
//! shared by `examples/import_benchmark.rs` and the large browser import test.
//! With 1,000,000 rows an APPEND_ONLY import with [`MAPPING`] accepts 941,126,
//! rejects 49,857 and finds 9,017 duplicates.

use std::io::{BufWriter, Write};

/// The columns of the generated file mapped the way the benchmark imports them.
pub const MAPPING: &str = r#"{ "defaultCountry": "US", "columns": [
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
] }"#;

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
pub fn generate(path: &std::path::Path, rows: usize) -> std::io::Result<()> {
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
