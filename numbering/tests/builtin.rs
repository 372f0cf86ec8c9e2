//! The built-in data set: it validates, and hand-checked facts read back as written.

use numbering::{Location, NumberingData};

fn data() -> &'static NumberingData {
    NumberingData::builtin()
}

const NY: &str = "America/New_York";
const CHI: &str = "America/Chicago";
const DEN: &str = "America/Denver";
const LA: &str = "America/Los_Angeles";

/// (area code, country, region, every zone), checked by hand.
const AREA_CODES: &[(&str, &str, Option<&str>, &[&str])] = &[
    ("212", "US", Some("NY"), &[NY]),
    ("718", "US", Some("NY"), &[NY]),
    ("213", "US", Some("CA"), &[LA]),
    ("415", "US", Some("CA"), &[LA]),
    ("305", "US", Some("FL"), &[NY]),
    ("850", "US", Some("FL"), &[CHI, NY]),
    ("448", "US", Some("FL"), &[CHI, NY]),
    ("404", "US", Some("GA"), &[NY]),
    ("202", "US", Some("DC"), &[NY]),
    ("312", "US", Some("IL"), &[CHI]),
    ("303", "US", Some("CO"), &[DEN]),
    ("801", "US", Some("UT"), &[DEN]),
    ("206", "US", Some("WA"), &[LA]),
    ("702", "US", Some("NV"), &[LA]),
    ("808", "US", Some("HI"), &["Pacific/Honolulu"]),
    ("602", "US", Some("AZ"), &["America/Phoenix"]),
    ("480", "US", Some("AZ"), &["America/Phoenix"]),
    ("928", "US", Some("AZ"), &["America/Phoenix", DEN]),
    ("208", "US", Some("ID"), &["America/Boise", LA]),
    ("541", "US", Some("OR"), &[LA, "America/Boise"]),
    ("503", "US", Some("OR"), &[LA]),
    ("270", "US", Some("KY"), &[CHI, NY]),
    (
        "606",
        "US",
        Some("KY"),
        &[NY, "America/Kentucky/Monticello", CHI],
    ),
    (
        "502",
        "US",
        Some("KY"),
        &["America/Kentucky/Louisville", NY],
    ),
    ("423", "US", Some("TN"), &[NY, CHI]),
    ("931", "US", Some("TN"), &[NY, CHI]),
    ("615", "US", Some("TN"), &[CHI]),
    ("865", "US", Some("TN"), &[NY]),
    ("317", "US", Some("IN"), &["America/Indiana/Indianapolis"]),
    (
        "219",
        "US",
        Some("IN"),
        &[CHI, "America/Indiana/Indianapolis"],
    ),
    ("308", "US", Some("NE"), &[CHI, DEN]),
    ("402", "US", Some("NE"), &[CHI]),
    ("620", "US", Some("KS"), &[CHI, DEN]),
    ("785", "US", Some("KS"), &[CHI, DEN]),
    ("605", "US", Some("SD"), &[CHI, DEN]),
    ("915", "US", Some("TX"), &[DEN]),
    ("432", "US", Some("TX"), &[CHI, DEN]),
    ("214", "US", Some("TX"), &[CHI]),
    (
        "906",
        "US",
        Some("MI"),
        &["America/Detroit", "America/Menominee"],
    ),
    ("313", "US", Some("MI"), &["America/Detroit"]),
    ("787", "PR", None, &["America/Puerto_Rico"]),
    ("939", "PR", None, &["America/Puerto_Rico"]),
    ("340", "VI", None, &["America/St_Thomas"]),
    ("671", "GU", None, &["Pacific/Guam"]),
    ("876", "JM", None, &["America/Jamaica"]),
    ("809", "DO", None, &["America/Santo_Domingo"]),
    ("829", "DO", None, &["America/Santo_Domingo"]),
    ("849", "DO", None, &["America/Santo_Domingo"]),
    ("242", "BS", None, &["America/Nassau"]),
    ("246", "BB", None, &["America/Barbados"]),
    ("868", "TT", None, &["America/Port_of_Spain"]),
    ("441", "BM", None, &["Atlantic/Bermuda"]),
    ("416", "CA", Some("ON"), &["America/Toronto"]),
    ("613", "CA", Some("ON"), &["America/Toronto"]),
    (
        "807",
        "CA",
        Some("ON"),
        &["America/Toronto", "America/Winnipeg", "America/Atikokan"],
    ),
    ("514", "CA", Some("QC"), &["America/Toronto"]),
    ("604", "CA", Some("BC"), &["America/Vancouver"]),
    ("403", "CA", Some("AB"), &["America/Edmonton"]),
    ("204", "CA", Some("MB"), &["America/Winnipeg"]),
    ("506", "CA", Some("NB"), &["America/Moncton"]),
    (
        "709",
        "CA",
        Some("NL"),
        &["America/St_Johns", "America/Goose_Bay"],
    ),
];

