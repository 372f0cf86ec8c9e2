//! Contact lists as the Lists pages use them: the table's rows, the detail
//! header, the create and edit drafts, and which row actions a user gets.
//!
//! As with the other forms, the client checks only what is plainly wrong
//! (a missing name, a caller id that is neither `+…` nor a short code); the
//! server has the last word and its field errors land next to the same fields.

use crate::api::error::FieldError;
use crate::api::operations::{
    create_contact_list, get_contact_list, list_contact_lists, update_contact_list,
};
use crate::api::schema_types::{Channel, ContactListStatus};
use crate::state::forms::field_error;
use crate::state::models::Page;

/// A row of the Lists table.
pub type ContactListRow = list_contact_lists::ListContactListsContactListsEdgesNode;

/// The list a detail page is about (its header and edit form).
pub type ContactListSummary = get_contact_list::GetContactListContactList;

impl From<list_contact_lists::ListContactListsContactLists> for Page<ContactListRow> {
    fn from(connection: list_contact_lists::ListContactListsContactLists) -> Self {
        Page {
            rows: connection.edges.into_iter().map(|edge| edge.node).collect(),
            total_count: connection.total_count,
            has_next_page: connection.page_info.has_next_page,
            end_cursor: connection.page_info.end_cursor,
        }
    }
}

/// The longest list name the server accepts, in characters.
const NAME_MAX_CHARACTERS: usize = 200;
/// The longest description the server accepts, in characters.
const DESCRIPTION_MAX_CHARACTERS: usize = 2000;

/// The "New list" form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewListDraft {
    /// Unique name within the tenant.
    pub name: String,
    /// Free text; empty means none.
    pub description: String,
    /// How the contacts are reached.
    pub channel: Channel,
    /// `+E.164` or an SMS short code; empty means none.
    pub caller_id: String,
}

impl Default for NewListDraft {
    fn default() -> Self {
        NewListDraft {
            name: String::new(),
            description: String::new(),
            // Most lists are dialled: the common case needs no choice.
            channel: Channel::Voice,
            caller_id: String::new(),
        }
    }
}

impl NewListDraft {
    /// The problems that make sending pointless, keyed by GraphQL field name.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = list_field_problems(&self.name, &self.description, &self.caller_id);
        if !Channel::CHOOSABLE.contains(&self.channel) {
            problems.push(field_error("channel", "Choose a channel."));
        }
        problems
    }

    /// The mutation input: text trimmed, empty optional fields left out.
    pub fn to_input(&self) -> create_contact_list::CreateContactListInput {
        create_contact_list::CreateContactListInput {
            name: self.name.trim().to_owned(),
            description: non_empty(&self.description),
            channel: self.channel,
            caller_id: non_empty(&self.caller_id),
        }
    }
}

/// The list edit form (name, description, caller id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListEditDraft {
    /// New name.
    pub name: String,
    /// New description; empty clears it.
    pub description: String,
    /// New caller id; empty clears it.
    pub caller_id: String,
}

impl ListEditDraft {
    /// The form filled with the list's current values.
    pub fn from_summary(list: &ContactListSummary) -> ListEditDraft {
        ListEditDraft {
            name: list.name.clone(),
            description: list.description.clone().unwrap_or_default(),
            caller_id: list.caller_id.clone().unwrap_or_default(),
        }
    }

    /// The problems that make sending pointless, keyed by GraphQL field name.
    pub fn problems(&self) -> Vec<FieldError> {
        list_field_problems(&self.name, &self.description, &self.caller_id)
    }

    /// The mutation's variables: every field is sent, an empty one as `null`
    /// so the server clears it.
    pub fn to_variables(&self, list_id: &str) -> update_contact_list::Variables {
        update_contact_list::Variables {
            id: list_id.to_owned(),
            name: self.name.trim().to_owned(),
            description: non_empty(&self.description),
            caller_id: non_empty(&self.caller_id),
        }
    }
}

/// The checks the create and edit forms share.
fn list_field_problems(name: &str, description: &str, caller_id: &str) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let name = name.trim();
    if name.is_empty() {
        problems.push(field_error("name", "Enter a name."));
    } else if name.chars().count() > NAME_MAX_CHARACTERS {
        problems.push(field_error("name", "Use at most 200 characters."));
    }
    if description.trim().chars().count() > DESCRIPTION_MAX_CHARACTERS {
        problems.push(field_error("description", "Use at most 2000 characters."));
    }
    if !caller_id_looks_valid(caller_id) {
        problems.push(field_error(
            "callerId",
            "Enter an international number starting with + (such as +1 202 555 0142) \
             or an SMS short code of 3 to 8 digits.",
        ));
    }
    problems
}

