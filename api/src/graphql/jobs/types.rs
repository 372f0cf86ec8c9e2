//! GraphQL shapes of jobs, their runs and SFTP connections (SPEC §2 Job,
//! issue 7), mapped from `scheduling` and `workers::jobs`.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{job_run, sftp_connection};
use workers::jobs::{self, Counts, Job as DomainJob, LogLine};

use crate::graphql::error::GraphqlResultExt;
use crate::graphql::imports::ImportMode;
use crate::graphql::{principal, services};

/// What a job does when it fires.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "scheduling::JobKind")]
pub enum JobKind {
    /// Fetch files from SFTP and import them into a contact list.
    ContactImport,
    /// Fetch files from SFTP and add their numbers to a suppression list.
    SuppressionImport,
    /// Write a list's contacts or a campaign's results and upload them.
    Export,
    /// Fetch → import → assign the list to a campaign → load (→ start).
    ListAutomation,
    /// Load (when unloaded) and start a campaign.
    CampaignStart,
    /// Stop a running campaign.
    CampaignStop,
    /// Fetch the compliance data provider's document now.
    ComplianceRefresh,
    /// Delete old runs, old picked-file records and expired suppression entries.
    Purge,
}

/// What a scheduler does with firings missed while no scheduler ran.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "scheduling::MisfirePolicy")]
pub enum MisfirePolicy {
    /// Run the latest missed firing once, as soon as a scheduler is back.
    RunOnce,
    /// Run nothing for missed firings; wait for the next one.
    Skip,
}

/// What happens to a remote file once it has been picked up.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "scheduling::AfterPickup")]
pub enum AfterPickup {
    /// Leave it (remembered by name, size and checksum, so never taken twice).
    Keep,
    /// Delete it.
    Delete,
    /// Move it into `moveTo`.
    Move,
}

/// What an export writes.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "scheduling::ExportSource")]
pub enum ExportSource {
    /// A contact list's contacts and devices.
    ContactList,
    /// A campaign's calling list: every record with its outcome.
    CampaignResults,
}

/// Where a run is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum JobRunStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is on it.
    Running,
    /// Failed transiently; waits for `nextAttemptAt`.
    Retrying,
    /// Done.
    Succeeded,
    /// Given up; `error` and the log say why.
    Failed,
}

/// What started a run.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum JobRunTrigger {
    /// The job's schedule.
    Schedule,
    /// A firing missed during downtime, run once by the misfire policy.
    Misfire,
    /// A person's "run now".
    Manual,
}

/// How an SFTP connection logs in.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum SftpAuthMethod {
    /// A password.
    Password,
    /// An OpenSSH private key (optionally with a passphrase).
    PrivateKey,
}

/// How loud a log line is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum JobLogLevel {
    /// Progress.
    Info,
    /// Something an operator should look at; the run went on.
    Warn,
    /// Why the run failed.
    Error,
}

impl JobRunStatus {
    fn parse(raw: &str) -> Self {
        match raw {
            jobs::status::RUNNING => JobRunStatus::Running,
            jobs::status::RETRYING => JobRunStatus::Retrying,
            jobs::status::SUCCEEDED => JobRunStatus::Succeeded,
            jobs::status::FAILED => JobRunStatus::Failed,
            _ => JobRunStatus::Queued,
        }
    }
}

impl SftpAuthMethod {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SftpAuthMethod::Password => jobs::connections::auth_method::PASSWORD,
            SftpAuthMethod::PrivateKey => jobs::connections::auth_method::PRIVATE_KEY,
        }
    }
}

/// One firing of a schedule: the instant and how it reads in the job's zone.
#[derive(SimpleObject, Clone, Debug)]
pub struct JobFiring {
    /// The instant.
    pub at: DateTime<Utc>,
    /// The wall-clock time in the job's zone, e.g. "2026-11-23 09:00:00 EST".
    pub local: String,
}

/// A problem with one input field.
#[derive(SimpleObject, Clone, Debug)]
pub struct FieldProblem {
    /// The input field, e.g. `cron` or `timeZone`.
    pub field: String,
    /// Why.
    pub message: String,
}

