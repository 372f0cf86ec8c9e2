//! The one typed configuration: command-line flags with environment fallbacks.
//!
//! Every setting is listed here, once; `reachline serve --help` prints them with
//! these doc comments. Secrets are wrapped in [`Secret`] so they never reach logs.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A configuration value that must never be printed (`Debug` shows `***`).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret text, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Secret(value.to_owned()))
    }
}

/// The roles one `reachline` process can play (SPEC §1); each scales out on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Role {
    /// GraphQL over HTTP and WebSocket, REST shims, the SPA.
    Api,
    /// Imports, exports and list rules (List Builder / List Manager).
    Lists,
    /// Pre-dial validation for dialers (Compliance Manager).
    Compliance,
    /// Campaign state machine and preloading (Campaign Manager).
    Campaigns,
    /// Cron jobs, SFTP transfers, automation (Job Scheduler).
    Scheduler,
    /// SMS and e-mail through Nexus (Dial Manager).
    DialManager,
}

impl Role {
    /// Every role: the default set of `reachline serve`.
    pub const ALL: [Role; 6] = [
        Role::Api,
        Role::Lists,
        Role::Compliance,
        Role::Campaigns,
        Role::Scheduler,
        Role::DialManager,
    ];

    /// The flag spelling (`dial-manager`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Api => "api",
            Role::Lists => "lists",
            Role::Compliance => "compliance",
            Role::Campaigns => "campaigns",
            Role::Scheduler => "scheduler",
            Role::DialManager => "dial-manager",
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (development).
    Text,
    /// One JSON object per line (production log shippers).
    Json,
}

/// `reachline`: the outbound contact-center platform in one binary.
#[derive(Debug, Parser)]
#[command(name = "reachline", version, about, args_override_self = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The sub-commands of the binary.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run some or all roles until SIGTERM or Ctrl-C.
    Serve(ServeConfig),
    /// Apply pending database migrations and exit.
    Migrate(StoreConfig),
    /// Manage users from the command line (for the first admin of a new tenant, or recovery).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage tenants from the command line.
    #[command(subcommand)]
    Tenant(TenantCommand),
}

/// `reachline user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password comes from `--password`, `REACHLINE_USER_PASSWORD`, or is generated and printed.
    Create {
        /// The user's e-mail (their login).
        #[arg(long)]
        email: String,
        /// The role to grant.
        #[arg(long, value_parser = parse_user_role)]
        role: domain::UserRole,
        /// The tenant to create the user in.
        #[arg(long, default_value = "default")]
        tenant: String,
        /// Display name (defaults to the e-mail).
        #[arg(long)]
        name: Option<String>,
        /// Password (prefer the environment variable: flags show up in `ps`).
        #[arg(long, env = "REACHLINE_USER_PASSWORD", hide_env_values = true)]
        password: Option<Secret>,
        /// Where the stores are.
        #[command(flatten)]
        store: StoreConfig,
    },
}

/// `reachline tenant …`
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant.
    Create {
        /// The tenant's unique name.
        #[arg(long)]
        name: String,
        /// Where the stores are.
        #[command(flatten)]
        store: StoreConfig,
    },
}

fn parse_user_role(raw: &str) -> Result<domain::UserRole, String> {
    domain::UserRole::parse(&raw.to_uppercase().replace('-', "_")).ok_or_else(|| {
        let valid: Vec<&str> = domain::UserRole::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role {raw:?}; valid roles: {}", valid.join(", "))
    })
}

fn parse_seconds(raw: &str) -> Result<Duration, String> {
    raw.parse::<u64>()
        .map(Duration::from_secs)
        .map_err(|_| format!("{raw:?} is not a whole number of seconds"))
}

/// A provider URL that the refresh will accept (checked at start, not at the first refresh).
fn parse_provider_url(raw: &str) -> Result<String, String> {
    workers::compliance_data::fetch::check_url(raw)
        .map(|url| url.to_string())
        .map_err(|error| error.to_string())
}

/// A refresh interval: whole seconds, at least one.
fn parse_refresh_seconds(raw: &str) -> Result<Duration, String> {
    let interval = parse_seconds(raw)?;
    if interval.is_zero() {
        return Err("the refresh interval must be at least 1 second".into());
    }
    Ok(interval)
}

