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
