//! The client side of a Nexus-compatible gateway: one message is one
//! `POST {baseUrl}/v1/messages` with the message's idempotency key in the
//! `Idempotency-Key` header (and as `reference`), so a re-send after a crash
//! is dropped by the gateway. Answers are sorted into accepted, transient
//! (429, 5xx, timeouts, connection errors: retry later) and permanent (any
//! other refusal, with the gateway's reason).

use std::sync::OnceLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::MessageChannel;
use super::provider::Gateway;

/// How long one send may take, connect included.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// One message as the gateway receives it.
#[derive(Debug, Clone, Serialize)]
pub struct Outbound<'a> {
    /// `SMS` or `EMAIL`.
    pub channel: &'static str,
    /// Sender id or From address.
    pub from: Option<&'a str>,
    /// E.164 number or e-mail address.
    pub to: &'a str,
    /// The rendered text.
    pub text: &'a str,
    /// The rendered e-mail subject.
    pub subject: Option<&'a str>,
    /// The idempotency key, echoed in receipts.
    pub reference: &'a str,
}

impl<'a> Outbound<'a> {
    /// A message on `channel` from the gateway's sender for that channel.
    pub fn new(
        gateway: &'a Gateway,
        channel: MessageChannel,
        to: &'a str,
        text: &'a str,
        subject: Option<&'a str>,
        reference: &'a str,
    ) -> Self {
        let from = match channel {
            MessageChannel::Sms => gateway.sms_sender.as_deref(),
            MessageChannel::Email => gateway.email_sender.as_deref(),
        };
        Self {
            channel: channel.as_str(),
            from,
            to,
            text,
            subject,
            reference,
        }
    }
}

/// The gateway took the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The gateway's id for it (receipts name it).
    pub provider_id: String,
}

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later (the gateway is busy, down or slow).
    #[error("{message}")]
    Transient {
        /// What happened.
        message: String,
        /// The gateway's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// The gateway refused this message; sending it again will not help.
    #[error("{0}")]
    Permanent(String),
}

#[derive(Deserialize)]
struct AcceptedBody {
    id: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default, alias = "message")]
    error: Option<String>,
}

/// The process's one client (connections are pooled across sends).
fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(256)
            .user_agent(concat!("reachline/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new())
    })
}

/// Sends one message.
pub async fn send(gateway: &Gateway, message: &Outbound<'_>) -> Result<Accepted, SendError> {
    let url = gateway
        .base_url
        .join("v1/messages")
        .map_err(|error| SendError::Permanent(format!("gateway URL: {error}")))?;
    let response = client()
        .post(url)
        .bearer_auth(&gateway.api_key)
        .header("Idempotency-Key", message.reference)
        .json(message)
        .send()
        .await
        .map_err(|error| SendError::Transient {
            message: format!("gateway unreachable: {}", describe(&error)),
            retry_after: None,
        })?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response
        .bytes()
        .await
        .map_err(|error| SendError::Transient {
            message: format!("gateway answer cut off: {}", describe(&error)),
            retry_after: None,
        })?;
    if status.is_success() {
        return match serde_json::from_slice::<AcceptedBody>(&body) {
            Ok(accepted) if !accepted.id.is_empty() => Ok(Accepted {
                provider_id: accepted.id,
            }),
            _ => Err(SendError::Transient {
                message: format!(
                    "gateway answered HTTP {} without a message id",
                    status.as_u16()
                ),
                retry_after: None,
            }),
        };
    }
    let reason = serde_json::from_slice::<ErrorBody>(&body)
        .ok()
        .and_then(|body| body.error)
        .map(|text| text.chars().take(300).collect::<String>())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    let message = format!("gateway answered HTTP {}: {reason}", status.as_u16());
    if status.as_u16() == 429 || status.is_server_error() || status.as_u16() == 408 {
        Err(SendError::Transient {
            message,
            retry_after,
        })
    } else {
        Err(SendError::Permanent(message))
    }
}

/// A transport error without its URL (it holds no personal data, but keep it short).
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "connection refused or unreachable".to_owned()
    } else {
        let mut text = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            text = format!("{text}: {cause}");
            source = cause.source();
        }
        text
    }
}
