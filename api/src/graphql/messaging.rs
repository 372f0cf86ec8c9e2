//! Messaging through GraphQL (SPEC §4, issue 8): message templates with the
//! editor's live preview, the tenant's gateway settings with "send test
//! message", and a campaign's messages. Thin resolvers over `workers::messaging`.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{message, message_template, messaging_provider};
use workers::messaging::{self as domain_messaging, outbox, provider, templates};

use crate::graphql::accounts::parse_id;
use crate::graphql::campaigns::types::CampaignTemplate;
use crate::graphql::error::GraphqlResultExt;
use crate::graphql::{principal, services};

/// The channel a message goes out on.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MessageChannel {
    /// A text message.
    Sms,
    /// An e-mail.
    Email,
}

impl From<MessageChannel> for domain_messaging::MessageChannel {
    fn from(channel: MessageChannel) -> Self {
        match channel {
            MessageChannel::Sms => Self::Sms,
            MessageChannel::Email => Self::Email,
        }
    }
}

impl MessageChannel {
    fn of(stored: &str) -> Self {
        if stored == "EMAIL" {
            MessageChannel::Email
        } else {
            MessageChannel::Sms
        }
    }
}

/// How an SMS is encoded.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SmsEncoding {
    /// GSM 03.38 7-bit: 160 characters in one segment, 153 per segment when split.
    #[graphql(name = "GSM7")]
    Gsm7,
    /// UCS-2: 70 characters in one segment, 67 per segment when split.
    #[graphql(name = "UCS2")]
    Ucs2,
}

/// Where a message stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MessageStatus {
    /// Being handed to the gateway (or to be retried).
    Sending,
    /// Accepted by the gateway.
    Sent,
    /// Delivered to the handset or mailbox.
    Delivered,
    /// Refused by the gateway, or a failed receipt.
    Failed,
}

impl MessageStatus {
    fn of(stored: &str) -> Self {
        match stored {
            "SENT" => MessageStatus::Sent,
            "DELIVERED" => MessageStatus::Delivered,
            "FAILED" => MessageStatus::Failed,
            _ => MessageStatus::Sending,
        }
    }
}

/// Why a message was sent.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MessageKind {
    /// A campaign's message.
    Campaign,
    /// A test from the gateway settings.
    Test,
    /// The answer to a STOP or HELP.
    Reply,
}

/// An SMS's length as the carrier bills it.
#[derive(SimpleObject)]
pub struct SmsLength {
    /// The encoding the text needs.
    pub encoding: SmsEncoding,
    /// Units used (GSM-7 septets or UTF-16 code units).
    pub units: i32,
    /// Segments sent.
    pub segments: i32,
}

impl From<messaging::SmsLength> for SmsLength {
    fn from(length: messaging::SmsLength) -> Self {
        Self {
            encoding: match length.encoding {
                messaging::Encoding::Gsm7 => SmsEncoding::Gsm7,
                messaging::Encoding::Ucs2 => SmsEncoding::Ucs2,
            },
            units: i32::try_from(length.units).unwrap_or(i32::MAX),
            segments: i32::try_from(length.segments).unwrap_or(i32::MAX),
        }
    }
}

/// The texts an SMS or e-mail campaign sends and answers with.
pub struct MessageTemplate(pub message_template::Model);

