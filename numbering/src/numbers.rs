//! Facts about single numbers and number blocks rather than places: which
//! E.164 prefixes are wireless (mobile) blocks, and which numbers were
//! reassigned to a new subscriber or ported to another carrier. Both come from
//! optional fields of the format-1 document (`wirelessBlocks`, `flaggedNumbers`).

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::DataError;

/// Most digits an E.164 number has (ITU-T E.164: country code and national number).
const MAX_E164_DIGITS: usize = 15;

/// Fewest digits a flagged number may have (a country code and at least a few digits).
const MIN_NUMBER_DIGITS: usize = 7;

/// What the provider says about one number: a flag the rules may refuse a call for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumberFlags {
    /// The number now belongs to another subscriber than the one who gave consent.
    pub reassigned: bool,
    /// The number moved to another carrier (often wireline → wireless).
    pub ported: bool,
}

/// The wireless blocks and flagged numbers, indexed for O(1) lookups.
#[derive(Debug, Default)]
pub(crate) struct NumberFacts {
    /// Wireless prefixes as digits without `+`.
    wireless_blocks: HashSet<String>,
    /// The distinct prefix lengths in `wireless_blocks`, so a lookup tries only those.
    block_lengths: BTreeSet<usize>,
    /// Flagged numbers by their digits without `+`.
    flagged: HashMap<String, NumberFlags>,
}

impl NumberFacts {
    /// Validates and indexes the two optional lists of a document.
    pub(crate) fn build(
        wireless_blocks: Vec<String>,
        flagged_numbers: Vec<(String, NumberFlags)>,
    ) -> Result<NumberFacts, DataError> {
        let mut facts = NumberFacts::default();
        for block in wireless_blocks {
            // A repeated block says the same thing twice: harmless, kept once.
            let digits = e164_digits(&block, 1)
                .ok_or_else(|| DataError::InvalidWirelessBlock {
                    prefix: block.clone(),
                })?
                .to_owned();
            facts.block_lengths.insert(digits.len());
            facts.wireless_blocks.insert(digits);
        }
        for (number, flags) in flagged_numbers {
            let Some(digits) = e164_digits(&number, MIN_NUMBER_DIGITS) else {
                return Err(DataError::InvalidFlaggedNumber { e164: number });
            };
            // Two entries for one number could disagree: refuse rather than guess.
            if facts.flagged.insert(digits.to_owned(), flags).is_some() {
                return Err(DataError::DuplicateFlaggedNumber { e164: number });
            }
        }
        Ok(facts)
    }

    /// `true` when `e164` starts with one of the wireless blocks.
    pub(crate) fn is_wireless(&self, e164: &str) -> bool {
        let Some(digits) = e164_digits(e164, 1) else {
            return false;
        };
        self.block_lengths
            .iter()
            .take_while(|length| **length <= digits.len())
            .any(|length| self.wireless_blocks.contains(&digits[..*length]))
    }

    /// The flags of `e164`; both `false` when the number is not listed.
    pub(crate) fn flags(&self, e164: &str) -> NumberFlags {
        e164_digits(e164, 1)
            .and_then(|digits| self.flagged.get(digits))
            .copied()
            .unwrap_or_default()
    }

    /// How many wireless blocks are listed.
    pub(crate) fn wireless_block_count(&self) -> usize {
        self.wireless_blocks.len()
    }

    /// How many numbers are flagged.
    pub(crate) fn flagged_count(&self) -> usize {
        self.flagged.len()
    }
}

/// The digits of `+<digits>` when there are `min_digits` to 15 of them and the first is not 0.
fn e164_digits(text: &str, min_digits: usize) -> Option<&str> {
    let digits = text.trim().strip_prefix('+')?;
    let valid = (min_digits..=MAX_E164_DIGITS).contains(&digits.len())
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && !digits.starts_with('0');
    valid.then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NumberFacts {
        NumberFacts::build(
            vec!["+1555123".into(), "+447".into(), "+1555123".into()],
            vec![
                (
                    "+12125550100".into(),
                    NumberFlags {
                        reassigned: true,
                        ported: false,
                    },
                ),
                (
                    "+12125550101".into(),
                    NumberFlags {
                        reassigned: false,
                        ported: true,
                    },
                ),
            ],
        )
        .expect("valid")
    }

    #[test]
    fn a_number_in_a_wireless_block_is_wireless() {
        let facts = facts();
        assert_eq!(facts.wireless_block_count(), 2);
        for (number, wireless) in [
            ("+15551234567", true),
            ("+1555123", true),
            ("+447700900123", true),
            ("+15551244567", false),
            ("+155512", false),
            ("+4417", false),
            ("15551234567", false),
            ("", false),
        ] {
            assert_eq!(facts.is_wireless(number), wireless, "{number}");
        }
    }

    #[test]
    fn flags_are_read_per_number() {
        let facts = facts();
        assert_eq!(facts.flagged_count(), 2);
        assert!(facts.flags("+12125550100").reassigned);
        assert!(!facts.flags("+12125550100").ported);
        assert!(facts.flags("+12125550101").ported);
        assert_eq!(facts.flags("+12125550199"), NumberFlags::default());
        assert_eq!(facts.flags("not a number"), NumberFlags::default());
    }

    #[test]
    fn malformed_blocks_and_numbers_are_refused() {
        for block in ["1555", "+", "+0555", "+15a5", "+1234567890123456"] {
            let error = NumberFacts::build(vec![block.into()], Vec::new()).unwrap_err();
            assert!(
                matches!(&error, DataError::InvalidWirelessBlock { prefix } if prefix == block),
                "{block}: {error}"
            );
        }
        for number in ["12125550100", "+1212", "+1-212-555-0100"] {
            let error =
                NumberFacts::build(Vec::new(), vec![(number.into(), NumberFlags::default())])
                    .unwrap_err();
            assert!(
                matches!(&error, DataError::InvalidFlaggedNumber { e164 } if e164 == number),
                "{number}: {error}"
            );
        }
    }

    #[test]
    fn a_number_flagged_twice_is_refused() {
        let twice = vec![
            ("+12125550100".to_owned(), NumberFlags::default()),
            (" +12125550100".to_owned(), NumberFlags::default()),
        ];
        let error = NumberFacts::build(Vec::new(), twice).unwrap_err();
        assert!(
            matches!(error, DataError::DuplicateFlaggedNumber { .. }),
            "{error}"
        );
    }
}
