//! The typed GraphQL operations: one `graphql/<Name>.graphql` file each,
//! checked at compile time against the root `schema.graphql`.
//!
//! Paths are relative to this crate's `Cargo.toml` (graphql_client joins them
//! to `CARGO_MANIFEST_DIR`). When the server's generated SDL drops or renames a
//! field one of these documents uses, this file stops compiling: that is the
//! point. Each derive generates a module (`login`, `list_users`, ...) holding
//! the `Variables` and `ResponseData` types; the generated code brings the
//! scalar and enum types below into scope with `use super::*`.

use graphql_client::GraphQLQuery;

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::{
    ApiScope, Channel, ContactField, ContactListStatus, DateTime, DeviceKind, ImportMode, Upload,
    UserRole,
};

/// `login(email, password)`: a bearer token and the signed-in user.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/Login.graphql",
    extern_enums("UserRole"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct Login;

/// `logout`: revokes the current token.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/Logout.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct Logout;

/// `me`: who the token belongs to.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/Me.graphql",
    extern_enums("UserRole"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct Me;

/// `users(first, after, search)`: one page of users.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ListUsers.graphql",
    extern_enums("UserRole"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ListUsers;

/// `createUser(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateUser.graphql",
    extern_enums("UserRole"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateUser;

/// `updateUser(id, input)`: role, name, password or disabled flag.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateUser.graphql",
    extern_enums("UserRole"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct UpdateUser;

/// `apiClients(first, after)`: one page of API clients.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ListApiClients.graphql",
    extern_enums("ApiScope"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ListApiClients;

/// `createApiClient(input)`: the new client and its key, returned once.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateApiClient.graphql",
    extern_enums("ApiScope"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateApiClient;

/// `revokeApiClient(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/RevokeApiClient.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct RevokeApiClient;

/// `auditEvents(first, after, action)`: one page of audit events, newest first.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ListAuditEvents.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ListAuditEvents;

/// `auditEventAdded`: audit events pushed live over the WebSocket.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/AuditEventAdded.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct AuditEventAdded;

/// `contactLists(first, after, search, includeArchived)`: one page of lists.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ListContactLists.graphql",
    extern_enums("Channel", "ContactListStatus"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ListContactLists;

/// `contactList(id)`: one list's header.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetContactList.graphql",
    extern_enums("Channel", "ContactListStatus"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct GetContactList;

/// `contactList(id) { contacts(first, after, search) }`: one page of a list's contacts.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ListContacts.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ListContacts;

/// `contact(id)`: one contact with every device.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetContact.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct GetContact;

/// `createContactList(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateContactList.graphql",
    extern_enums("Channel"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateContactList;

/// `updateContactList(id, input)` from the edit form: name, description and
/// caller id, `None` sent as `null` (which clears).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateContactList.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UpdateContactList;

/// `updateContactList(id, input: { archived })`: archive or restore.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SetContactListArchived.graphql",
    extern_enums("ContactListStatus"),
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct SetContactListArchived;

/// `deleteContactList(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteContactList.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteContactList;

/// `exportContactList(id)`: the audited download path of the list's CSV.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ExportContactList.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ExportContactList;

/// `updateContact(id, input)`: every field sent, `None` as `null` (which clears).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateContact.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UpdateContact;

/// `deleteContact(id)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteContact.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteContact;

/// `previewImport(file, rows)`: the start of a file as the import reads it
/// (sent as a multipart upload).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/PreviewImport.graphql",
    variables_derives = "Debug, Clone",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct PreviewImport;

/// `importContacts(listId, file, mode, mapping)`: queues an import (multipart).
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ImportContacts.graphql",
    extern_enums("ContactField", "DeviceKind", "ImportMode"),
    variables_derives = "Debug, Clone, Deserialize",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct ImportContacts;

/// `importMappings`: the saved column mappings.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ImportMappings.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ImportMappings;

/// `createImportMapping(name, mapping)`: saves a mapping for reuse.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateImportMapping.graphql",
    extern_enums("ContactField", "DeviceKind"),
    variables_derives = "Debug, Clone, Deserialize",
    response_derives = "Debug, Clone, PartialEq",
    skip_serializing_none
)]
pub struct CreateImportMapping;

/// `importJob(id)`: one import's counts, error and first refused rows.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetImportJob.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct GetImportJob;

/// `importProgress(jobId)`: live progress over the WebSocket.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/ImportProgress.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct ImportProgress;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_user_sends_only_the_fields_that_change() {
        let variables = update_user::Variables {
            id: "u1".to_owned(),
            input: update_user::UpdateUserInput {
                display_name: None,
                role: Some(UserRole::Supervisor),
                disabled: None,
                password: None,
            },
        };
        let body = UpdateUser::build_query(variables);
        let json = serde_json::to_value(&body.variables).expect("variables serialise");
        assert_eq!(
            json,
            serde_json::json!({ "id": "u1", "input": { "role": "SUPERVISOR" } })
        );
        assert_eq!(body.operation_name, "UpdateUser");
    }

    #[test]
    fn list_users_reads_a_relay_connection() {
        let json = serde_json::json!({
            "users": {
                "totalCount": 1,
                "pageInfo": { "hasNextPage": false, "endCursor": "c1" },
                "edges": [{ "node": {
                    "id": "u1", "email": "a@example.com", "displayName": "Ada",
                    "role": "ADMIN", "disabled": false,
                    "createdAt": "2026-11-21T02:34:00Z", "lastLoginAt": null
                }}]
            }
        });
        let data: list_users::ResponseData = serde_json::from_value(json).expect("parses");
        assert_eq!(data.users.edges[0].node.role, UserRole::Admin);
        assert_eq!(data.users.page_info.end_cursor.as_deref(), Some("c1"));
    }
}
