//! Pure domain types and rules shared by every Reachline crate.
//!
//! Invariant: nothing here performs I/O or knows about HTTP, GraphQL or the
//! database; values are parsed once at the edge ("parse, don't validate") and
//! the rest of the code takes these types.

pub mod access;
pub mod email;
pub mod error;
pub mod import;
pub mod lists;
pub mod password;
pub mod phone;
pub mod selection;
pub mod split;
pub mod suppression;

pub use access::{ApiScope, Permission, UserRole};
pub use email::EmailAddress;
pub use error::ValidationError;
pub use lists::{Channel, ListStatus};
pub use password::Password;
pub use phone::{DefaultCountry, DeviceType, PhoneNumber};
