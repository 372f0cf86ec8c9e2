//! The access matrices over every operation, read from `schema.graphql` (so a
//! new operation is covered the day it lands):
//!
//! - **roles**: every query, mutation and subscription for every role (and for
//!   no one signed in) answers `FORBIDDEN` exactly when `api::graphql::access`
//!   says the role lacks the operation's permission;
//! - **tenants**: an admin of tenant B, handed tenant A's real ids in every id
//!   position of every operation, gets the same answer as for ids that exist
//!   nowhere (so B cannot read, change or even learn of A's objects), B's
//!   listings never show A's ids or names, A's objects are unchanged after it
//!   all, and the REST routes behave the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_graphql::parser::types::{
    BaseType, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};
use domain::UserRole;
use serde_json::{Value, json};
use tests::{Stores, TestApp, error_code, on_both_stores, spawn_app};
use workers::accounts::{tenants, users};
use workers::audit::Actor;

on_both_stores!(
    every_operation_answers_every_role_as_the_access_table_says,
    another_tenants_ids_behave_like_ids_that_do_not_exist,
);

const PASSWORD: &str = "matrix-password-1234";
/// Marks every name tenant A gives its objects: it must never reach tenant B.
const MARK: &str = "ALPHA-PRIVATE";

/// One root field of the schema.
struct Operation {
    /// `query`, `mutation` or `subscription`.
    kind: &'static str,
    /// The field name.
    name: String,
    /// The arguments that must be given (non-null, no default).
    args: Vec<(String, Type)>,
    /// The field's type.
    returns: Type,
}

/// The committed schema, parsed (the schema test keeps it equal to the served one).
struct Schema {
    document: ServiceDocument,
    operations: Vec<Operation>,
}

impl Schema {
    fn load() -> Schema {
        let sdl =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql"))
                .expect("schema.graphql");
        let document = async_graphql::parser::parse_schema(&sdl).expect("schema.graphql parses");
        let mut operations = Vec::new();
        for (kind, root) in [
            ("query", "Query"),
            ("mutation", "Mutation"),
            ("subscription", "Subscription"),
        ] {
            let Some(TypeKind::Object(object)) = Self::kind_in(&document, root) else {
                continue;
            };
            for field in &object.fields {
                let field = &field.node;
                let args = field
                    .arguments
                    .iter()
                    .filter(|arg| !arg.node.ty.node.nullable && arg.node.default_value.is_none())
                    .map(|arg| (arg.node.name.node.to_string(), arg.node.ty.node.clone()))
                    .collect();
                operations.push(Operation {
                    kind,
                    name: field.name.node.to_string(),
                    args,
                    returns: field.ty.node.clone(),
                });
            }
        }
        Schema {
            document,
            operations,
        }
    }

