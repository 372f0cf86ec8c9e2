//! Contact imports end to end below the API: staging, finalising by mode,
//! rejections with line numbers, restarts that neither lose nor double rows.

use std::io::Write;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tests::{Stores, TestApp, on_both_stores, spawn_app_with};
use workers::accounts::Principal;
use workers::import::{self, ImportMode, ImportOptions, NewImport};

on_both_stores!(
    a_hand_checked_fixture_lands_exactly,
    a_killed_import_restarts_without_doubling,
    modes_append_flush_and_update,
    file_level_problems_fail_the_job_and_keep_the_list,
);

/// Without the `lists` role: these tests run the import task themselves, deterministically.
const API_ONLY: &[&str] = &["--roles", "api"];

const FIXTURE: &str = "\
Account,First,Last,Home,Cell,Mail
A1,ada,Lovelace,(202) 456-1414,+1 415 867 5309,ada@example.com
A2,Alan,Turing,202.456.1415,,
A3,Grace,Hopper,not a number,,
A1,Ada,Again,202-456-1499,,
A4,Katherine,\"Johnson, K.\",+44 20 7946 0018,,kj@EXAMPLE.com
A5,Too,Few
,No,Key,,,
A6,Edsger,Dijkstra,,4158675310,
";

fn mapping() -> serde_json::Value {
    json!({ "defaultCountry": "US", "columns": [
        { "column": "Account", "target": { "type": "FIELD", "field": "CLIENT_ID" } },
        { "column": "First", "target": { "type": "FIELD", "field": "FIRST_NAME" }, "transforms": ["TITLE_CASE"] },
        { "column": "Last", "target": { "type": "FIELD", "field": "LAST_NAME" } },
        { "column": "Home", "target": { "type": "DEVICE", "kind": "HOME" } },
        { "column": "Cell", "target": { "type": "DEVICE", "kind": "MOBILE" } },
        { "column": "Mail", "target": { "type": "DEVICE", "kind": "EMAIL" } }
    ] })
}

async fn admin(app: &TestApp) -> Principal {
    let token = app.admin_token().await;
    workers::accounts::users::authenticate(&app.services, &token, None)
        .await
        .unwrap()
}

async fn new_list(app: &TestApp, principal: &Principal, name: &str) -> uuid::Uuid {
    let list = workers::lists::create(
        &app.services,
        principal,
        workers::lists::NewList {
            name: name.into(),
            description: None,
            channel: domain::Channel::Voice,
            caller_id: None,
        },
    )
    .await
    .unwrap();
    list.id
}

fn write_file(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path
}

async fn start(
    app: &TestApp,
    principal: &Principal,
    list_id: uuid::Uuid,
    path: &std::path::Path,
    mode: ImportMode,
    mapping: serde_json::Value,
) -> uuid::Uuid {
    let options: ImportOptions = serde_json::from_value(json!({ "mapping": mapping })).unwrap();
    let job = import::start(
        &app.services,
        principal,
        NewImport {
            list_id,
            file_name: "contacts.csv".into(),
            file_path: path.to_path_buf(),
            file_bytes: std::fs::metadata(path).unwrap().len(),
            mode,
            options,
            mapping_id: None,
        },
    )
    .await
    .unwrap();
    job.id
}

async fn drain(app: &TestApp) {
    while import::try_execute_task(&app.services, "test-worker")
        .await
        .unwrap()
    {}
}

async fn load_job(app: &TestApp, id: uuid::Uuid) -> entity::import_job::Model {
    entity::import_job::Entity::find_by_id(id)
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap()
}

async fn load_list(app: &TestApp, id: uuid::Uuid) -> entity::contact_list::Model {
    entity::contact_list::Entity::find_by_id(id)
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap()
}

