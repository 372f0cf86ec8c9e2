//! The typed GraphQL operations of the Job Scheduler (issue 7): jobs, their
//! runs and the live run updates, the cron preview, and SFTP connections.
//!
//! Like every other operation, each is one `graphql/<Name>.graphql` file
//! (with the fragments it spreads defined in it) checked at compile time
//! against `schema.graphql`. graphql_client generates a fragment's struct
//! once per operation module, so the pages work with one copy of each
//! (`JobRun`, `SftpConnection`) and [`reread`] the others into it, and with
//! [`Job`], a job's `JobFields` with its firings and latest run.

use graphql_client::GraphQLQuery;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::job_types::{
    AfterPickup, ExportSource, JobKind, JobLogLevel, JobRunStatus, JobRunTrigger, MisfirePolicy,
    SftpAuthMethod,
};
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::{DateTime, ImportMode};

/// How many runs the job page lists.
pub const RUN_HISTORY_SIZE: i64 = 50;

/// How many firings the cron helper shows.
pub const PREVIEW_FIRINGS: i64 = 5;

/// A job's settings as `createJob` takes them (`updateJob` rereads them).
pub use create_job::{JobExportInput, JobInput, JobSourceInput};
/// An SFTP connection's settings as `createSftpConnection` takes them.
pub use create_sftp_connection::SftpConnectionInput;
/// What `cronPreview` says about a cron expression in a zone.
pub use cron_preview::CronPreviewCronPreview as CronPreviewResult;
/// A job's settings (the `JobFields` fragment).
pub use get_job::JobFields as JobSettings;
/// One firing of a schedule: the instant and its label in the job's zone.
pub use job_detail::JobDetailJobNextFirings as JobFiring;
/// One run of a job (the `JobRunFields` fragment), as every page holds it.
pub use job_run_updates::JobRunFields as JobRun;
/// What a run handled.
pub use job_run_updates::JobRunFieldsCounts as JobRunCounts;
/// One line of a run's log (read by the run history's page only).
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))]
pub use job_run_updates::JobRunFieldsLog as JobLogLine;
/// A saved SFTP connection (the `SftpConnectionFields` fragment); its secrets never come back.
pub use sftp_connections::SftpConnectionFields as SftpConnection;
/// What a connection test found.
pub use test_sftp_connection::TestSftpConnectionTestSftpConnection as SftpConnectionTest;

/// A job as the pages show it: its settings, its next firings and its latest
/// run (empty when the document did not ask for them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// The settings.
    #[serde(flatten)]
    pub settings: JobSettings,
    /// The next firings (none when disabled).
    #[serde(default)]
    pub next_firings: Vec<JobFiring>,
    /// The latest run.
    #[serde(default)]
    pub last_run: Option<JobRun>,
}

impl std::ops::Deref for Job {
    type Target = JobSettings;

    fn deref(&self) -> &JobSettings {
        &self.settings
    }
}

/// Reads one operation's copy of a selection as another's: graphql_client
/// generates a fragment's struct (and an input type) in every module that
/// uses it, and the copies serialise to the same JSON, the wire form they
/// were read from or are sent as, so the reading cannot fail.
pub fn reread<T: Serialize, U: DeserializeOwned>(value: &T) -> U {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .expect("copies of one GraphQL selection have the same JSON")
}

/// Rereads each of `values` (see [`reread`]).
pub fn reread_all<T: Serialize, U: DeserializeOwned>(values: &[T]) -> Vec<U> {
    values.iter().map(reread).collect()
}

/// `jobs`: the jobs table, each with its next firing and latest run.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/Jobs.graphql",
    extern_enums(
        "JobKind",
        "MisfirePolicy",
        "AfterPickup",
        "ExportSource",
        "ImportMode",
        "JobRunStatus",
        "JobRunTrigger",
        "JobLogLevel"
    ),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct Jobs;

/// `job(id)` and `jobRuns(jobId, first)`: the job page.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/JobDetail.graphql",
    extern_enums(
        "JobKind",
        "MisfirePolicy",
        "AfterPickup",
        "ExportSource",
        "ImportMode",
        "JobRunStatus",
        "JobRunTrigger",
        "JobLogLevel"
    ),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct JobDetail;

/// `job(id)`: the settings the editor starts from.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetJob.graphql",
    extern_enums(
        "JobKind",
        "MisfirePolicy",
        "AfterPickup",
        "ExportSource",
        "ImportMode"
    ),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct GetJob;

/// `cronPreview(cron, timeZone, count)`: the cron helper's verdict.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CronPreview.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CronPreview;

/// `createJob(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateJob.graphql",
    extern_enums(
        "JobKind",
        "MisfirePolicy",
        "AfterPickup",
        "ExportSource",
        "ImportMode"
    ),
    variables_derives = "Debug, Clone, PartialEq",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateJob;

/// `updateJob(id, input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateJob.graphql",
    extern_enums(
        "JobKind",
        "MisfirePolicy",
        "AfterPickup",
        "ExportSource",
        "ImportMode"
    ),
    variables_derives = "Debug, Clone, PartialEq, Deserialize",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UpdateJob;

/// `deleteJob(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteJob.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteJob;

/// `runJobNow(id)`: queues a manual run.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/RunJobNow.graphql",
    extern_enums("JobRunStatus", "JobRunTrigger", "JobLogLevel"),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct RunJobNow;

