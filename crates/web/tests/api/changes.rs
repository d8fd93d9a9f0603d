//! Changes over HTTP: each type's path from draft to closed, the approval
//! (and who may not give it), the planned window and the risk answers, and
//! every refusal with the field it names and nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// A window in the future: start and end, RFC 3339.
const START: &str = "2030-01-10T22:00:00Z";
const END: &str = "2030-01-11T02:00:00Z";

/// Every question answered; a score of 13 (high: the CAB's).
fn risky() -> Value {
    json!({"services_affected": "many", "user_impact": "everyone", "back_out": "hard",
        "tested": "production_like", "outage": "in_window"})
}

/// Raises a change as `token`; its JSON.
async fn raise(t: &TestApp, token: &str, body: Value) -> Value {
    let r = t.post("/api/v1/changes", token, body).await;
    assert_eq!(r.status(), 201, "creating a change");
    r.json().await.unwrap()
}

async fn transition(t: &TestApp, number: &str, token: &str, body: Value) -> reqwest::Response {
    t.post(&format!("/api/v1/changes/{number}/transition"), token, body).await
}

/// Moves a change; its JSON, panicking unless 200.
async fn move_to(t: &TestApp, number: &str, token: &str, body: Value) -> Value {
    let r = transition(t, number, token, body.clone()).await;
    assert_eq!(r.status(), 200, "transition {body}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn approve(t: &TestApp, number: &str, token: &str, body: Value) -> reqwest::Response {
    t.post(&format!("/api/v1/changes/{number}/approve"), token, body).await
}

async fn journal(t: &TestApp, number: &str) -> Vec<Value> {
    t.json(&format!("/api/v1/changes/{number}/journal"), &t.agent).await.as_array().unwrap().clone()
}

fn actions(journal: &[Value]) -> Vec<&str> {
    journal.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

/// The new value of `field` in a journal entry.
fn new_value<'a>(entry: &'a Value, field: &str) -> &'a Value {
    let changes = entry["changes"].as_array().unwrap();
    &changes.iter().find(|c| c["field"] == field).unwrap_or_else(|| panic!("{field} in {entry}"))["new"]
}

/// How many changes there are.
async fn count(t: &TestApp) -> i64 {
    t.json("/api/v1/changes", &t.agent).await["count"].as_i64().unwrap()
}

