//! The real binary as separate processes: two replicas sharing PostgreSQL and
//! Redis, the command line, first start, and graceful shutdown.

use std::time::Duration;

use serde_json::json;
use tests::graphql_ws::subscribe;
use tests::process::{ServerProcess, run};
use tests::{ADMIN_EMAIL, JWT_SECRET, TestDatabase, redis_url, unique_redis_prefix};

async fn graphql(
    address: &str,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> serde_json::Value {
    let mut request = tests::http_client()
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

async fn login(address: &str, email: &str, password: &str) -> String {
    let body = graphql(
        address,
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({ "e": email, "p": password }),
    )
    .await;
    body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_one_replica_sees_an_event_made_on_another() {
    let database = TestDatabase::create().await;
    let data_dir = tempfile::tempdir().unwrap();
    let prefix = unique_redis_prefix();
    let redis = redis_url();
    let data = data_dir.path().display().to_string();
    let env = [
        ("REACHLINE_ADMIN_PASSWORD", "replica-admin-password"),
        ("REACHLINE_JWT_SECRET", JWT_SECRET),
    ];
    let args = |roles: &'static str| {
        vec![
            "--listen".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--roles".to_owned(),
            roles.to_owned(),
            "--data-dir".to_owned(),
            data.clone(),
            "--database-url".to_owned(),
            database.url.clone(),
            "--redis-url".to_owned(),
            redis.clone(),
            "--redis-prefix".to_owned(),
            prefix.clone(),
        ]
    };
    let first_args = args("api,lists");
    let second_args = args("api,compliance");
    let first = ServerProcess::start(
        &first_args.iter().map(String::as_str).collect::<Vec<_>>(),
        &env,
    )
    .await;
    let second = ServerProcess::start(
        &second_args.iter().map(String::as_str).collect::<Vec<_>>(),
        &env,
    )
    .await;

    // A token issued by one replica works on the other (shared secret and database).
    let token = login(&first.address(), ADMIN_EMAIL, "replica-admin-password").await;
    let query = "subscription { auditEventAdded { action detail } }";
    let ws_url = format!("ws://127.0.0.1:{}/graphql/ws", first.port);
    let mut subscription = subscribe(&ws_url, Some(&token), query)
        .await
        .expect("subscribed on the first replica");
    tokio::time::sleep(Duration::from_millis(500)).await;

    let body = graphql(
        &second.address(),
        Some(&token),
        "mutation { createUser(input: { email: \"cross@example.com\", displayName: \"Cross\", role: VIEWER, password: \"cross-process-pass\" }) { id } }",
        json!({}),
    )
    .await;
    assert!(body["data"]["createUser"]["id"].is_string(), "{body}");
    let payload = subscription
        .next_payload(Duration::from_secs(10))
        .await
        .expect("the event crossed processes");
    assert_eq!(
        payload["data"]["auditEventAdded"]["action"], "user.create",
        "{payload}"
    );
    assert!(
        payload["data"]["auditEventAdded"]["detail"]
            .as_str()
            .unwrap()
            .contains("cross@example.com")
    );

    // Logging out on one replica revokes the token on the other at once.
    graphql(
        &second.address(),
        Some(&token),
        "mutation { logout }",
        json!({}),
    )
    .await;
    let after = graphql(
        &first.address(),
        Some(&token),
        "{ me { email } }",
        json!({}),
    )
    .await;
    assert_eq!(
        after["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{after}"
    );

    // Only one first admin was created although two processes started on the empty database.
    let first_out = first.stdout_text();
    let second_out = second.stdout_text();
    let created = [&first_out, &second_out]
        .iter()
        .filter(|out| out.contains("First admin created"))
        .count();
    assert_eq!(created, 1, "{first_out}\n---\n{second_out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_start_prints_a_generated_password_once_and_stops_on_sigterm() {
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().display().to_string();
    let args = ["--listen", "127.0.0.1:0", "--data-dir", data.as_str()];
    let mut server = ServerProcess::start(&args, &[]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let out = server.stdout_text();
    let password = out
        .split("password: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no generated password in {out:?}"))
        .to_owned();
    assert!(
        data_dir.path().join("reachline.db").is_file(),
        "the SQLite file is created on first start"
    );
    login(&server.address(), ADMIN_EMAIL, &password).await;
    let ready = tests::http_client()
        .get(format!("{}/readyz", server.address()))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    server.terminate().await;
    let status = server
        .wait(Duration::from_secs(15))
        .await
        .expect("exited after SIGTERM");
    assert!(status.success(), "clean exit: {status:?}");

    // A second start on the same data keeps the admin and prints no password.
    let server = ServerProcess::start(&args, &[]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !server.stdout_text().contains("password:"),
        "{}",
        server.stdout_text()
    );
    login(&server.address(), ADMIN_EMAIL, &password).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_role_is_a_clear_error_listing_the_valid_ones() {
    let (status, _, stderr) = run(&["serve", "--roles", "api,dialer"], &[]).await;
    assert!(!status.success());
    assert!(stderr.contains("dialer"), "{stderr}");
    for role in [
        "api",
        "lists",
        "compliance",
        "campaigns",
        "scheduler",
        "dial-manager",
    ] {
        assert!(stderr.contains(role), "{stderr} should list {role}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_tenant_and_user_commands_work() {
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().display().to_string();
    let (status, stdout, stderr) = run(&["migrate", "--data-dir", &data], &[]).await;
    assert!(status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("migrations applied"));

    let (status, stdout, stderr) = run(
        &["tenant", "create", "--name", "acme", "--data-dir", &data],
        &[],
    )
    .await;
    assert!(status.success(), "{stdout}{stderr}");
    let (status, stdout, stderr) = run(
        &[
            "user",
            "create",
            "--email",
            "ops@acme.example",
            "--role",
            "compliance-officer",
            "--tenant",
            "acme",
            "--data-dir",
            &data,
        ],
        &[("REACHLINE_USER_PASSWORD", "ops-password-123")],
    )
    .await;
    assert!(status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("COMPLIANCE_OFFICER"), "{stdout}");
    assert!(
        !stdout.contains("ops-password-123"),
        "a given password is never printed"
    );

    let (status, _, stderr) = run(
        &[
            "user",
            "create",
            "--email",
            "ops@acme.example",
            "--role",
            "viewer",
            "--tenant",
            "acme",
            "--data-dir",
            &data,
        ],
        &[],
    )
    .await;
    assert!(!status.success());
    assert!(stderr.contains("email"), "{stderr}");
    let (status, _, stderr) = run(
        &[
            "user",
            "create",
            "--email",
            "x@y.example",
            "--role",
            "boss",
            "--data-dir",
            &data,
        ],
        &[],
    )
    .await;
    assert!(!status.success());
    assert!(stderr.contains("COMPLIANCE_OFFICER"), "{stderr}");

    // The user signs in on a server started over the same data.
    let server = ServerProcess::start(&["--listen", "127.0.0.1:0", "--data-dir", &data], &[]).await;
    let token = login(&server.address(), "ops@acme.example", "ops-password-123").await;
    let me = graphql(
        &server.address(),
        Some(&token),
        "{ me { role tenant { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        me["data"]["me"],
        json!({ "role": "COMPLIANCE_OFFICER", "tenant": { "name": "acme" } })
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_only_process_serves_operations_endpoints_with_json_logs_and_no_secrets() {
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().display().to_string();
    let admin_password = "admin-password-never-logged";
    let jwt_secret = "jwt-secret-never-logged-0123456789abcdef";
    let server = ServerProcess::start(
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            &data,
            "--roles",
            "scheduler,lists",
            "--log-format",
            "json",
        ],
        &[
            ("REACHLINE_ADMIN_PASSWORD", admin_password),
            ("REACHLINE_JWT_SECRET", jwt_secret),
            ("RUST_LOG", "debug,hyper=info,h2=info"),
        ],
    )
    .await;
    let ready = tests::http_client()
        .get(format!("{}/readyz", server.address()))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let metrics = tests::http_client()
        .get(format!("{}/metrics", server.address()))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    let graphql = tests::http_client()
        .post(format!("{}/graphql", server.address()))
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(graphql.status(), 404, "only the api role serves GraphQL");

    tokio::time::sleep(Duration::from_millis(300)).await;
    let logs = server.stderr_text();
    let lines: Vec<&str> = logs
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert!(!lines.is_empty(), "some logs");
    for line in &lines {
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "not a JSON log line: {line}");
    }
    assert!(logs.contains("role started"), "{logs}");
    let everything = format!("{logs}\n{}", server.stdout_text());
    assert!(
        !everything.contains(admin_password),
        "the admin password was printed or logged"
    );
    assert!(
        !everything.contains(jwt_secret),
        "the token secret was printed or logged"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lists_worker_process_imports_what_an_api_process_received() {
    let database = TestDatabase::create().await;
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path().display().to_string();
    let prefix = unique_redis_prefix();
    let redis = redis_url();
    let env = [
        ("REACHLINE_ADMIN_PASSWORD", "split-admin-password"),
        ("REACHLINE_JWT_SECRET", JWT_SECRET),
    ];
    let common = [
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        &data,
        "--database-url",
        &database.url,
        "--redis-url",
        &redis,
        "--redis-prefix",
        &prefix,
    ];
    let api = ServerProcess::start(&[&common[..], &["--roles", "api"]].concat(), &env).await;
    let token = login(&api.address(), ADMIN_EMAIL, "split-admin-password").await;
    let created = graphql(
        &api.address(),
        Some(&token),
        "mutation { createContactList(input: { name: \"Split\", channel: VOICE }) { id } }",
        json!({}),
    )
    .await;
    let list_id = created["data"]["createContactList"]["id"].clone();
    let import = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
        mapping: { defaultCountry: \"US\", columns: [{ header: \"Account\", field: CLIENT_ID }, { header: \"Phone\", device: HOME }] }) { id status } }";
    let file = "Account,Phone\nS1,(202) 456-1414\nS2,(202) 456-1415\n";
    let client = tests::http_client();
    let body = tests::graphql_upload(
        &client,
        &api.address(),
        &token,
        import,
        json!({ "list": list_id, "file": null }),
        "split.csv",
        file,
    )
    .await;
    let job_id = body["data"]["importContacts"]["id"].clone();
    assert_eq!(body["data"]["importContacts"]["status"], "QUEUED", "{body}");

    // Nothing imports it until a `lists` process starts: the api process has no worker.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let job = graphql(
        &api.address(),
        Some(&token),
        "query($id: ID!) { importJob(id: $id) { status } }",
        json!({ "id": job_id }),
    )
    .await;
    assert_eq!(job["data"]["importJob"]["status"], "QUEUED", "{job}");

    let _worker = ServerProcess::start(&[&common[..], &["--roles", "lists"]].concat(), &env).await;
    let mut status = serde_json::Value::Null;
    for _ in 0..100 {
        let job = graphql(
            &api.address(),
            Some(&token),
            "query($id: ID!) { importJob(id: $id) { status accepted } }",
            json!({ "id": job_id }),
        )
        .await;
        status = job["data"]["importJob"].clone();
        if status["status"] == "SUCCEEDED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, json!({ "status": "SUCCEEDED", "accepted": 2 }));
}
