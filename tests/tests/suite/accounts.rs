//! Sign-in, tokens, roles and tenant isolation.

use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;
use tests::{
    ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, Stores, USER_PASSWORD, error_code, error_field,
    on_both_stores, spawn_app, spawn_app_with,
};
use workers::accounts::{tenants, users};
use workers::audit::Actor;

on_both_stores!(
    first_admin_signs_in_and_sees_itself,
    bad_credentials_and_tokens_are_unauthenticated,
    logout_revokes_the_token,
    viewer_cannot_create_users,
    other_tenants_users_are_not_found,
    duplicate_email_is_a_conflict_on_the_field,
    invalid_input_names_the_field,
    login_failures_are_rate_limited_per_account,
    login_failures_are_rate_limited_per_ip,
    role_changes_and_disabling_take_effect_at_once,
    admins_cannot_lock_themselves_out,
    users_page_with_cursors_and_search,
);

async fn first_admin_signs_in_and_sees_itself(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    let body = app
        .graphql(
            Some(&token),
            "{ me { email role disabled tenant { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["me"],
        json!({ "email": ADMIN_EMAIL, "role": "ADMIN", "disabled": false, "tenant": { "name": "default" } })
    );
}

async fn bad_credentials_and_tokens_are_unauthenticated(stores: Stores) {
    let app = spawn_app(stores).await;
    let wrong = app.try_login(ADMIN_EMAIL, "not the password").await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"), "{wrong}");
    let unknown = app.try_login("nobody@example.com", ADMIN_PASSWORD).await;
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"], unknown["errors"][0]["message"],
        "no hint which part was wrong"
    );

    let anonymous = app.graphql(None, "{ me { email } }", json!({})).await;
    assert_eq!(error_code(&anonymous), Some("UNAUTHENTICATED"));
    let garbage = app
        .graphql(Some("garbage.token.here"), "{ me { email } }", json!({}))
        .await;
    assert_eq!(error_code(&garbage), Some("UNAUTHENTICATED"));

    // A correctly signed token whose expiry has passed.
    let valid = app.admin_token().await;
    let claims =
        workers::accounts::tokens::decode(&app.services.keys, &valid).expect("a valid token");
    let expired = workers::accounts::tokens::Claims {
        exp: chrono::Utc::now().timestamp() - 10,
        ..claims
    };
    let forged = jsonwebtoken::encode(
        &Header::default(),
        &expired,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    let body = app
        .graphql(Some(&forged), "{ me { email } }", json!({}))
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert_eq!(body["errors"][0]["message"], "token expired");

    // Signed with another secret.
    let other = jsonwebtoken::encode(
        &Header::default(),
        &expired,
        &EncodingKey::from_secret(b"another secret entirely, 32+ chars"),
    )
    .unwrap();
    let body = app
        .graphql(Some(&other), "{ me { email } }", json!({}))
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

async fn logout_revokes_the_token(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    let second = app.admin_token().await;
    let body = app
        .graphql(Some(&token), "mutation { logout }", json!({}))
        .await;
    assert_eq!(body["data"]["logout"], true, "{body}");
    let after = app
        .graphql(Some(&token), "{ me { email } }", json!({}))
        .await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));
    assert_eq!(after["errors"][0]["message"], "token revoked");
    // Only that token: another session of the same user goes on.
    let other = app
        .graphql(Some(&second), "{ me { email } }", json!({}))
        .await;
    assert_eq!(other["data"]["me"]["email"], ADMIN_EMAIL);
    // The revocation survives an emptied cache (the database is the system of record).
    let claims = workers::accounts::tokens::decode(&app.services.keys, &token).unwrap();
    app.services
        .cache
        .delete(&format!("auth:revoked:{}", claims.jti))
        .await
        .unwrap();
    let after = app
        .graphql(Some(&token), "{ me { email } }", json!({}))
        .await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));
}

