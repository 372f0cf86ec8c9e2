//! The Job Scheduler (issue 7) through GraphQL against real stores and a real
//! OpenSSH server on loopback: the cron helper and validation, run now, list
//! automation from a dropped file to a running campaign, failures that must
//! read clearly (wrong password, unreachable host, changed host key, no
//! matching file, a truncated file, a file vanishing while it settles), and a
//! picked-up file never imported twice.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};
use tests::graphql_ws::subscribe;
use tests::sshd::Sshd;
use tests::{Stores, TestApp, error_code, on_both_stores, spawn_app};

const RUN: &str = "query($id: ID!) { jobRun(id: $id) { id status trigger attempt maxAttempts error firedBy \
    startedAt finishedAt counts { files rows imported rejected exported } log { level message } } }";
const CREATE_JOB: &str = "mutation($input: JobInput!) { createJob(input: $input) { id name kind enabled \
    nextFirings { at local } } }";
const RUN_NOW: &str = "mutation($id: ID!) { runJobNow(id: $id) { id status trigger } }";
const CREATE_CONNECTION: &str = "mutation($input: SftpConnectionInput!) { createSftpConnection(input: $input) { id name hasPassword hasPrivateKey hostKeyFingerprint } }";

/// Contacts the dropped file holds: a header and three people with real-looking numbers.
const LEADS: &str = "Account,First,Last,Cell\nA-1001,Ann,Lee,+1 212 736 5001\nA-1002,Bob,Ray,(415) 867-5309\nA-1003,Cy,Oh,+1 646 555 0142\n";

fn today() -> String {
    Utc::now().format("%Y%m%d").to_string()
}

fn id_of(body: &Value, field: &str) -> String {
    body["data"][field]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{field}: {body}"))
        .to_owned()
}

