//! [`RecordReader`]: from a byte source to records, one at a time.
//!
//! Opening does everything that can fail for the file as a whole — unpacking,
//! the empty and binary checks, the encoding and delimiter decisions, the
//! header — so that afterwards only single rows can be rejected (plus an I/O
//! failure part-way, which is reported, never mistaken for the end of the file).

use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::buffer::{InputBuffer, SAMPLE_BYTES};
use crate::delimited::{DelimitedParser, Parsed};
use crate::error::{ReadError, RowError};
use crate::fixed::FixedParser;
use crate::options::{Compression, Encoding, Layout, ReadOptions};
use crate::sniff::{self, Detection};
use crate::source::{self, CountingReader};
use crate::text::{self, TextDecoder};

/// One accepted record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based physical line on which the record starts (blank lines and line
    /// breaks inside quoted values are counted).
    pub line: u64,
    /// The values, decoded; delimited values are as written, fixed-width values trimmed.
    pub fields: Vec<String>,
}

/// What each step of the reader yields: the outer `Err` stops the file, the
/// inner one rejects a single row.
pub type Row = Result<Record, RowError>;

enum Parser {
    /// Boxed: `csv-core` keeps its state machine inline, ten times the size of the other variant.
    Delimited(Box<DelimitedParser>),
    FixedWidth(FixedParser),
}

/// Streams the records of one file; see [`open`](crate::open).
pub struct RecordReader {
    input: InputBuffer,
    parser: Parser,
    decoder: TextDecoder,
    headers: Option<Vec<String>>,
    expected_fields: Option<usize>,
    compression: Compression,
    bytes_read: Arc<AtomicU64>,
    finished: bool,
}

