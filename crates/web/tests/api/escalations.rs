//! Escalation rules, group managers and the inbound mail log over HTTP.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

both!(escalation_rules_are_for_managers_and_name_bad_fields, |t| {
    let rule = json!({"name": "P1 left alone", "trigger": {"kind": "elapsed", "after": "15m", "unassigned": true},
        "conditions": {"priorities": [1]}, "actions": [{"do": "notify", "to": ["group", "group_manager"]}]});
    assert_eq!(t.post("/api/v1/escalations", &t.agent, rule.clone()).await.status(), 403);
    let r = t
        .post("/api/v1/escalations", &t.admin, json!({"name": "x", "trigger": {"kind": "lunch"}, "actions": []}))
        .await;
    let msg = invalid(r, &["trigger.kind"]).await;
    assert!(msg.contains("lunch"), "{msg}");
    let r = t
        .post(
            "/api/v1/escalations",
            &t.admin,
            json!({"name": "x", "trigger": {"kind": "elapsed", "after": "15m"}, "actions": []}),
        )
        .await;
    invalid(r, &["actions"]).await;
    let r = t.post("/api/v1/escalations", &t.admin, rule).await;
    assert_eq!(r.status(), 201);
    let list = t.json("/api/v1/escalations", &t.agent).await;
    assert_eq!(list[0]["name"], "P1 left alone");
    assert_eq!(list[0]["trigger"]["after"], "PT15M");
    assert_eq!(t.get("/api/v1/escalations", &t.requester).await.status(), 403);

    let r = t.put_json("/api/v1/groups/Service Desk/manager", &t.admin, json!({"manager": "requester"})).await;
    invalid(r, &["manager"]).await;
    let r = t.put_json("/api/v1/groups/Service Desk/manager", &t.admin, json!({"manager": "agent"})).await;
    assert_eq!(r.status(), 204);
    let r = t.put_json("/api/v1/groups/Nowhere/manager", &t.admin, json!({"manager": "agent"})).await;
    invalid(r, &["group"]).await;
});

