//! Numbering facts the compliance rules need: which region and which IANA
//! time zones a North American area code, a country or a postal code is in.
//!
//! The facts come as one versioned JSON document (format 1, see
//! `numbering/README.md`). A copy written for this project is compiled in
//! ([`NumberingData::builtin`]) so the product works offline; a compliance
//! data provider serves newer copies of the same format, which go through the
//! same validation ([`NumberingData::parse`]). Lookups are hash-map reads:
//! they run once per device of a contact import.
//!
//! *Invariants:* no I/O (the built-in file is `include_str!`), no clock, no
//! knowledge of phone-number parsing or of the rules that use the zones.

#![warn(missing_docs)]

mod document;
mod error;
mod numbers;
mod postal;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock};

pub use error::DataError;
pub use numbers::NumberFlags;

/// The built-in document, shipped inside the binary.
const BUILTIN_JSON: &str = include_str!("../data/numbering.json");

/// The built-in data, parsed on first use; shared so a refreshable holder can start from it.
static BUILTIN: LazyLock<Arc<NumberingData>> = LazyLock::new(|| {
    // The built-in file is proven valid by the crate's tests.
    Arc::new(NumberingData::parse(BUILTIN_JSON).expect("the built-in numbering data is valid"))
});

/// No zones: what an unknown number or address resolves to.
const NO_ZONES: &[String] = &[];

/// Parsed, indexed numbering facts: one provider document, validated.
#[derive(Debug)]
pub struct NumberingData {
    version: String,
    area_codes: HashMap<String, AreaInfo>,
    countries: HashMap<String, Vec<String>>,
    postal_tables: HashMap<String, postal::PostalTable>,
    numbers: numbers::NumberFacts,
}

/// What the data says about one NANP area code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaInfo {
    /// ISO 3166-1 country of the area code ("US", "CA", "JM", "PR" …).
    pub country: String,
    /// The ISO 3166-2 subdivision without country prefix ("NY", "ON") when the
    /// area code serves exactly one; `None` for several or for a one-region country.
    pub region: Option<String>,
    /// Every subdivision the area code serves (902: NS and PE); empty when the country says it all.
    pub regions: Vec<String>,
    /// Every IANA zone a number with this area code may be in.
    pub zones: Vec<String>,
}

impl AreaInfo {
    /// The area code as a [`Location`], the shape every lookup answers with.
    pub fn location(&self) -> Location<'_> {
        Location {
            region: self.region.as_deref(),
            regions: &self.regions,
            zones: &self.zones,
        }
    }
}

/// Where a number or address is: the region and every zone it may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    /// The single subdivision, when there is exactly one.
    pub region: Option<&'a str>,
    /// Every subdivision it may be in (several for 902, 867 or postal district X).
    pub regions: &'a [String],
    /// Every IANA zone it may be in; empty when unknown (the caller falls back
    /// to the tenant's default zone, never to "allow").
    pub zones: &'a [String],
}

impl Location<'static> {
    /// Nothing known: no region, no zone.
    pub const UNKNOWN: Location<'static> = Location {
        region: None,
        regions: NO_ZONES,
        zones: NO_ZONES,
    };
}

impl Location<'_> {
    /// `true` when at least one zone is known, so a calling window can be computed.
    pub fn is_known(&self) -> bool {
        !self.zones.is_empty()
    }
}

