//! What every pre-dial request needs, kept in this process's memory: each
//! tenant's rules, the API clients' keys, the tenant's calling-list names and
//! its campaigns (their mode and the rules with their optional attempt rules).
//!
//! *Freshness:* a change is announced on the cache's pub/sub (rules on
//! `compliance:rules`, keys on [`CLIENTS_CHANNEL`]) and every process drops
//! its copy at once; as pub/sub may lose a message, no copy is trusted for
//! longer than [`FRESH_FOR`] either.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use chrono::Utc;
use compliance::RuleSet;
use entity::{api_client, contact_list};
use futures::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::rule_sets::{self, StoredRuleSet};
use crate::{ServiceError, Services};

/// The pub/sub channel told of every revoked API client (payload: its key prefix).
pub const CLIENTS_CHANNEL: &str = "api-clients:changed";

/// Longest a cached copy is used without reading the database again.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// A tenant's rules as decisions use them.
#[derive(Debug)]
pub struct TenantRules {
    /// As stored.
    pub stored: StoredRuleSet,
    /// The rules a record outside any campaign is judged by: every rule but
    /// the optional attempt rules (campaigns attach those).
    pub required: RuleSet,
}

/// An API client as the hot path checks it.
#[derive(Debug)]
pub struct CachedClient {
    /// The row (key hash, tenant, scopes, revocation).
    pub row: api_client::Model,
    /// When `last_used_at` was last written, epoch seconds (written at most once a minute).
    pub touched: AtomicI64,
}

struct Entry<T> {
    value: Arc<T>,
    loaded: Instant,
}

type Map<K, T> = RwLock<HashMap<K, Entry<T>>>;

fn fresh<K: std::hash::Hash + Eq, T>(map: &Map<K, T>, key: &K) -> Option<Arc<T>> {
    let map = map.read().unwrap_or_else(PoisonError::into_inner);
    map.get(key)
        .filter(|entry| entry.loaded.elapsed() < FRESH_FOR)
        .map(|entry| entry.value.clone())
}

fn keep<K: std::hash::Hash + Eq, T>(map: &Map<K, T>, key: K, value: Arc<T>) {
    let mut map = map.write().unwrap_or_else(PoisonError::into_inner);
    map.insert(
        key,
        Entry {
            value,
            loaded: Instant::now(),
        },
    );
}

fn drop_key<K: std::hash::Hash + Eq, T>(map: &Map<K, T>, key: &K) {
    map.write()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(key);
}

/// This process's copies; shared by clones of [`Services`].
#[derive(Default)]
pub struct HotCache {
    rules: Map<Uuid, TenantRules>,
    clients: Map<String, CachedClient>,
    lists: Map<Uuid, HashSet<String>>,
    campaigns: Map<Uuid, HashMap<String, Arc<HotCampaign>>>,
}

/// A campaign as pre-dial validation uses it (`GSW_CAMPAIGN_GROUP_NAME`).
#[derive(Debug)]
pub struct HotCampaign {
    /// The template's dialling mode: a record's mode unless it says its own.
    pub mode: compliance::DialMode,
    /// The tenant's rules with the optional attempt rules the template attaches.
    pub rules: RuleSet,
}

impl HotCache {
    /// The tenant's rules (seeded with the defaults when it has none).
    pub async fn rules(
        &self,
        services: &Services,
        tenant_id: Uuid,
    ) -> Result<Arc<TenantRules>, ServiceError> {
        if let Some(rules) = fresh(&self.rules, &tenant_id) {
            return Ok(rules);
        }
        let stored = rule_sets::load(&services.db, tenant_id).await?;
        let required = stored.rules.for_campaign(&[]);
        let rules = Arc::new(TenantRules { stored, required });
        keep(&self.rules, tenant_id, rules.clone());
        Ok(rules)
    }

    /// The client whose key starts with `prefix`, revoked or not; `None` when no key has it.
    pub async fn client(
        &self,
        services: &Services,
        prefix: &str,
    ) -> Result<Option<Arc<CachedClient>>, ServiceError> {
        let key = prefix.to_owned();
        if let Some(client) = fresh(&self.clients, &key) {
            return Ok(Some(client));
        }
        let Some(row) = api_client::Entity::find()
            .filter(api_client::Column::KeyPrefix.eq(prefix))
            .one(&services.db)
            .await?
        else {
            return Ok(None);
        };
        let touched = row.last_used_at.map_or(0, |at| at.timestamp());
        let client = Arc::new(CachedClient {
            row,
            touched: AtomicI64::new(touched),
        });
        keep(&self.clients, key, client.clone());
        Ok(Some(client))
    }

