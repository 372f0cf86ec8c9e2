//! Message text with `{{field}}` placeholders over contact fields.
//!
//! A placeholder is a field name between double braces, spaces allowed
//! inside (`{{ first_name }}`); `{{` with no closing `}}`, an empty name or a
//! name that is not a known field is refused when the template is saved, not
//! when a message is sent. Text outside placeholders is sent as written.

use domain::ValidationError;

/// One piece of a parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(String),
}

/// A parsed message text: checked once, rendered per contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText {
    pieces: Vec<Piece>,
}

impl MessageText {
    /// Parses `text` for the input field `field`, accepting only placeholders
    /// in `known` (compared case-insensitively; stored lower-case).
    pub fn parse(field: &'static str, text: &str, known: &[&str]) -> Result<Self, ValidationError> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "has a '{{{{' without its '}}}}' at {:?}",
                        excerpt(&rest[open..])
                    ),
                ));
            };
            let name = after[..close].trim().to_ascii_lowercase();
            if name.is_empty() {
                return Err(ValidationError::new(
                    field,
                    "has an empty placeholder '{{}}'",
                ));
            }
            if !known.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "names the unknown field {{{{{name}}}}}; known fields: {}",
                        known.join(", ")
                    ),
                ));
            }
            pieces.push(Piece::Field(name));
            rest = &after[close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(Self { pieces })
    }

    /// The fields the text uses, in order of first use.
    pub fn fields(&self) -> Vec<&str> {
        let mut fields: Vec<&str> = Vec::new();
        for piece in &self.pieces {
            if let Piece::Field(name) = piece
                && !fields.contains(&name.as_str())
            {
                fields.push(name);
            }
        }
        fields
    }

    /// The message for one contact; a field the contact lacks renders empty.
    pub fn render<'a>(&self, value_of: impl Fn(&str) -> Option<&'a str>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Field(name) => out.push_str(value_of(name).unwrap_or("")),
            }
        }
        out
    }
}

/// Every field a placeholder may name: the contact fields and the custom
/// `other1…other20`, as the import and selection rules spell them.
pub fn known_fields() -> Vec<String> {
    domain::selection::CONTACT_FIELDS
        .iter()
        .map(|field| (*field).to_owned())
        .chain((1..=domain::import::MAX_CUSTOM_FIELDS).map(|n| format!("other{n}")))
        .collect()
}

/// The first few characters of `text`, for an error message.
fn excerpt(text: &str) -> String {
    text.chars().take(20).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["first_name", "last_name", "company", "other1"];

    #[test]
    fn placeholders_render_per_contact() {
        let text = MessageText::parse(
            "body",
            "Hi {{ First_Name }}, {{company}} here. Reply STOP to opt out.",
            KNOWN,
        )
        .unwrap();
        assert_eq!(text.fields(), ["first_name", "company"]);
        let rendered = text.render(|field| match field {
            "first_name" => Some("Ann"),
            _ => None,
        });
        assert_eq!(rendered, "Hi Ann,  here. Reply STOP to opt out.");
    }

    #[test]
    fn bad_placeholders_are_refused_when_saved() {
        let unknown = MessageText::parse("body", "Hi {{nickname}}", KNOWN).unwrap_err();
        assert_eq!(unknown.field, "body");
        assert!(
            unknown.message.contains("{{nickname}}") && unknown.message.contains("first_name"),
            "{}",
            unknown.message
        );
        let open = MessageText::parse("body", "Hi {{first_name", KNOWN).unwrap_err();
        assert!(open.message.contains("without its"), "{}", open.message);
        let empty = MessageText::parse("body", "Hi {{ }}", KNOWN).unwrap_err();
        assert!(empty.message.contains("empty"), "{}", empty.message);
    }

    #[test]
    fn text_without_placeholders_is_sent_as_written() {
        let text = MessageText::parse("body", "Single { brace } and }} stay", KNOWN).unwrap();
        assert!(text.fields().is_empty());
        assert_eq!(text.render(|_| None), "Single { brace } and }} stay");
    }
}
