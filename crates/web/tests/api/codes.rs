//! Messages carry stable codes: each `errors[]` item of a problem names
//! what its message means (`required`, `too_long`, …, `other` where none
//! is given yet), and the pages translate a refusal by its code.

use crate::both;
use crate::helpers::*;
use reqwest::header;
use serde_json::json;

both!(field_errors_name_their_code, |t| {
    let long = "y".repeat(20_001);
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": " ", "description": long, "impact": 7})).await;
    let p = problem(r, 422, "validation_failed").await;
    let codes: Vec<(&str, &str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("title", "required", "is required"),
            ("description", "too_long", "is too long: at most 20000 characters, got 20001"),
            ("impact", "level", "must be one of 1 (high), 2 (medium), 3 (low)"),
        ],
        "{p}"
    );
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "assignee": "nobody"})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert!(p["errors"].as_array().unwrap().iter().any(|e| e["code"] == "group_for_assignee"), "{p}");
    // A message with no code of its own yet still says what it is.
    let n = num(&t.incident(&t.agent, json!({"title": "Printer"})).await);
    let p =
        problem(t.transition(&n, &t.agent, json!({"version": 1, "state": "sideways"})).await, 422, "validation_failed")
            .await;
    assert_eq!((p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()), (Some("state"), Some("other")));
});

/// Signs `user` in through the form, as a browser reading Polish does.
async fn sign_in(t: &TestApp, user: &str) -> String {
    let r = t.client.get(format!("{}/login", t.base)).send().await.unwrap();
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let body = r.text().await.unwrap();
    let start = body.find(r#"name="_csrf" value=""#).unwrap() + r#"name="_csrf" value=""#.len();
    let csrf = body[start..].split('"').next().unwrap().to_owned();
    let form = [("_csrf", csrf.as_str()), ("username", user), ("password", PASSWORD), ("next", "/")];
    let r = t.client.post(format!("{}/login", t.base)).header(header::COOKIE, cookie).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "signed in");
    let session = r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned());
    session.into_iter().find(|c| c.starts_with("steward_session=")).unwrap().split(';').next().unwrap().to_owned()
}

both!(a_refusal_reads_in_polish_by_its_code, |t| {
    let n = num(&t.incident(&t.requester2, json!({"title": "Someone else's"})).await);
    let cookie = sign_in(&t, "requester").await;
    let get = |lang: &'static str| {
        t.client
            .get(format!("{}/incidents/{n}", t.base))
            .header(header::COOKIE, cookie.clone())
            .header(header::ACCEPT_LANGUAGE, lang)
            .send()
    };
    let r = get("pl").await.unwrap();
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("Zgłaszający widzą tylko własne zgłoszenia"), "{page}");
    let page = get("en").await.unwrap().text().await.unwrap();
    assert!(page.contains("Requesters can only see their own incidents"), "{page}");
});
