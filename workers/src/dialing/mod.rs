//! The Compliance Manager for dialers (SPEC §3, §4): pre-dial validation of
//! OCS records, call report records into dialing history, the attempt counts
//! the attempt rules read, and the per-process caches and traffic tallies
//! that keep the hot path off the database.

pub mod attempts;
pub mod history;
pub mod hot;
pub mod judge;
pub mod traffic;
pub mod validate;

pub use hot::HotCache;
pub use traffic::Traffic;
