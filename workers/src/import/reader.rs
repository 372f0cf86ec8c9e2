//! Reading the stored upload on a blocking thread: records are mapped to contact
//! drafts or rejections and sent to the async writer in batches.

use std::fs::File;
use std::path::PathBuf;

use domain::ValidationError;
use domain::import::{ContactDraft, ResolvedMapping};
use tokio::sync::mpsc;

use super::ImportOptions;
use super::prepare::Preparer;

/// Records per batch: a few set-based statements each.
pub const BATCH_ROWS: usize = 5000;

/// An accepted record, ready to write.
#[derive(Debug)]
pub struct Row {
    /// Position in the file (1-based record number).
    pub seq: i64,
    /// What it became (devices with their region and zones).
    pub draft: ContactDraft,
    /// The key it is de-duplicated by: `c:<client id>`, else `d:<first device>`.
    pub dedupe_key: String,
    /// Which part of a split it goes to (0 without a split rule).
    pub part: usize,
    /// The contact as the batch statements read it (JSON object).
    pub contact_json: String,
    /// Its devices as the batch statements read them (JSON objects less their `{`).
    pub devices_json: Vec<String>,
}

/// A refused record.
#[derive(Debug)]
pub struct Rejection {
    /// The line it starts on.
    pub line: i64,
    /// Why.
    pub reason: String,
    /// The record's cells, joined with the file's delimiter.
    pub raw: String,
}

/// Some records, and how far the reader got.
#[derive(Debug, Default)]
pub struct Batch {
    /// Accepted records.
    pub rows: Vec<Row>,
    /// Records selection rules dropped (so far, in this batch).
    pub filtered: i64,
    /// Refused records.
    pub rejections: Vec<Rejection>,
    /// Records read so far.
    pub rows_read: i64,
    /// Input bytes read so far.
    pub bytes_read: i64,
    /// The split's part names so far (index = `Row::part`); empty without a split rule.
    pub part_names: Vec<String>,
}

/// Parses a stored encoding name.
pub fn encoding(raw: &str) -> Result<tabular::Encoding, ValidationError> {
    Ok(
        match raw.to_ascii_uppercase().replace(['-', '_'], "").as_str() {
            "AUTO" | "" => tabular::Encoding::Auto,
            "UTF8" => tabular::Encoding::Utf8,
            "LATIN1" | "ISO88591" => tabular::Encoding::Latin1,
            "WINDOWS1252" | "CP1252" => tabular::Encoding::Windows1252,
            "UTF16LE" => tabular::Encoding::Utf16Le,
            "UTF16BE" => tabular::Encoding::Utf16Be,
            _ => {
                return Err(ValidationError::new(
                    "encoding",
                    format!("{raw:?} is not a supported encoding"),
                ));
            }
        },
    )
}

fn resolve(
    options: &ImportOptions,
    headers: Option<&[String]>,
    columns: usize,
) -> Result<ResolvedMapping, String> {
    options
        .mapping
        .resolve(headers, columns)
        .map_err(|error| format!("mapping: {error}"))
}

/// Reads the file on a blocking thread; a file-level problem is sent as `Err(reason)`.
pub fn spawn(
    path: PathBuf,
    options: ImportOptions,
    mut preparer: Preparer,
    sender: mpsc::Sender<Result<Batch, String>>,
) {
    tokio::task::spawn_blocking(move || {
        if let Err(reason) = read(&path, &options, &mut preparer, &sender) {
            let _ = sender.blocking_send(Err(reason));
        }
    });
}

fn read(
    path: &PathBuf,
    options: &ImportOptions,
    preparer: &mut Preparer,
    sender: &mpsc::Sender<Result<Batch, String>>,
) -> Result<(), String> {
    let file = File::open(path).map_err(|error| format!("the upload cannot be opened: {error}"))?;
    let read_options = options
        .format
        .read_options()
        .map_err(|error| error.to_string())?;
    let mut reader = tabular::open(file, &read_options).map_err(|error| error.to_string())?;
    let headers: Option<Vec<String>> = reader.headers().map(<[String]>::to_vec);
    let separator = reader
        .delimiter()
        .map_or(",".to_owned(), |d| (d as char).to_string());
    let mut mapping = match &headers {
        Some(names) => Some(resolve(options, Some(names), names.len())?),
        None => None,
    };
    let mut batch = Batch::default();
    let mut seq = 0i64;
    while let Some(item) = reader.next() {
        let row = item.map_err(|error| error.to_string())?;
        seq += 1;
        match row {
            Ok(record) => {
                let line = i64::try_from(record.line).unwrap_or(i64::MAX);
                if mapping.is_none() {
                    mapping = Some(resolve(options, headers.as_deref(), record.fields.len())?);
                }
                let Some(resolved) = mapping.as_ref() else {
                    continue;
                };
                match resolved
                    .apply(&record.fields)
                    .and_then(|draft| preparer.prepare(seq, draft))
                {
                    Ok(Some(row)) => batch.rows.push(row),
                    Ok(None) => batch.filtered += 1,
                    Err(reason) => batch.rejections.push(Rejection {
                        line,
                        reason,
                        raw: record.fields.join(&separator),
                    }),
                }
            }
            Err(row_error) => batch.rejections.push(Rejection {
                line: i64::try_from(row_error.line).unwrap_or(i64::MAX),
                reason: row_error.reason,
                raw: String::new(),
            }),
        }
        if batch.rows.len() + batch.rejections.len() >= BATCH_ROWS {
            batch.rows_read = seq;
            batch.bytes_read = i64::try_from(reader.bytes_read()).unwrap_or(i64::MAX);
            batch.part_names = preparer.part_names();
            if sender
                .blocking_send(Ok(std::mem::take(&mut batch)))
                .is_err()
            {
                return Ok(());
            }
        }
    }
    batch.rows_read = seq;
    batch.bytes_read = i64::try_from(reader.bytes_read()).unwrap_or(i64::MAX);
    batch.part_names = preparer.part_names();
    let _ = sender.blocking_send(Ok(batch));
    Ok(())
}
