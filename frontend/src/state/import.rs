//! The upload wizard's rules: what each column probably is (guessed from its
//! header), the mapping the user ends up with and whether it can run, the
//! mapping as the server wants it, and the progress bar's numbers.
//!
//! The server has the last word on every row; the client only refuses a
//! mapping that cannot work (nothing to identify or reach a contact by, a
//! field filled by two columns).

use serde::{Deserialize, Serialize};

use crate::api::operations::{get_import_job, import_progress};
use crate::api::schema_types::{ContactField, DeviceKind};

/// The highest custom field number (`other1` … `other20`).
pub const CUSTOM_FIELDS: u8 = 20;

/// The country assumed for numbers written without a country code.
pub const DEFAULT_COUNTRY: &str = "US";

/// What one column of the file fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnTarget {
    /// Nothing: the column is skipped.
    Ignore,
    /// A contact field.
    Field(ContactField),
    /// A device (phone or e-mail) of the given kind.
    Device(DeviceKind),
    /// A custom field, `other1` … `other20`.
    Custom(u8),
}

impl ColumnTarget {
    /// Every choice, in the order the mapping menu lists them.
    pub fn all() -> Vec<ColumnTarget> {
        let mut all = vec![ColumnTarget::Ignore];
        all.extend(ContactField::ALL.map(ColumnTarget::Field));
        all.extend(DeviceKind::ALL.map(ColumnTarget::Device));
        all.extend((1..=CUSTOM_FIELDS).map(ColumnTarget::Custom));
        all
    }

    /// The `<option>` value: `ignore`, `field:CLIENT_ID`, `device:HOME`, `custom:3`.
    pub fn value(self) -> String {
        match self {
            ColumnTarget::Ignore => "ignore".to_owned(),
            ColumnTarget::Field(field) => format!("field:{}", field.wire_name()),
            ColumnTarget::Device(kind) => format!("device:{}", kind.wire_name()),
            ColumnTarget::Custom(number) => format!("custom:{number}"),
        }
    }

    /// The choice whose `value` is `value`, if any.
    pub fn from_value(value: &str) -> Option<ColumnTarget> {
        ColumnTarget::all()
            .into_iter()
            .find(|target| target.value() == value)
    }

    /// The name people read in the menu.
    pub fn label(self) -> String {
        match self {
            ColumnTarget::Ignore => "Ignore this column".to_owned(),
            ColumnTarget::Field(field) => field.label().to_owned(),
            ColumnTarget::Device(kind) => kind.label().to_owned(),
            ColumnTarget::Custom(number) => format!("Custom: other{number}"),
        }
    }

    /// Whether it identifies or reaches a contact (a mapping needs one).
    fn identifies(self) -> bool {
        matches!(
            self,
            ColumnTarget::Device(_) | ColumnTarget::Field(ContactField::ClientId)
        )
    }
}

