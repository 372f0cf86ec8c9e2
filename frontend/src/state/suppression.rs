//! Suppression lists in the app: the create form's draft, the "Add values"
//! form (one value per line, an optional expiry date), the entries picked
//! for a bulk removal, and the words the tables and banners use.

use std::collections::BTreeSet;

use crate::api::compliance_types::SuppressionKind;
use crate::api::error::FieldError;
use crate::api::schema_types::Channel;
use crate::format::Badge;
use crate::state::compliance::editor::is_date;
use crate::state::forms::{default_country, field_error};
use crate::state::import::DEFAULT_COUNTRY;

/// The "New suppression list" form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSuppressionListDraft {
    /// A name people recognise ("Internal do-not-call").
    pub name: String,
    /// What the list holds.
    pub kind: SuppressionKind,
    /// The channels it blocks.
    pub channels: Vec<Channel>,
    /// Applies to every tenant (administrators only).
    pub global: bool,
    /// What the list is for.
    pub description: String,
}

impl Default for NewSuppressionListDraft {
    fn default() -> Self {
        NewSuppressionListDraft {
            name: String::new(),
            kind: SuppressionKind::Phone,
            // A phone list blocks calls and texts unless the user says otherwise.
            channels: vec![Channel::Voice, Channel::Sms],
            global: false,
            description: String::new(),
        }
    }
}

impl NewSuppressionListDraft {
    /// The problems that make sending pointless, keyed by GraphQL field name.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(field_error("name", "Enter a name."));
        }
        if self.channels.is_empty() {
            problems.push(field_error("channels", "Choose at least one channel."));
        }
        problems
    }

    /// The channels in the form's order (Voice, SMS, E-mail), for the mutation.
    pub fn ordered_channels(&self) -> Vec<Channel> {
        Channel::CHOOSABLE
            .into_iter()
            .filter(|channel| self.channels.contains(channel))
            .collect()
    }

    /// The description, `None` when left empty.
    pub fn description(&self) -> Option<String> {
        let text = self.description.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// The values typed into "Add values": one per line, trimmed, blank lines
/// dropped, repeats kept once (first place wins).
pub fn parse_values(text: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    text.lines()
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .filter(|value| seen.insert(value.to_string()))
        .map(str::to_owned)
        .collect()
}

/// The "Add values" form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddEntriesDraft {
    /// One value per line.
    pub values: String,
    /// Why they are suppressed (optional).
    pub reason: String,
    /// The last day they are suppressed, "YYYY-MM-DD" (optional).
    pub expires_on: String,
    /// The country of phone numbers written without a country code ("US").
    pub country: String,
}

impl Default for AddEntriesDraft {
    fn default() -> Self {
        AddEntriesDraft {
            values: String::new(),
            reason: String::new(),
            expires_on: String::new(),
            country: DEFAULT_COUNTRY.to_owned(),
        }
    }
}

impl AddEntriesDraft {
    /// The problems that make sending pointless.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if parse_values(&self.values).is_empty() {
            problems.push(field_error("values", "Enter at least one value."));
        }
        if !self.expires_on.trim().is_empty() && expiry_instant(&self.expires_on).is_none() {
            problems.push(field_error("expiresAt", "Pick a date, or leave it empty."));
        }
        if let Err(message) = default_country(&self.country) {
            problems.push(field_error("defaultCountry", message));
        }
        problems
    }

    /// The `defaultCountry` sent with the values (`None` when empty or unreadable).
    pub fn default_country(&self) -> Option<String> {
        default_country(&self.country).ok().flatten()
    }

    /// The reason, `None` when left empty.
    pub fn reason(&self) -> Option<String> {
        let text = self.reason.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// The `expiresAt` of an expiry date: the entries stay active through that
/// whole day (UTC) and stop at its end; `None` for an empty or unreadable date.
pub fn expiry_instant(date: &str) -> Option<String> {
    let date = date.trim();
    is_date(date).then(|| format!("{date}T23:59:59Z"))
}

/// The entries ticked for "Remove selected", by value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EntrySelection {
    values: BTreeSet<String>,
}

impl EntrySelection {
    /// Ticks or unticks one value.
    pub fn set(&mut self, value: &str, ticked: bool) {
        if ticked {
            self.values.insert(value.to_owned());
        } else {
            self.values.remove(value);
        }
    }

    /// Whether `value` is ticked.
    pub fn contains(&self, value: &str) -> bool {
        self.values.contains(value)
    }

    /// How many are ticked.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing is ticked.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The ticked values, for `removeSuppressionEntries`.
    pub fn values(&self) -> Vec<String> {
        self.values.iter().cloned().collect()
    }

    /// Unticks everything (after a removal, a new search or page).
    pub fn clear(&mut self) {
        self.values.clear();
    }
}

/// "2 added, 1 already present, 1 rejected" after adding values.
pub fn add_result_message(added: i64, already_present: i64, rejected: usize) -> String {
    let mut parts = vec![format!("{added} added")];
    if already_present > 0 {
        parts.push(format!("{already_present} already present"));
    }
    if rejected > 0 {
        parts.push(format!("{rejected} rejected"));
    }
    parts.join(", ")
}

