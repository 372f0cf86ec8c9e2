//! Prometheus metrics of one process: HTTP requests per route, GraphQL operations,
//! SQL statements, the durable queue's backlog and the build.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use prometheus::{
    Encoder, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// Distinct GraphQL operation names tracked before new ones are counted as `other`
/// (operation names come from clients: unbounded labels would exhaust memory).
const MAX_OPERATION_NAMES: usize = 200;

/// The process's metric families, in their own registry (no globals: tests run many apps per process).
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_seconds: HistogramVec,
    graphql_operations: IntCounterVec,
    graphql_seconds: HistogramVec,
    db_statements: IntCounterVec,
    db_seconds: HistogramVec,
    queue_tasks: IntGaugeVec,
    queue_oldest_seconds: GaugeVec,
    operation_names: Mutex<HashSet<String>>,
}

impl Metrics {
    /// Registers every family.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("reachline".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by method, route and status",
            ),
            &["method", "route", "status"],
        )?;
        let http_seconds = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "HTTP request latency by method and route",
            )
            // From half a millisecond: the dialer routes' p99 target is 5 ms.
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                10.0,
            ]),
            &["method", "route"],
        )?;
        let graphql_operations = IntCounterVec::new(
            Opts::new(
                "graphql_operations_total",
                "GraphQL operations by name and outcome",
            ),
            &["operation", "outcome"],
        )?;
        let graphql_seconds = HistogramVec::new(
            HistogramOpts::new(
                "graphql_operation_duration_seconds",
                "GraphQL operation latency by name",
            ),
            &["operation"],
        )?;
        let db_statements = IntCounterVec::new(
            Opts::new(
                "db_statements_total",
                "SQL statements sent to the database, by outcome",
            ),
            &["outcome"],
        )?;
        let db_seconds = HistogramVec::new(
            HistogramOpts::new("db_statement_duration_seconds", "SQL statement latency").buckets(
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0,
                ],
            ),
            &[],
        )?;
        let queue_tasks = IntGaugeVec::new(
            Opts::new(
                "queue_tasks",
                "Durable queue tasks due and waiting (READY) or being worked (RUNNING), by kind",
            ),
            &["kind", "status"],
        )?;
        let queue_oldest_seconds = GaugeVec::new(
            Opts::new(
                "queue_oldest_task_seconds",
                "Age of the oldest due task since it was due, by kind and status",
            ),
            &["kind", "status"],
        )?;
        let build_info = IntGaugeVec::new(
            Opts::new("build_info", "Always 1; the running version as a label"),
            &["version"],
        )?;
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        registry.register(Box::new(queue_tasks.clone()))?;
        registry.register(Box::new(queue_oldest_seconds.clone()))?;
        registry.register(Box::new(build_info))?;
        registry.register(Box::new(db_statements.clone()))?;
        registry.register(Box::new(db_seconds.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_seconds.clone()))?;
        registry.register(Box::new(graphql_operations.clone()))?;
        registry.register(Box::new(graphql_seconds.clone()))?;
        Ok(Self {
            registry,
            http_requests,
            http_seconds,
            graphql_operations,
            graphql_seconds,
            db_statements,
            db_seconds,
            queue_tasks,
            queue_oldest_seconds,
            operation_names: Mutex::new(HashSet::new()),
        })
    }

    /// Counts one HTTP request.
    pub fn observe_http(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.http_requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.http_seconds
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one SQL statement (called by the database driver for every statement).
    pub fn observe_statement(&self, failed: bool, elapsed: Duration) {
        let outcome = if failed { "error" } else { "ok" };
        self.db_statements.with_label_values(&[outcome]).inc();
        self.db_seconds
            .with_label_values(&[] as &[&str])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one GraphQL operation.
    pub fn observe_graphql(&self, operation: Option<&str>, ok: bool, elapsed: Duration) {
        let name = self.operation_label(operation);
        let outcome = if ok { "ok" } else { "error" };
        self.graphql_operations
            .with_label_values(&[&name, outcome])
            .inc();
        self.graphql_seconds
            .with_label_values(&[&name])
            .observe(elapsed.as_secs_f64());
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        // An explicit `operationName` is used as given when it is a plain GraphQL name.
        let Some(name) = operation.filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) else {
            return "anonymous".into();
        };
        let Ok(mut names) = self.operation_names.lock() else {
            return "other".into();
        };
        if names.contains(name) || names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// Replaces the queue backlog gauges with a fresh reading.
    pub fn set_backlog(&self, backlog: &[workers::queue::Backlog]) {
        self.queue_tasks.reset();
        self.queue_oldest_seconds.reset();
        let now = chrono::Utc::now();
        for row in backlog {
            let labels = [row.kind.as_str(), row.status.as_str()];
            self.queue_tasks.with_label_values(&labels).set(row.tasks);
            let age = (now - row.oldest).num_milliseconds().max(0) as f64 / 1000.0;
            self.queue_oldest_seconds
                .with_label_values(&labels)
                .set(age);
        }
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(error) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(%error, "encoding metrics");
        }
        String::from_utf8(buffer).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_operation_names_are_bounded() {
        let metrics = Metrics::new().unwrap();
        assert_eq!(metrics.operation_label(Some("Users")), "Users");
        assert_eq!(metrics.operation_label(Some("bad name; drop")), "anonymous");
        for i in 0..MAX_OPERATION_NAMES {
            metrics.operation_label(Some(&format!("Op{i}")));
        }
        assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
        assert_eq!(metrics.operation_label(Some("Users")), "Users");
    }
}
