//! Leavers: deactivation ends sessions and tokens and takes the user out of
//! their groups (audited with the groups they were in); a deactivated user
//! cannot sign in, gets no mail and cannot be assigned. Group members are
//! listed and removed; admins list and revoke any user's tokens; e-mail
//! addresses are checked and unique without case.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

const ADMINS_ONLY: &str = "only admins can manage users and groups";

async fn version_of(t: &TestApp, user: &str) -> i64 {
    t.json(&format!("/api/v1/users/{user}"), &t.admin).await["version"].as_i64().unwrap()
}

/// Deactivates (or reactivates) a user through the API; the user's JSON.
async fn set_active(t: &TestApp, user: &str, active: bool) -> Value {
    let v = version_of(t, user).await;
    let r = t.patch(&format!("/api/v1/users/{user}"), &t.admin, json!({"active": active, "version": v})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    r.json().await.unwrap()
}

fn usernames(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap().to_owned()).collect()
}

/// A browser session of `user` (who has the test password).
async fn session(t: &TestApp, user: &str) -> Result<String, steward_app::AppError> {
    let (_, s) = t.app.login(user, PASSWORD, [127, 0, 0, 1].into()).await?;
    Ok(format!("steward_session={}", s.token))
}

async fn page(t: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    t.client.get(format!("{}{path}", t.base)).header("cookie", cookie).send().await.unwrap()
}

both!(a_leaver_leaves_every_group_and_signs_in_no_more, |t| {
    assert_eq!(t.post("/api/v1/groups/Network/members", &t.admin, json!({"username": "agent"})).await.status(), 204);
    let r = t.put_json("/api/v1/groups/Network/manager", &t.admin, json!({"manager": "agent"})).await;
    assert_eq!(r.status(), 204);
    let cookie = session(&t, "agent").await.unwrap();
    assert_eq!(page(&t, "/api/v1/me", &cookie).await.status(), 200);
    assert_eq!(t.get("/api/v1/me", &t.agent).await.status(), 200);

    // The admin form still sends the ticked groups: deactivation wins.
    let v = version_of(&t, "agent").await;
    let body = json!({"active": false, "groups": ["Network", "Service Desk"], "version": v});
    let r = t.patch("/api/v1/users/agent", &t.admin, body).await;
    assert_eq!(r.status(), 200);
    let u: Value = r.json().await.unwrap();
    assert_eq!((u["active"].clone(), u["groups"].clone()), (json!(false), json!([])));
    assert_eq!(page(&t, "/api/v1/me", &cookie).await.status(), 401, "the session ended at once");
    let p = problem(t.get("/api/v1/me", &t.agent).await, 401, "unauthenticated").await;
    assert_eq!(p["detail"], "sign in required: the API token is unknown or revoked");
    assert!(session(&t, "agent").await.is_err(), "the password no longer signs in");
    assert!(!usernames(&t.json("/api/v1/groups/Network/members", &t.admin).await).contains(&"agent".to_owned()));
    assert_eq!(t.app.group_manager(2).await.unwrap(), None, "no longer the Network's manager");
    // The audit log keeps which groups they were in, written with the change.
    let events = t.json("/api/v1/audit?kind=user_deactivated", &t.admin).await;
    let e = &events["items"][0];
    assert_eq!((e["actor"].as_str(), e["subject"].as_str()), (Some("admin"), Some("agent")));
    assert_eq!(
        e["detail"],
        "deactivated; left groups: Network, Service Desk; no longer manages: Network; 1 session(s) ended, 1 token(s) revoked"
    );
    // A deactivated user cannot be put back into a group.
    let r = t.post("/api/v1/groups/Network/members", &t.admin, json!({"username": "agent"})).await;
    assert_eq!(invalid(r, &["username"]).await, "agent user is deactivated");

    // Reactivation gives back the right to sign in, not groups or tokens.
    let u = set_active(&t, "agent", true).await;
    assert_eq!(u["groups"], json!([]));
    let cookie = session(&t, "agent").await.unwrap();
    assert_eq!(page(&t, "/api/v1/me", &cookie).await.status(), 200);
    assert_eq!(t.get("/api/v1/me", &t.agent).await.status(), 401, "old tokens stay revoked");
    let changed = t.json("/api/v1/audit?kind=user_changed", &t.admin).await;
    assert_eq!(changed["items"][0]["detail"], "role agent → agent; active true");
});

