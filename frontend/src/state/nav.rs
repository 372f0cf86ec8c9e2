//! Which sections of the app exist and which roles see them.
//!
//! The left navigation, the "you cannot open this" guard and the home page's
//! shortcuts all read `NAVIGATION`: adding a section (Lists, Campaigns, ...)
//! is one line in that table plus its route in `app.rs`.

use crate::api::schema_types::UserRole;

/// One entry of the left navigation.
#[derive(Debug, PartialEq, Eq)]
pub struct NavEntry {
    /// Where it leads, also the prefix of every page in the section.
    pub path: &'static str,
    /// What the link says.
    pub label: &'static str,
    /// The roles that may open the section.
    pub visible_to: &'static [UserRole],
    /// Other path prefixes whose pages belong to the section (a contact's
    /// page `/contacts/7` is part of Lists).
    pub also_covers: &'static [&'static str],
}

use UserRole::{Admin, ComplianceOfficer, ListManager, Supervisor, Viewer};

/// Every role: sections any signed-in user may read.
const EVERY_ROLE: &[UserRole] = &[Admin, Supervisor, ListManager, ComplianceOfficer, Viewer];

/// Every section, in menu order.
#[rustfmt::skip] // A table: one line per section keeps additions one-line diffs.
pub const NAVIGATION: &[NavEntry] = &[
    NavEntry::new("/campaigns",   "Campaigns",   EVERY_ROLE),
    NavEntry::new("/campaign-templates", "Campaign templates", EVERY_ROLE),
    NavEntry::new("/messaging",   "Messaging",   EVERY_ROLE),
    NavEntry::new("/lists",       "Lists",       EVERY_ROLE).covering(&["/contacts"]),
    NavEntry::new("/rules",       "Rules",       EVERY_ROLE),
    NavEntry::new("/suppression", "Suppression", EVERY_ROLE),
    NavEntry::new("/compliance",  "Compliance",  EVERY_ROLE),
    NavEntry::new("/dialers",     "Dialer traffic", EVERY_ROLE),
    NavEntry::new("/jobs",        "Jobs",        EVERY_ROLE),
    NavEntry::new("/users",       "Users",       &[Admin, Supervisor]),
    NavEntry::new("/api-clients", "API clients", &[Admin]),
    NavEntry::new("/audit",       "Audit log",   &[Admin, Supervisor, ComplianceOfficer]),
    NavEntry::new("/personal-data", "Personal data", &[Admin, ComplianceOfficer]),
];

impl NavEntry {
    /// A table row: path, label, roles.
    const fn new(
        path: &'static str,
        label: &'static str,
        visible_to: &'static [UserRole],
    ) -> NavEntry {
        NavEntry {
            path,
            label,
            visible_to,
            also_covers: &[],
        }
    }

    /// The same entry, also owning the pages under `prefixes`.
    const fn covering(self, prefixes: &'static [&'static str]) -> NavEntry {
        NavEntry {
            also_covers: prefixes,
            ..self
        }
    }

    /// Whether `role` may open this section.
    pub fn is_visible_to(&self, role: UserRole) -> bool {
        self.visible_to.contains(&role)
    }

    /// Whether `path` is this section's page or one below it (or below one
    /// of the prefixes it also covers).
    pub fn contains_path(&self, path: &str) -> bool {
        std::iter::once(self.path)
            .chain(self.also_covers.iter().copied())
            .any(|prefix| is_at_or_below(path, prefix))
    }
}

/// The sections `role` sees, in menu order.
pub fn sections_for(role: UserRole) -> Vec<&'static NavEntry> {
    NAVIGATION
        .iter()
        .filter(|entry| entry.is_visible_to(role))
        .collect()
}

/// The section a path belongs to, if any (the home page belongs to none).
pub fn section_for_path(path: &str) -> Option<&'static NavEntry> {
    NAVIGATION.iter().find(|entry| entry.contains_path(path))
}

/// Whether `role` may open `path`; paths outside every section are open to all.
pub fn may_open(role: UserRole, path: &str) -> bool {
    section_for_path(path).is_none_or(|entry| entry.is_visible_to(role))
}

/// Whether `role` may create users and change their role or status.
///
/// Supervisors see the user list read-only; the server enforces the same rule.
pub fn can_manage_users(role: UserRole) -> bool {
    role == UserRole::Admin
}

/// Whether `role` may create and revoke API clients.
pub fn can_manage_api_clients(role: UserRole) -> bool {
    role == UserRole::Admin
}

/// Whether `role` may create, edit, archive and delete lists and edit or
/// delete their contacts; every other role reads them. The server enforces
/// the same rule.
pub fn can_manage_lists(role: UserRole) -> bool {
    matches!(role, UserRole::Admin | UserRole::ListManager)
}

/// Whether `role` may create suppression lists and add, upload or remove
/// their values (reads are open to every role). The server enforces the same rule.
pub fn can_manage_suppression(role: UserRole) -> bool {
    matches!(
        role,
        UserRole::Admin | UserRole::ComplianceOfficer | UserRole::ListManager
    )
}

