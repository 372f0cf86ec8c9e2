//! The SFTP connection editor's draft: secrets are write-only (a blank
//! password or key on edit keeps the stored one), the port is checked, and
//! a test's presented fingerprint can be pinned.

use crate::api::error::FieldError;
use crate::api::job_types::SftpAuthMethod;
use crate::api::jobs::{SftpConnection, SftpConnectionInput, SftpConnectionTest};
use crate::state::forms::field_error;

/// What a secret field says on edit when a secret is stored.
pub const STORED_SECRET_HINT: &str = "stored — leave blank to keep";

/// The fields the connection editor shows problems next to.
pub const SFTP_FIELDS: &[&str] = &[
    "name",
    "host",
    "port",
    "username",
    "authMethod",
    "password",
    "privateKey",
    "privateKeyPassphrase",
    "hostKeyFingerprint",
];

/// The hint of a secret field: "stored — leave blank to keep" when editing
/// a connection that holds one.
pub fn secret_hint(stored: bool) -> Option<&'static str> {
    stored.then_some(STORED_SECRET_HINT)
}

/// The connections table's "Auth" cell.
pub fn auth_label(connection: &SftpConnection) -> String {
    let stored = match connection.auth_method {
        SftpAuthMethod::Password => connection.has_password,
        SftpAuthMethod::PrivateKey => connection.has_private_key,
    };
    if stored {
        connection.auth_method.label().to_owned()
    } else {
        format!("{} (not stored)", connection.auth_method.label())
    }
}

/// What a test says about the host key, if anything.
pub fn fingerprint_note(test: &SftpConnectionTest) -> Option<&'static str> {
    match (
        test.fingerprint_matches,
        test.presented_fingerprint.is_some(),
    ) {
        (Some(true), _) => Some("The host key matches the pinned fingerprint."),
        (Some(false), _) => Some("The host key does NOT match the pinned fingerprint."),
        (None, true) => {
            Some("No fingerprint is pinned: pin this one to detect a changed host key.")
        }
        (None, false) => None,
    }
}

/// The SFTP connection editor's fields, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SftpDraft {
    /// The name.
    pub name: String,
    /// The host.
    pub host: String,
    /// The port (digits).
    pub port: String,
    /// The user.
    pub username: String,
    /// How it signs in.
    pub auth_method: SftpAuthMethod,
    /// A new password (blank keeps the stored one).
    pub password: String,
    /// A new private key (blank keeps the stored one).
    pub private_key: String,
    /// The new key's passphrase.
    pub private_key_passphrase: String,
    /// The pinned fingerprint.
    pub host_key_fingerprint: String,
    /// Whether a password is stored (editing).
    pub has_password: bool,
    /// Whether a private key is stored (editing).
    pub has_private_key: bool,
}

impl Default for SftpDraft {
    fn default() -> Self {
        SftpDraft {
            name: String::new(),
            host: String::new(),
            port: "22".to_owned(),
            username: String::new(),
            auth_method: SftpAuthMethod::Password,
            password: String::new(),
            private_key: String::new(),
            private_key_passphrase: String::new(),
            host_key_fingerprint: String::new(),
            has_password: false,
            has_private_key: false,
        }
    }
}

impl SftpDraft {
    /// The form of a saved connection; its secrets stay on the server.
    pub fn from_connection(connection: &SftpConnection) -> SftpDraft {
        SftpDraft {
            name: connection.name.clone(),
            host: connection.host.clone(),
            port: connection.port.to_string(),
            username: connection.username.clone(),
            auth_method: connection.auth_method,
            host_key_fingerprint: connection.host_key_fingerprint.clone().unwrap_or_default(),
            has_password: connection.has_password,
            has_private_key: connection.has_private_key,
            ..SftpDraft::default()
        }
    }

    // The forms call `to_input`; the tests read the problems alone.
    #[cfg(test)]
    /// The problems that make sending pointless.
    pub fn problems(&self) -> Vec<FieldError> {
        self.to_input().err().unwrap_or_default()
    }

    /// The mutation's input (blank secrets sent as null: kept), or the problems.
    pub fn to_input(&self) -> Result<SftpConnectionInput, Vec<FieldError>> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(field_error("name", "Enter a name."));
        }
        if self.host.trim().is_empty() {
            problems.push(field_error("host", "Enter the server's host name."));
        }
        let port = self
            .port
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|port| *port > 0);
        if port.is_none() {
            problems.push(field_error("port", "Enter a port between 1 and 65535."));
        }
        if self.username.trim().is_empty() {
            problems.push(field_error("username", "Enter the user name."));
        }
        let password =
            secret(&self.password).filter(|_| self.auth_method == SftpAuthMethod::Password);
        let private_key =
            secret(&self.private_key).filter(|_| self.auth_method == SftpAuthMethod::PrivateKey);
        match self.auth_method {
            SftpAuthMethod::Password if password.is_none() && !self.has_password => {
                problems.push(field_error("password", "Enter the password."));
            }
            SftpAuthMethod::PrivateKey if private_key.is_none() && !self.has_private_key => {
                problems.push(field_error("privateKey", "Paste the private key."));
            }
            _ => {}
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let passphrase = secret(&self.private_key_passphrase)
            .filter(|_| self.auth_method == SftpAuthMethod::PrivateKey);
        let fingerprint = self.host_key_fingerprint.trim();
        Ok(SftpConnectionInput {
            name: self.name.trim().to_owned(),
            host: self.host.trim().to_owned(),
            port: port.map(i64::from).unwrap_or(22),
            username: self.username.trim().to_owned(),
            auth_method: self.auth_method,
            password,
            private_key,
            private_key_passphrase: passphrase,
            host_key_fingerprint: (!fingerprint.is_empty()).then(|| fingerprint.to_owned()),
        })
    }
}

/// A secret as typed; blank means "keep the stored one". Not trimmed: a
/// password may start or end with a space.
fn secret(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.to_owned())
}
