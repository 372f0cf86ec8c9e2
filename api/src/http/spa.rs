//! Serving the built SPA with history-API fallback (every unknown path gets `index.html`).

use std::path::Path;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{MethodRouter, get};
use tower_http::services::{ServeDir, ServeFile};

/// The SPA files, or a page that says how to build them.
pub fn service(spa_dir: &Path) -> MethodRouter<super::AppState> {
    let index = spa_dir.join("index.html");
    if index.is_file() {
        // scripts/build-spa writes a gzip copy next to each large file; a
        // browser that accepts gzip gets it (the module is 3.4 MB, 0.95 MB gzipped).
        let files = ServeDir::new(spa_dir)
            .precompressed_gzip()
            .fallback(ServeFile::new(index));
        return axum::routing::get_service(files);
    }
    tracing::warn!(dir = %spa_dir.display(), "the SPA is not built; run scripts/build-spa");
    get(|| async {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Html("<h1>Reachline</h1><p>The web app is not built. Run <code>scripts/build-spa</code> \
                  (or <code>scripts/run</code>) and restart. The GraphQL API is at <a href=\"/graphiql\">/graphiql</a>.</p>"),
        )
            .into_response()
    })
}