/// The header's words, lower-cased: `"Cell_Phone#"` → `["cell", "phone"]`.
fn words(header: &str) -> Vec<String> {
    let mut spaced = String::with_capacity(header.len() + 4);
    let mut previous_lower = false;
    for character in header.chars() {
        // camelCase splits too: "firstName" → "first name".
        if character.is_uppercase() && previous_lower {
            spaced.push(' ');
        }
        previous_lower = character.is_lowercase();
        spaced.push(if character.is_alphanumeric() {
            character
        } else {
            ' '
        });
    }
    spaced
        .to_lowercase()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// What a column named `header` probably holds; `Ignore` when unsure.
pub fn guess_target(header: &str) -> ColumnTarget {
    let words = words(header);
    let joined = words.concat();
    let has = |candidates: &[&str]| words.iter().any(|word| candidates.contains(&word.as_str()));
    let contains = |parts: &[&str]| parts.iter().any(|part| joined.contains(part));

    if let Some(number) = joined
        .strip_prefix("other")
        .and_then(|rest| rest.parse::<u8>().ok())
        .filter(|number| (1..=CUSTOM_FIELDS).contains(number))
    {
        return ColumnTarget::Custom(number);
    }
    if contains(&["consent"]) {
        return if contains(&["sms", "text"]) {
            ColumnTarget::Field(ContactField::ConsentSms)
        } else if contains(&["mail"]) {
            ColumnTarget::Field(ContactField::ConsentEmail)
        } else {
            ColumnTarget::Field(ContactField::ConsentAutomated)
        };
    }
    if contains(&["mail"]) {
        return ColumnTarget::Device(DeviceKind::Email);
    }
    if has(&["sms", "text"]) {
        return ColumnTarget::Device(DeviceKind::Sms);
    }
    if contains(&["cell", "mobile"]) {
        return ColumnTarget::Device(DeviceKind::Mobile);
    }
    if has(&["work", "business", "office", "direct"]) && !contains(&["company"]) {
        return ColumnTarget::Device(DeviceKind::Work);
    }
    if contains(&["home", "phone", "tel"]) {
        return ColumnTarget::Device(DeviceKind::Home);
    }
    if contains(&["first", "given", "fname"]) {
        return ColumnTarget::Field(ContactField::FirstName);
    }
    if contains(&["last", "surname", "family", "lname"]) {
        return ColumnTarget::Field(ContactField::LastName);
    }
    if contains(&["company", "organisation", "organization", "employer"]) {
        return ColumnTarget::Field(ContactField::Company);
    }
    if contains(&["zip", "postal", "postcode"]) {
        return ColumnTarget::Field(ContactField::PostalCode);
    }
    if contains(&["country"]) {
        return ColumnTarget::Field(ContactField::Country);
    }
    if contains(&["timezone"]) || has(&["tz"]) {
        return ColumnTarget::Field(ContactField::TimeZone);
    }
    if contains(&["account", "client", "customer"]) || has(&["id"]) {
        return ColumnTarget::Field(ContactField::ClientId);
    }
    ColumnTarget::Ignore
}

/// A guess for every column; a field or custom field guessed twice goes to
/// the first column only (devices may repeat: two mobile columns are fine).
pub fn guess_mapping(headers: &[String]) -> Vec<ColumnTarget> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|header| {
            let guess = guess_target(header);
            if matches!(guess, ColumnTarget::Device(_) | ColumnTarget::Ignore) {
                return guess;
            }
            if taken.contains(&guess) {
                ColumnTarget::Ignore
            } else {
                taken.push(guess);
                guess
            }
        })
        .collect()
}

/// The names shown for the columns: the headers, or "Column 1" … when the
/// file has none (as many as the widest previewed row).
pub fn column_names(headers: Option<&[String]>, widest_row: usize) -> Vec<String> {
    match headers {
        Some(headers) if !headers.is_empty() => headers.to_vec(),
        _ => (1..=widest_row).map(|n| format!("Column {n}")).collect(),
    }
}

/// One column of a mapping as the server reads it (`ColumnMappingInput`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnSpec {
    /// The header name (case-insensitive), when the file has headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// The 1-based position, when it has not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// The contact field it fills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<ContactField>,
    /// The device kind it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceKind>,
    /// The custom field number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<i64>,
    /// Clean-ups; the wizard sets none but keeps a saved mapping's.
    #[serde(default)]
    pub transforms: Vec<String>,
}

/// A whole mapping as the server reads it (`ImportMappingInput`, and the
/// `spec` JSON of a saved mapping).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingSpec {
    /// ISO country for numbers without a country code.
    pub default_country: String,
    /// The mapped columns.
    pub columns: Vec<ColumnSpec>,
}

impl MappingSpec {
    /// The same mapping as one of the generated `ImportMappingInput` types
    /// (each operation module has its own; they share the wire format).
    pub fn to_input<Input: serde::de::DeserializeOwned>(&self) -> Result<Input, String> {
        serde_json::to_value(self)
            .and_then(serde_json::from_value)
            .map_err(|error| format!("The mapping could not be encoded: {error}."))
    }
}

/// The mapping step's state: a target per column and the default country.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MappingDraft {
    /// The column names (headers, or "Column n").
    pub names: Vec<String>,
    /// Whether `names` are the file's headers (mapped by name) or made up
    /// (mapped by position).
    pub by_header: bool,
    /// What each column fills, in column order.
    pub targets: Vec<ColumnTarget>,
    /// ISO country for numbers without a country code.
    pub default_country: String,
}

impl MappingDraft {
    /// The guessed mapping for these columns.
    pub fn guessed(names: Vec<String>, by_header: bool) -> MappingDraft {
        let targets = if by_header {
            guess_mapping(&names)
        } else {
            vec![ColumnTarget::Ignore; names.len()]
        };
        MappingDraft {
            names,
            by_header,
            targets,
            default_country: DEFAULT_COUNTRY.to_owned(),
        }
    }