    fn kind_in<'a>(document: &'a ServiceDocument, name: &str) -> Option<&'a TypeKind> {
        document
            .definitions
            .iter()
            .find_map(|definition| match definition {
                TypeSystemDefinition::Type(ty) if ty.node.name.node == name => Some(&ty.node.kind),
                _ => None,
            })
    }

    fn kind(&self, name: &str) -> Option<&TypeKind> {
        Self::kind_in(&self.document, name)
    }

    /// A value of `ty` that passes validation; every `ID` is `id`.
    fn value(&self, ty: &Type, id: &str, depth: usize) -> Value {
        match &ty.base {
            BaseType::List(inner) => json!([self.value(inner, id, depth)]),
            BaseType::Named(name) => match name.as_str() {
                "ID" => json!(id),
                "String" => json!("x"),
                "Int" => json!(1),
                "Float" => json!(1.0),
                "Boolean" => json!(false),
                "DateTime" => json!(chrono::Utc::now().to_rfc3339()),
                "JSON" => json!({}),
                "Upload" => Value::Null,
                other => match self.kind(other) {
                    Some(TypeKind::Enum(values)) => {
                        json!(values.values[0].node.value.node.to_string())
                    }
                    Some(TypeKind::InputObject(input)) if depth < 6 => {
                        let mut object = serde_json::Map::new();
                        for field in &input.fields {
                            let field = &field.node;
                            if !field.ty.node.nullable && field.default_value.is_none() {
                                object.insert(
                                    field.name.node.to_string(),
                                    self.value(&field.ty.node, id, depth + 1),
                                );
                            }
                        }
                        Value::Object(object)
                    }
                    // Custom scalars: a string is what they take.
                    _ => json!("x"),
                },
            },
        }
    }

    /// Whether a value of `ty` holds an `ID` somewhere (arguments or input fields).
    fn holds_id(&self, ty: &Type, depth: usize) -> bool {
        match &ty.base {
            BaseType::List(inner) => self.holds_id(inner, depth),
            BaseType::Named(name) if name.as_str() == "ID" => true,
            BaseType::Named(name) => match self.kind(name) {
                Some(TypeKind::InputObject(input)) if depth < 6 => {
                    input.fields.iter().any(|field| {
                        !field.node.ty.node.nullable
                            && self.holds_id(&field.node.ty.node, depth + 1)
                    })
                }
                _ => false,
            },
        }
    }

    fn named(ty: &Type) -> &str {
        match &ty.base {
            BaseType::List(inner) => Self::named(inner),
            BaseType::Named(name) => name.as_str(),
        }
    }

    /// Every scalar field of `ty` down to `depth` levels (fields that need arguments skipped).
    fn selection(&self, ty: &Type, depth: usize) -> String {
        let name = Self::named(ty);
        let fields = match self.kind(name) {
            Some(TypeKind::Object(object)) => &object.fields,
            Some(TypeKind::Interface(interface)) => &interface.fields,
            Some(TypeKind::Union(_)) => return "{ __typename }".into(),
            _ => return String::new(),
        };
        let mut parts = vec!["__typename".to_owned()];
        for field in fields {
            let field = &field.node;
            if field.arguments.iter().any(|arg| !arg.node.ty.node.nullable) {
                continue;
            }
            let inner = Self::named(&field.ty.node);
            match self.kind(inner) {
                Some(TypeKind::Object(_) | TypeKind::Interface(_) | TypeKind::Union(_)) => {
                    if depth > 1 {
                        let nested = self.selection(&field.ty.node, depth - 1);
                        parts.push(format!("{} {nested}", field.name.node));
                    }
                }
                _ => parts.push(field.name.node.to_string()),
            }
        }
        format!("{{ {} }}", parts.join(" "))
    }

    /// The document and variables calling `operation` with every `ID` set to `id`.
    fn call(&self, operation: &Operation, id: &str, depth: usize) -> (String, Value) {
        let mut declared = Vec::new();
        let mut passed = Vec::new();
        let mut variables = serde_json::Map::new();
        for (name, ty) in &operation.args {
            declared.push(format!("${name}: {ty}"));
            passed.push(format!("{name}: ${name}"));
            variables.insert(name.clone(), self.value(ty, id, 0));
        }
        let arguments = if passed.is_empty() {
            String::new()
        } else {
            format!("({})", passed.join(", "))
        };
        let header = if declared.is_empty() {
            String::new()
        } else {
            format!("({})", declared.join(", "))
        };
        let selection = self.selection(&operation.returns, depth);
        (
            format!(
                "{} Matrix{header} {{ {}{arguments} {selection} }}",
                operation.kind, operation.name
            ),
            Value::Object(variables),
        )
    }
}

/// A subscription's first answer within half a second (`Null` when it is silent: accepted).
async fn subscribe(app: &TestApp, token: Option<&str>, document: &str, variables: &Value) -> Value {
    let mut inlined = document.to_owned();
    // The minimal client takes no variables: inline them (ids and plain scalars only).
    if let Value::Object(variables) = variables {
        for (name, value) in variables {
            inlined = inlined.replace(&format!("${name}"), &value.to_string());
        }
    }
    let inlined = match (inlined.find('('), inlined.find(')')) {
        (Some(open), Some(close)) if inlined[..open].starts_with("subscription Matrix") => {
            format!("subscription Matrix{}", &inlined[close + 1..])
        }
        _ => inlined,
    };
    match tests::graphql_ws::subscribe(&app.ws_url(), token, &inlined).await {
        Err(refusal) => json!({ "refused": refusal }),
        Ok(mut subscription) => subscription
            .next_payload(Duration::from_millis(500))
            .await
            .unwrap_or(Value::Null),
    }
}

