//! Serving the built SPA with history-API fallback (every unknown path gets `index.html`).
//!
//! The content security policy lets no inline script run, so the page's
//! inline boot script(s) are served as files of their own: `index.html` is
//! read once at start, each inline `<script>` becomes `<script … src="/_boot/N.js">`,
//! and that rewritten page answers `/`, `/index.html` and every deep link.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get, get_service};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// Where the page's inline scripts are served, as `/_boot/<index>.js`.
const BOOT_PREFIX: &str = "/_boot/";

/// `index.html` with its inline scripts moved out, and those scripts.
#[derive(Debug, Default, PartialEq, Eq)]
struct Page {
    /// The page as served.
    html: String,
    /// The inline scripts' bodies, in page order.
    scripts: Vec<String>,
}

impl Page {
    /// Moves every inline `<script>`'s body to `/_boot/<n>.js`; a script with `src` stays as is.
    fn from_html(original: &str) -> Page {
        let mut page = Page::default();
        let mut rest = original;
        while let Some(start) = rest.find("<script") {
            let Some(open_end) = rest[start..].find('>').map(|at| start + at) else {
                break;
            };
            let Some(close) = rest[open_end..].find("</script>").map(|at| open_end + at) else {
                break;
            };
            let attributes = &rest[start + "<script".len()..open_end];
            page.html.push_str(&rest[..start]);
            if attributes.contains("src=") {
                page.html.push_str(&rest[start..close]);
            } else {
                let n = page.scripts.len();
                page.scripts.push(rest[open_end + 1..close].to_owned());
                page.html
                    .push_str(&format!("<script{attributes} src=\"{BOOT_PREFIX}{n}.js\">"));
            }
            rest = &rest[close..];
        }
        page.html.push_str(rest);
        page
    }
}

/// The SPA files, or a page that says how to build them.
pub fn service(spa_dir: &Path) -> MethodRouter<super::AppState> {
    let index = spa_dir.join("index.html");
    if let Ok(original) = std::fs::read_to_string(&index) {
        let page = Arc::new(Page::from_html(&original));
        // scripts/build-spa writes a gzip copy next to each large file; a
        // browser that accepts gzip gets it (the module is 3.4 MB, 0.95 MB gzipped).
        let files = ServeDir::new(spa_dir)
            .precompressed_gzip()
            .append_index_html_on_directories(false);
        return get_service(tower::service_fn(move |request: Request| {
            let page = page.clone();
            let files = files.clone();
            async move { Ok::<_, Infallible>(answer(&page, files, request).await) }
        }));
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

/// One SPA request: a boot script, a file of the build, or the page (history fallback).
async fn answer(page: &Page, files: ServeDir, request: Request) -> Response {
    let path = request.uri().path();
    if let Some(name) = path.strip_prefix(BOOT_PREFIX) {
        let script = name
            .strip_suffix(".js")
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| page.scripts.get(n));
        return match script {
            Some(script) => (
                [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                script.clone(),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    if path == "/" || path == "/index.html" {
        return Html(page.html.clone()).into_response();
    }
    match files.oneshot(request).await {
        Ok(response) if response.status() != StatusCode::NOT_FOUND => response.into_response(),
        _ => Html(page.html.clone()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_move_out_and_external_ones_stay() {
        let page = Page::from_html(
            "<head><script src=\"/a.js\"></script>\n<script type=\"module\">\n  go();\n</script></head><body></body>",
        );
        assert_eq!(
            page.html,
            "<head><script src=\"/a.js\"></script>\n<script type=\"module\" src=\"/_boot/0.js\"></script></head><body></body>"
        );
        assert_eq!(page.scripts, vec!["\n  go();\n".to_owned()]);
        let plain = Page::from_html("<p>no scripts</p>");
        assert_eq!(plain.html, "<p>no scripts</p>");
        assert!(plain.scripts.is_empty());
    }
}
