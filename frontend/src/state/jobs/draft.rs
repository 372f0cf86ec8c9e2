//! The job editor's draft: the fields as typed, a saved job's settings
//! read back into them, and the `JobInput` sent (only the blocks the kind
//! needs), or the problems keyed by the server's field paths.

use super::{DEFAULT_CRON, KindNeeds, kind_needs};
use crate::api::error::FieldError;
use crate::api::job_types::{AfterPickup, ExportSource, JobKind, MisfirePolicy};
use crate::api::jobs::{Job, JobExportInput, JobInput, JobSourceInput};
use crate::api::schema_types::ImportMode;
use crate::state::forms::field_error;

/// The job editor's fields, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobDraft {
    /// The name.
    pub name: String,
    /// What the job does.
    pub kind: JobKind,
    /// The cron expression.
    pub cron: String,
    /// The IANA zone.
    pub time_zone: String,
    /// Whether it fires.
    pub enabled: bool,
    /// Missed firings.
    pub misfire_policy: MisfirePolicy,
    /// Attempts after the first failure (digits).
    pub max_retries: String,
    /// Seconds between attempts (digits).
    pub retry_delay_seconds: String,
    /// The source's SFTP connection id.
    pub source_connection_id: String,
    /// The remote directory.
    pub source_directory: String,
    /// The file pattern.
    pub source_pattern: String,
    /// What happens to a picked-up file.
    pub after_pickup: AfterPickup,
    /// Where `MOVE` puts it.
    pub move_to: String,
    /// Settle time (digits).
    pub settle_seconds: String,
    /// Whether finding no file fails the run.
    pub require_file: bool,
    /// The contact list id (empty: a new list per file, when allowed).
    pub contact_list_id: String,
    /// The new list's name template.
    pub new_list_name: String,
    /// The saved mapping id (empty: none).
    pub import_mapping_id: String,
    /// The import mode.
    pub import_mode: ImportMode,
    /// The suppression list id.
    pub suppression_list_id: String,
    /// The campaign id.
    pub campaign_id: String,
    /// Start the campaign once loaded.
    pub start_campaign: bool,
    /// What an export writes.
    pub export_source: ExportSource,
    /// The export's SFTP connection (empty: the server's exports directory).
    pub export_connection_id: String,
    /// The export's directory.
    pub export_directory: String,
    /// The export's file name template.
    pub export_file_name: String,
    /// Purge age in days (digits).
    pub purge_after_days: String,
}

impl JobDraft {
    /// A new job's form, scheduled daily at 06:00 in `time_zone`.
    pub fn new(time_zone: String) -> JobDraft {
        JobDraft {
            name: String::new(),
            kind: JobKind::ContactImport,
            cron: DEFAULT_CRON.to_owned(),
            time_zone,
            enabled: true,
            misfire_policy: MisfirePolicy::RunOnce,
            max_retries: "3".to_owned(),
            retry_delay_seconds: "60".to_owned(),
            source_connection_id: String::new(),
            source_directory: ".".to_owned(),
            source_pattern: String::new(),
            after_pickup: AfterPickup::Keep,
            move_to: String::new(),
            settle_seconds: "0".to_owned(),
            require_file: false,
            contact_list_id: String::new(),
            new_list_name: String::new(),
            import_mapping_id: String::new(),
            import_mode: ImportMode::AppendOnly,
            suppression_list_id: String::new(),
            campaign_id: String::new(),
            start_campaign: false,
            export_source: ExportSource::ContactList,
            export_connection_id: String::new(),
            export_directory: ".".to_owned(),
            export_file_name: "export_{date:%Y%m%d}.csv".to_owned(),
            purge_after_days: "90".to_owned(),
        }
    }

    /// The form of a saved job.
    pub fn from_job(job: &Job) -> JobDraft {
        let mut draft = JobDraft::new(job.time_zone.clone());
        draft.name = job.name.clone();
        draft.kind = job.kind;
        draft.cron = job.cron.clone();
        draft.enabled = job.enabled;
        draft.misfire_policy = job.misfire_policy;
        draft.max_retries = job.max_retries.to_string();
        draft.retry_delay_seconds = job.retry_delay_seconds.to_string();
        if let Some(source) = &job.source {
            draft.source_connection_id = source.connection_id.clone();
            draft.source_directory = source.directory.clone();
            draft.source_pattern = source.pattern.clone();
            draft.after_pickup = source.after_pickup;
            draft.move_to = source.move_to.clone().unwrap_or_default();
            draft.settle_seconds = source.settle_seconds.to_string();
            draft.require_file = source.require_file;
        }
        draft.contact_list_id = job.contact_list_id.clone().unwrap_or_default();
        draft.new_list_name = job.new_list_name.clone().unwrap_or_default();
        draft.import_mapping_id = job.import_mapping_id.clone().unwrap_or_default();
        draft.import_mode = job.import_mode.unwrap_or(ImportMode::AppendOnly);
        draft.suppression_list_id = job.suppression_list_id.clone().unwrap_or_default();
        draft.campaign_id = job.campaign_id.clone().unwrap_or_default();
        draft.start_campaign = job.start_campaign;
        if let Some(export) = &job.export {
            draft.export_source = export.source;
            draft.export_connection_id = export.connection_id.clone().unwrap_or_default();
            draft.export_directory = export.directory.clone();
            draft.export_file_name = export.file_name.clone();
        }
        draft.purge_after_days = job.purge_after_days.to_string();
        draft
    }

    /// What the kind chosen needs.
    pub fn needs(&self) -> KindNeeds {
        kind_needs(self.kind, self.export_source)
    }

    // The forms call `to_input`; the tests read the problems alone.
    #[cfg(test)]
    /// The problems that make sending pointless, keyed by the server's paths.
    pub fn problems(&self) -> Vec<FieldError> {
        self.to_input().err().unwrap_or_default()
    }

