//! The GraphQL operations of the Job Scheduler (issue 7): jobs, their runs
//! and the live run updates, the cron preview, and SFTP connections.
//!
//! Each document lives in `graphql/jobs/<Name>.graphql` and is sent with the
//! fragments it spreads. The scheduler is not in `schema.graphql` yet, so the
//! `GraphQLQuery` impls are written by hand (`operation!`) over the types of
//! `api::job_types`; `JobEditorChoices` reads only existing fields and is
//! derived and checked against the schema like every other operation.

use graphql_client::{GraphQLQuery, QueryBody};
use serde::{Deserialize, Serialize};

use super::job_types::{
    CronPreview, Job, JobInput, JobRun, SftpConnection, SftpConnectionInput, SftpConnectionTest,
};

/// Implements `GraphQLQuery` for a hand-written operation: the document
/// `graphql/jobs/<file>.graphql` followed by the fragment files it spreads.
macro_rules! operation {
    (
        $(#[$meta:meta])*
        $name:ident = $file:literal $(+ $fragment:literal)*,
        variables: $variables:ty,
        data: $data:ty $(,)?
    ) => {
        $(#[$meta])*
        pub struct $name;

        impl GraphQLQuery for $name {
            type Variables = $variables;
            type ResponseData = $data;

            fn build_query(variables: Self::Variables) -> QueryBody<Self::Variables> {
                QueryBody {
                    variables,
                    query: concat!(
                        include_str!(concat!("../../graphql/jobs/", $file, ".graphql")),
                        $(include_str!(concat!("../../graphql/jobs/", $fragment, ".graphql")),)*
                    ),
                    operation_name: $file,
                }
            }
        }
    };
}

/// How many runs the job page lists.
pub const RUN_HISTORY_SIZE: i64 = 50;

/// How many firings the cron helper shows.
pub const PREVIEW_FIRINGS: i64 = 5;

/// The variables of an operation without any.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NoVariables {}

/// The variables of an operation on one object.
#[derive(Clone, Debug, Serialize)]
pub struct IdVariables {
    /// The object's id.
    pub id: String,
}

/// The variables of `JobDetail`.
#[derive(Clone, Debug, Serialize)]
pub struct JobDetailVariables {
    /// The job's id.
    pub id: String,
    /// How many runs to bring, newest first.
    pub first: i64,
}

/// The variables of `CronPreview`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CronPreviewVariables {
    /// The expression as typed.
    pub cron: String,
    /// The IANA zone as typed.
    pub time_zone: String,
    /// How many firings to list.
    pub count: i64,
}

/// The variables of `CreateJob`.
#[derive(Clone, Debug, Serialize)]
pub struct CreateJobVariables {
    /// The settings.
    pub input: JobInput,
}

/// The variables of `UpdateJob`.
#[derive(Clone, Debug, Serialize)]
pub struct UpdateJobVariables {
    /// The job's id.
    pub id: String,
    /// The new settings.
    pub input: JobInput,
}

/// The variables of `CreateSftpConnection`.
#[derive(Clone, Debug, Serialize)]
pub struct CreateSftpConnectionVariables {
    /// The settings.
    pub input: SftpConnectionInput,
}

/// The variables of `UpdateSftpConnection`.
#[derive(Clone, Debug, Serialize)]
pub struct UpdateSftpConnectionVariables {
    /// The connection's id.
    pub id: String,
    /// The new settings.
    pub input: SftpConnectionInput,
}

/// The variables of `TestSftpConnection`: a saved connection (`id`), the
/// editor's settings (`input`), or both (the input overriding the saved one).
#[derive(Clone, Debug, Serialize)]
pub struct TestSftpConnectionVariables {
    /// The saved connection, if any.
    pub id: Option<String>,
    /// The settings being edited, if any.
    pub input: Option<SftpConnectionInput>,
    /// The directory to list.
    pub directory: String,
}

/// The variables of `JobRunUpdates`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRunUpdatesVariables {
    /// The job whose runs to follow; none follows every job.
    pub job_id: Option<String>,
}

