//! Fetching a provider's document: which URLs are allowed (HTTPS, or plain
//! HTTP to this machine only), and a bounded GET (timeouts, size limit,
//! redirects held to the same rule).

use std::net::IpAddr;
use std::time::Duration;

use reqwest::{StatusCode, Url, redirect};

/// Largest document accepted; the built-in one is well under 1 MiB, flagged numbers make it grow.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// How long a whole fetch (connect, headers, body) may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(120);

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Most redirects followed (each one checked like the configured URL).
const MAX_REDIRECTS: usize = 5;

/// Why a fetch gave no document; the message becomes the status's `lastError`.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL does not parse or breaks the HTTPS rule.
    #[error("provider URL refused: {0}")]
    Url(String),
    /// Connecting, sending or reading failed (DNS, TLS, timeout, connection reset).
    #[error("provider unreachable: {0}")]
    Request(String),
    /// The provider answered with an error status.
    #[error("provider answered HTTP {0}")]
    Status(StatusCode),
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("provider document is larger than {limit} bytes", limit = MAX_DOCUMENT_BYTES)]
    TooLarge,
    /// The body is not UTF-8 text.
    #[error("provider document is not UTF-8 text")]
    NotText,
}

/// Checks a provider URL: `https://` anywhere, `http://` only to a loopback
/// host (`localhost`, `127.0.0.0/8`, `::1`: local test servers and sidecars).
pub fn check_url(text: &str) -> Result<Url, FetchError> {
    let url = Url::parse(text.trim()).map_err(|error| FetchError::Url(error.to_string()))?;
    allowed(&url)?;
    Ok(url)
}

/// The HTTPS rule on a parsed URL (also applied to every redirect).
fn allowed(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(FetchError::Url(
            "HTTPS is required (plain HTTP only to a loopback host)".into(),
        )),
        other => Err(FetchError::Url(format!("unsupported scheme {other:?}"))),
    }
}

/// `true` for `localhost` and loopback addresses.
fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // IPv6 hosts come bracketed (`[::1]`).
    let address = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || address
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// The URL as shown in the status and stored: no user, password, query or fragment
/// (a provider's access token may sit in any of them).
pub fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

/// The HTTP client of refreshes: timeouts, and redirects held to the HTTPS rule.
pub fn client() -> Result<reqwest::Client, FetchError> {
    // reqwest is built without a default TLS crypto provider; install ring once
    // per process (a second install is refused harmlessly).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let policy = redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        match allowed(attempt.url()) {
            Ok(()) => attempt.follow(),
            Err(error) => attempt.error(error.to_string()),
        }
    });
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(policy)
        .user_agent(concat!("reachline/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| FetchError::Request(error.without_url().to_string()))
}

/// GETs the document at `url`, refusing an error status, a body over the limit or non-UTF-8 text.
pub async fn fetch(client: &reqwest::Client, url: &Url) -> Result<String, FetchError> {
    allowed(url)?;
    let unreachable = |error: reqwest::Error| FetchError::Request(describe(error));
    let mut response = client.get(url.clone()).send().await.map_err(unreachable)?;
    let status = response.status();
    if !status.is_success() {
        return Err(FetchError::Status(status));
    }
    // Refuse early when the size is announced; count anyway (it may be absent or wrong).
    let announced = response.content_length().unwrap_or(0);
    if announced > MAX_DOCUMENT_BYTES as u64 {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| FetchError::NotText)
}

/// A reqwest error with its causes but without the URL (it may carry a token).
fn describe(error: reqwest::Error) -> String {
    let timeout = error.is_timeout();
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if timeout && !text.contains("timed out") {
        text.push_str(" (timed out)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_to_loopback() {
        for allowed in [
            "https://data.example.com/numbering.json",
            "http://127.0.0.1:8080/numbering.json",
            "http://localhost/numbering.json",
            "http://[::1]:9000/x",
        ] {
            assert!(check_url(allowed).is_ok(), "{allowed}");
        }
        for refused in [
            "http://data.example.com/numbering.json",
            "http://10.0.0.1/numbering.json",
            "ftp://data.example.com/numbering.json",
            "file:///etc/passwd",
            "not a url",
        ] {
            assert!(
                matches!(check_url(refused), Err(FetchError::Url(_))),
                "{refused}"
            );
        }
    }

    #[test]
    fn credentials_and_query_are_not_shown() {
        let url = check_url("https://user:secret@data.example.com/n.json?token=abc#x").unwrap();
        assert_eq!(display_url(&url), "https://data.example.com/n.json");
    }
}
