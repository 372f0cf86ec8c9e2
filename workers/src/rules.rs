//! Saved selection rules and split rules: named, tenant-scoped specifications that an
//! import applies to keep, drop or route records. Both kinds share one set of use
//! cases, parameterised by the spec type ([`RuleSpec`]).

use chrono::{DateTime, Utc};
use domain::selection::SelectionSpec;
use domain::split::SplitSpec;
use domain::{Permission, ValidationError};
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::{ServiceError, Services};

mod table;

use table::{Row, all_rows, delete_row, id_named, save_row, some_rows};

/// Longest rule name, in characters (the column is 100 wide).
pub const MAX_NAME_CHARS: usize = 100;
/// Longest description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 1000;

/// A saved rule with its parsed specification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedRule<S> {
    /// Stable id.
    pub id: Uuid,
    /// Unique within the tenant and the kind.
    pub name: String,
    /// What the rule is for.
    pub description: Option<String>,
    /// The specification.
    pub spec: S,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// What a caller sends to create or replace a rule.
#[derive(Debug, Clone)]
pub struct RuleInput<S> {
    /// The name (trimmed, 1 to 100 characters).
    pub name: String,
    /// An optional description (blank clears it).
    pub description: Option<String>,
    /// The specification, checked before saving.
    pub spec: S,
}

/// A specification that can be saved as a rule: says which table and how to describe it.
pub trait RuleSpec: Serialize + DeserializeOwned + Send + Sync + Sized {
    /// Whether it is stored in `split_rules` (otherwise `selection_rules`).
    const IS_SPLIT: bool;
    /// The audit object type and action prefix.
    const OBJECT_TYPE: &'static str;
    /// How errors name it.
    const WHAT: &'static str;
    /// Rejects a specification that could not run.
    fn validate(&self) -> Result<(), ValidationError>;
    /// A short, data-free summary for the audit log.
    fn summary(&self) -> Value;
}

impl RuleSpec for SelectionSpec {
    const IS_SPLIT: bool = false;
    const OBJECT_TYPE: &'static str = "selection_rule";
    const WHAT: &'static str = "selection rule";
    fn validate(&self) -> Result<(), ValidationError> {
        self.check()
    }
    fn summary(&self) -> Value {
        let conditions: usize = self.sets.iter().map(|set| set.conditions.len()).sum();
        json!({ "sets": self.sets.len(), "conditions": conditions })
    }
}

impl RuleSpec for SplitSpec {
    const IS_SPLIT: bool = true;
    const OBJECT_TYPE: &'static str = "split_rule";
    const WHAT: &'static str = "split rule";
    fn validate(&self) -> Result<(), ValidationError> {
        self.check()
    }
    fn summary(&self) -> Value {
        let by = serde_json::to_value(self)
            .ok()
            .and_then(|value| value.get("by").cloned());
        json!({ "by": by })
    }
}

fn parse<S: RuleSpec>(row: Row) -> Result<SavedRule<S>, ServiceError> {
    let spec = serde_json::from_value(row.spec).map_err(anyhow::Error::from)?;
    Ok(SavedRule {
        id: row.id,
        name: row.name,
        description: row.description,
        spec,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

fn taken<S: RuleSpec>() -> ServiceError {
    ServiceError::conflict("name", format!("is already taken by another {}", S::WHAT))
}

/// A racing insert of the same name loses on the `<table>_tenant_name_key` index.
fn map_name_violation<S: RuleSpec>(error: DbErr) -> ServiceError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => taken::<S>(),
        _ => ServiceError::Database(error),
    }
}

/// Trims and checks the name, description and spec of an input.
fn checked<S: RuleSpec>(input: RuleInput<S>) -> Result<RuleInput<S>, ServiceError> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ValidationError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        )
        .into());
    }
    let description = input
        .description
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    if description
        .as_ref()
        .is_some_and(|text| text.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(ValidationError::new(
            "description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        )
        .into());
    }
    input.spec.validate()?;
    Ok(RuleInput {
        name,
        description,
        spec: input.spec,
    })
}

/// The tenant's rules of one kind, by name.
pub async fn list<S: RuleSpec>(
    services: &Services,
    principal: &Principal,
) -> Result<Vec<SavedRule<S>>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    all_rows::<S>(&services.db, principal.tenant_id)
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// One rule of the tenant.
pub async fn get<S: RuleSpec>(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<SavedRule<S>, ServiceError> {
    principal.require(Permission::ViewLists)?;
    let row = some_rows::<S>(&services.db, principal.tenant_id, &[id])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound(S::WHAT))?;
    parse(row)
}

