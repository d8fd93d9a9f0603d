//! Bad bodies: each answer names the problem (and the field), and nothing
//! changes.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::json;

/// An incident to aim bad requests at, with the snapshot before them.
async fn target(t: &TestApp) -> (String, (serde_json::Value, serde_json::Value)) {
    let n = num(&t.incident(&t.agent, json!({"title": "Target", "description": "keep me"})).await);
    let snap = t.snapshot(&n).await;
    (n, snap)
}

both!(malformed_json_and_wrong_content_type, |t| {
    let (n, before) = target(&t).await;
    let raw = |method: Method, path: String, ct: Option<&'static str>, body: &'static str| {
        let mut rb = t.req(method, &path, &t.agent).body(body);
        if let Some(ct) = ct {
            rb = rb.header("content-type", ct);
        }
        rb.send()
    };
    let paths = [
        (Method::POST, "/api/v1/incidents".to_owned()),
        (Method::PATCH, format!("/api/v1/incidents/{n}")),
        (Method::POST, format!("/api/v1/incidents/{n}/transitions")),
        (Method::POST, format!("/api/v1/incidents/{n}/comments")),
    ];
    for (m, path) in &paths {
        for (body, why) in [("{", "EOF while parsing an object"), ("not json", "expected ident at line 1 column 2")] {
            let r = raw(m.clone(), path.clone(), Some("application/json"), body).await.unwrap();
            let p = problem(r, 400, "malformed_json").await;
            assert!(p["detail"].as_str().unwrap().starts_with(&format!("the body is not valid JSON: {why}")), "{p}");
        }
        for ct in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
            let r = raw(m.clone(), path.clone(), ct, r#"{"title": "x", "body": "x", "version": 1}"#).await.unwrap();
            let p = problem(r, 415, "unsupported_media_type").await;
            assert_eq!(p["detail"], "send the body as application/json", "{m} {path} {ct:?}");
        }
    }
    // A JSON content type with parameters or a +json suffix is fine.
    let r =
        raw(Method::POST, "/api/v1/incidents".into(), Some("application/json; charset=utf-8"), r#"{"title": "ok"}"#);
    assert_eq!(r.await.unwrap().status(), 201);
    let r =
        raw(Method::POST, "/api/v1/incidents".into(), Some("application/merge-patch+json"), r#"{"title": "ok too"}"#);
    assert_eq!(r.await.unwrap().status(), 201);
    assert_eq!(t.count().await, 3);
    assert_eq!(t.snapshot(&n).await, before);
});

both!(unknown_missing_and_mistyped_fields, |t| {
    let (n, before) = target(&t).await;
    let msg =
        invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "colour": "red"})).await, &["colour"]).await;
    assert!(msg.starts_with("unknown field `colour`, expected one of `title`, `description`"), "{msg}");
    let msg = invalid(t.post("/api/v1/incidents", &t.agent, json!({"impact": 1})).await, &["title"]).await;
    assert_eq!(msg, "missing field `title`");
    let msg = invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": 5})).await, &["title"]).await;
    assert_eq!(msg, "invalid type: integer `5`, expected a string");
    let msg =
        invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "impact": "high"})).await, &["impact"])
            .await;
    assert_eq!(msg, "invalid type: string \"high\", expected i64");
    let r = t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, json!({"version": 1, "colour": "red"})).await;
    invalid(r, &["colour"]).await;
    let r = t.transition(&n, &t.agent, json!({"version": 1})).await;
    assert_eq!(invalid(r, &["state"]).await, "missing field `state`");
    let r = t.comment(&n, &t.agent, "x", false).await;
    assert_eq!(r.status(), 201);
    let r = t.post(&format!("/api/v1/incidents/{n}/comments"), &t.agent, json!({"text": "x"})).await;
    invalid(r, &["text"]).await;
    let r = t.post("/api/v1/users", &t.admin, json!({"username": "x"})).await;
    assert_eq!(invalid(r, &["role"]).await, "missing field `role`");
    assert_eq!(t.count().await, 1);
    let (inc, journal) = t.snapshot(&n).await;
    assert_eq!(inc["version"], before.0["version"]);
    assert_eq!(journal.as_array().unwrap().len(), 2, "created and the one good comment");
});

