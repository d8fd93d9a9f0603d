//! A problem's conversation: comments and work notes with their files,
//! and files on their own, through the same write path as the incident's;
//! the desk's alone (requesters are refused whatever the number); the
//! refusals the incident's comments and uploads give; mail replies naming
//! a problem; who hears of a comment; and the SLA column of the problem
//! list.

use crate::helpers::*;
use crate::{both, both_with};
use reqwest::Method;
use serde_json::{Value, json};
use steward_app::AppConfig;
use steward_app::mail_in::MailOutcome;

async fn raise(t: &TestApp, body: Value) -> String {
    let r = t.post("/api/v1/problems", &t.agent, body).await;
    assert_eq!(r.status(), 201, "creating a problem");
    num(&r.json().await.unwrap())
}

fn comments_of(n: &str) -> String {
    format!("/api/v1/problems/{n}/comments")
}

async fn set_email(t: &TestApp, user: &str) -> String {
    let email = format!("{user}@example.org");
    sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
        .bind(email.clone())
        .bind(user)
        .execute(t.app.store.pool())
        .await
        .unwrap();
    email
}

/// The problem's journal actions with their texts.
async fn journal(t: &TestApp, n: &str) -> Vec<(String, Option<String>)> {
    let j = t.json(&format!("/api/v1/problems/{n}/journal"), &t.agent).await;
    j.as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["body"].as_str().map(str::to_owned)))
        .collect()
}

both!(comments_and_work_notes_on_a_problem, |t| {
    let n = raise(&t, json!({"title": "DHCP pool exhausted on floor 3"})).await;
    let r = t.post(&comments_of(&n), &t.manager, json!({"body": "Seen on floor 4 too."})).await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    assert_eq!((c["body"].as_str(), c["internal"].as_bool()), (Some("Seen on floor 4 too."), Some(false)));
    let r = t.post(&comments_of(&n), &t.agent, json!({"body": "Lease time is 8 days.", "internal": true})).await;
    assert_eq!(r.status(), 201);

    // Every staff member reads both, in order, on the problem and its journal.
    for token in [&t.agent, &t.agent2, &t.manager, &t.admin] {
        let list = t.json(&comments_of(&n), token).await;
        let seen: Vec<(&str, bool)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["body"].as_str().unwrap(), c["internal"].as_bool().unwrap()))
            .collect();
        assert_eq!(seen, [("Seen on floor 4 too.", false), ("Lease time is 8 days.", true)]);
    }
    let actions = journal(&t, &n).await;
    assert_eq!(
        actions[1..],
        [
            ("comment".to_owned(), Some("Seen on floor 4 too.".to_owned())),
            ("work_note".to_owned(), Some("Lease time is 8 days.".to_owned()))
        ]
    );
    let p = t.json(&format!("/api/v1/problems/{n}"), &t.agent).await;
    assert_eq!(p["version"], 1, "a comment is no edit");

    // Requesters see no problems: refused, whether or not the number exists,
    // and nothing is written.
    let why = "only agents, managers and admins can see problems";
    for path in [comments_of(&n), format!("/api/v1/problems/{n}/attachments"), comments_of("PRB0999999")] {
        forbidden(t.get(&path, &t.requester).await, why).await;
    }
    forbidden(t.post(&comments_of(&n), &t.requester, json!({"body": "Me too"})).await, why).await;
    forbidden(t.get(&format!("/api/v1/problems/{n}/attachments/1"), &t.requester).await, why).await;
    assert_eq!(journal(&t, &n).await.len(), 3, "nothing added");
});

