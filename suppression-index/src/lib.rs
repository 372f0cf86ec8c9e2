//! An exact, compact, in-memory membership index for one suppression list,
//! for the hot path of compliance decisions ("is this number suppressed?").
//!
//! Phone numbers in canonical E.164 are stored as integers ([`PhoneKey`]) in
//! a sorted base laid out for few cache misses: the key range is cut into
//! buckets of at most 2^16 keys, a `u32` table gives each bucket's place and
//! the keys' low bits are stored as plain `u16` (about two bytes per entry at
//! national-registry density: 250M NANP numbers ≈ 500 MiB, with a table of
//! 7.5 MiB that stays in cache); a lookup reads the table entry and one
//! 64-byte window of lows at the interpolated position. Key sets too sparse
//! for that layout (small or widely spread lists) use a partitioned
//! Elias–Fano encoding instead (never more than about ten bytes per entry).
//! Whole lists are built through the streaming [`IndexBuilder`] (chunks
//! sorted into Elias–Fano runs, then merged into the base), so building
//! never holds all keys as plain integers.
//! Single inserts and removals go to a small overlay — a set of recent
//! additions and a set of tombstones — that is folded into the base once it
//! passes 1/16 of it (64k entries at least); the fold streams the old base
//! into a new one (both alive while it runs), so edits are O(1) amortised
//! and lookups stay a base read plus an overlay probe when the overlay is
//! non-empty.
//! Every other value (e-mail addresses, client ids, non-canonical strings) is
//! stored verbatim in a set of strings. Expiries and reasons are stored
//! sparsely, only for the entries that have them; the list-level default
//! reason answers for the rest.
//!
//! *Invariants:* exact — no false positives, no false negatives (a property
//! test checks it against a `HashMap` model); no I/O, no clock, no locks: the
//! caller passes `now` and wraps the index in an `RwLock` or swaps an `Arc`.
//! Values are compared as given: normalising e-mail case is the caller's job.
//! `Debug` prints counts only, never a value (they are personal data).

#![warn(missing_docs)]

mod bucketed;
mod builder;
mod details;
mod phone_key;
mod sorted_keys;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::fmt;

use bucketed::PhoneBase;
pub use builder::IndexBuilder;
use details::{Details, ReasonPool, hash_table_bytes, string_bytes};
pub use phone_key::PhoneKey;

/// The overlay is folded into the sorted base once it holds more than this
/// many entries or 1/16 of the base, whichever is larger.
const MIN_OVERLAY_LIMIT: usize = 64 * 1024;

/// What the index knows about one entry; exists so that a refusal can say
/// until when and why without a second lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Unix seconds from which the entry no longer suppresses; `None` never
    /// expires.
    pub expires_at: Option<i64>,
    /// The entry's own reason, else the list's default reason, else `None`.
    pub reason: Option<&'a str>,
}

/// The membership index of one suppression list; see the crate docs.
#[derive(Clone)]
pub struct SuppressionIndex {
    /// Phone keys as of the last fold.
    base_phones: PhoneBase,
    /// Phone keys inserted since the last fold; disjoint from `base_phones`.
    added_phones: HashSet<u64>,
    /// Keys of `base_phones` removed since the last fold.
    removed_phones: HashSet<u64>,
    /// Expiry and reason of the phone entries that have one.
    phone_details: HashMap<u64, Details>,
    /// Every value that is not a canonical E.164 number.
    texts: HashSet<Box<str>>,
    /// Expiry and reason of the text entries that have one.
    text_details: HashMap<Box<str>, Details>,
    reasons: ReasonPool,
    default_reason: Option<Box<str>>,
    /// Smallest overlay size that triggers a fold (lowered in tests).
    min_overlay_limit: usize,
}

impl Default for SuppressionIndex {
    fn default() -> Self {
        SuppressionIndex::new()
    }
}

impl fmt::Debug for SuppressionIndex {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("SuppressionIndex")
            .field("phones", &self.phone_count())
            .field("pending_edits", &self.overlay_len())
            .field("texts", &self.texts.len())
            .field(
                "with_details",
                &(self.phone_details.len() + self.text_details.len()),
            )
            .finish_non_exhaustive()
    }
}

