//! Campaigns through GraphQL (SPEC §4): templates, campaigns, the state
//! machine's mutations, statistics, dialability, the calling-list browser and
//! the `campaignStateChanged` / `campaignStats` subscriptions. Thin resolvers
//! over `workers::campaigns`.

pub mod types;

use async_graphql::{Context, ID, InputObject, Object, Subscription};
use campaign::{Schedule, TemplateSettings, Transition, Treatments};
use futures::{Stream, StreamExt};
use workers::campaigns::{self, CampaignInput as DomainCampaignInput, CampaignList, templates};

use crate::graphql::accounts::parse_id;
use crate::graphql::compliance::DialMode;
use crate::graphql::error::GraphqlResultExt;
use crate::graphql::imports::DeviceKind;
use crate::graphql::{principal, services};
use types::{
    Campaign, CampaignSchedule, CampaignStateChange, CampaignStats, CampaignTemplate, ListMix,
    Pacing, SortField, TimeWindow, Treatment, parse_hhmm,
};

/// A template to create or replace.
#[derive(InputObject)]
pub struct CampaignTemplateInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// How records are dialled.
    pub dialing_mode: DialMode,
    /// Pacing and the abandon-rate target (defaults: 1 line per agent, 3 %, 2 s, answered calls, 30 days).
    pub pacing: Option<Pacing>,
    /// The number or sender shown to the called party.
    pub caller_id: Option<String>,
    /// The agent group that takes the calls.
    pub agent_group: Option<String>,
    /// When campaigns using it hand out records.
    pub schedule: Option<CampaignSchedule>,
    /// A narrower daily window in each device's zone.
    pub time_window: Option<TimeWindow>,
    /// Optional attempt rules of the compliance rule set to attach, by name.
    #[graphql(default)]
    pub optional_rules: Vec<String>,
    /// Treatments of call results (results not named get the defaults).
    #[graphql(default)]
    pub treatments: Vec<Treatment>,
    /// The order a contact's devices are tried in (default: mobile, home, work, other).
    pub device_order: Option<Vec<DeviceKind>>,
    /// The message template an SMS or EMAIL campaign sends (required for those modes; same channel).
    pub message_template_id: Option<ID>,
    /// The most messages per second the campaign sends (1 to 10,000; none: no campaign cap).
    pub messages_per_second: Option<i32>,
}

impl CampaignTemplateInput {
    fn into_domain(self) -> async_graphql::Result<templates::TemplateInput> {
        let mut settings = TemplateSettings::new(self.dialing_mode.into());
        if let Some(pacing) = self.pacing {
            settings.pacing = pacing.into_domain();
        }
        settings.caller_id = self
            .caller_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        settings.agent_group = self
            .agent_group
            .map(|group| group.trim().to_owned())
            .filter(|group| !group.is_empty());
        if let Some(schedule) = self.schedule {
            settings.schedule = Some(Schedule {
                time_zone: schedule.time_zone.trim().to_owned(),
                days: schedule.days.into_iter().map(Into::into).collect(),
                from: parse_hhmm("schedule.from", &schedule.from).gql()?,
                till: parse_hhmm("schedule.till", &schedule.till).gql()?,
            });
        }
        if let Some(window) = self.time_window {
            settings.time_window = Some(campaign::TimeWindow {
                from: parse_hhmm("timeWindow.from", &window.from).gql()?,
                till: parse_hhmm("timeWindow.till", &window.till).gql()?,
            });
        }
        settings.optional_rules = self.optional_rules;
        settings.treatments = Treatments(
            self.treatments
                .into_iter()
                .map(Treatment::into_domain)
                .collect::<Result<_, _>>()
                .gql()?,
        );
        if let Some(order) = self.device_order {
            settings.device_order = order.into_iter().map(Into::into).collect();
        }
        settings.message_template_id = self
            .message_template_id
            .map(|id| crate::graphql::accounts::parse_id("messageTemplateId", &id))
            .transpose()?;
        settings.messages_per_second = self
            .messages_per_second
            .map(|rate| u32::try_from(rate).unwrap_or(0));
        Ok(templates::TemplateInput {
            name: self.name,
            description: self.description,
            settings,
        })
    }
}

