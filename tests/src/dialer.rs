//! A dialer simulator that speaks exactly the OCS shims (`/ocs/v1/validate`,
//! `/validate/batch`, `/history`): it validates records against one or more
//! `compliance` replicas, "dials" the allowed ones and reports both call
//! report records, keeping its own tally and its own copy of the dialing
//! history, so a test can compare every answer with what the pure decision
//! engine says for the same state. Also runnable for demos
//! (`cargo run -p tests --example dialer_simulator`).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, TimeZone, Utc};
use compliance::{
    Attempt, AttemptLog, CallResult, Channel, DeviceFacts, DeviceType, DialMode, RuleSet,
    Suppression, SuppressionKind,
};
use serde_json::{Value, json};

/// One contact of the simulated calling list.
#[derive(Debug, Clone)]
pub struct Contact {
    /// The customer's key.
    pub client_id: String,
    /// Its numbers, E.164.
    pub phones: Vec<String>,
}

/// Call results the simulated network produces, with OCS codes, and weights.
const OUTCOMES: &[(&str, CallResult, u32)] = &[
    ("33", CallResult::Answer, 30),
    ("7", CallResult::NoAnswer, 30),
    ("6", CallResult::Busy, 15),
    ("9", CallResult::AnsweringMachine, 20),
    ("21", CallResult::Abandoned, 5),
];

/// What the simulator saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Records validated.
    pub validated: u64,
    /// Answered 200.
    pub allowed: u64,
    /// Answered 409.
    pub refused: u64,
    /// Attempts dialled and reported.
    pub dialed: u64,
    /// Answers that differ from the engine's for the same state.
    pub mismatches: Vec<String>,
    /// Refusals per rule kind.
    pub refusals: BTreeMap<String, u64>,
}

/// A small deterministic generator (splitmix64), so runs repeat.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound.max(1)
    }
}

/// `count` contacts with one or two New York numbers each (+1 212 736 xxxx, real-looking and valid).
pub fn contacts(count: usize, rng: &mut Rng) -> Vec<Contact> {
    (0..count)
        .map(|index| {
            let phones = (0..1 + rng.below(2))
                .map(|slot| format!("+1212736{:04}", 1000 + index * 2 + slot as usize))
                .collect();
            Contact {
                client_id: format!("SIM-{index}"),
                phones,
            }
        })
        .collect()
}

/// The simulator: an HTTP client, the dialer's key, the replicas it spreads requests over.
pub struct Dialer {
    client: reqwest::Client,
    key: String,
    replicas: Vec<String>,
    next_replica: usize,
    /// Its own record of every attempt it reported.
    pub history: AttemptLog,
    /// Numbers it knows are suppressed (the test tells it).
    pub suppressed: HashSet<String>,
    /// What it saw.
    pub tally: Tally,
    guid: u64,
}

/// The simulator's suppression knowledge, in the engine's terms.
struct Known<'a>(&'a HashSet<String>);

impl Suppression for Known<'_> {
    fn is_suppressed(
        &self,
        kind: SuppressionKind,
        value: &str,
        _: Channel,
        _: DateTime<Utc>,
    ) -> Option<String> {
        (kind == SuppressionKind::Phone && self.0.contains(value)).then(|| "known".to_owned())
    }
}

impl Dialer {
    /// A dialer with `key` spreading its requests round-robin over `replicas` (base URLs).
    pub fn new(key: &str, replicas: Vec<String>) -> Dialer {
        Dialer {
            client: crate::http_client(),
            key: key.to_owned(),
            replicas,
            next_replica: 0,
            history: AttemptLog::default(),
            suppressed: HashSet::new(),
            tally: Tally::default(),
            guid: 0,
        }
    }

    fn replica(&mut self) -> String {
        let replica = self.replicas[self.next_replica % self.replicas.len()].clone();
        self.next_replica += 1;
        replica
    }

