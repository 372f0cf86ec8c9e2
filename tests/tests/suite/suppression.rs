//! Suppression lists through the use cases (no API yet): creation, normalised entries,
//! duplicates, expiry, global and tenant scope, removal and permissions.

use chrono::{Duration, Utc};
use domain::suppression::{SuppressionKind, SuppressionSource};
use domain::{Channel, DefaultCountry, UserRole};
use tests::{Stores, TestApp, USER_PASSWORD, on_both_stores, spawn_app};
use workers::ServiceError;
use workers::accounts::principal::Principal;
use workers::suppression::{self, NewSuppressionList};

on_both_stores!(
    entries_are_normalised_counted_and_removed,
    expiry_and_channels_are_respected,
    global_lists_apply_to_every_tenant_and_tenant_lists_only_to_theirs,
    viewers_read_but_cannot_change_suppression_lists,
    housekeeping_purges_expired_entries_from_the_database_and_the_mirror,
);

async fn principal(app: &TestApp, token: &str) -> Principal {
    workers::accounts::users::authenticate(&app.services, token, None)
        .await
        .unwrap()
}

fn us() -> Option<DefaultCountry> {
    DefaultCountry::parse("country", "US").ok()
}

fn new_list(name: &str, global: bool) -> NewSuppressionList {
    NewSuppressionList {
        name: name.into(),
        kind: SuppressionKind::Phone,
        channels: vec![Channel::Voice, Channel::Sms],
        description: Some("do not call".into()),
        global,
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

async fn other_tenant_admin(app: &TestApp) -> Principal {
    let other = workers::accounts::tenants::create(&app.services.db, "acme")
        .await
        .unwrap();
    workers::accounts::users::create_as(
        &app.services,
        &workers::audit::Actor::system(other.id, "test"),
        workers::accounts::users::NewUser {
            email: "boss@acme.example".into(),
            display_name: "Boss".into(),
            role: UserRole::Admin,
            password: USER_PASSWORD.into(),
        },
    )
    .await
    .unwrap();
    let token = app.login("boss@acme.example", USER_PASSWORD).await;
    principal(app, &token).await
}

async fn entries_are_normalised_counted_and_removed(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = principal(&app, &app.admin_token().await).await;
    let list = suppression::create_list(&app.services, &admin, new_list("DNC", false))
        .await
        .unwrap();
    assert_eq!(list.tenant_id, Some(admin.tenant_id));
    assert_eq!(list.channels, "VOICE,SMS");
    let duplicate = suppression::create_list(&app.services, &admin, new_list("DNC", false)).await;
    assert!(matches!(
        duplicate,
        Err(ServiceError::Conflict { field: "name", .. })
    ));

    let outcome = suppression::add_entries(
        &app.services,
        &admin,
        list.id,
        &strings(&["(202) 456-1414", "+1 202 456 1414", "12", "415-867-5309"]),
        Some("asked"),
        SuppressionSource::Api,
        None,
        us(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.added, 2);
    assert_eq!(outcome.already_present, 1);
    assert_eq!(outcome.rejected.len(), 1);
    assert_eq!(outcome.rejected[0].0, "12");
    assert!(!outcome.rejected[0].1.is_empty());

    let again = suppression::add_entries(
        &app.services,
        &admin,
        list.id,
        &strings(&["202.456.1414"]),
        None,
        SuppressionSource::Upload,
        None,
        us(),
    )
    .await
    .unwrap();
    assert_eq!((again.added, again.already_present), (0, 1));

    let at = Utc::now();
    let hit = suppression::is_suppressed(
        &app.services,
        admin.tenant_id,
        SuppressionKind::Phone,
        "+12024561414",
        Channel::Voice,
        at,
    )
    .await
    .unwrap()
    .expect("suppressed");
    assert_eq!(hit.list_name, "DNC");
    assert_eq!(hit.reason.as_deref(), Some("asked"));

    let removed = suppression::remove_entries(
        &app.services,
        &admin,
        list.id,
        &strings(&["(202) 456-1414"]),
        us(),
    )
    .await
    .unwrap();
    assert_eq!(removed, 1);
    let gone = suppression::is_suppressed(
        &app.services,
        admin.tenant_id,
        SuppressionKind::Phone,
        "+12024561414",
        Channel::Voice,
        at,
    )
    .await
    .unwrap();
    assert!(gone.is_none());
    let listed = suppression::lists(&app.services, &admin).await.unwrap();
    assert_eq!(listed.len(), 1);
}

async fn expiry_and_channels_are_respected(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = principal(&app, &app.admin_token().await).await;
    let list = suppression::create_list(&app.services, &admin, new_list("Temporary", false))
        .await
        .unwrap();
    let now = Utc::now();
    suppression::add_entries(
        &app.services,
        &admin,
        list.id,
        &strings(&["+12024561414"]),
        None,
        SuppressionSource::Agent,
        Some(now + Duration::days(1)),
        None,
    )
    .await
    .unwrap();
    let check = |at, channel| {
        suppression::is_suppressed(
            &app.services,
            admin.tenant_id,
            SuppressionKind::Phone,
            "+12024561414",
            channel,
            at,
        )
    };
    assert!(check(now, Channel::Voice).await.unwrap().is_some());
    assert!(check(now, Channel::Sms).await.unwrap().is_some());
    assert!(check(now, Channel::Email).await.unwrap().is_none());
    assert!(
        check(now + Duration::days(2), Channel::Voice)
            .await
            .unwrap()
            .is_none()
    );
}

async fn global_lists_apply_to_every_tenant_and_tenant_lists_only_to_theirs(stores: Stores) {
    let app = spawn_app(stores).await;
    let admin = principal(&app, &app.admin_token().await).await;
    let acme = other_tenant_admin(&app).await;
    let global = suppression::create_list(&app.services, &admin, new_list("National", true))
        .await
        .unwrap();
    assert_eq!(global.tenant_id, None);
    let own = suppression::create_list(&app.services, &admin, new_list("Ours", false))
        .await
        .unwrap();
    for (list, value) in [(global.id, "+12024561414"), (own.id, "+14158675309")] {
        suppression::add_entries(
            &app.services,
            &admin,
            list,
            &strings(&[value]),
            None,
            SuppressionSource::Api,
            None,
            None,
        )
        .await
        .unwrap();
    }
    let now = Utc::now();
    for tenant in [admin.tenant_id, acme.tenant_id] {
        let hit = suppression::is_suppressed(
            &app.services,
            tenant,
            SuppressionKind::Phone,
            "+12024561414",
            Channel::Voice,
            now,
        )
        .await
        .unwrap();
        assert!(hit.is_some(), "global list applies to {tenant}");
    }
    let theirs = suppression::is_suppressed(
        &app.services,
        acme.tenant_id,
        SuppressionKind::Phone,
        "+14158675309",
        Channel::Voice,
        now,
    )
    .await
    .unwrap();
    assert!(theirs.is_none());
    let acme_lists = suppression::lists(&app.services, &acme).await.unwrap();
    assert_eq!(
        acme_lists.iter().map(|l| l.id).collect::<Vec<_>>(),
        vec![global.id]
    );
    let foreign = suppression::add_entries(
        &app.services,
        &acme,
        own.id,
        &strings(&["+12025550143"]),
        None,
        SuppressionSource::Api,
        None,
        None,
    )
    .await;
    assert!(matches!(foreign, Err(ServiceError::NotFound(_))));
}

async fn viewers_read_but_cannot_change_suppression_lists(stores: Stores) {
    let app = spawn_app(stores).await;
    let token = app.admin_token().await;
    let admin = principal(&app, &token).await;
    let list = suppression::create_list(&app.services, &admin, new_list("DNC", false))
        .await
        .unwrap();
    app.create_user(&token, "viewer@example.com", "VIEWER")
        .await;
    let viewer = principal(&app, &app.login("viewer@example.com", USER_PASSWORD).await).await;
    assert_eq!(
        suppression::lists(&app.services, &viewer)
            .await
            .unwrap()
            .len(),
        1
    );
    let created = suppression::create_list(&app.services, &viewer, new_list("Mine", false)).await;
    assert!(matches!(created, Err(ServiceError::Forbidden)));
    let added = suppression::add_entries(
        &app.services,
        &viewer,
        list.id,
        &strings(&["+12024561414"]),
        None,
        SuppressionSource::Api,
        None,
        None,
    )
    .await;
    assert!(matches!(added, Err(ServiceError::Forbidden)));
    let removed =
        suppression::remove_entries(&app.services, &viewer, list.id, &strings(&["x"]), None).await;
    assert!(matches!(removed, Err(ServiceError::Forbidden)));
}

/// Expired entries leave the database and the mirror; live ones stay.
async fn housekeeping_purges_expired_entries_from_the_database_and_the_mirror(stores: Stores) {
    // Every role but the scheduler: its own housekeeping pass at start-up
    // would race this test's call for the expired entry.
    let app = tests::spawn_app_with(
        stores,
        &["--roles", "api,lists,compliance,campaigns,dial-manager"],
    )
    .await;
    let admin = principal(&app, &app.admin_token().await).await;
    let list = suppression::create_list(&app.services, &admin, new_list("Short", false))
        .await
        .unwrap();
    let now = Utc::now();
    for (value, expires) in [
        ("+12024561414", now - Duration::hours(1)),
        ("+14158675309", now + Duration::days(1)),
    ] {
        suppression::add_entries(
            &app.services,
            &admin,
            list.id,
            &strings(&[value]),
            None,
            SuppressionSource::Api,
            Some(expires),
            None,
        )
        .await
        .unwrap();
    }
    assert_eq!(
        suppression::purge_expired(&app.services, now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        suppression::entry_count(&app.services, list.id)
            .await
            .unwrap(),
        1
    );
    let mirrored = suppression::mirror::mirrored(&app.services, list.id)
        .await
        .unwrap();
    assert_eq!(
        mirrored,
        (1, true),
        "gone from the mirror, the live entry stays"
    );
}
