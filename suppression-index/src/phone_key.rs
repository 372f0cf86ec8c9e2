//! The integer form of an E.164 phone number, so that a phone entry costs
//! eight bytes in the sorted base instead of a heap-allocated string.
//!
//! Why the mapping is exact: a canonical E.164 string is `+` followed by one
//! to fifteen ASCII digits whose first digit is 1–9. Reading those digits as a
//! base-10 integer is injective on that set, because a positional numeral with
//! no leading zero is the unique decimal representation of its value. Two
//! different digit strings can only denote the same integer if one of them
//! has a leading zero (`"0044…"` and `"44…"`), and E.164 forbids that.
//! Different lengths therefore never collide either: `+1` + ten digits is
//! below 2·10¹⁰ while `+44` + ten digits is at least 4.4·10¹¹. The inverse is
//! `format!("+{}", key.as_u64())`. Fifteen digits stay below 10¹⁵ < 2⁵⁰, so
//! the integer never overflows a `u64`.
//!
//! Strings that are *not* canonical (a leading zero, spaces, too long) are not
//! phone keys; the index stores them verbatim as text, which keeps the whole
//! index an exact set of strings.

/// The longest E.164 number: fifteen digits after the `+`.
const MAX_DIGITS: usize = 15;

/// The largest key: fifteen nines.
const MAX_KEY: u64 = 999_999_999_999_999;

/// A canonical E.164 number read as an integer; exists so that callers that
/// already hold a parsed number (and the benchmark) can skip string handling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhoneKey(u64);

impl PhoneKey {
    /// Reads `+` and 1–15 digits, the first one 1–9; anything else is `None`
    /// (and is stored as text by the index), so only canonical forms map here.
    pub fn parse(value: &str) -> Option<PhoneKey> {
        let digits = value.as_bytes().strip_prefix(b"+")?;
        if digits.is_empty() || digits.len() > MAX_DIGITS || digits[0] == b'0' {
            return None;
        }
        let mut number: u64 = 0;
        for &byte in digits {
            if !byte.is_ascii_digit() {
                return None;
            }
            number = number * 10 + u64::from(byte - b'0');
        }
        Some(PhoneKey(number))
    }

    /// The key of `+{number}`: `Some` for 1 ≤ number < 10¹⁵ (every such
    /// integer is a canonical digit string), else `None`; exists so bulk
    /// loaders and benchmarks can hand over numbers without formatting them.
    pub fn from_u64(number: u64) -> Option<PhoneKey> {
        (1..=MAX_KEY).contains(&number).then_some(PhoneKey(number))
    }

    /// The digits as an integer; exists for callers that keep their own
    /// integer-keyed structures (the benchmark's `HashSet<u64>` baseline).
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::PhoneKey;

    #[test]
    fn canonical_numbers_parse_and_round_trip() {
        for text in [
            "+12127365000",
            "+442071838750",
            "+1",
            "+10",
            "+999999999999999",
        ] {
            let key = PhoneKey::parse(text).expect(text);
            assert_eq!(format!("+{}", key.as_u64()), text);
        }
    }

    #[test]
    fn integers_map_exactly_to_parsed_keys() {
        for number in [1u64, 10, 12_127_365_000, 999_999_999_999_999] {
            let parsed = PhoneKey::parse(&format!("+{number}"));
            assert_eq!(PhoneKey::from_u64(number), parsed);
        }
        assert_eq!(PhoneKey::from_u64(0), None);
        assert_eq!(PhoneKey::from_u64(1_000_000_000_000_000), None);
        assert_eq!(PhoneKey::from_u64(u64::MAX), None);
    }

    #[test]
    fn non_canonical_strings_are_not_phone_keys() {
        for text in [
            "",
            "+",
            "12127365000",
            "+012127365000",
            "+0",
            "+1 212 736 5000",
            "+1212736500a",
            "+1234567890123456",
            "++12127365000",
            "a@example.com",
        ] {
            assert_eq!(PhoneKey::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn different_digit_strings_never_share_a_key() {
        // Exhaustive over every canonical digit string of up to four digits
        // (11,110 strings): the map from string to key is injective.
        let mut seen = std::collections::HashMap::new();
        for length in 1..=4u32 {
            for number in 10u64.pow(length - 1)..10u64.pow(length) {
                let text = format!("+{number}");
                let key = PhoneKey::parse(&text).expect("canonical");
                assert_eq!(seen.insert(key, text.clone()), None, "{text} collides");
            }
        }
        // Lengths that differ near the boundary of NANP and two-digit codes.
        let nanp = PhoneKey::parse("+12127365000").expect("nanp");
        let london = PhoneKey::parse("+442071838750").expect("london");
        let max = PhoneKey::parse("+999999999999999").expect("max");
        assert!(nanp < london && london < max);
        assert!(max.as_u64() < 1 << 50);
    }
}
