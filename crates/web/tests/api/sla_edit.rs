//! Editing an SLA definition: renamed, retargeted, turned off, under its
//! version; clocks already running keep the targets they started with
//! until their incident is retargeted by a priority change.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

fn standard(response: &str, name: &str, active: bool, version: Option<i64>) -> Value {
    let targets: Vec<Value> =
        (1..=5).map(|p| json!({"priority": p, "response": response, "resolution": "8h"})).collect();
    let mut body = json!({"name": name, "position": 10, "calendar_id": 1, "targets": targets, "active": active});
    if let Some(v) = version {
        body["version"] = json!(v);
    }
    body
}

async fn response_target(t: &TestApp, number: &str) -> Value {
    let clocks = t.json(&format!("/api/v1/incidents/{number}/slas"), &t.agent).await;
    clocks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "response")
        .map(|c| c["target_seconds"].clone())
        .unwrap_or(Value::Null)
}

both!(edited_slas_keep_running_clocks_until_retargeted, |t| {
    let def: Value =
        t.post("/api/v1/slas", &t.manager, standard("4h", "Standard", true, None)).await.json().await.unwrap();
    let path = format!("/api/v1/slas/{}", def["id"]);
    let old = num(&t.incident(&t.agent, json!({"title": "Before the change", "impact": 3, "urgency": 3})).await);
    assert_eq!(response_target(&t, &old).await, 4 * 3600);

    // Renamed and retargeted: new incidents get the new target, running clocks keep theirs.
    let r = t.req(Method::PUT, &path, &t.manager).json(&standard("1h", "Gold", true, Some(1))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let saved: Value = r.json().await.unwrap();
    assert_eq!((saved["name"].as_str(), saved["version"].as_i64()), (Some("Gold"), Some(2)));
    let new = num(&t.incident(&t.agent, json!({"title": "After the change", "impact": 3, "urgency": 3})).await);
    assert_eq!(response_target(&t, &new).await, 3600);
    assert_eq!(response_target(&t, &old).await, 4 * 3600, "a running clock keeps the target it started with");
    // A priority change retargets the old incident to the definition as it is now.
    let r = t.patch(&format!("/api/v1/incidents/{old}"), &t.agent, json!({"version": 1, "impact": 2})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(response_target(&t, &old).await, 3600);

    // Stale versions change nothing; the agent may not edit at all.
    let stale = standard("2h", "Stale", true, Some(1));
    problem(t.req(Method::PUT, &path, &t.manager).json(&stale).send().await.unwrap(), 409, "version_conflict").await;
    let r =
        t.req(Method::PUT, &path, &t.manager).header("if-match", "\"1\"").json(&standard("2h", "Stale", true, None));
    problem(r.send().await.unwrap(), 412, "version_conflict").await;
    let r = t.req(Method::PUT, &path, &t.agent).json(&standard("2h", "Agent's", true, Some(2))).send().await.unwrap();
    problem(r, 403, "forbidden").await;
    assert_eq!(t.json(&path, &t.manager).await["name"], "Gold");

    // Turned off: new incidents get no SLA; the running clocks go on.
    let r = t.req(Method::PUT, &path, &t.manager).json(&standard("1h", "Gold", false, Some(2))).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["active"], false);
    let later = num(&t.incident(&t.agent, json!({"title": "With the SLA off"})).await);
    assert_eq!(t.json(&format!("/api/v1/incidents/{later}/slas"), &t.agent).await, json!([]));
    assert_eq!(response_target(&t, &new).await, 3600);
});

both!(calendar_and_sla_changes_are_journaled, |t| {
    // A calendar: created, renamed, then saved unchanged.
    let cal = json!({"name": "Warsaw office", "time_zone": "Europe/Warsaw",
        "week": {"monday": [["08:00", "16:00"]]}, "holidays": []});
    let r = t.post("/api/v1/calendars", &t.manager, cal.clone()).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].clone();
    let path = format!("/api/v1/calendars/{id}");
    let mut renamed = cal.clone();
    renamed["name"] = json!("Warsaw HQ");
    renamed["version"] = json!(1);
    assert_eq!(t.req(Method::PUT, &path, &t.manager).json(&renamed).send().await.unwrap().status(), 200);
    renamed["version"] = json!(2);
    assert_eq!(t.req(Method::PUT, &path, &t.manager).json(&renamed).send().await.unwrap().status(), 200);
    renamed["version"] = json!(1);
    problem(t.req(Method::PUT, &path, &t.manager).json(&renamed).send().await.unwrap(), 409, "version_conflict").await;
    let history = t.json(&format!("{path}/history"), &t.manager).await;
    let entries = history.as_array().unwrap();
    assert_eq!(entries.len(), 2, "created and renamed; an unchanged save and a stale one add nothing: {history}");
    assert_eq!(entries[0]["action"], "created");
    assert_eq!(entries[0]["actor"]["name"], t.json("/api/v1/me", &t.manager).await["display_name"]);
    assert_eq!(entries[1]["action"], "updated");
    assert_eq!(entries[1]["changes"], json!([{"field": "name", "old": "Warsaw office", "new": "Warsaw HQ"}]));

    // An SLA definition: retargeted and turned off in one save.
    let def: Value =
        t.post("/api/v1/slas", &t.manager, standard("4h", "Standard", true, None)).await.json().await.unwrap();
    let sla = format!("/api/v1/slas/{}", def["id"]);
    let r = t.req(Method::PUT, &sla, &t.manager).json(&standard("1h", "Standard", false, Some(1))).send().await;
    assert_eq!(r.unwrap().status(), 200);
    let history = t.json(&format!("{sla}/history"), &t.manager).await;
    let changed: Vec<&str> =
        history[1]["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(changed, ["active", "targets"], "{history}");
    assert_eq!(history[1]["changes"][0], json!({"field": "active", "old": "true", "new": "false"}));

    // The edit page shows the same history, worded for a setting.
    t.app.set_password(None, "manager", PASSWORD).await.unwrap();
    let (_, session) = t.app.login("manager", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let page = t
        .client
        .get(format!("{}/settings/service-levels/calendars/{id}", t.base))
        .header(reqwest::header::COOKIE, format!("steward_session={}", session.token))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("History of changes") && page.contains("created it"), "{page}");
    assert!(page.contains("<del>Warsaw office</del> → <ins>Warsaw HQ</ins>"), "{page}");

    // Staff read it; requesters may not; an unknown one is a 404.
    assert_eq!(t.get(&format!("{sla}/history"), &t.agent).await.status(), 200);
    problem(t.get(&format!("{sla}/history"), &t.requester).await, 403, "forbidden").await;
    problem(t.get("/api/v1/slas/99999/history", &t.manager).await, 404, "not_found").await;
    problem(t.get("/api/v1/calendars/abc/history", &t.manager).await, 404, "not_found").await;
});
