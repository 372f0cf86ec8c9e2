//! The Job Scheduler through GraphQL (SPEC §4, issue 7): jobs, their runs,
//! the cron helper, SFTP connections and `jobRunUpdates`. Thin resolvers over
//! `workers::jobs`.

pub mod types;

use async_graphql::{Context, ID, InputObject, Object, Subscription};
use futures::{Stream, StreamExt};
use scheduling::{JobSpec, Source};
use workers::jobs::{self, connections};

use crate::graphql::accounts::parse_id;
use crate::graphql::error::{ApiError, GraphqlResultExt};
use crate::graphql::imports::ImportMode;
use crate::graphql::{principal, services};
use types::{
    AfterPickup, CronPreview, ExportSource, Job, JobKind, JobRun, MisfirePolicy, SftpAuthMethod,
    SftpConnection, SftpConnectionTest,
};

/// Where a job's files come from.
#[derive(InputObject)]
pub struct JobSourceInput {
    /// The SFTP connection.
    pub connection_id: ID,
    /// The remote directory ("." is the login directory).
    pub directory: String,
    /// Which files: globs `*` `?`, date tokens `{date:%Y%m%d}`, `{date-1:%Y%m%d}`.
    pub pattern: String,
    /// What to do with a file once taken.
    #[graphql(default_with = "AfterPickup::Keep")]
    pub after_pickup: AfterPickup,
    /// The directory files move to with `MOVE`.
    pub move_to: Option<String>,
    /// A file must keep its size this long before it is taken.
    #[graphql(default)]
    pub settle_seconds: u32,
    /// Whether finding no new file fails the run.
    #[graphql(default)]
    pub require_file: bool,
}

/// Where an export goes.
#[derive(InputObject)]
pub struct JobExportInput {
    /// What is exported.
    pub source: ExportSource,
    /// The SFTP connection; none writes into the server's data directory.
    pub connection_id: Option<ID>,
    /// The directory written into.
    pub directory: String,
    /// The file name (dates allowed, e.g. `results_{date:%Y%m%d}.csv`).
    pub file_name: String,
}

/// A job to create or replace.
#[derive(InputObject)]
pub struct JobInput {
    /// 1 to 120 characters, unique in the tenant.
    pub name: String,
    /// What it does.
    pub kind: JobKind,
    /// Five fields (minute first) or six (seconds first).
    pub cron: String,
    /// The IANA zone the cron is read in, e.g. `America/New_York`.
    pub time_zone: String,
    /// Whether the scheduler fires it.
    #[graphql(default = true)]
    pub enabled: bool,
    /// What downtime does.
    #[graphql(default_with = "MisfirePolicy::RunOnce")]
    pub misfire_policy: MisfirePolicy,
    /// Retries after a transient failure (0 to 10).
    #[graphql(default = 3)]
    pub max_retries: u32,
    /// Wait before the first retry, doubling each time.
    #[graphql(default = 60)]
    pub retry_delay_seconds: u32,
    /// Files to fetch (imports and list automation).
    pub source: Option<JobSourceInput>,
    /// The list imported into, or exported.
    pub contact_list_id: Option<ID>,
    /// A new list per file instead (`{file}` and dates allowed).
    pub new_list_name: Option<String>,
    /// The saved column mapping of contact imports.
    pub import_mapping_id: Option<ID>,
    /// What a contact import does with the list's contents.
    pub import_mode: Option<ImportMode>,
    /// The suppression list imported into.
    pub suppression_list_id: Option<ID>,
    /// The campaign acted on.
    pub campaign_id: Option<ID>,
    /// List automation: start the campaign once loaded.
    #[graphql(default)]
    pub start_campaign: bool,
    /// The export target.
    pub export: Option<JobExportInput>,
    /// Purge: runs and picked-file records older than this many days.
    #[graphql(default = 90)]
    pub purge_after_days: u32,
}

