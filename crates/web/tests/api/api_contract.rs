//! The server keeps the side of the API contract a schema cannot check:
//! bodies are JSON objects, query strings are checked by name everywhere,
//! tokens say when they were made and last used.

use crate::both;
use crate::helpers::*;
use serde_json::json;

both!(a_json_array_where_an_object_belongs_is_refused, |t| {
    // serde reads a struct from an array field by field: `["x"]` made a token named x.
    let r = t.post("/api/v1/tokens", &t.agent, json!(["laptop"])).await;
    assert_eq!(invalid(r, &["body"]).await, "must be a JSON object");
    let r = t.post("/api/v1/incidents", &t.agent, json!(["Printer jams", "on floor 3"])).await;
    assert_eq!(invalid(r, &["body"]).await, "must be a JSON object");
    let r = t.post("/api/v1/groups/Network/members", &t.admin, json!(["agent2"])).await;
    assert_eq!(invalid(r, &["body"]).await, "must be a JSON object");
    assert_eq!(t.json("/api/v1/tokens", &t.agent).await.as_array().unwrap().len(), 1, "no token was made");
});

both!(a_bad_query_string_is_a_problem_naming_the_parameter, |t| {
    for (path, field) in [
        ("/api/v1/mail/inbound?limit=abc", "limit"),
        ("/api/v1/mail/inbound?limit=0", "limit"),
        ("/api/v1/mail/inbound?colour=red", "colour"),
        ("/api/v1/outbox?limit=abc", "limit"),
        ("/api/v1/cis?limit=-1&format=json_all", "limit"),
        ("/api/v1/cis/1?as_of=", "as_of"),
        ("/api/v1/incidents?limit=x", "limit"),
        ("/api/v1/incidents?major=", "major"),
    ] {
        let r = t.get(path, &t.admin).await;
        assert_eq!(r.headers()["content-type"], "application/problem+json", "{path}");
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(fields(&p), [field], "{path}");
    }
});

both!(tokens_say_when_they_were_made_and_last_used, |t| {
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "laptop"})).await;
    assert_eq!(r.status(), 201);
    let made: serde_json::Value = r.json().await.unwrap();
    let created: jiff::Timestamp = made["created_at"].as_str().unwrap().parse().unwrap();
    assert!((jiff::Timestamp::now() - created).get_seconds().abs() < 60, "{made}");
    assert!(made["last_used_at"].is_null(), "{made}");
    let secret = made["token"].as_str().unwrap().to_owned();
    let last_used = async |t: &TestApp| {
        let list = t.json("/api/v1/tokens", &t.agent).await;
        list.as_array().unwrap().iter().find(|x| x["id"] == made["id"]).unwrap()["last_used_at"].clone()
    };
    assert!(last_used(&t).await.is_null(), "listing with another token does not use this one");
    t.json("/api/v1/me", &secret).await;
    // Recorded after the answer, in the background: wait for it (bounded).
    let mut first = serde_json::Value::Null;
    for _ in 0..200 {
        first = last_used(&t).await;
        if !first.is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let at: jiff::Timestamp = first.as_str().expect("last_used_at is recorded").parse().unwrap();
    assert!(at >= created);
    // Used again within the minute: not written again.
    t.json("/api/v1/me", &secret).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(last_used(&t).await, first);
});
