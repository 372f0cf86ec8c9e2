//! Imports that apply saved rules: selection rules keep or drop records (counted
//! as filtered), a split rule writes the parts into their own lists (found by
//! name on the next import), all in the import's one transaction.

use serde_json::{Value, json};
use tests::{Stores, TestApp, on_both_stores, spawn_app_with};

on_both_stores!(
    selection_rules_filter_an_import,
    a_split_rule_writes_each_part_to_its_own_list,
);

const API_ONLY: &[&str] = &["--roles", "api"];

/// Ten records: five in New York (212), five in California (415); every third has balance ≥ 300.
fn file() -> String {
    let mut text = String::from("Account,Last,Balance,Phone\n");
    for n in 0..10 {
        let area = if n % 2 == 0 { "212" } else { "415" };
        text.push_str(&format!("R{n},Name{n},{},{area}-555-01{n:02}\n", n * 50));
    }
    text
}

const IMPORT: &str = "mutation($list: ID!, $file: Upload!, $rules: [ID!], $split: ID) { importContacts(listId: $list, \
    file: $file, mode: APPEND_ONLY, selectionRuleIds: $rules, splitRuleId: $split, mapping: { defaultCountry: \"US\", \
    columns: [ { header: \"Account\", field: CLIENT_ID }, { header: \"Last\", field: LAST_NAME }, \
    { header: \"Balance\", custom: 1 }, { header: \"Phone\", device: HOME } ] }) { id } }";

const JOB: &str = "query($id: ID!) { importJob(id: $id) { status accepted filtered duplicates rejected parts { listId name accepted } } }";

async fn create(app: &TestApp, token: &str, query: &str, variables: Value, field: &str) -> String {
    let body = app.graphql(Some(token), query, variables).await;
    body["data"][field]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn new_list(app: &TestApp, token: &str, name: &str) -> String {
    create(
        app,
        token,
        "mutation($name: String!) { createContactList(input: { name: $name, channel: VOICE }) { id } }",
        json!({ "name": name }),
        "createContactList",
    )
    .await
}

async fn import(app: &TestApp, token: &str, list: &str, rules: Value, split: Value) -> Value {
    let body = tests::graphql_upload(
        &app.client,
        &app.address,
        token,
        IMPORT,
        json!({ "list": list, "file": null, "rules": rules, "split": split }),
        "rules.csv",
        &file(),
    )
    .await;
    let job = body["data"]["importContacts"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    while workers::import::try_execute_task(&app.services, "test-worker")
        .await
        .unwrap()
    {}
    let body = app.graphql(Some(token), JOB, json!({ "id": job })).await;
    body["data"]["importJob"].clone()
}

async fn client_ids(app: &TestApp, token: &str, list: &str) -> Vec<String> {
    let body = app
        .graphql(
            Some(token),
            "query($id: ID!) { contactList(id: $id) { contacts(first: 50) { nodes { clientId } } } }",
            json!({ "id": list }),
        )
        .await;
    let mut ids: Vec<String> = body["data"]["contactList"]["contacts"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter_map(|node| node["clientId"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

async fn selection_rules_filter_an_import(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let token = app.admin_token().await;
    let list = new_list(&app, &token, "Selected").await;
    // New York numbers with a balance of at least 300, or anyone called Name1.
    let rule = create(
        &app,
        &token,
        "mutation { createSelectionRule(input: { name: \"NY rich\", sets: [ \
           { conditions: [ { field: \"device.state\", operator: EQUALS, value: \"NY\" }, \
                           { field: \"other1\", operator: GREATER_OR_EQUAL, value: \"300\" } ] }, \
           { conditions: [ { field: \"lastName\", operator: EQUALS, value: \"name1\" } ] } ] }) { id } }",
        json!({}),
        "createSelectionRule",
    )
    .await;
    let job = import(&app, &token, &list, json!([rule]), Value::Null).await;
    assert_eq!(job["status"], "SUCCEEDED", "{job}");
    // NY with balance ≥ 300: R6 (300), R8 (400); plus R1 by name.
    assert_eq!(
        (&job["accepted"], &job["filtered"]),
        (&json!(3), &json!(7)),
        "{job}"
    );
    assert_eq!(client_ids(&app, &token, &list).await, ["R1", "R6", "R8"]);
}

async fn a_split_rule_writes_each_part_to_its_own_list(stores: Stores) {
    let app = spawn_app_with(stores, API_ONLY).await;
    let token = app.admin_token().await;
    let list = new_list(&app, &token, "Regional").await;
    let split = create(
        &app,
        &token,
        "mutation { createSplitRule(input: { name: \"By state\", kind: FIELD, field: \"device.state\" }) { id } }",
        json!({}),
        "createSplitRule",
    )
    .await;
    let job = import(&app, &token, &list, Value::Null, json!(split)).await;
    assert_eq!(job["status"], "SUCCEEDED", "{job}");
    assert_eq!(job["accepted"], 10, "{job}");
    let parts = job["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "{job}");
    let mut names: Vec<&str> = parts.iter().filter_map(|p| p["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Regional – CA", "Regional – NY"]);
    for part in parts {
        let ids = client_ids(&app, &token, part["listId"].as_str().unwrap()).await;
        assert_eq!(ids.len(), 5, "{part}");
        assert_eq!(part["accepted"], 5);
    }
    assert!(
        client_ids(&app, &token, &list).await.is_empty(),
        "the parent list keeps nothing"
    );

    // The next import with the same rule finds the part lists by name: all duplicates.
    let again = import(&app, &token, &list, Value::Null, json!(split)).await;
    assert_eq!(
        (&again["accepted"], &again["duplicates"]),
        (&json!(0), &json!(10)),
        "{again}"
    );
    let lists = app
        .graphql(
            Some(&token),
            "{ contactLists(first: 20) { nodes { name status } } }",
            json!({}),
        )
        .await;
    let statuses: Vec<(String, String)> = lists["data"]["contactLists"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap().to_owned(),
                l["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(statuses.len(), 3, "{lists}");
    assert!(
        statuses.iter().all(|(_, status)| status == "READY"),
        "{lists}"
    );
}
