//! Shared helpers for the browser tests: a chromedriver on a free port driving
//! Debian's headless Chromium, and small waits and actions on the page.

use std::future::Future;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// How long any one thing may take to appear.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// A chromedriver child process on a free port, killed on drop.
pub struct ChromeDriver {
    _child: tokio::process::Child,
    port: u16,
}

impl ChromeDriver {
    pub async fn start() -> ChromeDriver {
        let binary =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = tokio::process::Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| {
                panic!("starting {binary}: {error} (scripts/test installs chromium-driver)")
            });
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return ChromeDriver {
                    _child: child,
                    port,
                };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not listen on {port}");
    }

    pub async fn browser(&self, profile: &std::path::Path) -> Client {
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a browser session")
    }
}

pub async fn type_into(browser: &Client, css: &str, text: &str) {
    let field = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap();
    field.clear().await.unwrap();
    if text.is_empty() {
        // Clearing alone fires no `input` event, so the page would keep the
        // old value: type a character and delete it, as a person would.
        field
            .send_keys(&format!("x{}", char::from(Key::Backspace)))
            .await
            .unwrap();
        return;
    }
    field.send_keys(text).await.unwrap();
}

pub async fn click(browser: &Client, locator: Locator<'_>) {
    let element = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(locator)
        .await
        .unwrap();
    element.click().await.unwrap();
}

pub async fn wait_for_text(browser: &Client, text: &str) {
    let xpath = format!(
        "//*[contains(normalize-space(.), '{text}') and not(*[contains(normalize-space(.), '{text}')])]"
    );
    browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|error| panic!("{text:?} did not appear: {error}"));
}

/// Polls `condition` until it holds; panics naming `what` after `PATIENCE`.
pub async fn wait_until<Condition, Check>(what: &str, mut condition: Condition)
where
    Condition: FnMut() -> Check,
    Check: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while tokio::time::Instant::now() < deadline {
        if condition().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

/// The text of each element matching `css`, trimmed (table rows or cells).
pub async fn texts_of(browser: &Client, css: &str) -> Vec<String> {
    let Ok(elements) = browser.find_all(Locator::Css(css)).await else {
        return Vec::new();
    };
    let mut texts = Vec::with_capacity(elements.len());
    for element in elements {
        texts.push(element.text().await.unwrap_or_default().trim().to_owned());
    }
    texts
}

/// Clicks the button whose visible text is exactly `text`.
pub async fn press(browser: &Client, text: &str) {
    let xpath = format!("//button[normalize-space(.)='{text}']");
    click(browser, Locator::XPath(&xpath)).await;
}

/// Picks the option whose value is `value` in the `<select>` at `css`.
pub async fn select_value(browser: &Client, css: &str, value: &str) {
    let select = browser
        .wait()
        .at_most(PATIENCE)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("{css} is missing: {error}"));
    select
        .select_by_value(value)
        .await
        .unwrap_or_else(|error| panic!("{css} has no option {value:?}: {error}"));
}

/// Saves a PNG of the page under `$TMPDIR/reachline-screenshots/` for a person to look at.
pub async fn screenshot(browser: &Client, name: &str) {
    let dir = std::env::temp_dir().join("reachline-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

/// Scrolls the element at `css` to the top of the window (before a screenshot).
pub async fn scroll_to(browser: &Client, css: &str) {
    browser
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' });",
            vec![json!(css)],
        )
        .await
        .unwrap_or_else(|error| panic!("scrolling to {css}: {error}"));
}
