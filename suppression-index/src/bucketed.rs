//! The phone base: sorted, duplicate-free keys in the layout that answers a
//! lookup in the fewest dependent cache misses the set's density allows.
//!
//! *Bucketed layout* (dense sets such as national registries). The range
//! `min..=max` of the keys is cut into buckets of `2^shift` keys, with
//! `shift ≤ 16` chosen so that a bucket holds at most about
//! [`KEYS_PER_BUCKET`] keys on average. `table[b]..table[b + 1]` (`u32`) are
//! the positions of bucket `b`'s keys in `lows`, which stores the low
//! `shift` bits of every key as a plain `u16`, sorted within the bucket. So
//! the keys cost two bytes each plus four bytes per bucket: 250M random NANP
//! numbers (span ≈ 2^33, `shift` = 12) take 2M buckets (7.5 MiB of table,
//! small enough to live in the last-level cache) and 468 MiB of lows.
//!
//! *Lookup* = the table entry of the key's bucket (cache-resident at
//! registry scale) → one plain read of the lows around the interpolated
//! position `start + low · count / 2^shift`: a window of [`WINDOW`] lows
//! (64 bytes, one or two adjacent lines) that holds the key's place unless
//! the bucket is badly skewed; outside it, a binary search of the rest of
//! the bucket keeps the answer exact and the work logarithmic. No header and
//! no block to decode: after the table read (usually a cache hit) the only
//! dependent DRAM access is the window.
//!
//! *Compact fallback.* When the keys are too sparse for 16-bit lows with a
//! table of at most a quarter entry per key (small lists, international
//! numbers spread over many country codes), the base is the partitioned
//! Elias–Fano [`SortedKeys`] instead: about ten bytes per entry at most, a
//! few dependent misses per lookup. The bucketed layout itself costs at most
//! about three bytes per key (two of lows, at most one of table).
//!
//! *Building* is streaming: [`BaseEncoder`] takes the bounds of the keys
//! (smallest, largest, an upper bound of their number) and then the keys in
//! increasing order; a fold (`merge`) streams the old base, the tombstones
//! and the additions into a new base, both alive while it runs.

use crate::sorted_keys::{self, Encoder, SortedKeys};

/// Average keys per bucket the bucketed layout aims for: small enough that
/// the interpolated position is within a few keys of the right one, large
/// enough that the table stays cache-sized at 250M keys. Measured at 250M:
/// 32 (a 30 MiB table) and 2^16-key buckets (a 0.5 MiB table, ≈ 2,000 keys
/// per bucket, the window often missed) were both slower.
const KEYS_PER_BUCKET: u64 = 128;

/// Widest bucket: the lows are `u16`.
const MAX_SHIFT: u32 = 16;

/// At most one table entry per this many keys, else the compact fallback.
const KEYS_PER_TABLE_ENTRY: u64 = 4;

/// Lows read around the interpolated position: 64 bytes.
const WINDOW: usize = 32;

/// Sorted unique phone keys; see the module docs.
#[derive(Clone)]
pub(crate) enum PhoneBase {
    Bucketed(BucketedKeys),
    Compact(SortedKeys),
}

impl Default for PhoneBase {
    fn default() -> Self {
        PhoneBase::Compact(SortedKeys::default())
    }
}

impl PhoneBase {
    /// Encodes keys already sorted and deduplicated.
    #[cfg(test)]
    pub(crate) fn from_sorted_unique(keys: &[u64]) -> PhoneBase {
        let (Some(&min), Some(&max)) = (keys.first(), keys.last()) else {
            return PhoneBase::default();
        };
        let mut encoder = BaseEncoder::new(min, max, keys.len());
        for &key in keys {
            encoder.push(key);
        }
        encoder.finish()
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        match self {
            PhoneBase::Bucketed(keys) => keys.lows.len(),
            PhoneBase::Compact(keys) => keys.len(),
        }
    }

