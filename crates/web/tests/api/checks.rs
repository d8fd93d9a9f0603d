//! Steward's own checks over HTTP: who keeps them, a check's life, every
//! refusal naming its field with nothing stored, and the scheduler really
//! running checks against local targets (results, rollups, events,
//! availability), with two nodes on one database never running a check
//! twice in one due period and a dead node's lease taken over.

use crate::both_with;
use crate::cmdb::upsert;
use crate::helpers::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use steward_app::{App, AppConfig, checks::ChecksConfig};
use steward_store::{Store, StoreOptions, now_micros};

/// The loop is off: the tests drive the scheduler with `run_due_checks`.
fn config() -> AppConfig {
    AppConfig { checks: ChecksConfig { enabled: false, ..ChecksConfig::default() }, ..AppConfig::default() }
}

fn tcp(name: &str, port: u16) -> Value {
    json!({"name": name, "definition": {"kind": "tcp", "host": "127.0.0.1", "port": port, "interval_secs": 60,
        "timeout_ms": 2000, "retries": 1}})
}

/// A TCP port that accepts connections (until the test ends).
async fn listening() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            drop(s);
        }
    });
    port
}

/// A TCP port nothing listens on.
async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

/// An HTTP target answering `/health` with the status in `status`.
pub(crate) async fn http_target(status: Arc<AtomicU16>) -> u16 {
    use axum::{Router, http::StatusCode, routing::get};
    let app = Router::new().route(
        "/health",
        get(move || {
            let s = status.load(Ordering::SeqCst);
            async move { (StatusCode::from_u16(s).unwrap(), "up") }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(l, app).await });
    port
}

async fn add(t: &TestApp, body: Value) -> Value {
    let r = t.post("/api/v1/checks", &t.manager, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// Makes every check due now, as if its slot had come.
async fn all_due(t: &TestApp) {
    sqlx::query("UPDATE check_states SET next_run_at = 0").execute(t.app.store.pool()).await.unwrap();
}

async fn count(t: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(t.app.store.pool()).await.unwrap();
    n
}

both_with!(managers_keep_checks_and_the_desk_reads_them, config(), |t| {
    t.services(&["Web Shop"]).await;
    upsert(
        &t,
        json!({"items": [{"class": "virtual_machine", "name": "shop-1", "attributes": {"hostname": "shop-1"}}]}),
    )
    .await;
    let port = listening().await;
    let mut body = tcp("shop port", port);
    body["service"] = json!("Web Shop");
    body["ci"] = json!("shop-1");
    let r = t.post("/api/v1/checks", &t.agent, body.clone()).await;
    forbidden(r, "only managers and admins can keep checks").await;
    forbidden(t.get("/api/v1/checks", &t.requester).await, "only agents, managers and admins can see this").await;
    let r = t.post("/api/v1/checks", &t.manager, body).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let c: Value = r.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/checks/{}", c["id"]));
    assert_eq!((c["service"]["name"].as_str(), c["ci"]["name"].as_str()), (Some("Web Shop"), Some("shop-1")));
    assert_eq!(c["definition"]["kind"], "tcp");
    assert_eq!(c["definition"]["port"], port);
    assert_eq!((c["state"]["hard_status"].as_str(), c["state"]["max_attempts"].as_i64()), (Some("ok"), Some(2)));
    // Its first run is within one interval.
    let next = micros(&c["state"]["next_run_at"]);
    assert!(next >= micros(&c["created_at"]) && next - micros(&c["created_at"]) <= 60_000_000, "{c}");
    // The desk reads; filters narrow.
    let page = t.json("/api/v1/checks", &t.agent).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    for (q, n) in
        [("status=ok", 1), ("status=critical", 0), ("kind=tcp", 1), ("kind=http", 0), ("service=Web%20Shop", 1)]
    {
        let page = t.json(&format!("/api/v1/checks?{q}"), &t.agent).await;
        assert_eq!(page["items"].as_array().unwrap().len(), n, "{q}");
    }
    invalid(t.get("/api/v1/checks?status=down", &t.agent).await, &["status"]).await;
    invalid(t.get("/api/v1/checks?service=Nope", &t.agent).await, &["service"]).await;
    // Edits need the version; a stale one is refused.
    let path = location;
    let r = t.patch(&path, &t.manager, json!({"version": 5, "enabled": false})).await;
    problem(r, 409, "version_conflict").await;
    let r = t.patch(&path, &t.manager, json!({"version": 1, "enabled": false, "ci": null})).await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!((c["enabled"].as_bool(), c["version"].as_i64()), (Some(false), Some(2)));
    assert_eq!((c["ci"].clone(), c["state"]["next_run_at"].clone()), (Value::Null, Value::Null), "disabled: no run");
    let r = t.patch(&path, &t.admin, json!({"version": 2, "enabled": true})).await;
    assert!(r.json::<Value>().await.unwrap()["state"]["next_run_at"].is_string());
    // Deleted with its history.
    assert_eq!(t.delete(&path, &t.agent).await.status(), 403);
    assert_eq!(t.delete(&path, &t.manager).await.status(), 204);
    problem(t.get(&path, &t.agent).await, 404, "not_found").await;
    problem(t.get("/api/v1/checks/x", &t.agent).await, 404, "not_found").await;
});

both_with!(every_refusal_names_its_field_and_stores_nothing, config(), |t| {
    t.services(&["Web Shop"]).await;
    let port = listening().await;
    add(&t, tcp("taken", port)).await;
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"name": "a", "definition": {"kind": "tcp", "host": "", "port": 0, "interval_secs": 60,
            "timeout_ms": 1000}}),
            vec!["definition.host", "definition.port"],
        ),
        (
            json!({"name": "a", "definition": {"kind": "tcp", "host": "db1", "port": 5432, "interval_secs": 10,
            "timeout_ms": 10000}}),
            vec!["definition.timeout_ms"],
        ),
        (
            json!({"name": "a", "definition": {"kind": "http", "url": "ftp://x", "interval_secs": 5,
            "timeout_ms": 1000}}),
            vec!["definition.interval_secs", "definition.url"],
        ),
        (
            json!({"name": "a", "definition": {"kind": "plugin", "file": "../bin/sh", "interval_secs": 60,
            "timeout_ms": 1000}}),
            vec!["definition.file", "definition.kind"],
        ),
        (
            json!({"name": "a", "definition": {"kind": "tcp", "host": "db1", "port": 1, "interval_secs": 60,
            "timeout_ms": 1000}, "ci": "no-such-ci", "service": "No Such Service"}),
            vec!["ci", "service"],
        ),
        (tcp("taken", port), vec!["name"]),
        (tcp(" ", port), vec!["name"]),
    ];
    for (body, fields) in cases {
        let r = t.post("/api/v1/checks", &t.manager, body.clone()).await;
        invalid(r, &fields).await;
    }
    // The messages say what is wrong.
    let body = json!({"name": "a", "definition": {"kind": "tcp", "host": "db1", "port": 5432, "interval_secs": 10,
        "timeout_ms": 10000}});
    let m = invalid(t.post("/api/v1/checks", &t.manager, body).await, &["definition.timeout_ms"]).await;
    assert_eq!(m, "must be shorter than the interval (10 s)");
    let body = json!({"name": "a", "definition": {"kind": "plugin", "file": "check_ping", "interval_secs": 60,
        "timeout_ms": 1000}});
    let m = invalid(t.post("/api/v1/checks", &t.manager, body).await, &["definition.kind"]).await;
    assert_eq!(m, "plugin checks are off: the configuration names no checks.plugin_dir");
    // A kind that does not exist, or settings of the wrong shape.
    for definition in [json!({"kind": "smtp", "interval_secs": 60, "timeout_ms": 1000}), json!({"kind": "tcp"})] {
        let r = t.post("/api/v1/checks", &t.manager, json!({"name": "a", "definition": definition})).await;
        let p = problem(r, 422, "validation_failed").await;
        assert!(fields(&p)[0].starts_with("definition"), "{p}");
    }
    // An unreachable target is no refusal: the check is made, and finds it
    // down.
    let c = add(&t, tcp("nobody home", closed_port().await)).await;
    assert_eq!(count(&t, "SELECT COUNT(*) FROM checks").await, 2, "nothing else was stored");
    all_due(&t).await;
    let ran = t.app.run_due_checks(now_micros()).await.unwrap();
    assert_eq!(ran.recorded, 2);
    let h = t.json(&format!("/api/v1/checks/{}/results", c["id"]), &t.agent).await;
    assert_eq!(h["span"], "raw");
    assert_eq!(h["results"][0]["status"], "critical", "{h}");
});

