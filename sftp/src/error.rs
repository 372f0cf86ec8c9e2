//! The one error type of the crate: every message is written for the operator
//! who reads a job run's log, names the server and the path, and never carries
//! a password or a key.

/// Why an SFTP exchange failed; [`SftpError::is_transient`] tells the
/// scheduler whether a retry can help.
#[derive(Debug, thiserror::Error)]
pub enum SftpError {
    /// The TCP connection could not be made (refused, unknown host, no route).
    #[error("cannot reach {host}:{port}: {reason}")]
    Unreachable {
        /// The host as configured.
        host: String,
        /// The port as configured.
        port: u16,
        /// What the network stack said.
        reason: String,
    },
    /// The server did not answer within the allotted time.
    #[error("{host}:{port} did not answer within {seconds} s")]
    Timeout {
        /// The host as configured.
        host: String,
        /// The port as configured.
        port: u16,
        /// The time limit that ran out.
        seconds: u64,
    },
    /// No host key is pinned for the endpoint, so nothing was sent to it.
    #[error(
        "no host key pinned for {host}:{port}; the server presented {presented} — pin it after checking it with the server's owner"
    )]
    HostKeyNotPinned {
        /// The host as configured.
        host: String,
        /// The port as configured.
        port: u16,
        /// The server's key fingerprint, `SHA256:…`.
        presented: String,
    },
    /// The server's key differs from the pinned one, so nothing was sent to it.
    #[error(
        "host key changed: pinned {expected}, server presented {presented} — possible man-in-the-middle; nothing was sent"
    )]
    HostKeyMismatch {
        /// The pinned fingerprint.
        expected: String,
        /// The fingerprint the server presented.
        presented: String,
    },
    /// The server refused the credentials.
    #[error("authentication failed for user '{username}' with {method}")]
    AuthenticationFailed {
        /// The user name that was tried.
        username: String,
        /// `password` or `private key`.
        method: String,
    },
    /// The configured private key cannot be used (unparseable, wrong passphrase).
    #[error("{0}")]
    BadKey(String),
    /// The remote path does not exist.
    #[error("'{path}' does not exist on the server")]
    NotFound {
        /// The remote path.
        path: String,
    },
    /// The remote file was there a moment ago and is gone now.
    #[error("'{path}' disappeared from the server before it could be read")]
    Vanished {
        /// The remote path.
        path: String,
    },
    /// The file read is not the size that was listed.
    #[error("{}", truncated_message(path, *expected, *got))]
    Truncated {
        /// The remote path.
        path: String,
        /// The size announced by the listing.
        expected: u64,
        /// The bytes actually read.
        got: u64,
    },
    /// The server refused access to the path.
    #[error("permission denied on '{path}'")]
    PermissionDenied {
        /// The remote path.
        path: String,
    },
    /// The target path exists already and is never replaced.
    #[error("'{path}' already exists on the server; it is never replaced")]
    AlreadyExists {
        /// The remote path.
        path: String,
    },
    /// The connection dropped in the middle of an exchange.
    #[error("connection lost: {0}")]
    Disconnected(String),
    /// The server answered something unexpected or refused an operation.
    #[error("{0}")]
    Protocol(String),
    /// A local file could not be read or written.
    #[error("local file error: {0}")]
    Io(#[from] std::io::Error),
}

impl SftpError {
    /// Whether trying again later may succeed without anybody changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SftpError::Unreachable { .. }
                | SftpError::Timeout { .. }
                | SftpError::Disconnected(_)
                | SftpError::Io(_)
        )
    }
}

fn truncated_message(path: &str, expected: u64, got: u64) -> String {
    if got > expected {
        format!("'{path}' changed while being downloaded: it grew from {expected} to {got} bytes")
    } else {
        format!("'{path}' is truncated: expected {expected} bytes, got {got}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_well_in_a_job_log() {
        let cases = [
            (
                SftpError::Truncated {
                    path: "inbox/a.csv".into(),
                    expected: 10,
                    got: 4,
                },
                "'inbox/a.csv' is truncated: expected 10 bytes, got 4",
            ),
            (
                SftpError::Truncated {
                    path: "inbox/a.csv".into(),
                    expected: 10,
                    got: 12,
                },
                "'inbox/a.csv' changed while being downloaded: it grew from 10 to 12 bytes",
            ),
            (
                SftpError::AuthenticationFailed {
                    username: "x".into(),
                    method: "password".into(),
                },
                "authentication failed for user 'x' with password",
            ),
            (
                SftpError::HostKeyMismatch {
                    expected: "SHA256:a".into(),
                    presented: "SHA256:b".into(),
                },
                "host key changed: pinned SHA256:a, server presented SHA256:b — possible man-in-the-middle; nothing was sent",
            ),
            (
                SftpError::HostKeyNotPinned {
                    host: "files.example".into(),
                    port: 22,
                    presented: "SHA256:b".into(),
                },
                "no host key pinned for files.example:22; the server presented SHA256:b — pin it after checking it with the server's owner",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn only_network_trouble_is_transient() {
        assert!(
            SftpError::Timeout {
                host: "h".into(),
                port: 22,
                seconds: 5
            }
            .is_transient()
        );
        assert!(SftpError::Disconnected("x".into()).is_transient());
        assert!(
            !SftpError::HostKeyMismatch {
                expected: "a".into(),
                presented: "b".into()
            }
            .is_transient()
        );
        assert!(!SftpError::NotFound { path: "x".into() }.is_transient());
    }
}
