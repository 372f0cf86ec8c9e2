//! The typed GraphQL operations of the Campaigns section (issue 6): templates,
//! campaigns, their controls, the dashboard's statistics and dialability, the
//! calling-list browser and the two live subscriptions.

use graphql_client::GraphQLQuery;
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use serde::Serialize;

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::campaign_types::{
    AbandonCounting, CallResult, CampaignState, CampaignTransition, ListMix, LoadStatus,
    TreatmentKind, Weekday,
};
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::compliance_types::DialMode;
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::message_types::MessageChannel;
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::{DateTime, DeviceKind};

/// `campaignTemplates`: every template with its settings and effective treatments.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignTemplates.graphql",
    extern_enums(
        "MessageChannel",
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct CampaignTemplates;

/// `createCampaignTemplate(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateCampaignTemplate.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
    skip_serializing_none
)]
pub struct CreateCampaignTemplate;

/// `updateCampaignTemplate(id, input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateCampaignTemplate.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
    skip_serializing_none
)]
pub struct UpdateCampaignTemplate;

/// `deleteCampaignTemplate(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteCampaignTemplate.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct DeleteCampaignTemplate;

/// `campaigns`: the list page's rows.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/Campaigns.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct Campaigns;

/// Templates, lists and selection rules the campaign editor picks from.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignEditorChoices.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct CampaignEditorChoices;

/// `campaign(id)`: settings, state, load, exclusions and statistics.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct GetCampaign;

/// `campaign(id) { dialability }`: the breakdown table, refreshed on demand.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignDialability.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct CampaignDialability;

/// `campaign(id) { records(first, after, status) }`: one page of the calling list.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignRecords.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
    skip_serializing_none
)]
pub struct CampaignRecords;

/// `createCampaign(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
    skip_serializing_none
)]
pub struct CreateCampaign;

/// `updateCampaign(id, input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
    skip_serializing_none
)]
pub struct UpdateCampaign;

/// `deleteCampaign(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct DeleteCampaign;

/// `loadCampaign(id)`: UNLOADED → LOADED.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/LoadCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct LoadCampaign;

/// `startCampaign(id)`: LOADED or STOPPED → RUNNING.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/StartCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct StartCampaign;

/// `stopCampaign(id)`: RUNNING → STOPPED.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/StopCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct StopCampaign;

/// `unloadCampaign(id, force)`: back to UNLOADED.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UnloadCampaign.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct UnloadCampaign;

/// `campaignStateChanged`: state changes pushed live.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignStateChanged.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct CampaignStateChanged;

/// `campaignStats(campaignId)`: live statistics of one campaign.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignStatsUpdates.graphql",
    extern_enums(
        "CampaignState",
        "CampaignTransition",
        "LoadStatus",
        "ListMix",
        "AbandonCounting",
        "TreatmentKind",
        "CallResult",
        "Weekday",
        "DialMode",
        "DeviceKind"
    ),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct CampaignStatsUpdates;

use crate::state::campaigns::campaign_draft::CampaignSettings;
use crate::state::campaigns::template_draft::TemplateSettings;

/// Builds `$module::CampaignTemplateInput` from `TemplateSettings` (the create
/// and update mutations each have their own generated copy of the type).
macro_rules! template_input {
    ($module:ident) => {
        impl From<&TemplateSettings> for $module::CampaignTemplateInput {
            fn from(settings: &TemplateSettings) -> Self {
                $module::CampaignTemplateInput {
                    name: settings.name.clone(),
                    description: settings.description.clone(),
                    dialing_mode: settings.dialing_mode,
                    pacing: Some($module::PacingInput {
                        lines_per_agent: settings.lines_per_agent,
                        target_abandon_rate: settings.target_abandon_rate,
                        abandon_threshold_seconds: settings.abandon_threshold_seconds,
                        abandon_counting: settings.abandon_counting,
                        abandon_window_minutes: settings.abandon_window_minutes,
                    }),
                    caller_id: settings.caller_id.clone(),
                    agent_group: settings.agent_group.clone(),
                    schedule: settings.schedule.as_ref().map(|schedule| {
                        $module::CampaignScheduleInput {
                            time_zone: schedule.time_zone.clone(),
                            days: schedule.days.clone(),
                            from: schedule.from.clone(),
                            till: schedule.till.clone(),
                        }
                    }),
                    time_window: settings.time_window.as_ref().map(|(from, till)| {
                        $module::TimeWindowInput {
                            from: from.clone(),
                            till: till.clone(),
                        }
                    }),
                    optional_rules: settings.optional_rules.clone(),
                    treatments: settings
                        .treatments
                        .iter()
                        .map(|treatment| $module::TreatmentInput {
                            result: treatment.result,
                            kind: treatment.kind,
                            interval_minutes: treatment.interval_minutes,
                            increment_minutes: treatment.increment_minutes,
                            max_attempts: treatment.max_attempts,
                            at: treatment.at.clone(),
                            suppress_device: treatment.suppress_device,
                        })
                        .collect(),
                    device_order: Some(settings.device_order.clone()),
                    message_template_id: settings.message_template_id.clone(),
                    messages_per_second: settings.messages_per_second,
                }
            }
        }
    };
}

template_input!(create_campaign_template);
template_input!(update_campaign_template);

/// Builds `$module::CampaignInput` from `CampaignSettings`.
macro_rules! campaign_input {
    ($module:ident) => {
        impl From<&CampaignSettings> for $module::CampaignInput {
            fn from(settings: &CampaignSettings) -> Self {
                $module::CampaignInput {
                    name: settings.name.clone(),
                    description: settings.description.clone(),
                    template_id: settings.template_id.clone(),
                    lists: settings
                        .lists
                        .iter()
                        .map(|list| $module::CampaignListInput {
                            list_id: list.list_id.clone(),
                            weight: list.weight,
                        })
                        .collect(),
                    list_mix: settings.list_mix,
                    selection_rule_ids: settings.selection_rule_ids.clone(),
                    record_order: settings
                        .record_order
                        .iter()
                        .map(|(field, descending)| $module::SortFieldInput {
                            field: field.clone(),
                            descending: *descending,
                        })
                        .collect(),
                    agent_group: settings.agent_group.clone(),
                }
            }
        }
    };
}

campaign_input!(create_campaign);
campaign_input!(update_campaign);

/// A template as the templates page lists and edits it.
pub type Template = campaign_templates::CampaignTemplatesCampaignTemplates;

/// A row of the campaigns page.
pub type CampaignRow = campaigns::CampaignsCampaigns;

/// One campaign with its settings and statistics (dashboard and editor).
pub type CampaignDetail = get_campaign::GetCampaignCampaign;

/// A calling-list record.
pub type CallingRecord = campaign_records::CampaignRecordsCampaignRecordsEdgesNode;
