//! The file operations of an open [`Session`], each mapping the server's
//! answer to an [`SftpError`] that names the path.

use std::path::Path;
use std::time::Duration;

use chrono::DateTime;
use russh::client::Handle;
use russh_sftp::client::SftpSession;
use russh_sftp::client::error::Error as ClientError;
use russh_sftp::protocol::{FileAttributes, OpenFlags, StatusCode};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::connect::{self, Connection, HostKeyCheck};
use crate::{Downloaded, Endpoint, RemoteFile, SftpError, join};

/// Bytes moved per read or write call; russh-sftp pipelines requests below.
const CHUNK: usize = 256 * 1024;

/// An authenticated connection with the sftp subsystem open.
pub struct Session {
    handle: Handle<HostKeyCheck>,
    sftp: SftpSession,
    host: String,
    port: u16,
    fingerprint: String,
    timeout_seconds: u64,
}

impl Session {
    /// Connects, checks the host key against the pin (refuses when not pinned
    /// or different), authenticates and opens sftp, all within `timeout`;
    /// `timeout` then also bounds each request.
    #[tracing::instrument(skip_all, fields(host = %endpoint.host, port = endpoint.port))]
    pub async fn connect(endpoint: &Endpoint, timeout: Duration) -> Result<Session, SftpError> {
        let connection = connect::open(endpoint, timeout).await.result?;
        Ok(Session::from_connection(connection, endpoint, timeout))
    }

    pub(crate) fn from_connection(
        connection: Connection,
        endpoint: &Endpoint,
        timeout: Duration,
    ) -> Session {
        Session {
            handle: connection.handle,
            sftp: connection.sftp,
            host: endpoint.host.clone(),
            port: endpoint.port,
            fingerprint: connection.fingerprint,
            timeout_seconds: connect::whole_seconds(timeout).max(1),
        }
    }