#[test]
fn builtin_data_parses_and_validates() {
    let parsed = NumberingData::parse(include_str!("../data/numbering.json"))
        .expect("built-in data is valid");
    assert_eq!(parsed.version(), "builtin-2026-11");
    assert_eq!(data().version(), "builtin-2026-11");
    assert!(
        data().area_code_count() >= 400,
        "{}",
        data().area_code_count()
    );
}

#[test]
fn hand_checked_area_codes() {
    for &(code, country, region, zones) in AREA_CODES {
        let info = data()
            .nanp_area(code)
            .unwrap_or_else(|| panic!("{code} listed"));
        assert_eq!(info.country, country, "{code}");
        assert_eq!(info.region.as_deref(), region, "{code}");
        assert_eq!(info.zones, zones, "{code}");
    }
}

#[test]
fn multi_zone_area_codes_list_every_zone() {
    let contains = |code: &str, zone: &str| {
        data()
            .nanp_area(code)
            .is_some_and(|info| info.zones.iter().any(|z| z == zone))
    };
    assert!(contains("907", "America/Anchorage") && contains("907", "America/Adak"));
    assert!(contains("701", CHI) && contains("701", DEN));
    assert!(contains("701", "America/North_Dakota/Beulah"));
    assert!(contains("812", CHI) && contains("812", "America/Indiana/Indianapolis"));
    assert!(contains("306", "America/Regina") && contains("639", "America/Regina"));
    assert!(contains("474", "America/Regina"));
    assert!(contains("867", "America/Whitehorse") && contains("867", "America/Iqaluit"));
    assert!(contains("250", "America/Vancouver") && contains("250", "America/Dawson_Creek"));
    assert!(contains("418", "America/Toronto") && contains("418", "America/Blanc-Sablon"));
}

#[test]
fn area_codes_serving_several_provinces_have_no_single_region() {
    let maritimes = data().nanp_area("902").expect("902 listed");
    assert_eq!(maritimes.region, None);
    assert_eq!(maritimes.regions, ["NS", "PE"]);
    let north = data().nanp_area("867").expect("867 listed");
    assert_eq!(north.regions, ["YT", "NT", "NU"]);
    let ontario = data().nanp_area("416").expect("416 listed");
    assert_eq!(ontario.regions, ["ON"]);
    assert!(data().nanp_area("876").expect("876").regions.is_empty());
}

#[test]
fn non_geographic_and_malformed_codes_are_unknown() {
    for code in [
        "800", "833", "844", "855", "866", "877", "888", "900", "500", "521", "533", "544", "566",
        "577", "588", "600", "622", "700", "710", "211", "311", "411", "911", "555", "123", "012",
        "21", "2123", "abc", "",
    ] {
        assert!(
            data().nanp_area(code).is_none(),
            "{code:?} must not be listed"
        );
        assert_eq!(data().locate_phone(1, code, Some("US")), Location::UNKNOWN);
    }
}

#[test]
fn every_state_province_and_territory_has_an_area_code() {
    let states = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
        "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
        "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
        "VT", "VA", "WA", "WV", "WI", "WY",
    ];
    let provinces = [
        "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    ];
    let served = |country: &str, region: &str| {
        data()
            .area_codes()
            .any(|(_, info)| info.country == country && info.regions.iter().any(|r| r == region))
    };
    for state in states {
        assert!(served("US", state), "no area code for {state}");
    }
    for province in provinces {
        assert!(served("CA", province), "no area code for {province}");
    }
}

#[test]
fn area_code_zones_belong_to_their_country() {
    for (code, info) in data().area_codes() {
        let country_zones = data().country_zones(&info.country);
        assert!(
            !country_zones.is_empty(),
            "{code}: country {}",
            info.country
        );
        for zone in &info.zones {
            assert!(
                country_zones.contains(zone),
                "{code}: {zone} is not a zone of {}",
                info.country
            );
        }
        let has_region = !info.regions.is_empty();
        let subdivided = matches!(info.country.as_str(), "US" | "CA");
        assert_eq!(has_region, subdivided, "{code}: region only for US and CA");
    }
}

#[test]
fn locate_phone_uses_area_code_or_country() {
    let new_york = data().locate_phone(1, "212", None);
    assert_eq!(new_york.region, Some("NY"));
    assert_eq!(new_york.zones, [NY]);
    assert!(new_york.is_known());

    let paris = data().locate_phone(33, "1", Some("FR"));
    assert_eq!(paris.region, None);
    assert_eq!(paris.zones, ["Europe/Paris"]);

    assert_eq!(data().locate_phone(44, "20", None), Location::UNKNOWN);
    assert_eq!(data().locate_phone(999, "", Some("XX")), Location::UNKNOWN);
    assert!(!Location::UNKNOWN.is_known());
}

