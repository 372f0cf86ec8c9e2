//! E-mail addresses as a parsed newtype: trimmed, lower-cased, shape-checked.

use crate::ValidationError;

/// A syntactically valid e-mail address in canonical (lower-case) form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Longest address SMTP allows (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Parses user input; `field` names the input for the error.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(ValidationError::new(field, "is required"));
        }
        if value.len() > Self::MAX_LEN {
            return Err(ValidationError::new(field, "is longer than 254 characters"));
        }
        let Some((local, host)) = value.rsplit_once('@') else {
            return Err(ValidationError::new(field, "must contain '@'"));
        };
        let host_ok = !host.is_empty()
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains("..")
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '@' || c.is_control());
        if !local_ok || !host_ok {
            return Err(ValidationError::new(field, "is not a valid e-mail address"));
        }
        Ok(Self(value))
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_canonicalises() {
        let cases = [
            (" Alice@Example.COM ", Some("alice@example.com")),
            ("admin@localhost", Some("admin@localhost")),
            ("a.b+c@sub.example.org", Some("a.b+c@sub.example.org")),
            ("", None),
            ("no-at-sign", None),
            ("@example.com", None),
            ("a@", None),
            ("a@exa mple.com", None),
            ("a@example..com", None),
            ("a b@example.com", None),
        ];
        for (raw, expected) in cases {
            let parsed = EmailAddress::parse("email", raw).ok();
            assert_eq!(
                parsed.as_ref().map(|e| e.as_str()),
                expected,
                "input {raw:?}"
            );
        }
    }

    #[test]
    fn error_names_the_field() {
        let error = EmailAddress::parse("login", "x").unwrap_err();
        assert_eq!(error.field, "login");
    }
}
