//! GraphQL over HTTP: `POST /graphql` with a JSON body and, once signed in,
//! `Authorization: Bearer <token>`.
//!
//! This is the raw call; pages go through `Session::execute`, which adds the
//! token and ends the session on `UNAUTHENTICATED`.

use gloo_net::http::Request;
use graphql_client::GraphQLQuery;

use super::error::{ApiError, ErrorKind, parse_http_response};

/// The GraphQL endpoint, on the page's own origin.
pub const GRAPHQL_PATH: &str = "/graphql";

/// Runs `Operation` with `variables` and returns its data or a typed error.
pub async fn execute<Operation: GraphQLQuery>(
    token: Option<&str>,
    variables: Operation::Variables,
) -> Result<Operation::ResponseData, ApiError> {
    let body = Operation::build_query(variables);
    let mut request = Request::post(GRAPHQL_PATH).header("Accept", "application/json");
    if let Some(token) = token {
        request = request.header("Authorization", &format!("Bearer {token}"));
    }
    let request = request.json(&body).map_err(|error| {
        ApiError::new(
            ErrorKind::Protocol,
            format!("The request could not be encoded: {error}."),
        )
    })?;
    let response = request.send().await.map_err(ApiError::network)?;
    let status = response.status();
    let text = response.text().await.map_err(ApiError::network)?;
    parse_http_response::<Operation::ResponseData>(status, &text)
}
