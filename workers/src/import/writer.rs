//! Set-based writes of one batch inside the import's transaction: each statement
//! takes the whole batch as one JSON parameter (`json_to_recordset` on PostgreSQL,
//! `json_each` on SQLite), so a batch of thousands of rows costs a handful of
//! statements on either store. Rows are encoded on the reader's thread
//! ([`encode`]), so the writer only concatenates them while the database works.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, DbErr, Value};
use serde::Serialize;
use serde_json::{Value as Json, json};
use uuid::Uuid;

use super::reader::{Rejection, Row};

/// A column of a batch's JSON records and its PostgreSQL type.
pub(crate) type Column = (&'static str, &'static str);

const CONTACT_SOURCE: &[Column] = &[
    ("seq", "bigint"),
    ("k", "text"),
    ("client_id", "text"),
    ("first_name", "text"),
    ("last_name", "text"),
    ("company", "text"),
    ("postal_code", "text"),
    ("country", "text"),
    ("time_zone", "text"),
    ("custom", "json"),
    ("ca", "boolean"),
    ("cs", "boolean"),
    ("ce", "boolean"),
];

const DEVICE_SOURCE: &[Column] = &[
    ("contact_id", "bigint"),
    ("position", "smallint"),
    ("kind", "text"),
    ("value", "text"),
    ("raw", "text"),
    ("country_code", "smallint"),
    ("area_code", "text"),
    ("exchange", "text"),
    ("subscriber", "text"),
    ("extension", "text"),
    ("device_type", "text"),
    ("country", "text"),
    ("region", "text"),
    ("time_zones", "text"),
];

const REJECTION_SOURCE: &[Column] = &[("line", "bigint"), ("reason", "text"), ("raw", "text")];

const ID_SOURCE: &[Column] = &[("id", "bigint")];

/// The rows of the JSON array parameter `param` as a derived table `r`.
pub(crate) fn source(backend: DatabaseBackend, param: usize, columns: &[Column]) -> String {
    if backend == DatabaseBackend::Postgres {
        let types: Vec<String> = columns
            .iter()
            .map(|(name, kind)| format!("{name} {kind}"))
            .collect();
        format!(
            "json_to_recordset(${param}::json) AS r({})",
            types.join(", ")
        )
    } else {
        let fields: Vec<String> = columns
            .iter()
            .map(|(name, kind)| {
                let arrow = if *kind == "json" { "->" } else { "->>" };
                format!("value {arrow} '{name}' AS {name}")
            })
            .collect();
        format!(
            "(SELECT {} FROM jsonb_each(jsonb(?{param}))) AS r",
            fields.join(", ")
        )
    }
}

/// Runs `sql` (written with `$n` placeholders) and returns the rows it returned as `(i64, i64)`.
async fn returning_pairs(
    txn: &DatabaseTransaction,
    sql: String,
    values: Vec<Value>,
) -> Result<Vec<(i64, i64)>, DbErr> {
    crate::db::query(txn, &sql, values)
        .await?
        .iter()
        .map(|row| Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?)))
        .collect()
}

/// Which list a batch goes to and on whose behalf.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The tenant.
    pub tenant_id: Uuid,
    /// The list.
    pub list_id: Uuid,
    /// The import job (stamped on every contact it writes).
    pub job_id: Uuid,
    /// The transaction's time.
    pub now: chrono::DateTime<chrono::Utc>,
}

/// A contact as the batch statements read it.
#[derive(Serialize)]
struct ContactRecord<'a> {
    seq: i64,
    k: &'a str,
    client_id: Option<&'a String>,
    first_name: Option<&'a String>,
    last_name: Option<&'a String>,
    company: Option<&'a String>,
    postal_code: Option<&'a String>,
    country: Option<&'a String>,
    time_zone: Option<&'a String>,
    custom: Option<&'a std::collections::BTreeMap<String, String>>,
    ca: Option<bool>,
    cs: Option<bool>,
    ce: Option<bool>,
}

/// A device as the batch statements read it, less its contact id (known once written).
#[derive(Serialize)]
struct DeviceRecord<'a> {
    position: usize,
    kind: &'a str,
    value: &'a str,
    raw: &'a str,
    country_code: Option<u16>,
    area_code: Option<&'a str>,
    exchange: Option<&'a str>,
    subscriber: Option<&'a str>,
    extension: Option<&'a str>,
    device_type: &'a str,
    country: Option<&'a str>,
    region: Option<&'a str>,
    time_zones: Option<String>,
}

