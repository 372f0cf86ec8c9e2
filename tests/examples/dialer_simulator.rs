//! Drives a running Reachline like a dialer would, for demos: validates
//! records through `/ocs/v1/validate` (spread over the given replicas),
//! "dials" the allowed ones and reports both call report records, then
//! prints what it saw.
//!
//! `cargo run -p tests --example dialer_simulator -- <api key> [records=500] [contacts=50] [url…]`
//! (default URL `http://127.0.0.1:8080`; the key needs the OCS_VALIDATE and
//! OCS_HISTORY scopes — create one on the API clients page).

use tests::dialer::{Dialer, Rng, contacts};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(key) = args.next() else {
        eprintln!("usage: dialer_simulator <api key> [records] [contacts] [url…]");
        std::process::exit(2);
    };
    let records: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(500);
    let population: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(50);
    let mut replicas: Vec<String> = args.collect();
    if replicas.is_empty() {
        replicas.push("http://127.0.0.1:8080".to_owned());
    }
    let mut rng = Rng::new(std::process::id().into());
    let people = contacts(population, &mut rng);
    let mut dialer = Dialer::new(&key, replicas);
    let started = std::time::Instant::now();
    for _ in 0..records {
        let contact = &people[rng.below(people.len() as u64) as usize];
        let phone = &contact.phones[rng.below(contact.phones.len() as u64) as usize];
        if dialer.validate(None, contact, phone).await {
            dialer.dial(contact, phone, &mut rng).await;
        }
    }
    let tally = &dialer.tally;
    println!(
        "{} records in {:.1} s: {} allowed, {} refused, {} dialled; refusals by rule: {:?}",
        tally.validated,
        started.elapsed().as_secs_f64(),
        tally.allowed,
        tally.refused,
        tally.dialed,
        tally.refusals
    );
}
