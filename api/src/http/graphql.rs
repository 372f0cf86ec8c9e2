//! GraphQL over HTTP (`POST /graphql`), over WebSocket (`/graphql/ws`,
//! `graphql-transport-ws`), and GraphiQL (`/graphiql`).

use std::net::SocketAddr;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource};
use async_graphql::{Data, ErrorExtensions, ParseRequestError, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use workers::Services;
use workers::accounts::users;

use super::{AppState, client_ip};
use crate::graphql::error::ApiError;
use crate::graphql::{Caller, ClientIp};

/// The GraphQL routes with their body limit.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/graphql",
            post(execute)
                .get(graphiql)
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    limit_body,
                )),
        )
        .route("/graphql/ws", get(websocket))
        .route("/graphiql", get(graphiql))
}

/// Caps request bodies: JSON documents at `max_body_bytes`, multipart uploads at
/// `max_upload_bytes`; a declared length over the cap is refused before reading.
async fn limit_body(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let limit = if multipart {
        state.max_upload_bytes
    } else {
        state.max_body_bytes
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Rejection(ParseRequestError::PayloadTooLarge).into_response();
    }
    let (parts, body) = request.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    next.run(axum::extract::Request::from_parts(parts, body))
        .await
}

/// A request that is not GraphQL at all: answered in GraphQL's error shape, never a crash.
pub struct Rejection(ParseRequestError);

impl From<ParseRequestError> for Rejection {
    fn from(error: ParseRequestError) -> Self {
        Rejection(error)
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let too_large = matches!(self.0, ParseRequestError::PayloadTooLarge)
            || self.0.to_string().contains("length limit exceeded");
        let (status, message) = if too_large {
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body is too large".to_owned(),
            )
        } else {
            (
                StatusCode::BAD_REQUEST,
                format!("malformed GraphQL request: {}", self.0),
            )
        };
        let body = json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_USER_INPUT" } }] });
        (status, Json(body)).into_response()
    }
}

/// Establishes the caller from a bearer token (absent → anonymous).
async fn caller(services: &Services, token: Option<&str>, ip: Option<String>) -> Caller {
    let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else {
        return Caller::Anonymous;
    };
    match users::authenticate(services, token, ip).await {
        Ok(principal) => Caller::User(Box::new(principal)),
        Err(error) => Caller::Rejected(ApiError::from(error)),
    }
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
}

/// Gives every error a code from the closed set: request-level errors (parse,
/// validation, limits) and unreadable arguments are the client's; any other
/// field error without one is a bug of ours.
fn ensure_codes(errors: &mut [ServerError]) {
    for error in errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some());
        if has_code {
            continue;
        }
        // An argument async-graphql could not read (a null for a non-null
        // argument, a wrong enum value, a required variable left out) is the
        // client's mistake too.
        let bad_argument = error.message.starts_with("Invalid value for argument")
            || (error.message.starts_with("Variable ")
                && error.message.ends_with(" is not defined."));
        let code = if error.path.is_empty() || bad_argument {
            "BAD_USER_INPUT"
        } else {
            "INTERNAL"
        };
        if code == "INTERNAL" {
            tracing::error!(message = %error.message, "resolver error without a code");
            error.message = "internal error".into();
        }
        let extended = async_graphql::Error::new("").extend_with(|_, ext| ext.set("code", code));
        error.extensions = extended.extensions;
    }
}

async fn execute(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    request: GraphQLRequest<Rejection>,
) -> GraphQLResponse {
    let ip = client_ip(&headers, Some(peer), state.trust_forwarded_for);
    let caller = caller(&state.services, bearer(&headers), ip.clone()).await;
    let request = request.into_inner().data(caller).data(ClientIp(ip));
    let mut response = state.schema.execute(request).await;
    ensure_codes(&mut response.errors);
    response.into()
}

async fn websocket(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let ip = client_ip(&headers, Some(peer), state.trust_forwarded_for);
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let services = state.services.clone();
            GraphQLWebSocket::new(socket, state.schema.clone(), protocol)
                .on_connection_init(move |payload| async move {
                    let token = payload
                        .get("token")
                        .or_else(|| payload.get("Authorization"))
                        .and_then(|value| value.as_str())
                        .map(|value| value.strip_prefix("Bearer ").unwrap_or(value).to_owned());
                    match caller(&services, token.as_deref(), ip.clone()).await {
                        Caller::User(principal) => {
                            let mut data = Data::default();
                            data.insert(Caller::User(principal));
                            data.insert(ClientIp(ip));
                            Ok(data)
                        }
                        Caller::Rejected(error) => Err(error.extend()),
                        Caller::Anonymous => Err(ApiError::Unauthenticated(
                            "connection_init needs a token".into(),
                        )
                        .extend()),
                    }
                })
                .serve()
        })
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .subscription_endpoint("/graphql/ws")
            .title("Reachline GraphiQL")
            .finish(),
    )
}
