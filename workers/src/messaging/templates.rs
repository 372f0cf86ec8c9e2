//! Message templates: the initial message, the HELP answer and the STOP
//! answer of an SMS or e-mail campaign, with `{{field}}` placeholders over
//! contact fields. Every text is checked when saved — a placeholder that
//! names no field is refused then, not at send time — and rendered per
//! contact by the dispatcher and by the editor's live preview.

use std::collections::HashMap;

use chrono::Utc;
use domain::access::Permission;
use entity::{contact, contact_device, message_template};
use messaging::{MessageText, SmsLength};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::MessageChannel;
use crate::accounts::Principal;
use crate::audit::{self, Change};
use crate::{ServiceError, Services};

/// Longest SMS text accepted (ten concatenated GSM-7 segments).
pub const MAX_SMS_CHARS: usize = 1_530;
/// Longest e-mail body accepted.
pub const MAX_EMAIL_CHARS: usize = 100_000;
/// Longest e-mail subject accepted.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// A template as a user writes it.
#[derive(Debug, Clone)]
pub struct TemplateInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// SMS or e-mail.
    pub channel: MessageChannel,
    /// The e-mail subject (required for e-mail, ignored for SMS).
    pub subject: Option<String>,
    /// The initial message.
    pub body: String,
    /// The answer to HELP / INFO.
    pub help_text: Option<String>,
    /// The answer to STOP and its synonyms.
    pub opt_out_text: Option<String>,
}

/// A template's texts, parsed once: what the dispatcher renders.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The channel.
    pub channel: MessageChannel,
    /// The e-mail subject.
    pub subject: Option<MessageText>,
    /// The initial message.
    pub body: MessageText,
    /// The HELP answer.
    pub help: Option<MessageText>,
    /// The STOP answer.
    pub opt_out: Option<MessageText>,
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// Checks a whole input; every problem names its field.
pub fn check(input: TemplateInput) -> Result<(TemplateInput, Parsed), ServiceError> {
    let known = messaging::known_fields();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut problems: Vec<(String, String)> = Vec::new();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        problems.push(("name".into(), "must be 1 to 100 characters".into()));
    }
    let limit = match input.channel {
        MessageChannel::Sms => MAX_SMS_CHARS,
        MessageChannel::Email => MAX_EMAIL_CHARS,
    };
    let mut text =
        |field: &'static str, value: Option<&str>, required: bool, max: usize| match value {
            None if required => {
                problems.push((field.into(), "is required".into()));
                None
            }
            None => None,
            Some(value) if value.chars().count() > max => {
                problems.push((field.into(), format!("is longer than {max} characters")));
                None
            }
            Some(value) => match MessageText::parse(field, value, &known) {
                Ok(parsed) => Some(parsed),
                Err(error) => {
                    problems.push((error.field.to_owned(), error.message));
                    None
                }
            },
        };
    let body_text = input.body.trim().to_owned();
    let subject_text = match input.channel {
        MessageChannel::Email => blank_to_none(input.subject),
        MessageChannel::Sms => None,
    };
    let help_text = blank_to_none(input.help_text);
    let opt_out_text = blank_to_none(input.opt_out_text);
    let body = text(
        "body",
        Some(body_text.as_str()).filter(|b| !b.is_empty()),
        true,
        limit,
    );
    let subject = text(
        "subject",
        subject_text.as_deref(),
        input.channel == MessageChannel::Email,
        MAX_SUBJECT_CHARS,
    );
    let help = text("helpText", help_text.as_deref(), false, limit);
    let opt_out = text("optOutText", opt_out_text.as_deref(), false, limit);
    match body {
        Some(body) if problems.is_empty() => Ok((
            TemplateInput {
                name,
                channel: input.channel,
                subject: subject_text,
                body: body_text,
                help_text,
                opt_out_text,
            },
            Parsed {
                channel: input.channel,
                subject,
                body,
                help,
                opt_out,
            },
        )),
        _ => Err(ServiceError::InvalidFields(problems)),
    }
}

/// Parses a stored template (checked when it was saved).
pub fn parse(row: &message_template::Model) -> Result<Parsed, ServiceError> {
    let channel = MessageChannel::parse(&row.channel).ok_or_else(|| {
        anyhow::anyhow!("message template {} has channel {:?}", row.id, row.channel)
    })?;
    let (_, parsed) = check(TemplateInput {
        name: row.name.clone(),
        channel,
        subject: row.subject.clone(),
        body: row.body.clone(),
        help_text: row.help_text.clone(),
        opt_out_text: row.opt_out_text.clone(),
    })?;
    Ok(parsed)
}

