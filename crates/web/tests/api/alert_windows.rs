//! Maintenance windows for alerts over HTTP: who keeps them, every refusal
//! naming its field with nothing stored, a weekly window on Warsaw's clock
//! muting an alert while it is open (and its next opening read on that
//! clock), a window on a CI muting the alerts mapped to it (and with
//! `dependents` those of the CIs that depend on it), and correlation
//! opening no incident for muted alerts.

use crate::both;
use crate::cmdb::upsert;
use crate::helpers::*;
use jiff::{Timestamp, ToSpan, tz::TimeZone};
use reqwest::Method;
use serde_json::{Value, json};

fn alert(name: &str, instance: &str) -> Value {
    json!({"labels": {"alertname": name, "instance": instance, "severity": "critical"}})
}

async fn count(t: &TestApp) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM alert_windows").fetch_one(t.app.store.pool()).await.unwrap();
    n
}

async fn add(t: &TestApp, body: Value) -> Value {
    let r = t.post("/api/v1/alert-windows", &t.manager, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// The alert of this alertname as `/api/v1/alerts` lists it.
async fn listed(t: &TestApp, name: &str) -> Value {
    let page = t.json(&format!("/api/v1/alerts?filter=alertname%3D%22{name}%22"), &t.agent).await;
    page["items"][0].clone()
}

/// Posts alerts as the agent's alerts-only token.
async fn post_alerts(t: &TestApp, batch: Value) {
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    assert_eq!(t.post("/api/v2/alerts", &token, batch).await.status(), 200);
}

both!(every_refusal_names_its_field_and_stores_nothing, |t| {
    upsert(&t, json!({"items": [{"class": "server", "name": "db-1"}]})).await;
    let ok = json!({"name": "Nightly", "matchers": ["job=\"db\""], "recurrence": "weekly", "days": ["sun"],
        "start_time": "01:00", "duration_minutes": 60, "time_zone": "Europe/Warsaw"});
    // Agents read, managers and admins keep; requesters see nothing.
    forbidden(
        t.post("/api/v1/alert-windows", &t.agent, ok.clone()).await,
        "only managers and admins can keep maintenance windows for alerts",
    )
    .await;
    assert_eq!(t.get("/api/v1/alert-windows", &t.requester).await.status(), 403);
    let with = |patch: Value| {
        let mut b = ok.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases: Vec<(Value, Vec<&str>)> = vec![
        // Neither matchers nor CIs: it would mute nothing.
        (with(json!({"matchers": []})), vec!["matchers", "cis"]),
        // An end before the start.
        (
            json!({"name": "x", "cis": ["db-1"], "recurrence": "once", "starts_at": "2026-05-02T10:00:00Z",
                "ends_at": "2026-05-02T09:00:00Z"}),
            vec!["ends_at"],
        ),
        (
            json!({"name": "x", "cis": ["db-1"], "recurrence": "once", "starts_at": "soon", "ends_at": "later"}),
            vec!["starts_at", "ends_at"],
        ),
        (with(json!({"duration_minutes": 0})), vec!["duration_minutes"]),
        (with(json!({"duration_minutes": 7 * 24 * 60 + 1})), vec!["duration_minutes"]),
        (with(json!({"time_zone": "Mars/Olympus"})), vec!["time_zone"]),
        (with(json!({"days": ["mon", "funday"]})), vec!["days[1]"]),
        (with(json!({"start_time": "25:00"})), vec!["start_time"]),
        (with(json!({"matchers": ["job=\"db\"", "instance=~\"(unclosed\""]})), vec!["matchers[1]"]),
        (with(json!({"matchers": ["not a matcher"]})), vec!["matchers[0]"]),
        (with(json!({"cis": ["no-such-ci"]})), vec!["cis[0]"]),
        (with(json!({"recurrence": "yearly"})), vec!["recurrence"]),
        (with(json!({"recurrence": "monthly", "day_of_month": 32})), vec!["day_of_month"]),
        (with(json!({"name": " "})), vec!["name"]),
        (with(json!({"expires_at": "someday"})), vec!["expires_at"]),
    ];
    for (body, expected) in cases {
        invalid(t.post("/api/v1/alert-windows", &t.manager, body.clone()).await, &expected).await;
    }
    assert_eq!(count(&t).await, 0, "nothing was stored");
    // A good one; a replacement refused stores nothing either.
    let w = add(&t, ok.clone()).await;
    let path = format!("/api/v1/alert-windows/{}", w["id"]);
    let r = t.req(Method::PUT, &path, &t.manager).json(&with(json!({"version": 1, "time_zone": "Nowhere"})));
    invalid(r.send().await.unwrap(), &["time_zone"]).await;
    let read = t.json(&path, &t.agent).await;
    assert_eq!((read["time_zone"].as_str(), read["version"].as_i64()), (Some("Europe/Warsaw"), Some(1)));
    // A stale version is refused; a right one replaces it.
    let r = t.req(Method::PUT, &path, &t.manager).header("if-match", "\"7\"").json(&ok).send().await.unwrap();
    problem(r, 412, "version_conflict").await;
    let r = t.req(Method::PUT, &path, &t.manager).json(&with(json!({"version": 1, "name": "Weekly"})));
    assert_eq!(r.send().await.unwrap().status(), 200);
    assert_eq!(t.delete(&path, &t.agent).await.status(), 403);
    assert_eq!(t.delete(&path, &t.manager).await.status(), 204);
    problem(t.get(&path, &t.agent).await, 404, "not_found").await;
    // Each change is in the audit log.
    let log = t.json("/api/v1/audit?kind=alert_window_changed", &t.admin).await;
    let details: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["detail"].as_str().unwrap()).collect();
    let id = w["id"].as_i64().unwrap();
    assert_eq!(details, [format!("deleted window {id}"), format!("changed window {id}"), format!("made window {id}")]);
});

both!(a_weekly_window_on_warsaws_clock_mutes_an_alert_while_it_is_open, |t| {
    post_alerts(&t, json!([alert("BackupRunning", "backup-1:9100")])).await;
    assert_eq!(listed(&t, "BackupRunning").await["state"], "active");
    // Open now: today on Warsaw's clock, from half an hour ago for an hour.
    let warsaw = TimeZone::get("Europe/Warsaw").unwrap();
    let now = Timestamp::now().to_zoned(warsaw.clone());
    let start = now.checked_sub(30.minutes()).unwrap();
    let day = start.weekday().to_sunday_zero_offset() as usize;
    let days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    let body = json!({"name": "Backups", "matchers": ["alertname=\"BackupRunning\""], "recurrence": "weekly",
        "days": [days[day]], "start_time": format!("{:02}:{:02}", start.hour(), start.minute()),
        "duration_minutes": 60, "time_zone": "Europe/Warsaw"});
    let w = add(&t, body.clone()).await;
    assert_eq!(w["open"], true, "{w}");
    let a = listed(&t, "BackupRunning").await;
    assert_eq!(a["state"], "suppressed", "{a}");
    assert_eq!(a["silenced_by"], json!([]), "a window is no silence");
    assert_eq!(a["muted_by"], json!([{"kind": "window", "id": w["id"], "name": "Backups"}]));
    // Alertmanager's view says suppressed too, with no silence id.
    let am = t.json("/api/v2/alerts?filter=alertname%3D%22BackupRunning%22", &t.agent).await;
    assert_eq!(am[0]["status"]["state"], "suppressed", "{am}");
    assert_eq!(am[0]["status"]["silencedBy"], json!([]));
    // The opening read on Warsaw's clock, whatever its offset that day.
    let opened = start.with().second(0).subsec_nanosecond(0).build().unwrap();
    assert_eq!(micros(&w["next_starts_at"]), opened.timestamp().as_microsecond());
    // Two hours later on the clock: shut now, and the alert is loud again.
    let later = start.checked_add(2.hours()).unwrap();
    let mut moved = body.clone();
    moved["start_time"] = json!(format!("{:02}:{:02}", later.hour(), later.minute()));
    moved["version"] = json!(1);
    let r = t.req(Method::PUT, &format!("/api/v1/alert-windows/{}", w["id"]), &t.manager).json(&moved);
    let w2: Value = r.send().await.unwrap().json().await.unwrap();
    if later.date() == start.date() {
        assert_eq!(w2["open"], false, "{w2}");
        assert_eq!(listed(&t, "BackupRunning").await["state"], "active");
    }
    // Expired: it mutes nothing.
    let mut expired = body.clone();
    expired["expires_at"] = json!("2020-01-01T00:00:00Z");
    let gone = add(&t, expired).await;
    assert_eq!((gone["open"].as_bool(), gone["expired"].as_bool()), (Some(false), Some(true)));
});

both!(a_window_on_a_ci_mutes_its_alerts_and_correlation_opens_nothing_for_them, |t| {
    upsert(
        &t,
        json!({"items": [
            {"ref": "shop", "class": "business_service", "name": "Web Shop", "criticality": "high",
                "owner_group": "Service Desk"},
            {"ref": "app", "class": "application", "name": "shop-app"},
            {"ref": "db", "class": "database", "name": "shop-db"},
            {"ref": "mail", "class": "server", "name": "mail-1"}],
        "relations": [
            {"from": "shop", "to": "app", "type": "uses"},
            {"from": "app", "to": "db", "type": "uses"}]}),
    )
    .await;
    let w = add(
        &t,
        json!({"name": "DB upgrade", "cis": ["shop-db"], "recurrence": "once",
            "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(w["cis"][0]["name"], "shop-db");
    post_alerts(
        &t,
        json!([alert("PostgresDown", "shop-db:5432"), alert("AppErrors", "shop-app"), alert("MailDown", "mail-1")]),
    )
    .await;
    // Correlation maps the alerts to their CIs, and opens an incident only
    // for the one no window mutes.
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(listed(&t, "PostgresDown").await["state"], "suppressed");
    assert_eq!(listed(&t, "PostgresDown").await["muted_by"][0]["name"], "DB upgrade");
    assert_eq!(listed(&t, "AppErrors").await["state"], "active", "without dependents the app is not muted");
    // The app's alert is a group of its own now: its incident is about shop-app.
    let list = t.json("/api/v1/incidents?limit=10", &t.agent).await;
    let titles: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.iter().all(|t| !t.contains("shop-db")), "the muted database opens nothing: {titles:?}");
    // With dependents, the app that depends on the database is muted too.
    let mut body = json!({"name": "DB upgrade", "cis": ["shop-db"], "recurrence": "once", "dependents": true,
        "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2099-01-01T00:00:00Z"});
    body["version"] = w["version"].clone();
    let r = t.req(Method::PUT, &format!("/api/v1/alert-windows/{}", w["id"]), &t.manager).json(&body);
    assert_eq!(r.send().await.unwrap().status(), 200);
    assert_eq!(listed(&t, "AppErrors").await["state"], "suppressed");
    assert_eq!(listed(&t, "MailDown").await["state"], "active");
});
