//! A minimal `graphql-transport-ws` client, enough to prove subscriptions end to end.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Message, http::HeaderValue};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// An open, acknowledged subscription.
pub struct Subscription {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// Connects, sends `connection_init` with `token`, and subscribes to `query`.
/// `Err` carries the server's refusal (close frame or error message).
pub async fn subscribe(
    url: &str,
    token: Option<&str>,
    query: &str,
) -> Result<Subscription, String> {
    let mut request = url
        .into_client_request()
        .map_err(|error| error.to_string())?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .map_err(|error| error.to_string())?;
    let payload = token.map_or(json!({}), |token| json!({ "token": token }));
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": payload }),
    )
    .await?;
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .map_err(|_| "no connection_ack within 5 s".to_owned())?;
        match message {
            Some(Ok(Message::Text(text))) => {
                let value: Value =
                    serde_json::from_str(&text).map_err(|error| error.to_string())?;
                match value["type"].as_str() {
                    Some("connection_ack") => break,
                    Some("ping") => send(&mut socket, json!({ "type": "pong" })).await?,
                    _ => return Err(format!("unexpected message {value}")),
                }
            }
            Some(Ok(Message::Close(frame))) => {
                return Err(frame.map_or("closed".into(), |frame| {
                    format!("closed {}: {}", frame.code, frame.reason)
                }));
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(error.to_string()),
            None => return Err("socket ended".into()),
        }
    }
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
    )
    .await?;
    Ok(Subscription { socket })
}

async fn send(
    socket: &mut WebSocketStream<MaybeTlsStream<TcpStream>>,
    value: Value,
) -> Result<(), String> {
    socket
        .send(Message::Text(value.to_string().into()))
        .await
        .map_err(|error| error.to_string())
}

impl Subscription {
    /// The next `next` payload (or `error` message) within `wait`; `None` on timeout or close.
    pub async fn next_payload(&mut self, wait: Duration) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let message = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .ok()??;
            let Ok(Message::Text(text)) = message else {
                if matches!(message, Ok(Message::Close(_)) | Err(_)) {
                    return None;
                }
                continue;
            };
            let value: Value = serde_json::from_str(&text).ok()?;
            match value["type"].as_str() {
                Some("next") => return Some(value["payload"].clone()),
                Some("error") => return Some(json!({ "errors": value["payload"] })),
                Some("ping") => {
                    let _ = send(&mut self.socket, json!({ "type": "pong" })).await;
                }
                Some("complete") => return None,
                _ => {}
            }
        }
    }
}
