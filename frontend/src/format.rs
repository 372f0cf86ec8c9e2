//! Formatting helpers shared by the pages: timestamps, counts, statuses,
//! audit objects, and the login redirect's return path.

use crate::api::schema_types::ContactListStatus;

/// An RFC 3339 timestamp as `2026-11-21 02:34 UTC` (minutes are enough in a
/// table; the full value goes into the cell's tooltip). Text that does not
/// look like RFC 3339 is returned unchanged rather than hidden.
pub fn format_timestamp(rfc3339: &str) -> String {
    let Some((date, rest)) = rfc3339.split_once(['T', 't', ' ']) else {
        return rfc3339.to_owned();
    };
    let date_is_valid = date.len() == 10
        && date.char_indices().all(|(index, c)| {
            if index == 4 || index == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let hours_and_minutes = rest.get(..5);
    let time_is_valid = hours_and_minutes.is_some_and(|hm| {
        hm.char_indices().all(|(index, c)| {
            if index == 2 {
                c == ':'
            } else {
                c.is_ascii_digit()
            }
        })
    });
    let (true, true, Some(hours_and_minutes)) = (date_is_valid, time_is_valid, hours_and_minutes)
    else {
        return rfc3339.to_owned();
    };
    let zone = zone_of(rest);
    format!("{date} {hours_and_minutes} {zone}")
}

/// The zone suffix of the time part: `UTC` for `Z`/`+00:00`, else the offset.
fn zone_of(time: &str) -> &str {
    if time.ends_with(['Z', 'z']) || time.ends_with("+00:00") || time.ends_with("-00:00") {
        return "UTC";
    }
    let offset_start = time.rfind(['+', '-']);
    match offset_start {
        Some(start) if time.len() - start == 6 => &time[start..],
        _ => "",
    }
    .trim_end()
}

/// Just the date of an RFC 3339 timestamp (`2026-11-21`), for columns where
/// the day is what matters; falls back to `format_timestamp`'s output.
pub fn format_date(rfc3339: &str) -> String {
    let formatted = format_timestamp(rfc3339);
    if formatted == rfc3339 {
        return formatted;
    }
    formatted.split(' ').next().unwrap_or_default().to_owned()
}

/// `format_timestamp`, or `absent_label` (such as "never") when there is none.
pub fn format_optional_timestamp(rfc3339: Option<&str>, absent_label: &str) -> String {
    rfc3339.map_or_else(|| absent_label.to_owned(), format_timestamp)
}

/// The audit log's "object" cell: `User 42`, or just `User` without an id.
pub fn object_label(object_type: &str, object_id: Option<&str>) -> String {
    match object_id {
        Some(id) if !id.is_empty() => format!("{object_type} {id}"),
        _ => object_type.to_owned(),
    }
}

/// A count with thousands separators: `1,234,567`.
pub fn format_count(count: i64) -> String {
    let digits = count.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if count < 0 {
        grouped.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        let digits_left = digits.len() - index;
        if index > 0 && digits_left.is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A status badge: the word and its CSS modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Badge {
    /// The word shown.
    pub label: &'static str,
    /// `badge--ok`, `badge--info`, `badge--muted` or `badge--danger`.
    pub class: &'static str,
}

/// A user's status badge.
pub fn user_status(disabled: bool) -> Badge {
    if disabled {
        Badge {
            label: "Disabled",
            class: "badge badge--muted",
        }
    } else {
        Badge {
            label: "Active",
            class: "badge badge--ok",
        }
    }
}

/// An API client's status badge: revoked once `revokedAt` is set.
pub fn api_client_status(revoked_at: Option<&str>) -> Badge {
    if revoked_at.is_some() {
        Badge {
            label: "Revoked",
            class: "badge badge--danger",
        }
    } else {
        Badge {
            label: "Active",
            class: "badge badge--ok",
        }
    }
}

/// A contact list's status badge.
pub fn list_status(status: ContactListStatus) -> Badge {
    let (label, class) = match status {
        ContactListStatus::Ready => ("Ready", "badge badge--ok"),
        ContactListStatus::Importing => ("Importing", "badge badge--info"),
        ContactListStatus::Failed => ("Import failed", "badge badge--danger"),
        ContactListStatus::Archived => ("Archived", "badge badge--muted"),
        ContactListStatus::Unknown => ("Unknown", "badge"),
    };
    Badge { label, class }
}

/// Where to go after signing in: the `next` query value when it is a path
/// of this app, `/` otherwise (never another site: `//evil.example` and
/// `https://...` are refused, and so is the login page itself).
pub fn safe_return_path(next: Option<&str>) -> String {
    let Some(next) = next else {
        return "/".to_owned();
    };
    let is_local_path = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    let is_login = next == "/login" || next.starts_with("/login?");
    if is_local_path && !is_login {
        next.to_owned()
    } else {
        "/".to_owned()
    }
}

/// The login URL that brings the user back to `current_path` afterwards.
pub fn login_path_returning_to(current_path: &str) -> String {
    if current_path.is_empty() || current_path == "/" || current_path.starts_with("/login") {
        return "/login".to_owned();
    }
    format!("/login?next={}", percent_encode(current_path))
}

/// Percent-encodes everything but unreserved characters and `/`.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'_' | b'.' | b'~');
        if keep {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_shortened_to_minutes() {
        let cases = [
            ("2026-11-21T02:34:56Z", "2026-11-21 02:34 UTC"),
            ("2026-11-21T02:34:56.123456Z", "2026-11-21 02:34 UTC"),
            ("2026-11-21T02:34:56+00:00", "2026-11-21 02:34 UTC"),
            ("2026-11-21T04:34:56+02:00", "2026-11-21 04:34 +02:00"),
            ("2026-11-21T04:34:56.5-05:00", "2026-11-21 04:34 -05:00"),
            ("2026-11-21 02:34:56Z", "2026-11-21 02:34 UTC"),
            ("yesterday", "yesterday"),
            ("2026-11-21", "2026-11-21"),
            ("2026-1-21T02:34:56Z", "2026-1-21T02:34:56Z"),
            ("", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(format_timestamp(input), expected, "{input}");
        }
    }

    #[test]
    fn dates_drop_the_time() {
        assert_eq!(format_date("2026-11-21T23:59:59Z"), "2026-11-21");
        assert_eq!(format_date("2026-11-21T23:59:59+02:00"), "2026-11-21");
        assert_eq!(format_date("soon"), "soon");
    }

    #[test]
    fn absent_timestamps_get_a_label() {
        assert_eq!(format_optional_timestamp(None, "never"), "never");
        assert_eq!(
            format_optional_timestamp(Some("2026-11-21T02:34:56Z"), "never"),
            "2026-11-21 02:34 UTC"
        );
    }

    #[test]
    fn audit_objects() {
        assert_eq!(object_label("User", Some("42")), "User 42");
        assert_eq!(object_label("Tenant", None), "Tenant");
        assert_eq!(object_label("Tenant", Some("")), "Tenant");
    }

    #[test]
    fn statuses() {
        assert_eq!(user_status(false).label, "Active");
        assert_eq!(user_status(true).label, "Disabled");
        assert_eq!(api_client_status(None).label, "Active");
        assert_eq!(
            api_client_status(Some("2026-11-21T02:34:56Z")).label,
            "Revoked"
        );
    }

    #[test]
    fn counts_get_thousands_separators() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (12_500, "12,500"),
            (1_234_567, "1,234,567"),
            (-4_200, "-4,200"),
        ];
        for (count, expected) in cases {
            assert_eq!(format_count(count), expected);
        }
    }

    #[test]
    fn list_statuses() {
        assert_eq!(
            list_status(ContactListStatus::Ready).class,
            "badge badge--ok"
        );
        assert_eq!(
            list_status(ContactListStatus::Failed).label,
            "Import failed"
        );
        assert_eq!(
            list_status(ContactListStatus::Archived).class,
            "badge badge--muted"
        );
    }

    #[test]
    fn return_paths_stay_inside_the_app() {
        let cases = [
            (None, "/"),
            (Some("/users"), "/users"),
            (Some("/audit?action=login"), "/audit?action=login"),
            (Some("//evil.example"), "/"),
            (Some("https://evil.example"), "/"),
            (Some("/\\evil.example"), "/"),
            (Some("/login"), "/"),
            (Some("/login?next=/users"), "/"),
            (Some(""), "/"),
        ];
        for (next, expected) in cases {
            assert_eq!(safe_return_path(next), expected, "{next:?}");
        }
    }

    #[test]
    fn login_links_remember_where_the_user_was() {
        assert_eq!(login_path_returning_to("/"), "/login");
        assert_eq!(login_path_returning_to("/login"), "/login");
        assert_eq!(login_path_returning_to("/users"), "/login?next=/users");
        assert_eq!(login_path_returning_to("/a b&c"), "/login?next=/a%20b%26c");
    }
}