async fn a_hand_checked_fixture_lands_exactly(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let principal = admin(&app).await;
    let list_id = new_list(&app, &principal, "Fixture").await;
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir, "fixture.csv", FIXTURE);
    let job_id = start(
        &app,
        &principal,
        list_id,
        &path,
        ImportMode::AppendOnly,
        mapping(),
    )
    .await;
    assert_eq!(load_list(&app, list_id).await.status, "IMPORTING");
    drain(&app).await;

    let job = load_job(&app, job_id).await;
    assert_eq!(job.status, "SUCCEEDED", "{:?}", job.error);
    assert_eq!(
        (job.rows_read, job.accepted, job.rejected, job.duplicates),
        (8, 4, 3, 1)
    );
    let list = load_list(&app, list_id).await;
    assert_eq!(
        (list.status.as_str(), list.contact_count, list.device_count),
        ("READY", 4, 7)
    );

    let rejections = entity::import_rejection::Entity::find()
        .filter(entity::import_rejection::Column::JobId.eq(job_id))
        .all(&app.services.db)
        .await
        .unwrap();
    let mut by_line: Vec<(i64, String)> = rejections
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect();
    by_line.sort();
    assert_eq!(
        by_line.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        [4, 7, 8],
        "{by_line:?}"
    );
    assert!(by_line[0].1.contains("Home"), "{by_line:?}");
    assert!(
        by_line[2].1.contains("no phone, e-mail or client id"),
        "{by_line:?}"
    );

    let devices = entity::contact_device::Entity::find()
        .filter(entity::contact_device::Column::ListId.eq(list_id))
        .all(&app.services.db)
        .await
        .unwrap();
    let mut values: Vec<(String, String, String)> = devices
        .iter()
        .map(|d| (d.value.clone(), d.kind.clone(), d.device_type.clone()))
        .collect();
    values.sort();
    assert_eq!(
        values,
        [
            ("+12024561414".into(), "HOME".into(), "UNKNOWN".into()),
            ("+12024561415".into(), "HOME".into(), "UNKNOWN".into()),
            ("+14158675309".into(), "MOBILE".into(), "UNKNOWN".into()),
            ("+14158675310".into(), "MOBILE".into(), "UNKNOWN".into()),
            ("+442079460018".into(), "HOME".into(), "LANDLINE".into()),
            ("ada@example.com".into(), "EMAIL".into(), "EMAIL".into()),
            ("kj@example.com".into(), "EMAIL".into(), "EMAIL".into()),
        ] as [(String, String, String); 7]
    );
    let mut located: Vec<(String, Option<String>, Option<String>)> = devices
        .iter()
        .map(|d| (d.value.clone(), d.region.clone(), d.time_zones.clone()))
        .collect();
    located.sort();
    let zone = |region: Option<&str>, zones: Option<&str>| {
        (region.map(str::to_owned), zones.map(str::to_owned))
    };
    let expected = [
        ("+12024561414", zone(Some("DC"), Some("America/New_York"))),
        ("+12024561415", zone(Some("DC"), Some("America/New_York"))),
        (
            "+14158675309",
            zone(Some("CA"), Some("America/Los_Angeles")),
        ),
        (
            "+14158675310",
            zone(Some("CA"), Some("America/Los_Angeles")),
        ),
        ("+442079460018", zone(None, Some("Europe/London"))),
        ("ada@example.com", zone(None, None)),
        ("kj@example.com", zone(None, None)),
    ]
    .map(|(value, (region, zones))| (value.to_owned(), region, zones));
    assert_eq!(located, expected, "every device's region and zones");
    let ada = entity::contact::Entity::find()
        .filter(entity::contact::Column::ClientId.eq("A1"))
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ada.first_name.as_deref(), ada.last_name.as_deref()),
        (Some("Ada"), Some("Lovelace")),
        "the first row of a key wins"
    );
}

fn generated(rows: usize) -> String {
    let mut text = String::from("Account,First,Last,Home,Cell,Mail\n");
    for n in 0..rows {
        text.push_str(&format!(
            "G{n:05},First{n},Last{n},(202) 555-{:04},,\n",
            n % 10_000
        ));
    }
    text
}

async fn a_killed_import_restarts_without_doubling(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let principal = admin(&app).await;
    let list_id = new_list(&app, &principal, "Big").await;
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(&dir, "big.csv", &generated(2500));
    let job_id = start(
        &app,
        &principal,
        list_id,
        &path,
        ImportMode::AppendOnly,
        mapping(),
    )
    .await;

    // The first attempt dies after its first batch: nothing reaches the list.
    assert!(
        import::run(&app.services, job_id, None, Some(1000))
            .await
            .is_err()
    );
    let half = load_list(&app, list_id).await;
    assert_eq!(
        (half.status.as_str(), half.contact_count),
        ("IMPORTING", 0),
        "a list never shows half an import"
    );
    let listed = entity::contact::Entity::find()
        .filter(entity::contact::Column::ListId.eq(list_id))
        .count(&app.services.db)
        .await
        .unwrap();
    assert_eq!(listed, 0);

    // The queued task runs the job again from the start.
    drain(&app).await;
    let job = load_job(&app, job_id).await;
    assert_eq!(
        (
            job.status.as_str(),
            job.accepted,
            job.duplicates,
            job.rejected
        ),
        ("SUCCEEDED", 2500, 0, 0)
    );
    let listed = entity::contact::Entity::find()
        .filter(entity::contact::Column::ListId.eq(list_id))
        .count(&app.services.db)
        .await
        .unwrap();
    assert_eq!(listed, 2500, "every row once");
    assert_eq!(load_list(&app, list_id).await.device_count, 2500);
}

