//! Per-operation metrics: an extension that learns the operation's name from
//! the parsed document (clients often send a named query without `operationName`).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{Response, ServerResult, Variables};

use crate::metrics::Metrics;

/// Installs [`OperationMetricsExtension`] on every request.
pub struct OperationMetrics(pub Arc<Metrics>);

impl ExtensionFactory for OperationMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationMetricsExtension {
            metrics: self.0.clone(),
            name: Mutex::new(None),
        })
    }
}

/// Times one request and records it under its operation name.
pub struct OperationMetricsExtension {
    metrics: Arc<Metrics>,
    name: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl Extension for OperationMetricsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        let name = self.name.lock().ok().and_then(|name| name.clone());
        self.metrics.observe_graphql(
            name.as_deref(),
            response.errors.is_empty(),
            started.elapsed(),
        );
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let DocumentOperations::Multiple(operations) = &document.operations
            && operations.len() == 1
            && let (Ok(mut slot), Some(name)) = (self.name.lock(), operations.keys().next())
        {
            *slot = Some(name.to_string());
        }
        Ok(document)
    }
}
