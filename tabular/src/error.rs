//! The two kinds of failure: a [`ReadError`] stops the whole file, a
//! [`RowError`] rejects one record and reading goes on.

use std::io;

/// A problem that makes the file unreadable as a whole; nothing after it can be trusted.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file has no content: 0 bytes, or only a byte-order mark and blank lines.
    #[error("the file is empty")]
    Empty,
    /// The content is not text (an image, an executable, UTF-16 without a byte-order mark …).
    #[error("the file is not a text file: {0}")]
    Binary(String),
    /// An Excel or OpenDocument workbook was uploaded instead of a text export.
    #[error(
        "the file is a spreadsheet workbook ({0}), not a text file: save it as CSV and upload that"
    )]
    Spreadsheet(&'static str),
    /// Packed with a compression this crate does not read (bzip2, xz, 7z, a zip method …).
    #[error("unsupported compression: {0}")]
    UnsupportedCompression(String),
    /// A zip archive must hold exactly one file; it held this many.
    #[error("a zip archive must contain exactly one file, found {0}")]
    ZipEntries(usize),
    /// The zip archive is damaged or uses a feature that is not supported (encryption …).
    #[error("invalid zip archive: {0}")]
    Archive(String),
    /// Delimiter detection found candidates, but none splits the first lines consistently.
    #[error(
        "could not detect the delimiter from the first {records} records: choose comma, tab, pipe, semicolon or colon explicitly"
    )]
    NoDelimiter {
        /// How many records the detection looked at.
        records: usize,
    },
    /// The header row could not be decoded.
    #[error("invalid header row: {0}")]
    Header(String),
    /// The options cannot describe any file (a zero-width column, a quote as delimiter …).
    #[error("invalid read options: {0}")]
    InvalidOptions(String),
    /// Reading or unpacking failed before the first record.
    #[error("could not read the file: {0}")]
    Io(#[from] io::Error),
    /// Reading or unpacking failed part-way (a truncated gzip, a disk error): the rows
    /// returned so far are good, but the file is incomplete.
    #[error("reading stopped after line {line}: {source}")]
    Input {
        /// The last line reached.
        line: u64,
        /// What failed.
        #[source]
        source: io::Error,
    },
}

/// One rejected record: where it starts and why; the reader goes on with the next one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct RowError {
    /// 1-based physical line on which the rejected record starts.
    pub line: u64,
    /// Why the record was rejected, in words a list manager understands.
    pub reason: String,
}

impl RowError {
    /// Builds a row error; the crate's one way to reject a record.
    pub(crate) fn new(line: u64, reason: impl Into<String>) -> Self {
        RowError {
            line,
            reason: reason.into(),
        }
    }
}