/// One list of a campaign.
#[derive(InputObject)]
pub struct CampaignListInput {
    /// The contact list.
    pub list_id: ID,
    /// Its weight when mixed by weight (1 to 100).
    #[graphql(default = 1)]
    pub weight: i32,
}

/// A campaign to create or replace.
#[derive(InputObject)]
pub struct CampaignInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
    /// The template it dials with.
    pub template_id: ID,
    /// One to twenty lists, in order.
    pub lists: Vec<CampaignListInput>,
    /// How the lists are mixed.
    #[graphql(default_with = "ListMix::Weighted")]
    pub list_mix: ListMix,
    /// Saved selection rules as filters (a contact passing any is kept).
    #[graphql(default)]
    pub selection_rule_ids: Vec<ID>,
    /// Up to four sort fields.
    #[graphql(default)]
    pub record_order: Vec<SortField>,
    /// Overrides the template's agent group.
    pub agent_group: Option<String>,
}

impl CampaignInput {
    fn into_domain(self) -> async_graphql::Result<DomainCampaignInput> {
        Ok(DomainCampaignInput {
            name: self.name,
            description: self.description,
            template_id: parse_id("templateId", &self.template_id)?,
            lists: self
                .lists
                .iter()
                .map(|list| {
                    Ok(CampaignList {
                        list_id: parse_id("lists", &list.list_id)?,
                        weight: list.weight.clamp(0, 1000) as u32,
                    })
                })
                .collect::<async_graphql::Result<_>>()?,
            list_mix: self.list_mix.into(),
            selection_rule_ids: self
                .selection_rule_ids
                .iter()
                .map(|id| parse_id("selectionRuleIds", id))
                .collect::<async_graphql::Result<_>>()?,
            record_order: self
                .record_order
                .into_iter()
                .map(|field| campaign::SortField {
                    field: field.field.trim().to_owned(),
                    descending: field.descending,
                })
                .collect(),
            agent_group: self.agent_group,
        })
    }
}

/// Campaign queries.
#[derive(Default)]
pub struct CampaignsQuery;

#[Object]
impl CampaignsQuery {
    /// The tenant's campaign templates by name.
    async fn campaign_templates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<CampaignTemplate>> {
        let templates = templates::list(services(ctx), principal(ctx)?)
            .await
            .gql()?;
        Ok(templates.into_iter().map(CampaignTemplate).collect())
    }

