//! Selection and split rules over GraphQL: create, read, replace, delete; validation
//! errors that name the field; roles, tenants and the audit log respected; and the
//! specs the import pipeline reads back.

use serde_json::{Value, json};
use tests::{Stores, TestApp, USER_PASSWORD, error_code, error_field, on_both_stores, spawn_app};

on_both_stores!(
    selection_rules_round_trip_and_are_audited,
    split_rules_of_every_kind_round_trip,
    invalid_rules_name_the_field,
    viewers_read_but_cannot_change_rules,
    other_tenants_rules_are_not_found,
);

const SELECTION_FIELDS: &str =
    "id name description sets { conditions { field operator value values } }";
const SPLIT_FIELDS: &str = "id name description kind size percents field dropUnmatched rules { name sets { conditions { field operator value values } } }";

fn create_selection() -> String {
    format!(
        "mutation($input: SelectionRuleInput!) {{ createSelectionRule(input: $input) {{ {SELECTION_FIELDS} }} }}"
    )
}

fn create_split() -> String {
    format!(
        "mutation($input: SplitRuleInput!) {{ createSplitRule(input: $input) {{ {SPLIT_FIELDS} }} }}"
    )
}

fn west_coast() -> Value {
    json!({
        "name": "West coast",
        "description": "California and Washington mobiles",
        "sets": [
            { "conditions": [
                { "field": "device.state", "operator": "IN", "values": ["CA", "WA"] },
                { "field": "device.deviceType", "operator": "EQUALS", "value": "MOBILE" }
            ] },
            { "conditions": [ { "field": "postalCode", "operator": "LIKE", "value": "9%" } ] }
        ]
    })
}

async fn audit_actions(app: &TestApp, token: &str) -> Vec<String> {
    let body = app
        .graphql(
            Some(token),
            "{ auditEvents(first: 50) { nodes { action objectType } } }",
            json!({}),
        )
        .await;
    body["data"]["auditEvents"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter_map(|node| node["action"].as_str().map(str::to_owned))
        .collect()
}

async fn selection_rules_round_trip_and_are_audited(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let created = app
        .graphql(
            Some(&admin),
            &create_selection(),
            json!({ "input": west_coast() }),
        )
        .await;
    let rule = &created["data"]["createSelectionRule"];
    let id = rule["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{created}"))
        .to_owned();
    assert_eq!(
        rule["sets"][0]["conditions"][0]["values"],
        json!(["CA", "WA"])
    );
    assert_eq!(rule["sets"][1]["conditions"][0]["operator"], "LIKE");

    let duplicate = app
        .graphql(
            Some(&admin),
            &create_selection(),
            json!({ "input": west_coast() }),
        )
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    assert_eq!(error_field(&duplicate), Some("name"));

    let replaced = app
        .graphql(
            Some(&admin),
            &format!("mutation($id: ID!, $input: SelectionRuleInput!) {{ updateSelectionRule(id: $id, input: $input) {{ {SELECTION_FIELDS} }} }}"),
            json!({ "id": id, "input": { "name": "Texas", "sets": [ { "conditions": [
                { "field": "device.state", "operator": "EQUALS", "value": "TX" } ] } ] } }),
        )
        .await;
    let rule = &replaced["data"]["updateSelectionRule"];
    assert_eq!(rule["name"], "Texas", "{replaced}");
    assert_eq!(rule["description"], Value::Null);
    assert_eq!(rule["sets"].as_array().map(Vec::len), Some(1));

    let listing = app
        .graphql(Some(&admin), "{ selectionRules { id name } }", json!({}))
        .await;
    assert_eq!(
        listing["data"]["selectionRules"],
        json!([{ "id": id, "name": "Texas" }])
    );

    // What the import pipeline reads: the tenant's specs, in the order asked for.
    let principal = workers::accounts::users::authenticate(&app.services, &admin, None)
        .await
        .unwrap();
    let rule_id = uuid::Uuid::parse_str(&id).unwrap();
    let specs = workers::rules::selection_specs(&app.services, principal.tenant_id, &[rule_id])
        .await
        .unwrap();
    assert_eq!(specs.len(), 1);
    assert_eq!(specs[0].sets[0].conditions[0].field, "device.state");
    let missing = workers::rules::selection_specs(
        &app.services,
        principal.tenant_id,
        &[rule_id, uuid::Uuid::now_v7()],
    )
    .await;
    assert!(matches!(missing, Err(workers::ServiceError::NotFound(_))));

    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteSelectionRule(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted["data"]["deleteSelectionRule"], id, "{deleted}");
    let gone = app
        .graphql(
            Some(&admin),
            "query($id: ID!) { selectionRule(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"));

    let actions = audit_actions(&app, &admin).await;
    for action in [
        "selection_rule.create",
        "selection_rule.update",
        "selection_rule.delete",
    ] {
        assert!(
            actions.iter().any(|seen| seen == action),
            "{action} in {actions:?}"
        );
    }
}

