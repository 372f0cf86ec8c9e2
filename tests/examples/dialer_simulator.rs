//! Drives a running Reachline like a dialer would, for demos. Two modes:
//!
//! **Validation** — validates random records through `/ocs/v1/validate`
//! (spread over the given replicas), "dials" the allowed ones and reports both
//! call report records, then prints what it saw:
//!
//! `cargo run -p tests --example dialer_simulator -- <api key> [records=500] [contacts=50] [url…]`
//!
//! (default URL `http://127.0.0.1:8080`; the key needs the OCS_VALIDATE and
//! OCS_HISTORY scopes — create one on the API clients page).
//!
//! **Campaign** — runs a running campaign's calling list with N agents:
//! leases records (`records:lease`), validates each (unless `--no-validate`),
//! "dials" for a random time, reports records 0 and 1 with
//! `GSW_RECORD_HANDLE`, until no record is due (or `--max-calls`):
//!
//! ```text
//! cargo run -p tests --example dialer_simulator -- campaign \
//!     --url http://127.0.0.1:8080 --key rl_… --campaign <id> \
//!     [--agents 10] [--answer 0.30] [--busy 0.10] [--no-answer 0.30] \
//!     [--machine 0.20] [--abandon 0.05] [--dnc 0.05] [--call-ms 500-3000] \
//!     [--mode PREDICTIVE] [--lease-seconds 300] [--max-calls N] [--seed N] [--no-validate]
//! ```
//!
//! The key needs OCS_LEASE, OCS_HISTORY and (to validate) OCS_VALIDATE.

use tests::dialer::{CampaignConfig, Dialer, Outcomes, Rng, contacts, run_campaign};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("campaign") {
        match campaign_config(&args[1..]) {
            Ok(config) => campaign(config).await,
            Err(message) => {
                eprintln!(
                    "{message}\nusage: dialer_simulator campaign --url URL --key KEY --campaign ID [--agents N] [--answer P] [--busy P] [--no-answer P] [--machine P] [--abandon P] [--dnc P] [--call-ms MIN-MAX] [--mode MODE] [--lease-seconds N] [--max-calls N] [--seed N] [--no-validate]"
                );
                std::process::exit(2);
            }
        }
        return;
    }
    validation(args).await;
}

/// Reads the `campaign` mode's flags.
fn campaign_config(args: &[String]) -> Result<CampaignConfig, String> {
    let mut config = CampaignConfig {
        url: "http://127.0.0.1:8080".into(),
        key: String::new(),
        campaign_id: String::new(),
        agents: 10,
        outcomes: Outcomes::default(),
        call_ms: (500, 3_000),
        validate: true,
        dial_mode: "PREDICTIVE".into(),
        lease_seconds: 300,
        max_calls: None,
        seed: std::process::id().into(),
        name: format!("sim{}", std::process::id()),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        if flag == "--no-validate" {
            config.validate = false;
            continue;
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<f64>()
                .map_err(|_| format!("{flag}: not a number: {value}"))
        };
        let whole = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: not a whole number: {value}"))
        };
        match flag.as_str() {
            "--url" => config.url = value.clone(),
            "--key" => config.key = value.clone(),
            "--campaign" => config.campaign_id = value.clone(),
            "--agents" => config.agents = whole()? as usize,
            "--answer" => config.outcomes.answer = number()?,
            "--busy" => config.outcomes.busy = number()?,
            "--no-answer" => config.outcomes.no_answer = number()?,
            "--machine" => config.outcomes.machine = number()?,
            "--abandon" => config.outcomes.abandon = number()?,
            "--dnc" => config.outcomes.do_not_call = number()?,
            "--call-ms" => {
                let (low, high) = value
                    .split_once('-')
                    .unwrap_or((value.as_str(), value.as_str()));
                let parse = |part: &str| {
                    part.parse::<u64>()
                        .map_err(|_| format!("--call-ms: {value}"))
                };
                config.call_ms = (parse(low)?, parse(high)?);
            }
            "--mode" => config.dial_mode = value.to_uppercase(),
            "--lease-seconds" => config.lease_seconds = whole()? as u32,
            "--max-calls" => config.max_calls = Some(whole()?),
            "--seed" => config.seed = whole()?,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if config.key.is_empty() || config.campaign_id.is_empty() {
        return Err("--key and --campaign are required".into());
    }
    Ok(config)
}

/// Runs the campaign and prints the tally.
async fn campaign(config: CampaignConfig) {
    let started = std::time::Instant::now();
    let agents = config.agents;
    let tally = run_campaign(config).await;
    println!(
        "{} calls by {agents} agents in {:.1} s ({} lease requests, {} records leased, {} validated, {} refused)",
        tally.dialed,
        started.elapsed().as_secs_f64(),
        tally.lease_requests,
        tally.leased.len(),
        tally.validated,
        tally.refused
    );
    for (result, count) in &tally.results {
        println!("  {result:<18} {count}");
    }
    for error in tally.errors.iter().take(10) {
        eprintln!("error: {error}");
    }
    if !tally.errors.is_empty() {
        std::process::exit(1);
    }
}

/// The validation mode (positional arguments).
async fn validation(args: Vec<String>) {
    let mut args = args.into_iter();
    let Some(key) = args.next() else {
        eprintln!(
            "usage: dialer_simulator <api key> [records] [contacts] [url…] | dialer_simulator campaign --help"
        );
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
