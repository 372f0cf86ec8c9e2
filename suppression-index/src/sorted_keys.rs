//! The compact encoding of sorted, duplicate-free phone keys: a partitioned
//! Elias–Fano encoding, about one byte per entry at national registry
//! density (250M NANP numbers ≈ 250 MiB) and never more than about ten bytes
//! per entry for any `u64` set. It holds the builder's sorted runs, and it is
//! the phone base itself when the keys are too sparse for the faster
//! bucketed layout (`bucketed.rs`), which costs about twice the memory.
//!
//! *Layout.* The keys are cut, in order, into blocks of at most
//! [`BLOCK_KEYS`] (128). Each block stores its first key and encodes the
//! offsets `d = key − first` of its keys on its own scale: with
//! `L = ⌊log₂(span / count)⌋`, the low `L` bits of every offset are packed
//! side by side, and the high parts `d >> L` go into an "upper" bit vector in
//! which key `i` sets bit `(d_i >> L) + i` (a run of ones per high part,
//! separated by zeros). That is at most `L + 3` bits per key plus 16 bytes of
//! block header per 128 keys; because every block picks its own `L`, a list
//! that is mostly NANP plus a few far-away international numbers pays for the
//! far-away ones only in their own blocks. A directory over the first keys
//! of the blocks (a `u32` start per bucket of the key range, about two blocks
//! per bucket) finds the block of a key.
//!
//! *Lookup* = directory bucket → a few block headers (one cache line) →
//! within the block, skip `high` zeros of the upper vector (at most 384 bits,
//! popcount per 64-bit word) and compare the one or two low parts of that
//! high part. The work is bounded by the block size whatever the key
//! distribution, so skewed lists stay exact and fast.
//!
//! *Building* is streaming: [`Encoder`] takes keys in increasing order and
//! writes one block per 128 keys, so neither the builder nor a fold ever
//! needs the keys as a plain `Vec<u64>`.

/// Keys per block: the upper vector of a block is at most three bits per key
/// (384 bits, six words), so a lookup reads at most two cache lines of it.
pub(crate) const BLOCK_KEYS: usize = 128;

/// At most 2^28 directory buckets; beyond that the binary search over block
/// headers inside a bucket is cheap compared with the memory.
const MAX_BUCKET_BITS: u32 = 28;

/// About two blocks per directory bucket (a 4-byte start per 256 keys):
/// the headers of a bucket share one 64-byte line.
const BLOCKS_PER_BUCKET: usize = 2;

/// Header of one block; 16 bytes.
#[derive(Clone, Copy, Debug)]
struct Block {
    /// The smallest key of the block; offsets count from it.
    first: u64,
    /// Index of the block's first word in `words`: low parts, then upper.
    word: u32,
    /// Length of the upper bit vector: the largest high part plus `count`.
    upper_len: u16,
    /// Number of keys, 1..=128.
    count: u8,
    /// `L`, the width of the low parts, 0..=63.
    low_bits: u8,
}

/// Sorted unique keys, encoded; see the module docs.
#[derive(Clone, Default)]
pub(crate) struct SortedKeys {
    blocks: Vec<Block>,
    /// Packed low parts and upper vectors; every block starts on a word.
    words: Vec<u64>,
    /// `directory[b]..directory[b + 1]` are the blocks whose first key falls
    /// into bucket `b`; empty when there are no blocks.
    directory: Vec<u32>,
    /// The smallest key; bucket numbers count from it.
    min: u64,
    /// The largest key.
    max: u64,
    /// Bucket of a key: `(key - min) >> shift` (0 when `shift` is 64).
    shift: u32,
    len: usize,
}

impl SortedKeys {
    /// Encodes keys already sorted and deduplicated.
    #[cfg(test)]
    pub(crate) fn from_sorted_unique(keys: Vec<u64>) -> SortedKeys {
        debug_assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        let mut encoder = Encoder::default();
        for key in keys {
            encoder.push(key);
        }
        encoder.finish()
    }

    /// The smallest and the largest key; `None` when empty.
    pub(crate) fn bounds(&self) -> Option<(u64, u64)> {
        (self.len > 0).then_some((self.min, self.max))
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The keys in increasing order.
    pub(crate) fn iter(&self) -> Keys<'_> {
        Keys {
            keys: self,
            next_block: 0,
            buffer: [0; BLOCK_KEYS],
            buffered: 0,
            position: 0,
        }
    }

