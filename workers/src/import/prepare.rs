//! Turning a mapped record into a row to write: each phone gets its region and
//! zones from the numbering data (the tenant's zone when the number has none),
//! the contact gets its zone from an explicit column or its postal code, and the
//! record gets the key it is de-duplicated by.

use std::str::FromStr;
use std::sync::Arc;

use domain::import::ContactDraft;
use domain::selection::SelectionSpec;
use domain::split::Splitter;
use numbering::NumberingData;
use uuid::Uuid;

use super::reader::Row;

/// Longest stored de-duplication key.
const KEY_CHARS: usize = 255;

/// What every row of one import is prepared with.
pub struct Preparer {
    data: Arc<NumberingData>,
    default_zone: String,
    default_country: String,
    job_id: Uuid,
    selection: Vec<SelectionSpec>,
    splitter: Option<Splitter>,
}

impl Preparer {
    /// A preparer for one job: `default_zone` is the tenant's, `default_country` the mapping's.
    pub fn new(
        data: Arc<NumberingData>,
        default_zone: &str,
        default_country: &str,
        job_id: Uuid,
    ) -> Self {
        Preparer {
            data,
            default_zone: default_zone.to_owned(),
            default_country: default_country.trim().to_ascii_uppercase(),
            job_id,
            selection: Vec::new(),
            splitter: None,
        }
    }

    /// Keeps only records one of `selection` keeps (all when empty) and splits them with `splitter`.
    pub fn with_rules(mut self, selection: Vec<SelectionSpec>, splitter: Option<Splitter>) -> Self {
        self.selection = selection;
        self.splitter = splitter;
        self
    }

    /// The names of the split's parts so far, index-stable (empty without a split rule).
    pub fn part_names(&self) -> Vec<String> {
        self.splitter
            .as_ref()
            .map(Splitter::part_names)
            .unwrap_or_default()
    }

    /// Locates the devices and the contact, then applies the rules: `Ok(None)` when they
    /// leave the record out; refuses an explicit zone that is not an IANA zone.
    pub fn prepare(&mut self, seq: i64, mut draft: ContactDraft) -> Result<Option<Row>, String> {
        for device in &mut draft.devices {
            let Some(phone) = &device.phone else {
                continue;
            };
            let country_code = phone.country_code();
            let location = self
                .data
                .locate_phone(country_code, phone.area_code(), phone.country());
            device.region = location.region.map(str::to_owned);
            device.time_zones = if location.zones.is_empty() {
                vec![self.default_zone.clone()]
            } else {
                location.zones.to_vec()
            };
        }
        let time_zone = self.contact_zone(&draft)?;
        let dedupe_key: String = draft
            .fields
            .get("clientId")
            .map(|id| format!("c:{id}"))
            .or_else(|| draft.devices.first().map(|d| format!("d:{}", d.value)))
            .unwrap_or_else(|| format!("s:{}:{seq}", self.job_id.simple()))
            .chars()
            .take(KEY_CHARS)
            .collect();
        if !self.selection.is_empty() && !self.selection.iter().any(|spec| spec.keeps(&draft)) {
            return Ok(None);
        }
        let part = match self.splitter.as_mut() {
            Some(splitter) => match splitter.assign(&draft) {
                Some(part) => part,
                None => return Ok(None),
            },
            None => 0,
        };
        let (contact_json, devices_json) =
            super::writer::encode(seq, &dedupe_key, time_zone.as_ref(), &draft)
                .map_err(|error| format!("the record cannot be encoded: {error}"))?;
        Ok(Some(Row {
            seq,
            draft,
            dedupe_key,
            part,
            contact_json,
            devices_json,
        }))
    }

