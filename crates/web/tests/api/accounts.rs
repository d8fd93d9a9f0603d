use crate::both;
use crate::helpers::*;

both!(revoked_token_is_refused, |t| {
    let r = t.get("/api/v1/me", &t.agent).await;
    assert_eq!(r.status(), 200);
    let tokens: serde_json::Value = t.get("/api/v1/tokens", &t.agent).await.json().await.unwrap();
    let id = tokens[0]["id"].as_i64().unwrap();
    let r = t.req(reqwest::Method::DELETE, &format!("/api/v1/tokens/{id}"), &t.agent).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let r = t.get("/api/v1/me", &t.agent).await;
    let p = problem(r, 401, "unauthenticated").await;
    assert!(p["detail"].as_str().unwrap().contains("revoked"));
});
