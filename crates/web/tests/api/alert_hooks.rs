//! Alerts from other tools over HTTP: the generic webhook, Alertmanager's
//! webhook (payload version 4), PagerDuty's Events API v2, what the
//! shipped Zabbix media type posts and the shipped Nagios script run for
//! real; a repeat updates the alert of its fingerprint, a resolution ends
//! it, and every refusal names its field with nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// A token of the agent limited to alerts.
async fn alert_token(t: &TestApp) -> String {
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "monitoring", "scope": "alerts"})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

/// The firing alerts, as `/api/v2` lists them.
async fn firing(t: &TestApp, token: &str) -> Vec<Value> {
    t.json("/api/v2/alerts", token).await.as_array().unwrap().clone()
}

/// Webhook alerts last until resolved: they end on the far horizon.
const UNTIL_RESOLVED: &str = "9999-12-30T00:00:00.000Z";

const WEBHOOK: &str = "/api/v1/alerts/webhook";
const ALERTMANAGER: &str = "/api/v1/alerts/alertmanager";
const PAGERDUTY: &str = "/api/v1/alerts/pagerduty/v2/enqueue";

fn disk(host: &str, status: &str) -> Value {
    json!({"status": status, "labels": {"alertname": "DiskFull", "host": host},
        "annotations": {"summary": format!("/ on {host} is full")}, "generatorURL": "https://mon.example/disk"})
}

both!(the_generic_webhook_fires_updates_and_resolves, |t| {
    let token = alert_token(&t).await;
    // One alert alone.
    let r = t.post(WEBHOOK, &token, disk("db-1", "firing")).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"kept": 1}));
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["labels"], json!({"alertname": "DiskFull", "host": "db-1"}));
    assert_eq!(list[0]["endsAt"], UNTIL_RESOLVED, "no resolve timeout: firing until resolved");
    assert_eq!(list[0]["generatorURL"], "https://mon.example/disk");
    let first_start = list[0]["startsAt"].clone();

    // A batch: the repeat updates the one alert, the new one is added.
    let mut again = disk("db-1", "firing");
    again["annotations"]["summary"] = json!("/ on db-1 is still full");
    let r = t.post(WEBHOOK, &token, json!({"alerts": [again, disk("web-1", "firing")]})).await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"kept": 2}));
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 2, "{list:?}");
    let db = list.iter().find(|a| a["labels"]["host"] == "db-1").unwrap();
    assert_eq!(db["annotations"]["summary"], "/ on db-1 is still full");
    assert_eq!(db["startsAt"], first_start, "a repeat keeps the first start");

    // Resolved: off the list; the other keeps firing.
    let r = t.post(WEBHOOK, &token, disk("db-1", "resolved")).await;
    assert_eq!(r.status(), 200);
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["labels"]["host"], "web-1");

    // Times the tool names: an end in the future is kept.
    let mut planned = disk("app-1", "firing");
    planned["startsAt"] = json!("2020-01-01T00:00:00Z");
    planned["endsAt"] = json!("2099-01-01T00:00:00Z");
    assert_eq!(t.post(WEBHOOK, &token, planned).await.status(), 200);
    let list = firing(&t, &token).await;
    let app = list.iter().find(|a| a["labels"]["host"] == "app-1").unwrap();
    assert_eq!(
        (app["startsAt"].as_str(), app["endsAt"].as_str()),
        (Some("2020-01-01T00:00:00.000Z"), Some("2099-01-01T00:00:00.000Z"))
    );

    // Any staff token works (not only those limited to alerts); a requester's does not.
    assert_eq!(t.post(WEBHOOK, &t.agent, disk("x-1", "firing")).await.status(), 200);
    forbidden(t.post(WEBHOOK, &t.requester, disk("x-2", "firing")).await, "only staff tokens send and read alerts")
        .await;
});

/// What Alertmanager 0.25's webhook sends for a group: firing alerts with
/// Go's zero end, a resolved one with its end; the fingerprints are
/// Alertmanager's own for these labels.
fn alertmanager_payload(status: &str, alerts: Vec<Value>) -> Value {
    json!({"version": "4", "groupKey": "{}:{alertname=\"alert1\"}", "truncatedAlerts": 0, "status": status,
        "receiver": "steward", "groupLabels": {"alertname": "alert1"},
        "commonLabels": {"alertname": "alert1"}, "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093", "alerts": alerts})
}