/// "Remove 3 selected entries from the list?" before a bulk removal.
pub fn remove_question(count: usize) -> String {
    match count {
        1 => "Remove the selected entry from the list?".to_owned(),
        count => format!("Remove {count} selected entries from the list?"),
    }
}

/// What an empty entries table says.
pub fn entries_empty_message(search_applied: bool) -> &'static str {
    if search_applied {
        "No entry starts with this value."
    } else {
        "This list is empty. Add values or upload a file."
    }
}

/// The hint above the search box, by kind (phones may be written any way).
pub fn search_placeholder(kind: SuppressionKind) -> &'static str {
    match kind {
        SuppressionKind::Phone => "Start of a number, any format",
        SuppressionKind::Email => "Start of an address",
        SuppressionKind::ClientId => "Start of a client id",
    }
}

/// An upload's status badge: queued, running, done or failed.
pub fn import_status_badge(status: &str) -> Badge {
    match status {
        "QUEUED" => Badge {
            label: "Queued",
            class: "badge badge--muted",
        },
        "RUNNING" => Badge {
            label: "Running",
            class: "badge badge--info",
        },
        "SUCCEEDED" => Badge {
            label: "Done",
            class: "badge badge--ok",
        },
        "FAILED" => Badge {
            label: "Failed",
            class: "badge badge--danger",
        },
        _ => Badge {
            label: "Unknown",
            class: "badge",
        },
    }
}

/// Whether an upload is still waiting or running (the page polls meanwhile).
pub fn import_is_active(status: &str) -> bool {
    matches!(status, "QUEUED" | "RUNNING")
}

/// A file name made of characters every file system accepts, for downloads.
pub fn safe_file_stem(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let safe = safe.trim_matches('-').to_owned();
    if safe.is_empty() {
        "suppression-list".to_owned()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(problems: &[FieldError]) -> Vec<&str> {
        problems
            .iter()
            .map(|problem| problem.field.as_str())
            .collect()
    }

    #[test]
    fn new_list_drafts_need_a_name_and_a_channel() {
        let mut draft = NewSuppressionListDraft {
            channels: Vec::new(),
            ..NewSuppressionListDraft::default()
        };
        assert_eq!(fields(&draft.problems()), vec!["name", "channels"]);
        draft.name = " DNC ".to_owned();
        draft.channels = vec![Channel::Email, Channel::Voice];
        assert!(draft.problems().is_empty());
        assert_eq!(
            draft.ordered_channels(),
            vec![Channel::Voice, Channel::Email]
        );
        assert_eq!(draft.description(), None);
    }

    #[test]
    fn values_are_one_per_line_trimmed_and_unique() {
        assert_eq!(
            parse_values(" +1 212 555 0100 \n\n(212) 555-0101\r\n+1 212 555 0100\n  \n"),
            vec!["+1 212 555 0100", "(212) 555-0101"]
        );
        assert!(parse_values("\n \n").is_empty());
    }

    #[test]
    fn add_drafts_check_values_and_expiry() {
        let mut draft = AddEntriesDraft::default();
        assert_eq!(fields(&draft.problems()), vec!["values"]);
        draft.values = "a@example.com".to_owned();
        draft.expires_on = "31/12/2026".to_owned();
        assert_eq!(fields(&draft.problems()), vec!["expiresAt"]);
        draft.expires_on = "2026-12-31".to_owned();
        assert!(draft.problems().is_empty());
        assert_eq!(
            expiry_instant(&draft.expires_on).as_deref(),
            Some("2026-12-31T23:59:59Z")
        );
        assert_eq!(expiry_instant(""), None);
        assert_eq!(draft.reason(), None);
    }

    #[test]
    fn the_selection_ticks_and_clears() {
        let mut selection = EntrySelection::default();
        selection.set("+12125550100", true);
        selection.set("+12125550101", true);
        selection.set("+12125550101", false);
        assert!(selection.contains("+12125550100"));
        assert_eq!(selection.values(), vec!["+12125550100"]);
        assert_eq!(selection.len(), 1);
        selection.clear();
        assert!(selection.is_empty());
    }

    #[test]
    fn messages_read_well() {
        assert_eq!(add_result_message(2, 0, 0), "2 added");
        assert_eq!(
            add_result_message(1, 1, 2),
            "1 added, 1 already present, 2 rejected"
        );
        assert_eq!(
            remove_question(1),
            "Remove the selected entry from the list?"
        );
        assert_eq!(
            remove_question(3),
            "Remove 3 selected entries from the list?"
        );
        assert_eq!(import_status_badge("FAILED").label, "Failed");
        assert!(import_is_active("QUEUED"));
        assert!(!import_is_active("SUCCEEDED"));
        assert_eq!(safe_file_stem("Do not call!"), "Do-not-call");
        assert_eq!(safe_file_stem("!!"), "suppression-list");
    }
}
