//! Two nodes on one database (issue 15): what one node answered holds on
//! the other for the very next request, with no waiting — the SLA rules a
//! new incident gets, the webhooks a write notifies, a revoked token, a
//! changed role, a deactivated user, a new group member, a sign-out. Each
//! check first warms the other node's cache, so a stale one would answer.
//! Both backends (on SQLite the second node stands for the CLI or a second
//! process on the same file).

use crate::both_with;
use crate::helpers::*;
use crate::notifications::mail_config;
use crate::smtpd::free_port;
use serde_json::{Value, json};

async fn webhook_messages(t: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE channel = 'webhook'")
        .fetch_one(t.app.store.pool())
        .await
        .unwrap();
    n
}

both_with!(a_change_answered_by_one_node_holds_on_the_other_at_once, mail_config(free_port()), |a| {
    let b = a.another_node().await;

    // SLA rules: B has read them (none) before A makes one.
    let before = b.incident(&b.requester, json!({"title": "Before the SLA"})).await;
    assert!(before["sla_due_at"].is_null(), "{before}");
    let day = json!([{"start": "00:00", "end": "24:00"}]);
    let week = json!({"monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day,
        "saturday": day, "sunday": day});
    let r = a.post("/api/v1/calendars", &a.manager, json!({"name": "Always", "time_zone": "UTC", "week": week})).await;
    assert_eq!(r.status(), 201);
    let calendar = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let targets: Vec<Value> = (1..=5).map(|p| json!({"priority": p, "response": "4h", "resolution": "8h"})).collect();
    let sla = json!({"name": "Standard", "position": 10, "calendar_id": calendar, "targets": targets});
    assert_eq!(a.post("/api/v1/slas", &a.manager, sla).await.status(), 201);
    let after = b.incident(&b.requester, json!({"title": "After the SLA"})).await;
    assert!(after["sla_due_at"].is_string(), "B uses the SLA A made: {after}");

    // Webhooks: B has read them (none) in the writes above.
    let hooks = webhook_messages(&a).await;
    let body = json!({"name": "ops", "url": "http://127.0.0.1:9/hook", "events": ["incident.created"]});
    assert_eq!(a.post("/api/v1/webhooks", &a.admin, body).await.status(), 201);
    b.incident(&b.requester, json!({"title": "Notified"})).await;
    assert_eq!(webhook_messages(&a).await, hooks + 1, "B notifies the webhook A made");

    // A token revoked on A: refused by B, which had just let it in.
    assert_eq!(b.get("/api/v1/me", &b.agent2).await.status(), 200);
    let mine = a.json("/api/v1/tokens", &a.agent2).await;
    let id = mine[0]["id"].as_i64().unwrap();
    assert_eq!(a.delete(&format!("/api/v1/tokens/{id}"), &a.agent2).await.status(), 204);
    problem(b.get("/api/v1/me", &b.agent2).await, 401, "unauthenticated").await;

    // A role changed on A: B answers with the new role.
    assert_eq!(b.get("/api/v1/problems", &b.agent).await.status(), 200);
    let version = a.json("/api/v1/users/agent", &a.admin).await["version"].clone();
    let r = a.patch("/api/v1/users/agent", &a.admin, json!({"role": "requester", "version": version})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    problem(b.get("/api/v1/problems", &b.agent).await, 403, "forbidden").await;
    assert_eq!(b.json("/api/v1/me", &b.agent).await["role"], "requester");

    // A new member of a group: B sees the group on them.
    assert_eq!(b.json("/api/v1/me", &b.manager).await["group_ids"], json!([]));
    let r = a.post("/api/v1/groups/Network/members", &a.admin, json!({"username": "manager"})).await;
    assert_eq!(r.status(), 204);
    assert_eq!(b.json("/api/v1/me", &b.manager).await["group_ids"].as_array().unwrap().len(), 1);

    // A user deactivated on A: refused by B.
    assert_eq!(b.get("/api/v1/me", &b.requester2).await.status(), 200);
    let version = a.json("/api/v1/users/requester2", &a.admin).await["version"].clone();
    let r = a.patch("/api/v1/users/requester2", &a.admin, json!({"active": false, "version": version})).await;
    assert_eq!(r.status(), 200);
    problem(b.get("/api/v1/me", &b.requester2).await, 401, "unauthenticated").await;

    // A sign-out on A ends the session on B.
    let (_, session) = a.app.login("requester", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    assert!(b.app.session_actor(&session.token).await.is_ok());
    a.app.logout(&session.token).await.unwrap();
    assert!(b.app.session_actor(&session.token).await.is_err(), "signed out everywhere");

    b.app.store.close().await;
});
