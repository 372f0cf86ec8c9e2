//! The typed GraphQL operations of messaging (issue 8): message templates
//! and their live preview, the Nexus gateway settings with a test send, and
//! a campaign's recent messages.
//!
//! Like every other operation, each is one `graphql/<Name>.graphql` file
//! checked at compile time against `schema.graphql`. graphql_client
//! generates a fragment's struct and an input type once per operation
//! module, so the pages hold one copy of each (`MessageTemplate`,
//! `ProviderSettings`, `MessageTemplateInput`) and `api::jobs::reread` the
//! others into it.

use graphql_client::GraphQLQuery;

#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::message_types::{MessageChannel, MessageKind, MessageStatus, SmsEncoding};
#[allow(unused_imports)] // Used by the generated modules through `use super::*`.
use super::schema_types::DateTime;

/// How many messages the dashboard's "Recent messages" table shows.
pub const RECENT_MESSAGES: i64 = 20;

/// One message of a campaign.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))] // Read by the pages only.
pub use campaign_messages::CampaignMessagesCampaignMessages as CampaignMessage;
/// A template's settings as `createMessageTemplate` takes them (the update
/// and the preview reread them).
pub use create_message_template::MessageTemplateInput;
/// A saved message template (the `MessageTemplateData` fragment), as every page holds it.
pub use message_templates::MessageTemplateData as MessageTemplate;
/// The gateway settings (the `ProviderSettings` fragment); secrets never come back.
pub use messaging_provider::ProviderSettings;
/// What `previewMessage` rendered.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))] // Read by the pages only.
pub use preview_message::PreviewMessagePreviewMessage as MessagePreview;
/// What the gateway answered to a test message.
#[cfg_attr(not(target_arch = "wasm32"), allow(unused_imports))] // Read by the pages only.
pub use send_test_message::SendTestMessageSendTestMessage as TestMessageResult;
/// The gateway settings as `updateMessagingProvider` takes them.
pub use update_messaging_provider::MessagingProviderInput;

/// `messageTemplates`: the Messaging table and the campaign template editor's choices.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/MessageTemplates.graphql",
    extern_enums("MessageChannel", "SmsEncoding"),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct MessageTemplates;

/// `messageTemplate(id)` and `messageTemplateFields`: the editor of a saved template.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/GetMessageTemplate.graphql",
    extern_enums("MessageChannel", "SmsEncoding"),
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct GetMessageTemplate;

/// `messageTemplateFields`: the placeholders a new template's editor offers.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/MessageTemplateFields.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct MessageTemplateFields;

/// `previewMessage(input, contactId)`: the editor's live preview.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/PreviewMessage.graphql",
    extern_enums("MessageChannel", "SmsEncoding"),
    variables_derives = "Debug, Clone, PartialEq, Deserialize",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct PreviewMessage;

/// `createMessageTemplate(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CreateMessageTemplate.graphql",
    extern_enums("MessageChannel"),
    variables_derives = "Debug, Clone, PartialEq",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CreateMessageTemplate;

/// `updateMessageTemplate(id, input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateMessageTemplate.graphql",
    extern_enums("MessageChannel"),
    variables_derives = "Debug, Clone, PartialEq, Deserialize",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct UpdateMessageTemplate;

/// `deleteMessageTemplate(id)`: `CONFLICT` while a campaign template uses it.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/DeleteMessageTemplate.graphql",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct DeleteMessageTemplate;

/// `messagingProvider`: the gateway settings page.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/MessagingProvider.graphql",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct MessagingProvider;

/// `updateMessagingProvider(input)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/UpdateMessagingProvider.graphql",
    variables_derives = "Debug, Clone, PartialEq",
    response_derives = "Debug, Clone, PartialEq, Serialize"
)]
pub struct UpdateMessagingProvider;

/// `sendTestMessage(channel, to, body, subject)`.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/SendTestMessage.graphql",
    extern_enums("MessageChannel", "MessageStatus"),
    variables_derives = "Debug, Clone, PartialEq",
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct SendTestMessage;

/// `campaignMessages(campaignId, first)`: the dashboard's recent messages.
#[derive(GraphQLQuery)]
#[graphql(
    schema_path = "../schema.graphql",
    query_path = "graphql/CampaignMessages.graphql",
    extern_enums("MessageChannel", "MessageKind", "MessageStatus"),
    response_derives = "Debug, Clone, PartialEq"
)]
pub struct CampaignMessages;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::jobs::reread;

    fn template_json() -> serde_json::Value {
        serde_json::json!({
            "id": "t1", "name": "Reminder", "channel": "SMS", "subject": null,
            "body": "Hi {{firstName}}", "helpText": "Call us", "optOutText": null,
            "fields": ["firstname"],
            "smsLength": {"encoding": "GSM7", "units": 16, "segments": 1},
            "usedBy": [{"id": "c1", "name": "Spring"}],
            "createdAt": "2026-11-21T10:00:00Z", "updatedAt": "2026-11-21T10:00:00Z"
        })
    }

    #[test]
    fn one_operations_template_rereads_as_anothers() {
        let data: get_message_template::ResponseData = serde_json::from_value(
            serde_json::json!({ "messageTemplate": template_json(), "messageTemplateFields": ["firstName"] }),
        )
        .expect("parses");
        let template: MessageTemplate = reread(&data.message_template);
        assert_eq!(template.channel, MessageChannel::Sms);
        assert_eq!(
            template.sms_length.as_ref().map(|length| length.encoding),
            Some(SmsEncoding::Gsm7)
        );
        assert_eq!(
            serde_json::to_value(&template).expect("serialises"),
            template_json()
        );
    }

    #[test]
    fn the_input_rereads_for_the_update_and_the_preview() {
        let input = MessageTemplateInput {
            name: "Reminder".into(),
            channel: MessageChannel::Email,
            subject: Some("Hello".into()),
            body: "Hi".into(),
            help_text: None,
            opt_out_text: None,
        };
        let json = serde_json::to_value(&input).expect("serialises");
        assert_eq!(json["channel"], "EMAIL");
        assert_eq!(json["optOutText"], serde_json::Value::Null);
        let preview: preview_message::MessageTemplateInput = reread(&input);
        assert_eq!(preview.subject.as_deref(), Some("Hello"));
        let update: update_message_template::MessageTemplateInput = reread(&input);
        assert_eq!(update.name, "Reminder");
    }

    #[test]
    fn a_campaign_message_reads_its_status() {
        let data: campaign_messages::ResponseData = serde_json::from_value(serde_json::json!({
            "campaignMessages": [{
                "id": "m1", "kind": "CAMPAIGN", "channel": "SMS", "to": "+12125550100",
                "status": "DELIVERED", "error": null, "providerMessageId": "p1", "tries": 1,
                "createdAt": "2026-11-21T10:00:00Z", "sentAt": "2026-11-21T10:00:01Z",
                "deliveredAt": "2026-11-21T10:00:05Z"
            }]
        }))
        .expect("parses");
        let message: &CampaignMessage = &data.campaign_messages[0];
        assert_eq!(message.status, MessageStatus::Delivered);
        assert_eq!(message.kind, MessageKind::Campaign);
    }
}
