//! The dialer routes' OpenAPI document (`GET /api/openapi.json`, SPEC §4):
//! it parses as OpenAPI 3, every `$ref` resolves, it names the three routes
//! with their statuses and key schemes, and — the point — what the running
//! server really answers (and what a dialer really sends) matches the
//! documented JSON schemas, strictly: a field the server sends that the
//! document does not name fails, as does a status it does not list.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use tests::{Stores, TestApp, on_both_stores, spawn_app};

on_both_stores!(the_document_describes_what_the_server_answers);

const VALIDATE: &str = "/ocs/v1/validate";
const BATCH: &str = "/ocs/v1/validate/batch";
const HISTORY: &str = "/ocs/v1/history";
const LEASE: &str = "/ocs/v1/campaigns/{id}/records:lease";

/// A real New York number and a real Washington one (suppressed below).
const NEW_YORK: &str = "+12127365000";
const WASHINGTON: &str = "+12024561414";

/// The statuses each route documents.
const STATUSES: [(&str, &[u16]); 4] = [
    (VALIDATE, &[200, 409, 400, 401, 403, 404, 413, 429, 503]),
    (BATCH, &[200, 400, 401, 403, 413, 429, 503]),
    (HISTORY, &[200, 400, 401, 403, 404, 413, 429, 503]),
    (LEASE, &[200, 400, 401, 403, 404, 409, 413, 429, 503]),
];

