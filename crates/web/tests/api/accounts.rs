//! Accounts: users, groups, members and tokens refuse bad input by field.
//! (Who may manage them is in `access`; revoked tokens in `auth`.)

use crate::both;
use crate::helpers::*;

both!(bad_account_input_names_the_field, |t| {
    let count = |v: serde_json::Value| v.as_array().unwrap().len();
    let before = (count(t.json("/api/v1/users", &t.admin).await), count(t.json("/api/v1/groups", &t.admin).await));
    let r = t.post("/api/v1/users", &t.admin, serde_json::json!({"username": "agent", "role": "agent"})).await;
    assert_eq!(invalid(r, &["username"]).await, "is already taken");
    let r = t
        .post("/api/v1/users", &t.admin, serde_json::json!({"username": "x y", "role": "boss", "password": "short"}))
        .await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["username", "role", "password"]);
    assert_eq!(
        p["detail"],
        "username: may contain only letters, digits and . _ - @; \
         role: unknown role \"boss\": must be one of requester, agent, manager, admin; \
         password: must be at least 12 characters"
    );
    let r = t
        .post("/api/v1/users", &t.admin, serde_json::json!({"username": "xy", "role": "agent", "groups": ["Nope"]}))
        .await;
    assert_eq!(invalid(r, &["groups"]).await, "no group named \"Nope\"");
    let r = t.post("/api/v1/groups", &t.admin, serde_json::json!({"name": "Network"})).await;
    assert_eq!(invalid(r, &["name"]).await, "is already taken");
    let r = t.post("/api/v1/groups", &t.admin, serde_json::json!({"name": " "})).await;
    assert_eq!(invalid(r, &["name"]).await, "is required");
    let r = t.post("/api/v1/groups/Nope/members", &t.admin, serde_json::json!({"username": "agent"})).await;
    assert_eq!(problem(r, 404, "not_found").await["detail"], "group not found");
    let r = t.post("/api/v1/groups/Network/members", &t.admin, serde_json::json!({"username": "ghost"})).await;
    // The path names the group; a user the body names that is not there is a bad field.
    assert_eq!(invalid(r, &["username"]).await, "no such user");
    let r = t.post("/api/v1/tokens", &t.agent, serde_json::json!({"name": ""})).await;
    assert_eq!(invalid(r, &["name"]).await, "is required");
    let r = t.delete("/api/v1/tokens/abc", &t.admin).await;
    assert_eq!(problem(r, 404, "not_found").await["detail"], "token not found");
    let after = (count(t.json("/api/v1/users", &t.admin).await), count(t.json("/api/v1/groups", &t.admin).await));
    assert_eq!(after, before, "nothing was created");
    assert_eq!(count(t.json("/api/v1/tokens", &t.agent).await), 1);
});
