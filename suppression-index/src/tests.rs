//! Behaviour of the whole index: semantics of each operation, the bulk
//! builder against single inserts, and exactness against a `HashMap` model
//! under random inserts, removals, folds and lookups.

use std::collections::HashMap;

use proptest::prelude::*;

use crate::{Entry, IndexBuilder, PhoneKey, SuppressionIndex};

#[test]
fn index_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SuppressionIndex>();
}

#[test]
fn phones_and_texts_are_found_with_their_details() {
    let mut index = SuppressionIndex::new();
    index.insert("+12127365000", None, None);
    index.insert("+442071838750", Some(2_000), Some("customer request"));
    index.insert("Jane@Example.com", None, Some("bounced"));
    index.insert("client-42", Some(1_000), None);

    assert_eq!(index.len(), 4);
    assert_eq!(
        index.get("+12127365000"),
        Some(Entry {
            expires_at: None,
            reason: None
        })
    );
    assert_eq!(
        index.get("+442071838750"),
        Some(Entry {
            expires_at: Some(2_000),
            reason: Some("customer request")
        })
    );
    assert_eq!(
        index.get("Jane@Example.com").and_then(|entry| entry.reason),
        Some("bounced")
    );
    assert_eq!(index.get("jane@example.com"), None, "compared as given");
    assert_eq!(index.get("+12127365001"), None);
}

#[test]
fn default_reason_answers_for_entries_without_one() {
    let mut index = SuppressionIndex::new();
    index.insert("+12127365000", None, None);
    index.insert("+12127365001", None, Some("litigator"));
    index.set_default_reason(Some("national registry"));
    let reason = |value| index.get(value).and_then(|entry| entry.reason);
    assert_eq!(reason("+12127365000"), Some("national registry"));
    assert_eq!(reason("+12127365001"), Some("litigator"));
}

#[test]
fn expiry_is_exclusive() {
    let mut index = SuppressionIndex::new();
    index.insert("+12127365000", Some(100), None);
    index.insert("a@example.com", Some(100), None);
    for value in ["+12127365000", "a@example.com"] {
        assert!(index.contains_active(value, 99));
        assert!(!index.contains_active(value, 100));
        assert!(
            index.get(value).is_some(),
            "expired entries stay until removed"
        );
    }
    let key = PhoneKey::parse("+12127365000").expect("canonical");
    assert!(index.contains_phone_active(key, 99) && !index.contains_phone_active(key, 100));
}

#[test]
fn reinsert_replaces_details_and_remove_reports_presence() {
    let mut index = SuppressionIndex::new();
    index.insert("+12127365000", Some(100), Some("first"));
    index.insert("+12127365000", None, None);
    assert_eq!(
        index.get("+12127365000"),
        Some(Entry {
            expires_at: None,
            reason: None
        })
    );
    assert!(index.remove("+12127365000"));
    assert!(!index.remove("+12127365000"));
    assert!(!index.remove("nobody@example.com"));
    assert!(index.is_empty());
}

#[test]
fn leading_zero_strings_are_not_confused_with_numbers() {
    let mut index = SuppressionIndex::new();
    index.insert("+012127365000", None, None);
    assert!(index.get("+12127365000").is_none());
    assert!(index.get("+012127365000").is_some());
    index.insert("+1", None, None);
    assert!(index.get("+10").is_none() && index.get("+01").is_none());
}

#[test]
fn bulk_build_equals_inserting_in_order() {
    let rows: Vec<(String, Option<i64>, Option<String>)> = (0..5_000u64)
        .map(|n| {
            let value = match n % 5 {
                0 => format!("user{}@example.com", n % 700),
                _ => format!("+1212555{:04}", (n * 7919) % 3_000),
            };
            let expiry = (n % 3 == 0).then_some(n as i64);
            let reason = (n % 4 == 0).then(|| format!("reason {}", n % 3));
            (value, expiry, reason)
        })
        .collect();
    let built = SuppressionIndex::from_sorted_or_unsorted(rows.iter().cloned());
    let mut inserted = SuppressionIndex::new();
    for (value, expiry, reason) in &rows {
        inserted.insert(value, *expiry, reason.as_deref());
    }
    assert_eq!(built.len(), inserted.len());
    for (value, _, _) in &rows {
        assert_eq!(built.get(value), inserted.get(value), "{value}");
    }
    assert!(built.heap_bytes() > 0);
}

