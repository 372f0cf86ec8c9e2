//! Contacts and their devices as GraphQL types, with the devices dataloader.

use std::collections::HashMap;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use workers::Services;

use crate::graphql::error::GraphqlResultExt;

/// Batches the device look-ups of one request (a page of 100 contacts is one query).
pub struct DeviceLoader(pub Services);

/// A contact's devices, scoped to its tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeviceKey {
    /// The contact's tenant.
    pub tenant_id: Uuid,
    /// The contact.
    pub contact_id: i64,
}

impl Loader<DeviceKey> for DeviceLoader {
    type Value = Vec<Device>;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[DeviceKey],
    ) -> Result<HashMap<DeviceKey, Vec<Device>>, Self::Error> {
        let mut by_tenant: HashMap<Uuid, Vec<i64>> = HashMap::new();
        for key in keys {
            by_tenant
                .entry(key.tenant_id)
                .or_default()
                .push(key.contact_id);
        }
        let mut loaded = HashMap::new();
        for (tenant_id, contact_ids) in by_tenant {
            let devices = workers::contacts::devices_of(&self.0.db, tenant_id, &contact_ids)
                .await
                .gql()?;
            for (contact_id, rows) in devices {
                loaded.insert(
                    DeviceKey {
                        tenant_id,
                        contact_id,
                    },
                    rows.into_iter().map(Device::from).collect(),
                );
            }
        }
        Ok(loaded)
    }
}

/// A phone or e-mail address of a contact, normalised at import.
#[derive(SimpleObject, Clone)]
pub struct Device {
    /// 0–9: the order devices are tried in.
    pub position: i32,
    /// `HOME`, `WORK`, `MOBILE`, `OTHER`, `SMS` or `EMAIL`.
    pub kind: String,
    /// E.164 for phones, the lower-case address for e-mail.
    pub value: String,
    /// As it was in the file.
    pub raw: String,
    /// Country calling code.
    pub country_code: Option<i32>,
    /// Area code (NANP NPA or the geographic code elsewhere).
    pub area_code: Option<String>,
    /// NANP exchange (NXX).
    pub exchange: Option<String>,
    /// The rest of the number.
    pub subscriber: Option<String>,
    /// Extension, if any.
    pub extension: Option<String>,
    /// `MOBILE`, `LANDLINE`, `UNKNOWN` or `EMAIL`.
    pub device_type: String,
    /// ISO country of the number.
    pub country: Option<String>,
    /// State or province.
    pub region: Option<String>,
    /// IANA time zones (several when an area code spans zones).
    pub time_zones: Vec<String>,
}

impl From<entity::contact_device::Model> for Device {
    fn from(row: entity::contact_device::Model) -> Self {
        Device {
            position: i32::from(row.position),
            kind: row.kind,
            value: row.value,
            raw: row.raw,
            country_code: row.country_code.map(i32::from),
            area_code: row.area_code,
            exchange: row.exchange,
            subscriber: row.subscriber,
            extension: row.extension,
            device_type: row.device_type,
            country: row.country,
            region: row.region,
            time_zones: row
                .time_zones
                .map(|zones| zones.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    }
}

/// A person on a contact list, with its devices when a page fetched them up front.
pub struct Contact(pub entity::contact::Model, pub Option<Vec<Device>>);

impl Contact {
    /// A contact whose devices load on demand (through the dataloader).
    pub fn new(row: entity::contact::Model) -> Self {
        Contact(row, None)
    }
}

/// Whether a connection query selects its nodes' devices (through `nodes` or `edges.node`).
pub fn selects_devices(ctx: &Context<'_>) -> bool {
    let look = ctx.look_ahead();
    look.field("nodes").field("devices").exists()
        || look.field("edges").field("node").field("devices").exists()
}

#[Object]
impl Contact {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The list the contact is on.
    async fn list_id(&self) -> ID {
        ID(self.0.list_id.to_string())
    }
    /// The customer's own key.
    async fn client_id(&self) -> Option<&str> {
        self.0.client_id.as_deref()
    }
    /// First name.
    async fn first_name(&self) -> Option<&str> {
        self.0.first_name.as_deref()
    }
    /// Last name.
    async fn last_name(&self) -> Option<&str> {
        self.0.last_name.as_deref()
    }
    /// Company.
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    /// Postal code.
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    /// ISO country of the address.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// An explicit IANA time zone.
    async fn time_zone(&self) -> Option<&str> {
        self.0.time_zone.as_deref()
    }
    /// Custom fields `other1…otherN` as compact JSON.
    async fn custom(&self) -> String {
        self.0.custom.to_string()
    }
    /// Consent to automated calls and texts to mobiles.
    async fn consent_automated(&self) -> bool {
        self.0.consent_automated
    }
    /// Consent to text messages.
    async fn consent_sms(&self) -> bool {
        self.0.consent_sms
    }
    /// Consent to e-mail.
    async fn consent_email(&self) -> bool {
        self.0.consent_email
    }
    /// Phones and addresses, in the order they are tried.
    async fn devices(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Device>> {
        if let Some(devices) = &self.1 {
            return Ok(devices.clone());
        }
        let key = DeviceKey {
            tenant_id: self.0.tenant_id,
            contact_id: self.0.id,
        };
        Ok(ctx
            .data::<DataLoader<DeviceLoader>>()?
            .load_one(key)
            .await?
            .unwrap_or_default())
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}
