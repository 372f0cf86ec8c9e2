//! Reachline's use cases: everything behind the API that the background roles
//! share with it (accounts and tokens, the audit log, store access).
//!
//! Invariants: no HTTP or GraphQL types here (the `api` crate maps these
//! results to its own types); every function that changes data owns its
//! transaction and publishes events only after commit.

pub mod accounts;
pub mod audit;
pub mod campaigns;
pub mod compliance_data;
pub mod contacts;
pub mod db;
pub mod dialing;
pub mod error;
pub mod import;
pub mod jobs;
pub mod lists;
pub mod maintenance;
pub mod messaging;
pub mod page;
pub mod personal_data;
pub mod queue;
pub mod quota;
pub mod rule_sets;
pub mod rules;
pub mod secrets;
pub mod services;
pub mod suppression;
pub mod uploads;

pub use error::ServiceError;
pub use services::{Services, ServicesConfig};
