//! Text handling: byte-order marks, telling text from binary, the `Auto`
//! decision, and decoding the bytes of each record.
//!
//! Every supported 8-bit encoding is ASCII-compatible, so records are split on
//! the raw bytes (delimiters, quotes and line breaks are ASCII in all of them)
//! and only the values are decoded — with `encoding_rs` — one record at a time.
//! That is what lets a bad byte reject exactly its own row, with its line
//! number. UTF-16 is the exception: it is transcoded to UTF-8 up front by
//! `encoding_rs_io`, before any splitting.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::error::ReadError;
use crate::options::Encoding;
use crate::source::{ByteStream, peek, prepend};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
/// Bytes looked at to tell text from binary.
const BINARY_SAMPLE: usize = 8 * 1024;
/// Share of control characters above which a file is taken for binary (text has ~none).
const MAX_CONTROL_SHARE: f64 = 0.05;

/// Strips a byte-order mark and transcodes UTF-16 to UTF-8.
///
/// Returns the stream to split into records and the encoding it is in: the one a
/// byte-order mark names (a mark beats the caller's choice, it cannot be wrong by
/// accident), else the one requested.
pub(crate) fn prepare(
    mut stream: ByteStream,
    requested: Encoding,
) -> Result<(ByteStream, Encoding), ReadError> {
    let head = peek(&mut stream, 3)?;
    let by_mark = if head.starts_with(UTF8_BOM) {
        Some(Encoding::Utf8)
    } else if head.starts_with(b"\xFF\xFE") {
        Some(Encoding::Utf16Le)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(Encoding::Utf16Be)
    } else {
        None
    };
    let encoding = by_mark.unwrap_or(requested);
    let utf16 = match encoding {
        Encoding::Utf16Le => UTF_16LE,
        Encoding::Utf16Be => UTF_16BE,
        _ if by_mark == Some(Encoding::Utf8) => {
            return Ok((prepend(head[UTF8_BOM.len()..].to_vec(), stream), encoding));
        }
        _ => return Ok((prepend(head, stream), encoding)),
    };
    // encoding_rs_io strips the mark itself and replaces invalid sequences with U+FFFD.
    let transcoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(utf16))
        .build(prepend(head, stream));
    Ok((Box::new(transcoded), encoding))
}

/// Refuses content that is not text, from the first bytes after any byte-order mark.
pub(crate) fn check_text(sample: &[u8]) -> Result<(), ReadError> {
    const KNOWN: [(&[u8], &str); 6] = [
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"\x7FELF", "an executable"),
        (b"MZ\x90\x00", "a Windows executable"),
    ];
    if sample.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(ReadError::Spreadsheet("Excel 97-2003 .xls"));
    }
    if let Some((_, what)) = KNOWN.iter().find(|(magic, _)| sample.starts_with(magic)) {
        return Err(ReadError::Binary((*what).to_owned()));
    }
    let sample = &sample[..sample.len().min(BINARY_SAMPLE)];
    if let Some(offset) = memchr::memchr(0, sample) {
        return Err(ReadError::Binary(format!(
            "it contains NUL bytes (first at byte {offset}); UTF-16 text without a byte-order mark must be given its encoding explicitly"
        )));
    }
    let controls = sample
        .iter()
        .filter(|&&byte| {
            (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)) || byte == 0x7F
        })
        .count();
    let share = controls as f64 / sample.len().max(1) as f64;
    if share > MAX_CONTROL_SHARE {
        return Err(ReadError::Binary(format!(
            "{:.0}% of its first bytes are control characters",
            share * 100.0
        )));
    }
    Ok(())
}

/// How values are turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// UTF-8; `fallback` (auto mode) switches to Windows-1252 at the first invalid row.
    Utf8 { fallback: bool },
    /// Windows-1252; `strict` rejects its five unassigned bytes.
    Windows1252 { strict: bool },
    /// ISO-8859-1, rejecting C1 control bytes.
    Latin1,
}

/// Decodes records and remembers which encoding is in use.
pub(crate) struct TextDecoder {
    mode: Mode,
    encoding: Encoding,
}

impl TextDecoder {
    /// Settles the encoding: `Auto` without a byte-order mark looks at `sample`.
    ///
    /// `sample_is_whole` says the sample is the entire file, so an incomplete
    /// UTF-8 sequence at its end is a real error rather than a cut.
    pub(crate) fn new(encoding: Encoding, sample: &[u8], sample_is_whole: bool) -> Self {
        let mode = match encoding {
            // UTF-16 arrives here already transcoded to UTF-8.
            Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be => {
                Mode::Utf8 { fallback: false }
            }
            Encoding::Latin1 => Mode::Latin1,
            Encoding::Windows1252 => Mode::Windows1252 { strict: true },
            Encoding::Auto => match std::str::from_utf8(sample) {
                Ok(_) => Mode::Utf8 { fallback: true },
                Err(error) if error.error_len().is_none() && !sample_is_whole => {
                    Mode::Utf8 { fallback: true }
                }
                Err(_) => Mode::Windows1252 { strict: false },
            },
        };
        let encoding = match (encoding, mode) {
            (Encoding::Auto, Mode::Utf8 { .. }) => Encoding::Utf8,
            (Encoding::Auto, _) => Encoding::Windows1252,
            (chosen, _) => chosen,
        };
        TextDecoder { mode, encoding }
    }

