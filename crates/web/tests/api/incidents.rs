use crate::both;
use crate::helpers::*;
use serde_json::{json, Value};

both!(create_and_read, |t| {
    let inc = t.incident(&t.agent, json!({"title": "VPN drops", "impact": 1, "urgency": 2})).await;
    assert_eq!(inc["number"], "INC0000001");
    assert_eq!(inc["priority"], 2);
    assert_eq!(inc["state"], "new");
    assert_eq!(inc["version"], 1);
    let r = t.get("/api/v1/incidents/INC0000001", &t.agent).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let got: Value = r.json().await.unwrap();
    assert_eq!(got["title"], "VPN drops");
    let j: Value = t.get("/api/v1/incidents/INC0000001/journal", &t.agent).await.json().await.unwrap();
    assert_eq!(j[0]["action"], "created");
    assert!(j[0]["changes"].as_array().unwrap().iter().any(|c| c["field"] == "title" && c["new"] == "VPN drops"));
});

both!(stale_version_is_refused, |t| {
    let inc = t.incident(&t.agent, json!({"title": "Printer jam"})).await;
    let n = inc["number"].as_str().unwrap();
    let r = t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, json!({"version": 1, "title": "Printer jam on 3rd floor"})).await;
    assert_eq!(r.status(), 200);
    let before = t.snapshot(n).await;
    let r = t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, json!({"version": 1, "title": "lost update"})).await;
    let p = problem(r, 409, "version_conflict").await;
    assert_eq!(p["current_version"], 2);
    let r = t
        .req(reqwest::Method::PATCH, &format!("/api/v1/incidents/{n}"), &t.agent)
        .header("If-Match", "\"1\"")
        .json(&json!({"title": "lost update"}))
        .send()
        .await
        .unwrap();
    problem(r, 412, "version_conflict").await;
    assert_eq!(t.snapshot(n).await, before, "nothing changed");
});