fn optional_id(field: &str, id: Option<&ID>) -> async_graphql::Result<Option<uuid::Uuid>> {
    id.map(|id| parse_id(field, id)).transpose()
}

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl JobInput {
    fn into_domain(self) -> async_graphql::Result<JobSpec> {
        let source = match self.source {
            Some(source) => Some(Source {
                connection_id: parse_id("source.connectionId", &source.connection_id)?,
                directory: source.directory.trim().to_owned(),
                pattern: source.pattern.trim().to_owned(),
                after_pickup: source.after_pickup.into(),
                move_to: trimmed(source.move_to),
                settle_seconds: source.settle_seconds,
                require_file: source.require_file,
            }),
            None => None,
        };
        let export = match self.export {
            Some(export) => Some(scheduling::ExportTarget {
                source: export.source.into(),
                connection_id: optional_id("export.connectionId", export.connection_id.as_ref())?,
                directory: export.directory.trim().to_owned(),
                file_name: export.file_name.trim().to_owned(),
            }),
            None => None,
        };
        Ok(JobSpec {
            name: self.name.trim().to_owned(),
            kind: self.kind.into(),
            cron: self.cron.trim().to_owned(),
            time_zone: self.time_zone.trim().to_owned(),
            enabled: self.enabled,
            misfire_policy: self.misfire_policy.into(),
            max_retries: self.max_retries,
            retry_delay_seconds: self.retry_delay_seconds,
            source,
            contact_list_id: optional_id("contactListId", self.contact_list_id.as_ref())?,
            new_list_name: trimmed(self.new_list_name),
            import_mapping_id: optional_id("importMappingId", self.import_mapping_id.as_ref())?,
            import_mode: self
                .import_mode
                .map(|mode| workers::import::ImportMode::from(mode).as_str().to_owned()),
            suppression_list_id: optional_id(
                "suppressionListId",
                self.suppression_list_id.as_ref(),
            )?,
            campaign_id: optional_id("campaignId", self.campaign_id.as_ref())?,
            start_campaign: self.start_campaign,
            export,
            purge_after_days: self.purge_after_days,
        })
    }
}

/// An SFTP connection to create, replace or test.
#[derive(InputObject)]
pub struct SftpConnectionInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// Host name or address.
    pub host: String,
    /// TCP port.
    #[graphql(default = 22)]
    pub port: u16,
    /// Login name.
    pub username: String,
    /// How it logs in.
    pub auth_method: SftpAuthMethod,
    /// The password (write-only; none keeps the stored one).
    pub password: Option<String>,
    /// An OpenSSH private key (write-only; none keeps the stored one).
    pub private_key: Option<String>,
    /// The key's passphrase (write-only).
    pub private_key_passphrase: Option<String>,
    /// The pinned host key, `SHA256:…` as `ssh-keygen -lf` prints it.
    pub host_key_fingerprint: Option<String>,
}

impl From<SftpConnectionInput> for connections::ConnectionInput {
    fn from(input: SftpConnectionInput) -> Self {
        Self {
            name: input.name,
            host: input.host,
            port: input.port,
            username: input.username,
            auth_method: input.auth_method.as_str().to_owned(),
            password: input.password.filter(|p| !p.is_empty()),
            private_key: input.private_key.filter(|k| !k.trim().is_empty()),
            private_key_passphrase: input.private_key_passphrase.filter(|p| !p.is_empty()),
            host_key_fingerprint: trimmed(input.host_key_fingerprint),
        }
    }
}

/// Job Scheduler queries.
#[derive(Default)]
pub struct JobsQuery;

#[Object]
impl JobsQuery {
    /// The tenant's jobs by name.
    async fn jobs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Job>> {
        let jobs = jobs::list(services(ctx), principal(ctx)?).await.gql()?;
        Ok(jobs.into_iter().map(Job).collect())
    }