/// Saves a new rule under a name unique within the tenant and the kind; audited.
pub async fn create<S: RuleSpec>(
    services: &Services,
    principal: &Principal,
    input: RuleInput<S>,
) -> Result<SavedRule<S>, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let input = checked(input)?;
    let now = Utc::now();
    let row = Row {
        id: Uuid::now_v7(),
        tenant_id: principal.tenant_id,
        name: input.name,
        description: input.description,
        spec: serde_json::to_value(&input.spec).map_err(anyhow::Error::from)?,
        created_by: Some(principal.user_id),
        created_at: now,
        updated_at: now,
    };
    let (id, name, description) = (row.id, row.name.clone(), row.description.clone());
    let txn = services.begin().await?;
    if id_named::<S>(&txn, principal.tenant_id, &name)
        .await?
        .is_some()
    {
        return Err(taken::<S>());
    }
    save_row::<S>(&txn, row, true)
        .await
        .map_err(map_name_violation::<S>)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change::<S>("create", id, &name, &input.spec),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(SavedRule {
        id,
        name,
        description,
        spec: input.spec,
        created_at: now,
        updated_at: now,
    })
}

/// Replaces a rule's name, description and spec; audited.
pub async fn update<S: RuleSpec>(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    input: RuleInput<S>,
) -> Result<SavedRule<S>, ServiceError> {
    principal.require(Permission::ManageLists)?;
    let input = checked(input)?;
    let txn = services.begin().await?;
    let current = some_rows::<S>(&txn, principal.tenant_id, &[id])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound(S::WHAT))?;
    if id_named::<S>(&txn, principal.tenant_id, &input.name)
        .await?
        .is_some_and(|other| other != id)
    {
        return Err(taken::<S>());
    }
    let row = Row {
        name: input.name.clone(),
        description: input.description.clone(),
        spec: serde_json::to_value(&input.spec).map_err(anyhow::Error::from)?,
        updated_at: Utc::now(),
        ..current
    };
    let (created_at, updated_at) = (row.created_at, row.updated_at);
    save_row::<S>(&txn, row, false)
        .await
        .map_err(map_name_violation::<S>)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change::<S>("update", id, &input.name, &input.spec),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(SavedRule {
        id,
        name: input.name,
        description: input.description,
        spec: input.spec,
        created_at,
        updated_at,
    })
}

/// Deletes a rule; audited. Imports already queued keep the spec they were given.
pub async fn delete<S: RuleSpec>(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<(), ServiceError> {
    principal.require(Permission::ManageLists)?;
    let txn = services.begin().await?;
    let current = some_rows::<S>(&txn, principal.tenant_id, &[id])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound(S::WHAT))?;
    delete_row::<S>(&txn, principal.tenant_id, id).await?;
    let change = Change {
        action: if S::IS_SPLIT {
            "split_rule.delete"
        } else {
            "selection_rule.delete"
        },
        object_type: S::OBJECT_TYPE,
        object_id: Some(id.to_string()),
        detail: json!({ "name": current.name }),
    };
    let event = audit::record(&txn, &principal.actor(), change).await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(())
}

fn change<S: RuleSpec>(verb: &str, id: Uuid, name: &str, spec: &S) -> Change {
    let action = match (S::IS_SPLIT, verb) {
        (true, "create") => "split_rule.create",
        (true, _) => "split_rule.update",
        (false, "create") => "selection_rule.create",
        (false, _) => "selection_rule.update",
    };
    Change {
        action,
        object_type: S::OBJECT_TYPE,
        object_id: Some(id.to_string()),
        detail: json!({ "name": name, "spec": spec.summary() }),
    }
}

/// The specs of the tenant's selection rules `ids`, in that order, for the import pipeline
/// (which runs without a principal); `NotFound` when one is not the tenant's.
pub async fn selection_specs(
    services: &Services,
    tenant_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<SelectionSpec>, ServiceError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = some_rows::<SelectionSpec>(&services.db, tenant_id, ids).await?;
    ids.iter()
        .map(|id| {
            let at = rows
                .iter()
                .position(|row| row.id == *id)
                .ok_or(ServiceError::NotFound("selection rule"))?;
            let spec: SelectionSpec =
                serde_json::from_value(rows[at].spec.clone()).map_err(anyhow::Error::from)?;
            // Re-checked: a spec saved by an older version may no longer be valid.
            spec.check()?;
            Ok(spec)
        })
        .collect()
}

/// The spec of the tenant's split rule `id`, for the import pipeline; `NotFound` when it
/// is not the tenant's.
pub async fn split_spec(
    services: &Services,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<SplitSpec, ServiceError> {
    let row = some_rows::<SplitSpec>(&services.db, tenant_id, &[id])
        .await?
        .pop()
        .ok_or(ServiceError::NotFound("split rule"))?;
    let spec: SplitSpec = serde_json::from_value(row.spec).map_err(anyhow::Error::from)?;
    spec.check()?;
    Ok(spec)
}
