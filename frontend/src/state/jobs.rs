//! The Job Scheduler's plain rules: which settings each kind of job needs,
//! the editor's draft and its checks, the cron helper's presets and zones,
//! and where a server problem (`source.pattern`, `cron`) is shown. Runs and
//! SFTP connections have their own submodules. Pure, so the host tests
//! cover them.

pub mod draft;
pub mod runs;
pub mod sftp;
#[cfg(test)]
mod tests;

use crate::api::error::ApiError;
use crate::api::job_types::{ExportSource, JobKind};
use crate::api::jobs::CronPreviewResult as CronPreview;

/// The zone a new job starts in when the browser does not say its own.
pub const DEFAULT_TIME_ZONE: &str = "America/New_York";

/// The cron expression a new job starts with.
pub const DEFAULT_CRON: &str = "0 6 * * *";

/// The cron helper's preset buttons: label and expression.
pub const CRON_PRESETS: &[(&str, &str)] = &[
    ("Every minute", "* * * * *"),
    ("Hourly", "0 * * * *"),
    ("Daily 06:00", "0 6 * * *"),
    ("Weekdays 08:30", "30 8 * * 1-5"),
];

/// The zones the time zone field suggests (any IANA zone may be typed).
pub const COMMON_TIME_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Toronto",
    "America/Vancouver",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Amsterdam",
    "Europe/Warsaw",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
];

/// The hint under the file pattern field.
pub const PATTERN_HINT: &str = "Globs * and ?; dates in the job's zone: {date:%Y%m%d} (today), \
     {date-1:%Y%m%d} (yesterday), {date+N:FMT}. E.g. leads_{date:%Y%m%d}*.csv";

/// The zone a new job starts in: the browser's own when it names one.
pub fn initial_time_zone(browser_zone: Option<String>) -> String {
    browser_zone
        .map(|zone| zone.trim().to_owned())
        .filter(|zone| !zone.is_empty())
        .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned())
}

/// "0 6 * * * (America/New_York)": a job's schedule in one cell.
pub fn schedule_label(cron: &str, time_zone: &str) -> String {
    format!("{cron} ({time_zone})")
}

/// The cron helper's problems with `field` (`cron` or `timeZone`), joined;
/// `None` when the preview found none.
pub fn preview_problem(preview: &CronPreview, field: &str) -> Option<String> {
    let messages: Vec<&str> = preview
        .problems
        .iter()
        .filter(|problem| problem.field == field)
        .map(|problem| problem.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

/// Which blocks of the editor a kind of job needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindNeeds {
    /// Files picked up over SFTP.
    pub source: bool,
    /// A contact list, or a new list name per file.
    pub contact_list: bool,
    /// May create a new list per file instead of using one.
    pub new_list: bool,
    /// A saved import mapping and an import mode.
    pub import_settings: bool,
    /// A suppression list.
    pub suppression_list: bool,
    /// A campaign.
    pub campaign: bool,
    /// The "start the campaign once loaded" box.
    pub start_campaign: bool,
    /// Where an export writes.
    pub export: bool,
    /// The purge age.
    pub purge: bool,
}

/// What `kind` needs; an export needs a list or a campaign by `export_source`.
pub fn kind_needs(kind: JobKind, export_source: ExportSource) -> KindNeeds {
    let none = KindNeeds::default();
    match kind {
        JobKind::ContactImport => KindNeeds {
            source: true,
            contact_list: true,
            new_list: true,
            import_settings: true,
            ..none
        },
        JobKind::SuppressionImport => KindNeeds {
            source: true,
            suppression_list: true,
            ..none
        },
        JobKind::ListAutomation => KindNeeds {
            source: true,
            contact_list: true,
            new_list: true,
            import_settings: true,
            campaign: true,
            start_campaign: true,
            ..none
        },
        JobKind::Export => KindNeeds {
            export: true,
            contact_list: export_source == ExportSource::ContactList,
            campaign: export_source == ExportSource::CampaignResults,
            ..none
        },
        JobKind::CampaignStart | JobKind::CampaignStop => KindNeeds {
            campaign: true,
            ..none
        },
        JobKind::ComplianceRefresh => none,
        JobKind::Purge => KindNeeds {
            purge: true,
            ..none
        },
    }
}

/// Every field path the editor shows a problem next to, as the server names them.
pub const JOB_FIELDS: &[&str] = &[
    "name",
    "kind",
    "cron",
    "timeZone",
    "misfirePolicy",
    "maxRetries",
    "retryDelaySeconds",
    "source",
    "source.connectionId",
    "source.directory",
    "source.pattern",
    "source.afterPickup",
    "source.moveTo",
    "source.settleSeconds",
    "contactListId",
    "newListName",
    "importMappingId",
    "importMode",
    "suppressionListId",
    "campaignId",
    "export",
    "export.source",
    "export.connectionId",
    "export.directory",
    "export.fileName",
    "purgeAfterDays",
];

/// The message `error` holds for `path` (`source.pattern`), whether the
/// server sent the whole path in `extensions.fields`, prefixed it with
/// `input.`, or sent only its last segment in `extensions.field`.
pub fn job_field_message<'error>(error: &'error ApiError, path: &str) -> Option<&'error str> {
    let last_segment = path.rsplit('.').next().unwrap_or(path);
    error
        .field_message(path)
        .or_else(|| error.field_message(&format!("input.{path}")))
        .or_else(|| error.field_message(last_segment))
}

/// Whether the editor must also show a banner: some problem names no field it shows.
pub fn job_error_needs_banner(error: &ApiError) -> bool {
    error.field_errors.is_empty()
        || error.field_errors.iter().any(|problem| {
            let field = problem
                .field
                .strip_prefix("input.")
                .unwrap_or(&problem.field);
            !JOB_FIELDS.contains(&field)
        })
}
