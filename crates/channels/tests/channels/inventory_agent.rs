//! The real `fusioninventory-agent` from Debian's packages
//! (`scripts/install-inventory.sh`) posting to an HTTP server started here:
//! its transport (a zlib PROLOG, then a zlib INVENTORY) goes through
//! `decompress` and `parse` exactly as the server endpoint will do it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;
use steward_channels::inventory::{Inventory, InventoryError, decompress, parse, prolog_reply};

const LIMIT: usize = 10 * 1024 * 1024;

/// Each request the agent made: its Content-Type and body.
type Log = Arc<Mutex<Vec<(Option<String>, Vec<u8>)>>>;

/// A server answering every request, the inventory too, with "send an
/// inventory" ([`prolog_reply`]: plain XML, which the agent accepts).
async fn start_server(log: Log) -> String {
    let endpoint = move |headers: HeaderMap, body: Bytes| {
        let log = log.clone();
        async move {
            let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
            log.lock().unwrap().push((ct, body.to_vec()));
            prolog_reply()
        }
    };
    let app = Router::new().route("/inventory", post(endpoint));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/inventory")
}

/// Runs the agent once against `url`; returns the inventory it posted.
async fn run_agent(url: &str, log: &Log) -> Inventory {
    log.lock().unwrap().clear();
    let run = tokio::process::Command::new("fusioninventory-agent")
        .args(["--server", url, "--tasks=inventory", "--force", "--no-category=printer,environment,process"])
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the agent did not finish within 120 s")
        .expect("fusioninventory-agent is not installed: run scripts/install-inventory.sh");
    assert!(out.status.success(), "agent failed: {}", String::from_utf8_lossy(&out.stderr));

    let requests = log.lock().unwrap().clone();
    assert_eq!(
        requests.len(),
        2,
        "expected a PROLOG then an INVENTORY; agent said {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (ct, _) in &requests {
        assert_eq!(ct.as_deref(), Some("application/x-compress-zlib"));
    }
    let prolog = decompress(&requests[0].1, requests[0].0.as_deref(), LIMIT).unwrap();
    assert!(String::from_utf8_lossy(&prolog).contains("<QUERY>PROLOG</QUERY>"));
    assert!(matches!(parse(&prolog, LIMIT), Err(InventoryError::NotAnInventory(_))));

    let xml = decompress(&requests[1].1, requests[1].0.as_deref(), LIMIT).unwrap();
    parse(&xml, LIMIT).unwrap()
}

#[tokio::test]
async fn the_real_agent_posts_the_same_machine_twice() {
    let log = Log::default();
    let url = start_server(log.clone()).await;
    let first = run_agent(&url, &log).await;
    let second = run_agent(&url, &log).await;

    assert!(first.hostname.is_some());
    assert!(first.os.name.is_some());
    assert!(first.software.len() > 10);
    assert!(!first.networks.is_empty());
    // What the CMDB reconciles on is stable from one run to the next.
    assert!(!first.identifiers().is_empty());
    assert_eq!(first.identifiers(), second.identifiers());
    assert_eq!(first.device_id, second.device_id);
}
