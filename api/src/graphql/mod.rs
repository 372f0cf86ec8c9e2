//! The GraphQL schema: one module per domain, merged here by [`build_schema`],
//! which the server, the tests and the SDL check all use.

pub mod access;
pub mod accounts;
pub mod api_clients;
pub mod audit;
pub mod campaigns;
pub mod compliance;
pub mod compliance_data;
pub mod dialing;
pub mod error;
pub mod imports;
pub mod jobs;
pub mod limits;
pub mod lists;
pub mod messaging;
pub mod observe;
pub mod personal_data;
pub mod relay;
pub mod rules;
pub mod suppression;

use async_graphql::dataloader::DataLoader;
use std::sync::Arc;

use async_graphql::{Context, MergedObject, MergedSubscription, Schema};
use workers::Services;
use workers::accounts::Principal;

use crate::graphql::error::{ApiError, GraphqlResultExt};
use crate::metrics::Metrics;

/// Every query field, merged from the domain modules.
#[derive(MergedObject, Default)]
pub struct Query(
    accounts::AccountsQuery,
    api_clients::ApiClientsQuery,
    audit::AuditQuery,
    lists::ListsQuery,
    imports::ImportsQuery,
    rules::RulesQuery,
    suppression::SuppressionQuery,
    compliance::ComplianceQuery,
    compliance_data::ComplianceDataQuery,
    dialing::DialingQuery,
    campaigns::CampaignsQuery,
    jobs::JobsQuery,
    messaging::MessagingQuery,
    personal_data::PersonalDataQuery,
);

/// Every mutation field, merged from the domain modules.
#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountsMutation,
    api_clients::ApiClientsMutation,
    lists::ListsMutation,
    imports::ImportsMutation,
    rules::RulesMutation,
    suppression::SuppressionMutation,
    compliance::ComplianceMutation,
    compliance_data::ComplianceDataMutation,
    campaigns::CampaignsMutation,
    jobs::JobsMutation,
    messaging::MessagingMutation,
    personal_data::PersonalDataMutation,
);

/// Every subscription field, merged from the domain modules.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    audit::AuditSubscription,
    imports::ImportsSubscription,
    campaigns::CampaignsSubscription,
    jobs::JobsSubscription,
);

/// The executable schema.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Limits that protect the server from hostile documents.
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    /// Deepest selection set accepted.
    pub max_depth: usize,
    /// Highest complexity accepted.
    pub max_complexity: usize,
}

/// Who is calling, established once per request (or per WebSocket connection).
#[derive(Clone)]
pub enum Caller {
    /// No token was sent: only `login` works.
    Anonymous,
    /// A token was sent but is not valid: every guarded field answers with this error.
    Rejected(ApiError),
    /// A signed-in user.
    User(Box<Principal>),
}

/// The client address of the request, for the audit log and login limits.
#[derive(Clone, Debug)]
pub struct ClientIp(pub Option<String>);

/// Builds the schema with its data; without services it still renders the SDL.
pub fn build_schema(
    services: Option<Services>,
    metrics: Option<Arc<Metrics>>,
    limits: QueryLimits,
) -> AppSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_complexity)
    .limit_recursive_depth(32)
    .extension(access::Enforce)
    .extension(limits::Limits);
    if let Some(metrics) = metrics {
        builder = builder.extension(observe::OperationMetrics(metrics));
    }
    if let Some(services) = services {
        builder = builder
            .data(DataLoader::new(
                accounts::TenantLoader(services.clone()),
                tokio::spawn,
            ))
            .data(DataLoader::new(
                lists::DeviceLoader(services.clone()),
                tokio::spawn,
            ))
            .data(services);
    }
    builder.finish()
}

/// The SDL committed as `schema.graphql`.
pub fn sdl() -> String {
    build_schema(
        None,
        None,
        QueryLimits {
            max_depth: 64,
            max_complexity: usize::MAX,
        },
    )
    .sdl()
}

/// The shared services (present in every served schema).
pub fn services<'a>(ctx: &Context<'a>) -> &'a Services {
    ctx.data_unchecked::<Services>()
}

/// The signed-in caller, or `UNAUTHENTICATED`.
pub fn principal<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Principal> {
    match ctx.data_opt::<Caller>() {
        Some(Caller::User(principal)) => Ok(principal),
        Some(Caller::Rejected(error)) => Err(error.clone()).gql(),
        Some(Caller::Anonymous) | None => {
            Err(ApiError::Unauthenticated("sign in first".into())).gql()
        }
    }
}

/// The request's client address.
pub fn client_ip(ctx: &Context<'_>) -> Option<String> {
    ctx.data_opt::<ClientIp>().and_then(|ip| ip.0.clone())
}
