//! Contacts as the list detail and contact pages show them: the table's
//! rows with a preview of their devices, the labels of a device's parts, the
//! custom fields, and the contact edit draft.

use crate::api::error::FieldError;
use crate::api::operations::{get_contact, list_contacts, update_contact};
use crate::state::forms::field_error;
use crate::state::lists::non_empty;
use crate::state::models::Page;

/// Devices previewed in a row of the contacts table; the contact page shows all.
pub const DEVICES_PREVIEWED: usize = 2;

/// A row of a list's contacts table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRow {
    /// Contact id, for the link to its page.
    pub id: String,
    /// The customer's own key, if any.
    pub client_id: Option<String>,
    /// The name to show and link (see `contact_display_name`).
    pub name: String,
    /// The first devices as "value (type)".
    pub device_preview: Vec<String>,
    /// How many devices the contact has.
    pub device_count: usize,
}

impl From<list_contacts::ListContactsContactListContactsEdgesNode> for ContactRow {
    fn from(contact: list_contacts::ListContactsContactListContactsEdgesNode) -> Self {
        let device_preview = contact
            .devices
            .iter()
            .take(DEVICES_PREVIEWED)
            .map(|device| device_label(&device.value, &device.device_type))
            .collect();
        ContactRow {
            name: contact_display_name(
                contact.first_name.as_deref(),
                contact.last_name.as_deref(),
                contact.company.as_deref(),
            ),
            id: contact.id,
            client_id: contact.client_id,
            device_preview,
            device_count: contact.devices.len(),
        }
    }
}

impl From<list_contacts::ListContactsContactListContacts> for Page<ContactRow> {
    fn from(connection: list_contacts::ListContactsContactListContacts) -> Self {
        Page {
            rows: connection
                .edges
                .into_iter()
                .map(|edge| ContactRow::from(edge.node))
                .collect(),
            total_count: connection.total_count,
            has_next_page: connection.page_info.has_next_page,
            end_cursor: connection.page_info.end_cursor,
        }
    }
}

/// A contact with every field and device (the contact page).
pub type ContactDetail = get_contact::GetContactContact;

/// One device of a contact (the contact page's devices table).
pub type ContactDevice = get_contact::GetContactContactDevices;

/// "First Last", else the company, else "Unnamed contact": something to read
/// and click in every row.
pub fn contact_display_name(
    first_name: Option<&str>,
    last_name: Option<&str>,
    company: Option<&str>,
) -> String {
    let given_names: Vec<&str> = [first_name, last_name]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if !given_names.is_empty() {
        return given_names.join(" ");
    }
    company
        .map(str::trim)
        .filter(|company| !company.is_empty())
        .unwrap_or("Unnamed contact")
        .to_owned()
}

/// A device in a table row: `+12024560007 (mobile)`.
pub fn device_label(value: &str, device_type: &str) -> String {
    format!(
        "{value} ({})",
        device_type_label(device_type).to_lowercase()
    )
}

/// The line type (`deviceType`) as people read it; a value this build does
/// not know is shown as sent.
pub fn device_type_label(device_type: &str) -> String {
    match device_type {
        "MOBILE" => "Mobile",
        "LANDLINE" => "Landline",
        "UNKNOWN" => "Unknown",
        "EMAIL" => "E-mail",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// Which field of the file the device came from (`kind`), as people read it.
pub fn device_kind_label(kind: &str) -> String {
    match kind {
        "HOME" => "Home",
        "WORK" => "Work",
        "MOBILE" => "Mobile",
        "OTHER" => "Other",
        "SMS" => "SMS",
        "EMAIL" => "E-mail",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// The dash shown for an empty cell.
pub const NOTHING: &str = "—";

/// An optional text, or a dash.
pub fn or_dash(text: Option<&str>) -> String {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .unwrap_or(NOTHING)
        .to_owned()
}

/// A number's area code, exchange and subscriber as `202 · 456 · 0007`
/// (the parts present), or a dash for an e-mail address.
pub fn number_parts(
    area_code: Option<&str>,
    exchange: Option<&str>,
    subscriber: Option<&str>,
) -> String {
    let parts: Vec<&str> = [area_code, exchange, subscriber]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        return NOTHING.to_owned();
    }
    parts.join(" · ")
}

/// A device's country with its calling code: `US (+1)`.
pub fn country_label(country: Option<&str>, country_code: Option<i64>) -> String {
    match (country.filter(|c| !c.is_empty()), country_code) {
        (Some(country), Some(code)) => format!("{country} (+{code})"),
        (Some(country), None) => country.to_owned(),
        (None, Some(code)) => format!("+{code}"),
        (None, None) => NOTHING.to_owned(),
    }
}

/// A device's time zones, comma-separated (several when an area code spans zones).
pub fn time_zones_label(time_zones: &[String]) -> String {
    if time_zones.is_empty() {
        return NOTHING.to_owned();
    }
    time_zones.join(", ")
}

/// "Yes" or "No" for a consent flag.
pub fn yes_no(flag: bool) -> &'static str {
    if flag { "Yes" } else { "No" }
}

/// The custom fields (`other1`, `other2`, …) of a contact's compact JSON, in
/// their natural order (`other2` before `other10`). Text values are shown
/// as they are, other values as JSON; text that is not a JSON object gives
/// no fields.
pub fn custom_fields(custom_json: &str) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(custom_json) else {
        return Vec::new();
    };
    let mut pairs: Vec<(String, String)> = fields
        .into_iter()
        .map(|(name, value)| {
            let shown = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Null => NOTHING.to_owned(),
                other => other.to_string(),
            };
            (name, shown)
        })
        .collect();
    pairs.sort_by(|(left, _), (right, _)| natural_key(left).cmp(&natural_key(right)));
    pairs
}

