//! How long an SMS is: its encoding (GSM 03.38 7-bit when every character is
//! in the GSM alphabet, else UCS-2) and how many segments a carrier bills.
//!
//! One GSM-7 message holds 160 units, a concatenated one 153 per segment; a
//! character of the extension table (`^ { } \ [ ~ ] | €`, form feed) takes
//! two units and is never split across segments. UCS-2 holds 70 UTF-16
//! units, 67 per segment when concatenated, and a surrogate pair is never
//! split either.

use serde::Serialize;

/// The GSM 03.38 basic alphabet (one unit each).
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The GSM 03.38 extension table (an escape plus the character: two units).
const GSM_EXTENDED: &str = "^{}\\[~]|€\u{c}";

/// How an SMS is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Encoding {
    /// GSM 03.38 7-bit: 160 units in one message.
    Gsm7,
    /// UCS-2 (UTF-16): 70 units in one message.
    Ucs2,
}

/// An SMS's length as the editor shows it and the carrier bills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SmsLength {
    /// The encoding the text needs.
    pub encoding: Encoding,
    /// Units used (GSM-7 septets or UTF-16 code units).
    pub units: usize,
    /// Segments sent (0 for an empty text).
    pub segments: usize,
}

/// Units one character takes in GSM-7, or `None` outside the alphabet.
fn gsm_units(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENDED.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts segments of `costs` (units per character) with `single` units in
/// one message and `part` per segment of a longer one; no character is split.
fn segments(costs: &[usize], single: usize, part: usize) -> usize {
    let total: usize = costs.iter().sum();
    if total == 0 {
        return 0;
    }
    if total <= single {
        return 1;
    }
    let mut count = 1;
    let mut used = 0;
    for &cost in costs {
        if used + cost > part {
            count += 1;
            used = 0;
        }
        used += cost;
    }
    count
}

/// Measures a text: encoding, units and segments.
pub fn measure(text: &str) -> SmsLength {
    let gsm: Option<Vec<usize>> = text.chars().map(gsm_units).collect();
    match gsm {
        Some(costs) => SmsLength {
            encoding: Encoding::Gsm7,
            units: costs.iter().sum(),
            segments: segments(&costs, 160, 153),
        },
        None => {
            let costs: Vec<usize> = text.chars().map(char::len_utf16).collect();
            SmsLength {
                encoding: Encoding::Ucs2,
                units: costs.iter().sum(),
                segments: segments(&costs, 70, 67),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn gsm_boundaries() {
        assert_eq!(measure("").segments, 0);
        let one = "a".repeat(160);
        assert_eq!(
            measure(&one),
            SmsLength {
                encoding: Encoding::Gsm7,
                units: 160,
                segments: 1
            }
        );
        assert_eq!(measure(&"a".repeat(161)).segments, 2);
        assert_eq!(measure(&"a".repeat(306)).segments, 2);
        assert_eq!(measure(&"a".repeat(307)).segments, 3);
    }

    #[test]
    fn extension_characters_take_two_units_and_are_not_split() {
        assert_eq!(measure("€").units, 2);
        assert_eq!(measure(&format!("{}€", "a".repeat(158))).segments, 1);
        assert_eq!(measure(&format!("{}€", "a".repeat(159))).segments, 2);
        // 152 units then a two-unit character: it starts the second segment.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(
            measure(&text),
            SmsLength {
                encoding: Encoding::Gsm7,
                units: 164,
                segments: 2
            }
        );
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(
            measure(&text).segments,
            3,
            "the € moved to segment 2 leaves 151 there"
        );
    }

    #[test]
    fn anything_outside_the_alphabet_needs_ucs2() {
        let text = "Olá, você já pagou?";
        assert_eq!(measure(text).encoding, Encoding::Ucs2);
        assert_eq!(
            measure(&"ç".repeat(70)).segments,
            1,
            "ç is not GSM (only Ç is)"
        );
        assert_eq!(measure(&"ç".repeat(71)).segments, 2);
        assert_eq!(measure("😀").units, 2, "a surrogate pair");
        let pairs = format!("{}😀", "x😀".repeat(22));
        assert_eq!(measure(&pairs).units, 68);
        assert_eq!(measure(&pairs).segments, 1);
    }

    proptest! {
        #[test]
        fn segments_hold_the_units(text in "[a-z€ç😀 ]{0,400}") {
            let length = measure(&text);
            let (single, part) = match length.encoding { Encoding::Gsm7 => (160, 153), Encoding::Ucs2 => (70, 67) };
            if length.units == 0 {
                prop_assert_eq!(length.segments, 0);
            } else if length.units <= single {
                prop_assert_eq!(length.segments, 1);
            } else {
                prop_assert!(length.segments * part >= length.units);
                prop_assert!(length.segments <= length.units.div_ceil(part - 1));
            }
        }
    }
}