both!(normal_change_from_draft_to_closed, |t| {
    let body = json!({"title": "Upgrade the core switch", "description": "Firmware 9.2", "impact": 1, "urgency": 2,
        "planned_start": START, "planned_end": END, "implementation_plan": "Flash, reboot",
        "backout_plan": "Flash 9.1 back", "test_plan": "Ping every VLAN", "answers": risky(),
        "assignment_group": "Service Desk", "assignee": "agent"});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["location"], "/api/v1/changes/CHG0000001");
    assert_eq!(r.headers()["etag"], "\"1\"");
    let c: Value = r.json().await.unwrap();
    let n = num(&c);
    assert_eq!(
        (n.as_str(), c["state"].as_str(), c["change_type"].as_str()),
        ("CHG0000001", Some("draft"), Some("normal"))
    );
    assert_eq!(
        (c["risk_score"].as_i64(), c["risk_level"].as_str(), c["needs_cab"].as_bool()),
        (Some(13), Some("high"), Some(true))
    );
    assert_eq!(c["answers"], risky());
    assert_eq!((micros(&c["planned_start"]), micros(&c["planned_end"])), (micros(&json!(START)), micros(&json!(END))));
    assert_eq!((c["assignee"]["name"].as_str(), c["approved"].as_bool()), (Some("agent user"), Some(false)));
    let got = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!(got, c, "read back as written");

    move_to(&t, &n, &t.agent, json!({"version": 1, "state": "assessment"})).await;
    move_to(&t, &n, &t.agent, json!({"version": 2, "state": "authorization"})).await;
    // Not approved yet: it stays in authorization.
    let r = transition(&t, &n, &t.agent, json!({"version": 3, "state": "scheduled"})).await;
    let p = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(p["detail"], "the change is not approved yet");
    assert_eq!(t.json(&format!("/api/v1/changes/{n}"), &t.agent).await["state"], "authorization");

    // The manager approves; sent back to assessment, the approval is gone.
    let r = approve(&t, &n, &t.manager, json!({"version": 3, "comment": "CAB of 9 January"})).await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert!(c["approved"].as_bool().unwrap() && c["approved_at"].is_string(), "{c}");
    let c = move_to(&t, &n, &t.agent, json!({"version": 4, "state": "assessment"})).await;
    assert_eq!((c["approved"].as_bool(), c["approved_at"].as_str()), (Some(false), None));
    move_to(&t, &n, &t.agent, json!({"version": 5, "state": "authorization"})).await;
    let r = approve(&t, &n, &t.manager, json!({"version": 6})).await;
    assert_eq!(r.status(), 200);

    move_to(&t, &n, &t.agent, json!({"version": 7, "state": "scheduled"})).await;
    let c = move_to(&t, &n, &t.agent, json!({"version": 8, "state": "implementing"})).await;
    assert!(c["actual_start"].is_string() && c["actual_end"].is_null(), "{c}");
    let c = move_to(&t, &n, &t.agent, json!({"version": 9, "state": "review"})).await;
    assert!(c["actual_end"].is_string() && c["resolved_at"].is_string(), "{c}");
    // Closing needs a close code.
    let r = transition(&t, &n, &t.agent, json!({"version": 10, "state": "closed"})).await;
    invalid(r, &["close_code"]).await;
    let c = move_to(&t, &n, &t.agent, json!({"version": 10, "state": "closed", "close_code": "successful"})).await;
    assert_eq!((c["state"].as_str(), c["close_code"].as_str()), (Some("closed"), Some("successful")));
    assert!(c["closed_at"].is_string() && c["review_notes"].is_null());

    let j = journal(&t, &n).await;
    assert_eq!(
        actions(&j),
        [
            "created",
            "state_changed",
            "state_changed",
            "updated",
            "state_changed",
            "state_changed",
            "updated",
            "state_changed",
            "state_changed",
            "state_changed",
            "state_changed"
        ]
    );
    assert_eq!(new_value(&j[3], "approved"), "true");
    assert_eq!(new_value(&j[3], "approval_comment"), "CAB of 9 January");
    assert_eq!(new_value(&j[4], "approved"), "false");
    assert_eq!(new_value(&j[10], "state"), "closed");
    assert_eq!(new_value(&j[0], "risk_level"), "high");
    let listed = t.json("/api/v1/changes?state=closed", &t.agent).await;
    assert_eq!(listed["items"][0]["number"], n);
    let open = t.json("/api/v1/changes?state=open", &t.agent).await;
    assert_eq!(open["count"], 0);
});

both!(standard_change_takes_the_short_path, |t| {
    let template = t.change_template("Add a printer", json!({})).await;
    let c =
        raise(&t, &t.agent, json!({"title": "Add a printer", "change_type": "standard", "template": template})).await;
    let n = num(&c);
    // No assessment for a standard change.
    let r = transition(&t, &n, &t.agent, json!({"version": 1, "state": "assessment"})).await;
    let p = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(p["allowed"], json!(["scheduled", "cancelled"]));
    // Scheduling needs the window.
    let r = transition(&t, &n, &t.agent, json!({"version": 1, "state": "scheduled"})).await;
    invalid(r, &["planned_start"]).await;
    let r = t
        .patch(
            &format!("/api/v1/changes/{n}"),
            &t.agent,
            json!({"version": 1, "planned_start": START, "planned_end": END}),
        )
        .await;
    assert_eq!(r.status(), 200);
    move_to(&t, &n, &t.agent, json!({"version": 2, "state": "scheduled"})).await;
    move_to(&t, &n, &t.agent, json!({"version": 3, "state": "implementing"})).await;
    move_to(&t, &n, &t.agent, json!({"version": 4, "state": "review"})).await;
    let c = move_to(&t, &n, &t.agent, json!({"version": 5, "state": "closed", "close_code": "successful"})).await;
    assert_eq!((c["state"].as_str(), c["approved"].as_bool()), (Some("closed"), Some(false)));
    assert_eq!(
        actions(&journal(&t, &n).await),
        ["created", "updated", "state_changed", "state_changed", "state_changed", "state_changed"]
    );
});