    /// Exact membership: true iff `key` is one of the keys.
    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        let Some(offset) = key.checked_sub(self.min) else {
            return false;
        };
        if self.directory.len() < 2 {
            return false;
        }
        let last_bucket = self.directory.len() - 2;
        let bucket = usize::try_from(offset.checked_shr(self.shift).unwrap_or(0))
            .unwrap_or(usize::MAX)
            .min(last_bucket);
        let start = self.directory[bucket] as usize;
        let end = self.directory[bucket + 1] as usize;
        // The block holding `key` is the last one whose first key is ≤ key:
        // in this bucket, or else the last block before it (every block
        // before the bucket starts below the bucket's range).
        let after = start + self.blocks[start..end].partition_point(|block| block.first <= key);
        let Some(block) = after.checked_sub(1).and_then(|at| self.blocks.get(at)) else {
            return false;
        };
        block_contains(block, &self.words, key - block.first)
    }

    /// Bytes held on the heap by the blocks, their words and the directory.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.blocks.capacity() * size_of::<Block>()
            + self.words.capacity() * size_of::<u64>()
            + self.directory.capacity() * size_of::<u32>()
    }

    fn rebuild_directory(&mut self) {
        self.directory = Vec::new();
        let (Some(first), Some(last)) = (self.blocks.first(), self.blocks.last()) else {
            self.min = 0;
            self.shift = 0;
            return;
        };
        let (min, max) = (first.first, last.first);
        let block_count =
            u32::try_from(self.blocks.len()).expect("fewer than 2^32 blocks (2^39 keys)");
        let bucket_bits = (self.blocks.len() / BLOCKS_PER_BUCKET)
            .max(1)
            .ilog2()
            .min(MAX_BUCKET_BITS);
        let span_bits = u64::BITS - (max - min).leading_zeros();
        self.min = min;
        self.shift = span_bits.saturating_sub(bucket_bits);
        let bucket_count = bucket_of(max - min, self.shift) + 1;
        let mut starts = Vec::with_capacity(bucket_count + 1);
        for (position, block) in self.blocks.iter().enumerate() {
            let bucket = bucket_of(block.first - min, self.shift);
            // Every bucket up to this block's own one starts here at the latest.
            while starts.len() <= bucket {
                starts.push(position as u32);
            }
        }
        starts.resize(bucket_count + 1, block_count);
        self.directory = starts;
    }
}

fn bucket_of(offset: u64, shift: u32) -> usize {
    // The directory has at most 2^28 buckets, so this fits.
    offset.checked_shr(shift).unwrap_or(0) as usize
}

/// Builds a [`SortedKeys`] from keys given in increasing order, one block at
/// a time.
#[derive(Default)]
pub(crate) struct Encoder {
    keys: SortedKeys,
    pending: Vec<u64>,
    /// The last key pushed, to skip repeats.
    last: Option<u64>,
}

impl Encoder {
    /// Appends `key`; a repeat of the previous key is skipped.
    ///
    /// # Panics
    /// In debug builds, if `key` is below the previous key (a caller bug).
    pub(crate) fn push(&mut self, key: u64) {
        if let Some(previous) = self.last {
            if previous == key {
                return;
            }
            debug_assert!(previous < key, "keys must arrive in increasing order");
        }
        self.last = Some(key);
        self.pending.push(key);
        if self.pending.len() == BLOCK_KEYS {
            self.flush();
        }
    }

    /// The encoded keys, with their directory.
    pub(crate) fn finish(mut self) -> SortedKeys {
        self.flush();
        let mut keys = self.keys;
        keys.max = self.last.unwrap_or(0);
        keys.blocks.shrink_to_fit();
        keys.words.shrink_to_fit();
        keys.rebuild_directory();
        keys
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let block = encode_block(&self.pending, &mut self.keys.words);
        self.keys.blocks.push(block);
        self.keys.len += self.pending.len();
        self.pending.clear();
    }
}

/// Streams the keys of a [`SortedKeys`] in increasing order, decoding one
/// block at a time.
pub(crate) struct Keys<'a> {
    keys: &'a SortedKeys,
    next_block: usize,
    buffer: [u64; BLOCK_KEYS],
    buffered: usize,
    position: usize,
}

