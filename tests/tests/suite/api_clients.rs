//! Machine credentials: created by admins, shown once, stored hashed, revocable.

use domain::ApiScope;
use sea_orm::EntityTrait;
use serde_json::json;
use tests::{Stores, USER_PASSWORD, error_code, error_field, on_both_stores, spawn_app};
use workers::ServiceError;
use workers::accounts::api_clients;

on_both_stores!(
    api_client_keys_work_until_revoked,
    api_clients_are_admin_only
);

const CREATE: &str = "mutation($input: CreateApiClientInput!) { createApiClient(input: $input) { key apiClient { id name keyPrefix scopes revokedAt } } }";

async fn api_client_keys_work_until_revoked(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let body = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "ocs-east", "scopes": ["OCS_VALIDATE", "OCS_HISTORY"] } }),
        )
        .await;
    let created = &body["data"]["createApiClient"];
    let key = created["key"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let prefix = created["apiClient"]["keyPrefix"].as_str().unwrap();
    assert!(
        key.starts_with(prefix),
        "the key starts with its public prefix"
    );
    assert_eq!(
        created["apiClient"]["scopes"],
        json!(["OCS_HISTORY", "OCS_VALIDATE"])
    );

    // Only a hash is stored.
    let rows = entity::api_client::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].key_hash, key);
    assert!(!rows[0].key_hash.contains(&key[prefix.len()..]));

    let principal = api_clients::authenticate(&app.services, &key, ApiScope::OcsValidate)
        .await
        .unwrap();
    assert_eq!(principal.name, "ocs-east");
    let wrong_scope = api_clients::authenticate(&app.services, &key, ApiScope::OcsLease).await;
    assert!(matches!(wrong_scope, Err(ServiceError::Forbidden)));
    let tampered = format!("{key}x");
    assert!(matches!(
        api_clients::authenticate(&app.services, &tampered, ApiScope::OcsValidate).await,
        Err(ServiceError::Unauthenticated(_))
    ));

    let duplicate = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "ocs-east", "scopes": ["OCS_LEASE"] } }),
        )
        .await;
    assert_eq!(error_code(&duplicate), Some("CONFLICT"), "{duplicate}");
    assert_eq!(error_field(&duplicate), Some("name"));
    let no_scopes = app
        .graphql(
            Some(&admin),
            CREATE,
            json!({ "input": { "name": "x", "scopes": [] } }),
        )
        .await;
    assert_eq!(error_field(&no_scopes), Some("scopes"));

    // Last use is recorded off the request path: wait for it (bounded).
    let mut listing = json!(null);
    for _ in 0..100 {
        listing = app
            .graphql(
                Some(&admin),
                "{ apiClients { totalCount nodes { name keyPrefix lastUsedAt } } }",
                json!({}),
            )
            .await;
        if listing["data"]["apiClients"]["nodes"][0]["lastUsedAt"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(listing["data"]["apiClients"]["totalCount"], 1);
    assert!(
        listing["data"]["apiClients"]["nodes"][0]["lastUsedAt"].is_string(),
        "{listing}"
    );
    assert!(
        !listing.to_string().contains(&key),
        "the key is never shown again"
    );

    let id = created["apiClient"]["id"].clone();
    let revoke = app
        .graphql(
            Some(&admin),
            "mutation($id: ID!) { revokeApiClient(id: $id) { revokedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert!(
        revoke["data"]["revokeApiClient"]["revokedAt"].is_string(),
        "{revoke}"
    );
    assert!(matches!(
        api_clients::authenticate(&app.services, &key, ApiScope::OcsValidate).await,
        Err(ServiceError::Unauthenticated(_))
    ));
}

async fn api_clients_are_admin_only(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "sup@example.com", "SUPERVISOR")
        .await;
    let supervisor = app.login("sup@example.com", USER_PASSWORD).await;
    let body = app
        .graphql(
            Some(&supervisor),
            CREATE,
            json!({ "input": { "name": "x", "scopes": ["OCS_LEASE"] } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app
        .graphql(
            Some(&supervisor),
            "{ apiClients { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}
