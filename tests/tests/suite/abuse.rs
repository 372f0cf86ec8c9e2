//! Abuse limits (SPEC §6): security headers on every response, GraphQL
//! documents refused by depth, complexity and alias count before anything
//! runs, oversize bodies answered 413, and wrong API keys rate limited per
//! client IP across replicas.

use serde_json::{Value, json};
use tests::{Stores, TestApp, error_code, on_both_stores, spawn_app, spawn_app_with};

on_both_stores!(
    every_response_carries_the_security_headers,
    too_deep_and_too_complex_documents_are_refused_before_running,
    alias_floods_are_refused,
    oversize_bodies_get_413_and_small_ones_work,
    wrong_api_keys_are_rate_limited_per_client_ip,
);

const CREATE_CLIENT: &str =
    "mutation($input: CreateApiClientInput!) { createApiClient(input: $input) { key } }";
/// A real, valid New York number.
const NEW_YORK: &str = "+12127365000";

/// The four headers every response must carry, and its policy.
fn assert_secured(response: &reqwest::Response, what: &str) -> String {
    let headers = response.headers();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} header"))
            .to_owned()
    };
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header("referrer-policy"), "no-referrer", "{what}");
    let policy = header("content-security-policy");
    assert!(
        policy.contains("frame-ancestors 'none'"),
        "{what}: {policy}"
    );
    assert!(policy.contains("default-src 'self'"), "{what}: {policy}");
    policy
}

/// The `script-src` directive of a policy.
fn script_src(policy: &str) -> &str {
    policy
        .split(';')
        .map(str::trim)
        .find(|directive| directive.starts_with("script-src "))
        .unwrap_or_else(|| panic!("no script-src in {policy}"))
}

