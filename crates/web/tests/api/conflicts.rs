//! Requests that are well-formed but cannot be done: stale or missing
//! versions, moves the state machine forbids, references that do not hold.
//! Each names why, and nothing changes.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

both!(stale_and_missing_versions, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Printer jam"})).await);
    let path = format!("/api/v1/incidents/{n}");
    let r = t.patch(&path, &t.agent, json!({"version": 1, "title": "Printer jam on 3rd floor"})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let before = t.snapshot(&n).await;

    let stale = "the record was changed by someone else since you read it (you sent version 1, it is now 2)";
    let p =
        problem(t.patch(&path, &t.agent, json!({"version": 1, "title": "lost update"})).await, 409, "version_conflict")
            .await;
    assert_eq!((p["current_version"].as_i64(), p["detail"].as_str()), (Some(2), Some(stale)));
    let r = t.transition(&n, &t.agent, json!({"version": 1, "state": "in_progress"})).await;
    let p = problem(r, 409, "version_conflict").await;
    assert_eq!((p["current_version"].as_i64(), p["detail"].as_str()), (Some(2), Some(stale)));

    let with_if_match = |method: Method, path: String, tag: &'static str, body: Value| {
        t.req(method, &path, &t.agent).header("If-Match", tag).json(&body).send()
    };
    let r = with_if_match(Method::PATCH, path.clone(), "\"1\"", json!({"title": "lost update"})).await.unwrap();
    let p = problem(r, 412, "version_conflict").await;
    assert_eq!((p["current_version"].as_i64(), p["detail"].as_str()), (Some(2), Some(stale)));
    let r = with_if_match(Method::POST, format!("{path}/transitions"), "\"1\"", json!({"state": "in_progress"}));
    problem(r.await.unwrap(), 412, "version_conflict").await;

    let required = "the version you read is required (If-Match header or version field)";
    let p = problem(t.patch(&path, &t.agent, json!({"title": "blind write"})).await, 428, "version_required").await;
    assert_eq!(p["detail"], required);
    let p = problem(t.transition(&n, &t.agent, json!({"state": "in_progress"})).await, 428, "version_required").await;
    assert_eq!(p["detail"], required);

    let r = with_if_match(Method::PATCH, path.clone(), "yesterday", json!({"title": "x"})).await.unwrap();
    assert_eq!(invalid(r, &["If-Match"]).await, "must be the ETag you received, e.g. \"3\"");
    let r = with_if_match(Method::PATCH, path.clone(), "\"2\"", json!({"version": 1, "title": "x"})).await.unwrap();
    assert_eq!(invalid(r, &["version"]).await, "differs from the If-Match header");
    assert_eq!(t.snapshot(&n).await, before, "nothing changed");

    // The current ETag, strong or weak, is accepted.
    let r =
        with_if_match(Method::PATCH, path.clone(), "W/\"2\"", json!({"title": "Printer jam, tray 2"})).await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["etag"].to_str().unwrap()), (200, "\"3\""));
    let r = with_if_match(Method::POST, format!("{path}/transitions"), "\"3\"", json!({"state": "in_progress"}))
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["etag"].to_str().unwrap()), (200, "\"4\""));
});

/// Asserts a 409 `transition_not_allowed` listing the allowed states.
async fn refused(r: reqwest::Response, allowed: &[&str], detail: String) {
    let p = problem(r, 409, "transition_not_allowed").await;
    if allowed.is_empty() {
        assert!(p.get("allowed").is_none(), "a final state lists nothing: {p}");
    } else {
        assert_eq!(p["allowed"], json!(allowed), "{p}");
    }
    assert_eq!(p["detail"], detail);
}

