//! The compact base of the phone set: a sorted, duplicate-free `Vec<u64>`
//! (eight bytes per entry) with a bucket index over the top bits of the key
//! range, so a lookup is one bucket read and a binary search over a handful
//! of keys instead of ~24 probes over the whole vector.
//!
//! The buckets split `min..=max` into at most 2^k equal ranges, k chosen so
//! that there are about four keys per bucket (a `u32` start offset each,
//! about one byte per key). With keys concentrated in a small part of the range
//! (a list that is mostly NANP plus a few far-away international numbers)
//! buckets get larger and the search inside them longer; it stays exact, only
//! slower, degrading towards a plain binary search.

/// At most 2^28 buckets (1 GiB of keys); beyond that the binary search inside
/// a bucket is cheap compared with the memory a finer index would take.
const MAX_BUCKET_BITS: u32 = 28;

/// About four keys per bucket: the keys of a bucket usually share one cache
/// line, and the bucket index (one `u32` per four keys, 8 MiB for 10M) is
/// small enough to stay mostly in the last-level cache. Measured against one
/// and eight keys per bucket on 10M NANP numbers: within the noise of a
/// shared machine, so the smaller index wins.
const KEYS_PER_BUCKET: u32 = 4;

/// Sorted unique keys plus the bucket index that narrows the search.
#[derive(Clone, Default)]
pub(crate) struct SortedKeys {
    keys: Vec<u64>,
    /// `bucket_starts[b]..bucket_starts[b + 1]` are the positions of the keys
    /// of bucket `b`; empty when `keys` is.
    bucket_starts: Vec<u32>,
    /// The smallest key; bucket numbers count from it.
    min: u64,
    /// Bucket of a key: `(key - min) >> shift`.
    shift: u32,
}

impl SortedKeys {
    /// Takes keys already sorted and deduplicated and builds the bucket index.
    ///
    /// # Panics
    /// With 2^32 keys or more (32 GiB of keys), which the `u32` offsets cannot
    /// address.
    pub(crate) fn from_sorted_unique(keys: Vec<u64>) -> SortedKeys {
        debug_assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        let mut sorted = SortedKeys {
            keys,
            ..SortedKeys::default()
        };
        sorted.rebuild_buckets();
        sorted
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Exact membership: true iff `key` is one of the keys.
    #[inline]
    pub(crate) fn contains(&self, key: u64) -> bool {
        let Some(offset) = key.checked_sub(self.min) else {
            return false;
        };
        let bucket =
            usize::try_from(offset.checked_shr(self.shift).unwrap_or(0)).unwrap_or(usize::MAX);
        let (Some(&start), Some(&end)) = (
            self.bucket_starts.get(bucket),
            self.bucket_starts.get(bucket.wrapping_add(1)),
        ) else {
            return false;
        };
        self.keys[start as usize..end as usize]
            .binary_search(&key)
            .is_ok()
    }

    /// Folds an overlay into the base in place: drops `removed` (sorted, each
    /// present), then merges `added` (sorted, unique, none present) from the
    /// back so no second copy of the base is ever allocated.
    pub(crate) fn merge(&mut self, removed: &[u64], added: &[u64]) {
        if !removed.is_empty() {
            let mut next_removed = 0;
            self.keys.retain(|&key| {
                while next_removed < removed.len() && removed[next_removed] < key {
                    next_removed += 1;
                }
                removed.get(next_removed) != Some(&key)
            });
        }
        if !added.is_empty() {
            let old_len = self.keys.len();
            self.keys.reserve_exact(added.len());
            self.keys.resize(old_len + added.len(), 0);
            let (mut unread_base, mut unread_added) = (old_len, added.len());
            let mut write = old_len + added.len();
            while unread_added > 0 {
                write -= 1;
                let next_added = added[unread_added - 1];
                if unread_base > 0 && self.keys[unread_base - 1] > next_added {
                    self.keys[write] = self.keys[unread_base - 1];
                    unread_base -= 1;
                } else {
                    self.keys[write] = next_added;
                    unread_added -= 1;
                }
            }
        }
        debug_assert!(self.keys.windows(2).all(|pair| pair[0] < pair[1]));
        self.rebuild_buckets();
    }

    /// Bytes held on the heap by the keys and the bucket index.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.keys.capacity() * size_of::<u64>() + self.bucket_starts.capacity() * size_of::<u32>()
    }

    fn rebuild_buckets(&mut self) {
        self.bucket_starts = Vec::new();
        let (Some(&min), Some(&max)) = (self.keys.first(), self.keys.last()) else {
            self.min = 0;
            self.shift = 0;
            return;
        };
        let count = u32::try_from(self.keys.len()).expect("fewer than 2^32 phone keys");
        let bucket_bits = (count / KEYS_PER_BUCKET)
            .max(1)
            .ilog2()
            .min(MAX_BUCKET_BITS);
        let span_bits = u64::BITS - (max - min).leading_zeros();
        self.min = min;
        self.shift = span_bits.saturating_sub(bucket_bits);
        let bucket_count = usize::try_from((max - min) >> self.shift).expect("bounded") + 1;

        let mut starts = Vec::with_capacity(bucket_count + 1);
        for (position, &key) in self.keys.iter().enumerate() {
            let bucket = ((key - min) >> self.shift) as usize;
            // Every bucket up to this key's own one starts here at the latest.
            while starts.len() <= bucket {
                starts.push(position as u32);
            }
        }
        starts.resize(bucket_count + 1, count);
        self.bucket_starts = starts;
    }
}

#[cfg(test)]
mod tests {
    use super::SortedKeys;

    #[test]
    fn finds_exactly_the_keys() {
        let keys: Vec<u64> = (0..1000u64).map(|n| n * n * 7 + 3).collect();
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        for probe in 0..(1000u64 * 1000 * 7 + 10) {
            if probe % 97 != 0 && keys.binary_search(&probe).is_err() {
                continue;
            }
            assert_eq!(sorted.contains(probe), keys.binary_search(&probe).is_ok());
        }
        assert!(!sorted.contains(u64::MAX));
        assert!(!sorted.contains(0));
    }

    #[test]
    fn empty_and_single_sets() {
        let empty = SortedKeys::from_sorted_unique(Vec::new());
        assert!(!empty.contains(0) && !empty.contains(42));
        let single = SortedKeys::from_sorted_unique(vec![42]);
        assert!(single.contains(42));
        assert!(!single.contains(41) && !single.contains(43) && !single.contains(0));
    }

    #[test]
    fn skewed_keys_stay_exact() {
        let mut keys: Vec<u64> = (0..5000u64).map(|n| 12_000_000_000 + n * 3).collect();
        keys.push(999_999_999_999_999);
        let sorted = SortedKeys::from_sorted_unique(keys.clone());
        for &key in &keys {
            assert!(sorted.contains(key) && !sorted.contains(key + 1));
        }
    }

    #[test]
    fn merge_removes_and_adds_in_place() {
        let mut sorted = SortedKeys::from_sorted_unique(vec![10, 20, 30, 40, 50]);
        sorted.merge(&[20, 50], &[5, 25, 60]);
        let expected = [5, 10, 25, 30, 40, 60];
        assert_eq!(sorted.keys, expected);
        for probe in 0..70 {
            assert_eq!(sorted.contains(probe), expected.contains(&probe), "{probe}");
        }
        sorted.merge(&expected, &[]);
        assert_eq!(sorted.len(), 0);
        assert!(!sorted.contains(5));
    }
}