both!(escalation_rules_are_replaced_switched_off_and_deleted_under_their_version, |t| {
    // The old spelling is still read, and answered as what it means.
    let old = json!({"name": "Nobody on it", "trigger": {"kind": "elapsed", "after": "15m", "unassigned": true},
        "actions": [{"do": "notify", "to": ["group"]}]});
    let r = t.post("/api/v1/escalations", &t.manager, old).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let created: Value = r.json().await.unwrap();
    assert_eq!(created["trigger"], json!({"kind": "elapsed", "after": "PT15M"}));
    assert_eq!(created["conditions"]["no_assignee"], true);
    assert_eq!(created["conditions"]["no_group"], false);
    let path = format!("/api/v1/escalations/{}", created["id"]);
    let r = t.get(&path, &t.agent).await;
    assert_eq!(r.headers()["etag"], "\"1\"");

    // Switched off under If-Match: kept, but never fires.
    let off = json!({"name": "Nobody on it", "active": false, "trigger": {"kind": "elapsed", "after": "20m"},
        "conditions": {"no_assignee": true}, "actions": [{"do": "notify", "to": ["group"]}]});
    let put = |token: &str, etag: Option<&str>, body: Value| {
        let mut r = t.req(Method::PUT, &path, token).json(&body);
        if let Some(e) = etag {
            r = r.header("if-match", e);
        }
        r.send()
    };
    let r = put(&t.admin, Some("\"1\""), off.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let now: Value = r.json().await.unwrap();
    assert_eq!((now["active"].as_bool(), now["version"].as_i64()), (Some(false), Some(2)));
    assert_eq!(now["trigger"]["after"], "PT20M");
    // Stale: 412 with If-Match, 409 with the body's version; none: 428.
    problem(put(&t.admin, Some("\"1\""), off.clone()).await.unwrap(), 412, "version_conflict").await;
    let mut stale = off.clone();
    stale["version"] = json!(1);
    problem(put(&t.admin, None, stale).await.unwrap(), 409, "version_conflict").await;
    problem(put(&t.admin, None, off.clone()).await.unwrap(), 428, "version_required").await;
    // Bad rules name the field.
    let mut bad = off.clone();
    bad["trigger"] = json!({"kind": "clock", "clock": "resolution", "percent": 0});
    bad["actions"] = json!([{"do": "reassign", "group": "Atlantis"}]);
    let msg = invalid(put(&t.admin, Some("\"2\""), bad).await.unwrap(), &["trigger.percent", "actions[0].group"]).await;
    assert!(msg.contains("between 1 and 100"), "{msg}");
    let mut both_ways = off.clone();
    both_ways["conditions"] = json!({"no_group": true, "groups": ["Service Desk"]});
    invalid(put(&t.admin, Some("\"2\""), both_ways).await.unwrap(), &["conditions.no_group"]).await;
    let mut typo = off.clone();
    typo["conditions"] = json!({"unassigned": true});
    let msg = invalid(put(&t.admin, Some("\"2\""), typo).await.unwrap(), &["conditions.unassigned"]).await;
    assert!(msg.contains("unknown field `unassigned`"), "{msg}");
    // Who and what: staff read, only managers and admins change; unknown ids are 404.
    forbidden(
        put(&t.agent, Some("\"2\""), off.clone()).await.unwrap(),
        "only managers and admins can manage calendars and service levels",
    )
    .await;
    let r = t.req(Method::DELETE, &path, &t.requester).header("if-match", "\"2\"").send().await.unwrap();
    problem(r, 403, "forbidden").await;
    problem(t.get(&path, &t.requester).await, 403, "forbidden").await;
    let r = t.req(Method::PUT, "/api/v1/escalations/999", &t.admin).header("if-match", "\"1\"").json(&off);
    problem(r.send().await.unwrap(), 404, "not_found").await;
    problem(t.get("/api/v1/escalations/abc", &t.admin).await, 404, "not_found").await;
    assert_eq!(t.json(&path, &t.agent).await["version"], 2, "refusals changed nothing");

    // Deleted under its version.
    let r = t.req(Method::DELETE, &path, &t.admin).header("if-match", "\"1\"").send().await.unwrap();
    problem(r, 412, "version_conflict").await;
    problem(t.req(Method::DELETE, &path, &t.admin).send().await.unwrap(), 428, "version_required").await;
    let r = t.req(Method::DELETE, &path, &t.admin).header("if-match", "\"2\"").send().await.unwrap();
    assert_eq!(r.status(), 204);
    problem(t.get(&path, &t.admin).await, 404, "not_found").await;
    let r = t.req(Method::DELETE, &path, &t.admin).header("if-match", "\"2\"").send().await.unwrap();
    problem(r, 404, "not_found").await;
    // Each change is in the audit log.
    let log = t.json("/api/v1/audit?kind=escalation_rule_changed", &t.admin).await;
    let details: Vec<&str> = log["items"].as_array().unwrap().iter().map(|e| e["detail"].as_str().unwrap()).collect();
    assert_eq!(details, ["deleted", "changed, switched off", "created"]);
});

both!(the_mail_log_is_for_admins, |t| {
    assert_eq!(t.get("/api/v1/mail/inbound", &t.agent).await.status(), 403);
    let raw = b"From: eve@elsewhere.test\r\nSubject: Hi\r\nMessage-ID: <l1@elsewhere.test>\r\n\r\nHello\r\n";
    t.app.ingest_mail(raw).await.unwrap();
    let log = t.json("/api/v1/mail/inbound?limit=10", &t.admin).await;
    assert_eq!(log[0]["outcome"], "refused");
    assert_eq!(log[0]["message_id"], "l1@elsewhere.test");
    assert!(log[0]["reason"].as_str().unwrap().contains("unknown sender"));
    // A bad query string is a problem naming the parameter (axum's own answer was a plain-text 400).
    let r = t.get("/api/v1/mail/inbound?limit=x", &t.admin).await;
    assert_eq!(fields(&problem(r, 422, "validation_failed").await), ["limit"]);
});
