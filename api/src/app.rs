//! The process runtime: build everything from the config, bind, run the roles,
//! and stop cleanly on a signal.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use workers::accounts::bootstrap::{self, FirstAdmin};
use workers::{Services, ServicesConfig};

use crate::config::{Role, Secret, ServeConfig};
use crate::graphql::{QueryLimits, build_schema};
use crate::http::{AppState, router};
use crate::metrics::Metrics;
use crate::stores;

/// How long open connections (WebSockets included) may take to finish after shutdown begins.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A built, bound process, ready to run.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    roles: Vec<Role>,
    shutdown_drain: Duration,
    shutdown_timeout: Duration,
    first_admin: Option<FirstAdmin>,
    message_lease_secs: u32,
    message_dispatch_loops: u8,
}

impl Application {
    /// Opens the stores (migrating them), creates the first admin on an empty database, and binds.
    pub async fn build(config: ServeConfig) -> anyhow::Result<Self> {
        let metrics = Arc::new(Metrics::new()?);
        let mut db = stores::open_database(&config.store).await?;
        let statement_metrics = metrics.clone();
        db.set_metric_callback(move |info| {
            // The statement text has placeholders, never values: safe to log when tracing SQL.
            tracing::trace!(target: "reachline::sql", sql = %info.statement.sql, elapsed = ?info.elapsed);
            statement_metrics.observe_statement(info.failed, info.elapsed);
        });
        let cache = stores::open_cache(&config.store).await?;
        if config.store.database_url.is_some() && config.store.redis_url.is_none() {
            tracing::warn!(
                "PostgreSQL without REDIS_URL: live events, login limits and revocation caches stay \
                 inside this process; set REDIS_URL when running more than one replica"
            );
        }
        let keys = stores::token_keys(config.jwt_secret.as_ref(), &config.store.data_dir)?;
        let services = Services::new(
            db,
            cache,
            keys,
            ServicesConfig {
                token_ttl: config.token_ttl,
                login_failures_per_account: config.login_failures_per_account,
                login_failures_per_ip: config.login_failures_per_ip,
                login_window: config.login_window,
                uploads_dir: config.store.data_dir.join("uploads"),
                compliance_data_url: config.compliance_data_url.clone(),
                compliance_data_refresh: config.compliance_data_refresh,
                tenant_expensive_per_minute: config.tenant_expensive_per_minute,
            },
        );
        workers::compliance_data::load(&services)
            .await
            .context("loading the stored compliance data")?;
        let first_admin = bootstrap::ensure_first_admin(
            &services,
            config.admin_password.as_ref().map(Secret::expose),
        )
        .await
        .context("creating the first admin")?;
        let limits = QueryLimits {
            max_depth: config.graphql_max_depth,
            max_complexity: config.graphql_max_complexity,
        };
        let state = AppState {
            schema: build_schema(Some(services.clone()), Some(metrics.clone()), limits),
            services,
            metrics,
            draining: Arc::new(AtomicBool::new(false)),
            trust_forwarded_for: config.trust_forwarded_for,
            max_body_bytes: config.max_body_bytes,
            max_upload_bytes: config.max_upload_bytes,
            spa_dir: config.spa_dir.clone(),
            serves_api: config.runs(Role::Api),
            serves_ocs: config.runs(Role::Compliance),
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        Ok(Self {
            listener,
            state,
            roles: config.roles.clone(),
            shutdown_drain: config.shutdown_drain,
            shutdown_timeout: config.shutdown_timeout,
            message_lease_secs: config.message_lease_secs,
            message_dispatch_loops: config.message_dispatch_loops,
            first_admin,
        })
    }

    /// The bound address (tests bind port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    /// The admin created by this start, if the database was empty.
    pub fn first_admin(&self) -> Option<&FirstAdmin> {
        self.first_admin.as_ref()
    }

    /// The shared services (tests use them to arrange data that has no API yet).
    pub fn services(&self) -> &workers::Services {
        &self.state.services
    }

    /// Serves until `shutdown` completes: readiness fails first, then the listener
    /// closes after the drain delay, then open connections get a grace period.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut background = tokio::task::JoinSet::new();
        // Every process judges numbers, so every process follows compliance data
        // refreshes and keeps its own copy of the suppression lists up to date.
        background.spawn(workers::compliance_data::follow(
            self.state.services.clone(),
            stop_rx.clone(),
        ));
        background.spawn(workers::suppression::follow(
            self.state.services.clone(),
            stop_rx.clone(),
        ));
        // Every process caches rules and API keys, so every process follows their changes.
        background.spawn(workers::dialing::hot::follow(
            self.state.services.clone(),
            stop_rx.clone(),
        ));
        for role in &self.roles {
            // Every process serves /healthz, /readyz and /metrics; the worker roles
            // gain their background work as their capabilities land.
            let services = self.state.services.clone();
            match role {
                Role::Scheduler => {
                    let worker = format!("{}-{}", role.name(), uuid::Uuid::new_v4().simple());
                    background.spawn(workers::maintenance::run(services.clone(), stop_rx.clone()));
                    background.spawn(workers::jobs::run_scheduler(
                        services.clone(),
                        worker.clone(),
                        stop_rx.clone(),
                    ));
                    background.spawn(workers::jobs::run_worker(services, worker, stop_rx.clone()));
                }
                Role::Compliance => {
                    background.spawn(workers::dialing::traffic::run(
                        services.clone(),
                        stop_rx.clone(),
                    ));
                    // Loaded in the background: start-up does not wait, and checks
                    // are answered from the database until a list is ready.
                    background.spawn(preload_suppression(services.clone()));
                    background.spawn(workers::compliance_data::run(services, stop_rx.clone()));
                }
                Role::Campaigns => {
                    let worker = format!("{}-{}", role.name(), uuid::Uuid::new_v4().simple());
                    background.spawn(workers::campaigns::lease::run_sweeper(
                        services.clone(),
                        stop_rx.clone(),
                    ));
                    background.spawn(workers::campaigns::load::run_worker(
                        services,
                        worker,
                        stop_rx.clone(),
                    ));
                }
                Role::Lists => {
                    let worker = format!("{}-{}", role.name(), uuid::Uuid::new_v4().simple());
                    background.spawn(workers::import::run_worker(
                        services,
                        worker,
                        stop_rx.clone(),
                    ));
                }
                Role::DialManager => {
                    let settings = workers::messaging::dispatch::DispatchSettings {
                        lease_seconds: self.message_lease_secs,
                        ..Default::default()
                    };
                    // Leases never share a record, so loops overlap safely
                    // (as replicas do): one settles while another sends.
                    for _ in 0..self.message_dispatch_loops {
                        background.spawn(workers::messaging::dispatch::run(
                            services.clone(),
                            settings.clone(),
                            stop_rx.clone(),
                        ));
                    }
                }
                Role::Api => {}
            }
            tracing::info!(role = role.name(), "role started");
        }
        let draining = self.state.draining.clone();
        let drain = self.shutdown_drain;
        let deadline = self.shutdown_timeout;
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let mut signalled = stop_rx.clone();
        let signal = async move {
            shutdown.await;
            // Readiness fails first and background work stops taking new work at
            // once (handing back what it holds); HTTP keeps serving for the drain.
            tracing::info!("shutting down: readiness off, background work stopping");
            draining.store(true, Ordering::Relaxed);
            let _ = stop_tx.send(true);
            tokio::time::sleep(drain).await;
            let _ = stopping_tx.send(());
        };
        let app = router(self.state).into_make_service_with_connect_info::<SocketAddr>();
        let server = axum::serve(self.listener, app).with_graceful_shutdown(signal);
        let grace = async move {
            let _ = stopping_rx.await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        let serving = async move {
            tokio::select! {
                result = server => result.context("serving HTTP")?,
                () = grace => tracing::warn!("connections still open after the grace period; closing them"),
            }
            while background.join_next().await.is_some() {}
            anyhow::Ok(())
        };
        tokio::pin!(serving);
        // Serve until the signal; from then on, everything must end within the deadline.
        tokio::select! {
            result = &mut serving => return result.map(|()| tracing::info!("stopped")),
            _ = signalled.wait_for(|stopped| *stopped) => {}
        }
        match tokio::time::timeout(deadline, serving).await {
            Ok(result) => result.map(|()| tracing::info!("stopped")),
            Err(_) => {
                tracing::warn!(
                    seconds = deadline.as_secs(),
                    "work still running at the shutdown deadline; exiting (its leases hand it to another replica)"
                );
                Ok(())
            }
        }
    }
}

/// Loads every suppression list into this process (the `compliance` role's checks).
async fn preload_suppression(services: Services) {
    match workers::suppression::preload_all(&services).await {
        Ok(lists) => tracing::info!(lists, "suppression lists loaded"),
        Err(error) => {
            tracing::warn!(error = ?anyhow::Error::from(error), "loading the suppression lists failed")
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
