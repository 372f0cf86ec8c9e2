//! The typed GraphQL operations of suppression lists (issue 4): the lists,
//! one list with its uploads, its entries page by page, create and delete,
//! add and remove values, upload a file and follow it, export.

use graphql_client::GraphQLQuery;

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::compliance_types::{SuppressionImportMode, SuppressionKind, SuppressionSource};
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::{Channel, DateTime, Upload};

/// `suppressionLists`: every list the tenant sees, global ones included.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SuppressionLists.graphql",
    extern_enums("SuppressionKind", "Channel"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct SuppressionLists;
/// `suppressionList(id)`: one list's header and its recent uploads.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetSuppressionList.graphql",
    extern_enums("SuppressionKind", "Channel", "SuppressionImportMode"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct GetSuppressionList;
/// `suppressionList(id) { entries(first, after, search) }`: one page of entries.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SuppressionEntries.graphql",
    extern_enums("SuppressionSource"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct SuppressionEntries;
/// `createSuppressionList(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateSuppressionList.graphql",
    extern_enums("SuppressionKind", "Channel"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct CreateSuppressionList;
/// `deleteSuppressionList(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteSuppressionList.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteSuppressionList;
/// `addSuppressionEntries(listId, values, reason, expiresAt)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/AddSuppressionEntries.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct AddSuppressionEntries;
/// `removeSuppressionEntries(listId, values)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/RemoveSuppressionEntries.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RemoveSuppressionEntries;
/// `importSuppressionEntries(listId, file, mode, …)`: starts an upload job.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ImportSuppressionEntries.graphql",
    extern_enums("SuppressionImportMode"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct ImportSuppressionEntries;
/// `suppressionImport(id)`: an upload's progress and rejected rows.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetSuppressionImport.graphql",
    extern_enums("SuppressionImportMode"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct GetSuppressionImport;
/// `exportSuppressionList(id)`: the path of the CSV export.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ExportSuppressionList.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ExportSuppressionList;
/// A row of the suppression lists table.
pub type SuppressionListRow = suppression_lists::SuppressionListsSuppressionLists;

/// A list's header on its own page.
pub type SuppressionListSummary = get_suppression_list::GetSuppressionListSuppressionList;

/// A row of a list's uploads table.
pub type SuppressionImportRow = get_suppression_list::GetSuppressionListSuppressionListImports;

/// A row of a list's entries table.
pub type SuppressionEntryRow =
    suppression_entries::SuppressionEntriesSuppressionListEntriesEdgesNode;

/// An upload followed to its end, with its rejected rows.
pub type SuppressionImportDetail = get_suppression_import::GetSuppressionImportSuppressionImport;

impl From<suppression_entries::SuppressionEntriesSuppressionListEntries>
    for crate::state::models::Page<SuppressionEntryRow>
{
    fn from(connection: suppression_entries::SuppressionEntriesSuppressionListEntries) -> Self {
        crate::state::models::Page {
            rows: connection.edges.into_iter().map(|edge| edge.node).collect(),
            total_count: connection.total_count,
            has_next_page: connection.page_info.has_next_page,
            end_cursor: connection.page_info.end_cursor,
        }
    }
}