    /// One template.
    async fn campaign_template(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<CampaignTemplate> {
        let id = parse_id("id", &id)?;
        Ok(CampaignTemplate(
            templates::get(services(ctx), principal(ctx)?, id)
                .await
                .gql()?,
        ))
    }

    /// The tenant's campaigns by name.
    async fn campaigns(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Campaign>> {
        let campaigns = campaigns::list(services(ctx), principal(ctx)?)
            .await
            .gql()?;
        Ok(campaigns.into_iter().map(Campaign).collect())
    }

    /// One campaign, with its statistics, dialability and calling list.
    async fn campaign(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Campaign> {
        let id = parse_id("id", &id)?;
        Ok(Campaign(
            campaigns::get(services(ctx), principal(ctx)?, id)
                .await
                .gql()?,
        ))
    }
}

/// Campaign mutations.
#[derive(Default)]
pub struct CampaignsMutation;

async fn transition(
    ctx: &Context<'_>,
    id: &ID,
    transition: Transition,
) -> async_graphql::Result<Campaign> {
    let id = parse_id("id", id)?;
    let campaign = campaigns::transition(services(ctx), principal(ctx)?, id, transition)
        .await
        .gql()?;
    Ok(Campaign(campaign))
}

#[Object]
impl CampaignsMutation {
    /// Creates a template (ADMIN, SUPERVISOR); every problem is reported with its field.
    async fn create_campaign_template(
        &self,
        ctx: &Context<'_>,
        input: CampaignTemplateInput,
    ) -> async_graphql::Result<CampaignTemplate> {
        let input = input.into_domain()?;
        Ok(CampaignTemplate(
            templates::create(services(ctx), principal(ctx)?, input)
                .await
                .gql()?,
        ))
    }

    /// Replaces a template; a template of a loaded campaign keeps its settings until it unloads.
    async fn update_campaign_template(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CampaignTemplateInput,
    ) -> async_graphql::Result<CampaignTemplate> {
        let id = parse_id("id", &id)?;
        let input = input.into_domain()?;
        Ok(CampaignTemplate(
            templates::update(services(ctx), principal(ctx)?, id, input)
                .await
                .gql()?,
        ))
    }

    /// Deletes a template no campaign uses; returns its id.
    async fn delete_campaign_template(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ID> {
        let id = parse_id("id", &id)?;
        let id = templates::delete(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(ID(id.to_string()))
    }

    /// Creates an unloaded campaign.
    async fn create_campaign(
        &self,
        ctx: &Context<'_>,
        input: CampaignInput,
    ) -> async_graphql::Result<Campaign> {
        let input = input.into_domain()?;
        Ok(Campaign(
            campaigns::create(services(ctx), principal(ctx)?, input)
                .await
                .gql()?,
        ))
    }

    /// Replaces an unloaded campaign's settings (`CONFLICT` while loaded).
    async fn update_campaign(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: CampaignInput,
    ) -> async_graphql::Result<Campaign> {
        let id = parse_id("id", &id)?;
        let input = input.into_domain()?;
        Ok(Campaign(
            campaigns::update(services(ctx), principal(ctx)?, id, input)
                .await
                .gql()?,
        ))
    }

    /// Deletes an unloaded campaign and its calling list; returns its id.
    async fn delete_campaign(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        let id = parse_id("id", &id)?;
        let id = campaigns::delete(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(ID(id.to_string()))
    }

    /// `UNLOADED → LOADED`: builds the calling list in the background (role `campaigns`).
    async fn load_campaign(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Campaign> {
        transition(ctx, &id, Transition::Load).await
    }

    /// `LOADED | STOPPED → RUNNING`: dialers may lease its records.
    async fn start_campaign(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Campaign> {
        transition(ctx, &id, Transition::Start).await
    }

    /// `RUNNING → STOPPED`: no new leases; leased records return when their leases run out.
    async fn stop_campaign(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Campaign> {
        transition(ctx, &id, Transition::Stop).await
    }

    /// `LOADED | STOPPED → UNLOADED`, or from any loaded state with `force`; leased records return to ready.
    async fn unload_campaign(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(default)] force: bool,
    ) -> async_graphql::Result<Campaign> {
        let which = if force {
            Transition::ForceUnload
        } else {
            Transition::Unload
        };
        transition(ctx, &id, which).await
    }
}

/// Campaign subscriptions.
#[derive(Default)]
pub struct CampaignsSubscription;

#[Subscription]
impl CampaignsSubscription {
    /// Every state change of the tenant's campaigns from now on, from any replica.
    async fn campaign_state_changed(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = CampaignStateChange>> {
        let changes = campaigns::state_changes(services(ctx), principal(ctx)?)
            .await
            .gql()?;
        Ok(changes.map(CampaignStateChange))
    }

    /// A campaign's statistics now, then whenever they change (at most once a second).
    async fn campaign_stats(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = CampaignStats>> {
        let id = parse_id("campaignId", &campaign_id)?;
        let stats = campaigns::stats::watch(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(stats.map(CampaignStats))
    }
}
