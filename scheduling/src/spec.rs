//! What a job is: its schedule, its kind and the settings its kind needs,
//! checked as a whole so every problem is reported at once with its field.

use domain::ValidationError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{CronSchedule, FilePattern, MisfirePolicy, NameTemplate};

/// What a job does when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
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
    /// Delete old job runs, old picked-file records and expired suppression entries.
    Purge,
}

impl JobKind {
    /// Every kind, in the order the SPA lists them.
    pub const ALL: [JobKind; 8] = [
        JobKind::ContactImport,
        JobKind::SuppressionImport,
        JobKind::Export,
        JobKind::ListAutomation,
        JobKind::CampaignStart,
        JobKind::CampaignStop,
        JobKind::ComplianceRefresh,
        JobKind::Purge,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::ContactImport => "CONTACT_IMPORT",
            JobKind::SuppressionImport => "SUPPRESSION_IMPORT",
            JobKind::Export => "EXPORT",
            JobKind::ListAutomation => "LIST_AUTOMATION",
            JobKind::CampaignStart => "CAMPAIGN_START",
            JobKind::CampaignStop => "CAMPAIGN_STOP",
            JobKind::ComplianceRefresh => "COMPLIANCE_REFRESH",
            JobKind::Purge => "PURGE",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// Whether the kind fetches files (and so needs a [`Source`]).
    pub fn fetches_files(self) -> bool {
        matches!(
            self,
            JobKind::ContactImport | JobKind::SuppressionImport | JobKind::ListAutomation
        )
    }
}

/// What happens to a remote file once it has been picked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AfterPickup {
    /// Leave it (it is remembered by name, size and checksum, so never taken twice).
    Keep,
    /// Delete it.
    Delete,
    /// Move it into `move_to`.
    Move,
}

/// Where a job's files come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The SFTP connection.
    pub connection_id: Uuid,
    /// The remote directory.
    pub directory: String,
    /// Which files ([`FilePattern`]).
    pub pattern: String,
    /// What to do with a file once taken.
    pub after_pickup: AfterPickup,
    /// The directory files move to with [`AfterPickup::Move`].
    pub move_to: Option<String>,
    /// A file must keep its size this long before it is taken (still being uploaded otherwise).
    pub settle_seconds: u32,
    /// Whether finding no new file fails the run.
    pub require_file: bool,
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExportSource {
    /// A contact list's contacts and devices.
    ContactList,
    /// A campaign's calling list: every record with its outcome.
    CampaignResults,
}

/// Where an export goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportTarget {
    /// What is exported.
    pub source: ExportSource,
    /// The SFTP connection; none writes into the data directory.
    pub connection_id: Option<Uuid>,
    /// The remote (or data-directory relative) directory.
    pub directory: String,
    /// The file's name ([`NameTemplate`], dates allowed).
    pub file_name: String,
}

/// A job as stored and as edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    /// Unique in the tenant.
    pub name: String,
    /// What it does.
    pub kind: JobKind,
    /// When, in `time_zone`.
    pub cron: String,
    /// IANA zone the cron is read in (and dates in names are written in).
    pub time_zone: String,
    /// Whether the scheduler fires it.
    pub enabled: bool,
    /// What downtime does.
    pub misfire_policy: MisfirePolicy,
    /// Retries of a run after a transient failure.
    pub max_retries: u32,
    /// Wait before the first retry; doubles each time.
    pub retry_delay_seconds: u32,
    /// Files to fetch.
    pub source: Option<Source>,
    /// The list imported into or exported.
    pub contact_list_id: Option<Uuid>,
    /// A new list per file instead ([`NameTemplate`], `{file}` allowed).
    pub new_list_name: Option<String>,
    /// The saved column mapping of contact imports.
    pub import_mapping_id: Option<Uuid>,
    /// The contact import mode's stored name.
    pub import_mode: Option<String>,
    /// The suppression list imported into.
    pub suppression_list_id: Option<Uuid>,
    /// The campaign started, stopped, loaded or exported.
    pub campaign_id: Option<Uuid>,
    /// List automation: start the campaign once loaded.
    pub start_campaign: bool,
    /// Export target.
    pub export: Option<ExportTarget>,
    /// Purge: runs and picked-file records older than this many days.
    pub purge_after_days: u32,
}