impl Iterator for Keys<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        if self.position == self.buffered {
            let block = self.keys.blocks.get(self.next_block)?;
            self.next_block += 1;
            let buffer = &mut self.buffer;
            decode_block(block, &self.keys.words, |index, key| buffer[index] = key);
            self.buffered = usize::from(block.count);
            self.position = 0;
        }
        let key = self.buffer[self.position];
        self.position += 1;
        Some(key)
    }
}

/// Encodes 1..=128 sorted unique keys at the end of `words`.
fn encode_block(keys: &[u64], words: &mut Vec<u64>) -> Block {
    debug_assert!(!keys.is_empty() && keys.len() <= BLOCK_KEYS);
    let (first, last) = (keys[0], keys[keys.len() - 1]);
    let count = keys.len();
    let span = last - first;
    let per_key = span / count as u64;
    // ⌊log₂(span / count)⌋ ≤ 63; then span >> L < 2·count, so the upper
    // vector is shorter than 3·count ≤ 384 bits.
    let low_bits = per_key.checked_ilog2().unwrap_or(0);
    let upper_len = (span >> low_bits) as usize + count;
    let start = words.len();
    let low_len = count * low_bits as usize;
    words.resize(start + (low_len + upper_len).div_ceil(64), 0);
    let block_words = &mut words[start..];
    for (index, &key) in keys.iter().enumerate() {
        let offset = key - first;
        write_bits(
            block_words,
            index * low_bits as usize,
            offset & mask(low_bits),
            low_bits,
        );
        let bit = low_len + (offset >> low_bits) as usize + index;
        block_words[bit / 64] |= 1 << (bit % 64);
    }
    Block {
        first,
        word: u32::try_from(start).expect("fewer than 2^32 words (32 GiB) of keys"),
        upper_len: upper_len as u16,
        count: count as u8,
        low_bits: low_bits as u8,
    }
}

/// Calls `each(index, key)` for the keys of `block`, in order.
#[inline]
fn decode_block(block: &Block, words: &[u64], mut each: impl FnMut(usize, u64)) {
    let low_bits = u32::from(block.low_bits);
    let count = usize::from(block.count);
    let upper_len = usize::from(block.upper_len);
    let base = block.word as usize * 64;
    let upper = base + count * low_bits as usize;
    let mut index = 0;
    let mut position = 0;
    while position < upper_len && index < count {
        let mut ones = window(words, upper + position) & mask_len(upper_len - position);
        while ones != 0 && index < count {
            let bit = position + ones.trailing_zeros() as usize;
            let high = (bit - index) as u64;
            let low = read_bits(words, base + index * low_bits as usize, low_bits);
            each(index, block.first + ((high << low_bits) | low));
            index += 1;
            ones &= ones - 1;
        }
        position += 64;
    }
}

/// True iff `offset` (a key minus the block's first key) is in the block.
#[inline]
fn block_contains(block: &Block, words: &[u64], offset: u64) -> bool {
    let low_bits = u32::from(block.low_bits);
    let count = usize::from(block.count);
    let upper_len = usize::from(block.upper_len);
    let high = offset >> low_bits;
    if high > (upper_len - count) as u64 {
        return false;
    }
    let high = high as usize;
    let low = offset & mask(low_bits);
    let base = block.word as usize * 64;
    let upper = base + count * low_bits as usize;
    // The keys with this high part are the ones right after zero number
    // `high - 1` of the upper vector; key `i` sits at bit `high + i`.
    let mut position = match high.checked_sub(1) {
        None => 0,
        Some(zero) => match select_zero(words, upper, upper_len, zero) {
            Some(at) => at + 1,
            None => return false,
        },
    };
    while position < upper_len && window(words, upper + position) & 1 == 1 {
        let index = position - high;
        let stored = read_bits(words, base + index * low_bits as usize, low_bits);
        if stored >= low {
            return stored == low;
        }
        position += 1;
    }
    false
}

/// Position of zero number `rank` (from 0) among bits `start..start + len`.
#[inline]
fn select_zero(words: &[u64], start: usize, len: usize, mut rank: usize) -> Option<usize> {
    let mut position = 0;
    while position < len {
        let zeros = !window(words, start + position) & mask_len(len - position);
        let found = zeros.count_ones() as usize;
        if rank < found {
            return Some(position + select_in_word(zeros, rank));
        }
        rank -= found;
        position += 64;
    }
    None
}

