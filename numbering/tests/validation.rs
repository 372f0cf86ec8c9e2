//! A provider's document is refused, with the what and the where, when it breaks a rule.

use numbering::{DataError, NumberingData};
use serde_json::{Value, json};

/// A small valid document to break one field at a time.
fn valid() -> Value {
    json!({
        "format": 1,
        "version": "provider-2027-01",
        "areaCodes": [
            {"areaCode": "212", "country": "US", "region": "NY", "zones": ["America/New_York"]},
            {"areaCode": "876", "country": "JM", "region": "", "zones": ["America/Jamaica"]}
        ],
        "countries": {"FR": ["Europe/Paris"]},
        "postalCodes": {
            "US": [{"prefix": "100-149", "region": "NY", "zones": ["America/New_York"]}],
            "CA": [{"prefix": "X", "regions": ["NT", "NU"], "zones": ["America/Iqaluit"]}]
        }
    })
}

fn parse(document: &Value) -> Result<NumberingData, DataError> {
    NumberingData::parse(&document.to_string())
}

fn refused(document: &Value) -> DataError {
    match parse(document) {
        Ok(_) => panic!("document accepted: {document}"),
        Err(error) => error,
    }
}

#[test]
fn a_valid_document_is_read() {
    let data = parse(&valid()).expect("valid");
    assert_eq!(data.version(), "provider-2027-01");
    assert_eq!(data.area_code_count(), 2);
    assert_eq!(data.nanp_area("876").expect("876").region, None);
    assert_eq!(data.country_zones("FR"), ["Europe/Paris"]);
    assert!(data.country_zones("US").is_empty());
    let north = data.postal_location("CA", "X0A 0H0").expect("X");
    assert_eq!(north.regions, ["NT", "NU"]);
    assert_eq!(
        data.postal_location("US", "14850").expect("NY").region,
        Some("NY")
    );
}

#[test]
fn postal_codes_are_optional() {
    let mut document = valid();
    document
        .as_object_mut()
        .expect("object")
        .remove("postalCodes");
    let data = parse(&document).expect("valid without postal codes");
    assert_eq!(data.postal_location("US", "10001"), None);
}

#[test]
fn another_format_version_is_refused() {
    let mut document = valid();
    document["format"] = json!(2);
    let error = refused(&document);
    assert!(
        matches!(
            error,
            DataError::UnsupportedFormat {
                found: 2,
                expected: 1
            }
        ),
        "{error}"
    );

    document.as_object_mut().expect("object").remove("format");
    assert!(matches!(
        refused(&document),
        DataError::UnsupportedFormat { found: 0, .. }
    ));
}

#[test]
fn text_that_is_not_the_document_is_refused() {
    assert!(matches!(
        NumberingData::parse("not json"),
        Err(DataError::Json(_))
    ));
    let mut document = valid();
    document
        .as_object_mut()
        .expect("object")
        .remove("areaCodes");
    assert!(matches!(refused(&document), DataError::Json(_)));
}

#[test]
fn an_empty_version_is_refused() {
    let mut document = valid();
    document["version"] = json!("  ");
    assert!(matches!(refused(&document), DataError::EmptyVersion));
}

#[test]
fn an_unknown_zone_is_refused_with_its_place() {
    let mut document = valid();
    document["areaCodes"][0]["zones"] = json!(["America/New_York", "Mars/Olympus_Mons"]);
    let error = refused(&document);
    assert!(
        matches!(&error, DataError::UnknownZone { zone, .. } if zone == "Mars/Olympus_Mons"),
        "{error}"
    );
    assert!(error.to_string().contains("area code 212"), "{error}");

    let mut document = valid();
    document["countries"]["FR"] = json!(["europe/paris"]);
    let error = refused(&document);
    assert!(error.to_string().contains("country FR"), "{error}");

    let mut document = valid();
    document["postalCodes"]["US"][0]["zones"] = json!(["EST5EDT6"]);
    assert!(matches!(refused(&document), DataError::UnknownZone { .. }));
}

#[test]
fn a_bad_area_code_is_refused() {
    for bad in ["123", "012", "21", "2125", "2a2", " 212", ""] {
        let mut document = valid();
        document["areaCodes"][0]["areaCode"] = json!(bad);
        let error = refused(&document);
        assert!(
            matches!(&error, DataError::InvalidAreaCode { area_code } if area_code == bad),
            "{bad:?}: {error}"
        );
    }
}

