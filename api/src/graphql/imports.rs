//! Imports: saved mappings, `importContacts` with a multipart `Upload`, the job
//! with its counts and rejected rows, and live progress.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Subscription, Upload};
use chrono::{DateTime, Utc};
use domain::import::{ColumnMapping, ColumnRef, MappingSpec, Target};
use futures::{Stream, StreamExt};
use workers::import::{self, ImportOptions, NewImport, mappings};
use workers::page::PageRequest;

use crate::graphql::accounts::parse_id;
use crate::graphql::error::{ApiError, GraphqlResultExt};
use crate::graphql::relay::{
    CountedConnection, connection, decode_cursor, decode_id_cursor, wants_total,
};
use crate::graphql::{principal, services};

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
    fn into_spec(self) -> Result<MappingSpec, ApiError> {
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
fn input_shape(spec: &MappingSpec) -> serde_json::Value {
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
fn file_format(
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

/// A saved, reusable column mapping.
pub struct ImportMapping(entity::import_mapping::Model);

#[Object]
impl ImportMapping {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Unique name within the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The mapping as JSON in the shape of `ImportMappingInput` (`defaultCountry`, and
    /// `columns` of `header` or `position` with one of `field`, `device`, `custom`), so a
    /// client can show it and send it back as it is.
    async fn spec(&self) -> String {
        match serde_json::from_value::<MappingSpec>(self.0.spec.clone()) {
            Ok(spec) => input_shape(&spec).to_string(),
            Err(_) => self.0.spec.to_string(),
        }
    }
    /// When it was saved.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A row an import refused.
#[derive(SimpleObject)]
pub struct ImportRejection {
    /// The line of the file where the row starts.
    pub line: i64,
    /// Why it was refused.
    pub reason: String,
    /// The row as read (empty when the row could not be split into cells).
    pub raw: String,
}

/// One list a split rule wrote to.
#[derive(SimpleObject)]
pub struct ImportPart {
    /// The list.
    pub list_id: ID,
    /// Its name (`<list> – <part>`).
    pub name: String,
    /// Contacts added or updated in it.
    pub accepted: i64,
}

/// One upload into a list: its progress and counts.
pub struct ImportJob(pub entity::import_job::Model);

#[Object]
impl ImportJob {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The list imported into.
    async fn list_id(&self) -> ID {
        ID(self.0.list_id.to_string())
    }
    /// `QUEUED`, `RUNNING`, `SUCCEEDED` or `FAILED`.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// What it does with the list's contents.
    async fn mode(&self) -> &str {
        &self.0.mode
    }
    /// The file's name.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// The file's size.
    async fn file_bytes(&self) -> i64 {
        self.0.file_bytes
    }
    /// Bytes read so far.
    async fn bytes_read(&self) -> i64 {
        self.0.bytes_read
    }
    /// Records read so far.
    async fn rows_read(&self) -> i64 {
        self.0.rows_read
    }
    /// Contacts added or updated (written so far, while running; visible at the end).
    async fn accepted(&self) -> i64 {
        self.0.accepted
    }
    /// Rows refused.
    async fn rejected(&self) -> i64 {
        self.0.rejected
    }
    /// Rows repeating an earlier row or a listed contact.
    async fn duplicates(&self) -> i64 {
        self.0.duplicates
    }
    /// Rows on a suppression list.
    async fn suppressed(&self) -> i64 {
        self.0.suppressed
    }
    /// Rows the selection rules or split rule left out.
    async fn filtered(&self) -> i64 {
        self.0.filtered
    }
    /// The lists a split rule wrote to, with what each received (empty without a split).
    async fn parts(&self) -> Vec<ImportPart> {
        let Some(serde_json::Value::Array(parts)) = &self.0.parts else {
            return Vec::new();
        };
        parts
            .iter()
            .map(|part| ImportPart {
                list_id: ID(part["listId"].as_str().unwrap_or_default().to_owned()),
                name: part["name"].as_str().unwrap_or_default().to_owned(),
                accepted: part["accepted"].as_i64().unwrap_or(0),
            })
            .collect()
    }
    /// Why the import failed, when it did.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// When it was asked for.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it ended.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
    /// The refused rows in line order.
    async fn rejections(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<ImportRejection>> {
        let principal = principal(ctx)?;
        let after_id = decode_id_cursor(after.as_deref()).gql()?;
        let page = import::rejections(
            services(ctx),
            principal,
            self.0.id,
            PageRequest::new(first, wants_total(ctx)),
            after_id,
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after_id.is_some(),
            |row| row.id.to_string(),
            |row| ImportRejection {
                line: row.line,
                reason: row.reason,
                raw: row.raw,
            },
        ))
    }
}

/// One previewed row: its cells, or why the import would refuse it.
#[derive(SimpleObject)]
pub struct PreviewRow {
    /// The line of the file where the row starts.
    pub line: i64,
    /// The cells, when the row could be split.
    pub cells: Option<Vec<String>>,
    /// Why the row would be refused.
    pub error: Option<String>,
}

/// The start of a file as the import will read it.
#[derive(SimpleObject)]
pub struct ImportPreview {
    /// Header names, when the file has a header row.
    pub headers: Option<Vec<String>>,
    /// The delimiter used (detected or given).
    pub delimiter: Option<String>,
    /// The encoding used.
    pub encoding: String,
    /// `NONE`, `GZIP` or `ZIP`.
    pub compression: String,
    /// The first rows.
    pub rows: Vec<PreviewRow>,
}

/// Import queries.
#[derive(Default)]
pub struct ImportsQuery;

#[Object]
impl ImportsQuery {
    /// One import job.
    async fn import_job(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The job's id.")] id: ID,
    ) -> async_graphql::Result<ImportJob> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        import::job(services(ctx), principal, id)
            .await
            .map(ImportJob)
            .gql()
    }

    /// The tenant's saved mappings by name.
    async fn import_mappings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100).")] first: Option<i32>,
        #[graphql(desc = "Cursor of the last edge of the previous page.")] after: Option<String>,
    ) -> async_graphql::Result<CountedConnection<ImportMapping>> {
        let principal = principal(ctx)?;
        let after = decode_cursor(after.as_deref()).gql()?;
        let page = mappings::list(
            services(ctx),
            principal,
            PageRequest::new(first, wants_total(ctx)),
            after.as_deref(),
        )
        .await
        .gql()?;
        Ok(connection(
            page,
            after.is_some(),
            |mapping| mapping.name.clone(),
            ImportMapping,
        ))
    }
}

/// Import mutations (LIST_MANAGER, ADMIN).
#[derive(Default)]
pub struct ImportsMutation;

#[Object]
impl ImportsMutation {
    /// Saves a column mapping for reuse.
    async fn create_import_mapping(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Unique name within the tenant.")] name: String,
        mapping: ImportMappingInput,
    ) -> async_graphql::Result<ImportMapping> {
        let principal = principal(ctx)?;
        let spec = mapping.into_spec().gql()?;
        mappings::create(services(ctx), principal, &name, &spec)
            .await
            .map(ImportMapping)
            .gql()
    }

    /// Parses the start of a file the way an import would (send the first few hundred KB
    /// of a large file): columns, delimiter, encoding and the first rows.
    #[allow(clippy::too_many_arguments)]
    async fn preview_import(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file or its beginning (or give `uploadId`).")] file: Option<Upload>,
        #[graphql(desc = "A finished chunked upload (`/api/v1/uploads`) instead of `file`.")]
        upload_id: Option<ID>,
        #[graphql(desc = "The delimiter; detected when omitted.")] delimiter: Option<String>,
        #[graphql(desc = "Whether the first line names the columns.", default = true)]
        has_header: bool,
        #[graphql(
            desc = "AUTO, UTF8, LATIN1, WINDOWS1252, UTF16LE or UTF16BE.",
            default_with = "String::from(\"AUTO\")"
        )]
        encoding: String,
        #[graphql(desc = "Fixed-width columns (instead of a delimiter).")] fixed_width: Option<
            Vec<FixedWidthColumnInput>,
        >,
        #[graphql(desc = "Rows to show (at most 100).", default = 10)] rows: i32,
    ) -> async_graphql::Result<ImportPreview> {
        let principal = principal(ctx)?;
        let format = file_format(delimiter, has_header, encoding, fixed_width)?;
        let content = match (file, upload_id) {
            (Some(file), None) => file.value(ctx)?.content,
            (None, Some(id)) => {
                let id = parse_id("uploadId", &id)?;
                let stored = workers::uploads::take_for_import(services(ctx), principal, id)
                    .await
                    .gql()?;
                std::fs::File::open(&stored.path).map_err(anyhow::Error::from)?
            }
            _ => return Err(ApiError::bad_input("file", "give either file or uploadId")).gql(),
        };
        let rows = usize::try_from(rows).unwrap_or(10);
        let preview = import::preview(principal, content, &format, rows)
            .await
            .gql()?;
        Ok(ImportPreview {
            headers: preview.headers,
            delimiter: preview.delimiter.map(String::from),
            encoding: preview.encoding,
            compression: preview.compression.to_owned(),
            rows: preview
                .rows
                .into_iter()
                .map(|(line, row)| {
                    let line = i64::try_from(line).unwrap_or(i64::MAX);
                    match row {
                        Ok(cells) => PreviewRow {
                            line,
                            cells: Some(cells),
                            error: None,
                        },
                        Err(error) => PreviewRow {
                            line,
                            cells: None,
                            error: Some(error),
                        },
                    }
                })
                .collect(),
        })
    }

    /// Uploads a file (GraphQL multipart) and queues its import into a list; give a saved
    /// `mappingId` or an inline `mapping`.
    #[allow(clippy::too_many_arguments)]
    async fn import_contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The list to import into.")] list_id: ID,
        #[graphql(
            desc = "The file: CSV or delimited text, fixed width, .gz or .zip (or give `uploadId`)."
        )]
        file: Option<Upload>,
        #[graphql(desc = "A finished chunked upload (`/api/v1/uploads`) instead of `file`.")]
        upload_id: Option<ID>,
        #[graphql(desc = "What to do with the list's contents.")] mode: ImportMode,
        #[graphql(desc = "A saved mapping.")] mapping_id: Option<ID>,
        #[graphql(desc = "An inline mapping (instead of `mappingId`).")] mapping: Option<
            ImportMappingInput,
        >,
        #[graphql(desc = "The delimiter; detected when omitted.")] delimiter: Option<String>,
        #[graphql(desc = "Whether the first line names the columns.", default = true)]
        has_header: bool,
        #[graphql(
            desc = "AUTO, UTF8, LATIN1, WINDOWS1252, UTF16LE or UTF16BE.",
            default_with = "String::from(\"AUTO\")"
        )]
        encoding: String,
        #[graphql(desc = "Fixed-width columns (instead of a delimiter).")] fixed_width: Option<
            Vec<FixedWidthColumnInput>,
        >,
        #[graphql(desc = "Saved selection rules: a record is kept when any of them keeps it.")]
        selection_rule_ids: Option<Vec<ID>>,
        #[graphql(desc = "A saved split rule that cuts the upload into several lists.")]
        split_rule_id: Option<ID>,
    ) -> async_graphql::Result<ImportJob> {
        let principal = principal(ctx)?;
        let list_id = parse_id("listId", &list_id)?;
        let selection_rule_ids = selection_rule_ids
            .unwrap_or_default()
            .iter()
            .map(|id| parse_id("selectionRuleIds", id))
            .collect::<Result<Vec<_>, _>>()?;
        let split_rule_id = split_rule_id
            .map(|id| parse_id("splitRuleId", &id))
            .transpose()?;
        let (spec, mapping_id) = match (mapping_id, mapping) {
            (Some(id), None) => {
                let id = parse_id("mappingId", &id)?;
                let (_, spec) = mappings::get(services(ctx), principal, id).await.gql()?;
                (spec, Some(id))
            }
            (None, Some(inline)) => (inline.into_spec().gql()?, None),
            _ => {
                return Err(ApiError::bad_input(
                    "mapping",
                    "give either mappingId or mapping",
                ))
                .gql();
            }
        };
        spec.check().map_err(workers::ServiceError::from).gql()?;
        let format = file_format(delimiter, has_header, encoding, fixed_width)?;
        let (file_name, path, bytes) = match (file, upload_id) {
            (Some(file), None) => {
                let upload = file.value(ctx)?;
                let file_name = upload.filename.clone();
                let (path, bytes) = import::store_upload(services(ctx), &file_name, upload.content)
                    .await
                    .gql()?;
                (file_name, path, bytes)
            }
            (None, Some(id)) => {
                let id = parse_id("uploadId", &id)?;
                let stored = workers::uploads::take_for_import(services(ctx), principal, id)
                    .await
                    .gql()?;
                (stored.file_name, stored.path, stored.bytes)
            }
            _ => return Err(ApiError::bad_input("file", "give either file or uploadId")).gql(),
        };
        let options = ImportOptions {
            mapping: spec,
            format,
            selection_rule_ids,
            split_rule_id,
        };
        let new_import = NewImport {
            list_id,
            file_name,
            file_path: path,
            file_bytes: bytes,
            mode: mode.into(),
            options,
            mapping_id,
        };
        import::start(services(ctx), principal, new_import)
            .await
            .map(ImportJob)
            .gql()
    }
}

