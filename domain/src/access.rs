//! Who may do what: user roles, the permissions they grant, and API-client scopes.
//!
//! The matrix lives here, once, so every resolver asks the same question
//! (`role.allows(permission)`) instead of comparing roles ad hoc.

use serde::{Deserialize, Serialize};

/// The role of a person using Reachline (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserRole {
    /// Manages users, API clients and every tenant setting.
    Admin,
    /// Runs campaigns and watches the floor.
    Supervisor,
    /// Loads and maintains contact lists.
    ListManager,
    /// Owns rule sets, suppression lists and the emergency stop.
    ComplianceOfficer,
    /// Reads dashboards; changes nothing.
    Viewer,
}

/// A capability checked by resolvers; granted by roles through [`UserRole::allows`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create and change users.
    ManageUsers,
    /// See the user directory.
    ViewUsers,
    /// Create and revoke machine credentials.
    ManageApiClients,
    /// Read the audit log.
    ViewAudit,
    /// Create, change, import into and delete contact lists.
    ManageLists,
    /// See contact lists and their contacts.
    ViewLists,
    /// Create suppression lists and add, remove or upload their entries.
    ManageSuppression,
    /// Change the compliance rule set and refresh the compliance data.
    ManageCompliance,
    /// Turn the tenant's emergency stop on or off.
    StopDialing,
    /// Read the rule set, the compliance data status and check numbers.
    ViewCompliance,
    /// Create and edit campaign templates and campaigns; load, start, stop and unload them.
    ManageCampaigns,
    /// See campaigns, their statistics, dialability and calling lists.
    ViewCampaigns,
    /// Create, change, delete and run scheduled jobs and the SFTP connections they use.
    ManageJobs,
    /// See jobs, their next firings and their runs with logs.
    ViewJobs,
    /// Create and change message templates and the tenant's messaging gateway; send test messages.
    ManageMessaging,
    /// Answer data subject requests (export and erasure) and set how long history is kept.
    ManagePersonalData,
}

impl UserRole {
    /// Every role, in the order the UI lists them.
    pub const ALL: [UserRole; 5] = [
        UserRole::Admin,
        UserRole::Supervisor,
        UserRole::ListManager,
        UserRole::ComplianceOfficer,
        UserRole::Viewer,
    ];

    /// The stored and wire name (`ADMIN`, `LIST_MANAGER`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            UserRole::Admin => "ADMIN",
            UserRole::Supervisor => "SUPERVISOR",
            UserRole::ListManager => "LIST_MANAGER",
            UserRole::ComplianceOfficer => "COMPLIANCE_OFFICER",
            UserRole::Viewer => "VIEWER",
        }
    }

    /// Parses the stored name; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// The permission matrix: whether this role grants `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            UserRole::Admin => true,
            UserRole::Supervisor => matches!(
                permission,
                ViewUsers
                    | ViewAudit
                    | ViewLists
                    | StopDialing
                    | ViewCompliance
                    | ManageCampaigns
                    | ViewCampaigns
                    | ManageJobs
                    | ViewJobs
                    | ManageMessaging
            ),
            UserRole::ListManager => matches!(
                permission,
                ManageLists
                    | ViewLists
                    | ManageSuppression
                    | ViewCompliance
                    | ViewCampaigns
                    | ManageJobs
                    | ViewJobs
            ),
            UserRole::ComplianceOfficer => matches!(
                permission,
                ViewAudit
                    | ViewLists
                    | ManageSuppression
                    | ManageCompliance
                    | StopDialing
                    | ViewCompliance
                    | ViewCampaigns
                    | ViewJobs
                    | ManagePersonalData
            ),
            UserRole::Viewer => {
                matches!(
                    permission,
                    ViewLists | ViewCompliance | ViewCampaigns | ViewJobs
                )
            }
        }
    }
}

/// What a machine credential (API client) may call; checked by the REST shims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiScope {
    /// `POST /ocs/v1/validate` and `/validate/batch`: pre-dial checks.
    OcsValidate,
    /// `POST /ocs/v1/history`: call report records.
    OcsHistory,
    /// `POST /ocs/v1/campaigns/{id}/records:lease`: record pull.
    OcsLease,
}

impl ApiScope {
    /// Every scope.
    pub const ALL: [ApiScope; 3] = [
        ApiScope::OcsValidate,
        ApiScope::OcsHistory,
        ApiScope::OcsLease,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiScope::OcsValidate => "OCS_VALIDATE",
            ApiScope::OcsHistory => "OCS_HISTORY",
            ApiScope::OcsLease => "OCS_LEASE",
        }
    }

    /// Parses the stored name; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in UserRole::ALL {
            assert_eq!(UserRole::parse(role.as_str()), Some(role));
        }
        for scope in ApiScope::ALL {
            assert_eq!(ApiScope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(UserRole::parse("admin"), None);
    }

    #[test]
    fn permission_matrix() {
        use Permission::*;
        // ManageUsers, ViewUsers, ManageApiClients, ViewAudit, ManageLists, ViewLists,
        // ManageSuppression, ManageCompliance, StopDialing, ViewCompliance
        let t = true;
        let f = false;
        let table = [
            (UserRole::Admin, [t, t, t, t, t, t, t, t, t, t]),
            (UserRole::Supervisor, [f, t, f, t, f, t, f, f, t, t]),
            (UserRole::ListManager, [f, f, f, f, t, t, t, f, f, t]),
            (UserRole::ComplianceOfficer, [f, f, f, t, f, t, t, t, t, t]),
            (UserRole::Viewer, [f, f, f, f, f, t, f, f, f, t]),
        ];
        for (role, expected) in table {
            let permissions = [
                ManageUsers,
                ViewUsers,
                ManageApiClients,
                ViewAudit,
                ManageLists,
                ViewLists,
                ManageSuppression,
                ManageCompliance,
                StopDialing,
                ViewCompliance,
            ];
            let actual = permissions.map(|p| role.allows(p));
            assert_eq!(actual, expected, "{role:?}");
        }
    }
}
