//! Campaign templates: named, reusable dialling settings (mode, pacing, caller
//! id, schedule, optional rules, treatments, device order), checked whole before
//! they are stored.

use campaign::TemplateSettings;
use chrono::Utc;
use domain::Permission;
use entity::{campaign as campaign_row, campaign_template};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{checked_name, map_name_violation, parse_json};
use crate::accounts::principal::Principal;
use crate::audit::{self, Change};
use crate::{ServiceError, Services};

/// A template as the API shows it.
#[derive(Debug, Clone)]
pub struct Template {
    /// The stored row.
    pub row: campaign_template::Model,
    /// Its parsed settings.
    pub settings: TemplateSettings,
}

/// What a caller sends to create or replace a template.
#[derive(Debug, Clone)]
pub struct TemplateInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// The settings, checked whole.
    pub settings: TemplateSettings,
}

fn parse(row: campaign_template::Model) -> Result<Template, ServiceError> {
    let settings = parse_json(&row.settings)?;
    Ok(Template { row, settings })
}

/// Reads one template of a tenant.
pub async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Template, ServiceError> {
    let row = campaign_template::Entity::find_by_id(id)
        .filter(campaign_template::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("campaign template"))?;
    parse(row)
}

/// The tenant's templates by name.
pub async fn list(
    services: &Services,
    principal: &Principal,
) -> Result<Vec<Template>, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    campaign_template::Entity::find()
        .filter(campaign_template::Column::TenantId.eq(principal.tenant_id))
        .order_by_asc(campaign_template::Column::Name)
        .all(&services.db)
        .await?
        .into_iter()
        .map(parse)
        .collect()
}

/// One template.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Template, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    find(&services.db, principal.tenant_id, id).await
}

/// Every problem of the settings, including optional rules the tenant's rule set lacks.
async fn check(
    services: &Services,
    tenant_id: Uuid,
    settings: &TemplateSettings,
) -> Result<(), ServiceError> {
    let mut problems: Vec<(String, String)> = settings
        .problems()
        .into_iter()
        .map(|problem| (problem.field.to_owned(), problem.message))
        .collect();
    if !settings.optional_rules.is_empty() {
        let rules = crate::rule_sets::load(&services.db, tenant_id).await?.rules;
        for name in &settings.optional_rules {
            match rules.attempt_rules.iter().find(|rule| &rule.name == name) {
                None => problems.push((
                    "optionalRules".into(),
                    format!("{name:?} is not an attempt rule of the compliance rule set"),
                )),
                Some(rule) if rule.required => problems.push((
                    "optionalRules".into(),
                    format!("{name:?} is required: it applies to every campaign already"),
                )),
                Some(_) => {}
            }
        }
    }
    if let (Some(id), Some(channel)) = (
        settings.message_template_id,
        crate::messaging::MessageChannel::of_mode(settings.dialing_mode),
    ) {
        match crate::messaging::templates::find(&services.db, tenant_id, id).await {
            Ok(template) if template.channel != channel.as_str() => problems.push((
                "messageTemplateId".into(),
                format!(
                    "names the {} template {:?}: a {} campaign needs a {} template",
                    template.channel,
                    template.name,
                    settings.dialing_mode.name(),
                    channel.as_str()
                ),
            )),
            Ok(_) => {}
            Err(ServiceError::NotFound(_)) => problems.push((
                "messageTemplateId".into(),
                "names no message template of this tenant".into(),
            )),
            Err(error) => return Err(error),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::InvalidFields(problems))
    }
}

/// Saves a new template; audited.
pub async fn create(
    services: &Services,
    principal: &Principal,
    input: TemplateInput,
) -> Result<Template, ServiceError> {
    principal.require(Permission::ManageCampaigns)?;
    let (name, description) = checked_name(&input.name, input.description.as_deref())?;
    check(services, principal.tenant_id, &input.settings).await?;
    let now = Utc::now();
    let txn = services.begin().await?;
    let row = campaign_template::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(name),
        description: Set(description),
        settings: Set(serde_json::to_value(&input.settings).map_err(anyhow::Error::from)?),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|error| map_name_violation(error, "campaign template"))?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "campaign_template.create",
            object_type: "campaign_template",
            object_id: Some(row.id.to_string()),
            detail: json!({ "name": row.name, "dialingMode": input.settings.dialing_mode }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    parse(row)
}

/// Replaces a template's name, description and settings; campaigns that use it
/// pick the change up at their next load. Audited.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    input: TemplateInput,
) -> Result<Template, ServiceError> {
    principal.require(Permission::ManageCampaigns)?;
    let (name, description) = checked_name(&input.name, input.description.as_deref())?;
    check(services, principal.tenant_id, &input.settings).await?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    // A template under a loaded campaign keeps its settings until that campaign unloads.
    let in_use = campaign_row::Entity::find()
        .filter(campaign_row::Column::TemplateId.eq(id))
        .filter(campaign_row::Column::State.ne(campaign::CampaignState::Unloaded.as_str()))
        .count(&txn)
        .await?;
    if in_use > 0 && existing.settings != input.settings {
        return Err(ServiceError::conflict(
            "settings",
            format!(
                "cannot change while {in_use} loaded campaign(s) use this template: unload them first"
            ),
        ));
    }
    let mut active: campaign_template::ActiveModel = existing.row.into();
    active.name = Set(name);
    active.description = Set(description);
    active.settings = Set(serde_json::to_value(&input.settings).map_err(anyhow::Error::from)?);
    active.updated_at = Set(Utc::now());
    let row = active
        .update(&txn)
        .await
        .map_err(|error| map_name_violation(error, "campaign template"))?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "campaign_template.update",
            object_type: "campaign_template",
            object_id: Some(row.id.to_string()),
            detail: json!({ "name": row.name, "dialingMode": input.settings.dialing_mode }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    parse(row)
}

/// Deletes a template no campaign uses; audited.
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<Uuid, ServiceError> {
    principal.require(Permission::ManageCampaigns)?;
    let txn = services.begin().await?;
    let template = find(&txn, principal.tenant_id, id).await?;
    let users = campaign_row::Entity::find()
        .filter(campaign_row::Column::TemplateId.eq(id))
        .count(&txn)
        .await?;
    if users > 0 {
        return Err(ServiceError::conflict(
            "id",
            format!("is used by {users} campaign(s): delete or move them first"),
        ));
    }
    campaign_template::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        Change {
            action: "campaign_template.delete",
            object_type: "campaign_template",
            object_id: Some(id.to_string()),
            detail: json!({ "name": template.row.name }),
        },
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(id)
}

/// A template's settings, for a campaign's load, leases and treatments.
pub async fn settings_of(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<TemplateSettings, ServiceError> {
    Ok(find(conn, tenant_id, id).await?.settings)
}