/// The first error's code anywhere in a response or subscription payload.
fn code_of(body: &Value) -> Option<String> {
    if let Some(code) = error_code(body) {
        return Some(code.to_owned());
    }
    // A subscription without a token is refused when the connection opens.
    if body["refused"]
        .as_str()
        .is_some_and(|refusal| refusal.contains("needs a token"))
    {
        return Some("UNAUTHENTICATED".to_owned());
    }
    let text = body.to_string();
    [
        "FORBIDDEN",
        "UNAUTHENTICATED",
        "NOT_FOUND",
        "BAD_USER_INPUT",
        "CONFLICT",
        "INTERNAL",
    ]
    .into_iter()
    .find(|code| text.contains(code))
    .map(str::to_owned)
}

async fn user(app: &TestApp, tenant: uuid::Uuid, email: &str, role: UserRole) {
    users::create_as(
        &app.services,
        &Actor::system(tenant, "matrix"),
        users::NewUser {
            email: email.into(),
            display_name: email.into(),
            role,
            password: PASSWORD.into(),
        },
    )
    .await
    .unwrap();
}

async fn every_operation_answers_every_role_as_the_access_table_says(stores: Stores) {
    let app = spawn_app(stores).await;
    let schema = Schema::load();
    let tenant = tenants::find_by_name(&app.services.db, "default")
        .await
        .unwrap()
        .unwrap()
        .id;
    // Every operation of the schema has a row in the table, and every row an operation.
    let in_schema: BTreeSet<String> = schema
        .operations
        .iter()
        .map(|operation| format!("{}.{}", operation.kind, operation.name))
        .collect();
    let in_table: BTreeSet<String> = api::graphql::access::TABLE
        .iter()
        .map(|(operation, _)| (*operation).to_owned())
        .collect();
    assert_eq!(
        in_schema.difference(&in_table).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "operations without a row in api::graphql::access::TABLE"
    );
    assert_eq!(
        in_table.difference(&in_schema).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "rows of api::graphql::access::TABLE for no operation"
    );

    // Introspection stays open (GraphQL tools need it); the table covers operations.
    let introspected = app
        .graphql(
            None,
            "{ __typename __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        introspected["data"]["__schema"]["queryType"]["name"], "Query",
        "{introspected}"
    );

    let mut callers: Vec<(String, Option<UserRole>)> = vec![("anonymous".into(), None)];
    for role in UserRole::ALL {
        let email = format!("{}@matrix.example", role.as_str().to_lowercase());
        user(&app, tenant, &email, role).await;
        callers.push((email, Some(role)));
    }
    let mut tokens = BTreeMap::new();
    for (email, role) in &callers {
        if role.is_some() {
            tokens.insert(email.clone(), app.login(email, PASSWORD).await);
        }
    }
    let random = uuid::Uuid::new_v4().to_string();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for operation in &schema.operations {
        let key = format!("{}.{}", operation.kind, operation.name);
        let access = api::graphql::access::required(&key).expect("every operation has a row");
        let (document, variables) = schema.call(operation, &random, 1);
        for (email, role) in &callers {
            // `logout` revokes the token it is called with: it gets a fresh one.
            let token = match role {
                Some(_) if operation.name == "logout" => Some(app.login(email, PASSWORD).await),
                Some(_) => tokens.get(email).cloned(),
                None => None,
            };
            let body = if operation.kind == "subscription" {
                subscribe(&app, token.as_deref(), &document, &variables).await
            } else {
                app.graphql(token.as_deref(), &document, variables.clone())
                    .await
            };
            let code = code_of(&body);
            let expected = match role {
                None if access.is_public() => None,
                None => Some("UNAUTHENTICATED"),
                Some(role) if access.allows(*role) => None,
                Some(_) => Some("FORBIDDEN"),
            };
            let fine = match expected {
                // Allowed: anything but a refusal (random ids are usually NOT_FOUND).
                None => {
                    !matches!(code.as_deref(), Some("FORBIDDEN" | "UNAUTHENTICATED"))
                        || (key == "mutation.login")
                }
                Some(expected) => code.as_deref() == Some(expected),
            };
            if !fine {
                wrong.push(format!(
                    "{key} as {}: expected {}, got {code:?}: {body}",
                    role.map_or("anonymous", |role| role.as_str()),
                    expected.unwrap_or("no refusal")
                ));
            }
            checked += 1;
        }
    }
    println!("{checked} operation × caller pairs checked");
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Tenant A's objects, each created by A's admin with [`MARK`] in its name; their ids.
async fn seed_tenant_a(app: &TestApp, token: &str) -> BTreeMap<&'static str, String> {
    let mut ids = BTreeMap::new();
    ids.insert("list", seed_one(app, token, "list", format!("mutation {{ createContactList(input: {{ name: \"{MARK} list\", channel: VOICE }}) {{ id }} }}"), json!({}), "/data/createContactList/id").await);
    ids.insert("suppressionList", seed_one(app, token, "suppressionList", format!("mutation {{ createSuppressionList(input: {{ name: \"{MARK} dnc\", kind: PHONE, channels: [VOICE] }}) {{ id }} }}"), json!({}), "/data/createSuppressionList/id").await);
    ids.insert("splitRule", seed_one(app, token, "splitRule", format!("mutation {{ createSplitRule(input: {{ name: \"{MARK} split\", kind: FIELD, field: \"device.state\" }}) {{ id }} }}"), json!({}), "/data/createSplitRule/id").await);
    ids.insert("selectionRule", seed_one(app, token, "selectionRule", "mutation($input: SelectionRuleInput!) { createSelectionRule(input: $input) { id } }".into(),
        json!({ "input": { "name": format!("{MARK} selection"), "sets": [{ "conditions": [{ "field": "firstName", "operator": "EQUALS", "value": "x" }] }] } }),
        "/data/createSelectionRule/id").await);
    ids.insert("mapping", seed_one(app, token, "mapping", format!("mutation {{ createImportMapping(name: \"{MARK} mapping\", mapping: {{ defaultCountry: \"US\", columns: [{{ header: \"Account\", field: CLIENT_ID }}] }}) {{ id }} }}"), json!({}), "/data/createImportMapping/id").await);
    ids.insert("campaignTemplate", seed_one(app, token, "campaignTemplate", format!("mutation {{ createCampaignTemplate(input: {{ name: \"{MARK} template\", dialingMode: PREVIEW }}) {{ id }} }}"), json!({}), "/data/createCampaignTemplate/id").await);
    ids.insert("job", seed_one(app, token, "job", format!("mutation {{ createJob(input: {{ name: \"{MARK} job\", kind: PURGE, cron: \"0 0 3 * * *\", timeZone: \"UTC\" }}) {{ id }} }}"), json!({}), "/data/createJob/id").await);
    ids.insert("sftpConnection", seed_one(app, token, "sftpConnection", "mutation($input: SftpConnectionInput!) { createSftpConnection(input: $input) { id } }".into(),
        json!({ "input": { "name": format!("{MARK} sftp"), "host": "127.0.0.1", "username": "alpha", "authMethod": "PASSWORD", "password": "alpha-secret" } }),
        "/data/createSftpConnection/id").await);
    ids.insert("messageTemplate", seed_one(app, token, "messageTemplate", format!("mutation {{ createMessageTemplate(input: {{ name: \"{MARK} sms\", channel: SMS, body: \"Hi {{{{firstName}}}}\" }}) {{ id }} }}"), json!({}), "/data/createMessageTemplate/id").await);
    ids.insert("apiClient", seed_one(app, token, "apiClient", format!("mutation {{ createApiClient(input: {{ name: \"{MARK} dialer\", scopes: [OCS_VALIDATE, OCS_LEASE] }}) {{ apiClient {{ id }} }} }}"), json!({}), "/data/createApiClient/apiClient/id").await);
    ids.insert("user", seed_one(app, token, "user", "mutation($input: CreateUserInput!) { createUser(input: $input) { id } }".into(),
        json!({ "input": { "email": "alpha-user@alpha.example", "displayName": MARK, "role": "VIEWER", "password": PASSWORD } }),
        "/data/createUser/id").await);
    let list = ids["list"].clone();
    let import = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
        mapping: { defaultCountry: \"US\", columns: [{ header: \"Account\", field: CLIENT_ID }, { header: \"Name\", field: FIRST_NAME }, { header: \"Phone\", device: HOME }] }) { id } }";
    let body = tests::graphql_upload(
        &tests::http_client(),
        &app.address,
        token,
        import,
        json!({ "list": list, "file": null }),
        "alpha.csv",
        &format!("Account,Name,Phone\nA1,{MARK},(202) 456-1414\nA2,{MARK},(212) 736-5000\nA3,{MARK},not a phone\n"),
    )
    .await;
    ids.insert(
        "import",
        body.pointer("/data/importContacts/id")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned(),
    );
    let suppression = ids["suppressionList"].clone();
    let body = tests::graphql_upload(
        &tests::http_client(),
        &app.address,
        token,
        "mutation($list: ID!, $file: Upload!) { importSuppressionEntries(listId: $list, file: $file) { id } }",
        json!({ "list": suppression, "file": null }),
        "dnc.csv",
        "(202) 456-1414\nnot a phone\n",
    )
    .await;
    ids.insert(
        "suppressionImport",
        body.pointer("/data/importSuppressionEntries/id")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{body}"))
            .to_owned(),
    );
    // The app's own lists worker may hold a task: wait for both imports to end.
    for _ in 0..200 {
        let _ = workers::import::try_execute_task(&app.services, "matrix").await;
        let _ = workers::suppression::try_execute_import_task(&app.services, "matrix").await;
        let done = app
            .graphql(
                Some(token),
                "query($i: ID!, $s: ID!) { importJob(id: $i) { status } suppressionImport(id: $s) { status } }",
                json!({ "i": ids["import"], "s": ids["suppressionImport"] }),
            )
            .await;
        let finished = |status: &Value| matches!(status.as_str(), Some("SUCCEEDED" | "FAILED"));
        if finished(&done["data"]["importJob"]["status"])
            && finished(&done["data"]["suppressionImport"]["status"])
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ids.insert(
        "contact",
        seed_one(
            app,
            token,
            "contact",
            "query($id: ID!) { contactList(id: $id) { contacts(first: 1) { nodes { id } } } }"
                .into(),
            json!({ "id": list }),
            "/data/contactList/contacts/nodes/0/id",
        )
        .await,
    );
    let template = ids["campaignTemplate"].clone();
    ids.insert("campaign", seed_one(app, token, "campaign", "mutation($t: ID!, $l: ID!) { createCampaign(input: { name: \"ALPHA-PRIVATE campaign\", templateId: $t, lists: [{ listId: $l }] }) { id } }".into(),
        json!({ "t": template, "l": list }), "/data/createCampaign/id").await);
    let job = ids["job"].clone();
    ids.insert(
        "jobRun",
        seed_one(
            app,
            token,
            "jobRun",
            "mutation($id: ID!) { runJobNow(id: $id) { id } }".into(),
            json!({ "id": job }),
            "/data/runJobNow/id",
        )
        .await,
    );
    ids
}

/// Runs one seeding mutation or query; the id at `pointer` of its answer.
async fn seed_one(
    app: &TestApp,
    token: &str,
    what: &str,
    document: String,
    variables: Value,
    pointer: &str,
) -> String {
    let body = app.graphql(Some(token), &document, variables).await;
    body.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("seeding {what}: {body}"))
        .to_owned()
}

/// A response with every UUID and timestamp replaced, so two answers that differ
/// only in generated ids and clocks compare equal.
fn normalised(body: &Value, ids: &[&str]) -> String {
    normalise(body, ids, true)
}

/// [`normalised`], with UUIDs kept when `uuids` is false (only clocks masked).
fn normalise(body: &Value, ids: &[&str], uuids: bool) -> String {
    let mut text = body.to_string();
    for id in ids {
        text = text.replace(id, "<id>");
    }
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut n = 0;
    while n < bytes.len() {
        // A UUID: 8-4-4-4-12 hex digits.
        let candidate = &text[n..];
        if uuids
            && candidate.len() >= 36
            && candidate.as_bytes()[..36].iter().enumerate().all(|(i, b)| {
                if [8, 13, 18, 23].contains(&i) {
                    *b == b'-'
                } else {
                    b.is_ascii_hexdigit()
                }
            })
        {
            out.push_str("<uuid>");
            n += 36;
        } else if candidate.len() >= 19
            && candidate.as_bytes()[..19]
                .iter()
                .enumerate()
                .all(|(i, b)| match i {
                    4 | 7 => *b == b'-',
                    10 => *b == b'T',
                    13 | 16 => *b == b':',
                    _ => b.is_ascii_digit(),
                })
        {
            out.push_str("<time>");
            n += 19;
        } else {
            let c = candidate.chars().next().unwrap_or(' ');
            out.push(c);
            n += c.len_utf8();
        }
    }
    out
}

async fn another_tenants_ids_behave_like_ids_that_do_not_exist(stores: Stores) {
    let app = spawn_app(stores).await;
    let schema = Schema::load();
    let alpha = app.admin_token().await;
    let seeded = seed_tenant_a(&app, &alpha).await;
    let alpha_ids: Vec<&str> = seeded.values().map(String::as_str).collect();
    let beta_tenant = tenants::create(&app.services.db, "beta").await.unwrap();
    user(&app, beta_tenant.id, "admin@beta.example", UserRole::Admin).await;
    let beta = app.login("admin@beta.example", PASSWORD).await;
    // B has objects of its own, so listings are not trivially empty.
    app.graphql(
        Some(&beta),
        "mutation { createContactList(input: { name: \"Beta list\", channel: VOICE }) { id } }",
        json!({}),
    )
    .await;

    // What A sees before B does anything: every query, with every id of A that fits.
    let queries: Vec<&Operation> = schema
        .operations
        .iter()
        .filter(|operation| operation.kind == "query")
        .collect();
    let snapshot = async |token: &str| {
        let mut seen = BTreeMap::new();
        for operation in &queries {
            let ids: Vec<&str> = if operation.args.iter().any(|(_, ty)| schema.holds_id(ty, 0)) {
                alpha_ids.clone()
            } else {
                vec!["-"]
            };
            for id in ids {
                let (document, variables) = schema.call(operation, id, 3);
                let body = app.graphql(Some(token), &document, variables).await;
                // Clocks masked: a rolling window (validation traffic) moves on by itself.
                seen.insert(
                    format!("{} {id}", operation.name),
                    normalise(&body, &[], false),
                );
            }
        }
        seen
    };
    let before = snapshot(&alpha).await;
    let again = snapshot(&alpha).await;

    // B calls every operation that takes an id with each of A's ids, and with an id
    // that exists nowhere: the answers must be the same.
    let random = uuid::Uuid::new_v4().to_string();
    let mut leaks = Vec::new();
    let mut compared = 0;
    for operation in &schema.operations {
        if !operation.args.iter().any(|(_, ty)| schema.holds_id(ty, 0))
            || operation.name == "logout"
        {
            continue;
        }
        for (what, id) in &seeded {
            let (document, variables) = schema.call(operation, id, 3);
            // An id of the same shape that exists nowhere (contacts have numeric ids).
            let no_one = if id.parse::<i64>().is_ok() {
                "987654321098"
            } else {
                random.as_str()
            };
            let (_, nowhere) = schema.call(operation, no_one, 3);
            let (with_alpha, with_nothing) = if operation.kind == "subscription" {
                (
                    subscribe(&app, Some(&beta), &document, &variables).await,
                    subscribe(&app, Some(&beta), &document, &nowhere).await,
                )
            } else {
                (
                    app.graphql(Some(&beta), &document, variables).await,
                    app.graphql(Some(&beta), &document, nowhere).await,
                )
            };
            compared += 1;
            let (a, n) = (
                normalised(&with_alpha, &[id, no_one]),
                normalised(&with_nothing, &[id, no_one]),
            );
            if a != n || with_alpha.to_string().contains(MARK) {
                leaks.push(format!(
                    "{} with A's {what}: {with_alpha}\n  vs an id of no one: {with_nothing}",
                    operation.name
                ));
            }
        }
    }
    // B's listings (queries without ids) show nothing of A.
    for operation in &queries {
        if operation.args.iter().any(|(_, ty)| schema.holds_id(ty, 0)) {
            continue;
        }
        let (document, variables) = schema.call(operation, "-", 3);
        let body = app.graphql(Some(&beta), &document, variables).await;
        let text = body.to_string();
        if text.contains(MARK)
            || alpha_ids
                .iter()
                .any(|id| id.len() == 36 && text.contains(id))
        {
            leaks.push(format!("{} shows A's data to B: {text}", operation.name));
        }
        compared += 1;
    }

    // REST: downloads by id and the dialer routes, with B's credentials.
    let client = tests::http_client();
    for (route, what) in [
        ("/api/v1/imports/{}/rejections.csv", "import"),
        ("/api/v1/lists/{}/contacts.csv", "list"),
        (
            "/api/v1/suppression-lists/{}/entries.csv",
            "suppressionList",
        ),
        (
            "/api/v1/suppression-imports/{}/rejections.csv",
            "suppressionImport",
        ),
    ] {
        let get = async |id: &str| {
            let response = client
                .get(format!("{}{}", app.address, route.replace("{}", id)))
                .bearer_auth(&beta)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response
                    .text()
                    .await
                    .unwrap_or_default()
                    .replace(id, "<id>"),
            )
        };
        let (with_alpha, with_nothing) = (get(&seeded[what]).await, get(&random).await);
        compared += 1;
        if with_alpha != with_nothing || with_alpha.1.contains(MARK) {
            leaks.push(format!(
                "GET {route} with A's {what}: {with_alpha:?} vs {with_nothing:?}"
            ));
        }
    }
    let beta_key = app
        .graphql(Some(&beta), "mutation { createApiClient(input: { name: \"beta dialer\", scopes: [OCS_VALIDATE, OCS_LEASE] }) { key } }", json!({}))
        .await["data"]["createApiClient"]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let lease = async |id: &str| {
        let response = client
            .post(format!(
                "{}/ocs/v1/campaigns/{id}/records:lease",
                app.address
            ))
            .header("x-api-key", &beta_key)
            .json(&json!({ "count": 5 }))
            .send()
            .await
            .unwrap();
        (
            response.status().as_u16(),
            response
                .text()
                .await
                .unwrap_or_default()
                .replace(id, "<id>"),
        )
    };
    let (with_alpha, with_nothing) = (lease(&seeded["campaign"]).await, lease(&random).await);
    compared += 1;
    if with_alpha != with_nothing {
        leaks.push(format!(
            "records:lease with A's campaign: {with_alpha:?} vs {with_nothing:?}"
        ));
    }
    // A's suppression list does not refuse B's calls.
    let answer: Value = client
        .post(format!("{}/ocs/v1/validate", app.address))
        .header("x-api-key", &beta_key)
        .json(&json!({ "GSW_PHONE": "+12024561414", "GSW_CUSTOMER_ID": "B1", "GSW_DIAL_MODE": "PREVIEW" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    compared += 1;
    if answer.to_string().contains("SUPPRESSION") || answer.to_string().contains(MARK) {
        leaks.push(format!(
            "A's suppression list reached B's validation: {answer}"
        ));
    }

    // Nothing of A changed.
    let after = snapshot(&alpha).await;
    for (key, value) in &before {
        if again.get(key) == Some(value) && after.get(key) != Some(value) {
            leaks.push(format!(
                "A's {key} changed while B worked: {value}\n  now {:?}",
                after.get(key)
            ));
        }
    }
    println!(
        "{compared} cross-tenant comparisons, {} queries snapshotted",
        before.len()
    );
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}
