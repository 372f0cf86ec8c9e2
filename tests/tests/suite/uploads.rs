//! Resumable uploads over plain HTTP: chunks, offsets, resuming after a broken
//! connection, limits, tenants and roles, and housekeeping of stale uploads.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{Value, json};
use tests::{Stores, TestApp, USER_PASSWORD, on_both_stores, spawn_app, spawn_app_with};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;
use workers::uploads::{self, StoredUpload};

on_both_stores!(
    chunks_add_up_to_the_file,
    wrong_offset_is_refused_with_the_current_one,
    broken_chunk_resumes_from_a_consistent_offset,
    concurrent_chunks_do_not_interleave,
    declared_size_and_limits_are_enforced,
    tenants_roles_and_tokens_are_respected,
    delete_removes_the_file,
    stale_uploads_are_purged_unless_an_import_needs_them,
    large_upload_in_chunks_is_byte_identical,
);

/// Deterministic pseudo-random bytes (xorshift64*), so large files need no fixture.
fn seeded_bytes(seed: u64, length: usize) -> Vec<u8> {
    let mut state = seed | 1;
    let mut bytes = Vec::with_capacity(length + 8);
    while bytes.len() < length {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        bytes.extend_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    bytes.truncate(length);
    bytes
}

fn uploads_url(app: &TestApp) -> String {
    format!("{}/api/v1/uploads", app.address)
}

async fn create(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    let response = app
        .client
        .post(uploads_url(app))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn new_upload(app: &TestApp, token: &str, size: Option<u64>) -> String {
    let (status, body) = create(
        app,
        token,
        json!({ "fileName": "contacts.csv", "size": size }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["offset"], 0, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn patch(
    app: &TestApp,
    token: &str,
    id: &str,
    offset: u64,
    chunk: Vec<u8>,
) -> reqwest::Response {
    app.client
        .patch(format!("{}/{id}", uploads_url(app)))
        .bearer_auth(token)
        .header("content-type", "application/offset+octet-stream")
        .header("upload-offset", offset.to_string())
        .body(chunk)
        .send()
        .await
        .unwrap()
}

async fn head(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.client
        .head(format!("{}/{id}", uploads_url(app)))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn header_number(response: &reqwest::Response, name: &str) -> Option<u64> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

async fn offset_of(app: &TestApp, token: &str, id: &str) -> u64 {
    let response = head(app, token, id).await;
    assert_eq!(response.status(), StatusCode::OK);
    header_number(&response, "upload-offset").unwrap()
}

/// Hands the upload over as an import would, and returns it with the file's bytes.
async fn take(app: &TestApp, token: &str, id: &str) -> (StoredUpload, Vec<u8>) {
    let principal = workers::accounts::users::authenticate(&app.services, token, None)
        .await
        .unwrap();
    let stored = uploads::take_for_import(&app.services, &principal, Uuid::parse_str(id).unwrap())
        .await
        .unwrap();
    let bytes = tokio::fs::read(&stored.path).await.unwrap();
    (stored, bytes)
}

async fn list_manager(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    app.create_user(&admin, "lists@example.com", "LIST_MANAGER")
        .await;
    app.login("lists@example.com", USER_PASSWORD).await
}

async fn chunks_add_up_to_the_file(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = list_manager(&app).await;
    let content = seeded_bytes(1, 250_000);
    let id = new_upload(&app, &token, Some(content.len() as u64)).await;
    let mut offset = 0;
    for chunk in [
        &content[..100_000],
        &content[100_000..100_001],
        &content[100_001..],
    ] {
        let response = patch(&app, &token, &id, offset, chunk.to_vec()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        offset += chunk.len() as u64;
        assert_eq!(header_number(&response, "upload-offset"), Some(offset));
    }
    let response = head(&app, &token, &id).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_number(&response, "upload-offset"), Some(250_000));
    assert_eq!(header_number(&response, "upload-length"), Some(250_000));
    assert_eq!(response.headers()["cache-control"], "no-store");
    let (stored, bytes) = take(&app, &token, &id).await;
    assert_eq!(stored.bytes, 250_000);
    assert_eq!(stored.file_name, "contacts.csv");
    assert!(
        bytes == content,
        "the stored file differs from what was sent"
    );
}

async fn wrong_offset_is_refused_with_the_current_one(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = list_manager(&app).await;
    let id = new_upload(&app, &token, None).await;
    assert_eq!(
        patch(&app, &token, &id, 0, b"first,".to_vec())
            .await
            .status(),
        204
    );
    for wrong in [0, 3, 100] {
        let response = patch(&app, &token, &id, wrong, b"again".to_vec()).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_eq!(header_number(&response, "upload-offset"), Some(6));
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "CONFLICT",
            "{body}"
        );
    }
    let missing = app
        .client
        .patch(format!("{}/{id}", uploads_url(&app)))
        .bearer_auth(&token)
        .header("content-type", "application/offset+octet-stream")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let json_chunk = app
        .client
        .patch(format!("{}/{id}", uploads_url(&app)))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .header("upload-offset", "6")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(json_chunk.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        patch(&app, &token, &id, 6, b"second".to_vec())
            .await
            .status(),
        204
    );
    let (_, bytes) = take(&app, &token, &id).await;
    assert_eq!(bytes, b"first,second");
    // Taken for an import without a declared size: the file is final now.
    let late = patch(&app, &token, &id, 12, b"late".to_vec()).await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
}

/// Sends a chunk's headers and the first `sent` of `declared` body bytes over a raw
/// connection, which the caller keeps open (or drops to break the chunk).
async fn partial_chunk(
    app: &TestApp,
    token: &str,
    id: &str,
    offset: u64,
    declared: usize,
    sent: &[u8],
) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    let head = format!(
        "PATCH /api/v1/uploads/{id} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/offset+octet-stream\r\nUpload-Offset: {offset}\r\n\
         Content-Length: {declared}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(sent).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

async fn broken_chunk_resumes_from_a_consistent_offset(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = list_manager(&app).await;
    let content = seeded_bytes(2, 30_000);
    let id = new_upload(&app, &token, Some(content.len() as u64)).await;
    assert_eq!(
        patch(&app, &token, &id, 0, content[..10_000].to_vec())
            .await
            .status(),
        204
    );

    // A chunk of 10,000 bytes breaks off after 4,000.
    let connection =
        partial_chunk(&app, &token, &id, 10_000, 10_000, &content[10_000..14_000]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(connection);

    // Until the server has noticed, the offset is the old one; after, the received prefix.
    let mut offset = offset_of(&app, &token, &id).await;
    for _ in 0..100 {
        assert!(
            offset == 10_000 || offset == 14_000,
            "inconsistent offset {offset}"
        );
        if offset == 14_000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        offset = offset_of(&app, &token, &id).await;
    }
    assert_eq!(offset, 14_000, "the received prefix is kept");

    // A crash after writing but before fsync and the offset update leaves junk past the offset.
    let path = PathBuf::from(
        entity::upload::Entity::find_by_id(Uuid::parse_str(&id).unwrap())
            .one(&app.services.db)
            .await
            .unwrap()
            .unwrap()
            .path,
    );
    let mut file = tokio::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .await
        .unwrap();
    file.write_all(b"junk never acknowledged").await.unwrap();
    drop(file);
    assert_eq!(offset_of(&app, &token, &id).await, 14_000);

    let response = patch(&app, &token, &id, 14_000, content[14_000..].to_vec()).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(header_number(&response, "upload-offset"), Some(30_000));
    let (_, bytes) = take(&app, &token, &id).await;
    assert!(
        bytes == content,
        "the resumed file differs from what was sent"
    );
}

async fn concurrent_chunks_do_not_interleave(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = list_manager(&app).await;
    let id = new_upload(&app, &token, None).await;
    let mut first = partial_chunk(&app, &token, &id, 0, 8, b"abcd").await;
    // Wait (without taking it ourselves) until the first chunk holds the writer lock.
    let lock_key = format!("lock:upload:{id}");
    for _ in 0..250 {
        if app.services.cache.get(&lock_key).await.unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refused = patch(&app, &token, &id, 0, b"zz".to_vec()).await;
    assert_eq!(
        refused.status(),
        StatusCode::LOCKED,
        "a second writer is refused while a chunk streams"
    );
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "CONFLICT",
        "{body}"
    );
    first.write_all(b"efgh").await.unwrap();
    first.flush().await.unwrap();
    let mut answer = vec![0u8; 512];
    let read = tokio::io::AsyncReadExt::read(&mut first, &mut answer)
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).to_lowercase();
    assert!(answer.starts_with("http/1.1 204"), "{answer}");
    assert!(answer.contains("upload-offset: 8"), "{answer}");
    let (_, bytes) = take(&app, &token, &id).await;
    assert_eq!(bytes, b"abcdefgh");
}

async fn declared_size_and_limits_are_enforced(stores: Stores) {
    let app = spawn_app_with(stores, &["--max-upload-bytes", "1000"]).await;
    let token = list_manager(&app).await;
    let id = new_upload(&app, &token, Some(10)).await;
    assert_eq!(
        patch(&app, &token, &id, 0, b"123456".to_vec())
            .await
            .status(),
        204
    );
    let over = patch(&app, &token, &id, 6, b"78901".to_vec()).await;
    assert_eq!(over.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = over.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    assert_eq!(offset_of(&app, &token, &id).await, 6);
    let principal = workers::accounts::users::authenticate(&app.services, &token, None)
        .await
        .unwrap();
    let incomplete =
        uploads::take_for_import(&app.services, &principal, Uuid::parse_str(&id).unwrap()).await;
    assert!(
        matches!(incomplete, Err(workers::ServiceError::Invalid(_))),
        "{incomplete:?}"
    );
    assert_eq!(
        patch(&app, &token, &id, 6, b"7890".to_vec()).await.status(),
        204
    );
    let (_, bytes) = take(&app, &token, &id).await;
    assert_eq!(bytes, b"1234567890");

    // Over the per-request limit, declared up front or streamed without a length.
    let open = new_upload(&app, &token, None).await;
    let declared = patch(&app, &token, &open, 0, vec![b'x'; 1001]).await;
    assert_eq!(declared.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let mut streamed = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .unwrap();
    let request = format!(
        "PATCH /api/v1/uploads/{open} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/octet-stream\r\nUpload-Offset: 0\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    streamed.write_all(request.as_bytes()).await.unwrap();
    for _ in 0..2 {
        streamed
            .write_all(format!("{:x}\r\n", 600).as_bytes())
            .await
            .unwrap();
        streamed.write_all(&[b'y'; 600]).await.unwrap();
        streamed.write_all(b"\r\n").await.unwrap();
    }
    streamed.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    tokio::io::AsyncReadExt::read_to_end(&mut streamed, &mut answer)
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).to_lowercase();
    assert!(answer.starts_with("http/1.1 413"), "{answer}");
    assert_eq!(offset_of(&app, &token, &open).await, 0);

    let (status, body) = create(&app, &token, json!({ "fileName": "  " })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    let (status, body) = create(&app, &token, json!({ "fileName": "a.csv", "size": -1 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}

async fn tenants_roles_and_tokens_are_respected(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let id = new_upload(&app, &admin, None).await;
    assert_eq!(
        patch(&app, &admin, &id, 0, b"ours".to_vec()).await.status(),
        204
    );

    let (_, acme) = app.second_tenant_admin().await;
    assert_eq!(head(&app, &acme, &id).await.status(), StatusCode::NOT_FOUND);
    let foreign = patch(&app, &acme, &id, 4, b"theirs".to_vec()).await;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    let body: Value = foreign.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{body}"
    );
    let delete = app
        .client
        .delete(format!("{}/{id}", uploads_url(&app)))
        .bearer_auth(&acme)
        .send()
        .await
        .unwrap();
    assert_eq!(delete.status(), StatusCode::NOT_FOUND);

    let anonymous = app
        .client
        .post(uploads_url(&app))
        .json(&json!({ "fileName": "a.csv" }))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: Value = anonymous.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );
    let anonymous_head = app
        .client
        .head(format!("{}/{id}", uploads_url(&app)))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous_head.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        head(&app, "not-a-token", &id).await.status(),
        StatusCode::UNAUTHORIZED
    );

    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;
    let (status, body) = create(&app, &viewer, json!({ "fileName": "a.csv" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    assert_eq!(
        head(&app, &viewer, &id).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        patch(&app, &viewer, &id, 4, b"x".to_vec()).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(offset_of(&app, &admin, &id).await, 4);
    let bad_id = head(&app, &admin, "not-a-uuid").await;
    assert_eq!(bad_id.status(), StatusCode::BAD_REQUEST);
}

async fn delete_removes_the_file(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = list_manager(&app).await;
    let id = new_upload(&app, &token, None).await;
    assert_eq!(
        patch(&app, &token, &id, 0, b"abc".to_vec()).await.status(),
        204
    );
    let row = entity::upload::Entity::find_by_id(Uuid::parse_str(&id).unwrap())
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    assert!(PathBuf::from(&row.path).exists());
    let url = format!("{}/{id}", uploads_url(&app));
    let deleted = app
        .client
        .delete(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(!PathBuf::from(&row.path).exists());
    assert_eq!(
        head(&app, &token, &id).await.status(),
        StatusCode::NOT_FOUND
    );
    let again = app
        .client
        .delete(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

async fn backdate(app: &TestApp, id: &str, hours: i64) -> entity::upload::Model {
    let row = entity::upload::Entity::find_by_id(Uuid::parse_str(id).unwrap())
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = row.into_active_model();
    active.updated_at = Set(Utc::now() - chrono::Duration::hours(hours));
    active.update(&app.services.db).await.unwrap()
}

async fn stale_uploads_are_purged_unless_an_import_needs_them(stores: Stores) {
    // Without the scheduler role, whose own hourly run would race this test's purge.
    let app = spawn_app_with(stores, &["--roles", "api"]).await;
    let admin = app.admin_token().await;
    let abandoned = new_upload(&app, &admin, None).await;
    let queued = new_upload(&app, &admin, None).await;
    let fresh = new_upload(&app, &admin, None).await;
    for id in [&abandoned, &queued, &fresh] {
        assert_eq!(
            patch(&app, &admin, id, 0, b"data".to_vec()).await.status(),
            204
        );
    }
    let abandoned_row = backdate(&app, &abandoned, 25).await;
    let queued_row = backdate(&app, &queued, 30).await;

    let list = app
        .graphql(
            Some(&admin),
            "mutation($input: CreateContactListInput!) { createContactList(input: $input) { id } }",
            json!({ "input": { "name": "Target", "channel": "VOICE" } }),
        )
        .await;
    let list_id =
        Uuid::parse_str(list["data"]["createContactList"]["id"].as_str().unwrap()).unwrap();
    let now = Utc::now();
    let job = entity::import_job::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(queued_row.tenant_id),
        list_id: Set(list_id),
        mapping_id: Set(None),
        mode: Set("APPEND_ONLY".into()),
        status: Set(workers::import::status::QUEUED.into()),
        file_name: Set(queued_row.file_name.clone()),
        file_path: Set(queued_row.path.clone()),
        options: Set(json!({})),
        error: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        started_at: Set(None),
        finished_at: Set(None),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.services.db)
    .await
    .unwrap();

    let cutoff = Utc::now() - uploads::STALE_AFTER;
    assert_eq!(
        uploads::purge_stale(&app.services, cutoff).await.unwrap(),
        1
    );
    assert!(!PathBuf::from(&abandoned_row.path).exists());
    assert_eq!(
        head(&app, &admin, &abandoned).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        offset_of(&app, &admin, &queued).await,
        4,
        "a queued import keeps its upload"
    );
    assert!(PathBuf::from(&queued_row.path).exists());
    assert_eq!(
        offset_of(&app, &admin, &fresh).await,
        4,
        "a recent upload stays"
    );

    let mut finished = job.into_active_model();
    finished.status = Set(workers::import::status::SUCCEEDED.into());
    finished.update(&app.services.db).await.unwrap();
    assert_eq!(
        uploads::purge_stale(&app.services, cutoff).await.unwrap(),
        1
    );
    assert!(!PathBuf::from(&queued_row.path).exists());
    assert_eq!(
        head(&app, &admin, &queued).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(head(&app, &admin, &fresh).await.status(), StatusCode::OK);
}

async fn large_upload_in_chunks_is_byte_identical(stores: Stores) {
    const TOTAL: usize = 64 << 20;
    const CHUNK: usize = 8 << 20;
    let app = spawn_app(stores).await;
    let token = list_manager(&app).await;
    let content = seeded_bytes(64, TOTAL);
    let id = new_upload(&app, &token, Some(TOTAL as u64)).await;
    for (index, chunk) in content.chunks(CHUNK).enumerate() {
        let offset = (index * CHUNK) as u64;
        let response = patch(&app, &token, &id, offset, chunk.to_vec()).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "chunk {index}");
        assert_eq!(
            header_number(&response, "upload-offset"),
            Some(offset + chunk.len() as u64)
        );
    }
    let (stored, bytes) = take(&app, &token, &id).await;
    assert_eq!(stored.bytes, TOTAL as u64);
    assert!(
        bytes == content,
        "the 64 MiB file differs from what was sent"
    );
}
