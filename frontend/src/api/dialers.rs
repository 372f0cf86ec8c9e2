//! The typed GraphQL operation of the Dialer traffic page: what dialers
//! asked `POST /ocs/v1/validate` lately and what they were told.

use graphql_client::GraphQLQuery;

#[allow(unused_imports)] // Used by the generated module through `use super::*`.
use super::schema_types::DateTime;

/// `validationTraffic(seconds)`: counts, rate, per-second series and top refusing rules.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ValidationTraffic.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ValidationTraffic;

/// The traffic as the server sends it, before `state::traffic` shapes it for the page.
pub type Traffic = validation_traffic::ValidationTrafficValidationTraffic;