/// What `Jobs` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct JobsData {
    /// Every job.
    pub jobs: Vec<Job>,
}

/// What `JobDetail` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobDetailData {
    /// The job.
    pub job: Job,
    /// Its latest runs, newest first.
    pub job_runs: Vec<JobRun>,
}

/// What `GetJob` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct GetJobData {
    /// The job.
    pub job: Job,
}

/// What `CronPreview` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CronPreviewData {
    /// The verdict and the firings.
    pub cron_preview: CronPreview,
}

/// A saved job's id and name, as the save mutations return them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SavedJob {
    /// The job's id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// What `CreateJob` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateJobData {
    /// The new job.
    pub create_job: SavedJob,
}

/// What `UpdateJob` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateJobData {
    /// The changed job.
    pub update_job: SavedJob,
}

/// What `DeleteJob` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteJobData {
    /// The deleted job's id.
    pub delete_job: String,
}

/// What `RunJobNow` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunJobNowData {
    /// The queued run.
    pub run_job_now: JobRun,
}

/// What `SftpConnections` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SftpConnectionsData {
    /// Every connection.
    pub sftp_connections: Vec<SftpConnection>,
}

/// What `CreateSftpConnection` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSftpConnectionData {
    /// The new connection.
    pub create_sftp_connection: SftpConnection,
}

/// What `UpdateSftpConnection` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateSftpConnectionData {
    /// The changed connection.
    pub update_sftp_connection: SftpConnection,
}

/// What `DeleteSftpConnection` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteSftpConnectionData {
    /// The deleted connection's id.
    pub delete_sftp_connection: String,
}

/// What `TestSftpConnection` returns.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestSftpConnectionData {
    /// The test's outcome.
    pub test_sftp_connection: SftpConnectionTest,
}

/// What each `JobRunUpdates` event carries.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRunUpdatesData {
    /// The run as it is now.
    pub job_run_updates: JobRun,
}

operation! {
    /// `jobs`: the jobs table, each with its next firing and latest run.
    Jobs = "Jobs" + "JobFields" + "JobRunFields",
    variables: NoVariables,
    data: JobsData,
}

operation! {
    /// `job(id)` and `jobRuns(jobId, first)`: the job page.
    JobDetail = "JobDetail" + "JobFields" + "JobRunFields",
    variables: JobDetailVariables,
    data: JobDetailData,
}

operation! {
    /// `job(id)`: the settings the editor starts from.
    GetJob = "GetJob" + "JobFields",
    variables: IdVariables,
    data: GetJobData,
}

operation! {
    /// `cronPreview(cron, timeZone, count)`: the cron helper's verdict.
    CronPreviewQuery = "CronPreview",
    variables: CronPreviewVariables,
    data: CronPreviewData,
}

operation! {
    /// `createJob(input)`.
    CreateJob = "CreateJob",
    variables: CreateJobVariables,
    data: CreateJobData,
}

operation! {
    /// `updateJob(id, input)`.
    UpdateJob = "UpdateJob",
    variables: UpdateJobVariables,
    data: UpdateJobData,
}

operation! {
    /// `deleteJob(id)`.
    DeleteJob = "DeleteJob",
    variables: IdVariables,
    data: DeleteJobData,
}

operation! {
    /// `runJobNow(id)`: queues a manual run.
    RunJobNow = "RunJobNow" + "JobRunFields",
    variables: IdVariables,
    data: RunJobNowData,
}

operation! {
    /// `sftpConnections`: the connections table and the editor's choices.
    SftpConnections = "SftpConnections" + "SftpConnectionFields",
    variables: NoVariables,
    data: SftpConnectionsData,
}

operation! {
    /// `createSftpConnection(input)`.
    CreateSftpConnection = "CreateSftpConnection" + "SftpConnectionFields",
    variables: CreateSftpConnectionVariables,
    data: CreateSftpConnectionData,
}