impl RecordReader {
    pub(crate) fn open<R: Read + Send + 'static>(
        input: R,
        options: &ReadOptions,
    ) -> Result<Self, ReadError> {
        options.validate()?;
        let bytes_read = Arc::new(AtomicU64::new(0));
        let (unpacked, compression) =
            source::unpack(CountingReader::new(input, Arc::clone(&bytes_read)))?;
        let (stream, encoding) = text::prepare(unpacked, options.encoding)?;
        let mut input = InputBuffer::new(stream);

        input.fill_to(SAMPLE_BYTES)?;
        let line_break = sniff::line_break(input.available());
        let leading_blank_lines = input.skip_blank_lines(line_break, options.max_record_bytes)?;
        if input.at_end() {
            return Err(ReadError::Empty);
        }
        input.fill_to(SAMPLE_BYTES)?;
        text::check_text(input.available())?;
        let sample = complete_lines(input.available(), line_break, input.is_eof());
        let decoder = TextDecoder::new(encoding, sample, input.is_eof());

        let first_line = 1 + leading_blank_lines;
        let parser = match &options.layout {
            Layout::Delimited { delimiter } => {
                let delimiter = match delimiter {
                    Some(delimiter) => *delimiter,
                    None => match sniff::detect_delimiter(sample) {
                        Detection::Delimiter(delimiter) => delimiter,
                        // One column: any delimiter reads it; a comma is the least surprising.
                        Detection::SingleColumn => b',',
                        Detection::Ambiguous { records } => {
                            return Err(ReadError::NoDelimiter { records });
                        }
                    },
                };
                Parser::Delimited(Box::new(DelimitedParser::new(
                    delimiter,
                    line_break,
                    options.max_record_bytes,
                    first_line,
                )))
            }
            Layout::FixedWidth { columns } => Parser::FixedWidth(FixedParser::new(
                columns.clone(),
                line_break,
                options.max_record_bytes,
                first_line,
            )),
        };
        let mut reader = RecordReader {
            input,
            parser,
            decoder,
            headers: None,
            expected_fields: None,
            compression,
            bytes_read,
            finished: false,
        };
        reader.read_header(options.has_header)?;
        Ok(reader)
    }

    fn read_header(&mut self, has_header: bool) -> Result<(), ReadError> {
        let names = match &mut self.parser {
            Parser::FixedWidth(parser) => {
                if has_header {
                    parser.skip_line(&mut self.input)?;
                }
                parser.names()
            }
            Parser::Delimited(_) if !has_header => return Ok(()),
            Parser::Delimited(parser) => match parser.next(&mut self.input, None)? {
                // Not reached: an empty file was refused before.
                None => Vec::new(),
                Some(Parsed::Rejected(error)) => return Err(ReadError::Header(error.reason)),
                Some(Parsed::Fields { .. }) => {
                    let (bytes, ends) = parser.fields();
                    let names = self
                        .decoder
                        .decode_fields(bytes, ends)
                        .map_err(ReadError::Header)?;
                    names.iter().map(|name| name.trim().to_owned()).collect()
                }
            },
        };
        self.expected_fields = Some(names.len());
        self.headers = Some(names);
        Ok(())
    }

    /// The column names: the trimmed header row, or a fixed-width layout's column
    /// names; `None` for a delimited file without a header.
    pub fn headers(&self) -> Option<&[String]> {
        self.headers.as_deref()
    }

    /// The delimiter in use (detected or given); `None` for fixed width.
    pub fn delimiter(&self) -> Option<u8> {
        match &self.parser {
            Parser::Delimited(parser) => Some(parser.delimiter()),
            Parser::FixedWidth(_) => None,
        }
    }

    /// The encoding in use: in `Auto` mode it is UTF-8 until a row is not valid
    /// UTF-8, and Windows-1252 from then on; read it after the last row for the final word.
    pub fn encoding(&self) -> Encoding {
        self.decoder.encoding()
    }

    /// How the file was packed.
    pub fn compression(&self) -> &Compression {
        &self.compression
    }

    /// Bytes of the file as uploaded (compressed) consumed so far, for a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    fn line(&self) -> u64 {
        match &self.parser {
            Parser::Delimited(parser) => parser.line(),
            Parser::FixedWidth(parser) => parser.line(),
        }
    }

    fn next_row(&mut self) -> std::io::Result<Option<Row>> {
        let parser = match &mut self.parser {
            Parser::FixedWidth(parser) => return parser.next(&mut self.input, &mut self.decoder),
            Parser::Delimited(parser) => parser,
        };
        let line = match parser.next(&mut self.input, self.expected_fields)? {
            None => return Ok(None),
            Some(Parsed::Rejected(error)) => return Ok(Some(Err(error))),
            Some(Parsed::Fields { line }) => line,
        };
        let (bytes, ends) = parser.fields();
        let expected = *self.expected_fields.get_or_insert(ends.len());
        if ends.len() != expected {
            let reason = format!("expected {expected} fields, found {}", ends.len());
            return Ok(Some(Err(RowError::new(line, reason))));
        }
        let row = match self.decoder.decode_fields(bytes, ends) {
            Ok(fields) => Ok(Record { line, fields }),
            Err(reason) => Err(RowError::new(line, reason)),
        };
        Ok(Some(row))
    }
}

impl Iterator for RecordReader {
    type Item = Result<Row, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        match self.next_row() {
            Ok(Some(row)) => Some(Ok(row)),
            Ok(None) => {
                self.finished = true;
                None
            }
            Err(source) => {
                self.finished = true;
                Some(Err(ReadError::Input {
                    line: self.line(),
                    source,
                }))
            }
        }
    }
}

impl fmt::Debug for RecordReader {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("RecordReader")
            .field("headers", &self.headers)
            .field("delimiter", &self.delimiter().map(char::from))
            .field("encoding", &self.encoding())
            .field("compression", &self.compression)
            .field("bytes_read", &self.bytes_read())
            .finish_non_exhaustive()
    }
}

/// The sample up to its last line break, so detection never sees half a line
/// (all of it when it is the whole file or holds no line break at all).
fn complete_lines(sample: &[u8], line_break: u8, is_whole_file: bool) -> &[u8] {
    if is_whole_file {
        return sample;
    }
    memchr::memrchr(line_break, sample).map_or(sample, |last| &sample[..=last])
}
