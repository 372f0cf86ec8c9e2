//! The crate against a real OpenSSH server on loopback (see tests/src/sshd.rs):
//! host-key pinning, both login methods, and every file operation, with the
//! files checked on the server's disk.

#[path = "../../tests/src/sshd.rs"]
mod sshd;

use std::time::Duration;

use sftp::{Auth, Endpoint, Session, SftpError, fingerprint_of_public_key, probe};
use sha2::{Digest, Sha256};
use sshd::Sshd;

const TIMEOUT: Duration = Duration::from_secs(10);

fn endpoint(server: &Sshd, auth: Auth, pin: Option<&str>) -> Endpoint {
    Endpoint {
        host: "127.0.0.1".to_owned(),
        port: server.port,
        username: server.username.clone(),
        auth,
        host_key: pin.map(str::to_owned),
    }
}

fn password_endpoint(server: &Sshd) -> Endpoint {
    endpoint(
        server,
        Auth::Password(server.password.clone()),
        Some(&server.host_key_fingerprint),
    )
}

async fn connect(server: &Sshd) -> Session {
    match Session::connect(&password_endpoint(server), TIMEOUT).await {
        Ok(session) => session,
        Err(error) => panic!("connect: {error}\nsshd log:\n{}", server.log()),
    }
}

#[tokio::test]
async fn password_login_lists_downloads_uploads_renames_and_removes() {
    let server = Sshd::start();
    let contents: Vec<u8> = (0..700_000u32).flat_map(|i| i.to_le_bytes()).collect();
    server.write_file("inbox/b.csv", &contents);
    server.write_file("inbox/a.csv", b"phone\n+33612345678\n");
    server.write_file("inbox/sub/ignored.csv", b"directories are not listed");
    let session = connect(&server).await;
    assert_eq!(session.host_key_fingerprint(), server.host_key_fingerprint);

    let files = session.list("inbox").await.expect("list");
    let names: Vec<&str> = files.iter().map(|file| file.name.as_str()).collect();
    assert_eq!(names, ["a.csv", "b.csv"]);
    assert_eq!(files[1].path, "inbox/b.csv");
    assert_eq!(files[1].size, contents.len() as u64);
    assert!(files[1].modified.is_some());
    let absolute = format!("{}/inbox", server.root.display());
    let by_absolute_path = session.list(&absolute).await.expect("list absolute");
    assert_eq!(by_absolute_path[0].path, format!("{absolute}/a.csv"));

    let local = tempfile::tempdir().expect("local dir");
    let to = local.path().join("b.csv");
    let downloaded = session
        .download("inbox/b.csv", &to, files[1].size)
        .await
        .expect("download");
    assert_eq!(downloaded.bytes, contents.len() as u64);
    assert_eq!(downloaded.sha256, hex::encode(Sha256::digest(&contents)));
    assert_eq!(std::fs::read(&to).expect("read download"), contents);

    let stat = session.stat("inbox/a.csv").await.expect("stat");
    assert_eq!(
        stat.map(|file| (file.name, file.size)),
        Some(("a.csv".to_owned(), 19))
    );
    assert_eq!(session.stat("inbox/missing.csv").await.expect("stat"), None);

    let upload = local.path().join("results.csv");
    std::fs::write(&upload, &contents).expect("write upload");
    let written = session
        .upload(&upload, "outbox/2026/11", "results.csv")
        .await
        .expect("upload");
    assert_eq!(written, contents.len() as u64);
    assert_eq!(server.read("outbox/2026/11/results.csv"), contents);
    assert!(!server.exists("outbox/2026/11/.results.csv.part"));
    let again = session
        .upload(&upload, "outbox/2026/11", "results.csv")
        .await;
    assert!(
        matches!(&again, Err(SftpError::AlreadyExists { path }) if path == "outbox/2026/11/results.csv"),
        "{again:?}"
    );
    assert!(!server.exists("outbox/2026/11/.results.csv.part"));

    session
        .rename("inbox/a.csv", "inbox/done/a.csv")
        .await
        .expect_err("the target directory does not exist yet");
    session.create_dir_all("inbox/done").await.expect("mkdir");
    session
        .create_dir_all("inbox/done")
        .await
        .expect("mkdir twice");
    session
        .rename("inbox/a.csv", "inbox/done/a.csv")
        .await
        .expect("rename");
    assert!(server.exists("inbox/done/a.csv") && !server.exists("inbox/a.csv"));
    server.write_file("inbox/a.csv", b"a new one");
    let replace = session.rename("inbox/a.csv", "inbox/done/a.csv").await;
    assert!(
        matches!(replace, Err(SftpError::AlreadyExists { .. })),
        "{replace:?}"
    );
    assert_eq!(server.read("inbox/done/a.csv"), b"phone\n+33612345678\n");

    session.remove("inbox/done/a.csv").await.expect("remove");
    assert!(!server.exists("inbox/done/a.csv"));
    let missing = session.remove("inbox/done/a.csv").await;
    assert!(
        matches!(missing, Err(SftpError::NotFound { .. })),
        "{missing:?}"
    );
    let missing = session.list("nowhere").await;
    assert!(
        matches!(missing, Err(SftpError::NotFound { .. })),
        "{missing:?}"
    );
    session.close().await.expect("close");
}

