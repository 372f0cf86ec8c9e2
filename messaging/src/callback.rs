//! The body of the gateway's callback (`POST /nexus/v1/events`), read from
//! bytes into typed events: delivery receipts and inbound messages.
//!
//! Only the shape is checked here — JSON, at most [`MAX_EVENTS`] events, an
//! id on each, a known type; the signature is checked before (over the raw
//! bytes) and the effects are applied after, by the workers. Pure and
//! allocation-bounded by the body, so it is fuzzed (`fuzz/`, target
//! `nexus_callback`).

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Most events in one callback.
pub const MAX_EVENTS: usize = 1000;

/// Longest event id, in bytes (ids are stored with the event, once per tenant).
pub const MAX_EVENT_ID_BYTES: usize = 200;

/// What a callback event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// `message.sent`: the gateway handed the message to the carrier.
    Sent,
    /// `message.delivered`: the handset has it.
    Delivered,
    /// `message.failed`: it will not arrive.
    Failed,
    /// `message.inbound`: a contact wrote to us.
    Inbound,
}

impl EventKind {
    /// The wire and stored name, so the event table keeps what the gateway said.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Sent => "message.sent",
            EventKind::Delivered => "message.delivered",
            EventKind::Failed => "message.failed",
            EventKind::Inbound => "message.inbound",
        }
    }

    /// Reads a wire name; `None` for a type this version does not know.
    pub fn parse(raw: &str) -> Option<EventKind> {
        [
            EventKind::Sent,
            EventKind::Delivered,
            EventKind::Failed,
            EventKind::Inbound,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == raw)
    }
}

/// One event of a callback, as the gateway sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique per gateway account: the idempotency key of the event.
    pub id: String,
    /// What happened.
    pub kind: EventKind,
    /// The gateway's message id (receipts).
    pub message_id: Option<String>,
    /// Our idempotency key (receipts).
    pub reference: Option<String>,
    /// When it happened.
    pub at: Option<DateTime<Utc>>,
    /// Why a message failed.
    pub reason: Option<String>,
    /// `SMS` or `EMAIL` (inbound).
    pub channel: Option<String>,
    /// The sender of an inbound message.
    pub from: Option<String>,
    /// The inbound message's text.
    pub text: Option<String>,
}

/// Why a signed body is not a callback we can read (the gateway's 400 answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackBodyError {
    /// Not JSON, or not `{"events": [...]}` with the expected field types.
    #[error("the body is not a callback: {0}")]
    NotACallback(String),
    /// More events than one callback may carry.
    #[error("{0} events; at most {MAX_EVENTS} per callback")]
    TooManyEvents(usize),
    /// An event without an id, or with one too long to store.
    #[error("every event needs an id of 1 to {MAX_EVENT_ID_BYTES} characters")]
    BadEventId,
    /// An event of a type this version does not know.
    #[error("event {id:?} has the unknown type {kind:?}")]
    UnknownType {
        /// The event's id.
        id: String,
        /// The type as sent.
        kind: String,
    },
}

/// The wire form: the type stays text so an unknown one is named in the answer.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEvent {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    message_id: Option<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    at: Option<DateTime<Utc>>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct WireBody {
    events: Vec<WireEvent>,
}

/// Reads a callback body into its events, refusing the whole body when one
/// event is unusable (the gateway then resends it whole, nothing half-applied).
pub fn parse_events(body: &[u8]) -> Result<Vec<Event>, CallbackBodyError> {
    let parsed: WireBody = serde_json::from_slice(body)
        .map_err(|error| CallbackBodyError::NotACallback(error.to_string()))?;
    if parsed.events.len() > MAX_EVENTS {
        return Err(CallbackBodyError::TooManyEvents(parsed.events.len()));
    }
    let mut events = Vec::with_capacity(parsed.events.len());
    for event in parsed.events {
        if event.id.trim().is_empty() || event.id.len() > MAX_EVENT_ID_BYTES {
            return Err(CallbackBodyError::BadEventId);
        }
        let Some(kind) = EventKind::parse(&event.kind) else {
            return Err(CallbackBodyError::UnknownType {
                id: event.id,
                kind: event.kind,
            });
        };
        events.push(Event {
            id: event.id,
            kind,
            message_id: event.message_id,
            reference: event.reference,
            at: event.at,
            reason: event.reason,
            channel: event.channel,
            from: event.from,
            text: event.text,
        });
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_receipts_and_inbound_messages() {
        let body = br#"{"events": [
            {"id": "e1", "type": "message.delivered", "messageId": "m1", "reference": "k1",
             "at": "2026-03-01T10:00:00Z"},
            {"id": "e2", "type": "message.inbound", "channel": "SMS", "from": "+12125550100",
             "text": "STOP", "unknownField": 1}
        ]}"#;
        let events = parse_events(body).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].kind, EventKind::Delivered);
        assert_eq!(events[0].message_id.as_deref(), Some("m1"));
        assert_eq!(
            events[0].at.map(|at| at.to_rfc3339()).as_deref(),
            Some("2026-03-01T10:00:00+00:00")
        );
        assert_eq!(events[1].kind, EventKind::Inbound);
        assert_eq!(events[1].text.as_deref(), Some("STOP"));
    }

    #[test]
    fn refuses_what_is_not_a_callback() {
        let cases: [(&[u8], &str); 5] = [
            (b"not json at all", "the body is not a callback"),
            (br#"{"events": "STOP"}"#, "the body is not a callback"),
            (
                br#"{"events": [{"type": "message.inbound", "text": "STOP"}]}"#,
                "the body is not a callback",
            ),
            (
                br#"{"events": [{"id": " ", "type": "message.sent"}]}"#,
                "every event needs an id",
            ),
            (
                br#"{"events": [{"id": "x", "type": "message.exploded"}]}"#,
                "event \"x\" has the unknown type \"message.exploded\"",
            ),
        ];
        for (body, expected) in cases {
            let error = parse_events(body).unwrap_err().to_string();
            assert!(
                error.starts_with(expected),
                "{}: {error}",
                String::from_utf8_lossy(body)
            );
        }
        let many = format!(
            r#"{{"events": [{}]}}"#,
            vec![r#"{"id": "e", "type": "message.sent"}"#; MAX_EVENTS + 1].join(",")
        );
        assert_eq!(
            parse_events(many.as_bytes()),
            Err(CallbackBodyError::TooManyEvents(MAX_EVENTS + 1))
        );
    }

    #[test]
    fn every_kind_round_trips_its_name() {
        for kind in [
            EventKind::Sent,
            EventKind::Delivered,
            EventKind::Failed,
            EventKind::Inbound,
        ] {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(EventKind::parse("MESSAGE.SENT"), None);
    }
}
