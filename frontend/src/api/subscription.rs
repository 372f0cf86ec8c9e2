//! Typed GraphQL subscriptions over `/graphql/ws` (`graphql-transport-ws`).
//!
//! `subscribe::<Operation>(...)` opens a socket, authenticates in
//! `connection_init`, subscribes, hands every result to a callback and
//! reconnects with backoff when the socket drops. It is tied to the calling
//! component: when that component unmounts, the socket closes. The
//! protocol's messages and the retry rules live in `ws_protocol` (tested on
//! the host); this file only moves frames.

use std::time::Duration;

use futures::channel::oneshot;
use futures::future::{Either, select};
use futures::stream::{SplitSink, SplitStream};
use futures::{FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use graphql_client::{GraphQLQuery, Response};
use leptos::prelude::*;

use super::error::{ApiError, into_result};
use super::operations::{Me, me};
use super::ws_protocol::{
    ACKNOWLEDGEMENT_TIMEOUT, ClientMessage, InitPayload, SUBPROTOCOL, SUBSCRIPTION_ID,
    ServerMessage, SocketState, close_is_final, close_is_unauthorized, reconnect_delay,
    websocket_url,
};
use crate::state::session::Session;

/// A running subscription, as the page sees it.
#[derive(Clone, Copy)]
pub struct Subscription {
    /// The socket's state, for a "live" indicator.
    pub state: ReadSignal<SocketState>,
    /// The last error the operation reported, if any (the socket stays open).
    pub last_error: ReadSignal<Option<ApiError>>,
}

/// Starts `Operation` and calls `on_data` with each result until the calling
/// component unmounts.
pub fn subscribe<Operation>(
    session: Session,
    variables: Operation::Variables,
    on_data: impl Fn(Operation::ResponseData) + 'static,
) -> Subscription
where
    Operation: GraphQLQuery,
    Operation::ResponseData: 'static,
{
    let (state, set_state) = signal(SocketState::Connecting);
    let (last_error, set_last_error) = signal(None::<ApiError>);
    let request = serde_json::to_value(Operation::build_query(variables)).unwrap_or_default();
    let (stop_sender, stop_receiver) = oneshot::channel::<()>();
    on_cleanup(move || {
        let _already_stopped = stop_sender.send(());
    });
    let connection = Connection {
        session,
        request,
        set_state,
        set_last_error,
        on_data: Box::new(move |payload| {
            match serde_json::from_value::<Response<Operation::ResponseData>>(payload) {
                Ok(response) => into_result(response).map(&on_data),
                Err(error) => Err(ApiError::new(
                    super::error::ErrorKind::Protocol,
                    format!("An event could not be read: {error}."),
                )),
            }
        }),
    };
    leptos::task::spawn_local(connection.run(stop_receiver));
    Subscription { state, last_error }
}

/// How one socket ended.
enum SocketEnd {
    /// Dropped or timed out: try again. `was_live` resets the backoff.
    Dropped { was_live: bool },
    /// The server refused us for good, with a reason to show.
    Refused(String),
    /// The token is no longer valid: the session is over.
    Unauthorized,
}

type Sink = SplitSink<WebSocket, Message>;
type Stream = SplitStream<WebSocket>;

/// Everything the reconnect loop needs, type-erased over the operation.
struct Connection {
    session: Session,
    request: serde_json::Value,
    set_state: WriteSignal<SocketState>,
    set_last_error: WriteSignal<Option<ApiError>>,
    on_data: Box<dyn Fn(serde_json::Value) -> Result<(), ApiError>>,
}

impl Connection {
    /// Connects, and reconnects with backoff, until stopped or refused.
    async fn run(self, mut stop: oneshot::Receiver<()>) {
        let mut attempt: u32 = 0;
        loop {
            self.set_state.try_set(SocketState::Connecting);
            let Some(token) = self.session.token_untracked() else {
                self.finish(Some("signed out".to_owned()));
                return;
            };
            let socket = self.run_socket(token).boxed_local();
            let end = match select(socket, &mut stop).await {
                Either::Left((end, _)) => end,
                // Leaving the page drops the socket future, which closes the socket.
                Either::Right(_) => return self.finish(None),
            };
            match end {
                SocketEnd::Unauthorized => {
                    self.session.end();
                    return self.finish(Some("the session has ended".to_owned()));
                }
                SocketEnd::Refused(reason) => {
                    self.end_session_if_token_refused().await;
                    return self.finish(Some(reason));
                }
                SocketEnd::Dropped { was_live } => {
                    attempt = if was_live {
                        1
                    } else {
                        attempt.saturating_add(1)
                    };
                }
            }
            let delay = reconnect_delay(attempt);
            self.set_state.try_set(SocketState::Reconnecting {
                attempt,
                in_seconds: delay.as_secs(),
            });
            if let Either::Right(_) = select(sleep(delay).boxed_local(), &mut stop).await {
                return self.finish(None);
            }
        }
    }

    /// async-graphql answers a refused `connection_init` with a generic close
    /// (1002) rather than 4401, so ask over HTTP whether the token still
    /// works; `Session::execute` ends the session when it does not.
    async fn end_session_if_token_refused(&self) {
        let _still_valid = self.session.execute::<Me>(me::Variables).await;
    }

    fn finish(&self, reason: Option<String>) {
        self.set_state.try_set(SocketState::Closed { reason });
    }

    /// One socket's life: handshake, subscribe, then relay frames until it ends.
    async fn run_socket(&self, token: String) -> SocketEnd {
        let Some(url) = page_websocket_url() else {
            return SocketEnd::Refused("no page location".to_owned());
        };
        let Ok(socket) = WebSocket::open_with_protocol(&url, SUBPROTOCOL) else {
            return SocketEnd::Dropped { was_live: false };
        };
        let (mut sink, mut stream) = socket.split();
        let init = ClientMessage::ConnectionInit {
            payload: InitPayload { token },
        };
        if send(&mut sink, &init).await.is_err() {
            return SocketEnd::Dropped { was_live: false };
        }
        let handshake = wait_for_acknowledgement(&mut sink, &mut stream).boxed_local();
        match select(handshake, sleep(ACKNOWLEDGEMENT_TIMEOUT).boxed_local()).await {
            Either::Left((Ok(()), _)) => {}
            Either::Left((Err(end), _)) => return end,
            Either::Right(_) => return SocketEnd::Dropped { was_live: false },
        }
        let subscribe = ClientMessage::Subscribe {
            id: SUBSCRIPTION_ID.to_owned(),
            payload: self.request.clone(),
        };
        if send(&mut sink, &subscribe).await.is_err() {
            return SocketEnd::Dropped { was_live: false };
        }
        self.set_state.try_set(SocketState::Live);
        self.relay(&mut sink, &mut stream).await
    }

    /// Hands results to the page and answers pings until the socket ends.
    async fn relay(&self, sink: &mut Sink, stream: &mut Stream) -> SocketEnd {
        const DROPPED: SocketEnd = SocketEnd::Dropped { was_live: true };
        while let Some(frame) = stream.next().await {
            let text = match frame {
                Ok(Message::Text(text)) => text,
                Ok(Message::Bytes(_)) => continue,
                Err(error) => return end_of(&error, true),
            };
            match ServerMessage::parse(&text) {
                Some(ServerMessage::Next { id, payload }) if id == SUBSCRIPTION_ID => {
                    match (self.on_data)(payload) {
                        Ok(()) => self.set_last_error.try_set(None),
                        Err(error) if error.is_unauthenticated() => {
                            return SocketEnd::Unauthorized;
                        }
                        Err(error) => self.set_last_error.try_set(Some(error)),
                    };
                }
                Some(ServerMessage::Error { payload, .. }) => {
                    let errors: Vec<graphql_client::Error> =
                        serde_json::from_value(payload).unwrap_or_default();
                    let error = ApiError::from_graphql_errors(&errors);
                    if error.is_unauthenticated() {
                        return SocketEnd::Unauthorized;
                    }
                    return SocketEnd::Refused(error.message);
                }
                // The event stream should never end; if the server ends it
                // (a restart, say), subscribe again after the usual delay.
                Some(ServerMessage::Complete { .. }) => return DROPPED,
                Some(ServerMessage::Ping {}) => {
                    let answered = send(sink, &ClientMessage::Pong {}).await;
                    if answered.is_err() {
                        return DROPPED;
                    }
                }
                _ => {}
            }
        }
        DROPPED
    }
}

/// Reads frames until `connection_ack`, answering pings meanwhile.
async fn wait_for_acknowledgement(sink: &mut Sink, stream: &mut Stream) -> Result<(), SocketEnd> {
    while let Some(frame) = stream.next().await {
        let text = match frame {
            Ok(Message::Text(text)) => text,
            Ok(Message::Bytes(_)) => continue,
            Err(error) => return Err(end_of(&error, false)),
        };
        match ServerMessage::parse(&text) {
            Some(ServerMessage::ConnectionAck {}) => return Ok(()),
            Some(ServerMessage::Ping {}) => {
                send(sink, &ClientMessage::Pong {})
                    .await
                    .map_err(|_| SocketEnd::Dropped { was_live: false })?;
            }
            _ => {}
        }
    }
    Err(SocketEnd::Dropped { was_live: false })
}

/// Classifies a socket error by its close code.
fn end_of(error: &WebSocketError, was_live: bool) -> SocketEnd {
    let WebSocketError::ConnectionClose(event) = error else {
        return SocketEnd::Dropped { was_live };
    };
    if close_is_unauthorized(event.code) {
        return SocketEnd::Unauthorized;
    }
    if close_is_final(event.code) {
        let reason = if event.reason.is_empty() {
            format!("the server refused the subscription (code {})", event.code)
        } else {
            event.reason.clone()
        };
        return SocketEnd::Refused(reason);
    }
    SocketEnd::Dropped { was_live }
}

async fn send(sink: &mut Sink, message: &ClientMessage) -> Result<(), WebSocketError> {
    sink.send(Message::Text(message.to_text())).await
}

/// `ws://` or `wss://` on the page's own host.
fn page_websocket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let protocol = location.protocol().ok()?;
    let host = location.host().ok()?;
    Some(websocket_url(&protocol, &host))
}

/// Resolves after `duration` (a browser timer; there is no thread to sleep).
pub(crate) async fn sleep(duration: Duration) {
    let (done, finished) = oneshot::channel::<()>();
    set_timeout(
        move || {
            let _receiver_gone = done.send(());
        },
        duration,
    );
    let _cancelled = finished.await;
}
