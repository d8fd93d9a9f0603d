//! Alerts correlated into incidents through the CMDB: alerts on a database
//! and on the application and VM that stand on it form one group with the
//! database as probable cause, opening one incident on the service (its
//! support group, priority from its criticality and the alerts' severity);
//! a later alert is one journal entry; an unrelated failure is its own
//! incident; a second pass opens nothing twice; when the alerts end the
//! incident resolves.

use crate::both;
use crate::cmdb::{ids, upsert};
use serde_json::{Value, json};

fn alert(name: &str, instance: &str, severity: &str) -> Value {
    json!({"labels": {"alertname": name, "instance": instance, "severity": severity},
        "annotations": {"summary": format!("{name} on {instance}")}})
}

both!(alerts_on_dependent_cis_open_one_incident_with_the_probable_cause, |t| {
    // Records of other kinds first, so the incidents' record ids are not
    // their numbers: the group's updates must find the incident by its id.
    for title in ["Old problem", "Another problem", "A third"] {
        assert_eq!(t.post("/api/v1/problems", &t.agent, json!({"title": title})).await.status(), 201);
    }
    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "shop", "class": "business_service", "name": "Web Shop", "criticality": "high",
                "owner_group": "Service Desk"},
            {"ref": "app", "class": "application", "name": "shop-app"},
            {"ref": "vm", "class": "virtual_machine", "name": "vm-shop-1"},
            {"ref": "db", "class": "database", "name": "shop-db"},
            {"ref": "api", "class": "application", "name": "shop-api"},
            {"ref": "mail", "class": "server", "name": "mail-1"}],
        "relations": [
            {"from": "shop", "to": "app", "type": "uses"},
            {"from": "app", "to": "vm", "type": "runs_on"},
            {"from": "app", "to": "api", "type": "uses"},
            {"from": "api", "to": "db", "type": "uses"}]}),
    )
    .await;
    assert_eq!(ids(&r).len(), 6);
    let token = {
        let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    };
    let batch = json!([
        alert("PostgresDown", "shop-db:5432", "critical"),
        alert("HighLatency", "shop-app.example.com", "warning"),
        alert("DiskFull", "mail-1:9100", "warning"),
        alert("Unmapped", "nowhere:1", "warning"),
    ]);
    assert_eq!(t.post("/api/v2/alerts", &token, batch).await.status(), 200);
    // The checks below read what the passes left, not what each pass did:
    // the server's own worker may run a pass in between (every 15 s).
    t.app.correlate_alerts().await.unwrap();
    let list = t.json("/api/v1/incidents?limit=10", &t.agent).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "two groups, two incidents: {list}");
    let items = list["items"].as_array().unwrap();
    let shop = items.iter().find(|i| i["title"].as_str().unwrap().contains("shop-db")).unwrap();
    assert_eq!(shop["title"], "PostgresDown on shop-db (and 1 affected CIs)");
    assert_eq!(shop["service"]["name"], "Web Shop");
    assert_eq!(shop["assignment_group"]["name"], "Service Desk");
    assert_eq!(
        (shop["impact"].as_i64(), shop["urgency"].as_i64(), shop["priority"].as_i64()),
        (Some(1), Some(1), Some(1))
    );
    let n = shop["number"].as_str().unwrap().to_owned();
    let full = t.json(&format!("/api/v1/incidents/{n}"), &t.agent).await;
    let text = full["description"].as_str().unwrap();
    assert!(text.starts_with("Probable cause: shop-db\n"), "{text}");
    // The path passes through shop-api, which is not failing: named too.
    assert!(text.contains("Affected: shop-app — depends on shop-db (via shop-api)"), "{text}");
    let mail = items.iter().find(|i| i["title"] == "DiskFull on mail-1").unwrap();
    assert!(mail["service"].is_null());

    // A second pass changes nothing: nothing is opened twice.
    let again = t.app.correlate_alerts().await.unwrap();
    assert_eq!((again.opened.len(), again.updated.len()), (0, 0), "{again:?}");
    assert_eq!(t.json("/api/v1/incidents?limit=10", &t.agent).await["items"].as_array().unwrap().len(), 2);
    // The VM fails too: one journal entry on the same incident.
    t.post("/api/v2/alerts", &token, json!([alert("NodeDown", "vm-shop-1", "critical")])).await;
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(t.json("/api/v1/incidents?limit=10", &t.agent).await["items"].as_array().unwrap().len(), 2);
    let j = t.json(&format!("/api/v1/incidents/{n}/journal"), &t.agent).await;
    let notes: Vec<&Value> = j.as_array().unwrap().iter().filter(|e| e["action"] == "work_note").collect();
    assert_eq!(notes.len(), 1, "{j}");

    // Every alert of the group ends: the incident resolves.
    let ended: Vec<Value> = [
        ("PostgresDown", "shop-db:5432", "critical"),
        ("HighLatency", "shop-app.example.com", "warning"),
        ("NodeDown", "vm-shop-1", "critical"),
    ]
    .iter()
    .map(|(a, i, s)| {
        let mut v = alert(a, i, s);
        v["endsAt"] = json!("2020-01-01T00:00:00Z");
        v["startsAt"] = json!("2019-12-31T00:00:00Z");
        v
    })
    .collect();
    assert_eq!(t.post("/api/v2/alerts", &token, Value::Array(ended)).await.status(), 200);
    t.app.correlate_alerts().await.unwrap();
    let inc = t.json(&format!("/api/v1/incidents/{n}"), &t.agent).await;
    assert_eq!(inc["state"], "resolved");
});
