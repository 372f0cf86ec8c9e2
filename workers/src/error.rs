//! The typed failure of every use case; `api` maps each variant to one GraphQL code.

use domain::ValidationError;

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// No valid credentials: wrong password, bad, expired or revoked token.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Authenticated, but the role does not grant this.
    #[error("your role does not allow this")]
    Forbidden,
    /// The object does not exist in the caller's tenant.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An input value failed to parse.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// A whole input (a rule set) has several problems, each at a field path.
    #[error("{}", .0.iter().map(|(field, message)| format!("{field}: {message}")).collect::<Vec<_>>().join("; "))]
    InvalidFields(Vec<(String, String)>),
    /// A unique field already holds this value.
    #[error("{field} {message}")]
    Conflict {
        /// The input field that collides.
        field: &'static str,
        /// A human-readable reason.
        message: String,
    },
    /// Too many attempts; the caller may retry after this many seconds.
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the window resets.
        retry_after_secs: u64,
    },
    /// The tenant spent its budget of an expensive operation for this window.
    #[error(
        "too many {what} for this organisation: at most {limit} a minute; try again in {retry_after_secs} s"
    )]
    QuotaSpent {
        /// What was refused (`imports`, `exports`, `campaign loads`).
        what: &'static str,
        /// The budget per minute.
        limit: u32,
        /// Seconds until the window resets.
        retry_after_secs: u64,
    },
    /// The database failed.
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
    /// The cache failed.
    #[error("cache error")]
    Cache(#[from] cache::CacheError),
    /// Anything else that is our fault.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    /// The store that is out of reach when this failure is an outage (a retry
    /// later may succeed), rather than a fault of the request or of our code.
    pub fn unavailable_store(&self) -> Option<&'static str> {
        match self {
            ServiceError::Database(error) if crate::db::is_outage(error) => Some("database"),
            ServiceError::Cache(_) => Some("cache"),
            _ => None,
        }
    }

    /// Builds a field conflict.
    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Conflict {
            field,
            message: message.into(),
        }
    }
}

impl From<ocs::RecordError> for ServiceError {
    fn from(error: ocs::RecordError) -> Self {
        ServiceError::InvalidFields(vec![match error {
            ocs::RecordError::NotAnObject => ("record".to_owned(), error.to_string()),
            ocs::RecordError::Missing { field } => (field.to_owned(), "is required".to_owned()),
            ocs::RecordError::Invalid { field, reason } => (field, reason),
        }])
    }
}
