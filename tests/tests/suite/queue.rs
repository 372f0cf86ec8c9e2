//! The durable task queue: claims, leases, crashes, retries — on both databases.

use std::collections::HashSet;
use std::time::Duration;

use sea_orm::{EntityTrait, TransactionTrait};
use serde_json::json;
use tests::{Stores, on_both_stores, spawn_app};
use workers::queue::{self, NewTask, status};

on_both_stores!(
    a_task_is_claimed_once_and_completed,
    a_dead_workers_task_is_taken_over_after_its_lease,
    failures_retry_with_backoff_then_fail_for_good,
    concurrent_claimers_never_share_a_task,
    enqueue_is_part_of_the_callers_transaction,
);

fn task(kind: &'static str, n: i64) -> NewTask {
    NewTask {
        kind,
        tenant_id: None,
        payload: json!({ "n": n }),
        run_at: None,
        max_attempts: 3,
    }
}

const LEASE: Duration = Duration::from_secs(60);

async fn a_task_is_claimed_once_and_completed(stores: Stores) {
    let app = spawn_app(stores).await;
    let db = &app.services.db;
    let id = queue::enqueue(db, task("test.work", 7)).await.unwrap();
    assert!(
        queue::claim(db, &["other.kind"], "w1", LEASE)
            .await
            .unwrap()
            .is_none(),
        "kinds are respected"
    );
    let claimed = queue::claim(db, &["test.work"], "w1", LEASE)
        .await
        .unwrap()
        .expect("a task");
    assert_eq!(
        (claimed.id, claimed.attempts, claimed.payload.clone()),
        (id, 1, json!({ "n": 7 }))
    );
    assert!(
        queue::claim(db, &["test.work"], "w2", LEASE)
            .await
            .unwrap()
            .is_none(),
        "held by w1"
    );
    assert!(queue::heartbeat(db, &claimed, LEASE).await.unwrap());
    assert!(queue::complete(db, &claimed).await.unwrap());
    let row = entity::queue_task::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, status::DONE);
    assert!(
        queue::claim(db, &["test.work"], "w2", LEASE)
            .await
            .unwrap()
            .is_none(),
        "done tasks stay done"
    );
}

async fn a_dead_workers_task_is_taken_over_after_its_lease(stores: Stores) {
    let app = spawn_app(stores).await;
    let db = &app.services.db;
    queue::enqueue(db, task("test.work", 1)).await.unwrap();
    let dead = queue::claim(db, &["test.work"], "dead", Duration::from_millis(300))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let alive = queue::claim(db, &["test.work"], "alive", LEASE)
        .await
        .unwrap()
        .expect("taken over");
    assert_eq!(alive.id, dead.id);
    assert_eq!(alive.attempts, 2);
    // The dead worker, if it wakes up, can neither heartbeat nor complete: nothing is done twice.
    assert!(!queue::heartbeat(db, &dead, LEASE).await.unwrap());
    assert!(!queue::complete(db, &dead).await.unwrap());
    assert!(queue::complete(db, &alive).await.unwrap());
}

async fn failures_retry_with_backoff_then_fail_for_good(stores: Stores) {
    let app = spawn_app(stores).await;
    let db = &app.services.db;
    let id = queue::enqueue(
        db,
        NewTask {
            max_attempts: 2,
            ..task("test.work", 1)
        },
    )
    .await
    .unwrap();
    let first = queue::claim(db, &["test.work"], "w", LEASE)
        .await
        .unwrap()
        .unwrap();
    assert!(
        queue::fail(db, &first, "transient", Duration::from_millis(300))
            .await
            .unwrap()
    );
    assert!(
        queue::claim(db, &["test.work"], "w", LEASE)
            .await
            .unwrap()
            .is_none(),
        "not before the back-off"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    let second = queue::claim(db, &["test.work"], "w", LEASE)
        .await
        .unwrap()
        .expect("retried");
    assert_eq!(second.attempts, 2);
    assert!(
        queue::fail(db, &second, "still broken", Duration::from_millis(1))
            .await
            .unwrap()
    );
    let row = entity::queue_task::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, status::FAILED);
    assert_eq!(row.last_error.as_deref(), Some("still broken"));
}

async fn concurrent_claimers_never_share_a_task(stores: Stores) {
    let app = spawn_app(stores).await;
    let db = app.services.db.clone();
    for n in 0..40 {
        queue::enqueue(&db, task("test.work", n)).await.unwrap();
    }
    let mut workers = tokio::task::JoinSet::new();
    for worker in 0..4 {
        let db = db.clone();
        workers.spawn(async move {
            let name = format!("w{worker}");
            let mut mine = Vec::new();
            while let Some(claimed) = queue::claim(&db, &["test.work"], &name, LEASE)
                .await
                .unwrap()
            {
                mine.push(claimed.id);
                queue::complete(&db, &claimed).await.unwrap();
            }
            mine
        });
    }
    let mut seen = HashSet::new();
    let mut total = 0;
    while let Some(result) = workers.join_next().await {
        for id in result.unwrap() {
            total += 1;
            assert!(seen.insert(id), "task {id} was claimed twice");
        }
    }
    assert_eq!(total, 40);
}

async fn enqueue_is_part_of_the_callers_transaction(stores: Stores) {
    let app = spawn_app(stores).await;
    let db = &app.services.db;
    let txn = db.begin().await.unwrap();
    queue::enqueue(&txn, task("test.work", 1)).await.unwrap();
    txn.rollback().await.unwrap();
    assert!(
        queue::claim(db, &["test.work"], "w", LEASE)
            .await
            .unwrap()
            .is_none(),
        "rolled back with the change"
    );
}