both!(emergency_change_is_approved_then_reviewed, |t| {
    let c = raise(&t, &t.agent, json!({"title": "Patch the VPN gateway now", "change_type": "emergency"})).await;
    let n = num(&c);
    move_to(&t, &n, &t.agent, json!({"version": 1, "state": "authorization"})).await;
    let r = transition(&t, &n, &t.agent, json!({"version": 2, "state": "implementing"})).await;
    problem(r, 409, "transition_not_allowed").await;
    let r = approve(&t, &n, &t.admin, json!({"version": 2})).await;
    assert_eq!(r.status(), 200);
    // Straight to implementing: no window needed.
    let c = move_to(&t, &n, &t.agent, json!({"version": 3, "state": "implementing"})).await;
    assert!(c["actual_start"].is_string());
    move_to(&t, &n, &t.agent, json!({"version": 4, "state": "review"})).await;
    // Every emergency change needs its review notes to close.
    let r = transition(&t, &n, &t.agent, json!({"version": 5, "state": "closed", "close_code": "successful"})).await;
    let msg = invalid(r, &["review_notes"]).await;
    assert_eq!(msg, "review_notes is required to close an emergency change");
    let c = move_to(
        &t,
        &n,
        &t.agent,
        json!({"version": 5, "state": "closed", "close_code": "successful_with_issues", "review_notes": "Two users lost sessions"}),
    )
    .await;
    assert_eq!((c["state"].as_str(), c["review_notes"].as_str()), (Some("closed"), Some("Two users lost sessions")));
    assert_eq!(c["close_code"], "successful_with_issues");
    let j = journal(&t, &n).await;
    assert_eq!(actions(&j), ["created", "state_changed", "updated", "state_changed", "state_changed", "state_changed"]);
    assert_eq!(new_value(&j[5], "review_notes"), "Two users lost sessions");
});