    async fn post(&mut self, path: &str, body: &Value) -> (u16, Value) {
        let url = format!("{}{path}", self.replica());
        let response = self
            .client
            .post(url)
            .header("x-api-key", &self.key)
            .json(body)
            .send()
            .await
            .expect("the replica answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    fn record(contact: &Contact, phone: &str) -> Value {
        json!({ "GSW_PHONE": phone, "GSW_CUSTOMER_ID": contact.client_id,
            "GSW_DIAL_MODE": "PREVIEW", "GSW_TZ_NAME": "America/New_York", "record_type": 2 })
    }

    /// What the engine says for this number now, from the simulator's own state.
    fn expected(&self, rules: &RuleSet, contact: &Contact, phone: &str) -> (bool, Vec<String>) {
        let device = DeviceFacts {
            value: phone.to_owned(),
            device_type: DeviceType::Unknown,
            regions: vec!["NY".to_owned()],
            zones: vec![chrono_tz::America::New_York],
            contact_zones: Vec::new(),
            consent_automated: false,
            reassigned: false,
            ported: false,
            client_id: Some(contact.client_id.clone()),
            contact_email: None,
            custom_keys: BTreeMap::new(),
        };
        let decision = compliance::decide(
            rules,
            &device,
            DialMode::Preview,
            &Known(&self.suppressed),
            &self.history,
            Utc::now(),
        );
        let mut kinds: Vec<String> = decision
            .refusals
            .iter()
            .map(|refusal| {
                serde_json::to_value(refusal.rule)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        kinds.sort();
        kinds.dedup();
        (decision.allowed, kinds)
    }

    fn judge(
        &mut self,
        expected: Option<(bool, Vec<String>)>,
        status: u16,
        answer: &Value,
        phone: &str,
    ) {
        self.tally.validated += 1;
        let allowed = answer["allowed"].as_bool().unwrap_or(false);
        let mut kinds: Vec<String> = answer["refusals"]
            .as_array()
            .map(|refusals| {
                refusals
                    .iter()
                    .filter_map(|refusal| refusal["rule"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        kinds.sort();
        kinds.dedup();
        if allowed {
            self.tally.allowed += 1;
        } else {
            self.tally.refused += 1;
            for kind in &kinds {
                *self.tally.refusals.entry(kind.clone()).or_default() += 1;
            }
        }
        let status_ok = status == 0 || status == if allowed { 200 } else { 409 };
        let differs = expected
            .as_ref()
            .is_some_and(|expected| (allowed, &kinds) != (expected.0, &expected.1));
        if differs || !status_ok {
            self.tally.mismatches.push(format!(
                "{phone}: server {status} {allowed} {kinds:?}, engine {expected:?}: {answer}"
            ));
        }
    }

    /// Validates one record on the next replica and, given the rules,
    /// compares with the engine; returns whether the server allowed it.
    pub async fn validate(
        &mut self,
        rules: Option<&RuleSet>,
        contact: &Contact,
        phone: &str,
    ) -> bool {
        let expected = rules.map(|rules| self.expected(rules, contact, phone));
        let (status, answer) = self
            .post("/ocs/v1/validate", &Self::record(contact, phone))
            .await;
        self.judge(expected, status, &answer, phone);
        answer["allowed"].as_bool().unwrap_or(false)
    }

    /// Validates a chunk of records in one batch request; returns each answer's allowed flag.
    pub async fn validate_batch(
        &mut self,
        rules: Option<&RuleSet>,
        chunk: &[(Contact, String)],
    ) -> Vec<bool> {
        let expected: Vec<_> = chunk
            .iter()
            .map(|(contact, phone)| rules.map(|rules| self.expected(rules, contact, phone)))
            .collect();
        let records: Vec<Value> = chunk
            .iter()
            .map(|(contact, phone)| Self::record(contact, phone))
            .collect();
        let (status, answer) = self.post("/ocs/v1/validate/batch", &json!(records)).await;
        assert_eq!(status, 200, "{answer}");
        let decisions = answer["decisions"].as_array().cloned().unwrap_or_default();
        assert_eq!(decisions.len(), chunk.len(), "{answer}");
        let mut allowed = Vec::with_capacity(chunk.len());
        for ((expected, (_, phone)), decision) in expected.into_iter().zip(chunk).zip(&decisions) {
            self.judge(expected, 0, decision, phone);
            allowed.push(decision["allowed"].as_bool().unwrap_or(false));
        }
        allowed
    }

    /// "Dials": reports record 0 to one replica and record 1 with a random
    /// result to the next, and records the attempt in its own history.
    pub async fn dial(&mut self, contact: &Contact, phone: &str, rng: &mut Rng) {
        self.guid += 1;
        let guid = format!("sim-{}-{}", std::process::id(), self.guid);
        let at = Utc::now();
        let total: u32 = OUTCOMES.iter().map(|(_, _, weight)| weight).sum();
        let mut pick = rng.below(u64::from(total)) as u32;
        let (code, result) = OUTCOMES
            .iter()
            .find(|(_, _, weight)| {
                let hit = pick < *weight;
                pick = pick.saturating_sub(*weight);
                hit
            })
            .map(|(code, result, _)| (*code, *result))
            .unwrap_or(("7", CallResult::NoAnswer));
        for (sequence, result_code) in [(0, "28"), (1, code)] {
            let record = json!({ "GSW_CALL_ATTEMPT_GUID": guid, "GSW_HIST_SEQUENCE_NUM": sequence,
                "GSW_PHONE": phone, "GSW_CUSTOMER_ID": contact.client_id,
                "GSW_CALL_RESULT": result_code, "GSW_CALL_TIME": at.timestamp() });
            let (status, answer) = self.post("/ocs/v1/history", &record).await;
            assert_eq!(status, 200, "history record {sequence}: {answer}");
        }
        self.history.attempts.push(Attempt {
            at: Utc.timestamp_opt(at.timestamp(), 0).single().unwrap_or(at),
            device: phone.to_owned(),
            client_id: Some(contact.client_id.clone()),
            custom_keys: BTreeMap::new(),
            result,
        });
        self.tally.dialed += 1;
    }
}

/// How a campaign's calls end, as relative weights (they need not add up to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcomes {
    /// Answered by a person (OCS 33).
    pub answer: f64,
    /// Busy (OCS 6).
    pub busy: f64,
    /// No answer (OCS 7).
    pub no_answer: f64,
    /// Answering machine (OCS 9).
    pub machine: f64,
    /// Abandoned: answered, no agent free (OCS 21).
    pub abandon: f64,
    /// The called party asked not to be called again (OCS 51).
    pub do_not_call: f64,
}

impl Default for Outcomes {
    /// Roughly a consumer list's mix.
    fn default() -> Self {
        Outcomes {
            answer: 0.30,
            busy: 0.10,
            no_answer: 0.30,
            machine: 0.20,
            abandon: 0.05,
            do_not_call: 0.05,
        }
    }
}

/// The results the campaign simulator produces: (rule-set name, OCS code).
pub const CAMPAIGN_RESULTS: [(&str, &str); 6] = [
    ("ANSWER", "33"),
    ("BUSY", "6"),
    ("NO_ANSWER", "7"),
    ("ANSWERING_MACHINE", "9"),
    ("ABANDONED", "21"),
    ("DO_NOT_CALL", "51"),
];

impl Outcomes {
    /// Draws one result (an index into [`CAMPAIGN_RESULTS`]).
    fn draw(&self, rng: &mut Rng) -> usize {
        let weights = [
            self.answer,
            self.busy,
            self.no_answer,
            self.machine,
            self.abandon,
            self.do_not_call,
        ]
        .map(|weight| weight.max(0.0));
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return 2;
        }
        let mut pick = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        for (index, weight) in weights.iter().enumerate() {
            if pick < *weight {
                return index;
            }
            pick -= weight;
        }
        2
    }
}

/// How a simulated campaign dialer behaves.
#[derive(Debug, Clone)]
pub struct CampaignConfig {
    /// The server's base URL.
    pub url: String,
    /// An API key with the OCS_LEASE and OCS_HISTORY scopes (and OCS_VALIDATE to validate).
    pub key: String,
    /// The running campaign.
    pub campaign_id: String,
    /// Agents, each with one call at a time.
    pub agents: usize,
    /// How calls end.
    pub outcomes: Outcomes,
    /// Call length in milliseconds, drawn evenly from this range (scaled down for tests).
    pub call_ms: (u64, u64),
    /// Validate each leased record with `/ocs/v1/validate` before dialling, as OCS does.
    pub validate: bool,
    /// The dial mode sent with validations.
    pub dial_mode: String,
    /// Lease length asked for, seconds.
    pub lease_seconds: u32,
    /// Stop after this many calls in all (for demos); `None`: until no record is due.
    pub max_calls: Option<u64>,
    /// The random seed, so a run repeats.
    pub seed: u64,
    /// A name for attempt guids and agent ids, unique per simulator instance.
    pub name: String,
}

/// One dialled record, as the campaign simulator saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// `record_id` (`GSW_RECORD_HANDLE`).
    pub record_id: i64,
    /// The contact's chain.
    pub chain_id: i64,
    /// The device's place in the chain.
    pub chain_n: i64,
    /// The customer's key.
    pub client_id: Option<String>,
    /// The number dialled.
    pub phone: String,
    /// The result's rule-set name.
    pub result: String,
}

/// What a campaign simulator saw, to check the server's counters against.
#[derive(Debug, Clone, Default)]
pub struct CampaignTally {
    /// Lease requests made.
    pub lease_requests: u64,
    /// Records leased, in lease order (a record leased twice appears twice).
    pub leased: Vec<i64>,
    /// Records validated with `/ocs/v1/validate`.
    pub validated: u64,
    /// Of those, answered 409 (not dialled).
    pub refused: u64,
    /// Attempts dialled and reported (history records 0 and 1).
    pub dialed: u64,
    /// Attempts per result name.
    pub results: BTreeMap<String, u64>,
    /// Every call, in the order they ended.
    pub calls: Vec<Call>,
    /// `503` answers ("a store is unavailable: retry"), each retried as the shims ask.
    pub unavailable: u64,
    /// Server answers that were not what a dialer expects (non-200s and the like).
    pub errors: Vec<String>,
}

impl CampaignTally {
    /// Attempts that ended with `result` (a rule-set name).
    pub fn count(&self, result: &str) -> u64 {
        self.results.get(result).copied().unwrap_or(0)
    }

    /// Distinct records dialled at least once.
    pub fn records_dialed(&self) -> u64 {
        let ids: HashSet<i64> = self.calls.iter().map(|call| call.record_id).collect();
        ids.len() as u64
    }

    /// Adds another instance's tally, for runs with several simulators.
    pub fn merge(&mut self, other: &CampaignTally) {
        self.lease_requests += other.lease_requests;
        self.leased.extend(&other.leased);
        self.validated += other.validated;
        self.refused += other.refused;
        self.unavailable += other.unavailable;
        self.dialed += other.dialed;
        for (result, count) in &other.results {
            *self.results.entry(result.clone()).or_default() += count;
        }
        self.calls.extend(other.calls.iter().cloned());
        self.errors.extend(other.errors.iter().cloned());
    }
}

/// `503` answers retried in a row before the simulator gives up on a request.
const MAX_RETRIES: u32 = 20;

/// State the agents of one simulator share.
struct Shared {
    tally: std::sync::Mutex<CampaignTally>,
    /// Calls in progress: an agent that finds nothing due waits while any runs
    /// (its result may make the chain's next device due).
    in_flight: std::sync::atomic::AtomicUsize,
    /// Calls started, against `max_calls`.
    started: std::sync::atomic::AtomicU64,
    guid: std::sync::atomic::AtomicU64,
}

/// Posts JSON with the key; (status, answer), status 0 when the server was not reached.
async fn post_json(
    client: &reqwest::Client,
    config: &CampaignConfig,
    path: &str,
    body: &Value,
) -> (u16, Value) {
    let sent = client
        .post(format!("{}{path}", config.url.trim_end_matches('/')))
        .header("x-api-key", &config.key)
        .json(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        }
        Err(error) => (0, Value::String(error.to_string())),
    }
}

/// Runs a campaign dialer until no record is due (or `max_calls`): each agent
/// leases one record, optionally validates it, "dials" for a random time and
/// reports history records 0 and 1 with `GSW_RECORD_HANDLE`. Returns its tally.
pub async fn run_campaign(config: CampaignConfig) -> CampaignTally {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    let shared = Arc::new(Shared {
        tally: std::sync::Mutex::new(CampaignTally::default()),
        in_flight: std::sync::atomic::AtomicUsize::new(0),
        started: std::sync::atomic::AtomicU64::new(0),
        guid: std::sync::atomic::AtomicU64::new(0),
    });
    let config = Arc::new(config);
    let client = crate::http_client();
    let mut agents = Vec::new();
    for agent in 0..config.agents.max(1) {
        let (shared, config, client) = (shared.clone(), config.clone(), client.clone());
        let mut rng = Rng::new(config.seed.wrapping_add(agent as u64 * 7919));
        agents.push(tokio::spawn(async move {
            let lease_path = format!("/ocs/v1/campaigns/{}/records:lease", config.campaign_id);
            let agent_id = format!("{}-agent-{agent}", config.name);
            let mut unavailable = 0u32;
            loop {
                if config
                    .max_calls
                    .is_some_and(|max| shared.started.load(Ordering::SeqCst) >= max)
                {
                    return;
                }
                shared.in_flight.fetch_add(1, Ordering::SeqCst);
                let (status, answer) = post_json(
                    &client,
                    &config,
                    &lease_path,
                    &json!({ "count": 1, "leaseSeconds": config.lease_seconds, "agentId": agent_id }),
                )
                .await;
                let records = answer["records"].as_array().cloned().unwrap_or_default();
                if status == 503 && unavailable < MAX_RETRIES {
                    // Nothing was leased: retry, as the shim asks.
                    unavailable += 1;
                    shared.tally.lock().expect("tally lock").unavailable += 1;
                    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
                unavailable = 0;
                {
                    let mut tally = shared.tally.lock().expect("tally lock");
                    tally.lease_requests += 1;
                    if status != 200 {
                        tally.errors.push(format!("lease: {status} {answer}"));
                    }
                    tally
                        .leased
                        .extend(records.iter().filter_map(|record| record["record_id"].as_i64()));
                }
                if status != 200 {
                    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
                    return;
                }
                let Some(record) = records.first() else {
                    // Nothing due: done, unless a call still running may make a device due.
                    if shared.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                };
                shared.started.fetch_add(1, Ordering::SeqCst);
                call(&client, &config, &shared, record, &mut rng).await;
                shared.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        }));
    }
    for agent in agents {
        if let Err(error) = agent.await {
            shared
                .tally
                .lock()
                .expect("tally lock")
                .errors
                .push(format!("agent: {error}"));
        }
    }
    shared.tally.lock().expect("tally lock").clone()
}

/// One leased record: validate (optionally), ring, report records 0 and 1.
async fn call(
    client: &reqwest::Client,
    config: &CampaignConfig,
    shared: &Shared,
    record: &Value,
    rng: &mut Rng,
) {
    use std::sync::atomic::Ordering;
    let record_id = record["record_id"].as_i64().unwrap_or_default();
    let phone = record["GSW_PHONE"].as_str().unwrap_or_default().to_owned();
    let client_id = record["GSW_CUSTOMER_ID"].as_str().map(str::to_owned);
    let mut keys = json!({ "GSW_PHONE": phone, "GSW_RECORD_HANDLE": record_id,
        "GSW_CHAIN_ID": record["GSW_CHAIN_ID"], "GSW_CAMPAIGN_NAME": record["GSW_CAMPAIGN_NAME"] });
    if let Some(client_id) = &client_id {
        keys["GSW_CUSTOMER_ID"] = json!(client_id);
    }
    if let Some(zone) = record["GSW_TZ_NAME"].as_str() {
        keys["GSW_TZ_NAME"] = json!(zone);
    }
    if config.validate {
        let mut asked = keys.clone();
        asked["GSW_DIAL_MODE"] = json!(config.dial_mode);
        let (status, answer) = post_json(client, config, "/ocs/v1/validate", &asked).await;
        let mut tally = shared.tally.lock().expect("tally lock");
        tally.validated += 1;
        match status {
            200 => {}
            409 => {
                // Not dialled: the record returns to ready when its lease runs out.
                tally.refused += 1;
                return;
            }
            _ => {
                tally
                    .errors
                    .push(format!("validate {record_id}: {status} {answer}"));
                return;
            }
        }
    }
    let index = config.outcomes.draw(rng);
    let (result, code) = CAMPAIGN_RESULTS[index];
    let guid = format!(
        "{}-{}-{}",
        config.name,
        std::process::id(),
        shared.guid.fetch_add(1, Ordering::SeqCst)
    );
    let (low, high) = (config.call_ms.0, config.call_ms.1.max(config.call_ms.0));
    let ring = low + rng.below(high - low + 1);
    let started = Utc::now();
    for (sequence, result_code) in [(0, "28"), (1, code)] {
        if sequence == 1 && ring > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(ring)).await;
        }
        let mut report = keys.clone();
        report["GSW_CALL_ATTEMPT_GUID"] = json!(guid);
        report["GSW_HIST_SEQUENCE_NUM"] = json!(sequence);
        report["GSW_CALL_RESULT"] = json!(result_code);
        report["GSW_CALL_TIME"] = json!(started.timestamp());
        let mut tries = 0;
        let (status, answer) = loop {
            let (status, answer) = post_json(client, config, "/ocs/v1/history", &report).await;
            if status != 503 || tries == MAX_RETRIES {
                break (status, answer);
            }
            // Maybe stored, not yet counted: send it again (reports are idempotent).
            tries += 1;
            shared.tally.lock().expect("tally lock").unavailable += 1;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        if status != 200 {
            shared
                .tally
                .lock()
                .expect("tally lock")
                .errors
                .push(format!(
                    "history {sequence} of {record_id}: {status} {answer}"
                ));
            return;
        }
    }
    let mut tally = shared.tally.lock().expect("tally lock");
    tally.dialed += 1;
    *tally.results.entry(result.to_owned()).or_default() += 1;
    tally.calls.push(Call {
        record_id,
        chain_id: record["chain_id"].as_i64().unwrap_or_default(),
        chain_n: record["chain_n"].as_i64().unwrap_or_default(),
        client_id,
        phone,
        result: result.to_owned(),
    });
}