/// Whether a caller id has the shape the server accepts: empty (none), an SMS
/// short code of 3–8 digits, or `+` and 8–15 digits, spaces, dots, dashes and
/// brackets allowed between them. Whether the number exists is the server's call.
pub fn caller_id_looks_valid(caller_id: &str) -> bool {
    let caller_id = caller_id.trim();
    if caller_id.is_empty() {
        return true;
    }
    let is_short_code =
        (3..=8).contains(&caller_id.len()) && caller_id.bytes().all(|b| b.is_ascii_digit());
    if is_short_code {
        return true;
    }
    let Some(international) = caller_id.strip_prefix('+') else {
        return false;
    };
    let only_digits_and_separators = international
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'));
    let digit_count = international.chars().filter(char::is_ascii_digit).count();
    only_digits_and_separators && (8..=15).contains(&digit_count)
}

/// `Some(trimmed)`, or `None` for text that is empty once trimmed.
pub fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// What a row's archive button does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveChange {
    /// Hide a usable list from the default view.
    Archive,
    /// Bring an archived list back.
    Restore,
}

impl ArchiveChange {
    /// The button's text.
    pub fn label(self) -> &'static str {
        match self {
            ArchiveChange::Archive => "Archive",
            ArchiveChange::Restore => "Restore",
        }
    }

    /// The `archived` value the mutation sends.
    pub fn archived(self) -> bool {
        self == ArchiveChange::Archive
    }

    /// The toast after it worked, e.g. "Spring leads archived".
    pub fn done_message(self, list_name: &str) -> String {
        match self {
            ArchiveChange::Archive => format!("{list_name} archived"),
            ArchiveChange::Restore => format!("{list_name} restored"),
        }
    }
}

/// The actions a row of the Lists table offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListRowActions {
    /// Archive or Restore, when offered.
    pub archive: Option<ArchiveChange>,
    /// Whether Delete is offered.
    pub delete: bool,
}

impl ListRowActions {
    /// What a user who may (or may not) manage lists can do to a list in
    /// `status`. The server refuses both while an import runs, so the
    /// buttons are not offered then.
    pub fn for_list(can_manage: bool, status: ContactListStatus) -> ListRowActions {
        let nothing = ListRowActions {
            archive: None,
            delete: false,
        };
        if !can_manage {
            return nothing;
        }
        match status {
            ContactListStatus::Ready | ContactListStatus::Failed => ListRowActions {
                archive: Some(ArchiveChange::Archive),
                delete: true,
            },
            ContactListStatus::Archived => ListRowActions {
                archive: Some(ArchiveChange::Restore),
                delete: true,
            },
            ContactListStatus::Importing | ContactListStatus::Unknown => nothing,
        }
    }
}

/// The question Delete asks before deleting a list and its contacts.
pub fn delete_list_question(list_name: &str, contact_count: i64) -> String {
    let contacts = match contact_count {
        0 => "It has no contacts.".to_owned(),
        1 => "Its 1 contact is deleted with it.".to_owned(),
        many => format!(
            "Its {} contacts are deleted with it.",
            crate::format::format_count(many)
        ),
    };
    format!("Delete the list \"{list_name}\"? {contacts} This cannot be undone.")
}