    /// The encoding in use now (in auto mode it can move from UTF-8 to Windows-1252).
    pub(crate) fn encoding(&self) -> Encoding {
        self.encoding
    }

    fn fall_back_to_windows_1252(&mut self) {
        self.mode = Mode::Windows1252 { strict: false };
        self.encoding = Encoding::Windows1252;
    }

    /// Decodes the values of one record: `bytes` holds them back to back, `ends` where each ends.
    pub(crate) fn decode_fields(
        &mut self,
        bytes: &[u8],
        ends: &[usize],
    ) -> Result<Vec<String>, String> {
        if let Mode::Utf8 { fallback } = self.mode {
            match utf8_fields(bytes, ends) {
                Ok(fields) => return Ok(fields),
                Err(_) if fallback => self.fall_back_to_windows_1252(),
                Err(offset) => return Err(invalid_utf8(bytes, ends, offset)),
            }
        }
        // Most rows are plain ASCII, which reads the same in every 8-bit encoding.
        if bytes.is_ascii()
            && let Ok(fields) = utf8_fields(bytes, ends)
        {
            return Ok(fields);
        }
        if let Some(offset) = self.forbidden_byte(bytes) {
            return Err(self.forbidden_reason(bytes, ends, offset));
        }
        let mut fields = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in ends {
            fields.push(self.decode_8bit(&bytes[start..end]));
            start = end;
        }
        Ok(fields)
    }

    /// Decodes one whole line (fixed width) or value.
    pub(crate) fn decode_text(&mut self, bytes: &[u8]) -> Result<String, String> {
        self.decode_fields(bytes, &[bytes.len()])
            .map(|mut fields| fields.pop().unwrap_or_default())
    }

    fn decode_8bit(&self, bytes: &[u8]) -> String {
        match self.mode {
            Mode::Latin1 => encoding_rs::mem::decode_latin1(bytes).into_owned(),
            _ => WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        }
    }

    /// The first byte the strict 8-bit encodings do not accept.
    fn forbidden_byte(&self, bytes: &[u8]) -> Option<usize> {
        if bytes.is_ascii() {
            return None;
        }
        match self.mode {
            Mode::Latin1 => bytes.iter().position(|byte| (0x80..=0x9F).contains(byte)),
            Mode::Windows1252 { strict: true } => bytes
                .iter()
                .position(|byte| matches!(byte, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)),
            _ => None,
        }
    }

    fn forbidden_reason(&self, bytes: &[u8], ends: &[usize], offset: usize) -> String {
        let field = field_at(ends, offset);
        let byte = bytes[offset];
        match self.mode {
            Mode::Latin1 => format!(
                "field {field} has byte 0x{byte:02X}, a control character in ISO-8859-1: the file is probably Windows-1252"
            ),
            _ => format!("field {field} has byte 0x{byte:02X}, which Windows-1252 does not define"),
        }
    }
}

/// Splits valid UTF-8 into owned values; `Err` holds the offset of the first bad byte.
fn utf8_fields(bytes: &[u8], ends: &[usize]) -> Result<Vec<String>, usize> {
    let text = std::str::from_utf8(bytes).map_err(|error| error.valid_up_to())?;
    let mut fields = Vec::with_capacity(ends.len());
    let mut start = 0;
    for &end in ends {
        // Two values can each hold half of one character: valid together, invalid apart.
        let value = text.get(start..end).ok_or(start)?;
        fields.push(value.to_owned());
        start = end;
    }
    Ok(fields)
}

fn invalid_utf8(bytes: &[u8], ends: &[usize], offset: usize) -> String {
    let field = field_at(ends, offset);
    let byte = bytes.get(offset).copied().unwrap_or_default();
    format!(
        "field {field} is not valid UTF-8 (byte 0x{byte:02X}): the file is probably ISO-8859-1 or Windows-1252"
    )
}

/// 1-based number of the value that holds byte `offset`.
fn field_at(ends: &[usize], offset: usize) -> usize {
    ends.partition_point(|&end| end <= offset) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_split_across_two_values_is_invalid() {
        let mut decoder = TextDecoder::new(Encoding::Utf8, b"", true);
        let error = decoder.decode_fields("ü".as_bytes(), &[1, 2]).unwrap_err();
        assert!(error.starts_with("field 1 is not valid UTF-8"), "{error}");
    }

    #[test]
    fn auto_tolerates_a_character_cut_by_the_sample_end() {
        let cut = &"Zoë".as_bytes()[..3];
        assert_eq!(
            TextDecoder::new(Encoding::Auto, cut, false).encoding(),
            Encoding::Utf8
        );
        assert_eq!(
            TextDecoder::new(Encoding::Auto, cut, true).encoding(),
            Encoding::Windows1252
        );
    }

    #[test]
    fn control_characters_make_a_file_binary() {
        assert!(check_text(b"name,phone\nAnn,555\n").is_ok());
        assert!(matches!(
            check_text(&[0x01; 100]),
            Err(ReadError::Binary(_))
        ));
        assert!(matches!(
            check_text(b"name\0phone"),
            Err(ReadError::Binary(_))
        ));
    }
}
