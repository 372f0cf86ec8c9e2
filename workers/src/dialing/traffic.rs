//! Live validation traffic per tenant: decisions are tallied in this
//! process's memory and added once a second to a per-second counter hash in
//! the cache (`ocs:traffic:<tenant>:<epoch second>`, kept an hour), so every
//! replica's traffic adds up and a dashboard reads the last minutes in one
//! round trip.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use uuid::Uuid;

use super::validate::Answer;
use crate::{ServiceError, Services};

/// How long per-second counters are kept.
const KEPT: Duration = Duration::from_secs(3600);

/// The longest window a dashboard may ask for, in seconds.
pub const MAX_WINDOW_SECONDS: u32 = 3600;

const ALLOWED: &str = "allowed";
const REFUSED: &str = "refused";
const INVALID: &str = "invalid";
/// Refusals per rule are counted under `rule:<rule name>`.
const RULE_PREFIX: &str = "rule:";

/// Decisions not yet flushed, per tenant and second.
#[derive(Default)]
pub struct Traffic {
    pending: Mutex<HashMap<(Uuid, i64), HashMap<String, i64>>>,
}

fn bump(fields: &mut HashMap<String, i64>, field: &str) {
    if let Some(count) = fields.get_mut(field) {
        *count += 1;
    } else {
        fields.insert(field.to_owned(), 1);
    }
}

impl Traffic {
    /// Tallies a request's answers.
    pub fn count(&self, tenant_id: Uuid, answers: &[Answer]) {
        let second = Utc::now().timestamp();
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let fields = pending.entry((tenant_id, second)).or_default();
        for answer in answers {
            match answer {
                Ok(decision) if decision.allowed => bump(fields, ALLOWED),
                Ok(decision) => {
                    bump(fields, REFUSED);
                    for refusal in &decision.refusals {
                        let mut field =
                            String::with_capacity(RULE_PREFIX.len() + refusal.name.len());
                        field.push_str(RULE_PREFIX);
                        field.push_str(&refusal.name);
                        bump(fields, &field);
                    }
                }
                Err(_) => bump(fields, INVALID),
            }
        }
    }

    /// Adds what was tallied to the cache's counters.
    pub async fn flush(&self, services: &Services) -> Result<(), ServiceError> {
        let pending =
            std::mem::take(&mut *self.pending.lock().unwrap_or_else(PoisonError::into_inner));
        for ((tenant_id, second), fields) in pending {
            let fields: Vec<(String, i64)> = fields.into_iter().collect();
            services
                .cache
                .counters_add(&key(tenant_id, second), &fields, KEPT)
                .await?;
        }
        Ok(())
    }
}

fn key(tenant_id: Uuid, second: i64) -> String {
    format!("ocs:traffic:{tenant_id}:{second}")
}

/// Flushes the tallies every second until `stop` turns true (every process
/// that validates runs it).
pub async fn run(services: Services, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.changed() => {
                let _ = services.traffic.flush(&services).await;
                return;
            }
            _ = tick.tick() => {
                if let Err(error) = services.traffic.flush(&services).await {
                    tracing::warn!(%error, "flushing validation traffic counters failed");
                }
            }
        }
    }
}

/// One second of traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficSecond {
    /// The second.
    pub at: DateTime<Utc>,
    /// Records allowed.
    pub allowed: i64,
    /// Records refused.
    pub refused: i64,
    /// Records that could not be judged (bad input).
    pub invalid: i64,
}

/// The traffic of a window, every replica's added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficView {
    /// The window's length in seconds.
    pub seconds: u32,
    /// Per second, oldest first (the current, incomplete second left out).
    pub series: Vec<TrafficSecond>,
    /// Refusals per rule name, most frequent first.
    pub top_refusals: Vec<(String, i64)>,
}

/// The tenant's validation traffic over the last `seconds` (at most an hour).
pub async fn read(
    services: &Services,
    tenant_id: Uuid,
    seconds: u32,
) -> Result<TrafficView, ServiceError> {
    let seconds = seconds.clamp(1, MAX_WINDOW_SECONDS);
    let now = Utc::now().timestamp();
    let range: Vec<i64> = (now - i64::from(seconds)..now).collect();
    let keys: Vec<String> = range.iter().map(|second| key(tenant_id, *second)).collect();
    let counters = services.cache.counters_get(&keys).await?;
    let mut rules: HashMap<String, i64> = HashMap::new();
    let mut series = Vec::with_capacity(range.len());
    for (second, fields) in range.into_iter().zip(counters) {
        for (field, count) in &fields {
            if let Some(rule) = field.strip_prefix(RULE_PREFIX) {
                *rules.entry(rule.to_owned()).or_default() += count;
            }
        }
        let get = |name: &str| fields.get(name).copied().unwrap_or(0);
        series.push(TrafficSecond {
            at: Utc.timestamp_opt(second, 0).single().unwrap_or_default(),
            allowed: get(ALLOWED),
            refused: get(REFUSED),
            invalid: get(INVALID),
        });
    }
    let mut top_refusals: Vec<(String, i64)> = rules.into_iter().collect();
    top_refusals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    top_refusals.truncate(10);
    Ok(TrafficView {
        seconds,
        series,
        top_refusals,
    })
}