/// Whether `role` may create or change a global suppression list (one that
/// applies to every tenant).
pub fn can_manage_global_suppression(role: UserRole) -> bool {
    role == UserRole::Admin
}

/// Whether `role` may change the compliance rule set and refresh the
/// numbering data.
pub fn can_edit_compliance_rules(role: UserRole) -> bool {
    matches!(role, UserRole::Admin | UserRole::ComplianceOfficer)
}

/// Whether `role` may turn the emergency stop on or off (supervisors run the
/// floor, so they may stop it).
pub fn can_use_emergency_stop(role: UserRole) -> bool {
    matches!(
        role,
        UserRole::Admin | UserRole::ComplianceOfficer | UserRole::Supervisor
    )
}

/// Whether `role` may create, change, load, start, stop and unload
/// campaigns and their templates (ManageCampaigns); every role reads them.
/// The server enforces the same rule.
pub fn can_manage_campaigns(role: UserRole) -> bool {
    matches!(role, UserRole::Admin | UserRole::Supervisor)
}

/// Whether `role` may create, change, delete and run scheduled jobs and
/// their SFTP connections; every role reads them. The server enforces the
/// same rule.
pub fn can_manage_jobs(role: UserRole) -> bool {
    matches!(
        role,
        UserRole::Admin | UserRole::Supervisor | UserRole::ListManager
    )
}

/// Whether `role` may create, change and delete message templates, store
/// the gateway settings and send test messages (ManageMessaging); every
/// role reads them. The server enforces the same rule.
pub fn can_manage_messaging(role: UserRole) -> bool {
    matches!(role, UserRole::Admin | UserRole::Supervisor)
}

/// Whether `role` may look up what the tenant holds about a person, erase
/// it and set the history retention (ManagePersonalData); no other role
/// sees the page. The server enforces the same rule.
pub fn can_manage_personal_data(role: UserRole) -> bool {
    matches!(role, UserRole::Admin | UserRole::ComplianceOfficer)
}

