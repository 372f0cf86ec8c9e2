//! One module per route.

pub mod api_clients;
pub mod audit;
pub mod campaign_templates;
pub mod campaigns;
pub mod compliance;
pub mod contact;
pub mod dialers;
pub mod home;
pub mod import_wizard;
pub mod jobs;
pub mod list_detail;
pub mod list_imports;
pub mod lists;
pub mod login;
pub mod messaging;
pub mod not_found;
pub mod personal_data;
pub mod rules;
pub mod suppression;
pub mod suppression_detail;
pub mod suppression_upload;
pub mod users;
