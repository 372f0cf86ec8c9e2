//! Several `reachline` processes on one installation's stores, as replicas
//! are deployed: the shared PostgreSQL database, Redis prefix and data
//! directory, and the GraphQL calls the process tests make against them.

use serde_json::{Value, json};

use crate::process::ServerProcess;
use crate::{JWT_SECRET, TestDatabase, redis_url, unique_redis_prefix};

/// The first admin's password in every replica test.
pub const ADMIN_PASSWORD: &str = "replica-admin-password";

/// One GraphQL request over HTTP; the response body.
pub async fn graphql(address: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = crate::http_client()
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// Signs in; the token.
pub async fn login(address: &str, email: &str, password: &str) -> String {
    let body = graphql(
        address,
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({ "e": email, "p": password }),
    )
    .await;
    body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Stores the tenant's rule set with its calling window open around the clock,
/// so a test's answers do not depend on the hour it runs; the rules stored.
pub async fn open_window_all_day(address: &str, token: &str) -> Value {
    let body = graphql(
        address,
        Some(token),
        "{ complianceRuleSet { rules } }",
        json!({}),
    )
    .await;
    let mut rules = body["data"]["complianceRuleSet"]["rules"].clone();
    crate::open_all_day(&mut rules);
    let saved = graphql(
        address,
        Some(token),
        "mutation($r: JSON!) { updateComplianceRuleSet(rules: $r) { version } }",
        json!({ "r": rules }),
    )
    .await;
    assert!(saved["errors"].is_null(), "{saved}");
    rules
}

/// Creates a voice contact list named `name`; its id.
pub async fn create_list(address: &str, token: &str, name: &str) -> String {
    let body = graphql(
        address,
        Some(token),
        "mutation($n: String!) { createContactList(input: { name: $n, channel: VOICE }) { id } }",
        json!({ "n": name }),
    )
    .await;
    body["data"]["createContactList"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// Uploads `csv` (columns `Account` and `Phone`) into `list` as an append-only
/// import of US numbers; the import job's id.
pub async fn import_csv(address: &str, token: &str, list: &str, csv: &str) -> String {
    let import = "mutation($list: ID!, $file: Upload!) { importContacts(listId: $list, file: $file, mode: APPEND_ONLY, \
        mapping: { defaultCountry: \"US\", columns: [{ header: \"Account\", field: CLIENT_ID }, { header: \"Phone\", device: HOME }] }) { id } }";
    let body = crate::graphql_upload(
        &crate::http_client(),
        address,
        token,
        import,
        json!({ "list": list, "file": null }),
        "contacts.csv",
        csv,
    )
    .await;
    body["data"]["importContacts"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// A campaign's `loadStatus` and the `stats` fields named in `fields`.
pub async fn campaign_stats(address: &str, token: &str, campaign: &str, fields: &str) -> Value {
    graphql(
        address,
        Some(token),
        &format!("query($id: ID!) {{ campaign(id: $id) {{ loadStatus stats {{ {fields} }} }} }}"),
        json!({ "id": campaign }),
    )
    .await["data"]["campaign"]
        .clone()
}

/// Creates a campaign of `list` with the campaign template `template`, loads it
/// and starts it once its calling list is ready; the campaign's id.
pub async fn start_campaign(address: &str, token: &str, template: &str, list: &str) -> String {
    let body = graphql(
        address,
        Some(token),
        "mutation($t: ID!, $l: ID!) { createCampaign(input: { name: \"Campaign\", templateId: $t, lists: [{ listId: $l }] }) { id } }",
        json!({ "t": template, "l": list }),
    )
    .await;
    let campaign = body["data"]["createCampaign"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    graphql(
        address,
        Some(token),
        "mutation($id: ID!) { loadCampaign(id: $id) { id } }",
        json!({ "id": campaign }),
    )
    .await;
    for _ in 0..300 {
        if campaign_stats(address, token, &campaign, "ready").await["loadStatus"] == "READY" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let body = graphql(
        address,
        Some(token),
        "mutation($id: ID!) { startCampaign(id: $id) { state } }",
        json!({ "id": campaign }),
    )
    .await;
    assert_eq!(body["data"]["startCampaign"]["state"], "RUNNING", "{body}");
    campaign
}

/// One PostgreSQL database, Redis prefix and data directory that several
/// `reachline` processes share, as replicas of one installation do.
pub struct SharedStores {
    /// The database every replica uses.
    pub database_url: String,
    redis_url: String,
    prefix: String,
    data_dir: tempfile::TempDir,
    _database: Option<TestDatabase>,
}

impl SharedStores {
    /// A new database on the test PostgreSQL, a new prefix on the test Redis.
    pub async fn new() -> SharedStores {
        let database = TestDatabase::create().await;
        SharedStores {
            database_url: database.url.clone(),
            redis_url: redis_url(),
            prefix: unique_redis_prefix(),
            data_dir: tempfile::tempdir().unwrap(),
            _database: Some(database),
        }
    }

    /// Replicas on the given servers (a test's own PostgreSQL or Redis, which it may stop).
    pub fn on(database_url: &str, redis_url: &str) -> SharedStores {
        SharedStores {
            database_url: database_url.to_owned(),
            redis_url: redis_url.to_owned(),
            prefix: unique_redis_prefix(),
            data_dir: tempfile::tempdir().unwrap(),
            _database: None,
        }
    }

    /// Starts a replica with `roles` on the shared stores.
    pub async fn start(&self, roles: &str) -> ServerProcess {
        self.start_with(roles, &[]).await
    }

    /// Starts a replica with `roles` and `extra` flags on the shared stores.
    pub async fn start_with(&self, roles: &str, extra: &[&str]) -> ServerProcess {
        self.start_with_env(roles, extra, &[]).await
    }

    /// Starts a replica with `roles`, `extra` flags and `env` variables (a log filter, say).
    pub async fn start_with_env(
        &self,
        roles: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> ServerProcess {
        let data = self.data_dir.path().display().to_string();
        let args = [
            "--listen",
            "127.0.0.1:0",
            "--roles",
            roles,
            "--data-dir",
            &data,
            "--database-url",
            &self.database_url,
            "--redis-url",
            &self.redis_url,
            "--redis-prefix",
            &self.prefix,
        ];
        let args: Vec<&str> = args.iter().chain(extra).copied().collect();
        let mut all = vec![
            ("REACHLINE_ADMIN_PASSWORD", ADMIN_PASSWORD),
            ("REACHLINE_JWT_SECRET", JWT_SECRET),
        ];
        all.extend_from_slice(env);
        ServerProcess::start(&args, &all).await
    }
}
