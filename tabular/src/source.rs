//! The raw input before any text handling: counting the bytes consumed (for
//! progress), recognising compression from the magic bytes (never the file
//! name), and unpacking gzip and zip into one plain byte stream.
//!
//! A zip archive keeps its directory at the end, so an unseekable input is first
//! copied to an anonymous temporary file (disk, not memory); that lets the "exactly
//! one file" rule fail before any record is returned.

use std::io::{self, Cursor, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use flate2::read::MultiGzDecoder;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::error::ReadError;
use crate::options::Compression;
use crate::pipe;

/// Any byte stream the reader can own and move to another thread.
pub(crate) type ByteStream = Box<dyn Read + Send>;

/// Counts the bytes read from the inner reader into a shared counter.
pub(crate) struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> CountingReader<R> {
    pub(crate) fn new(inner: R, count: Arc<AtomicU64>) -> Self {
        CountingReader { inner, count }
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.count.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

impl<R: Seek> Seek for CountingReader<R> {
    fn seek(&mut self, position: SeekFrom) -> io::Result<u64> {
        self.inner.seek(position)
    }
}

/// Reads up to `wanted` bytes from the start of `reader` (fewer only at the end of input).
pub(crate) fn peek<R: Read>(reader: &mut R, wanted: usize) -> io::Result<Vec<u8>> {
    let mut prefix = Vec::with_capacity(wanted);
    reader
        .by_ref()
        .take(wanted as u64)
        .read_to_end(&mut prefix)?;
    Ok(prefix)
}

/// Puts bytes taken by [`peek`] back in front of the rest of the stream.
pub(crate) fn prepend<R: Read + Send + 'static>(prefix: Vec<u8>, rest: R) -> ByteStream {
    Box::new(Cursor::new(prefix).chain(rest))
}

/// What the first bytes say about packing.
enum Packing {
    Plain,
    Gzip,
    Zip,
    Unsupported(&'static str),
}

fn packing(magic: &[u8]) -> Packing {
    const UNSUPPORTED: [(&[u8], &str); 5] = [
        (&[0xFD, b'7', b'z', b'X', b'Z', 0x00], "xz"),
        (&[0x28, 0xB5, 0x2F, 0xFD], "zstd"),
        (&[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C], "7z"),
        (b"Rar!\x1A\x07", "rar"),
        (b"\x1F\x9D", "unix compress (.Z)"),
    ];
    if magic.starts_with(&[0x1F, 0x8B]) {
        return Packing::Gzip;
    }
    // Local file header, empty archive, spanned archive.
    if [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"]
        .iter()
        .any(|signature| magic.starts_with(*signature))
    {
        return Packing::Zip;
    }
    // bzip2: "BZh", a block size digit, then the block magic 0x314159265359.
    let is_bzip2 = magic.len() >= 6
        && magic.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&magic[3])
        && magic[4..6] == [0x31, 0x41];
    if is_bzip2 {
        return Packing::Unsupported("bzip2");
    }
    UNSUPPORTED
        .iter()
        .find(|(signature, _)| magic.starts_with(signature))
        .map_or(Packing::Plain, |(_, name)| Packing::Unsupported(name))
}

/// Unpacks `input` according to its magic bytes; `bytes_read` keeps counting the packed input.
pub(crate) fn unpack<R: Read + Send + 'static>(
    mut input: CountingReader<R>,
) -> Result<(ByteStream, Compression), ReadError> {
    let magic = peek(&mut input, 8)?;
    if magic.is_empty() {
        return Err(ReadError::Empty);
    }
    let bytes_read = Arc::clone(&input.count);
    let stream = prepend(magic.clone(), input);
    match packing(&magic) {
        Packing::Plain => Ok((stream, Compression::None)),
        Packing::Unsupported(name) => Err(ReadError::UnsupportedCompression(name.to_owned())),
        Packing::Gzip => {
            let unpacked = pipe::spawn("tabular-gunzip", move |out| {
                io::copy(&mut MultiGzDecoder::new(stream), out).map(drop)
            })?;
            Ok((Box::new(unpacked), Compression::Gzip))
        }
        Packing::Zip => unzip(stream, bytes_read),
    }
}

/// Does this archive entry name belong to an Excel or OpenDocument workbook?
fn workbook_kind(name: &str) -> Option<&'static str> {
    if name == "xl/workbook.xml" || name == "xl/workbook.bin" {
        return Some("Excel .xlsx");
    }
    if name == "content.xml" || name == "mimetype" {
        return Some("OpenDocument .ods");
    }
    None
}

/// Entries that are not data: folders and what macOS's "Compress" adds.
fn is_ignored_entry(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    name.ends_with('/')
        || name.starts_with("__MACOSX/")
        || base == ".DS_Store"
        || base.starts_with("._")
}

fn archive_error(error: ZipError) -> ReadError {
    match error {
        ZipError::Io(error) => ReadError::Io(error),
        ZipError::UnsupportedArchive(what) => {
            ReadError::UnsupportedCompression(format!("zip {what}"))
        }
        other => ReadError::Archive(other.to_string()),
    }
}

fn unzip(
    mut stream: ByteStream,
    bytes_read: Arc<AtomicU64>,
) -> Result<(ByteStream, Compression), ReadError> {
    let mut spool = tempfile::tempfile()?;
    io::copy(&mut stream, &mut spool)?;
    drop(stream);
    spool.rewind()?;
    // From here on progress is measured over the spooled copy, which is the same size.
    bytes_read.store(0, Ordering::Relaxed);
    let mut archive =
        ZipArchive::new(CountingReader::new(spool, bytes_read)).map_err(archive_error)?;

    let mut data_files = Vec::new();
    for index in 0..archive.len() {
        let name = match archive.name_for_index(index) {
            Some(Ok(name)) => name.into_owned(),
            Some(Err(error)) => return Err(archive_error(error)),
            None => continue,
        };
        if let Some(kind) = workbook_kind(&name) {
            return Err(ReadError::Spreadsheet(kind));
        }
        if !is_ignored_entry(&name) {
            data_files.push((index, name));
        }
    }
    let [(index, name)] =
        <[_; 1]>::try_from(data_files).map_err(|files| ReadError::ZipEntries(files.len()))?;

    // Open the entry once here so encryption or an unsupported method fails now, not mid-file.
    archive.by_index(index).map_err(archive_error)?;
    let unpacked = pipe::spawn("tabular-unzip", move |out| {
        let mut entry = archive.by_index(index).map_err(io::Error::other)?;
        io::copy(&mut entry, out).map(drop)
    })?;
    Ok((Box::new(unpacked), Compression::Zip { entry: name }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_the_packing() {
        let cases: [(&[u8], &str); 9] = [
            (b"\x1F\x8B\x08\x00", "gzip"),
            (b"PK\x03\x04\x14\x00", "zip"),
            (b"PK\x05\x06\x00\x00", "zip"),
            (b"BZh91AY&SY", "bzip2"),
            (b"BZh is a name,phone\n", "plain"),
            (&[0xFD, b'7', b'z', b'X', b'Z', 0x00], "xz"),
            (&[0x28, 0xB5, 0x2F, 0xFD], "zstd"),
            (b"name,phone\n", "plain"),
            (b"PKZIP user,phone", "plain"),
        ];
        for (magic, expected) in cases {
            let found = match packing(magic) {
                Packing::Plain => "plain",
                Packing::Gzip => "gzip",
                Packing::Zip => "zip",
                Packing::Unsupported(name) => name,
            };
            assert_eq!(found, expected, "magic {magic:?}");
        }
    }

    #[test]
    fn macos_and_folder_entries_are_not_data() {
        for (name, ignored) in [
            ("contacts.csv", false),
            ("export/contacts.csv", false),
            ("export/", true),
            ("__MACOSX/._contacts.csv", true),
            ("export/.DS_Store", true),
            ("._contacts.csv", true),
        ] {
            assert_eq!(is_ignored_entry(name), ignored, "{name}");
        }
    }
}
