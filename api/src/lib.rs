//! The `reachline` binary's library: typed configuration, store start-up, the
//! HTTP router (GraphQL, operations endpoints, the SPA) and the process runtime.
//!
//! Invariant: this is the only crate that knows axum and async-graphql; it
//! maps use-case results from `workers` to HTTP and GraphQL and nothing more.

pub mod app;
pub mod config;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod stores;
pub mod telemetry;

pub use app::Application;
pub use config::{Role, ServeConfig};
