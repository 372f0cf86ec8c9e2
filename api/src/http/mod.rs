//! The HTTP surface: one shared state, one `router()` that tests can call,
//! with request ids, tracing spans and metrics on every route.

mod downloads;
mod graphql;
mod nexus;
mod ocs;
mod openapi;
mod ops;
mod rest;
mod spa;
mod uploads;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use workers::Services;

use crate::graphql::AppSchema;
use crate::metrics::Metrics;

/// Everything a handler may need; cloned per request (all fields are handles).
#[derive(Clone)]
pub struct AppState {
    /// Stores and use-case settings.
    pub services: Services,
    /// The executable GraphQL schema.
    pub schema: AppSchema,
    /// This process's metrics.
    pub metrics: Arc<Metrics>,
    /// Set on SIGTERM: `/readyz` fails first so traffic drains.
    pub draining: Arc<AtomicBool>,
    /// Whether `X-Forwarded-For` names the client.
    pub trust_forwarded_for: bool,
    /// Largest accepted JSON body.
    pub max_body_bytes: usize,
    /// Largest accepted multipart upload.
    pub max_upload_bytes: usize,
    /// Where the built SPA is.
    pub spa_dir: PathBuf,
    /// Whether this process serves the API role (GraphQL, SPA); others only serve operations endpoints.
    pub serves_api: bool,
    /// Whether this process serves the `compliance` role's dialer routes (`/ocs/v1/*`).
    pub serves_ocs: bool,
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The policy of every response but GraphiQL's: only this origin's files run
/// (`'wasm-unsafe-eval'` lets the SPA compile its WebAssembly module, never
/// `eval`), Leptos's `style` attributes apply, nothing may frame the app.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// GraphiQL's looser policy: its page is inline script and style that load
/// React and GraphiQL from a public CDN over HTTPS, and it opens the
/// subscription socket itself; it still may not be framed.
pub const GRAPHIQL_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
     script-src 'self' 'unsafe-inline' https:; style-src 'self' 'unsafe-inline' https:; \
     img-src 'self' data: https:; font-src 'self' data: https:; connect-src 'self' ws: wss:; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Puts the security headers on every response (a header a handler set itself is kept):
/// the content security policy, no framing, no MIME sniffing, no referrer.
async fn security_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // GraphiQL is served at `/graphiql` and to a browser's GET of `/graphql`.
    let graphiql = path == "/graphiql" || (path == "/graphql" && request.method() == Method::GET);
    let policy = if graphiql {
        GRAPHIQL_CONTENT_SECURITY_POLICY
    } else {
        CONTENT_SECURITY_POLICY
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, policy),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

/// The client address: the first `X-Forwarded-For` hop when trusted, else the TCP peer.
pub fn client_ip(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded_for: bool,
) -> Option<String> {
    if trust_forwarded_for {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .map(str::trim)
            .filter(|value| value.parse::<std::net::IpAddr>().is_ok());
        if let Some(ip) = forwarded {
            return Some(ip.to_owned());
        }
    }
    peer.map(|addr| addr.ip().to_string())
}

async fn track_metrics(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("spa", |path| path.as_str())
        .to_owned();
    let response = next.run(request).await;
    metrics.observe_http(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Builds the router for this process's roles.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics));
    if state.serves_ocs {
        router = router.merge(ocs::routes());
    }
    if state.serves_ocs || state.serves_api {
        // The dialer routes' contract: wherever they are served, and on the API front.
        router = router.merge(openapi::routes());
    }
    if state.serves_api {
        router = router
            .merge(graphql::routes(&state))
            .merge(downloads::routes())
            .merge(uploads::routes(&state))
            .merge(nexus::routes())
            .fallback(spa::service(&state.spa_dir));
    }
    let trace = TraceLayer::new_for_http().make_span_with(|request: &Request| {
        let request_id = request
            .headers()
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!("http", method = %request.method(), path = %request.uri().path(), request_id)
    });
    router
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            track_metrics,
        ))
        .layer(middleware::from_fn(security_headers))
        .layer(trace)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_only_when_trusted_and_valid() {
        let peer: SocketAddr = "10.0.0.9:5000".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.7, 10.0.0.1".parse().unwrap());
        assert_eq!(
            client_ip(&headers, Some(peer), true).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            client_ip(&headers, Some(peer), false).as_deref(),
            Some("10.0.0.9")
        );
        headers.insert("x-forwarded-for", "not-an-ip".parse().unwrap());
        assert_eq!(
            client_ip(&headers, Some(peer), true).as_deref(),
            Some("10.0.0.9")
        );
    }
}