both!(text_limits, |t| {
    let (n, before) = target(&t).await;
    let long_title = "x".repeat(201);
    let long_text = "y".repeat(20_001);
    let create = |body| t.post("/api/v1/incidents", &t.agent, body);
    let msg = invalid(create(json!({"title": long_title})).await, &["title"]).await;
    assert_eq!(msg, "is too long: at most 200 characters, got 201");
    // Characters, not bytes: 200 Polish letters are fine …
    let ok = t.incident(&t.agent, json!({"title": "ż".repeat(200), "description": "z".repeat(20_000)})).await;
    assert_eq!(ok["title"].as_str().unwrap().chars().count(), 200);
    // … 201 are not.
    invalid(create(json!({"title": "ż".repeat(201)})).await, &["title"]).await;
    assert_eq!(invalid(create(json!({"title": "   "})).await, &["title"]).await, "is required");
    assert_eq!(
        invalid(create(json!({"title": "bell\u{7}"})).await, &["title"]).await,
        "must not contain control characters"
    );
    let msg = invalid(create(json!({"title": "ok", "description": long_text})).await, &["description"]).await;
    assert_eq!(msg, "is too long: at most 20000 characters, got 20001");
    // Every bad field at once.
    let r = create(json!({"title": "", "description": long_text, "impact": 7, "urgency": 0})).await;
    invalid(r, &["title", "description", "impact", "urgency"]).await;

    let path = format!("/api/v1/incidents/{n}");
    let msg = invalid(t.patch(&path, &t.agent, json!({"version": 1, "title": long_title})).await, &["title"]).await;
    assert_eq!(msg, "is too long: at most 200 characters, got 201");
    invalid(t.patch(&path, &t.agent, json!({"version": 1, "title": ""})).await, &["title"]).await;
    let msg =
        invalid(t.patch(&path, &t.agent, json!({"version": 1, "description": long_text})).await, &["description"])
            .await;
    assert_eq!(msg, "is too long: at most 20000 characters, got 20001");
    let msg = invalid(t.comment(&n, &t.agent, &long_text, false).await, &["body"]).await;
    assert_eq!(msg, "is too long: at most 20000 characters, got 20001");
    invalid(t.comment(&n, &t.agent, &long_text, true).await, &["body"]).await;
    assert_eq!(invalid(t.comment(&n, &t.agent, " \n ", false).await, &["body"]).await, "is required");
    let r = t.transition(&n, &t.agent, json!({"version": 1, "state": "in_progress", "comment": long_text})).await;
    invalid(r, &["comment"]).await;
    let r = t
        .transition(
            &n,
            &t.agent,
            json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": long_text}),
        )
        .await;
    assert_eq!(invalid(r, &["resolution_notes"]).await, "is too long: at most 20000 characters, got 20001");
    assert_eq!(t.count().await, 2);
    assert_eq!(t.snapshot(&n).await, before);
});

