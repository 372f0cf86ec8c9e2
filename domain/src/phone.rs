//! Phone numbers: parsed once with libphonenumber's rules into E.164 and the
//! parts that rules and dialers use (country code, area code, exchange,
//! subscriber number, extension), with the number's country and line type.

use rlibphonenumber::{PhoneNumberType, Region};

use crate::ValidationError;

/// What kind of line a number reaches; automated modes need consent for mobiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceType {
    /// A wireless number.
    Mobile,
    /// A fixed line.
    Landline,
    /// The numbering plan does not tell (all of the NANP, toll-free, VoIP, …):
    /// compliance data (wireless blocks, ported numbers) decides later.
    Unknown,
}

impl DeviceType {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Mobile => "MOBILE",
            DeviceType::Landline => "LANDLINE",
            DeviceType::Unknown => "UNKNOWN",
        }
    }
}

/// A valid phone number in canonical form with its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    e164: String,
    country_code: u16,
    area_code: String,
    exchange: String,
    subscriber: String,
    extension: Option<String>,
    country: Option<String>,
    device_type: DeviceType,
}

/// A two-letter country code accepted as a parsing default (`US`, `GB`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultCountry(Region);

impl DefaultCountry {
    /// Parses an ISO 3166 alpha-2 code, case-insensitively.
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, ValidationError> {
        let code = raw.trim().to_ascii_uppercase();
        let region = (code.len() == 2)
            .then(|| code.parse::<Region>().ok())
            .flatten()
            .filter(|region| {
                rlibphonenumber::PHONE_NUMBER_UTIL
                    .get_supported_regions()
                    .any(|r| r == *region)
            });
        region.map(DefaultCountry).ok_or_else(|| {
            ValidationError::new(
                field,
                format!("{raw:?} is not a supported two-letter country code"),
            )
        })
    }
}

/// The North American Numbering Plan's country code: its numbers split as NPA-NXX-XXXX.
const NANP: u16 = 1;