both!(a_deactivated_user_is_neither_offered_nor_accepted_as_assignee, |t| {
    let body =
        json!({"title": "Switch down", "impact": 1, "urgency": 1, "assignment_group": "Network", "assignee": "agent2"});
    let theirs = num(&t.incident(&t.admin, body).await);
    let other = num(&t.incident(&t.admin, json!({"title": "Wi-Fi slow", "assignment_group": "Network"})).await);
    let cookie = session(&t, "agent").await.unwrap();
    let edit = format!("/incidents/{other}/edit");
    assert!(page(&t, &edit, &cookie).await.text().await.unwrap().contains("value=\"agent2\""), "offered while active");
    // Escalation rules that name the leaver (as assignee or by name).
    let rule = json!({"name": "P1 check", "trigger": {"kind": "elapsed", "after": "15m"},
        "conditions": {"priorities": [1]},
        "actions": [{"do": "notify", "to": ["assignee", {"users": ["agent2", "agent"]}]}]});
    assert_eq!(t.post("/api/v1/escalations", &t.manager, rule).await.status(), 201);

    set_active(&t, "agent2", false).await;
    assert!(!page(&t, &edit, &cookie).await.text().await.unwrap().contains("value=\"agent2\""), "no longer offered");
    // Refused as assignee on create and on update, the field named.
    let body = json!({"title": "Router", "assignment_group": "Network", "assignee": "agent2"});
    let msg = invalid(t.post("/api/v1/incidents", &t.admin, body).await, &["assignee"]).await;
    assert_eq!(msg, "agent2 user is deactivated");
    let v = t.read(&other, &t.admin).await["version"].clone();
    let r = t.patch(&format!("/api/v1/incidents/{other}"), &t.admin, json!({"assignee": "agent2", "version": v})).await;
    assert_eq!(invalid(r, &["assignee"]).await, "agent2 user is deactivated");
    assert_eq!(t.read(&other, &t.admin).await["version"], v, "nothing changed");
    // Their open incident stays editable while still theirs.
    let v = t.read(&theirs, &t.admin).await["version"].clone();
    let r = t
        .patch(&format!("/api/v1/incidents/{theirs}"), &t.admin, json!({"title": "Core switch down", "version": v}))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // The escalation skips the leaver, as assignee and by name: neither
    // notified nor journaled as notified.
    let opened = micros(&t.read(&theirs, &t.admin).await["opened_at"]);
    let fired = t.app.run_escalations_at(opened + 16 * 60_000_000).await.unwrap();
    let agent_id = t.json("/api/v1/users/agent", &t.admin).await["id"].as_i64().unwrap();
    assert_eq!(fired.len(), 1, "the P1 only: {fired:?}");
    assert_eq!(fired[0].notify, [agent_id], "only the active user named");
    let journal = t.journal(&theirs, &t.admin).await;
    let escalated = journal.as_array().unwrap().iter().find(|e| e["action"] == "escalated").unwrap();
    let notified = escalated["changes"].as_array().unwrap().iter().find(|c| c["field"] == "notified").unwrap();
    assert_eq!(notified["new"], "agent user", "{escalated}");
    // The list still filters by the leaver, to find what to hand on.
    let list = page(&t, "/incidents?state=open&assignee=agent2", &cookie).await.text().await.unwrap();
    assert!(list.contains("agent2 user (deactivated)") && list.contains(&theirs) && !list.contains(&other), "{list}");
    // It is handed to someone active.
    let v = t.read(&theirs, &t.admin).await["version"].clone();
    let body = json!({"assignment_group": "Service Desk", "assignee": "agent", "version": v});
    assert_eq!(t.patch(&format!("/api/v1/incidents/{theirs}"), &t.admin, body).await.status(), 200);
});

/// The addresses of the messages waiting in the outbox (no relay is set).
async fn pending_targets(t: &TestApp) -> Vec<String> {
    let page = t.json("/api/v1/outbox?state=pending&limit=200", &t.admin).await;
    page["items"].as_array().unwrap().iter().map(|m| m["target"].as_str().unwrap().to_owned()).collect()
}