async fn split_rules_of_every_kind_round_trip(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let inputs = [
        json!({ "name": "Thousands", "kind": "COUNT", "size": 1000 }),
        json!({ "name": "A/B", "kind": "PERCENT", "percents": [50, 30, 20] }),
        json!({ "name": "By state", "kind": "FIELD", "field": "device.state" }),
        json!({ "name": "Regions", "kind": "RULES", "dropUnmatched": true, "rules": [
            { "name": "CA", "sets": [ { "conditions": [
                { "field": "device.state", "operator": "EQUALS", "value": "CA" } ] } ] }
        ] }),
    ];
    let mut ids = Vec::new();
    for input in inputs {
        let body = app
            .graphql(Some(&admin), &create_split(), json!({ "input": input }))
            .await;
        let rule = &body["data"]["createSplitRule"];
        assert_eq!(rule["name"], input["name"], "{body}");
        assert_eq!(rule["kind"], input["kind"]);
        ids.push(rule["id"].as_str().unwrap().to_owned());
        match input["kind"].as_str() {
            Some("COUNT") => assert_eq!(rule["size"], 1000),
            Some("PERCENT") => assert_eq!(rule["percents"], json!([50, 30, 20])),
            Some("FIELD") => assert_eq!(rule["field"], "device.state"),
            _ => {
                assert_eq!(rule["dropUnmatched"], true);
                assert_eq!(rule["rules"][0]["name"], "CA");
                assert_eq!(rule["rules"][0]["sets"][0]["conditions"][0]["value"], "CA");
            }
        }
    }
    let listing = app
        .graphql(Some(&admin), "{ splitRules { name } }", json!({}))
        .await;
    assert_eq!(
        listing["data"]["splitRules"],
        json!([{ "name": "A/B" }, { "name": "By state" }, { "name": "Regions" }, { "name": "Thousands" }])
    );

    let updated = app
        .graphql(
            Some(&admin),
            &format!("mutation($id: ID!, $input: SplitRuleInput!) {{ updateSplitRule(id: $id, input: $input) {{ {SPLIT_FIELDS} }} }}"),
            json!({ "id": ids[0], "input": { "name": "Halves", "kind": "PERCENT", "percents": [50, 50] } }),
        )
        .await;
    assert_eq!(
        updated["data"]["updateSplitRule"]["kind"], "PERCENT",
        "{updated}"
    );
    assert_eq!(updated["data"]["updateSplitRule"]["size"], Value::Null);

    let principal = workers::accounts::users::authenticate(&app.services, &admin, None)
        .await
        .unwrap();
    let spec = workers::rules::split_spec(
        &app.services,
        principal.tenant_id,
        uuid::Uuid::parse_str(&ids[0]).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        spec,
        domain::split::SplitSpec::Percent {
            percents: vec![50, 50]
        }
    );

    let deleted = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { deleteSplitRule(id: $id) }",
            json!({ "id": ids[1] }),
        )
        .await;
    assert_eq!(deleted["data"]["deleteSplitRule"], ids[1], "{deleted}");
    let actions = audit_actions(&app, &admin).await;
    for action in [
        "split_rule.create",
        "split_rule.update",
        "split_rule.delete",
    ] {
        assert!(
            actions.iter().any(|seen| seen == action),
            "{action} in {actions:?}"
        );
    }
}

