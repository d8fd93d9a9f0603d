//! Admins manage people: a user's role, groups, organisation, zone and
//! whether they may sign in (versioned like every record); group members;
//! organisations. Users set their own language and time zone.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

const ADMINS_ONLY: &str = "only admins can manage users and groups";

both!(admins_change_users_under_versions, |t| {
    let r = t.get("/api/v1/users/agent2", &t.admin).await;
    assert_eq!(r.headers()["etag"], "\"1\"");
    let u: Value = r.json().await.unwrap();
    assert_eq!((u["role"].as_str(), u["groups"].clone()), (Some("agent"), json!(["Network"])));
    t.post("/api/v1/organisations", &t.admin, json!({"name": "Northwind"})).await;
    let change = json!({"role": "manager", "groups": ["Network", "Service Desk"], "organisation": "Northwind",
        "time_zone": "Europe/Warsaw", "display_name": "Ola Nowak", "email": "ola@example.com"});
    let r = t.req(Method::PATCH, "/api/v1/users/agent2", &t.admin).header("if-match", "\"1\"").json(&change);
    let r = r.send().await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["etag"].to_str().unwrap()), (200, "\"2\""));
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["role"], "manager");
    assert_eq!(u["groups"], json!(["Network", "Service Desk"]));
    assert_eq!((u["organisation"].as_str(), u["time_zone"].as_str()), (Some("Northwind"), Some("Europe/Warsaw")));
    // The change is live at once: agent2's token now acts as a manager.
    assert_eq!(t.json("/api/v1/me", &t.agent2).await["role"], "manager");
    // Stale: 412 with If-Match, 409 in the body; none: 428. Nothing changes.
    let r = t.req(Method::PATCH, "/api/v1/users/agent2", &t.admin).header("if-match", "\"1\"");
    let p = problem(r.json(&json!({"role": "agent"})).send().await.unwrap(), 412, "version_conflict").await;
    assert_eq!(p["current_version"], 2);
    problem(
        t.patch("/api/v1/users/agent2", &t.admin, json!({"role": "agent", "version": 1})).await,
        409,
        "version_conflict",
    )
    .await;
    problem(t.patch("/api/v1/users/agent2", &t.admin, json!({"role": "agent"})).await, 428, "version_required").await;
    assert_eq!(t.json("/api/v1/users/agent2", &t.admin).await["role"], "manager");
    // Bad fields are named, every one.
    let bad = json!({"role": "boss", "time_zone": "Mars/Olympus", "locale": "de", "email": "nope",
        "organisation": "Nowhere", "version": 2});
    let r = t.patch("/api/v1/users/agent2", &t.admin, bad).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["role", "email", "time_zone", "locale"], "{p}");
    assert!(p["detail"].as_str().unwrap().contains("time_zone: \"Mars/Olympus\" is not a time zone"), "{p}");
    let r = t.patch("/api/v1/users/agent2", &t.admin, json!({"organisation": "Nowhere", "version": 2})).await;
    invalid(r, &["organisation"]).await;
    let r = t.patch("/api/v1/users/agent2", &t.admin, json!({"groups": ["Nope"], "version": 2})).await;
    invalid(r, &["groups"]).await;
    // Only admins; and never against themselves or the last admin.
    forbidden(t.patch("/api/v1/users/agent2", &t.manager, json!({"role": "admin", "version": 2})).await, ADMINS_ONLY)
        .await;
    forbidden(t.patch("/api/v1/users/agent2", &t.agent2, json!({"role": "admin", "version": 2})).await, ADMINS_ONLY)
        .await;
    forbidden(t.get("/api/v1/users/agent2", &t.requester).await, "only agents, managers and admins can see users")
        .await;
    let v = t.json("/api/v1/users/admin", &t.admin).await["version"].clone();
    let r = t.patch("/api/v1/users/admin", &t.admin, json!({"active": false, "version": v})).await;
    assert_eq!(invalid(r, &["active"]).await, "you cannot demote or deactivate yourself");
    problem(t.patch("/api/v1/users/ghost", &t.admin, json!({"version": 1})).await, 404, "not_found").await;
    assert_eq!(t.json("/api/v1/users/agent2", &t.admin).await["version"], 2, "no refusal changed anything");
});

both!(the_last_admin_stays_an_admin, |t| {
    // A second admin demotes the first, then cannot demote themselves.
    let v = t.json("/api/v1/users/manager", &t.admin).await["version"].clone();
    let r = t.patch("/api/v1/users/manager", &t.admin, json!({"role": "admin", "version": v})).await;
    assert_eq!(r.status(), 200);
    let v = t.json("/api/v1/users/admin", &t.manager).await["version"].clone();
    let r = t.patch("/api/v1/users/admin", &t.manager, json!({"role": "agent", "version": v})).await;
    assert_eq!(r.status(), 200);
    let v = t.json("/api/v1/users/manager", &t.manager).await["version"].clone();
    let r = t.patch("/api/v1/users/manager", &t.manager, json!({"role": "agent", "version": v})).await;
    invalid(r, &["role"]).await;
});