impl PhoneNumber {
    /// Parses a number as people write it; a number without a country code is read as a
    /// number of `default_country`. Rejects what is not a valid, dialable number.
    pub fn parse(
        field: &'static str,
        raw: &str,
        default_country: Option<DefaultCountry>,
    ) -> Result<Self, ValidationError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValidationError::new(field, "is empty"));
        }
        let parsed = rlibphonenumber::PhoneNumber::parse(text, default_country.map(|c| c.0))
            .map_err(|_| ValidationError::new(field, "is not a phone number"))?;
        if !parsed.is_valid() {
            return Err(ValidationError::new(field, "is not a valid phone number"));
        }
        let country_code = u16::try_from(parsed.country_code)
            .map_err(|_| ValidationError::new(field, "has an impossible country code"))?;
        let national = parsed.get_national_significant_number();
        let (area_code, exchange, subscriber) = if country_code == NANP && national.len() == 10 {
            (
                national[..3].to_owned(),
                national[3..6].to_owned(),
                national[6..].to_owned(),
            )
        } else {
            let geographic = parsed.get_length_of_geographical_area_code();
            let length = if geographic > 0 {
                geographic
            } else {
                parsed.get_length_of_national_destination_code()
            };
            let length = length.min(national.len());
            (
                national[..length].to_owned(),
                String::new(),
                national[length..].to_owned(),
            )
        };
        let device_type = match parsed.get_type() {
            PhoneNumberType::Mobile => DeviceType::Mobile,
            PhoneNumberType::FixedLine => DeviceType::Landline,
            _ => DeviceType::Unknown,
        };
        Ok(PhoneNumber {
            e164: format!("+{country_code}{national}"),
            country_code,
            area_code,
            exchange,
            subscriber,
            extension: parsed.extension.clone().filter(|ext| !ext.is_empty()),
            country: parsed
                .get_region_code()
                .map(|region| region.as_region_str().to_string()),
            device_type,
        })
    }

    /// `+` and digits, e.g. `+12025550143` (without the extension).
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The country calling code (`1`, `44`, …).
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// The area code (NANP NPA, or the geographic area / destination code elsewhere); may be empty.
    pub fn area_code(&self) -> &str {
        &self.area_code
    }

    /// The NANP exchange (NXX); empty outside the NANP.
    pub fn exchange(&self) -> &str {
        &self.exchange
    }

    /// The rest of the national number after the area code (and exchange).
    pub fn subscriber(&self) -> &str {
        &self.subscriber
    }

    /// The extension, when one was written.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    /// The ISO country the number belongs to (`US`, `CA`, `JM`, …), when it is one country's.
    pub fn country(&self) -> Option<&str> {
        self.country.as_deref()
    }

    /// Mobile, landline, or unknown from the numbering plan alone.
    pub fn device_type(&self) -> DeviceType {
        self.device_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> Option<DefaultCountry> {
        Some(DefaultCountry::parse("defaultCountry", "us").unwrap())
    }

    #[test]
    fn normalises_the_many_ways_people_write_numbers() {
        let same = [
            "(202) 456-1414",
            "202.456.1414",
            "202-456-1414",
            "+1 202 456 1414",
            "1-202-456-1414",
            "  2024561414 ",
            "+1 (202) 456-1414",
        ];
        for raw in same {
            let number =
                PhoneNumber::parse("phone", raw, us()).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(number.e164(), "+12024561414", "{raw}");
            assert_eq!(
                (number.area_code(), number.exchange(), number.subscriber()),
                ("202", "456", "1414")
            );
            assert_eq!(number.country(), Some("US"));
            assert_eq!(number.country_code(), 1);
        }
    }

    #[test]
    fn parts_type_and_country_by_plan() {
        // (input, default, e164, country, area code, exchange, subscriber, type)
        type Case = (
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            &'static str,
            DeviceType,
        );
        let cases: [Case; 6] = [
            (
                "416 555 0199",
                "CA",
                "+14165550199",
                "CA",
                "416",
                "555",
                "0199",
                DeviceType::Unknown,
            ),
            (
                "+1 876 927 1234",
                "US",
                "+18769271234",
                "JM",
                "876",
                "927",
                "1234",
                DeviceType::Landline,
            ),
            (
                "020 7946 0018",
                "GB",
                "+442079460018",
                "GB",
                "20",
                "",
                "79460018",
                DeviceType::Landline,
            ),
            (
                "07400 123456",
                "GB",
                "+447400123456",
                "GB",
                "7400",
                "",
                "123456",
                DeviceType::Mobile,
            ),
            (
                "+33 6 12 34 56 78",
                "US",
                "+33612345678",
                "FR",
                "6",
                "",
                "12345678",
                DeviceType::Mobile,
            ),
            (
                "030 901820",
                "DE",
                "+4930901820",
                "DE",
                "30",
                "",
                "901820",
                DeviceType::Landline,
            ),
        ];
        for (raw, default, e164, country, area, exchange, subscriber, device_type) in cases {
            let default = DefaultCountry::parse("defaultCountry", default).unwrap();
            let number = PhoneNumber::parse("phone", raw, Some(default))
                .unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(number.e164(), e164, "{raw}");
            assert_eq!(number.country(), Some(country), "{raw}");
            assert_eq!(number.area_code(), area, "{raw}");
            assert_eq!(number.exchange(), exchange, "{raw}");
            assert_eq!(number.subscriber(), subscriber, "{raw}");
            assert_eq!(number.device_type(), device_type, "{raw}");
        }
    }

    #[test]
    fn keeps_extensions_apart_from_the_number() {
        let number = PhoneNumber::parse("phone", "202-456-1414 ext. 305", us()).unwrap();
        assert_eq!(number.e164(), "+12024561414");
        assert_eq!(number.extension(), Some("305"));
        let number = PhoneNumber::parse("phone", "202-456-1414 x7", us()).unwrap();
        assert_eq!(number.extension(), Some("7"));
    }

    #[test]
    fn rejects_what_cannot_be_dialled() {
        let bad = [
            "",
            "   ",
            "hello",
            "12",
            "+1 123 456 7890",
            "202-456-141",
            "+999 1234 5678",
            "=cmd|' /C calc'!A0",
        ];
        for raw in bad {
            let error = PhoneNumber::parse("phone", raw, us()).expect_err(raw);
            assert_eq!(error.field, "phone");
        }
        // Without a default country a national number has no meaning.
        assert!(PhoneNumber::parse("phone", "202-456-1414", None).is_err());
    }

    #[test]
    fn default_countries_are_checked() {
        assert!(DefaultCountry::parse("defaultCountry", "gb").is_ok());
        for bad in ["", "USA", "ZZ", "1", "xx"] {
            assert!(
                DefaultCountry::parse("defaultCountry", bad).is_err(),
                "{bad}"
            );
        }
    }
}
