//! A list's import history: the `ListImports` operation, the row the Imports
//! table draws, and the plain rules it follows (status badge, mode label,
//! when to poll, what the rejected-rows file is called).
//!
//! These rules would sit in `state/` beside the wizard's; they live next to
//! their operation so the section is one API file and one page file.

use graphql_client::GraphQLQuery;

#[allow(unused_imports)] // Used by the generated module through `use super::*`.
use super::schema_types::DateTime;
use super::schema_types::ImportMode;
use crate::format::Badge;
use crate::state::import::status_label;
use crate::state::models::Page;

/// `contactList(id) { importJobs(first, after) }`: one page of a list's imports, newest first.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ListImports.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ListImports;

/// A row of the Imports table: one import job.
pub type ImportRow = list_imports::ListImportsContactListImportJobsEdgesNode;

/// One list a split import wrote to.
pub type ImportPartRow = list_imports::ListImportsContactListImportJobsEdgesNodeParts;

impl From<list_imports::ListImportsContactListImportJobs> for Page<ImportRow> {
    fn from(connection: list_imports::ListImportsContactListImportJobs) -> Self {
        Page {
            rows: connection.edges.into_iter().map(|edge| edge.node).collect(),
            total_count: connection.total_count,
            has_next_page: connection.page_info.has_next_page,
            end_cursor: connection.page_info.end_cursor,
        }
    }
}

impl ImportRow {
    /// Whether the job is still waiting or running (the table polls meanwhile).
    pub fn is_active(&self) -> bool {
        matches!(self.status.as_str(), "QUEUED" | "RUNNING")
    }

    /// The status badge, in the wizard's words.
    pub fn status_badge(&self) -> Badge {
        let class = match self.status.as_str() {
            "QUEUED" => "badge badge--muted",
            "RUNNING" => "badge badge--info",
            "SUCCEEDED" => "badge badge--ok",
            "FAILED" => "badge badge--danger",
            _ => "badge",
        };
        Badge {
            label: status_label(&self.status),
            class,
        }
    }

    /// The mode as the wizard names it ("Append", "Replace", …); an unknown
    /// value is shown as sent rather than hidden.
    pub fn mode_label(&self) -> String {
        ImportMode::ALL
            .into_iter()
            .find(|mode| mode.wire_name() == self.mode)
            .map_or_else(|| self.mode.clone(), |mode| mode.label().to_owned())
    }

    /// Why the job failed: its error for a `FAILED` job, nothing otherwise.
    pub fn failure(&self) -> Option<String> {
        if self.status != "FAILED" {
            return None;
        }
        Some(
            self.error
                .clone()
                .filter(|error| !error.trim().is_empty())
                .unwrap_or_else(|| "No reason was given.".to_owned()),
        )
    }

    /// Whether there are refused rows to download.
    pub fn has_rejections(&self) -> bool {
        self.rejected > 0
    }

    /// The name the rejected-rows download is saved under: `leads-rejected-rows.csv`
    /// for `leads.csv`, reduced to characters every file system accepts.
    pub fn rejections_file_name(&self) -> String {
        let stem = self
            .file_name
            .rsplit_once('.')
            .map_or(self.file_name.as_str(), |(stem, _extension)| stem);
        let safe: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let safe = safe.trim_matches('-');
        if safe.is_empty() {
            "rejected-rows.csv".to_owned()
        } else {
            format!("{safe}-rejected-rows.csv")
        }
    }
}

