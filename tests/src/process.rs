//! Running the real `reachline` binary as a child process (multi-process and CLI tests).

use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The built binary: `REACHLINE_BIN`, or `target/debug/reachline` of this workspace.
pub fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("REACHLINE_BIN") {
        return PathBuf::from(path);
    }
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target.join("debug/reachline");
    assert!(
        path.is_file(),
        "{} is missing: run `cargo build -p api --bin reachline` first (scripts/test does)",
        path.display()
    );
    path
}

/// Runs the binary to completion and returns (status, stdout, stderr).
pub async fn run(args: &[&str], envs: &[(&str, &str)]) -> (ExitStatus, String, String) {
    let output = Command::new(binary())
        .args(args)
        .envs(envs.iter().copied())
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .output()
        .await
        .expect("running reachline");
    (
        output.status,
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A `reachline serve` child process, killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    /// Everything it printed on stdout so far.
    pub stdout: Arc<Mutex<Vec<String>>>,
    /// Everything it printed on stderr (its logs) so far.
    pub stderr: Arc<Mutex<Vec<String>>>,
}

/// Copies a child's output lines into a shared buffer as they come.
fn collect_lines(
    output: impl tokio::io::AsyncRead + Unpin + Send + 'static,
) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let collected = lines.clone();
    tokio::spawn(async move {
        let mut reader = BufReader::new(output).lines();
        while let Ok(Some(line)) = reader.next_line().await {
            if let Ok(mut lines) = collected.lock() {
                lines.push(line);
            }
        }
    });
    lines
}

impl ServerProcess {
    /// Starts `reachline serve` with `args` and waits until it prints its URL.
    pub async fn start(args: &[&str], envs: &[(&str, &str)]) -> ServerProcess {
        ServerProcess::start_binary(&binary(), args, envs).await
    }

    /// Like [`ServerProcess::start`] with another build of the binary (the benchmarks run the release one).
    pub async fn start_binary(
        binary: &std::path::Path,
        args: &[&str],
        envs: &[(&str, &str)],
    ) -> ServerProcess {
        let mut child = Command::new(binary)
            .arg("serve")
            .args(args)
            .envs(envs.iter().copied())
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("spawning reachline");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = collect_lines(child.stderr.take().expect("piped stderr"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = tokio::sync::oneshot::channel();
        let collected = lines.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            let mut port_tx = Some(port_tx);
            while let Ok(Some(line)) = reader.next_line().await {
                if let Some(rest) = line.split("running at http://").nth(1) {
                    let port = rest
                        .split('/')
                        .next()
                        .and_then(|addr| addr.rsplit(':').next())
                        .and_then(|port| port.parse::<u16>().ok());
                    if let (Some(port), Some(tx)) = (port, port_tx.take()) {
                        let _ = tx.send(port);
                    }
                }
                if let Ok(mut lines) = collected.lock() {
                    lines.push(line);
                }
            }
        });
        let port = tokio::time::timeout(Duration::from_secs(60), port_rx)
            .await
            .expect("reachline did not print its URL within 60 s")
            .expect("reachline exited before printing its URL");
        ServerProcess {
            child,
            port,
            stdout: lines,
            stderr,
        }
    }

    /// The child's process id (benchmarks read its memory from `/proc`), while it runs.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// `http://127.0.0.1:<port>`.
    pub fn address(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends SIGTERM.
    pub async fn terminate(&self) {
        if let Some(pid) = self.child.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
        }
    }

    /// Waits for the process to exit, at most `wait`.
    pub async fn wait(&mut self, wait: Duration) -> Option<ExitStatus> {
        tokio::time::timeout(wait, self.child.wait())
            .await
            .ok()?
            .ok()
    }

    /// A snapshot of stdout.
    pub fn stdout_text(&self) -> String {
        self.stdout
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }

    /// A snapshot of stderr (the logs).
    pub fn stderr_text(&self) -> String {
        self.stderr
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }
}