    /// The mutation's input (only the blocks the kind needs), or the problems.
    pub fn to_input(&self) -> Result<JobInput, Vec<FieldError>> {
        let mut problems = Vec::new();
        let needs = self.needs();
        if self.name.trim().is_empty() {
            problems.push(field_error("name", "Enter a name."));
        }
        if self.cron.trim().is_empty() {
            problems.push(field_error("cron", "Enter a cron expression."));
        }
        if self.time_zone.trim().is_empty() {
            problems.push(field_error(
                "timeZone",
                "Enter a time zone, e.g. America/New_York.",
            ));
        }
        let max_retries = count(&self.max_retries, "maxRetries", &mut problems);
        let retry_delay = count(
            &self.retry_delay_seconds,
            "retryDelaySeconds",
            &mut problems,
        );
        let source = needs
            .source
            .then(|| self.source_input(&mut problems))
            .flatten();
        let contact_list_id = non_empty(&self.contact_list_id).filter(|_| needs.contact_list);
        let new_list_name =
            non_empty(&self.new_list_name).filter(|_| needs.new_list && contact_list_id.is_none());
        if needs.contact_list && contact_list_id.is_none() && new_list_name.is_none() {
            let message = if needs.new_list {
                "Choose a list, or name a new list per file."
            } else {
                "Choose a list."
            };
            problems.push(field_error("contactListId", message));
        }
        let suppression_list_id =
            non_empty(&self.suppression_list_id).filter(|_| needs.suppression_list);
        if needs.suppression_list && suppression_list_id.is_none() {
            problems.push(field_error(
                "suppressionListId",
                "Choose a suppression list.",
            ));
        }
        let campaign_id = non_empty(&self.campaign_id).filter(|_| needs.campaign);
        if needs.campaign && campaign_id.is_none() {
            problems.push(field_error("campaignId", "Choose a campaign."));
        }
        let export = needs
            .export
            .then(|| self.export_input(&mut problems))
            .flatten();
        let purge_after_days = if needs.purge {
            count(&self.purge_after_days, "purgeAfterDays", &mut problems)
        } else {
            Some(90)
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(JobInput {
            name: self.name.trim().to_owned(),
            kind: self.kind,
            cron: self.cron.trim().to_owned(),
            time_zone: self.time_zone.trim().to_owned(),
            enabled: self.enabled,
            misfire_policy: self.misfire_policy,
            max_retries: max_retries.unwrap_or_default(),
            retry_delay_seconds: retry_delay.unwrap_or_default(),
            source,
            contact_list_id,
            new_list_name,
            import_mapping_id: non_empty(&self.import_mapping_id).filter(|_| needs.import_settings),
            import_mode: needs.import_settings.then_some(self.import_mode),
            suppression_list_id,
            campaign_id,
            start_campaign: needs.start_campaign && self.start_campaign,
            export,
            purge_after_days: purge_after_days.unwrap_or_default(),
        })
    }

    /// The source block, or `None` with its problems recorded.
    fn source_input(&self, problems: &mut Vec<FieldError>) -> Option<JobSourceInput> {
        let before = problems.len();
        let connection_id = non_empty(&self.source_connection_id);
        if connection_id.is_none() {
            problems.push(field_error(
                "source.connectionId",
                "Choose an SFTP connection.",
            ));
        }
        if self.source_directory.trim().is_empty() {
            problems.push(field_error(
                "source.directory",
                "Enter a directory (. for the home directory).",
            ));
        }
        if self.source_pattern.trim().is_empty() {
            problems.push(field_error(
                "source.pattern",
                "Enter a file name pattern, e.g. *.csv.",
            ));
        }
        let move_to = non_empty(&self.move_to).filter(|_| self.after_pickup == AfterPickup::Move);
        if self.after_pickup == AfterPickup::Move && move_to.is_none() {
            problems.push(field_error(
                "source.moveTo",
                "Enter the directory to move files into.",
            ));
        }
        let settle_seconds = count(&self.settle_seconds, "source.settleSeconds", problems);
        if problems.len() > before {
            return None;
        }
        Some(JobSourceInput {
            connection_id: connection_id.unwrap_or_default(),
            directory: self.source_directory.trim().to_owned(),
            pattern: self.source_pattern.trim().to_owned(),
            after_pickup: self.after_pickup,
            move_to,
            settle_seconds: settle_seconds.unwrap_or_default(),
            require_file: self.require_file,
        })
    }

    /// The export block, or `None` with its problems recorded.
    fn export_input(&self, problems: &mut Vec<FieldError>) -> Option<JobExportInput> {
        let before = problems.len();
        if self.export_directory.trim().is_empty() {
            problems.push(field_error(
                "export.directory",
                "Enter a directory (. for the default).",
            ));
        }
        if self.export_file_name.trim().is_empty() {
            problems.push(field_error(
                "export.fileName",
                "Enter a file name, e.g. results_{date:%Y%m%d}.csv.",
            ));
        }
        if problems.len() > before {
            return None;
        }
        Some(JobExportInput {
            source: self.export_source,
            connection_id: non_empty(&self.export_connection_id),
            directory: self.export_directory.trim().to_owned(),
            file_name: self.export_file_name.trim().to_owned(),
        })
    }
}

/// The trimmed text, or `None` when blank.
fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A whole number of zero or more typed in `field`; records a problem otherwise.
fn count(text: &str, field: &str, problems: &mut Vec<FieldError>) -> Option<i64> {
    match text.trim().parse::<i64>() {
        Ok(value) if (0..=1_000_000).contains(&value) => Some(value),
        _ => {
            problems.push(field_error(field, "Enter a whole number, 0 or more."));
            None
        }
    }
}