/// `sftpConnections`: the connections table and the editor's choices.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SftpConnections.graphql",
    extern_enums("SftpAuthMethod"),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct SftpConnections;

/// `createSftpConnection(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateSftpConnection.graphql",
    extern_enums("SftpAuthMethod"),
    variables_derives = "Debug, Clone, PartialEq",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct CreateSftpConnection;

/// `updateSftpConnection(id, input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateSftpConnection.graphql",
    extern_enums("SftpAuthMethod"),
    variables_derives = "Debug, Clone, PartialEq, Deserialize",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct UpdateSftpConnection;

/// `deleteSftpConnection(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteSftpConnection.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteSftpConnection;

/// `testSftpConnection(id, input, directory)`: a saved connection (`id`), the
/// editor's settings (`input`), or both (the input overriding the saved one).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/TestSftpConnection.graphql",
    extern_enums("SftpAuthMethod"),
    variables_derives = "Debug, Clone, PartialEq, Deserialize",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct TestSftpConnection;

/// `jobRunUpdates(jobId)`: every change of a job's runs, live.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/JobRunUpdates.graphql",
    extern_enums("JobRunStatus", "JobRunTrigger", "JobLogLevel"),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct JobRunUpdates;

/// Contact lists, suppression lists, campaigns and saved mappings the job
/// editor picks from.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/JobEditorChoices.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct JobEditorChoices;

#[cfg(test)]
mod tests {
    use super::*;

    fn run_json() -> serde_json::Value {
        serde_json::json!({
            "id": "r1", "jobId": "j1", "jobName": "Nightly", "trigger": "MANUAL",
            "status": "RUNNING", "scheduledFor": null, "attempt": 1, "maxAttempts": 4,
            "startedAt": "2026-11-21T10:00:00Z", "finishedAt": null, "nextAttemptAt": null,
            "counts": {"files": 1, "rows": 10, "imported": 9, "rejected": 1, "exported": 0},
            "log": [{"at": "2026-11-21T10:00:01Z", "level": "INFO", "message": "picked up a.csv"}],
            "error": null, "firedBy": "ann@example.com",
            "createdAt": "2026-11-21T10:00:00Z", "updatedAt": "2026-11-21T10:00:01Z"
        })
    }

    #[test]
    fn one_operations_run_rereads_as_anothers() {
        let data: run_job_now::ResponseData =
            serde_json::from_value(serde_json::json!({ "runJobNow": run_json() })).expect("parses");
        let run: JobRun = reread(&data.run_job_now);
        assert_eq!(run.counts.imported, 9);
        assert_eq!(run.log[0].level, JobLogLevel::Info);
        assert_eq!(run.trigger, JobRunTrigger::Manual);
        assert_eq!(serde_json::to_value(&run).expect("serialises"), run_json());
    }

    #[test]
    fn a_listed_job_keeps_its_firings_and_last_run() {
        let job = serde_json::json!({
            "id": "j1", "name": "Purge", "kind": "PURGE", "cron": "0 3 * * *",
            "timeZone": "UTC", "enabled": true, "misfirePolicy": "RUN_ONCE",
            "maxRetries": 3, "retryDelaySeconds": 60, "source": null,
            "contactListId": null, "newListName": null, "importMappingId": null,
            "importMode": null, "suppressionListId": null, "campaignId": null,
            "startCampaign": false, "export": null, "purgeAfterDays": 90,
            "createdAt": "2026-11-21T10:00:00Z", "updatedAt": "2026-11-21T10:00:00Z",
            "nextFirings": [{"at": "2026-11-22T03:00:00Z", "local": "2026-11-22 03:00:00 UTC"}],
            "lastRun": run_json()
        });
        let data: jobs::ResponseData =
            serde_json::from_value(serde_json::json!({ "jobs": [job] })).expect("parses");
        let jobs: Vec<Job> = reread_all(&data.jobs);
        assert_eq!(jobs[0].name, "Purge");
        assert_eq!(jobs[0].next_firings.len(), 1);
        assert_eq!(
            jobs[0].last_run.as_ref().map(|run| run.id.as_str()),
            Some("r1")
        );
    }

    #[test]
    fn test_variables_send_nulls_for_what_is_not_given() {
        let variables = test_sftp_connection::Variables {
            id: Some("c1".into()),
            input: None,
            directory: ".".into(),
        };
        let json = serde_json::to_value(&variables).expect("serialises");
        assert_eq!(json["id"], "c1");
        assert!(json["input"].is_null());
    }

    #[test]
    fn inputs_are_camel_case_and_reread_across_operations() {
        let input = SftpConnectionInput {
            name: "Vendor".into(),
            host: "sftp.example.com".into(),
            port: 22,
            username: "reach".into(),
            auth_method: SftpAuthMethod::Password,
            password: None,
            private_key: None,
            private_key_passphrase: None,
            host_key_fingerprint: Some("SHA256:abc".into()),
        };
        let json = serde_json::to_value(&input).expect("serialises");
        assert_eq!(json["authMethod"], "PASSWORD");
        assert_eq!(json["hostKeyFingerprint"], "SHA256:abc");
        assert!(json["password"].is_null());
        let update: update_sftp_connection::SftpConnectionInput = reread(&input);
        assert_eq!(update.port, 22);
    }
}
