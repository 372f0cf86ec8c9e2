//! A real OpenSSH server on loopback for one test: its own host key, client
//! key, config and sftp start directory, killed on drop. Self-contained (std
//! and tempfile only) so that any crate's tests can include it with
//! `#[path = "../../tests/src/sshd.rs"] mod sshd;`.
//!
//! Needs root (it creates the system user the server logs in) and
//! `/usr/sbin/sshd` from Debian's `openssh-server` (scripts/test installs it).

#![allow(dead_code)] // Each including test crate uses its own subset.

use std::fs;
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The system account every test server logs in.
pub const SFTP_USER: &str = "reachline-sftp";
/// That account's password (a throwaway account on a test machine).
pub const SFTP_PASSWORD: &str = "reachline-sftp-test-password";

const SSHD: &str = "/usr/sbin/sshd";
/// How long a server may take to listen.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// One running `sshd`; dropping it kills the server and deletes its files.
pub struct Sshd {
    /// The loopback port it listens on.
    pub port: u16,
    /// The sftp start directory, owned by [`SFTP_USER`]: relative paths are relative to it.
    pub root: PathBuf,
    /// The account to log in as.
    pub username: String,
    /// The account's password.
    pub password: String,
    /// An OpenSSH private key (unencrypted ed25519) the server accepts.
    pub client_key_pem: String,
    /// The server's host key fingerprint as `ssh-keygen -lf` prints it (`SHA256:…`).
    pub host_key_fingerprint: String,
    /// The server's host public key line (`ssh-ed25519 AAAA… comment`).
    pub host_public_key: String,
    config_dir: TempDir,
    root_dir: TempDir,
    child: Option<Child>,
    uid: u32,
    gid: u32,
}

impl Sshd {
    /// Starts a server on a free loopback port; panics with sshd's log when it cannot.
    pub fn start() -> Sshd {
        let (uid, gid) = ensure_user();
        ensure_privilege_separation_directory();
        let config_dir = tempfile::Builder::new()
            .prefix("reachline-sshd-")
            .tempdir()
            .expect("create the sshd directory");
        // sshd reads authorized_keys as the user: the directory must be traversable.
        set_mode(config_dir.path(), 0o755);
        let root_dir = tempfile::Builder::new()
            .prefix("reachline-sftp-root-")
            .tempdir()
            .expect("create the sftp root");
        chown(root_dir.path(), uid, gid);

        let client_key = config_dir.path().join("client_key");
        keygen(&client_key, "ed25519", "");
        let client_key_pem = read_text(&client_key);
        fs::copy(
            config_dir.path().join("client_key.pub"),
            config_dir.path().join("authorized_keys"),
        )
        .expect("write authorized_keys");
        set_mode(&config_dir.path().join("authorized_keys"), 0o644);

        let mut sshd = Sshd {
            port: 0,
            root: root_dir.path().to_path_buf(),
            username: SFTP_USER.to_owned(),
            password: SFTP_PASSWORD.to_owned(),
            client_key_pem,
            host_key_fingerprint: String::new(),
            host_public_key: String::new(),
            config_dir,
            root_dir,
            child: None,
            uid,
            gid,
        };
        sshd.new_host_key();
        for _ in 0..10 {
            let port = free_port();
            if sshd.launch(port) {
                return sshd;
            }
        }
        panic!("sshd found no free port in 10 tries:\n{}", sshd.log());
    }

