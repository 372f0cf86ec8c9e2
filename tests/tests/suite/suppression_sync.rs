//! Suppression changes crossing replicas: two apps on one database, each with
//! its own in-memory copy of the lists. A number suppressed, removed,
//! replaced by an upload or whose list is deleted on one replica is judged
//! accordingly by the other within one second — with pub/sub, and without it
//! (the follower's tick covers lost messages; on the embedded default the
//! in-process cache is never shared, so every variant there runs on the tick).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tests::{Stores, TestApp, on_both_stores, spawn_app};

on_both_stores!(
    an_add_and_a_removal_on_one_replica_reach_another_within_a_second,
    lost_announcements_are_covered_by_the_tick,
    a_replace_upload_on_one_replica_is_reflected_on_another,
    a_deleted_list_stops_suppressing_on_another_replica,
);

/// The promise: a change is applied by every replica within this.
const WITHIN: Duration = Duration::from_secs(1);

const CHECK: &str = "query($phone: String!) { checkNumber(phone: $phone, at: \"2026-11-23T15:00:00Z\") { suppressed } }";

async fn create_list(app: &TestApp, token: &str, name: &str) -> String {
    let body = app
        .graphql(
            Some(token),
            "mutation($name: String!) { createSuppressionList(input: { name: $name, kind: PHONE, channels: [VOICE, SMS] }) { id } }",
            json!({ "name": name }),
        )
        .await;
    body["data"]["createSuppressionList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn add(app: &TestApp, token: &str, list: &str, phone: &str) {
    let body = app
        .graphql(
            Some(token),
            "mutation($list: ID!, $phone: String!) { addSuppressionEntries(listId: $list, values: [$phone], defaultCountry: \"US\") { added } }",
            json!({ "list": list, "phone": phone }),
        )
        .await;
    assert_eq!(body["data"]["addSuppressionEntries"]["added"], 1, "{body}");
}

async fn remove(app: &TestApp, token: &str, list: &str, phone: &str) {
    let body = app
        .graphql(
            Some(token),
            "mutation($list: ID!, $phone: String!) { removeSuppressionEntries(listId: $list, values: [$phone]) }",
            json!({ "list": list, "phone": phone }),
        )
        .await;
    assert_eq!(body["data"]["removeSuppressionEntries"], 1, "{body}");
}

async fn suppressed(app: &TestApp, token: &str, phone: &str) -> bool {
    let body = app
        .graphql(Some(token), CHECK, json!({ "phone": phone }))
        .await;
    body["data"]["checkNumber"]["suppressed"]
        .as_bool()
        .unwrap_or_else(|| panic!("{body}"))
}

/// Polls `replica` every 50 ms until `phone` is judged `expected`; returns how
/// long that took, failing past [`WITHIN`].
async fn settles(
    replica: &TestApp,
    token: &str,
    phone: &str,
    expected: bool,
    what: &str,
) -> Duration {
    let started = Instant::now();
    loop {
        if suppressed(replica, token, phone).await == expected {
            let delay = started.elapsed();
            println!(
                "{what}: seen by the other replica after {} ms",
                delay.as_millis()
            );
            assert!(delay < WITHIN, "{what}: took {delay:?}");
            return delay;
        }
        assert!(
            started.elapsed() < WITHIN,
            "{what}: not seen by the other replica within {WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two replicas; the second runs no `lists` worker (uploads run on the first).
async fn replicas(stores: Stores, shared_cache: bool) -> (TestApp, TestApp, String) {
    let first = spawn_app(stores).await;
    let second = first
        .spawn_replica(shared_cache, &["--roles", "api,compliance,scheduler"])
        .await;
    let token = first.admin_token().await;
    (first, second, token)
}

async fn exchange_an_add_and_a_removal(first: &TestApp, second: &TestApp, token: &str) {
    let list = create_list(first, token, "Internal DNC").await;
    // The second replica loads the (empty) list on its first check.
    assert!(!suppressed(second, token, "+1 212 736 5000").await);
    add(first, token, &list, "(212) 736-5000").await;
    assert!(
        suppressed(first, token, "+1 212 736 5000").await,
        "at once where added"
    );
    settles(second, token, "+1 212 736 5000", true, "an add").await;
    remove(first, token, &list, "+1 212 736 5000").await;
    assert!(
        !suppressed(first, token, "+1 212 736 5000").await,
        "at once where removed"
    );
    settles(second, token, "+1 212 736 5000", false, "a removal").await;
}

async fn an_add_and_a_removal_on_one_replica_reach_another_within_a_second(stores: Stores) {
    let (first, second, token) = replicas(stores, true).await;
    exchange_an_add_and_a_removal(&first, &second, &token).await;
    drop(second);
}

/// Replicas that do not hear each other's announcements (another Redis prefix)
/// still apply each other's changes, on the follower's 500 ms tick.
async fn lost_announcements_are_covered_by_the_tick(stores: Stores) {
    let (first, second, token) = replicas(stores, false).await;
    exchange_an_add_and_a_removal(&first, &second, &token).await;
    drop(second);
}

/// Uploads a file on `app` and waits until its `lists` role has finished it.
async fn upload(app: &TestApp, token: &str, list: &str, mode: &str, content: &str) {
    let body = tests::graphql_upload(
        &app.client,
        &app.address,
        token,
        "mutation($list: ID!, $file: Upload!, $mode: SuppressionImportMode) { importSuppressionEntries(listId: $list, file: $file, mode: $mode, defaultCountry: \"US\") { id } }",
        json!({ "list": list, "file": null, "mode": mode }),
        "dnc.csv",
        content,
    )
    .await;
    let id = body["data"]["importSuppressionEntries"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    for _ in 0..200 {
        let body: Value = app
            .graphql(
                Some(token),
                "query($id: ID!) { suppressionImport(id: $id) { status } }",
                json!({ "id": id }),
            )
            .await;
        match body["data"]["suppressionImport"]["status"].as_str() {
            Some("SUCCEEDED") => return,
            Some("FAILED") => panic!("{body}"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    panic!("upload {id} did not finish");
}

/// A REPLACE upload on the first replica: the second refuses the new numbers
/// and allows the dropped ones within a second of its end.
async fn a_replace_upload_on_one_replica_is_reflected_on_another(stores: Stores) {
    let (first, second, token) = replicas(stores, true).await;
    let list = create_list(&first, &token, "Weekly registry").await;
    upload(
        &first,
        &token,
        &list,
        "APPEND",
        "+12127365000\n+14158675309\n",
    )
    .await;
    settles(&second, &token, "+1 212 736 5000", true, "an APPEND upload").await;
    upload(
        &first,
        &token,
        &list,
        "REPLACE",
        "+14158675309\n+12024561414\n",
    )
    .await;
    let added = settles(
        &second,
        &token,
        "+1 202 456 1414",
        true,
        "a REPLACE's new value",
    )
    .await;
    let dropped = settles(
        &second,
        &token,
        "+1 212 736 5000",
        false,
        "a REPLACE's dropped value",
    )
    .await;
    println!(
        "REPLACE seen after {} / {} ms",
        added.as_millis(),
        dropped.as_millis()
    );
    assert!(suppressed(&second, &token, "+1 415 867 5309").await, "kept");
    drop(second);
}

/// Deleting a list on the first replica lifts its suppression on the second.
async fn a_deleted_list_stops_suppressing_on_another_replica(stores: Stores) {
    let (first, second, token) = replicas(stores, true).await;
    let list = create_list(&first, &token, "Temporary").await;
    add(&first, &token, &list, "+1 415 867 5309").await;
    settles(&second, &token, "+1 415 867 5309", true, "an add").await;
    let body = first
        .graphql(
            Some(&token),
            "mutation($id: ID!) { deleteSuppressionList(id: $id) }",
            json!({ "id": list }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    assert!(
        !suppressed(&first, &token, "+1 415 867 5309").await,
        "at once where deleted"
    );
    settles(&second, &token, "+1 415 867 5309", false, "a deleted list").await;
    drop(second);
}
