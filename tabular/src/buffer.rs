//! A sliding window over the (unpacked, transcoded) byte stream.
//!
//! The parsers read records straight out of this window. Everything from `mark`
//! (the start of the record being read) is kept when more input is loaded, so a
//! record can be looked at again — to check its quotes, or to re-read the lines
//! an unbalanced quote swallowed — without copying it. Records are capped in
//! size by the parsers, so the window never grows past that cap plus one read.

use std::io::{self, Read};

use memchr::memchr;

use crate::source::ByteStream;

/// Bytes asked of the stream per read.
const READ_CHUNK: usize = 128 * 1024;
/// Bytes looked at to decide encoding, line breaks and the delimiter.
pub(crate) const SAMPLE_BYTES: usize = 64 * 1024;

/// The window; see the module documentation.
pub(crate) struct InputBuffer {
    reader: ByteStream,
    data: Vec<u8>,
    filled: usize,
    eof: bool,
    /// First byte that must survive the next [`InputBuffer::fill`].
    pub(crate) mark: usize,
    /// Next byte to parse.
    pub(crate) pos: usize,
}

impl InputBuffer {
    pub(crate) fn new(reader: ByteStream) -> Self {
        InputBuffer {
            reader,
            data: Vec::new(),
            filled: 0,
            eof: false,
            mark: 0,
            pos: 0,
        }
    }

    /// All bytes currently held, from the start of the window.
    pub(crate) fn data(&self) -> &[u8] {
        &self.data[..self.filled]
    }

    /// The bytes not parsed yet.
    pub(crate) fn available(&self) -> &[u8] {
        &self.data[self.pos..self.filled]
    }

    /// Index just past the last byte held.
    pub(crate) fn filled(&self) -> usize {
        self.filled
    }

    /// Whether the stream has no more bytes to give.
    pub(crate) fn is_eof(&self) -> bool {
        self.eof
    }

    /// Whether every byte of the stream has been parsed.
    pub(crate) fn at_end(&self) -> bool {
        self.eof && self.pos == self.filled
    }

    /// Loads more input, dropping the bytes before `mark`; `false` once the stream has ended.
    pub(crate) fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.mark > 0 {
            self.data.copy_within(self.mark..self.filled, 0);
            self.pos -= self.mark;
            self.filled -= self.mark;
            self.mark = 0;
        }
        if self.data.len() - self.filled < READ_CHUNK {
            self.data.resize(self.filled + READ_CHUNK, 0);
        }
        loop {
            match self.reader.read(&mut self.data[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(read) => {
                    self.filled += read;
                    return Ok(true);
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(error),
            }
        }
    }

    /// Loads input until `wanted` unparsed bytes are held or the stream ends.
    pub(crate) fn fill_to(&mut self, wanted: usize) -> io::Result<()> {
        self.mark = self.pos;
        while self.filled - self.pos < wanted && self.fill()? {}
        Ok(())
    }

    /// Skips lines holding nothing but spaces and tabs; returns how many `line_break`s it passed.
    ///
    /// Spaces that start a real record are left alone. A run of spaces longer than
    /// `limit` is left to the parser, which rejects it as an over-long record.
    pub(crate) fn skip_blank_lines(&mut self, line_break: u8, limit: usize) -> io::Result<u64> {
        let mut lines = 0;
        loop {
            self.mark = self.pos;
            let available = self.available();
            let spaces = available
                .iter()
                .take_while(|&&byte| byte == b' ' || byte == b'\t')
                .count();
            if spaces == available.len() {
                if self.eof {
                    self.pos = self.filled;
                    return Ok(lines);
                }
                if spaces > limit {
                    return Ok(lines);
                }
                self.fill()?;
                continue;
            }
            match available[spaces] {
                byte @ (b'\n' | b'\r') => {
                    self.pos += spaces + 1;
                    lines += u64::from(byte == line_break);
                }
                _ => return Ok(lines),
            }
        }
    }

    /// Moves just past the next `line_break`, discarding what comes before it;
    /// `false` when the stream ended first.
    pub(crate) fn skip_past_line_break(&mut self, line_break: u8) -> io::Result<bool> {
        loop {
            if let Some(index) = memchr(line_break, self.available()) {
                self.pos += index + 1;
                self.mark = self.pos;
                return Ok(true);
            }
            self.pos = self.filled;
            self.mark = self.pos;
            if !self.fill()? {
                return Ok(false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stream that hands out at most 3 bytes per read, to cross every boundary.
    struct Trickle(std::io::Cursor<Vec<u8>>);
    impl Read for Trickle {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let end = buffer.len().min(3);
            self.0.read(&mut buffer[..end])
        }
    }

    fn buffer(text: &str) -> InputBuffer {
        InputBuffer::new(Box::new(Trickle(std::io::Cursor::new(
            text.as_bytes().to_vec(),
        ))))
    }

    #[test]
    fn blank_lines_are_skipped_and_counted_but_leading_spaces_kept() {
        let mut input = buffer("\n  \r\n\t\n  John,1\n");
        let lines = input.skip_blank_lines(b'\n', 100).unwrap();
        assert_eq!(lines, 3);
        while !input.available().ends_with(b"\n") || input.available().len() < 9 {
            assert!(input.fill().unwrap());
        }
        assert_eq!(input.available(), b"  John,1\n");
    }

    #[test]
    fn skipping_past_a_line_break_crosses_reads() {
        let mut input = buffer("a very long line\nnext");
        assert!(input.skip_past_line_break(b'\n').unwrap());
        input.fill_to(10).unwrap();
        assert_eq!(input.available(), b"next");
        assert!(!input.skip_past_line_break(b'\n').unwrap());
        assert!(input.at_end());
    }
}
