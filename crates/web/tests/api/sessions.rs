//! Sessions end when they must: a password change ends the user's other
//! sessions, a reset or deactivation all of them (and deactivation their
//! tokens), each at once although credentials are cached; users see and
//! revoke their sessions, admins a user's.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

/// A browser session of `username`: its cookie and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn sign_in(t: &TestApp, username: &str, password: &str) -> Browser {
    let (_, s) = t.app.login(username, password, [127, 0, 0, 1].into()).await.unwrap();
    Browser { cookie: format!("steward_session={}", s.token), csrf: s.csrf }
}

impl Browser {
    fn req(&self, t: &TestApp, method: Method, path: &str) -> reqwest::RequestBuilder {
        t.client
            .request(method, format!("{}{path}", t.base))
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }
    /// The status of reading `/api/v1/me` with this session.
    async fn me(&self, t: &TestApp) -> u16 {
        self.req(t, Method::GET, "/api/v1/me").send().await.unwrap().status().as_u16()
    }
}

const ADMINS_ONLY: &str = "only admins can manage users and groups";

async fn version_of(t: &TestApp, user: &str) -> i64 {
    t.json(&format!("/api/v1/users/{user}"), &t.admin).await["version"].as_i64().unwrap()
}

both!(own_password_change_needs_the_current_one_and_ends_other_sessions, |t| {
    let (here, elsewhere) = (sign_in(&t, "agent", PASSWORD).await, sign_in(&t, "agent", PASSWORD).await);
    assert_eq!((here.me(&t).await, elsewhere.me(&t).await), (200, 200), "both are live (and cached)");
    let change = |current: &str, new: &str| {
        here.req(&t, Method::PUT, "/api/v1/me/password").json(&json!({"current_password": current, "password": new}))
    };
    let cases = [
        ("not my password", "a brand new passphrase", "current_password", "is not your current password"),
        (PASSWORD, "short one", "password", "must be at least 12 characters"),
        (PASSWORD, "Qwerty123456", "password", "is one of the most common passwords; choose another"),
        (PASSWORD, "1QAZ2WSX3EDC", "password", "is one of the most common passwords; choose another"),
        (PASSWORD, PASSWORD, "password", "must differ from the current one"),
    ];
    for (current, new, field, message) in cases {
        let p = problem(change(current, new).send().await.unwrap(), 422, "validation_failed").await;
        assert_eq!(
            (p["errors"][0]["field"].as_str(), p["errors"][0]["message"].as_str()),
            (Some(field), Some(message))
        );
    }
    assert_eq!(elsewhere.me(&t).await, 200, "a refused change ends nothing");
    assert_eq!(change(PASSWORD, "a brand new passphrase").send().await.unwrap().status(), 204);
    assert_eq!(elsewhere.me(&t).await, 401, "the other session ended at once");
    assert_eq!(here.me(&t).await, 200, "the session that made the change stays");
    assert_eq!(t.get("/api/v1/me", &t.agent).await.status(), 200, "API tokens are not passwords: they stay");
    assert!(t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.is_err());
    sign_in(&t, "agent", "a brand new passphrase").await;
});

both!(admin_reset_ends_every_session_and_is_for_admins, |t| {
    let agent = sign_in(&t, "agent", PASSWORD).await;
    assert_eq!(agent.me(&t).await, 200);
    let body = json!({"password": "reset by the admin 1"});
    forbidden(t.put_json("/api/v1/users/agent/password", &t.manager, body.clone()).await, ADMINS_ONLY).await;
    assert_eq!(agent.me(&t).await, 200);
    let r = t.put_json("/api/v1/users/agent/password", &t.admin, json!({"password": "password"})).await;
    assert_eq!(invalid(r, &["password"]).await, "must be at least 12 characters");
    let r = t.put_json("/api/v1/users/nobody/password", &t.admin, body.clone()).await;
    problem(r, 404, "not_found").await;
    assert_eq!(t.put_json("/api/v1/users/agent/password", &t.admin, body).await.status(), 204);
    assert_eq!(agent.me(&t).await, 401, "a reset ends every session at once");
    sign_in(&t, "agent", "reset by the admin 1").await;
});

both!(deactivation_stops_sessions_and_tokens_at_once, |t| {
    let agent = sign_in(&t, "agent", PASSWORD).await;
    assert_eq!((agent.me(&t).await, t.get("/api/v1/me", &t.agent).await.status().as_u16()), (200, 200));
    let v = version_of(&t, "agent").await;
    let r = t.patch("/api/v1/users/agent", &t.admin, json!({"active": false, "version": v})).await;
    assert_eq!(r.status(), 200);
    let u: Value = r.json().await.unwrap();
    assert_eq!((u["active"].as_bool(), u["version"].as_i64()), (Some(false), Some(v + 1)));
    assert_eq!(agent.me(&t).await, 401, "the session is refused at once, not after the cache's 10 s");
    let p = problem(t.get("/api/v1/me", &t.agent).await, 401, "unauthenticated").await;
    assert_eq!(p["detail"], "sign in required: the API token is unknown or revoked");
    assert!(t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.is_err(), "no new sign-in either");
    // Reactivated, the user signs in again; the old token stays revoked.
    let r = t.patch("/api/v1/users/agent", &t.admin, json!({"active": true, "version": v + 1})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(sign_in(&t, "agent", PASSWORD).await.me(&t).await, 200);
    problem(t.get("/api/v1/me", &t.agent).await, 401, "unauthenticated").await;
});

both!(users_see_and_revoke_their_sessions_and_admins_a_users, |t| {
    let (a, b) = (sign_in(&t, "agent", PASSWORD).await, sign_in(&t, "agent", PASSWORD).await);
    let list: Value = a.req(&t, Method::GET, "/api/v1/me/sessions").send().await.unwrap().json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1, "{list:?}");
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"].as_i64().unwrap();
    // Another user cannot end it; its owner can.
    let r = t.delete(&format!("/api/v1/me/sessions/{other}"), &t.requester).await;
    problem(r, 404, "not_found").await;
    assert_eq!(b.me(&t).await, 200);
    let r = a.req(&t, Method::DELETE, &format!("/api/v1/me/sessions/{other}")).send().await.unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!((a.me(&t).await, b.me(&t).await), (200, 401));
    problem(t.delete("/api/v1/me/sessions/abc", &t.agent).await, 404, "not_found").await;
    // Admins list and end a user's sessions; nobody else may.
    forbidden(t.get("/api/v1/users/agent/sessions", &t.manager).await, ADMINS_ONLY).await;
    forbidden(t.delete("/api/v1/users/agent/sessions", &t.agent).await, ADMINS_ONLY).await;
    assert_eq!(t.json("/api/v1/users/agent/sessions", &t.admin).await.as_array().unwrap().len(), 1);
    assert_eq!(t.delete("/api/v1/users/agent/sessions", &t.admin).await.status(), 204);
    assert_eq!(a.me(&t).await, 401);
    assert_eq!(t.json("/api/v1/users/agent/sessions", &t.admin).await, json!([]));
});