/// Rows in no order, with repeated numbers (some with details, some
/// without), texts, and a few numbers far outside NANP.
fn unordered_rows() -> Vec<(String, Option<i64>, Option<String>)> {
    (0..20_000u64)
        .map(|n| {
            let value = match n % 7 {
                0 => format!("user{}@example.com", n % 900),
                1 => format!("+44{:010}", (n * 104_729) % 1_000_000_007),
                _ => format!("+1{}", 2_000_000_000 + (n * 7_919_993) % 8_000_000_000),
            };
            let value = if n % 11 == 0 {
                format!("+1{}", 2_000_000_000 + (n / 11) % 500)
            } else {
                value
            };
            let expiry = (n % 13 == 0).then_some(n as i64);
            let reason = (n % 17 == 0).then(|| format!("reason {}", n % 3));
            (value, expiry, reason)
        })
        .collect()
}

#[test]
fn chunked_builder_equals_bulk_build() {
    let rows = unordered_rows();
    let bulk = SuppressionIndex::from_sorted_or_unsorted(rows.iter().cloned());
    for chunk_keys in [1, 7, 128, 1_000, 1 << 20] {
        let mut builder = IndexBuilder::with_chunk_keys(chunk_keys);
        for (value, expiry, reason) in &rows {
            builder.push(value, *expiry, reason.as_deref());
        }
        let built = builder.finish();
        assert_eq!(built.len(), bulk.len(), "chunk {chunk_keys}");
        assert_eq!(built.base_phones.len(), bulk.base_phones.len());
        assert!(built.base_phones.iter().eq(bulk.base_phones.iter()));
        for (value, _, _) in &rows {
            assert_eq!(built.get(value), bulk.get(value), "{value}");
            let neighbour = format!("{value}1");
            assert_eq!(built.get(&neighbour), bulk.get(&neighbour), "{neighbour}");
        }
    }
}

#[test]
fn push_phone_equals_pushing_the_text_without_details() {
    let numbers: Vec<u64> = (0..3_000u64)
        .map(|n| 12_000_000_000 + (n * 2_654_435_761) % 8_000_000_000)
        .collect();
    let mut by_key = SuppressionIndex::builder();
    let mut by_text = IndexBuilder::with_chunk_keys(500);
    for &number in numbers.iter().chain(numbers.iter().step_by(5)) {
        by_key.push_phone(PhoneKey::from_u64(number).expect("in range"));
        by_text.push(&format!("+{number}"), None, None);
    }
    // A later push without details clears earlier ones, as in the bulk build.
    by_key.push("+12000000001", Some(5), Some("first"));
    by_key.push_phone(PhoneKey::from_u64(12_000_000_001).expect("in range"));
    by_text.push("+12000000001", None, None);
    let (by_key, by_text) = (by_key.finish(), by_text.finish());
    assert_eq!(by_key.len(), by_text.len());
    assert_eq!(
        by_key.get("+12000000001"),
        Some(Entry {
            expires_at: None,
            reason: None
        })
    );
    for number in numbers.iter().flat_map(|&n| [n, n + 1]) {
        let key = PhoneKey::from_u64(number).expect("in range");
        assert_eq!(by_key.get_phone(key), by_text.get_phone(key), "{number}");
    }
}

#[test]
fn empty_builder_gives_an_empty_index() {
    let index = SuppressionIndex::builder().finish();
    assert!(index.is_empty());
    assert_eq!(index.get("+12127365000"), None);
    let mut index = index;
    index.insert("+12127365000", None, None);
    index.compact();
    assert!(index.get("+12127365000").is_some());
}

