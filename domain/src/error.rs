//! The one error a parse constructor returns: which field, and why.

/// A value that failed to parse; names the input field so the API can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field} {message}")]
pub struct ValidationError {
    /// The input field the value came from (GraphQL argument name).
    pub field: &'static str,
    /// A human-readable reason, lowercase, no trailing period.
    pub message: String,
}

impl ValidationError {
    /// Builds an error for `field` with a reason.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