/// A row's contact object, and each device's object without its opening `{` (the writer
/// puts `{"contact_id":<id>,` in front once the contact has an id), as JSON text.
pub fn encode<'a>(
    seq: i64,
    dedupe_key: &str,
    time_zone: Option<&String>,
    draft: &'a domain::import::ContactDraft,
) -> Result<(String, Vec<String>), serde_json::Error> {
    let field = |name: &str| draft.fields.get(name);
    let contact = serde_json::to_string(&ContactRecord {
        seq,
        k: dedupe_key,
        client_id: field("clientId"),
        first_name: field("firstName"),
        last_name: field("lastName"),
        company: field("company"),
        postal_code: field("postalCode"),
        country: field("country"),
        time_zone,
        custom: (!draft.custom.is_empty()).then_some(&draft.custom),
        ca: draft.consents.get("consentAutomated").copied(),
        cs: draft.consents.get("consentSms").copied(),
        ce: draft.consents.get("consentEmail").copied(),
    })?;
    let mut devices = Vec::with_capacity(draft.devices.len());
    for (position, device) in draft.devices.iter().enumerate() {
        let phone = device.phone.as_ref();
        let part = |text: &'a str| (!text.is_empty()).then_some(text);
        let raw_end = device
            .raw
            .char_indices()
            .nth(254)
            .map_or(device.raw.len(), |(index, _)| index);
        let record = DeviceRecord {
            position,
            kind: device.kind.as_str(),
            value: &device.value,
            raw: &device.raw[..raw_end],
            country_code: phone.map(|p| p.country_code()),
            area_code: phone.and_then(|p| part(p.area_code())),
            exchange: phone.and_then(|p| part(p.exchange())),
            subscriber: phone.and_then(|p| part(p.subscriber())),
            extension: phone.and_then(|p| p.extension()),
            device_type: phone.map_or("EMAIL", |p| p.device_type().as_str()),
            country: phone.and_then(|p| p.country()),
            region: device.region.as_deref(),
            time_zones: (!device.time_zones.is_empty())
                .then(|| super::prepare::join_zones(&device.time_zones)),
        };
        let object = serde_json::to_string(&record)?;
        devices.push(object.get(1..).unwrap_or_default().to_owned());
    }
    Ok((contact, devices))
}

/// `[a,b,…]` from pre-encoded objects (empty ones skipped).
fn array<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for item in items.filter(|item| !item.is_empty()) {
        if out.len() > 1 {
            out.push(',');
        }
        out.push_str(item);
    }
    out.push(']');
    out
}

/// Inserts the rows whose key is not on the list yet; returns `(contact id, seq)` of each.
pub async fn insert_contacts(
    txn: &DatabaseTransaction,
    target: Target,
    rows: &[&Row],
) -> Result<Vec<(i64, i64)>, DbErr> {
    let backend = txn.get_database_backend();
    let records = array(rows.iter().map(|row| row.contact_json.as_str()));
    let sql = format!(
        "INSERT INTO contacts (tenant_id, list_id, dedupe_key, client_id, first_name, last_name, company, \
         postal_code, country, time_zone, custom, consent_automated, consent_sms, consent_email, \
         import_job_id, import_seq, created_at, updated_at) \
         SELECT $1, $2, r.k, r.client_id, r.first_name, r.last_name, r.company, r.postal_code, r.country, \
         r.time_zone, COALESCE(r.custom, '{{}}'), COALESCE(r.ca, FALSE), COALESCE(r.cs, FALSE), \
         COALESCE(r.ce, FALSE), $3, r.seq, $4, $4 FROM {} WHERE TRUE ORDER BY r.seq \
         ON CONFLICT (list_id, dedupe_key) DO NOTHING RETURNING id, import_seq",
        source(backend, 5, CONTACT_SOURCE)
    );
    let values = vec![
        target.tenant_id.into(),
        target.list_id.into(),
        target.job_id.into(),
        target.now.into(),
        records.into(),
    ];
    returning_pairs(txn, sql, values).await
}