#[Object]
impl MessageTemplate {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Its name, unique in the tenant.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// SMS or e-mail.
    async fn channel(&self) -> MessageChannel {
        MessageChannel::of(&self.0.channel)
    }
    /// The e-mail subject.
    async fn subject(&self) -> Option<&str> {
        self.0.subject.as_deref()
    }
    /// The initial message.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// The answer to HELP / INFO.
    async fn help_text(&self) -> Option<&str> {
        self.0.help_text.as_deref()
    }
    /// The answer to STOP and its synonyms.
    async fn opt_out_text(&self) -> Option<&str> {
        self.0.opt_out_text.as_deref()
    }
    /// The placeholders its texts use (lower case, in order of first use).
    async fn fields(&self) -> async_graphql::Result<Vec<String>> {
        let parsed = templates::parse(&self.0).gql()?;
        let mut fields: Vec<String> = Vec::new();
        for text in [
            Some(&parsed.body),
            parsed.subject.as_ref(),
            parsed.help.as_ref(),
            parsed.opt_out.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            for field in text.fields() {
                if !fields.iter().any(|known| known == field) {
                    fields.push(field.to_owned());
                }
            }
        }
        Ok(fields)
    }
    /// SMS only: the body's length as written (placeholders unfilled).
    async fn sms_length(&self) -> Option<SmsLength> {
        templates::sms_length(
            domain_messaging::MessageChannel::parse(&self.0.channel)?,
            &self.0.body,
        )
        .map(Into::into)
    }
    /// The campaign templates that send it.
    async fn used_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CampaignTemplate>> {
        let services = services(ctx);
        let principal = principal(ctx)?;
        let rows = templates::used_by(&services.db, principal.tenant_id, self.0.id)
            .await
            .gql()?;
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            found.push(CampaignTemplate(
                workers::campaigns::templates::get(services, principal, row.id)
                    .await
                    .gql()?,
            ));
        }
        Ok(found)
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

/// A message template to create or replace.
#[derive(InputObject)]
pub struct MessageTemplateInput {
    /// 1 to 100 characters, unique in the tenant.
    pub name: String,
    /// SMS or e-mail.
    pub channel: MessageChannel,
    /// The e-mail subject (required for e-mail).
    pub subject: Option<String>,
    /// The initial message, with `{{field}}` placeholders.
    pub body: String,
    /// The answer to HELP / INFO.
    pub help_text: Option<String>,
    /// The answer to STOP and its synonyms.
    pub opt_out_text: Option<String>,
}

impl From<MessageTemplateInput> for templates::TemplateInput {
    fn from(input: MessageTemplateInput) -> Self {
        Self {
            name: input.name,
            channel: input.channel.into(),
            subject: input.subject,
            body: input.body,
            help_text: input.help_text,
            opt_out_text: input.opt_out_text,
        }
    }
}

/// The editor's live preview.
#[derive(SimpleObject)]
pub struct MessagePreview {
    /// The rendered subject (e-mail).
    pub subject: Option<String>,
    /// The rendered body.
    pub body: String,
    /// SMS only: the rendered body's length.
    pub sms_length: Option<SmsLength>,
    /// Placeholders the contact has no value for (rendered empty).
    pub empty_fields: Vec<String>,
    /// The device the contact would get it on.
    pub to: Option<String>,
}

/// The tenant's messaging gateway.
pub struct MessagingProvider(pub messaging_provider::Model);

#[Object]
impl MessagingProvider {
    /// Where `/v1/messages` lives.
    async fn base_url(&self) -> &str {
        &self.0.base_url
    }
    /// Whether an API key is stored (it is never shown).
    async fn api_key_set(&self) -> bool {
        self.0.api_key.is_some()
    }
    /// Whether a callback signing secret is stored (it is never shown).
    async fn signing_secret_set(&self) -> bool {
        self.0.signing_secret.is_some()
    }
    /// The SMS sender id.
    async fn sms_sender(&self) -> Option<&str> {
        self.0.sms_sender.as_deref()
    }
    /// The e-mail From address.
    async fn email_sender(&self) -> Option<&str> {
        self.0.email_sender.as_deref()
    }
    /// The tenant-wide messages-per-second cap (none: no cap).
    async fn messages_per_second(&self) -> Option<i32> {
        self.0.messages_per_second
    }
    /// The account id the gateway sends back as `X-Nexus-Account` on callbacks.
    async fn account_id(&self) -> ID {
        ID(self.0.tenant_id.to_string())
    }
    /// The path the gateway posts receipts and replies to, on this server.
    async fn callback_path(&self) -> &'static str {
        provider::CALLBACK_PATH
    }
    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// The tenant's gateway settings to save.
#[derive(InputObject)]
pub struct MessagingProviderInput {
    /// `https://…` (plain `http://` only to a loopback host).
    pub base_url: String,
    /// The gateway's API key; blank keeps the stored one.
    pub api_key: Option<String>,
    /// The callback signing secret (16 characters or more); blank keeps the stored one.
    pub signing_secret: Option<String>,
    /// The SMS sender id (number, short code or alphanumeric id).
    pub sms_sender: Option<String>,
    /// The e-mail From address.
    pub email_sender: Option<String>,
    /// The tenant-wide cap (1 to 10,000); none: no cap.
    pub messages_per_second: Option<i32>,
}

/// What a test message did.
#[derive(SimpleObject)]
pub struct TestMessageResult {
    /// Whether the gateway took it.
    pub accepted: bool,
    /// The gateway's id for it.
    pub provider_message_id: Option<String>,
    /// Why it did not go.
    pub error: Option<String>,
    /// Where it stands.
    pub status: MessageStatus,
}

/// One message sent.
pub struct Message(pub message::Model);

#[Object]
impl Message {
    /// Its id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Why it was sent.
    async fn kind(&self) -> MessageKind {
        match self.0.kind.as_str() {
            "TEST" => MessageKind::Test,
            "REPLY" => MessageKind::Reply,
            _ => MessageKind::Campaign,
        }
    }
    /// SMS or e-mail.
    async fn channel(&self) -> MessageChannel {
        MessageChannel::of(&self.0.channel)
    }
    /// The number or address.
    async fn to(&self) -> &str {
        &self.0.recipient
    }
    /// Where it stands.
    async fn status(&self) -> MessageStatus {
        MessageStatus::of(&self.0.status)
    }
    /// The last failure's reason.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// The gateway's id for it.
    async fn provider_message_id(&self) -> Option<&str> {
        self.0.provider_id.as_deref()
    }
    /// Hand-overs to the gateway.
    async fn tries(&self) -> i32 {
        self.0.tries
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the gateway accepted it.
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
    /// When it was delivered.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
}

/// Messaging queries.
#[derive(Default)]
pub struct MessagingQuery;

#[Object]
impl MessagingQuery {
    /// The tenant's message templates by name.
    async fn message_templates(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<MessageTemplate>> {
        let rows = templates::list(services(ctx), principal(ctx)?)
            .await
            .gql()?;
        Ok(rows.into_iter().map(MessageTemplate).collect())
    }

    /// One message template.
    async fn message_template(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<MessageTemplate> {
        let id = parse_id("id", &id)?;
        let row = templates::get(services(ctx), principal(ctx)?, id)
            .await
            .gql()?;
        Ok(MessageTemplate(row))
    }

    /// The contact fields a placeholder may name.
    async fn message_template_fields(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<String>> {
        principal(ctx)?;
        Ok(messaging::known_fields())
    }

    /// An unsaved template rendered for a real contact (or measured as written).
    async fn preview_message(
        &self,
        ctx: &Context<'_>,
        input: MessageTemplateInput,
        contact_id: Option<ID>,
    ) -> async_graphql::Result<MessagePreview> {
        let contact_id = contact_id
            .map(|id| {
                id.parse::<i64>().map_err(|_| {
                    crate::graphql::error::ApiError::bad_input("contactId", "is not a valid id")
                })
            })
            .transpose()
            .gql()?;
        let preview = templates::preview(services(ctx), principal(ctx)?, input.into(), contact_id)
            .await
            .gql()?;
        Ok(MessagePreview {
            subject: preview.subject,
            body: preview.body,
            sms_length: preview.sms_length.map(Into::into),
            empty_fields: preview.empty_fields,
            to: preview.to,
        })
    }

    /// The tenant's gateway settings (none until saved).
    async fn messaging_provider(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<MessagingProvider>> {
        let row = provider::get(services(ctx), principal(ctx)?).await.gql()?;
        Ok(row.map(MessagingProvider))
    }

    /// A campaign's newest messages.
    async fn campaign_messages(
        &self,
        ctx: &Context<'_>,
        campaign_id: ID,
        #[graphql(default = 50, validator(minimum = 1, maximum = 500))] first: i32,
    ) -> async_graphql::Result<Vec<Message>> {
        let campaign_id = parse_id("campaignId", &campaign_id)?;
        let rows = outbox::of_campaign(services(ctx), principal(ctx)?, campaign_id, first as u64)
            .await
            .gql()?;
        Ok(rows.into_iter().map(Message).collect())
    }
}

/// Messaging mutations.
#[derive(Default)]
pub struct MessagingMutation;

#[Object]
impl MessagingMutation {
    /// Saves a new message template (a placeholder naming no field is refused here).
    async fn create_message_template(
        &self,
        ctx: &Context<'_>,
        input: MessageTemplateInput,
    ) -> async_graphql::Result<MessageTemplate> {
        let row = templates::create(services(ctx), principal(ctx)?, input.into())
            .await
            .gql()?;
        Ok(MessageTemplate(row))
    }

    /// Replaces a message template's texts.
    async fn update_message_template(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: MessageTemplateInput,
    ) -> async_graphql::Result<MessageTemplate> {
        let id = parse_id("id", &id)?;
        let row = templates::update(services(ctx), principal(ctx)?, id, input.into())
            .await
            .gql()?;
        Ok(MessageTemplate(row))
    }

    /// Deletes a message template no campaign template sends; returns its id.
    async fn delete_message_template(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ID> {
        let uuid = parse_id("id", &id)?;
        templates::delete(services(ctx), principal(ctx)?, uuid)
            .await
            .gql()?;
        Ok(id)
    }

    /// Saves the tenant's gateway settings (secrets are write-only).
    async fn update_messaging_provider(
        &self,
        ctx: &Context<'_>,
        input: MessagingProviderInput,
    ) -> async_graphql::Result<MessagingProvider> {
        let input = provider::ProviderInput {
            base_url: input.base_url,
            api_key: input.api_key,
            signing_secret: input.signing_secret,
            sms_sender: input.sms_sender,
            email_sender: input.email_sender,
            messages_per_second: input
                .messages_per_second
                .map(|rate| u32::try_from(rate).unwrap_or(0)),
        };
        let row = provider::update(services(ctx), principal(ctx)?, input)
            .await
            .gql()?;
        Ok(MessagingProvider(row))
    }

    /// Sends one message through the gateway now and says what happened.
    async fn send_test_message(
        &self,
        ctx: &Context<'_>,
        channel: MessageChannel,
        to: String,
        body: String,
        subject: Option<String>,
    ) -> async_graphql::Result<TestMessageResult> {
        let sent = outbox::send_test(
            services(ctx),
            principal(ctx)?,
            channel.into(),
            &to,
            &body,
            subject.as_deref(),
        )
        .await
        .gql()?;
        let status = MessageStatus::of(&sent.status);
        Ok(TestMessageResult {
            accepted: matches!(status, MessageStatus::Sent | MessageStatus::Delivered),
            provider_message_id: sent.provider_id,
            error: sent.error,
            status,
        })
    }
}