both!(invalid_enum_values, |t| {
    let (n, before) = target(&t).await;
    let levels = "must be one of 1 (high), 2 (medium), 3 (low)";
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "impact": 7})).await;
    assert_eq!(invalid(r, &["impact"]).await, levels);
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "urgency": 0})).await;
    assert_eq!(invalid(r, &["urgency"]).await, levels);
    let path = format!("/api/v1/incidents/{n}");
    assert_eq!(invalid(t.patch(&path, &t.agent, json!({"version": 1, "impact": 7})).await, &["impact"]).await, levels);
    assert_eq!(
        invalid(t.patch(&path, &t.agent, json!({"version": 1, "urgency": 0})).await, &["urgency"]).await,
        levels
    );
    let cases = [
        (
            json!({"version": 1, "state": "bogus"}),
            "state",
            "unknown state \"bogus\": must be one of new, in_progress, on_hold, resolved, closed, cancelled",
        ),
        (
            json!({"version": 1, "state": "on_hold", "hold_reason": "later"}),
            "hold_reason",
            "unknown hold reason \"later\": must be one of awaiting_caller, awaiting_vendor, awaiting_change",
        ),
        (
            json!({"version": 1, "state": "resolved", "resolution_code": "fixed", "resolution_notes": "x"}),
            "resolution_code",
            "unknown resolution code \"fixed\": must be one of solved, workaround, not_reproducible, duplicate, \
             resolved_by_caller, no_fault_found",
        ),
    ];
    for (body, field, message) in cases {
        assert_eq!(invalid(t.transition(&n, &t.agent, body).await, &[field]).await, message);
    }
    assert_eq!(t.count().await, 1);
    assert_eq!(t.snapshot(&n).await, before);
});

both!(unknown_endpoints_and_records, |t| {
    let (n, before) = target(&t).await;
    for path in ["/api/v1/nope", "/api/v1/incidents/INC0000001/nope", "/api/v1", "/api/v1/nope/deeper"] {
        let p = problem(t.get(path, &t.agent).await, 404, "not_found").await;
        assert_eq!(p["detail"], "endpoint not found", "{path}");
    }
    let p = problem(t.post("/api/v1/nope", &t.agent, json!({})).await, 404, "not_found").await;
    assert_eq!(p["detail"], "endpoint not found");
    for number in ["INC0000099", "garbage", "0", "-1"] {
        let p = problem(t.get(&format!("/api/v1/incidents/{number}"), &t.agent).await, 404, "not_found").await;
        assert_eq!(p["detail"], "incident not found", "{number}");
        let r = t.patch(&format!("/api/v1/incidents/{number}"), &t.agent, json!({"version": 1, "title": "x"})).await;
        problem(r, 404, "not_found").await;
        let r = t.transition(number, &t.agent, json!({"version": 1, "state": "cancelled"})).await;
        problem(r, 404, "not_found").await;
        problem(t.comment(number, &t.agent, "hello?", false).await, 404, "not_found").await;
    }
    // The short form of a number works too.
    assert_eq!(t.read("1", &t.agent).await["number"], n);
    assert_eq!(t.snapshot(&n).await, before);
});

both!(bad_methods_ids_and_query_parameters, |t| {
    let (n, before) = target(&t).await;
    for (method, path, allow) in [
        (Method::DELETE, "/api/v1/incidents".to_owned(), "GET,HEAD,POST"),
        (Method::PUT, format!("/api/v1/incidents/{n}"), "GET,HEAD,PATCH"),
        (Method::GET, format!("/api/v1/incidents/{n}/transitions"), "POST"),
    ] {
        let r = t.req(method.clone(), &path, &t.admin).json(&json!({"title": "x"})).send().await.unwrap();
        assert_eq!(r.headers()["allow"], allow, "{method} {path}");
        let p = problem(r, 405, "method_not_allowed").await;
        assert_eq!(p["detail"], "this endpoint does not take this method; the Allow header lists those it takes");
    }
    let p = problem(t.get(&format!("/api/v1/incidents/{n}/attachments/abc"), &t.agent).await, 404, "not_found").await;
    assert_eq!(p["detail"], "attachment not found");
    let r = t.list(&[("limit", "abc")], &t.agent).await;
    assert_eq!(invalid(r, &["limit"]).await, "invalid digit found in string");
    let r = t.list(&[("colour", "red")], &t.agent).await;
    assert!(invalid(r, &["colour"]).await.starts_with("unknown field `colour`, expected one of `state`"));
    assert_eq!(t.snapshot(&n).await, before);
});
