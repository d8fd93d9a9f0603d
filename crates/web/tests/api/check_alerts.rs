//! Checks into alerts: a check against a local HTTP listener answering 500
//! goes hard critical after its retries, and the raise turns that into a
//! firing alert kept like a posted one (labels for the check, its target,
//! severity, CI and service; the output as annotations) mapped to the
//! check's CI; a recovery resolves it; each event is raised once, even
//! with two nodes raising at once; a check deleted while failing ends its
//! alert.

use crate::both_with;
use crate::checks::http_target;
use crate::cmdb::upsert;
use crate::helpers::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use steward_app::{App, AppConfig, checks::ChecksConfig};
use steward_store::{Store, StoreOptions, now_micros};

fn config() -> AppConfig {
    AppConfig { checks: ChecksConfig { enabled: false, ..ChecksConfig::default() }, ..AppConfig::default() }
}

async fn run_once(t: &TestApp) {
    sqlx::query("UPDATE check_states SET next_run_at = 0").execute(t.app.store.pool()).await.unwrap();
    assert_eq!(t.app.run_due_checks(now_micros()).await.unwrap().recorded, 1);
}

/// The check's alerts, firing and resolved.
async fn alerts_of(t: &TestApp, id: &Value) -> Vec<Value> {
    let page = t.json(&format!("/api/v1/alerts?state=all&filter=check%3D%22{id}%22"), &t.agent).await;
    page["items"].as_array().unwrap().clone()
}

both_with!(a_failing_check_fires_an_alert_and_its_recovery_resolves_it, config(), |t| {
    t.services(&["Web Shop"]).await;
    upsert(&t, json!({"items": [{"class": "virtual_machine", "name": "shop-1"}]})).await;
    let status = Arc::new(AtomicU16::new(500));
    let port = http_target(status.clone()).await;
    let url = format!("http://127.0.0.1:{port}/health");
    let r = t
        .post(
            "/api/v1/checks",
            &t.manager,
            json!({"name": "shop health", "ci": "shop-1", "service": "Web Shop", "definition": {"kind": "http",
                "url": url, "interval_secs": 60, "timeout_ms": 2000, "retries": 2}}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let check: Value = r.json().await.unwrap();
    let id = check["id"].clone();
    // Soft twice (two retries): no event, no alert.
    for _ in 0..2 {
        run_once(&t).await;
        t.app.raise_check_alerts().await.unwrap();
        assert!(alerts_of(&t, &id).await.is_empty(), "soft states raise nothing");
    }
    // The third failure is hard: one firing alert.
    run_once(&t).await;
    assert_eq!(t.app.raise_check_alerts().await.unwrap(), 1);
    let a = alerts_of(&t, &id).await;
    assert_eq!(a.len(), 1, "{a:?}");
    let l = &a[0]["labels"];
    assert_eq!(
        (l["alertname"].as_str(), l["check"].as_str(), l["instance"].as_str(), l["severity"].as_str()),
        (Some("shop health"), Some(id.to_string().as_str()), Some(url.as_str()), Some("critical"))
    );
    assert_eq!((l["ci"].as_str(), l["service"].as_str()), (Some("shop-1"), Some("Web Shop")));
    assert_eq!(a[0]["state"], "active");
    assert!(a[0]["annotations"]["summary"].as_str().unwrap().contains("500"), "{}", a[0]);
    // Mapped to the check's CI, not guessed from labels.
    let ci: (Option<i64>,) = sqlx::query_as("SELECT ci_id FROM alerts").fetch_one(t.app.store.pool()).await.unwrap();
    let shop: (i64,) =
        sqlx::query_as("SELECT id FROM cis WHERE name = 'shop-1'").fetch_one(t.app.store.pool()).await.unwrap();
    assert_eq!(ci.0, Some(shop.0));
    // Raised once: the cursor moved on.
    assert_eq!(t.app.raise_check_alerts().await.unwrap(), 0);
    let fp = a[0]["fingerprint"].as_str().unwrap().to_owned();
    let h = t.json(&format!("/api/v1/alerts/{fp}/history"), &t.agent).await;
    assert_eq!(h.as_array().unwrap().len(), 1, "fired once: {h}");
    // It recovers: one good run is hard ok, and the alert is resolved.
    status.store(200, Ordering::SeqCst);
    run_once(&t).await;
    assert_eq!(t.app.raise_check_alerts().await.unwrap(), 1);
    let a = alerts_of(&t, &id).await;
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["state"], "resolved", "{}", a[0]);
    let firing = t.json(&format!("/api/v1/alerts?filter=check%3D%22{id}%22"), &t.agent).await;
    assert!(firing["items"].as_array().unwrap().is_empty());
    let h = t.json(&format!("/api/v1/alerts/{fp}/history"), &t.agent).await;
    let kinds: Vec<&str> = h.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["fired", "resolved"]);
});

both_with!(two_nodes_raise_each_check_event_once, config(), |t| {
    let status = Arc::new(AtomicU16::new(500));
    let port = http_target(status.clone()).await;
    for i in 0..3 {
        let r = t
            .post(
                "/api/v1/checks",
                &t.manager,
                json!({"name": format!("c{i}"), "definition": {"kind": "http",
                    "url": format!("http://127.0.0.1:{port}/health"), "interval_secs": 60, "timeout_ms": 2000}}),
            )
            .await;
        assert_eq!(r.status(), 201);
    }
    sqlx::query("UPDATE check_states SET next_run_at = 0").execute(t.app.store.pool()).await.unwrap();
    assert_eq!(t.app.run_due_checks(now_micros()).await.unwrap().recorded, 3);
    let store =
        Store::connect(&t.url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() }).await.unwrap();
    let other = App::new(store, config());
    let (a, b) = tokio::join!(t.app.raise_check_alerts(), other.raise_check_alerts());
    let (a, b) = (a.unwrap(), b.unwrap());
    // Whichever node raised which: three events in all, three alerts, each
    // fired once.
    let after = t.app.raise_check_alerts().await.unwrap() + other.raise_check_alerts().await.unwrap();
    assert_eq!(a + b + after, 3, "{a} + {b} + {after}");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM alert_events WHERE kind = 'fired'")
        .fetch_one(t.app.store.pool())
        .await
        .unwrap();
    assert_eq!(n, 3);
    // A check deleted while failing: its alert ends with it.
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM checks WHERE name = 'c0'").fetch_one(t.app.store.pool()).await.unwrap();
    assert_eq!(t.delete(&format!("/api/v1/checks/{id}"), &t.manager).await.status(), 204);
    let firing = t.json("/api/v1/alerts", &t.agent).await;
    let names: Vec<&str> =
        firing["items"].as_array().unwrap().iter().map(|a| a["labels"]["alertname"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&"c0"));
});