fn am_alert(status: &str, severity: &str, fingerprint: &str, ends: &str) -> Value {
    json!({"status": status, "labels": {"alertname": "alert1", "severity": severity},
        "annotations": {"summary": "it broke"}, "startsAt": "2026-12-01T10:00:00.000Z", "endsAt": ends,
        "generatorURL": "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0", "fingerprint": fingerprint})
}

both!(an_alertmanager_forwards_its_alerts_by_webhook, |t| {
    let token = alert_token(&t).await;
    let zero = "0001-01-01T00:00:00Z";
    let payload = alertmanager_payload(
        "firing",
        vec![am_alert("firing", "critical", "0223b772b51c29e1", zero), am_alert("firing", "warning", "-", zero)],
    );
    let r = t.post(ALERTMANAGER, &token, payload).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 2);
    let critical = list.iter().find(|a| a["labels"]["severity"] == "critical").unwrap();
    assert_eq!(critical["fingerprint"], "0223b772b51c29e1", "Alertmanager's fingerprint finds it here");
    assert_eq!(critical["startsAt"], "2026-12-01T10:00:00.000Z");
    assert_eq!(critical["endsAt"], UNTIL_RESOLVED, "the webhook sends again only on change: firing until resolved");
    // The same group again later (repeat_interval): still two alerts.
    let again = alertmanager_payload("firing", vec![am_alert("firing", "critical", "0223b772b51c29e1", zero)]);
    assert_eq!(t.post(ALERTMANAGER, &token, again).await.status(), 200);
    assert_eq!(firing(&t, &token).await.len(), 2);
    // The critical one resolved: it ends at its endsAt.
    let ended = "2026-12-01T10:30:00.000Z";
    let resolved = alertmanager_payload("resolved", vec![am_alert("resolved", "critical", "0223b772b51c29e1", ended)]);
    assert_eq!(t.post(ALERTMANAGER, &token, resolved).await.status(), 200);
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["labels"]["severity"], "warning");
    // Bearer auth, as `http_config.authorization` sends it; a wrong token is 401.
    let r = t.post(ALERTMANAGER, "no-such-token", alertmanager_payload("firing", vec![])).await;
    problem(r, 401, "unauthenticated").await;
});

fn pd_trigger(routing_key: &str, dedup_key: Option<&str>, severity: &str) -> Value {
    let mut e = json!({"routing_key": routing_key, "event_action": "trigger",
        "payload": {"summary": "PING failed on db-1", "source": "db-1.example", "severity": severity,
            "component": "mysql", "group": "prod-datapipe", "class": "ping failure",
            "custom_details": {"ping time": "1500ms", "load avg": 0.75}},
        "client": "Sample Monitoring Service", "client_url": "https://monitoring.example.com",
        "links": [{"href": "https://example.com/", "text": "Link text"}]});
    if let Some(k) = dedup_key {
        e["dedup_key"] = json!(k);
    }
    e
}

/// A PagerDuty client: no Authorization header, the token in the body.
async fn pd_post(t: &TestApp, body: Value) -> reqwest::Response {
    t.client.post(format!("{}{PAGERDUTY}", t.base)).json(&body).send().await.unwrap()
}

async fn pd_accepted(r: reqwest::Response) -> String {
    assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    let b: Value = r.json().await.unwrap();
    assert_eq!((b["status"].as_str(), b["message"].as_str()), (Some("success"), Some("Event processed")), "{b}");
    b["dedup_key"].as_str().unwrap().to_owned()
}

