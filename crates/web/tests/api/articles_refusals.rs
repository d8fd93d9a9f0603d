//! Every refusal of the knowledge API with the field it names and nothing
//! stored, and Markdown with XSS payloads neutralised in the HTML the API
//! returns.

use crate::articles::{move_to, transition, write};
use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

fn text(lang: &str, title: &str, body: &str) -> Value {
    json!({"lang": lang, "title": title, "body": body})
}

both!(bad_articles_name_the_field_and_store_nothing, |t| {
    let create = |body: Value| {
        let t = &t;
        async move { t.post("/api/v1/articles", &t.agent, body).await }
    };
    let ok = [text("en", "Title", "Body")];
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({"audience": "requesters", "translations": []}), vec!["translations"]),
        (json!({"audience": "requesters", "translations": [text("en", "  ", "Body")]}), vec!["translations[0].title"]),
        (json!({"audience": "requesters", "translations": [text("en", "T", "")]}), vec!["translations[0].body"]),
        (
            json!({"audience": "requesters", "translations": [text("en", "T", "B"), text("en", "U", "C")]}),
            vec!["translations[1].lang"],
        ),
        (json!({"audience": "requesters", "translations": [text("de", "T", "B")]}), vec!["translations[0].lang"]),
        (
            json!({"audience": "requesters", "translations": [text("en", &"x".repeat(201), "B")]}),
            vec!["translations[0].title"],
        ),
        (
            json!({"audience": "requesters", "translations": [text("en", "T", &"x".repeat(200 * 1024 + 1))]}),
            vec!["translations[0].body"],
        ),
        (
            json!({"audience": "requesters", "translations": [text("en", "Tab\u{0007}", "B")]}),
            vec!["translations[0].title"],
        ),
        (json!({"audience": "everyone", "translations": ok}), vec!["audience"]),
        (json!({"audience": "staff", "category": "x".repeat(101), "translations": ok}), vec!["category"]),
        (json!({"audience": "staff", "review_by": "2001-01-01", "translations": ok}), vec!["review_by"]),
        (json!({"audience": "staff", "review_by": "soon", "translations": ok}), vec!["review_by"]),
        (json!({"audience": "staff", "change_note": "a\nb", "translations": ok}), vec!["change_note"]),
        (json!({"audience": "staff", "problems": ["PRB0000099"], "translations": ok}), vec!["problems"]),
        (json!({"audience": "staff", "problems": ["INC0000001"], "translations": ok}), vec!["problems[0]"]),
        (json!({"audience": "staff", "services": ["Nowhere"], "translations": ok}), vec!["services[0]"]),
        (json!({"audience": "staff"}), vec!["translations"]),
        (json!({"audience": "staff", "translations": ok, "colour": "red"}), vec!["colour"]),
    ];
    for (body, fields) in cases {
        let r = create(body.clone()).await;
        assert_eq!(r.status(), 422, "{body}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(crate::helpers::fields(&p), fields, "{body}: {p}");
    }
    // Several problems at once, each named.
    let r = create(json!({"audience": "nobody", "translations": [text("xx", "", "B")]})).await;
    invalid(r, &["audience", "translations[0].lang", "translations[0].title"]).await;
    assert_eq!(t.json("/api/v1/articles", &t.admin).await["count"], 0, "nothing stored");
    forbidden(
        t.post("/api/v1/articles", &t.requester, json!({"audience": "staff", "translations": ok})).await,
        "only agents, managers and admins can write articles",
    )
    .await;
});