/// A cron expression read in a zone: whether it is valid and when it fires next.
#[derive(SimpleObject, Clone, Debug)]
pub struct CronPreview {
    /// Whether the expression and zone are usable.
    pub valid: bool,
    /// The six-field form (seconds first) when valid.
    pub normalized: Option<String>,
    /// Every problem, each naming `cron` or `timeZone`.
    pub problems: Vec<FieldProblem>,
    /// The next firings (none when invalid).
    pub next_firings: Vec<JobFiring>,
}

impl CronPreview {
    /// The preview of `cron` in `time_zone` with `count` firings.
    pub fn of(cron: &str, time_zone: &str, count: usize) -> Self {
        match scheduling::CronSchedule::parse(cron, time_zone) {
            Ok(schedule) => CronPreview {
                valid: true,
                normalized: Some(schedule.normalized().to_owned()),
                problems: Vec::new(),
                next_firings: firings(&schedule, schedule.upcoming(Utc::now(), count)),
            },
            Err(problems) => CronPreview {
                valid: false,
                normalized: None,
                problems: problems
                    .into_iter()
                    .map(|problem| FieldProblem {
                        field: problem.field.to_owned(),
                        message: problem.message,
                    })
                    .collect(),
                next_firings: Vec::new(),
            },
        }
    }
}

fn firings(schedule: &scheduling::CronSchedule, at: Vec<DateTime<Utc>>) -> Vec<JobFiring> {
    at.into_iter()
        .map(|at| JobFiring {
            at,
            local: schedule.local_label(at),
        })
        .collect()
}

fn id_of(id: uuid::Uuid) -> ID {
    ID(id.to_string())
}

/// Where a job's files come from.
pub struct JobSource(pub scheduling::Source);

#[Object]
impl JobSource {
    /// The SFTP connection.
    async fn connection_id(&self) -> ID {
        id_of(self.0.connection_id)
    }

    /// The connection itself (absent if it was deleted).
    async fn connection(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SftpConnection>> {
        match jobs::connections::get(services(ctx), principal(ctx)?, self.0.connection_id).await {
            Ok(row) => Ok(Some(SftpConnection(row))),
            Err(workers::ServiceError::NotFound(_)) => Ok(None),
            Err(error) => Err(error).gql(),
        }
    }

    /// The remote directory.
    async fn directory(&self) -> &str {
        &self.0.directory
    }

    /// Which files: globs `*` `?` and date tokens such as `{date:%Y%m%d}`.
    async fn pattern(&self) -> &str {
        &self.0.pattern
    }

    /// What happens to a file once taken.
    async fn after_pickup(&self) -> AfterPickup {
        self.0.after_pickup.into()
    }

    /// Where files move to with `MOVE`.
    async fn move_to(&self) -> Option<&str> {
        self.0.move_to.as_deref()
    }

    /// How long a file must keep its size before it is taken.
    async fn settle_seconds(&self) -> u32 {
        self.0.settle_seconds
    }

    /// Whether finding no new file fails the run.
    async fn require_file(&self) -> bool {
        self.0.require_file
    }
}

/// Where an export goes.
pub struct JobExport(pub scheduling::ExportTarget);

#[Object]
impl JobExport {
    /// What is exported.
    async fn source(&self) -> ExportSource {
        self.0.source.into()
    }

    /// The SFTP connection; none writes into the server's data directory.
    async fn connection_id(&self) -> Option<ID> {
        self.0.connection_id.map(id_of)
    }

    /// The directory written into.
    async fn directory(&self) -> &str {
        &self.0.directory
    }

    /// The file name (dates allowed).
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
}

/// A scheduled job.
pub struct Job(pub DomainJob);

#[Object]
impl Job {
    /// Its id.
    async fn id(&self) -> ID {
        id_of(self.0.row.id)
    }

    /// Unique in the tenant.
    async fn name(&self) -> &str {
        &self.0.row.name
    }

    /// What it does.
    async fn kind(&self) -> JobKind {
        self.0.spec.kind.into()
    }

    /// When, as written.
    async fn cron(&self) -> &str {
        &self.0.spec.cron
    }

    /// The IANA zone the cron is read in.
    async fn time_zone(&self) -> &str {
        &self.0.spec.time_zone
    }

    /// Whether the scheduler fires it.
    async fn enabled(&self) -> bool {
        self.0.row.enabled
    }

    /// What downtime does.
    async fn misfire_policy(&self) -> MisfirePolicy {
        self.0.spec.misfire_policy.into()
    }

