//! Rust types for the schema's custom scalars and the enums that several
//! operations share.
//!
//! graphql_client generates a fresh enum per operation module; the shared
//! enums are declared here once instead (`extern_enums` in `operations.rs`) so
//! a role read by `ListUsers` can be sent back by `UpdateUser`. Because the
//! derive does not check extern enums against the schema, the tests at the
//! bottom of this file do: they fail when `schema.graphql` and these lists
//! drift apart.

use serde::{Deserialize, Serialize};

/// The `DateTime` scalar: an RFC 3339 timestamp, kept as the server's string.
pub type DateTime = String;

/// A user's role (`UserRole` in the schema); decides what the user may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserRole {
    /// Manages users, API clients and every tenant setting.
    Admin,
    /// Runs campaigns; reads users.
    Supervisor,
    /// Imports and maintains contact lists.
    ListManager,
    /// Owns suppression lists and compliance rules.
    ComplianceOfficer,
    /// Reads dashboards only.
    Viewer,
    /// A role this build does not know yet (the server is newer than the app).
    #[serde(other)]
    Unknown,
}

impl UserRole {
    /// Every role an administrator can assign, in the order menus show them.
    pub const ASSIGNABLE: [UserRole; 5] = [
        UserRole::Admin,
        UserRole::Supervisor,
        UserRole::ListManager,
        UserRole::ComplianceOfficer,
        UserRole::Viewer,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            UserRole::Admin => "ADMIN",
            UserRole::Supervisor => "SUPERVISOR",
            UserRole::ListManager => "LIST_MANAGER",
            UserRole::ComplianceOfficer => "COMPLIANCE_OFFICER",
            UserRole::Viewer => "VIEWER",
            UserRole::Unknown => "UNKNOWN",
        }
    }

    /// The assignable role spelled `wire_name`, if any (used by `<select>` values).
    pub fn from_wire_name(wire_name: &str) -> Option<UserRole> {
        UserRole::ASSIGNABLE
            .into_iter()
            .find(|role| role.wire_name() == wire_name)
    }

    /// The name people read in tables and menus.
    pub fn label(self) -> &'static str {
        match self {
            UserRole::Admin => "Administrator",
            UserRole::Supervisor => "Supervisor",
            UserRole::ListManager => "List manager",
            UserRole::ComplianceOfficer => "Compliance officer",
            UserRole::Viewer => "Viewer",
            UserRole::Unknown => "Unknown role",
        }
    }
}

/// What an API client's key may call (`ApiScope` in the schema); ordered as
/// the create form lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiScope {
    /// Pre-dial validation: `POST /ocs/v1/validate` and its batch form.
    OcsValidate,
    /// Call report records: `POST /ocs/v1/history`.
    OcsHistory,
    /// Record pull for dialers: `POST /ocs/v1/campaigns/{id}/records:lease`.
    OcsLease,
    /// A scope this build does not know yet (the server is newer than the app).
    #[serde(other)]
    Unknown,
}

impl ApiScope {
    /// Every scope that can be granted, in the order the create form lists them.
    pub const GRANTABLE: [ApiScope; 3] = [
        ApiScope::OcsValidate,
        ApiScope::OcsHistory,
        ApiScope::OcsLease,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            ApiScope::OcsValidate => "OCS_VALIDATE",
            ApiScope::OcsHistory => "OCS_HISTORY",
            ApiScope::OcsLease => "OCS_LEASE",
            ApiScope::Unknown => "UNKNOWN",
        }
    }

    /// The scope's name in the create form and the table's badges.
    pub fn label(self) -> &'static str {
        match self {
            ApiScope::OcsValidate => "Pre-dial validation",
            ApiScope::OcsHistory => "Call reports",
            ApiScope::OcsLease => "Record leasing",
            ApiScope::Unknown => "Unknown",
        }
    }

    /// What the scope allows, for the checkbox's help text.
    pub fn description(self) -> &'static str {
        match self {
            ApiScope::OcsValidate => {
                "POST /ocs/v1/validate and /ocs/v1/validate/batch: may this record be dialled now?"
            }
            ApiScope::OcsHistory => {
                "POST /ocs/v1/history: call results, for attempt rules and statistics"
            }
            ApiScope::OcsLease => {
                "POST /ocs/v1/campaigns/{id}/records:lease: pull ready records to dial"
            }
            ApiScope::Unknown => "A scope this version of the app does not know",
        }
    }
}