both!(changes_bad_input_names_the_field_and_stores_nothing, |t| {
    let r =
        t.post("/api/v1/changes", &t.agent, json!({"title": "x", "planned_start": END, "planned_end": START})).await;
    let msg = invalid(r, &["planned_end"]).await;
    assert_eq!(msg, "planned_end must be after planned_start");
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "x", "planned_start": START})).await;
    invalid(r, &["planned_end"]).await;
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "x", "planned_end": END})).await;
    invalid(r, &["planned_start"]).await;
    let r = t
        .post("/api/v1/changes", &t.agent, json!({"title": "x", "planned_start": "tomorrow", "planned_end": END}))
        .await;
    invalid(r, &["planned_start"]).await;
    let mut answers = risky();
    answers["tested"] = json!("maybe");
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "x", "answers": answers})).await;
    let msg = invalid(r, &["answers.tested"]).await;
    assert!(msg.contains("out of range"), "{msg}");
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "x", "change_type": "minor"})).await;
    invalid(r, &["change_type"]).await;
    // Every field's problem at once.
    let r = t
        .post(
            "/api/v1/changes",
            &t.agent,
            json!({"title": "", "change_type": "minor", "planned_start": START, "answers": {"outage": "none"}}),
        )
        .await;
    let p = problem(r, 422, "validation_failed").await;
    let mut got = fields(&p);
    got.sort();
    assert_eq!(
        got,
        [
            "answers.back_out",
            "answers.services_affected",
            "answers.tested",
            "answers.user_impact",
            "change_type",
            "planned_end",
            "title"
        ]
    );
    assert_eq!(count(&t).await, 0, "nothing stored");

    // An edit refused leaves the change as it was.
    let c =
        raise(&t, &t.agent, json!({"title": "Move the mail server", "planned_start": START, "planned_end": END})).await;
    let n = num(&c);
    let path = format!("/api/v1/changes/{n}");
    let r = t.patch(&path, &t.agent, json!({"version": 1, "planned_end": "2030-01-10T21:00:00Z"})).await;
    invalid(r, &["planned_end"]).await;
    let r = t.patch(&path, &t.agent, json!({"version": 1, "planned_start": null})).await;
    invalid(r, &["planned_start"]).await;
    let r = t.patch(&path, &t.agent, json!({"version": 1, "answers": {"outage": "forever"}})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert!(fields(&p).contains(&"answers.outage".to_owned()), "{p}");
    let r = t.patch(&path, &t.agent, json!({"version": 1, "change_type": "sometimes"})).await;
    invalid(r, &["change_type"]).await;
    assert_eq!(t.json(&path, &t.agent).await, c, "unchanged");
    assert_eq!(actions(&journal(&t, &n).await), ["created"]);

    // Answered in full, the risk is scored again; the type changes only in draft.
    let r = t.patch(&path, &t.agent, json!({"version": 1, "answers": risky(), "change_type": "emergency"})).await;
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!((c["risk_score"].as_i64(), c["change_type"].as_str()), (Some(13), Some("emergency")));
    move_to(&t, &n, &t.agent, json!({"version": 2, "state": "authorization"})).await;
    let r = t.patch(&path, &t.agent, json!({"version": 3, "change_type": "normal"})).await;
    invalid(r, &["change_type"]).await;
    // A stale version is refused.
    let r = t.patch(&path, &t.agent, json!({"version": 2, "title": "Move it later"})).await;
    assert_eq!(problem(r, 409, "version_conflict").await["current_version"], 3);
    let r = transition(&t, &n, &t.agent, json!({"version": 1, "state": "cancelled", "cancel_reason": "no"})).await;
    problem(r, 409, "version_conflict").await;
    assert_eq!(journal(&t, &n).await.len(), 3);
});

