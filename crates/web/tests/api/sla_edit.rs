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
