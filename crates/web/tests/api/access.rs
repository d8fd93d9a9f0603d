//! Who may do what: requester, agent, manager and admin against every
//! incident and account action. Each refusal is a 403 `forbidden` whose
//! detail says why, and changes nothing.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

const ONLY_OWN: &str = "requesters can only see their own incidents";
const ONLY_ADMINS: &str = "only admins can manage users and groups";

/// The four roles' tokens, with the role's name for messages.
fn roles(t: &TestApp) -> [(&'static str, &str); 4] {
    [("requester", &t.requester), ("agent", &t.agent), ("manager", &t.manager), ("admin", &t.admin)]
}

both!(list_and_read_by_role, |t| {
    let own = t.incident(&t.requester, json!({"title": "My laptop is slow"})).await;
    let other = t.incident(&t.agent, json!({"title": "Fabrikam payroll secret", "requester": "requester2"})).await;
    let desk = t.incident(&t.agent, json!({"title": "Core switch flapping"})).await;
    let (own, other, desk) = (num(&own), num(&other), num(&desk));
    assert_eq!(own, "INC0000001");

    // Requesters list only their own; the desk sees everything.
    assert_eq!(t.numbers(&[("sort", "number")], &t.requester).await, [own.as_str()]);
    assert_eq!(t.numbers(&[("sort", "number")], &t.requester2).await, [other.as_str()]);
    for (role, token) in roles(&t).into_iter().skip(1).chain([("agent2", t.agent2.as_str())]) {
        assert_eq!(
            t.numbers(&[("sort", "number")], token).await,
            [own.clone(), other.clone(), desk.clone()],
            "{role} lists all"
        );
        for n in [&own, &other, &desk] {
            assert_eq!(t.read(n, token).await["number"], n.as_str(), "{role} reads {n}");
        }
    }

    // A requester reads their own incident …
    let mine = t.read(&own, &t.requester).await;
    assert_eq!(mine["requester"]["name"], "requester user");
    assert_eq!(mine["organisation"]["name"], "Contoso");
    // … and nothing of anyone else's: the refusal shows no part of it.
    for sub in ["", "/journal", "/comments", "/attachments"] {
        let r = t.get(&format!("/api/v1/incidents/{other}{sub}"), &t.requester).await;
        let p = problem(r, 403, "forbidden").await;
        assert_eq!(p["detail"], ONLY_OWN, "GET {other}{sub}");
        assert!(!p.to_string().contains("payroll"), "{p}");
        assert_eq!(p.as_object().unwrap().len(), 6, "only type, title, status, detail, code, reason: {p}");
        assert_eq!(p["reason"], "deny_own_only");
    }
    // Filtering by someone else does not widen a requester's list.
    assert!(t.numbers(&[("requester", "requester2")], &t.requester).await.is_empty());
    assert_eq!(t.numbers(&[("requester", "me")], &t.requester).await, [own]);
});

both!(create_by_role, |t| {
    for (role, token) in roles(&t) {
        let inc = t.incident(token, json!({"title": format!("Opened by {role}")})).await;
        assert_eq!(inc["requester"]["name"], format!("{role} user"), "the caller is the requester");
        assert_eq!(inc["state"], "new");
    }
    // A requester may name themself, but nobody else, no group and no assignee.
    let inc = t.incident(&t.requester, json!({"title": "Named myself", "requester": "requester"})).await;
    assert_eq!(inc["requester"]["name"], "requester user");
    let refusals = [
        (json!({"title": "x", "requester": "requester2"}), "requester"),
        (json!({"title": "x", "assignment_group": "Service Desk"}), "assignment_group"),
        (json!({"title": "x", "assignment_group": "Service Desk", "assignee": "agent"}), "assignment_group, assignee"),
        (json!({"title": "x", "major": true}), "major"),
        (json!({"title": "x", "parent": "INC0000001"}), "parent"),
    ];
    for (body, what) in refusals {
        let r = t.post("/api/v1/incidents", &t.requester, body).await;
        forbidden(r, &format!("only agents, managers and admins can set {what}")).await;
    }
    assert_eq!(t.count().await, 5, "no refused request created anything");

    // The desk may open an incident for anyone, assigned to anyone in the group.
    for (role, token) in roles(&t).into_iter().skip(1) {
        let inc = t
            .incident(
                token,
                json!({"title": format!("For requester2 by {role}"), "requester": "requester2",
                       "assignment_group": "Service Desk", "assignee": "agent"}),
            )
            .await;
        assert_eq!(inc["requester"]["name"], "requester2 user");
        assert_eq!(inc["organisation"]["name"], "Fabrikam");
        assert_eq!(inc["assignment_group"]["name"], "Service Desk");
        assert_eq!(inc["assignee"]["name"], "agent user");
    }
    assert_eq!(t.numbers(&[], &t.requester2).await.len(), 3);
});

both!(edit_and_transition_by_role, |t| {
    let inc = t.incident(&t.agent, json!({"title": "Monitor flickers", "requester": "requester"})).await;
    let n = num(&inc);
    let before = t.snapshot(&n).await;

    // Requesters do not edit fields, not even on their own incident.
    let r = t.patch(&format!("/api/v1/incidents/{n}"), &t.requester, json!({"version": 1, "impact": 1})).await;
    forbidden(r, "only agents, managers and admins can edit incidents").await;
    let r = t.patch(&format!("/api/v1/incidents/{n}"), &t.requester2, json!({"version": 1, "impact": 1})).await;
    forbidden(r, ONLY_OWN).await;
    // Nor move it, except as listed below.
    let may_not = "requesters can only confirm or reopen a resolved incident, or cancel a new one";
    for body in [
        json!({"version": 1, "state": "in_progress"}),
        json!({"version": 1, "state": "on_hold", "hold_reason": "awaiting_caller"}),
        json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": "did it myself"}),
    ] {
        forbidden(t.transition(&n, &t.requester, body).await, may_not).await;
    }
    let r = t.transition(&n, &t.requester2, json!({"version": 1, "state": "cancelled"})).await;
    forbidden(r, ONLY_OWN).await;
    assert_eq!(t.snapshot(&n).await, before, "refusals changed nothing");

    // Every staff role edits, in or outside the incident's group.
    let mut version = 1;
    for (who, token) in [("agent", &t.agent), ("agent2", &t.agent2), ("manager", &t.manager), ("admin", &t.admin)] {
        let r = t
            .patch(
                &format!("/api/v1/incidents/{n}"),
                token,
                json!({"version": version, "title": format!("Edited by {who}")}),
            )
            .await;
        assert_eq!(r.status(), 200, "{who} edits");
        version = r.json::<Value>().await.unwrap()["version"].as_i64().unwrap();
    }
    assert_eq!(version, 5);

    // Staff resolve; the requester reopens, then confirms.
    let resolve = |v: i64| json!({"version": v, "state": "resolved", "resolution_code": "solved", "resolution_notes": "new cable"});
    let inc = t.move_to(&n, &t.manager, resolve(5)).await;
    assert_eq!(inc["state"], "resolved");
    forbidden(t.transition(&n, &t.requester2, json!({"version": 6, "state": "closed"})).await, ONLY_OWN).await;
    let inc = t.move_to(&n, &t.requester, json!({"version": 6, "state": "in_progress"})).await;
    assert_eq!((inc["state"].as_str(), inc["reopen_count"].as_i64()), (Some("in_progress"), Some(1)));
    t.move_to(&n, &t.admin, resolve(7)).await;
    let inc = t.move_to(&n, &t.requester, json!({"version": 8, "state": "closed"})).await;
    assert_eq!(inc["state"], "closed");

    // A requester cancels their own new incident; agents cancel anyone's.
    let own = num(&t.incident(&t.requester, json!({"title": "Never mind"})).await);
    assert_eq!(t.move_to(&own, &t.requester, json!({"version": 1, "state": "cancelled"})).await["state"], "cancelled");
    let theirs = num(&t.incident(&t.requester2, json!({"title": "Wrong button"})).await);
    assert_eq!(t.move_to(&theirs, &t.agent2, json!({"version": 1, "state": "cancelled"})).await["state"], "cancelled");
    // In progress is no longer "new": the requester may not cancel it.
    let busy = num(&t.incident(&t.requester, json!({"title": "Busy"})).await);
    t.move_to(&busy, &t.agent, json!({"version": 1, "state": "in_progress"})).await;
    forbidden(t.transition(&busy, &t.requester, json!({"version": 2, "state": "cancelled"})).await, may_not).await;
});

both!(comments_and_journal_by_role, |t| {
    let n = num(&t.incident(&t.requester, json!({"title": "Cannot print"})).await);
    for (role, token) in roles(&t).into_iter().skip(1) {
        assert_eq!(t.comment(&n, token, &format!("public from {role}"), false).await.status(), 201);
        assert_eq!(t.comment(&n, token, &format!("SECRET note from {role}"), true).await.status(), 201);
    }
    assert_eq!(t.comment(&n, &t.requester, "public from requester", false).await.status(), 201);
    let before = t.snapshot(&n).await;
    let r = t.comment(&n, &t.requester, "a note to myself", true).await;
    forbidden(r, "only agents, managers and admins can write work notes").await;
    let r = t.comment(&n, &t.requester2, "let me in", false).await;
    forbidden(r, "requesters can only comment on their own incidents").await;
    let r = t.comment(&n, &t.requester2, "let me in", true).await;
    forbidden(r, "requesters can only comment on their own incidents").await;
    assert_eq!(t.snapshot(&n).await, before, "refusals changed nothing");

    // Comments: the requester sees the public ones only.
    let comments = t.json(&format!("/api/v1/incidents/{n}/comments"), &t.requester).await;
    let bodies: Vec<&str> = comments.as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["public from agent", "public from manager", "public from admin", "public from requester"]);
    assert!(comments.as_array().unwrap().iter().all(|c| c["internal"] == false));
    for (role, token) in roles(&t).into_iter().skip(1) {
        let all = t.json(&format!("/api/v1/incidents/{n}/comments"), token).await;
        assert_eq!(all.as_array().unwrap().len(), 7, "{role} sees work notes");
        assert_eq!(all.as_array().unwrap().iter().filter(|c| c["internal"] == true).count(), 3);
    }

    // Journal: the same; work notes leave no trace for the requester.
    let j = t.journal(&n, &t.requester).await;
    let actions: Vec<&str> = j.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "comment", "comment", "comment", "comment"]);
    assert!(!j.to_string().contains("SECRET"), "{j}");
    for (role, token) in roles(&t).into_iter().skip(1) {
        let j = t.journal(&n, token).await;
        let notes: Vec<&Value> = j.as_array().unwrap().iter().filter(|e| e["action"] == "work_note").collect();
        assert_eq!(notes.len(), 3, "{role}");
        assert_eq!(notes[0]["body"], "SECRET note from agent");
    }
});