both!(a_tool_set_up_for_pagerduty_triggers_acknowledges_and_resolves, |t| {
    let token = alert_token(&t).await;
    // No key sent: one is made up (32 hex digits, as PagerDuty's) and answered.
    let key = pd_accepted(pd_post(&t, pd_trigger(&token, None, "critical")).await).await;
    assert_eq!(key.len(), 32);
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    let a = &list[0];
    assert_eq!(
        a["labels"],
        json!({"dedup_key": key, "source": "db-1.example", "severity": "critical", "component": "mysql",
            "group": "prod-datapipe", "class": "ping failure"})
    );
    assert_eq!(a["annotations"]["summary"], "PING failed on db-1");
    assert_eq!(a["annotations"]["client"], "Sample Monitoring Service");
    let details: Value = serde_json::from_str(a["annotations"]["custom_details"].as_str().unwrap()).unwrap();
    assert_eq!(details, json!({"ping time": "1500ms", "load avg": 0.75}));
    assert_eq!(a["generatorURL"], "https://monitoring.example.com");
    assert_eq!(a["endsAt"], UNTIL_RESOLVED);

    // A key of the tool's own, sent twice (the second time by Bearer header): one alert.
    assert_eq!(pd_accepted(pd_post(&t, pd_trigger(&token, Some("srv01/HTTP"), "warning")).await).await, "srv01/HTTP");
    let r = t.post(PAGERDUTY, &token, pd_trigger("", Some("srv01/HTTP"), "warning")).await;
    assert_eq!(pd_accepted(r).await, "srv01/HTTP");
    assert_eq!(firing(&t, &token).await.len(), 2);

    // Acknowledged: answered as PagerDuty answers; the alert stays firing,
    // acknowledged by the token's user.
    let ack = json!({"routing_key": token, "event_action": "acknowledge", "dedup_key": "srv01/HTTP"});
    assert_eq!(pd_accepted(pd_post(&t, ack).await).await, "srv01/HTTP");
    assert_eq!(firing(&t, &token).await.len(), 2);
    let acked = t.json("/api/v1/alerts?acknowledged=true", &t.agent).await;
    assert_eq!(acked["items"].as_array().unwrap().len(), 1, "{acked}");
    assert_eq!(acked["items"][0]["labels"]["dedup_key"], "srv01/HTTP");

    // Resolved by key alone: that alert ends now; the other fires on.
    let resolve = json!({"routing_key": token, "event_action": "resolve", "dedup_key": "srv01/HTTP"});
    assert_eq!(pd_accepted(pd_post(&t, resolve.clone()).await).await, "srv01/HTTP");
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["labels"]["dedup_key"], key);
    // Resolving again, or a key never seen, is processed too (as PagerDuty does).
    assert_eq!(pd_accepted(pd_post(&t, resolve).await).await, "srv01/HTTP");
    let unknown = json!({"routing_key": token, "event_action": "resolve", "dedup_key": "never-seen"});
    assert_eq!(pd_accepted(pd_post(&t, unknown).await).await, "never-seen");
    // Triggered again after the resolution: a new episode of the same alert.
    pd_accepted(pd_post(&t, pd_trigger(&token, Some("srv01/HTTP"), "warning")).await).await;
    assert_eq!(firing(&t, &token).await.len(), 2);
});

/// Exactly what `contrib/zabbix/steward_media_type.yaml`'s script posts
/// for a problem and its recovery (Zabbix's macros expanded).
fn zabbix_event(problem: bool) -> Value {
    let (status, zabbix_status, value, summary) = if problem {
        ("firing", "PROBLEM", "1", "High CPU on web-1: CPU 97 %")
    } else {
        ("resolved", "RESOLVED", "0", "High CPU on web-1 resolved after 5m")
    };
    json!({"alerts": [{"status": status,
        "labels": {"alertname": "High CPU on web-1", "host": "web-1", "zabbix_event_id": "1234"},
        "annotations": {"summary": summary, "trigger_name": "High CPU on web-1", "severity": "high",
            "zabbix_severity": "High", "zabbix_status": zabbix_status, "event_value": value},
        "generatorURL": "https://zabbix.example/tr_events.php?triggerid=77&eventid=1234"}]})
}

/// The media type as Zabbix imports it: the script and its parameters.
fn zabbix_media_type() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contrib/zabbix/steward_media_type.yaml");
    let out = std::process::Command::new("python3")
        .args(["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", path])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

both!(the_zabbix_media_type_fires_and_resolves_one_alert, |t| {
    let token = alert_token(&t).await;
    // The shipped definition: a webhook posting the shape below.
    let m = &zabbix_media_type()["zabbix_export"]["media_types"][0];
    assert_eq!(m["type"], "WEBHOOK");
    let script = m["script"].as_str().unwrap();
    for said in ["/api/v1/alerts/webhook", "Authorization: Bearer ", "zabbix_event_id", "zabbix_status", "event_value"]
    {
        assert!(script.contains(said), "{said}");
    }
    let params: Vec<&str> = m["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for p in ["event_id", "host", "trigger_name", "event_nseverity", "event_status", "event_value", "steward_url"] {
        assert!(params.contains(&p), "{p} in {params:?}");
    }

    let r = t.post(WEBHOOK, &token, zabbix_event(true)).await;
    assert_eq!(r.status(), 200, "the script wants 200: {}", r.text().await.unwrap());
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["annotations"]["zabbix_status"], "PROBLEM");
    assert_eq!(list[0]["labels"]["zabbix_event_id"], "1234");
    let r = t.post(WEBHOOK, &token, zabbix_event(false)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(firing(&t, &token).await, Vec::<Value>::new(), "its recovery resolved it");
});

