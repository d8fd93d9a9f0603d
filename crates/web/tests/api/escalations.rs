//! Escalation rules, group managers and the inbound mail log over HTTP.

use crate::both;
use crate::helpers::*;
use serde_json::json;

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