    /// Why the mapping cannot run yet; empty when it can.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if !self.targets.iter().any(|target| target.identifies()) {
            problems.push(
                "Map at least one column to a device (phone or e-mail) or to the client id."
                    .to_owned(),
            );
        }
        let mut seen: Vec<ColumnTarget> = Vec::new();
        for target in &self.targets {
            if matches!(target, ColumnTarget::Ignore | ColumnTarget::Device(_)) {
                continue;
            }
            if seen.contains(target) {
                let problem = format!("{} is mapped to more than one column.", target.label());
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            } else {
                seen.push(*target);
            }
        }
        let country = self.default_country.trim();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            problems.push("The default country is a two-letter ISO code, e.g. US.".to_owned());
        }
        problems
    }

    /// The mapping as the server reads it; ignored columns are left out.
    pub fn to_spec(&self) -> MappingSpec {
        let columns = self
            .names
            .iter()
            .zip(&self.targets)
            .enumerate()
            .filter(|(_, (_, target))| **target != ColumnTarget::Ignore)
            .map(|(index, (name, target))| {
                let mut column = ColumnSpec::default();
                if self.by_header {
                    column.header = Some(name.clone());
                } else {
                    column.position = i64::try_from(index + 1).ok();
                }
                match *target {
                    ColumnTarget::Field(field) => column.field = Some(field),
                    ColumnTarget::Device(kind) => column.device = Some(kind),
                    ColumnTarget::Custom(number) => column.custom = Some(i64::from(number)),
                    ColumnTarget::Ignore => {}
                }
                column
            })
            .collect();
        MappingSpec {
            default_country: self.default_country.trim().to_ascii_uppercase(),
            columns,
        }
    }

    /// Applies a saved mapping (its `spec` JSON): columns it names by header
    /// (case-insensitive) or position take its target, the rest are ignored.
    pub fn apply_saved(&mut self, spec_json: &str) -> Result<(), String> {
        let spec: MappingSpec = serde_json::from_str(spec_json)
            .map_err(|_| "This saved mapping could not be read.".to_owned())?;
        self.default_country = spec.default_country.clone();
        for (index, name) in self.names.iter().enumerate() {
            let position = i64::try_from(index + 1).ok();
            let column = spec.columns.iter().find(|column| match &column.header {
                Some(header) => self.by_header && header.eq_ignore_ascii_case(name),
                None => column.position == position,
            });
            self.targets[index] = column.map_or(ColumnTarget::Ignore, |column| {
                if let Some(field) = column.field {
                    ColumnTarget::Field(field)
                } else if let Some(kind) = column.device {
                    ColumnTarget::Device(kind)
                } else if let Some(number) = column.custom.and_then(|n| u8::try_from(n).ok()) {
                    ColumnTarget::Custom(number)
                } else {
                    ColumnTarget::Ignore
                }
            });
        }
        Ok(())
    }
}

/// Where an import is, from the job query or a progress event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSnapshot {
    /// `QUEUED`, `RUNNING`, `SUCCEEDED` or `FAILED`.
    pub status: String,
    /// Records read so far.
    pub rows_read: i64,
    /// Input bytes read so far.
    pub bytes_read: Option<i64>,
    /// The file's size.
    pub file_bytes: Option<i64>,
    /// Contacts added or updated (once known).
    pub accepted: Option<i64>,
    /// Rows refused so far.
    pub rejected: i64,
    /// Duplicates so far.
    pub duplicates: i64,
}

impl ImportSnapshot {
    /// Whether the import has ended (either way).
    pub fn is_finished(&self) -> bool {
        matches!(self.status.as_str(), "SUCCEEDED" | "FAILED")
    }

    /// The progress bar's fill, 0–100; `None` while the size is unknown.
    /// A finished import is full whatever the byte counts say.
    pub fn percent(&self) -> Option<u8> {
        if self.is_finished() {
            return Some(100);
        }
        progress_percent(self.bytes_read?, self.file_bytes?)
    }

    /// Whether `self` may replace `current` on screen: never go backwards
    /// (a late poll answer after a newer event), never leave a final state.
    pub fn supersedes(&self, current: &ImportSnapshot) -> bool {
        !current.is_finished() && (self.is_finished() || self.rows_read >= current.rows_read)
    }
}

/// `read` of `total` as a whole percentage, clamped to 0–100.
pub fn progress_percent(read: i64, total: i64) -> Option<u8> {
    if total <= 0 {
        return None;
    }
    let percent = read.clamp(0, total).saturating_mul(100) / total;
    u8::try_from(percent).ok()
}

/// The status as people read it.
pub fn status_label(status: &str) -> &'static str {
    match status {
        "QUEUED" => "Waiting to start",
        "RUNNING" => "Importing",
        "SUCCEEDED" => "Finished",
        "FAILED" => "Failed",
        _ => "Unknown",
    }
}

