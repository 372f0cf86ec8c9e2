//! Tenants, users, API clients and the tokens that prove who is calling.

pub mod api_clients;
pub mod bootstrap;
pub mod passwords;
pub mod principal;
pub mod tenants;
pub mod tokens;
pub mod users;

pub use principal::Principal;
