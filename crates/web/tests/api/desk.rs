//! The desk's daily work over the API: canned replies, saved views, bulk
//! changes, a comment with its files, assign to me.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use steward_app::accounts::NewUser;

/// A requester who reads Polish, with a token.
async fn polish_requester(t: &TestApp) -> String {
    t.app
        .add_user(
            None,
            NewUser {
                username: "zofia".into(),
                display_name: Some("Zofia Nowak".into()),
                email: None,
                role: "requester".into(),
                organisation: None,
                groups: vec![],
                password: None,
                locale: Some("pl".into()),
            },
        )
        .await
        .unwrap();
    t.app.create_token(None, "zofia", "test").await.unwrap().token
}

both!(canned_replies_are_filled_for_the_incident_in_its_requesters_language, |t| {
    let shared = json!({
        "title": "Thanks",
        "body_en": "Hello {requester_first_name}, we are on {number} ({title}). {{{group}}} — {agent}",
        "body_pl": "Dzień dobry, {requester}! Zajmujemy się {number}. — {agent}",
    });
    let r = t.post("/api/v1/canned-replies", &t.manager, shared).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let network = json!({"title": "Router reboot", "group": "Network", "body_en": "Please reboot your router."});
    let r = t.post("/api/v1/canned-replies", &t.admin, network).await;
    assert_eq!(r.status(), 201);
    let reply: Value = r.json().await.unwrap();
    assert_eq!((reply["group"].as_str(), reply["body_pl"].as_null()), (Some("Network"), Some(())));

    let inc = t
        .incident(
            &t.agent,
            json!({"title": "Printer jam", "requester": "requester", "assignment_group": "Service Desk"}),
        )
        .await;
    let n = num(&inc);
    let filled = t.json(&format!("/api/v1/incidents/{n}/canned-replies"), &t.agent).await;
    // The agent is in Service Desk only: the Network reply is not offered.
    assert_eq!(filled.as_array().unwrap().len(), 1, "{filled}");
    assert_eq!(
        filled[0]["text"],
        format!("Hello requester, we are on {n} (Printer jam). {{Service Desk}} — agent user")
    );
    // agent2 (Network) gets both on the same incident.
    let filled = t.json(&format!("/api/v1/incidents/{n}/canned-replies"), &t.agent2).await;
    let titles: Vec<&str> = filled.as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Thanks", "Router reboot"]);

    // A requester who reads Polish gets the Polish text; one without it, English.
    let zofia = polish_requester(&t).await;
    let pn = num(&t.incident(&zofia, json!({"title": "Drukarka"})).await);
    let filled = t.json(&format!("/api/v1/incidents/{pn}/canned-replies"), &t.agent2).await;
    assert_eq!(filled[0]["text"], format!("Dzień dobry, Zofia Nowak! Zajmujemy się {pn}. — agent2 user"));
    assert_eq!(filled[1]["text"], "Please reboot your router.");

    // Requesters neither read nor use them.
    forbidden(
        t.get(&format!("/api/v1/incidents/{pn}/canned-replies"), &zofia).await,
        "only agents, managers and admins can use canned replies",
    )
    .await;
    forbidden(
        t.get("/api/v1/canned-replies", &t.requester).await,
        "only agents, managers and admins can use canned replies",
    )
    .await;
});