    fn contact_zone(&self, draft: &ContactDraft) -> Result<Option<String>, String> {
        if let Some(zone) = draft.fields.get("timeZone") {
            return chrono_tz::Tz::from_str(zone)
                .map(|tz| Some(tz.name().to_owned()))
                .map_err(|_| format!("timeZone: {zone:?} is not an IANA time zone"));
        }
        let Some(postal) = draft.fields.get("postalCode") else {
            return Ok(None);
        };
        let country = draft
            .fields
            .get("country")
            .map(|c| c.to_ascii_uppercase())
            .or_else(|| {
                draft
                    .devices
                    .iter()
                    .find_map(|d| d.phone.as_ref().and_then(|p| p.country()))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| self.default_country.clone());
        Ok(self
            .data
            .postal_location(&country, postal)
            .filter(|location| !location.zones.is_empty())
            .map(|location| join_zones(location.zones)))
    }
}

/// Zones as stored: space-separated, whole names only, at most 200 characters.
pub fn join_zones(zones: &[String]) -> String {
    let mut joined = String::new();
    for zone in zones {
        if joined.len() + zone.len() + 1 > 200 {
            break;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(zone);
    }
    joined
}

#[cfg(test)]
mod tests {
    use domain::import::{ColumnMapping, ColumnRef, ContactField, DeviceKind, MappingSpec, Target};

    use super::*;

    fn draft(cells: &[&str]) -> ContactDraft {
        let spec = MappingSpec {
            default_country: "US".into(),
            columns: [
                Target::Field {
                    field: ContactField::ClientId,
                },
                Target::Field {
                    field: ContactField::PostalCode,
                },
                Target::Field {
                    field: ContactField::TimeZone,
                },
                Target::Device {
                    kind: DeviceKind::Home,
                },
                Target::Device {
                    kind: DeviceKind::Mobile,
                },
            ]
            .into_iter()
            .enumerate()
            .map(|(index, target)| ColumnMapping {
                column: ColumnRef::Position(index + 1),
                target,
                transforms: Vec::new(),
            })
            .collect(),
        };
        let cells: Vec<String> = cells.iter().map(|c| (*c).to_owned()).collect();
        spec.resolve(None, cells.len())
            .and_then(|mapping| mapping.apply(&cells).map_err(|e| panic!("{e}")))
            .expect("a mappable record")
    }

    fn prepare(cells: &[&str]) -> Result<Row, String> {
        Preparer::new(
            NumberingData::builtin_shared(),
            "America/Chicago",
            "US",
            Uuid::nil(),
        )
        .prepare(1, draft(cells))
        .map(|row| row.expect("no rules: every record is kept"))
    }

    fn zone_of(row: &Row) -> Option<String> {
        let contact: serde_json::Value = serde_json::from_str(&row.contact_json).unwrap();
        contact["time_zone"].as_str().map(str::to_owned)
    }

    #[test]
    fn devices_get_region_and_every_zone_of_their_area_code() {
        let row = prepare(&["A1", "", "", "(212) 555-0100", "208-555-0101"]).unwrap();
        let home = &row.draft.devices[0];
        assert_eq!(home.region.as_deref(), Some("NY"));
        assert_eq!(home.time_zones, ["America/New_York"]);
        let mut idaho = row.draft.devices[1].time_zones.clone();
        idaho.sort();
        assert_eq!(idaho, ["America/Boise", "America/Los_Angeles"]);
        assert_eq!(row.dedupe_key, "c:A1");
    }

    #[test]
    fn a_non_geographic_number_gets_the_tenant_zone() {
        let row = prepare(&["", "", "", "800-555-0100", ""]).unwrap();
        assert_eq!(row.draft.devices[0].time_zones, ["America/Chicago"]);
        assert_eq!(row.draft.devices[0].region, None);
        assert_eq!(row.dedupe_key, "d:+18005550100");
    }

    #[test]
    fn the_contact_zone_comes_from_the_column_else_the_postal_code() {
        let explicit = prepare(&["A", "10001", "Europe/Paris", "", ""]).unwrap();
        assert_eq!(zone_of(&explicit), Some("Europe/Paris".into()));
        let postal = prepare(&["A", "10001", "", "", ""]).unwrap();
        assert_eq!(zone_of(&postal), Some("America/New_York".into()));
        let bad = prepare(&["A", "", "Mars/Olympus", "", ""]);
        assert!(bad.unwrap_err().contains("not an IANA time zone"));
    }
}
