//! SeaORM entities, one module per table.
//!
//! Invariant: entities know nothing of GraphQL or HTTP; they are mapped to API
//! types inside `api/` and to domain types inside `workers/`.

pub mod api_client;
pub mod attempt_key;
pub mod audit_event;
pub mod calling_list_record;
pub mod campaign;
pub mod campaign_stats;
pub mod campaign_template;
pub mod compliance_data;
pub mod compliance_rule_set;
pub mod contact;
pub mod contact_device;
pub mod contact_list;
pub mod dialing_history;
pub mod import_job;
pub mod import_mapping;
pub mod import_rejection;
pub mod job;
pub mod job_picked_file;
pub mod job_run;
pub mod message;
pub mod message_event;
pub mod message_template;
pub mod messaging_provider;
pub mod queue_task;
pub mod revoked_token;
pub mod selection_rule;
pub mod sftp_connection;
pub mod split_rule;
pub mod suppression_change;
pub mod suppression_entry;
pub mod suppression_import;
pub mod suppression_import_rejection;
pub mod suppression_list;
pub mod tenant;
pub mod upload;
pub mod user;
