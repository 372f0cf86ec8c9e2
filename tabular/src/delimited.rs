//! Delimited records (RFC 4180) on top of `csv-core`, plus the bookkeeping
//! `csv-core` leaves to its caller: physical line numbers (a quoted value may
//! hold line breaks), a cap on record size, and recovery from an unbalanced
//! quote — the bad record is rejected and the lines it swallowed are read again.

use std::io;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};
use memchr::{memchr, memchr2};

use crate::buffer::InputBuffer;
use crate::error::RowError;
use crate::quotes::{self, OpenQuote, QuoteProblem};

/// The outcome of reading one record.
pub(crate) enum Parsed {
    /// A record starting on `line`; its values are in [`DelimitedParser::fields`].
    Fields { line: u64 },
    /// A record that could not be split; reading can go on.
    Rejected(RowError),
}

/// Splits records out of an [`InputBuffer`].
pub(crate) struct DelimitedParser {
    core: Reader,
    delimiter: u8,
    line_break: u8,
    max_record_bytes: usize,
    /// Line number of the next byte to parse, when between records.
    line: u64,
    output: Vec<u8>,
    ends: Vec<usize>,
    output_len: usize,
    ends_len: usize,
    /// `csv-core` is mid-record after a rejection and must start afresh.
    needs_reset: bool,
}

impl DelimitedParser {
    /// A parser whose first record is on or after `first_line`.
    pub(crate) fn new(
        delimiter: u8,
        line_break: u8,
        max_record_bytes: usize,
        first_line: u64,
    ) -> Self {
        DelimitedParser {
            core: ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            line_break,
            max_record_bytes,
            line: first_line,
            output: vec![0; 4096],
            ends: vec![0; 64],
            output_len: 0,
            ends_len: 0,
            needs_reset: false,
        }
    }

    /// The line reached so far, for errors that stop reading.
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// The delimiter this parser splits on.
    pub(crate) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The values of the last record: their bytes back to back, and where each ends.
    pub(crate) fn fields(&self) -> (&[u8], &[usize]) {
        (&self.output[..self.output_len], &self.ends[..self.ends_len])
    }

