//! Import mappings (the seed's "specification file"): which column of a file
//! becomes which contact field or device, and the pure function that turns one
//! record into a contact draft — or a rejection that says exactly why.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{DefaultCountry, EmailAddress, PhoneNumber, ValidationError};

/// At most this many devices per contact (OCS chains up to 10).
pub const MAX_DEVICES: usize = 10;
/// Custom fields are `other1` … `other20`.
pub const MAX_CUSTOM_FIELDS: u8 = 20;

/// A contact-level field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContactField {
    /// The customer's own key (≤ 64 characters).
    ClientId,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// Company.
    Company,
    /// Postal code.
    PostalCode,
    /// ISO country of the address.
    Country,
    /// An explicit IANA time zone.
    TimeZone,
    /// Consent to automated calls and texts to mobiles (yes/no).
    ConsentAutomated,
    /// Consent to text messages (yes/no).
    ConsentSms,
    /// Consent to e-mail (yes/no).
    ConsentEmail,
}

/// The kind of a device column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeviceKind {
    /// Home phone.
    Home,
    /// Direct business phone.
    Work,
    /// Mobile phone.
    Mobile,
    /// Any other phone.
    Other,
    /// A number for text messages.
    Sms,
    /// An e-mail address.
    Email,
}

impl DeviceKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Home => "HOME",
            DeviceKind::Work => "WORK",
            DeviceKind::Mobile => "MOBILE",
            DeviceKind::Other => "OTHER",
            DeviceKind::Sms => "SMS",
            DeviceKind::Email => "EMAIL",
        }
    }
}

/// What a column becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Target {
    /// A contact field.
    Field {
        /// Which one.
        field: ContactField,
    },
    /// A device, in the order the columns are listed.
    Device {
        /// Which kind.
        kind: DeviceKind,
    },
    /// Custom field `other<n>`.
    Custom {
        /// 1 to 20.
        number: u8,
    },
}

/// A clean-up applied to a cell before it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Transform {
    /// Upper-case.
    Upper,
    /// Lower-case.
    Lower,
    /// Keep digits only.
    DigitsOnly,
    /// Capitalise each word ("JOHN SMITH" → "John Smith").
    TitleCase,
}

/// Where a column is: by header name (case-insensitive) or by 1-based position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ColumnRef {
    /// A header name.
    Name(String),
    /// A 1-based position (files without a header).
    Position(usize),
}

/// One column of a mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnMapping {
    /// The column.
    pub column: ColumnRef,
    /// What it becomes.
    pub target: Target,
    /// Clean-ups, in order.
    #[serde(default)]
    pub transforms: Vec<Transform>,
}

/// A saved mapping: the columns and the country numbers without one belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingSpec {
    /// ISO country for numbers written without a country code.
    pub default_country: String,
    /// The mapped columns; unmapped columns are ignored.
    pub columns: Vec<ColumnMapping>,
}

/// A device cell as parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceDraft {
    /// The column's kind.
    pub kind: DeviceKind,
    /// The cell as it was.
    pub raw: String,
    /// The parsed phone number (phones) — `None` for e-mail.
    pub phone: Option<PhoneNumber>,
    /// E.164 or the lower-case address: the de-duplication key.
    pub value: String,
    /// State or province (from numbering data), when known.
    pub region: Option<String>,
    /// Every IANA zone the number may be in (several when its area code spans zones).
    pub time_zones: Vec<String>,
}

/// A record turned into a contact, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactDraft {
    /// Contact fields that had a value.
    pub fields: BTreeMap<&'static str, String>,
    /// `other<n>` values.
    pub custom: BTreeMap<String, String>,
    /// Consent flags that had a value.
    pub consents: BTreeMap<&'static str, bool>,
    /// Devices in column order.
    pub devices: Vec<DeviceDraft>,
}

/// A mapping checked against a file's header: every column resolved to an index.
#[derive(Debug, Clone)]
pub struct ResolvedMapping {
    default_country: DefaultCountry,
    columns: Vec<(usize, String, ColumnMapping)>,
}

fn field_name(field: ContactField) -> &'static str {
    match field {
        ContactField::ClientId => "clientId",
        ContactField::FirstName => "firstName",
        ContactField::LastName => "lastName",
        ContactField::Company => "company",
        ContactField::PostalCode => "postalCode",
        ContactField::Country => "country",
        ContactField::TimeZone => "timeZone",
        ContactField::ConsentAutomated => "consentAutomated",
        ContactField::ConsentSms => "consentSms",
        ContactField::ConsentEmail => "consentEmail",
    }
}

