//! Who is calling: no token, a wrong or revoked token, a browser session
//! cookie and its CSRF token.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

/// Signs `username` in as a browser would; gives the session cookie's
/// value and its CSRF token.
async fn sign_in(t: &TestApp, username: &str) -> (String, String) {
    let (_, session) = t.app.login(username, PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    (session.token, session.csrf)
}

both!(no_token_or_a_bad_one, |t| {
    let anonymous = |method: Method, path: &str| t.client.request(method, format!("{}{path}", t.base));
    for (method, path) in [
        (Method::GET, "/api/v1/incidents"),
        (Method::GET, "/api/v1/me"),
        (Method::POST, "/api/v1/incidents"),
        (Method::POST, "/api/v1/incidents/INC0000001/comments"),
    ] {
        let r = anonymous(method.clone(), path).json(&json!({"title": "anonymous"})).send().await.unwrap();
        assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"steward\"", "{method} {path}");
        let p = problem(r, 401, "unauthenticated").await;
        assert_eq!(p["detail"], "sign in required: send Authorization: Bearer <token> or sign in");
    }
    for header in ["Bearer stw_not-a-real-token", "bearer stw_nope"] {
        let r = anonymous(Method::GET, "/api/v1/me").header("authorization", header).send().await.unwrap();
        assert!(r.headers().contains_key("www-authenticate"));
        let p = problem(r, 401, "unauthenticated").await;
        assert_eq!(p["detail"], "sign in required: the API token is unknown or revoked", "{header}");
    }
    // Basic auth is not a way in.
    let r = anonymous(Method::GET, "/api/v1/me").basic_auth("agent", Some(PASSWORD)).send().await.unwrap();
    problem(r, 401, "unauthenticated").await;
    assert_eq!(t.count().await, 0, "nothing was created");
});

both!(revoked_token_is_refused_everywhere, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Before revoking"})).await);
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "spare"})).await;
    let spare = r.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let tokens = t.json("/api/v1/tokens", &t.agent).await;
    let id = tokens.as_array().unwrap().iter().find(|t| t["name"] == "test").unwrap()["id"].as_i64().unwrap();
    assert_eq!(t.delete(&format!("/api/v1/tokens/{id}"), &t.agent).await.status(), 204);
    let before = t.snapshot(&n).await;
    let revoked = "sign in required: the API token is unknown or revoked";
    let p = problem(t.get("/api/v1/me", &t.agent).await, 401, "unauthenticated").await;
    assert_eq!(p["detail"], revoked);
    let p =
        problem(t.post("/api/v1/incidents", &t.agent, json!({"title": "after"})).await, 401, "unauthenticated").await;
    assert_eq!(p["detail"], revoked);
    let r = t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, json!({"version": 1, "title": "after"})).await;
    problem(r, 401, "unauthenticated").await;
    problem(t.comment(&n, &t.agent, "after", false).await, 401, "unauthenticated").await;
    assert_eq!(t.snapshot(&n).await, before);
    assert_eq!(t.count().await, 1);
    // The listing shows when it was revoked; the other token still works.
    let tokens = t.json("/api/v1/tokens", &spare).await;
    let test = tokens.as_array().unwrap().iter().find(|t| t["name"] == "test").unwrap();
    assert!(test["revoked_at"].is_string(), "{test}");
    assert_eq!(t.json("/api/v1/me", &spare).await["username"], "agent");
});

both!(session_cookie_needs_csrf_token_to_write, |t| {
    let (session, csrf) = sign_in(&t, "agent").await;
    let cookie = format!("steward_session={session}");
    let with_cookie = |method: Method, path: &str| {
        t.client.request(method, format!("{}{path}", t.base)).header("cookie", cookie.clone())
    };
    // Reading needs no CSRF token.
    let r = with_cookie(Method::GET, "/api/v1/me").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["username"], "agent");

    let n = num(&t.incident(&t.agent, json!({"title": "Existing"})).await);
    let before = t.snapshot(&n).await;
    let csrf_failed = "a request signed in by cookie must send the X-CSRF-Token header";
    for bad in [None, Some("wrong"), Some("")] {
        let mut writes = vec![
            with_cookie(Method::POST, "/api/v1/incidents").json(&json!({"title": "forged"})),
            with_cookie(Method::PATCH, &format!("/api/v1/incidents/{n}"))
                .json(&json!({"version": 1, "title": "forged"})),
            with_cookie(Method::POST, &format!("/api/v1/incidents/{n}/comments")).json(&json!({"body": "forged"})),
            with_cookie(Method::POST, "/api/v1/tokens").json(&json!({"name": "forged"})),
        ];
        if let Some(token) = bad {
            writes = writes.into_iter().map(|rb| rb.header("x-csrf-token", token)).collect();
        }
        for rb in writes {
            let p = problem(rb.send().await.unwrap(), 403, "csrf_failed").await;
            assert_eq!(p["detail"], csrf_failed);
        }
    }
    assert_eq!(t.count().await, 1, "nothing was created");
    assert_eq!(t.snapshot(&n).await, before, "nothing changed");
    assert_eq!(t.json("/api/v1/tokens", &t.agent).await.as_array().unwrap().len(), 1);

    // With the session's token the same request goes through.
    let r =
        with_cookie(Method::POST, "/api/v1/incidents").header("x-csrf-token", &csrf).json(&json!({"title": "real"}));
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["requester"]["name"], "agent user");
    // Another user's CSRF token does not fit this session.
    let (_, other_csrf) = sign_in(&t, "requester").await;
    let r =
        with_cookie(Method::POST, "/api/v1/incidents").header("x-csrf-token", &other_csrf).json(&json!({"title": "x"}));
    problem(r.send().await.unwrap(), 403, "csrf_failed").await;
    // A session that was signed out is no session.
    t.app.logout(&session).await.unwrap();
    let r = with_cookie(Method::GET, "/api/v1/me").send().await.unwrap();
    let p = problem(r, 401, "unauthenticated").await;
    assert_eq!(p["detail"], "sign in required: your session has ended");
    assert_eq!(t.count().await, 2);
});