async fn modes_append_flush_and_update(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let principal = admin(&app).await;
    let list_id = new_list(&app, &principal, "Modes").await;
    let dir = tempfile::tempdir().unwrap();
    let first = write_file(
        &dir,
        "first.csv",
        "Account,First,Last,Home,Cell,Mail\nA1,Ada,L,2024561414,,\nA2,Alan,T,2024561415,,\n",
    );
    start(
        &app,
        &principal,
        list_id,
        &first,
        ImportMode::AppendOnly,
        mapping(),
    )
    .await;
    drain(&app).await;

    // Appending the same file again: every row is a duplicate of a listed contact.
    let again = start(
        &app,
        &principal,
        list_id,
        &first,
        ImportMode::AppendOnly,
        mapping(),
    )
    .await;
    drain(&app).await;
    let job = load_job(&app, again).await;
    assert_eq!((job.accepted, job.duplicates), (0, 2));
    assert_eq!(load_list(&app, list_id).await.contact_count, 2);

    // Append-and-update: A1 is updated (name and devices), A3 is added; the file's
    // second A1 is a duplicate (the first row of a key wins).
    let update = write_file(
        &dir,
        "update.csv",
        "Account,First,Last,Home,Cell,Mail\nA1,Augusta,King,2024561499,,\nA3,Grace,H,2024561416,,\nA1,Again,X,2024561400,,\n",
    );
    let updating = start(
        &app,
        &principal,
        list_id,
        &update,
        ImportMode::AppendAndUpdate,
        mapping(),
    )
    .await;
    drain(&app).await;
    let job = load_job(&app, updating).await;
    assert_eq!((job.accepted, job.duplicates), (2, 1));
    let a1 = entity::contact::Entity::find()
        .filter(entity::contact::Column::ListId.eq(list_id))
        .filter(entity::contact::Column::ClientId.eq("A1"))
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a1.first_name.as_deref(), Some("Augusta"));
    let a1_devices: Vec<String> = entity::contact_device::Entity::find()
        .filter(entity::contact_device::Column::ContactId.eq(a1.id))
        .all(&app.services.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.value)
        .collect();
    assert_eq!(a1_devices, ["+12024561499"]);
    assert_eq!(load_list(&app, list_id).await.contact_count, 3);

    // Flush-append replaces everything.
    let flush = write_file(
        &dir,
        "flush.csv",
        "Account,First,Last,Home,Cell,Mail\nZ9,Zed,Z,2024561417,,\n",
    );
    start(
        &app,
        &principal,
        list_id,
        &flush,
        ImportMode::FlushAppend,
        mapping(),
    )
    .await;
    drain(&app).await;
    let list = load_list(&app, list_id).await;
    assert_eq!((list.contact_count, list.device_count), (1, 1));
}

async fn file_level_problems_fail_the_job_and_keep_the_list(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let principal = admin(&app).await;
    let list_id = new_list(&app, &principal, "Failing").await;
    let dir = tempfile::tempdir().unwrap();
    let good = write_file(
        &dir,
        "good.csv",
        "Account,First,Last,Home,Cell,Mail\nA1,Ada,L,2024561414,,\n",
    );
    start(
        &app,
        &principal,
        list_id,
        &good,
        ImportMode::AppendOnly,
        mapping(),
    )
    .await;
    drain(&app).await;

    let wrong_header = write_file(&dir, "wrong.csv", "Name,Phone\nAda,2024561414\n");
    let failed = start(
        &app,
        &principal,
        list_id,
        &wrong_header,
        ImportMode::FlushAppend,
        mapping(),
    )
    .await;
    drain(&app).await;
    let job = load_job(&app, failed).await;
    assert_eq!(job.status, "FAILED");
    assert!(
        job.error
            .as_deref()
            .unwrap_or_default()
            .contains("no column named \"Account\""),
        "{:?}",
        job.error
    );
    let kept = load_list(&app, list_id).await;
    assert_eq!(
        (kept.status.as_str(), kept.contact_count),
        ("FAILED", 1),
        "the flush never happened"
    );

    let empty = write_file(&dir, "empty.csv", "");
    let failed = start(
        &app,
        &principal,
        list_id,
        &empty,
        ImportMode::AppendOnly,
        mapping(),
    )
    .await;
    drain(&app).await;
    let job = load_job(&app, failed).await;
    assert_eq!(job.status, "FAILED");
    assert!(job.error.is_some());

    let binary = write_file(
        &dir,
        "image.csv",
        "\u{89}PNG\r\n\u{1a}\n\0\0\0\rIHDR\0\0\0\0",
    );
    let failed = start(
        &app,
        &principal,
        list_id,
        &binary,
        ImportMode::AppendOnly,
        mapping(),
    )
    .await;
    drain(&app).await;
    assert_eq!(load_job(&app, failed).await.status, "FAILED");
}
