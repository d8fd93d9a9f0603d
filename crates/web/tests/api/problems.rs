//! Problems and known errors over HTTP: the lifecycle, links to incidents
//! (one and a thousand at a time), numbering per kind, and every refusal
//! with the field it names.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Raises a problem as `token`; its JSON.
async fn raise(t: &TestApp, token: &str, body: Value) -> Value {
    let r = t.post("/api/v1/problems", token, body).await;
    assert_eq!(r.status(), 201, "creating a problem");
    r.json().await.unwrap()
}

/// `POST /api/v1/problems/{n}/transition`.
async fn transition(t: &TestApp, number: &str, token: &str, body: Value) -> reqwest::Response {
    t.post(&format!("/api/v1/problems/{number}/transition"), token, body).await
}

/// Moves a problem; its JSON, panicking unless 200.
async fn move_to(t: &TestApp, number: &str, token: &str, body: Value) -> Value {
    let r = transition(t, number, token, body.clone()).await;
    assert_eq!(r.status(), 200, "transition {body}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn patch_problem(t: &TestApp, number: &str, token: &str, body: Value) -> reqwest::Response {
    t.patch(&format!("/api/v1/problems/{number}"), token, body).await
}

async fn link(t: &TestApp, number: &str, token: &str, incidents: &[&str]) -> reqwest::Response {
    t.post(&format!("/api/v1/problems/{number}/incidents"), token, json!({ "incidents": incidents })).await
}

/// The actions of a journal, in order.
fn actions(journal: &Value) -> Vec<String> {
    journal.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

/// The numbers in a list of linked records.
fn numbers(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(num).collect()
}

/// A problem in root cause analysis with its cause and workaround, as the
/// agent leaves it.
async fn analysed(t: &TestApp, title: &str) -> Value {
    let p = raise(t, &t.agent, json!({"title": title})).await;
    let n = num(&p);
    move_to(t, &n, &t.agent, json!({"version": 1, "state": "assessment"})).await;
    move_to(t, &n, &t.agent, json!({"version": 2, "state": "root_cause_analysis"})).await;
    let body = json!({"version": 3, "cause_category": "configuration", "root_cause": "The DHCP lease is 10 minutes",
        "workaround": "Reconnect the VPN"});
    let r = patch_problem(t, &n, &t.agent, body).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

both!(problem_lifecycle_end_to_end, |t| {
    let vpn = t.services(&["VPN"]).await;
    let inc1 = t
        .incident(
            &t.agent,
            json!({"title": "VPN drops", "description": "every 10 minutes", "impact": 1, "urgency": 2,
            "service": "VPN", "category": "network", "requester": "requester", "cis": vpn}),
        )
        .await;
    let inc2 = t.incident(&t.agent, json!({"title": "VPN drops again", "requester": "requester2"})).await;
    let (i1, i2) = (num(&inc1), num(&inc2));

    // Raised from the incident: what is known is copied, and they are linked.
    let r = t
        .post(
            &format!("/api/v1/incidents/{i1}/problem"),
            &t.agent,
            json!({"assignment_group": "Service Desk", "assignee": "agent"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["location"], "/api/v1/problems/PRB0000001");
    assert_eq!(r.headers()["etag"], "\"1\"");
    let p: Value = r.json().await.unwrap();
    let n = num(&p);
    assert_eq!(n, "PRB0000001");
    assert_eq!((p["title"].as_str(), p["description"].as_str()), (Some("VPN drops"), Some("every 10 minutes")));
    assert_eq!((p["impact"].as_i64(), p["urgency"].as_i64()), (inc1["impact"].as_i64(), inc1["urgency"].as_i64()));
    assert_eq!(p["priority"], inc1["priority"]);
    assert_eq!((p["service"]["name"].as_str(), p["category"].as_str()), (Some("VPN"), Some("network")));
    assert_eq!((p["state"].as_str(), p["assignee"]["name"].as_str()), (Some("new"), Some("agent user")));
    assert_eq!(p["requester"]["name"], "agent user", "who raised it");
    assert!(!p["known_error"].as_bool().unwrap());
    // The incident's CIs are the problem's too.
    let cis: Vec<(i64,)> = sqlx::query_as(
        "SELECT x.ci_id FROM record_cis x JOIN records r ON r.id = x.record_id WHERE r.kind = 'problem' AND r.number = 1",
    )
    .fetch_all(t.app.store.pool())
    .await
    .unwrap();
    assert_eq!(cis.into_iter().map(|c| c.0).collect::<Vec<_>>(), vpn);
    let linked = t.json(&format!("/api/v1/problems/{n}/incidents"), &t.agent).await;
    assert_eq!(numbers(&linked), vec![i1.clone()]);
    let of_incident = t.json(&format!("/api/v1/incidents/{i1}/problems"), &t.agent).await;
    assert_eq!(numbers(&of_incident), vec![n.clone()]);

    // Link the second incident; linking the first again changes nothing.
    let r = link(&t, &n, &t.agent, &[&i2, &i1]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(numbers(&r.json::<Value>().await.unwrap()), [i1.clone(), i2.clone()]);
    let j = t.journal(&i2, &t.agent).await;
    let last = j.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "linked");
    assert_eq!(last["changes"], json!([{"field": "problem", "old": null, "new": n}]));

    move_to(&t, &n, &t.agent, json!({"version": 1, "state": "assessment"})).await;
    move_to(&t, &n, &t.agent, json!({"version": 2, "state": "root_cause_analysis"})).await;
    // The fix needs a cause first.
    let r = transition(&t, &n, &t.agent, json!({"version": 3, "state": "fix_in_progress"})).await;
    let msg = invalid(r, &["cause_category"]).await;
    assert_eq!(msg, "cause is required to move to fix_in_progress");
    let body = json!({"version": 3, "cause_category": "configuration", "root_cause": "The DHCP lease is 10 minutes",
        "whys": [{"question": "Why does it drop?", "answer": "The address changes"}, {"answer": "The lease is short"}],
        "workaround": "Reconnect the VPN"});
    let r = patch_problem(&t, &n, &t.agent, body).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"4\"");
    let p: Value = r.json().await.unwrap();
    assert_eq!(
        p["whys"],
        json!([{"question": "Why does it drop?", "answer": "The address changes"},
        {"question": "", "answer": "The lease is short"}])
    );
    assert_eq!(p["cause_category"], "configuration");

    // Published as a known error: the desk sees the workaround on the incidents.
    let r = t.post(&format!("/api/v1/problems/{n}/known-error"), &t.agent, json!({"version": 4})).await;
    assert_eq!(r.status(), 200);
    let p: Value = r.json().await.unwrap();
    assert!(p["known_error"].as_bool().unwrap() && p["known_error_at"].is_string(), "{p}");
    let of_incident = t.json(&format!("/api/v1/incidents/{i2}/problems"), &t.agent).await;
    assert_eq!(of_incident[0]["known_error"], true);
    assert_eq!(of_incident[0]["workaround"], "Reconnect the VPN");
    let known = t.json("/api/v1/problems?known_error=true", &t.agent).await;
    assert_eq!(known["count"], 1);

    move_to(&t, &n, &t.agent, json!({"version": 5, "state": "fix_in_progress"})).await;
    // Resolving resolves the open incidents with one note, each journaled.
    let p = move_to(
        &t,
        &n,
        &t.agent,
        json!({"version": 6, "state": "resolved", "resolution_code": "fixed",
        "resolution_notes": "Lease set to 8 hours", "resolve_incidents": true}),
    )
    .await;
    assert_eq!((p["state"].as_str(), p["resolution_code"].as_str()), (Some("resolved"), Some("fixed")));
    assert!(p["resolved_at"].is_string());
    assert!(p["known_error"].as_bool().unwrap(), "a fixed known error stays published");
    for i in [&i1, &i2] {
        let inc = t.read(i, &t.agent).await;
        assert_eq!((inc["state"].as_str(), inc["resolution_code"].as_str()), (Some("resolved"), Some("solved")));
        assert_eq!(inc["resolution_notes"], "Lease set to 8 hours");
        assert_eq!(actions(&t.journal(i, &t.agent).await).last().unwrap(), "state_changed");
    }
    // Closing is the manager's decision.
    let r = transition(&t, &n, &t.agent, json!({"version": 7, "state": "closed"})).await;
    forbidden(r, "only managers and admins can close a problem").await;
    let p = move_to(&t, &n, &t.manager, json!({"version": 7, "state": "closed"})).await;
    assert!(p["closed_at"].is_string());

    let j = t.json(&format!("/api/v1/problems/{n}/journal"), &t.agent).await;
    assert_eq!(
        actions(&j),
        [
            "created",
            "linked",
            "linked",
            "state_changed",
            "state_changed",
            "updated",
            "updated",
            "state_changed",
            "state_changed",
            "state_changed"
        ]
    );
    assert_eq!(j[2]["changes"], json!([{"field": "incidents", "old": null, "new": i2}]));
});

both!(numbers_per_kind, |t| {
    let i1 = num(&t.incident(&t.agent, json!({"title": "first incident"})).await);
    let p1 = num(&raise(&t, &t.agent, json!({"title": "first problem"})).await);
    let i2 = num(&t.incident(&t.agent, json!({"title": "second incident"})).await);
    let p2 = num(&raise(&t, &t.manager, json!({"title": "second problem"})).await);
    assert_eq!([i1, p1, i2, p2], ["INC0000001", "PRB0000001", "INC0000002", "PRB0000002"]);
    // A bare number names the incident and the problem.
    let found = t.json("/api/v1/search?q=2", &t.agent).await;
    let hits: Vec<&str> =
        found["by_number"].as_array().unwrap().iter().map(|h| h["number"].as_str().unwrap()).collect();
    assert_eq!(hits, ["INC0000002", "PRB0000002"]);
    assert!(found["go_to"].is_null());
    let found = t.json("/api/v1/search?q=prb2", &t.agent).await;
    assert_eq!(found["go_to"], "/api/v1/problems/PRB0000002");
    // The search page offers the choice too, each number linking its page;
    // a number of one kind goes straight there.
    let (_, session) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let open = |q: &str| {
        t.client
            .get(format!("{}/search?q={q}", t.base))
            .header("cookie", format!("steward_session={}", session.token))
            .send()
    };
    let r = open("2").await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"href="/incidents/INC0000002""#) && html.contains(r#"href="/problems/PRB0000002""#));
    let r = open("prb2").await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/problems/PRB0000002"));
    // Requesters learn nothing of problems.
    let found = t.json("/api/v1/search?q=PRB0000002", &t.requester).await;
    assert_eq!(found["by_number"], json!([]));
    // The incident list holds incidents only, the problem list problems only.
    assert_eq!(t.page(&[], &t.admin).await["count"], 2);
    let page = t.json("/api/v1/problems?sort=number", &t.admin).await;
    assert_eq!(numbers(&page["items"]), ["PRB0000001", "PRB0000002"]);
});

both!(requesters_see_no_problems, |t| {
    let inc = num(&t.incident(&t.requester, json!({"title": "my laptop"})).await);
    let p = num(&raise(&t, &t.agent, json!({"title": "Laptops overheat"})).await);
    let why = "only agents, managers and admins can see problems";
    forbidden(t.get("/api/v1/problems", &t.requester).await, why).await;
    forbidden(t.get(&format!("/api/v1/problems/{p}"), &t.requester).await, why).await;
    forbidden(t.get(&format!("/api/v1/problems/{p}/journal"), &t.requester).await, why).await;
    forbidden(t.get(&format!("/api/v1/problems/{p}/incidents"), &t.requester).await, why).await;
    forbidden(t.get(&format!("/api/v1/incidents/{inc}/problems"), &t.requester).await, why).await;
    let r = t.post("/api/v1/problems", &t.requester, json!({"title": "x"})).await;
    forbidden(r, "only agents, managers and admins can edit problems").await;
    let r = t.post(&format!("/api/v1/incidents/{inc}/problem"), &t.requester, json!({})).await;
    forbidden(r, "only agents, managers and admins can edit problems").await;
    let r = link(&t, &p, &t.requester, &[&inc]).await;
    forbidden(r, "only agents, managers and admins can link incidents to problems").await;
    let r = t.post(&format!("/api/v1/problems/{p}/known-error"), &t.requester, json!({"version": 1})).await;
    forbidden(r, "only agents, managers and admins can publish known errors").await;
    // Staff: what does not exist is not found.
    problem_of(t.get("/api/v1/problems/PRB0000099", &t.agent).await, 404).await;
    problem_of(t.get("/api/v1/problems/INC0000001", &t.agent).await, 404).await;
    // INC0000001 exists too, yet a number of one kind never names a record
    // of another.
    assert_eq!(p, "PRB0000001");
    problem_of(t.get("/api/v1/incidents/PRB0000001", &t.agent).await, 404).await;
    problem_of(t.get("/api/v1/incidents/INC0000099/problems", &t.agent).await, 404).await;
    let r = t.post("/api/v1/incidents/INC0000099/problem", &t.agent, json!({})).await;
    problem_of(r, 404).await;
    assert_eq!(t.json(&format!("/api/v1/problems/{p}/journal"), &t.agent).await.as_array().unwrap().len(), 1);
});

async fn problem_of(r: reqwest::Response, status: u16) {
    problem(r, status, "not_found").await;
}

both!(bad_input_names_the_field, |t| {
    let inc = num(&t.incident(&t.agent, json!({"title": "printer jam"})).await);
    let bad = [
        (json!({"title": ""}), "title"),
        (json!({"title": "x", "impact": 4}), "impact"),
        (json!({"title": "x", "cause_category": "gremlins"}), "cause_category"),
        (
            json!({"title": "x", "whys": [{"answer": "a"}, {"answer": "b"}, {"answer": "c"}, {"answer": "d"},
            {"answer": "e"}, {"answer": "f"}]}),
            "whys",
        ),
        (json!({"title": "x", "whys": [{"answer": "a"}, {"question": "why?", "answer": " "}]}), "whys[1].answer"),
        (json!({"title": "x", "assignment_group": "Nobody"}), "assignment_group"),
        (json!({"title": "x", "service": "No such service"}), "service"),
        (json!({"title": "x", "owner": "agent"}), "owner"),
    ];
    for (body, field) in bad {
        let r = t.post("/api/v1/problems", &t.agent, body.clone()).await;
        invalid(r, &[field]).await;
    }
    assert_eq!(t.json("/api/v1/problems", &t.admin).await["count"], 0, "nothing stored");

    let p = num(&raise(&t, &t.agent, json!({"title": "Printers jam"})).await);
    for (query, field) in [
        ("state=bogus", "state"),
        ("known_error=maybe", "known_error"),
        ("known_error=", "known_error"),
        ("priority=9", "priority"),
        ("sort=sideways", "sort"),
        ("limit=0", "limit"),
        ("cursor=zzz", "cursor"),
        ("group=Nobody", "group"),
        ("state=bogus&group=Nobody", "group"),
    ] {
        let r = t.get(&format!("/api/v1/problems?{query}"), &t.agent).await;
        let p = problem(r, 422, "validation_failed").await;
        assert!(fields(&p).iter().any(|f| f == field), "{query}: {p}");
    }
    let r = transition(&t, &p, &t.agent, json!({"version": 1, "state": "bogus"})).await;
    invalid(r, &["state"]).await;
    let r = transition(&t, &p, &t.agent, json!({"version": 1, "state": "resolved", "resolution_code": "bogus"})).await;
    invalid(r, &["resolution_code"]).await;
    let r = patch_problem(&t, &p, &t.agent, json!({"version": 1, "cause_category": "gremlins"})).await;
    invalid(r, &["cause_category"]).await;
    let r = patch_problem(&t, &p, &t.agent, json!({"version": 1, "whys": [{"answer": ""}]})).await;
    invalid(r, &["whys[0].answer"]).await;
    // A move the state machine does not allow names those it does.
    let r = transition(&t, &p, &t.agent, json!({"version": 1, "state": "resolved"})).await;
    let body = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(body["allowed"], json!(["assessment", "cancelled"]));
    // Cancelling is a manager's decision and needs a reason.
    let r = transition(&t, &p, &t.agent, json!({"version": 1, "state": "cancelled", "cancel_reason": "dup"})).await;
    forbidden(r, "only managers and admins can cancel a problem").await;
    let r = transition(&t, &p, &t.manager, json!({"version": 1, "state": "cancelled"})).await;
    invalid(r, &["cancel_reason"]).await;
    move_to(&t, &p, &t.agent, json!({"version": 1, "state": "assessment"})).await;
    let r = transition(
        &t,
        &p,
        &t.agent,
        json!({"version": 2, "state": "resolved", "resolution_code": "fixed",
        "resolution_notes": "done"}),
    )
    .await;
    let msg = invalid(r, &["resolution_code"]).await;
    assert!(msg.contains("only from: fix_in_progress"), "{msg}");
    let r =
        transition(&t, &p, &t.agent, json!({"version": 2, "state": "root_cause_analysis", "resolve_incidents": true}))
            .await;
    invalid(r, &["resolve_incidents"]).await;
    // Its incidents keep their fault when a problem ends without a fix.
    move_to(&t, &p, &t.agent, json!({"version": 2, "state": "root_cause_analysis"})).await;
    let r = transition(
        &t,
        &p,
        &t.agent,
        json!({"version": 3, "state": "resolved", "resolution_code": "cannot_fix",
        "resolution_notes": "end of life", "resolve_incidents": true}),
    )
    .await;
    invalid(r, &["resolve_incidents"]).await;
    // Risk is the manager's to accept.
    let r = transition(
        &t,
        &p,
        &t.agent,
        json!({"version": 3, "state": "resolved", "resolution_code": "risk_accepted",
        "resolution_notes": "rare"}),
    )
    .await;
    forbidden(r, "only managers and admins can accept a risk").await;
    let j = t.json(&format!("/api/v1/problems/{p}/journal"), &t.agent).await;
    assert_eq!(actions(&j), ["created", "state_changed", "state_changed"], "refusals write nothing");
    assert_eq!(t.read(&inc, &t.agent).await["state"], "new");
});

both!(known_errors_need_cause_and_workaround, |t| {
    let p = num(&raise(&t, &t.agent, json!({"title": "Mail is slow"})).await);
    let url = format!("/api/v1/problems/{p}/known-error");
    let publish = |v: i64| t.post(&url, &t.agent, json!({"version": v}));
    let msg = invalid(publish(1).await, &["state"]).await;
    assert_eq!(msg, "a new problem cannot be published as a known error: assess it first");
    move_to(&t, &p, &t.agent, json!({"version": 1, "state": "assessment"})).await;
    let msg = invalid(publish(2).await, &["root_cause"]).await;
    assert_eq!(msg, "cause is required to publish a known error");
    patch_problem(&t, &p, &t.agent, json!({"version": 2, "root_cause": "The queue is full"})).await;
    let msg = invalid(publish(3).await, &["workaround"]).await;
    assert_eq!(msg, "workaround is required to publish a known error");
    patch_problem(&t, &p, &t.agent, json!({"version": 3, "workaround": "Send smaller mails"})).await;
    // The version is required, and a stale one refused.
    let r = t.req(Method::POST, &format!("/api/v1/problems/{p}/known-error"), &t.agent).send().await.unwrap();
    problem(r, 428, "version_required").await;
    let r = publish(3).await;
    problem(r, 409, "version_conflict").await;
    let r = t
        .req(Method::POST, &format!("/api/v1/problems/{p}/known-error"), &t.agent)
        .header("If-Match", "\"3\"")
        .send()
        .await
        .unwrap();
    problem(r, 412, "version_conflict").await;
    let r = t
        .req(Method::POST, &format!("/api/v1/problems/{p}/known-error"), &t.agent)
        .header("If-Match", "\"4\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A published known error keeps its workaround.
    let r = patch_problem(&t, &p, &t.agent, json!({"version": 5, "workaround": null})).await;
    let msg = invalid(r, &["workaround"]).await;
    assert!(msg.contains("unpublish it first"), "{msg}");
    // Withdrawn: once, then there is nothing to withdraw.
    let r = t
        .req(Method::DELETE, &format!("/api/v1/problems/{p}/known-error"), &t.agent)
        .header("If-Match", "\"5\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(!body["known_error"].as_bool().unwrap() && body["known_error_at"].is_null());
    let r = t
        .req(Method::DELETE, &format!("/api/v1/problems/{p}/known-error"), &t.agent)
        .header("If-Match", "\"6\"")
        .send()
        .await
        .unwrap();
    invalid(r, &["known_error"]).await;
    // Cancelling withdraws a published known error.
    publish_at(&t, &p, 6).await;
    let body =
        move_to(&t, &p, &t.manager, json!({"version": 7, "state": "cancelled", "cancel_reason": "Moved to PRB9"}))
            .await;
    assert_eq!((body["known_error"].as_bool(), body["cancel_reason"].as_str()), (Some(false), Some("Moved to PRB9")));
});

/// The numbers of the first page of problems a query finds.
async fn list(t: &TestApp, query: &str) -> Vec<String> {
    numbers(&t.json(&format!("/api/v1/problems?{query}"), &t.agent).await["items"])
}

async fn publish_at(t: &TestApp, p: &str, version: i64) {
    let r = t.post(&format!("/api/v1/problems/{p}/known-error"), &t.agent, json!({"version": version})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

both!(links_refused_and_removed, |t| {
    let i1 = num(&t.incident(&t.agent, json!({"title": "disk full"})).await);
    let i2 = num(&t.incident(&t.agent, json!({"title": "disk full again"})).await);
    let p = num(&analysed(&t, "Disks fill up").await);
    // Bad numbers are named; nothing is linked.
    let r = link(&t, &p, &t.agent, &[&i1, "INC0000098", "99"]).await;
    let msg = invalid(r, &["incidents"]).await;
    assert_eq!(msg, "no such incident: INC0000098, INC0000099");
    let r = link(&t, &p, &t.agent, &[&i1, "PRB0000001", "disk"]).await;
    let body = problem(r, 422, "validation_failed").await;
    assert_eq!(fields(&body), ["incidents[1]", "incidents[2]"]);
    invalid(link(&t, &p, &t.agent, &[]).await, &["incidents"]).await;
    let many: Vec<String> = (1..=1_001).map(|i| format!("INC{i:07}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let msg = invalid(link(&t, &p, &t.agent, &many).await, &["incidents"]).await;
    assert_eq!(msg, "at most 1000 incidents at once, got 1001");
    let r = t.post(&format!("/api/v1/problems/{p}/incidents"), &t.agent, json!({"incidents": "INC1"})).await;
    invalid(r, &["incidents"]).await;
    assert_eq!(t.json(&format!("/api/v1/problems/{p}/incidents"), &t.agent).await, json!([]));
    // A stale version, when sent, is refused.
    let r =
        t.post(&format!("/api/v1/problems/{p}/incidents"), &t.agent, json!({"incidents": [i1], "version": 1})).await;
    problem(r, 409, "version_conflict").await;
    let r = t
        .req(Method::POST, &format!("/api/v1/problems/{p}/incidents"), &t.agent)
        .header("If-Match", "\"1\"")
        .json(&json!({"incidents": [i1]}))
        .send()
        .await
        .unwrap();
    problem(r, 412, "version_conflict").await;
    let r = t
        .post(&format!("/api/v1/problems/{p}/incidents"), &t.agent, json!({"incidents": [i1, i2], "version": 4}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        t.get(&format!("/api/v1/problems/{p}"), &t.agent).await.headers()["etag"],
        "\"4\"",
        "links are no new version"
    );

    // Unlinked from the problem's side, journaled on both.
    let r = t.delete(&format!("/api/v1/problems/{p}/incidents/{i1}"), &t.agent).await;
    assert_eq!(r.status(), 200);
    assert_eq!(numbers(&r.json::<Value>().await.unwrap()), vec![i2.clone()]);
    problem(t.delete(&format!("/api/v1/problems/{p}/incidents/{i1}"), &t.agent).await, 404, "not_found").await;
    problem(t.delete(&format!("/api/v1/problems/{p}/incidents/nonsense"), &t.agent).await, 404, "not_found").await;
    let j = t.journal(&i1, &t.agent).await;
    let last = j.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["changes"].clone()),
        (Some("unlinked"), json!([{"field": "problem", "old": p, "new": null}]))
    );
    assert_eq!(actions(&t.json(&format!("/api/v1/problems/{p}/journal"), &t.agent).await).last().unwrap(), "unlinked");

    // A closed or cancelled problem takes no more incidents.
    let c = num(&raise(&t, &t.agent, json!({"title": "Dropped"})).await);
    move_to(&t, &c, &t.manager, json!({"version": 1, "state": "cancelled", "cancel_reason": "duplicate of another"}))
        .await;
    let msg = invalid(link(&t, &c, &t.agent, &[&i1]).await, &["incidents"]).await;
    assert_eq!(msg, "cannot link an incident to a cancelled problem; link it to an open problem or create a new one");
    move_to(&t, &p, &t.agent, json!({"version": 4, "state": "fix_in_progress"})).await;
    move_to(
        &t,
        &p,
        &t.agent,
        json!({"version": 5, "state": "resolved", "resolution_code": "fixed", "resolution_notes": "bigger disks"}),
    )
    .await;
    // A resolved problem still takes them: the fix did not hold.
    assert_eq!(link(&t, &p, &t.agent, &[&i1]).await.status(), 200);
    move_to(&t, &p, &t.manager, json!({"version": 6, "state": "closed"})).await;
    let msg = invalid(link(&t, &p, &t.agent, &[&i1]).await, &["incidents"]).await;
    assert!(msg.starts_with("cannot link an incident to a closed problem"), "{msg}");
    assert_eq!(numbers(&t.json(&format!("/api/v1/incidents/{i1}/problems"), &t.agent).await), vec![p.clone()]);
});

both!(edits_are_versioned_and_journaled, |t| {
    let p = num(&raise(&t, &t.agent, json!({"title": "Slow logins", "impact": 3, "urgency": 3})).await);
    let r = patch_problem(&t, &p, &t.agent, json!({"title": "Very slow logins"})).await;
    problem(r, 428, "version_required").await;
    let r = patch_problem(
        &t,
        &p,
        &t.agent,
        json!({"version": 1, "impact": 1, "urgency": 1, "assignment_group": "Network", "assignee": "agent"}),
    )
    .await;
    invalid(r, &["assignee"]).await;
    let r = patch_problem(&t, &p, &t.agent, json!({"version": 1, "impact": 1, "urgency": 1})).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!((body["priority"].as_i64(), body["version"].as_i64()), (Some(1), Some(2)));
    let r = patch_problem(&t, &p, &t.agent, json!({"version": 1, "title": "late"})).await;
    assert_eq!(problem(r, 409, "version_conflict").await["current_version"], 2);
    let r = t
        .req(Method::PATCH, &format!("/api/v1/problems/{p}"), &t.agent)
        .header("If-Match", "\"1\"")
        .json(&json!({"title": "late"}))
        .send()
        .await
        .unwrap();
    problem(r, 412, "version_conflict").await;
    let r = transition(&t, &p, &t.agent, json!({"version": 1, "state": "assessment"})).await;
    problem(r, 409, "version_conflict").await;
    // The same values again change nothing.
    let r = patch_problem(&t, &p, &t.agent, json!({"version": 2, "impact": 1, "title": "Slow logins"})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 2);
    let j = t.json(&format!("/api/v1/problems/{p}/journal"), &t.agent).await;
    assert_eq!(actions(&j), ["created", "updated"]);
    let changed: Vec<&str> = j[1]["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(changed, ["impact", "urgency", "priority"]);
});

both!(list_filters_and_pages, |t| {
    t.services(&["Mail"]).await;
    let a = num(&raise(
        &t,
        &t.agent,
        json!({"title": "Mail bounces", "service": "Mail", "impact": 1, "urgency": 1,
        "assignment_group": "Service Desk", "assignee": "agent"}),
    )
    .await);
    let b = num(&analysed(&t, "Printers offline").await);
    let c = num(&raise(&t, &t.manager, json!({"title": "Old problem"})).await);
    publish_at(&t, &b, 4).await;
    move_to(&t, &c, &t.manager, json!({"version": 1, "state": "cancelled", "cancel_reason": "no longer relevant"}))
        .await;
    assert_eq!(list(&t, "state=open&sort=number").await, [a.clone(), b.clone()]);
    assert_eq!(list(&t, "state=cancelled").await, vec![c.clone()]);
    assert_eq!(list(&t, "state=root_cause_analysis").await, vec![b.clone()]);
    assert_eq!(list(&t, "known_error=true").await, vec![b.clone()]);
    assert_eq!(list(&t, "known_error=false&sort=number").await, [a.clone(), c.clone()]);
    assert_eq!(list(&t, "service=Mail").await, vec![a.clone()]);
    assert_eq!(list(&t, "assignee=agent").await, vec![a.clone()]);
    assert_eq!(list(&t, "group=Service%20Desk").await, vec![a.clone()]);
    assert_eq!(list(&t, "priority=1").await, vec![a.clone()]);
    assert_eq!(list(&t, "text=printer").await, vec![b.clone()]);
    // Keyset pages with the count of all.
    let first = t.json("/api/v1/problems?sort=-number&limit=2", &t.agent).await;
    assert_eq!((numbers(&first["items"]), first["count"].as_i64()), (vec![c.clone(), b.clone()], Some(3)));
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = t.json(&format!("/api/v1/problems?sort=-number&limit=2&cursor={cursor}"), &t.agent).await;
    assert_eq!(numbers(&second["items"]), vec![a.clone()]);
    assert!(second["next_cursor"].is_null());
});

both!(a_thousand_incidents_link_in_one_request, |t| {
    steward_app::seed::bulk_incidents(&t.app, 1_000, |_| {}).await.unwrap();
    let p = num(&analysed(&t, "Everything is slow").await);
    let all: Vec<String> = (1..=1_000).map(|i| format!("INC{i:07}")).collect();
    let started = std::time::Instant::now();
    let r = t.post(&format!("/api/v1/problems/{p}/incidents"), &t.agent, json!({"incidents": all})).await;
    let took = started.elapsed();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    eprintln!("linking 1,000 incidents ({:?}): {took:?}", t.backend);
    let linked: Value = r.json().await.unwrap();
    assert_eq!(numbers(&linked), all);
    // One entry on the problem, one on each incident.
    let j = t.json(&format!("/api/v1/problems/{p}/journal"), &t.agent).await;
    let last = j.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "linked");
    assert_eq!(last["changes"][0]["new"].as_str().unwrap().split(", ").count(), 1_000);
    for i in ["INC0000001", "INC0000500", "INC0001000"] {
        let j = t.journal(i, &t.admin).await;
        let entries = j.as_array().unwrap();
        let last = entries.last().unwrap();
        assert_eq!((last["action"].as_str(), last["seq"].as_i64()), (Some("linked"), Some(entries.len() as i64)));
        assert_eq!(numbers(&t.json(&format!("/api/v1/incidents/{i}/problems"), &t.agent).await), vec![p.clone()]);
    }
});

both!(a_refused_change_leaves_its_batch_alone, |t| {
    // Three problems a round: one renamed, one renamed under a stale
    // version, one asked for a move it may not make. Each row is touched by
    // one request only, so the writers batch them without waiting on each
    // other's locks.
    let mut rounds = Vec::new();
    for i in 0..12 {
        let good = num(&raise(&t, &t.agent, json!({"title": format!("problem {i}")})).await);
        let stale = num(&raise(&t, &t.agent, json!({"title": format!("stale {i}")})).await);
        patch_problem(&t, &stale, &t.agent, json!({"version": 1, "title": format!("moved on {i}")})).await;
        let stuck = num(&raise(&t, &t.agent, json!({"title": format!("new {i}")})).await);
        rounds.push((good, stale, stuck));
    }
    type Call<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = reqwest::Response> + Send + 'a>>;
    let mut calls: Vec<Call> = Vec::new();
    for (i, (good, stale, stuck)) in rounds.iter().enumerate() {
        calls.push(Box::pin(patch_problem(&t, good, &t.agent, json!({"version": 1, "title": format!("renamed {i}")}))));
        calls.push(Box::pin(patch_problem(&t, stale, &t.agent, json!({"version": 1, "title": format!("late {i}")}))));
        calls.push(Box::pin(transition(&t, stuck, &t.agent, json!({"version": 1, "state": "closed"}))));
    }
    let answers = futures_util::future::join_all(calls).await;
    let codes = futures_util::future::join_all(answers.into_iter().map(|r| async move {
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        (status, body["code"].as_str().map(str::to_owned))
    }))
    .await;
    for (i, round) in codes.chunks(3).enumerate() {
        let want =
            [(200, None), (409, Some("version_conflict".to_owned())), (409, Some("transition_not_allowed".to_owned()))];
        assert_eq!(round, want, "round {i}");
    }
    for (i, (good, stale, stuck)) in rounds.iter().enumerate() {
        let body = t.json(&format!("/api/v1/problems/{good}"), &t.agent).await;
        assert_eq!(
            (body["title"].as_str(), body["version"].as_i64()),
            (Some(format!("renamed {i}").as_str()), Some(2))
        );
        assert_eq!(
            actions(&t.json(&format!("/api/v1/problems/{good}/journal"), &t.agent).await),
            ["created", "updated"]
        );
        let body = t.json(&format!("/api/v1/problems/{stale}"), &t.agent).await;
        assert_eq!(body["title"], format!("moved on {i}"));
        assert_eq!(actions(&t.json(&format!("/api/v1/problems/{stuck}/journal"), &t.agent).await), ["created"]);
    }
});

// A problem's owner, or its group's members when it has no owner, hear of
// it as an incident's would: mail naming the problem and linking its page
// (SMTP is not configured here, so the messages wait in the outbox).
both!(problem_owners_and_groups_are_notified, |t| {
    for (user, mail) in [("agent", "agent@example.org"), ("agent2", "agent2@example.org")] {
        sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
            .bind(mail)
            .bind(user)
            .execute(t.app.store.pool())
            .await
            .unwrap();
    }
    let p = raise(&t, &t.manager, json!({"title": "Mail relay drops", "assignment_group": "Network"})).await;
    let n = num(&p);
    let outbox = t.json("/api/v1/outbox?state=pending", &t.admin).await;
    let items: Vec<&Value> = outbox["items"].as_array().unwrap().iter().filter(|m| m["record"] == n).collect();
    assert_eq!(items.len(), 1, "the group's one member: {outbox}");
    assert_eq!(
        (items[0]["event"].as_str(), items[0]["target"].as_str()),
        (Some("problem.assigned"), Some("agent2@example.org"))
    );
    // Owned by the agent now: they hear of it; the manager acting does not.
    let r = patch_problem(
        &t,
        &n,
        &t.manager,
        json!({"version": 1, "assignment_group": "Service Desk", "assignee": "agent"}),
    )
    .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let outbox = t.json("/api/v1/outbox?state=pending", &t.admin).await;
    let to: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["record"] == n)
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    assert_eq!(sorted_strs(to), ["agent2@example.org", "agent@example.org"]);
});

fn sorted_strs(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}
