//! Chromium driven by Debian's chromedriver, which the test starts on a
//! free port and stops at the end. A missing browser fails the test: CI
//! must install it (scripts/install-browser.sh), not skip the UI.

use fantoccini::{Client, ClientBuilder};
use serde_json::json;
use std::{path::Path, process::Stdio, time::Duration};

fn tool(env: &str, default: &str) -> String {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_owned());
    assert!(
        Path::new(&path).exists(),
        "{path} is missing: run scripts/install-browser.sh to install Debian's chromium and chromium-driver \
         (or point {env} at another binary)"
    );
    path
}

fn free_port() -> u16 {
    // Bound and released: chromedriver takes it a moment later.
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct Browser {
    pub client: Client,
    driver: tokio::process::Child,
    _profile: tempfile::TempDir,
}

pub async fn start() -> Browser {
    start_in("en-GB,en").await
}

/// Chromium whose pages ask for `accept_language` (e.g. "pl,en").
pub async fn start_in(accept_language: &str) -> Browser {
    let chromedriver = tool("CHROMEDRIVER", "/usr/bin/chromedriver");
    let chromium = tool("CHROMIUM", "/usr/bin/chromium");
    let port = free_port();
    let driver = tokio::process::Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {chromedriver}: {e}; run scripts/install-browser.sh"));
    let mut up = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "chromedriver did not listen on port {port} within 5 s");
    let profile = tempfile::tempdir().unwrap();
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        &format!("--lang={}", accept_language.split(',').next().unwrap_or("en-GB")),
        &format!("--user-data-dir={}", profile.path().display()),
    ];
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium, "args": args, "prefs": { "intl.accept_languages": accept_language } },
    });
    let serde_json::Value::Object(caps) = caps else { unreachable!() };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .unwrap_or_else(|e| panic!("chromedriver could not start {chromium}: {e}; run scripts/install-browser.sh"));
    Browser { client, driver, _profile: profile }
}

impl Browser {
    /// Ends the session (which quits Chromium), then stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill().await;
    }
}

/// Runs `journey` in a fresh browser and closes the browser whatever
/// happens, then lets a failed journey fail the test.
pub async fn drive(journey: impl AsyncFnOnce(&Client)) {
    use futures_util::FutureExt;
    let b = start().await;
    let outcome = std::panic::AssertUnwindSafe(journey(&b.client)).catch_unwind().await;
    b.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