operation! {
    /// `updateSftpConnection(id, input)`.
    UpdateSftpConnection = "UpdateSftpConnection" + "SftpConnectionFields",
    variables: UpdateSftpConnectionVariables,
    data: UpdateSftpConnectionData,
}

operation! {
    /// `deleteSftpConnection(id)`.
    DeleteSftpConnection = "DeleteSftpConnection",
    variables: IdVariables,
    data: DeleteSftpConnectionData,
}

operation! {
    /// `testSftpConnection(id, input, directory)`.
    TestSftpConnection = "TestSftpConnection",
    variables: TestSftpConnectionVariables,
    data: TestSftpConnectionData,
}

operation! {
    /// `jobRunUpdates(jobId)`: every change of a job's runs, live.
    JobRunUpdates = "JobRunUpdates" + "JobRunFields",
    variables: JobRunUpdatesVariables,
    data: JobRunUpdatesData,
}

/// Contact lists, suppression lists, campaigns and saved mappings the job
/// editor picks from (existing schema fields: checked at compile time).
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

    /// The names of the fragments a document defines and spreads.
    fn fragments(query: &str) -> (Vec<String>, Vec<String>) {
        let defined = query
            .split("fragment ")
            .skip(1)
            .filter_map(|rest| rest.split_whitespace().next().map(str::to_owned))
            .collect();
        let mut spread: Vec<String> = query
            .split("...")
            .skip(1)
            .filter_map(|rest| rest.split_whitespace().next().map(str::to_owned))
            .collect();
        spread.sort();
        spread.dedup();
        (defined, spread)
    }

    /// Every fragment a document spreads is sent with it, and none unused
    /// (servers reject unused fragments).
    fn assert_fragments_match(query: &str) {
        let (mut defined, spread) = fragments(query);
        defined.sort();
        assert_eq!(defined, spread, "{query}");
    }

    #[test]
    fn documents_carry_exactly_the_fragments_they_spread() {
        let queries = [
            Jobs::build_query(NoVariables {}).query,
            JobDetail::build_query(JobDetailVariables {
                id: "j".into(),
                first: RUN_HISTORY_SIZE,
            })
            .query,
            GetJob::build_query(IdVariables { id: "j".into() }).query,
            RunJobNow::build_query(IdVariables { id: "j".into() }).query,
            SftpConnections::build_query(NoVariables {}).query,
            JobRunUpdates::build_query(JobRunUpdatesVariables { job_id: None }).query,
            CronPreviewQuery::build_query(CronPreviewVariables {
                cron: "* * * * *".into(),
                time_zone: "UTC".into(),
                count: PREVIEW_FIRINGS,
            })
            .query,
        ];
        for query in queries {
            assert_fragments_match(query);
        }
    }

    #[test]
    fn operation_names_match_the_documents() {
        let body = JobDetail::build_query(JobDetailVariables {
            id: "j".into(),
            first: 50,
        });
        assert_eq!(body.operation_name, "JobDetail");
        assert!(body.query.contains("query JobDetail("));
        let body = CronPreviewQuery::build_query(CronPreviewVariables {
            cron: "0 6 * * *".into(),
            time_zone: "America/New_York".into(),
            count: 5,
        });
        assert!(body.query.contains("query CronPreview("));
        let json = serde_json::to_value(&body).expect("serialises");
        assert_eq!(json["variables"]["timeZone"], "America/New_York");
        assert_eq!(json["operationName"], "CronPreview");
    }

    #[test]
    fn test_variables_send_nulls_for_what_is_not_given() {
        let variables = TestSftpConnectionVariables {
            id: Some("c1".into()),
            input: None,
            directory: ".".into(),
        };
        let json = serde_json::to_value(&variables).expect("serialises");
        assert_eq!(json["id"], "c1");
        assert!(json["input"].is_null());
    }
}
