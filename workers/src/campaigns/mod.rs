//! The Campaign Manager: templates, campaigns and their state machine, the
//! preload that builds a campaign's calling list (`load.rs`, role `campaigns`),
//! record leases for dialers (`lease.rs`), treatments of call results
//! (`treat.rs`), live statistics (`stats.rs`) and the dialability breakdown
//! (`dialability.rs`). The pure rules live in the `campaign` crate.

use campaign::{CampaignState, ListMix, SortField, TemplateSettings, Transition};
use chrono::{DateTime, Utc};
use domain::{Permission, ValidationError};
use entity::{campaign as campaign_row, contact_list, selection_rule};
use futures::{Stream, StreamExt};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, SqlErr,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::{ServiceError, Services};

pub mod dialability;
pub mod lease;
pub mod load;
pub mod stats;
pub mod templates;
pub mod treat;

/// Longest name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Most contact lists one campaign dials.
pub const MAX_LISTS: usize = 20;

/// Load states, as stored.
pub mod load_status {
    /// Never loaded, or unloaded.
    pub const NOT_LOADED: &str = "NOT_LOADED";
    /// The calling list is being built; records already built can be dialled.
    pub const LOADING: &str = "LOADING";
    /// Built.
    pub const READY: &str = "READY";
    /// The build failed; `load_error` says why.
    pub const FAILED: &str = "FAILED";
}

/// One contact list of a campaign and its share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CampaignList {
    /// The list.
    pub list_id: Uuid,
    /// Its weight when lists are mixed by weight (1 to 100).
    pub weight: u32,
}

/// Devices a load left out of the calling list, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Excluded {
    /// On a suppression list.
    pub suppressed: i64,
    /// Never dialable in this campaign's mode (wrong kind, no consent, not a valid number).
    pub undialable: i64,
    /// Contacts the campaign's selection rules dropped.
    pub filtered: i64,
}

/// A campaign as the API shows it.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The stored row.
    pub row: campaign_row::Model,
    /// Its state.
    pub state: CampaignState,
    /// Its lists in order.
    pub lists: Vec<CampaignList>,
    /// How the lists are mixed.
    pub list_mix: ListMix,
    /// Selection rules a contact must pass (any of them).
    pub selection_rule_ids: Vec<Uuid>,
    /// The record order.
    pub record_order: Vec<SortField>,
    /// What the last load left out.
    pub excluded: Excluded,
}

/// What a caller sends to create or replace a campaign.
#[derive(Debug, Clone)]
pub struct CampaignInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// The template it dials with.
    pub template_id: Uuid,
    /// One to twenty lists, in order.
    pub lists: Vec<CampaignList>,
    /// How the lists are mixed.
    pub list_mix: ListMix,
    /// Selection rules as filters (a contact passing any is kept; none: all).
    pub selection_rule_ids: Vec<Uuid>,
    /// Up to four sort fields.
    pub record_order: Vec<SortField>,
    /// Overrides the template's agent group.
    pub agent_group: Option<String>,
}

/// A state change, as announced to live subscribers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateChange {
    /// The campaign.
    pub campaign_id: Uuid,
    /// Its name.
    pub name: String,
    /// The state before.
    pub from: CampaignState,
    /// The state now.
    pub to: CampaignState,
    /// What was asked.
    pub transition: Transition,
    /// Who asked.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

pub(crate) fn parse_json<T: DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, ServiceError> {
    Ok(serde_json::from_value(value.clone()).map_err(anyhow::Error::from)?)
}

/// Parses a stored campaign row.
pub fn parse(row: campaign_row::Model) -> Result<Campaign, ServiceError> {
    let state = CampaignState::parse(&row.state)
        .ok_or_else(|| anyhow::anyhow!("unknown campaign state {:?}", row.state))?;
    let list_mix = parse_json(&json!(row.list_mix))?;
    Ok(Campaign {
        state,
        lists: parse_json(&row.lists)?,
        list_mix,
        selection_rule_ids: parse_json(&row.selection_rule_ids)?,
        record_order: parse_json(&row.record_order)?,
        excluded: parse_json(&row.excluded).unwrap_or_default(),
        row,
    })
}

/// Trims and checks a name and description.
pub(crate) fn checked_name(
    name: &str,
    description: Option<&str>,
) -> Result<(String, Option<String>), ServiceError> {
    let name = name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ValidationError::new(
            "name",
            format!("must be 1 to {MAX_NAME_CHARS} characters"),
        )
        .into());
    }
    let description = description
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty());
    if description
        .as_ref()
        .is_some_and(|text| text.chars().count() > 1000)
    {
        return Err(ValidationError::new("description", "must be at most 1000 characters").into());
    }
    Ok((name, description))
}