/// Live progress of an import.
#[derive(SimpleObject, Clone)]
pub struct ImportProgress {
    /// The job.
    pub job_id: ID,
    /// `RUNNING`, `SUCCEEDED` or `FAILED`.
    pub status: String,
    /// Records read so far.
    pub rows_read: i64,
    /// Input bytes read so far (with `fileBytes`, a progress bar).
    pub bytes_read: Option<i64>,
    /// The file's size.
    pub file_bytes: Option<i64>,
    /// Contacts added or updated so far (committed together at the end).
    pub accepted: Option<i64>,
    /// Rows refused so far.
    pub rejected: i64,
    /// Duplicates so far.
    pub duplicates: i64,
    /// Rows the selection or split rules left out so far.
    pub filtered: i64,
}

/// Import subscriptions.
#[derive(Default)]
pub struct ImportsSubscription;

#[Subscription]
impl ImportsSubscription {
    /// Progress of one import, from any replica, until it ends.
    async fn import_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The job.")] job_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = ImportProgress>> {
        let principal = principal(ctx)?;
        let id = parse_id("jobId", &job_id)?;
        let job = import::job(services(ctx), principal, id).await.gql()?;
        let payloads = services(ctx)
            .cache
            .subscribe(&format!("import:{}", job.id))
            .await
            .map_err(workers::ServiceError::from)
            .gql()?;
        let job_id = ID(job.id.to_string());
        Ok(payloads
            .filter_map(move |payload| {
                let job_id = job_id.clone();
                async move {
                    let value: serde_json::Value = serde_json::from_str(&payload).ok()?;
                    Some(ImportProgress {
                        job_id,
                        status: value["status"].as_str().unwrap_or("RUNNING").to_owned(),
                        rows_read: value["rowsRead"].as_i64().unwrap_or(0),
                        bytes_read: value["bytesRead"].as_i64(),
                        file_bytes: value["fileBytes"].as_i64(),
                        accepted: value["accepted"].as_i64(),
                        rejected: value["rejected"].as_i64().unwrap_or(0),
                        duplicates: value["duplicates"].as_i64().unwrap_or(0),
                        filtered: value["filtered"].as_i64().unwrap_or(0),
                    })
                }
            })
            .scan(false, |ended, progress| {
                // Deliver the final event, then end the stream.
                if *ended {
                    return futures::future::ready(None);
                }
                *ended = progress.status != "RUNNING";
                futures::future::ready(Some(progress))
            }))
    }
}
