//! The closed set of GraphQL error codes (SPEC §4), mapped from use-case errors in one place.

use async_graphql::ErrorExtensions;
use workers::ServiceError;

/// Every error a resolver returns; `extensions.code` is derived from the variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Missing, invalid, expired or revoked credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller's role does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// No such object in the caller's tenant.
    #[error("{0}")]
    NotFound(String),
    /// An argument is wrong; `field` names it when known.
    #[error("{message}")]
    BadUserInput {
        /// The argument or input field at fault.
        field: Option<String>,
        /// Why.
        message: String,
    },
    /// A whole input has several problems; `fields` pairs each path with its reason.
    #[error("{message}")]
    InvalidFields {
        /// Every problem, one sentence.
        message: String,
        /// (field path, reason) pairs.
        fields: Vec<(String, String)>,
    },
    /// A unique value is taken.
    #[error("{message}")]
    Conflict {
        /// The input field that collides.
        field: String,
        /// Why.
        message: String,
    },
    /// The tenant spent its budget of an expensive operation: the contract's
    /// `CONFLICT` (the request conflicts with what the window allows), with
    /// `extensions.retryable` and `extensions.retryAfterSeconds`.
    #[error("{message}")]
    Throttled {
        /// What was refused and when to try again.
        message: String,
        /// Seconds until the window resets.
        retry_after_secs: u64,
    },
    /// Our fault; the message is deliberately opaque (payloads may hold personal data).
    #[error("internal error")]
    Internal,
    /// A store is out of reach: not the request's fault, and a retry later may
    /// succeed (`extensions.retryable`); the contract's code stays `INTERNAL`.
    #[error("the {0} is unavailable; retry shortly")]
    Unavailable(&'static str),
}

impl ApiError {
    /// The `extensions.code` value.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::BadUserInput { .. } | ApiError::InvalidFields { .. } => "BAD_USER_INPUT",
            ApiError::Conflict { .. } | ApiError::Throttled { .. } => "CONFLICT",
            ApiError::Internal | ApiError::Unavailable(_) => "INTERNAL",
        }
    }

    /// A bad argument.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        ApiError::BadUserInput {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Unauthenticated(reason) => ApiError::Unauthenticated(reason.to_owned()),
            ServiceError::Forbidden => ApiError::Forbidden(ServiceError::Forbidden.to_string()),
            ServiceError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            ServiceError::Invalid(invalid) => ApiError::BadUserInput {
                field: Some(invalid.field.to_owned()),
                message: invalid.to_string(),
            },
            invalid @ ServiceError::InvalidFields(_) => ApiError::InvalidFields {
                message: invalid.to_string(),
                fields: match invalid {
                    ServiceError::InvalidFields(fields) => fields,
                    _ => Vec::new(),
                },
            },
            ServiceError::Conflict { field, message } => ApiError::Conflict {
                field: field.to_owned(),
                message: format!("{field} {message}"),
            },
            rate @ ServiceError::RateLimited { .. } => ApiError::Unauthenticated(rate.to_string()),
            quota @ ServiceError::QuotaSpent {
                retry_after_secs, ..
            } => ApiError::Throttled {
                message: quota.to_string(),
                retry_after_secs,
            },
            failure @ (ServiceError::Database(_)
            | ServiceError::Cache(_)
            | ServiceError::Internal(_)) => match failure.unavailable_store() {
                Some(store) => {
                    tracing::error!(error = ?anyhow::Error::from(failure), store, "a store is unavailable");
                    ApiError::Unavailable(store)
                }
                None => {
                    tracing::error!(error = ?anyhow::Error::from(failure), "internal error");
                    ApiError::Internal
                }
            },
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, extensions| {
            extensions.set("code", self.code());
            match self {
                ApiError::BadUserInput {
                    field: Some(field), ..
                }
                | ApiError::Conflict { field, .. } => {
                    extensions.set("field", field.as_str());
                }
                ApiError::InvalidFields { fields, .. } => {
                    if let Some((first, _)) = fields.first() {
                        extensions.set("field", first.as_str());
                    }
                    let list: Vec<async_graphql::Value> = fields
                        .iter()
                        .map(|(field, message)| {
                            let mut entry = async_graphql::indexmap::IndexMap::new();
                            entry.insert(
                                async_graphql::Name::new("field"),
                                async_graphql::Value::from(field.as_str()),
                            );
                            entry.insert(
                                async_graphql::Name::new("message"),
                                async_graphql::Value::from(message.as_str()),
                            );
                            async_graphql::Value::Object(entry)
                        })
                        .collect();
                    extensions.set("fields", async_graphql::Value::List(list));
                }
                ApiError::Unavailable(_) => extensions.set("retryable", true),
                ApiError::Throttled {
                    retry_after_secs, ..
                } => {
                    extensions.set("retryable", true);
                    extensions.set("retryAfterSeconds", *retry_after_secs);
                }
                _ => {}
            }
        })
    }
}

/// Converts use-case results for resolvers, keeping the error code (a plain `?` would drop it).
pub trait GraphqlResultExt<T> {
    /// Maps the error through [`ApiError`] into a GraphQL error with `extensions.code`.
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GraphqlResultExt<T> for Result<T, ServiceError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|error| ApiError::from(error).extend())
    }
}

impl<T> GraphqlResultExt<T> for Result<T, ApiError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|error| error.extend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::ValidationError;

    #[test]
    fn each_service_error_has_its_code() {
        let cases: Vec<(ServiceError, &str)> = vec![
            (
                ServiceError::Unauthenticated("invalid token"),
                "UNAUTHENTICATED",
            ),
            (
                ServiceError::RateLimited {
                    retry_after_secs: 5,
                },
                "UNAUTHENTICATED",
            ),
            (ServiceError::Forbidden, "FORBIDDEN"),
            (ServiceError::NotFound("user"), "NOT_FOUND"),
            (
                ValidationError::new("email", "is required").into(),
                "BAD_USER_INPUT",
            ),
            (
                ServiceError::conflict("email", "is already taken"),
                "CONFLICT",
            ),
            (
                ServiceError::Internal(anyhow::anyhow!("secret detail 555-0100")),
                "INTERNAL",
            ),
        ];
        for (error, code) in cases {
            let graphql = ApiError::from(error).extend();
            let extensions = graphql.extensions.expect("extensions are set");
            assert_eq!(
                extensions.get("code"),
                Some(&async_graphql::Value::from(code))
            );
        }
    }

    #[test]
    fn internal_errors_are_opaque_and_fields_are_named() {
        let internal = ApiError::from(ServiceError::Internal(anyhow::anyhow!("555-0100")));
        assert_eq!(internal.to_string(), "internal error");
        let conflict = ApiError::from(ServiceError::conflict("email", "is already taken")).extend();
        let extensions = conflict.extensions.expect("extensions are set");
        assert_eq!(
            extensions.get("field"),
            Some(&async_graphql::Value::from("email"))
        );
    }
}
