//! The HTTP surface: hostile requests, operations endpoints, request ids, the SPA fallback.

use serde_json::json;
use tests::{Stores, error_code, on_both_stores, spawn_app, spawn_app_with};

on_both_stores!(
    hostile_requests_get_clear_errors,
    operations_endpoints_answer,
    spa_routes_fall_back_to_index,
);

async fn hostile_requests_get_clear_errors(stores: Stores) {
    let app = spawn_app_with(
        stores,
        &[
            "--max-body-bytes",
            "4096",
            "--graphql-max-depth",
            "4",
            "--graphql-max-complexity",
            "50",
        ],
    )
    .await;
    let url = format!("{}/graphql", app.address);

    let malformed = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");

    let oversize = app
        .client
        .post(&url)
        .json(&json!({ "query": format!("{{ me {{ email }} }} #{}", "x".repeat(10_000)) }))
        .send()
        .await
        .unwrap();
    assert_eq!(oversize.status(), 413);

    let deep = app
        .graphql(
            None,
            "{ me { tenant { id } email } users { edges { node { tenant { name } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&deep), Some("BAD_USER_INPUT"), "{deep}");
    assert!(
        deep["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{deep}"
    );

    let complex = app
        .graphql(
            None,
            &format!(
                "{{ {} }}",
                (0..60)
                    .map(|n| format!("m{n}: me {{ email }}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            json!({}),
        )
        .await;
    assert_eq!(error_code(&complex), Some("BAD_USER_INPUT"), "{complex}");
    assert!(
        complex["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{complex}"
    );

    let syntax = app.graphql(None, "{ me { ", json!({})).await;
    assert_eq!(error_code(&syntax), Some("BAD_USER_INPUT"), "{syntax}");
    let unknown_field = app.graphql(None, "{ everything }", json!({})).await;
    assert_eq!(error_code(&unknown_field), Some("BAD_USER_INPUT"));

    // The server is still fine.
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

async fn operations_endpoints_answer(stores: Stores) {
    let app = spawn_app(stores).await;
    let ready = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let request_id = ready
        .headers()
        .get("x-request-id")
        .expect("a request id")
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(request_id.len(), 36, "a UUID request id: {request_id}");

    let token = app.admin_token().await;
    app.graphql(Some(&token), "query Me { me { email } }", json!({}))
        .await;
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("reachline_graphql_operations_total{operation=\"Me\",outcome=\"ok\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics
            .contains("reachline_graphql_operations_total{operation=\"Login\",outcome=\"ok\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains(
        "reachline_http_requests_total{method=\"POST\",route=\"/graphql\",status=\"200\"}"
    ));
    assert!(metrics.contains(
        "reachline_http_request_duration_seconds_bucket{method=\"GET\",route=\"/readyz\""
    ));
}

async fn spa_routes_fall_back_to_index(stores: Stores) {
    let spa = tempfile::tempdir().unwrap();
    std::fs::write(
        spa.path().join("index.html"),
        "<html><body>reachline spa</body></html>",
    )
    .unwrap();
    std::fs::write(spa.path().join("style.css"), "body{}").unwrap();
    let spa_dir = spa.path().display().to_string();
    let app = spawn_app_with(stores, &["--spa-dir", &spa_dir]).await;
    for path in ["/", "/users", "/audit/some/deep/link"] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.text().await.unwrap().contains("reachline spa"),
            "{path}"
        );
    }
    let css = app
        .client
        .get(format!("{}/style.css", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(css.text().await.unwrap(), "body{}");
    // A gzip copy next to a file is served to clients that accept gzip.
    std::fs::write(spa.path().join("app.js"), "plain").unwrap();
    std::fs::write(spa.path().join("app.js.gz"), "gzipped bytes").unwrap();
    let zipped = app
        .client
        .get(format!("{}/app.js", app.address))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "gzip");
    assert_eq!(zipped.text().await.unwrap(), "gzipped bytes");
    let plain = app
        .client
        .get(format!("{}/app.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.text().await.unwrap(), "plain");
    let graphiql = app
        .client
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .unwrap();
    assert!(graphiql.text().await.unwrap().contains("GraphiQL"));
}

/// A Redis server of this test's own, so stopping it disturbs no other test.
struct PrivateRedis {
    child: std::process::Child,
    port: u16,
}

impl PrivateRedis {
    fn start() -> PrivateRedis {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return PrivateRedis { child, port };
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("redis-server did not listen on {port}");
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_while_redis_is_down() {
    let redis = PrivateRedis::start();
    let url = format!("redis://127.0.0.1:{}", redis.port);
    let app = spawn_app_with(Stores::PostgresRedis, &["--redis-url", &url]).await;
    let readyz = format!("{}/readyz", app.address);
    assert_eq!(app.client.get(&readyz).send().await.unwrap().status(), 200);
    drop(redis);
    let response = app.client.get(&readyz).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["reason"].as_str().unwrap().contains("cache"), "{body}");
    // Liveness is unaffected: the process is fine, its dependency is not.
    assert_eq!(
        app.client
            .get(format!("{}/healthz", app.address))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
