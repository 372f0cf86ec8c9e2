//! The enums of the Job Scheduler's operations (issue 7), declared once so a
//! value read by one operation (a job's kind, a run's status) can be sent
//! back by another and the state modules can reuse them; every other type
//! is generated from `schema.graphql` (`api::jobs`). The tests check these
//! against the schema.

use serde::{Deserialize, Serialize};

use super::compliance_types::schema_enum;

schema_enum! {
    /// What a scheduled job does when it fires.
    JobKind {
        /// Picks files up over SFTP and imports them into a contact list.
        ContactImport = "CONTACT_IMPORT", "Contact import";
        /// Picks files up over SFTP and adds them to a suppression list.
        SuppressionImport = "SUPPRESSION_IMPORT", "Suppression import";
        /// Writes a list or a campaign's results to a file.
        Export = "EXPORT", "Export";
        /// Imports files into a list and attaches it to a campaign.
        ListAutomation = "LIST_AUTOMATION", "List automation";
        /// Starts a campaign.
        CampaignStart = "CAMPAIGN_START", "Start campaign";
        /// Stops a campaign.
        CampaignStop = "CAMPAIGN_STOP", "Stop campaign";
        /// Refreshes the numbering and compliance data.
        ComplianceRefresh = "COMPLIANCE_REFRESH", "Compliance data refresh";
        /// Deletes old results and files.
        Purge = "PURGE", "Purge old data";
    }
}

schema_enum! {
    /// What happens to firings missed while the scheduler was down.
    MisfirePolicy {
        /// Run the missed firing once after downtime.
        RunOnce = "RUN_ONCE", "Run once after downtime";
        /// Wait for the next firing.
        Skip = "SKIP", "Skip missed firings";
    }
}

schema_enum! {
    /// What the job does with a remote file once it was picked up.
    AfterPickup {
        /// Leave it where it is (the job remembers it was picked up).
        Keep = "KEEP", "Keep";
        /// Delete it from the server.
        Delete = "DELETE", "Delete";
        /// Move it into another directory.
        Move = "MOVE", "Move";
    }
}

schema_enum! {
    /// What an export job writes.
    ExportSource {
        /// A contact list's contacts.
        ContactList = "CONTACT_LIST", "Contact list";
        /// A campaign's call results.
        CampaignResults = "CAMPAIGN_RESULTS", "Campaign results";
    }
}

schema_enum! {
    /// How an SFTP connection signs in.
    SftpAuthMethod {
        /// A password.
        Password = "PASSWORD", "Password";
        /// A private key (with an optional passphrase).
        PrivateKey = "PRIVATE_KEY", "Private key";
    }
}

/// Where a run is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobRunStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is on it.
    Running,
    /// Failed; another attempt is scheduled.
    Retrying,
    /// Done.
    Succeeded,
    /// Failed for good.
    Failed,
    /// A status this build does not know yet (the server is newer than the app).
    #[serde(other)]
    Unknown,
}

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobRunTrigger {
    /// Its cron schedule.
    Schedule,
    /// A firing missed during downtime, run afterwards.
    Misfire,
    /// Someone pressed "Run now".
    Manual,
    /// A trigger this build does not know yet.
    #[serde(other)]
    Unknown,
}

/// How serious a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobLogLevel {
    /// Progress.
    Info,
    /// Something odd that did not stop the run.
    Warn,
    /// What made the run fail.
    Error,
    /// A level this build does not know yet.
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::compliance_types::tests::schema_enum_values;

    fn wire_names(names: impl Iterator<Item = &'static str>) -> Vec<String> {
        let mut names: Vec<String> = names.map(str::to_owned).collect();
        names.sort();
        names
    }

    fn serde_names<T: Serialize>(values: &[T]) -> Vec<String> {
        let mut names: Vec<String> = values
            .iter()
            .map(|value| serde_json::to_value(value).expect("serialises"))
            .map(|json| json.as_str().unwrap_or_default().to_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn the_enums_match_the_schema() {
        let table = [
            (
                "JobKind",
                wire_names(JobKind::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "MisfirePolicy",
                wire_names(MisfirePolicy::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "AfterPickup",
                wire_names(AfterPickup::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "ExportSource",
                wire_names(ExportSource::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "SftpAuthMethod",
                wire_names(SftpAuthMethod::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "JobRunStatus",
                serde_names(&[
                    JobRunStatus::Queued,
                    JobRunStatus::Running,
                    JobRunStatus::Retrying,
                    JobRunStatus::Succeeded,
                    JobRunStatus::Failed,
                ]),
            ),
            (
                "JobRunTrigger",
                serde_names(&[
                    JobRunTrigger::Schedule,
                    JobRunTrigger::Misfire,
                    JobRunTrigger::Manual,
                ]),
            ),
            (
                "JobLogLevel",
                serde_names(&[JobLogLevel::Info, JobLogLevel::Warn, JobLogLevel::Error]),
            ),
        ];
        for (name, ours) in table {
            assert_eq!(ours, schema_enum_values(name), "{name}");
        }
    }

    #[test]
    fn wire_names_are_the_serde_names() {
        for kind in JobKind::ALL {
            let json = serde_json::to_value(kind).expect("serialises");
            assert_eq!(json, kind.wire_name());
            assert_eq!(JobKind::from_wire_name(kind.wire_name()), Some(*kind));
        }
    }

    #[test]
    fn statuses_from_a_newer_server_are_unknown() {
        let status: JobRunStatus = serde_json::from_str("\"CANCELLED\"").expect("parses");
        assert_eq!(status, JobRunStatus::Unknown);
        let status: JobRunStatus = serde_json::from_str("\"RETRYING\"").expect("parses");
        assert_eq!(status, JobRunStatus::Retrying);
    }
}
