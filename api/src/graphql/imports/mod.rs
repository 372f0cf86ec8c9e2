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

mod inputs;
mod types;

pub use inputs::*;
pub use types::*;

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
        let content = match file_source(ctx, file, upload_id).await? {
            FileSource::Multipart(upload) => upload.content,
            FileSource::Chunked(stored) => {
                std::fs::File::open(&stored.path).map_err(anyhow::Error::from)?
            }
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
        let (file_name, path, bytes) = stored_file(ctx, file, upload_id).await?;
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

/// Where an import's file comes from: this request's multipart upload, or a
/// finished chunked upload (`/api/v1/uploads`).
enum FileSource {
    /// The `file` argument.
    Multipart(async_graphql::UploadValue),
    /// The upload named by `uploadId`.
    Chunked(workers::uploads::StoredUpload),
}

/// Exactly one of `file` and `uploadId`, resolved.
async fn file_source(
    ctx: &Context<'_>,
    file: Option<Upload>,
    upload_id: Option<ID>,
) -> async_graphql::Result<FileSource> {
    match (file, upload_id) {
        (Some(file), None) => Ok(FileSource::Multipart(file.value(ctx)?)),
        (None, Some(id)) => {
            let id = parse_id("uploadId", &id)?;
            workers::uploads::take_for_import(services(ctx), principal(ctx)?, id)
                .await
                .map(FileSource::Chunked)
                .gql()
        }
        _ => Err(ApiError::bad_input("file", "give either file or uploadId")).gql(),
    }
}

/// The file of an import request stored under the uploads directory:
/// (name as uploaded, path, size). Contact and suppression imports share it.
pub(crate) async fn stored_file(
    ctx: &Context<'_>,
    file: Option<Upload>,
    upload_id: Option<ID>,
) -> async_graphql::Result<(String, std::path::PathBuf, u64)> {
    Ok(match file_source(ctx, file, upload_id).await? {
        FileSource::Multipart(upload) => {
            let (path, bytes) =
                import::store_upload(services(ctx), &upload.filename, upload.content)
                    .await
                    .gql()?;
            (upload.filename, path, bytes)
        }
        FileSource::Chunked(stored) => (stored.file_name, stored.path, stored.bytes),
    })
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