/// The lines of a run's log, for failure messages and checks.
fn log_text(run: &Value) -> String {
    run["log"]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .map(|line| {
                    format!(
                        "{} {}",
                        line["level"].as_str().unwrap_or(""),
                        line["message"].as_str().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// Waits for a run to end (SUCCEEDED or FAILED) and returns it.
async fn finished_run(app: &TestApp, token: &str, run_id: &str) -> Value {
    for _ in 0..600 {
        let body = app.graphql(Some(token), RUN, json!({ "id": run_id })).await;
        let run = body["data"]["jobRun"].clone();
        match run["status"].as_str() {
            Some("SUCCEEDED") | Some("FAILED") => return run,
            Some(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            None => panic!("{body}"),
        }
    }
    panic!("run {run_id} did not finish in 60 s");
}

async fn run_now(app: &TestApp, token: &str, job_id: &str) -> Value {
    let body = app
        .graphql(Some(token), RUN_NOW, json!({ "id": job_id }))
        .await;
    let run_id = id_of(&body, "runJobNow");
    assert_eq!(body["data"]["runJobNow"]["trigger"], "MANUAL", "{body}");
    finished_run(app, token, &run_id).await
}

async fn create_job(app: &TestApp, token: &str, input: Value) -> String {
    let body = app
        .graphql(Some(token), CREATE_JOB, json!({ "input": input }))
        .await;
    id_of(&body, "createJob")
}

fn password_connection(server: &Sshd, name: &str, password: &str, pin: &str) -> Value {
    json!({ "name": name, "host": "127.0.0.1", "port": server.port, "username": server.username,
            "authMethod": "PASSWORD", "password": password, "hostKeyFingerprint": pin })
}

async fn create_connection(app: &TestApp, token: &str, input: Value) -> String {
    let body = app
        .graphql(Some(token), CREATE_CONNECTION, json!({ "input": input }))
        .await;
    assert_eq!(
        body["data"]["createSftpConnection"]["hasPassword"],
        input["password"].is_string(),
        "{body}"
    );
    id_of(&body, "createSftpConnection")
}

/// A saved mapping for [`LEADS`].
async fn leads_mapping(app: &TestApp, token: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            "mutation { createImportMapping(name: \"Leads drop\", mapping: { defaultCountry: \"US\", columns: [ \
             { header: \"Account\", field: CLIENT_ID }, { header: \"First\", field: FIRST_NAME }, \
             { header: \"Last\", field: LAST_NAME }, { header: \"Cell\", device: MOBILE } ] }) { id } }",
            json!({}),
        )
        .await;
    id_of(&body, "createImportMapping")
}

/// A job that imports `pattern` from `incoming/` of the connection into a new list per file.
fn import_job(name: &str, connection: &str, mapping: &str, pattern: &str) -> Value {
    json!({ "name": name, "kind": "CONTACT_IMPORT", "cron": "0 6 * * *", "timeZone": "UTC", "enabled": false,
            "maxRetries": 0,
            "source": { "connectionId": connection, "directory": "incoming", "pattern": pattern, "requireFile": true },
            "newListName": "{file}", "importMappingId": mapping })
}

on_both_stores!(
    cron_helper_validation_and_job_crud,
    run_now_records_the_run_and_streams_it,
    list_automation_from_sftp_starts_the_campaign_and_never_imports_twice,
    connection_failures_give_clear_failed_runs,
    bad_files_fail_with_the_reason_and_import_nothing,
    downtime_follows_each_jobs_misfire_policy,
);

async fn cron_helper_validation_and_job_crud(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;

    // The cron helper: five firings, read in the job's zone.
    let body = app
        .graphql(
            Some(&token),
            "{ cronPreview(cron: \"30 8 * * 1-5\", timeZone: \"America/New_York\") { valid normalized problems { field message } nextFirings { at local } } }",
            json!({}),
        )
        .await;
    let preview = &body["data"]["cronPreview"];
    assert_eq!(preview["valid"], true, "{body}");
    assert_eq!(preview["normalized"], "0 30 8 * * 1-5", "{body}");
    let firings = preview["nextFirings"].as_array().unwrap();
    assert_eq!(firings.len(), 5, "{body}");
    for firing in firings {
        let local = firing["local"].as_str().unwrap();
        assert!(local.contains(" 08:30:00 E"), "{local} is 08:30 Eastern");
        let at: chrono::DateTime<Utc> = firing["at"].as_str().unwrap().parse().unwrap();
        let weekday = at
            .with_timezone(&chrono_tz::America::New_York)
            .format("%a")
            .to_string();
        assert!(
            !["Sat", "Sun"].contains(&weekday.as_str()),
            "{local} is a weekday"
        );
    }

    // Bad expressions and zones name their field.
    for (cron, zone, field) in [
        ("61 * * * *", "UTC", "cron"),
        ("* * *", "UTC", "cron"),
        ("0 6 * * *", "Mars/Olympus_Mons", "timeZone"),
        ("0 0 30 2 *", "UTC", "cron"),
    ] {
        let body = app
            .graphql(
                Some(&token),
                "query($c: String!, $z: String!) { cronPreview(cron: $c, timeZone: $z) { valid problems { field message } nextFirings { at } } }",
                json!({ "c": cron, "z": zone }),
            )
            .await;
        let preview = &body["data"]["cronPreview"];
        assert_eq!(preview["valid"], false, "{cron} in {zone}: {body}");
        assert_eq!(
            preview["problems"][0]["field"], field,
            "{cron} in {zone}: {body}"
        );
        assert!(preview["nextFirings"].as_array().unwrap().is_empty());
    }

    // createJob reports every problem at once, each with its field.
    let body = app
        .graphql(
            Some(&token),
            CREATE_JOB,
            json!({ "input": { "name": "Broken", "kind": "LIST_AUTOMATION", "cron": "61 * * * *", "timeZone": "Nowhere/Town" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let fields: Vec<&str> = body["errors"][0]["extensions"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for wanted in ["cron", "timeZone", "source", "campaignId"] {
        assert!(fields.contains(&wanted), "{wanted} missing from {fields:?}");
    }

    // A valid job: listed with its next firings; disabled it has none; deleted it is gone.
    let body = app
        .graphql(
            Some(&token),
            CREATE_JOB,
            json!({ "input": { "name": "Nightly purge", "kind": "PURGE", "cron": "0 0 3 * * *", "timeZone": "Europe/London", "purgeAfterDays": 30 } }),
        )
        .await;
    let job_id = id_of(&body, "createJob");
    assert_eq!(
        body["data"]["createJob"]["nextFirings"]
            .as_array()
            .unwrap()
            .len(),
        5,
        "{body}"
    );
    let duplicate = app
        .graphql(
            Some(&token),
            CREATE_JOB,
            json!({ "input": { "name": "Nightly purge", "kind": "PURGE", "cron": "0 3 * * *", "timeZone": "UTC" } }),
        )
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    let body = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { updateJob(id: $id, input: { name: \"Nightly purge\", kind: PURGE, cron: \"0 3 * * *\", timeZone: \"Europe/London\", enabled: false }) { enabled cron nextFirings { at } } }",
            json!({ "id": job_id }),
        )
        .await;
    assert_eq!(body["data"]["updateJob"]["enabled"], false, "{body}");
    assert!(
        body["data"]["updateJob"]["nextFirings"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{body}"
    );

    // A viewer reads jobs but cannot change them.
    app.create_user(&token, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", tests::USER_PASSWORD).await;
    let body = app
        .graphql(
            Some(&viewer),
            "{ jobs { name kind cron timeZone enabled } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["jobs"][0]["name"], "Nightly purge", "{body}");
    let body = app
        .graphql(Some(&viewer), RUN_NOW, json!({ "id": job_id }))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    let body = app
        .graphql(
            Some(&token),
            "mutation($id: ID!) { deleteJob(id: $id) }",
            json!({ "id": job_id }),
        )
        .await;
    assert_eq!(body["data"]["deleteJob"], job_id.as_str(), "{body}");
    let body = app
        .graphql(Some(&token), "{ jobs { id } }", json!({}))
        .await;
    assert!(
        body["data"]["jobs"].as_array().unwrap().is_empty(),
        "{body}"
    );
}

async fn run_now_records_the_run_and_streams_it(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    let job_id = create_job(
        &app,
        &token,
        json!({ "name": "Purge now", "kind": "PURGE", "cron": "0 3 * * *", "timeZone": "UTC", "enabled": false }),
    )
    .await;
    let mut updates = subscribe(
        &app.ws_url(),
        Some(&token),
        &format!("subscription {{ jobRunUpdates(jobId: \"{job_id}\") {{ id status jobName }} }}"),
    )
    .await
    .expect("subscribed");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let run = run_now(&app, &token, &job_id).await;
    assert_eq!(run["status"], "SUCCEEDED", "{}", log_text(&run));
    assert_eq!(run["attempt"], 1);
    assert!(
        run["startedAt"].is_string() && run["finishedAt"].is_string(),
        "{run}"
    );
    let log = log_text(&run);
    assert!(log.contains("deleted 0 finished runs"), "{log}");
    assert!(log.ends_with("INFO finished"), "{log}");

    // The subscription saw the run go from queued to succeeded.
    let mut statuses = Vec::new();
    while let Some(payload) = updates.next_payload(Duration::from_secs(5)).await {
        let update = &payload["data"]["jobRunUpdates"];
        assert_eq!(update["id"], run["id"], "{payload}");
        assert_eq!(update["jobName"], "Purge now", "{payload}");
        statuses.push(update["status"].as_str().unwrap().to_owned());
        if statuses.last().map(String::as_str) == Some("SUCCEEDED") {
            break;
        }
    }
    assert_eq!(
        statuses.first().map(String::as_str),
        Some("QUEUED"),
        "{statuses:?}"
    );
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("SUCCEEDED"),
        "{statuses:?}"
    );

    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { jobRuns(jobId: $id) { id status } job(id: $id) { lastRun { id status } } }",
            json!({ "id": job_id }),
        )
        .await;
    assert_eq!(
        body["data"]["jobRuns"].as_array().unwrap().len(),
        1,
        "{body}"
    );
    assert_eq!(
        body["data"]["job"]["lastRun"]["status"], "SUCCEEDED",
        "{body}"
    );
}

async fn list_automation_from_sftp_starts_the_campaign_and_never_imports_twice(stores: Stores) {
    let server = Sshd::start();
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    app.open_calling_window_all_day(&token).await;

    // The connection: tested (the presented key is the pinned one), then saved.
    let input = password_connection(
        &server,
        "Client drop",
        &server.password,
        &server.host_key_fingerprint,
    );
    server.write_file(
        &format!("incoming/leads_{}_a.csv", today()),
        LEADS.as_bytes(),
    );
    server.write_file("incoming/readme.txt", b"drop lead files here\n");
    let body = app
        .graphql(
            Some(&token),
            "mutation($input: SftpConnectionInput!) { testSftpConnection(input: $input, directory: \"incoming\") { ok message presentedFingerprint fingerprintMatches files } }",
            json!({ "input": input }),
        )
        .await;
    let test = &body["data"]["testSftpConnection"];
    assert_eq!(test["ok"], true, "{body}");
    assert_eq!(test["fingerprintMatches"], true, "{body}");
    assert_eq!(
        test["presentedFingerprint"],
        server.host_key_fingerprint.as_str(),
        "{body}"
    );
    assert_eq!(test["files"].as_array().unwrap().len(), 2, "{body}");
    let connection = create_connection(&app, &token, input).await;
    let body = app
        .graphql(
            Some(&token),
            "{ sftpConnections { name hasPassword } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["sftpConnections"][0]["hasPassword"], true,
        "{body}"
    );
    assert!(
        !body.to_string().contains(&server.password),
        "secrets are write-only"
    );
    let stored = entity::sftp_connection::Entity::find()
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    let sealed = stored.password.unwrap();
    assert!(
        sealed.starts_with("sealed:v1:") && !sealed.contains(&server.password),
        "sealed at rest: {sealed}"
    );

    // A campaign with an empty seed list, and the automation job feeding it.
    let body = app
        .graphql(
            Some(&token),
            "mutation { createContactList(input: { name: \"Seed\", channel: VOICE }) { id } }",
            json!({}),
        )
        .await;
    let seed = id_of(&body, "createContactList");
    let body = app
        .graphql(
            Some(&token),
            "mutation { createCampaignTemplate(input: { name: \"Preview\", dialingMode: PREVIEW }) { id } }",
            json!({}),
        )
        .await;
    let template = id_of(&body, "createCampaignTemplate");
    let body = app
        .graphql(
            Some(&token),
            "mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }",
            json!({ "input": { "name": "Daily leads", "templateId": template, "lists": [{ "listId": seed }] } }),
        )
        .await;
    let campaign = id_of(&body, "createCampaign");
    let mapping = leads_mapping(&app, &token).await;
    let job_id = create_job(
        &app,
        &token,
        json!({ "name": "Leads automation", "kind": "LIST_AUTOMATION", "cron": "0 0 7 * * 1-5", "timeZone": "UTC",
                "enabled": false,
                "source": { "connectionId": connection, "directory": "incoming", "pattern": "leads_{date:%Y%m%d}_*.csv",
                            "afterPickup": "MOVE", "moveTo": "done" },
                "newListName": "Leads {date:%Y-%m-%d} {file}", "importMappingId": mapping,
                "campaignId": campaign, "startCampaign": true }),
    )
    .await;

    let run = run_now(&app, &token, &job_id).await;
    let log = log_text(&run);
    assert_eq!(run["status"], "SUCCEEDED", "{log}");
    assert_eq!(run["counts"]["files"], 1, "{run}");
    assert_eq!(run["counts"]["imported"], 3, "{run}");
    assert_eq!(run["counts"]["rejected"], 0, "{run}");
    assert!(
        log.contains("WARN 1 file(s) in incoming match no pattern"),
        "{log}"
    );
    assert!(log.contains("readme.txt"), "{log}");
    assert!(
        log.contains("calling list of 'Daily leads' ready: 3 contacts"),
        "{log}"
    );
    let file = format!("leads_{}_a.csv", today());
    assert!(!server.exists(&format!("incoming/{file}")), "moved away");
    assert_eq!(
        server.read(&format!("done/{file}")),
        LEADS.as_bytes(),
        "moved intact"
    );

    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { campaign(id: $id) { state loadStatus lists { list { name contactCount } } } }",
            json!({ "id": campaign }),
        )
        .await;
    assert_eq!(body["data"]["campaign"]["state"], "RUNNING", "{body}");
    assert_eq!(body["data"]["campaign"]["loadStatus"], "READY", "{body}");
    let lists = body["data"]["campaign"]["lists"].as_array().unwrap();
    assert_eq!(lists.len(), 2, "{body}");
    // `{file}` is the file's name without its extension.
    let new_list = Utc::now()
        .format("Leads %Y-%m-%d leads_%Y%m%d_a")
        .to_string();
    assert_eq!(lists[1]["list"]["name"], new_list.as_str(), "{body}");
    assert_eq!(lists[1]["list"]["contactCount"], 3, "{body}");

    // The same file dropped again (same name, size, checksum) is recognised and not imported twice.
    server.write_file(&format!("incoming/{file}"), LEADS.as_bytes());
    let run = run_now(&app, &token, &job_id).await;
    let log = log_text(&run);
    assert_eq!(run["status"], "SUCCEEDED", "{log}");
    assert!(
        log.contains("was picked up by an earlier run: not imported again"),
        "{log}"
    );
    assert!(
        log.contains("no new contacts: the campaign is left as it is"),
        "{log}"
    );
    assert_eq!(run["counts"]["imported"], 0, "{run}");
    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { contactList(id: $id) { id } contactLists { totalCount } }",
            json!({ "id": seed }),
        )
        .await;
    assert_eq!(
        body["data"]["contactLists"]["totalCount"], 2,
        "no third list: {body}"
    );

    // The campaign's results exported back to the server.
    let export = create_job(
        &app,
        &token,
        json!({ "name": "Results back", "kind": "EXPORT", "cron": "0 0 20 * * *", "timeZone": "UTC", "enabled": false,
                "campaignId": campaign,
                "export": { "source": "CAMPAIGN_RESULTS", "connectionId": connection, "directory": "out",
                            "fileName": "results_{date:%Y%m%d}.csv" } }),
    )
    .await;
    let run = run_now(&app, &token, &export).await;
    assert_eq!(run["status"], "SUCCEEDED", "{}", log_text(&run));
    assert_eq!(run["counts"]["exported"], 3, "{run}");
    let written = String::from_utf8(server.read(&format!("out/results_{}.csv", today()))).unwrap();
    let lines: Vec<&str> = written.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("record_id,chain_id,chain_n,client_id"),
        "{written}"
    );
    assert_eq!(lines.len(), 4, "a header and three records: {written}");
    assert!(
        written.contains("A-1002") && written.contains("+14158675309"),
        "{written}"
    );
}

async fn connection_failures_give_clear_failed_runs(stores: Stores) {
    let mut server = Sshd::start();
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    let mapping = leads_mapping(&app, &token).await;
    server.write_file(&format!("incoming/leads_{}.csv", today()), LEADS.as_bytes());

    // A wrong password: refused at once, not retried.
    let wrong = create_connection(
        &app,
        &token,
        password_connection(
            &server,
            "Wrong password",
            "not-the-password",
            &server.host_key_fingerprint,
        ),
    )
    .await;
    let mut job = import_job("Wrong password import", &wrong, &mapping, "leads_*.csv");
    job["maxRetries"] = json!(2);
    let job_id = create_job(&app, &token, job).await;
    let run = run_now(&app, &token, &job_id).await;
    assert_eq!(run["status"], "FAILED", "{}", log_text(&run));
    assert_eq!(
        run["attempt"], 1,
        "authentication failures are not retried: {run}"
    );
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains("password") || error.contains("authentication"),
        "{error}"
    );

    // An unreachable host (nothing listens): transient, retried with back-off, then failed.
    let closed_port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut input = password_connection(
        &server,
        "Nobody home",
        &server.password,
        &server.host_key_fingerprint,
    );
    input["port"] = json!(closed_port);
    let unreachable = create_connection(&app, &token, input).await;
    let mut job = import_job("Unreachable import", &unreachable, &mapping, "leads_*.csv");
    job["maxRetries"] = json!(2);
    job["retryDelaySeconds"] = json!(1);
    let job_id = create_job(&app, &token, job).await;
    let run = run_now(&app, &token, &job_id).await;
    let log = log_text(&run);
    assert_eq!(run["status"], "FAILED", "{log}");
    assert_eq!(run["attempt"], 3, "two retries: {log}");
    assert_eq!(run["maxAttempts"], 3, "{run}");
    assert!(
        log.contains("retrying in 1 s") && log.contains("retrying in 2 s"),
        "doubling back-off: {log}"
    );
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .contains(&closed_port.to_string()),
        "{run}"
    );

    // A changed host key: refused before any password is sent, naming both keys.
    let good = create_connection(
        &app,
        &token,
        password_connection(
            &server,
            "Pinned",
            &server.password,
            &server.host_key_fingerprint,
        ),
    )
    .await;
    let job_id = create_job(
        &app,
        &token,
        import_job("Pinned import", &good, &mapping, "nothing_*.csv"),
    )
    .await;
    let pinned = server.host_key_fingerprint.clone();
    server.restart_with_new_host_key();
    let run = run_now(&app, &token, &job_id).await;
    assert_eq!(run["status"], "FAILED", "{}", log_text(&run));
    assert_eq!(run["attempt"], 1, "a changed key is not retried: {run}");
    let error = run["error"].as_str().unwrap();
    assert!(error.contains("host key"), "{error}");
    assert!(
        error.contains(&pinned) && error.contains(&server.host_key_fingerprint),
        "{error}"
    );

    // A credential sealed under another server secret (or damaged) is named, not sent.
    let unreadable = create_connection(
        &app,
        &token,
        password_connection(
            &server,
            "Old secret",
            &server.password,
            &server.host_key_fingerprint,
        ),
    )
    .await;
    let row =
        entity::sftp_connection::Entity::find_by_id(uuid::Uuid::parse_str(&unreadable).unwrap())
            .one(&app.services.db)
            .await
            .unwrap()
            .unwrap();
    let mut row: entity::sftp_connection::ActiveModel = row.into();
    row.password = Set(Some(
        workers::secrets::SecretBox::from_secret(b"a former server secret")
            .seal(&server.password)
            .unwrap(),
    ));
    row.update(&app.services.db).await.unwrap();
    let job_id = create_job(
        &app,
        &token,
        import_job("Old secret import", &unreadable, &mapping, "leads_*.csv"),
    )
    .await;
    let run = run_now(&app, &token, &job_id).await;
    assert_eq!(run["status"], "FAILED", "{}", log_text(&run));
    assert!(
        run["error"].as_str().unwrap().contains("cannot be read"),
        "{run}"
    );
    assert_eq!(run["attempt"], 1, "not retried: {run}");

    // Nothing was imported by any of them.
    let body = app
        .graphql(Some(&token), "{ contactLists { totalCount } }", json!({}))
        .await;
    assert_eq!(body["data"]["contactLists"]["totalCount"], 0, "{body}");
}

async fn bad_files_fail_with_the_reason_and_import_nothing(stores: Stores) {
    let server = Sshd::start();
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    let mapping = leads_mapping(&app, &token).await;
    let connection = create_connection(
        &app,
        &token,
        password_connection(
            &server,
            "Drop",
            &server.password,
            &server.host_key_fingerprint,
        ),
    )
    .await;

    // No file matches today's pattern: the other files are named in a warning, the run fails.
    server.write_file("incoming/leads_19990101.csv", LEADS.as_bytes());
    let job_id = create_job(
        &app,
        &token,
        import_job(
            "Today only",
            &connection,
            &mapping,
            "leads_{date:%Y%m%d}.csv",
        ),
    )
    .await;
    let run = run_now(&app, &token, &job_id).await;
    let log = log_text(&run);
    assert_eq!(run["status"], "FAILED", "{log}");
    assert!(log.contains("leads_19990101.csv"), "{log}");
    assert!(
        run["error"].as_str().unwrap().contains(&format!(
            "no new file matching leads_{}.csv in incoming",
            today()
        )),
        "{run}"
    );

    // A truncated gzip: picked up, its import fails with the reason, no contact kept.
    let mut gz = Vec::new();
    {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
        for _ in 0..200 {
            encoder.write_all(LEADS.as_bytes()).unwrap();
        }
        encoder.finish().unwrap();
    }
    gz.truncate(gz.len() / 2);
    server.write_file("incoming/broken.csv.gz", &gz);
    let job_id = create_job(
        &app,
        &token,
        import_job("Gzip import", &connection, &mapping, "broken.csv.gz"),
    )
    .await;
    let run = run_now(&app, &token, &job_id).await;
    let log = log_text(&run);
    assert_eq!(run["status"], "FAILED", "{log}");
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains("the import of broken.csv.gz failed")
            && error.contains("nothing from it was kept"),
        "{error}"
    );
    let body = app
        .graphql(
            Some(&token),
            "{ contactLists { nodes { name contactCount } } }",
            json!({}),
        )
        .await;
    for list in body["data"]["contactLists"]["nodes"].as_array().unwrap() {
        assert_eq!(list["contactCount"], 0, "{body}");
    }

    // A file deleted while it settles: the run says it vanished and imports nothing.
    server.write_file("incoming/vanishing.csv", LEADS.as_bytes());
    let mut job = import_job("Vanishing import", &connection, &mapping, "vanishing.csv");
    job["source"]["settleSeconds"] = json!(3);
    let job_id = create_job(&app, &token, job).await;
    let body = app
        .graphql(Some(&token), RUN_NOW, json!({ "id": job_id }))
        .await;
    let run_id = id_of(&body, "runJobNow");
    for _ in 0..200 {
        let body = app
            .graphql(Some(&token), RUN, json!({ "id": run_id }))
            .await;
        if log_text(&body["data"]["jobRun"]).contains("to settle") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.remove("incoming/vanishing.csv");
    let run = finished_run(&app, &token, &run_id).await;
    assert_eq!(run["status"], "FAILED", "{}", log_text(&run));
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .contains("vanishing.csv vanished"),
        "{run}"
    );
    assert_eq!(run["counts"]["imported"], 0, "{run}");
}

async fn downtime_follows_each_jobs_misfire_policy(stores: Stores) {
    // No scheduler runs while the jobs are made and their last firing is set two days back.
    let app = tests::spawn_app_with(stores, &["--roles", "api"]).await;
    let token = app.admin_token().await;
    let mut ids = Vec::new();
    for (name, policy) in [("Catch up", "RUN_ONCE"), ("Let it go", "SKIP")] {
        let id = create_job(
            &app,
            &token,
            json!({ "name": name, "kind": "PURGE", "cron": "0 0 3 * * *", "timeZone": "UTC", "misfirePolicy": policy }),
        )
        .await;
        let two_days_ago = Utc::now() - chrono::Duration::days(2);
        let job = entity::job::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap())
            .one(&app.services.db)
            .await
            .unwrap()
            .unwrap();
        let mut job: entity::job::ActiveModel = job.into();
        job.fired_through = Set(two_days_ago);
        job.update(&app.services.db).await.unwrap();
        ids.push(id);
    }
    // A scheduler starts: the RUN_ONCE job runs its latest missed firing once; the SKIP job runs nothing.
    let scheduler = app.spawn_replica(true, &["--roles", "scheduler"]).await;
    let latest_03 = {
        let today_03 = Utc::now()
            .date_naive()
            .and_hms_opt(3, 0, 0)
            .unwrap()
            .and_utc();
        if today_03 <= Utc::now() {
            today_03
        } else {
            today_03 - chrono::Duration::days(1)
        }
    };
    let mut caught_up = Value::Null;
    for _ in 0..100 {
        let body = app
            .graphql(
                Some(&token),
                "query($id: ID!) { jobRuns(jobId: $id) { trigger status scheduledFor } }",
                json!({ "id": ids[0] }),
            )
            .await;
        if body["data"]["jobRuns"][0]["status"] == "SUCCEEDED" {
            caught_up = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let runs = caught_up["data"]["jobRuns"]
        .as_array()
        .unwrap_or_else(|| panic!("no misfire run"));
    assert_eq!(runs.len(), 1, "two missed firings run once: {caught_up}");
    assert_eq!(runs[0]["trigger"], "MISFIRE", "{caught_up}");
    let at: chrono::DateTime<Utc> = runs[0]["scheduledFor"].as_str().unwrap().parse().unwrap();
    assert_eq!(at, latest_03, "the latest missed firing: {caught_up}");

    let body = app
        .graphql(
            Some(&token),
            "query($id: ID!) { jobRuns(jobId: $id) { trigger } }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert!(
        body["data"]["jobRuns"].as_array().unwrap().is_empty(),
        "skipped: {body}"
    );
    let skipped = entity::job::Entity::find_by_id(uuid::Uuid::parse_str(&ids[1]).unwrap())
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        skipped.fired_through, latest_03,
        "the skipped firings are paid"
    );
    drop(scheduler);
}

/// A required variable left out is the client's mistake, named as such.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_required_variable_is_bad_user_input() {
    let app = spawn_app(Stores::SqliteInProcess).await;
    let token = app.admin_token().await;
    let body = app
        .graphql(
            Some(&token),
            "mutation CreateJob($input: JobInput!) { createJob(input: $input) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_ne!(body["errors"][0]["message"], "internal error", "{body}");
}