/// Runs `contrib/nagios/steward-notify` as Nagios would.
async fn nagios_notify(t: &TestApp, token: &str, kind: &str, state: &str, output: &str) -> std::process::Output {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../contrib/nagios/steward-notify");
    let args: Vec<String> = [
        "--url",
        &t.base,
        "--type",
        kind,
        "--host",
        "db-1",
        "--service",
        "Disk /",
        "--state",
        state,
        "--output",
        output,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let token = token.to_owned();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg(script)
            .args(args)
            .env("STEWARD_TOKEN", token)
            .env_remove("NAGIOS_NOTIFICATIONTYPE")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

both!(the_nagios_script_fires_and_resolves_an_alert, |t| {
    let token = alert_token(&t).await;
    let out = nagios_notify(&t, &token, "PROBLEM", "WARNING", "DISK WARNING - free space: / 900 MB (9%)").await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["labels"], json!({"alertname": "Disk /", "host": "db-1", "source": "nagios"}));
    assert_eq!(list[0]["annotations"]["severity"], "warning");
    // Worse: the same alert, its state updated.
    let out = nagios_notify(&t, &token, "PROBLEM", "CRITICAL", "DISK CRITICAL - free space: / 10 MB (1%)").await;
    assert!(out.status.success());
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["annotations"]["state"], "CRITICAL");
    assert_eq!(list[0]["annotations"]["summary"], "DISK CRITICAL - free space: / 10 MB (1%)");
    // An acknowledgement is not an alert: nothing sent, nothing changed.
    let out = nagios_notify(&t, &token, "ACKNOWLEDGEMENT", "CRITICAL", "ack").await;
    assert!(out.status.success());
    assert_eq!(firing(&t, &token).await.len(), 1);
    let out = nagios_notify(&t, &token, "RECOVERY", "OK", "DISK OK - free space: / 5000 MB (50%)").await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(firing(&t, &token).await, Vec::<Value>::new());
    // A wrong token: the script fails (Nagios logs it) with Steward's answer.
    let out = nagios_notify(&t, "no-such-token", "PROBLEM", "CRITICAL", "x").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("401"));
});

async fn pd_invalid(r: reqwest::Response) -> Vec<String> {
    assert_eq!(r.status(), 400);
    let b: Value = r.json().await.unwrap();
    assert_eq!((b["status"].as_str(), b["message"].as_str()), (Some("invalid event"), Some("Event object is invalid")));
    b["errors"].as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_owned()).collect()
}