/// A racing insert of the same name loses on the unique `(tenant_id, name)` index.
pub(crate) fn map_name_violation(error: DbErr, what: &str) -> ServiceError {
    match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            ServiceError::conflict("name", format!("is already taken by another {what}"))
        }
        _ => ServiceError::Database(error),
    }
}

/// Reads one campaign of a tenant, row-locked on PostgreSQL when `lock` is set.
pub async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
    lock: bool,
) -> Result<Campaign, ServiceError> {
    let mut query =
        campaign_row::Entity::find_by_id(id).filter(campaign_row::Column::TenantId.eq(tenant_id));
    if lock {
        query = query.lock_exclusive();
    }
    let row = query
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("campaign"))?;
    parse(row)
}

/// The tenant's campaigns by name.
pub async fn list(
    services: &Services,
    principal: &Principal,
) -> Result<Vec<Campaign>, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    campaign_row::Entity::find()
        .filter(campaign_row::Column::TenantId.eq(principal.tenant_id))
        .order_by_asc(campaign_row::Column::Name)
        .all(&services.db)
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// One campaign.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Campaign, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    find(&services.db, principal.tenant_id, id, false).await
}

/// Checks a campaign input against the tenant's template, lists and rules.
async fn checked(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    input: CampaignInput,
) -> Result<CampaignInput, ServiceError> {
    let (name, description) = checked_name(&input.name, input.description.as_deref())?;
    templates::find(conn, tenant_id, input.template_id)
        .await
        .map_err(|error| match error {
            ServiceError::NotFound(_) => {
                ValidationError::new("templateId", "is not a template of this tenant").into()
            }
            other => other,
        })?;
    if input.lists.is_empty() || input.lists.len() > MAX_LISTS {
        return Err(ValidationError::new(
            "lists",
            format!("must name 1 to {MAX_LISTS} contact lists"),
        )
        .into());
    }
    for (index, list) in input.lists.iter().enumerate() {
        if !(1..=100).contains(&list.weight) {
            return Err(ValidationError::new("lists", "weights must be 1 to 100").into());
        }
        if input.lists[..index]
            .iter()
            .any(|earlier| earlier.list_id == list.list_id)
        {
            return Err(ValidationError::new("lists", "names a list twice").into());
        }
    }
    let ids: Vec<Uuid> = input.lists.iter().map(|list| list.list_id).collect();
    let found = contact_list::Entity::find()
        .filter(contact_list::Column::TenantId.eq(tenant_id))
        .filter(contact_list::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?;
    if found.len() != ids.len() {
        return Err(ValidationError::new(
            "lists",
            "names a contact list this tenant does not have",
        )
        .into());
    }
    if let Some(archived) = found.iter().find(|list| list.status == "ARCHIVED") {
        return Err(
            ValidationError::new("lists", format!("{:?} is archived", archived.name)).into(),
        );
    }
    if !input.selection_rule_ids.is_empty() {
        let rules = selection_rule::Entity::find()
            .filter(selection_rule::Column::TenantId.eq(tenant_id))
            .filter(selection_rule::Column::Id.is_in(input.selection_rule_ids.clone()))
            .all(conn)
            .await?;
        if rules.len() != input.selection_rule_ids.len() {
            return Err(ValidationError::new(
                "selectionRuleIds",
                "names a selection rule this tenant does not have",
            )
            .into());
        }
    }
    campaign::settings::check_record_order(&input.record_order)?;
    let agent_group = input
        .agent_group
        .map(|group| group.trim().to_owned())
        .filter(|group| !group.is_empty());
    if agent_group
        .as_ref()
        .is_some_and(|group| group.chars().count() > 100)
    {
        return Err(ValidationError::new("agentGroup", "must be at most 100 characters").into());
    }
    Ok(CampaignInput {
        name,
        description,
        agent_group,
        ..input
    })
}

fn to_json<T: Serialize>(value: &T) -> Result<serde_json::Value, ServiceError> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

fn mix_name(mix: ListMix) -> String {
    match mix {
        ListMix::Weighted => "WEIGHTED",
        ListMix::Ordered => "ORDERED",
    }
    .to_owned()
}

/// Creates an unloaded campaign; audited.
pub async fn create(
    services: &Services,
    principal: &Principal,
    input: CampaignInput,
) -> Result<Campaign, ServiceError> {
    principal.require(Permission::ManageCampaigns)?;
    let txn = services.begin().await?;
    let input = checked(&txn, principal.tenant_id, input).await?;
    let now = Utc::now();
    let row = campaign_row::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(input.name),
        description: Set(input.description),
        template_id: Set(input.template_id),
        state: Set(CampaignState::Unloaded.as_str().to_owned()),
        lists: Set(to_json(&input.lists)?),
        list_mix: Set(mix_name(input.list_mix)),
        selection_rule_ids: Set(to_json(&input.selection_rule_ids)?),
        record_order: Set(to_json(&input.record_order)?),
        agent_group: Set(input.agent_group),
        load_status: Set(load_status::NOT_LOADED.to_owned()),
        load_error: Set(None),
        load_started_at: Set(None),
        load_finished_at: Set(None),
        load_cursor: Set(0),
        load_members: Set(0),
        excluded: Set(to_json(&Excluded::default())?),
        state_changed_at: Set(now),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|error| map_name_violation(error, "campaign"))?;
    stats::create_row(&txn, row.id).await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "campaign.create",
            object_type: "campaign",
            object_id: Some(row.id.to_string()),
            detail: json!({ "name": row.name, "templateId": row.template_id, "lists": row.lists }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    parse(row)
}

/// Replaces an unloaded campaign's settings (a loaded one is `CONFLICT`); audited.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    input: CampaignInput,
) -> Result<Campaign, ServiceError> {
    principal.require(Permission::ManageCampaigns)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id, true).await?;
    require_unloaded(&existing, "editing")?;
    let input = checked(&txn, principal.tenant_id, input).await?;
    let mut active: campaign_row::ActiveModel = existing.row.into();
    active.name = Set(input.name);
    active.description = Set(input.description);
    active.template_id = Set(input.template_id);
    active.lists = Set(to_json(&input.lists)?);
    active.list_mix = Set(mix_name(input.list_mix));
    active.selection_rule_ids = Set(to_json(&input.selection_rule_ids)?);
    active.record_order = Set(to_json(&input.record_order)?);
    active.agent_group = Set(input.agent_group);
    active.updated_at = Set(Utc::now());
    let row = active
        .update(&txn)
        .await
        .map_err(|error| map_name_violation(error, "campaign"))?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "campaign.update",
            object_type: "campaign",
            object_id: Some(row.id.to_string()),
            detail: json!({ "name": row.name, "templateId": row.template_id, "lists": row.lists }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    parse(row)
}

