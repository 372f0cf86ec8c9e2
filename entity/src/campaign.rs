//! `campaigns`: the seed's campaign group — a template, lists, filters, order — and its state.

use sea_orm::entity::prelude::*;

/// A campaign and where its load stands.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub template_id: Uuid,
    /// `campaign::CampaignState` name.
    pub state: String,
    /// `[{ "listId", "weight" }]` in list order.
    pub lists: Json,
    /// `campaign::ListMix` name.
    pub list_mix: String,
    /// Saved selection rules a contact must pass (any of them), as ids.
    pub selection_rule_ids: Json,
    /// `[campaign::SortField]`.
    pub record_order: Json,
    pub agent_group: Option<String>,
    /// `NOT_LOADED`, `LOADING`, `READY`, `FAILED`.
    pub load_status: String,
    pub load_error: Option<String>,
    pub load_started_at: Option<DateTimeUtc>,
    pub load_finished_at: Option<DateTimeUtc>,
    /// The last member seq whose records are in the calling list.
    pub load_cursor: i64,
    /// Contacts the load takes in.
    pub load_members: i64,
    /// Devices left out, by reason.
    pub excluded: Json,
    pub state_changed_at: DateTimeUtc,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