fn max_len(field: ContactField) -> usize {
    match field {
        ContactField::ClientId => 64,
        ContactField::FirstName | ContactField::LastName => 100,
        ContactField::Company => 200,
        ContactField::PostalCode => 20,
        ContactField::Country => 2,
        ContactField::TimeZone => 64,
        ContactField::ConsentAutomated | ContactField::ConsentSms | ContactField::ConsentEmail => 8,
    }
}

impl MappingSpec {
    /// Checks everything that does not need the file (country, duplicates, device count,
    /// an identifying column); column names are checked when a file is read.
    pub fn check(&self) -> Result<(), ValidationError> {
        let names: Vec<String> = self
            .columns
            .iter()
            .filter_map(|column| match &column.column {
                ColumnRef::Name(name) => Some(name.clone()),
                ColumnRef::Position(_) => None,
            })
            .collect();
        let widest = self
            .columns
            .iter()
            .filter_map(|column| match column.column {
                ColumnRef::Position(position) => Some(position),
                ColumnRef::Name(_) => None,
            })
            .max()
            .unwrap_or(0)
            .max(names.len());
        self.resolve(Some(&names), widest).map(|_| ())
    }

    /// Checks the mapping against a file's header (or its column count without one):
    /// every named column exists, no field is mapped twice, at most ten devices,
    /// and something identifies a contact (a device or a client id).
    pub fn resolve(
        &self,
        headers: Option<&[String]>,
        column_count: usize,
    ) -> Result<ResolvedMapping, ValidationError> {
        let default_country = DefaultCountry::parse("defaultCountry", &self.default_country)?;
        let mut seen_fields = Vec::new();
        let mut seen_custom = Vec::new();
        let mut devices = 0;
        let mut columns = Vec::with_capacity(self.columns.len());
        for mapping in &self.columns {
            let (index, label) = match &mapping.column {
                ColumnRef::Name(name) => {
                    let headers = headers.ok_or_else(|| {
                        ValidationError::new(
                            "columns",
                            format!("column {name:?} is named, but the file has no header row"),
                        )
                    })?;
                    let index = headers
                        .iter()
                        .position(|header| header.trim().eq_ignore_ascii_case(name.trim()))
                        .ok_or_else(|| {
                            ValidationError::new(
                                "columns",
                                format!("the file has no column named {name:?}"),
                            )
                        })?;
                    (index, name.clone())
                }
                ColumnRef::Position(position) => {
                    if *position == 0 || *position > column_count {
                        return Err(ValidationError::new(
                            "columns",
                            format!(
                                "column {position} does not exist: the file has {column_count} columns"
                            ),
                        ));
                    }
                    (position - 1, format!("column {position}"))
                }
            };
            match mapping.target {
                Target::Field { field } => {
                    if seen_fields.contains(&field) {
                        return Err(ValidationError::new(
                            "columns",
                            format!("{} is mapped twice", field_name(field)),
                        ));
                    }
                    seen_fields.push(field);
                }
                Target::Custom { number } => {
                    if !(1..=MAX_CUSTOM_FIELDS).contains(&number) || seen_custom.contains(&number) {
                        return Err(ValidationError::new(
                            "columns",
                            format!("custom field other{number} is invalid or mapped twice"),
                        ));
                    }
                    seen_custom.push(number);
                }
                Target::Device { .. } => devices += 1,
            }
            columns.push((index, label, mapping.clone()));
        }
        if devices > MAX_DEVICES {
            return Err(ValidationError::new(
                "columns",
                format!("at most {MAX_DEVICES} device columns, found {devices}"),
            ));
        }
        if devices == 0 && !seen_fields.contains(&ContactField::ClientId) {
            return Err(ValidationError::new(
                "columns",
                "map at least one phone or e-mail column, or the client id",
            ));
        }
        Ok(ResolvedMapping {
            default_country,
            columns,
        })
    }
}

fn apply_transforms(value: &str, transforms: &[Transform]) -> String {
    let mut value = value.trim().to_owned();
    for transform in transforms {
        value = match transform {
            Transform::Upper => value.to_uppercase(),
            Transform::Lower => value.to_lowercase(),
            Transform::DigitsOnly => value.chars().filter(char::is_ascii_digit).collect(),
            Transform::TitleCase => value
                .split(' ')
                .map(|word| {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first
                            .to_uppercase()
                            .chain(chars.flat_map(char::to_lowercase))
                            .collect()
                    })
                })
                .collect::<Vec<_>>()
                .join(" "),
        };
    }
    value
}