/// `other10` as `("other", 10)` so numbered names sort by number.
fn natural_key(name: &str) -> (&str, u64, &str) {
    let prefix_end = name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, digits) = name.split_at(prefix_end);
    (prefix, digits.parse().unwrap_or(0), name)
}

/// The message of a contacts table with no rows.
pub fn contacts_empty_message(search_applied: bool) -> &'static str {
    if search_applied {
        "No contacts match this search."
    } else {
        "This list has no contacts yet."
    }
}

/// The question Delete asks before deleting a contact and its devices.
pub fn delete_contact_question(contact_name: &str, device_count: usize) -> String {
    let devices = match device_count {
        0 => String::new(),
        1 => " and its device".to_owned(),
        many => format!(" and its {many} devices"),
    };
    format!("Delete the contact \"{contact_name}\"{devices}? This cannot be undone.")
}

/// The contact edit form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactEditDraft {
    /// The customer's own key; empty clears it.
    pub client_id: String,
    /// First name; empty clears it.
    pub first_name: String,
    /// Last name; empty clears it.
    pub last_name: String,
    /// Company; empty clears it.
    pub company: String,
    /// Consent to automated calls and texts to mobiles.
    pub consent_automated: bool,
    /// Consent to text messages.
    pub consent_sms: bool,
    /// Consent to e-mail.
    pub consent_email: bool,
}

impl ContactEditDraft {
    /// The form filled with the contact's current values.
    pub fn from_contact(contact: &ContactDetail) -> ContactEditDraft {
        ContactEditDraft {
            client_id: contact.client_id.clone().unwrap_or_default(),
            first_name: contact.first_name.clone().unwrap_or_default(),
            last_name: contact.last_name.clone().unwrap_or_default(),
            company: contact.company.clone().unwrap_or_default(),
            consent_automated: contact.consent_automated,
            consent_sms: contact.consent_sms,
            consent_email: contact.consent_email,
        }
    }

    /// The problems that make sending pointless (the server's length limits).
    pub fn problems(&self) -> Vec<FieldError> {
        let limits = [
            ("clientId", &self.client_id, 64),
            ("firstName", &self.first_name, 100),
            ("lastName", &self.last_name, 100),
            ("company", &self.company, 200),
        ];
        limits
            .into_iter()
            .filter(|(_, text, limit)| text.trim().chars().count() > *limit)
            .map(|(field, _, limit)| {
                field_error(field, &format!("Use at most {limit} characters."))
            })
            .collect()
    }

