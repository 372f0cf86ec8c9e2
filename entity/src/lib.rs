//! SeaORM entities, one module per table.
//!
//! Invariant: entities know nothing of GraphQL or HTTP; they are mapped to API
//! types inside `api/` and to domain types inside `workers/`.

pub mod api_client;
pub mod audit_event;
pub mod queue_task;
pub mod revoked_token;
pub mod tenant;
pub mod user;