/// Every `$ref` in `value`, with where it was found.
fn references(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                if key == "$ref" {
                    if let Some(target) = child.as_str() {
                        found.push((at.to_owned(), target.to_owned()));
                    }
                } else {
                    references(child, &format!("{at}/{key}"), found);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                references(child, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Makes every documented object closed (no `additionalProperties` given
/// means `false` here) and points component `$ref`s at `$defs`, so a schema
/// of the document becomes a strict standalone JSON Schema 2020-12.
fn strict(value: &mut Value) {
    match value {
        Value::Object(object) => {
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            if let Some(Value::String(target)) = object.get_mut("$ref")
                && let Some(name) = target.strip_prefix("#/components/schemas/")
            {
                *target = format!("#/$defs/{name}");
            }
            for child in object.values_mut() {
                strict(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// Validators for the document's request and response bodies.
struct Contract {
    document: Value,
}

impl Contract {
    /// A strict validator for `schema` (a schema object of the document).
    fn validator(&self, schema: &Value) -> jsonschema::Validator {
        let mut defs = self.document["components"]["schemas"].clone();
        strict(&mut defs);
        let mut schema = schema.clone();
        strict(&mut schema);
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": defs,
            "allOf": [schema],
        });
        jsonschema::draft202012::new(&root)
            .unwrap_or_else(|error| panic!("the document's schema does not compile: {error}"))
    }

    /// The documented JSON schema of `path`'s answer with `status`; panics when undocumented.
    fn response_schema(&self, path: &str, status: u16) -> &Value {
        let schema = &self.document["paths"][path]["post"]["responses"][status.to_string()]["content"]
            ["application/json"]["schema"];
        assert!(
            schema.is_object(),
            "POST {path} answered {status}, which the document does not describe"
        );
        schema
    }

    /// Checks a real answer against the document; panics with every violation.
    fn check_response(&self, path: &str, status: u16, body: &Value) {
        let validator = self.validator(self.response_schema(path, status));
        let problems: Vec<String> = validator
            .iter_errors(body)
            .map(|error| format!("{error} at {}", error.instance_path()))
            .collect();
        assert!(
            problems.is_empty(),
            "POST {path} {status} does not match the document: {problems:?}\nbody: {body}"
        );
    }

    /// Checks a request body a dialer sends against the documented request schema.
    fn check_request(&self, path: &str, body: &Value) {
        let schema = &self.document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert!(schema.is_object(), "POST {path} documents no JSON body");
        let validator = self.validator(schema);
        assert!(
            validator.is_valid(body),
            "a request to {path} does not match the document: {body}"
        );
    }
}

async fn post(app: &TestApp, path: &str, key: Option<&str>, body: String) -> (u16, Value) {
    let (status, text) = app.post_json(path, key, body).await;
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|_| panic!("POST {path} answered {status} with non-JSON: {text}"));
    (status, json)
}

async fn api_key(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    let body = app
        .graphql(
            Some(admin),
            "mutation($input: CreateApiClientInput!) { createApiClient(input: $input) { key } }",
            json!({ "input": { "name": format!("dialer-{}", scopes.join("-")), "scopes": scopes } }),
        )
        .await;
    body["data"]["createApiClient"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Calling windows open all day and one suppressed number: answers do not depend on the clock.
async fn arrange(app: &TestApp, admin: &str) {
    let mut rules = app
        .graphql(Some(admin), "{ complianceRuleSet { rules } }", json!({}))
        .await["data"]["complianceRuleSet"]["rules"]
        .clone();
    tests::open_all_day(&mut rules);
    let body = app
        .graphql(
            Some(admin),
            "mutation($rules: JSON!) { updateComplianceRuleSet(rules: $rules) { version } }",
            json!({ "rules": rules }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let created = app
        .graphql(
            Some(admin),
            "mutation { createSuppressionList(input: { name: \"DNC\", kind: PHONE, channels: [VOICE] }) { id } }",
            json!({}),
        )
        .await;
    let added = app
        .graphql(
            Some(admin),
            "mutation($list: ID!, $values: [String!]!) { addSuppressionEntries(listId: $list, values: $values) { added } }",
            json!({ "list": created["data"]["createSuppressionList"]["id"], "values": [WASHINGTON] }),
        )
        .await;
    assert_eq!(
        added["data"]["addSuppressionEntries"]["added"], 1,
        "{added}"
    );
}

async fn the_document_describes_what_the_server_answers(stores: Stores) {
    let app = spawn_app(stores).await;
    let response = app
        .client
        .get(format!("{}/api/openapi.json", app.address))
        .send()
        .await
        .expect("fetching the document");
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/json"))
    );
    let document: Value = response.json().await.expect("the document is JSON");

    // A real OpenAPI 3 parser accepts it.
    let parsed: utoipa::openapi::OpenApi = serde_json::from_value(document.clone())
        .unwrap_or_else(|error| panic!("not an OpenAPI 3.1 document: {error}"));
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|version| version.starts_with("3.")),
        "{}",
        document["openapi"]
    );
    assert!(!parsed.info.title.is_empty());

    // Every reference resolves inside the document.
    let mut found = Vec::new();
    references(&document, "#", &mut found);
    assert!(found.len() > 10, "suspiciously few $refs: {found:?}");
    for (at, target) in &found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: external $ref {target}"));
        assert!(
            document.pointer(pointer).is_some(),
            "{at}: $ref {target} does not resolve"
        );
    }

    // The routes, their statuses, and the key schemes they accept.
    let schemes = &document["components"]["securitySchemes"];
    let mut header_scheme = None;
    let mut bearer_scheme = None;
    for (name, scheme) in schemes.as_object().expect("security schemes") {
        if scheme["type"] == "apiKey" && scheme["in"] == "header" && scheme["name"] == "X-API-Key" {
            header_scheme = Some(name.clone());
        }
        if scheme["type"] == "http" && scheme["scheme"] == "bearer" {
            bearer_scheme = Some(name.clone());
        }
    }
    let header_scheme = header_scheme.expect("an X-API-Key header scheme");
    let bearer_scheme = bearer_scheme.expect("a bearer scheme");
    let paths = document["paths"].as_object().expect("paths");
    let mut documented_paths: Vec<&str> = paths.keys().map(String::as_str).collect();
    documented_paths.sort_unstable();
    let mut expected_paths = vec![VALIDATE, BATCH, HISTORY, LEASE];
    expected_paths.sort_unstable();
    assert_eq!(
        documented_paths, expected_paths,
        "exactly the dialer routes"
    );
    for (path, statuses) in STATUSES {
        let operation = &document["paths"][path]["post"];
        assert!(operation.is_object(), "POST {path} is documented");
        let mut documented: Vec<u16> = operation["responses"]
            .as_object()
            .expect("responses")
            .keys()
            .map(|status| status.parse().expect("a numeric status"))
            .collect();
        documented.sort_unstable();
        let mut expected = statuses.to_vec();
        expected.sort_unstable();
        assert_eq!(documented, expected, "statuses of POST {path}");
        let mut security: Vec<&str> = operation["security"]
            .as_array()
            .expect("security")
            .iter()
            .flat_map(|requirement| requirement.as_object().into_iter().flat_map(|r| r.keys()))
            .map(String::as_str)
            .collect();
        security.sort_unstable();
        let mut expected_schemes = vec![header_scheme.as_str(), bearer_scheme.as_str()];
        expected_schemes.sort_unstable();
        assert_eq!(security, expected_schemes, "{path}");
        for status in statuses {
            let schema = &operation["responses"][status.to_string()]["content"]["application/json"]
                ["schema"];
            assert!(schema.is_object(), "POST {path} {status} has a JSON body");
        }
    }
    let record = &document["components"]["schemas"]["OcsRecord"];
    assert_eq!(record["additionalProperties"], true);
    for key in [
        "GSW_PHONE",
        "contact_info",
        "GSW_COUNTRY",
        "GSW_CUSTOMER_ID",
        "GSW_EMAIL",
        "GSW_CONSENT",
        "GSW_DIAL_MODE",
        "GSW_TZ_NAME",
        "GSW_CALLING_LIST",
        "GSW_CAMPAIGN_GROUP_NAME",
        "GSW_CALL_ATTEMPT_GUID",
        "GSW_HIST_SEQUENCE_NUM",
        "GSW_CALL_RESULT",
        "GSW_RIGHT_PARTY",
        "GSW_CALL_TIME",
        "GSW_CHAIN_ID",
    ] {
        assert!(
            record["properties"][key]["description"].is_string(),
            "OcsRecord documents {key}"
        );
    }

    let contract = Contract {
        document: document.clone(),
    };
    // The validators are not vacuous: a wrong decision body is refused.
    let decision = contract.validator(contract.response_schema(VALIDATE, 200));
    for wrong in [
        json!({ "allowed": "yes", "reasons": [], "refusals": [], "nextAllowedAt": null }),
        json!({ "allowed": true, "reasons": [], "refusals": [], "nextAllowedAt": null, "extra": 1 }),
        json!({ "allowed": false, "reasons": [], "refusals": [{ "rule": "NO_SUCH_RULE", "name": "x", "reason": "y" }], "nextAllowedAt": null }),
        json!({ "allowed": true, "reasons": [] }),
    ] {
        assert!(!decision.is_valid(&wrong), "the document accepts {wrong}");
    }

    // What the server really answers, status by status.
    let admin = app.admin_token().await;
    arrange(&app, &admin).await;
    let key = api_key(&app, &admin, &["OCS_VALIDATE", "OCS_HISTORY"]).await;
    let history_only = api_key(&app, &admin, &["OCS_HISTORY"]).await;
    let mut seen: BTreeMap<(&str, u16), usize> = BTreeMap::new();
    let allowed = json!({ "GSW_PHONE": NEW_YORK, "GSW_CUSTOMER_ID": "C-1", "GSW_DIAL_MODE": "PREVIEW",
        "GSW_CHAIN_ID": 17, "GSW_CONSENT": true, "GSW_SOMETHING_NEW": { "nested": true } });
    let suppressed = json!({ "GSW_PHONE": WASHINGTON, "GSW_DIAL_MODE": "PREVIEW" });
    let no_phone = json!({ "GSW_CUSTOMER_ID": "C-2" });
    let unknown_list =
        json!({ "GSW_PHONE": NEW_YORK, "GSW_CALLING_LIST": "no such calling list here" });
    let batch = json!([allowed, suppressed, no_phone, { "contact_info": "not a number" }]);
    let wrapped_batch = json!({ "records": [suppressed] });
    let report = json!({ "GSW_CALL_ATTEMPT_GUID": "attempt-openapi-1", "GSW_HIST_SEQUENCE_NUM": "1",
        "GSW_PHONE": NEW_YORK, "GSW_CALL_RESULT": "Busy", "GSW_CALL_TIME": 1_790_000_000 });
    for body in [&allowed, &suppressed, &no_phone, &unknown_list, &report] {
        contract.check_request(VALIDATE, body);
    }
    contract.check_request(BATCH, &batch);
    contract.check_request(BATCH, &wrapped_batch);
    contract.check_request(HISTORY, &report);
    assert!(
        !contract
            .validator(
                &document["paths"][BATCH]["post"]["requestBody"]["content"]["application/json"]
                    ["schema"]
            )
            .is_valid(&json!([])),
        "an empty batch is documented as invalid"
    );

    let cases: Vec<(&str, Option<&str>, String, u16)> = vec![
        (VALIDATE, Some(&key), allowed.to_string(), 200),
        (VALIDATE, Some(&key), suppressed.to_string(), 409),
        (VALIDATE, Some(&key), no_phone.to_string(), 400),
        (VALIDATE, Some(&key), "{ not json".into(), 400),
        (VALIDATE, Some(&key), unknown_list.to_string(), 404),
        (VALIDATE, None, allowed.to_string(), 401),
        (
            VALIDATE,
            Some("rl_not_a_real_key"),
            allowed.to_string(),
            401,
        ),
        (VALIDATE, Some(&history_only), allowed.to_string(), 403),
        (
            VALIDATE,
            Some(&key),
            json!({ "GSW_PHONE": NEW_YORK, "padding": "x".repeat(70 * 1024) }).to_string(),
            413,
        ),
        (BATCH, Some(&key), batch.to_string(), 200),
        (BATCH, Some(&key), wrapped_batch.to_string(), 200),
        (BATCH, Some(&key), "[]".into(), 400),
        (BATCH, None, batch.to_string(), 401),
        (HISTORY, Some(&key), report.to_string(), 200),
        (HISTORY, Some(&key), report.to_string(), 200),
        (HISTORY, Some(&key), no_phone.to_string(), 400),
        (HISTORY, None, report.to_string(), 401),
    ];
    for (path, key, body, expected) in cases {
        let (status, answer) = post(&app, path, key, body).await;
        assert_eq!(status, expected, "POST {path}: {answer}");
        contract.check_response(path, status, &answer);
        *seen.entry((path, status)).or_default() += 1;
        if (path, status) == (BATCH, 200) && answer["decisions"].as_array().map(Vec::len) == Some(4)
        {
            // Both kinds of batch answer were checked: a decision and an unjudged record.
            assert_eq!(answer["allowed"], 1, "{answer}");
            assert_eq!(answer["refused"], 1, "{answer}");
            assert_eq!(answer["invalid"], 2, "{answer}");
        }
    }
    // The Bearer form of the key, as documented.
    let response = app
        .client
        .post(format!("{}{VALIDATE}", app.address))
        .bearer_auth(&key)
        .json(&allowed)
        .send()
        .await
        .expect("sending with a bearer key");
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.expect("JSON");
    contract.check_response(VALIDATE, 200, &answer);
    assert!(seen.len() >= 11, "{seen:?}");
}
