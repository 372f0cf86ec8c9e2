//! The suppression facts of one decision, looked up ahead of it, so the pure
//! engine (`compliance::decide`) can ask them synchronously.

use chrono::{DateTime, Utc};
use compliance::{Channel as RuleChannel, Suppression, SuppressionKind as RuleKind};
use domain::Channel;
use domain::suppression::{SuppressionKind, normalise};
use uuid::Uuid;

use super::mirror::{self, Hit};
use crate::{ServiceError, Services};

/// The lists holding each value a decision will ask about, for one channel.
#[derive(Debug, Clone, Default)]
pub struct SuppressionView {
    channel: Option<RuleChannel>,
    hits: Vec<(RuleKind, String, Vec<Hit>)>,
}

fn rule_kind(kind: SuppressionKind) -> RuleKind {
    match kind {
        SuppressionKind::Phone => RuleKind::Phone,
        SuppressionKind::Email => RuleKind::Email,
        SuppressionKind::ClientId => RuleKind::ClientId,
    }
}

/// The engine's channel as the suppression lists name it.
pub(crate) fn list_channel(channel: RuleChannel) -> Channel {
    match channel {
        RuleChannel::Voice => Channel::Voice,
        RuleChannel::Sms => Channel::Sms,
        RuleChannel::Email => Channel::Email,
    }
}

fn rule_channel(channel: Channel) -> RuleChannel {
    match channel {
        Channel::Voice => RuleChannel::Voice,
        Channel::Sms => RuleChannel::Sms,
        Channel::Email => RuleChannel::Email,
    }
}

impl SuppressionView {
    /// Looks up every (kind, value) in this process's mirror; values are
    /// normalised as lists store them.
    pub async fn load(
        services: &Services,
        tenant_id: Uuid,
        channel: Channel,
        values: &[(SuppressionKind, &str)],
    ) -> Result<SuppressionView, ServiceError> {
        Self::lookup(services, tenant_id, channel, values, false).await
    }

    /// [`Self::load`] for phone values the caller took from
    /// `PhoneNumber::e164` (canonical already): the hot path skips parsing
    /// each number a second time. E-mails and client ids are still normalised.
    pub async fn load_canonical(
        services: &Services,
        tenant_id: Uuid,
        channel: Channel,
        values: &[(SuppressionKind, &str)],
    ) -> Result<SuppressionView, ServiceError> {
        Self::lookup(services, tenant_id, channel, values, true).await
    }

    async fn lookup(
        services: &Services,
        tenant_id: Uuid,
        channel: Channel,
        values: &[(SuppressionKind, &str)],
        phones_canonical: bool,
    ) -> Result<SuppressionView, ServiceError> {
        let queries: Vec<(SuppressionKind, String)> = values
            .iter()
            .map(|(kind, value)| {
                let normalised = if phones_canonical && *kind == SuppressionKind::Phone {
                    value.to_string()
                } else {
                    normalise(*kind, value, None).unwrap_or_else(|_| value.trim().to_owned())
                };
                (*kind, normalised)
            })
            .collect();
        let hits = mirror::lookup(services, tenant_id, &queries, channel).await?;
        Ok(SuppressionView {
            channel: Some(rule_channel(channel)),
            hits: queries
                .into_iter()
                .zip(hits)
                .map(|((kind, value), hits)| (rule_kind(kind), value, hits))
                .collect(),
        })
    }

    /// Whether any looked-up value is on an active list at `at`.
    pub fn any_active(&self, at: DateTime<Utc>) -> bool {
        self.hits
            .iter()
            .any(|(_, _, hits)| hits.iter().any(|hit| hit.active_at(at)))
    }
}

impl Suppression for SuppressionView {
    fn is_suppressed(
        &self,
        kind: RuleKind,
        value: &str,
        channel: RuleChannel,
        at: DateTime<Utc>,
    ) -> Option<String> {
        if self.channel != Some(channel) {
            // Never looked up for this channel: refuse rather than guess.
            return Some("suppression was not checked for this channel".to_owned());
        }
        let domain_kind = match kind {
            RuleKind::Phone => SuppressionKind::Phone,
            RuleKind::Email => SuppressionKind::Email,
            RuleKind::ClientId => SuppressionKind::ClientId,
        };
        // The engine asks with the value it was given, usually the very one
        // looked up: compare it as is first, and normalise only when it differs.
        let found = self
            .hits
            .iter()
            .find(|(known, stored, _)| *known == kind && stored == value)
            .or_else(|| {
                let value =
                    normalise(domain_kind, value, None).unwrap_or_else(|_| value.trim().to_owned());
                self.hits
                    .iter()
                    .find(|(known, stored, _)| *known == kind && *stored == value)
            });
        let Some((_, _, hits)) = found else {
            return Some("suppression was not checked for this value".to_owned());
        };
        let hit = hits.iter().find(|hit| hit.active_at(at))?;
        let mut reason = format!("list \"{}\"", hit.list_name);
        if let Some(why) = &hit.reason {
            reason.push_str(&format!(" ({why})"));
        }
        if let Some(expires) = hit.expires_at {
            reason.push_str(&format!(", until {}", expires.format("%Y-%m-%d %H:%M UTC")));
        }
        Some(reason)
    }
}
