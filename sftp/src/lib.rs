//! SFTP to customers' servers for the Job Scheduler: connect with a pinned
//! host key, log in with a password or a private key, list, download with a
//! SHA-256 as the bytes arrive, upload through a `.part` file renamed into
//! place, rename and remove.
//!
//! Pure Rust (russh with ring, russh-sftp): no OpenSSL, no C toolchain. The
//! host key is checked before anything is sent: an endpoint without a pinned
//! key is refused, and [`probe`] shows the operator the key to pin.

mod connect;
mod error;
mod probe;
mod session;

use std::fmt;

use chrono::{DateTime, Utc};
use russh::keys::{HashAlg, ssh_key};

pub use error::SftpError;
pub use probe::{Probe, probe};
pub use session::Session;

/// How to reach and log in to one server.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Host name or IP address.
    pub host: String,
    /// TCP port, usually 22.
    pub port: u16,
    /// The account to log in as.
    pub username: String,
    /// The credentials of that account.
    pub auth: Auth,
    /// The pinned host key, `SHA256:<base64 without padding>` as printed by
    /// `ssh-keygen -lf`; `None` refuses every connection (see [`probe`]).
    pub host_key: Option<String>,
}

/// The credentials of one account; `Debug` never shows the secret.
#[derive(Clone)]
pub enum Auth {
    /// Password login.
    Password(String),
    /// Public-key login with an OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`).
    PrivateKey {
        /// The private key file's text.
        openssh_pem: String,
        /// The key's passphrase when it is encrypted.
        passphrase: Option<String>,
    },
}

impl Auth {
    /// The method's name as an operator knows it, for messages.
    fn method(&self) -> &'static str {
        match self {
            Auth::Password(_) => "password",
            Auth::PrivateKey { .. } => "private key",
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Password(_) => formatter.write_str("Password(<redacted>)"),
            Auth::PrivateKey { passphrase, .. } => formatter
                .debug_struct("PrivateKey")
                .field("openssh_pem", &"<redacted>")
                .field("passphrase", &passphrase.as_ref().map(|_| "<redacted>"))
                .finish(),
        }
    }
}

/// One regular file on the server, as listed or stat'ed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteFile {
    /// The file name, without directory.
    pub name: String,
    /// The directory that was asked for joined with `name` (`inbox/a.csv`).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time, when the server reports it (whole seconds).
    pub modified: Option<DateTime<Utc>>,
}

/// What a download wrote to the local file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Downloaded {
    /// Bytes written.
    pub bytes: u64,
    /// SHA-256 of those bytes, lowercase hex.
    pub sha256: String,
}

/// Computes the OpenSSH `SHA256:…` fingerprint of a public key line
/// (`ssh-ed25519 AAAA… comment`), the form operators pin; for tests and the
/// SPA's help text.
pub fn fingerprint_of_public_key(openssh_line: &str) -> Result<String, SftpError> {
    let key = ssh_key::PublicKey::from_openssh(openssh_line.trim()).map_err(|error| {
        SftpError::BadKey(format!(
            "not an OpenSSH public key line (`ssh-ed25519 AAAA… comment`): {error}"
        ))
    })?;
    Ok(key.fingerprint(HashAlg::Sha256).to_string())
}

/// The pin in the form the server's key is compared with: trimmed, without
/// base64 padding (some tools print it), `None` when blank.
fn normalized_pin(pin: Option<&str>) -> Option<String> {
    let pin = pin?.trim().trim_end_matches('=');
    if pin.is_empty() {
        return None;
    }
    Some(pin.to_owned())
}

/// Joins a remote directory and a name with `/` (SFTP paths are POSIX).
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_matches_ssh_keygen() {
        // `ssh-keygen -lf` of this key prints the expected fingerprint.
        let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ comment";
        assert_eq!(
            fingerprint_of_public_key(line).ok().as_deref(),
            Some("SHA256:T7SvZ2cslqpPj6nKzitCBHHlpVF3r3MvLwmFL0fk0IE")
        );
        assert!(matches!(
            fingerprint_of_public_key("not a key"),
            Err(SftpError::BadKey(_))
        ));
    }

    #[test]
    fn pins_are_compared_without_padding_or_blanks() {
        assert_eq!(normalized_pin(None), None);
        assert_eq!(normalized_pin(Some("  ")), None);
        assert_eq!(
            normalized_pin(Some(" SHA256:abc= ")).as_deref(),
            Some("SHA256:abc")
        );
    }

    #[test]
    fn paths_join_with_one_slash() {
        assert_eq!(join("inbox", "a.csv"), "inbox/a.csv");
        assert_eq!(join("inbox/", "a.csv"), "inbox/a.csv");
        assert_eq!(join("", "a.csv"), "a.csv");
        assert_eq!(join(".", "a.csv"), "a.csv");
        assert_eq!(join("/srv/in", "a.csv"), "/srv/in/a.csv");
    }

    #[test]
    fn debug_hides_secrets() {
        let password = format!("{:?}", Auth::Password("hunter2".into()));
        let key = format!(
            "{:?}",
            Auth::PrivateKey {
                openssh_pem: "-----BEGIN".into(),
                passphrase: Some("pass".into())
            }
        );
        assert!(!password.contains("hunter2"));
        assert!(!key.contains("BEGIN") && !key.contains("pass\""));
    }
}
