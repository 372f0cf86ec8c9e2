//! Faults a cluster meets, with real processes on real stores: a worker
//! killed outright or stopped mid-import, a compliance replica killed under
//! load, Redis restarted mid-campaign, PostgreSQL stopped for ten seconds.
//! Each test checks what must never happen (a row lost or doubled, an
//! acknowledged record lost, a wrong compliance answer) and that the
//! installation recovers without a restart.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use tests::ADMIN_EMAIL;
use tests::process::ServerProcess;
use tests::replicas::{
    ADMIN_PASSWORD, SharedStores, campaign_stats, create_list, graphql, import_csv, login,
    open_window_all_day, start_campaign,
};
use tests::servers::{PrivatePostgres, PrivateRedis};

/// The one number a query returns.
async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
        .expect("one row");
    row.try_get_by_index::<i64>(0).unwrap()
}

/// Kills a process outright, as the kernel's OOM killer or a node failure would.
async fn kill_9(process: &ServerProcess) {
    let pid = process.id().expect("the process runs").to_string();
    let status = tokio::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .await
        .unwrap();
    assert!(status.success());
}

/// `/readyz`'s status code (0 when nothing answers).
async fn readiness(address: &str) -> u16 {
    tests::http_client()
        .get(format!("{address}/readyz"))
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .map_or(0, |response| response.status().as_u16())
}

/// An import job's `status` and `rowsRead`.
async fn import_job(address: &str, token: &str, job: &str) -> (String, i64) {
    let body = graphql(
        address,
        Some(token),
        "query($id: ID!) { importJob(id: $id) { status rowsRead } }",
        json!({ "id": job }),
    )
    .await;
    let job = &body["data"]["importJob"];
    (
        job["status"].as_str().unwrap_or_default().to_owned(),
        job["rowsRead"].as_i64().unwrap_or(0),
    )
}