both!(a_deactivated_user_gets_no_mail, |t| {
    for (user, email) in [("agent", "agent@example.org"), ("agent2", "agent2@example.org")] {
        let v = version_of(&t, user).await;
        let r = t.patch(&format!("/api/v1/users/{user}"), &t.admin, json!({"email": email, "version": v})).await;
        assert_eq!(r.status(), 200);
    }
    let body = json!({"title": "Switch down", "assignment_group": "Network", "assignee": "agent2"});
    let n = num(&t.incident(&t.admin, body).await);
    assert_eq!(
        pending_targets(&t).await.iter().filter(|a| *a == "agent2@example.org").count(),
        1,
        "the assignment, while active"
    );
    assert_eq!(t.comment(&n, &t.agent, "Looking at it", false).await.status(), 201);
    assert_eq!(
        pending_targets(&t).await.iter().filter(|a| *a == "agent2@example.org").count(),
        2,
        "the comment, while active"
    );

    set_active(&t, "agent2", false).await;
    assert_eq!(t.comment(&n, &t.agent, "Still down", false).await.status(), 201);
    assert_eq!(t.comment(&n, &t.agent, "Internal: call the vendor", true).await.status(), 201);
    let after = pending_targets(&t).await;
    assert_eq!(after.iter().filter(|a| *a == "agent2@example.org").count(), 2, "nothing new for the leaver: {after:?}");
});

both!(group_members_are_listed_and_removed, |t| {
    assert_eq!(t.post("/api/v1/groups/Network/members", &t.admin, json!({"username": "agent"})).await.status(), 204);
    assert_eq!(usernames(&t.json("/api/v1/groups/Network/members", &t.agent).await), ["agent", "agent2"]);
    let m = &t.json("/api/v1/groups/Network/members", &t.admin).await[0];
    assert_eq!((m["active"].as_bool(), m["role"].as_str()), (Some(true), Some("agent")));
    forbidden(
        t.get("/api/v1/groups/Network/members", &t.requester).await,
        "only agents, managers and admins can see group members",
    )
    .await;
    problem(t.get("/api/v1/groups/Nope/members", &t.admin).await, 404, "not_found").await;
    forbidden(t.delete("/api/v1/groups/Network/members/agent2", &t.agent).await, ADMINS_ONLY).await;
    assert_eq!(t.delete("/api/v1/groups/Network/members/agent2", &t.admin).await.status(), 204);
    assert_eq!(usernames(&t.json("/api/v1/groups/Network/members", &t.admin).await), ["agent"]);
    problem(t.delete("/api/v1/groups/Network/members/agent2", &t.admin).await, 404, "not_found").await;
    problem(t.delete("/api/v1/groups/Network/members/ghost", &t.admin).await, 404, "not_found").await;
    let e = &t.json("/api/v1/audit?kind=user_changed", &t.admin).await["items"][0];
    assert_eq!((e["subject"].as_str(), e["detail"].as_str()), (Some("agent2"), Some("removed from group Network")));
    assert_eq!(t.json("/api/v1/me", &t.agent2).await["group_ids"], json!([]), "seen at once");
});

both!(admins_list_and_revoke_any_users_tokens, |t| {
    let second = t.app.create_token(None, "agent", "backup script").await.unwrap();
    let list = t.json("/api/v1/users/agent/tokens", &t.admin).await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["test", "backup script"]);
    assert!(list[0].get("token").is_none(), "secrets are never shown again");
    forbidden(t.get("/api/v1/users/agent/tokens", &t.manager).await, ADMINS_ONLY).await;
    forbidden(t.delete(&format!("/api/v1/users/agent/tokens/{}", second.id), &t.agent).await, ADMINS_ONLY).await;
    problem(t.get("/api/v1/users/ghost/tokens", &t.admin).await, 404, "not_found").await;
    // A token of someone else under this name, or no number, is not found.
    let theirs = t.json("/api/v1/users/agent2/tokens", &t.admin).await[0]["id"].as_i64().unwrap();
    problem(t.delete(&format!("/api/v1/users/agent/tokens/{theirs}"), &t.admin).await, 404, "not_found").await;
    problem(t.delete("/api/v1/users/agent/tokens/abc", &t.admin).await, 404, "not_found").await;
    assert_eq!(t.get("/api/v1/me", &second.token).await.status(), 200);
    assert_eq!(t.delete(&format!("/api/v1/users/agent/tokens/{}", second.id), &t.admin).await.status(), 204);
    assert_eq!(t.get("/api/v1/me", &second.token).await.status(), 401, "refused at once");
    assert_eq!(t.get("/api/v1/me", &t.agent).await.status(), 200, "the other token stays");
    problem(t.delete(&format!("/api/v1/users/agent/tokens/{}", second.id), &t.admin).await, 404, "not_found").await;
    let list = t.json("/api/v1/users/agent/tokens", &t.admin).await;
    assert!(list[1]["revoked_at"].is_string() && list[0]["revoked_at"].is_null(), "{list}");
    let e = &t.json("/api/v1/audit?kind=token_revoked", &t.admin).await["items"][0];
    assert_eq!((e["actor"].as_str(), e["subject"].as_str()), (Some("admin"), Some("agent")));
    assert_eq!(e["detail"], format!("token {} (backup script) revoked by an admin", second.id));
});

