//! The import API's enums and input objects, and the checks that turn them into
//! the pipeline's options.

use super::*;

/// What an import does with the list's current contents.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "workers::import::ImportMode")]
pub enum ImportMode {
    /// Add new contacts; rows matching a listed contact are duplicates.
    AppendOnly,
    /// Replace the list's contents with the file's.
    FlushAppend,
    /// Update contacts matched by client id, add the rest.
    AppendAndUpdate,
}

/// A contact field a column can fill.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::import::ContactField")]
pub enum ContactField {
    /// The customer's own key.
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
    /// Consent to automated calls and texts to mobiles.
    ConsentAutomated,
    /// Consent to text messages.
    ConsentSms,
    /// Consent to e-mail.
    ConsentEmail,
}

/// The kind of a device column.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::import::DeviceKind")]
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

/// A clean-up applied to a cell.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "domain::import::Transform")]
pub enum Transform {
    /// Upper-case.
    Upper,
    /// Lower-case.
    Lower,
    /// Keep digits only.
    DigitsOnly,
    /// Capitalise each word.
    TitleCase,
}

/// One mapped column: give `header` (files with a header row) or `position` (1-based), and
/// exactly one of `field`, `device` or `custom`.
#[derive(InputObject)]
pub struct ColumnMappingInput {
    /// The header name (case-insensitive).
    pub header: Option<String>,
    /// The 1-based column position.
    pub position: Option<i32>,
    /// The contact field it fills.
    pub field: Option<ContactField>,
    /// The device kind it is.
    pub device: Option<DeviceKind>,
    /// The custom field number (1–20: `other<n>`).
    pub custom: Option<i32>,
    /// Clean-ups, in order.
    #[graphql(default)]
    pub transforms: Vec<Transform>,
}

/// A column mapping.
#[derive(InputObject)]
pub struct ImportMappingInput {
    /// ISO country for numbers written without a country code.
    pub default_country: String,
    /// The mapped columns.
    pub columns: Vec<ColumnMappingInput>,
}

impl ImportMappingInput {
    pub(super) fn into_spec(self) -> Result<MappingSpec, ApiError> {
        let columns = self
            .columns
            .into_iter()
            .map(|column| {
                let reference = match (column.header, column.position) {
                    (Some(header), None) => ColumnRef::Name(header),
                    (None, Some(position)) if position > 0 => {
                        ColumnRef::Position(position as usize)
                    }
                    _ => {
                        return Err(ApiError::bad_input(
                            "columns",
                            "give each column a header or a position (from 1)",
                        ));
                    }
                };
                let target = match (column.field, column.device, column.custom) {
                    (Some(field), None, None) => Target::Field {
                        field: field.into(),
                    },
                    (None, Some(kind), None) => Target::Device { kind: kind.into() },
                    (None, None, Some(number)) => Target::Custom {
                        number: u8::try_from(number).unwrap_or(0),
                    },
                    _ => {
                        return Err(ApiError::bad_input(
                            "columns",
                            "map each column to exactly one field, device or custom field",
                        ));
                    }
                };
                Ok(ColumnMapping {
                    column: reference,
                    target,
                    transforms: column.transforms.into_iter().map(Into::into).collect(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(MappingSpec {
            default_country: self.default_country,
            columns,
        })
    }
}

/// A delimiter argument: one character, `tab` or `\\t`, or none to detect it.
/// One column of a fixed-width file.
#[derive(InputObject)]
pub struct FixedWidthColumnInput {
    /// The name mappings refer to it by.
    pub name: String,
    /// 0-based character offset of its first character.
    pub start: i32,
    /// Width in characters.
    pub width: i32,
}

/// A stored mapping written the way `ImportMappingInput` takes it.
pub(super) fn input_shape(spec: &MappingSpec) -> serde_json::Value {
    let columns: Vec<serde_json::Value> = spec
        .columns
        .iter()
        .map(|column| {
            let mut object = serde_json::Map::new();
            match &column.column {
                ColumnRef::Name(header) => object.insert("header".into(), header.clone().into()),
                ColumnRef::Position(position) => {
                    object.insert("position".into(), (*position).into())
                }
            };
            let (key, value) = match &column.target {
                Target::Field { field } => ("field", serde_json::to_value(field)),
                Target::Device { kind } => ("device", serde_json::to_value(kind)),
                Target::Custom { number } => ("custom", Ok((*number).into())),
            };
            object.insert(key.into(), value.unwrap_or_default());
            object.insert(
                "transforms".into(),
                serde_json::to_value(&column.transforms).unwrap_or_default(),
            );
            serde_json::Value::Object(object)
        })
        .collect();
    serde_json::json!({ "defaultCountry": spec.default_country, "columns": columns })
}

/// The file-layout arguments of `previewImport` and `importContacts`, checked.
pub(super) fn file_format(
    delimiter: Option<String>,
    has_header: bool,
    encoding: String,
    fixed_width: Option<Vec<FixedWidthColumnInput>>,
) -> async_graphql::Result<import::FileFormat> {
    let format = import::FileFormat {
        delimiter: parse_delimiter(delimiter.as_deref()).gql()?,
        has_header,
        encoding,
        fixed_width: fixed_width
            .unwrap_or_default()
            .into_iter()
            .map(|column| import::FixedWidthColumn {
                name: column.name,
                start: usize::try_from(column.start).unwrap_or(usize::MAX),
                width: usize::try_from(column.width).unwrap_or(0),
            })
            .collect(),
    };
    format
        .read_options()
        .map_err(workers::ServiceError::from)
        .gql()?;
    Ok(format)
}

fn parse_delimiter(raw: Option<&str>) -> Result<Option<char>, ApiError> {
    match raw {
        None | Some("") => Ok(None),
        Some("\\t") | Some("tab") => Ok(Some('\t')),
        Some(text) if text.chars().count() == 1 => Ok(text.chars().next()),
        Some(_) => Err(ApiError::bad_input("delimiter", "must be one character")),
    }
}
