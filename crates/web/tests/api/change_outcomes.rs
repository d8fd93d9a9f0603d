//! Review and learning over HTTP: the success rate of the closed changes
//! per type, service and group, and the failed changes with the incidents
//! they caused — on a hand-built set with a known answer.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

const START: &str = "2030-01-10T22:00:00Z";
const END: &str = "2030-01-11T02:00:00Z";

/// Raises a change and walks it to closed with `code` (normal: assessed,
/// approved by the manager, scheduled; emergency: approved by the admin).
async fn closed(t: &TestApp, ty: &str, service: &str, group: &str, code: &str) -> String {
    let body = json!({"title": format!("{ty} change on {service}"), "change_type": ty, "service": service,
        "assignment_group": group, "planned_start": START, "planned_end": END});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let n = num(&r.json::<Value>().await.unwrap());
    let path: &[&str] = if ty == "normal" {
        &["assessment", "authorization", "approve", "scheduled", "implementing", "review"]
    } else {
        &["authorization", "approve", "implementing", "review"]
    };
    let mut version = 1;
    for step in path {
        let r = if *step == "approve" {
            t.post(&format!("/api/v1/changes/{n}/approve"), &t.admin, json!({"version": version})).await
        } else {
            t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"version": version, "state": step}))
                .await
        };
        assert_eq!(r.status(), 200, "{n} {step}: {}", r.text().await.unwrap());
        version = r.json::<Value>().await.unwrap()["version"].as_i64().unwrap();
    }
    let body = json!({"version": version, "state": "closed", "close_code": code, "review_notes": "Looked back"});
    let r = t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, body).await;
    assert_eq!(r.status(), 200, "{n} closed: {}", r.text().await.unwrap());
    n
}

/// `(name, closed, failed + backed out, caused, rate)` of each group.
fn rows(list: &Value) -> Vec<(String, u64, u64, u64, Option<f64>)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["name"].as_str().unwrap_or("-").to_owned(),
                g["closed"].as_u64().unwrap(),
                g["failed"].as_u64().unwrap() + g["backed_out"].as_u64().unwrap(),
                g["caused_incidents"].as_u64().unwrap(),
                g["success_rate"].as_f64(),
            )
        })
        .collect()
}

both!(success_rate_per_type_service_and_group, |t| {
    t.services(&["Payroll", "Web Shop"]).await;
    closed(&t, "normal", "Payroll", "Service Desk", "successful").await;
    closed(&t, "normal", "Payroll", "Service Desk", "successful_with_issues").await;
    let failed = closed(&t, "normal", "Web Shop", "Network", "failed").await;
    let backed = closed(&t, "emergency", "Web Shop", "Network", "backed_out").await;
    let lucky = closed(&t, "emergency", "Payroll", "Network", "successful").await;
    // One still open and one cancelled count nowhere.
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "Still a draft", "service": "Payroll"})).await;
    let open = num(&r.json::<Value>().await.unwrap());
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "Dropped"})).await;
    let dropped = num(&r.json::<Value>().await.unwrap());
    let body = json!({"version": 1, "state": "cancelled", "cancel_reason": "Not needed"});
    assert_eq!(t.post(&format!("/api/v1/changes/{dropped}/transition"), &t.agent, body).await.status(), 200);
    // Incidents caused: two by the failed change, one by a successful one,
    // one linked to the open change.
    for (title, change) in
        [("Web Shop down", &failed), ("Slow checkout", &failed), ("Payslips late", &lucky), ("x", &open)]
    {
        let inc = num(&t.incident(&t.agent, json!({"title": title, "description": "seen"})).await);
        let body = json!({"link": "caused_by_change", "record": change});
        let r = t.post(&format!("/api/v1/incidents/{inc}/links"), &t.agent, body).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }

    let o = t.json("/api/v1/changes/outcomes", &t.manager).await;
    assert_eq!(o["days"], 90);
    let total = &o["total"];
    assert_eq!(
        (total["closed"].as_u64(), total["successful"].as_u64(), total["successful_with_issues"].as_u64()),
        (Some(5), Some(2), Some(1))
    );
    assert_eq!((total["failed"].as_u64(), total["backed_out"].as_u64()), (Some(1), Some(1)));
    assert_eq!((total["caused_incidents"].as_u64(), total["success_rate"].as_f64()), (Some(2), Some(60.0)));
    assert_eq!(
        rows(&o["by_type"]),
        [("normal".into(), 3, 1, 1, Some(66.7)), ("emergency".into(), 2, 1, 1, Some(50.0))]
    );
    assert_eq!(
        rows(&o["by_service"]),
        [("Payroll".into(), 3, 0, 1, Some(100.0)), ("Web Shop".into(), 2, 2, 1, Some(0.0))]
    );
    assert_eq!(
        rows(&o["by_group"]),
        [("Network".into(), 3, 2, 2, Some(33.3)), ("Service Desk".into(), 2, 0, 0, Some(100.0))]
    );

    // The failed ones and those that caused incidents, the latest first.
    let list = t.json("/api/v1/changes/outcomes/failed", &t.agent).await;
    let got: Vec<(&str, &str, usize)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["number"].as_str().unwrap(), c["close_code"].as_str().unwrap(), c["incidents"].as_array().unwrap().len())
        })
        .collect();
    assert_eq!(
        got,
        [(lucky.as_str(), "successful", 1), (backed.as_str(), "backed_out", 0), (failed.as_str(), "failed", 2)]
    );
    let f = &list[2];
    assert_eq!((f["service"].as_str(), f["group"].as_str()), (Some("Web Shop"), Some("Network")));
    assert_eq!((f["review_notes"].as_str(), f["implemented_at"].is_string()), (Some("Looked back"), true));
    let titles: Vec<&str> = f["incidents"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Web Shop down", "Slow checkout"]);
    assert!(f["incidents"][0]["number"].as_str().unwrap().starts_with("INC"));

    // The period: one day still holds them all.
    let o = t.json("/api/v1/changes/outcomes?days=1", &t.manager).await;
    assert_eq!(o["total"]["closed"], 5);
});

both!(outcome_period_and_access_are_checked, |t| {
    for days in ["0", "731", "-3"] {
        let r = t.get(&format!("/api/v1/changes/outcomes?days={days}"), &t.manager).await;
        let msg = invalid(r, &["days"]).await;
        assert_eq!(msg, "must be 1 to 730", "days={days}");
        let r = t.get(&format!("/api/v1/changes/outcomes/failed?days={days}"), &t.manager).await;
        invalid(r, &["days"]).await;
    }
    let r = t.get("/api/v1/changes/outcomes?days=soon", &t.manager).await;
    invalid(r, &["days"]).await;
    let r = t.get("/api/v1/changes/outcomes?by=service", &t.manager).await;
    invalid(r, &["by"]).await;
    forbidden(
        t.get("/api/v1/changes/outcomes", &t.requester).await,
        "only agents, managers and admins can see changes",
    )
    .await;
    forbidden(
        t.get("/api/v1/changes/outcomes/failed", &t.requester).await,
        "only agents, managers and admins can see changes",
    )
    .await;
    // Nothing closed yet: no rate, empty lists.
    let o = t.json("/api/v1/changes/outcomes", &t.agent).await;
    assert_eq!((o["total"]["closed"].as_u64(), o["total"]["success_rate"].is_null()), (Some(0), true));
    assert_eq!(o["by_type"], json!([]));
});