/// How a list's contacts are reached (`Channel` in the schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Channel {
    /// Phone calls.
    Voice,
    /// Text messages.
    Sms,
    /// E-mail.
    Email,
    /// A channel this build does not know yet (the server is newer than the app).
    #[serde(other)]
    Unknown,
}

impl Channel {
    /// Every channel a new list can use, in the order the create form lists them.
    pub const CHOOSABLE: [Channel; 3] = [Channel::Voice, Channel::Sms, Channel::Email];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            Channel::Voice => "VOICE",
            Channel::Sms => "SMS",
            Channel::Email => "EMAIL",
            Channel::Unknown => "UNKNOWN",
        }
    }

    /// The choosable channel spelled `wire_name`, if any (used by `<select>` values).
    pub fn from_wire_name(wire_name: &str) -> Option<Channel> {
        Channel::CHOOSABLE
            .into_iter()
            .find(|channel| channel.wire_name() == wire_name)
    }

    /// The name people read in tables and menus.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Voice => "Voice",
            Channel::Sms => "SMS",
            Channel::Email => "E-mail",
            Channel::Unknown => "Unknown",
        }
    }
}

/// Where a contact list is in its life (`ContactListStatus` in the schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactListStatus {
    /// An import is running; the list cannot be archived or deleted meanwhile.
    Importing,
    /// Usable.
    Ready,
    /// The last import failed; the list keeps its previous contents.
    Failed,
    /// Kept for reference, hidden from the Lists page by default.
    Archived,
    /// A status this build does not know yet (the server is newer than the app).
    #[serde(other)]
    Unknown,
}

/// The `Upload` scalar: always sent as `null` in `operations`; the file
/// travels as a separate multipart part (see `api::multipart`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload;

/// A contact field an import column can fill (`ContactField` in the schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactField {
    /// The customer's own key.
    ClientId,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// Company.
    Company,
    /// Postal code.
    PostalCode,
    /// ISO country of the address.
    Country,
    /// An explicit IANA time zone.
    TimeZone,
    /// Consent to automated calls and texts to mobiles.
    ConsentAutomated,
    /// Consent to text messages.
    ConsentSms,
    /// Consent to e-mail.
    ConsentEmail,
}

impl ContactField {
    /// Every field, in the schema's (and the mapping menu's) order.
    pub const ALL: [ContactField; 10] = [
        ContactField::ClientId,
        ContactField::FirstName,
        ContactField::LastName,
        ContactField::Company,
        ContactField::PostalCode,
        ContactField::Country,
        ContactField::TimeZone,
        ContactField::ConsentAutomated,
        ContactField::ConsentSms,
        ContactField::ConsentEmail,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            ContactField::ClientId => "CLIENT_ID",
            ContactField::FirstName => "FIRST_NAME",
            ContactField::LastName => "LAST_NAME",
            ContactField::Company => "COMPANY",
            ContactField::PostalCode => "POSTAL_CODE",
            ContactField::Country => "COUNTRY",
            ContactField::TimeZone => "TIME_ZONE",
            ContactField::ConsentAutomated => "CONSENT_AUTOMATED",
            ContactField::ConsentSms => "CONSENT_SMS",
            ContactField::ConsentEmail => "CONSENT_EMAIL",
        }
    }

    /// The name people read in the mapping menu.
    pub fn label(self) -> &'static str {
        match self {
            ContactField::ClientId => "Client id",
            ContactField::FirstName => "First name",
            ContactField::LastName => "Last name",
            ContactField::Company => "Company",
            ContactField::PostalCode => "Postal code",
            ContactField::Country => "Country",
            ContactField::TimeZone => "Time zone",
            ContactField::ConsentAutomated => "Consent: automated calls",
            ContactField::ConsentSms => "Consent: text messages",
            ContactField::ConsentEmail => "Consent: e-mail",
        }
    }
}

/// The kind of a device column (`DeviceKind` in the schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeviceKind {
    /// Home phone.
    Home,
    /// Direct business phone.
    Work,
    /// Mobile phone.
    Mobile,
    /// Any other phone.
    Other,
    /// A number for text messages.
    Sms,
    /// An e-mail address.
    Email,
}