    /// Stops the server and starts it again on the same port with a new host
    /// key: what a client sees when a server is replaced (or impersonated).
    pub fn restart_with_new_host_key(&mut self) {
        self.stop();
        self.new_host_key();
        let deadline = Instant::now() + START_TIMEOUT;
        while !self.launch(self.port) {
            assert!(
                Instant::now() < deadline,
                "sshd could not listen again on port {}:\n{}",
                self.port,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Kills every connection's server processes, as a network outage or a
    /// server crash would, and keeps listening for new ones.
    pub fn kill_connections(&self) {
        let Some(listener) = self.child.as_ref().map(Child::id) else {
            return;
        };
        for pid in descendants(listener) {
            // Already gone when its parent went first: nothing to do.
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }

    /// Authorizes a new client key of `kind` (`ed25519`, `rsa`…) encrypted
    /// with `passphrase` (empty: none) and returns its OpenSSH private key.
    pub fn new_client_key(&self, kind: &str, passphrase: &str) -> String {
        let name = format!("client_key_{}", unique_suffix());
        let key = self.config_dir.path().join(&name);
        keygen(&key, kind, passphrase);
        let public = read_text(&self.config_dir.path().join(format!("{name}.pub")));
        let mut authorized = fs::OpenOptions::new()
            .append(true)
            .open(self.config_dir.path().join("authorized_keys"))
            .expect("open authorized_keys");
        authorized
            .write_all(public.as_bytes())
            .expect("append to authorized_keys");
        read_text(&key)
    }

    /// Writes `bytes` to `rel` under the root (parents created), owned by the user.
    pub fn write_file(&self, rel: &str, bytes: &[u8]) {
        let path = self.root.join(rel);
        let parent = path.parent().expect("a file path has a parent");
        let mut missing = Vec::new();
        let mut directory = parent;
        while !directory.exists() {
            missing.push(directory.to_path_buf());
            directory = directory.parent().expect("the root exists");
        }
        fs::create_dir_all(parent).expect("create the parent directories");
        for directory in missing {
            chown(&directory, self.uid, self.gid);
        }
        fs::write(&path, bytes).expect("write the file");
        chown(&path, self.uid, self.gid);
    }

    /// Whether `rel` exists under the root.
    pub fn exists(&self, rel: &str) -> bool {
        self.root.join(rel).exists()
    }

    /// The contents of `rel` under the root.
    pub fn read(&self, rel: &str) -> Vec<u8> {
        fs::read(self.root.join(rel)).unwrap_or_else(|error| panic!("read {rel}: {error}"))
    }

    /// Deletes the file `rel` under the root.
    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root.join(rel)).unwrap_or_else(|error| panic!("remove {rel}: {error}"))
    }

    /// The server's log so far (LogLevel VERBOSE), for failure messages.
    pub fn log(&self) -> String {
        fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn log_path(&self) -> PathBuf {
        self.config_dir.path().join("sshd.log")
    }

    /// Replaces the host key pair and records its fingerprint.
    fn new_host_key(&mut self) {
        let key = self.config_dir.path().join("host_key");
        let _ = fs::remove_file(&key);
        let _ = fs::remove_file(key.with_extension("pub"));
        keygen(&key, "ed25519", "");
        let public = self.config_dir.path().join("host_key.pub");
        self.host_public_key = read_text(&public).trim().to_owned();
        let listing = run(Command::new("ssh-keygen").arg("-lf").arg(&public));
        self.host_key_fingerprint = listing
            .split_whitespace()
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected ssh-keygen -lf output: {listing}"))
            .to_owned();
    }

    /// Starts sshd on `port`; false when the port turned out to be taken.
    fn launch(&mut self, port: u16) -> bool {
        let dir = self.config_dir.path();
        let root = self.root.display();
        let config = format!(
            "ListenAddress 127.0.0.1\n\
             Port {port}\n\
             HostKey {host_key}\n\
             PidFile {pid}\n\
             AuthorizedKeysFile {authorized}\n\
             StrictModes no\n\
             UsePAM no\n\
             PasswordAuthentication yes\n\
             KbdInteractiveAuthentication no\n\
             PubkeyAuthentication yes\n\
             AllowUsers {user}\n\
             Subsystem sftp internal-sftp -d {root}\n\
             ForceCommand internal-sftp -d {root}\n\
             LogLevel VERBOSE\n",
            host_key = dir.join("host_key").display(),
            pid = dir.join("sshd.pid").display(),
            authorized = dir.join("authorized_keys").display(),
            user = SFTP_USER,
        );
        let config_path = dir.join("sshd_config");
        fs::write(&config_path, config).expect("write sshd_config");
        let log_path = self.log_path();
        let _ = fs::remove_file(&log_path);
        let child = Command::new(SSHD)
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(&config_path)
            .arg("-E")
            .arg(&log_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {SSHD} (install openssh-server): {error}"));
        self.child = Some(child);
        self.port = port;

        let listening = format!("Server listening on 127.0.0.1 port {port}.");
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let log = self.log();
            if log.contains(&listening) && accepts_connections(port) {
                return true;
            }
            let exited = self
                .child
                .as_mut()
                .and_then(|child| child.try_wait().ok().flatten());
            if let Some(status) = exited {
                self.child = None;
                if log.contains("Address already in use") {
                    return false;
                }
                panic!("sshd exited ({status}) before listening on port {port}:\n{log}");
            }
            if Instant::now() > deadline {
                self.stop();
                panic!(
                    "sshd did not listen on port {port} within {} s:\n{log}",
                    START_TIMEOUT.as_secs()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Creates [`SFTP_USER`] with its password once per process; returns its uid
/// and gid. Tolerates other test processes doing the same at the same time.
fn ensure_user() -> (u32, u32) {
    static USER: OnceLock<(u32, u32)> = OnceLock::new();
    *USER.get_or_init(|| {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(ids) = user_ids() {
                if has_password() {
                    return ids;
                }
                // chpasswd locks /etc/shadow: it fails while another process holds it.
                let mut chpasswd = Command::new("chpasswd")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("run chpasswd");
                if let Some(mut stdin) = chpasswd.stdin.take() {
                    let _ = writeln!(stdin, "{SFTP_USER}:{SFTP_PASSWORD}");
                }
                let _ = chpasswd.wait();
            } else {
                // Fails when another process created the user first or holds the lock.
                let _ = Command::new("useradd")
                    .args(["--system", "--no-create-home", "--home-dir", "/nonexistent"])
                    .args(["--shell", "/bin/sh", "--user-group", SFTP_USER])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
            assert!(
                Instant::now() < deadline,
                "could not create the user {SFTP_USER} with its password (tests must run as root)"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    })
}

/// The user's uid and gid from /etc/passwd, when it exists.
fn user_ids() -> Option<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        if fields.first() != Some(&SFTP_USER) {
            return None;
        }
        Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
    })
}

/// Whether /etc/shadow holds a password hash for the user (the password is fixed).
fn has_password() -> bool {
    let shadow = fs::read_to_string("/etc/shadow").unwrap_or_default();
    shadow.lines().any(|line| {
        let mut fields = line.split(':');
        fields.next() == Some(SFTP_USER) && fields.next().is_some_and(|hash| hash.starts_with('$'))
    })
}

/// sshd refuses to start without its privilege separation directory.
fn ensure_privilege_separation_directory() {
    let directory = Path::new("/run/sshd");
    if let Err(error) = fs::create_dir_all(directory) {
        panic!("create {}: {error}", directory.display());
    }
    set_mode(directory, 0o755);
}

/// Every process below `pid`, children first, from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut pending = vec![pid];
    while let Some(parent) = pending.pop() {
        let tasks = fs::read_dir(format!("/proc/{parent}/task"))
            .into_iter()
            .flatten();
        for task in tasks.flatten() {
            let children = fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                found.push(child);
                pending.push(child);
            }
        }
    }
    found
}

/// A port that was free a moment ago (sshd's start retries on a conflict).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("a bound address").port()
}

fn accepts_connections(port: u16) -> bool {
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
}

fn keygen(path: &Path, kind: &str, passphrase: &str) {
    run(Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            kind,
            "-N",
            passphrase,
            "-C",
            "reachline-test",
            "-f",
        ])
        .arg(path));
}

fn run(command: &mut Command) -> String {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|error| panic!("run {command:?}: {error}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn read_text(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|error| panic!("chmod {}: {error}", path.display()));
}

fn chown(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .unwrap_or_else(|error| panic!("chown {}: {error}", path.display()));
}

fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{}", NEXT.fetch_add(1, Ordering::Relaxed))
}