async fn invalid_rules_name_the_field(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let selection_cases = [
        (json!({ "name": "x", "sets": [] }), "sets"),
        (
            json!({ "name": " ", "sets": [ { "conditions": [ { "field": "company", "operator": "IS_EMPTY" } ] } ] }),
            "name",
        ),
        (
            json!({ "name": "x", "sets": [ { "conditions": [ { "field": "shoeSize", "operator": "EQUALS", "value": "9" } ] } ] }),
            "field",
        ),
        (
            json!({ "name": "x", "sets": [ { "conditions": [ { "field": "firstName", "operator": "EQUALS" } ] } ] }),
            "value",
        ),
        (
            json!({ "name": "x", "sets": [ { "conditions": [ { "field": "device.state", "operator": "NOT_IN" } ] } ] }),
            "values",
        ),
    ];
    for (input, field) in selection_cases {
        let body = app
            .graphql(Some(&admin), &create_selection(), json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(error_field(&body), Some(field), "{body}");
    }
    let unknown = app
        .graphql(
            Some(&admin),
            &create_selection(),
            json!({ "input": { "name": "x", "sets": [ { "conditions": [ { "field": "shoeSize", "operator": "EQUALS", "value": "9" } ] } ] } }),
        )
        .await;
    let message = unknown["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("shoeSize") && message.contains("set 1, condition 1"),
        "{message}"
    );

    let split_cases = [
        (json!({ "name": "x", "kind": "COUNT" }), "size"),
        (json!({ "name": "x", "kind": "COUNT", "size": 0 }), "size"),
        (
            json!({ "name": "x", "kind": "PERCENT", "percents": [60, 30] }),
            "percents",
        ),
        (
            json!({ "name": "x", "kind": "PERCENT", "percents": [110, -10] }),
            "percents",
        ),
        (
            json!({ "name": "x", "kind": "FIELD", "field": "nope" }),
            "field",
        ),
        (
            json!({ "name": "x", "kind": "RULES", "rules": [] }),
            "rules",
        ),
    ];
    for (input, field) in split_cases {
        let body = app
            .graphql(Some(&admin), &create_split(), json!({ "input": input }))
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(error_field(&body), Some(field), "{body}");
    }
    let sums = app
        .graphql(
            Some(&admin),
            &create_split(),
            json!({ "input": { "name": "x", "kind": "PERCENT", "percents": [60, 30] } }),
        )
        .await;
    let message = sums["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("sum to 100 (they sum to 90)"), "{message}");
}

async fn viewers_read_but_cannot_change_rules(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let created = app
        .graphql(
            Some(&admin),
            &create_selection(),
            json!({ "input": west_coast() }),
        )
        .await;
    let id = created["data"]["createSelectionRule"]["id"].clone();
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;

    let listing = app
        .graphql(
            Some(&viewer),
            "{ selectionRules { name } splitRules { name } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listing["data"]["selectionRules"][0]["name"], "West coast",
        "{listing}"
    );
    let create = app
        .graphql(Some(&viewer), &create_selection(), json!({ "input": { "name": "Mine", "sets": [ { "conditions": [ { "field": "company", "operator": "IS_EMPTY" } ] } ] } }))
        .await;
    assert_eq!(error_code(&create), Some("FORBIDDEN"), "{create}");
    let split = app
        .graphql(
            Some(&viewer),
            &create_split(),
            json!({ "input": { "name": "x", "kind": "COUNT", "size": 5 } }),
        )
        .await;
    assert_eq!(error_code(&split), Some("FORBIDDEN"), "{split}");
    let delete = app
        .graphql(
            Some(&viewer),
            "mutation($id: ID!) { deleteSelectionRule(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&delete), Some("FORBIDDEN"), "{delete}");
    let anonymous = app
        .graphql(None, "{ selectionRules { name } }", json!({}))
        .await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
}

async fn other_tenants_rules_are_not_found(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let created = app
        .graphql(
            Some(&admin),
            &create_split(),
            json!({ "input": { "name": "Tens", "kind": "COUNT", "size": 10 } }),
        )
        .await;
    let id = created["data"]["createSplitRule"]["id"].clone();
    let (other, acme) = app.second_tenant_admin().await;
    let read = app
        .graphql(
            Some(&acme),
            "query($id: ID!) { splitRule(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&read), Some("NOT_FOUND"), "{read}");
    let change = app
        .graphql(
            Some(&acme),
            "mutation($id: ID!, $input: SplitRuleInput!) { updateSplitRule(id: $id, input: $input) { id } }",
            json!({ "id": id, "input": { "name": "Mine", "kind": "COUNT", "size": 3 } }),
        )
        .await;
    assert_eq!(error_code(&change), Some("NOT_FOUND"), "{change}");
    let delete = app
        .graphql(
            Some(&acme),
            "mutation($id: ID!) { deleteSplitRule(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&delete), Some("NOT_FOUND"), "{delete}");
    let listing = app
        .graphql(Some(&acme), "{ splitRules { name } }", json!({}))
        .await;
    assert_eq!(listing["data"]["splitRules"], json!([]));
    assert!(matches!(
        workers::rules::split_spec(
            &app.services,
            other.id,
            uuid::Uuid::parse_str(id.as_str().unwrap()).unwrap()
        )
        .await,
        Err(workers::ServiceError::NotFound(_))
    ));
    // The same name in another tenant is fine.
    let same = app
        .graphql(
            Some(&acme),
            &create_split(),
            json!({ "input": { "name": "Tens", "kind": "COUNT", "size": 10 } }),
        )
        .await;
    assert_eq!(same["data"]["createSplitRule"]["name"], "Tens", "{same}");
}
