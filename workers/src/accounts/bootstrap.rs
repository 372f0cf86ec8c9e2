//! First start: an empty database gets tenant `default` and admin `admin@localhost`.

use base64::Engine;
use domain::UserRole;
use rand::RngCore;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::accounts::{tenants, users};
use crate::audit::Actor;
use crate::{ServiceError, Services};

/// The first tenant's name.
pub const DEFAULT_TENANT: &str = "default";
/// The first admin's e-mail.
pub const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

/// What the first start created, for the operator to read once.
#[derive(Debug, Clone)]
pub struct FirstAdmin {
    /// The admin's e-mail.
    pub email: String,
    /// The admin's password.
    pub password: String,
    /// Whether the password was generated (and must be printed) or came from configuration.
    pub generated: bool,
}

/// A random, readable password (24 URL-safe characters, 144 bits).
pub fn generate_password() -> String {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Creates the default tenant and first admin when there is no tenant yet; `None` otherwise
/// (including when another replica won the race to do it).
pub async fn ensure_first_admin(
    services: &Services,
    configured_password: Option<&str>,
) -> Result<Option<FirstAdmin>, ServiceError> {
    if entity::tenant::Entity::find().count(&services.db).await? > 0 {
        return Ok(None);
    }
    let tenant = match tenants::create(&services.db, DEFAULT_TENANT).await {
        Ok(tenant) => tenant,
        Err(ServiceError::Conflict { .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let (password, generated) = match configured_password {
        Some(password) => (password.to_owned(), false),
        None => (generate_password(), true),
    };
    users::create_as(
        services,
        &Actor::system(tenant.id, "system"),
        users::NewUser {
            email: FIRST_ADMIN_EMAIL.to_owned(),
            display_name: "Administrator".to_owned(),
            role: UserRole::Admin,
            password: password.clone(),
        },
    )
    .await?;
    Ok(Some(FirstAdmin {
        email: FIRST_ADMIN_EMAIL.to_owned(),
        password,
        generated,
    }))
}