both!(files_go_with_a_problem_comment, |t| {
    let n = raise(&t, json!({"title": "Backups fail on Sundays"})).await;
    let log = b"2026-11-22 03:00 backup: target full".to_vec();
    let fields = [("body", "The backup log."), ("internal", "true")];
    let r = post_form(&t, &comments_of(&n), &t.agent, &fields, &[("backup.log", &log)]).await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.unwrap();
    let a = &c["attachments"][0];
    let href = a["href"].as_str().unwrap().to_owned();
    assert_eq!(href, format!("/api/v1/problems/{n}/attachments/{}", a["id"]));
    assert_eq!((a["filename"].as_str(), a["size"].as_u64()), (Some("backup.log"), Some(log.len() as u64)));

    let list = t.json(&format!("/api/v1/problems/{n}/attachments"), &t.agent2).await;
    assert_eq!(list, json!([a]));
    let listed = t.json(&comments_of(&n), &t.manager).await;
    assert_eq!(listed[0]["attachments"], json!([a]), "the file with its comment");
    let r = t.get(&href, &t.manager).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream", "never rendered as uploaded");
    assert_eq!(r.bytes().await.unwrap().as_ref(), log.as_slice());
    let entry = journal(&t, &n).await.pop().unwrap();
    assert_eq!(entry, ("work_note".to_owned(), Some("The backup log.".to_owned())));

    // A file is found only under its own record, and only by a number.
    let inc = num(&t.incident(&t.agent, json!({"title": "Restore needed"})).await);
    let r = t.upload(&inc, &t.agent, "incident.txt", b"on the incident").await;
    let other: Value = r.json().await.unwrap();
    problem(t.get(&format!("/api/v1/problems/{n}/attachments/{}", other["id"]), &t.agent).await, 404, "not_found")
        .await;
    let theirs = format!("/api/v1/incidents/{inc}/attachments/{}", a["id"]);
    problem(t.get(&theirs, &t.agent).await, 404, "not_found").await;
    problem(t.get(&format!("/api/v1/problems/{n}/attachments/first"), &t.agent).await, 404, "not_found").await;
});

both_with!(bad_comments_on_a_problem, AppConfig { attachment_max_bytes: 1024, ..Default::default() }, |t| {
    let n = raise(&t, json!({"title": "Printers drop jobs"})).await;
    let before = journal(&t, &n).await;
    let path = comments_of(&n);
    invalid(t.post(&path, &t.agent, json!({"body": "  "})).await, &["body"]).await;
    invalid(t.post(&path, &t.agent, json!({"internal": true})).await, &["body"]).await;
    invalid(t.post(&path, &t.agent, json!({"body": "x", "internal": "yes"})).await, &["internal"]).await;
    invalid(post_form(&t, &path, &t.agent, &[("body", "x"), ("internal", "maybe")], &[]).await, &["internal"]).await;
    invalid(post_form(&t, &path, &t.agent, &[("body", "")], &[("a.txt", b"text")]).await, &["body"]).await;
    let long = "x".repeat(20_001);
    invalid(t.post(&path, &t.agent, json!({"body": long})).await, &["body"]).await;
    let big = vec![7u8; 1025];
    let p =
        problem(post_form(&t, &path, &t.agent, &[("body", "big")], &[("big.bin", &big)]).await, 413, "too_large").await;
    assert_eq!(p["detail"], "the attachment is too large: at most 1024 bytes");
    invalid(post_form(&t, &path, &t.agent, &[("body", "empty")], &[("empty.txt", b"")]).await, &["file"]).await;
    let r = t.req(Method::POST, &path, &t.agent).header("content-type", "text/plain").body("hello").send().await;
    assert_eq!(r.unwrap().status(), 415);
    assert_eq!(journal(&t, &n).await, before, "nothing stored");
    assert!(t.json(&format!("/api/v1/problems/{n}/attachments"), &t.agent).await.as_array().unwrap().is_empty());

    // No such problem; an incident's number is no problem's.
    let inc = num(&t.incident(&t.agent, json!({"title": "Not a problem"})).await);
    for missing in ["PRB0999999", inc.as_str(), "nonsense"] {
        problem(t.post(&comments_of(missing), &t.agent, json!({"body": "Hello"})).await, 404, "not_found").await;
        problem(t.get(&comments_of(missing), &t.agent).await, 404, "not_found").await;
    }
});