impl NumberingData {
    /// The data compiled into the binary, used until (and whenever) no provider answers.
    pub fn builtin() -> &'static NumberingData {
        &BUILTIN
    }

    /// The built-in data as a shared handle, for holders that swap it for a provider's copy.
    pub fn builtin_shared() -> Arc<NumberingData> {
        Arc::clone(&BUILTIN)
    }

    /// Parses and validates a format-1 document (the built-in file or a provider's answer).
    pub fn parse(json: &str) -> Result<NumberingData, DataError> {
        document::parse(json)
    }

    /// The document's free-text version label, shown in the UI.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// How many area codes the data lists, for status pages and refresh logs.
    pub fn area_code_count(&self) -> usize {
        self.area_codes.len()
    }

    /// Every distinct region (ISO 3166-2 subdivision without country prefix) an
    /// area code serves, sorted: the choices of a per-region rule.
    pub fn regions(&self) -> Vec<&str> {
        let regions: BTreeSet<&str> = self
            .area_codes
            .values()
            .flat_map(|info| info.regions.iter().map(String::as_str))
            .collect();
        regions.into_iter().collect()
    }

    /// `true` when the E.164 number (`+15551234567`) is in one of the document's
    /// wireless (mobile) blocks; `false` when not, or when no blocks are listed.
    pub fn is_wireless(&self, e164: &str) -> bool {
        self.numbers.is_wireless(e164)
    }

    /// Whether the E.164 number was reassigned or ported; both `false` when not listed.
    pub fn flags(&self, e164: &str) -> NumberFlags {
        self.numbers.flags(e164)
    }

    /// How many wireless blocks the data lists, for status pages and refresh logs.
    pub fn wireless_block_count(&self) -> usize {
        self.numbers.wireless_block_count()
    }

    /// How many numbers the data flags as reassigned or ported, for status pages.
    pub fn flagged_number_count(&self) -> usize {
        self.numbers.flagged_count()
    }

    /// Every listed area code with its facts, in no particular order (admin views, checks).
    pub fn area_codes(&self) -> impl Iterator<Item = (&str, &AreaInfo)> {
        self.area_codes
            .iter()
            .map(|(code, info)| (code.as_str(), info))
    }

    /// The facts of a geographic NANP area code; `None` for non-geographic (800, 500 …) or unknown ones.
    pub fn nanp_area(&self, area_code: &str) -> Option<&AreaInfo> {
        self.area_codes.get(area_code.trim())
    }

    /// Every IANA zone of an ISO country (case-insensitive); empty when unknown.
    pub fn country_zones(&self, iso_country: &str) -> &[String] {
        let Some(country) = upper_country(iso_country) else {
            return NO_ZONES;
        };
        self.countries
            .get(country.as_str())
            .map_or(NO_ZONES, Vec::as_slice)
    }

    /// Where an address is from its postal code: US ZIP (5 or 9 digits, also
    /// for PR, VI, GU, MP, AS) by its first three digits, Canadian postal code
    /// by its first letter; `None` when malformed or not covered.
    pub fn postal_location(&self, iso_country: &str, postal_code: &str) -> Option<Location<'_>> {
        let country = upper_country(iso_country)?;
        let table_country = postal::table_country(&self.postal_tables, country.as_str());
        let table = self.postal_tables.get(table_country)?;
        let normalised = postal::normalise(table_country, postal_code)?;
        let entry = table.find(&normalised)?;
        Some(Location {
            region: entry.region.as_deref(),
            regions: &entry.regions,
            zones: &entry.zones,
        })
    }

    /// Where a phone number is from its country calling code and area code:
    /// country code 1 → the NANP area code's facts (the ISO country is not
    /// needed); any other → the ISO country's zones without region; unknown →
    /// [`Location::UNKNOWN`].
    pub fn locate_phone(
        &self,
        country_code: u16,
        area_code: &str,
        iso_country: Option<&str>,
    ) -> Location<'_> {
        if country_code == 1 {
            return self
                .nanp_area(area_code)
                .map_or(Location::UNKNOWN, AreaInfo::location);
        }
        let zones = iso_country.map_or(NO_ZONES, |country| self.country_zones(country));
        Location {
            region: None,
            regions: NO_ZONES,
            zones,
        }
    }
}

/// An ISO country code upper-cased without allocating (`None` unless two ASCII letters).
fn upper_country(iso_country: &str) -> Option<CountryCode> {
    let bytes = iso_country.trim().as_bytes();
    match bytes {
        [first, second] if first.is_ascii_alphabetic() && second.is_ascii_alphabetic() => {
            Some(CountryCode([
                first.to_ascii_uppercase(),
                second.to_ascii_uppercase(),
            ]))
        }
        _ => None,
    }
}

/// Two upper-case ASCII letters.
struct CountryCode([u8; 2]);

impl CountryCode {
    fn as_str(&self) -> &str {
        // Both bytes are ASCII letters (checked in `upper_country`).
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}