/// Position of set bit number `rank` (from 0, below the popcount) of `word`.
#[inline]
fn select_in_word(mut word: u64, mut rank: usize) -> usize {
    let mut skipped = 0;
    loop {
        let in_byte = (word & 0xff).count_ones() as usize;
        if rank < in_byte {
            break;
        }
        rank -= in_byte;
        word >>= 8;
        skipped += 8;
    }
    for _ in 0..rank {
        word &= word - 1;
    }
    skipped + word.trailing_zeros() as usize
}

/// The 64 bits starting at bit `bit` (zeros past the end of `words`).
#[inline]
fn window(words: &[u64], bit: usize) -> u64 {
    let (word, shift) = (bit / 64, bit % 64);
    let low = words.get(word).copied().unwrap_or(0) >> shift;
    if shift == 0 {
        low
    } else {
        low | words.get(word + 1).copied().unwrap_or(0) << (64 - shift)
    }
}

#[inline]
fn read_bits(words: &[u64], bit: usize, width: u32) -> u64 {
    if width == 0 {
        0
    } else {
        window(words, bit) & mask(width)
    }
}

fn write_bits(words: &mut [u64], bit: usize, value: u64, width: u32) {
    if width == 0 {
        return;
    }
    let (word, shift) = (bit / 64, bit % 64);
    words[word] |= value << shift;
    if shift as u32 + width > 64 {
        words[word + 1] |= value >> (64 - shift);
    }
}

/// The low `width` bits set (`width` ≤ 64).
#[inline]
fn mask(width: u32) -> u64 {
    u64::MAX.checked_shr(64 - width).unwrap_or(0)
}

/// The low `min(len, 64)` bits set.
#[inline]
fn mask_len(len: usize) -> u64 {
    mask(len.min(64) as u32)
}

#[cfg(test)]
mod tests {
    use super::{BLOCK_KEYS, Encoder, SortedKeys, select_in_word};

    /// Checks `sorted` against `keys` on every key, its neighbours and
    /// `probes`, and that iteration gives the keys back.
    fn assert_exact(sorted: &SortedKeys, keys: &[u64], probes: impl IntoIterator<Item = u64>) {
        assert_eq!(sorted.len(), keys.len());
        assert!(sorted.iter().eq(keys.iter().copied()), "iteration");
        let model: std::collections::HashSet<u64> = keys.iter().copied().collect();
        let neighbours = keys
            .iter()
            .flat_map(|&key| [key.wrapping_sub(1), key, key.wrapping_add(1)]);
        for probe in neighbours.chain(probes) {
            assert_eq!(sorted.contains(probe), model.contains(&probe), "{probe}");
        }
    }

