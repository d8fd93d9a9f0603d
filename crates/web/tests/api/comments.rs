//! Public comments and internal work notes: who sees them, their limits,
//! and which reply counts as the first response.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

both!(comment_answers_and_listing, |t| {
    let n = num(&t.incident(&t.requester, json!({"title": "Headset crackles"})).await);
    let r = t.comment(&n, &t.agent, "  Which model is it?\nAnd since when?  ", false).await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["body"], "Which model is it?\nAnd since when?", "trimmed, newlines kept");
    assert_eq!((c["internal"].as_bool(), c["author"]["name"].as_str()), (Some(false), Some("agent user")));
    let note: Value = t.comment(&n, &t.agent, "Probably the USB hub", true).await.json().await.unwrap();
    assert_eq!(note["internal"], true);
    let reply: Value = t.comment(&n, &t.requester, "Jabra, since Monday", false).await.json().await.unwrap();
    assert_eq!(reply["author"]["name"], "requester user");
    // Exactly at the limit is fine.
    let long = "w".repeat(20_000);
    assert_eq!(t.comment(&n, &t.agent, &long, false).await.status(), 201);

    let all = t.json(&format!("/api/v1/incidents/{n}/comments"), &t.manager).await;
    let ids: Vec<i64> = all.as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 4);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first: {ids:?}");
    assert_eq!(all[0], c);
    assert_eq!(all[3]["body"].as_str().unwrap().len(), 20_000);
    let public = t.json(&format!("/api/v1/incidents/{n}/comments"), &t.requester).await;
    assert_eq!(public.as_array().unwrap().len(), 3);
    assert!(!public.to_string().contains("USB hub"));

    // Comments do not change the incident's version: an editor's ETag stays good.
    let inc = t.read(&n, &t.agent).await;
    assert_eq!(inc["version"], 1);
    let j = t.journal(&n, &t.agent).await;
    let actions: Vec<&str> = j.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "comment", "work_note", "comment", "comment"]);
    assert_eq!(j[2]["body"], "Probably the USB hub");
    assert_eq!(j[1]["actor"]["name"], "agent user");
    assert!(j[1]["changes"].as_array().unwrap().is_empty());
});

both!(first_response_is_the_first_public_staff_reply, |t| {
    let n = num(&t.incident(&t.requester, json!({"title": "Cannot log in"})).await);
    let first_response = |inc: &Value| inc["first_response_at"].clone();
    // The requester's own words, and internal notes, are no response.
    assert_eq!(t.comment(&n, &t.requester, "Please hurry", false).await.status(), 201);
    assert_eq!(t.comment(&n, &t.agent, "Looks like a lockout", true).await.status(), 201);
    assert!(first_response(&t.read(&n, &t.agent).await).is_null());

    let c: Value = t.comment(&n, &t.agent2, "Unlocked, try again", false).await.json().await.unwrap();
    let inc = t.read(&n, &t.agent).await;
    assert_eq!(first_response(&inc), c["created_at"], "the reply's time");
    assert_eq!(inc["updated_at"], c["created_at"], "a comment touches the incident");
    // Later replies and assignments leave it alone.
    assert_eq!(t.comment(&n, &t.manager, "Anything else?", false).await.status(), 201);
    let body = json!({"version": 1, "assignment_group": "Network", "assignee": "agent2"});
    let inc: Value = t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, body).await.json().await.unwrap();
    assert_eq!(first_response(&inc), c["created_at"]);

    // Staff commenting on their own incident are the requester there.
    let own = num(&t.incident(&t.agent, json!({"title": "My own monitor"})).await);
    assert_eq!(t.comment(&own, &t.agent, "Still dark", false).await.status(), 201);
    assert!(first_response(&t.read(&own, &t.agent).await).is_null());

    // Created already assigned: answered at once.
    let inc = t
        .incident(
            &t.agent,
            json!({"title": "Assigned at birth", "assignment_group": "Service Desk", "assignee": "agent"}),
        )
        .await;
    assert_eq!(first_response(&inc), inc["opened_at"]);

    // A refused comment leaves no trace.
    let n2 = num(&t.incident(&t.requester, json!({"title": "Quiet one"})).await);
    invalid(t.comment(&n2, &t.agent, "", false).await, &["body"]).await;
    invalid(t.comment(&n2, &t.agent, &"x".repeat(20_001), false).await, &["body"]).await;
    let (inc, journal) = t.snapshot(&n2).await;
    assert!(first_response(&inc).is_null());
    assert_eq!(journal.as_array().unwrap().len(), 1);
    assert!(t.json(&format!("/api/v1/incidents/{n2}/comments"), &t.agent).await.as_array().unwrap().is_empty());
});