both!(bad_input_is_named_and_nothing_is_stored, |t| {
    let token = alert_token(&t).await;
    // Malformed JSON, on each endpoint.
    for path in [WEBHOOK, ALERTMANAGER] {
        let r = t
            .req(reqwest::Method::POST, path, &token)
            .header("content-type", "application/json")
            .body("{\"alerts\": [")
            .send()
            .await
            .unwrap();
        problem(r, 400, "malformed_json").await;
    }
    let r = t
        .client
        .post(format!("{}{PAGERDUTY}", t.base))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let errors = pd_invalid(r).await;
    assert!(errors[0].starts_with("body: the body is not valid JSON"), "{errors:?}");

    // The generic webhook: a status missing or unknown, a label name that
    // breaks the rule, a time that does not read, no labels; the valid one is kept.
    let mut bad_name = disk("a-1", "firing");
    bad_name["labels"]["disk-name"] = json!("sda");
    let mut bad_time = disk("b-1", "firing");
    bad_time["startsAt"] = json!("yesterday");
    let no_status = json!({"labels": {"alertname": "X"}});
    let batch = json!({"alerts": [bad_name, disk("ok-1", "firing"), disk("c-1", "burning"), bad_time, no_status,
        {"status": "firing", "labels": {}}, 7]});
    let p = problem(t.post(WEBHOOK, &token, batch).await, 422, "validation_failed").await;
    let mut named = fields(&p);
    named.sort();
    assert_eq!(
        named,
        [
            "alerts[0].labels.disk-name",
            "alerts[2].status",
            "alerts[3].startsAt",
            "alerts[4].status",
            "alerts[5].labels",
            "alerts[6]"
        ]
    );
    assert!(p["detail"].as_str().unwrap().starts_with("kept 1 of 7 alerts"), "{p}");
    let by_field = |f: &str| p["errors"].as_array().unwrap().iter().find(|e| e["field"] == f).unwrap().clone();
    assert_eq!(by_field("alerts[0].labels.disk-name")["code"], "invalid_label_name");
    assert_eq!(by_field("alerts[2].status")["code"], "not_one_of");
    assert_eq!(by_field("alerts[4].status")["code"], "required");
    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 1, "only the valid one: {list:?}");
    assert_eq!(list[0]["labels"]["host"], "ok-1");
    // One alert alone is named without a position; an empty batch; alerts not a list.
    let mut alone = disk("d-1", "firing");
    alone["labels"]["1st"] = json!("x");
    invalid(t.post(WEBHOOK, &token, alone).await, &["labels.1st"]).await;
    invalid(t.post(WEBHOOK, &token, json!({"alerts": []})).await, &["alerts"]).await;
    invalid(t.post(WEBHOOK, &token, json!({"alerts": {"status": "firing"}})).await, &["alerts"]).await;

    // Alertmanager's payload: another version; a bad alert beside a good one.
    let mut v5 = alertmanager_payload("firing", vec![am_alert("firing", "info", "", "")]);
    v5["version"] = json!("5");
    invalid(t.post(ALERTMANAGER, &token, v5).await, &["version"]).await;
    let mut bad = am_alert("firing", "info", "", "");
    bad["labels"]["bad.name"] = json!("x");
    let r = t
        .post(ALERTMANAGER, &token, alertmanager_payload("firing", vec![am_alert("firing", "page", "", ""), bad]))
        .await;
    invalid(r, &["alerts[1].labels.bad.name"]).await;
    assert_eq!(firing(&t, &token).await.len(), 2, "the good one kept");

    // PagerDuty: a trigger without summary, source or severity; an unknown
    // action or severity; acknowledge and resolve without a key.
    let mut e = pd_trigger(&token, Some("k"), "critical");
    e["payload"] = json!({"custom_details": {}});
    assert_eq!(
        pd_invalid(pd_post(&t, e).await).await,
        ["payload.summary: is required", "payload.source: is required", "payload.severity: is required"]
    );
    let mut e = pd_trigger(&token, Some("k"), "fatal");
    e["event_action"] = json!("escalate");
    let errors = pd_invalid(pd_post(&t, e).await).await;
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with("event_action: \"escalate\" is not one of trigger, acknowledge, resolve"),
        "{errors:?}"
    );
    let errors = pd_invalid(pd_post(&t, pd_trigger(&token, Some("k"), "fatal")).await).await;
    assert_eq!(errors, ["payload.severity: \"fatal\" is not one of critical, error, warning, info"]);
    let errors = pd_invalid(pd_post(&t, json!({"routing_key": token, "event_action": "resolve"})).await).await;
    assert!(errors[0].starts_with("dedup_key: is required to resolve"), "{errors:?}");
    let errors = pd_invalid(
        pd_post(&t, json!({"routing_key": token, "event_action": "trigger", "payload": {"summary": 5}})).await,
    )
    .await;
    assert!(errors[0].starts_with("payload.summary:"), "{errors:?}");

    // An unknown token, wherever it is sent; none at all; a requester's.
    let r = pd_post(&t, pd_trigger("R0UTINGKEYOFPAGERDUTY00000000000", Some("k"), "critical")).await;
    assert_eq!(r.status(), 401);
    let b: Value = r.json().await.unwrap();
    assert!(b["errors"][0].as_str().unwrap().starts_with("routing_key:"), "{b}");
    let mut no_key = pd_trigger("", Some("k"), "critical");
    no_key.as_object_mut().unwrap().remove("routing_key");
    assert_eq!(pd_post(&t, no_key).await.status(), 401);
    problem(t.post(PAGERDUTY, "no-such-token", pd_trigger("", Some("k"), "critical")).await, 401, "unauthenticated")
        .await;
    assert_eq!(pd_post(&t, pd_trigger(&t.requester, Some("k"), "critical")).await.status(), 403);
    problem(t.post(WEBHOOK, "no-such-token", disk("e-1", "firing")).await, 401, "unauthenticated").await;

    let list = firing(&t, &token).await;
    assert_eq!(list.len(), 2, "nothing more stored: {list:?}");
});
