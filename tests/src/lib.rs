//! The black-box test harness: [`spawn_app`] starts a real Reachline on port 0
//! with its own PostgreSQL database and Redis key prefix (or its own SQLite
//! file and in-process cache), and [`TestApp`] talks to it over HTTP and
//! WebSocket like any client would.

pub mod browser;
pub mod dialer;
pub mod gateway;
pub mod graphql_ws;
pub mod messy;
pub mod process;
pub mod replicas;
pub mod servers;
pub mod sshd;

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tempfile::TempDir;

/// The first admin's e-mail.
pub const ADMIN_EMAIL: &str = "admin@localhost";
/// The first admin's password in every test app.
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// The password given to users created by [`TestApp::create_user`].
pub const USER_PASSWORD: &str = "user-password-for-tests";
/// The token secret of every test app (tests forge expired tokens with it).
pub const JWT_SECRET: &str = "test-jwt-secret-of-at-least-32-characters";

/// Which store pair an app runs on; the suite runs on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stores {
    /// Production stores: PostgreSQL and Redis.
    PostgresRedis,
    /// The embedded default: SQLite and the in-process cache.
    SqliteInProcess,
}

/// Generates one test per store pair for each named `async fn(Stores)`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres_redis() {
                    super::$name($crate::Stores::PostgresRedis).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite_in_process() {
                    super::$name($crate::Stores::SqliteInProcess).await
                }
            }
        )*
    };
}

/// An HTTP client for tests; installs the TLS crypto provider reqwest needs first
/// (every test may run in its own process, so each must be able to do it).
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// The server used to create per-test databases.
pub fn postgres_admin_url() -> String {
    std::env::var("REACHLINE_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The Redis server of the tests.
pub fn redis_url() -> String {
    std::env::var("REACHLINE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A fresh Redis key prefix, so tests running in parallel never see each other's keys.
pub fn unique_redis_prefix() -> String {
    format!("rltest:{}:", uuid::Uuid::new_v4().simple())
}

/// A PostgreSQL database created for one test and dropped when this is dropped.
pub struct TestDatabase {
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl TestDatabase {
    /// Creates an empty database with a unique name.
    pub async fn create() -> TestDatabase {
        let admin_url = postgres_admin_url();
        let name = format!("rl_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|error| {
            panic!("connecting to {admin_url}: {error}; is PostgreSQL running?")
        });
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("creating the test database");
        let _ = admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(base, _)| base);
        TestDatabase {
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        let dropper = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            });
        });
        let _ = dropper.join();
    }
}

/// The built SPA of the repository (the browser test serves it).
pub fn spa_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist")
}

/// A running Reachline and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The bound port.
    pub port: u16,
    /// An HTTP client.
    pub client: reqwest::Client,
    /// The app's own services (to arrange data that has no API, such as a second tenant).
    pub services: workers::Services,
    /// The store pair.
    pub stores: Stores,
    server: tokio::task::JoinHandle<()>,
    /// The data directory (the SQLite file and uploads), shared with replicas.
    data_dir: PathBuf,
    /// The database and cache flags it was started with.
    store_args: Vec<String>,
    _owned_data_dir: Option<TempDir>,
    _database: Option<TestDatabase>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts an app on `stores` with the test defaults.
pub async fn spawn_app(stores: Stores) -> TestApp {
    spawn_app_with(stores, &[]).await
}

/// Starts an app on `stores` with extra `serve` flags (they override the defaults).
pub async fn spawn_app_with(stores: Stores, extra_args: &[&str]) -> TestApp {
    let data_dir = tempfile::tempdir().expect("creating a data directory");
    let (store_args, database) = match stores {
        Stores::PostgresRedis => {
            let database = TestDatabase::create().await;
            let args = vec![
                "--database-url".into(),
                database.url.clone(),
                "--redis-url".into(),
                redis_url(),
                "--redis-prefix".into(),
                unique_redis_prefix(),
            ];
            (args, Some(database))
        }
        Stores::SqliteInProcess => (Vec::new(), None),
    };
    let path = data_dir.path().to_owned();
    let mut app = start_app(stores, path, store_args, extra_args).await;
    app._owned_data_dir = Some(data_dir);
    app._database = database;
    app
}

