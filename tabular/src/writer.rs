//! Writing exports: RFC 4180 CSV in UTF-8, with every cell escaped against
//! formula injection (OWASP "CSV injection") before it reaches a spreadsheet.

use std::borrow::Cow;
use std::io::{self, Write};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Makes a cell safe to open in a spreadsheet: a value starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is prefixed with `'`, so it is shown as
/// text instead of being evaluated as a formula.
///
/// The prefix is data from then on: an E.164 number `+15551234567` is exported
/// as `'+15551234567`, and whoever imports the file again should strip it.
pub fn escape_cell(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// Writes CSV exports: comma-delimited, CRLF line ends, quotes only where
/// needed, every cell passed through [`escape_cell`], equal field counts enforced.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer without a byte-order mark.
    pub fn new(writer: W) -> Self {
        let inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(writer);
        CsvWriter { inner }
    }

    /// A writer that starts with a UTF-8 byte-order mark, which Excel needs to
    /// show accented names correctly.
    pub fn with_bom(mut writer: W) -> io::Result<Self> {
        writer.write_all(UTF8_BOM)?;
        Ok(Self::new(writer))
    }

    /// Writes one record (the header row is a record too).
    pub fn write_record<I, T>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in cells {
            self.inner
                .write_field(escape_cell(cell.as_ref()).as_bytes())?;
        }
        self.inner.write_record(std::iter::empty::<&[u8]>())?;
        Ok(())
    }

    /// Flushes the buffered output to the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner.into_inner().map_err(|error| error.into_error())
    }
}