    /// Reads the next record; `None` at the end of the input.
    ///
    /// `expected_fields` (from the header or the first record) helps tell a value
    /// that really spans lines from a quote that was never closed.
    pub(crate) fn next(
        &mut self,
        input: &mut InputBuffer,
        expected_fields: Option<usize>,
    ) -> io::Result<Option<Parsed>> {
        self.line += input.skip_blank_lines(self.line_break, self.max_record_bytes)?;
        if input.at_end() {
            return Ok(None);
        }
        if self.needs_reset {
            self.core.reset();
            self.needs_reset = false;
        }
        let start_line = self.line;
        input.mark = input.pos;
        self.output_len = 0;
        self.ends_len = 0;
        loop {
            if input.pos == input.filled() && !input.is_eof() {
                if input.pos - input.mark > self.max_record_bytes {
                    return self.reject_long(input, start_line).map(Some);
                }
                input.fill()?;
                continue;
            }
            let (result, read, written, ended) = self.core.read_record(
                &input.data()[input.pos..],
                &mut self.output[self.output_len..],
                &mut self.ends[self.ends_len..],
            );
            input.pos += read;
            self.output_len += written;
            self.ends_len += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let grown = self.output.len() * 2;
                    self.output.resize(grown, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let grown = self.ends.len() * 2;
                    self.ends.resize(grown, 0);
                }
                ReadRecordResult::Record => {
                    return Ok(Some(self.finish(input, start_line, expected_fields)));
                }
                ReadRecordResult::End => return Ok(None),
            }
        }
    }

    /// Checks a complete record: its size, and its quotes when it spans lines.
    fn finish(
        &mut self,
        input: &mut InputBuffer,
        start_line: u64,
        expected_fields: Option<usize>,
    ) -> Parsed {
        let record = &input.data()[input.mark..input.pos];
        self.line = start_line + count(record, self.line_break);
        let content = trim_line_end(record);
        let spans_lines = memchr2(b'\n', b'\r', content).is_some();
        if record.len() > self.max_record_bytes {
            self.needs_reset = true;
            let limit = self.max_record_bytes;
            // A bad quote explains the size; a long but well-formed value is just too long.
            let problem = if spans_lines {
                quotes::scan(content, self.delimiter).problem
            } else {
                None
            };
            if let Some(QuoteProblem::Unclosed(open) | QuoteProblem::TextAfterClose { open, .. }) =
                problem
            {
                return self.resync(
                    input,
                    start_line,
                    open,
                    &format!("is not closed within {limit} bytes"),
                );
            }
            return Parsed::Rejected(RowError::new(
                start_line,
                format!("the record is longer than {limit} bytes"),
            ));
        }
        let ran_into_end = input.at_end() && memchr(b'"', content).is_some();
        if !spans_lines && !ran_into_end {
            return Parsed::Fields { line: start_line };
        }
        let scan = quotes::scan(content, self.delimiter);
        let line_of = |offset: usize| start_line + count(&content[..offset], self.line_break);
        let found = self.ends_len;
        let failure = match scan.problem {
            Some(QuoteProblem::Unclosed(open)) => Some((open, "is never closed".to_owned())),
            Some(QuoteProblem::TextAfterClose { open, close }) => Some((
                open,
                format!(
                    "is closed on line {} but text follows the closing quote",
                    line_of(close)
                ),
            )),
            None => match (scan.first_spanning, expected_fields) {
                (Some((open, close)), Some(expected)) if expected != found => Some((
                    open,
                    format!(
                        "runs on to line {} and leaves {found} fields instead of {expected}",
                        line_of(close)
                    ),
                )),
                _ => None,
            },
        };
        match failure {
            Some((open, detail)) => self.resync(input, start_line, open, &detail),
            None => Parsed::Fields { line: start_line },
        }
    }

    /// The quote to blame for a record that spans lines: the first bad one, else
    /// the first whose value holds a line break.
    fn blame_quote(&self, record: &[u8]) -> Option<OpenQuote> {
        let scan = quotes::scan(record, self.delimiter);
        match scan.problem {
            Some(QuoteProblem::Unclosed(open) | QuoteProblem::TextAfterClose { open, .. }) => {
                Some(open)
            }
            None => scan.first_spanning.map(|(open, _)| open),
        }
    }

    /// Rejects the record with the bad quote `open` and rewinds to the line after
    /// the one the quote opened on, so the lines it swallowed are read again.
    fn resync(
        &mut self,
        input: &mut InputBuffer,
        start_line: u64,
        open: OpenQuote,
        detail: &str,
    ) -> Parsed {
        let quote_at = input.mark + open.offset;
        let opened_line = start_line + count(&input.data()[input.mark..quote_at], self.line_break);
        if let Some(index) = memchr(self.line_break, &input.data()[quote_at..input.pos]) {
            input.pos = quote_at + index + 1;
            self.line = opened_line + 1;
        }
        self.needs_reset = true;
        let reason = format!(
            "unbalanced quote: the quote opening field {} on line {opened_line} {detail}",
            open.field
        );
        Parsed::Rejected(RowError::new(start_line, reason))
    }

    /// Handles a record that outgrew `max_record_bytes` before it ended.
    fn reject_long(&mut self, input: &mut InputBuffer, start_line: u64) -> io::Result<Parsed> {
        let limit = self.max_record_bytes;
        self.needs_reset = true;
        let record = &input.data()[input.mark..input.pos];
        // Only a quoted value carries a record across a line break: blame the quote.
        if memchr2(b'\n', b'\r', record).is_some()
            && let Some(open) = self.blame_quote(record)
        {
            return Ok(self.resync(
                input,
                start_line,
                open,
                &format!("is not closed within {limit} bytes"),
            ));
        }
        let found_end = input.skip_past_line_break(self.line_break)?;
        self.line = start_line + u64::from(found_end);
        Ok(Parsed::Rejected(RowError::new(
            start_line,
            format!("the record is longer than {limit} bytes"),
        )))
    }
}

/// How many times `byte` occurs (short slices: a plain loop vectorises well).
pub(crate) fn count(haystack: &[u8], byte: u8) -> u64 {
    haystack
        .iter()
        .filter(|&&candidate| candidate == byte)
        .count() as u64
}

/// The record without the line break that ends it.
fn trim_line_end(record: &[u8]) -> &[u8] {
    let kept = record
        .iter()
        .rposition(|&byte| byte != b'\n' && byte != b'\r')
        .map_or(0, |last| last + 1);
    &record[..kept]
}
