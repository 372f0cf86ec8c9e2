//! The change feed of suppression lists in the database: every write to a
//! list bumps its `version` and records what that version did in
//! `suppression_changes`, in the writer's transaction; after the commit the
//! writer announces `<list id>:<version>` on [`CHANNEL`]. Every process
//! follows the feed (`super::follow`) to keep its in-memory copy exact.
//!
//! The `UPDATE … RETURNING version` row-locks the list, so the writers of one
//! list commit their versions in order and without gaps; a gap a process sees
//! is a change row pruned after a day, and the process reloads the list.

use chrono::{DateTime, Utc};
use entity::suppression_change;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::query;
use crate::{ServiceError, Services};

/// The cache pub/sub channel that announces a committed change (payload `<list id>:<version>`).
pub(crate) const CHANNEL: &str = "supp:changed";

/// One value an `ADD` put on a list, with its expiry and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AddedEntry {
    pub value: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// What one version of a list did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Values added (values already listed are not in it).
    Add(Vec<AddedEntry>),
    /// Values removed.
    Remove(Vec<String>),
    /// The list changed wholesale (created, or an upload): read it again.
    Reload,
}

impl Change {
    fn op(&self) -> &'static str {
        match self {
            Change::Add(_) => "ADD",
            Change::Remove(_) => "REMOVE",
            Change::Reload => "RELOAD",
        }
    }

    fn entries(&self) -> Result<serde_json::Value, ServiceError> {
        let json = match self {
            Change::Add(entries) => serde_json::to_value(entries),
            Change::Remove(values) => serde_json::to_value(values),
            Change::Reload => Ok(serde_json::Value::Array(Vec::new())),
        };
        Ok(json.map_err(anyhow::Error::from)?)
    }

    /// A stored row back; an unknown op or shape reads as `Reload` (always safe).
    fn parse(op: &str, entries: serde_json::Value) -> Change {
        let parsed = match op {
            "ADD" => serde_json::from_value(entries).map(Change::Add),
            "REMOVE" => serde_json::from_value(entries).map(Change::Remove),
            _ => return Change::Reload,
        };
        parsed.unwrap_or(Change::Reload)
    }
}

/// Bumps the list's version and records `change` under it, inside the writer's
/// transaction; returns the new version.
pub(crate) async fn record(
    txn: &DatabaseTransaction,
    list_id: Uuid,
    change: &Change,
) -> Result<i64, ServiceError> {
    let rows = query(
        txn,
        "UPDATE suppression_lists SET version = version + 1 WHERE id = $1 RETURNING version",
        vec![list_id.into()],
    )
    .await?;
    let version: i64 = rows
        .first()
        .ok_or(ServiceError::NotFound("suppression list"))?
        .try_get("", "version")?;
    suppression_change::ActiveModel {
        list_id: Set(list_id),
        version: Set(version),
        op: Set(change.op().to_owned()),
        entries: Set(change.entries()?),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    Ok(version)
}

/// The changes of a list after version `after`, in order.
pub(crate) async fn since(
    db: &DatabaseConnection,
    list_id: Uuid,
    after: i64,
) -> Result<Vec<(i64, Change)>, ServiceError> {
    let rows = suppression_change::Entity::find()
        .filter(suppression_change::Column::ListId.eq(list_id))
        .filter(suppression_change::Column::Version.gt(after))
        .order_by_asc(suppression_change::Column::Version)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.version, Change::parse(&row.op, row.entries)))
        .collect())
}

/// Announces a committed change to every process; a lost message only delays
/// it until the followers' next tick, so a failure is logged, not returned.
pub(crate) async fn announce(services: &Services, list_id: Uuid, version: i64) {
    let payload = format!("{list_id}:{version}");
    if let Err(error) = services.cache.publish(CHANNEL, &payload).await {
        tracing::warn!(%error, %list_id, "announcing a suppression change failed");
    }
}

/// Deletes change rows written before `before` (housekeeping; a process that
/// still needed them sees a gap and reloads the list).
pub async fn prune_changes(
    services: &Services,
    before: DateTime<Utc>,
) -> Result<u64, ServiceError> {
    let deleted = suppression_change::Entity::delete_many()
        .filter(suppression_change::Column::CreatedAt.lt(before))
        .exec(&services.db)
        .await?;
    Ok(deleted.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_round_trip_through_their_rows() {
        let add = Change::Add(vec![AddedEntry {
            value: "+12024561414".into(),
            expires_at: None,
            reason: Some("asked".into()),
        }]);
        let remove = Change::Remove(vec!["a@b.example".into()]);
        for change in [add, remove, Change::Reload] {
            let entries = change.entries().unwrap();
            assert_eq!(Change::parse(change.op(), entries), change);
        }
        assert_eq!(
            Change::parse("ADD", serde_json::json!({ "bad": 1 })),
            Change::Reload
        );
    }
}
