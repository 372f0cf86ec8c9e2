//! The versioned JSON document (format 1, with the optional `wirelessBlocks`
//! and `flaggedNumbers` added compatibly) and its validation into the
//! indexed [`NumberingData`]: the only place that knows the wire shape, so a
//! provider's document and the built-in file go through the same checks.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::numbers::{NumberFacts, NumberFlags};
use crate::postal::{PostalEntry, PostalTable};
use crate::{AreaInfo, DataError, NumberingData};

/// The one document format this build reads; a provider must serve it.
pub(crate) const FORMAT: u64 = 1;

/// The document as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDocument {
    version: String,
    area_codes: Vec<RawAreaCode>,
    countries: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    postal_codes: BTreeMap<String, Vec<RawPostalEntry>>,
    /// Optional (added compatibly to format 1): E.164 prefixes of wireless blocks.
    #[serde(default)]
    wireless_blocks: Vec<String>,
    /// Optional (added compatibly to format 1): reassigned or ported numbers.
    #[serde(default)]
    flagged_numbers: Vec<RawFlaggedNumber>,
}

/// One `flaggedNumbers` entry; an absent flag is `false`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFlaggedNumber {
    e164: String,
    #[serde(default)]
    reassigned: bool,
    #[serde(default)]
    ported: bool,
}

/// One `areaCodes` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAreaCode {
    area_code: String,
    country: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
    zones: Vec<String>,
}

/// One `postalCodes` entry of a country.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawPostalEntry {
    prefix: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    regions: Vec<String>,
    zones: Vec<String>,
}

/// Parses and validates a whole document; the first violation found is returned.
pub(crate) fn parse(json: &str) -> Result<NumberingData, DataError> {
    // Read the format first: a future format may have another shape, and
    // "unsupported format 2" says more than a missing-field error.
    let value: serde_json::Value = serde_json::from_str(json)?;
    let format = value.get("format").and_then(serde_json::Value::as_u64);
    if format != Some(FORMAT) {
        return Err(DataError::UnsupportedFormat {
            found: format.unwrap_or(0),
            expected: FORMAT,
        });
    }
    let raw = RawDocument::deserialize(value)?;

    let version = raw.version.trim().to_owned();
    if version.is_empty() {
        return Err(DataError::EmptyVersion);
    }

    let mut area_codes = HashMap::with_capacity(raw.area_codes.len());
    for entry in raw.area_codes {
        let (area_code, info) = validate_area_code(entry)?;
        if area_codes.contains_key(&area_code) {
            return Err(DataError::DuplicateAreaCode { area_code });
        }
        area_codes.insert(area_code, info);
    }

    let mut countries = HashMap::with_capacity(raw.countries.len());
    for (country, zones) in raw.countries {
        let location = format!("country {country}");
        check_country(&location, &country)?;
        check_zones(&location, &zones)?;
        countries.insert(country, zones);
    }

    let mut postal_tables = HashMap::with_capacity(raw.postal_codes.len());
    for (country, entries) in raw.postal_codes {
        check_country(&format!("postal codes of {country}"), &country)?;
        let mut table = PostalTable::default();
        for entry in entries {
            let location = format!("postal codes of {country}, prefix {}", entry.prefix);
            let (region, regions) = validate_regions(&location, entry.region, entry.regions)?;
            check_zones(&location, &entry.zones)?;
            let postal_entry = PostalEntry {
                region,
                regions,
                zones: entry.zones,
            };
            table.insert(&country, &entry.prefix, postal_entry)?;
        }
        postal_tables.insert(country, table);
    }

    let flagged_numbers = raw
        .flagged_numbers
        .into_iter()
        .map(|entry| {
            let flags = NumberFlags {
                reassigned: entry.reassigned,
                ported: entry.ported,
            };
            (entry.e164, flags)
        })
        .collect();
    let numbers = NumberFacts::build(raw.wireless_blocks, flagged_numbers)?;

    Ok(NumberingData {
        version,
        area_codes,
        countries,
        postal_tables,
        numbers,
    })
}

/// Checks one `areaCodes` entry and turns it into its key and [`AreaInfo`].
fn validate_area_code(entry: RawAreaCode) -> Result<(String, AreaInfo), DataError> {
    if !is_area_code(&entry.area_code) {
        return Err(DataError::InvalidAreaCode {
            area_code: entry.area_code,
        });
    }
    let location = format!("area code {}", entry.area_code);
    check_country(&location, &entry.country)?;
    let (region, regions) = validate_regions(&location, entry.region, entry.regions)?;
    check_zones(&location, &entry.zones)?;
    let info = AreaInfo {
        country: entry.country,
        region,
        regions,
        zones: entry.zones,
    };
    Ok((entry.area_code, info))
}

/// `true` for a NANP area code: three ASCII digits, the first 2 to 9.
pub(crate) fn is_area_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 3
        && (b'2'..=b'9').contains(&bytes[0])
        && bytes[1..].iter().all(u8::is_ascii_digit)
}

/// Merges `region` and `regions` into (the single region if exactly one, all regions).
fn validate_regions(
    location: &str,
    region: Option<String>,
    regions: Vec<String>,
) -> Result<(Option<String>, Vec<String>), DataError> {
    let mut all: Vec<String> = Vec::with_capacity(regions.len() + 1);
    // An empty `region` is the documented way to say "no region".
    for candidate in region.into_iter().chain(regions).filter(|r| !r.is_empty()) {
        let valid = candidate.len() <= 3
            && candidate
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !valid {
            return Err(DataError::InvalidRegion {
                location: location.to_owned(),
                region: candidate,
            });
        }
        if !all.contains(&candidate) {
            all.push(candidate);
        }
    }
    let single = match all.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    };
    Ok((single, all))
}

/// A country code must be two upper-case ASCII letters (ISO 3166-1 alpha-2).
fn check_country(location: &str, country: &str) -> Result<(), DataError> {
    let valid = country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase());
    if valid {
        return Ok(());
    }
    Err(DataError::InvalidCountry {
        location: location.to_owned(),
        country: country.to_owned(),
    })
}

/// Every entry needs at least one zone, and each must be an IANA name chrono-tz knows.
fn check_zones(location: &str, zones: &[String]) -> Result<(), DataError> {
    if zones.is_empty() {
        return Err(DataError::NoZones {
            location: location.to_owned(),
        });
    }
    for zone in zones {
        if zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(DataError::UnknownZone {
                location: location.to_owned(),
                zone: zone.clone(),
            });
        }
    }
    Ok(())
}