impl DeviceKind {
    /// Every kind, in the schema's (and the mapping menu's) order.
    pub const ALL: [DeviceKind; 6] = [
        DeviceKind::Home,
        DeviceKind::Work,
        DeviceKind::Mobile,
        DeviceKind::Other,
        DeviceKind::Sms,
        DeviceKind::Email,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            DeviceKind::Home => "HOME",
            DeviceKind::Work => "WORK",
            DeviceKind::Mobile => "MOBILE",
            DeviceKind::Other => "OTHER",
            DeviceKind::Sms => "SMS",
            DeviceKind::Email => "EMAIL",
        }
    }

    /// The name people read in the mapping menu.
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::Home => "Device: home phone",
            DeviceKind::Work => "Device: work phone",
            DeviceKind::Mobile => "Device: mobile phone",
            DeviceKind::Other => "Device: other phone",
            DeviceKind::Sms => "Device: SMS number",
            DeviceKind::Email => "Device: e-mail",
        }
    }
}

/// What an import does with the list's contents (`ImportMode` in the schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImportMode {
    /// Add new contacts; rows matching a listed contact are duplicates.
    AppendOnly,
    /// Replace the list's contents with the file's.
    FlushAppend,
    /// Update contacts matched by client id, add the rest.
    AppendAndUpdate,
}

impl ImportMode {
    /// Every mode, in the order the wizard offers them.
    pub const ALL: [ImportMode; 3] = [
        ImportMode::AppendOnly,
        ImportMode::FlushAppend,
        ImportMode::AppendAndUpdate,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            ImportMode::AppendOnly => "APPEND_ONLY",
            ImportMode::FlushAppend => "FLUSH_APPEND",
            ImportMode::AppendAndUpdate => "APPEND_AND_UPDATE",
        }
    }

    /// The choice's title in the wizard.
    pub fn label(self) -> &'static str {
        match self {
            ImportMode::AppendOnly => "Append",
            ImportMode::FlushAppend => "Replace",
            ImportMode::AppendAndUpdate => "Update by client id",
        }
    }

    /// What the choice does, under its title.
    pub fn description(self) -> &'static str {
        match self {
            ImportMode::AppendOnly => {
                "Add the file's contacts; rows matching a listed contact count as duplicates."
            }
            ImportMode::FlushAppend => "Remove the list's current contacts and load the file's.",
            ImportMode::AppendAndUpdate => {
                "Update contacts with the same client id and add the rest."
            }
        }
    }
}

// Only the schema check below needs the wire names: statuses arrive through serde.
#[cfg(test)]
impl ContactListStatus {
    /// Every status the server sends, in the schema's order.
    pub const ALL: [ContactListStatus; 4] = [
        ContactListStatus::Importing,
        ContactListStatus::Ready,
        ContactListStatus::Failed,
        ContactListStatus::Archived,
    ];

