//! A job's runs on screen: status badges, the words for triggers and log
//! levels, the attempt and counts cells, and how a live update lands in the
//! run history (replacing the run it describes, or adding a new one on top).

use crate::api::job_types::{JobLogLevel, JobRunStatus, JobRunTrigger};
use crate::api::jobs::{Job, JobRun, JobRunCounts};
use crate::format::{Badge, format_count, format_timestamp};

/// A run's status badge.
pub fn run_status_badge(status: JobRunStatus) -> Badge {
    let (label, class) = match status {
        JobRunStatus::Queued => ("QUEUED", "badge badge--muted"),
        JobRunStatus::Running => ("RUNNING", "badge badge--info"),
        JobRunStatus::Retrying => ("RETRYING", "badge badge--info"),
        JobRunStatus::Succeeded => ("SUCCEEDED", "badge badge--ok"),
        JobRunStatus::Failed => ("FAILED", "badge badge--danger"),
        JobRunStatus::Unknown => ("UNKNOWN", "badge"),
    };
    Badge { label, class }
}

/// Whether a run has ended (no more updates will come for it).
pub fn is_finished(status: JobRunStatus) -> bool {
    matches!(status, JobRunStatus::Succeeded | JobRunStatus::Failed)
}

/// What started a run, in words.
pub fn trigger_label(trigger: JobRunTrigger) -> &'static str {
    match trigger {
        JobRunTrigger::Schedule => "Schedule",
        JobRunTrigger::Misfire => "Missed firing",
        JobRunTrigger::Manual => "Manual",
        JobRunTrigger::Unknown => "Other",
    }
}

/// A log line's level, in words.
pub fn log_level_label(level: JobLogLevel) -> &'static str {
    match level {
        JobLogLevel::Info => "INFO",
        JobLogLevel::Warn => "WARN",
        JobLogLevel::Error => "ERROR",
        JobLogLevel::Unknown => "?",
    }
}

/// A log line's level badge.
pub fn log_level_badge(level: JobLogLevel) -> Badge {
    let class = match level {
        JobLogLevel::Info => "badge badge--muted",
        JobLogLevel::Warn => "badge badge--info",
        JobLogLevel::Error => "badge badge--danger",
        JobLogLevel::Unknown => "badge",
    };
    Badge {
        label: log_level_label(level),
        class,
    }
}

/// "2 / 4": the attempt out of the attempts the run gets.
pub fn attempt_label(attempt: i64, max_attempts: i64) -> String {
    format!("{attempt} / {max_attempts}")
}

/// "files 1 · rows 1,200 · imported 1,180 · rejected 20": the counts that
/// are not zero (all zero: "—").
pub fn counts_label(counts: &JobRunCounts) -> String {
    let parts: Vec<String> = [
        ("files", counts.files),
        ("rows", counts.rows),
        ("imported", counts.imported),
        ("rejected", counts.rejected),
        ("exported", counts.exported),
    ]
    .into_iter()
    .filter(|(_, value)| *value != 0)
    .map(|(name, value)| format!("{name} {}", format_count(value)))
    .collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// A timestamp cell, or "—" when there is none.
pub fn optional_time(rfc3339: Option<&str>) -> String {
    rfc3339.map_or_else(|| "—".to_owned(), format_timestamp)
}

/// The jobs table's "Next firing" cell: the first firing in the job's zone.
pub fn next_firing_label(job: &Job) -> String {
    if !job.enabled {
        return "Disabled".to_owned();
    }
    job.next_firings
        .first()
        .map_or_else(|| "—".to_owned(), |firing| firing.local.clone())
}

/// The jobs table's "Last run" cell: status word and when it ended (or
/// started, or was queued).
pub fn last_run_time(run: &JobRun) -> String {
    let when = run
        .finished_at
        .as_deref()
        .or(run.started_at.as_deref())
        .unwrap_or(&run.created_at);
    format_timestamp(when)
}

/// An RFC 3339 UTC timestamp as a key that orders like the instant: the
/// server writes 0, 3, 6 or 9 fraction digits, so plain text comparison
/// would put `…:01Z` after `…:01.5Z`.
fn instant_key(timestamp: &str) -> (&str, String) {
    let body = timestamp.trim_end_matches('Z');
    let (seconds, fraction) = body.split_once('.').unwrap_or((body, ""));
    (seconds, format!("{fraction:0<9}"))
}

/// Puts `run` into `runs` (newest first): replaces the run with its id
/// unless the one held is newer, else adds it in `created_at` order; keeps
/// at most `limit` runs. Returns whether anything changed.
pub fn upsert_run(runs: &mut Vec<JobRun>, run: JobRun, limit: usize) -> bool {
    if let Some(held) = runs.iter_mut().find(|held| held.id == run.id) {
        let stale = instant_key(&held.updated_at) > instant_key(&run.updated_at)
            || (is_finished(held.status) && !is_finished(run.status));
        if stale || *held == run {
            return false;
        }
        *held = run;
        return true;
    }
    let position = runs
        .iter()
        .position(|held| instant_key(&held.created_at) < instant_key(&run.created_at))
        .unwrap_or(runs.len());
    runs.insert(position, run);
    runs.truncate(limit);
    true
}
