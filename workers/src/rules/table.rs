//! Table access for saved rules: `selection_rules` and `split_rules` have the same
//! columns, so one macro generates both and the functions below pick by spec type.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use serde_json::Value;
use uuid::Uuid;

use super::RuleSpec;

/// The row shape both rule tables share.
pub(super) struct Row {
    pub(super) id: Uuid,
    pub(super) tenant_id: Uuid,
    pub(super) name: String,
    pub(super) description: Option<String>,
    pub(super) spec: Value,
    pub(super) created_by: Option<Uuid>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
}

/// Generates the table access of one rule table: both tables have the same columns.
macro_rules! rule_table {
    ($module:ident, $entity:ident) => {
        mod $module {
            use super::Row;
            use entity::$entity::{ActiveModel, Column, Entity, Model};
            use sea_orm::{
                ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
                QueryOrder, Set,
            };
            use uuid::Uuid;

            fn row(model: Model) -> Row {
                Row {
                    id: model.id,
                    tenant_id: model.tenant_id,
                    name: model.name,
                    description: model.description,
                    spec: model.spec,
                    created_by: model.created_by,
                    created_at: model.created_at,
                    updated_at: model.updated_at,
                }
            }

            pub(super) async fn all(
                db: &impl ConnectionTrait,
                tenant: Uuid,
            ) -> Result<Vec<Row>, DbErr> {
                let models = Entity::find()
                    .filter(Column::TenantId.eq(tenant))
                    .order_by_asc(Column::Name)
                    .all(db)
                    .await?;
                Ok(models.into_iter().map(row).collect())
            }

            pub(super) async fn some(
                db: &impl ConnectionTrait,
                tenant: Uuid,
                ids: &[Uuid],
            ) -> Result<Vec<Row>, DbErr> {
                let models = Entity::find()
                    .filter(Column::TenantId.eq(tenant))
                    .filter(Column::Id.is_in(ids.iter().copied()))
                    .all(db)
                    .await?;
                Ok(models.into_iter().map(row).collect())
            }

            pub(super) async fn named(
                db: &impl ConnectionTrait,
                tenant: Uuid,
                name: &str,
            ) -> Result<Option<Uuid>, DbErr> {
                let found = Entity::find()
                    .filter(Column::TenantId.eq(tenant))
                    .filter(Column::Name.eq(name))
                    .one(db)
                    .await?;
                Ok(found.map(|model| model.id))
            }

            pub(super) async fn save(
                db: &impl ConnectionTrait,
                saved: Row,
                insert: bool,
            ) -> Result<(), DbErr> {
                let model = ActiveModel {
                    id: Set(saved.id),
                    tenant_id: Set(saved.tenant_id),
                    name: Set(saved.name),
                    description: Set(saved.description),
                    spec: Set(saved.spec),
                    created_by: Set(saved.created_by),
                    created_at: Set(saved.created_at),
                    updated_at: Set(saved.updated_at),
                };
                if insert {
                    model.insert(db).await.map(|_| ())
                } else {
                    model.update(db).await.map(|_| ())
                }
            }

            pub(super) async fn delete(
                db: &impl ConnectionTrait,
                tenant: Uuid,
                id: Uuid,
            ) -> Result<u64, DbErr> {
                let deleted = Entity::delete_many()
                    .filter(Column::TenantId.eq(tenant))
                    .filter(Column::Id.eq(id))
                    .exec(db)
                    .await?;
                Ok(deleted.rows_affected)
            }
        }
    };
}

rule_table!(selection_table, selection_rule);
rule_table!(split_table, split_rule);

pub(super) async fn all_rows<S: RuleSpec>(
    db: &impl ConnectionTrait,
    tenant: Uuid,
) -> Result<Vec<Row>, DbErr> {
    if S::IS_SPLIT {
        split_table::all(db, tenant).await
    } else {
        selection_table::all(db, tenant).await
    }
}

pub(super) async fn some_rows<S: RuleSpec>(
    db: &impl ConnectionTrait,
    tenant: Uuid,
    ids: &[Uuid],
) -> Result<Vec<Row>, DbErr> {
    if S::IS_SPLIT {
        split_table::some(db, tenant, ids).await
    } else {
        selection_table::some(db, tenant, ids).await
    }
}

pub(super) async fn id_named<S: RuleSpec>(
    db: &impl ConnectionTrait,
    tenant: Uuid,
    name: &str,
) -> Result<Option<Uuid>, DbErr> {
    if S::IS_SPLIT {
        split_table::named(db, tenant, name).await
    } else {
        selection_table::named(db, tenant, name).await
    }
}

pub(super) async fn save_row<S: RuleSpec>(
    db: &impl ConnectionTrait,
    row: Row,
    insert: bool,
) -> Result<(), DbErr> {
    if S::IS_SPLIT {
        split_table::save(db, row, insert).await
    } else {
        selection_table::save(db, row, insert).await
    }
}

pub(super) async fn delete_row<S: RuleSpec>(
    db: &impl ConnectionTrait,
    tenant: Uuid,
    id: Uuid,
) -> Result<u64, DbErr> {
    if S::IS_SPLIT {
        split_table::delete(db, tenant, id).await
    } else {
        selection_table::delete(db, tenant, id).await
    }
}