impl SuppressionIndex {
    /// An empty index, for lists built up by single inserts.
    pub fn new() -> SuppressionIndex {
        SuppressionIndex {
            base_phones: PhoneBase::default(),
            added_phones: HashSet::new(),
            removed_phones: HashSet::new(),
            phone_details: HashMap::new(),
            texts: HashSet::new(),
            text_details: HashMap::new(),
            reasons: ReasonPool::default(),
            default_reason: None,
            min_overlay_limit: MIN_OVERLAY_LIMIT,
        }
    }

    /// Builds the index of a whole uploaded list in one pass through the
    /// streaming [`IndexBuilder`] — phone keys are sorted in chunks and
    /// merged once — so 10M+ values cost no per-insert overlay work. A value
    /// given twice ends up as if inserted in order: the last expiry and
    /// reason win.
    pub fn from_sorted_or_unsorted<I, V, R>(entries: I) -> SuppressionIndex
    where
        I: IntoIterator<Item = (V, Option<i64>, Option<R>)>,
        V: AsRef<str>,
        R: AsRef<str>,
    {
        let mut builder = IndexBuilder::new();
        for (value, expires_at, reason) in entries {
            builder.push(
                value.as_ref(),
                expires_at,
                reason.as_ref().map(AsRef::as_ref),
            );
        }
        builder.finish()
    }

    /// A streaming builder for a whole list (values in any order, bounded
    /// memory); exists for registry-sized lists of hundreds of millions.
    pub fn builder() -> IndexBuilder {
        IndexBuilder::new()
    }

    /// Sets the reason reported for entries that have none of their own (an
    /// uploaded list usually has one reason for all its rows).
    pub fn set_default_reason(&mut self, reason: Option<&str>) {
        self.default_reason = reason.map(Box::from);
    }

    /// Adds `value`, or replaces the expiry and reason of an existing entry
    /// (`None` clears them); the API's "suppress this number" lands here.
    pub fn insert(&mut self, value: &str, expires_at: Option<i64>, reason: Option<&str>) {
        let details = self.details(expires_at, reason);
        let Some(key) = PhoneKey::parse(value) else {
            if !self.texts.contains(value) {
                self.texts.insert(value.into());
            }
            set_details(&mut self.text_details, value, details);
            return;
        };
        let key = key.as_u64();
        if self.base_phones.contains(key) {
            self.removed_phones.remove(&key);
        } else {
            self.added_phones.insert(key);
        }
        set_details(&mut self.phone_details, &key, details);
        self.fold_if_large();
    }

    /// Removes `value` and its details; true if it was present. Exists for
    /// un-suppressing a single entry without rebuilding the list.
    pub fn remove(&mut self, value: &str) -> bool {
        let Some(key) = PhoneKey::parse(value) else {
            self.text_details.remove(value);
            return self.texts.remove(value);
        };
        let key = key.as_u64();
        let removed = self.added_phones.remove(&key)
            || (self.base_phones.contains(key) && self.removed_phones.insert(key));
        if removed {
            self.phone_details.remove(&key);
            self.fold_if_large();
        }
        removed
    }