both!(email_addresses_are_checked_and_unique_without_case, |t| {
    let add = |name: &str, email: &str| json!({"username": name, "role": "requester", "email": email});
    for (email, why) in [
        ("nope", "it needs exactly one @"),
        ("a@b@example.com", "it needs exactly one @"),
        ("@example.com", "nothing comes before the @"),
        ("ola@localhost", "the domain after the @ needs a dot, as in example.com"),
        ("ola@example..com", "the domain after the @ is not a domain name"),
        ("ola nowak@example.com", "it must not contain spaces or control characters"),
    ] {
        let msg = invalid(t.post("/api/v1/users", &t.admin, add("ola", email)).await, &["email"]).await;
        assert_eq!(msg, format!("is not an email address: {why}"), "{email}");
    }
    let r = t.post("/api/v1/users", &t.admin, add("ola", " Ola@Example.com ")).await;
    assert_eq!(r.status(), 201);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["email"], "Ola@Example.com", "stored as typed, trimmed");
    // Taken, in any case: on create and on change; one's own is fine.
    let msg = invalid(t.post("/api/v1/users", &t.admin, add("ola2", "ola@EXAMPLE.com")).await, &["email"]).await;
    assert_eq!(msg, "is already the address of ola");
    let v = version_of(&t, "agent2").await;
    let r = t.patch("/api/v1/users/agent2", &t.admin, json!({"email": "OLA@example.com", "version": v})).await;
    assert_eq!(invalid(r, &["email"]).await, "is already the address of ola");
    let r = t.patch("/api/v1/users/agent2", &t.admin, json!({"email": "agent2@", "version": v})).await;
    invalid(r, &["email"]).await;
    let r = t.patch("/api/v1/users/ola", &t.admin, json!({"email": "ola@example.com", "version": 1})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["email"], "ola@example.com");
    assert_eq!(version_of(&t, "agent2").await, v, "no refusal changed anything");
    let r = t.patch("/api/v1/users/agent2", &t.admin, json!({"email": "", "version": v})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["email"], Value::Null, "blank clears it");
});

both!(a_user_created_without_a_password_is_told_how_to_sign_in, |t| {
    let r = t.post("/api/v1/users", &t.admin, json!({"username": "piotr", "role": "agent"})).await;
    assert_eq!(r.status(), 201);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["has_password"], false);
    assert_eq!(u["notice"], "piotr cannot sign in until a password is set: PUT /api/v1/users/piotr/password");
    let body = json!({"username": "pola", "role": "agent", "password": "pola's long password"});
    let u: Value = t.post("/api/v1/users", &t.admin, body).await.json().await.unwrap();
    assert_eq!((u["has_password"].clone(), u["notice"].clone()), (json!(true), Value::Null));
    let list = t.json("/api/v1/users", &t.admin).await;
    let piotr = list.as_array().unwrap().iter().find(|u| u["username"] == "piotr").unwrap();
    assert_eq!(piotr["has_password"], false);
    let r = t
        .req(Method::PUT, "/api/v1/users/piotr/password", &t.admin)
        .json(&json!({"password": "piotr's long password"}));
    assert_eq!(r.send().await.unwrap().status(), 204);
    assert!(session(&t, "piotr").await.is_err(), "the test password is not his");
    assert!(t.app.login("piotr", "piotr's long password", [127, 0, 0, 1].into()).await.is_ok());
});
