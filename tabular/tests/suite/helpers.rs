//! Building inputs in memory and reading them back as comparable strings.

use std::io::{Cursor, Read, Write};

use tabular::{ReadError, ReadOptions, RecordReader};

/// Delimited options with the given delimiter (`None`: detect) and header flag.
pub fn delimited(delimiter: Option<u8>, has_header: bool) -> ReadOptions {
    ReadOptions {
        layout: tabular::Layout::Delimited { delimiter },
        has_header,
        ..ReadOptions::default()
    }
}

/// Opens in-memory bytes.
pub fn open(bytes: &[u8], options: &ReadOptions) -> Result<RecordReader, ReadError> {
    tabular::open(Cursor::new(bytes.to_vec()), options)
}

/// The error `open` gives for these bytes; panics if it succeeds.
pub fn open_error(bytes: &[u8], options: &ReadOptions) -> ReadError {
    match open(bytes, options) {
        Ok(reader) => panic!("expected a fatal error, opened {reader:?}"),
        Err(error) => error,
    }
}

/// Every row as one string: `"2: a|b"` for a record on line 2, `"3! reason"` for a
/// rejected row on line 3. Panics on a fatal error.
pub fn rows(reader: RecordReader) -> Vec<String> {
    reader
        .map(|row| match row.expect("no fatal error") {
            Ok(record) => format!("{}: {}", record.line, record.fields.join("|")),
            Err(error) => format!("{}! {}", error.line, error.reason),
        })
        .collect()
}

/// Opens and reads all rows with [`rows`].
pub fn read(bytes: &[u8], options: &ReadOptions) -> Vec<String> {
    rows(open(bytes, options).expect("the file opens"))
}

/// The bytes gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A zip archive holding these named files, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        if name.ends_with('/') {
            archive.add_directory(*name, options).unwrap();
        } else {
            archive.start_file(*name, options).unwrap();
            archive.write_all(content).unwrap();
        }
    }
    archive.finish().unwrap().into_inner()
}

/// A reader that hands out at most `chunk` bytes per call, as a slow network does.
pub struct Trickle {
    inner: Cursor<Vec<u8>>,
    chunk: usize,
}

impl Trickle {
    pub fn new(bytes: Vec<u8>, chunk: usize) -> Self {
        Trickle {
            inner: Cursor::new(bytes),
            chunk,
        }
    }
}

impl Read for Trickle {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let end = buffer.len().min(self.chunk);
        self.inner.read(&mut buffer[..end])
    }
}
