//! The enums of the suppression and compliance operations (issue 4), declared
//! once so a value read by one operation can be sent back by another and the
//! rule editor's model can reuse them; the tests check them against the schema.

use serde::{Deserialize, Serialize};

/// The `JSON` scalar: the rule set travels as one JSON object.
#[allow(clippy::upper_case_acronyms)] // The scalar's name in the schema.
pub type JSON = serde_json::Value;

/// Declares a schema enum with its wire names and labels in one table.
macro_rules! schema_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $wire:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$variant_meta])* #[serde(rename = $wire)] $variant,)+
        }

        // A table for every enum: not every enum needs every helper yet.
        #[allow(dead_code)]
        impl $name {
            /// Every value, in the order menus list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The value on the wire, as spelled in the schema.
            pub fn wire_name(self) -> &'static str {
                match self {
                    $($name::$variant => $wire,)+
                }
            }

            /// The value spelled `wire_name`, if any (used by `<select>` values).
            pub fn from_wire_name(wire_name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.wire_name() == wire_name)
            }

            /// What people read in tables and menus.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }
        }
    };
}

/// Shared with `campaign_types`, whose enums follow the same table shape.
pub(crate) use schema_enum;

schema_enum! {
    /// What a suppression list holds (`SuppressionKind`).
    SuppressionKind {
        /// Phone numbers, kept in E.164.
        Phone = "PHONE", "Phone numbers";
        /// E-mail addresses.
        Email = "EMAIL", "E-mail addresses";
        /// The customer's client ids.
        ClientId = "CLIENT_ID", "Client ids";
    }
}

schema_enum! {
    /// How a suppression entry arrived (`SuppressionSource`).
    SuppressionSource {
        /// A file upload.
        Upload = "UPLOAD", "Upload";
        /// The API or this app.
        Api = "API", "API";
        /// A STOP reply to a text message.
        SmsStop = "SMS_STOP", "SMS STOP";
        /// An agent's request.
        Agent = "AGENT", "Agent";
    }
}

schema_enum! {
    /// What a suppression upload does with the list (`SuppressionImportMode`).
    SuppressionImportMode {
        /// Add the file's values to the list.
        Append = "APPEND", "Append to the list";
        /// Swap the list's contents for the file's, at once.
        Replace = "REPLACE", "Replace the list's contents";
    }
}

schema_enum! {
    /// A campaign's dialing mode (`DialMode`); the check tool and the automated modes use it.
    DialMode {
        /// An agent previews the record and dials.
        Preview = "PREVIEW", "Preview";
        /// Dialed for an agent who is already free.
        Progressive = "PROGRESSIVE", "Progressive";
        /// Dialed ahead of agents by a pacing algorithm.
        Predictive = "PREDICTIVE", "Predictive";
        /// Dialed at a fixed ratio per agent.
        Power = "POWER", "Power";
        /// No agent: a recorded message or an IVR.
        Agentless = "AGENTLESS", "Agentless";
        /// A text message.
        Sms = "SMS", "SMS";
        /// An e-mail.
        Email = "EMAIL", "E-mail";
    }
}

schema_enum! {
    /// One rule of a compliance decision (`RuleKind`).
    RuleKind {
        /// The tenant-wide switch.
        EmergencyStop = "EMERGENCY_STOP", "Emergency stop";
        /// A suppression list holds the device, client id or e-mail.
        Suppression = "SUPPRESSION", "Suppression";
        /// No time zone could be found for the device.
        TimeZoneUnknown = "TIME_ZONE_UNKNOWN", "Time zone unknown";
        /// The local time is outside the calling window.
        CallingWindow = "CALLING_WINDOW", "Calling window";
        /// The local day is a holiday.
        Holiday = "HOLIDAY", "Holiday";
        /// An attempt rule's limit is reached.
        AttemptLimit = "ATTEMPT_LIMIT", "Attempt limit";
        /// An automated mode may not reach a mobile without consent.
        MobileConsent = "MOBILE_CONSENT", "Mobile consent";
        /// The number was reassigned.
        Reassigned = "REASSIGNED", "Reassigned number";
        /// The number was ported.
        Ported = "PORTED", "Ported number";
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The values the schema declares for enum `name` (one-line or multi-line form).
    pub(crate) fn schema_enum_values(name: &str) -> Vec<String> {
        let schema = include_str!("../../../schema.graphql");
        let start = schema
            .find(&format!("enum {name} {{"))
            .expect("the enum is in the schema");
        let body = &schema[start..];
        let body = &body[body.find('{').unwrap_or(0) + 1..body.find('}').unwrap_or(0)];
        let mut values = Vec::new();
        let mut in_description = false;
        for line in body.lines().map(str::trim) {
            if line.starts_with("\"\"\"") {
                let one_line = line.len() > 3 && line.ends_with("\"\"\"");
                if !one_line {
                    in_description = !in_description;
                }
                continue;
            }
            if !in_description {
                values.extend(line.split_whitespace().map(str::to_owned));
            }
        }
        values.sort();
        values
    }

    fn wire_names(names: impl Iterator<Item = &'static str>) -> Vec<String> {
        let mut names: Vec<String> = names.map(str::to_owned).collect();
        names.sort();
        names
    }

    #[test]
    fn the_enums_match_the_schema() {
        let table = [
            (
                "SuppressionKind",
                wire_names(SuppressionKind::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "SuppressionSource",
                wire_names(SuppressionSource::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "SuppressionImportMode",
                wire_names(SuppressionImportMode::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "DialMode",
                wire_names(DialMode::ALL.iter().map(|v| v.wire_name())),
            ),
            (
                "RuleKind",
                wire_names(RuleKind::ALL.iter().map(|v| v.wire_name())),
            ),
        ];
        for (name, ours) in table {
            assert_eq!(ours, schema_enum_values(name), "{name}");
        }
    }

    #[test]
    fn wire_names_are_the_serde_names() {
        for mode in DialMode::ALL {
            let json = serde_json::to_value(mode).expect("serialises");
            assert_eq!(json, mode.wire_name());
            assert_eq!(DialMode::from_wire_name(mode.wire_name()), Some(*mode));
        }
        for rule in RuleKind::ALL {
            let back: RuleKind =
                serde_json::from_value(serde_json::json!(rule.wire_name())).expect("parses");
            assert_eq!(back, *rule);
        }
    }
}
