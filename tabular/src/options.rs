//! What the caller asks for — layout, encoding, header, size limit — and what
//! the reader reports back about the file (compression, encoding).

use std::fmt;

use crate::error::ReadError;

/// Longest record accepted by default: longer rows are rejected, never buffered.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 1024 * 1024;

/// The delimiters tried, in this order of preference, when none is given.
///
/// When several split the first lines equally well, the one least likely to
/// occur inside a value wins: tabs and pipes almost never appear in names or
/// addresses, commas and colons (times, "Smith, John") often do.
pub const CANDIDATE_DELIMITERS: [u8; 5] = [b'\t', b'|', b';', b',', b':'];

/// Character encoding of a file; `Auto` lets the reader decide and report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// A byte-order mark decides; otherwise UTF-8 if the first 64 KiB or more
    /// are valid UTF-8 (switching to Windows-1252 at the first row that is
    /// not), else Windows-1252.
    #[default]
    Auto,
    /// UTF-8, with or without a byte-order mark; invalid bytes reject the row.
    Utf8,
    /// ISO-8859-1; bytes 0x80–0x9F (C1 controls, usually Windows-1252 text) reject the row.
    Latin1,
    /// Windows-1252; the five unassigned bytes reject the row.
    Windows1252,
    /// UTF-16 little endian, as Excel's "Unicode text"; chosen by its byte-order mark or explicitly.
    Utf16Le,
    /// UTF-16 big endian; chosen by its byte-order mark or explicitly.
    Utf16Be,
}

impl Encoding {
    /// The usual name of the encoding, for messages and the upload wizard.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "UTF-8",
            Encoding::Latin1 => "ISO-8859-1",
            Encoding::Windows1252 => "Windows-1252",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// How the values of a record are laid out on a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// Values separated by a delimiter, RFC 4180 quoting with `"`.
    Delimited {
        /// The delimiter; `None` detects one of [`CANDIDATE_DELIMITERS`] from the first lines.
        delimiter: Option<u8>,
    },
    /// One record per line, each value at a fixed character position.
    FixedWidth {
        /// The columns, one per value, in the order the values are returned.
        columns: Vec<FixedColumn>,
    },
}

impl Default for Layout {
    fn default() -> Self {
        Layout::Delimited { delimiter: None }
    }
}

/// One value of a fixed-width line: where it starts and how wide it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedColumn {
    /// Column name, returned as the header of a fixed-width file.
    pub name: String,
    /// 0-based character offset of the first character.
    pub start: usize,
    /// Width in characters; at least 1.
    pub width: usize,
}

impl FixedColumn {
    /// Shorthand for building a layout in code and tests.
    pub fn new(name: impl Into<String>, start: usize, width: usize) -> Self {
        FixedColumn {
            name: name.into(),
            start,
            width,
        }
    }
}

/// Everything [`open`](crate::open) needs to know about a file beyond its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Delimited (default, delimiter detected) or fixed width.
    pub layout: Layout,
    /// The encoding, `Auto` by default.
    pub encoding: Encoding,
    /// Whether the first non-blank line names the columns (default `true`);
    /// for fixed width it is skipped and the column names are the headers.
    pub has_header: bool,
    /// Longest record in bytes; a longer record is rejected and skipped.
    pub max_record_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            layout: Layout::default(),
            encoding: Encoding::Auto,
            has_header: true,
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

impl ReadOptions {
    /// Rejects options that cannot describe any file, before a byte is read.
    pub(crate) fn validate(&self) -> Result<(), ReadError> {
        if self.max_record_bytes == 0 {
            return Err(ReadError::InvalidOptions(
                "max_record_bytes must be at least 1".to_owned(),
            ));
        }
        match &self.layout {
            Layout::Delimited {
                delimiter: Some(delimiter),
            } => {
                let unusable = matches!(delimiter, b'"' | b'\r' | b'\n') || !delimiter.is_ascii();
                if unusable {
                    return Err(ReadError::InvalidOptions(format!(
                        "byte 0x{delimiter:02X} cannot be a delimiter"
                    )));
                }
            }
            Layout::Delimited { delimiter: None } => {}
            Layout::FixedWidth { columns } => {
                if columns.is_empty() {
                    return Err(ReadError::InvalidOptions(
                        "a fixed-width layout needs at least one column".to_owned(),
                    ));
                }
                if let Some(column) = columns.iter().find(|column| column.width == 0) {
                    return Err(ReadError::InvalidOptions(format!(
                        "fixed-width column `{}` has a width of 0",
                        column.name
                    )));
                }
            }
        }
        Ok(())
    }
}

/// How the file was packed, as recognised from its first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compression {
    /// Plain text.
    None,
    /// gzip (one or several members).
    Gzip,
    /// A zip archive holding exactly one file.
    Zip {
        /// Name of the file inside the archive, for the upload wizard.
        entry: String,
    },
}
