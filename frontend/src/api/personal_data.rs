//! The typed GraphQL operations of the Personal data page (issue 10): an
//! access request (`personalData`), an erasure request
//! (`erasePersonalData`) and the tenant's history retention.
//!
//! Like every other operation, each is one `graphql/<Name>.graphql` file
//! checked at compile time against `schema.graphql`. Both retention
//! operations select the `Retention` fragment; the page holds the query's
//! copy and `api::jobs::reread`s the mutation's into it.

use graphql_client::GraphQLQuery;

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::compliance_types::JSON;
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::DateTime;

/// What an erasure deleted and kept.
pub use erase_personal_data::ErasePersonalDataErasePersonalData as Erasure;
/// Everything found about one person, as the page shows it.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))] // Read by the page only.
pub use personal_data::PersonalDataPersonalData as PersonalDataFound;
/// The tenant's history retention with the allowed range.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))] // Read by the page only.
pub use retention_settings::Retention;

/// `personalData(subject)`: the search of the Personal data page.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/PersonalData.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct PersonalData;

/// `erasePersonalData(subject, removeSuppression)`: the "Erase this person" button.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ErasePersonalData.graphql",
    variables_derives = "Debug, Clone, PartialEq",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ErasePersonalData;

/// `retentionSettings`: the History retention card.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/RetentionSettings.graphql",
    response_derives = "Debug, Clone, PartialEq, Serialize, Deserialize"
)]
pub struct RetentionSettings;

/// `updateRetentionSettings(historyRetentionDays)`: the card's Save.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateRetentionSettings.graphql",
    variables_derives = "Debug, Clone, PartialEq",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct UpdateRetentionSettings;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::jobs::reread;

    #[test]
    fn an_answer_reads_with_its_document() {
        let data: personal_data::ResponseData = serde_json::from_value(serde_json::json!({
            "personalData": {
                "subject": "(202) 456-0000",
                "values": ["+12024560000", "+14158670000"],
                "clientIds": ["C00000"],
                "contacts": [{
                    "listName": "Leads",
                    "contact": {
                        "id": "7", "clientId": "C00000", "firstName": "First0", "lastName": "Last0",
                        "devices": [{"kind": "HOME", "value": "+12024560000"}]
                    }
                }],
                "history": [{
                    "attemptGuid": "g1", "device": "+12024560000", "clientId": "C00000",
                    "campaign": "Spring", "result": "ANSWERED",
                    "startedAt": "2026-11-21T10:00:00Z", "endedAt": null
                }],
                "messages": [],
                "messageEvents": 2,
                "suppressions": [{
                    "listId": "s1", "listName": "Federal DNC", "global": true,
                    "value": "+12024560000", "reason": null,
                    "createdAt": "2026-11-21T10:00:00Z", "expiresAt": null
                }],
                "document": {"contacts": []}
            }
        }))
        .expect("parses");
        let found: PersonalDataFound = data.personal_data;
        assert_eq!(found.contacts[0].list_name, "Leads");
        assert_eq!(found.message_events, 2);
        assert!(found.suppressions[0].global);
        assert_eq!(found.document, serde_json::json!({"contacts": []}));
    }

    #[test]
    fn the_updates_retention_rereads_as_the_querys() {
        let data: update_retention_settings::ResponseData =
            serde_json::from_value(serde_json::json!({
                "updateRetentionSettings": {
                    "historyRetentionDays": 90, "minimumDays": 32, "maximumDays": 3650
                }
            }))
            .expect("parses");
        let retention: Retention = reread(&data.update_retention_settings);
        assert_eq!(
            (
                retention.history_retention_days,
                retention.minimum_days,
                retention.maximum_days
            ),
            (90, 32, 3650)
        );
    }
}