both!(canned_replies_refuse_bad_input_and_stale_versions, |t| {
    let msg = invalid(
        t.post("/api/v1/canned-replies", &t.manager, json!({"title": "x", "body_en": "Hi {name}"})).await,
        &["body_en"],
    )
    .await;
    assert!(msg.starts_with("unknown placeholder {name}; use one of {requester}"), "{msg}");
    invalid(
        t.post(
            "/api/v1/canned-replies",
            &t.manager,
            json!({"title": " ", "body_en": "ok", "body_pl": "a {b", "group": "Nope"}),
        )
        .await,
        &["title", "body_pl", "group"],
    )
    .await;
    invalid(t.post("/api/v1/canned-replies", &t.manager, json!({"title": "x"})).await, &["body_en"]).await;
    invalid(
        t.post("/api/v1/canned-replies", &t.manager, json!({"title": "x", "body_en": "y", "colour": 1})).await,
        &["colour"],
    )
    .await;
    forbidden(
        t.post("/api/v1/canned-replies", &t.agent, json!({"title": "x", "body_en": "y"})).await,
        "only managers and admins can manage canned replies",
    )
    .await;

    let r = t
        .post("/api/v1/canned-replies", &t.manager, json!({"title": "Hold", "body_en": "We wait for {requester}."}))
        .await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let path = format!("/api/v1/canned-replies/{id}");
    let r = t
        .req(Method::PUT, &path, &t.manager)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "On hold", "body_en": "Waiting for you, {requester_first_name}."}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["etag"], "\"2\"");
    // The same edit from version 1 again is stale and changes nothing.
    let r = t
        .req(Method::PUT, &path, &t.manager)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "Lost", "body_en": "x"}))
        .send()
        .await
        .unwrap();
    problem(r, 412, "version_conflict").await;
    problem(
        t.put_json(&path, &t.manager, json!({"title": "No version", "body_en": "x"})).await,
        428,
        "version_required",
    )
    .await;
    assert_eq!(t.json(&path, &t.agent).await["title"], "On hold");
    problem(
        t.req(Method::DELETE, &path, &t.manager).header("if-match", "\"1\"").send().await.unwrap(),
        412,
        "version_conflict",
    )
    .await;
    let r = t.req(Method::DELETE, &path, &t.manager).header("if-match", "\"2\"").send().await.unwrap();
    assert_eq!(r.status(), 204);
    problem(t.get(&path, &t.agent).await, 404, "not_found").await;
    problem(t.get("/api/v1/canned-replies/abc", &t.agent).await, 404, "not_found").await;
});

both!(saved_views_belong_to_their_user, |t| {
    let r = t
        .post(
            "/api/v1/views",
            &t.agent,
            json!({"name": "My open", "filters": {"state": "open", "assignee": "me", "sort": "-updated"}}),
        )
        .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["filters"], json!({"assignee": "me", "sort": "-updated", "state": "open"}));
    assert_eq!(v["href"], "/incidents?assignee=me&sort=-updated&state=open");
    let id = v["id"].as_i64().unwrap();

    assert_eq!(t.json("/api/v1/views", &t.agent).await.as_array().unwrap().len(), 1);
    assert_eq!(t.json("/api/v1/views", &t.agent2).await, json!([]), "another user sees none of them");
    problem(t.delete(&format!("/api/v1/views/{id}"), &t.agent2).await, 404, "not_found").await;
    // agent2 may use the same name for their own.
    let r = t.post("/api/v1/views", &t.agent2, json!({"name": "My open", "filters": {}})).await;
    assert_eq!(r.status(), 201);

    invalid(t.post("/api/v1/views", &t.agent, json!({"name": "My open", "filters": {}})).await, &["name"]).await;
    invalid(t.post("/api/v1/views", &t.agent, json!({"name": "x", "filters": {"colour": "red"}})).await, &["filters"])
        .await;
    invalid(
        t.post("/api/v1/views", &t.agent, json!({"name": "x", "filters": {"state": "sleeping"}})).await,
        &["state"],
    )
    .await;
    invalid(t.post("/api/v1/views", &t.agent, json!({"name": "", "filters": {}})).await, &["name"]).await;
    forbidden(
        t.post("/api/v1/views", &t.requester, json!({"name": "x", "filters": {}})).await,
        "saved views are for the desk's incident list",
    )
    .await;

    assert_eq!(t.delete(&format!("/api/v1/views/{id}"), &t.agent).await.status(), 204);
    assert_eq!(t.json("/api/v1/views", &t.agent).await, json!([]));
});

