//! The password policy, applied before anything is hashed.

use crate::ValidationError;

/// A password that satisfies the policy; never printed (no `Display`, redacted `Debug`).
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Shortest accepted password (NIST SP 800-63B asks for at least 8).
    pub const MIN_CHARS: usize = 10;
    /// Longest accepted password: bounds hashing cost on hostile input.
    pub const MAX_CHARS: usize = 128;

    /// Checks the policy; `field` names the input for the error.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if raw.trim().is_empty() {
            return Err(ValidationError::new(field, "must not be blank"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The secret text, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_length_bounds() {
        assert!(Password::parse("password", "short").is_err());
        assert!(Password::parse("password", "          ").is_err());
        assert!(Password::parse("password", "long enough pass").is_ok());
        assert!(Password::parse("password", &"x".repeat(129)).is_err());
    }

    #[test]
    fn debug_is_redacted() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
    }
}