both_with!(a_file_on_its_own_on_a_problem, AppConfig { attachment_max_bytes: 1024, ..Default::default() }, |t| {
    let n = raise(&t, json!({"title": "Disk fills overnight"})).await;
    let files = format!("/api/v1/problems/{n}/attachments");
    let df = b"/var 98% full at 02:00".to_vec();
    let r = post_form(&t, &files, &t.agent, &[], &[("df.txt", &df)]).await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let href = a["href"].as_str().unwrap().to_owned();
    assert_eq!(href, format!("/api/v1/problems/{n}/attachments/{}", a["id"]));
    assert_eq!((a["filename"].as_str(), a["size"].as_u64()), (Some("df.txt"), Some(df.len() as u64)));

    // Listed and downloaded by the desk; journaled as a file, with no comment.
    assert_eq!(t.json(&files, &t.manager).await, json!([a]));
    let r = t.get(&href, &t.agent2).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream", "never rendered as uploaded");
    assert_eq!(r.bytes().await.unwrap().as_ref(), df.as_slice());
    assert!(t.json(&comments_of(&n), &t.agent).await.as_array().unwrap().is_empty(), "no comment");
    let entry = t.json(&format!("/api/v1/problems/{n}/journal"), &t.agent).await.as_array().unwrap().last().cloned();
    let entry = entry.unwrap();
    assert_eq!((entry["action"].as_str(), &entry["body"]), (Some("attachment"), &Value::Null));
    assert_eq!(entry["changes"], json!([{"field": "attachment", "old": null, "new": "df.txt"}]));
    let before = journal(&t, &n).await;

    // Who may comment may send a file: a requester is refused, with the reason.
    let r = post_form(&t, &files, &t.requester, &[], &[("virus.exe", b"MZ")]).await;
    let p = problem(r, 403, "forbidden").await;
    assert_eq!(
        (p["detail"].as_str(), p["reason"].as_str()),
        (Some("only agents, managers and admins can see problems"), Some("deny_problem_view"))
    );
    // Too large, not multipart, no file part, an empty file.
    let p = problem(post_form(&t, &files, &t.agent, &[], &[("big.bin", &[7u8; 1025])]).await, 413, "too_large").await;
    assert_eq!(p["detail"], "the attachment is too large: at most 1024 bytes");
    problem(t.post(&files, &t.agent, json!({"file": "x"})).await, 415, "unsupported_media_type").await;
    let r = post_form(&t, &files, &t.agent, &[("note", "no file here")], &[]).await;
    assert_eq!(invalid(r, &["file"]).await, "is required (a part named file)");
    assert_eq!(invalid(post_form(&t, &files, &t.agent, &[], &[("empty.txt", b"")]).await, &["file"]).await, "is empty");
    assert_eq!(journal(&t, &n).await, before, "nothing stored");
    assert_eq!(t.json(&files, &t.agent).await, json!([a]));

    // No such problem; an incident's number is no problem's.
    let inc = num(&t.incident(&t.agent, json!({"title": "Not a problem"})).await);
    for missing in ["PRB0999999", inc.as_str(), "nonsense"] {
        let r =
            post_form(&t, &format!("/api/v1/problems/{missing}/attachments"), &t.agent, &[], &[("a.txt", b"a")]).await;
        problem(r, 404, "not_found").await;
    }
    assert!(t.json(&format!("/api/v1/incidents/{inc}/attachments"), &t.agent).await.as_array().unwrap().is_empty());
});