async fn viewer_cannot_create_users(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "viewer@example.com", "VIEWER")
        .await;
    let viewer = app.login("viewer@example.com", USER_PASSWORD).await;
    let body = app
        .try_create_user(&viewer, "sneaky@example.com", "ADMIN")
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let listing = app
        .graphql(Some(&viewer), "{ users { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&listing), Some("FORBIDDEN"));
    let audit = app
        .graphql(Some(&viewer), "{ auditEvents { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&audit), Some("FORBIDDEN"));
    // A supervisor may read users but not change them.
    app.create_user(&admin, "supervisor@example.com", "SUPERVISOR")
        .await;
    let supervisor = app.login("supervisor@example.com", USER_PASSWORD).await;
    let listing = app
        .graphql(Some(&supervisor), "{ users { totalCount } }", json!({}))
        .await;
    assert_eq!(listing["data"]["users"]["totalCount"], 3, "{listing}");
    let body = app
        .try_create_user(&supervisor, "x@example.com", "VIEWER")
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

async fn other_tenants_users_are_not_found(stores: Stores) {
    let app = spawn_app(stores).await;
    let other_tenant = tenants::create(&app.services.db, "acme").await.unwrap();
    let outsider = users::create_as(
        &app.services,
        &Actor::system(other_tenant.id, "test"),
        users::NewUser {
            email: "boss@acme.example".into(),
            display_name: "Acme Boss".into(),
            role: domain::UserRole::Admin,
            password: USER_PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    let admin = app.admin_token().await;
    let query = "query($id: ID!) { user(id: $id) { email } }";
    let body = app
        .graphql(
            Some(&admin),
            query,
            json!({ "id": outsider.id.to_string() }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let listing = app
        .graphql(
            Some(&admin),
            "{ users { totalCount nodes { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(listing["data"]["users"]["totalCount"], 1, "{listing}");
    // The other tenant's admin cannot see ours either, and its audit log is its own.
    let acme = app.login("boss@acme.example", USER_PASSWORD).await;
    let listing = app
        .graphql(
            Some(&acme),
            "{ users { nodes { email } } auditEvents { nodes { action actorLabel } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listing["data"]["users"]["nodes"],
        json!([{ "email": "boss@acme.example" }])
    );
    let events = listing["data"]["auditEvents"]["nodes"].as_array().unwrap();
    assert!(
        events.iter().all(|e| e["actorLabel"] != ADMIN_EMAIL),
        "{events:?}"
    );
    // And cannot change our users.
    let me = app.graphql(Some(&admin), "{ me { id } }", json!({})).await;
    let update = "mutation($id: ID!) { updateUser(id: $id, input: { role: VIEWER }) { id } }";
    let body = app
        .graphql(Some(&acme), update, json!({ "id": me["data"]["me"]["id"] }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
}

async fn duplicate_email_is_a_conflict_on_the_field(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "dup@example.com", "VIEWER").await;
    let body = app
        .try_create_user(&admin, "  DUP@example.com ", "ADMIN")
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    assert_eq!(error_field(&body), Some("email"));
}

async fn invalid_input_names_the_field(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let body = app.try_create_user(&admin, "not-an-email", "VIEWER").await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(error_field(&body), Some("email"));
    let short = app
        .graphql(
            Some(&admin),
            "mutation { createUser(input: { email: \"a@b.example\", displayName: \"A\", role: VIEWER, password: \"short\" }) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_field(&short), Some("password"), "{short}");
    let bad_id = app
        .graphql(Some(&admin), "{ user(id: \"42\") { email } }", json!({}))
        .await;
    assert_eq!(error_code(&bad_id), Some("BAD_USER_INPUT"));
    let bad_enum = app.try_create_user(&admin, "c@b.example", "OVERLORD").await;
    assert_eq!(error_code(&bad_enum), Some("BAD_USER_INPUT"), "{bad_enum}");
}

async fn login_failures_are_rate_limited_per_account(stores: Stores) {
    let app = spawn_app_with(stores, &["--login-failures-per-account", "3"]).await;
    for _ in 0..3 {
        let body = app.try_login(ADMIN_EMAIL, "wrong password!").await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    // Now even the right password is refused, with a clear reason.
    let body = app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("too many attempts"), "{message}");
    // Other accounts are not affected.
    let token = app.admin_token_of_other_account().await;
    assert!(!token.is_empty());
}

trait OtherAccount {
    async fn admin_token_of_other_account(&self) -> String;
}

impl OtherAccount for tests::TestApp {
    /// Creates a second admin directly and signs it in.
    async fn admin_token_of_other_account(&self) -> String {
        let tenant = tenants::find_by_name(&self.services.db, "default")
            .await
            .unwrap()
            .unwrap();
        users::create_as(
            &self.services,
            &Actor::system(tenant.id, "test"),
            users::NewUser {
                email: "second@example.com".into(),
                display_name: "Second".into(),
                role: domain::UserRole::Admin,
                password: USER_PASSWORD.into(),
            },
        )
        .await
        .unwrap();
        self.login("second@example.com", USER_PASSWORD).await
    }
}

async fn login_failures_are_rate_limited_per_ip(stores: Stores) {
    let app = spawn_app_with(
        stores,
        &["--login-failures-per-ip", "4", "--trust-forwarded-for"],
    )
    .await;
    let attempt = |email: &'static str, password: &'static str, ip: &'static str| {
        let app = &app;
        async move {
            app.graphql_with_headers(
                None,
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": password }),
                &[("x-forwarded-for", ip)],
            )
            .await
        }
    };
    for n in 0..4 {
        let email = ["a@x.example", "b@x.example", "c@x.example", "d@x.example"][n];
        let body = attempt(email, "whatever-password", "203.0.113.9").await;
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("invalid"),
            "{body}"
        );
    }
    let blocked = attempt(ADMIN_EMAIL, ADMIN_PASSWORD, "203.0.113.9").await;
    assert!(
        blocked["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too many attempts"),
        "{blocked}"
    );
    let elsewhere = attempt(ADMIN_EMAIL, ADMIN_PASSWORD, "198.51.100.1").await;
    assert!(
        elsewhere["data"]["login"]["token"].is_string(),
        "{elsewhere}"
    );
}

async fn role_changes_and_disabling_take_effect_at_once(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let id = app
        .create_user(&admin, "carol@example.com", "LIST_MANAGER")
        .await;
    let carol = app.login("carol@example.com", USER_PASSWORD).await;
    let update = "mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { role disabled } }";
    let body = app
        .graphql(
            Some(&admin),
            update,
            json!({ "id": id, "input": { "role": "SUPERVISOR" } }),
        )
        .await;
    assert_eq!(
        body["data"]["updateUser"],
        json!({ "role": "SUPERVISOR", "disabled": false })
    );
    let me = app
        .graphql(
            Some(&carol),
            "{ me { role } users { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(me["data"]["me"]["role"], "SUPERVISOR", "{me}");
    assert_eq!(me["data"]["users"]["totalCount"], 2);

    let body = app
        .graphql(
            Some(&admin),
            update,
            json!({ "id": id, "input": { "disabled": true } }),
        )
        .await;
    assert_eq!(body["data"]["updateUser"]["disabled"], true);
    let after = app
        .graphql(Some(&carol), "{ me { email } }", json!({}))
        .await;
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"));
    let login = app.try_login("carol@example.com", USER_PASSWORD).await;
    assert_eq!(error_code(&login), Some("UNAUTHENTICATED"));

    let body = app
        .graphql(
            Some(&admin),
            update,
            json!({ "id": id, "input": { "disabled": false } }),
        )
        .await;
    assert_eq!(body["data"]["updateUser"]["disabled"], false);
    app.login("carol@example.com", USER_PASSWORD).await;
}

async fn admins_cannot_lock_themselves_out(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    let me = app.graphql(Some(&admin), "{ me { id } }", json!({})).await;
    let update = "mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }";
    let body = app
        .graphql(
            Some(&admin),
            update,
            json!({ "id": me["data"]["me"]["id"], "input": { "disabled": true } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(error_field(&body), Some("disabled"));
    let body = app
        .graphql(
            Some(&admin),
            update,
            json!({ "id": me["data"]["me"]["id"], "input": { "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(error_field(&body), Some("role"));
}

async fn users_page_with_cursors_and_search(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = app.admin_token().await;
    for name in ["u1", "u2", "u3", "u4"] {
        app.create_user(&admin, &format!("{name}@page.example"), "VIEWER")
            .await;
    }
    let query = "query($after: String, $search: String) { users(first: 2, after: $after, search: $search) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { email } } }";
    let mut seen = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let body = app
            .graphql(Some(&admin), query, json!({ "after": after }))
            .await;
        let users = &body["data"]["users"];
        assert_eq!(users["totalCount"], 5, "{body}");
        seen.extend(
            users["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["email"].as_str().unwrap().to_owned()),
        );
        if users["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = users["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        seen,
        [
            "admin@localhost",
            "u1@page.example",
            "u2@page.example",
            "u3@page.example",
            "u4@page.example"
        ]
    );
    let body = app
        .graphql(Some(&admin), query, json!({ "search": "U3" }))
        .await;
    assert_eq!(body["data"]["users"]["totalCount"], 1);
    assert_eq!(
        body["data"]["users"]["nodes"][0]["email"],
        "u3@page.example"
    );
    let body = app
        .graphql(Some(&admin), query, json!({ "after": "!!not a cursor" }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
}
