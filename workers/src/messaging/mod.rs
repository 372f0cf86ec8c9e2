//! The Dial Manager (role `dial-manager`, issue 8): SMS and e-mail through a
//! Nexus-compatible gateway. `templates` are the texts (checked when saved,
//! rendered per contact), `provider` each tenant's gateway with its sealed
//! secrets, `gateway` the HTTP client that sends one message with its
//! idempotency key, `outbox` the messages table (a message is written before
//! it is sent and keeps its key when re-sent), `rate` the per-campaign and
//! per-tenant limits shared by every replica, `dispatch` the role's loop over
//! running SMS and e-mail campaigns, and `callbacks` the gateway's signed
//! delivery receipts and inbound replies (STOP, HELP).

pub mod callbacks;
pub mod dispatch;
pub mod gateway;
pub mod outbox;
pub mod provider;
pub mod rate;
pub mod templates;

/// The channel a message goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageChannel {
    /// A text message.
    Sms,
    /// An e-mail.
    Email,
}

impl MessageChannel {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Sms => "SMS",
            MessageChannel::Email => "EMAIL",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "SMS" => Some(MessageChannel::Sms),
            "EMAIL" => Some(MessageChannel::Email),
            _ => None,
        }
    }

    /// The channel of a campaign's dialing mode, for the two message modes.
    pub fn of_mode(mode: compliance::DialMode) -> Option<Self> {
        match mode {
            compliance::DialMode::Sms => Some(MessageChannel::Sms),
            compliance::DialMode::Email => Some(MessageChannel::Email),
            _ => None,
        }
    }
}

/// Where a message stands; it only moves forward (see [`MessageStatus::rank`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    /// Written, being handed to the gateway (or to be retried).
    Sending,
    /// The gateway accepted it.
    Sent,
    /// The handset or mailbox received it.
    Delivered,
    /// Refused by the gateway, or a failed receipt.
    Failed,
}

impl MessageStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Sending => "SENDING",
            MessageStatus::Sent => "SENT",
            MessageStatus::Delivered => "DELIVERED",
            MessageStatus::Failed => "FAILED",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Sending, Self::Sent, Self::Delivered, Self::Failed]
            .into_iter()
            .find(|status| status.as_str() == raw)
    }

    /// Order of progress: a status never moves to a lower rank.
    pub fn rank(self) -> u8 {
        match self {
            MessageStatus::Sending => 0,
            MessageStatus::Sent => 1,
            MessageStatus::Delivered | MessageStatus::Failed => 2,
        }
    }
}

/// Why a message was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// A campaign's message to a calling-list record.
    Campaign,
    /// "Send test message" from the gateway settings.
    Test,
    /// The answer to an inbound STOP or HELP.
    Reply,
}

impl MessageKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Campaign => "CAMPAIGN",
            MessageKind::Test => "TEST",
            MessageKind::Reply => "REPLY",
        }
    }
}
