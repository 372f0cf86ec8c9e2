//! The role matrix over every operation, in one table: which permission each
//! root field of the schema needs. The [`Enforce`] extension refuses a call
//! the table does not allow before its resolver runs (resolvers and use cases
//! check again: two locks); the suite's matrix test reads every operation from
//! `schema.graphql`, fails for one missing here, and checks every role against
//! this table.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ErrorExtensions, ServerResult, Value};
use domain::{Permission, UserRole};
use workers::Services;
use workers::quota::{self, Expensive};

use super::Caller;
use super::error::ApiError;

/// What calling an operation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (signing in itself).
    Public,
    /// Any signed-in user, whatever the role.
    SignedIn,
    /// A signed-in user whose role grants this permission.
    Needs(Permission),
}

impl Access {
    /// Whether no sign-in is needed.
    pub fn is_public(self) -> bool {
        self == Access::Public
    }

    /// Whether a signed-in user of `role` may call it.
    pub fn allows(self, role: UserRole) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Needs(permission) => role.allows(permission),
        }
    }
}

use Access::{Needs, Public, SignedIn};
use Permission::*;

/// Every operation (`query.name`, `mutation.name`, `subscription.name`) and what it takes.
pub const TABLE: &[(&str, Access)] = &[
    ("query.me", SignedIn),
    ("query.users", Needs(ViewUsers)),
    ("query.user", Needs(ViewUsers)),
    ("query.apiClients", Needs(ManageApiClients)),
    ("query.auditEvents", Needs(ViewAudit)),
    ("query.contactLists", Needs(ViewLists)),
    ("query.contactList", Needs(ViewLists)),
    ("query.contact", Needs(ViewLists)),
    ("query.importJob", Needs(ViewLists)),
    ("query.importMappings", Needs(ViewLists)),
    ("query.selectionRules", Needs(ViewLists)),
    ("query.selectionRule", Needs(ViewLists)),
    ("query.splitRules", Needs(ViewLists)),
    ("query.splitRule", Needs(ViewLists)),
    ("query.suppressionLists", Needs(ViewCompliance)),
    ("query.suppressionList", Needs(ViewCompliance)),
    ("query.suppressionImport", Needs(ViewCompliance)),
    ("query.complianceRuleSet", Needs(ViewCompliance)),
    ("query.checkNumber", Needs(ViewCompliance)),
    ("query.complianceDataStatus", Needs(ViewCompliance)),
    ("query.complianceRegions", Needs(ViewCompliance)),
    ("query.validationTraffic", Needs(ViewCompliance)),
    ("query.campaignTemplates", Needs(ViewCampaigns)),
    ("query.campaignTemplate", Needs(ViewCampaigns)),
    ("query.campaigns", Needs(ViewCampaigns)),
    ("query.campaign", Needs(ViewCampaigns)),
    ("query.jobs", Needs(ViewJobs)),
    ("query.job", Needs(ViewJobs)),
    ("query.jobRuns", Needs(ViewJobs)),
    ("query.jobRun", Needs(ViewJobs)),
    ("query.cronPreview", Needs(ViewJobs)),
    ("query.sftpConnections", Needs(ViewJobs)),
    ("query.messageTemplates", Needs(ViewCampaigns)),
    ("query.messageTemplate", Needs(ViewCampaigns)),
    ("query.messageTemplateFields", Needs(ViewCampaigns)),
    ("query.previewMessage", Needs(ViewCampaigns)),
    ("query.messagingProvider", Needs(ViewCampaigns)),
    ("query.campaignMessages", Needs(ViewCampaigns)),
    ("query.personalData", Needs(ManagePersonalData)),
    ("query.retentionSettings", Needs(ManagePersonalData)),
    ("mutation.login", Public),
    ("mutation.logout", SignedIn),
    ("mutation.createUser", Needs(ManageUsers)),
    ("mutation.updateUser", Needs(ManageUsers)),
    ("mutation.createApiClient", Needs(ManageApiClients)),
    ("mutation.revokeApiClient", Needs(ManageApiClients)),
    ("mutation.createContactList", Needs(ManageLists)),
    ("mutation.updateContactList", Needs(ManageLists)),
    ("mutation.deleteContactList", Needs(ManageLists)),
    ("mutation.exportContactList", Needs(ManageLists)),
    ("mutation.updateContact", Needs(ManageLists)),
    ("mutation.deleteContact", Needs(ManageLists)),
    ("mutation.createImportMapping", Needs(ManageLists)),
    ("mutation.previewImport", Needs(ManageLists)),
    ("mutation.importContacts", Needs(ManageLists)),
    ("mutation.createSelectionRule", Needs(ManageLists)),
    ("mutation.updateSelectionRule", Needs(ManageLists)),
    ("mutation.deleteSelectionRule", Needs(ManageLists)),
    ("mutation.createSplitRule", Needs(ManageLists)),
    ("mutation.updateSplitRule", Needs(ManageLists)),
    ("mutation.deleteSplitRule", Needs(ManageLists)),
    ("mutation.createSuppressionList", Needs(ManageSuppression)),
    ("mutation.deleteSuppressionList", Needs(ManageSuppression)),
    ("mutation.addSuppressionEntries", Needs(ManageSuppression)),
    (
        "mutation.removeSuppressionEntries",
        Needs(ManageSuppression),
    ),
    (
        "mutation.importSuppressionEntries",
        Needs(ManageSuppression),
    ),
    ("mutation.exportSuppressionList", Needs(ManageSuppression)),
    ("mutation.updateComplianceRuleSet", Needs(ManageCompliance)),
    ("mutation.setEmergencyStop", Needs(StopDialing)),
    ("mutation.refreshComplianceData", Needs(ManageCompliance)),
    ("mutation.createCampaignTemplate", Needs(ManageCampaigns)),
    ("mutation.updateCampaignTemplate", Needs(ManageCampaigns)),
    ("mutation.deleteCampaignTemplate", Needs(ManageCampaigns)),
    ("mutation.createCampaign", Needs(ManageCampaigns)),
    ("mutation.updateCampaign", Needs(ManageCampaigns)),
    ("mutation.deleteCampaign", Needs(ManageCampaigns)),
    ("mutation.loadCampaign", Needs(ManageCampaigns)),
    ("mutation.startCampaign", Needs(ManageCampaigns)),
    ("mutation.stopCampaign", Needs(ManageCampaigns)),
    ("mutation.unloadCampaign", Needs(ManageCampaigns)),
    ("mutation.createJob", Needs(ManageJobs)),
    ("mutation.updateJob", Needs(ManageJobs)),
    ("mutation.deleteJob", Needs(ManageJobs)),
    ("mutation.runJobNow", Needs(ManageJobs)),
    ("mutation.createSftpConnection", Needs(ManageJobs)),
    ("mutation.updateSftpConnection", Needs(ManageJobs)),
    ("mutation.deleteSftpConnection", Needs(ManageJobs)),
    ("mutation.testSftpConnection", Needs(ManageJobs)),
    ("mutation.createMessageTemplate", Needs(ManageMessaging)),
    ("mutation.updateMessageTemplate", Needs(ManageMessaging)),
    ("mutation.deleteMessageTemplate", Needs(ManageMessaging)),
    ("mutation.updateMessagingProvider", Needs(ManageMessaging)),
    ("mutation.sendTestMessage", Needs(ManageMessaging)),
    ("mutation.erasePersonalData", Needs(ManagePersonalData)),
    (
        "mutation.updateRetentionSettings",
        Needs(ManagePersonalData),
    ),
    ("subscription.auditEventAdded", Needs(ViewAudit)),
    ("subscription.importProgress", Needs(ViewLists)),
    ("subscription.campaignStateChanged", Needs(ViewCampaigns)),
    ("subscription.campaignStats", Needs(ViewCampaigns)),
    ("subscription.jobRunUpdates", Needs(ViewJobs)),
];