impl JobSpec {
    /// The schedule, when the cron and zone are valid.
    pub fn schedule(&self) -> Result<CronSchedule, Vec<ValidationError>> {
        CronSchedule::parse(&self.cron, &self.time_zone)
    }

    /// Every problem with this job, each naming its input field.
    pub fn problems(&self) -> Vec<ValidationError> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 120 {
            problems.push(ValidationError::new("name", "must be 1 to 120 characters"));
        }
        if let Err(schedule) = self.schedule() {
            problems.extend(schedule);
        }
        if self.max_retries > 10 {
            problems.push(ValidationError::new("maxRetries", "must be 0 to 10"));
        }
        if !(1..=86_400).contains(&self.retry_delay_seconds) {
            problems.push(ValidationError::new(
                "retryDelaySeconds",
                "must be 1 second to 1 day",
            ));
        }
        self.source_problems(&mut problems);
        self.target_problems(&mut problems);
        problems
    }

    /// The file source: required exactly for the kinds that fetch files.
    fn source_problems(&self, problems: &mut Vec<ValidationError>) {
        match (&self.source, self.kind.fetches_files()) {
            (None, true) => problems.push(ValidationError::new(
                "source",
                format!(
                    "is required for {}: where the files come from",
                    self.kind.as_str()
                ),
            )),
            (Some(_), false) => problems.push(ValidationError::new(
                "source",
                format!("is not used by {}", self.kind.as_str()),
            )),
            (Some(source), true) => {
                if source.directory.trim().is_empty() {
                    problems.push(ValidationError::new(
                        "source.directory",
                        "is required (\".\" is the login directory)",
                    ));
                }
                if let Err(why) = FilePattern::parse(&source.pattern) {
                    problems.push(ValidationError::new("source.pattern", why));
                }
                match (source.after_pickup, &source.move_to) {
                    (AfterPickup::Move, None) => problems.push(ValidationError::new(
                        "source.moveTo",
                        "is required when files are moved after pickup",
                    )),
                    (AfterPickup::Move, Some(dir)) if dir.trim().is_empty() => {
                        problems.push(ValidationError::new(
                            "source.moveTo",
                            "is required when files are moved after pickup",
                        ))
                    }
                    (AfterPickup::Move, Some(dir))
                        if dir.trim_end_matches('/') == source.directory.trim_end_matches('/') =>
                    {
                        problems.push(ValidationError::new(
                            "source.moveTo",
                            "must differ from the directory files are taken from",
                        ))
                    }
                    _ => {}
                }
                if source.settle_seconds > 3600 {
                    problems.push(ValidationError::new(
                        "source.settleSeconds",
                        "must be 0 to 3600",
                    ));
                }
            }
            (None, false) => {}
        }
    }

    /// The objects each kind acts on.
    fn target_problems(&self, problems: &mut Vec<ValidationError>) {
        let require = |problems: &mut Vec<ValidationError>,
                       present: bool,
                       field: &'static str,
                       what: &str| {
            if !present {
                problems.push(ValidationError::new(
                    field,
                    format!("is required for {}: {what}", self.kind.as_str()),
                ));
            }
        };
        match self.kind {
            JobKind::ContactImport | JobKind::ListAutomation => {
                match (&self.contact_list_id, &self.new_list_name) {
                    (None, None) => problems.push(ValidationError::new(
                        "contactListId",
                        "give a list to import into, or a newListName to make a list per file",
                    )),
                    (Some(_), Some(_)) => problems.push(ValidationError::new(
                        "newListName",
                        "give either contactListId or newListName, not both",
                    )),
                    (None, Some(name)) => {
                        if let Err(why) = NameTemplate::parse(name, true) {
                            problems.push(ValidationError::new("newListName", why));
                        }
                    }
                    (Some(_), None) => {}
                }
                require(
                    problems,
                    self.import_mapping_id.is_some(),
                    "importMappingId",
                    "the saved column mapping of the files",
                );
                if self.kind == JobKind::ListAutomation {
                    require(
                        problems,
                        self.campaign_id.is_some(),
                        "campaignId",
                        "the campaign the list is assigned to",
                    );
                }
            }
            JobKind::SuppressionImport => {
                require(
                    problems,
                    self.suppression_list_id.is_some(),
                    "suppressionListId",
                    "the suppression list the numbers go to",
                );
            }
            JobKind::CampaignStart | JobKind::CampaignStop => {
                require(
                    problems,
                    self.campaign_id.is_some(),
                    "campaignId",
                    "the campaign",
                );
            }
            JobKind::Export => match &self.export {
                None => problems.push(ValidationError::new(
                    "export",
                    "is required for EXPORT: what is written and where",
                )),
                Some(export) => {
                    if let Err(why) = NameTemplate::parse(&export.file_name, false) {
                        problems.push(ValidationError::new("export.fileName", why));
                    }
                    if export.directory.trim().is_empty() {
                        problems.push(ValidationError::new(
                            "export.directory",
                            "is required (\".\" is the login directory)",
                        ));
                    }
                    match export.source {
                        ExportSource::ContactList => require(
                            problems,
                            self.contact_list_id.is_some(),
                            "contactListId",
                            "the list exported",
                        ),
                        ExportSource::CampaignResults => require(
                            problems,
                            self.campaign_id.is_some(),
                            "campaignId",
                            "the campaign whose results are exported",
                        ),
                    }
                }
            },
            JobKind::Purge => {
                if !(1..=3650).contains(&self.purge_after_days) {
                    problems.push(ValidationError::new("purgeAfterDays", "must be 1 to 3650"));
                }
            }
            JobKind::ComplianceRefresh => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purge() -> JobSpec {
        JobSpec {
            name: "Nightly purge".into(),
            kind: JobKind::Purge,
            cron: "0 3 * * *".into(),
            time_zone: "America/Chicago".into(),
            enabled: true,
            misfire_policy: MisfirePolicy::RunOnce,
            max_retries: 3,
            retry_delay_seconds: 60,
            source: None,
            contact_list_id: None,
            new_list_name: None,
            import_mapping_id: None,
            import_mode: None,
            suppression_list_id: None,
            campaign_id: None,
            start_campaign: true,
            export: None,
            purge_after_days: 30,
        }
    }

    fn fields(spec: &JobSpec) -> Vec<&'static str> {
        spec.problems().iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_plain_job_is_valid_and_round_trips_as_json() {
        let spec = purge();
        assert!(spec.problems().is_empty());
        let json = serde_json::to_value(&spec).expect("json");
        assert_eq!(json["kind"], "PURGE");
        assert_eq!(json["misfirePolicy"], "RUN_ONCE");
        assert_eq!(serde_json::from_value::<JobSpec>(json).expect("back"), spec);
    }

    #[test]
    fn every_problem_at_once() {
        let mut spec = purge();
        spec.kind = JobKind::ListAutomation;
        spec.cron = "0 25 * * *".into();
        spec.time_zone = "Europe/Atlantis".into();
        spec.retry_delay_seconds = 0;
        assert_eq!(
            fields(&spec),
            vec![
                "timeZone",
                "cron",
                "retryDelaySeconds",
                "source",
                "contactListId",
                "importMappingId",
                "campaignId"
            ]
        );
    }

    #[test]
    fn sources_are_checked() {
        let mut spec = purge();
        spec.kind = JobKind::SuppressionImport;
        spec.suppression_list_id = Some(Uuid::nil());
        spec.source = Some(Source {
            connection_id: Uuid::nil(),
            directory: "inbox".into(),
            pattern: "dnc_{date:%Q}.csv".into(),
            after_pickup: AfterPickup::Move,
            move_to: Some("inbox/".into()),
            settle_seconds: 0,
            require_file: true,
        });
        assert_eq!(fields(&spec), vec!["source.pattern", "source.moveTo"]);
        if let Some(source) = spec.source.as_mut() {
            source.pattern = "dnc_{date:%Y%m%d}.csv".into();
            source.move_to = Some("done".into());
        }
        assert!(spec.problems().is_empty());
    }

    #[test]
    fn exports_need_their_object() {
        let mut spec = purge();
        spec.kind = JobKind::Export;
        spec.export = Some(ExportTarget {
            source: ExportSource::CampaignResults,
            connection_id: None,
            directory: "outbox".into(),
            file_name: "results_{date:%Y%m%d}.csv".into(),
        });
        assert_eq!(fields(&spec), vec!["campaignId"]);
        spec.campaign_id = Some(Uuid::nil());
        assert!(spec.problems().is_empty());
    }
}