/// Where the stores are: shared by `serve`, `migrate` and the admin commands.
#[derive(Debug, Clone, Args)]
pub struct StoreConfig {
    /// Directory for the embedded SQLite database and generated secrets.
    #[arg(long, env = "REACHLINE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (`postgres://…`); without it, SQLite under the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<Secret>,
    /// Redis URL (`redis://…`); without it, an in-process cache (single process only).
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<Secret>,
    /// Prefix of every Redis key and channel (lets several installations share one Redis).
    #[arg(long, env = "REACHLINE_REDIS_PREFIX", default_value = "reachline:")]
    pub redis_prefix: String,
}

/// Settings of `reachline serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "REACHLINE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Roles to run, comma-separated (default: all).
    #[arg(long, env = "REACHLINE_ROLES", value_delimiter = ',', default_values_t = Role::ALL.to_vec(), value_enum)]
    pub roles: Vec<Role>,
    /// Where the stores are.
    #[command(flatten)]
    pub store: StoreConfig,
    /// Password of the first admin (`admin@localhost`), used only when the database is empty;
    /// generated and printed once when absent.
    #[arg(long, env = "REACHLINE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// Secret that signs login tokens (share it between replicas); generated into the data
    /// directory when absent.
    #[arg(long, env = "REACHLINE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// Lifetime of a login token, in seconds.
    #[arg(long, env = "REACHLINE_TOKEN_TTL_SECS", default_value = "28800", value_parser = parse_seconds)]
    pub token_ttl: Duration,
    /// Failed logins allowed per account per window.
    #[arg(
        long,
        env = "REACHLINE_LOGIN_FAILURES_PER_ACCOUNT",
        default_value_t = 10
    )]
    pub login_failures_per_account: u32,
    /// Failed logins allowed per client IP per window.
    #[arg(long, env = "REACHLINE_LOGIN_FAILURES_PER_IP", default_value_t = 50)]
    pub login_failures_per_ip: u32,
    /// Length of the login-failure window, in seconds.
    #[arg(long, env = "REACHLINE_LOGIN_WINDOW_SECS", default_value = "900", value_parser = parse_seconds)]
    pub login_window: Duration,
    /// Imports, exports and campaign loads each allowed per tenant per minute (0: no limit).
    #[arg(
        long,
        env = "REACHLINE_TENANT_EXPENSIVE_PER_MINUTE",
        default_value_t = 30
    )]
    pub tenant_expensive_per_minute: u32,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted proxy or ingress).
    #[arg(long, env = "REACHLINE_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
    /// Largest accepted request body for GraphQL and REST JSON, in bytes.
    #[arg(long, env = "REACHLINE_MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Largest accepted upload (GraphQL multipart `Upload`), in bytes.
    #[arg(long, env = "REACHLINE_MAX_UPLOAD_BYTES", default_value_t = 2 * 1024 * 1024 * 1024)]
    pub max_upload_bytes: usize,
    /// Deepest accepted GraphQL query.
    #[arg(long, env = "REACHLINE_GRAPHQL_MAX_DEPTH", default_value_t = 12)]
    pub graphql_max_depth: usize,
    /// Highest accepted GraphQL query complexity.
    #[arg(long, env = "REACHLINE_GRAPHQL_MAX_COMPLEXITY", default_value_t = 2000)]
    pub graphql_max_complexity: usize,
    /// Directory of the built SPA (`scripts/build-spa` writes it).
    #[arg(long, env = "REACHLINE_SPA_DIR", default_value = "frontend/dist")]
    pub spa_dir: PathBuf,
    /// Log format.
    #[arg(long, env = "REACHLINE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Seconds to keep serving after SIGTERM with `/readyz` already failing, so load
    /// balancers stop sending traffic before the listener closes.
    #[arg(long = "shutdown-drain-secs", env = "REACHLINE_SHUTDOWN_DRAIN_SECS", default_value = "0", value_parser = parse_seconds)]
    pub shutdown_drain: Duration,
    /// Seconds from SIGTERM to exit: background work stops at once (claims and
    /// leases handed back), HTTP connections drain, and whatever still runs then
    /// is abandoned to its lease. Keep it below the orchestrator's grace period
    /// minus the drain.
    #[arg(long = "shutdown-timeout-secs", env = "REACHLINE_SHUTDOWN_TIMEOUT_SECS", default_value = "25", value_parser = parse_seconds)]
    pub shutdown_timeout: Duration,
    /// URL of the compliance data provider's numbering document (`https://…`; plain
    /// `http://` only to a loopback host); without it, the built-in data is used.
    #[arg(long, env = "REACHLINE_COMPLIANCE_DATA_URL", value_parser = parse_provider_url)]
    pub compliance_data_url: Option<String>,
    /// Seconds between scheduled compliance data refreshes (the `compliance` role).
    #[arg(
        long = "compliance-data-refresh-secs",
        env = "REACHLINE_COMPLIANCE_DATA_REFRESH_SECS",
        default_value = "86400",
        value_parser = parse_refresh_seconds
    )]
    pub compliance_data_refresh: Duration,
    /// Seconds a `dial-manager` replica holds the records of a batch it is
    /// sending; a killed replica's records are sent by another after this (10 to 3600).
    #[arg(
        long = "message-lease-secs",
        env = "REACHLINE_MESSAGE_LEASE_SECS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u32).range(10..=3600)
    )]
    pub message_lease_secs: u32,
    /// Dispatch loops per `dial-manager` process: while one settles its batch
    /// in the database, another leases and sends the next (more throughput;
    /// sends of a rate-limited campaign cluster more within a second).
    #[arg(
        long = "message-dispatch-loops",
        env = "REACHLINE_MESSAGE_DISPATCH_LOOPS",
        default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(1..=16)
    )]
    pub message_dispatch_loops: u8,
}

