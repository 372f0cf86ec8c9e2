//! Fixed-width records: one per line, each value at a fixed character offset.
//!
//! Offsets count characters, not bytes, so a "Müller" in UTF-8 does not shift
//! the columns after it. Values are trimmed (fixed-width files pad with spaces).
//! A line that ends before the last column starts is rejected; a line that ends
//! inside the last column is kept, because editors strip trailing padding.

use std::io;
use std::iter;

use memchr::memchr;

use crate::buffer::InputBuffer;
use crate::error::RowError;
use crate::options::FixedColumn;
use crate::reader::Record;
use crate::text::TextDecoder;

/// Splits fixed-width lines out of an [`InputBuffer`].
pub(crate) struct FixedParser {
    columns: Vec<FixedColumn>,
    /// Index of the column that starts last; a line must reach into it.
    last_column: usize,
    line_break: u8,
    max_record_bytes: usize,
    /// Line number of the next line to read.
    line: u64,
}

impl FixedParser {
    /// A parser for `columns` whose first line is `first_line`; `columns` is not empty.
    pub(crate) fn new(
        columns: Vec<FixedColumn>,
        line_break: u8,
        max_record_bytes: usize,
        first_line: u64,
    ) -> Self {
        let last_column = columns
            .iter()
            .enumerate()
            .max_by_key(|(_, column)| column.start)
            .map_or(0, |(index, _)| index);
        FixedParser {
            columns,
            last_column,
            line_break,
            max_record_bytes,
            line: first_line,
        }
    }

    /// The column names, which serve as the headers.
    pub(crate) fn names(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|column| column.name.clone())
            .collect()
    }

    /// The line reached so far, for errors that stop reading.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Skips the header line.
    pub(crate) fn skip_line(&mut self, input: &mut InputBuffer) -> io::Result<()> {
        self.line += input.skip_blank_lines(self.line_break, self.max_record_bytes)?;
        if !input.at_end() && input.skip_past_line_break(self.line_break)? {
            self.line += 1;
        }
        Ok(())
    }

    /// Reads the next line; `None` at the end of the input.
    pub(crate) fn next(
        &mut self,
        input: &mut InputBuffer,
        decoder: &mut TextDecoder,
    ) -> io::Result<Option<Result<Record, RowError>>> {
        self.line += input.skip_blank_lines(self.line_break, self.max_record_bytes)?;
        if input.at_end() {
            return Ok(None);
        }
        let line = self.line;
        self.line += 1;
        input.mark = input.pos;
        let mut searched = 0;
        let length = loop {
            let available = input.available();
            if let Some(index) = memchr(self.line_break, &available[searched..]) {
                break searched + index;
            }
            searched = available.len();
            if input.is_eof() {
                break searched;
            }
            if searched > self.max_record_bytes {
                input.pos = input.filled();
                input.skip_past_line_break(self.line_break)?;
                return Ok(Some(Err(self.too_long(line))));
            }
            input.fill()?;
        };
        let end = input.pos + length;
        let mut bytes = &input.data()[input.pos..end];
        if self.line_break == b'\n' {
            bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        }
        let outcome = if bytes.len() > self.max_record_bytes {
            Err(self.too_long(line))
        } else {
            decoder
                .decode_text(bytes)
                .map_err(|reason| RowError::new(line, reason))
                .and_then(|text| self.split(line, &text))
        };
        input.pos = (end + 1).min(input.filled());
        Ok(Some(outcome))
    }

    fn too_long(&self, line: u64) -> RowError {
        RowError::new(
            line,
            format!("the line is longer than {} bytes", self.max_record_bytes),
        )
    }

    /// Cuts one decoded line into the column values.
    fn split(&self, line: u64, text: &str) -> Result<Record, RowError> {
        // Byte offset of every character, only needed when the line is not ASCII.
        let boundaries: Option<Vec<usize>> = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(offset, _)| offset)
                .chain(iter::once(text.len()))
                .collect()
        });
        let characters = boundaries
            .as_ref()
            .map_or(text.len(), |offsets| offsets.len() - 1);
        let last = &self.columns[self.last_column];
        if characters <= last.start {
            return Err(RowError::new(
                line,
                format!(
                    "the line has {characters} characters but column `{}` starts at character {}",
                    last.name,
                    last.start + 1
                ),
            ));
        }
        let byte_offset = |character: usize| {
            let character = character.min(characters);
            boundaries
                .as_ref()
                .map_or(character, |offsets| offsets[character])
        };
        let fields = self
            .columns
            .iter()
            .map(|column| {
                let range = byte_offset(column.start)
                    ..byte_offset(column.start.saturating_add(column.width));
                text.get(range).unwrap_or_default().trim().to_owned()
            })
            .collect();
        Ok(Record { line, fields })
    }
}