#[tokio::test]
async fn private_keys_log_in_and_bad_ones_are_explained() {
    let server = Sshd::start();
    server.write_file("in.csv", b"x");
    let pin = Some(server.host_key_fingerprint.as_str());
    let ed25519 = Auth::PrivateKey {
        openssh_pem: server.client_key_pem.clone(),
        passphrase: None,
    };
    let rsa = Auth::PrivateKey {
        openssh_pem: server.new_client_key("rsa", ""),
        passphrase: None,
    };
    let encrypted_pem = server.new_client_key("ed25519", "correct horse");
    let encrypted = Auth::PrivateKey {
        openssh_pem: encrypted_pem.clone(),
        passphrase: Some("correct horse".to_owned()),
    };
    for auth in [ed25519, rsa, encrypted] {
        let session = Session::connect(&endpoint(&server, auth, pin), TIMEOUT)
            .await
            .unwrap_or_else(|error| panic!("key login: {error}\n{}", server.log()));
        assert_eq!(session.list("").await.expect("list").len(), 1);
        session.close().await.expect("close");
    }

    for (passphrase, expected) in [(None, "no passphrase"), (Some("wrong"), "wrong passphrase")] {
        let auth = Auth::PrivateKey {
            openssh_pem: encrypted_pem.clone(),
            passphrase: passphrase.map(str::to_owned),
        };
        let error = Session::connect(&endpoint(&server, auth, pin), TIMEOUT)
            .await
            .err();
        assert!(
            matches!(&error, Some(SftpError::BadKey(message)) if message.contains(expected)),
            "{error:?}"
        );
        assert!(!format!("{error:?}").contains("OPENSSH PRIVATE KEY"));
    }

    let stranger = Auth::PrivateKey {
        openssh_pem: encrypted_pem_of_an_unknown_key(&server),
        passphrase: None,
    };
    let error = Session::connect(&endpoint(&server, stranger, pin), TIMEOUT)
        .await
        .err();
    assert!(
        matches!(&error, Some(error @ SftpError::AuthenticationFailed { .. })
            if error.to_string() == "authentication failed for user 'reachline-sftp' with private key"),
        "{error:?}"
    );
}

/// A valid key the server does not know: generated, then removed from authorized_keys.
fn encrypted_pem_of_an_unknown_key(server: &Sshd) -> String {
    let directory = tempfile::tempdir().expect("key dir");
    let key = directory.path().join("stranger");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen");
    assert!(status.success(), "ssh-keygen failed for {}", server.port);
    std::fs::read_to_string(&key).expect("read the key")
}