    /// One job.
    async fn job(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Job> {
        let id = parse_id("id", &id)?;
        Ok(Job(jobs::get(services(ctx), principal(ctx)?, id)
            .await
            .gql()?))
    }

    /// A job's runs, newest first.
    async fn job_runs(
        &self,
        ctx: &Context<'_>,
        job_id: ID,
        #[graphql(default = 20, validator(minimum = 1, maximum = 500))] first: u64,
    ) -> async_graphql::Result<Vec<JobRun>> {
        let id = parse_id("jobId", &job_id)?;
        let services = services(ctx);
        let principal = principal(ctx)?;
        let job = jobs::get(services, principal, id).await.gql()?;
        let runs = jobs::runs(services, principal, id, first).await.gql()?;
        Ok(runs
            .into_iter()
            .map(|run| JobRun::new(run, Some(job.row.name.clone())))
            .collect())
    }

    /// One run, with its log.
    async fn job_run(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<JobRun> {
        let id = parse_id("id", &id)?;
        let run = jobs::get_run(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(JobRun::new(run, None))
    }

    /// The cron helper: whether an expression is valid in a zone, and its next firings there.
    async fn cron_preview(
        &self,
        ctx: &Context<'_>,
        cron: String,
        time_zone: String,
        #[graphql(default = 5, validator(minimum = 1, maximum = 50))] count: usize,
    ) -> async_graphql::Result<CronPreview> {
        principal(ctx)?;
        Ok(CronPreview::of(&cron, &time_zone, count))
    }

    /// The tenant's SFTP connections by name.
    async fn sftp_connections(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SftpConnection>> {
        let rows = connections::list(services(ctx), principal(ctx)?)
            .await
            .gql()?;
        Ok(rows.into_iter().map(SftpConnection).collect())
    }
}

/// Job Scheduler mutations.
#[derive(Default)]
pub struct JobsMutation;

#[Object]
impl JobsMutation {
    /// Creates a job (ADMIN, SUPERVISOR, LIST_MANAGER); every problem is reported with its field. The job acts as its saver.
    async fn create_job(&self, ctx: &Context<'_>, input: JobInput) -> async_graphql::Result<Job> {
        let spec = input.into_domain()?;
        Ok(Job(jobs::create(services(ctx), principal(ctx)?, spec)
            .await
            .gql()?))
    }

    /// Replaces a job's definition; a changed schedule owes no firing missed before the change.
    async fn update_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: JobInput,
    ) -> async_graphql::Result<Job> {
        let id = parse_id("id", &id)?;
        let spec = input.into_domain()?;
        Ok(Job(jobs::update(services(ctx), principal(ctx)?, id, spec)
            .await
            .gql()?))
    }

    /// Deletes a job with its runs; returns its id.
    async fn delete_job(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        let id = parse_id("id", &id)?;
        let id = jobs::delete(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(ID(id.to_string()))
    }

    /// Queues a run now, whatever the schedule or enabled flag (a `scheduler` role runs it).
    async fn run_job_now(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<JobRun> {
        let id = parse_id("id", &id)?;
        let run = jobs::run_now(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(JobRun::new(run, None))
    }

    /// Saves a new SFTP connection; secrets are never shown again.
    async fn create_sftp_connection(
        &self,
        ctx: &Context<'_>,
        input: SftpConnectionInput,
    ) -> async_graphql::Result<SftpConnection> {
        let row = connections::create(services(ctx), principal(ctx)?, input.into())
            .await
            .gql()?;
        Ok(SftpConnection(row))
    }

    /// Replaces a connection; secrets left out keep their stored values.
    async fn update_sftp_connection(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: SftpConnectionInput,
    ) -> async_graphql::Result<SftpConnection> {
        let id = parse_id("id", &id)?;
        let row = connections::update(services(ctx), principal(ctx)?, id, input.into())
            .await
            .gql()?;
        Ok(SftpConnection(row))
    }

    /// Deletes a connection no job uses; returns its id.
    async fn delete_sftp_connection(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        let id = parse_id("id", &id)?;
        let id = connections::delete(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(ID(id.to_string()))
    }

    /// "Test connection": a saved connection (`id`), an unsaved one (`input`) or an edit of a saved one (both).
    async fn test_sftp_connection(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        input: Option<SftpConnectionInput>,
        #[graphql(default_with = "String::from(\".\")")] directory: String,
    ) -> async_graphql::Result<SftpConnectionTest> {
        let id = optional_id("id", id.as_ref())?;
        if id.is_none() && input.is_none() {
            return Err(ApiError::bad_input(
                "id",
                "give the id of a saved connection or an input to test",
            ))
            .gql();
        }
        let probe = connections::test(
            services(ctx),
            principal(ctx)?,
            id,
            input.map(Into::into),
            directory.trim(),
        )
        .await
        .gql()?;
        Ok(probe.into())
    }
}

/// Job Scheduler subscriptions.
#[derive(Default)]
pub struct JobsSubscription;

#[Subscription]
impl JobsSubscription {
    /// Every change of the tenant's runs from now on (of one job when given), from any replica.
    async fn job_run_updates(
        &self,
        ctx: &Context<'_>,
        job_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = JobRun>> {
        let job_id = optional_id("jobId", job_id.as_ref())?;
        let runs = jobs::run_updates(services(ctx), principal(ctx)?, job_id)
            .await
            .gql()?;
        Ok(runs.map(|run| JobRun::new(run, None)))
    }
}