both_with!(the_scheduler_runs_checks_and_keeps_their_history, config(), |t| {
    t.services(&["Web Shop"]).await;
    let status = Arc::new(AtomicU16::new(200));
    let port = http_target(status.clone()).await;
    let c = add(
        &t,
        json!({"name": "shop health", "service": "Web Shop", "definition": {"kind": "http",
            "url": format!("http://127.0.0.1:{port}/health"), "body_contains": "up", "interval_secs": 60,
            "timeout_ms": 2000, "retries": 1}}),
    )
    .await;
    let path = format!("/api/v1/checks/{}", c["id"]);
    // Not due yet: nothing runs.
    assert_eq!(t.app.run_due_checks(now_micros()).await.unwrap().recorded, 0);
    // Up, then down twice: soft, then hard (one retry).
    let mut states = Vec::new();
    for s in [200, 500, 500] {
        status.store(s, Ordering::SeqCst);
        all_due(&t).await;
        assert_eq!(t.app.run_due_checks(now_micros()).await.unwrap().recorded, 1);
        let c = t.json(&path, &t.agent).await;
        let st = &c["state"];
        states.push((st["status"].as_str().unwrap().to_owned(), st["state_type"].as_str().unwrap().to_owned()));
        assert!(micros(&st["next_run_at"]) > now_micros(), "the next run is in the next slot");
        // Ran once: due again only at its next slot.
        assert_eq!(t.app.run_due_checks(now_micros()).await.unwrap().recorded, 0);
    }
    let st = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(states, vec![st("ok", "hard"), st("critical", "soft"), st("critical", "hard")]);
    let c = t.json(&path, &t.agent).await;
    assert_eq!(c["state"]["hard_status"], "critical");
    assert!(c["state"]["last_message"].as_str().unwrap().contains("500"), "{c}");
    // Three raw results, oldest first.
    let h = t.json(&format!("{path}/results"), &t.agent).await;
    let statuses: Vec<&str> = h["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!((h["span"].as_str(), statuses), (Some("raw"), vec!["ok", "critical", "critical"]));
    // One event: the hard change, to be notified.
    let events = t.json(&format!("{path}/events"), &t.agent).await;
    assert_eq!(events.as_array().unwrap().len(), 1, "{events}");
    let e = &events[0];
    assert_eq!(
        (e["kind"].as_str(), e["from"].as_str(), e["to"].as_str()),
        (Some("hard"), Some("ok"), Some("critical"))
    );
    assert_eq!(e["notify"], true);
    // Rolled up as they came: a longer period reads hours.
    let now = jiff::Timestamp::now();
    let from = now.checked_sub(jiff::SignedDuration::from_hours(72)).unwrap();
    let to = now.checked_add(jiff::SignedDuration::from_hours(1)).unwrap();
    let h = t.json(&format!("{path}/results?from={from}&to={to}"), &t.agent).await;
    assert_eq!(h["span"], "hour", "{h}");
    let (mut ok, mut critical) = (0, 0);
    for b in h["buckets"].as_array().unwrap() {
        ok += b["ok"].as_i64().unwrap();
        critical += b["critical"].as_i64().unwrap();
    }
    assert_eq!((ok, critical), (1, 2));
    for span in ["minute", "hour", "day"] {
        let sql = format!(
            "SELECT CAST(COALESCE(SUM(ok + warning + critical + unknown), 0) AS BIGINT) FROM check_rollups WHERE span = '{span}'"
        );
        assert_eq!(count(&t, &sql).await, 3, "{span}");
    }
    // The service's availability: one result in three was up.
    let a = t.json("/api/v1/services/Web%20Shop/availability?days=7", &t.agent).await;
    assert_eq!((a["checks"].as_i64(), a["ok"].as_i64(), a["critical"].as_i64()), (Some(1), Some(1), Some(2)));
    assert!((a["availability"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9, "{a}");
    invalid(t.get("/api/v1/services/Web%20Shop/availability?days=0", &t.agent).await, &["days"]).await;
    problem(t.get("/api/v1/services/Nope/availability", &t.agent).await, 404, "not_found").await;
    invalid(t.get(&format!("{path}/results?from={to}&to={from}"), &t.agent).await, &["from"]).await;
    // Purged past their keeping (raw results: 14 days; minutes: 90).
    let later = now_micros() + 91 * 86_400_000_000;
    // Three results and their minute bucket(s).
    assert!(t.app.purge_check_history(later).await.unwrap() >= 4);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM check_results").await, 0);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM check_rollups WHERE span = 'minute'").await, 0);
    assert!(count(&t, "SELECT COUNT(*) FROM check_rollups WHERE span = 'hour'").await >= 1, "hours stay");
});

both_with!(two_nodes_never_run_a_check_twice_and_take_over_a_dead_ones, config(), |t| {
    let port = listening().await;
    for i in 0..12 {
        add(&t, tcp(&format!("port {i}"), port)).await;
    }
    let store =
        Store::connect(&t.url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() }).await.unwrap();
    // Claiming a few at a time, so the two nodes' claims interleave.
    let few = ChecksConfig { enabled: false, concurrency: 4, ..ChecksConfig::default() };
    let other = App::new(store, AppConfig { checks: few, ..AppConfig::default() });
    assert_ne!(t.app.check_node(), other.check_node());
    all_due(&t).await;
    let now = now_micros();
    let (a, b) = tokio::join!(t.app.run_due_checks(now), other.run_due_checks(now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.recorded + b.recorded, 12, "{a:?} {b:?}");
    assert_eq!(a.dropped + b.dropped, 0);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM check_results").await, 12);
    assert_eq!(count(&t, "SELECT COUNT(DISTINCT check_id) FROM check_results").await, 12, "each once");
    // A node claims and dies: the others wait for its leases to run out,
    // then take the checks; its late results are dropped.
    all_due(&t).await;
    let now = now_micros();
    let claimed = other.claim_checks(now, 100).await.unwrap();
    assert_eq!(claimed.len(), 12);
    assert_eq!(t.app.run_due_checks(now).await.unwrap().recorded, 0, "leased");
    let after_lease = now + 2_000_000 + 31_000_000;
    assert_eq!(t.app.run_due_checks(after_lease).await.unwrap().recorded, 12);
    let late = other.run_claimed(claimed, now).await.unwrap();
    assert_eq!((late.recorded, late.dropped), (0, 12));
    assert_eq!(count(&t, "SELECT COUNT(*) FROM check_results").await, 24);
    other.store.close().await;
});