#[test]
fn a_duplicate_area_code_is_refused() {
    let mut document = valid();
    document["areaCodes"][1]["areaCode"] = json!("212");
    let error = refused(&document);
    assert!(
        matches!(&error, DataError::DuplicateAreaCode { area_code } if area_code == "212"),
        "{error}"
    );
}

#[test]
fn a_bad_country_code_is_refused() {
    let mut document = valid();
    document["areaCodes"][0]["country"] = json!("us");
    assert!(matches!(
        refused(&document),
        DataError::InvalidCountry { .. }
    ));

    let mut document = valid();
    document["countries"] = json!({"FRA": ["Europe/Paris"]});
    assert!(matches!(
        refused(&document),
        DataError::InvalidCountry { .. }
    ));
}

#[test]
fn a_bad_region_is_refused() {
    let mut document = valid();
    document["areaCodes"][0]["region"] = json!("New York");
    assert!(matches!(
        refused(&document),
        DataError::InvalidRegion { .. }
    ));
}

#[test]
fn an_entry_without_zones_is_refused() {
    let mut document = valid();
    document["areaCodes"][0]["zones"] = json!([]);
    let error = refused(&document);
    assert!(matches!(error, DataError::NoZones { .. }), "{error}");

    let mut document = valid();
    document["countries"]["FR"] = json!([]);
    assert!(matches!(refused(&document), DataError::NoZones { .. }));
}

#[test]
fn bad_or_overlapping_postal_prefixes_are_refused() {
    for bad in ["149-100", "10-149", "1000000", "abc", "", "0-99999"] {
        let mut document = valid();
        document["postalCodes"]["US"][0]["prefix"] = json!(bad);
        let error = refused(&document);
        assert!(
            matches!(error, DataError::InvalidPostalPrefix { .. }),
            "{bad:?}: {error}"
        );
    }

    let mut document = valid();
    document["postalCodes"]["US"]
        .as_array_mut()
        .expect("array")
        .push(json!({"prefix": "120", "region": "NY", "zones": ["America/New_York"]}));
    let error = refused(&document);
    assert!(
        matches!(&error, DataError::DuplicatePostalPrefix { prefix, .. } if prefix == "120"),
        "{error}"
    );
}

#[test]
fn wireless_blocks_and_flagged_numbers_are_optional_and_read() {
    let plain = parse(&valid()).expect("format 1 without the optional fields");
    assert!(!plain.is_wireless("+15551234567"));
    assert_eq!(
        plain.flags("+12125550100"),
        numbering::NumberFlags::default()
    );

    let mut document = valid();
    document["wirelessBlocks"] = json!(["+1555123", "+447"]);
    document["flaggedNumbers"] = json!([
        {"e164": "+12125550100", "reassigned": true},
        {"e164": "+12125550101", "ported": true}
    ]);
    let data = parse(&document).expect("valid with wireless blocks and flags");
    assert_eq!(data.wireless_block_count(), 2);
    assert_eq!(data.flagged_number_count(), 2);
    assert!(data.is_wireless("+15551234567"));
    assert!(data.is_wireless("+447700900123"));
    assert!(!data.is_wireless("+12125550100"));
    let reassigned = data.flags("+12125550100");
    assert!(reassigned.reassigned && !reassigned.ported);
    let ported = data.flags("+12125550101");
    assert!(!ported.reassigned && ported.ported);
}

#[test]
fn bad_wireless_blocks_and_flagged_numbers_are_refused() {
    let mut document = valid();
    document["wirelessBlocks"] = json!(["1555123"]);
    assert!(matches!(
        refused(&document),
        DataError::InvalidWirelessBlock { .. }
    ));

    let mut document = valid();
    document["flaggedNumbers"] = json!([{"e164": "212-555-0100", "ported": true}]);
    assert!(matches!(
        refused(&document),
        DataError::InvalidFlaggedNumber { .. }
    ));

    document["flaggedNumbers"] = json!([
        {"e164": "+12125550100", "ported": true},
        {"e164": "+12125550100", "reassigned": true}
    ]);
    assert!(matches!(
        refused(&document),
        DataError::DuplicateFlaggedNumber { .. }
    ));

    document["flaggedNumbers"] = json!([{"number": "+12125550100"}]);
    assert!(matches!(refused(&document), DataError::Json(_)));
}

#[test]
fn regions_are_distinct_and_sorted() {
    let data = parse(&valid()).expect("valid");
    assert_eq!(data.regions(), ["NY"]);
    let builtin = NumberingData::builtin().regions();
    assert!(builtin.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(builtin.contains(&"ON") && builtin.contains(&"NY"));
}