/// Builds and runs an app on the given data directory and store flags.
async fn start_app(
    stores: Stores,
    data_dir: PathBuf,
    store_args: Vec<String>,
    extra_args: &[&str],
) -> TestApp {
    let client = http_client();
    if std::env::var_os("REACHLINE_TEST_LOG").is_some() {
        api::telemetry::init(api::config::LogFormat::Text);
    }
    let mut args: Vec<String> = vec![
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--data-dir".into(),
        data_dir.display().to_string(),
        "--admin-password".into(),
        ADMIN_PASSWORD.into(),
        "--jwt-secret".into(),
        JWT_SECRET.into(),
        "--spa-dir".into(),
        spa_dir().display().to_string(),
    ];
    args.extend(store_args.iter().cloned());
    args.extend(extra_args.iter().map(|arg| arg.to_string()));
    let config = api::ServeConfig::from_args(args).expect("valid test configuration");
    let app = api::Application::build(config)
        .await
        .expect("building the app");
    let port = app.port();
    let services = app.services().clone();
    let server = tokio::spawn(async move {
        let _ = app.run_until_stopped(std::future::pending()).await;
    });
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client,
        services,
        stores,
        server,
        data_dir,
        store_args,
        _owned_data_dir: None,
        _database: None,
    }
}

/// The `extensions.code` of the first error of a GraphQL response.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The `extensions.field` of the first error of a GraphQL response.
pub fn error_field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