#[tokio::test]
async fn a_wrong_password_is_an_authentication_failure_without_the_password() {
    let server = Sshd::start();
    let pin = Some(server.host_key_fingerprint.as_str());
    let auth = Auth::Password("not-the-password".to_owned());
    let error = Session::connect(&endpoint(&server, auth, pin), TIMEOUT)
        .await
        .err()
        .expect("a wrong password is refused");
    assert_eq!(
        error.to_string(),
        "authentication failed for user 'reachline-sftp' with password"
    );
    assert!(!error.is_transient());
    assert!(!format!("{error:?}").contains("not-the-password"));
}

#[tokio::test]
async fn an_unpinned_server_is_refused_and_its_key_reported() {
    let server = Sshd::start();
    assert_eq!(
        fingerprint_of_public_key(&server.host_public_key).expect("fingerprint"),
        server.host_key_fingerprint
    );
    for pin in [None, Some("   ")] {
        let login = endpoint(&server, Auth::Password(server.password.clone()), pin);
        let error = Session::connect(&login, TIMEOUT).await.err();
        let Some(SftpError::HostKeyNotPinned { presented, .. }) = &error else {
            panic!("expected HostKeyNotPinned, got {error:?}");
        };
        assert_eq!(presented, &server.host_key_fingerprint);
        let message = error.as_ref().map(ToString::to_string).unwrap_or_default();
        assert!(
            message.starts_with("no host key pinned for 127.0.0.1:"),
            "{message}"
        );
        assert!(!error.as_ref().is_some_and(SftpError::is_transient));
    }
    // Nothing was sent: the server never saw a login attempt.
    assert!(
        !server.log().contains("Failed password"),
        "{}",
        server.log()
    );
    assert!(
        !server.log().contains("Accepted password"),
        "{}",
        server.log()
    );
}

#[tokio::test]
async fn a_changed_host_key_is_a_mismatch() {
    let mut server = Sshd::start();
    let password = Auth::Password(server.password.clone());
    let wrong_pin = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let error = Session::connect(
        &endpoint(&server, password.clone(), Some(wrong_pin)),
        TIMEOUT,
    )
    .await
    .err();
    assert!(
        matches!(&error, Some(SftpError::HostKeyMismatch { expected, presented })
            if expected == wrong_pin && *presented == server.host_key_fingerprint),
        "{error:?}"
    );

    let old_pin = server.host_key_fingerprint.clone();
    connect(&server).await.close().await.expect("close");
    server.restart_with_new_host_key();
    assert_ne!(server.host_key_fingerprint, old_pin);
    let error = Session::connect(&endpoint(&server, password, Some(&old_pin)), TIMEOUT)
        .await
        .err();
    let Some(error @ SftpError::HostKeyMismatch { presented, .. }) = &error else {
        panic!("expected HostKeyMismatch, got {error:?}");
    };
    assert_eq!(presented, &server.host_key_fingerprint);
    assert!(
        error
            .to_string()
            .contains("possible man-in-the-middle; nothing was sent")
    );
    assert!(!server.log().contains("password for"), "{}", server.log());
}

