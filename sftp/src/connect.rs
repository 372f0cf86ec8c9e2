//! Opening a connection: TCP, the SSH handshake with the host-key check,
//! login, then the sftp subsystem. The host key is judged in russh's
//! `check_server_key`, before any credential leaves this process.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use russh::client::{self, Handle};
use russh::keys::{HashAlg, PrivateKeyWithHashAlg, PublicKeyOrCertificate};
use russh_sftp::client::SftpSession;

use crate::{Auth, Endpoint, SftpError, normalized_pin};

/// Sends keepalives this often so that a dead peer is noticed mid-transfer.
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(15);
/// Keepalives left unanswered before the connection counts as lost.
const KEEPALIVE_MAX: usize = 3;

/// The russh handler: accepts the server only when its key is the pinned one,
/// and remembers what the server presented so the caller can say so.
pub(crate) struct HostKeyCheck {
    pin: Option<String>,
    presented: Arc<Mutex<Option<String>>>,
}

impl client::Handler for HostKeyCheck {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        server_public_key: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let fingerprint = server_public_key
            .public_key()
            .fingerprint(HashAlg::Sha256)
            .to_string();
        let accepted = self.pin.as_deref() == Some(fingerprint.as_str());
        *self
            .presented
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(fingerprint);
        Ok(accepted)
    }
}

/// An authenticated connection with the sftp subsystem open.
pub(crate) struct Connection {
    pub(crate) handle: Handle<HostKeyCheck>,
    pub(crate) sftp: SftpSession,
    pub(crate) fingerprint: String,
}

/// The outcome of a connection attempt, with the server's key fingerprint
/// whenever the handshake got that far (for [`crate::probe`]).
pub(crate) struct Attempt {
    pub(crate) result: Result<Connection, SftpError>,
    pub(crate) presented: Option<String>,
}

/// Whole seconds of a time limit, rounded up, for messages.
pub(crate) fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// Connects, checks the host key, logs in and opens sftp, all within `timeout`.
pub(crate) async fn open(endpoint: &Endpoint, timeout: Duration) -> Attempt {
    let presented = Arc::new(Mutex::new(None));
    let result = tokio::time::timeout(timeout, open_unbounded(endpoint, timeout, &presented))
        .await
        .unwrap_or_else(|_| {
            Err(SftpError::Timeout {
                host: endpoint.host.clone(),
                port: endpoint.port,
                seconds: whole_seconds(timeout),
            })
        });
    let presented = presented
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    Attempt { result, presented }
}

async fn open_unbounded(
    endpoint: &Endpoint,
    timeout: Duration,
    presented: &Arc<Mutex<Option<String>>>,
) -> Result<Connection, SftpError> {
    let (host, port) = (endpoint.host.as_str(), endpoint.port);
    let stream = tokio::net::TcpStream::connect((host, port))
        .await
        .map_err(|error| SftpError::Unreachable {
            host: host.to_owned(),
            port,
            reason: error.to_string(),
        })?;
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "set_nodelay failed");
    }

    let config = client::Config {
        keepalive_interval: Some(KEEPALIVE_INTERVAL),
        keepalive_max: KEEPALIVE_MAX,
        ..client::Config::default()
    };
    let pin = normalized_pin(endpoint.host_key.as_deref());
    let handler = HostKeyCheck {
        pin: pin.clone(),
        presented: Arc::clone(presented),
    };
    let handshake = client::connect_stream(Arc::new(config), stream, handler).await;
    let fingerprint = presented
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    // Judge the key first: a refused key surfaces as a generic russh error.
    if let Some(presented) = &fingerprint {
        match &pin {
            None => {
                return Err(SftpError::HostKeyNotPinned {
                    host: host.to_owned(),
                    port,
                    presented: presented.clone(),
                });
            }
            Some(expected) if expected != presented => {
                return Err(SftpError::HostKeyMismatch {
                    expected: expected.clone(),
                    presented: presented.clone(),
                });
            }
            Some(_) => {}
        }
    }
    let mut handle =
        handshake.map_err(|error| transport_error(host, port, "the SSH handshake", error))?;
    let Some(fingerprint) = fingerprint else {
        return Err(SftpError::Protocol(format!(
            "{host}:{port} completed the SSH handshake without presenting a host key"
        )));
    };

    let connection = async {
        authenticate(&mut handle, endpoint).await?;
        let sftp = open_sftp(&handle, host, port).await?;
        sftp.set_timeout(whole_seconds(timeout).max(1));
        Ok(sftp)
    }
    .await;
    match connection {
        Ok(sftp) => {
            tracing::info!(host, port, username = %endpoint.username, "sftp session open");
            Ok(Connection {
                handle,
                sftp,
                fingerprint,
            })
        }
        Err(error) => {
            let _ = handle
                .disconnect(russh::Disconnect::ByApplication, "", "en")
                .await;
            Err(error)
        }
    }
}

