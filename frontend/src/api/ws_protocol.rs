//! The `graphql-transport-ws` protocol's messages and the pure decisions of
//! the subscription client: where to connect, how long to wait before
//! reconnecting, what a close code means.
//!
//! The socket itself lives in `subscription.rs` (browser only); everything
//! here runs on the host so it is unit-tested.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The WebSocket subprotocol the server speaks.
pub const SUBPROTOCOL: &str = "graphql-transport-ws";

/// The path of the GraphQL WebSocket endpoint on the page's own host.
pub const WEBSOCKET_PATH: &str = "/graphql/ws";

/// How long the server has to answer `connection_init` before we give up.
pub const ACKNOWLEDGEMENT_TIMEOUT: Duration = Duration::from_secs(10);

/// The single subscription id used per socket (one operation per socket).
pub const SUBSCRIPTION_ID: &str = "1";

/// A message the client sends.
#[derive(Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// First message on a new socket; carries the bearer token.
    ConnectionInit {
        /// `{ "token": "<jwt>" }`.
        payload: InitPayload,
    },
    /// Starts an operation.
    Subscribe {
        /// The operation id, echoed in every answer.
        id: String,
        /// `{ "query", "variables", "operationName" }`.
        payload: Value,
    },
    /// Answers the server's `ping`.
    Pong {},
}

/// The `connection_init` payload: how subscriptions authenticate (STYLE 14).
#[derive(Debug, PartialEq, Serialize)]
pub struct InitPayload {
    /// The same bearer token the HTTP calls send.
    pub token: String,
}

/// A message the server sends.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The server accepted `connection_init`.
    ConnectionAck {},
    /// One result of an operation: `{ data, errors }`.
    Next {
        /// The operation id.
        id: String,
        /// An execution result.
        payload: Value,
    },
    /// The operation failed before producing results: a list of GraphQL errors.
    Error {
        /// The operation id.
        id: String,
        /// The errors.
        payload: Value,
    },
    /// The server finished the operation.
    Complete {
        /// The operation id.
        id: String,
    },
    /// Keep-alive from the server; must be answered with `pong`.
    Ping {},
    /// Answer to a ping of ours (we never send one, but it is legal).
    Pong {},
}

impl ClientMessage {
    /// The message as JSON text.
    pub fn to_text(&self) -> String {
        // Serialising these plain structs cannot fail: no maps with non-string keys.
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl ServerMessage {
    /// Parses one text frame; `None` for frames that are not protocol messages.
    pub fn parse(text: &str) -> Option<ServerMessage> {
        serde_json::from_str(text).ok()
    }
}

/// The socket URL for a page served at `page_protocol//host` (values of
/// `window.location.protocol` and `.host`): `wss` on HTTPS pages, `ws` otherwise.
pub fn websocket_url(page_protocol: &str, host: &str) -> String {
    let scheme = if page_protocol == "https:" {
        "wss"
    } else {
        "ws"
    };
    format!("{scheme}://{host}{WEBSOCKET_PATH}")
}

/// How long to wait before reconnect attempt number `attempt` (1-based):
/// 1 s, 2 s, 4 s ... capped at 30 s, so a restarting server is not hammered.
pub fn reconnect_delay(attempt: u32) -> Duration {
    const FIRST_SECONDS: u64 = 1;
    const MAX_SECONDS: u64 = 30;
    let doublings = attempt.saturating_sub(1).min(16);
    let seconds = FIRST_SECONDS.saturating_mul(1 << doublings);
    Duration::from_secs(seconds.min(MAX_SECONDS))
}

/// Whether a close code from the server means "stop trying".
///
/// `graphql-transport-ws` closes with 4401 (unauthorized) or 4403
/// (forbidden) when `connection_init` is refused and 4400 on a malformed
/// message; some servers use the generic 1002 (protocol error) or 1008
/// (policy violation) instead. Reconnecting cannot fix any of those. Every
/// other close (server restart, network loss, 1006) is worth a retry.
pub fn close_is_final(code: u16) -> bool {
    matches!(code, 1002 | 1008 | 4400 | 4401 | 4403)
}

/// Whether the close code says the token itself is no longer valid, so the
/// session is over (4403 only means this user may not subscribe).
pub fn close_is_unauthorized(code: u16) -> bool {
    code == 4401
}

/// The state of a live subscription, for the "live" indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SocketState {
    /// Opening the socket or waiting for `connection_ack`.
    Connecting,
    /// Subscribed: events arrive as they happen.
    Live,
    /// The socket dropped; a new attempt starts after the delay.
    Reconnecting {
        /// Which attempt comes next (1-based).
        attempt: u32,
        /// Seconds until it starts.
        in_seconds: u64,
    },
    /// Stopped for good: the page left, or the server refused us.
    Closed {
        /// Why, in words, when it was not the user's doing.
        reason: Option<String>,
    },
}

impl SocketState {
    /// A short label for the indicator.
    pub fn label(&self) -> String {
        match self {
            SocketState::Connecting => "Connecting…".to_owned(),
            SocketState::Live => "Live".to_owned(),
            SocketState::Reconnecting { in_seconds, .. } => {
                format!("Offline, retrying in {in_seconds} s")
            }
            SocketState::Closed {
                reason: Some(reason),
            } => format!("Stopped: {reason}"),
            SocketState::Closed { reason: None } => "Stopped".to_owned(),
        }
    }

