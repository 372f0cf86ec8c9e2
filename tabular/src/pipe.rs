//! Runs a decompressor on its own thread and hands its output to the parser in
//! chunks. Unpacking and parsing then use two cores, and memory stays bounded by
//! the few chunks in flight.
//!
//! The producer ends with an explicit `Done`: a thread that dies without saying
//! so (a panic) surfaces as an error, never as a silently shortened file.

use std::io::{self, Read, Write};
use std::mem;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

/// Size of one chunk handed from the producer thread to the reader.
const CHUNK_BYTES: usize = 256 * 1024;
/// Chunks that may wait in the channel; bounds memory to about 1 MiB.
const CHUNKS_IN_FLIGHT: usize = 4;

/// What the producer thread sends.
enum Message {
    Data(Vec<u8>),
    Failed(io::Error),
    Done,
}

/// The producer's end: a `Write` that ships full chunks to the reader.
pub(crate) struct PipeWriter {
    sender: SyncSender<Message>,
    chunk: Vec<u8>,
}

impl PipeWriter {
    fn send_chunk(&mut self) -> io::Result<()> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let full = mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK_BYTES));
        self.sender
            .send(Message::Data(full))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the reader was dropped"))
    }
}

impl Write for PipeWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = CHUNK_BYTES - self.chunk.len();
        let taken = room.min(bytes.len());
        self.chunk.extend_from_slice(&bytes[..taken]);
        if self.chunk.len() == CHUNK_BYTES {
            self.send_chunk()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_chunk()
    }
}

/// The reader's end: a `Read` over the chunks the producer sends.
pub(crate) struct PipeReader {
    receiver: Receiver<Message>,
    chunk: Vec<u8>,
    offset: usize,
    finished: bool,
}

impl Read for PipeReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.offset == self.chunk.len() {
            if self.finished {
                return Ok(0);
            }
            match self.receiver.recv() {
                Ok(Message::Data(chunk)) => {
                    self.chunk = chunk;
                    self.offset = 0;
                }
                Ok(Message::Done) => self.finished = true,
                Ok(Message::Failed(error)) => {
                    self.finished = true;
                    return Err(error);
                }
                Err(_) => {
                    self.finished = true;
                    return Err(io::Error::other(
                        "the decompression thread stopped unexpectedly",
                    ));
                }
            }
        }
        let available = &self.chunk[self.offset..];
        let copied = available.len().min(buffer.len());
        buffer[..copied].copy_from_slice(&available[..copied]);
        self.offset += copied;
        Ok(copied)
    }
}

/// Starts `produce` on a thread named `name`; its writes come out of the returned reader.
///
/// When the reader is dropped early the producer's next write fails and the
/// thread ends on its own.
pub(crate) fn spawn<F>(name: &str, produce: F) -> io::Result<PipeReader>
where
    F: FnOnce(&mut PipeWriter) -> io::Result<()> + Send + 'static,
{
    let (sender, receiver) = sync_channel(CHUNKS_IN_FLIGHT);
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let mut writer = PipeWriter {
                sender,
                chunk: Vec::with_capacity(CHUNK_BYTES),
            };
            let outcome = produce(&mut writer).and_then(|()| writer.flush());
            let last = match outcome {
                Ok(()) => Message::Done,
                Err(error) => Message::Failed(error),
            };
            // The reader may be gone already; then nobody is left to tell.
            let _ = writer.sender.send(last);
        })?;
    Ok(PipeReader {
        receiver,
        chunk: Vec::new(),
        offset: 0,
        finished: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_cross_the_thread_in_order_and_errors_arrive() {
        let data: Vec<u8> = (0..CHUNK_BYTES * 3 + 17).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let mut reader = spawn("pipe-test", move |writer| writer.write_all(&data)).unwrap();
        let mut received = Vec::new();
        reader.read_to_end(&mut received).unwrap();
        assert_eq!(received, expected);

        let mut failing = spawn("pipe-test", |_| {
            Err(io::Error::other("corrupt deflate stream"))
        })
        .unwrap();
        let error = failing.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(error.to_string(), "corrupt deflate stream");
    }

    #[test]
    fn a_panicking_producer_is_an_error_not_an_early_end() {
        let mut reader = spawn("pipe-test", |_| panic!("boom")).unwrap();
        assert!(reader.read_to_end(&mut Vec::new()).is_err());
    }
}