    /// The server's host key fingerprint (`SHA256:…`), equal to the pin.
    pub fn host_key_fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The regular files in `dir` (`""` or `"."`: the start directory;
    /// symlinks to regular files and hidden files included), sorted by name.
    pub async fn list(&self, dir: &str) -> Result<Vec<RemoteFile>, SftpError> {
        let entries = self
            .sftp
            .read_dir(if dir.is_empty() { "." } else { dir })
            .await
            .map_err(|error| self.failure("list", dir, error))?;
        let mut files = Vec::new();
        for entry in entries {
            let name = entry.file_name();
            let path = join(dir, &name);
            let mut attributes = entry.metadata();
            if attributes.file_type().is_symlink() {
                match self.sftp.metadata(path.as_str()).await {
                    Ok(target) => attributes = target,
                    // A dangling link or one the account may not follow.
                    Err(ClientError::Status(_)) => continue,
                    Err(error) => return Err(self.failure("inspect", &path, error)),
                }
            }
            if attributes.file_type().is_file() {
                files.push(remote_file(name, path, &attributes));
            }
        }
        files.sort_by(|left, right| left.name.cmp(&right.name));
        Ok(files)
    }

    /// The regular file at `path` (symlinks followed); `None` when absent, an
    /// error when something other than a file is there.
    pub async fn stat(&self, path: &str) -> Result<Option<RemoteFile>, SftpError> {
        let attributes = match self.sftp.metadata(path).await {
            Ok(attributes) => attributes,
            Err(error) => match self.failure("inspect", path, error) {
                SftpError::NotFound { .. } => return Ok(None),
                error => return Err(error),
            },
        };
        if !attributes.file_type().is_file() {
            return Err(SftpError::Protocol(format!(
                "'{path}' is not a regular file (it is a {:?})",
                attributes.file_type()
            )));
        }
        let name = path.rsplit('/').next().unwrap_or(path).to_owned();
        Ok(Some(remote_file(name, path.to_owned(), &attributes)))
    }

    /// Streams `path` into the local file `to` (created or truncated),
    /// computing its SHA-256 on the way. A file gone since it was listed is
    /// `Vanished`; fewer or more bytes than `expected_size` is `Truncated`.
    #[tracing::instrument(skip_all, fields(path))]
    pub async fn download(
        &self,
        path: &str,
        to: &Path,
        expected_size: u64,
    ) -> Result<Downloaded, SftpError> {
        let mut remote = match self.sftp.open(path).await {
            Ok(remote) => remote,
            Err(error) => match self.failure("open", path, error) {
                SftpError::NotFound { .. } => {
                    return Err(SftpError::Vanished {
                        path: path.to_owned(),
                    });
                }
                error => return Err(error),
            },
        };
        let mut local = tokio::fs::File::create(to).await?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0; CHUNK];
        let mut bytes: u64 = 0;
        loop {
            let read = remote
                .read(&mut buffer)
                .await
                .map_err(|error| self.stream_failure("read", path, error))?;
            let Some(chunk) = buffer.get(..read).filter(|chunk| !chunk.is_empty()) else {
                break;
            };
            hasher.update(chunk);
            local.write_all(chunk).await?;
            bytes += chunk.len() as u64;
        }
        local.sync_all().await?;
        if let Err(error) = remote.shutdown().await {
            tracing::debug!(%error, "closing the remote file after reading failed");
        }
        if bytes != expected_size {
            return Err(SftpError::Truncated {
                path: path.to_owned(),
                expected: expected_size,
                got: bytes,
            });
        }
        tracing::debug!(bytes, "downloaded");
        Ok(Downloaded {
            bytes,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// Uploads `from` as `dir/name` through `dir/.name.part` renamed into
    /// place, so a reader never sees half a file; creates `dir` when missing
    /// and never replaces an existing `dir/name`. Returns the bytes written.
    #[tracing::instrument(skip_all, fields(dir, name))]
    pub async fn upload(&self, from: &Path, dir: &str, name: &str) -> Result<u64, SftpError> {
        if name.is_empty() || name == "." || name == ".." || name.contains('/') {
            return Err(SftpError::Protocol(format!(
                "'{name}' is not a file name: it must be non-empty and contain no '/'"
            )));
        }
        let target = join(dir, name);
        let part = join(dir, &format!(".{name}.part"));
        let mut local = tokio::fs::File::open(from).await?;
        self.create_dir_all(dir).await?;
        if self.exists(&target).await? {
            return Err(SftpError::AlreadyExists { path: target });
        }
        let written = match self.write_part(&mut local, &part).await {
            Ok(written) => written,
            Err(error) => {
                self.remove_quietly(&part).await;
                return Err(error);
            }
        };
        if let Err(error) = self.rename(&part, &target).await {
            self.remove_quietly(&part).await;
            return Err(error);
        }
        tracing::debug!(bytes = written, "uploaded");
        Ok(written)
    }

    /// Renames `from` to `to`; an existing `to` is never replaced (`AlreadyExists`).
    pub async fn rename(&self, from: &str, to: &str) -> Result<(), SftpError> {
        if self.exists(to).await? {
            return Err(SftpError::AlreadyExists {
                path: to.to_owned(),
            });
        }
        let Err(error) = self.sftp.rename(from, to).await else {
            return Ok(());
        };
        // SFTP v3 renames fail with a bare "Failure" when the target exists
        // (it may have appeared since the check above).
        if let ClientError::Status(status) = &error
            && status.status_code == StatusCode::Failure
            && self.exists(to).await?
        {
            return Err(SftpError::AlreadyExists {
                path: to.to_owned(),
            });
        }
        let subject = format!("'{from}' to '{to}'");
        Err(self.failure_about("rename", from, &subject, error))
    }

    /// Removes the file at `path` (`NotFound` when it is not there).
    pub async fn remove(&self, path: &str) -> Result<(), SftpError> {
        self.sftp
            .remove_file(path)
            .await
            .map_err(|error| self.failure("remove", path, error))
    }

    /// Creates `dir` and its missing parents; existing directories are fine.
    pub async fn create_dir_all(&self, dir: &str) -> Result<(), SftpError> {
        let mut prefix = if dir.starts_with('/') {
            "/".to_owned()
        } else {
            String::new()
        };
        for component in dir.split('/').filter(|c| !c.is_empty() && *c != ".") {
            prefix = join(&prefix, component);
            if self.is_directory(&prefix).await? {
                continue;
            }
            if let Err(error) = self.sftp.create_dir(prefix.as_str()).await {
                // Another client may have created it in the meantime.
                if !self.is_directory(&prefix).await? {
                    return Err(self.failure("create the directory", &prefix, error));
                }
            }
        }
        Ok(())
    }

    /// Ends the sftp subsystem and the connection; the session is gone
    /// afterwards whatever the server answers.
    pub async fn close(self) -> Result<(), SftpError> {
        if let Err(error) = self.sftp.close().await {
            tracing::debug!(%error, "closing the sftp channel failed");
        }
        // Fails only when the connection is already closed: nothing left to do.
        let _ = self
            .handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
        Ok(())
    }

    async fn write_part(&self, local: &mut tokio::fs::File, part: &str) -> Result<u64, SftpError> {
        let flags = OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE;
        let mut remote = self
            .sftp
            .open_with_flags(part, flags)
            .await
            .map_err(|error| self.failure("create", part, error))?;
        let mut buffer = vec![0; CHUNK];
        let mut written: u64 = 0;
        loop {
            let read = local.read(&mut buffer).await?;
            let Some(chunk) = buffer.get(..read).filter(|chunk| !chunk.is_empty()) else {
                break;
            };
            remote
                .write_all(chunk)
                .await
                .map_err(|error| self.stream_failure("write", part, error))?;
            written += chunk.len() as u64;
        }
        // Waits for every write to be acknowledged and for the close.
        remote
            .shutdown()
            .await
            .map_err(|error| self.stream_failure("write", part, error))?;
        Ok(written)
    }

    async fn remove_quietly(&self, path: &str) {
        if let Err(error) = self.sftp.remove_file(path).await {
            tracing::debug!(path, %error, "removing a leftover file failed");
        }
    }

    /// Whether anything, even a dangling symlink, is at `path`.
    async fn exists(&self, path: &str) -> Result<bool, SftpError> {
        match self.sftp.symlink_metadata(path).await {
            Ok(_) => Ok(true),
            Err(error) => match self.failure("inspect", path, error) {
                SftpError::NotFound { .. } => Ok(false),
                error => Err(error),
            },
        }
    }

    /// Whether `path` is a directory; `AlreadyExists` when it is something else.
    async fn is_directory(&self, path: &str) -> Result<bool, SftpError> {
        match self.sftp.metadata(path).await {
            Ok(attributes) if attributes.file_type().is_dir() => Ok(true),
            Ok(_) => Err(SftpError::AlreadyExists {
                path: path.to_owned(),
            }),
            Err(error) => match self.failure("inspect", path, error) {
                SftpError::NotFound { .. } => Ok(false),
                error => Err(error),
            },
        }
    }

    /// Maps an sftp request's failure to what the operator needs to know.
    fn failure(&self, operation: &str, path: &str, error: ClientError) -> SftpError {
        self.failure_about(operation, path, &format!("'{path}'"), error)
    }

    /// [`Self::failure`] with the object of `operation` spelled out (`'a' to 'b'`).
    fn failure_about(
        &self,
        operation: &str,
        path: &str,
        subject: &str,
        error: ClientError,
    ) -> SftpError {
        let path = path.to_owned();
        match error {
            ClientError::Status(status) => match status.status_code {
                StatusCode::NoSuchFile => SftpError::NotFound { path },
                StatusCode::PermissionDenied => SftpError::PermissionDenied { path },
                StatusCode::NoConnection | StatusCode::ConnectionLost => {
                    self.disconnected(operation, &path)
                }
                code => {
                    let detail = if status.error_message.is_empty() {
                        code.to_string()
                    } else {
                        status.error_message
                    };
                    SftpError::Protocol(format!(
                        "the server refused to {operation} {subject}: {detail}"
                    ))
                }
            },
            ClientError::Timeout => self.timeout(),
            ClientError::IO(_) => self.disconnected(operation, &path),
            error if self.handle.is_closed() => {
                tracing::debug!(%error, "sftp request failed on a closed connection");
                self.disconnected(operation, &path)
            }
            error => SftpError::Protocol(format!(
                "could not {operation} {subject}: unexpected answer from the server ({error})"
            )),
        }
    }

    /// Maps a failure while streaming a remote file (an `io::Error` from russh-sftp).
    fn stream_failure(&self, operation: &str, path: &str, error: std::io::Error) -> SftpError {
        if error.kind() == std::io::ErrorKind::TimedOut {
            return self.timeout();
        }
        if self.handle.is_closed() {
            return self.disconnected(operation, path);
        }
        SftpError::Protocol(format!("could not {operation} '{path}': {error}"))
    }

    fn disconnected(&self, operation: &str, path: &str) -> SftpError {
        SftpError::Disconnected(format!(
            "{}:{} dropped the connection while trying to {operation} '{path}'",
            self.host, self.port
        ))
    }

    fn timeout(&self) -> SftpError {
        SftpError::Timeout {
            host: self.host.clone(),
            port: self.port,
            seconds: self.timeout_seconds,
        }
    }
}

fn remote_file(name: String, path: String, attributes: &FileAttributes) -> RemoteFile {
    RemoteFile {
        name,
        path,
        size: attributes.size.unwrap_or(0),
        modified: attributes
            .mtime
            .and_then(|seconds| DateTime::from_timestamp(i64::from(seconds), 0)),
    }
}
