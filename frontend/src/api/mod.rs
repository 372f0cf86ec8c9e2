//! Talking to the server: typed GraphQL operations over HTTP (`http`) and
//! over the `graphql-transport-ws` WebSocket (`subscription`), with one error
//! type for both.

pub mod campaign_types;
pub mod campaigns;
pub mod compliance;
pub mod compliance_types;
pub mod dialers;
pub mod error;
pub mod job_types;
pub mod jobs;
pub mod list_imports;
pub mod message_types;
pub mod messaging;
pub mod multipart;
pub mod operations;
pub mod personal_data;
pub mod rules;
pub mod schema_types;
pub mod suppression;
pub mod ws_protocol;

#[cfg(target_arch = "wasm32")]
pub mod http;
#[cfg(target_arch = "wasm32")]
pub mod subscription;
#[cfg(target_arch = "wasm32")]
pub mod upload;
