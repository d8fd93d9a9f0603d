//! Alert notifications end to end: alerts posted on `/api/v2/alerts`,
//! grouped by the routing tree, each group's notification enqueued per
//! receiver target (counted in the outbox), repeats held back until
//! `repeat_interval`, a resolution told once, silenced and inhibited
//! alerts left out, a restart (a new App on the same database) not
//! sending again (the notification log), and a webhook target receiving
//! Alertmanager's payload version 4. The background workers are off: each
//! test runs `dispatch_once` with the time it wants.

use crate::both_with;
use crate::helpers::*;
use crate::notifications::{mail_config, set_mail};
use crate::smtpd::free_port;
use axum::{body::Bytes, routing::post};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use steward_app::App;

const S: i64 = 1_000_000;

fn ts(us: i64) -> String {
    jiff::Timestamp::from_microsecond(us).unwrap().to_string()
}

/// The alert messages in the outbox: (channel, event, target, payload).
async fn outbox(t: &TestApp) -> Vec<(String, String, String, Value)> {
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT channel, event, target, payload FROM outbox WHERE event LIKE 'alert.%' ORDER BY id")
            .fetch_all(t.app.store.pool())
            .await
            .unwrap();
    rows.into_iter().map(|(c, e, t, p)| (c, e, t, serde_json::from_str(&p).unwrap())).collect()
}

