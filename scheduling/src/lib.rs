//! The Job Scheduler's rules, free of storage, SFTP and HTTP: when a job fires
//! ([`cron`]), which remote files it takes ([`pattern`]), what a job may say
//! ([`spec`]) and how failures and downtime are handled ([`policy`]).

pub mod cron;
pub mod pattern;
pub mod policy;
pub mod spec;

pub use cron::CronSchedule;
pub use pattern::{FilePattern, NameTemplate};
pub use policy::{MisfirePolicy, catch_up, retry_delay};
pub use spec::{AfterPickup, ExportSource, ExportTarget, JobKind, JobSpec, Source};
