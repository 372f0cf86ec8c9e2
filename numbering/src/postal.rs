//! Postal code tables: prefixes (or ranges of numeric prefixes) indexed in a
//! map, and the normalisation that turns a postal code as typed in a contact
//! list ("12345-6789", "k1a 0b1") into the keys to look up.

use std::collections::HashMap;

use crate::DataError;

/// Longest prefix an entry may give; keeps the index small and lookups few.
const MAX_PREFIX_LENGTH: usize = 6;
/// Longest numeric range bound: a range expands to one key per value, so at most 10,000.
const MAX_RANGE_DIGITS: usize = 4;

/// Territories whose addresses use United States ZIP codes.
const US_ZIP_TERRITORIES: [&str; 5] = ["PR", "VI", "GU", "MP", "AS"];

/// The region and zones of one postal prefix entry.
#[derive(Debug, Clone)]
pub(crate) struct PostalEntry {
    pub(crate) region: Option<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) zones: Vec<String>,
}

/// One country's postal prefixes.
#[derive(Debug, Default)]
pub(crate) struct PostalTable {
    entries: Vec<PostalEntry>,
    /// Every expanded prefix → index into `entries`.
    by_prefix: HashMap<String, usize>,
    /// The prefix lengths present, longest first (the longest match wins).
    prefix_lengths: Vec<usize>,
}

impl PostalTable {
    /// Adds an entry under `prefix` (`"K"`, `"350"` or a range `"350-369"`).
    pub(crate) fn insert(
        &mut self,
        country: &str,
        prefix: &str,
        entry: PostalEntry,
    ) -> Result<(), DataError> {
        let invalid = || DataError::InvalidPostalPrefix {
            country: country.to_owned(),
            prefix: prefix.to_owned(),
        };
        let keys = expand_prefix(prefix).ok_or_else(invalid)?;
        let index = self.entries.len();
        self.entries.push(entry);
        for key in keys {
            if !self.prefix_lengths.contains(&key.len()) {
                self.prefix_lengths.push(key.len());
                self.prefix_lengths.sort_unstable_by(|a, b| b.cmp(a));
            }
            if self.by_prefix.insert(key.clone(), index).is_some() {
                return Err(DataError::DuplicatePostalPrefix {
                    country: country.to_owned(),
                    prefix: key,
                });
            }
        }
        Ok(())
    }

    /// The entry of the longest prefix of an already normalised postal code.
    pub(crate) fn find(&self, normalised: &str) -> Option<&PostalEntry> {
        self.prefix_lengths
            .iter()
            .filter(|&&length| length <= normalised.len())
            .find_map(|&length| self.by_prefix.get(&normalised[..length]))
            .map(|&index| &self.entries[index])
    }
}

/// The keys a prefix stands for: itself, or every value of a numeric range.
fn expand_prefix(prefix: &str) -> Option<Vec<String>> {
    let is_key = |text: &str| {
        !text.is_empty()
            && text.len() <= MAX_PREFIX_LENGTH
            && text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    let Some((start, end)) = prefix.split_once('-') else {
        return is_key(prefix).then(|| vec![prefix.to_owned()]);
    };
    let numeric = |text: &str| {
        !text.is_empty()
            && text.len() <= MAX_RANGE_DIGITS
            && text.bytes().all(|b| b.is_ascii_digit())
    };
    if !numeric(start) || !numeric(end) || start.len() != end.len() {
        return None;
    }
    let width = start.len();
    let first: u32 = start.parse().ok()?;
    let last: u32 = end.parse().ok()?;
    if first > last {
        return None;
    }
    Some(
        (first..=last)
            .map(|value| format!("{value:0width$}"))
            .collect(),
    )
}

/// The postal table a country's addresses use (US territories use ZIP codes).
pub(crate) fn table_country<'a>(
    tables: &HashMap<String, PostalTable>,
    country: &'a str,
) -> &'a str {
    if !tables.contains_key(country) && US_ZIP_TERRITORIES.contains(&country) {
        return "US";
    }
    country
}

/// A postal code without spaces or hyphens, upper-cased, if it has the
/// country's shape (US: 5 or 9 digits; CA: `A9A` or `A9A9A9`; others: letters and digits).
pub(crate) fn normalise(country: &str, postal_code: &str) -> Option<String> {
    let compact: String = postal_code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.is_empty() || !compact.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let shaped = match country {
        "US" => matches!(compact.len(), 5 | 9) && compact.bytes().all(|b| b.is_ascii_digit()),
        "CA" => is_canadian(&compact),
        _ => true,
    };
    shaped.then_some(compact)
}

/// `A9A` (a forward sortation area) or a full `A9A9A9` Canadian postal code.
fn is_canadian(compact: &str) -> bool {
    let bytes = compact.as_bytes();
    matches!(bytes.len(), 3 | 6)
        && bytes.iter().enumerate().all(|(position, b)| {
            if position % 2 == 0 {
                b.is_ascii_uppercase()
            } else {
                b.is_ascii_digit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_expand_with_leading_zeros() {
        assert_eq!(
            expand_prefix("008-010"),
            Some(vec!["008".into(), "009".into(), "010".into()])
        );
        assert_eq!(expand_prefix("K"), Some(vec!["K".into()]));
        assert_eq!(expand_prefix("369-350"), None);
        assert_eq!(expand_prefix("35-369"), None);
        assert_eq!(expand_prefix("00000-99999"), None);
        assert_eq!(expand_prefix("k"), None);
        assert_eq!(expand_prefix(""), None);
    }

    #[test]
    fn postal_codes_are_normalised_by_country_shape() {
        assert_eq!(normalise("US", "12345-6789"), Some("123456789".into()));
        assert_eq!(normalise("US", " 02134 "), Some("02134".into()));
        assert_eq!(normalise("US", "2134"), None);
        assert_eq!(normalise("US", "1234A"), None);
        assert_eq!(normalise("CA", "k1a 0b1"), Some("K1A0B1".into()));
        assert_eq!(normalise("CA", "K1A"), Some("K1A".into()));
        assert_eq!(normalise("CA", "12345"), None);
        assert_eq!(normalise("FR", "75001"), Some("75001".into()));
        assert_eq!(normalise("US", ""), None);
    }
}