#[tokio::test]
async fn a_closed_port_is_unreachable_and_a_silent_one_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let mut closed = Endpoint {
        host: "127.0.0.1".to_owned(),
        port,
        username: "nobody".to_owned(),
        auth: Auth::Password("secret".to_owned()),
        host_key: Some("SHA256:x".to_owned()),
    };
    let error = Session::connect(&closed, TIMEOUT).await.err();
    assert!(
        matches!(&error, Some(SftpError::Unreachable { port: p, .. }) if *p == port),
        "{error:?}"
    );
    assert!(error.as_ref().is_some_and(SftpError::is_transient));

    // Accepts the connection and never says a word.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    closed.port = silent.local_addr().expect("address").port();
    let error = Session::connect(&closed, Duration::from_millis(500))
        .await
        .err();
    assert!(
        matches!(&error, Some(error @ SftpError::Timeout { seconds: 1, .. }) if error.is_transient()),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_file_gone_since_listing_vanished_and_a_short_one_is_truncated() {
    let server = Sshd::start();
    server.write_file("inbox/gone.csv", b"soon gone");
    server.write_file("inbox/short.csv", b"0123456789");
    let session = connect(&server).await;
    let files = session.list("inbox").await.expect("list");
    assert_eq!(files.len(), 2);
    server.remove("inbox/gone.csv");
    let local = tempfile::tempdir().expect("local dir");

    let error = session
        .download("inbox/gone.csv", &local.path().join("gone"), 9)
        .await
        .err();
    assert!(
        matches!(&error, Some(SftpError::Vanished { path }) if path == "inbox/gone.csv"),
        "{error:?}"
    );

    let to = local.path().join("short");
    let error = session.download("inbox/short.csv", &to, 25).await.err();
    assert!(
        matches!(
            &error,
            Some(SftpError::Truncated {
                expected: 25,
                got: 10,
                ..
            })
        ),
        "{error:?}"
    );
    let error = session.download("inbox/short.csv", &to, 4).await.err();
    let message = error.as_ref().map(ToString::to_string).unwrap_or_default();
    assert_eq!(
        message,
        "'inbox/short.csv' changed while being downloaded: it grew from 4 to 10 bytes"
    );
    session.close().await.expect("close");
}

#[tokio::test]
async fn probe_shows_the_key_to_pin_and_then_lists() {
    let server = Sshd::start();
    for index in 0..25 {
        server.write_file(&format!("inbox/{index:02}.csv"), b"x");
    }
    let unpinned = endpoint(&server, Auth::Password(server.password.clone()), None);
    let result = probe(&unpinned, "inbox", TIMEOUT).await;
    assert!(!result.ok);
    assert_eq!(
        result.presented_fingerprint.as_deref(),
        Some(server.host_key_fingerprint.as_str())
    );
    assert_eq!(result.fingerprint_matches, None);
    assert!(
        result.message.contains("no host key pinned"),
        "{}",
        result.message
    );
    assert!(result.files.is_empty());

    let wrong = endpoint(
        &server,
        Auth::Password(server.password.clone()),
        Some("SHA256:nope"),
    );
    let result = probe(&wrong, "inbox", TIMEOUT).await;
    assert!(!result.ok);
    assert_eq!(result.fingerprint_matches, Some(false));

    let result = probe(&password_endpoint(&server), "inbox", TIMEOUT).await;
    assert!(result.ok, "{}", result.message);
    assert_eq!(result.fingerprint_matches, Some(true));
    assert_eq!(result.files.len(), 20);
    assert_eq!(result.files.first().map(String::as_str), Some("00.csv"));
    assert!(result.message.contains("25 file(s)"), "{}", result.message);

    let bad_password = endpoint(
        &server,
        Auth::Password("wrong".to_owned()),
        Some(&server.host_key_fingerprint),
    );
    let result = probe(&bad_password, "inbox", TIMEOUT).await;
    assert!(!result.ok);
    assert_eq!(result.fingerprint_matches, Some(true));
    assert!(
        result.message.contains("authentication failed"),
        "{}",
        result.message
    );
}

#[tokio::test]
async fn a_connection_lost_mid_session_is_transient() {
    let server = Sshd::start();
    server.write_file("inbox/a.csv", b"x");
    let session = connect(&server).await;
    assert_eq!(session.list("inbox").await.expect("list").len(), 1);
    server.kill_connections();
    let error = session.list("inbox").await.err();
    assert!(
        matches!(&error, Some(error @ SftpError::Disconnected(message))
            if error.is_transient() && message.contains("while trying to list 'inbox'")),
        "{error:?}"
    );
    session
        .close()
        .await
        .expect("closing a dead session is fine");
    // The server itself is still up: a new session works.
    connect(&server).await.close().await.expect("close");
}
