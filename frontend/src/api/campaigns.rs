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
use super::schema_types::{DateTime, DeviceKind};


/// `campaignTemplates`: every template with its settings and effective treatments.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignTemplates.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct CampaignTemplates;

/// `createCampaignTemplate(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateCampaignTemplate.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
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
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
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
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct DeleteCampaignTemplate;

/// `campaigns`: the list page's rows.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/Campaigns.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct Campaigns;

/// Templates, lists and selection rules the campaign editor picks from.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignEditorChoices.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct CampaignEditorChoices;

/// `campaign(id)`: settings, state, load, exclusions and statistics.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetCampaign.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct GetCampaign;

/// `campaign(id) { dialability }`: the breakdown table, refreshed on demand.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignDialability.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct CampaignDialability;

/// `campaign(id) { records(first, after, status) }`: one page of the calling list.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignRecords.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
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
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
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
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
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
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct DeleteCampaign;

/// `loadCampaign(id)`: UNLOADED → LOADED.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/LoadCampaign.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct LoadCampaign;

/// `startCampaign(id)`: LOADED or STOPPED → RUNNING.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/StartCampaign.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct StartCampaign;

/// `stopCampaign(id)`: RUNNING → STOPPED.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/StopCampaign.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct StopCampaign;

/// `unloadCampaign(id, force)`: back to UNLOADED.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UnloadCampaign.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct UnloadCampaign;

/// `campaignStateChanged`: state changes pushed live.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignStateChanged.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct CampaignStateChanged;

/// `campaignStats(campaignId)`: live statistics of one campaign.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignStatsUpdates.graphql",
    extern_enums("CampaignState", "CampaignTransition", "LoadStatus", "ListMix", "AbandonCounting", "TreatmentKind", "CallResult", "Weekday", "DialMode", "DeviceKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq, Serialize",
)]
pub struct CampaignStatsUpdates;
