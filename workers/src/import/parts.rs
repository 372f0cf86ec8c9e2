//! The lists an import writes to: the job's own list, or with a split rule one
//! list per part, found by name (`<list> – <part>`) or created inside the
//! import's transaction, with what each received.

use chrono::Utc;
use domain::ListStatus;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use super::ImportMode;
use super::load::{LoadError, flush};

/// The lists an import writes to: the job's list, or one list per split part
/// (found by name, `<list> – <part>`, or created in the import's transaction).
pub struct Parts {
    base: entity::contact_list::Model,
    /// Whether a split rule cuts the upload.
    pub split: bool,
    lists: Vec<Option<(Uuid, String)>>,
    /// Contacts written to each part so far.
    pub accepted: Vec<i64>,
}

impl Parts {
    /// The lists of an import into `base`.
    pub fn new(base: entity::contact_list::Model, split: bool) -> Self {
        Parts {
            base,
            split,
            lists: Vec::new(),
            accepted: Vec::new(),
        }
    }

    /// The list part `part` goes to, found or created on first use.
    pub async fn list_for(
        &mut self,
        txn: &DatabaseTransaction,
        part: usize,
        names: &[String],
        mode: ImportMode,
    ) -> Result<Uuid, LoadError> {
        if self.lists.len() <= part {
            self.lists.resize(part + 1, None);
            self.accepted.resize(part + 1, 0);
        }
        if let Some((id, _)) = &self.lists[part] {
            return Ok(*id);
        }
        let (id, name) = if self.split {
            let suffix = names.get(part).map_or("part", String::as_str);
            let name: String = format!("{} – {suffix}", self.base.name)
                .chars()
                .take(200)
                .collect();
            let existing = entity::contact_list::Entity::find()
                .filter(entity::contact_list::Column::TenantId.eq(self.base.tenant_id))
                .filter(entity::contact_list::Column::Name.eq(name.clone()))
                .one(txn)
                .await?;
            let id = match existing {
                Some(list) => {
                    if mode == ImportMode::FlushAppend {
                        flush(txn, list.id).await?;
                    }
                    list.id
                }
                None => self.create(txn, &name).await?,
            };
            (id, name)
        } else {
            (self.base.id, self.base.name.clone())
        };
        self.lists[part] = Some((id, name));
        Ok(id)
    }

    async fn create(&self, txn: &DatabaseTransaction, name: &str) -> Result<Uuid, LoadError> {
        let now = Utc::now();
        let list = entity::contact_list::ActiveModel {
            id: Set(Uuid::now_v7()),
            tenant_id: Set(self.base.tenant_id),
            name: Set(name.to_owned()),
            description: Set(Some(format!("Split from {}", self.base.name))),
            status: Set(ListStatus::Importing.as_str().to_owned()),
            channel: Set(self.base.channel.clone()),
            caller_id: Set(self.base.caller_id.clone()),
            default_mapping_id: Set(None),
            contact_count: Set(0),
            device_count: Set(0),
            created_by: Set(self.base.created_by),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
        Ok(list.id)
    }

    /// Every list written to, the job's own first.
    pub fn touched(&self) -> Vec<Uuid> {
        let mut ids = vec![self.base.id];
        ids.extend(self.lists.iter().flatten().map(|(id, _)| *id));
        ids.dedup();
        ids
    }

    /// What the job reports of a split: `[{ listId, name, accepted }]`.
    pub fn report(&self) -> Option<serde_json::Value> {
        self.split.then(|| {
            self.lists
                .iter()
                .zip(&self.accepted)
                .filter_map(|(list, accepted)| {
                    list.as_ref().map(
                        |(id, name)| json!({ "listId": id, "name": name, "accepted": accepted }),
                    )
                })
                .collect()
        })
    }
}
