//! Housekeeping of the `scheduler` role.

use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use tests::{Stores, on_both_stores, spawn_app_with};
use workers::maintenance::purge_expired_revocations;

on_both_stores!(expired_revocations_are_purged_and_live_ones_kept);

async fn expired_revocations_are_purged_and_live_ones_kept(stores: Stores) {
    // Without the scheduler role, whose own hourly run would race this test's purge.
    let app = spawn_app_with(stores, &["--roles", "api"]).await;
    let user = entity::user::Entity::find()
        .one(&app.services.db)
        .await
        .unwrap()
        .unwrap();
    for (jti, expires_in) in [
        ("expired", -Duration::minutes(5)),
        ("live", Duration::hours(1)),
    ] {
        entity::revoked_token::ActiveModel {
            jti: Set(jti.into()),
            user_id: Set(user.id),
            expires_at: Set(Utc::now() + expires_in),
            revoked_at: Set(Utc::now()),
        }
        .insert(&app.services.db)
        .await
        .unwrap();
    }
    assert_eq!(purge_expired_revocations(&app.services).await.unwrap(), 1);
    let left: Vec<String> = entity::revoked_token::Entity::find()
        .all(&app.services.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.jti)
        .collect();
    assert_eq!(left, ["live"]);
}
