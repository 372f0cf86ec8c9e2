//! Messaging's forms as typed: the message template (also sent, as typed,
//! to the live preview), the gateway settings with their write-only
//! secrets, and the test message; each checked and turned into the typed
//! input the API module sends.

use crate::api::error::FieldError;
use crate::api::message_types::MessageChannel;
use crate::api::messaging::{
    MessageTemplate, MessageTemplateInput, MessagingProviderInput, ProviderSettings,
    send_test_message,
};
use crate::state::forms::field_error;

use super::parse_messages_per_second;

/// The fields the template editor shows problems next to.
pub const TEMPLATE_FIELDS: &[&str] = &[
    "name",
    "channel",
    "subject",
    "body",
    "helpText",
    "optOutText",
];

/// The fields the gateway settings form shows problems next to.
pub const PROVIDER_FIELDS: &[&str] = &[
    "baseUrl",
    "apiKey",
    "signingSecret",
    "smsSender",
    "emailSender",
    "messagesPerSecond",
];

/// The fields the test message form shows problems next to.
pub const TEST_MESSAGE_FIELDS: &[&str] = &["channel", "to", "subject", "body"];

/// The name the preview sends while the real one is still blank (the
/// preview does not save, so any name does).
const PREVIEW_NAME: &str = "Preview";

/// The template editor's form, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageTemplateDraft {
    /// Name, unique in the tenant.
    pub name: String,
    /// SMS or e-mail.
    pub channel: MessageChannel,
    /// Subject (e-mail only).
    pub subject: String,
    /// The initial message.
    pub body: String,
    /// The answer to HELP / INFO.
    pub help_text: String,
    /// The answer to STOP.
    pub opt_out_text: String,
}

impl Default for MessageTemplateDraft {
    fn default() -> Self {
        MessageTemplateDraft {
            name: String::new(),
            channel: MessageChannel::Sms,
            subject: String::new(),
            body: String::new(),
            help_text: String::new(),
            opt_out_text: String::new(),
        }
    }
}

impl MessageTemplateDraft {
    /// The form filled from a saved template.
    pub fn from_template(template: &MessageTemplate) -> MessageTemplateDraft {
        MessageTemplateDraft {
            name: template.name.clone(),
            channel: template.channel,
            subject: template.subject.clone().unwrap_or_default(),
            body: template.body.clone(),
            help_text: template.help_text.clone().unwrap_or_default(),
            opt_out_text: template.opt_out_text.clone().unwrap_or_default(),
        }
    }

    /// The mutation's input, or the problems that make sending pointless.
    pub fn to_input(&self) -> Result<MessageTemplateInput, Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push(field_error("name", "Enter a name."));
        } else if name.chars().count() > 100 {
            problems.push(field_error("name", "At most 100 characters."));
        }
        if self.channel == MessageChannel::Email && self.subject.trim().is_empty() {
            problems.push(field_error("subject", "Enter the e-mail's subject."));
        }
        if self.body.trim().is_empty() {
            problems.push(field_error("body", "Enter the message."));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(self.input_named(name))
    }

    /// What the live preview sends: the text as typed (a blank name
    /// replaced by a stand-in); `None` while the body is blank.
    pub fn preview_input(&self) -> Option<MessageTemplateInput> {
        if self.body.trim().is_empty() {
            return None;
        }
        let name = match self.name.trim() {
            "" => PREVIEW_NAME,
            name => name,
        };
        Some(self.input_named(name))
    }

    fn input_named(&self, name: &str) -> MessageTemplateInput {
        let subject = match self.channel {
            MessageChannel::Email => optional_text(&self.subject),
            MessageChannel::Sms => None,
        };
        MessageTemplateInput {
            name: name.to_owned(),
            channel: self.channel,
            subject,
            body: self.body.trim().to_owned(),
            help_text: optional_text(&self.help_text),
            opt_out_text: optional_text(&self.opt_out_text),
        }
    }
}

