//! Sign-in, the caller, and user administration.

mod mutation;
mod query;
mod types;

pub use mutation::AccountsMutation;
pub use query::AccountsQuery;
pub use query::parse_id;
pub use types::{TenantLoader, User, UserRole};