/// Opens a rule set's calling window around the clock, every day, without
/// region overrides or holidays, so a test's answers do not depend on when it runs.
pub fn open_all_day(rules: &mut Value) {
    let windows = &mut rules["callingWindows"];
    windows["default"] = json!({ "slots": [{
        "days": ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"], "start": "00:00", "end": "24:00" }] });
    windows["regions"] = json!({});
    windows["holidays"] = json!([]);
}

impl TestApp {
    /// Stores the tenant's rule set with [`open_all_day`]'s calling window.
    pub async fn open_calling_window_all_day(&self, token: &str) {
        let body = self
            .graphql(Some(token), "{ complianceRuleSet { rules } }", json!({}))
            .await;
        let mut rules = body["data"]["complianceRuleSet"]["rules"].clone();
        open_all_day(&mut rules);
        let saved = self
            .graphql(
                Some(token),
                "mutation($rules: JSON!) { updateComplianceRuleSet(rules: $rules) { version } }",
                json!({ "rules": rules }),
            )
            .await;
        assert!(saved["errors"].is_null(), "{saved}");
    }

    /// A second replica on this app's database and data directory, for what
    /// must cross processes. On PostgreSQL it shares this app's Redis prefix
    /// when `shared_cache` (pub/sub reaches it), else it gets its own (every
    /// message between the two is lost); the in-process cache is never shared.
    /// Drop it before this app.
    pub async fn spawn_replica(&self, shared_cache: bool, extra_args: &[&str]) -> TestApp {
        let mut store_args = self.store_args.clone();
        if !shared_cache
            && let Some(position) = store_args.iter().position(|arg| arg == "--redis-prefix")
            && let Some(prefix) = store_args.get_mut(position + 1)
        {
            *prefix = unique_redis_prefix();
        }
        start_app(self.stores, self.data_dir.clone(), store_args, extra_args).await
    }

    /// Posts `body` as JSON to `path`, with an API key when given (the dialer
    /// and gateway routes); the status and the body's text.
    pub async fn post_json(&self, path: &str, key: Option<&str>, body: String) -> (u16, String) {
        let mut request = self
            .client
            .post(format!("{}{path}", self.address))
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.header("x-api-key", key);
        }
        let response = request.send().await.expect("sending a request");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// The GraphQL WebSocket URL.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/graphql/ws", self.port)
    }

    /// Posts a GraphQL document and returns the whole JSON body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.graphql_with_headers(token, query, variables, &[])
            .await
    }

    /// Posts a GraphQL document with extra headers.
    pub async fn graphql_with_headers(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("sending a GraphQL request");
        response.json().await.expect("a JSON response")
    }

    /// Signs in and returns the response body.
    pub async fn try_login(&self, email: &str, password: &str) -> Value {
        self.graphql(
            None,
            "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
            json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Signs in and returns the token; panics with the response otherwise.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let body = self.try_login(email, password).await;
        body["data"]["login"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login of {email} failed: {body}"))
            .to_owned()
    }

    /// The first admin's token.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    /// Creates a user with [`USER_PASSWORD`] and returns the response body.
    pub async fn try_create_user(&self, token: &str, email: &str, role: &str) -> Value {
        self.graphql(
            Some(token),
            "mutation Create($input: CreateUserInput!) { createUser(input: $input) { id email role } }",
            json!({ "input": { "email": email, "displayName": email, "role": role, "password": USER_PASSWORD } }),
        )
        .await
    }

    /// A second tenant, `acme`, with an admin (`boss@acme.example`): the tenant
    /// and the admin's token, for tests of what one tenant may see of another.
    pub async fn second_tenant_admin(&self) -> (entity::tenant::Model, String) {
        let other = workers::accounts::tenants::create(&self.services.db, "acme")
            .await
            .expect("creating tenant acme");
        workers::accounts::users::create_as(
            &self.services,
            &workers::audit::Actor::system(other.id, "test"),
            workers::accounts::users::NewUser {
                email: "boss@acme.example".into(),
                display_name: "Boss".into(),
                role: domain::UserRole::Admin,
                password: USER_PASSWORD.into(),
            },
        )
        .await
        .expect("creating acme's admin");
        let token = self.login("boss@acme.example", USER_PASSWORD).await;
        (other, token)
    }

    /// SQL statements this server has sent so far, from its own `/metrics`
    /// (the scrape itself adds one: it reads the queue backlog).
    pub async fn sql_statements(&self) -> u64 {
        let metrics = self
            .client
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("scraping /metrics")
            .text()
            .await
            .expect("reading /metrics");
        metrics
            .lines()
            .filter(|line| line.starts_with("reachline_db_statements_total{"))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// Creates a user and returns its id; panics with the response otherwise.
    pub async fn create_user(&self, token: &str, email: &str, role: &str) -> String {
        let body = self.try_create_user(token, email, role).await;
        body["data"]["createUser"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("creating {email} failed: {body}"))
            .to_owned()
    }
}

/// Inserts `count` contacts with two phones each (home `+1202456nnnn`, mobile
/// `+1415867nnnn`) into a list — arranging data the import pipeline would load.
pub async fn seed_contacts(
    services: &workers::Services,
    tenant_id: uuid::Uuid,
    list_id: uuid::Uuid,
    count: usize,
) -> Vec<i64> {
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let now = chrono::Utc::now();
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let contact = entity::contact::ActiveModel {
            tenant_id: Set(tenant_id),
            list_id: Set(list_id),
            client_id: Set(Some(format!("C{n:05}"))),
            dedupe_key: Set(Some(format!("c:C{n:05}"))),
            first_name: Set(Some(format!("First{n}"))),
            last_name: Set(Some(format!("Last{n}"))),
            company: Set(None),
            postal_code: Set(Some("20500".into())),
            country: Set(Some("US".into())),
            time_zone: Set(None),
            custom: Set(json!({ "other1": format!("debt-{n}") })),
            consent_automated: Set(false),
            consent_sms: Set(false),
            consent_email: Set(false),
            import_job_id: Set(None),
            import_seq: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&services.db)
        .await
        .expect("seeding a contact");
        let device = |position: i16,
                      kind: &str,
                      value: String,
                      area: &str,
                      exchange: &str,
                      device_type: &str,
                      zone: &str| {
            entity::contact_device::ActiveModel {
                tenant_id: Set(tenant_id),
                list_id: Set(list_id),
                contact_id: Set(contact.id),
                position: Set(position),
                kind: Set(kind.into()),
                raw: Set(value.clone()),
                subscriber: Set(Some(value[8..].to_owned())),
                value: Set(value),
                country_code: Set(Some(1)),
                area_code: Set(Some(area.into())),
                exchange: Set(Some(exchange.into())),
                extension: Set(None),
                device_type: Set(device_type.into()),
                country: Set(Some("US".into())),
                region: Set(None),
                time_zones: Set(Some(zone.into())),
                ..Default::default()
            }
        };
        entity::contact_device::Entity::insert_many([
            device(
                0,
                "HOME",
                format!("+1202456{n:04}"),
                "202",
                "456",
                "UNKNOWN",
                "America/New_York",
            ),
            device(
                1,
                "MOBILE",
                format!("+1415867{n:04}"),
                "415",
                "867",
                "MOBILE",
                "America/Los_Angeles",
            ),
        ])
        .exec(&services.db)
        .await
        .expect("seeding devices");
        ids.push(contact.id);
    }
    let list = entity::contact_list::Entity::find_by_id(list_id)
        .one(&services.db)
        .await
        .ok()
        .flatten()
        .expect("the list exists");
    let mut active: entity::contact_list::ActiveModel = list.clone().into();
    active.contact_count = Set(list.contact_count + count as i64);
    active.device_count = Set(list.device_count + 2 * count as i64);
    active
        .update(&services.db)
        .await
        .expect("updating the list's counts");
    ids
}

/// Posts a GraphQL multipart request (the `graphql-multipart-request` spec) with one file
/// bound to `variables.file`.
pub async fn graphql_upload(
    client: &reqwest::Client,
    address: &str,
    token: &str,
    query: &str,
    variables: Value,
    file_name: &str,
    content: &str,
) -> Value {
    let boundary = "reachline-test-boundary";
    let operations = json!({ "query": query, "variables": variables });
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.file\"]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n\
         --{boundary}--\r\n"
    );
    client
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("sending a multipart request")
        .json()
        .await
        .expect("a JSON response")
}

/// This process's peak resident memory in MiB (`VmHWM`), for the benchmarks.
pub fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