async fn every_response_carries_the_security_headers(stores: Stores) {
    // A page like the built SPA's: an inline module script that boots the wasm.
    let spa = tempfile::tempdir().unwrap();
    std::fs::write(
        spa.path().join("index.html"),
        "<html><head><link rel=\"stylesheet\" href=\"/style.css\">\n\
         <script type=\"module\">\n  import init from \"/pkg/app.js\";\n  init();\n</script>\n\
         </head><body>reachline spa</body></html>",
    )
    .unwrap();
    std::fs::write(spa.path().join("style.css"), "body{}").unwrap();
    let spa_dir = spa.path().display().to_string();
    let app = spawn_app_with(stores, &["--spa-dir", &spa_dir]).await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();

    for path in ["/", "/index.html", "/users/42", "/style.css"] {
        let response = get(path).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let policy = assert_secured(&response, path);
        let scripts = script_src(&policy);
        assert!(!scripts.contains("unsafe-inline"), "{policy}");
        assert!(!scripts.contains("'unsafe-eval'"), "{policy}");
        assert!(scripts.contains("'wasm-unsafe-eval'"), "{policy}");
        assert!(policy.contains("connect-src 'self'"), "{policy}");
    }
    // The page runs no inline script: its boot script is a file of this origin.
    let page = get("/users/42").await.unwrap().text().await.unwrap();
    assert!(page.contains("reachline spa"), "{page}");
    assert!(
        page.contains("<script type=\"module\" src=\"/_boot/0.js\"></script>"),
        "{page}"
    );
    let boot = get("/_boot/0.js").await.unwrap();
    assert_eq!(boot.status(), 200);
    assert_secured(&boot, "boot script");
    assert!(
        boot.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(boot.text().await.unwrap().contains("init();"));
    assert_eq!(get("/_boot/1.js").await.unwrap().status(), 404);

    // The API, the operations endpoints and refusals too.
    let graphql = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .unwrap();
    assert_secured(&graphql, "POST /graphql");
    for path in ["/healthz", "/readyz", "/metrics", "/api/openapi.json"] {
        assert_secured(&get(path).await.unwrap(), path);
    }
    let dialer = app
        .client
        .post(format!("{}/ocs/v1/validate", app.address))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(dialer.status(), 401);
    assert_secured(&dialer, "refused dialer call");

    // GraphiQL brings its editor from a CDN with inline script: its own
    // looser policy, still never framed.
    for path in ["/graphiql", "/graphql"] {
        let response = get(path).await.unwrap();
        let policy = assert_secured(&response, path);
        assert!(
            script_src(&policy).contains("'unsafe-inline'"),
            "{path}: {policy}"
        );
    }
}

/// `roots` aliases of `me`, named `<prefix><n>`.
fn aliases_of_me(prefix: &str, roots: usize) -> String {
    (0..roots)
        .map(|n| format!("{prefix}{n}: me {{ email }}"))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn too_deep_and_too_complex_documents_are_refused_before_running(stores: Stores) {
    // The default limits: depth 12, complexity 2000.
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;

    // 13 levels deep.
    let deep = format!(
        "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
        "ofType { ".repeat(8),
        "}".repeat(8)
    );
    let refused = app.graphql(Some(&admin), &deep, json!({})).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert!(refused["data"].is_null(), "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep"),
        "{refused}"
    );
    // 12 levels pass the depth limit.
    let fine = deep.replacen("ofType { ", "", 1).replacen('}', "", 1);
    let answered = app.graphql(Some(&admin), &fine, json!({})).await;
    assert!(
        !answered.to_string().contains("nested too deep"),
        "{answered}"
    );

    // 45 user creations, each selecting 46 fields through a fragment: about
    // 2,100 by complexity, few fields written, under the alias limit.
    let creations = (0..45)
        .map(|n| {
            format!(
                "c{n}: createUser(input: {{ email: \"complex{n}@example.com\", displayName: \"C\", \
                 role: SUPERVISOR, password: \"complex-password-1\" }}) {{ ...U }}"
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let fields = (0..45)
        .map(|n| format!("f{n}: email"))
        .collect::<Vec<_>>()
        .join(" ");
    let complex = format!("mutation {{ {creations} }} fragment U on User {{ {fields} }}");
    let refused = app.graphql(Some(&admin), &complex, json!({})).await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complex"),
        "{refused}"
    );
    // Nothing ran: not one of the users exists.
    let users = app
        .graphql(
            Some(&admin),
            "{ users(first: 100) { edges { node { email } } } }",
            json!({}),
        )
        .await;
    let listed = users.to_string();
    assert!(users["errors"].is_null(), "{users}");
    assert!(!listed.contains("complex0@example.com"), "{listed}");
}

async fn alias_floods_are_refused(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;

    let flood = app
        .graphql(
            Some(&admin),
            &format!("{{ {} }}", aliases_of_me("m", 51)),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&flood), Some("BAD_USER_INPUT"), "{flood}");
    assert!(flood["data"].is_null(), "{flood}");
    assert!(
        flood["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("51 root fields"),
        "{flood}"
    );
    // Hiding them in fragments changes nothing.
    let hidden = app
        .graphql(
            Some(&admin),
            &format!(
                "query {{ ...A ... {{ {} }} }} fragment A on Query {{ {} }}",
                aliases_of_me("m", 26),
                aliases_of_me("n", 25)
            ),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&hidden), Some("BAD_USER_INPUT"), "{hidden}");

    // Ten aliases are an ordinary document.
    let ten = app
        .graphql(
            Some(&admin),
            &format!("{{ {} }}", aliases_of_me("m", 10)),
            json!({}),
        )
        .await;
    assert!(ten["errors"].is_null(), "{ten}");
    assert_eq!(ten["data"].as_object().unwrap().len(), 10, "{ten}");
    assert_eq!(ten["data"]["m9"]["email"], tests::ADMIN_EMAIL);
}

/// An API client key with the given scopes.
async fn dialer_key(app: &TestApp, admin: &str, scopes: &[&str]) -> String {
    let body = app
        .graphql(
            Some(admin),
            CREATE_CLIENT,
            json!({ "input": { "name": "abuse", "scopes": scopes } }),
        )
        .await;
    body["data"]["createApiClient"]["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

async fn oversize_bodies_get_413_and_small_ones_work(stores: Stores) {
    // The default limits: 1 MiB of JSON for GraphQL, 64 KiB for one dialer record.
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;

    let padding = "x".repeat(1024 * 1024 + 1);
    let oversize = json!({ "query": format!("{{ me {{ email }} }} #{padding}") }).to_string();
    let (status, body) = app.post_json("/graphql", None, oversize).await;
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let small = json!({ "query": "{ __typename }" }).to_string();
    let (status, body) = app.post_json("/graphql", None, small).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"Query\""), "{body}");

    let key = dialer_key(&app, &admin, &["OCS_VALIDATE"]).await;
    let record = json!({ "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW",
        "padding": "x".repeat(65 * 1024) });
    let (status, body) = app
        .post_json("/ocs/v1/validate", Some(&key), record.to_string())
        .await;
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let record = json!({ "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW" });
    let (status, body) = app
        .post_json("/ocs/v1/validate", Some(&key), record.to_string())
        .await;
    assert!(status == 200 || status == 409, "judged: {status} {body}");
}

/// A dialer call from `ip` (the app trusts `X-Forwarded-For`): the response.
async fn validate_from(app: &TestApp, ip: &str, key: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/ocs/v1/validate", app.address))
        .header("x-forwarded-for", ip)
        .header("x-api-key", key)
        .json(&json!({ "GSW_PHONE": NEW_YORK, "GSW_DIAL_MODE": "PREVIEW" }))
        .send()
        .await
        .expect("sending a dialer request")
}

async fn wrong_api_keys_are_rate_limited_per_client_ip(stores: Stores) {
    let app = spawn_app_with(stores, &["--trust-forwarded-for"]).await;
    let admin = app.admin_token().await;
    let key = dialer_key(&app, &admin, &["OCS_VALIDATE"]).await;
    let guesser = "203.0.113.7";
    let (prefix, _) = key.rsplit_once('_').unwrap();

    // 50 wrong keys (right prefix wrong secret, unknown prefixes, garbage) are 401s.
    for n in 0..workers::accounts::api_clients::KEY_FAILURES_PER_IP {
        let wrong = match n % 3 {
            0 => format!("{prefix}_{:064x}", n),
            1 => format!("rl_{:012x}_{:064x}", n, n),
            _ => format!("guess-{n}"),
        };
        let response = validate_from(&app, guesser, &wrong).await;
        assert_eq!(response.status(), 401, "wrong key {n}");
    }
    // The 51st is refused without a look at the key, as is the right key from there.
    for attempt in [format!("{prefix}_{:064x}", 99), key.clone()] {
        let response = validate_from(&app, guesser, &attempt).await;
        assert_eq!(response.status(), 429);
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=300).contains(&retry_after), "{retry_after}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("try again"),
            "{body}"
        );
    }

    // The valid key keeps working from other addresses; a wrong one there is a plain 401.
    let other = validate_from(&app, "203.0.113.8", &key).await;
    assert!(
        [200, 409].contains(&other.status().as_u16()),
        "{}",
        other.status()
    );
    let wrong_elsewhere = validate_from(&app, "198.51.100.1", "rl_000000000000_00").await;
    assert_eq!(wrong_elsewhere.status(), 401);

    // The count is shared: a replica on the same Redis refuses the guesser too.
    if stores == Stores::PostgresRedis {
        let replica = app.spawn_replica(true, &["--trust-forwarded-for"]).await;
        let refused = validate_from(&replica, guesser, &key).await;
        assert_eq!(refused.status(), 429);
        let fine = validate_from(&replica, "203.0.113.8", &key).await;
        assert!(
            [200, 409].contains(&fine.status().as_u16()),
            "{}",
            fine.status()
        );
    }
}