/// Updates the contacts whose client id matches a row (not ones this job already wrote);
/// fields the file leaves empty keep their value. Returns `(contact id, seq)` of each.
pub async fn update_contacts(
    txn: &DatabaseTransaction,
    target: Target,
    rows: &[&Row],
    replace_custom: bool,
) -> Result<Vec<(i64, i64)>, DbErr> {
    let backend = txn.get_database_backend();
    let keyed: Vec<&&Row> = rows
        .iter()
        .filter(|row| row.draft.fields.contains_key("clientId"))
        .collect();
    if keyed.is_empty() {
        return Ok(Vec::new());
    }
    let records = array(keyed.iter().map(|row| row.contact_json.as_str()));
    let custom = if replace_custom {
        "custom = COALESCE(r.custom, '{}'),"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE contacts SET first_name = COALESCE(r.first_name, contacts.first_name), \
         last_name = COALESCE(r.last_name, contacts.last_name), company = COALESCE(r.company, contacts.company), \
         postal_code = COALESCE(r.postal_code, contacts.postal_code), country = COALESCE(r.country, contacts.country), \
         time_zone = COALESCE(r.time_zone, contacts.time_zone), {custom} \
         consent_automated = COALESCE(r.ca, contacts.consent_automated), \
         consent_sms = COALESCE(r.cs, contacts.consent_sms), \
         consent_email = COALESCE(r.ce, contacts.consent_email), \
         import_job_id = $2, import_seq = r.seq, updated_at = $3 \
         FROM {} WHERE contacts.list_id = $1 AND contacts.dedupe_key = r.k \
         AND (contacts.import_job_id IS NULL OR contacts.import_job_id <> $2) \
         RETURNING id, import_seq",
        source(backend, 4, CONTACT_SOURCE)
    );
    let values = vec![
        target.list_id.into(),
        target.job_id.into(),
        target.now.into(),
        records.into(),
    ];
    returning_pairs(txn, sql, values).await
}

/// Removes the devices of contacts an update replaces them for.
pub async fn delete_devices(
    txn: &DatabaseTransaction,
    target: Target,
    contact_ids: &[i64],
) -> Result<u64, DbErr> {
    if contact_ids.is_empty() {
        return Ok(0);
    }
    let backend = txn.get_database_backend();
    let records: Vec<Json> = contact_ids.iter().map(|id| json!({ "id": id })).collect();
    let sql = format!(
        "DELETE FROM contact_devices WHERE list_id = $1 AND contact_id IN (SELECT r.id FROM {})",
        source(backend, 2, ID_SOURCE)
    );
    let values = vec![
        target.list_id.into(),
        Json::Array(records).to_string().into(),
    ];
    crate::db::execute(txn, &sql, values).await
}

/// Inserts the devices of the written contacts: `written` pairs each contact id with
/// the `seq` of the row it came from.
pub async fn insert_devices(
    txn: &DatabaseTransaction,
    target: Target,
    rows: &[&Row],
    written: &[(i64, i64)],
) -> Result<u64, DbErr> {
    let ids: std::collections::HashMap<i64, i64> =
        written.iter().map(|(id, seq)| (*seq, *id)).collect();
    let mut devices = String::from("[");
    for row in rows {
        let Some(id) = ids.get(&row.seq) else {
            continue;
        };
        for tail in &row.devices_json {
            if devices.len() > 1 {
                devices.push(',');
            }
            devices.push_str("{\"contact_id\":");
            devices.push_str(&id.to_string());
            devices.push(',');
            devices.push_str(tail);
        }
    }
    devices.push(']');
    if devices.len() <= 2 {
        return Ok(0);
    }
    let backend = txn.get_database_backend();
    let sql = format!(
        "INSERT INTO contact_devices (tenant_id, list_id, contact_id, position, kind, value, raw, country_code, \
         area_code, exchange, subscriber, extension, device_type, country, region, time_zones) \
         SELECT $1, $2, r.contact_id, r.position, r.kind, r.value, r.raw, r.country_code, r.area_code, \
         r.exchange, r.subscriber, r.extension, r.device_type, r.country, r.region, r.time_zones FROM {}",
        source(backend, 3, DEVICE_SOURCE)
    );
    let values = vec![
        target.tenant_id.into(),
        target.list_id.into(),
        devices.into(),
    ];
    crate::db::execute(txn, &sql, values).await
}

/// Stores a batch's refused records with their line numbers.
pub async fn insert_rejections(
    txn: &DatabaseTransaction,
    job_id: Uuid,
    rejections: &[Rejection],
) -> Result<u64, DbErr> {
    if rejections.is_empty() {
        return Ok(0);
    }
    let backend = txn.get_database_backend();
    let records: Vec<Json> = rejections
        .iter()
        .map(|r| json!({ "line": r.line, "reason": r.reason, "raw": r.raw }))
        .collect();
    let sql = format!(
        "INSERT INTO import_rejections (job_id, line, reason, raw) SELECT $1, r.line, r.reason, r.raw FROM {}",
        source(backend, 2, REJECTION_SOURCE)
    );
    let values = vec![job_id.into(), Json::Array(records).to_string().into()];
    crate::db::execute(txn, &sql, values).await
}
