//! The real binary as separate processes: two replicas sharing PostgreSQL and
//! Redis, the command line, first start, and graceful shutdown.

use std::time::Duration;

use serde_json::{Value, json};
use tests::graphql_ws::subscribe;
use tests::process::{ServerProcess, run};
use tests::replicas::{
    SharedStores, campaign_stats, graphql, login, open_window_all_day, start_campaign,
};
use tests::{ADMIN_EMAIL, JWT_SECRET, TestDatabase, redis_url, unique_redis_prefix};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_one_replica_sees_an_event_made_on_another() {
    let stores = SharedStores::new().await;
    let first = stores.start("api,lists").await;
    let second = stores.start("api,compliance").await;

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

/// Two `reachline` processes on one PostgreSQL and Redis, each with its own
/// in-memory copy of the suppression lists: a number suppressed through one
/// is refused by the other within one second, and allowed again as quickly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_number_suppressed_on_one_process_is_refused_by_another_within_a_second() {
    let database = TestDatabase::create().await;
    let data_dir = tempfile::tempdir().unwrap();
    let prefix = unique_redis_prefix();
    let redis = redis_url();
    let data = data_dir.path().display().to_string();
    let env = [
        ("REACHLINE_ADMIN_PASSWORD", "replica-admin-password"),
        ("REACHLINE_JWT_SECRET", JWT_SECRET),
    ];
    let args = vec![
        "--listen",
        "127.0.0.1:0",
        "--roles",
        "api",
        "--data-dir",
        &data,
        "--database-url",
        &database.url,
        "--redis-url",
        &redis,
        "--redis-prefix",
        &prefix,
    ];
    let first = ServerProcess::start(&args, &env).await;
    let second = ServerProcess::start(&args, &env).await;
    let token = login(&first.address(), ADMIN_EMAIL, "replica-admin-password").await;
    let created = graphql(
        &first.address(),
        Some(&token),
        "mutation { createSuppressionList(input: { name: \"DNC\", kind: PHONE, channels: [VOICE] }) { id } }",
        json!({}),
    )
    .await;
    let list = created["data"]["createSuppressionList"]["id"].clone();
    assert!(list.is_string(), "{created}");
    let check = "query { checkNumber(phone: \"+1 212 736 5000\", at: \"2026-11-23T15:00:00Z\") { suppressed } }";
    let suppressed_on = |address: String| {
        let token = token.clone();
        async move {
            let body = graphql(&address, Some(&token), check, json!({})).await;
            body["data"]["checkNumber"]["suppressed"]
                .as_bool()
                .unwrap_or_else(|| panic!("{body}"))
        }
    };
    assert!(!suppressed_on(second.address()).await);

    for (mutation, expected) in [
        (
            "addSuppressionEntries(listId: $list, values: [\"+12127365000\"]) { added }",
            true,
        ),
        (
            "removeSuppressionEntries(listId: $list, values: [\"+12127365000\"])",
            false,
        ),
    ] {
        let body = graphql(
            &first.address(),
            Some(&token),
            &format!("mutation($list: ID!) {{ {mutation} }}"),
            json!({ "list": list }),
        )
        .await;
        assert!(body["errors"].is_null(), "{body}");
        let started = std::time::Instant::now();
        loop {
            if suppressed_on(second.address()).await == expected {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "suppressed = {expected} not seen by the other process within 1 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let delay = started.elapsed();
        println!(
            "suppressed = {expected}: seen by the other process after {} ms",
            delay.as_millis()
        );
        assert!(delay < Duration::from_secs(1), "{delay:?}");
    }
}

/// The "done when": a dialer speaking exactly the OCS shims validates
/// and reports thousands of records against two `compliance` replicas, and
/// every answer is what the decision engine says for the same state; a number
/// suppressed through the API on one process is refused by the other
/// `compliance` replica within a second; nothing reported is lost or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dialer_against_two_compliance_replicas_gets_the_engines_decisions() {
    use tests::dialer::{Dialer, Rng, contacts};

    let stores = SharedStores::new().await;
    let api = stores.start("api,compliance").await;
    let replica = stores.start("compliance").await;
    let token = login(&api.address(), ADMIN_EMAIL, "replica-admin-password").await;

    // Windows open around the clock: the answers do not depend on the hour.
    let rules = open_window_all_day(&api.address(), &token).await;
    let engine_rules: compliance::RuleSet = serde_json::from_value(rules).unwrap();
    let engine_rules = engine_rules.for_campaign(&[]);

    let mut rng = Rng::new(0x0c5);
    let population = contacts(80, &mut rng);
    let list = graphql(&api.address(), Some(&token),
        "mutation { createSuppressionList(input: { name: \"DNC\", kind: PHONE, channels: [VOICE] }) { id } }",
        json!({})).await["data"]["createSuppressionList"]["id"].clone();
    let initially: Vec<String> = population
        .iter()
        .step_by(9)
        .map(|contact| contact.phones[0].clone())
        .collect();
    let added = graphql(&api.address(), Some(&token),
        "mutation($l: ID!, $v: [String!]!) { addSuppressionEntries(listId: $l, values: $v) { added } }",
        json!({ "l": list, "v": initially })).await;
    assert_eq!(
        added["data"]["addSuppressionEntries"]["added"],
        initially.len(),
        "{added}"
    );
    let key = graphql(&api.address(), Some(&token),
        "mutation { createApiClient(input: { name: \"sim\", scopes: [OCS_VALIDATE, OCS_HISTORY] }) { key } }",
        json!({})).await["data"]["createApiClient"]["key"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1200)).await;

    let mut dialer = Dialer::new(&key, vec![api.address(), replica.address()]);
    dialer.suppressed.extend(initially);
    let pick = |rng: &mut Rng| {
        let contact = population[rng.below(population.len() as u64) as usize].clone();
        let phone = contact.phones[rng.below(contact.phones.len() as u64) as usize].clone();
        (contact, phone)
    };
    for round in 0..1500 {
        if round == 700 {
            // Suppressed through the API on the api process: the compliance-only
            // replica refuses it within a second.
            let (contact, phone) = pick(&mut rng);
            graphql(&api.address(), Some(&token),
                "mutation($l: ID!, $v: [String!]!) { addSuppressionEntries(listId: $l, values: $v) { added } }",
                json!({ "l": list, "v": [phone] })).await;
            let started = std::time::Instant::now();
            loop {
                let answer = tests::http_client()
                    .post(format!("{}/ocs/v1/validate", replica.address()))
                    .header("x-api-key", &key)
                    .json(&json!({ "GSW_PHONE": phone, "GSW_CUSTOMER_ID": contact.client_id, "GSW_DIAL_MODE": "PREVIEW" }))
                    .send().await.unwrap().json::<serde_json::Value>().await.unwrap();
                if answer["refusals"]
                    .as_array()
                    .is_some_and(|refusals| refusals.iter().any(|r| r["rule"] == "SUPPRESSION"))
                {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(1),
                    "the replica did not refuse within a second: {answer}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            println!(
                "suppressed on one process, refused by the compliance replica after {:?}",
                started.elapsed()
            );
            dialer.suppressed.insert(phone);
        }
        if round % 10 == 0 {
            let chunk: Vec<_> = (0..10).map(|_| pick(&mut rng)).collect();
            let allowed = dialer.validate_batch(Some(&engine_rules), &chunk).await;
            // Dial the first allowed one only: the others' answers would be stale after it.
            if let Some(position) = allowed.iter().position(|allowed| *allowed) {
                let (contact, phone) = &chunk[position];
                dialer.dial(contact, phone, &mut rng).await;
            }
        } else {
            let (contact, phone) = pick(&mut rng);
            if dialer.validate(Some(&engine_rules), &contact, &phone).await {
                dialer.dial(&contact, &phone, &mut rng).await;
            }
        }
    }
    let tally = dialer.tally.clone();
    println!("dialer tally: {tally:?}");
    assert!(
        tally.mismatches.is_empty(),
        "{} answers differ from the engine, e.g. {:?}",
        tally.mismatches.len(),
        &tally.mismatches[..tally.mismatches.len().min(5)]
    );
    assert!(tally.validated >= 2800, "{tally:?}");
    assert!(tally.dialed >= 100, "{tally:?}");
    assert!(
        tally.refusals.contains_key("ATTEMPT_LIMIT") && tally.refusals.contains_key("SUPPRESSION"),
        "{tally:?}"
    );

    // Every acknowledged history record is stored exactly once.
    let db = sea_orm::Database::connect(stores.database_url.as_str())
        .await
        .unwrap();
    use sea_orm::{EntityTrait, PaginatorTrait};
    let stored = entity::dialing_history::Entity::find()
        .count(&db)
        .await
        .unwrap();
    assert_eq!(stored, tally.dialed, "one history row per dialled attempt");
}

/// The Campaign Manager split over processes: an `api,lists` process takes the
/// import and the campaign, nothing builds the calling list until a
/// `campaigns` process starts, and a `compliance` replica leases its records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campaigns_process_builds_what_the_api_loaded_and_a_compliance_replica_leases_it() {
    let stores = SharedStores::new().await;
    let api = stores.start("api,lists").await;
    let token = login(&api.address(), ADMIN_EMAIL, "replica-admin-password").await;
    let call = |query: &'static str, variables: serde_json::Value| {
        let address = api.address();
        let token = token.clone();
        async move {
            let body = graphql(&address, Some(&token), query, variables).await;
            assert!(body["errors"].is_null(), "{body}");
            body["data"].clone()
        }
    };
    open_window_all_day(&api.address(), &token).await;
    let list = call(
        "mutation { createContactList(input: { name: \"Split campaign\", channel: VOICE }) { id } }",
        json!({}),
    )
    .await["createContactList"]["id"]
        .clone();
    let import = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
        mapping: { defaultCountry: \"US\", columns: [{ header: \"Account\", field: CLIENT_ID }, { header: \"Phone\", device: HOME }] }) { id } }";
    let file = "Account,Phone\nS1,(202) 456-1414\nS2,(212) 736-5000\nS3,(415) 867-5309\n";
    let body = tests::graphql_upload(
        &tests::http_client(),
        &api.address(),
        &token,
        import,
        json!({ "list": list, "file": null }),
        "campaign.csv",
        file,
    )
    .await;
    assert!(body["errors"].is_null(), "{body}");
    let mut imported = 0;
    for _ in 0..100 {
        imported = call(
            "query($id: ID!) { contactList(id: $id) { contactCount } }",
            json!({ "id": list }),
        )
        .await["contactList"]["contactCount"]
            .as_i64()
            .unwrap_or(0);
        if imported == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(imported, 3);
    let template = call(
        "mutation { createCampaignTemplate(input: { name: \"Preview\", dialingMode: PREVIEW }) { id } }",
        json!({}),
    )
    .await["createCampaignTemplate"]["id"]
        .clone();
    let campaign = call(
        "mutation($template: ID!, $list: ID!) { createCampaign(input: { name: \"Split\", templateId: $template, lists: [{ listId: $list }] }) { id } }",
        json!({ "template": template, "list": list }),
    )
    .await["createCampaign"]["id"]
        .clone();
    call(
        "mutation($id: ID!) { loadCampaign(id: $id) { state } }",
        json!({ "id": campaign }),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let waiting = call(
        "query($id: ID!) { campaign(id: $id) { loadStatus } }",
        json!({ "id": campaign }),
    )
    .await;
    assert_eq!(
        waiting["campaign"]["loadStatus"], "LOADING",
        "no campaigns process yet: {waiting}"
    );

    let _worker = stores.start("campaigns").await;
    let mut loaded = serde_json::Value::Null;
    for _ in 0..100 {
        loaded = call(
            "query($id: ID!) { campaign(id: $id) { loadStatus stats { recordsTotal ready } } }",
            json!({ "id": campaign }),
        )
        .await["campaign"]
            .clone();
        if loaded["loadStatus"] == "READY" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        loaded,
        json!({ "loadStatus": "READY", "stats": { "recordsTotal": 3, "ready": 3 } })
    );
    call(
        "mutation($id: ID!) { startCampaign(id: $id) { state } }",
        json!({ "id": campaign }),
    )
    .await;

    let dialer = stores.start("compliance").await;
    let key = call(
        "mutation { createApiClient(input: { name: \"ocs\", scopes: [OCS_LEASE] }) { key } }",
        json!({}),
    )
    .await["createApiClient"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let campaign_id = campaign.as_str().unwrap();
    let response = tests::http_client()
        .post(format!(
            "{}/ocs/v1/campaigns/{campaign_id}/records:lease",
            dialer.address()
        ))
        .header("x-api-key", &key)
        .json(&json!({ "count": 10 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let leased: serde_json::Value = response.json().await.unwrap();
    let mut phones: Vec<&str> = leased["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|record| record["GSW_PHONE"].as_str())
        .collect();
    phones.sort_unstable();
    assert_eq!(
        phones,
        ["+12024561414", "+12127365000", "+14158675309"],
        "{leased}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_scheduler_replicas_fire_a_per_second_job_exactly_once_each_second() {
    let stores = SharedStores::new().await;
    let first = stores.start("api,scheduler").await;
    let second = stores.start("scheduler").await;
    let token = login(&first.address(), ADMIN_EMAIL, "replica-admin-password").await;
    let body = graphql(
        &first.address(),
        Some(&token),
        "mutation { createJob(input: { name: \"Every second\", kind: PURGE, cron: \"* * * * * *\", timeZone: \"UTC\" }) { id } }",
        json!({}),
    )
    .await;
    let job_id = body["data"]["createJob"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();

    // Both replicas fire for 6 s; then the first is killed outright and the second carries on alone for 4 s.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let killed_at = chrono::Utc::now();
    let pid = first.id().expect("the first replica runs").to_string();
    let _ = tokio::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .await;
    let api = stores.start("api").await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let body = graphql(
        &api.address(),
        Some(&token),
        "mutation($id: ID!) { updateJob(id: $id, input: { name: \"Every second\", kind: PURGE, cron: \"* * * * * *\", timeZone: \"UTC\", enabled: false }) { enabled } }",
        json!({ "id": job_id }),
    )
    .await;
    assert_eq!(body["data"]["updateJob"]["enabled"], false, "{body}");
    tokio::time::sleep(Duration::from_secs(3)).await;

    let body = graphql(
        &api.address(),
        Some(&token),
        "query($id: ID!) { jobRuns(jobId: $id, first: 500) { trigger status scheduledFor createdAt attempt firedBy } }",
        json!({ "id": job_id }),
    )
    .await;
    let runs = body["data"]["jobRuns"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    let mut seconds: Vec<chrono::DateTime<chrono::Utc>> = runs
        .iter()
        .filter(|run| run["trigger"] == "SCHEDULE")
        .map(|run| run["scheduledFor"].as_str().unwrap().parse().unwrap())
        .collect();
    seconds.sort();
    let unique: std::collections::BTreeSet<_> = seconds.iter().collect();
    assert_eq!(
        unique.len(),
        seconds.len(),
        "a second fired twice: {seconds:?}"
    );
    assert!(
        seconds.len() >= 10,
        "about 10 firings expected, got {}: {body}",
        seconds.len()
    );
    for pair in seconds.windows(2) {
        assert_eq!(
            (pair[1] - pair[0]).num_seconds(),
            1,
            "a gap in the firings: {seconds:?}"
        );
    }
    for run in runs {
        // A run the killed replica was executing waits for its lease to pass (2 min), then resumes.
        let at: chrono::DateTime<chrono::Utc> =
            run["scheduledFor"].as_str().unwrap().parse().unwrap();
        let created: chrono::DateTime<chrono::Utc> =
            run["createdAt"].as_str().unwrap().parse().unwrap();
        assert!(created >= at, "fired before its instant: {run}");
        let near_the_kill = (at - killed_at).num_seconds().abs() <= 2;
        if !(near_the_kill && run["status"] == "RUNNING") {
            assert_eq!(run["status"], "SUCCEEDED", "{run}");
            assert_eq!(run["attempt"], 1, "each run executed once: {run}");
        }
    }
    let by: std::collections::BTreeMap<String, usize> =
        runs.iter().fold(Default::default(), |mut by, run| {
            *by.entry(run["firedBy"].as_str().unwrap_or("?").to_owned())
                .or_default() += 1;
            by
        });
    println!("{} firings, by replica: {by:?}", seconds.len());
    let survivor: Vec<&Value> = runs
        .iter()
        .filter(|run| {
            run["scheduledFor"]
                .as_str()
                .unwrap()
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
                > killed_at + chrono::Duration::seconds(1)
        })
        .collect();
    assert!(
        survivor.len() >= 3,
        "the second replica fired on alone: {body}"
    );
    let survivor_name = survivor[0]["firedBy"].clone();
    assert!(
        survivor.iter().all(|run| run["firedBy"] == survivor_name),
        "only the survivor fired after the kill: {body}"
    );
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dial_manager_killed_mid_batch_sends_no_message_twice() {
    use tests::gateway::{self, Behaviour, FakeGateway};
    // Each answer takes 250 ms, so a batch of 120 is in flight for about a second.
    let fake = FakeGateway::start_with(Behaviour {
        delay: Duration::from_millis(250),
        ..Behaviour::default()
    })
    .await;
    let stores = SharedStores::new().await;
    let api = stores.start("api,campaigns,compliance").await;
    let address = api.address();
    let token = login(&address, ADMIN_EMAIL, "replica-admin-password").await;
    // Quiet hours would hold every New York number back outside 08:00–21:00 there.
    open_window_all_day(&address, &token).await;
    let body = graphql(
        &address,
        Some(&token),
        "mutation($input: MessagingProviderInput!) { updateMessagingProvider(input: $input) { accountId } }",
        json!({ "input": { "baseUrl": fake.url(), "apiKey": gateway::API_KEY, "signingSecret": gateway::SIGNING_SECRET, "smsSender": "72345" } }),
    )
    .await;
    let tenant: uuid::Uuid = body["data"]["updateMessagingProvider"]["accountId"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .parse()
        .unwrap();
    let body = graphql(
        &address,
        Some(&token),
        "mutation { createContactList(input: { name: \"Texts\", channel: SMS }) { id } } ",
        json!({}),
    )
    .await;
    let list = body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contacts = gateway::new_yorkers(120);
    let db = sea_orm::Database::connect(&stores.database_url)
        .await
        .unwrap();
    gateway::insert_mobiles(&db, tenant, list.parse().unwrap(), &contacts).await;
    let numbers: Vec<String> = contacts.iter().map(|c| c.mobile.clone()).collect();
    let body = graphql(
        &address,
        Some(&token),
        "mutation { createMessageTemplate(input: { name: \"Hi\", channel: SMS, body: \"Hi {{firstName}}\" }) { id } }",
        json!({}),
    )
    .await;
    let template = body["data"]["createMessageTemplate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = graphql(
        &address,
        Some(&token),
        "mutation($t: ID!) { createCampaignTemplate(input: { name: \"SMS\", dialingMode: SMS, deviceOrder: [MOBILE], messageTemplateId: $t }) { id } }",
        json!({ "t": template }),
    )
    .await;
    let settings = body["data"]["createCampaignTemplate"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let campaign = start_campaign(&address, &token, &settings, &list).await;
    const STATS: &str = "recordsTotal ready leased final sent";

    // One dial manager takes the batch; it is killed outright while its sends are in flight.
    let first = stores
        .start_with("dial-manager", &["--message-lease-secs", "10"])
        .await;
    let before_kill = fake.wait_for_sent(20, Duration::from_secs(60)).await.len();
    assert!(
        (20..120).contains(&before_kill),
        "killed mid-batch: {before_kill} sent"
    );
    let pid = first.id().expect("the dial manager runs").to_string();
    let _ = tokio::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let at_kill = fake.received().len();
    let midway = campaign_stats(&address, &token, &campaign, STATS).await;
    assert_eq!(
        midway["stats"]["final"], 0,
        "the batch was not settled: {midway}"
    );

    // A second dial manager takes over when the lease passes and finishes the campaign.
    let second = stores
        .start_with("dial-manager", &["--message-lease-secs", "10"])
        .await;
    let mut done = Value::Null;
    for _ in 0..600 {
        done = campaign_stats(&address, &token, &campaign, STATS).await;
        if done["stats"]["final"] == 120 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["stats"]["final"], 120, "{done}");
    assert_eq!(done["stats"]["sent"], 120, "{done}");
    let sent = fake.sent();
    let received = fake.received();
    let mut per_number: std::collections::HashMap<&str, usize> = Default::default();
    for message in &sent {
        *per_number.entry(message.to.as_str()).or_default() += 1;
    }
    assert_eq!(sent.len(), 120, "each message sent once");
    assert!(
        numbers
            .iter()
            .all(|number| per_number.get(number.as_str()) == Some(&1)),
        "{per_number:?}"
    );
    let resent = received.len() - sent.len();
    println!(
        "{before_kill} sent before the kill, {at_kill} by the time it died, {resent} re-sent with their own key and dropped by the gateway"
    );
    assert!(
        resent <= at_kill,
        "only what the dead replica had sent is sent again: {resent} > {at_kill}"
    );
    drop(second);
}

/// Issue 10: phone numbers and e-mail addresses never reach the logs, even at
/// debug level, whatever the path: imports (with rejected rows), checks,
/// suppression, dialer validation and call reports (good and bad), failed
/// sign-ins and conflicts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_never_reaches_the_logs() {
    let stores = SharedStores::new().await;
    let filter =
        "debug,hyper=info,h2=info,rustls=info,tungstenite=info,tokio_tungstenite=info,reqwest=info";
    let server = stores
        .start_with_env(
            "api,lists,compliance,campaigns,scheduler",
            &["--log-format", "json"],
            &[("RUST_LOG", filter)],
        )
        .await;
    let address = server.address();
    let client = tests::http_client();
    // The personal data of this test: none of it may appear in any log line.
    let phones = [
        ("(202) 555-0143", "+12025550143"),
        ("212 555 0178", "+12125550178"),
    ];
    let emails = ["pii.person@example.org", "pii.victim@example.org"];
    let bad_phone = "555-01x9";

    let failed = graphql(
        &address,
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({ "e": emails[1], "p": "wrong-password" }),
    )
    .await;
    assert!(failed["errors"].is_array(), "{failed}");
    let token = login(&address, ADMIN_EMAIL, tests::replicas::ADMIN_PASSWORD).await;
    open_window_all_day(&address, &token).await;
    let list = graphql(
        &address,
        Some(&token),
        "mutation { createContactList(input: { name: \"People\", channel: VOICE }) { id } }",
        json!({}),
    )
    .await["data"]["createContactList"]["id"]
        .clone();
    let import = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
        mapping: { defaultCountry: \"US\", columns: [{ header: \"Account\", field: CLIENT_ID }, { header: \"Phone\", device: HOME }, { header: \"Mail\", device: EMAIL }] }) { id } }";
    let file = format!(
        "Account,Phone,Mail\nP1,{},{}\nP2,{},not-an-address\nP3,{bad_phone},{}\n",
        phones[0].0, emails[0], phones[1].0, emails[1]
    );
    let body = tests::graphql_upload(
        &client,
        &address,
        &token,
        import,
        json!({ "list": list, "file": null }),
        "people.csv",
        &file,
    )
    .await;
    let job = body["data"]["importContacts"]["id"].clone();
    assert!(job.is_string(), "{body}");
    for _ in 0..100 {
        let status = graphql(
            &address,
            Some(&token),
            "query($id: ID!) { importJob(id: $id) { status } }",
            json!({ "id": job }),
        )
        .await;
        if status["data"]["importJob"]["status"] == "SUCCEEDED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let checked = graphql(
        &address,
        Some(&token),
        "query($p: String!) { checkNumber(phone: $p) { allowed } }",
        json!({ "p": phones[0].1 }),
    )
    .await;
    assert!(checked["errors"].is_null(), "{checked}");
    let dnc = graphql(&address, Some(&token),
        "mutation { createSuppressionList(input: { name: \"DNC\", kind: PHONE, channels: [VOICE] }) { id } }", json!({})).await["data"]["createSuppressionList"]["id"].clone();
    graphql(&address, Some(&token),
        "mutation($l: ID!, $v: [String!]!) { addSuppressionEntries(listId: $l, values: $v) { added } }",
        json!({ "l": dnc, "v": [phones[1].1, bad_phone] })).await;
    let duplicate = graphql(&address, Some(&token),
        "mutation($e: String!) { a: createUser(input: { email: $e, displayName: \"P\", role: VIEWER, password: \"person-password-123\" }) { id } }",
        json!({ "e": emails[0] })).await;
    assert!(duplicate["errors"].is_null(), "{duplicate}");
    let again = graphql(&address, Some(&token),
        "mutation($e: String!) { createUser(input: { email: $e, displayName: \"P\", role: VIEWER, password: \"person-password-123\" }) { id } }",
        json!({ "e": emails[0] })).await;
    assert!(again["errors"].is_array(), "{again}");
    let key = graphql(&address, Some(&token),
        "mutation { createApiClient(input: { name: \"ocs\", scopes: [OCS_VALIDATE, OCS_HISTORY] }) { key } }",
        json!({})).await["data"]["createApiClient"]["key"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    for (route, record) in [
        (
            "validate",
            json!({ "GSW_PHONE": phones[0].1, "GSW_CUSTOMER_ID": "P1", "GSW_DIAL_MODE": "PREVIEW" }),
        ),
        (
            "validate",
            json!({ "GSW_PHONE": phones[1].1, "GSW_CUSTOMER_ID": "P2", "GSW_DIAL_MODE": "PREVIEW" }),
        ),
        (
            "validate",
            json!({ "GSW_PHONE": bad_phone, "GSW_CUSTOMER_ID": "P3" }),
        ),
        (
            "history",
            json!({ "GSW_CALL_ATTEMPT_GUID": "pii-1", "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": phones[0].1, "GSW_CUSTOMER_ID": "P1", "GSW_CALL_RESULT": "7" }),
        ),
        (
            "history",
            json!({ "GSW_CALL_ATTEMPT_GUID": "pii-1", "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": phones[1].1, "GSW_CUSTOMER_ID": "P2", "GSW_CALL_RESULT": "7" }),
        ),
    ] {
        let response = client
            .post(format!("{address}/ocs/v1/{route}"))
            .header("x-api-key", &key)
            .json(&record)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().as_u16() < 500,
            "{route}: {}",
            response.status()
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let logs = server.stderr_text();
    assert!(
        logs.lines().count() > 20,
        "debug logs were captured: {logs}"
    );
    let digits = |phone: &str| {
        phone
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
    };
    let mut found = Vec::new();
    for (written, e164) in phones {
        for needle in [
            written.to_owned(),
            e164.to_owned(),
            digits(e164)[1..].to_owned(),
        ] {
            if logs.contains(&needle) {
                found.push(needle);
            }
        }
    }
    for needle in emails
        .iter()
        .map(|email| email.to_string())
        .chain([bad_phone.to_owned()])
    {
        if logs.contains(&needle) {
            found.push(needle);
        }
    }
    let lines: Vec<&str> = logs
        .lines()
        .filter(|line| found.iter().any(|needle| line.contains(needle.as_str())))
        .take(5)
        .collect();
    assert!(
        found.is_empty(),
        "personal data in the logs: {found:?}\n{}",
        lines.join("\n")
    );
    println!(
        "{} log lines at debug level, no phone number or e-mail address in them",
        logs.lines().count()
    );
}