    /// The CSS modifier for the indicator's dot.
    pub fn css_class(&self) -> &'static str {
        match self {
            SocketState::Connecting => "live-indicator live-indicator--connecting",
            SocketState::Live => "live-indicator live-indicator--live",
            SocketState::Reconnecting { .. } => "live-indicator live-indicator--offline",
            SocketState::Closed { .. } => "live-indicator live-indicator--closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_match_the_protocol() {
        let init = ClientMessage::ConnectionInit {
            payload: InitPayload {
                token: "jwt".to_owned(),
            },
        };
        assert_eq!(
            init.to_text(),
            r#"{"type":"connection_init","payload":{"token":"jwt"}}"#
        );
        let subscribe = ClientMessage::Subscribe {
            id: "1".to_owned(),
            payload: serde_json::json!({ "query": "subscription { x }" }),
        };
        assert_eq!(
            subscribe.to_text(),
            r#"{"type":"subscribe","id":"1","payload":{"query":"subscription { x }"}}"#
        );
        assert_eq!(ClientMessage::Pong {}.to_text(), r#"{"type":"pong"}"#);
    }

    #[test]
    fn server_messages_parse_with_and_without_payloads() {
        assert_eq!(
            ServerMessage::parse(r#"{"type":"connection_ack"}"#),
            Some(ServerMessage::ConnectionAck {})
        );
        assert_eq!(
            ServerMessage::parse(r#"{"type":"connection_ack","payload":{"v":1}}"#),
            Some(ServerMessage::ConnectionAck {})
        );
        assert_eq!(
            ServerMessage::parse(r#"{"type":"ping","payload":{}}"#),
            Some(ServerMessage::Ping {})
        );
        let next = ServerMessage::parse(r#"{"type":"next","id":"1","payload":{"data":{"a":1}}}"#);
        assert_eq!(
            next,
            Some(ServerMessage::Next {
                id: "1".to_owned(),
                payload: serde_json::json!({ "data": { "a": 1 } }),
            })
        );
        assert_eq!(
            ServerMessage::parse(r#"{"type":"complete","id":"1"}"#),
            Some(ServerMessage::Complete { id: "1".to_owned() })
        );
        assert_eq!(ServerMessage::parse(r#"{"type":"mystery"}"#), None);
        assert_eq!(ServerMessage::parse("not json"), None);
    }

    #[test]
    fn the_socket_follows_the_page_scheme() {
        assert_eq!(
            websocket_url("https:", "reach.example:8443"),
            "wss://reach.example:8443/graphql/ws"
        );
        assert_eq!(
            websocket_url("http:", "127.0.0.1:8080"),
            "ws://127.0.0.1:8080/graphql/ws"
        );
    }

    #[test]
    fn reconnect_backs_off_exponentially_up_to_a_cap() {
        let seconds: Vec<u64> = (1..=8).map(|n| reconnect_delay(n).as_secs()).collect();
        assert_eq!(seconds, vec![1, 2, 4, 8, 16, 30, 30, 30]);
        assert_eq!(reconnect_delay(0).as_secs(), 1);
        assert_eq!(reconnect_delay(u32::MAX).as_secs(), 30);
    }

    #[test]
    fn refused_tokens_stop_reconnection() {
        assert!(close_is_final(4401));
        assert!(close_is_final(4403));
        assert!(close_is_final(4400));
        assert!(close_is_final(1002));
        assert!(close_is_unauthorized(4401));
        assert!(!close_is_unauthorized(4403));
        assert!(!close_is_unauthorized(4400));
        assert!(!close_is_final(1006));
        assert!(!close_is_final(1001));
    }

    #[test]
    fn the_indicator_describes_each_state() {
        assert_eq!(SocketState::Live.label(), "Live");
        let waiting = SocketState::Reconnecting {
            attempt: 2,
            in_seconds: 2,
        };
        assert_eq!(waiting.label(), "Offline, retrying in 2 s");
        assert!(waiting.css_class().contains("offline"));
    }
}
