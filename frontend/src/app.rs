//! The root component: session and toasts in context, and the route table.
//!
//! `/login` stands alone; every other page is a child of `Shell`, which
//! checks the session and draws the navigation. A new section is one
//! `<Route>` here plus one line in `state::nav::NAVIGATION`.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::shell::Shell;
use crate::components::toast::Toasts;
use crate::pages::api_clients::ApiClientsPage;
use crate::pages::audit::AuditPage;
use crate::pages::campaign_templates::CampaignTemplatesPage;
use crate::pages::campaigns::CampaignsPage;
use crate::pages::campaigns::dashboard::CampaignDashboardPage;
use crate::pages::campaigns::records::CampaignRecordsPage;
use crate::pages::compliance::CompliancePage;
use crate::pages::contact::ContactPage;
use crate::pages::dialers::DialersPage;
use crate::pages::home::HomePage;
use crate::pages::jobs::JobsPage;
use crate::pages::jobs::detail::JobDetailPage;
use crate::pages::jobs::editor::{EditJobPage, NewJobPage};
use crate::pages::list_detail::ListDetailPage;
use crate::pages::lists::ListsPage;
use crate::pages::login::LoginPage;
use crate::pages::messaging::MessagingPage;
use crate::pages::messaging::editor::{EditMessageTemplatePage, NewMessageTemplatePage};
use crate::pages::messaging::provider::MessagingProviderPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::personal_data::PersonalDataPage;
use crate::pages::rules::RulesPage;
use crate::pages::suppression::SuppressionListsPage;
use crate::pages::suppression_detail::SuppressionListPage;
use crate::pages::users::UsersPage;
use crate::state::session::Session;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    Session::provide();
    Toasts::provide();
    view! {
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage />
                <ParentRoute path=path!("") view=Shell>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("/campaigns") view=CampaignsPage />
                    <Route path=path!("/campaigns/:id") view=CampaignDashboardPage />
                    <Route path=path!("/campaigns/:id/records") view=CampaignRecordsPage />
                    <Route path=path!("/campaign-templates") view=CampaignTemplatesPage />
                    <Route path=path!("/messaging") view=MessagingPage />
                    <Route path=path!("/messaging/provider") view=MessagingProviderPage />
                    <Route path=path!("/messaging/templates/new") view=NewMessageTemplatePage />
                    <Route path=path!("/messaging/templates/:id") view=EditMessageTemplatePage />
                    <Route path=path!("/lists") view=ListsPage />
                    <Route path=path!("/lists/:id") view=ListDetailPage />
                    <Route path=path!("/contacts/:id") view=ContactPage />
                    <Route path=path!("/rules") view=RulesPage />
                    <Route path=path!("/suppression") view=SuppressionListsPage />
                    <Route path=path!("/suppression/:id") view=SuppressionListPage />
                    <Route path=path!("/compliance") view=CompliancePage />
                    <Route path=path!("/dialers") view=DialersPage />
                    <Route path=path!("/jobs") view=JobsPage />
                    <Route path=path!("/jobs/new") view=NewJobPage />
                    <Route path=path!("/jobs/:id/edit") view=EditJobPage />
                    <Route path=path!("/jobs/:id") view=JobDetailPage />
                    <Route path=path!("/users") view=UsersPage />
                    <Route path=path!("/api-clients") view=ApiClientsPage />
                    <Route path=path!("/audit") view=AuditPage />
                    <Route path=path!("/personal-data") view=PersonalDataPage />
                    <Route path=path!("/*any") view=NotFoundPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