/// The SMS length of a text (none for e-mail).
pub fn sms_length(channel: MessageChannel, text: &str) -> Option<SmsLength> {
    (channel == MessageChannel::Sms).then(|| messaging::measure(text))
}

/// One template of the tenant.
pub(crate) async fn find(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<message_template::Model, ServiceError> {
    message_template::Entity::find_by_id(id)
        .filter(message_template::Column::TenantId.eq(tenant_id))
        .one(conn)
        .await?
        .ok_or(ServiceError::NotFound("message template"))
}

/// One template.
pub async fn get(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<message_template::Model, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    find(&services.db, principal.tenant_id, id).await
}

/// The tenant's templates by name.
pub async fn list(
    services: &Services,
    principal: &Principal,
) -> Result<Vec<message_template::Model>, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    Ok(message_template::Entity::find()
        .filter(message_template::Column::TenantId.eq(principal.tenant_id))
        .order_by_asc(message_template::Column::Name)
        .all(&services.db)
        .await?)
}

fn change(action: &'static str, row: &message_template::Model) -> Change {
    Change {
        action,
        object_type: "message_template",
        object_id: Some(row.id.to_string()),
        detail: json!({ "name": row.name, "channel": row.channel }),
    }
}

/// Saves a new template; audited.
pub async fn create(
    services: &Services,
    principal: &Principal,
    input: TemplateInput,
) -> Result<message_template::Model, ServiceError> {
    principal.require(Permission::ManageMessaging)?;
    let (input, _) = check(input)?;
    let now = Utc::now();
    let txn = services.begin().await?;
    let row = message_template::ActiveModel {
        id: Set(Uuid::now_v7()),
        tenant_id: Set(principal.tenant_id),
        name: Set(input.name),
        channel: Set(input.channel.as_str().to_owned()),
        subject: Set(input.subject),
        body: Set(input.body),
        help_text: Set(input.help_text),
        opt_out_text: Set(input.opt_out_text),
        created_by: Set(Some(principal.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(crate::db::map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change("message_template.create", &row),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(row)
}

/// The campaign templates (id, name) that send message template `id`.
pub async fn used_by(
    conn: &impl ConnectionTrait,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Vec<entity::campaign_template::Model>, ServiceError> {
    let templates = entity::campaign_template::Entity::find()
        .filter(entity::campaign_template::Column::TenantId.eq(tenant_id))
        .order_by_asc(entity::campaign_template::Column::Name)
        .all(conn)
        .await?;
    Ok(templates
        .into_iter()
        .filter(|template| {
            template
                .settings
                .get("messageTemplateId")
                .and_then(|value| value.as_str())
                .is_some_and(|value| value == id.to_string())
        })
        .collect())
}

/// Replaces a template's texts; audited. Campaigns pick up the new text with
/// their next message.
pub async fn update(
    services: &Services,
    principal: &Principal,
    id: Uuid,
    input: TemplateInput,
) -> Result<message_template::Model, ServiceError> {
    principal.require(Permission::ManageMessaging)?;
    let (input, _) = check(input)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    if existing.channel != input.channel.as_str()
        && !used_by(&txn, principal.tenant_id, id).await?.is_empty()
    {
        return Err(ServiceError::conflict(
            "channel",
            "cannot change while campaign templates send this template",
        ));
    }
    let mut active: message_template::ActiveModel = existing.into();
    active.name = Set(input.name);
    active.channel = Set(input.channel.as_str().to_owned());
    active.subject = Set(input.subject);
    active.body = Set(input.body);
    active.help_text = Set(input.help_text);
    active.opt_out_text = Set(input.opt_out_text);
    active.updated_at = Set(Utc::now());
    let row = active
        .update(&txn)
        .await
        .map_err(crate::db::map_unique_violation)?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change("message_template.update", &row),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(row)
}

/// Deletes a template no campaign template sends; audited.
pub async fn delete(
    services: &Services,
    principal: &Principal,
    id: Uuid,
) -> Result<(), ServiceError> {
    principal.require(Permission::ManageMessaging)?;
    let txn = services.begin().await?;
    let existing = find(&txn, principal.tenant_id, id).await?;
    let users = used_by(&txn, principal.tenant_id, id).await?;
    if !users.is_empty() {
        let names: Vec<String> = users.iter().map(|t| format!("{:?}", t.name)).collect();
        return Err(ServiceError::conflict(
            "id",
            format!("is sent by campaign template {}", names.join(", ")),
        ));
    }
    message_template::Entity::delete_by_id(id)
        .exec(&txn)
        .await?;
    let event = audit::record(
        &txn,
        &principal.actor(),
        change("message_template.delete", &existing),
    )
    .await?;
    txn.commit().await?;
    audit::publish(&services.cache, &event).await;
    Ok(())
}

/// A contact's field values by lower-case placeholder name.
pub type FieldValues = HashMap<String, String>;

/// The values a contact gives its placeholders.
pub fn values_of(contact: &contact::Model) -> FieldValues {
    let mut values = FieldValues::new();
    let mut put = |name: &str, value: &Option<String>| {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            values.insert(name.to_ascii_lowercase(), value.to_owned());
        }
    };
    put("clientId", &contact.client_id);
    put("firstName", &contact.first_name);
    put("lastName", &contact.last_name);
    put("company", &contact.company);
    put("postalCode", &contact.postal_code);
    put("country", &contact.country);
    put("timeZone", &contact.time_zone);
    if let Some(custom) = contact.custom.as_object() {
        for (key, value) in custom {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            if !text.trim().is_empty() && !value.is_null() {
                values.insert(key.to_ascii_lowercase(), text);
            }
        }
    }
    values
}

/// Renders `text` with `values`.
pub fn render(text: &MessageText, values: &FieldValues) -> String {
    text.render(|field| values.get(field).map(String::as_str))
}

/// The editor's live preview: the texts rendered for a real contact (or measured as written).
#[derive(Debug, Clone)]
pub struct Preview {
    /// The rendered subject (e-mail).
    pub subject: Option<String>,
    /// The rendered body.
    pub body: String,
    /// SMS only: the rendered body's length.
    pub sms_length: Option<SmsLength>,
    /// Placeholders the contact has no value for.
    pub empty_fields: Vec<String>,
    /// The device the contact would get it on.
    pub to: Option<String>,
}

/// Renders an unsaved template for contact `contact_id` of the tenant (none: as written).
pub async fn preview(
    services: &Services,
    principal: &Principal,
    input: TemplateInput,
    contact_id: Option<i64>,
) -> Result<Preview, ServiceError> {
    principal.require(Permission::ViewCampaigns)?;
    let (input, parsed) = check(input)?;
    let Some(contact_id) = contact_id else {
        return Ok(Preview {
            sms_length: sms_length(input.channel, &input.body),
            subject: input.subject,
            body: input.body,
            empty_fields: Vec::new(),
            to: None,
        });
    };
    let contact = contact::Entity::find_by_id(contact_id)
        .filter(contact::Column::TenantId.eq(principal.tenant_id))
        .one(&services.db)
        .await?
        .ok_or(ServiceError::NotFound("contact"))?;
    let values = values_of(&contact);
    let body = render(&parsed.body, &values);
    let mut empty_fields: Vec<String> = Vec::new();
    for text in [Some(&parsed.body), parsed.subject.as_ref()]
        .into_iter()
        .flatten()
    {
        for field in text.fields() {
            if !values.contains_key(field) && !empty_fields.iter().any(|f| f == field) {
                empty_fields.push(field.to_owned());
            }
        }
    }
    let kinds: &[&str] = match input.channel {
        MessageChannel::Sms => &["SMS", "MOBILE"],
        MessageChannel::Email => &["EMAIL"],
    };
    let to = contact_device::Entity::find()
        .filter(contact_device::Column::ContactId.eq(contact.id))
        .filter(contact_device::Column::Kind.is_in(kinds.iter().copied()))
        .order_by_asc(contact_device::Column::Position)
        .all(&services.db)
        .await?
        .into_iter()
        .next()
        .map(|device| device.value);
    Ok(Preview {
        sms_length: sms_length(input.channel, &body),
        subject: parsed
            .subject
            .as_ref()
            .map(|subject| render(subject, &values)),
        body,
        empty_fields,
        to,
    })
}