async fn route(t: &TestApp, doc: Value) {
    let r = t.put_json("/api/v1/alert-routing", &t.admin, doc).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

async fn post_alerts(t: &TestApp, alerts: Value) {
    let r = t.post("/api/v2/alerts", &t.agent, alerts).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

fn disk(host: &str, ends: i64) -> Value {
    json!({"labels": {"alertname": "DiskFull", "host": host, "severity": "warning"},
        "annotations": {"summary": format!("/ on {host} is full")}, "endsAt": ts(ends)})
}

both_with!(a_group_notifies_each_target_once_per_change_and_survives_a_restart, mail_config(free_port()), |t| {
    set_mail(&t, "agent", "agent@example.org", None).await;
    set_mail(&t, "manager", "manager@example.org", Some("pl")).await;
    route(
        &t,
        json!({
            "route": {"receiver": "desk", "group_by": ["alertname"], "group_wait": 0, "group_interval": 60,
                "repeat_interval": 3600},
            "receivers": [{"name": "desk", "targets": [{"type": "group", "group": "Service Desk"},
                {"type": "users", "users": ["manager", "agent"]}]}]
        }),
    )
    .await;
    let now = steward_store::now_micros();
    let day = now + 24 * 3600 * S;
    // 1,000 alerts of one group: one notification, one message per person.
    let storm: Vec<Value> = (0..1000).map(|i| disk(&format!("db-{i:04}"), day)).collect();
    post_alerts(&t, Value::Array(storm)).await;
    let p = t.app.dispatch_once(now).await.unwrap();
    assert_eq!((p.read, p.notified, p.messages), (1000, 1, 2), "{p:?}");
    let sent = outbox(&t).await;
    assert_eq!(sent.len(), 2, "the agent once though two targets name them, and the manager");
    let mut targets: Vec<&str> = sent.iter().map(|m| m.2.as_str()).collect();
    targets.sort_unstable();
    assert_eq!(targets, ["agent@example.org", "manager@example.org"]);
    let by = |to: &str| sent.iter().find(|m| m.2 == to).unwrap().clone();
    let (_, event, _, mail) = &by("agent@example.org");
    assert_eq!(event, "alert.firing");
    assert_eq!(mail["subject"], "[FIRING:1000] alertname=\"DiskFull\"");
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains("host=\"db-0000\", severity=\"warning\" — / on db-0000 is full"), "{text}");
    assert!(text.contains("… and 980 more") && !text.contains("db-0020"), "20 listed: {text}");
    assert!(text.contains("https://steward.test/alerts"), "{text}");
    let polish = by("manager@example.org").3;
    assert!(polish["text"].as_str().unwrap().contains("Aktywne (1000)"), "in the manager's language");

    // The next ticks change nothing: nothing is sent before repeat_interval.
    assert_eq!(t.app.dispatch_once(now + 61 * S).await.unwrap().messages, 0);
    assert_eq!(t.app.dispatch_once(now + 1800 * S).await.unwrap().messages, 0);
    // A new alert in the group is told at the next tick.
    post_alerts(&t, json!([disk("web-1", day)])).await;
    let p = t.app.dispatch_once(now + 1861 * S).await.unwrap();
    assert_eq!((p.notified, p.messages), (1, 2), "{p:?}");
    assert_eq!(outbox(&t).await[2].3["subject"], "[FIRING:1001] alertname=\"DiskFull\"");

    // A restart: a new App on the same database reads every alert again and
    // its groups tick at once, but the notification log says they were told.
    let again = App::new(t.app.store.clone(), (*t.app.config).clone());
    let p = again.dispatch_once(now + 1900 * S).await.unwrap();
    assert_eq!((p.read, p.ticks, p.messages), (1001, 1, 0), "{p:?}");
    assert_eq!(outbox(&t).await.len(), 4);
    // Until the repeat interval has passed since the last notification:
    // the first tick after that (they come every group_interval) repeats it.
    assert_eq!(again.dispatch_once(now + 1861 * S + 3599 * S).await.unwrap().messages, 0);
    assert_eq!(again.dispatch_once(now + 1861 * S + 3660 * S).await.unwrap().messages, 2);

    // Resolved: told once.
    let gone = steward_store::now_micros() - S;
    let resolved: Vec<Value> =
        (0..1000).map(|i| disk(&format!("db-{i:04}"), gone)).chain([disk("web-1", gone)]).collect();
    post_alerts(&t, Value::Array(resolved)).await;
    let later = now + 1861 * S + 3780 * S;
    assert_eq!(again.dispatch_once(later).await.unwrap().messages, 2);
    let last = outbox(&t).await.pop().unwrap();
    assert_eq!(
        (last.1.as_str(), last.3["subject"].as_str()),
        ("alert.resolved", Some("[RESOLVED:1001] alertname=\"DiskFull\""))
    );
    assert_eq!(again.dispatch_once(later + 3700 * S).await.unwrap().messages, 0, "and only once");
    assert_eq!(outbox(&t).await.len(), 8);
});

both_with!(silenced_and_inhibited_alerts_are_listed_as_such_and_not_notified, mail_config(free_port()), |t| {
    set_mail(&t, "agent", "agent@example.org", None).await;
    route(&t, json!({
        "route": {"receiver": "desk", "group_by": ["alertname"], "group_wait": 0},
        "receivers": [{"name": "desk", "targets": [{"type": "users", "users": ["agent"]}]}],
        "inhibit_rules": [{"source_matchers": ["severity=\"critical\""], "target_matchers": ["severity=\"warning\""],
            "equal": ["host"]}]
    }))
    .await;
    let now = steward_store::now_micros();
    let day = now + 24 * 3600 * S;
    let alert = |name: &str, host: &str, sev: &str| json!({"labels": {"alertname": name, "host": host, "severity": sev}, "endsAt": ts(day)});
    post_alerts(
        &t,
        json!([
            alert("HostDown", "a", "critical"),
            alert("DiskSlow", "a", "warning"),
            alert("DiskSlow", "b", "warning"),
            alert("Noise", "b", "info"),
            alert("Backup", "c", "warning")
        ]),
    )
    .await;
    let silence = json!({"matchers": [{"name": "alertname", "value": "Noise", "isRegex": false}],
        "startsAt": ts(now - S), "endsAt": ts(day), "createdBy": "ops", "comment": "known"});
    assert_eq!(t.post("/api/v2/silences", &t.agent, silence).await.status(), 200);
    // A maintenance window mutes the backup's alert: listed as silenced
    // (Alertmanager has no other word for it), never notified.
    let window = json!({"name": "Backups", "matchers": ["alertname=\"Backup\""], "recurrence": "once",
        "starts_at": "2020-01-01T00:00:00Z", "ends_at": "2099-01-01T00:00:00Z"});
    assert_eq!(t.post("/api/v1/alert-windows", &t.manager, window).await.status(), 201);

    // The API says which are inhibited and by what.
    let all = t.json("/api/v2/alerts", &t.agent).await;
    let find = |name: &str, host: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|a| a["labels"]["alertname"] == name && a["labels"]["host"] == host)
            .unwrap()
            .clone()
    };
    let down = find("HostDown", "a");
    let slow_a = find("DiskSlow", "a");
    assert_eq!(slow_a["status"]["state"], "suppressed");
    assert_eq!(slow_a["status"]["inhibitedBy"], json!([down["fingerprint"]]));
    assert_eq!(find("DiskSlow", "b")["status"], json!({"state": "active", "silencedBy": [], "inhibitedBy": []}));
    assert_eq!(slow_a["receivers"], json!([{"name": "desk"}]));
    let shown = t.json("/api/v2/alerts?inhibited=false", &t.agent).await;
    let names: Vec<String> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{}@{}", a["labels"]["alertname"].as_str().unwrap(), a["labels"]["host"].as_str().unwrap()))
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(!names.contains(&"DiskSlow@a".to_owned()), "{names:?}");
    let backup = find("Backup", "c");
    assert_eq!(backup["status"]["state"], "suppressed");
    let unsilenced = t.json("/api/v2/alerts?silenced=false&inhibited=false", &t.agent).await;
    assert_eq!(unsilenced.as_array().unwrap().len(), 2, "HostDown and DiskSlow@b: {unsilenced}");
    let r = t.get("/api/v2/alerts?inhibited=maybe", &t.agent).await;
    assert_eq!(r.status(), 400);
    assert!(t.json("/api/v2/alerts?receiver=pager", &t.agent).await.as_array().unwrap().is_empty());

    // Notified: HostDown, and DiskSlow for b only; Noise is silenced (from
    // when the server took the silence), Backup in its window.
    let p = t.app.dispatch_once(steward_store::now_micros()).await.unwrap();
    assert_eq!((p.ticks, p.notified, p.messages), (4, 2, 2), "{p:?}");
    let mut subjects: Vec<String> =
        outbox(&t).await.iter().map(|m| m.3["subject"].as_str().unwrap().to_owned()).collect();
    subjects.sort();
    assert_eq!(subjects, ["[FIRING:1] alertname=\"DiskSlow\"", "[FIRING:1] alertname=\"HostDown\""]);
    let all = outbox(&t).await;
    let slow = &all.iter().find(|m| m.3["subject"].as_str().unwrap().contains("DiskSlow")).unwrap().3["text"];
    assert!(slow.as_str().unwrap().contains("host=\"b\"") && !slow.as_str().unwrap().contains("host=\"a\""), "{slow}");
});