both!(group_members_are_added_and_removed, |t| {
    let r = t.post("/api/v1/groups/Network/members", &t.admin, json!({"username": "agent"})).await;
    assert_eq!(r.status(), 204);
    assert_eq!(t.json("/api/v1/users/agent", &t.admin).await["groups"], json!(["Network", "Service Desk"]));
    forbidden(t.delete("/api/v1/groups/Network/members/agent", &t.manager).await, ADMINS_ONLY).await;
    assert_eq!(t.delete("/api/v1/groups/Network/members/agent", &t.admin).await.status(), 204);
    assert_eq!(t.json("/api/v1/me", &t.agent).await["group_ids"].as_array().unwrap().len(), 1, "seen at once");
    problem(t.delete("/api/v1/groups/Network/members/agent", &t.admin).await, 404, "not_found").await;
    problem(t.delete("/api/v1/groups/Nope/members/agent", &t.admin).await, 404, "not_found").await;
});

both!(organisations_are_created_renamed_and_deleted, |t| {
    let r = t.post("/api/v1/organisations", &t.admin, json!({"name": "Initech"})).await;
    assert_eq!(r.status(), 201);
    let o: Value = r.json().await.unwrap();
    let id = o["id"].as_i64().unwrap();
    invalid(t.post("/api/v1/organisations", &t.admin, json!({"name": "Initech"})).await, &["name"]).await;
    invalid(t.post("/api/v1/organisations", &t.admin, json!({"name": "  "})).await, &["name"]).await;
    forbidden(t.post("/api/v1/organisations", &t.manager, json!({"name": "X"})).await, ADMINS_ONLY).await;
    forbidden(
        t.get("/api/v1/organisations", &t.requester).await,
        "only agents, managers and admins can list organisations",
    )
    .await;
    let path = format!("/api/v1/organisations/{id}");
    let r = t.patch(&path, &t.admin, json!({"name": "Initrode", "version": 1})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 2);
    problem(t.patch(&path, &t.admin, json!({"name": "Again", "version": 1})).await, 409, "version_conflict").await;
    problem(t.patch(&path, &t.admin, json!({"name": "Again"})).await, 428, "version_required").await;
    invalid(t.patch(&path, &t.admin, json!({"name": "Contoso", "version": 2})).await, &["name"]).await;
    problem(t.patch("/api/v1/organisations/999", &t.admin, json!({"name": "X", "version": 1})).await, 404, "not_found")
        .await;
    let names: Vec<Value> =
        t.json("/api/v1/organisations", &t.agent).await.as_array().unwrap().iter().map(|o| o["name"].clone()).collect();
    assert_eq!(names, [json!("Contoso"), json!("Fabrikam"), json!("Initrode")]);
    // Deleting needs the version; one still in use cannot go.
    problem(t.delete(&path, &t.admin).await, 428, "version_required").await;
    let del = |path: &str, v: &str| t.req(Method::DELETE, path, &t.admin).header("if-match", v.to_owned());
    problem(del(&path, "\"1\"").send().await.unwrap(), 412, "version_conflict").await;
    let contoso = t.json("/api/v1/organisations", &t.admin).await[0]["id"].as_i64().unwrap();
    let r = del(&format!("/api/v1/organisations/{contoso}"), "\"1\"").send().await.unwrap();
    assert_eq!(invalid(r, &["id"]).await, "is still used by users; move them first");
    assert_eq!(del(&path, "\"2\"").send().await.unwrap().status(), 204);
    problem(t.get(&format!("/api/v1/users/x{id}"), &t.admin).await, 404, "not_found").await;
});

both!(users_set_their_own_language_and_time_zone, |t| {
    let r = t.patch("/api/v1/me", &t.requester, json!({"time_zone": "America/New_York", "locale": "pl"})).await;
    assert_eq!(r.status(), 204);
    let me = t.json("/api/v1/me", &t.requester).await;
    assert_eq!((me["time_zone"].as_str(), me["locale"].as_str()), (Some("America/New_York"), Some("pl")));
    let r = t.patch("/api/v1/me", &t.requester, json!({"time_zone": "+02:00", "locale": "xx"})).await;
    invalid(r, &["locale", "time_zone"]).await;
    let r = t.patch("/api/v1/me", &t.requester, json!({"time_zone": "", "locale": null})).await;
    assert_eq!(r.status(), 204);
    let me = t.json("/api/v1/me", &t.requester).await;
    assert_eq!((me["time_zone"].clone(), me["locale"].clone()), (Value::Null, Value::Null));
});