    /// Exact membership: true iff `key` is one of the keys.
    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        match self {
            PhoneBase::Bucketed(keys) => keys.contains(key),
            PhoneBase::Compact(keys) => keys.contains(key),
        }
    }

    /// The keys in increasing order.
    pub(crate) fn iter(&self) -> BaseKeys<'_> {
        match self {
            PhoneBase::Bucketed(keys) => BaseKeys::Bucketed {
                keys,
                bucket: 0,
                position: 0,
            },
            PhoneBase::Compact(keys) => BaseKeys::Compact(Box::new(keys.iter())),
        }
    }

    /// Bounds of the keys: at most the smallest, at least the largest.
    fn bounds(&self) -> Option<(u64, u64)> {
        match self {
            PhoneBase::Bucketed(keys) => Some((keys.min, keys.max)),
            PhoneBase::Compact(keys) => keys.bounds(),
        }
    }

    /// Bytes held on the heap.
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            PhoneBase::Bucketed(keys) => {
                keys.table.capacity() * size_of::<u32>() + keys.lows.capacity() * size_of::<u16>()
            }
            PhoneBase::Compact(keys) => keys.heap_bytes(),
        }
    }

    /// Folds an overlay into the base: drops `removed` (sorted) and adds
    /// `added` (sorted, unique, none present), streaming into a new base;
    /// the old one is freed afterwards, so both are alive while it runs.
    pub(crate) fn merge(&mut self, removed: &[u64], added: &[u64]) {
        let mut bounds = self.bounds();
        if let (Some(&first), Some(&last)) = (added.first(), added.last()) {
            bounds =
                Some(bounds.map_or((first, last), |(min, max)| (min.min(first), max.max(last))));
        }
        let Some((min, max)) = bounds else {
            return;
        };
        let mut encoder = BaseEncoder::new(min, max, self.len() + added.len());
        let mut removed = removed.iter().copied().peekable();
        let mut added = added.iter().copied().peekable();
        for key in self.iter() {
            while removed.next_if(|&gone| gone < key).is_some() {}
            while let Some(new) = added.next_if(|&new| new < key) {
                encoder.push(new);
            }
            if removed.next_if_eq(&key).is_none() {
                encoder.push(key);
            }
        }
        for new in added {
            encoder.push(new);
        }
        *self = encoder.finish();
    }
}

/// The bucketed layout; see the module docs.
#[derive(Clone)]
pub(crate) struct BucketedKeys {
    /// `table[b]..table[b + 1]` are bucket `b`'s positions in `lows`.
    table: Vec<u32>,
    /// The low `shift` bits of every key, in key order.
    lows: Vec<u16>,
    /// At most the smallest key; buckets count from it.
    min: u64,
    /// At least the largest key (a fold may have removed the bounds).
    max: u64,
    /// Bucket of a key: `(key - min) >> shift`.
    shift: u32,
}

impl BucketedKeys {
    #[inline]
    fn contains(&self, key: u64) -> bool {
        let Some(offset) = key.checked_sub(self.min) else {
            return false;
        };
        // `table` has one entry more than there are buckets.
        let Ok(bucket) = usize::try_from(offset >> self.shift) else {
            return false;
        };
        let (Some(&start), Some(&end)) = (self.table.get(bucket), self.table.get(bucket + 1))
        else {
            return false;
        };
        let low = (offset & ((1 << self.shift) - 1)) as u16;
        let lows = &self.lows[start as usize..end as usize];
        let count = lows.len();
        if count <= WINDOW {
            return lows.binary_search(&low).is_ok();
        }
        // Where `low` would sit if the bucket's keys were evenly spread.
        let guess = ((u64::from(low) * count as u64) >> self.shift) as usize;
        let from = guess.saturating_sub(WINDOW / 2).min(count - WINDOW);
        let window = &lows[from..from + WINDOW];
        if low < window[0] {
            lows[..from].binary_search(&low).is_ok()
        } else if low > window[WINDOW - 1] {
            lows[from + WINDOW..].binary_search(&low).is_ok()
        } else {
            window.contains(&low)
        }
    }
}

/// Streams the keys of a [`PhoneBase`] in increasing order.
pub(crate) enum BaseKeys<'a> {
    Bucketed {
        keys: &'a BucketedKeys,
        bucket: usize,
        position: usize,
    },
    /// Boxed: the decoder buffers a whole block.
    Compact(Box<sorted_keys::Keys<'a>>),
}

impl Iterator for BaseKeys<'_> {
    type Item = u64;

    #[inline]
    fn next(&mut self) -> Option<u64> {
        match self {
            BaseKeys::Bucketed {
                keys,
                bucket,
                position,
            } => {
                let low = *keys.lows.get(*position)?;
                // Skip the buckets that end at or before this position.
                while keys.table[*bucket + 1] as usize <= *position {
                    *bucket += 1;
                }
                *position += 1;
                Some(keys.min + ((*bucket as u64) << keys.shift) + u64::from(low))
            }
            BaseKeys::Compact(keys) => keys.next(),
        }
    }
}

/// Builds a [`PhoneBase`] from keys given in increasing order, choosing the
/// layout from their bounds.
pub(crate) enum BaseEncoder {
    Bucketed {
        keys: BucketedKeys,
        /// The last key pushed, to skip repeats.
        last: Option<u64>,
    },
    Compact(Encoder),
}