    /// The entry for `value`, expired or not; exists so a refusal can carry
    /// the reason and the caller can decide about expiry itself.
    pub fn get(&self, value: &str) -> Option<Entry<'_>> {
        match PhoneKey::parse(value) {
            Some(key) => self.get_phone(key),
            None => {
                let stored = self.texts.get(value)?;
                let details = self.text_details.get(&**stored);
                Some(self.entry(details))
            }
        }
    }

    /// [`get`](Self::get) for a number the caller has already parsed, which
    /// skips the string handling on the hot path.
    pub fn get_phone(&self, key: PhoneKey) -> Option<Entry<'_>> {
        let key = key.as_u64();
        if !self.contains_phone_key(key) {
            return None;
        }
        let details = if self.phone_details.is_empty() {
            None
        } else {
            self.phone_details.get(&key)
        };
        Some(self.entry(details))
    }

    /// True if `value` is in the list and its entry has not expired at
    /// `now_unix` (an entry expiring at `t` suppresses while `now < t`); the
    /// question a compliance decision asks.
    pub fn contains_active(&self, value: &str, now_unix: i64) -> bool {
        self.get(value)
            .is_some_and(|entry| is_active(entry, now_unix))
    }

    /// [`contains_active`](Self::contains_active) for an already parsed
    /// number.
    pub fn contains_phone_active(&self, key: PhoneKey, now_unix: i64) -> bool {
        self.get_phone(key)
            .is_some_and(|entry| is_active(entry, now_unix))
    }

    /// Number of entries, expired ones included; for list statistics.
    pub fn len(&self) -> usize {
        self.phone_count() + self.texts.len()
    }

    /// True when the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An estimate of the heap memory the index holds (allocation sizes, with
    /// glibc's per-string overhead; not the allocator's free lists), so a
    /// replica can report and bound what its suppression lists cost.
    pub fn heap_bytes(&self) -> usize {
        let texts: usize = self.texts.iter().map(|text| string_bytes(text)).sum();
        let detail_texts: usize = self
            .text_details
            .keys()
            .map(|text| string_bytes(text))
            .sum();
        self.base_phones.heap_bytes()
            + hash_table_bytes::<u64>(self.added_phones.capacity())
            + hash_table_bytes::<u64>(self.removed_phones.capacity())
            + hash_table_bytes::<(u64, Details)>(self.phone_details.capacity())
            + hash_table_bytes::<Box<str>>(self.texts.capacity())
            + texts
            + hash_table_bytes::<(Box<str>, Details)>(self.text_details.capacity())
            + detail_texts
            + self.reasons.heap_bytes()
            + self.default_reason.as_deref().map_or(0, string_bytes)
    }

    /// Folds the pending single edits into the sorted base now; exists for a
    /// writer that is about to publish a snapshot (clone into an `Arc`) and
    /// wants the fastest lookups and smallest footprint for it. The fold
    /// streams the old base into a new one: for its duration both are alive
    /// (plus the overlay as two sorted `Vec<u64>`), then the old one is freed.
    pub fn compact(&mut self) {
        if self.overlay_len() == 0 {
            return;
        }
        let mut removed: Vec<u64> = std::mem::take(&mut self.removed_phones)
            .into_iter()
            .collect();
        let mut added: Vec<u64> = std::mem::take(&mut self.added_phones).into_iter().collect();
        removed.sort_unstable();
        added.sort_unstable();
        self.base_phones.merge(&removed, &added);
    }

    #[cfg(test)]
    fn with_min_overlay_limit(limit: usize) -> SuppressionIndex {
        SuppressionIndex {
            min_overlay_limit: limit,
            ..SuppressionIndex::new()
        }
    }

    fn phone_count(&self) -> usize {
        self.base_phones.len() - self.removed_phones.len() + self.added_phones.len()
    }

    fn overlay_len(&self) -> usize {
        self.added_phones.len() + self.removed_phones.len()
    }

    fn fold_if_large(&mut self) {
        let limit = self.min_overlay_limit.max(self.base_phones.len() / 16);
        if self.overlay_len() > limit {
            self.compact();
        }
    }

    /// Exact phone membership: the base minus tombstones, plus recent adds.
    /// The overlay sets are only hashed into when they are non-empty.
    #[inline]
    fn contains_phone_key(&self, key: u64) -> bool {
        if self.base_phones.contains(key) {
            self.removed_phones.is_empty() || !self.removed_phones.contains(&key)
        } else {
            !self.added_phones.is_empty() && self.added_phones.contains(&key)
        }
    }

    fn details(&mut self, expires_at: Option<i64>, reason: Option<&str>) -> Option<Details> {
        if expires_at.is_none() && reason.is_none() {
            return None;
        }
        let reason = reason.map(|text| self.reasons.intern(text));
        Some(Details { expires_at, reason })
    }

    fn entry(&self, details: Option<&Details>) -> Entry<'_> {
        let own_reason = details.and_then(|details| details.reason);
        Entry {
            expires_at: details.and_then(|details| details.expires_at),
            reason: own_reason
                .map(|id| self.reasons.text(id))
                .or(self.default_reason.as_deref()),
        }
    }
}

fn is_active(entry: Entry<'_>, now_unix: i64) -> bool {
    entry
        .expires_at
        .is_none_or(|expires_at| now_unix < expires_at)
}

/// Stores `details` for `key`, or forgets old ones when there are none; the
/// removal is skipped while the map is empty, the common case of a big list.
fn set_details<K, Q>(map: &mut HashMap<K, Details>, key: &Q, details: Option<Details>)
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq + From<Q::Owned>,
    Q: std::hash::Hash + Eq + ToOwned + ?Sized,
{
    match details {
        Some(details) => {
            if let Some(stored) = map.get_mut(key) {
                *stored = details;
            } else {
                map.insert(K::from(key.to_owned()), details);
            }
        }
        None => {
            if !map.is_empty() {
                map.remove(key);
            }
        }
    }
}