/// The message of a Lists table with no rows.
pub fn lists_empty_message(search_applied: bool, can_manage: bool) -> &'static str {
    match (search_applied, can_manage) {
        (true, _) => "No lists match this search.",
        (false, true) => "No lists yet. Create the first one with \u{201c}New list\u{201d}.",
        (false, false) => "No lists yet.",
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
    fn caller_ids_are_international_numbers_or_short_codes() {
        let accepted = [
            "",
            "   ",
            "+12024561414",
            "+1 (202) 456-1414",
            "+44 20 7946 0958",
            "72345",
            "123",
            "12345678",
        ];
        for caller_id in accepted {
            assert!(caller_id_looks_valid(caller_id), "{caller_id:?}");
        }
        let refused = [
            "202-456-1414",
            "12",
            "123456789",
            "+1",
            "+1234567",
            "+1234567890123456",
            "+1 202 CALL NOW",
            "++12024561414",
        ];
        for caller_id in refused {
            assert!(!caller_id_looks_valid(caller_id), "{caller_id:?}");
        }
    }

    #[test]
    fn new_list_drafts_are_checked() {
        assert_eq!(fields(&NewListDraft::default().problems()), vec!["name"]);
        let draft = NewListDraft {
            name: "x".repeat(201),
            description: "y".repeat(2001),
            channel: Channel::Unknown,
            caller_id: "202-456-1414".to_owned(),
        };
        assert_eq!(
            fields(&draft.problems()),
            vec!["name", "description", "callerId", "channel"]
        );
    }

    #[test]
    fn new_list_inputs_are_trimmed_and_leave_out_empty_fields() {
        let draft = NewListDraft {
            name: "  Spring leads ".to_owned(),
            description: "  ".to_owned(),
            channel: Channel::Sms,
            caller_id: " 72345 ".to_owned(),
        };
        assert!(draft.problems().is_empty());
        let input = draft.to_input();
        assert_eq!(input.name, "Spring leads");
        assert_eq!(input.description, None);
        assert_eq!(input.channel, Channel::Sms);
        assert_eq!(input.caller_id.as_deref(), Some("72345"));
    }

    #[test]
    fn the_edit_form_sends_every_field_and_null_clears() {
        let draft = ListEditDraft {
            name: " Renamed ".to_owned(),
            description: String::new(),
            caller_id: String::new(),
        };
        let variables = draft.to_variables("list-1");
        let json = serde_json::to_value(&variables).expect("variables serialise");
        assert_eq!(
            json,
            serde_json::json!({
                "id": "list-1", "name": "Renamed", "description": null, "callerId": null
            })
        );
    }

    #[test]
    fn the_edit_form_starts_from_the_list() {
        let json = serde_json::json!({
            "id": "l1", "name": "Spring", "description": null, "status": "READY",
            "channel": "VOICE", "callerId": "+12024561414", "contactCount": 3,
            "deviceCount": 6, "createdAt": "2026-11-21T02:34:56Z",
            "updatedAt": "2026-11-21T02:34:56Z"
        });
        let list: ContactListSummary = serde_json::from_value(json).expect("parses");
        let draft = ListEditDraft::from_summary(&list);
        assert_eq!(draft.name, "Spring");
        assert_eq!(draft.description, "");
        assert_eq!(draft.caller_id, "+12024561414");
    }

    #[test]
    fn row_actions_follow_the_role_and_the_status() {
        use ContactListStatus::{Archived, Failed, Importing, Ready, Unknown};
        let table = [
            (true, Ready, Some(ArchiveChange::Archive), true),
            (true, Failed, Some(ArchiveChange::Archive), true),
            (true, Archived, Some(ArchiveChange::Restore), true),
            (true, Importing, None, false),
            (true, Unknown, None, false),
            (false, Ready, None, false),
            (false, Archived, None, false),
        ];
        for (can_manage, status, archive, delete) in table {
            let actions = ListRowActions::for_list(can_manage, status);
            assert_eq!(actions.archive, archive, "{can_manage} {status:?}");
            assert_eq!(actions.delete, delete, "{can_manage} {status:?}");
        }
    }

    #[test]
    fn archive_changes() {
        assert!(ArchiveChange::Archive.archived());
        assert!(!ArchiveChange::Restore.archived());
        assert_eq!(ArchiveChange::Restore.label(), "Restore");
        assert_eq!(
            ArchiveChange::Archive.done_message("Spring"),
            "Spring archived"
        );
    }

    #[test]
    fn the_delete_question_counts_the_contacts() {
        assert_eq!(
            delete_list_question("Spring", 0),
            "Delete the list \"Spring\"? It has no contacts. This cannot be undone."
        );
        assert!(delete_list_question("Spring", 1).contains("Its 1 contact is"));
        assert!(delete_list_question("Spring", 12_500).contains("Its 12,500 contacts are"));
    }

    #[test]
    fn empty_tables_say_why() {
        assert_eq!(
            lists_empty_message(true, true),
            "No lists match this search."
        );
        assert!(lists_empty_message(false, true).contains("New list"));
        assert_eq!(lists_empty_message(false, false), "No lists yet.");
    }

    #[test]
    fn list_pages_flatten() {
        let json = serde_json::json!({
            "totalCount": 1,
            "pageInfo": { "hasNextPage": false, "endCursor": "c1" },
            "edges": [{ "node": {
                "id": "l1", "name": "Spring", "channel": "SMS", "status": "ARCHIVED",
                "contactCount": 30, "deviceCount": 60, "updatedAt": "2026-11-21T02:34:56Z"
            }}]
        });
        let connection: list_contact_lists::ListContactListsContactLists =
            serde_json::from_value(json).expect("parses");
        let page = Page::from(connection);
        assert_eq!(page.rows[0].channel, Channel::Sms);
        assert_eq!(page.rows[0].status, ContactListStatus::Archived);
        assert_eq!(page.total_count, 1);
    }
}
