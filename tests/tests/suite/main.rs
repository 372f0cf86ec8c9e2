//! The black-box suite: every test runs once on PostgreSQL + Redis and once on
//! SQLite + the in-process cache, against a real server on port 0.

mod abuse;
mod accounts;
mod api_clients;
mod audit;
mod campaign_simulation;
mod campaigns;
mod compliance;
mod compliance_data;
mod contacts;
mod http;
mod import_api;
mod import_rules;
mod import_sources;
mod imports;
mod jobs;
mod lists;
mod maintenance;
mod matrix;
mod messaging;
mod ocs;
mod openapi;
mod personal_data;
mod queue;
mod rules;
mod schema;
mod suppression;
mod suppression_api;
mod suppression_sync;
mod tidy;
mod uploads;
