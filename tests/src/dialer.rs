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
