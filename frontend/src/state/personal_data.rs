//! Personal data requests in the app (issue 10): the search box's check,
//! the download's file name, the words of the result sections, the
//! erasure report and the history retention form. Pure, so the host tests
//! cover them; the page (`pages::personal_data`) only draws them.

use crate::api::error::FieldError;
use crate::api::personal_data::Erasure;
use crate::format::{format_count, format_date};
use crate::state::forms::field_error;

/// The search field's name in form errors.
pub const SUBJECT_FIELD: &str = "subject";
/// The retention field's name, as the server's `BAD_USER_INPUT` names it.
pub const RETENTION_FIELD: &str = "historyRetentionDays";
/// How far back the attempt rules count (SPEC §3): what an erasure keeps.
pub const RULE_WINDOW_DAYS: i64 = 32;

/// The longest stem of a download's name, so a long address stays a usable file name.
const MAX_FILE_STEM: usize = 64;

/// The subject to search for: the trimmed text, or the problem to show
/// under the field when there is nothing to search.
pub fn subject_to_search(text: &str) -> Result<String, FieldError> {
    let subject = text.trim();
    if subject.is_empty() {
        return Err(field_error(
            SUBJECT_FIELD,
            "Enter a phone number, an e-mail address or a client id.",
        ));
    }
    Ok(subject.to_owned())
}

/// The name the JSON document is saved under: `personal-data-<subject>.json`,
/// the subject reduced to characters every file system accepts
/// (`(202) 456-0000` → `personal-data-202-456-0000.json`).
pub fn download_file_name(subject: &str) -> String {
    let mut stem = String::with_capacity(subject.len());
    for character in subject.trim().chars() {
        let kept = if character.is_ascii_alphanumeric() || matches!(character, '_' | '.') {
            character.to_ascii_lowercase()
        } else {
            '-'
        };
        // One dash for any run of dropped characters: "(202) 456" → "202-456".
        if kept == '-' && (stem.is_empty() || stem.ends_with('-')) {
            continue;
        }
        stem.push(kept);
    }
    stem.truncate(MAX_FILE_STEM);
    let stem = stem.trim_matches(['-', '.']);
    if stem.is_empty() {
        "personal-data.json".to_owned()
    } else {
        format!("personal-data-{stem}.json")
    }
}

/// `count` with its noun in the right number: "1 contact", "2 contacts", "1,200 contacts".
pub fn count_of(count: i64, singular: &str, plural: &str) -> String {
    let noun = if count == 1 { singular } else { plural };
    format!("{} {noun}", format_count(count))
}

/// A result section's heading with its count: "Contacts (2)".
pub fn section_heading(title: &str, count: usize) -> String {
    format!(
        "{title} ({})",
        format_count(i64::try_from(count).unwrap_or(i64::MAX))
    )
}

/// A contact's name as the table shows it: "Ann Smith", or "—" when it has none.
pub fn contact_name(first: Option<&str>, last: Option<&str>) -> String {
    let parts: Vec<&str> = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(" ")
    }
}

/// A device kind (`HOME`, `MOBILE`, `EMAIL`, …) as a word: "Home", "Mobile", "E-mail".
pub fn device_kind_label(kind: &str) -> String {
    match kind {
        "HOME" => "Home".to_owned(),
        "WORK" => "Work".to_owned(),
        "MOBILE" => "Mobile".to_owned(),
        "OTHER" => "Other".to_owned(),
        "SMS" => "SMS".to_owned(),
        "EMAIL" => "E-mail".to_owned(),
        other => other.to_owned(),
    }
}

/// A server word (`DELIVERED`, `NO_ANSWER`, `SMS`) as the tables show it:
/// "Delivered", "No answer", "SMS" (short words stay capitals).
pub fn status_word(word: &str) -> String {
    if word.len() <= 3 {
        return word.to_owned();
    }
    let spaced = word.replace('_', " ").to_lowercase();
    let mut characters = spaced.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(characters).collect()
    })
}