impl From<&get_import_job::GetImportJobImportJob> for ImportSnapshot {
    fn from(job: &get_import_job::GetImportJobImportJob) -> Self {
        ImportSnapshot {
            status: job.status.clone(),
            rows_read: job.rows_read,
            bytes_read: Some(job.bytes_read),
            file_bytes: Some(job.file_bytes),
            accepted: Some(job.accepted),
            rejected: job.rejected,
            duplicates: job.duplicates,
        }
    }
}

impl From<import_progress::ImportProgressImportProgress> for ImportSnapshot {
    fn from(event: import_progress::ImportProgressImportProgress) -> Self {
        ImportSnapshot {
            status: event.status,
            rows_read: event.rows_read,
            bytes_read: event.bytes_read,
            file_bytes: event.file_bytes,
            accepted: event.accepted,
            rejected: event.rejected,
            duplicates: event.duplicates,
        }
    }
}

/// The rejected-rows download of a job.
pub fn rejections_path(job_id: &str) -> String {
    format!("/api/v1/imports/{job_id}/rejections.csv")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::operations::import_contacts;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }

    #[test]
    fn headers_suggest_their_columns() {
        let cases = [
            ("Account", ColumnTarget::Field(ContactField::ClientId)),
            ("Client ID", ColumnTarget::Field(ContactField::ClientId)),
            ("id", ColumnTarget::Field(ContactField::ClientId)),
            ("First", ColumnTarget::Field(ContactField::FirstName)),
            ("firstName", ColumnTarget::Field(ContactField::FirstName)),
            ("Last Name", ColumnTarget::Field(ContactField::LastName)),
            ("Surname", ColumnTarget::Field(ContactField::LastName)),
            ("Phone", ColumnTarget::Device(DeviceKind::Home)),
            ("Home_Phone", ColumnTarget::Device(DeviceKind::Home)),
            ("Cell", ColumnTarget::Device(DeviceKind::Mobile)),
            ("Mobile phone", ColumnTarget::Device(DeviceKind::Mobile)),
            ("Work phone", ColumnTarget::Device(DeviceKind::Work)),
            ("SMS", ColumnTarget::Device(DeviceKind::Sms)),
            ("E-mail", ColumnTarget::Device(DeviceKind::Email)),
            ("email_address", ColumnTarget::Device(DeviceKind::Email)),
            ("Company", ColumnTarget::Field(ContactField::Company)),
            ("ZIP", ColumnTarget::Field(ContactField::PostalCode)),
            ("Country", ColumnTarget::Field(ContactField::Country)),
            ("Time zone", ColumnTarget::Field(ContactField::TimeZone)),
            ("SMS consent", ColumnTarget::Field(ContactField::ConsentSms)),
            ("other7", ColumnTarget::Custom(7)),
            ("Other 20", ColumnTarget::Custom(20)),
            ("Notes", ColumnTarget::Ignore),
            ("", ColumnTarget::Ignore),
        ];
        for (header, expected) in cases {
            assert_eq!(guess_target(header), expected, "{header:?}");
        }
    }

    #[test]
    fn a_field_is_guessed_for_one_column_only_but_devices_repeat() {
        let guesses = guess_mapping(&strings(&["Account", "Client", "Cell", "Mobile 2"]));
        assert_eq!(
            guesses,
            vec![
                ColumnTarget::Field(ContactField::ClientId),
                ColumnTarget::Ignore,
                ColumnTarget::Device(DeviceKind::Mobile),
                ColumnTarget::Device(DeviceKind::Mobile),
            ]
        );
    }

    #[test]
    fn every_choice_round_trips_through_its_option_value() {
        let all = ColumnTarget::all();
        assert_eq!(all.len(), 1 + 10 + 6 + 20);
        for target in all {
            assert_eq!(ColumnTarget::from_value(&target.value()), Some(target));
        }
        assert_eq!(ColumnTarget::from_value("custom:21"), None);
    }

    #[test]
    fn a_mapping_needs_a_way_to_reach_or_identify_and_no_field_twice() {
        let mut draft = MappingDraft::guessed(strings(&["First", "Last"]), true);
        assert_eq!(draft.problems().len(), 1);
        assert!(draft.problems()[0].contains("at least one column"));
        draft.targets[1] = ColumnTarget::Field(ContactField::FirstName);
        draft.default_country = "USA".to_owned();
        let problems = draft.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[1].contains("First name is mapped to more than one column"));
        assert!(problems[2].contains("two-letter"));
        draft.targets[1] = ColumnTarget::Field(ContactField::ClientId);
        draft.default_country = "ca".to_owned();
        assert!(draft.problems().is_empty());
    }

    #[test]
    fn the_mapping_names_headers_or_positions_and_skips_ignored_columns() {
        let draft = MappingDraft::guessed(
            strings(&["Account", "First", "Last", "Phone", "Email", "Notes"]),
            true,
        );
        let json = serde_json::to_value(draft.to_spec()).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "defaultCountry": "US",
                "columns": [
                    { "header": "Account", "field": "CLIENT_ID", "transforms": [] },
                    { "header": "First", "field": "FIRST_NAME", "transforms": [] },
                    { "header": "Last", "field": "LAST_NAME", "transforms": [] },
                    { "header": "Phone", "device": "HOME", "transforms": [] },
                    { "header": "Email", "device": "EMAIL", "transforms": [] },
                ]
            })
        );
        let mut by_position = MappingDraft::guessed(column_names(None, 2), false);
        assert_eq!(by_position.names, strings(&["Column 1", "Column 2"]));
        by_position.targets[1] = ColumnTarget::Custom(3);
        let json = serde_json::to_value(by_position.to_spec()).expect("serialises");
        assert_eq!(
            json["columns"],
            serde_json::json!([{ "position": 2, "custom": 3, "transforms": [] }])
        );
    }

    #[test]
    fn the_spec_becomes_the_generated_input_and_the_variables_omit_nulls() {
        let draft = MappingDraft::guessed(strings(&["Account", "Cell"]), true);
        let mapping: import_contacts::ImportMappingInput =
            draft.to_spec().to_input().expect("converts");
        let variables = import_contacts::Variables {
            list_id: "l1".to_owned(),
            file: crate::api::schema_types::Upload,
            mode: crate::api::schema_types::ImportMode::AppendOnly,
            mapping: Some(mapping),
            selection_rule_ids: None,
            split_rule_id: None,
        };
        let json = serde_json::to_value(variables).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "listId": "l1",
                "file": null,
                "mode": "APPEND_ONLY",
                // Not chosen: sent as null, which the server reads as none.
                "selectionRuleIds": null,
                "splitRuleId": null,
                "mapping": {
                    "defaultCountry": "US",
                    "columns": [
                        { "header": "Account", "field": "CLIENT_ID", "transforms": [] },
                        { "header": "Cell", "device": "MOBILE", "transforms": [] },
                    ]
                }
            })
        );
    }

    #[test]
    fn a_saved_mapping_applies_by_header_or_position() {
        let saved = r#"{"defaultCountry":"GB","columns":[
            {"header":"phone","device":"MOBILE"},
            {"position":1,"custom":4}]}"#;
        let mut draft = MappingDraft::guessed(strings(&["Ref", "Phone", "First"]), true);
        draft.apply_saved(saved).expect("applies");
        assert_eq!(draft.default_country, "GB");
        assert_eq!(
            draft.targets,
            vec![
                ColumnTarget::Custom(4),
                ColumnTarget::Device(DeviceKind::Mobile),
                ColumnTarget::Ignore,
            ]
        );
        assert!(draft.apply_saved("not json").is_err());
    }

    #[test]
    fn progress_is_a_clamped_percentage_and_never_goes_backwards() {
        assert_eq!(progress_percent(0, 0), None);
        assert_eq!(progress_percent(50, 200), Some(25));
        assert_eq!(progress_percent(300, 200), Some(100));
        assert_eq!(progress_percent(-5, 200), Some(0));
        let running = ImportSnapshot {
            status: "RUNNING".to_owned(),
            rows_read: 10,
            bytes_read: Some(10),
            file_bytes: Some(40),
            ..ImportSnapshot::default()
        };
        assert_eq!(running.percent(), Some(25));
        let unknown_size = ImportSnapshot {
            file_bytes: None,
            ..running.clone()
        };
        assert_eq!(unknown_size.percent(), None);
        let done = ImportSnapshot {
            status: "SUCCEEDED".to_owned(),
            bytes_read: Some(0),
            ..running.clone()
        };
        assert!(done.is_finished());
        assert_eq!(done.percent(), Some(100));
        let stale = ImportSnapshot {
            rows_read: 5,
            ..running.clone()
        };
        assert!(!stale.supersedes(&running));
        assert!(done.supersedes(&running));
        assert!(!running.supersedes(&done));
        assert_eq!(status_label("FAILED"), "Failed");
        assert_eq!(rejections_path("j1"), "/api/v1/imports/j1/rejections.csv");
    }
}
