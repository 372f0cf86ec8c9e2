//! Suppression lists: what kind of value a list holds, where an entry came from, and
//! how a raw value is normalised before it is stored or looked up.

use crate::{DefaultCountry, EmailAddress, PhoneNumber, ValidationError};

/// The kind of value a suppression list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuppressionKind {
    /// Phone numbers, stored in E.164.
    Phone,
    /// E-mail addresses, stored lower-case.
    Email,
    /// The customer's own client ids, stored trimmed.
    ClientId,
}

/// Where a suppression entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuppressionSource {
    /// A file upload.
    Upload,
    /// An API call.
    Api,
    /// An SMS "STOP" reply.
    SmsStop,
    /// An agent's request on behalf of the contact.
    Agent,
}

impl SuppressionKind {
    /// Every kind.
    pub const ALL: &'static [SuppressionKind] = &[Self::Phone, Self::Email, Self::ClientId];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "PHONE",
            Self::Email => "EMAIL",
            Self::ClientId => "CLIENT_ID",
        }
    }

    /// Parses the stored name; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.as_str() == raw)
    }
}

impl SuppressionSource {
    /// Every source.
    pub const ALL: &'static [SuppressionSource] =
        &[Self::Upload, Self::Api, Self::SmsStop, Self::Agent];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upload => "UPLOAD",
            Self::Api => "API",
            Self::SmsStop => "SMS_STOP",
            Self::Agent => "AGENT",
        }
    }

    /// Parses the stored name; `None` for anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|source| source.as_str() == raw)
    }
}

/// Longest client id a suppression entry accepts (the contacts table's limit).
pub const MAX_CLIENT_ID_LEN: usize = 64;

/// Normalises `raw` for a list of `kind`: E.164 for phones (a number without a country
/// code is read as one of `default_country`), the lower-case address for e-mail, the
/// trimmed text for client ids. Fails with a reason naming the field `value`.
pub fn normalise(
    kind: SuppressionKind,
    raw: &str,
    default_country: Option<DefaultCountry>,
) -> Result<String, ValidationError> {
    match kind {
        SuppressionKind::Phone => {
            PhoneNumber::parse("value", raw, default_country).map(|phone| phone.e164().to_owned())
        }
        SuppressionKind::Email => {
            EmailAddress::parse("value", raw).map(|email| email.as_str().to_owned())
        }
        SuppressionKind::ClientId => {
            let value = raw.trim();
            if value.is_empty() {
                Err(ValidationError::new("value", "is empty"))
            } else if value.chars().count() > MAX_CLIENT_ID_LEN {
                Err(ValidationError::new(
                    "value",
                    format!("is longer than {MAX_CLIENT_ID_LEN} characters"),
                ))
            } else {
                Ok(value.to_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> Option<DefaultCountry> {
        DefaultCountry::parse("country", "US").ok()
    }

    #[test]
    fn names_round_trip() {
        for kind in SuppressionKind::ALL {
            assert_eq!(SuppressionKind::parse(kind.as_str()), Some(*kind));
        }
        for source in SuppressionSource::ALL {
            assert_eq!(SuppressionSource::parse(source.as_str()), Some(*source));
        }
        assert_eq!(SuppressionKind::parse("phone"), None);
    }

    #[test]
    fn phones_become_e164() {
        assert_eq!(
            normalise(SuppressionKind::Phone, "(202) 456-1414", us()).as_deref(),
            Ok("+12024561414")
        );
        assert_eq!(
            normalise(SuppressionKind::Phone, "+1 202 456 1414", None).as_deref(),
            Ok("+12024561414")
        );
        assert!(normalise(SuppressionKind::Phone, "12", us()).is_err());
        assert!(normalise(SuppressionKind::Phone, "not a number", us()).is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_client_ids_trimmed() {
        assert_eq!(
            normalise(SuppressionKind::Email, " Jane@Example.COM ", None).as_deref(),
            Ok("jane@example.com")
        );
        assert!(normalise(SuppressionKind::Email, "jane", None).is_err());
        assert_eq!(
            normalise(SuppressionKind::ClientId, "  C-42 ", None).as_deref(),
            Ok("C-42")
        );
        assert!(normalise(SuppressionKind::ClientId, "   ", None).is_err());
        assert!(normalise(SuppressionKind::ClientId, &"x".repeat(65), None).is_err());
    }
}