async fn authenticate(
    handle: &mut Handle<HostKeyCheck>,
    endpoint: &Endpoint,
) -> Result<(), SftpError> {
    let (host, port) = (endpoint.host.as_str(), endpoint.port);
    let username = endpoint.username.as_str();
    let result = match &endpoint.auth {
        Auth::Password(password) => handle
            .authenticate_password(username, password.as_str())
            .await
            .map_err(|error| transport_error(host, port, "authentication", error))?,
        Auth::PrivateKey {
            openssh_pem,
            passphrase,
        } => {
            let key = russh::keys::decode_secret_key(openssh_pem, passphrase.as_deref())
                .map_err(|error| bad_key(error, passphrase.is_some()))?;
            let rsa_hash = if key.algorithm().is_rsa() {
                handle
                    .best_supported_rsa_hash()
                    .await
                    .map_err(|error| transport_error(host, port, "authentication", error))?
                    .flatten()
            } else {
                None
            };
            let key = PrivateKeyWithHashAlg::new(Arc::new(key), rsa_hash);
            handle
                .authenticate_publickey(username, key)
                .await
                .map_err(|error| transport_error(host, port, "authentication", error))?
        }
    };
    if result.success() {
        return Ok(());
    }
    Err(SftpError::AuthenticationFailed {
        username: username.to_owned(),
        method: endpoint.auth.method().to_owned(),
    })
}

async fn open_sftp(
    handle: &Handle<HostKeyCheck>,
    host: &str,
    port: u16,
) -> Result<SftpSession, SftpError> {
    let channel = handle
        .channel_open_session()
        .await
        .map_err(|error| transport_error(host, port, "opening a session channel", error))?;
    channel
        .request_subsystem(true, "sftp")
        .await
        .map_err(|error| transport_error(host, port, "requesting the sftp subsystem", error))?;
    SftpSession::new(channel.into_stream())
        .await
        .map_err(|error| {
            SftpError::Protocol(format!(
                "{host}:{port} did not start the sftp subsystem (is SFTP enabled for this account?): {error}"
            ))
        })
}

/// A russh failure during `stage`: a dropped connection is transient, anything
/// else is the server speaking a way this client does not accept.
fn transport_error(host: &str, port: u16, stage: &str, error: russh::Error) -> SftpError {
    match error {
        russh::Error::Disconnect
        | russh::Error::HUP
        | russh::Error::IO(_)
        | russh::Error::SendError
        | russh::Error::RecvError
        | russh::Error::KeepaliveTimeout
        | russh::Error::InactivityTimeout
        | russh::Error::ConnectionTimeout => SftpError::Disconnected(format!(
            "{host}:{port} closed the connection during {stage} ({error})"
        )),
        error => SftpError::Protocol(format!("{stage} with {host}:{port} failed: {error}")),
    }
}

/// Explains why a private key cannot be used, without quoting any of it.
fn bad_key(error: russh::keys::Error, passphrase_given: bool) -> SftpError {
    let message = match error {
        russh::keys::Error::KeyIsEncrypted => {
            "the private key is encrypted and no passphrase is configured".to_owned()
        }
        error if passphrase_given => format!(
            "the private key cannot be used: wrong passphrase, or not an OpenSSH private key ({error})"
        ),
        error => format!("the private key cannot be used: not an OpenSSH private key ({error})"),
    };
    SftpError::BadKey(message)
}