/// The gateway settings form, as typed; secrets are write-only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderDraft {
    /// The gateway's base URL.
    pub base_url: String,
    /// A new API key (blank keeps the stored one).
    pub api_key: String,
    /// A new signing secret (blank keeps the stored one).
    pub signing_secret: String,
    /// The SMS sender id.
    pub sms_sender: String,
    /// The e-mail sender.
    pub email_sender: String,
    /// The tenant-wide cap (blank: none).
    pub messages_per_second: String,
    /// Whether an API key is stored.
    pub api_key_set: bool,
    /// Whether a signing secret is stored.
    pub signing_secret_set: bool,
}

impl ProviderDraft {
    /// The form of the stored settings; the secrets stay on the server.
    pub fn from_settings(settings: &ProviderSettings) -> ProviderDraft {
        ProviderDraft {
            base_url: settings.base_url.clone(),
            sms_sender: settings.sms_sender.clone().unwrap_or_default(),
            email_sender: settings.email_sender.clone().unwrap_or_default(),
            messages_per_second: settings
                .messages_per_second
                .map(|rate| rate.to_string())
                .unwrap_or_default(),
            api_key_set: settings.api_key_set,
            signing_secret_set: settings.signing_secret_set,
            ..ProviderDraft::default()
        }
    }

    /// The mutation's input (blank secrets sent as null: kept), or the problems.
    pub fn to_input(&self) -> Result<MessagingProviderInput, Vec<FieldError>> {
        let mut problems = Vec::new();
        let base_url = self.base_url.trim();
        if base_url.is_empty() {
            problems.push(field_error("baseUrl", "Enter the gateway's base URL."));
        } else if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            problems.push(field_error(
                "baseUrl",
                "Start with https:// (or http:// for a test gateway).",
            ));
        }
        let api_key = secret(&self.api_key);
        if api_key.is_none() && !self.api_key_set {
            problems.push(field_error("apiKey", "Enter the gateway's API key."));
        }
        let messages_per_second =
            parse_messages_per_second(&self.messages_per_second, "messagesPerSecond")
                .map_err(|problem| problems.push(problem))
                .ok()
                .flatten();
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(MessagingProviderInput {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            signing_secret: secret(&self.signing_secret),
            sms_sender: optional_text(&self.sms_sender),
            email_sender: optional_text(&self.email_sender),
            messages_per_second,
        })
    }
}

/// The "Send test message" form, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestMessageDraft {
    /// SMS or e-mail.
    pub channel: MessageChannel,
    /// A number in E.164 or an e-mail address.
    pub to: String,
    /// The subject (e-mail only).
    pub subject: String,
    /// The text.
    pub body: String,
}

impl Default for TestMessageDraft {
    fn default() -> Self {
        TestMessageDraft {
            channel: MessageChannel::Sms,
            to: String::new(),
            subject: String::new(),
            body: "Reachline test message".to_owned(),
        }
    }
}

impl TestMessageDraft {
    /// The mutation's variables, or the problems.
    pub fn to_variables(&self) -> Result<send_test_message::Variables, Vec<FieldError>> {
        let mut problems = Vec::new();
        let to = self.to.trim();
        match self.channel {
            MessageChannel::Sms if to.is_empty() => {
                problems.push(field_error("to", "Enter a number, e.g. +12125550100."));
            }
            MessageChannel::Email if !to.contains('@') => {
                problems.push(field_error("to", "Enter an e-mail address."));
            }
            _ => {}
        }
        if self.body.trim().is_empty() {
            problems.push(field_error("body", "Enter the text."));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let subject = match self.channel {
            MessageChannel::Email => optional_text(&self.subject),
            MessageChannel::Sms => None,
        };
        Ok(send_test_message::Variables {
            channel: self.channel,
            to: to.to_owned(),
            body: self.body.trim().to_owned(),
            subject,
        })
    }
}

/// Trimmed text, `None` when blank.
fn optional_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A secret as pasted, trimmed (a copied key often brings a line break
/// along); blank means "keep the stored one".
fn secret(text: &str) -> Option<String> {
    optional_text(text)
}