    fn splitmix(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn sorted_unique(mut keys: Vec<u64>) -> Vec<u64> {
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    #[test]
    fn finds_exactly_the_keys() {
        let keys: Vec<u64> = (0..1000u64).map(|n| n * n * 7 + 3).collect();
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        assert_exact(&sorted, &keys, (0..1000u64 * 1000 * 7 + 10).step_by(97));
        assert!(!sorted.contains(u64::MAX));
        assert!(!sorted.contains(0));
    }

    #[test]
    fn empty_and_single_sets() {
        let empty = SortedKeys::from_sorted_unique(Vec::new());
        assert!(!empty.contains(0) && !empty.contains(42) && !empty.contains(u64::MAX));
        assert_eq!(empty.iter().count(), 0);
        for key in [0, 42, u64::MAX] {
            let single = SortedKeys::from_sorted_unique(vec![key]);
            assert_exact(&single, &[key], [0, 1, 41, 43, u64::MAX - 1, u64::MAX]);
        }
    }

    #[test]
    fn skewed_keys_stay_exact() {
        let mut keys: Vec<u64> = (0..5000u64).map(|n| 12_000_000_000 + n * 3).collect();
        keys.push(999_999_999_999_999);
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        assert_exact(&sorted, &keys, [0, 11_999_999_999, 1 << 60]);
    }

    #[test]
    fn dense_nanp_like_keys_match_a_model() {
        let mut state = 7;
        let keys = sorted_unique(
            (0..200_000)
                .map(|_| 12_000_000_000 + splitmix(&mut state) % 8_000_000_000)
                .collect(),
        );
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        let probes: Vec<u64> = (0..200_000)
            .map(|_| 12_000_000_000 + splitmix(&mut state) % 8_000_000_000)
            .collect();
        assert_exact(&sorted, &keys, probes);
        // Dense lists cost well under the 8 bytes of a plain u64.
        assert!(
            sorted.heap_bytes() < keys.len() * 3,
            "{}",
            sorted.heap_bytes()
        );
    }

    #[test]
    fn consecutive_and_clustered_keys() {
        // Runs of consecutive keys (L = 0), clusters far apart, a full block
        // of consecutive keys and one key past it.
        let mut keys: Vec<u64> = (1_000..1_000 + BLOCK_KEYS as u64 * 3 + 1).collect();
        keys.extend((0..300u64).map(|n| 44_000_000_000 + n * 2));
        keys.extend((0..50u64).map(|n| 880_000_000_000_000 + n * 1_000_003));
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        assert_exact(&sorted, &keys, (0..3_000).chain([u64::MAX]));
    }

    #[test]
    fn sparse_international_keys_match_a_model() {
        let mut state = 11;
        let keys = sorted_unique(
            (0..20_000)
                .map(|_| {
                    // One to fifteen digits, first one non-zero.
                    let digits = 1 + splitmix(&mut state) % 15;
                    let low = 10u64.pow(digits as u32 - 1);
                    low + splitmix(&mut state) % (low * 9)
                })
                .collect(),
        );
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        let probes: Vec<u64> = (0..20_000).map(|_| splitmix(&mut state) >> 14).collect();
        assert_exact(&sorted, &keys, probes);
    }

    #[test]
    fn u64_extremes_and_random_wide_keys() {
        let keys = vec![0, 1, 2, 1 << 32, 1 << 63, u64::MAX - 1, u64::MAX];
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        assert_exact(&sorted, &keys, [3, 1 << 62, (1 << 63) + 1]);
        let two = vec![0, u64::MAX];
        assert_exact(
            &SortedKeys::from_sorted_unique(two.clone()),
            &two,
            [1 << 63],
        );
        let mut state = 3;
        let wide = sorted_unique((0..10_000).map(|_| splitmix(&mut state)).collect());
        let probes: Vec<u64> = (0..10_000).map(|_| splitmix(&mut state)).collect();
        assert_exact(&SortedKeys::from_sorted_unique(wide.clone()), &wide, probes);
    }

    #[test]
    fn keys_on_block_and_bucket_boundaries() {
        // Multiples of powers of two: block starts, directory bucket edges
        // and high-part edges land exactly on set keys.
        for step in [1u64, 2, 64, 1 << 16, 1 << 32] {
            for count in [
                1,
                BLOCK_KEYS - 1,
                BLOCK_KEYS,
                BLOCK_KEYS + 1,
                BLOCK_KEYS * 5,
            ] {
                let keys: Vec<u64> = (0..count as u64).map(|n| n * step).collect();
                let sorted = SortedKeys::from_sorted_unique(keys.clone());
                let probes = (0..count as u64 + 2).map(|n| n * step + step / 2);
                assert_exact(&sorted, &keys, probes);
            }
        }
    }

    #[test]
    fn encoder_skips_repeats_across_blocks() {
        let mut encoder = Encoder::default();
        for key in 0..BLOCK_KEYS as u64 {
            encoder.push(key * 10);
        }
        encoder.push((BLOCK_KEYS as u64 - 1) * 10);
        encoder.push(5_000);
        encoder.push(5_000);
        let sorted = encoder.finish();
        assert_eq!(sorted.len(), BLOCK_KEYS + 1);
        assert!(sorted.contains(5_000) && sorted.contains(0) && !sorted.contains(5));
    }

    #[test]
    fn select_in_word_finds_each_set_bit() {
        let word = 0x8000_0100_0010_8421u64;
        let positions: Vec<usize> = (0..64).filter(|bit| word >> bit & 1 == 1).collect();
        for (rank, &position) in positions.iter().enumerate() {
            assert_eq!(select_in_word(word, rank), position);
        }
    }
}
