//! The sparse side data of an entry — expiry and reason — and the interned
//! reasons, so that the (usually few) entries that carry them pay for them
//! and the millions that do not pay nothing.

use std::collections::HashMap;

/// Expiry and reason of one entry; only stored when at least one is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Details {
    pub(crate) expires_at: Option<i64>,
    pub(crate) reason: Option<ReasonId>,
}

/// Position of a reason in the [`ReasonPool`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ReasonId(u32);

/// Each distinct reason text stored once: uploads repeat a handful of
/// reasons ("customer request", "litigator") across many entries.
///
/// The pool only grows; a reason no entry uses any more stays until the index
/// is rebuilt, which bounds the waste by the number of distinct reasons.
#[derive(Clone, Default)]
pub(crate) struct ReasonPool {
    texts: Vec<Box<str>>,
    ids: HashMap<Box<str>, ReasonId>,
}

impl ReasonPool {
    /// The id of `reason`, adding it on first use.
    pub(crate) fn intern(&mut self, reason: &str) -> ReasonId {
        if let Some(&id) = self.ids.get(reason) {
            return id;
        }
        let id = ReasonId(u32::try_from(self.texts.len()).expect("fewer than 2^32 reasons"));
        self.texts.push(reason.into());
        self.ids.insert(reason.into(), id);
        id
    }

    /// The text of an interned reason.
    pub(crate) fn text(&self, id: ReasonId) -> &str {
        &self.texts[id.0 as usize]
    }

    /// Bytes held on the heap: both copies of every text and both tables.
    pub(crate) fn heap_bytes(&self) -> usize {
        let strings: usize = self.texts.iter().map(|text| 2 * string_bytes(text)).sum();
        strings
            + self.texts.capacity() * size_of::<Box<str>>()
            + hash_table_bytes::<(Box<str>, ReasonId)>(self.ids.capacity())
    }
}

/// Bytes a std (hashbrown) table with `capacity` allocates: a power-of-two
/// number of slots with at most 7/8 in use, one control byte per slot and one
/// group of trailing control bytes.
pub(crate) fn hash_table_bytes<T>(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let slots = if capacity < 7 {
        (capacity + 1).next_power_of_two()
    } else {
        (capacity * 8 / 7).next_power_of_two()
    };
    slots * size_of::<T>() + slots + 16
}

/// Bytes glibc malloc spends on a string of this length: an 8-byte header,
/// rounded up to 16 bytes, 32 at least (empty strings allocate nothing).
pub(crate) fn string_bytes(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    (text.len() + 8).next_multiple_of(16).max(32)
}

#[cfg(test)]
mod tests {
    use super::{ReasonPool, hash_table_bytes};
    use std::collections::HashSet;

    #[test]
    fn interning_returns_one_id_per_text() {
        let mut pool = ReasonPool::default();
        let first = pool.intern("customer request");
        let second = pool.intern("litigator");
        assert_eq!(pool.intern("customer request"), first);
        assert_ne!(first, second);
        assert_eq!(pool.text(second), "litigator");
    }

    #[test]
    fn table_estimate_matches_the_capacity_std_reports() {
        // hashbrown reports 7/8 of its slots as capacity (slots − 1 below 8);
        // the estimate must invert that without under-counting.
        for wanted in [1usize, 3, 7, 8, 100, 1000, 100_000] {
            let set: HashSet<u64> = HashSet::with_capacity(wanted);
            let estimate = hash_table_bytes::<u64>(set.capacity());
            assert!(estimate >= set.capacity() * 9, "{wanted}: {estimate}");
            assert!(
                estimate <= set.capacity() * 9 * 2 + 64,
                "{wanted}: {estimate}"
            );
        }
    }
}
