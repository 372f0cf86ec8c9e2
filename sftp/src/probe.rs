//! "Test connection" for the settings page: what the server presented, whether
//! it matches the pin, and whether login and listing work.

use std::time::Duration;

use crate::connect;
use crate::{Endpoint, Session, SftpError, normalized_pin};

/// How many file names a probe reports: enough to recognise the directory.
const PROBE_FILES: usize = 20;

/// The outcome of [`probe`], shown to the operator as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Probe {
    /// Logged in and listed the directory.
    pub ok: bool,
    /// One sentence for the operator: what worked, or what failed and why.
    pub message: String,
    /// The server's host key fingerprint (`SHA256:…`), whenever the handshake
    /// got that far, pinned or not: the value to pin.
    pub presented_fingerprint: Option<String>,
    /// Whether the presented key equals the pin; `None` when nothing is pinned
    /// or nothing was presented.
    pub fingerprint_matches: Option<bool>,
    /// Up to 20 file names of the directory, sorted.
    pub files: Vec<String>,
}

/// "Test connection": connects, reports the server's host key even when none
/// is pinned (so the operator can pin it), and only with a matching pin logs
/// in and lists `dir`.
#[tracing::instrument(skip_all, fields(host = %endpoint.host, port = endpoint.port))]
pub async fn probe(endpoint: &Endpoint, dir: &str, timeout: Duration) -> Probe {
    let attempt = connect::open(endpoint, timeout).await;
    let pin = normalized_pin(endpoint.host_key.as_deref());
    let fingerprint_matches = match (&pin, &attempt.presented) {
        (Some(pin), Some(presented)) => Some(pin == presented),
        _ => None,
    };
    let failed = |error: SftpError| Probe {
        ok: false,
        message: error.to_string(),
        presented_fingerprint: attempt.presented.clone(),
        fingerprint_matches,
        files: Vec::new(),
    };
    let connection = match attempt.result {
        Ok(connection) => connection,
        Err(error) => return failed(error),
    };
    let session = Session::from_connection(connection, endpoint, timeout);
    let listing = session.list(dir).await;
    if let Err(error) = session.close().await {
        tracing::debug!(%error, "closing the probe session failed");
    }
    let files = match listing {
        Ok(files) => files,
        Err(error) => return failed(error),
    };
    let count = files.len();
    let shown = if count > PROBE_FILES {
        format!(" (first {PROBE_FILES} shown)")
    } else {
        String::new()
    };
    Probe {
        ok: true,
        message: format!(
            "connected to {}:{} as '{}' and listed '{dir}': {count} file(s){shown}",
            endpoint.host, endpoint.port, endpoint.username
        ),
        presented_fingerprint: attempt.presented.clone(),
        fingerprint_matches,
        files: files
            .into_iter()
            .take(PROBE_FILES)
            .map(|file| file.name)
            .collect(),
    }
}
