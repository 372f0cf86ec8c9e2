//! The typed GraphQL operations of the Compliance page (issue 4): the rule
//! set with the region codes, saving it, the emergency stop, the "check a
//! number" tool and the numbering data's refresh status.

use graphql_client::GraphQLQuery;

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::compliance_types::{DialMode, JSON, RuleKind};
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::DateTime;

/// `complianceRuleSet` and `complianceRegions`: what the editor starts from.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ComplianceRuleSet.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ComplianceRuleSet;
/// `updateComplianceRuleSet(rules)`: saves the whole rule set.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateComplianceRuleSet.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UpdateComplianceRuleSet;
/// `setEmergencyStop(on, reason)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SetEmergencyStop.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct SetEmergencyStop;
/// `checkNumber(phone, at, mode, …)`: every rule's verdict on one number.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CheckNumber.graphql",
    extern_enums("DialMode", "RuleKind"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct CheckNumber;
/// `complianceDataStatus`: the numbering data's source and refreshes.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ComplianceDataStatus.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ComplianceDataStatus;
/// `refreshComplianceData`: refreshes the numbering data now.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/RefreshComplianceData.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RefreshComplianceData;
/// What the "check a number" tool shows.
pub type NumberCheck = check_number::CheckNumberCheckNumber;

/// The numbering data's status panel.
pub type DataStatus = compliance_data_status::ComplianceDataStatusComplianceDataStatus;

impl From<refresh_compliance_data::RefreshComplianceDataRefreshComplianceData> for DataStatus {
    fn from(status: refresh_compliance_data::RefreshComplianceDataRefreshComplianceData) -> Self {
        DataStatus {
            source: status.source,
            version: status.version,
            area_codes: status.area_codes,
            loaded_at: status.loaded_at,
            last_attempt_at: status.last_attempt_at,
            last_success_at: status.last_success_at,
            last_error: status.last_error,
            alert: status.alert,
            next_refresh_at: status.next_refresh_at,
        }
    }
}