both!(bulk_changes_each_incident_once_and_reports_refusals, |t| {
    let mut numbers = Vec::new();
    for title in ["Mail slow", "VPN down", "Printer jam"] {
        numbers.push(num(&t
            .incident(&t.agent, json!({"title": title, "requester": "requester", "assignment_group": "Service Desk"}))
            .await));
    }
    let network = num(&t
        .incident(&t.agent, json!({"title": "Switch", "requester": "requester", "assignment_group": "Network"}))
        .await);
    // Someone else changes the third after the list was read.
    let r = t
        .req(Method::PATCH, &format!("/api/v1/incidents/{}", numbers[2]), &t.agent2)
        .header("if-match", "\"1\"")
        .json(&json!({"category": "hardware"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let before = t.journal(&numbers[0], &t.agent).await.as_array().unwrap().len();

    let items: Vec<Value> = numbers
        .iter()
        .chain([&network, &"INC0999999".to_owned()])
        .map(|n| json!({"number": n, "version": 1}))
        .collect();
    let r = t.post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": items, "assignee": "me"})).await;
    assert_eq!(r.status(), 200);
    let out: Value = r.json().await.unwrap();
    let updated: Vec<&str> = out["updated"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(updated, [numbers[0].as_str(), numbers[1].as_str()]);
    for i in out["updated"].as_array().unwrap() {
        assert_eq!(i["assignee"]["name"], "agent user");
    }
    let refused: Vec<(String, String)> = out["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["number"].as_str().unwrap().to_owned(), r["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        refused,
        [
            (numbers[2].clone(), "version_conflict".to_owned()),
            (network.clone(), "validation_failed".to_owned()),
            ("INC0999999".to_owned(), "not_found".to_owned()),
        ]
    );
    assert_eq!(out["refused"][1]["errors"][0]["field"], "assignee");
    // One journal entry per changed incident, as a change by hand makes.
    let j = t.journal(&numbers[0], &t.agent).await;
    assert_eq!(j.as_array().unwrap().len(), before + 1);
    assert_eq!(j[before]["action"], "updated");
    assert_eq!(t.read(&numbers[2], &t.agent).await["assignee"], Value::Null, "the stale one is untouched");

    // Priority: impact and urgency move to give it.
    let items: Vec<Value> = numbers.iter().map(|n| json!({"number": n})).collect();
    let out: Value = t
        .post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": items, "priority": 1}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["refused"], json!([]));
    for i in out["updated"].as_array().unwrap() {
        assert_eq!((i["priority"].as_i64(), i["impact"].as_i64(), i["urgency"].as_i64()), (Some(1), Some(1), Some(1)));
    }

    // State: a move the state machine refuses is reported per incident.
    let v = t.read(&numbers[1], &t.agent).await["version"].clone();
    t.move_to(&numbers[1], &t.agent, json!({"state": "cancelled", "version": v})).await;
    let out: Value = t
        .post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": items, "state": "in_progress"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["updated"].as_array().unwrap().len(), 2);
    assert_eq!(out["refused"][0]["number"], numbers[1].as_str());
    assert_eq!(out["refused"][0]["code"], "transition_not_allowed");

    // A requester reaches nothing of others'.
    let out: Value = t
        .post("/api/v1/incidents/bulk", &t.requester2, json!({"incidents": [{"number": numbers[0]}], "priority": 5}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(out["refused"][0]["code"], "forbidden");

    // The request itself must make sense.
    invalid(t.post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": [], "priority": 2})).await, &["incidents"])
        .await;
    invalid(
        t.post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": items, "priority": 2, "state": "on_hold"}))
            .await,
        &["state"],
    )
    .await;
    invalid(t.post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": items})).await, &["change"]).await;
    invalid(
        t.post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": items, "priority": 9})).await,
        &["priority"],
    )
    .await;
    let many: Vec<Value> = (1..=201).map(|i| json!({"number": format!("INC{i:07}")})).collect();
    invalid(
        t.post("/api/v1/incidents/bulk", &t.agent, json!({"incidents": many, "priority": 2})).await,
        &["incidents"],
    )
    .await;
});

both!(a_comment_carries_its_files_in_one_journal_entry, |t| {
    let n = num(&t.incident(&t.requester, json!({"title": "Broken screen"})).await);
    let path = format!("/api/v1/incidents/{n}/comments");
    let r = post_form(
        &t,
        &path,
        &t.requester,
        &[("body", "Photos attached")],
        &[("front.jpg", b"front"), ("back.jpg", b"back")],
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let c: Value = r.json().await.unwrap();
    let names: Vec<&str> =
        c["attachments"].as_array().unwrap().iter().map(|a| a["filename"].as_str().unwrap()).collect();
    assert_eq!((c["body"].as_str(), names), (Some("Photos attached"), vec!["front.jpg", "back.jpg"]));
    let j = t.journal(&n, &t.agent).await;
    assert_eq!(j.as_array().unwrap().len(), 2, "created, then one entry for the comment and its files: {j}");
    assert_eq!(j[1]["action"], "comment");
    assert_eq!(
        j[1]["changes"],
        json!([
            {"field": "attachment", "old": null, "new": "front.jpg"},
            {"field": "attachment", "old": null, "new": "back.jpg"},
        ])
    );
    let list = t.json(&path, &t.agent).await;
    assert_eq!(list[0]["attachments"].as_array().unwrap().len(), 2);

    // A work note's file is the desk's, like the note.
    let r =
        post_form(&t, &path, &t.agent, &[("body", "Vendor log"), ("internal", "true")], &[("vendor.log", b"secret")])
            .await;
    assert_eq!(r.status(), 201);
    let href = r.json::<Value>().await.unwrap()["attachments"][0]["href"].as_str().unwrap().to_owned();
    assert_eq!(t.get(&href, &t.agent2).await.status(), 200);
    problem(t.get(&href, &t.requester).await, 404, "not_found").await;
    let theirs = t.json(&format!("/api/v1/incidents/{n}/attachments"), &t.requester).await;
    assert_eq!(theirs.as_array().unwrap().len(), 2, "{theirs}");
    let r = post_form(&t, &path, &t.requester, &[("body", "sneak"), ("internal", "true")], &[("x.txt", b"x")]).await;
    forbidden(r, "only agents, managers and admins can write work notes").await;

    // Bad input changes nothing.
    let before = t.snapshot(&n).await;
    invalid(post_form(&t, &path, &t.agent, &[("body", " ")], &[("a.txt", b"a")]).await, &["body"]).await;
    invalid(post_form(&t, &path, &t.agent, &[("body", "x"), ("internal", "maybe")], &[]).await, &["internal"]).await;
    invalid(post_form(&t, &path, &t.agent, &[("body", "x")], &[("empty.txt", b"")]).await, &["file"]).await;
    let eleven: Vec<(&str, &[u8])> = (0..11).map(|_| ("f.txt", b"f" as &[u8])).collect();
    invalid(post_form(&t, &path, &t.agent, &[("body", "x")], &eleven).await, &["file"]).await;
    assert_eq!(t.snapshot(&n).await, before);
});

both!(assign_to_me_takes_the_incident_into_my_group, |t| {
    let n = num(&t.incident(&t.requester, json!({"title": "No group yet"})).await);
    let r = t
        .req(Method::POST, &format!("/api/v1/incidents/{n}/assign-to-me"), &t.agent2)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let inc: Value = r.json().await.unwrap();
    assert_eq!(
        (inc["assignee"]["name"].as_str(), inc["assignment_group"]["name"].as_str()),
        (Some("agent2 user"), Some("Network"))
    );
    // agent is not in Network: the incident stays where it is.
    let r = t.post(&format!("/api/v1/incidents/{n}/assign-to-me"), &t.agent, json!({"version": 2})).await;
    invalid(r, &["assignee"]).await;
    problem(
        t.post(&format!("/api/v1/incidents/{n}/assign-to-me"), &t.agent2, json!({"version": 1})).await,
        409,
        "version_conflict",
    )
    .await;
    forbidden(
        t.post(&format!("/api/v1/incidents/{n}/assign-to-me"), &t.requester, json!({"version": 2})).await,
        "only agents, managers and admins can edit incidents",
    )
    .await;
});
