//! `domain::PhoneNumber::parse` on any text, with a default country chosen by
//! the first byte: no panic, the same answer twice, an E.164 result that
//! re-normalises to itself and whose parts add up to it.

#![no_main]

use domain::{DefaultCountry, PhoneNumber};
use libfuzzer_sys::fuzz_target;

/// Defaults that change how a national number reads (NANP, trunk prefixes, long numbers).
const COUNTRIES: [&str; 12] = [
    "US", "CA", "GB", "DE", "FR", "IT", "IN", "AU", "BR", "JP", "MX", "JM",
];

fuzz_target!(|data: &[u8]| {
    let [choice, text @ ..] = data else {
        return;
    };
    let Ok(raw) = std::str::from_utf8(text) else {
        return;
    };
    // One in thirteen inputs has no default: only +<country code> numbers are valid then.
    let default = COUNTRIES
        .get(usize::from(*choice) % (COUNTRIES.len() + 1))
        .map(|code| DefaultCountry::parse("country", code).expect("a supported country"));
    // The country code parser takes any text too.
    let _ = DefaultCountry::parse("country", raw);

    let parsed = PhoneNumber::parse("phone", raw, default);
    assert_eq!(
        parsed,
        PhoneNumber::parse("phone", raw, default),
        "parsing is deterministic"
    );
    let Ok(number) = parsed else {
        return;
    };

    let e164 = number.e164();
    let digits = e164.strip_prefix('+').expect("E.164 starts with +");
    assert!(
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        "{e164:?}"
    );
    let national = digits
        .strip_prefix(&number.country_code().to_string())
        .unwrap_or_else(|| {
            panic!(
                "{e164:?} does not start with its country code {}",
                number.country_code()
            )
        });
    assert_eq!(
        format!(
            "{}{}{}",
            number.area_code(),
            number.exchange(),
            number.subscriber()
        ),
        national,
        "the parts of {e164:?} add up to its national number"
    );

    // A normalised number reads back as itself, whatever the default country.
    for again in [None, default] {
        let reparsed = PhoneNumber::parse("phone", e164, again).unwrap_or_else(|error| {
            panic!("{raw:?} became {e164:?}, which does not parse: {error}")
        });
        assert_eq!(reparsed.e164(), e164, "{raw:?}");
        assert_eq!(reparsed.country_code(), number.country_code(), "{raw:?}");
        assert_eq!(reparsed.country(), number.country(), "{raw:?}");
        assert_eq!(reparsed.device_type(), number.device_type(), "{raw:?}");
        assert_eq!(
            (
                reparsed.area_code(),
                reparsed.exchange(),
                reparsed.subscriber()
            ),
            (number.area_code(), number.exchange(), number.subscriber()),
            "{raw:?}"
        );
    }
});