/// Deletes an unloaded campaign with its calling list; audited.
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Uuid, ServiceError> {
    principal.require(Permission::ManageCampaigns)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id, true).await?;
    require_unloaded(&existing, "deleting")?;
    // PostgreSQL has no cascade for the preload's tables (see `load`); the
    // row lock taken above waited for any load transaction holding the row,
    // so these deletes see its records.
    campaign_row::Entity::delete_by_id(id).exec(&txn).await?;
    for table in [
        "calling_list_records",
        "campaign_members",
        "campaign_candidates",
    ] {
        crate::db::execute(
            &txn,
            &format!("DELETE FROM {table} WHERE campaign_id = $1"),
            vec![id.into()],
        )
        .await?;
    }
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "campaign.delete",
            object_type: "campaign",
            object_id: Some(id.to_string()),
            detail: json!({ "name": existing.row.name }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(id)
}

/// Settings change, and a campaign goes, only while nothing is loaded.
fn require_unloaded(campaign: &Campaign, doing: &str) -> Result<(), ServiceError> {
    if campaign.state.editable() {
        return Ok(());
    }
    Err(ServiceError::conflict(
        "state",
        format!(
            "is {}: unload the campaign before {doing} it",
            campaign.state.as_str()
        ),
    ))
}

fn state_channel(tenant_id: Uuid) -> String {
    format!("campaign:state:{tenant_id}")
}