both_with!(a_webhook_target_gets_alertmanagers_payload, mail_config(free_port()), |t| {
    let got: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
    let sink = got.clone();
    let hook = move |headers: axum::http::HeaderMap, body: Bytes| {
        let sink = sink.clone();
        async move {
            let event = headers.get("x-steward-event").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            sink.lock().unwrap().push((event, serde_json::from_slice(&body).unwrap()));
            "ok"
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/am", post(hook.clone())).route("/slack", post(hook));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let r = t
        .post(
            "/api/v1/webhooks",
            &t.admin,
            json!({"name": "chat", "url": format!("http://{addr}/slack"),
        "format": "slack"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    route(
        &t,
        json!({
            "route": {"receiver": "ops", "group_by": ["alertname", "site"], "group_wait": 0},
            "receivers": [{"name": "ops", "targets": [{"type": "webhook", "url": format!("http://{addr}/am")},
                {"type": "chat", "format": "slack", "webhook": "chat"}]}]
        }),
    )
    .await;
    let now = steward_store::now_micros();
    post_alerts(
        &t,
        json!([{"labels": {"alertname": "Down", "site": "waw", "host": "a"},
        "annotations": {"summary": "a is down"}, "endsAt": ts(now + 3600 * S)}]),
    )
    .await;
    assert_eq!(t.app.dispatch_once(now).await.unwrap().messages, 2);
    let r = t.app.deliver_due_now().await.unwrap();
    assert_eq!((r.sent, r.dead), (2, 0), "{r:?}");
    let got = got.lock().unwrap().clone();
    let (event, am) = got.iter().find(|(_, b)| b.get("version").is_some()).unwrap();
    assert_eq!(event, "alert.firing");
    assert_eq!(am["version"], "4");
    assert_eq!(am["receiver"], "ops");
    assert_eq!(am["status"], "firing");
    assert_eq!(am["groupLabels"], json!({"alertname": "Down", "site": "waw"}));
    assert_eq!(am["commonLabels"], json!({"alertname": "Down", "site": "waw", "host": "a"}));
    assert_eq!(am["commonAnnotations"], json!({"summary": "a is down"}));
    assert_eq!(am["externalURL"], "https://steward.test");
    assert_eq!(am["truncatedAlerts"], 0);
    assert_eq!(am["groupKey"], "{}/:{alertname=\"Down\",site=\"waw\"}");
    assert_eq!(am["alerts"][0]["status"], "firing");
    assert_eq!(am["alerts"][0]["labels"]["host"], "a");
    assert_eq!(am["alerts"][0]["fingerprint"].as_str().unwrap().len(), 16);
    let (_, slack) = got.iter().find(|(_, b)| b.get("blocks").is_some()).unwrap();
    assert!(slack["text"].as_str().unwrap().starts_with("[FIRING:1] alertname=\"Down\", site=\"waw\""), "{slack}");
});

both_with!(without_a_receiver_target_the_dispatcher_follows_nothing, mail_config(free_port()), |t| {
    // The default routing: one receiver with nowhere to send.
    let now = steward_store::now_micros();
    post_alerts(&t, json!([disk("web-1", now + 3600 * S)])).await;
    let idle = t.app.dispatch_once(now).await.unwrap();
    assert_eq!(idle.read, 0, "nothing read, nothing kept: {idle:?}");
    // Given a target, the next pass starts from the firing alerts.
    set_mail(&t, "agent", "agent@example.org", None).await;
    route(
        &t,
        json!({
            "route": {"receiver": "desk", "group_by": ["alertname"], "group_wait": 0},
            "receivers": [{"name": "desk", "targets": [{"type": "users", "users": ["agent"]}]}]
        }),
    )
    .await;
    let p = t.app.dispatch_once(steward_store::now_micros()).await.unwrap();
    assert_eq!((p.read, p.messages), (1, 1), "{p:?}");
});