impl ServeConfig {
    /// Parses `serve` flags from a list of arguments (tests build their config this way,
    /// through the same parser as production).
    pub fn from_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cli = Cli::try_parse_from(
            ["reachline".into(), "serve".into()]
                .into_iter()
                .chain(args.into_iter().map(Into::into)),
        )?;
        match cli.command {
            Command::Serve(config) => Ok(config),
            _ => unreachable!("the first argument is always `serve`"),
        }
    }

    /// Whether this process runs `role`.
    pub fn runs(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_run_every_role() {
        let config = ServeConfig::from_args(Vec::<String>::new()).unwrap();
        assert_eq!(config.roles, Role::ALL.to_vec());
        assert_eq!(config.listen.port(), 8080);
    }

    #[test]
    fn roles_are_comma_separated() {
        let config = ServeConfig::from_args(["--roles", "api,dial-manager"]).unwrap();
        assert_eq!(config.roles, vec![Role::Api, Role::DialManager]);
    }

    #[test]
    fn unknown_role_lists_the_valid_ones() {
        let error = ServeConfig::from_args(["--roles", "api,dialer"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("dialer"), "{error}");
        for role in Role::ALL {
            assert!(
                error.contains(role.name()),
                "{error} should list {}",
                role.name()
            );
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let config = ServeConfig::from_args([
            "--jwt-secret",
            "hunter2-hunter2",
            "--database-url",
            "postgres://u:pw@h/db",
        ])
        .unwrap();
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains("pw@h"));
    }

    #[test]
    fn compliance_data_provider_must_be_https() {
        let config = ServeConfig::from_args(Vec::<String>::new()).unwrap();
        assert_eq!(config.compliance_data_url, None);
        assert_eq!(config.compliance_data_refresh, Duration::from_secs(86400));
        let config = ServeConfig::from_args([
            "--compliance-data-url",
            "https://data.example.com/numbering.json",
            "--compliance-data-refresh-secs",
            "600",
        ])
        .unwrap();
        assert_eq!(
            config.compliance_data_url.as_deref(),
            Some("https://data.example.com/numbering.json")
        );
        assert_eq!(config.compliance_data_refresh, Duration::from_secs(600));
        let error = ServeConfig::from_args([
            "--compliance-data-url",
            "http://data.example.com/numbering.json",
        ])
        .unwrap_err()
        .to_string();
        assert!(error.contains("HTTPS is required"), "{error}");
        assert!(ServeConfig::from_args(["--compliance-data-refresh-secs", "0"]).is_err());
    }

    #[test]
    fn user_roles_parse_loosely() {
        assert_eq!(
            parse_user_role("list-manager"),
            Ok(domain::UserRole::ListManager)
        );
        assert!(
            parse_user_role("boss")
                .unwrap_err()
                .contains("COMPLIANCE_OFFICER")
        );
    }
}