/// What was found, in one sentence above the sections: "Found 1 contact,
/// 3 calls or messages, 2 messages and 1 do-not-contact entry." or
/// "Nothing found." when every section is empty.
pub fn found_summary(
    contacts: usize,
    history: usize,
    messages: usize,
    message_events: i64,
    suppressions: usize,
) -> String {
    let count = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
    if contacts == 0 && history == 0 && messages == 0 && message_events == 0 && suppressions == 0 {
        return "Nothing found: no contact, history, message or do-not-contact entry matches."
            .to_owned();
    }
    let parts = [
        count_of(count(contacts), "contact", "contacts"),
        count_of(count(history), "call or message", "calls or messages"),
        count_of(count(messages), "message", "messages"),
        count_of(message_events, "reply or receipt", "replies and receipts"),
        count_of(
            count(suppressions),
            "do-not-contact entry",
            "do-not-contact entries",
        ),
    ];
    format!("Found {}.", join_with_and(&parts))
}

/// "a, b and c".
fn join_with_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The erasure report's lines, deleted first, then what was kept and why.
pub fn erasure_report(erasure: &Erasure) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{} deleted from every list",
            count_of(erasure.contacts_deleted, "contact", "contacts")
        ),
        format!(
            "{} deleted",
            count_of(
                erasure.devices_deleted,
                "phone number or address",
                "phone numbers and addresses"
            )
        ),
        format!(
            "{} cancelled in campaigns",
            count_of(
                erasure.records_cancelled,
                "calling-list record",
                "calling-list records"
            )
        ),
        format!(
            "{} deleted from the contact history",
            count_of(
                erasure.history_deleted,
                "call or message",
                "calls and messages"
            )
        ),
        format!(
            "{} deleted",
            count_of(erasure.messages_deleted, "message", "messages")
        ),
        format!(
            "{} deleted",
            count_of(
                erasure.message_events_deleted,
                "reply or receipt",
                "replies and receipts"
            )
        ),
        format!(
            "{} kept: the attempt rules still count them",
            count_of(
                erasure.attempt_counts_kept,
                "attempt count",
                "attempt counts"
            )
        ),
    ];
    if let Some(until) = &erasure.attempt_counts_kept_until {
        lines.push(format!("Attempt counts kept until {}", format_date(until)));
    }
    lines.push(format!(
        "{} removed from your suppression lists",
        count_of(
            erasure.suppression_removed,
            "suppression entry",
            "suppression entries"
        )
    ));
    lines.push(format!(
        "{} kept: the person stays protected from contact",
        count_of(
            erasure.suppression_kept,
            "suppression entry",
            "suppression entries"
        )
    ));
    lines
}

/// The retention as typed: a whole number of days. The range is the
/// server's to enforce (its `BAD_USER_INPUT` names the field); only text
/// that is no number at all is refused here.
pub fn retention_days(text: &str) -> Result<i64, FieldError> {
    text.trim()
        .parse::<i64>()
        .map_err(|_| field_error(RETENTION_FIELD, "Enter a whole number of days."))
}

