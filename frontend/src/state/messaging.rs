//! Messaging's plain rules (issue 8): the SMS length in words, the
//! messages-per-second check shared by the gateway settings and the campaign
//! template editor, placeholders inserted at the cursor, the delivery funnel
//! of a message campaign, message status badges, and (in `drafts`) the
//! template, gateway and test-message forms. Pure, so the host tests cover them.

pub mod drafts;

use crate::api::compliance_types::DialMode;
use crate::api::error::{ApiError, FieldError};
use crate::api::message_types::{MessageChannel, MessageStatus, SmsEncoding};
use crate::format::{Badge, format_count};
use crate::state::campaigns::format_rate;
use crate::state::forms::field_error;

/// The lowest messages-per-second cap the server accepts.
pub const MIN_MESSAGES_PER_SECOND: i64 = 1;
/// The highest messages-per-second cap the server accepts.
pub const MAX_MESSAGES_PER_SECOND: i64 = 10_000;

/// A messages-per-second cap as typed: blank means no cap, otherwise a whole
/// number from 1 to 10000; the problem names `field` as the server would.
pub fn parse_messages_per_second(text: &str, field: &str) -> Result<Option<i64>, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(rate) if (MIN_MESSAGES_PER_SECOND..=MAX_MESSAGES_PER_SECOND).contains(&rate) => {
            Ok(Some(rate))
        }
        _ => Err(field_error(
            field,
            "A whole number from 1 to 10000, or blank for no cap.",
        )),
    }
}

/// "1 segment" or "3 segments".
fn segments_word(segments: i64) -> String {
    if segments == 1 {
        "1 segment".to_owned()
    } else {
        format!("{} segments", format_count(segments))
    }
}

/// The Messaging table's "SMS length" cell: "2 segments (GSM-7, 161 units)".
pub fn sms_length_label(encoding: SmsEncoding, units: i64, segments: i64) -> String {
    format!(
        "{} ({}, {} units)",
        segments_word(segments),
        encoding.label(),
        format_count(units)
    )
}

/// The preview's length line: "2 segments · GSM-7 · 161 units".
pub fn preview_length_label(encoding: SmsEncoding, units: i64, segments: i64) -> String {
    format!(
        "{} · {} · {} units",
        segments_word(segments),
        encoding.label(),
        format_count(units)
    )
}

/// The preview's warning about placeholders the contact has no value for.
pub fn empty_fields_warning(empty_fields: &[String]) -> Option<String> {
    if empty_fields.is_empty() {
        return None;
    }
    let names: Vec<String> = empty_fields
        .iter()
        .map(|field| placeholder(field))
        .collect();
    Some(format!(
        "This contact has no value for {}; the message leaves it empty.",
        names.join(", ")
    ))
}

/// A placeholder as written in a template: `{{firstName}}`.
pub fn placeholder(field: &str) -> String {
    format!("{{{{{field}}}}}")
}