both!(accounts_by_role, |t| {
    // Listing users is the desk's.
    let r = t.get("/api/v1/users", &t.requester).await;
    forbidden(r, "only agents, managers and admins can list users").await;
    for (role, token) in roles(&t).into_iter().skip(1) {
        let users = t.json("/api/v1/users", token).await;
        assert_eq!(users.as_array().unwrap().len(), 6, "{role}");
    }

    // Creating users and groups and adding members is the admin's.
    for (_, token) in roles(&t).into_iter().take(3) {
        let r = t.post("/api/v1/users", token, json!({"username": "mallory", "role": "admin"})).await;
        forbidden(r, ONLY_ADMINS).await;
        let r = t.post("/api/v1/groups", token, json!({"name": "Shadow IT"})).await;
        forbidden(r, ONLY_ADMINS).await;
        let r = t.post("/api/v1/groups/Network/members", token, json!({"username": "agent"})).await;
        forbidden(r, ONLY_ADMINS).await;
    }
    assert_eq!(t.json("/api/v1/users", &t.admin).await.as_array().unwrap().len(), 6);
    assert_eq!(t.json("/api/v1/groups", &t.admin).await.as_array().unwrap().len(), 2);
    let me = t.json("/api/v1/me", &t.agent).await;
    assert_eq!(me["group_ids"].as_array().unwrap().len(), 1, "agent is still in one group");

    let r =
        t.post("/api/v1/users", &t.admin, json!({"username": "newbie", "role": "agent", "groups": ["Network"]})).await;
    assert_eq!(r.status(), 201);
    let u: Value = r.json().await.unwrap();
    assert_eq!(
        (u["username"].as_str(), u["role"].as_str(), u["active"].as_bool()),
        (Some("newbie"), Some("agent"), Some(true))
    );
    let r = t.post("/api/v1/groups", &t.admin, json!({"name": "Database", "description": "DBAs"})).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["name"], "Database");
    let r = t.post("/api/v1/groups/Database/members", &t.admin, json!({"username": "agent"})).await;
    assert_eq!(r.status(), 204);
    assert_eq!(t.json("/api/v1/me", &t.agent).await["group_ids"].as_array().unwrap().len(), 2);

    // Everyone makes tokens for themself; the new token works.
    for (role, token) in roles(&t) {
        let r = t.post("/api/v1/tokens", token, json!({"name": "laptop"})).await;
        assert_eq!(r.status(), 201, "{role}");
        let new: Value = r.json().await.unwrap();
        let secret = new["token"].as_str().unwrap();
        assert!(secret.starts_with("stw_"));
        assert_eq!(t.json("/api/v1/me", secret).await["username"], role);
        let listed = t.json("/api/v1/tokens", token).await;
        assert!(listed.as_array().unwrap().iter().all(|t| t["token"].is_null()), "secrets are shown once");
    }

    // Only admins revoke someone else's token.
    let agents = t.json("/api/v1/tokens", &t.agent).await;
    let test_token = agents.as_array().unwrap().iter().find(|t| t["name"] == "test").unwrap();
    let id = test_token["id"].as_i64().unwrap();
    for token in [&t.requester, &t.agent2, &t.manager] {
        let r = t.delete(&format!("/api/v1/tokens/{id}"), token).await;
        forbidden(r, "only admins can revoke other users' tokens").await;
    }
    assert_eq!(t.get("/api/v1/me", &t.agent).await.status(), 200, "still valid");
    assert_eq!(t.delete(&format!("/api/v1/tokens/{id}"), &t.admin).await.status(), 204);
    problem(t.get("/api/v1/me", &t.agent).await, 401, "unauthenticated").await;
    let r = t.delete("/api/v1/tokens/999999", &t.admin).await;
    let p = problem(r, 404, "not_found").await;
    assert_eq!(p["detail"], "token not found");
});