both!(changes_approval_is_a_managers_and_never_ones_own, |t| {
    let c = raise(&t, &t.manager, json!({"title": "Rotate the TLS certificates", "change_type": "emergency"})).await;
    let n = num(&c);
    // Only in authorization.
    let r = approve(&t, &n, &t.admin, json!({"version": 1})).await;
    let p = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(p["detail"], "a change is approved only in authorization; this one is draft");
    move_to(&t, &n, &t.manager, json!({"version": 1, "state": "authorization"})).await;
    let r = approve(&t, &n, &t.manager, json!({"version": 2})).await;
    let p = problem(r, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_own_approval");
    assert_eq!(p["detail"], "you cannot approve your own change: someone else must approve it");
    let r = approve(&t, &n, &t.agent, json!({"version": 2})).await;
    assert_eq!(problem(r, 403, "forbidden").await["reason"], "deny_change_approve");
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!((c["approved"].as_bool(), c["version"].as_i64()), (Some(false), Some(2)));
    // Another approver may; If-Match carries the version.
    let r = t
        .req(reqwest::Method::POST, &format!("/api/v1/changes/{n}/approve"), &t.admin)
        .header("If-Match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!((c["approved"].as_bool(), c["version"].as_i64()), (Some(true), Some(3)));
    assert_eq!(actions(&journal(&t, &n).await), ["created", "state_changed", "updated"]);
});

both!(changes_are_listed_by_type_and_risk_level, |t| {
    let numbers = |v: Value| -> Vec<String> { v["items"].as_array().unwrap().iter().map(num).collect() };
    let risky = num(&raise(&t, &t.agent, json!({"title": "Move the data centre", "answers": risky()})).await);
    let urgent = num(&raise(&t, &t.agent, json!({"title": "Hot-fix the VPN", "change_type": "emergency"})).await);
    let plain = num(&raise(&t, &t.agent, json!({"title": "Rename a share"})).await);
    let list = async |q: &str| t.json(&format!("/api/v1/changes?sort=number&{q}"), &t.agent).await;
    assert_eq!(numbers(list("change_type=normal").await), [risky.clone(), plain]);
    assert_eq!(numbers(list("change_type=emergency").await), [urgent]);
    assert_eq!(numbers(list("risk_level=high").await), std::slice::from_ref(&risky));
    assert_eq!(numbers(list("change_type=normal&risk_level=high").await), [risky]);
    assert!(numbers(list("change_type=emergency&risk_level=high").await).is_empty());
    assert!(numbers(list("risk_level=low").await).is_empty(), "none is assessed low");
    // Each bad value is named; both at once.
    let r = t.get("/api/v1/changes?change_type=rfc&risk_level=extreme", &t.agent).await;
    invalid(r, &["change_type", "risk_level"]).await;
});

both!(changes_are_not_for_requesters, |t| {
    let c = raise(&t, &t.agent, json!({"title": "Replace the UPS batteries"})).await;
    let n = num(&c);
    let why = "only agents, managers and admins can see changes";
    forbidden(t.get("/api/v1/changes", &t.requester).await, why).await;
    forbidden(t.get(&format!("/api/v1/changes/{n}"), &t.requester).await, why).await;
    forbidden(t.get(&format!("/api/v1/changes/{n}/journal"), &t.requester).await, why).await;
    let r = t.post("/api/v1/changes", &t.requester, json!({"title": "Mine"})).await;
    forbidden(r, "only agents, managers and admins can raise and edit changes").await;
    let r = transition(&t, &n, &t.requester, json!({"version": 1, "state": "assessment"})).await;
    forbidden(r, why).await;
    assert_eq!(count(&t).await, 1);
});

both!(changes_link_to_changes_and_other_records, |t| {
    let a = num(&raise(&t, &t.agent, json!({"title": "Migrate the file server"})).await);
    let b = num(&raise(&t, &t.agent, json!({"title": "Copy the shares"})).await);
    let inc = num(&t.incident(&t.agent, json!({"title": "Shares are slow"})).await);
    let r = t.post(&format!("/api/v1/changes/{a}/links"), &t.agent, json!({"link": "child", "record": b})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let r = t.post(&format!("/api/v1/changes/{a}/links"), &t.agent, json!({"link": "related", "record": inc})).await;
    assert_eq!(r.status(), 200);
    let of_b = t.json(&format!("/api/v1/changes/{b}/links"), &t.agent).await;
    assert_eq!((of_b[0]["link"].as_str(), of_b[0]["record"].as_str()), (Some("parent"), Some(a.as_str())));
    let of_inc = t.json(&format!("/api/v1/incidents/{inc}/links"), &t.agent).await;
    assert_eq!(of_inc[0]["record"], a);
    // A change's parent is a change.
    let r = t.post(&format!("/api/v1/changes/{b}/links"), &t.agent, json!({"link": "parent", "record": inc})).await;
    assert_eq!(invalid(r, &["record"]).await, "a change's parent must be a change too");
    assert_eq!(actions(&journal(&t, &a).await), ["created", "linked", "linked"]);
    let r = t.delete(&format!("/api/v1/changes/{a}/links/child/{b}"), &t.agent).await;
    assert_eq!(r.status(), 200);
    assert_eq!(t.json(&format!("/api/v1/changes/{b}/links"), &t.agent).await, json!([]));
});