/// Moves a campaign through its state machine — the one place transitions
/// happen. An illegal one is `CONFLICT`. Loading enqueues the preload;
/// unloading returns leased records to ready. Audited, then announced.
pub async fn transition(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    transition: Transition,
) -> Result<Campaign, ServiceError> {
    principal.require(Permission::ManageCampaigns)?;
    let txn = services.begin().await?;
    let campaign = find(&txn, principal.tenant_id, id, true).await?;
    let from = campaign.state;
    let to = from.apply(transition).map_err(|error| {
        ServiceError::conflict("state", format!("is {}: {error}", from.as_str()))
    })?;
    if transition == Transition::Start && campaign.row.load_status == load_status::FAILED {
        return Err(ServiceError::conflict(
            "loadStatus",
            format!(
                "is FAILED ({}): unload the campaign and load it again",
                campaign
                    .row
                    .load_error
                    .as_deref()
                    .unwrap_or("no reason recorded")
            ),
        ));
    }
    if transition == Transition::Start {
        let settings = settings_of(&txn, &campaign).await?;
        if crate::messaging::MessageChannel::of_mode(settings.dialing_mode).is_some()
            && crate::messaging::provider::find(&txn, principal.tenant_id)
                .await?
                .is_none()
        {
            return Err(ServiceError::conflict(
                "state",
                "cannot start: messages need the tenant's messaging gateway (Messaging → Gateway settings)",
            ));
        }
    }
    let now = Utc::now();
    let mut active: campaign_row::ActiveModel = campaign.row.clone().into();
    active.state = Set(to.as_str().to_owned());
    active.state_changed_at = Set(now);
    active.updated_at = Set(now);
    match transition {
        Transition::Load => {
            active.load_status = Set(load_status::LOADING.to_owned());
            active.load_error = Set(None);
            active.load_started_at = Set(Some(now));
            active.load_finished_at = Set(None);
            active.load_cursor = Set(0);
            active.load_members = Set(0);
            active.excluded = Set(to_json(&Excluded::default())?);
            load::enqueue(&txn, principal.tenant_id, id).await?;
        }
        Transition::Unload | Transition::ForceUnload => {
            active.load_status = Set(load_status::NOT_LOADED.to_owned());
            lease::release_all(&txn, id).await?;
        }
        Transition::Start | Transition::Stop => {}
    }
    let row = active.update(&txn).await?;
    let action = match transition {
        Transition::Load => "campaign.load",
        Transition::Start => "campaign.start",
        Transition::Stop => "campaign.stop",
        Transition::Unload => "campaign.unload",
        Transition::ForceUnload => "campaign.force_unload",
    };
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action,
            object_type: "campaign",
            object_id: Some(id.to_string()),
            detail: json!({ "name": row.name, "from": from, "to": to }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    let change = StateChange {
        campaign_id: id,
        name: row.name.clone(),
        from,
        to,
        transition,
        actor: principal.actor().label,
        at: now,
    };
    if let Ok(payload) = serde_json::to_string(&change)
        && let Err(error) = services
            .cache
            .publish(&state_channel(principal.tenant_id), &payload)
            .await
    {
        tracing::warn!(%error, "announcing a campaign state change failed");
    }
    parse(row)
}

/// Live state changes of the caller's tenant's campaigns, from now on.
pub async fn state_changes(
    services: &Services,
    principal: &Principal,
) -> Result<impl Stream<Item = StateChange> + Send + 'static, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    let payloads = services
        .cache
        .subscribe(&state_channel(principal.tenant_id))
        .await?;
    Ok(payloads.filter_map(|payload| async move {
        serde_json::from_str::<StateChange>(&payload)
            .inspect_err(
                |error| tracing::warn!(%error, "dropping malformed campaign state payload"),
            )
            .ok()
    }))
}

/// The template settings a campaign dials with.
pub async fn settings_of(
    conn: &impl ConnectionTrait,
    campaign: &Campaign,
) -> Result<TemplateSettings, ServiceError> {
    templates::settings_of(conn, campaign.row.tenant_id, campaign.row.template_id).await
}

/// A page of a campaign's calling list in dialling order (the calling-list
/// browser), optionally of one `record_status`; `after` is the last row's
/// `(seq, record_id)`.
pub async fn records(
    services: &Services,
    principal: &Principal,
    campaign_id: Uuid,
    request: crate::page::PageRequest,
    after: Option<(i64, i64)>,
    status: Option<i16>,
) -> Result<crate::page::Page<entity::calling_list_record::Model>, ServiceError> {
    use entity::calling_list_record::{Column, Entity};
    use sea_orm::{Condition, PaginatorTrait};
    principal.require(Permission::ViewCampaigns)?;
    find(&services.db, principal.tenant_id, campaign_id, false).await?;
    let mut query = Entity::find()
        .filter(Column::CampaignId.eq(campaign_id))
        .filter(Column::TenantId.eq(principal.tenant_id));
    if let Some(status) = status {
        query = query.filter(Column::RecordStatus.eq(status));
    }
    let total = if request.count_total {
        Some(query.clone().count(&services.db).await?)
    } else {
        None
    };
    if let Some((seq, record_id)) = after {
        query = query.filter(
            Condition::any().add(Column::Seq.gt(seq)).add(
                Condition::all()
                    .add(Column::Seq.eq(seq))
                    .add(Column::RecordId.gt(record_id)),
            ),
        );
    }
    let rows = query
        .order_by_asc(Column::Seq)
        .order_by_asc(Column::RecordId)
        .limit(request.size + 1)
        .all(&services.db)
        .await?;
    Ok(crate::page::Page::from_overfetch(rows, request.size, total))
}

/// The names of the tenant's campaigns that dial a contact list: a list in use
/// is not deleted (its contacts back the campaigns' calling lists).
pub async fn using_list(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    list_id: Uuid,
) -> Result<Vec<String>, ServiceError> {
    let rows = campaign_row::Entity::find()
        .filter(campaign_row::Column::TenantId.eq(tenant_id))
        .all(conn)
        .await?;
    let mut names = Vec::new();
    for row in rows {
        let lists: Vec<CampaignList> = parse_json(&row.lists)?;
        if lists.iter().any(|list| list.list_id == list_id) {
            names.push(row.name);
        }
    }
    Ok(names)
}