impl BaseEncoder {
    /// An encoder for keys in `min..=max`, at most `count` of them (a
    /// looser bound only makes the buckets smaller).
    pub(crate) fn new(min: u64, max: u64, count: usize) -> BaseEncoder {
        let count = (count as u64).max(1);
        let span = max.saturating_sub(min);
        // The smallest shift whose buckets hold ≤ KEYS_PER_BUCKET keys on
        // average, then the table must stay within its share.
        let target_buckets = (count / KEYS_PER_BUCKET).max(1);
        let mut shift = 0;
        while shift < MAX_SHIFT && (span >> shift) >= target_buckets {
            shift += 1;
        }
        let buckets = (span >> shift) + 1;
        let fits = count <= u64::from(u32::MAX)
            && buckets.saturating_mul(KEYS_PER_TABLE_ENTRY) <= count.max(KEYS_PER_TABLE_ENTRY);
        if !fits {
            return BaseEncoder::Compact(Encoder::default());
        }
        let mut table = Vec::with_capacity(buckets as usize + 1);
        table.push(0);
        BaseEncoder::Bucketed {
            keys: BucketedKeys {
                table,
                lows: Vec::with_capacity(count as usize),
                min,
                max,
                shift,
            },
            last: None,
        }
    }

    /// Appends `key`; a repeat of the previous key is skipped.
    ///
    /// # Panics
    /// If `key` is outside the bounds given to [`new`](Self::new) (a caller
    /// bug); in debug builds also if it is below the previous key.
    pub(crate) fn push(&mut self, key: u64) {
        match self {
            BaseEncoder::Bucketed { keys, last } => {
                if let Some(previous) = *last {
                    if previous == key {
                        return;
                    }
                    debug_assert!(previous < key, "keys must arrive in increasing order");
                }
                *last = Some(key);
                assert!(
                    keys.min <= key && key <= keys.max,
                    "key outside the encoder's bounds"
                );
                let offset = key - keys.min;
                let bucket = (offset >> keys.shift) as usize;
                // `table[b + 1]` is written when bucket `b` is closed: every
                // bucket before this key's one ends here.
                let position = keys.lows.len() as u32;
                while keys.table.len() <= bucket {
                    keys.table.push(position);
                }
                keys.lows.push((offset & ((1 << keys.shift) - 1)) as u16);
            }
            BaseEncoder::Compact(encoder) => encoder.push(key),
        }
    }

