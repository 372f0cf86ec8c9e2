//! Reading and writing contact-list files: the bottom layer of the import
//! pipeline (SPEC §2 "Import", §6).
//!
//! [`open`] streams the records of a delimited or fixed-width text file —
//! plain, gzip or zip (recognised by magic bytes), UTF-8, ISO-8859-1,
//! Windows-1252 or UTF-16 (or decided automatically) — with bounded memory
//! whatever the file size. A bad row is a [`RowError`] with its line number
//! and reading goes on; a problem with the whole file is a [`ReadError`].
//! [`preview`] gives the upload wizard the first rows and what was detected;
//! [`CsvWriter`] writes exports, escaped against formula injection.
//!
//! ```
//! # fn main() -> Result<(), tabular::ReadError> {
//! let file = std::io::Cursor::new(b"name;phone\nM\xFCller;555 0100\nZo\xEB;\n".to_vec());
//! let mut reader = tabular::open(file, &tabular::ReadOptions::default())?;
//! let first = reader.next().unwrap()?.unwrap();
//! assert_eq!(first.fields, ["Müller", "555 0100"]);
//! assert_eq!(reader.delimiter(), Some(b';'));
//! assert_eq!(reader.encoding(), tabular::Encoding::Windows1252);
//! # Ok(()) }
//! ```
//!
//! Mapping columns to contact fields, phone parsing and deduplication live in
//! the layers above; this crate knows nothing of contacts.

#![deny(missing_docs)]

mod buffer;
mod delimited;
mod error;
mod fixed;
mod options;
mod pipe;
mod quotes;
mod reader;
mod sniff;
mod source;
mod text;
mod writer;

use std::io::Read;

pub use error::{ReadError, RowError};
pub use options::{
    CANDIDATE_DELIMITERS, Compression, DEFAULT_MAX_RECORD_BYTES, Encoding, FixedColumn, Layout,
    ReadOptions,
};
pub use reader::{Record, RecordReader, Row};
pub use writer::{CsvWriter, escape_cell};

/// Opens a (possibly compressed) file for streaming its records.
///
/// Everything that can be wrong with the file as a whole is reported here:
/// empty, binary, a workbook instead of text, unsupported compression, a zip
/// without exactly one file, an undetectable delimiter, an unreadable header.
/// Iterating then yields `Ok(Ok(record))`, `Ok(Err(row_error))` for a rejected
/// row (reading goes on), or a final `Err(read_error)` if the input fails
/// part-way. Blocking: call it from a blocking thread, not an async task.
pub fn open<R: Read + Send + 'static>(
    input: R,
    options: &ReadOptions,
) -> Result<RecordReader, ReadError> {
    RecordReader::open(input, options)
}

/// The first rows of a file and what was detected, for the upload wizard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// As [`RecordReader::headers`].
    pub headers: Option<Vec<String>>,
    /// As [`RecordReader::delimiter`].
    pub delimiter: Option<u8>,
    /// As [`RecordReader::encoding`], after the previewed rows.
    pub encoding: Encoding,
    /// As [`RecordReader::compression`].
    pub compression: Compression,
    /// Up to the requested number of rows, accepted or rejected.
    pub rows: Vec<Row>,
}

/// Reads the first `rows` rows of a file (accepted or rejected) plus what was detected.
pub fn preview<R: Read + Send + 'static>(
    input: R,
    options: &ReadOptions,
    rows: usize,
) -> Result<Preview, ReadError> {
    let mut reader = open(input, options)?;
    let mut previewed = Vec::with_capacity(rows.min(1_000));
    for row in reader.by_ref().take(rows) {
        previewed.push(row?);
    }
    Ok(Preview {
        headers: reader.headers().map(<[String]>::to_vec),
        delimiter: reader.delimiter(),
        encoding: reader.encoding(),
        compression: reader.compression().clone(),
        rows: previewed,
    })
}