    /// The value on the wire, as spelled in `schema.graphql`.
    pub fn wire_name(self) -> &'static str {
        match self {
            ContactListStatus::Importing => "IMPORTING",
            ContactListStatus::Ready => "READY",
            ContactListStatus::Failed => "FAILED",
            ContactListStatus::Archived => "ARCHIVED",
            ContactListStatus::Unknown => "UNKNOWN",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = include_str!("../../../schema.graphql");

    /// The value names of `enum <name> { ... }` in the SDL, descriptions and
    /// directives skipped.
    fn schema_enum_values(name: &str) -> Vec<String> {
        let header = format!("enum {name} ");
        let start = SCHEMA
            .find(&header)
            .or_else(|| SCHEMA.find(&format!("enum {name}{{")))
            .unwrap_or_else(|| panic!("schema.graphql has no enum {name}"));
        let after_brace =
            &SCHEMA[start..][SCHEMA[start..].find('{').expect("enum body opens") + 1..];
        // Descriptions may contain braces: drop them before looking for `}`.
        let without_block_strings: String = after_brace.split("\"\"\"").step_by(2).collect();
        let without_strings: String = without_block_strings.split('"').step_by(2).collect();
        let body_end = without_strings.find('}').expect("enum body closes");
        without_strings[..body_end]
            .split_whitespace()
            .filter(|token| !token.starts_with('@') && !token.starts_with('('))
            .filter(|token| token.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn user_roles_match_the_schema() {
        let ours: Vec<&str> = UserRole::ASSIGNABLE.iter().map(|r| r.wire_name()).collect();
        assert_eq!(schema_enum_values("UserRole"), ours);
    }

    #[test]
    fn api_scopes_match_the_schema() {
        let ours: Vec<&str> = ApiScope::GRANTABLE.iter().map(|s| s.wire_name()).collect();
        assert_eq!(schema_enum_values("ApiScope"), ours);
    }

    #[test]
    fn channels_match_the_schema() {
        let ours: Vec<&str> = Channel::CHOOSABLE.iter().map(|c| c.wire_name()).collect();
        assert_eq!(schema_enum_values("Channel"), ours);
    }

    #[test]
    fn list_statuses_match_the_schema() {
        let ours: Vec<&str> = ContactListStatus::ALL
            .iter()
            .map(|s| s.wire_name())
            .collect();
        assert_eq!(schema_enum_values("ContactListStatus"), ours);
    }

    #[test]
    fn import_enums_match_the_schema() {
        let fields: Vec<&str> = ContactField::ALL.iter().map(|f| f.wire_name()).collect();
        assert_eq!(schema_enum_values("ContactField"), fields);
        let kinds: Vec<&str> = DeviceKind::ALL.iter().map(|k| k.wire_name()).collect();
        assert_eq!(schema_enum_values("DeviceKind"), kinds);
        let modes: Vec<&str> = ImportMode::ALL.iter().map(|m| m.wire_name()).collect();
        assert_eq!(schema_enum_values("ImportMode"), modes);
        for field in ContactField::ALL {
            let json = serde_json::to_string(&field).expect("serialises");
            assert_eq!(json, format!("\"{}\"", field.wire_name()));
        }
        for kind in DeviceKind::ALL {
            let json = serde_json::to_string(&kind).expect("serialises");
            assert_eq!(json, format!("\"{}\"", kind.wire_name()));
        }
        for mode in ImportMode::ALL {
            let json = serde_json::to_string(&mode).expect("serialises");
            assert_eq!(json, format!("\"{}\"", mode.wire_name()));
        }
        assert_eq!(serde_json::to_string(&Upload).expect("serialises"), "null");
    }

    #[test]
    fn serde_uses_the_wire_names() {
        for role in UserRole::ASSIGNABLE {
            let json = serde_json::to_string(&role).expect("a role serialises");
            assert_eq!(json, format!("\"{}\"", role.wire_name()));
            assert_eq!(UserRole::from_wire_name(role.wire_name()), Some(role));
        }
        for scope in ApiScope::GRANTABLE {
            let json = serde_json::to_string(&scope).expect("a scope serialises");
            assert_eq!(json, format!("\"{}\"", scope.wire_name()));
        }
        for channel in Channel::CHOOSABLE {
            let json = serde_json::to_string(&channel).expect("a channel serialises");
            assert_eq!(json, format!("\"{}\"", channel.wire_name()));
            assert_eq!(Channel::from_wire_name(channel.wire_name()), Some(channel));
        }
        for status in ContactListStatus::ALL {
            let json = serde_json::to_string(&status).expect("a status serialises");
            assert_eq!(json, format!("\"{}\"", status.wire_name()));
        }
    }

    #[test]
    fn values_from_a_newer_server_are_unknown_not_an_error() {
        let role: UserRole = serde_json::from_str("\"AUDITOR\"").expect("parses");
        assert_eq!(role, UserRole::Unknown);
        let scope: ApiScope = serde_json::from_str("\"OCS_EXPORT\"").expect("parses");
        assert_eq!(scope, ApiScope::Unknown);
        assert_eq!(UserRole::from_wire_name("UNKNOWN"), None);
        let channel: Channel = serde_json::from_str("\"FAX\"").expect("parses");
        assert_eq!(channel, Channel::Unknown);
        assert_eq!(Channel::from_wire_name("UNKNOWN"), None);
        let status: ContactListStatus = serde_json::from_str("\"PAUSED\"").expect("parses");
        assert_eq!(status, ContactListStatus::Unknown);
    }
}