    /// The encoded keys.
    pub(crate) fn finish(self) -> PhoneBase {
        match self {
            BaseEncoder::Bucketed { mut keys, .. } => {
                if keys.lows.is_empty() {
                    return PhoneBase::default();
                }
                let buckets = ((keys.max - keys.min) >> keys.shift) as usize + 1;
                let end = u32::try_from(keys.lows.len()).expect("fewer than 2^32 keys");
                keys.table.resize(buckets + 1, end);
                keys.lows.shrink_to_fit();
                PhoneBase::Bucketed(keys)
            }
            BaseEncoder::Compact(encoder) => PhoneBase::Compact(encoder.finish()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{KEYS_PER_BUCKET, PhoneBase, WINDOW};

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

    fn assert_exact(base: &PhoneBase, keys: &[u64], probes: impl IntoIterator<Item = u64>) {
        assert_eq!(base.len(), keys.len());
        assert!(base.iter().eq(keys.iter().copied()), "iteration");
        let model: std::collections::HashSet<u64> = keys.iter().copied().collect();
        let neighbours = keys
            .iter()
            .flat_map(|&key| [key.wrapping_sub(1), key, key.wrapping_add(1)]);
        for probe in neighbours.chain(probes) {
            assert_eq!(base.contains(probe), model.contains(&probe), "{probe}");
        }
    }

    fn is_bucketed(base: &PhoneBase) -> bool {
        matches!(base, PhoneBase::Bucketed(_))
    }

    #[test]
    fn dense_nanp_keys_are_bucketed_and_exact() {
        let mut state = 7;
        let keys = sorted_unique(
            (0..400_000)
                .map(|_| 12_000_000_000 + splitmix(&mut state) % 800_000_000)
                .collect(),
        );
        let base = PhoneBase::from_sorted_unique(&keys);
        assert!(is_bucketed(&base));
        let probes: Vec<u64> = (0..400_000)
            .map(|_| 11_999_000_000 + splitmix(&mut state) % 802_000_000)
            .collect();
        assert_exact(&base, &keys, probes);
        assert!(base.heap_bytes() <= keys.len() * 3, "{}", base.heap_bytes());
    }

    #[test]
    fn sparse_keys_fall_back_to_the_compact_base() {
        let keys: Vec<u64> = (0..1000u64).map(|n| n * 1_000_003_000 + 5).collect();
        let base = PhoneBase::from_sorted_unique(&keys);
        assert!(!is_bucketed(&base));
        assert_exact(&base, &keys, (0..2_000u64).map(|n| n * 500_001_500));
        let empty = PhoneBase::from_sorted_unique(&[]);
        assert!(!empty.contains(0) && empty.len() == 0);
    }

    #[test]
    fn skewed_buckets_stay_exact() {
        // Every bucket layout edge: a bucket crowded at one end (the
        // interpolated window misses on both sides), consecutive keys
        // (shift 0), bucket and u16 edges, and the largest key alone.
        let mut keys: Vec<u64> = Vec::new();
        for bucket in 0..64u64 {
            let base = 1_000_000 + bucket * (1 << 16);
            keys.extend((0..300).map(|n| base + n));
            keys.extend((0..200).map(|n| base + 65_535 - n * 3));
            keys.push(base + 30_000);
        }
        keys.extend(5_000_000..5_000_000 + WINDOW as u64 * 3);
        let keys = sorted_unique(keys);
        let base = PhoneBase::from_sorted_unique(&keys);
        assert!(is_bucketed(&base));
        assert_exact(&base, &keys, (900_000..5_200_000).step_by(7));
        let consecutive: Vec<u64> = (0..KEYS_PER_BUCKET * 10).map(|n| n + 77).collect();
        let base = PhoneBase::from_sorted_unique(&consecutive);
        assert!(is_bucketed(&base));
        assert_exact(&base, &consecutive, 0..KEYS_PER_BUCKET * 12);
        let top = [u64::MAX - 3, u64::MAX - 1, u64::MAX];
        assert_exact(
            &PhoneBase::from_sorted_unique(&top),
            &top,
            [0, u64::MAX - 2],
        );
    }

    #[test]
    fn merge_switches_layouts_and_stays_exact() {
        let mut state = 9;
        let keys = sorted_unique(
            (0..50_000)
                .map(|_| 12_000_000_000 + splitmix(&mut state) % 10_000_000)
                .collect(),
        );
        let mut base = PhoneBase::from_sorted_unique(&keys);
        assert!(is_bucketed(&base));
        let removed: Vec<u64> = keys.iter().copied().step_by(5).collect();
        let added = sorted_unique(
            (0..5_000)
                .map(|_| 11_990_000_000 + splitmix(&mut state) % 30_000_000)
                .filter(|key| keys.binary_search(key).is_err())
                .collect(),
        );
        base.merge(&removed, &added);
        let expected = sorted_unique(
            keys.iter()
                .copied()
                .filter(|key| removed.binary_search(key).is_err())
                .chain(added.iter().copied())
                .collect(),
        );
        assert_exact(
            &base,
            &expected,
            (11_990_000_000..12_020_000_000).step_by(997),
        );
        // One far-away key makes the set too sparse for buckets.
        base.merge(&[], &[999_999_999_999_999]);
        assert!(!is_bucketed(&base));
        assert_eq!(base.len(), expected.len() + 1);
        assert!(base.contains(999_999_999_999_999) && base.contains(expected[7]));
        base.merge(&expected, &[]);
        assert_eq!(base.len(), 1);
        base.merge(&[999_999_999_999_999], &[]);
        assert_eq!(base.len(), 0);
        assert!(!base.contains(999_999_999_999_999));
    }

    #[test]
    fn merge_removes_and_adds() {
        let mut base = PhoneBase::from_sorted_unique(&[10, 20, 30, 40, 50]);
        base.merge(&[20, 50], &[5, 25, 60]);
        let expected = [5, 10, 25, 30, 40, 60];
        assert!(base.iter().eq(expected));
        for probe in 0..70 {
            assert_eq!(base.contains(probe), expected.contains(&probe), "{probe}");
        }
        base.merge(&expected, &[]);
        assert_eq!(base.len(), 0);
        assert!(!base.contains(5));
        base.merge(&[], &[u64::MAX]);
        assert!(base.contains(u64::MAX) && base.len() == 1);
    }

    #[test]
    fn merge_large_matches_a_model() {
        let mut state = 5;
        let keys = sorted_unique((0..5_000).map(|_| splitmix(&mut state) % 100_000).collect());
        let mut base = PhoneBase::from_sorted_unique(&keys);
        let removed: Vec<u64> = keys.iter().copied().step_by(3).collect();
        let added = sorted_unique(
            (0..2_000)
                .map(|_| splitmix(&mut state) % 120_000)
                .filter(|key| keys.binary_search(key).is_err())
                .collect(),
        );
        base.merge(&removed, &added);
        let expected = sorted_unique(
            keys.iter()
                .copied()
                .filter(|key| removed.binary_search(key).is_err())
                .chain(added.iter().copied())
                .collect(),
        );
        assert_exact(&base, &expected, 0..120_000);
    }
}