/// The operations that start work far larger than their request, and the
/// per-tenant budget each spends (`workers::quota`), checked after access.
pub const EXPENSIVE: &[(&str, Expensive)] = &[
    ("mutation.importContacts", Expensive::Import),
    ("mutation.importSuppressionEntries", Expensive::Import),
    ("mutation.exportContactList", Expensive::Export),
    ("mutation.exportSuppressionList", Expensive::Export),
    ("mutation.loadCampaign", Expensive::CampaignLoad),
];

/// What `operation` (`query.name`, …) takes; `None` for an operation not in the table.
pub fn required(operation: &str) -> Option<Access> {
    TABLE
        .iter()
        .find(|(name, _)| *name == operation)
        .map(|(_, access)| *access)
}

/// Refuses a root field the caller's role may not call, by the table, before it runs.
pub struct Enforce;

impl ExtensionFactory for Enforce {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(EnforceOnce)
    }
}

struct EnforceOnce;

#[async_trait::async_trait]
impl Extension for EnforceOnce {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Introspection (`__schema`, `__type`, `__typename`) is open, as GraphQL tools expect.
        if info.path_node.parent.is_none()
            && !info.is_for_introspection
            && !info.name.starts_with("__")
        {
            let kind = match info.parent_type {
                "Query" => "query",
                "Mutation" => "mutation",
                _ => "subscription",
            };
            let operation = format!("{kind}.{}", info.name);
            let mut refusal = match required(&operation) {
                // An operation missing from the table is refused: the table is the whole list.
                None => Some(ApiError::Forbidden(
                    "this operation is not in the access table".into(),
                )),
                Some(Access::Public) => None,
                Some(access) => match ctx.data_opt::<Caller>() {
                    Some(Caller::User(principal)) if access.allows(principal.role) => None,
                    Some(Caller::User(_)) => {
                        Some(ApiError::Forbidden("your role does not allow this".into()))
                    }
                    Some(Caller::Rejected(error)) => Some(error.clone()),
                    Some(Caller::Anonymous) | None => {
                        Some(ApiError::Unauthenticated("sign in first".into()))
                    }
                },
            };
            if let (None, Some(Caller::User(principal)), Some(services), Some((_, what))) = (
                &refusal,
                ctx.data_opt::<Caller>(),
                ctx.data_opt::<Services>(),
                EXPENSIVE.iter().find(|(name, _)| *name == operation),
            ) {
                refusal = quota::spend(services, principal.tenant_id, *what)
                    .await
                    .err()
                    .map(ApiError::from);
            }
            if let Some(error) = refusal {
                let mut refused = async_graphql::ServerError::new(error.to_string(), None);
                refused.extensions = error.extend().extensions;
                refused.path = vec![async_graphql::PathSegment::Field(info.name.to_owned())];
                return Err(refused);
            }
        }
        next.run(ctx, info).await
    }
}