both!(bad_changes_are_refused, |t| {
    let a = write(&t, &t.agent, "requesters", "Clear the browser cache").await;
    let n = num(&a);
    let path = format!("/api/v1/articles/{n}");
    // Versions: none sent, stale in the body (409), stale in If-Match (412).
    problem(t.patch(&path, &t.agent, json!({"category": "Web"})).await, 428, "version_required").await;
    problem(t.patch(&path, &t.agent, json!({"version": 7, "category": "Web"})).await, 409, "version_conflict").await;
    let r = t
        .req(reqwest::Method::PATCH, &path, &t.agent)
        .header("If-Match", "\"7\"")
        .json(&json!({"category": "Web"}))
        .send()
        .await
        .unwrap();
    problem(r, 412, "version_conflict").await;
    invalid(
        t.patch(&path, &t.agent, json!({"version": 1, "translations": [text("en", "", "B")]})).await,
        &["translations[0].title"],
    )
    .await;
    // Another agent's draft.
    forbidden(
        t.patch(&path, &t.agent2, json!({"version": 1, "category": "Web"})).await,
        "only its author, managers and admins can change a draft",
    )
    .await;
    forbidden(
        transition(&t, &n, &t.agent2, json!({"version": 1, "state": "in_review"})).await,
        "only its author, managers and admins can change a draft",
    )
    .await;
    invalid(transition(&t, &n, &t.agent, json!({"version": 1, "state": "approved"})).await, &["state"]).await;
    invalid(transition(&t, &n, &t.manager, json!({"version": 1, "state": "superseded"})).await, &["state"]).await;
    let r = transition(&t, &n, &t.manager, json!({"version": 1, "state": "retired"})).await;
    let p = problem(r, 409, "transition_not_allowed").await;
    assert_eq!(p["allowed"], json!(["in_review", "published", "discarded"]), "{p}");
    problem(
        transition(&t, &n, &t.agent, json!({"version": 1, "state": "draft", "article_version": 9})).await,
        404,
        "not_found",
    )
    .await;
    // In review: no edits, no second version.
    move_to(&t, &n, &t.agent, json!({"version": 1, "state": "in_review"})).await;
    let p = problem(
        t.patch(&path, &t.agent, json!({"version": 2, "category": "Web"})).await,
        409,
        "transition_not_allowed",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("is in review"), "{p}");
    let r = t.post(&format!("{path}/versions"), &t.agent, json!({"version": 2})).await;
    problem(r, 409, "transition_not_allowed").await;
    // Feedback: only on a published version the reader may read.
    forbidden(
        t.post(&format!("{path}/feedback"), &t.requester, json!({"helpful": true})).await,
        "this article is not published",
    )
    .await;
    let a = move_to(&t, &n, &t.manager, json!({"version": 2, "state": "published"})).await;
    assert_eq!(a["version"], 3);
    let long = "x".repeat(2001);
    invalid(
        t.post(&format!("{path}/feedback"), &t.requester, json!({"helpful": true, "comment": long})).await,
        &["comment"],
    )
    .await;
    invalid(t.post(&format!("{path}/feedback"), &t.requester, json!({"helpful": "yes"})).await, &["helpful"]).await;
    invalid(
        t.post(&format!("{path}/feedback"), &t.agent, json!({"helpful": true, "article_version": 5})).await,
        &["version"],
    )
    .await;
    assert_eq!(t.json(&format!("{path}/feedback"), &t.agent).await, json!([]), "nothing stored");
    // Unknown articles and numbers of other kinds.
    for missing in ["KB0000099", "INC0000001", "nope"] {
        problem(t.get(&format!("/api/v1/articles/{missing}"), &t.agent).await, 404, "not_found").await;
    }
    problem(t.get(&format!("{path}?version=9"), &t.agent).await, 404, "not_found").await;
    invalid(t.get(&format!("{path}?version=x"), &t.agent).await, &["version"]).await;
});

/// Markdown as an attacker would write it: script, iframes, event handlers,
/// `javascript:` links (raw and as Markdown), a data: URL and an SVG.
const PAYLOADS: &str = "# Hello\n\n\
<script>alert(1)</script>\n\n\
<iframe src=\"https://evil.example\"></iframe>\n\n\
<img src=x onerror=\"alert(2)\">\n\n\
<a href=\"javascript:alert(3)\" onclick=\"alert(4)\">click</a>\n\n\
[markdown link](javascript:alert(5)) and [spaced](  JaVaScRiPt:alert(6)) \n\n\
![image](javascript:alert(7))\n\n\
<svg onload=alert(8)><circle/></svg>\n\n\
<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>\n\n\
<div style=\"background:url(javascript:alert(9))\" onmouseover=\"alert(10)\">hover</div>\n\n\
[fine](https://example.com/help)";

/// Asserts `html` carries nothing that runs.
fn harmless(html: &str) {
    let lower = html.to_lowercase();
    for bad in [
        "<script",
        "<iframe",
        "<svg",
        "onerror",
        "onclick",
        "onload",
        "onmouseover",
        "javascript:",
        "data:text",
        "style=",
    ] {
        assert!(!lower.contains(bad), "{bad} survived in {html}");
    }
}

both!(markdown_xss_payloads_are_neutralised, |t| {
    let body =
        json!({"audience": "requesters", "translations": [text("en", "XSS", PAYLOADS), text("pl", "XSS", PAYLOADS)]});
    let r = t.post("/api/v1/articles", &t.agent, body).await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    for tx in a["shown"]["texts"].as_array().unwrap() {
        let html = tx["html"].as_str().unwrap();
        harmless(html);
        assert!(html.contains("<h1>Hello</h1>"), "{html}");
        assert!(html.contains("<a href=\"https://example.com/help\" rel=\"noopener noreferrer\">fine</a>"), "{html}");
        assert_eq!(tx["body"], PAYLOADS, "the Markdown is kept as written");
    }
    // The same after review and publishing, as a requester reads it.
    let n = num(&a);
    move_to(&t, &n, &t.agent, json!({"version": 1, "state": "in_review"})).await;
    move_to(&t, &n, &t.manager, json!({"version": 2, "state": "published"})).await;
    let read = t.json(&format!("/api/v1/articles/{n}"), &t.requester).await;
    harmless(read["shown"]["texts"][0]["html"].as_str().unwrap());
    // The title is text, never markup.
    assert_eq!(read["title"], "XSS");
});
