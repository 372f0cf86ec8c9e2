//! Contact-list vocabulary: channels and statuses, with their stored names.

/// How a list's contacts are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Phone calls.
    Voice,
    /// Text messages.
    Sms,
    /// E-mail.
    Email,
}

/// Where a list is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListStatus {
    /// An import is running; campaigns do not load it.
    Importing,
    /// Usable.
    Ready,
    /// The last import failed; the list keeps its previous contents.
    Failed,
    /// Kept for reference, hidden by default, not loadable.
    Archived,
}

macro_rules! stored_names {
    ($type:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            /// Every value.
            pub const ALL: &'static [$type] = &[$(<$type>::$variant),+];

            /// The stored and wire name.
            pub fn as_str(self) -> &'static str {
                match self { $(<$type>::$variant => $name),+ }
            }

            /// Parses the stored name; `None` for anything else.
            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == raw)
            }
        }
    };
}

stored_names!(Channel { Voice => "VOICE", Sms => "SMS", Email => "EMAIL" });
stored_names!(ListStatus { Importing => "IMPORTING", Ready => "READY", Failed => "FAILED", Archived => "ARCHIVED" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(*channel));
        }
        for status in ListStatus::ALL {
            assert_eq!(ListStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(Channel::parse("voice"), None);
    }
}
