//! Application state: the pure rules the pages follow (navigation by role,
//! paging, form drafts, server objects, contact lists and their contacts,
//! the dialer traffic view, scheduled jobs, messaging, personal data requests)
//! and, in the browser, the signed-in session shared through Leptos context.

pub mod campaigns;
pub mod compliance;
pub mod contacts;
pub mod forms;
pub mod import;
pub mod jobs;
pub mod lists;
pub mod messaging;
pub mod models;
pub mod nav;
pub mod paging;
pub mod personal_data;
pub mod rules;
#[cfg(target_arch = "wasm32")]
pub mod session;
pub mod suppression;
pub mod traffic;