/// Whether `path` is `prefix` itself or a page below it (`/lists/7` is below
/// `/lists`, `/listsx` is not).
fn is_at_or_below(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(role: UserRole) -> Vec<&'static str> {
        sections_for(role).iter().map(|entry| entry.label).collect()
    }

    #[test]
    fn each_role_sees_its_sections() {
        let table = [
            (
                UserRole::Admin,
                vec![
                    "Campaigns",
                    "Campaign templates",
                    "Messaging",
                    "Lists",
                    "Rules",
                    "Suppression",
                    "Compliance",
                    "Dialer traffic",
                    "Jobs",
                    "Users",
                    "API clients",
                    "Audit log",
                    "Personal data",
                ],
            ),
            (
                UserRole::Supervisor,
                vec![
                    "Campaigns",
                    "Campaign templates",
                    "Messaging",
                    "Lists",
                    "Rules",
                    "Suppression",
                    "Compliance",
                    "Dialer traffic",
                    "Jobs",
                    "Users",
                    "Audit log",
                ],
            ),
            (
                UserRole::ComplianceOfficer,
                vec![
                    "Campaigns",
                    "Campaign templates",
                    "Messaging",
                    "Lists",
                    "Rules",
                    "Suppression",
                    "Compliance",
                    "Dialer traffic",
                    "Jobs",
                    "Audit log",
                    "Personal data",
                ],
            ),
            (
                UserRole::ListManager,
                vec![
                    "Campaigns",
                    "Campaign templates",
                    "Messaging",
                    "Lists",
                    "Rules",
                    "Suppression",
                    "Compliance",
                    "Dialer traffic",
                    "Jobs",
                ],
            ),
            (
                UserRole::Viewer,
                vec![
                    "Campaigns",
                    "Campaign templates",
                    "Messaging",
                    "Lists",
                    "Rules",
                    "Suppression",
                    "Compliance",
                    "Dialer traffic",
                    "Jobs",
                ],
            ),
            (UserRole::Unknown, vec![]),
        ];
        for (role, expected) in table {
            assert_eq!(labels(role), expected, "{role:?}");
        }
    }

    #[test]
    fn paths_map_to_their_section() {
        assert_eq!(section_for_path("/users").map(|e| e.label), Some("Users"));
        assert_eq!(
            section_for_path("/users/42").map(|e| e.label),
            Some("Users")
        );
        assert_eq!(section_for_path("/usersx"), None);
        assert_eq!(
            section_for_path("/lists/0192").map(|e| e.label),
            Some("Lists")
        );
        assert_eq!(
            section_for_path("/contacts/7").map(|e| e.label),
            Some("Lists")
        );
        assert_eq!(section_for_path("/contactsx"), None);
        assert_eq!(section_for_path("/"), None);
        assert_eq!(
            section_for_path("/api-clients").map(|e| e.label),
            Some("API clients")
        );
    }

    #[test]
    fn guards_follow_the_table() {
        assert!(may_open(UserRole::Viewer, "/"));
        assert!(!may_open(UserRole::Viewer, "/audit"));
        assert!(may_open(UserRole::ComplianceOfficer, "/audit"));
        assert!(!may_open(UserRole::Supervisor, "/api-clients"));
        assert!(may_open(UserRole::Viewer, "/no-such-page"));
        assert!(!may_open(UserRole::Unknown, "/dialers"));
        for role in UserRole::ASSIGNABLE {
            assert!(may_open(role, "/lists"), "{role:?}");
            assert!(may_open(role, "/lists/0192"), "{role:?}");
            assert!(may_open(role, "/contacts/7"), "{role:?}");
            assert!(may_open(role, "/dialers"), "{role:?}");
        }
        assert!(!may_open(UserRole::Unknown, "/contacts/7"));
    }

    #[test]
    fn only_admins_and_list_managers_manage_lists() {
        let table = [
            (UserRole::Admin, true),
            (UserRole::ListManager, true),
            (UserRole::Supervisor, false),
            (UserRole::ComplianceOfficer, false),
            (UserRole::Viewer, false),
            (UserRole::Unknown, false),
        ];
        for (role, expected) in table {
            assert_eq!(can_manage_lists(role), expected, "{role:?}");
        }
    }

    #[test]
    fn every_role_reads_campaigns_and_admins_and_supervisors_run_them() {
        for role in UserRole::ASSIGNABLE {
            assert!(may_open(role, "/campaigns"), "{role:?}");
            assert!(may_open(role, "/campaigns/7/records"), "{role:?}");
            assert!(may_open(role, "/campaign-templates"), "{role:?}");
            assert_eq!(
                can_manage_campaigns(role),
                matches!(role, UserRole::Admin | UserRole::Supervisor),
                "{role:?}"
            );
        }
        assert_eq!(
            section_for_path("/campaigns/7").map(|e| e.label),
            Some("Campaigns")
        );
    }

    #[test]
    fn every_role_reads_jobs_and_three_manage_them() {
        for role in UserRole::ASSIGNABLE {
            assert!(may_open(role, "/jobs/7/edit"), "{role:?}");
            assert_eq!(
                can_manage_jobs(role),
                matches!(
                    role,
                    UserRole::Admin | UserRole::Supervisor | UserRole::ListManager
                ),
                "{role:?}"
            );
        }
        assert!(!can_manage_jobs(UserRole::Unknown));
    }

    #[test]
    fn every_role_reads_messaging_and_admins_and_supervisors_change_it() {
        for role in UserRole::ASSIGNABLE {
            assert!(may_open(role, "/messaging/templates/7"), "{role:?}");
            assert!(may_open(role, "/messaging/provider"), "{role:?}");
            assert_eq!(
                can_manage_messaging(role),
                matches!(role, UserRole::Admin | UserRole::Supervisor),
                "{role:?}"
            );
        }
        assert!(!can_manage_messaging(UserRole::Unknown));
    }

    #[test]
    fn only_admins_manage_users_and_api_clients() {
        for role in UserRole::ASSIGNABLE {
            assert_eq!(can_manage_users(role), role == UserRole::Admin);
            assert_eq!(can_manage_api_clients(role), role == UserRole::Admin);
        }
    }

    #[test]
    fn only_admins_and_compliance_officers_handle_personal_data() {
        for role in UserRole::ASSIGNABLE {
            let allowed = matches!(role, UserRole::Admin | UserRole::ComplianceOfficer);
            assert_eq!(can_manage_personal_data(role), allowed, "{role:?}");
            assert_eq!(may_open(role, "/personal-data"), allowed, "{role:?}");
        }
        assert!(!can_manage_personal_data(UserRole::Unknown));
        assert!(!may_open(UserRole::Unknown, "/personal-data"));
        assert_eq!(
            section_for_path("/personal-data").map(|e| e.label),
            Some("Personal data")
        );
    }

    #[test]
    fn compliance_permissions_follow_the_contract() {
        use UserRole::{Admin, ComplianceOfficer, ListManager, Supervisor, Viewer};
        let table = [
            // role, suppression, global lists, rule set, emergency stop
            (Admin, true, true, true, true),
            (ComplianceOfficer, true, false, true, true),
            (ListManager, true, false, false, false),
            (Supervisor, false, false, false, true),
            (Viewer, false, false, false, false),
            (UserRole::Unknown, false, false, false, false),
        ];
        for (role, suppression, global, rules, stop) in table {
            assert_eq!(can_manage_suppression(role), suppression, "{role:?}");
            assert_eq!(can_manage_global_suppression(role), global, "{role:?}");
            assert_eq!(can_edit_compliance_rules(role), rules, "{role:?}");
            assert_eq!(can_use_emergency_stop(role), stop, "{role:?}");
        }
    }
}