/// Waits until the import has read at least `rows` rows in a running attempt; how long it took.
async fn until_reading(
    address: &str,
    token: &str,
    job: &str,
    rows: i64,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    loop {
        let (status, read) = import_job(address, token, job).await;
        if status == "RUNNING" && read >= rows {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "the import did not reach {rows} rows within {within:?}: {status} {read}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until an attempt of the import starts after `after`; how long that took.
async fn until_restarted(
    db: &DatabaseConnection,
    job: &str,
    after: chrono::DateTime<chrono::Utc>,
    within: Duration,
) -> Duration {
    let started = Instant::now();
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM import_jobs WHERE id = '{job}' AND started_at > '{}'",
        after.to_rfc3339()
    );
    while count(db, &sql).await == 0 {
        assert!(
            started.elapsed() < within,
            "no new attempt of the import within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    started.elapsed()
}

/// `rows` contacts `C0000000…`, each with its own valid US number.
fn contacts_csv(rows: usize) -> String {
    let mut file = String::with_capacity(rows * 28 + 16);
    file.push_str("Account,Phone\n");
    for n in 0..rows {
        // Area codes 212, 312, 412 …, exchanges 200–999: every number valid and distinct.
        let area = 212 + 100 * (n / 8_000_000);
        let exchange = 200 + (n / 10_000) % 800;
        file.push_str(&format!("C{n:07},({area}) {exchange}-{:04}\n", n % 10_000));
    }
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_in_one_worker_and_stopped_in_another_lands_every_row_once() {
    const ROWS: usize = 200_000;
    let stores = SharedStores::new().await;
    let api = stores.start("api").await;
    let address = api.address();
    let token = login(&address, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let list = create_list(&address, &token, "Big").await;
    let job = import_csv(&address, &token, &list, &contacts_csv(ROWS)).await;
    let db = sea_orm::Database::connect(stores.database_url.as_str())
        .await
        .unwrap();
    let in_list = format!("SELECT COUNT(*) FROM contacts WHERE list_id = '{list}'");

    // The first worker is killed outright a tenth of the way in: its transaction dies with it.
    let first = stores.start("lists").await;
    until_reading(&address, &token, &job, 20_000, Duration::from_secs(120)).await;
    kill_9(&first).await;
    let killed_at = Instant::now();
    let killed_wall = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        count(&db, &in_list).await,
        0,
        "a killed import leaves nothing behind"
    );

    // A second worker takes it over once the first one's lease (30 s from its claim) passes.
    let mut second = stores
        .start_with("lists", &["--shutdown-drain-secs", "3"])
        .await;
    // Within the lease (30 s from the first worker's claim) and a poll.
    until_restarted(&db, &job, killed_wall, Duration::from_secs(40)).await;
    println!("taken over {:?} after the kill", killed_at.elapsed());
    until_reading(&address, &token, &job, 20_000, Duration::from_secs(120)).await;

    // The second is stopped gracefully: readiness fails first, it hands the
    // import back and exits well within its deadline.
    second.terminate().await;
    let signalled = Instant::now();
    let signalled_wall = chrono::Utc::now();
    assert_eq!(
        readiness(&second.address()).await,
        503,
        "readiness fails first"
    );
    let exited = second.wait(Duration::from_secs(25)).await;
    assert!(exited.is_some_and(|status| status.success()), "{exited:?}");
    let exit_time = signalled.elapsed();
    println!("stopped worker exited after {exit_time:?}");
    assert!(exit_time < Duration::from_secs(10), "{exit_time:?}");

    // A third takes it at once — the second's claim was handed back, or it would
    // wait out the lease (30 s from the second's claim) — and finishes it.
    let _third = stores.start("lists").await;
    let started = Instant::now();
    // (well inside the ≈ 25 s the second's lease would still run)
    let taken = until_restarted(&db, &job, signalled_wall, Duration::from_secs(15)).await;
    println!("handed-back import taken {taken:?} after the third worker started");
    loop {
        let (status, read) = import_job(&address, &token, &job).await;
        if status == "SUCCEEDED" {
            assert_eq!(read, ROWS as i64);
            break;
        }
        assert_ne!(status, "FAILED");
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the import did not finish: {status} {read}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!(
        "finished {:?} after the third worker started",
        started.elapsed()
    );

    // Every row exactly once.
    assert_eq!(count(&db, &in_list).await, ROWS as i64);
    let distinct =
        format!("SELECT COUNT(DISTINCT client_id) FROM contacts WHERE list_id = '{list}'");
    assert_eq!(count(&db, &distinct).await, ROWS as i64);
    let devices = format!(
        "SELECT COUNT(*) FROM contact_devices d JOIN contacts c ON c.id = d.contact_id WHERE c.list_id = '{list}'"
    );
    assert_eq!(count(&db, &devices).await, ROWS as i64);
    let accepted = graphql(
        &address,
        Some(&token),
        "query($id: ID!) { importJob(id: $id) { accepted rejected duplicates } }",
        json!({ "id": job }),
    )
    .await;
    assert_eq!(
        accepted["data"]["importJob"],
        json!({ "accepted": ROWS, "rejected": 0, "duplicates": 0 })
    );
    // The killed attempt counts; the one handed back does not.
    let attempts = format!(
        "SELECT CAST(attempts AS BIGINT) FROM queue_tasks WHERE kind = 'contacts.import' AND payload::text LIKE '%{job}%'"
    );
    assert_eq!(count(&db, &attempts).await, 2);
}

/// One call report record 1 for a new attempt on `phone`.
fn history_record(guid: &str, phone: &str) -> Value {
    json!({ "GSW_CALL_ATTEMPT_GUID": guid, "GSW_HIST_SEQUENCE_NUM": 1, "GSW_PHONE": phone,
        "GSW_CUSTOMER_ID": format!("K-{guid}"), "GSW_CALL_RESULT": "7",
        "GSW_CALL_TIME": chrono::Utc::now().timestamp() })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compliance_replica_killed_under_load_loses_no_acknowledged_record() {
    let stores = SharedStores::new().await;
    let api = stores.start("api,compliance").await;
    let replica = stores.start("compliance").await;
    let token = login(&api.address(), ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open_window_all_day(&api.address(), &token).await;
    let key = graphql(&api.address(), Some(&token),
        "mutation { createApiClient(input: { name: \"ocs\", scopes: [OCS_VALIDATE, OCS_HISTORY] }) { key } }",
        json!({})).await["data"]["createApiClient"]["key"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1200)).await;

    // Eight dialer connections, each alternating between the two replicas,
    // reporting new attempts and remembering which were acknowledged with 200.
    let acknowledged: Arc<Mutex<Vec<(String, &'static str)>>> = Arc::default();
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut dialers = Vec::new();
    for dialer in 0..8 {
        let targets = [(api.address(), "api"), (replica.address(), "replica")];
        let (key, acknowledged, failures, stop) = (
            key.clone(),
            acknowledged.clone(),
            failures.clone(),
            stop.clone(),
        );
        dialers.push(tokio::spawn(async move {
            let client = tests::http_client();
            let mut n = 0u32;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                let (address, name) = &targets[(n % 2) as usize];
                let guid = format!("d{dialer}-{n}");
                let phone = format!("+1212{:03}{:04}", 200 + dialer, n % 10_000);
                let answer = client
                    .post(format!("{address}/ocs/v1/history"))
                    .header("x-api-key", &key)
                    .json(&history_record(&guid, &phone))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match answer {
                    Ok(response) if response.status().as_u16() == 200 => {
                        acknowledged.lock().unwrap().push((guid, *name));
                    }
                    Ok(response) => failures
                        .lock()
                        .unwrap()
                        .push(format!("{name} {}", response.status())),
                    // The killed replica's connections fail: not acknowledged, not counted.
                    Err(_) => failures.lock().unwrap().push(format!("{name} connection")),
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    kill_9(&replica).await;
    let at_kill = acknowledged.lock().unwrap().len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for dialer in dialers {
        dialer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let failures = failures.lock().unwrap().clone();
    let on_replica = acknowledged
        .iter()
        .filter(|(_, name)| *name == "replica")
        .count();
    let after_kill = acknowledged.len() - at_kill;
    println!(
        "acknowledged {} ({on_replica} by the killed replica), {after_kill} after the kill; failed {}",
        acknowledged.len(),
        failures.len()
    );
    assert!(
        on_replica >= 50,
        "the replica took its share before the kill"
    );
    assert!(after_kill >= 50, "the surviving replica kept answering");
    assert!(
        failures
            .iter()
            .all(|failure| failure.starts_with("replica")),
        "only the killed replica's requests may fail: {failures:?}"
    );

    // Every acknowledged record is stored, exactly once.
    let db = sea_orm::Database::connect(stores.database_url.as_str())
        .await
        .unwrap();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT attempt_guid FROM dialing_history",
        ))
        .await
        .unwrap();
    let stored: Vec<String> = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    let unique: HashSet<&String> = stored.iter().collect();
    assert_eq!(unique.len(), stored.len(), "no attempt stored twice");
    let lost: Vec<&String> = acknowledged
        .iter()
        .map(|(guid, _)| guid)
        .filter(|guid| !unique.contains(guid))
        .collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    // The API keeps answering on the surviving process.
    assert_eq!(readiness(&api.address()).await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restart_mid_campaign_keeps_attempt_rules_and_counters() {
    use tests::dialer::{Dialer, Rng, contacts};

    let mut redis = PrivateRedis::start();
    let database = tests::TestDatabase::create().await;
    let stores = SharedStores::on(&database.url, &redis.url());
    let process = stores.start("api,lists,campaigns,compliance").await;
    let address = process.address();
    let token = login(&address, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let rules = open_window_all_day(&address, &token).await;
    let engine_rules: compliance::RuleSet = serde_json::from_value(rules).unwrap();
    let engine_rules = engine_rules.for_campaign(&[]);
    let key = graphql(&address, Some(&token),
        "mutation { createApiClient(input: { name: \"ocs\", scopes: [OCS_VALIDATE, OCS_HISTORY, OCS_LEASE] }) { key } }",
        json!({})).await["data"]["createApiClient"]["key"].as_str().unwrap().to_owned();

    // A campaign of 40 contacts, loaded and running.
    const CONTACTS: usize = 40;
    let list = create_list(&address, &token, "Campaign").await;
    import_csv(&address, &token, &list, &contacts_csv(CONTACTS)).await;
    let template = graphql(&address, Some(&token),
        "mutation { createCampaignTemplate(input: { name: \"Preview\", dialingMode: PREVIEW }) { id } }",
        json!({})).await["data"]["createCampaignTemplate"]["id"].clone();
    let mut imported = 0;
    for _ in 0..200 {
        imported = graphql(
            &address,
            Some(&token),
            "query($id: ID!) { contactList(id: $id) { contactCount } }",
            json!({ "id": list }),
        )
        .await["data"]["contactList"]["contactCount"]
            .as_i64()
            .unwrap_or(0);
        if imported == CONTACTS as i64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(imported, CONTACTS as i64);
    let template = template.as_str().unwrap_or_default().to_owned();
    let campaign = start_campaign(&address, &token, &template, &list).await;

    // Leases the next `count` records and reports each as answered (final).
    let client = tests::http_client();
    let work = |count: usize, round: usize| {
        let (client, address, key, campaign) = (
            client.clone(),
            address.clone(),
            key.clone(),
            campaign.clone(),
        );
        async move {
            let leased: Value = client
                .post(format!(
                    "{address}/ocs/v1/campaigns/{campaign}/records:lease"
                ))
                .header("x-api-key", &key)
                .json(&json!({ "count": count }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let records = leased["records"].as_array().cloned().unwrap_or_default();
            for (n, record) in records.iter().enumerate() {
                let report = json!({ "GSW_CALL_ATTEMPT_GUID": format!("c{round}-{n}"), "GSW_HIST_SEQUENCE_NUM": 1,
                    "GSW_PHONE": record["GSW_PHONE"], "GSW_CUSTOMER_ID": record["GSW_CUSTOMER_ID"],
                    "GSW_RECORD_HANDLE": record["GSW_RECORD_HANDLE"], "GSW_CALL_RESULT": "33",
                    "GSW_CALL_TIME": chrono::Utc::now().timestamp() });
                let response = client
                    .post(format!("{address}/ocs/v1/history"))
                    .header("x-api-key", &key)
                    .json(&report)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    response.status().as_u16(),
                    200,
                    "{}",
                    response.text().await.unwrap_or_default()
                );
            }
            records.len()
        }
    };
    let before = work(15, 0).await;
    assert_eq!(before, 15);

    // Dialer traffic outside the campaign hits the attempt rules (few contacts, many rounds).
    let mut rng = Rng::new(0x7ed15);
    // Six contacts before the restart; six more join after it, so the answers
    // after it mix refusals (the first six's attempts, known only to PostgreSQL
    // by then) with numbers that may still be dialled.
    let population = contacts(12, &mut rng);
    let mut dialer = Dialer::new(&key, vec![address.clone()]);
    let pick = |rng: &mut Rng, known: usize| {
        let contact = population[rng.below(known as u64) as usize].clone();
        let phone = contact.phones[rng.below(contact.phones.len() as u64) as usize].clone();
        (contact, phone)
    };
    for _ in 0..120 {
        let (contact, phone) = pick(&mut rng, 6);
        if dialer.validate(Some(&engine_rules), &contact, &phone).await {
            dialer.dial(&contact, &phone, &mut rng).await;
        }
    }
    let refused_before = dialer
        .tally
        .refusals
        .get("ATTEMPT_LIMIT")
        .copied()
        .unwrap_or(0);
    let dialled_before = dialer.tally.dialed;
    assert!(
        refused_before > 0,
        "the attempt rules refused some: {:?}",
        dialer.tally
    );

    // Redis dies and comes back empty.
    redis.kill();
    tokio::time::sleep(Duration::from_secs(1)).await;
    redis.resume();
    let restarted = Instant::now();
    while readiness(&address).await != 200 {
        assert!(
            restarted.elapsed() < Duration::from_secs(30),
            "not ready again after the restart"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "ready again {:?} after Redis came back",
        restarted.elapsed()
    );

    // Every answer after the restart still matches the engine with the whole history,
    // read from PostgreSQL: nothing the lost sets held is forgotten.
    for _ in 0..120 {
        let (contact, phone) = pick(&mut rng, 12);
        if dialer.validate(Some(&engine_rules), &contact, &phone).await {
            dialer.dial(&contact, &phone, &mut rng).await;
        }
    }
    let tally = dialer.tally.clone();
    assert!(
        tally.mismatches.is_empty(),
        "{} answers differ from the engine, e.g. {:?}",
        tally.mismatches.len(),
        &tally.mismatches[..tally.mismatches.len().min(5)]
    );
    let refused_after = tally.refusals.get("ATTEMPT_LIMIT").copied().unwrap_or(0) - refused_before;
    println!(
        "attempt-limit refusals: {refused_before} before the restart, {refused_after} after; {} validated, {} dialled",
        tally.validated, tally.dialed
    );
    assert!(
        refused_after > 0,
        "attempt limits still refuse after the restart: {tally:?}"
    );
    assert!(
        tally.dialed > dialled_before,
        "and allow what they allow: {tally:?}"
    );

    // The campaign goes on and its counters are exact.
    let mut after = 0;
    for round in 1..20 {
        after += work(10, round).await;
        if before + after == CONTACTS {
            break;
        }
    }
    assert_eq!(before + after, CONTACTS);
    let done = campaign_stats(
        &address,
        &token,
        &campaign,
        "recordsTotal ready leased final",
    )
    .await;
    assert_eq!(
        done["stats"],
        json!({ "recordsTotal": CONTACTS, "ready": 0, "leased": 0, "final": CONTACTS }),
        "{done}"
    );
    let db = sea_orm::Database::connect(database.url.as_str())
        .await
        .unwrap();
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM dialing_history WHERE attempt_guid LIKE 'c%'"
        )
        .await,
        CONTACTS as i64
    );
    drop(process);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_outage_fails_requests_clearly_and_recovers_without_a_restart() {
    let postgres = PrivatePostgres::start();
    let stores = SharedStores::on(&postgres.url(), &tests::redis_url());
    let process = stores.start("api,compliance,lists").await;
    let address = process.address();
    let token = login(&address, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    open_window_all_day(&address, &token).await;
    let key = graphql(&address, Some(&token),
        "mutation { createApiClient(input: { name: \"ocs\", scopes: [OCS_VALIDATE, OCS_HISTORY] }) { key } }",
        json!({})).await["data"]["createApiClient"]["key"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let client = tests::http_client();
    let report = |guid: &'static str| {
        let (client, address, key) = (client.clone(), address.clone(), key.clone());
        async move {
            let response = client
                .post(format!("{address}/ocs/v1/history"))
                .header("x-api-key", &key)
                .json(&history_record(guid, "+12125550143"))
                .timeout(Duration::from_secs(30))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    const LISTS: &str = "{ contactLists(first: 5) { totalCount } }";
    assert_eq!(report("before").await.0, 200);

    postgres.stop();
    let stopped = Instant::now();

    // Readiness fails, naming the database.
    let ready: Value = client
        .get(format!("{address}/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["ready"], false, "{ready}");
    assert!(
        ready["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("database"),
        "{ready}"
    );

    // GraphQL fails clearly and quickly: the contract's INTERNAL code, a message
    // that says what is wrong, and that a retry is worth it.
    let asked = Instant::now();
    let body = graphql(&address, Some(&token), LISTS, json!({})).await;
    let took = asked.elapsed();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "INTERNAL",
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["retryable"], true, "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("database is unavailable"),
        "{body}"
    );
    println!(
        "GraphQL failed after {took:?} with: {}",
        body["errors"][0]["message"]
    );
    assert!(took < Duration::from_secs(8), "the failure took {took:?}");

    // A dialer's call report is refused with 503 (retry), not lost as acknowledged.
    let (status, answer) = report("during").await;
    assert_eq!(status, 503, "{answer}");

    // Ten seconds after the stop, PostgreSQL comes back.
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(stopped.elapsed())).await;
    postgres.resume();
    let resumed = Instant::now();
    while readiness(&address).await != 200 {
        assert!(
            resumed.elapsed() < Duration::from_secs(30),
            "not ready again: {}",
            process.stderr_text()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "ready again {:?} after PostgreSQL came back",
        resumed.elapsed()
    );

    // Everything works again in the same process: queries, reports, and the
    // background import worker.
    let body = graphql(&address, Some(&token), LISTS, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(
        report("during").await.0,
        200,
        "the retried report is stored"
    );
    assert_eq!(report("after").await.0, 200);
    let list = create_list(&address, &token, "After").await;
    let job = import_csv(&address, &token, &list, &contacts_csv(50)).await;
    let started = Instant::now();
    loop {
        let (status, read) = import_job(&address, &token, &job).await;
        if status == "SUCCEEDED" {
            assert_eq!(read, 50);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the import did not run after the outage: {status}: {}",
            process.stderr_text()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let db = sea_orm::Database::connect(postgres.url().as_str())
        .await
        .unwrap();
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM dialing_history").await,
        3,
        "before, during (retried) and after"
    );
    drop(process);
}