/// The retention card's sentence about the allowed range: "From 32 to 3,650 days."
pub fn retention_range(minimum: i64, maximum: i64) -> String {
    format!(
        "From {} to {} days.",
        format_count(minimum),
        format_count(maximum)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn erasure(kept_until: Option<&str>) -> Erasure {
        Erasure {
            contacts_deleted: 1,
            devices_deleted: 2,
            records_cancelled: 0,
            history_deleted: 3,
            messages_deleted: 1,
            message_events_deleted: 4,
            attempt_counts_kept: 2,
            attempt_counts_kept_until: kept_until.map(str::to_owned),
            suppression_removed: 0,
            suppression_kept: 1,
        }
    }

    #[test]
    fn a_blank_subject_is_refused_on_its_field() {
        assert_eq!(
            subject_to_search("  (202) 456-0000 "),
            Ok("(202) 456-0000".to_owned())
        );
        let problem = subject_to_search("   ").expect_err("blank");
        assert_eq!(problem.field, SUBJECT_FIELD);
    }

    #[test]
    fn file_names_keep_only_safe_characters() {
        let table = [
            ("(202) 456-0000", "personal-data-202-456-0000.json"),
            ("+1 202 456 0000", "personal-data-1-202-456-0000.json"),
            (
                "Ann.Smith@Example.COM",
                "personal-data-ann.smith-example.com.json",
            ),
            ("C00000", "personal-data-c00000.json"),
            ("../../etc/passwd", "personal-data-etc-passwd.json"),
            ("\u{e9}l\u{e8}ve", "personal-data-l-ve.json"),
            ("   ", "personal-data.json"),
            ("()+", "personal-data.json"),
        ];
        for (subject, expected) in table {
            assert_eq!(download_file_name(subject), expected, "{subject:?}");
        }
        let long = "9".repeat(500);
        assert_eq!(
            download_file_name(&long).len(),
            "personal-data-.json".len() + MAX_FILE_STEM
        );
    }

    #[test]
    fn counts_and_headings_read_naturally() {
        assert_eq!(count_of(1, "contact", "contacts"), "1 contact");
        assert_eq!(count_of(0, "contact", "contacts"), "0 contacts");
        assert_eq!(count_of(1200, "contact", "contacts"), "1,200 contacts");
        assert_eq!(section_heading("Contacts", 2), "Contacts (2)");
        assert_eq!(contact_name(Some("Ann"), Some("Smith")), "Ann Smith");
        assert_eq!(contact_name(None, Some(" Smith ")), "Smith");
        assert_eq!(contact_name(Some(""), None), "—");
        assert_eq!(device_kind_label("EMAIL"), "E-mail");
        assert_eq!(device_kind_label("FAX"), "FAX");
        assert_eq!(status_word("NO_ANSWER"), "No answer");
        assert_eq!(status_word("DELIVERED"), "Delivered");
        assert_eq!(status_word("SMS"), "SMS");
        assert_eq!(status_word(""), "");
    }

    #[test]
    fn the_summary_counts_every_section_or_says_nothing_was_found() {
        assert_eq!(
            found_summary(1, 3, 1, 2, 0),
            "Found 1 contact, 3 calls or messages, 1 message, 2 replies and receipts and \
             0 do-not-contact entries."
        );
        assert!(found_summary(0, 0, 0, 0, 0).starts_with("Nothing found"));
        assert_eq!(join_with_and(&["a".to_owned()]), "a");
    }

    #[test]
    fn the_report_names_every_count_and_when_the_kept_counts_go() {
        let lines = erasure_report(&erasure(Some("2026-12-23T10:00:00Z")));
        assert_eq!(
            lines,
            vec![
                "1 contact deleted from every list",
                "2 phone numbers and addresses deleted",
                "0 calling-list records cancelled in campaigns",
                "3 calls and messages deleted from the contact history",
                "1 message deleted",
                "4 replies and receipts deleted",
                "2 attempt counts kept: the attempt rules still count them",
                "Attempt counts kept until 2026-12-23",
                "0 suppression entries removed from your suppression lists",
                "1 suppression entry kept: the person stays protected from contact",
            ]
        );
        let without = erasure_report(&erasure(None));
        assert!(!without.iter().any(|line| line.contains("kept until")));
    }

    #[test]
    fn retention_takes_any_whole_number_and_leaves_the_range_to_the_server() {
        assert_eq!(retention_days(" 90 "), Ok(90));
        assert_eq!(retention_days("31"), Ok(31));
        assert_eq!(
            retention_days("ninety").map_err(|problem| problem.field),
            Err(RETENTION_FIELD.to_owned())
        );
        assert!(retention_days("").is_err());
        assert_eq!(retention_range(32, 3650), "From 32 to 3,650 days.");
    }
}