both!(mail_replies_naming_a_problem_become_its_comments, |t| {
    let n = raise(&t, json!({"title": "Wi-Fi slow in meeting rooms"})).await;
    let agent = set_email(&t, "agent2").await;
    let requester = set_email(&t, "requester").await;
    let mail = |from: &str, id: &str, body: &str| {
        format!(
            "From: {from}\r\nTo: desk@example.com\r\nSubject: Re: [{n}] Wi-Fi slow in meeting rooms\r\nMessage-ID: <{id}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
        .into_bytes()
    };
    let outcome = t.app.ingest_mail(&mail(&agent, "m1", "Measured 38 clients on one access point.")).await.unwrap();
    assert_eq!(outcome, MailOutcome::Commented(n.clone()));
    let list = t.json(&comments_of(&n), &t.agent).await;
    assert_eq!(list[0]["body"], "Measured 38 clients on one access point.");
    assert_eq!((list[0]["internal"].as_bool(), list[0]["author"]["name"].is_string()), (Some(false), true));
    let inbound = t.json("/api/v1/mail/inbound", &t.admin).await;
    assert_eq!((inbound[0]["outcome"].as_str(), inbound[0]["record"].as_str()), (Some("commented"), Some(n.as_str())));

    // A requester may not comment on a problem: their mail opens an incident.
    let outcome = t.app.ingest_mail(&mail(&requester, "m2", "Still slow for me.")).await.unwrap();
    let MailOutcome::Created(inc) = outcome else { panic!("not an incident: {outcome:?}") };
    assert!(inc.starts_with("INC"), "{inc}");
    assert_eq!(t.json(&comments_of(&n), &t.agent).await.as_array().unwrap().len(), 1, "nothing added");
});

both!(a_problem_comment_is_told_to_its_owner_and_work_notes_stay_off_open_webhooks, |t| {
    let owner = set_email(&t, "agent2").await;
    let hook = json!({"name": "everything", "url": "https://hooks.example.org/all"});
    assert_eq!(t.post("/api/v1/webhooks", &t.admin, hook).await.status(), 201);
    let n = raise(
        &t,
        json!({"title": "Certificates expire unnoticed", "assignment_group": "Network", "assignee": "agent2"}),
    )
    .await;
    assert_eq!(t.post(&comments_of(&n), &t.manager, json!({"body": "Two expired last month."})).await.status(), 201);
    let note = json!({"body": "The renewal job runs as a leaver.", "internal": true});
    assert_eq!(t.post(&comments_of(&n), &t.agent, note).await.status(), 201);
    let items = pending_of(&t, &n).await;
    let of = |channel: &str| -> Vec<(String, String)> {
        items.iter().filter(|i| i.0 == channel).map(|i| (i.1.clone(), i.2.clone())).collect()
    };
    let mails = of("email");
    assert!(mails.contains(&("problem.commented".to_owned(), owner.clone())), "{mails:?}");
    assert!(mails.contains(&("problem.work_note".to_owned(), owner.clone())), "{mails:?}");
    let hooks: Vec<String> = of("webhook").into_iter().map(|h| h.0).collect();
    assert!(hooks.contains(&"problem.commented".to_owned()), "{hooks:?}");
    assert!(!hooks.contains(&"problem.work_note".to_owned()), "a work note must be asked for: {hooks:?}");
});

both!(the_problem_list_and_page_show_the_sla_and_the_conversation, |t| {
    let targets: Vec<Value> = (1..=5).map(|p| json!({"priority": p, "response": "1h", "resolution": "4h"})).collect();
    let sla = json!({"name": "Problems", "position": 10, "calendar_id": 1, "targets": targets, "thresholds": [50],
        "conditions": {"kinds": ["problem"]}});
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla).await.status(), 201);
    let n = raise(&t, json!({"title": "Mail queue backs up at noon"})).await;
    let page = t.json("/api/v1/problems?state=open", &t.agent).await;
    assert!(page["items"][0]["sla_due_at"].is_string(), "{page}");
    let note = json!({"body": "Queue peaks at 12:05.", "internal": true});
    assert_eq!(t.post(&comments_of(&n), &t.agent, note).await.status(), 201);

    let (_, s) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let cookie = format!("steward_session={}", s.token);
    let html = |path: String| {
        let cookie = cookie.clone();
        let url = format!("{}{path}", t.base);
        let client = t.client.clone();
        async move {
            let r = client.get(url).header("cookie", cookie).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.text().await.unwrap()
        }
    };
    let list = html("/problems?state=open".into()).await;
    let row = &list[list.find(&format!(">{n}<")).unwrap()..];
    let cell = &row[row.find("sla-cell").unwrap()..];
    assert!(cell[..cell.find("</td>").unwrap()].contains("sla-line"), "{cell}");
    let page = html(format!("/problems/{n}")).await;
    assert!(page.contains("Queue peaks at 12:05."), "the work note in the activity");
    assert!(page.contains(&format!("action=\"/problems/{n}/comments\"")), "the comment box");
});

both!(staff_watch_a_problem_and_hear_of_its_comments, |t| {
    let watcher = set_email(&t, "manager").await;
    let n = raise(&t, json!({"title": "Backups overrun the window"})).await;
    let path = format!("/api/v1/problems/{n}/watchers");
    assert!(t.json(&path, &t.agent).await.as_array().unwrap().is_empty());
    let r = t.client.post(format!("{}{path}", t.base)).bearer_auth(&t.manager).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let names: Vec<String> = r
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["username"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["manager"]);
    // Its comments reach the watcher; a requester may not see who watches.
    assert_eq!(t.post(&comments_of(&n), &t.agent, json!({"body": "Moved to 01:00."})).await.status(), 201);
    let mails: Vec<(String, String)> =
        pending_of(&t, &n).await.into_iter().filter(|m| m.0 == "email").map(|m| (m.1, m.2)).collect();
    assert!(mails.contains(&("problem.commented".to_owned(), watcher)), "{mails:?}");
    let r = t.client.get(format!("{}{path}", t.base)).bearer_auth(&t.requester).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let r =
        t.client.post(format!("{}/api/v1/problems/PRB9999999/watchers", t.base)).bearer_auth(&t.manager).send().await;
    assert_eq!(r.unwrap().status(), 404);
    // The page offers the button; stopping empties the list.
    let (_, session) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let cookie = format!("steward_session={}", session.token);
    let page = t.client.get(format!("{}/problems/{n}", t.base)).header("cookie", &cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("action=\"/problems/{n}/watch\"")), "no watch button");
    let r = t.client.delete(format!("{}{path}", t.base)).bearer_auth(&t.manager).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(t.json(&path, &t.agent).await.as_array().unwrap().is_empty());
});
