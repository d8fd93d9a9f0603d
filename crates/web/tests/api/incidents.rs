//! Opening, reading and editing incidents: numbers, headers, priority and
//! the journal of field changes.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

both!(create_and_read, |t| {
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": "  VPN drops  ", "impact": 1, "urgency": 2})).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["location"], "/api/v1/incidents/INC0000001");
    assert_eq!(r.headers()["etag"], "\"1\"");
    let inc: Value = r.json().await.unwrap();
    assert_eq!(inc["number"], "INC0000001");
    assert_eq!(inc["title"], "VPN drops", "trimmed");
    assert_eq!(inc["description"], "");
    assert_eq!(
        (inc["impact"].as_i64(), inc["urgency"].as_i64(), inc["priority"].as_i64()),
        (Some(1), Some(2), Some(2))
    );
    assert_eq!(inc["state"], "new");
    assert_eq!(inc["version"], 1);
    assert_eq!(inc["reopen_count"], 0);
    assert_eq!(inc["requester"]["name"], "agent user");
    for empty in [
        "hold_reason",
        "assignment_group",
        "assignee",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "resolution_code",
    ] {
        assert!(inc[empty].is_null(), "{empty}: {inc}");
    }
    assert_eq!(inc["opened_at"], inc["updated_at"]);

    let r = t.get("/api/v1/incidents/INC0000001", &t.agent).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let got: Value = r.json().await.unwrap();
    assert_eq!(got, inc, "reading gives what creating answered");

    // Defaults: impact and urgency 3, so P5.
    let low = t.incident(&t.requester, json!({"title": "Mouse squeaks"})).await;
    assert_eq!(
        (low["impact"].as_i64(), low["urgency"].as_i64(), low["priority"].as_i64()),
        (Some(3), Some(3), Some(5))
    );

    let j = t.journal("INC0000001", &t.agent).await;
    assert_eq!(j.as_array().unwrap().len(), 1);
    assert_eq!(j[0]["action"], "created");
    assert_eq!(j[0]["seq"], 1);
    assert_eq!(j[0]["actor"]["name"], "agent user");
    let changes = j[0]["changes"].as_array().unwrap();
    let change = |f: &str| changes.iter().find(|c| c["field"] == f).cloned().unwrap_or(Value::Null);
    assert_eq!(change("title"), json!({"field": "title", "old": null, "new": "VPN drops"}));
    assert_eq!(change("state"), json!({"field": "state", "old": null, "new": "new"}));
    assert_eq!(change("priority"), json!({"field": "priority", "old": null, "new": "2"}));
    assert_eq!(change("requester"), json!({"field": "requester", "old": null, "new": "agent user"}));
    assert!(changes.iter().all(|c| c["old"].is_null()), "nothing was there before: {changes:?}");
    assert!(change("description").is_null(), "an empty description is no change");
});

both!(numbers_increase_and_are_never_reused, |t| {
    let mut seen = Vec::new();
    for i in 1..=3 {
        seen.push(num(&t.incident(&t.agent, json!({"title": format!("number {i}")})).await));
    }
    assert_eq!(seen, ["INC0000001", "INC0000002", "INC0000003"]);
    // Refused requests take no number; cancelled and closed ones keep theirs.
    invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": ""})).await, &["title"]).await;
    invalid(
        t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "assignment_group": "Nope"})).await,
        &["assignment_group"],
    )
    .await;
    t.move_to("INC0000003", &t.agent, json!({"version": 1, "state": "cancelled"})).await;
    let next = t.incident(&t.requester, json!({"title": "number 4"})).await;
    assert_eq!(next["number"], "INC0000004");
    assert_eq!(t.read("INC0000003", &t.agent).await["title"], "number 3");
    assert_eq!(
        t.numbers(&[("sort", "number")], &t.admin).await,
        ["INC0000001", "INC0000002", "INC0000003", "INC0000004"]
    );
});

both!(patch_recomputes_priority_and_journals_each_change, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Email slow", "impact": 3, "urgency": 3})).await);
    let path = format!("/api/v1/incidents/{n}");
    let r = t.patch(&path, &t.agent, json!({"version": 1, "impact": 1})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let inc: Value = r.json().await.unwrap();
    assert_eq!((inc["priority"].as_i64(), inc["version"].as_i64()), (Some(3), Some(2)));
    let inc: Value = t.patch(&path, &t.manager, json!({"version": 2, "urgency": 1})).await.json().await.unwrap();
    assert_eq!(inc["priority"], 1);
    let r = t.get(&path, &t.agent).await;
    assert_eq!(r.headers()["etag"], format!("\"{}\"", inc["version"]).as_str());

    let j = t.journal(&n, &t.agent).await;
    let entries = j.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1]["action"], "updated");
    assert_eq!(entries[1]["actor"]["name"], "agent user");
    assert_eq!(
        entries[1]["changes"],
        json!([{"field": "impact", "old": "3", "new": "1"}, {"field": "priority", "old": "5", "new": "3"}])
    );
    assert_eq!(entries[2]["actor"]["name"], "manager user");
    assert_eq!(
        entries[2]["changes"],
        json!([{"field": "urgency", "old": "3", "new": "1"}, {"field": "priority", "old": "3", "new": "1"}])
    );

    // Several fields at once; nulls clear; an unchanged patch is no change.
    t.services(&["Exchange"]).await;
    let body = json!({"version": 3, "title": "Email down", "category": "Email", "service": "Exchange",
                      "assignment_group": "Service Desk", "assignee": "agent", "major": true});
    let inc: Value = t.patch(&path, &t.agent, body).await.json().await.unwrap();
    assert_eq!(
        (inc["category"].as_str(), inc["service"]["name"].as_str(), inc["major"].as_bool()),
        (Some("Email"), Some("Exchange"), Some(true))
    );
    let same: Value =
        t.patch(&path, &t.agent, json!({"version": 4, "title": "Email down"})).await.json().await.unwrap();
    assert_eq!(same["version"], 4, "nothing changed, no new version");
    let inc: Value =
        t.patch(&path, &t.agent, json!({"version": 4, "category": null, "service": ""})).await.json().await.unwrap();
    assert!(inc["category"].is_null() && inc["service"].is_null(), "{inc}");
    let j = t.journal(&n, &t.agent).await;
    let entries = j.as_array().unwrap();
    assert_eq!(entries.len(), 5, "one entry per change");
    let fields: Vec<&str> =
        entries[3]["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["title", "category", "service", "assignment_group", "assignee", "major"]);
    assert_eq!(entries[3]["changes"][4], json!({"field": "assignee", "old": null, "new": "agent user"}));
    assert_eq!(
        entries[4]["changes"],
        json!([{"field": "category", "old": "Email", "new": null}, {"field": "service", "old": "Exchange", "new": null}])
    );
    let seqs: Vec<i64> = entries.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);

    // A new requester brings their organisation.
    let inc: Value =
        t.patch(&path, &t.agent, json!({"version": 5, "requester": "requester2"})).await.json().await.unwrap();
    assert_eq!(
        (inc["requester"]["name"].as_str(), inc["organisation"]["name"].as_str()),
        (Some("requester2 user"), Some("Fabrikam"))
    );
    let j = t.journal(&n, &t.agent).await;
    assert_eq!(
        j[5]["changes"],
        json!([{"field": "requester", "old": "agent user", "new": "requester2 user"},
               {"field": "organisation", "old": null, "new": "Fabrikam"}])
    );
    assert_eq!(t.numbers(&[], &t.requester2).await, [n]);
});
