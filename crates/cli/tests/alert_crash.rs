//! A flood of alerts and a SIGKILL in the middle of it: after a restart,
//! every alert whose batch was answered 200 is there, with its history.
//! SQLite in the data folder and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Server;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BATCH: usize = 50;

fn serve(dir: &Path, db: &[&str], port: u16) -> Server {
    let mut args = db.to_vec();
    let listen = format!("127.0.0.1:{port}");
    args.extend(["serve", "--listen", listen.as_str()]);
    let child = common::command(dir, &args, &[("STEWARD_LOG_LEVEL", "warn")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    assert!(common::ready(port), "the server did not become ready");
    server
}

fn batch(n: usize) -> Value {
    Value::Array(
        (n * BATCH..(n + 1) * BATCH)
            .map(|i| {
                json!({"labels": {"alertname": "Flood", "instance": format!("host-{i}:9100"), "n": i.to_string()},
                    "annotations": {"summary": "flooding"}})
            })
            .collect(),
    )
}

async fn no_answered_alert_is_lost(db: &[&str]) {
    steward_channels::ensure_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args = db.to_vec();
    args.push("migrate");
    common::ok(d, &args, &[], None);
    let mut args = db.to_vec();
    args.extend(["user", "add", "prometheus", "--role", "agent"]);
    common::ok(d, &args, &[], None);
    let mut args = db.to_vec();
    args.extend(["token", "create", "prometheus", "--scope", "alerts"]);
    let token = common::ok(d, &args, &[], None).trim().to_owned();

    let port = common::free_port();
    let mut server = serve(d, db, port);
    let url = format!("http://127.0.0.1:{port}/api/v2/alerts");
    let http = reqwest::Client::new();
    let acked = Arc::new(Mutex::new(BTreeSet::new()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (http, url, token, acked, next) = (http.clone(), url.clone(), token.clone(), acked.clone(), next.clone());
        clients.push(tokio::spawn(async move {
            // Bounded: at most 2,000 batches or 30 s, whichever comes first.
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= 2_000 {
                    break;
                }
                match http.post(&url).bearer_auth(&token).json(&batch(n)).send().await {
                    Ok(r) if r.status() == 200 => {
                        acked.lock().unwrap().insert(n);
                    }
                    Ok(r) => panic!("batch {n} answered {}", r.status()),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    // Kill it mid-flood, once a good number of batches were answered.
    let started = Instant::now();
    while acked.lock().unwrap().len() < 40 && started.elapsed() < Duration::from_secs(30) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill();
    for c in clients {
        c.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 40, "the flood got going: {} batches answered", acked.len());
    assert!(next.load(std::sync::atomic::Ordering::Relaxed) < 2_000, "the kill came in the middle of the flood");

    let server = serve(d, db, port);
    let list: Value = http.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let kept: BTreeSet<usize> =
        list.as_array().unwrap().iter().map(|a| a["labels"]["n"].as_str().unwrap().parse().unwrap()).collect();
    for n in &acked {
        for i in n * BATCH..(n + 1) * BATCH {
            assert!(kept.contains(&i), "alert {i} of batch {n} was answered 200 and is lost");
        }
    }
    // Each alert kept has its history: one fired event.
    let mut args = db.to_vec();
    args.extend(["token", "create", "prometheus"]);
    let full = common::ok(d, &args, &[], None).trim().to_owned();
    let some = list.as_array().unwrap().iter().step_by(97).take(20);
    for a in some {
        let fp = a["fingerprint"].as_str().unwrap();
        let h: Value = http
            .get(format!("http://127.0.0.1:{port}/api/v1/alerts/{fp}/history"))
            .bearer_auth(&full)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(h.as_array().unwrap().len(), 1, "{h}");
        assert_eq!(h[0]["kind"], "fired");
    }
    drop(server);
}

#[tokio::test]
async fn a_sigkill_mid_flood_loses_no_answered_alert_sqlite() {
    no_answered_alert_is_lost(&[]).await;
}

#[tokio::test]
async fn a_sigkill_mid_flood_loses_no_answered_alert_postgres() {
    let base =
        std::env::var("STEWARD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("steward_t_crash{}", std::process::id());
    let url = steward_store::Store::create_postgres_database(&base, &name)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is required for this test ({base}): {e}"));
    no_answered_alert_is_lost(&["--database-url", &url]).await;
    steward_store::Store::drop_postgres_database(&base, &name).await.unwrap();
}