/// The Messaging table's "Placeholders" cell: the fields used, or a dash.
pub fn placeholders_label(fields: &[String]) -> String {
    if fields.is_empty() {
        return "—".to_owned();
    }
    fields
        .iter()
        .map(|field| placeholder(field))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` with `{{field}}` inserted where the cursor stands, and the
/// cursor's new place after it. The browser counts the cursor in UTF-16
/// code units (`selectionStart`); none, or one past the end, appends.
pub fn insert_placeholder(text: &str, cursor_utf16: Option<u32>, field: &str) -> (String, u32) {
    let inserted = placeholder(field);
    let byte_index = cursor_utf16
        .and_then(|cursor| byte_index_of_utf16(text, cursor))
        .unwrap_or(text.len());
    let mut result = String::with_capacity(text.len() + inserted.len());
    result.push_str(&text[..byte_index]);
    result.push_str(&inserted);
    result.push_str(&text[byte_index..]);
    let new_cursor = text[..byte_index].encode_utf16().count() + inserted.encode_utf16().count();
    (result, u32::try_from(new_cursor).unwrap_or(u32::MAX))
}

/// The byte index of UTF-16 offset `cursor` in `text`, if it falls on a
/// character boundary within it.
fn byte_index_of_utf16(text: &str, cursor: u32) -> Option<usize> {
    let mut units = 0_u32;
    for (byte_index, character) in text.char_indices() {
        if units == cursor {
            return Some(byte_index);
        }
        units += u32::try_from(character.len_utf16()).unwrap_or(2);
    }
    (units == cursor).then_some(text.len())
}

/// The message channel a dialing mode sends on; `None` for voice modes.
pub fn channel_of_mode(mode: DialMode) -> Option<MessageChannel> {
    match mode {
        DialMode::Sms => Some(MessageChannel::Sms),
        DialMode::Email => Some(MessageChannel::Email),
        _ => None,
    }
}

/// The `(id, name)` choices of the templates sending on `channel`.
pub fn templates_for_channel<'a>(
    templates: impl IntoIterator<Item = (&'a str, &'a str, MessageChannel)>,
    channel: MessageChannel,
) -> Vec<(String, String)> {
    templates
        .into_iter()
        .filter(|(_, _, template_channel)| *template_channel == channel)
        .map(|(id, name, _)| (id.to_owned(), name.to_owned()))
        .collect()
}

/// The fields whose problems the live preview may report: it sends the
/// name as a stand-in, so the name's problems come from saving only.
pub const PREVIEWED_FIELDS: &[&str] = &["subject", "body", "helpText", "optOutText"];

/// What a template field shows under itself: the preview's verdict on the
/// current text wins over an older save's; a preview that went through
/// clears the save's problem with the text it checked.
pub fn template_field_problem(
    preview: Option<Result<(), &ApiError>>,
    saved: Option<&ApiError>,
    field: &str,
) -> Option<String> {
    let from_save = || {
        saved
            .and_then(|error| error.field_message(field))
            .map(str::to_owned)
    };
    if !PREVIEWED_FIELDS.contains(&field) {
        return from_save();
    }
    match preview {
        Some(Ok(())) => None,
        Some(Err(error)) => error
            .field_message(field)
            .map(str::to_owned)
            .or_else(from_save),
        None => from_save(),
    }
}

/// A message's status badge.
pub fn message_status_badge(status: MessageStatus) -> Badge {
    let (label, class) = match status {
        MessageStatus::Sending => ("Sending", "badge badge--info"),
        MessageStatus::Sent => ("Sent", "badge badge--info"),
        MessageStatus::Delivered => ("Delivered", "badge badge--ok"),
        MessageStatus::Failed => ("Failed", "badge badge--danger"),
        MessageStatus::Unknown => ("Unknown", "badge badge--muted"),
    };
    Badge { label, class }
}

/// The delivery counters of a message campaign (from `campaignStats`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    /// Records in the calling list.
    pub records: i64,
    /// Messages accepted by the gateway.
    pub sent: i64,
    /// Messages delivered.
    pub delivered: i64,
    /// Messages refused or failed.
    pub failed: i64,
    /// STOP replies.
    pub opted_out: i64,
}

/// One bar of the delivery funnel.
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelBar {
    /// The stable part of its element id (`funnel-{key}`).
    pub key: &'static str,
    /// What it counts.
    pub label: &'static str,
    /// The count.
    pub count: i64,
    /// "1,234 (56.7%)": the count and its share of the records.
    pub value_label: String,
    /// The bar's length, 0 to 100 (% of the longest bar).
    pub width_percent: f64,
    /// Its CSS modifier (`funnel__bar--failed`, …).
    pub class: &'static str,
}

/// The funnel records → sent → delivered, then failed and opted out, each
/// with its share of the records and a bar scaled to the largest count.
pub fn delivery_funnel(counts: DeliveryCounts) -> Vec<FunnelBar> {
    let rows = [
        ("records", "Records", counts.records, "funnel__bar--records"),
        ("sent", "Sent", counts.sent, "funnel__bar--sent"),
        (
            "delivered",
            "Delivered",
            counts.delivered,
            "funnel__bar--delivered",
        ),
        ("failed", "Failed", counts.failed, "funnel__bar--failed"),
        (
            "opted-out",
            "Opted out",
            counts.opted_out,
            "funnel__bar--opted-out",
        ),
    ];
    let longest = rows
        .iter()
        .map(|(_, _, count, _)| *count)
        .max()
        .unwrap_or(0)
        .max(1);
    rows.into_iter()
        .map(|(key, label, count, class)| FunnelBar {
            key,
            label,
            count,
            value_label: share_label(count, counts.records, key == "records"),
            width_percent: (count.max(0) as f64 / longest as f64 * 100.0).clamp(0.0, 100.0),
            class,
        })
        .collect()
}

/// "1,234 (56.7%)" of `total`; the records bar and an empty list show the count alone.
fn share_label(count: i64, total: i64, is_total: bool) -> String {
    if is_total || total <= 0 {
        return format_count(count);
    }
    format!(
        "{} ({})",
        format_count(count),
        format_rate(count as f64 / total as f64)
    )
}

/// "Delivered 95.0% of sent": the delivery rate under the funnel, once something was sent.
pub fn delivery_rate_label(counts: DeliveryCounts) -> Option<String> {
    (counts.sent > 0).then(|| {
        format!(
            "Delivered {} of sent",
            format_rate(counts.delivered as f64 / counts.sent as f64)
        )
    })
}

/// The address the gateway posts its events to: this page's origin and
/// the server's callback path.
pub fn callback_url(origin: &str, callback_path: &str) -> String {
    let origin = origin.trim_end_matches('/');
    if callback_path.starts_with('/') {
        format!("{origin}{callback_path}")
    } else {
        format!("{origin}/{callback_path}")
    }
}

#[cfg(test)]
mod tests;