fn parse_flag(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "y" | "yes" | "true" | "t" | "x" => Some(true),
        "0" | "n" | "no" | "false" | "f" => Some(false),
        _ => None,
    }
}

impl ResolvedMapping {
    /// Turns one record into a contact, or says why the row is rejected. A cell that is
    /// present but wrong rejects the row: nothing is dropped silently.
    pub fn apply(&self, fields: &[String]) -> Result<ContactDraft, String> {
        let mut draft = ContactDraft::default();
        for (index, label, mapping) in &self.columns {
            let cell = fields.get(*index).map(String::as_str).unwrap_or_default();
            // Exports escape formula-like cells with a leading quote; take it back off.
            let cell = cell.strip_prefix('\'').unwrap_or(cell);
            let value = apply_transforms(cell, &mapping.transforms);
            if value.is_empty() {
                continue;
            }
            match mapping.target {
                Target::Field { field } => {
                    let name = field_name(field);
                    if value.chars().count() > max_len(field) {
                        return Err(format!(
                            "{label}: {name} is longer than {} characters",
                            max_len(field)
                        ));
                    }
                    match field {
                        ContactField::ConsentAutomated
                        | ContactField::ConsentSms
                        | ContactField::ConsentEmail => {
                            let flag = parse_flag(&value).ok_or_else(|| {
                                format!("{label}: {name} must be yes or no, found {value:?}")
                            })?;
                            draft.consents.insert(name, flag);
                        }
                        ContactField::Country => {
                            draft.fields.insert(name, value.to_ascii_uppercase());
                        }
                        _ => {
                            draft.fields.insert(name, value);
                        }
                    }
                }
                Target::Custom { number } => {
                    draft.custom.insert(format!("other{number}"), value);
                }
                Target::Device {
                    kind: DeviceKind::Email,
                } => {
                    let email = EmailAddress::parse("email", &value)
                        .map_err(|error| format!("{label}: {error}"))?;
                    draft.devices.push(DeviceDraft {
                        kind: DeviceKind::Email,
                        raw: value,
                        phone: None,
                        value: email.as_str().to_owned(),
                        region: None,
                        time_zones: Vec::new(),
                    });
                }
                Target::Device { kind } => {
                    let phone = PhoneNumber::parse("phone", &value, Some(self.default_country))
                        .map_err(|error| format!("{label}: {error} ({value:?})"))?;
                    let e164 = phone.e164().to_owned();
                    draft.devices.push(DeviceDraft {
                        kind,
                        raw: value,
                        phone: Some(phone),
                        value: e164,
                        region: None,
                        time_zones: Vec::new(),
                    });
                }
            }
        }
        if draft.devices.is_empty() && !draft.fields.contains_key("clientId") {
            return Err("no phone, e-mail or client id in this row".to_owned());
        }
        // The same number twice on one contact is one device.
        let mut seen = Vec::with_capacity(draft.devices.len());
        draft.devices.retain(|device| {
            let fresh = !seen.contains(&device.value);
            seen.push(device.value.clone());
            fresh
        });
        Ok(draft)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> MappingSpec {
        serde_json::from_str(
            r#"{ "defaultCountry": "US", "columns": [
                { "column": "Account", "target": { "type": "FIELD", "field": "CLIENT_ID" } },
                { "column": "First", "target": { "type": "FIELD", "field": "FIRST_NAME" }, "transforms": ["TITLE_CASE"] },
                { "column": "Last", "target": { "type": "FIELD", "field": "LAST_NAME" } },
                { "column": "Home", "target": { "type": "DEVICE", "kind": "HOME" } },
                { "column": "Cell", "target": { "type": "DEVICE", "kind": "MOBILE" } },
                { "column": "Mail", "target": { "type": "DEVICE", "kind": "EMAIL" } },
                { "column": "Consent", "target": { "type": "FIELD", "field": "CONSENT_AUTOMATED" } },
                { "column": "Debt", "target": { "type": "CUSTOM", "number": 1 } }
            ] }"#,
        )
        .unwrap()
    }

    fn headers() -> Vec<String> {
        [
            "account", "First", "Last", "Home", "Cell", "Mail", "Consent", "Debt",
        ]
        .map(String::from)
        .to_vec()
    }

    fn row(cells: [&str; 8]) -> Vec<String> {
        cells.map(String::from).to_vec()
    }

    #[test]
    fn a_messy_row_becomes_a_clean_contact() {
        let mapping = spec().resolve(Some(&headers()), 8).unwrap();
        let draft = mapping
            .apply(&row([
                "A-17",
                "  mARIA ",
                "Müller",
                "(202) 456-1414",
                "'+1 415 867 5309",
                "Maria@Example.COM",
                "yes",
                "D-9",
            ]))
            .unwrap();
        assert_eq!(draft.fields["clientId"], "A-17");
        assert_eq!(draft.fields["firstName"], "Maria");
        assert_eq!(draft.fields["lastName"], "Müller");
        assert!(draft.consents["consentAutomated"]);
        assert_eq!(draft.custom["other1"], "D-9");
        let values: Vec<&str> = draft.devices.iter().map(|d| d.value.as_str()).collect();
        assert_eq!(
            values,
            ["+12024561414", "+14158675309", "maria@example.com"]
        );
        assert_eq!(draft.devices[1].kind, DeviceKind::Mobile);
    }

    #[test]
    fn bad_cells_reject_the_row_with_the_column_named() {
        let mapping = spec().resolve(Some(&headers()), 8).unwrap();
        let cases = [
            (["A", "", "", "not a number", "", "", "", ""], "Home"),
            (["A", "", "", "", "", "nobody-at-example", "", ""], "Mail"),
            (["A", "", "", "2024561414", "", "", "maybe", ""], "Consent"),
            (
                [
                    &"x".repeat(65) as &str,
                    "",
                    "",
                    "2024561414",
                    "",
                    "",
                    "",
                    "",
                ],
                "Account",
            ),
            (["", "Ann", "Lee", "", "", "", "", ""], "no phone"),
        ];
        for (cells, expected) in cases {
            let reason = mapping.apply(&row(cells)).unwrap_err();
            assert!(
                reason.contains(expected),
                "{reason:?} should mention {expected}"
            );
        }
    }

    #[test]
    fn duplicate_numbers_on_one_row_are_one_device() {
        let mapping = spec().resolve(Some(&headers()), 8).unwrap();
        let draft = mapping
            .apply(&row([
                "A",
                "",
                "",
                "202-456-1414",
                "+1 202 456 1414",
                "",
                "",
                "",
            ]))
            .unwrap();
        assert_eq!(draft.devices.len(), 1);
    }

    #[test]
    fn mappings_are_checked_against_the_file() {
        let missing = spec()
            .resolve(Some(&["Account".to_owned()]), 1)
            .unwrap_err();
        assert!(
            missing.message.contains("no column named \"First\""),
            "{missing}"
        );
        let no_header = spec().resolve(None, 8).unwrap_err();
        assert!(no_header.message.contains("no header row"));
        let mut twice = spec();
        twice.columns.push(twice.columns[1].clone());
        assert!(
            twice
                .resolve(Some(&headers()), 8)
                .unwrap_err()
                .message
                .contains("mapped twice")
        );
        let nothing = MappingSpec {
            default_country: "US".into(),
            columns: vec![],
        };
        assert!(
            nothing
                .resolve(Some(&headers()), 8)
                .unwrap_err()
                .message
                .contains("at least one")
        );
        let by_position = MappingSpec {
            default_country: "GB".into(),
            columns: vec![ColumnMapping {
                column: ColumnRef::Position(9),
                target: Target::Device {
                    kind: DeviceKind::Home,
                },
                transforms: vec![],
            }],
        };
        assert!(
            by_position
                .resolve(None, 8)
                .unwrap_err()
                .message
                .contains("has 8 columns")
        );
        let bad_country = MappingSpec {
            default_country: "XX".into(),
            ..spec()
        };
        assert_eq!(
            bad_country.resolve(Some(&headers()), 8).unwrap_err().field,
            "defaultCountry"
        );
    }

    #[test]
    fn positional_mappings_use_the_default_country() {
        let spec = MappingSpec {
            default_country: "GB".into(),
            columns: vec![ColumnMapping {
                column: ColumnRef::Position(2),
                target: Target::Device {
                    kind: DeviceKind::Home,
                },
                transforms: vec![],
            }],
        };
        let mapping = spec.resolve(None, 2).unwrap();
        let draft = mapping
            .apply(&["x".to_owned(), "020 7946 0018".to_owned()])
            .unwrap();
        assert_eq!(draft.devices[0].value, "+442079460018");
    }
}