/// Whether any job on the page is still waiting or running.
pub fn any_active(rows: &[ImportRow]) -> bool {
    rows.iter().any(ImportRow::is_active)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job_json(status: &str) -> serde_json::Value {
        serde_json::json!({
            "id": "j1", "status": status, "mode": "APPEND_ONLY", "fileName": "spring leads.csv",
            "fileBytes": 120, "rowsRead": 3, "accepted": 2, "rejected": 1, "duplicates": 0,
            "filtered": 0, "suppressed": 0, "error": null,
            "createdAt": "2026-11-21T02:34:56Z", "finishedAt": null,
            "parts": [{ "listId": "l2", "name": "Leads – East", "accepted": 2 }]
        })
    }

    fn job(status: &str) -> ImportRow {
        serde_json::from_value(job_json(status)).expect("a job parses")
    }

    #[test]
    fn a_page_of_imports_reads_the_connection() {
        let json = serde_json::json!({
            "totalCount": 30,
            "pageInfo": { "hasNextPage": true, "endCursor": "c25" },
            "edges": [{ "node": job_json("SUCCEEDED") }]
        });
        let connection: list_imports::ListImportsContactListImportJobs =
            serde_json::from_value(json).expect("parses");
        let page = Page::from(connection);
        assert_eq!(page.rows, vec![job("SUCCEEDED")]);
        assert_eq!(page.rows[0].parts[0].name, "Leads – East");
        assert_eq!(page.total_count, 30);
        assert!(page.has_next_page);
        assert_eq!(page.end_cursor.as_deref(), Some("c25"));
    }

    #[test]
    fn only_waiting_and_running_jobs_are_polled() {
        let cases = [
            ("QUEUED", true),
            ("RUNNING", true),
            ("SUCCEEDED", false),
            ("FAILED", false),
            ("SOMETHING_NEW", false),
        ];
        for (status, active) in cases {
            assert_eq!(job(status).is_active(), active, "{status}");
        }
        assert!(!any_active(&[]));
        assert!(!any_active(&[job("SUCCEEDED"), job("FAILED")]));
        assert!(any_active(&[job("SUCCEEDED"), job("RUNNING")]));
    }

    #[test]
    fn statuses_get_the_wizards_words_and_a_badge_colour() {
        let cases = [
            ("QUEUED", "Waiting to start", "badge badge--muted"),
            ("RUNNING", "Importing", "badge badge--info"),
            ("SUCCEEDED", "Finished", "badge badge--ok"),
            ("FAILED", "Failed", "badge badge--danger"),
            ("SOMETHING_NEW", "Unknown", "badge"),
        ];
        for (status, label, class) in cases {
            let badge = job(status).status_badge();
            assert_eq!((badge.label, badge.class), (label, class), "{status}");
        }
    }

    #[test]
    fn modes_are_named_as_in_the_wizard() {
        let mut row = job("SUCCEEDED");
        for mode in ImportMode::ALL {
            row.mode = mode.wire_name().to_owned();
            assert_eq!(row.mode_label(), mode.label());
        }
        row.mode = "MERGE".to_owned();
        assert_eq!(row.mode_label(), "MERGE");
    }

    #[test]
    fn only_a_failed_job_shows_its_error() {
        let mut row = job("SUCCEEDED");
        row.error = Some("ignored".to_owned());
        assert_eq!(row.failure(), None);
        row.status = "FAILED".to_owned();
        assert_eq!(row.failure().as_deref(), Some("ignored"));
        row.error = Some("  ".to_owned());
        assert_eq!(row.failure().as_deref(), Some("No reason was given."));
        row.error = None;
        assert_eq!(row.failure().as_deref(), Some("No reason was given."));
    }

    #[test]
    fn the_rejected_rows_file_is_named_after_the_upload() {
        let mut row = job("SUCCEEDED");
        assert!(row.has_rejections());
        let cases = [
            ("spring leads.csv", "spring-leads-rejected-rows.csv"),
            ("leads.2026.csv", "leads-2026-rejected-rows.csv"),
            ("no-extension", "no-extension-rejected-rows.csv"),
            ("../../etc.csv", "etc-rejected-rows.csv"),
            ("ünïcode.csv", "n-code-rejected-rows.csv"),
            (".csv", "rejected-rows.csv"),
            ("", "rejected-rows.csv"),
        ];
        for (file_name, expected) in cases {
            row.file_name = file_name.to_owned();
            assert_eq!(row.rejections_file_name(), expected, "{file_name:?}");
        }
        row.rejected = 0;
        assert!(!row.has_rejections());
    }
}