#[test]
fn country_zones() {
    assert_eq!(data().country_zones("FR"), ["Europe/Paris"]);
    assert_eq!(data().country_zones("fr"), ["Europe/Paris"]);
    let australia = data().country_zones("AU");
    assert!(australia.len() >= 5, "{australia:?}");
    for zone in ["Australia/Sydney", "Australia/Perth", "Australia/Adelaide"] {
        assert!(australia.iter().any(|z| z == zone), "{zone}");
    }
    let united_states = data().country_zones("US");
    assert!(united_states.iter().any(|z| z == "Pacific/Honolulu"));
    assert!(united_states.iter().any(|z| z == "America/Indiana/Knox"));
    assert!(data().country_zones("XX").is_empty());
    assert!(data().country_zones("").is_empty());
    assert!(data().country_zones("FRA").is_empty());
}

/// (country, postal code, region, every zone), checked by hand.
const POSTAL_CODES: &[(&str, &str, Option<&str>, &[&str])] = &[
    ("US", "10001", Some("NY"), &[NY]),
    ("US", "90210", Some("CA"), &[LA]),
    ("US", "02134", Some("MA"), &[NY]),
    ("US", "60601-1234", Some("IL"), &[CHI]),
    ("US", "606011234", Some("IL"), &[CHI]),
    ("US", " 32501 ", Some("FL"), &[CHI]),
    ("US", "32301", Some("FL"), &[NY]),
    ("US", "83702", Some("ID"), &["America/Boise"]),
    ("US", "96813", Some("HI"), &["Pacific/Honolulu"]),
    ("US", "85004", Some("AZ"), &["America/Phoenix"]),
    ("US", "20500", Some("DC"), &[NY]),
    ("US", "79901", Some("TX"), &[DEN]),
    ("US", "75201", Some("TX"), &[CHI]),
    ("US", "57701", Some("SD"), &[DEN]),
    ("US", "00901", Some("PR"), &["America/Puerto_Rico"]),
    ("PR", "00901", Some("PR"), &["America/Puerto_Rico"]),
    ("us", "12345 6789", Some("NY"), &[NY]),
    ("CA", "K1A 0B1", Some("ON"), &["America/Toronto"]),
    ("CA", "m5v3l9", Some("ON"), &["America/Toronto"]),
    ("CA", "H2X 1Y4", Some("QC"), &["America/Toronto"]),
    ("CA", "T2P 1J9", Some("AB"), &["America/Edmonton"]),
    ("CA", "R3C", Some("MB"), &["America/Winnipeg"]),
    ("CA", "E1C 4M3", Some("NB"), &["America/Moncton"]),
    ("CA", "C1A 4P3", Some("PE"), &["America/Halifax"]),
    (
        "CA",
        "A1C 5M2",
        Some("NL"),
        &["America/St_Johns", "America/Goose_Bay"],
    ),
    (
        "CA",
        "Y1A 1A1",
        Some("YT"),
        &["America/Whitehorse", "America/Dawson"],
    ),
];

#[test]
fn hand_checked_postal_codes() {
    for &(country, postal_code, region, zones) in POSTAL_CODES {
        let location = data()
            .postal_location(country, postal_code)
            .unwrap_or_else(|| panic!("{country} {postal_code:?} located"));
        assert_eq!(location.region, region, "{country} {postal_code:?}");
        assert_eq!(location.zones, zones, "{country} {postal_code:?}");
    }
    let vancouver = data().postal_location("CA", "V6B 1A1").expect("V located");
    assert_eq!(vancouver.region, Some("BC"));
    assert!(vancouver.zones.iter().any(|z| z == "America/Vancouver"));
    let anchorage = data().postal_location("US", "99501").expect("AK located");
    assert!(anchorage.zones.iter().any(|z| z == "America/Anchorage"));
    let north = data().postal_location("CA", "X1A 2N2").expect("X located");
    assert_eq!(north.region, None);
    assert_eq!(north.regions, ["NT", "NU"]);
}

#[test]
fn malformed_or_uncovered_postal_codes_are_unknown() {
    for (country, postal_code) in [
        ("US", "2134"),
        ("US", "1234567"),
        ("US", "ABCDE"),
        ("US", ""),
        ("US", "09001"),
        ("CA", "D1A 1A1"),
        ("CA", "12345"),
        ("CA", "K1A 0B"),
        ("FR", "75001"),
        ("XX", "10001"),
        ("", "10001"),
    ] {
        assert_eq!(
            data().postal_location(country, postal_code),
            None,
            "{country} {postal_code:?}"
        );
    }
}
