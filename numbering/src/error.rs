//! Why a numbering document was refused: one variant per validation rule,
//! each naming the offending value and where it was found.

use thiserror::Error;

/// A numbering document that must not be used: a provider's refresh is
/// rejected whole, so the data in use stays the last valid one.
#[derive(Debug, Error)]
pub enum DataError {
    /// The text is not JSON of the documented shape (a field missing or of the wrong type).
    #[error("numbering data is not a valid document: {0}")]
    Json(#[from] serde_json::Error),

    /// The document declares a format version this build does not read.
    #[error("unsupported numbering data format {found}, expected {expected}")]
    UnsupportedFormat {
        /// The `format` value of the document.
        found: u64,
        /// The one format this build reads.
        expected: u64,
    },

    /// The `version` label is empty or blank (it is shown in the UI).
    #[error("numbering data version is empty")]
    EmptyVersion,

    /// An area code is not three digits `[2-9][0-9][0-9]`.
    #[error("area code {area_code:?} is not three digits starting with 2-9")]
    InvalidAreaCode {
        /// The area code as written.
        area_code: String,
    },

    /// The same area code appears twice.
    #[error("area code {area_code} is listed more than once")]
    DuplicateAreaCode {
        /// The repeated area code.
        area_code: String,
    },

    /// A country code is not two upper-case ASCII letters.
    #[error("{location}: country code {country:?} is not two upper-case letters")]
    InvalidCountry {
        /// Where the code was found, e.g. `area code 212`.
        location: String,
        /// The country code as written.
        country: String,
    },

    /// A region is not an ISO 3166-2 subdivision code without its country prefix.
    #[error("{location}: region {region:?} is not 1 to 3 upper-case letters or digits")]
    InvalidRegion {
        /// Where the region was found.
        location: String,
        /// The region as written.
        region: String,
    },

    /// A time zone is not a name of the IANA time-zone database.
    #[error("{location}: unknown time zone {zone:?}")]
    UnknownZone {
        /// Where the zone was found.
        location: String,
        /// The zone as written.
        zone: String,
    },

    /// An entry lists no time zone at all.
    #[error("{location}: no time zone listed")]
    NoZones {
        /// The entry without zones.
        location: String,
    },

    /// A postal prefix is neither a letter/digit string nor a range `NNN-NNN` of equal-length numbers.
    #[error("postal codes of {country}: prefix {prefix:?} is not a prefix or an ascending range")]
    InvalidPostalPrefix {
        /// The country of the postal table.
        country: String,
        /// The prefix as written.
        prefix: String,
    },

    /// Two postal entries of one country cover the same prefix.
    #[error("postal codes of {country}: prefix {prefix} is covered more than once")]
    DuplicatePostalPrefix {
        /// The country of the postal table.
        country: String,
        /// The prefix covered twice.
        prefix: String,
    },

    /// A `wirelessBlocks` entry is not `+` followed by 1 to 15 digits (not starting with 0).
    #[error("wireless block {prefix:?} is not an E.164 prefix such as \"+1555123\"")]
    InvalidWirelessBlock {
        /// The prefix as written.
        prefix: String,
    },

    /// A `flaggedNumbers` entry is not an E.164 number (`+` and 7 to 15 digits).
    #[error("flagged number {e164:?} is not an E.164 number such as \"+12125550100\"")]
    InvalidFlaggedNumber {
        /// The number as written.
        e164: String,
    },

    /// The same number appears twice in `flaggedNumbers`.
    #[error("flagged number {e164} is listed more than once")]
    DuplicateFlaggedNumber {
        /// The repeated number.
        e164: String,
    },
}
