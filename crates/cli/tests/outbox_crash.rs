//! Nothing acknowledged is lost: notifications written while the mail relay
//! is down survive a SIGKILL of the server, and once the relay is up and the
//! server restarted, each arrives exactly once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../../channels/tests/support/smtpd.rs"]
mod smtpd;

use common::Server;

use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

/// Runs a command that must succeed; its output, trimmed.
fn steward(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    common::ok(dir, args, &[], stdin).trim().to_owned()
}

/// `steward serve` with the relay at `smtp_port`; ready when it answers.
async fn serve(dir: &Path, port: u16, smtp_port: u16) -> Server {
    common::serve_with_mail(dir, &[], port, smtp_port)
}

#[tokio::test]
async fn pending_mail_survives_a_crash_and_arrives_exactly_once() {
    steward_channels::ensure_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    steward(d, &["migrate"], None);
    steward(d, &["user", "add", "alice", "--role", "requester", "--email", "alice@example.org"], None);
    steward(d, &["user", "add", "bob", "--role", "agent"], None);
    steward(d, &["user", "add", "root", "--role", "admin"], None);
    let alice = steward(d, &["token", "create", "alice"], None);
    let bob = steward(d, &["token", "create", "bob"], None);
    let root = steward(d, &["token", "create", "root"], None);

    let smtp_port = smtpd::free_port(); // nothing listens there yet
    let port = smtpd::free_port();
    let mut server = serve(d, port, smtp_port).await;
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    // Five incidents (an acknowledgement each) and a public reply on each.
    for i in 0..5 {
        let r = http
            .post(format!("{base}/incidents"))
            .bearer_auth(&alice)
            .json(&json!({"title": format!("Crash test {i}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let number = r.json::<Value>().await.unwrap()["number"].as_str().unwrap().to_owned();
        let r = http
            .post(format!("{base}/incidents/{number}/comments"))
            .bearer_auth(&bob)
            .json(&json!({"body": format!("Looking at {number}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    // The worker tried and failed: every message is pending, some counted.
    let started = Instant::now();
    loop {
        let page: Value = http
            .get(format!("{base}/outbox?state=pending"))
            .bearer_auth(&root)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let tried = page["items"].as_array().unwrap().iter().any(|m| m["attempts"].as_i64() >= Some(1));
        if page["counts"]["pending"] == 10 && tried {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no failed attempt seen: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.kill(); // SIGKILL: no shutdown, no flush beyond what was committed

    let relay = smtpd::SmtpServer::start_on(smtp_port);
    let mut server = serve(d, port, smtp_port).await;
    let started = Instant::now();
    while relay.message_ids().len() < 10 {
        assert!(started.elapsed() < Duration::from_secs(30), "only {} of 10 arrived", relay.message_ids().len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Give a duplicate the chance to show up.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut ids = relay.message_ids();
    assert_eq!(ids.len(), 10, "exactly once: {ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 10, "ten different messages");
    let page: Value =
        http.get(format!("{base}/outbox?state=sent")).bearer_auth(&root).send().await.unwrap().json().await.unwrap();
    assert_eq!(page["counts"], json!({"pending": 0, "sent": 10, "dead": 0}));
    server.kill();
}
