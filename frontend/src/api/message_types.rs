//! The enums of the messaging operations (issue 8), declared once so a
//! template's channel read by one operation can be sent back by another and
//! the state module can reuse them; every other type is generated from
//! `schema.graphql` (`api::messaging`). The tests check these against the
//! schema.

use serde::{Deserialize, Serialize};

use super::compliance_types::schema_enum;

schema_enum! {
    /// How a message travels (`MessageChannel`).
    MessageChannel {
        /// A text message.
        Sms = "SMS", "SMS";
        /// An e-mail.
        Email = "EMAIL", "E-mail";
    }
}

schema_enum! {
    /// How an SMS is encoded (`SmsEncoding`); decides the units per segment.
    SmsEncoding {
        /// The GSM 03.38 alphabet.
        Gsm7 = "GSM7", "GSM-7";
        /// UCS-2, for any other character.
        Ucs2 = "UCS2", "UCS-2";
    }
}

/// Where a message is in its life (`MessageStatus`); it only moves forward.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageStatus {
    /// Queued or being handed to the gateway.
    Sending,
    /// Accepted by the gateway.
    Sent,
    /// Its delivery receipt said delivered.
    Delivered,
    /// Refused by the gateway or a failed receipt.
    Failed,
    /// A status this build does not know yet (the server is newer than the app).
    #[serde(other)]
    Unknown,
}

/// Why a message was sent (`MessageKind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MessageKind {
    /// A campaign's message to a record.
    Campaign,
    /// A test from the gateway settings.
    Test,
    /// An automatic answer to a STOP or HELP reply.
    Reply,
    /// A kind this build does not know yet.
    #[serde(other)]
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::compliance_types::tests::schema_enum_values;

    fn sorted(names: impl Iterator<Item = String>) -> Vec<String> {
        let mut names: Vec<String> = names.collect();
        names.sort();
        names
    }

    fn serde_names<T: Serialize>(values: &[T]) -> Vec<String> {
        sorted(values.iter().map(|value| {
            serde_json::to_value(value)
                .expect("serialises")
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }))
    }

    #[test]
    fn the_enums_match_the_schema() {
        let table = [
            (
                "MessageChannel",
                sorted(MessageChannel::ALL.iter().map(|v| v.wire_name().to_owned())),
            ),
            (
                "SmsEncoding",
                sorted(SmsEncoding::ALL.iter().map(|v| v.wire_name().to_owned())),
            ),
            (
                "MessageStatus",
                serde_names(&[
                    MessageStatus::Sending,
                    MessageStatus::Sent,
                    MessageStatus::Delivered,
                    MessageStatus::Failed,
                ]),
            ),
            (
                "MessageKind",
                serde_names(&[MessageKind::Campaign, MessageKind::Test, MessageKind::Reply]),
            ),
        ];
        for (name, ours) in table {
            assert_eq!(ours, schema_enum_values(name), "{name}");
        }
    }

    #[test]
    fn values_from_a_newer_server_are_unknown() {
        let status: MessageStatus = serde_json::from_str("\"EXPIRED\"").expect("parses");
        assert_eq!(status, MessageStatus::Unknown);
        let kind: MessageKind = serde_json::from_str("\"REPLY\"").expect("parses");
        assert_eq!(kind, MessageKind::Reply);
        let encoding: SmsEncoding = serde_json::from_str("\"UCS2\"").expect("parses");
        assert_eq!(encoding.label(), "UCS-2");
    }
}