    /// Retries after a transient failure.
    async fn max_retries(&self) -> u32 {
        self.0.spec.max_retries
    }

    /// Wait before the first retry; doubles each time.
    async fn retry_delay_seconds(&self) -> u32 {
        self.0.spec.retry_delay_seconds
    }

    /// Files to fetch.
    async fn source(&self) -> Option<JobSource> {
        self.0.spec.source.clone().map(JobSource)
    }

    /// The list imported into or exported.
    async fn contact_list_id(&self) -> Option<ID> {
        self.0.spec.contact_list_id.map(id_of)
    }

    /// A new list per file instead (`{file}` and dates allowed).
    async fn new_list_name(&self) -> Option<&str> {
        self.0.spec.new_list_name.as_deref()
    }

    /// The saved import mapping.
    async fn import_mapping_id(&self) -> Option<ID> {
        self.0.spec.import_mapping_id.map(id_of)
    }

    /// The contact import mode.
    async fn import_mode(&self) -> Option<ImportMode> {
        self.0
            .spec
            .import_mode
            .as_deref()
            .and_then(workers::import::ImportMode::parse)
            .map(Into::into)
    }

    /// The suppression list imported into.
    async fn suppression_list_id(&self) -> Option<ID> {
        self.0.spec.suppression_list_id.map(id_of)
    }

    /// The campaign acted on.
    async fn campaign_id(&self) -> Option<ID> {
        self.0.spec.campaign_id.map(id_of)
    }

    /// List automation: whether the campaign starts once loaded.
    async fn start_campaign(&self) -> bool {
        self.0.spec.start_campaign
    }

    /// The export target.
    async fn export(&self) -> Option<JobExport> {
        self.0.spec.export.clone().map(JobExport)
    }

    /// Purge: age in days past which runs are deleted.
    async fn purge_after_days(&self) -> u32 {
        self.0.spec.purge_after_days
    }

    /// The next firings in the job's zone (none when disabled).
    async fn next_firings(
        &self,
        #[graphql(default = 5, validator(minimum = 1, maximum = 50))] count: usize,
    ) -> Vec<JobFiring> {
        match self.0.spec.schedule() {
            Ok(schedule) if self.0.row.enabled => {
                firings(&schedule, schedule.upcoming(Utc::now(), count))
            }
            _ => Vec::new(),
        }
    }

    /// The latest run.
    async fn last_run(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<JobRun>> {
        let runs = jobs::runs(services(ctx), principal(ctx)?, self.0.row.id, 1)
            .await
            .gql()?;
        Ok(runs
            .into_iter()
            .next()
            .map(|run| JobRun::new(run, Some(self.0.row.name.clone()))))
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.row.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.row.updated_at
    }
}

/// What a run counted.
#[derive(SimpleObject, Clone, Debug)]
pub struct JobRunCounts {
    /// Files picked up or written.
    pub files: i64,
    /// Rows read.
    pub rows: i64,
    /// Contacts or entries imported.
    pub imported: i64,
    /// Rows refused.
    pub rejected: i64,
    /// Rows exported.
    pub exported: i64,
}

/// One line of a run's log.
#[derive(SimpleObject, Clone, Debug)]
pub struct JobLogLine {
    /// When.
    pub at: DateTime<Utc>,
    /// How loud.
    pub level: JobLogLevel,
    /// What happened.
    pub message: String,
}

/// One run of a job: when, how it went, what it counted and its log.
pub struct JobRun {
    row: job_run::Model,
    job_name: Option<String>,
}

impl JobRun {
    /// Wraps a run, with its job's name when already known.
    pub fn new(row: job_run::Model, job_name: Option<String>) -> Self {
        Self { row, job_name }
    }
}

#[Object]
impl JobRun {
    /// Its id.
    async fn id(&self) -> ID {
        id_of(self.row.id)
    }

    /// The job.
    async fn job_id(&self) -> ID {
        id_of(self.row.job_id)
    }

    /// The job's name.
    async fn job_name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        if let Some(name) = &self.job_name {
            return Ok(name.clone());
        }
        let job = jobs::get(services(ctx), principal(ctx)?, self.row.job_id)
            .await
            .gql()?;
        Ok(job.row.name)
    }