both!(transitions_the_state_machine_refuses, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Wi-Fi down"})).await);
    let before = t.snapshot(&n).await;
    let from_new = ["in_progress", "on_hold", "resolved", "cancelled"];
    for to in ["closed", "new"] {
        let r = t.transition(&n, &t.agent, json!({"version": 1, "state": to})).await;
        refused(
            r,
            &from_new,
            format!("cannot go from new to {to}; allowed: in_progress, on_hold, resolved, cancelled"),
        )
        .await;
    }
    let r = t.transition(&n, &t.agent, json!({"version": 1, "state": "on_hold"})).await;
    assert_eq!(invalid(r, &["hold_reason"]).await, "hold_reason is required to move to on_hold");
    let r =
        t.transition(&n, &t.agent, json!({"version": 1, "state": "resolved", "resolution_notes": "rebooted"})).await;
    assert_eq!(invalid(r, &["resolution_code"]).await, "resolution_code is required to move to resolved");
    for notes in [json!(null), json!("   ")] {
        let r = t
            .transition(
                &n,
                &t.agent,
                json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": notes}),
            )
            .await;
        assert_eq!(invalid(r, &["resolution_notes"]).await, "resolution_notes is required to move to resolved");
    }
    let r = t
        .transition(&n, &t.agent, json!({"version": 1, "state": "in_progress", "hold_reason": "awaiting_vendor"}))
        .await;
    assert_eq!(invalid(r, &["hold_reason"]).await, "hold_reason only applies when moving to on_hold");
    let r = t.transition(&n, &t.agent, json!({"version": 1, "state": "cancelled", "resolution_code": "solved"})).await;
    assert_eq!(invalid(r, &["resolution_code"]).await, "resolution_code only applies when moving to resolved");
    assert_eq!(t.snapshot(&n).await, before, "nothing changed");

    // From Resolved only Closed and a reopen; Closed is final.
    t.move_to(
        &n,
        &t.agent,
        json!({"version": 1, "state": "resolved", "resolution_code": "workaround", "resolution_notes": "use cable"}),
    )
    .await;
    let r =
        t.transition(&n, &t.agent, json!({"version": 2, "state": "on_hold", "hold_reason": "awaiting_caller"})).await;
    refused(r, &["closed", "in_progress"], "cannot go from resolved to on_hold; allowed: closed, in_progress".into())
        .await;
    t.move_to(&n, &t.agent, json!({"version": 2, "state": "closed"})).await;
    let closed = t.snapshot(&n).await;
    for to in ["in_progress", "resolved", "cancelled", "new"] {
        let r = t.transition(&n, &t.admin, json!({"version": 3, "state": to})).await;
        refused(r, &[], format!("cannot go from closed to {to}; allowed: none, the incident is final")).await;
    }
    assert_eq!(t.snapshot(&n).await, closed, "a closed incident stays closed");
});

both!(references_that_do_not_hold, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Router reboots"})).await);
    let before = t.snapshot(&n).await;
    let create = |body: Value| t.post("/api/v1/incidents", &t.agent, body);
    let cases = [
        (
            json!({"title": "x", "assignment_group": "Service Desk", "assignee": "agent2"}),
            "assignee",
            "agent2 user is not a member of the assignment group",
        ),
        (json!({"title": "x", "assignee": "agent"}), "assignment_group", "is required when an assignee is given"),
        (json!({"title": "x", "assignment_group": "Nope"}), "assignment_group", "no group named \"Nope\""),
        (json!({"title": "x", "assignment_group": "Network", "assignee": "ghost"}), "assignee", "no such user"),
        (json!({"title": "x", "requester": "ghost"}), "requester", "no such user"),
        (json!({"title": "x", "parent": "INC0000099"}), "parent", "no such incident"),
        (json!({"title": "x", "parent": "yesterday"}), "parent", "is not an incident number"),
    ];
    for (body, field, message) in cases {
        assert_eq!(invalid(create(body.clone()).await, &[field]).await, message, "{body}");
    }
    let path = format!("/api/v1/incidents/{n}");
    let patch = |body: Value| t.patch(&path, &t.agent, body);
    let cases = [
        (
            json!({"version": 1, "assignment_group": "Service Desk", "assignee": "agent2"}),
            "assignee",
            "agent2 user is not a member of the assignment group",
        ),
        (json!({"version": 1, "assignee": "agent"}), "assignment_group", "is required when an assignee is set"),
        (json!({"version": 1, "assignment_group": "Nope"}), "assignment_group", "no group named \"Nope\""),
        (json!({"version": 1, "assignee": "ghost"}), "assignee", "no such user"),
        (json!({"version": 1, "requester": "ghost"}), "requester", "no such user"),
        (json!({"version": 1, "parent": "INC0000099"}), "parent", "no such incident"),
        (json!({"version": 1, "parent": n.clone()}), "parent", "an incident cannot be its own parent"),
    ];
    for (body, field, message) in cases {
        assert_eq!(invalid(patch(body.clone()).await, &[field]).await, message, "{body}");
    }
    assert_eq!(t.count().await, 1);
    assert_eq!(t.snapshot(&n).await, before, "nothing changed");

    // Moving the assignee out of reach of the group is refused too.
    let inc =
        t.patch(&path, &t.agent, json!({"version": 1, "assignment_group": "Network", "assignee": "agent2"})).await;
    assert_eq!(inc.status(), 200);
    let before = t.snapshot(&n).await;
    let r = patch(json!({"version": 2, "assignment_group": "Service Desk"})).await;
    assert_eq!(invalid(r, &["assignee"]).await, "agent2 user is not a member of the assignment group");
    let r = patch(json!({"version": 2, "assignment_group": null})).await;
    assert_eq!(invalid(r, &["assignment_group"]).await, "is required when an assignee is set");
    assert_eq!(t.snapshot(&n).await, before, "nothing changed");
    // Clearing both is fine.
    let inc: Value =
        patch(json!({"version": 2, "assignment_group": null, "assignee": null})).await.json().await.unwrap();
    assert!(inc["assignment_group"].is_null() && inc["assignee"].is_null(), "{inc}");
});