    /// The mutation input: every field is sent, an empty text as `null` so
    /// the server clears it.
    pub fn to_input(&self) -> update_contact::UpdateContactInput {
        update_contact::UpdateContactInput {
            client_id: non_empty(&self.client_id),
            first_name: non_empty(&self.first_name),
            last_name: non_empty(&self.last_name),
            company: non_empty(&self.company),
            consent_automated: Some(self.consent_automated),
            consent_sms: Some(self.consent_sms),
            consent_email: Some(self.consent_email),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_fall_back_to_the_company_then_a_placeholder() {
        let cases = [
            (Some("Ada"), Some("Lovelace"), None, "Ada Lovelace"),
            (Some("Ada"), None, Some("Analytical"), "Ada"),
            (None, Some(" Lovelace "), None, "Lovelace"),
            (
                Some(" "),
                None,
                Some("Analytical Engines"),
                "Analytical Engines",
            ),
            (None, None, Some(""), "Unnamed contact"),
            (None, None, None, "Unnamed contact"),
        ];
        for (first, last, company, expected) in cases {
            assert_eq!(contact_display_name(first, last, company), expected);
        }
    }

    #[test]
    fn devices_are_labelled_with_their_line_type() {
        assert_eq!(
            device_label("+14158670007", "MOBILE"),
            "+14158670007 (mobile)"
        );
        assert_eq!(device_label("a@b.example", "EMAIL"), "a@b.example (e-mail)");
        assert_eq!(device_type_label("VOIP"), "VOIP");
        assert_eq!(device_kind_label("HOME"), "Home");
        assert_eq!(device_kind_label("FAX"), "FAX");
    }

    #[test]
    fn rows_preview_the_first_two_devices_and_count_all() {
        let json = serde_json::json!({
            "id": "7", "clientId": "C00007", "firstName": "First7", "lastName": "Last7",
            "company": null,
            "devices": [
                { "value": "+12024560007", "deviceType": "UNKNOWN" },
                { "value": "+14158670007", "deviceType": "MOBILE" },
                { "value": "first7@example.com", "deviceType": "EMAIL" }
            ]
        });
        let node: list_contacts::ListContactsContactListContactsEdgesNode =
            serde_json::from_value(json).expect("parses");
        let row = ContactRow::from(node);
        assert_eq!(row.name, "First7 Last7");
        assert_eq!(
            row.device_preview,
            vec!["+12024560007 (unknown)", "+14158670007 (mobile)"]
        );
        assert_eq!(row.device_count, 3);
    }

    #[test]
    fn number_parts_and_countries() {
        assert_eq!(
            number_parts(Some("202"), Some("456"), Some("0007")),
            "202 · 456 · 0007"
        );
        assert_eq!(
            number_parts(Some("20"), None, Some("79460958")),
            "20 · 79460958"
        );
        assert_eq!(number_parts(None, None, None), "—");
        assert_eq!(country_label(Some("US"), Some(1)), "US (+1)");
        assert_eq!(country_label(Some("US"), None), "US");
        assert_eq!(country_label(None, Some(44)), "+44");
        assert_eq!(country_label(Some(""), None), "—");
    }

    #[test]
    fn small_labels() {
        assert_eq!(
            time_zones_label(&["America/Chicago".into(), "America/Denver".into()]),
            "America/Chicago, America/Denver"
        );
        assert_eq!(time_zones_label(&[]), "—");
        assert_eq!(or_dash(Some(" 20500 ")), "20500");
        assert_eq!(or_dash(Some("")), "—");
        assert_eq!(yes_no(true), "Yes");
    }

    #[test]
    fn custom_fields_sort_naturally() {
        let fields = custom_fields(r#"{"other10":"j","other2":"b","other1":"a","score":7}"#);
        let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, vec!["other1", "other2", "other10", "score"]);
        assert_eq!(fields[3].1, "7");
        assert!(custom_fields("{}").is_empty());
        assert!(custom_fields("not json").is_empty());
        assert!(custom_fields("[1]").is_empty());
    }

    #[test]
    fn empty_tables_say_why() {
        assert_eq!(
            contacts_empty_message(false),
            "This list has no contacts yet."
        );
        assert_eq!(
            contacts_empty_message(true),
            "No contacts match this search."
        );
    }

    #[test]
    fn the_delete_question_counts_the_devices() {
        assert_eq!(
            delete_contact_question("Ada Lovelace", 2),
            "Delete the contact \"Ada Lovelace\" and its 2 devices? This cannot be undone."
        );
        assert!(delete_contact_question("Ada", 1).contains("and its device?"));
        assert!(delete_contact_question("Ada", 0).contains("\"Ada\"? This"));
    }

    #[test]
    fn the_contact_form_sends_every_field_and_null_clears() {
        let draft = ContactEditDraft {
            client_id: " C1 ".to_owned(),
            first_name: "Ada".to_owned(),
            last_name: " ".to_owned(),
            company: String::new(),
            consent_automated: true,
            consent_sms: false,
            consent_email: false,
        };
        assert!(draft.problems().is_empty());
        let json = serde_json::to_value(draft.to_input()).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "clientId": "C1", "firstName": "Ada", "lastName": null, "company": null,
                "consentAutomated": true, "consentSms": false, "consentEmail": false
            })
        );
    }

    #[test]
    fn the_contact_form_checks_lengths() {
        let draft = ContactEditDraft {
            client_id: "c".repeat(65),
            company: "c".repeat(201),
            ..ContactEditDraft::default()
        };
        let fields: Vec<String> = draft.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, vec!["clientId", "company"]);
    }
}