    /// What started it.
    async fn trigger(&self) -> JobRunTrigger {
        match self.row.trigger.as_str() {
            jobs::trigger::MISFIRE => JobRunTrigger::Misfire,
            jobs::trigger::MANUAL => JobRunTrigger::Manual,
            _ => JobRunTrigger::Schedule,
        }
    }

    /// Where it is.
    async fn status(&self) -> JobRunStatus {
        JobRunStatus::parse(&self.row.status)
    }

    /// The firing it belongs to (none for "run now").
    async fn scheduled_for(&self) -> Option<DateTime<Utc>> {
        self.row.scheduled_for
    }

    /// Attempts made so far.
    async fn attempt(&self) -> i32 {
        self.row.attempt
    }

    /// Attempts allowed (retries + 1).
    async fn max_attempts(&self) -> i32 {
        self.row.max_attempts
    }

    /// When the latest attempt started.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.row.started_at
    }

    /// When it ended (succeeded or failed for good).
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.row.finished_at
    }

    /// When the next attempt is due, while retrying.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.row.next_attempt_at
    }

    /// What it counted.
    async fn counts(&self) -> JobRunCounts {
        let counts: Counts = serde_json::from_value(self.row.counts.clone()).unwrap_or_default();
        JobRunCounts {
            files: counts.files,
            rows: counts.rows,
            imported: counts.imported,
            rejected: counts.rejected,
            exported: counts.exported,
        }
    }

    /// Its log, oldest first.
    async fn log(&self) -> Vec<JobLogLine> {
        let lines: Vec<LogLine> = serde_json::from_value(self.row.log.clone()).unwrap_or_default();
        lines
            .into_iter()
            .map(|line| JobLogLine {
                at: line.at,
                level: match line.level.as_str() {
                    "WARN" => JobLogLevel::Warn,
                    "ERROR" => JobLogLevel::Error,
                    _ => JobLogLevel::Info,
                },
                message: line.message,
            })
            .collect()
    }

    /// Why it failed (or why the latest attempt did).
    async fn error(&self) -> Option<&str> {
        self.row.error.as_deref()
    }

    /// The scheduler replica (or person) that fired it.
    async fn fired_by(&self) -> Option<&str> {
        self.row.fired_by.as_deref()
    }

    /// When it was queued.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
}

/// A customer's SFTP server; secrets are write-only.
pub struct SftpConnection(pub sftp_connection::Model);

#[Object]
impl SftpConnection {
    /// Its id.
    async fn id(&self) -> ID {
        id_of(self.0.id)
    }

    /// Unique in the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Host name or address.
    async fn host(&self) -> &str {
        &self.0.host
    }

    /// TCP port.
    async fn port(&self) -> i32 {
        self.0.port
    }

    /// Login name.
    async fn username(&self) -> &str {
        &self.0.username
    }

    /// How it logs in.
    async fn auth_method(&self) -> SftpAuthMethod {
        if self.0.auth_method == jobs::connections::auth_method::PRIVATE_KEY {
            SftpAuthMethod::PrivateKey
        } else {
            SftpAuthMethod::Password
        }
    }

    /// Whether a password is stored.
    async fn has_password(&self) -> bool {
        self.0.password.as_deref().is_some_and(|p| !p.is_empty())
    }

    /// Whether a private key is stored.
    async fn has_private_key(&self) -> bool {
        self.0.private_key.as_deref().is_some_and(|k| !k.is_empty())
    }

    /// The pinned host key (`SHA256:…`); a server showing another is refused.
    async fn host_key_fingerprint(&self) -> Option<&str> {
        self.0.host_key_fingerprint.as_deref()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// What "Test connection" found.
#[derive(SimpleObject, Clone, Debug)]
pub struct SftpConnectionTest {
    /// Whether it connected, logged in and listed the directory.
    pub ok: bool,
    /// What happened, for the person testing.
    pub message: String,
    /// The host key the server showed (to pin it).
    pub presented_fingerprint: Option<String>,
    /// Whether it is the pinned one (none when nothing is pinned).
    pub fingerprint_matches: Option<bool>,
    /// The first names in the directory.
    pub files: Vec<String>,
}

impl From<sftp::Probe> for SftpConnectionTest {
    fn from(probe: sftp::Probe) -> Self {
        Self {
            ok: probe.ok,
            message: probe.message,
            presented_fingerprint: probe.presented_fingerprint,
            fingerprint_matches: probe.fingerprint_matches,
            files: probe.files,
        }
    }
}