#[test]
fn folding_keeps_every_entry_and_shrinks_the_overlay() {
    let mut index = SuppressionIndex::with_min_overlay_limit(8);
    let values: Vec<String> = (0..200).map(|n| format!("+1646555{n:04}")).collect();
    for value in &values {
        index.insert(value, None, None);
    }
    for value in values.iter().step_by(3) {
        assert!(index.remove(value));
    }
    assert!(index.overlay_len() <= 8.max(index.base_phones.len() / 16) + 1);
    index.compact();
    assert_eq!(index.overlay_len(), 0);
    for (position, value) in values.iter().enumerate() {
        assert_eq!(index.get(value).is_some(), position % 3 != 0, "{value}");
    }
    assert_eq!(index.len(), values.len() - values.len().div_ceil(3));
}

#[test]
fn debug_prints_counts_not_values() {
    let mut index = SuppressionIndex::new();
    index.insert("+12127365000", None, None);
    let printed = format!("{index:?}");
    assert!(!printed.contains("2127365000"), "{printed}");
}

#[derive(Clone, Debug)]
enum Operation {
    Insert(usize, Option<i64>, Option<u8>),
    Remove(usize),
    Compact,
}

/// A small pool so that inserts, removals and lookups hit the same values:
/// numbers close together, different lengths, non-canonical strings, texts.
fn pool() -> Vec<String> {
    let mut values: Vec<String> = (0..40).map(|n| format!("+1212555{:04}", n * 3)).collect();
    values.extend(
        [
            "+1",
            "+10",
            "+44207183875",
            "+442071838750",
            "+999999999999999",
        ]
        .map(String::from),
    );
    values.extend(
        [
            "+012125550000",
            "+1 212 555 0000",
            "a@example.com",
            "client-7",
            "",
        ]
        .map(String::from),
    );
    values
}

fn operation(pool_size: usize) -> impl Strategy<Value = Operation> {
    prop_oneof![
        6 => (0..pool_size, proptest::option::of(0i64..20), proptest::option::of(0u8..3))
            .prop_map(|(value, expiry, reason)| Operation::Insert(value, expiry, reason)),
        4 => (0..pool_size).prop_map(Operation::Remove),
        1 => Just(Operation::Compact),
    ]
}

proptest! {
    #[test]
    fn matches_a_hash_map_model(
        initial in proptest::collection::vec((0usize..50, proptest::option::of(0i64..20)), 0..30),
        operations in proptest::collection::vec(operation(50), 0..200),
        now in 0i64..20,
        chunked in proptest::bool::ANY,
    ) {
        let values = pool();
        prop_assume!(values.len() == 50);
        let reason_text = |reason: Option<u8>| reason.map(|n| format!("reason {n}"));
        let mut model: HashMap<String, (Option<i64>, Option<String>)> = HashMap::new();
        for (value, expiry) in &initial {
            model.insert(values[*value].clone(), (*expiry, None));
        }
        let mut index = if chunked {
            let mut builder = IndexBuilder::with_chunk_keys(3);
            for (value, expiry) in &initial {
                builder.push(&values[*value], *expiry, None);
            }
            builder.finish()
        } else {
            SuppressionIndex::from_sorted_or_unsorted(
                initial.iter().map(|(value, expiry)| (values[*value].as_str(), *expiry, None::<&str>)),
            )
        };
        index.min_overlay_limit = 4;
        for operation in operations {
            match operation {
                Operation::Insert(value, expiry, reason) => {
                    let reason = reason_text(reason);
                    index.insert(&values[value], expiry, reason.as_deref());
                    model.insert(values[value].clone(), (expiry, reason));
                }
                Operation::Remove(value) => {
                    let expected = model.remove(&values[value]).is_some();
                    prop_assert_eq!(index.remove(&values[value]), expected);
                }
                Operation::Compact => index.compact(),
            }
            prop_assert_eq!(index.len(), model.len());
        }
        for value in &values {
            let expected = model.get(value).map(|(expiry, reason)| Entry {
                expires_at: *expiry,
                reason: reason.as_deref(),
            });
            prop_assert_eq!(index.get(value), expected);
            let active = model.get(value).is_some_and(|(expiry, _)| expiry.is_none_or(|at| now < at));
            prop_assert_eq!(index.contains_active(value, now), active);
        }
    }
}
