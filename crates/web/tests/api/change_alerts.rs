//! Changes and alerts: a scheduled change whose planned window is open
//! mutes the alerts of its CIs (named as the change); the alerts that fire
//! in its window on its CIs and next to them are tagged with it and listed
//! on `/api/v1/changes/{n}/alerts`; it is flagged for an alert on a CI it
//! did not declare and for starting to implement outside its window.

use crate::both;
use crate::cmdb::upsert;
use crate::helpers::*;
use jiff::{Timestamp, ToSpan};
use serde_json::{Value, json};

/// A standard change on `cis` planned for [start, end), scheduled; its number.
async fn scheduled(t: &TestApp, title: &str, cis: &[&str], start: Timestamp, end: Timestamp) -> String {
    let template = t.change_template(title, json!({})).await;
    let mut ids = Vec::new();
    for name in cis {
        let q = sqlx::query_as::<_, (i64,)>("SELECT id FROM cis WHERE name = $1").bind(name.to_string());
        ids.push(q.fetch_one(t.app.store.pool()).await.unwrap().0);
    }
    let body = json!({"title": title, "change_type": "standard", "template": template, "cis": ids,
        "planned_start": start.to_string(), "planned_end": end.to_string()});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let n = num(&r.json::<Value>().await.unwrap());
    move_change(t, &n, "scheduled").await;
    n
}

async fn move_change(t: &TestApp, n: &str, state: &str) {
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    let body = json!({"version": c["version"], "state": state});
    let r = t.post(&format!("/api/v1/changes/{n}/transition"), &t.manager, body).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

async fn listed(t: &TestApp, name: &str) -> Value {
    let page = t.json(&format!("/api/v1/alerts?filter=alertname%3D%22{name}%22"), &t.agent).await;
    page["items"][0].clone()
}

both!(a_changes_open_window_mutes_its_cis_tags_the_alerts_and_flags_what_it_did_not_declare, |t| {
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
    let now = Timestamp::now();
    let n = scheduled(&t, "Upgrade the shop database", &["shop-db"], now - 10.minutes(), now + 1.hour()).await;
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
    let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let batch = json!([
        {"labels": {"alertname": "PostgresDown", "instance": "shop-db:5432", "severity": "critical"}},
        {"labels": {"alertname": "AppErrors", "instance": "shop-app", "severity": "warning"}},
        {"labels": {"alertname": "MailDown", "instance": "mail-1", "severity": "critical"}},
    ]);
    assert_eq!(t.post("/api/v2/alerts", &token, batch).await.status(), 200);
    t.app.correlate_alerts().await.unwrap();
    // Muted while its window is open, named as the change.
    let db = listed(&t, "PostgresDown").await;
    assert_eq!(db["state"], "suppressed", "{db}");
    assert_eq!(db["muted_by"][0]["kind"], "change");
    assert_eq!(db["muted_by"][0]["name"], n.as_str());
    assert_eq!(listed(&t, "AppErrors").await["state"], "active", "not its CI: not muted");
    // Tagged: its CI's alert and its neighbour's; not the unrelated one.
    let a = t.json(&format!("/api/v1/changes/{n}/alerts"), &t.agent).await;
    let seen: Vec<(&str, &str, bool)> = a["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["alert"]["labels"]["alertname"].as_str().unwrap(),
                x["ci"]["name"].as_str().unwrap(),
                x["declared"] == true,
            )
        })
        .collect();
    assert_eq!(seen.len(), 2, "{a}");
    assert!(seen.contains(&("PostgresDown", "shop-db", true)) && seen.contains(&("AppErrors", "shop-app", false)));
    assert_eq!(a["flags"].as_array().unwrap().len(), 1, "{a}");
    assert_eq!(a["flags"][0]["kind"], "undeclared_ci");
    assert_eq!(a["flags"][0]["ci"]["name"], "shop-app");
    // The alert names the change it fired during.
    let fp = db["fingerprint"].as_str().unwrap();
    assert_eq!(t.json(&format!("/api/v1/alerts/{fp}"), &t.agent).await["changes"], json!([n]));
    // A second pass tags nothing twice.
    t.app.correlate_alerts().await.unwrap();
    let again = t.json(&format!("/api/v1/changes/{n}/alerts"), &t.agent).await;
    assert_eq!(again["alerts"].as_array().unwrap().len(), 2);
    // The muted database opened no incident; the app's alert did.
    let list = t.json("/api/v1/incidents?limit=10", &t.agent).await;
    let titles: Vec<&str> = list["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert!(titles.iter().all(|t| !t.contains("shop-db")), "{titles:?}");
    // Implementing inside its window: no flag for that.
    move_change(&t, &n, "implementing").await;
    let a = t.json(&format!("/api/v1/changes/{n}/alerts"), &t.agent).await;
    assert!(a["flags"].as_array().unwrap().iter().all(|f| f["kind"] != "started_outside_window"));
    // Another change, planned for next week, implemented now: flagged.
    let early = scheduled(&t, "Replace the mail relay", &["mail-1"], now + 168.hours(), now + 169.hours()).await;
    move_change(&t, &early, "implementing").await;
    let a = t.json(&format!("/api/v1/changes/{early}/alerts"), &t.agent).await;
    assert_eq!(a["flags"][0]["kind"], "started_outside_window", "{a}");
    assert!(a["alerts"].as_array().unwrap().is_empty(), "its window is next week: nothing seen in it");
    // Requesters see nothing of it.
    assert_eq!(t.get(&format!("/api/v1/changes/{n}/alerts"), &t.requester).await.status(), 403);
});