    /// Whether the tenant has a contact list of this name (case-insensitive):
    /// what `GSW_CALLING_LIST` must name.
    pub async fn has_list(
        &self,
        services: &Services,
        tenant_id: Uuid,
        name: &str,
    ) -> Result<bool, ServiceError> {
        let wanted = name.trim().to_lowercase();
        if let Some(names) = fresh(&self.lists, &tenant_id)
            && names.contains(&wanted)
        {
            return Ok(true);
        }
        // Unknown or stale: read the names again (a list created a moment ago counts).
        let names: HashSet<String> = contact_list::Entity::find()
            .select_only()
            .column(contact_list::Column::Name)
            .filter(contact_list::Column::TenantId.eq(tenant_id))
            .into_tuple::<String>()
            .all(&services.db)
            .await?
            .into_iter()
            .map(|name| name.trim().to_lowercase())
            .collect();
        let found = names.contains(&wanted);
        keep(&self.lists, tenant_id, Arc::new(names));
        Ok(found)
    }

    /// The tenant's campaign of this name (case-insensitive), `None` when it has none.
    pub async fn campaign(
        &self,
        services: &Services,
        tenant_id: Uuid,
        name: &str,
    ) -> Result<Option<Arc<HotCampaign>>, ServiceError> {
        let wanted = name.trim().to_lowercase();
        if let Some(campaigns) = fresh(&self.campaigns, &tenant_id)
            && let Some(found) = campaigns.get(&wanted)
        {
            return Ok(Some(found.clone()));
        }
        // Unknown or stale: read them again (a campaign created a moment ago counts).
        let rules = self.rules(services, tenant_id).await?;
        let rows = campaigns_with_settings(&services.db, tenant_id).await?;
        let mut campaigns = HashMap::with_capacity(rows.len());
        for (campaign, settings) in rows {
            campaigns.insert(
                campaign.name.trim().to_lowercase(),
                Arc::new(HotCampaign {
                    mode: settings.dialing_mode,
                    rules: rules.stored.rules.for_campaign(&settings.optional_rules),
                }),
            );
        }
        let found = campaigns.get(&wanted).cloned();
        keep(&self.campaigns, tenant_id, Arc::new(campaigns));
        Ok(found)
    }

    /// Drops a tenant's cached rules (its rules changed).
    pub fn forget_rules(&self, tenant_id: Uuid) {
        drop_key(&self.rules, &tenant_id);
        drop_key(&self.campaigns, &tenant_id);
    }

    /// Drops a cached client (revoked).
    pub fn forget_client(&self, prefix: &str) {
        drop_key(&self.clients, &prefix.to_owned());
    }
}

impl CachedClient {
    /// Whether `last_used_at` is due a write (at most once a minute per process).
    pub fn claim_touch(&self) -> bool {
        let now = Utc::now().timestamp();
        let last = self.touched.load(Ordering::Relaxed);
        now - last >= 60
            && self
                .touched
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// Drops cached copies as changes are announced, until `stop` turns true;
/// runs in every process.
pub async fn follow(services: Services, mut stop: tokio::sync::watch::Receiver<bool>) {
    let rules = services.cache.subscribe(rule_sets::CHANGED_CHANNEL).await;
    let clients = services.cache.subscribe(CLIENTS_CHANNEL).await;
    let (Ok(rules), Ok(clients)) = (rules, clients) else {
        tracing::warn!("no pub/sub for rule and key changes: cached copies expire on their own");
        return;
    };
    let mut messages = futures::stream::select(
        rules.map(|payload| (true, payload)),
        clients.map(|payload| (false, payload)),
    );
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            message = messages.next() => {
                let Some((is_rules, payload)) = message else { return };
                if is_rules {
                    if let Ok(tenant_id) = payload.parse::<Uuid>() {
                        services.hot.forget_rules(tenant_id);
                    }
                } else {
                    services.hot.forget_client(&payload);
                }
            }
        }
    }
}

/// A tenant's campaigns with their templates' settings.
async fn campaigns_with_settings(
    db: &sea_orm::DatabaseConnection,
    tenant_id: Uuid,
) -> Result<Vec<(entity::campaign::Model, campaign::TemplateSettings)>, ServiceError> {
    let campaigns = entity::campaign::Entity::find()
        .filter(entity::campaign::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?;
    let templates: HashMap<Uuid, entity::campaign_template::Model> =
        entity::campaign_template::Entity::find()
            .filter(entity::campaign_template::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?
            .into_iter()
            .map(|template| (template.id, template))
            .collect();
    let mut out = Vec::with_capacity(campaigns.len());
    for campaign in campaigns {
        if let Some(template) = templates.get(&campaign.template_id) {
            let settings =
                serde_json::from_value(template.settings.clone()).map_err(anyhow::Error::from)?;
            out.push((campaign, settings));
        }
    }
    Ok(out)
}
