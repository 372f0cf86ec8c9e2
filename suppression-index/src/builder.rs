//! The streaming bulk builder: values arrive in any order; phone keys are
//! collected in a chunk of at most `chunk_keys` integers, and each full chunk
//! is sorted, deduplicated and encoded into a compact run (≈ 1.5 bytes per
//! key at NANP density). `finish` merges the runs into the final base in one
//! streaming pass. Peak memory is therefore one chunk (8 bytes per chunk
//! key, 128 MiB by default) plus the runs, then the runs plus the final base
//! (≈ 2 bytes per key in its bucketed layout); never a `Vec<u64>` of all the
//! keys (2 GB at 250M).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;
use std::fmt;

use crate::bucketed::{BaseEncoder, PhoneBase};
use crate::sorted_keys::{Encoder, SortedKeys};
use crate::{PhoneKey, SuppressionIndex, set_details};

/// Default chunk: 2^24 keys (128 MiB), so 250M keys make 15 runs.
const DEFAULT_CHUNK_KEYS: usize = 1 << 24;

/// Builds the index of a whole list from values in any order in bounded
/// memory; exists because collecting 250M keys first would take 2 GB.
pub struct IndexBuilder {
    /// Texts, details and reasons go straight here; `base_phones` is set by
    /// `finish`.
    index: SuppressionIndex,
    /// Phone keys not yet in a run, in arrival order.
    chunk: Vec<u64>,
    chunk_keys: usize,
    /// Sorted, compact runs of the chunks flushed so far.
    runs: Vec<SortedKeys>,
    /// Smallest and largest phone key pushed, and how many were pushed
    /// (repeats included): the bounds the final base is laid out for.
    bounds: Option<(u64, u64)>,
    pushed: usize,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder::new()
    }
}

impl fmt::Debug for IndexBuilder {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("IndexBuilder")
            .field("chunk", &self.chunk.len())
            .field("runs", &self.runs.len())
            .field("texts", &self.index.texts.len())
            .finish_non_exhaustive()
    }
}

impl IndexBuilder {
    /// A builder with the default chunk of 2^24 keys (128 MiB while building).
    pub fn new() -> IndexBuilder {
        IndexBuilder::with_chunk_keys(DEFAULT_CHUNK_KEYS)
    }

    /// A builder whose unsorted chunk holds at most `chunk_keys` keys (at
    /// least one); exists to trade build memory (8 bytes per chunk key)
    /// against the number of runs to merge.
    pub fn with_chunk_keys(chunk_keys: usize) -> IndexBuilder {
        IndexBuilder {
            index: SuppressionIndex::new(),
            chunk: Vec::new(),
            chunk_keys: chunk_keys.max(1),
            runs: Vec::new(),
            bounds: None,
            pushed: 0,
        }
    }

    /// Adds one row of an uploaded list; a value given twice ends up as if
    /// inserted in order (the last expiry and reason win).
    pub fn push(&mut self, value: &str, expires_at: Option<i64>, reason: Option<&str>) {
        let details = self.index.details(expires_at, reason);
        match PhoneKey::parse(value) {
            Some(key) => {
                self.push_key(key.as_u64());
                set_details(&mut self.index.phone_details, &key.as_u64(), details);
            }
            None => {
                if !self.index.texts.contains(value) {
                    self.index.texts.insert(value.into());
                }
                set_details(&mut self.index.text_details, value, details);
            }
        }
    }

    /// Adds a number without expiry or reason (clearing earlier ones of the
    /// same number); exists for registry-sized lists that arrive as numbers,
    /// so no string is built per entry.
    pub fn push_phone(&mut self, key: PhoneKey) {
        self.push_key(key.as_u64());
        set_details(&mut self.index.phone_details, &key.as_u64(), None);
    }

    /// The finished index: merges the runs into the phone base.
    pub fn finish(mut self) -> SuppressionIndex {
        let chunk = std::mem::take(&mut self.chunk);
        let last_run = sorted_run(chunk);
        let mut runs = std::mem::take(&mut self.runs);
        runs.push(last_run);
        let base = match self.bounds {
            Some((min, max)) => merge_runs(&runs, BaseEncoder::new(min, max, self.pushed)),
            None => PhoneBase::default(),
        };
        drop(runs);
        self.index.base_phones = base;
        self.index
    }

    fn push_key(&mut self, key: u64) {
        self.bounds = Some(
            self.bounds
                .map_or((key, key), |(min, max)| (min.min(key), max.max(key))),
        );
        self.pushed += 1;
        self.chunk.push(key);
        if self.chunk.len() >= self.chunk_keys {
            let chunk = std::mem::take(&mut self.chunk);
            let run = sorted_run(chunk);
            self.runs.push(run);
        }
    }
}

/// Sorts and encodes one chunk, freeing it.
fn sorted_run(mut chunk: Vec<u64>) -> SortedKeys {
    chunk.sort_unstable();
    let mut encoder = Encoder::default();
    for key in chunk {
        encoder.push(key);
    }
    encoder.finish()
}

/// One streaming k-way merge of sorted runs into `encoder`, which drops
/// duplicates.
fn merge_runs(runs: &[SortedKeys], mut encoder: BaseEncoder) -> PhoneBase {
    let mut sources: Vec<_> = runs.iter().map(SortedKeys::iter).collect();
    let mut heads = BinaryHeap::with_capacity(sources.len());
    for (run, source) in sources.iter_mut().enumerate() {
        if let Some(key) = source.next() {
            heads.push(Reverse((key, run)));
        }
    }
    while let Some(mut head) = heads.peek_mut() {
        let Reverse((key, run)) = *head;
        encoder.push(key);
        match sources[run].next() {
            Some(next) => *head = Reverse((next, run)),
            None => {
                PeekMut::pop(head);
            }
        }
    }
    encoder.finish()
}
