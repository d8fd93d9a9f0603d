//! Notifications end to end: emails through a real aiosmtpd on 127.0.0.1,
//! webhooks to a real HTTP receiver, retries, dead letters, watchers,
//! opt-outs, and who may manage them. The background worker is off; each
//! test drives delivery with `deliver_due_now`.

use crate::both_with;
use crate::helpers::*;
use crate::smtpd::{SmtpServer, free_port};
use axum::{body::Bytes, http::HeaderMap, http::StatusCode, routing::post};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use steward_app::{AppConfig, notify::NotifyConfig};
use steward_channels::email::{SmtpConfig, SmtpTls};
use steward_channels::inbound;

const DOMAIN: &str = "steward.test";
const SECRET: &str = "whsec_0123456789abcdef";

pub(crate) fn mail_config(port: u16) -> AppConfig {
    AppConfig {
        notify: NotifyConfig {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port,
                tls: SmtpTls::None,
                username: None,
                password: None,
                from: format!("Steward <desk@{DOMAIN}>"),
                timeout: Duration::from_secs(5),
            }),
            base_url: format!("https://{DOMAIN}"),
            max_attempts: 3,
            backoff_base: Duration::ZERO,
            worker: false,
            // The receivers here run on 127.0.0.1, an internal address.
            webhook_allow: steward_domain::net::Networks::parse(&["127.0.0.0/8"]).unwrap(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// As deployed: no internal address is allowed.
fn strict_config(port: u16) -> AppConfig {
    let mut c = mail_config(port);
    c.notify.webhook_allow = Default::default();
    c
}

pub(crate) fn smtp_port(t: &TestApp) -> u16 {
    t.app.config.notify.smtp.as_ref().unwrap().port
}

pub(crate) async fn set_mail(t: &TestApp, user: &str, email: &str, locale: Option<&str>) {
    sqlx::query("UPDATE users SET email = $1, locale = $2 WHERE username = $3")
        .bind(email.to_owned())
        .bind(locale.map(str::to_owned))
        .bind(user.to_owned())
        .execute(t.app.store.pool())
        .await
        .unwrap();
}

/// The stored messages, parsed, with the envelope recipient aiosmtpd noted.
fn mails(smtp: &SmtpServer) -> Vec<(String, inbound::InboundMessage)> {
    smtp.messages()
        .iter()
        .map(|raw| {
            let text = String::from_utf8_lossy(raw);
            let rcpt = text.lines().find_map(|l| l.strip_prefix("X-RcptTo: ")).unwrap_or_default().to_owned();
            (rcpt, inbound::parse(raw, 1 << 20).unwrap())
        })
        .collect()
}

pub(crate) fn sent_to(smtp: &SmtpServer, address: &str) -> Vec<inbound::InboundMessage> {
    mails(smtp).into_iter().filter(|(r, _)| r == address).map(|(_, m)| m).collect()
}

both_with!(public_comment_emails_the_requester_in_their_language, mail_config(free_port()), |t| {
    let smtp = SmtpServer::start_on(smtp_port(&t));
    set_mail(&t, "requester", "anna@example.org", Some("pl")).await;
    set_mail(&t, "agent", "agent@example.org", None).await;
    let n = num(&t.incident(&t.requester, json!({"title": "Drukarka nie drukuje"})).await);
    t.app.deliver_due_now().await.unwrap();
    let ack = sent_to(&smtp, "anna@example.org");
    assert_eq!(ack.len(), 1, "the acknowledgement, the requester's receipt");
    assert!(ack[0].text.contains("Otrzymaliśmy Twoje zgłoszenie"), "{}", ack[0].text);

    assert_eq!(t.comment(&n, &t.agent, "Sprawdzimy toner jutro rano.", false).await.status(), 201);
    assert_eq!(t.comment(&n, &t.agent, "Secret internal note", true).await.status(), 201);
    let r = t.app.deliver_due_now().await.unwrap();
    assert_eq!((r.sent, r.retried, r.dead), (1, 0, 0), "one email: the comment; the work note reaches nobody");
    let all = mails(&smtp);
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|(rcpt, _)| rcpt == "anna@example.org"), "the acting agent gets nothing");
    assert!(all.iter().all(|(_, m)| !m.text.contains("Secret internal note")), "work notes stay inside");
    let m = &all.iter().find(|(_, m)| m.text.contains("Sprawdzimy toner")).unwrap().1;
    assert_eq!(m.to[0].email, "anna@example.org");
    assert_eq!(m.subject, format!("[{n}] Drukarka nie drukuje"));
    assert!(m.text.contains("Nowa odpowiedź od: agent user"), "Polish, as the recipient reads: {}", m.text);
    assert!(m.text.contains(&format!("https://{DOMAIN}/incidents/{n}")), "{}", m.text);
    assert_eq!(m.in_reply_to, [format!("{n}@{DOMAIN}")]);
    assert_eq!(m.references, [format!("{n}@{DOMAIN}")]);
    let id = m.message_id.clone().unwrap();
    assert!(id.ends_with(&format!(".{n}@{DOMAIN}")), "{id}");
    assert_ne!(Some(id), ack[0].message_id, "every message has its own id");
});

both_with!(relay_down_keeps_messages_pending_until_it_is_up, mail_config(free_port()), |t| {
    set_mail(&t, "requester", "requester@example.org", None).await;
    let n = num(&t.incident(&t.requester, json!({"title": "VPN drops"})).await);
    let r = t.app.deliver_due_now().await.unwrap();
    assert_eq!((r.claimed, r.sent, r.retried), (1, 0, 1));
    let page = t.json("/api/v1/outbox?state=pending", &t.admin).await;
    assert_eq!(page["counts"], json!({"pending": 1, "sent": 0, "dead": 0}));
    let m = &page["items"][0];
    assert_eq!((m["attempts"].as_i64(), m["record"].as_str()), (Some(1), Some(n.as_str())));
    assert_eq!((m["channel"].as_str(), m["event"].as_str()), (Some("email"), Some("incident.created")));
    let err = m["last_error"].as_str().unwrap();
    assert!(err.contains("could not be reached") || err.contains("refused"), "{err}");

    // The relay comes up on the same port: the next round sends it, once.
    let smtp = SmtpServer::start_on(smtp_port(&t));
    let r = t.app.deliver_due_now().await.unwrap();
    assert_eq!((r.sent, r.retried), (1, 0));
    assert_eq!(t.app.deliver_due_now().await.unwrap().claimed, 0);
    assert_eq!(smtp.messages().len(), 1);
    let page = t.json("/api/v1/outbox?state=sent", &t.admin).await;
    assert_eq!(page["counts"], json!({"pending": 0, "sent": 1, "dead": 0}));
    assert_eq!(page["items"][0]["attempts"], 2);
    assert!(page["items"][0]["last_error"].is_null());
});

/// What the receiver accepted: event header, delivery header, body.
type Got = Arc<Mutex<Vec<(String, String, Value)>>>;

/// A webhook endpoint that verifies signatures, and answers 500 while
/// `fail` is set. Returns its URL.
async fn receiver(got: Got, fail: Arc<AtomicBool>, calls: Arc<AtomicUsize>) -> String {
    let hook = move |headers: HeaderMap, body: Bytes| {
        let (got, fail, calls) = (got.clone(), fail.clone(), calls.clone());
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            if fail.load(Ordering::SeqCst) {
                return (StatusCode::INTERNAL_SERVER_ERROR, "down for maintenance");
            }
            let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
            if !steward_channels::webhook::verify(
                SECRET,
                &h("x-steward-signature"),
                &body,
                now,
                Duration::from_secs(300),
            ) {
                return (StatusCode::UNAUTHORIZED, "bad signature");
            }
            got.lock().unwrap().push((
                h("x-steward-event"),
                h("x-steward-delivery"),
                serde_json::from_slice(&body).unwrap(),
            ));
            (StatusCode::OK, "thanks")
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/hook", post(hook))).await.unwrap() });
    format!("http://{addr}/hook")
}

both_with!(webhooks_are_signed_retried_and_dead_lettered, mail_config(free_port()), |t| {
    let (got, fail, calls) = (Got::default(), Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let url = receiver(got.clone(), fail.clone(), calls.clone()).await;
    let body =
        json!({"name": "ops", "url": url, "secret": SECRET, "events": ["incident.created", "incident.commented"]});
    let r = t.post("/api/v1/webhooks", &t.admin, body).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let hook: Value = r.json().await.unwrap();
    assert_eq!((hook["has_secret"].as_bool(), hook["format"].as_str()), (Some(true), Some("json")));
    assert!(!hook.to_string().contains(SECRET), "the secret is never shown");
    let hid = hook["id"].as_i64().unwrap();

    let n = num(&t.incident(&t.requester, json!({"title": "Mail server slow"})).await);
    t.app.deliver_due_now().await.unwrap();
    {
        let got = got.lock().unwrap();
        assert_eq!(got.len(), 1);
        let (event, delivery, body) = &got[0];
        assert_eq!(event, "incident.created");
        assert!(delivery.starts_with("steward-"), "{delivery}");
        assert_eq!(body["event"], "incident.created");
        assert_eq!(body["record"]["number"], n.as_str());
        assert_eq!(body["record"]["link"], format!("https://{DOMAIN}/incidents/{n}"));
        assert_eq!(body["actor"]["name"], "requester user");
    }
    // Not subscribed: work notes (never by default) and nothing else.
    assert_eq!(t.comment(&n, &t.agent, "internal only", true).await.status(), 201);
    assert_eq!(t.app.deliver_due_now().await.unwrap().claimed, 0);

    // The receiver fails: retried until the last attempt, then dead.
    fail.store(true, Ordering::SeqCst);
    assert_eq!(t.comment(&n, &t.agent, "Restarted the queue", false).await.status(), 201);
    for (round, (retried, dead)) in [(1, 0), (1, 0), (0, 1)].into_iter().enumerate() {
        let r = t.app.deliver_due_now().await.unwrap();
        assert_eq!((r.retried, r.dead), (retried, dead), "round {round}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    let log = t.json(&format!("/api/v1/webhooks/{hid}/deliveries"), &t.admin).await;
    let statuses: Vec<i64> = log.as_array().unwrap().iter().map(|d| d["status"].as_i64().unwrap()).collect();
    assert_eq!(statuses, [500, 500, 500, 200], "newest first");
    assert!(log[0]["error"].as_str().unwrap().contains("500"), "{log}");
    assert_eq!(log[0]["excerpt"], "down for maintenance");
    let dead = t.json("/api/v1/outbox?state=dead", &t.admin).await;
    assert_eq!(dead["counts"]["dead"], 1);
    let m = &dead["items"][0];
    assert_eq!((m["event"].as_str(), m["attempts"].as_i64()), (Some("incident.commented"), Some(3)));
    assert!(m["last_error"].as_str().unwrap().starts_with("gave up after 3 attempts"), "{m}");

    // Fixed: an admin retries it and it arrives.
    fail.store(false, Ordering::SeqCst);
    let id = m["id"].as_i64().unwrap();
    let r = t.post(&format!("/api/v1/outbox/{id}/retry"), &t.admin, json!({})).await;
    assert_eq!(r.status(), 200);
    let retried: Value = r.json().await.unwrap();
    assert_eq!((retried["state"].as_str(), retried["attempts"].as_i64()), (Some("pending"), Some(0)));
    assert_eq!(t.app.deliver_due_now().await.unwrap().sent, 1);
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].2["comment"]["body"], "Restarted the queue");
    invalid(t.post(&format!("/api/v1/outbox/{id}/retry"), &t.admin, json!({})).await, &["state"]).await;
    problem(t.post("/api/v1/outbox/999999/retry", &t.admin, json!({})).await, 404, "not_found").await;
});

both_with!(webhooks_refuse_internal_addresses_when_saved_and_when_called, strict_config(free_port()), |t| {
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://[::ffff:192.168.1.1]/hook",
    ] {
        let r = t.post("/api/v1/webhooks", &t.admin, json!({"name": "internal", "url": url})).await;
        let msg = invalid(r, &["url"]).await;
        assert!(msg.contains("an internal address") && msg.contains("notifications.webhook_allow"), "{url}: {msg}");
    }
    let body = json!({"name": "ops", "url": "https://hooks.example.org/x", "events": ["incident.created"]});
    let r = t.post("/api/v1/webhooks", &t.admin, body).await;
    assert_eq!(r.status(), 201);
    let hook: Value = r.json().await.unwrap();
    let hid = hook["id"].as_i64().unwrap();
    let r = t
        .req(reqwest::Method::PATCH, &format!("/api/v1/webhooks/{hid}"), &t.admin)
        .header("if-match", "\"1\"")
        .json(&json!({"url": "http://127.0.0.1:9/x"}))
        .send()
        .await
        .unwrap();
    invalid(r, &["url"]).await;

    // A name that was public when saved and points inside when called (DNS
    // rebinding): the call checks again and gives up for good.
    let (got, fail, calls) = (Got::default(), Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let inside = receiver(got.clone(), fail, calls.clone()).await;
    sqlx::query("UPDATE webhooks SET url = $1 WHERE id = $2")
        .bind(inside.replace("127.0.0.1", "localhost"))
        .bind(hid)
        .execute(t.app.store.pool())
        .await
        .unwrap();
    t.incident(&t.requester, json!({"title": "Printer jam"})).await;
    let r = t.app.deliver_due_now().await.unwrap();
    assert_eq!((r.sent, r.dead), (0, 1), "refused for good, not retried");
    assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing reached the address");
    let log = t.json(&format!("/api/v1/webhooks/{hid}/deliveries"), &t.admin).await;
    assert!(log[0]["error"].as_str().unwrap().contains("an internal address"), "{log}");
});

both_with!(only_admins_manage_notifications_and_bad_webhooks_are_named, mail_config(free_port()), |t| {
    for token in [&t.requester, &t.agent, &t.manager] {
        forbidden(t.get("/api/v1/outbox", token).await, "only admins can see the outbox").await;
        forbidden(t.get("/api/v1/webhooks", token).await, "only admins can manage webhooks").await;
        let body = json!({"name": "x", "url": "https://hooks.example.org/x"});
        forbidden(t.post("/api/v1/webhooks", token, body).await, "only admins can manage webhooks").await;
        forbidden(t.post("/api/v1/outbox/1/retry", token, json!({})).await, "only admins can retry messages").await;
    }
    let bad = json!({"name": "", "url": "ftp://files.example.org", "secret": "short", "format": "xml",
        "events": ["incident.exploded"]});
    let msg =
        invalid(t.post("/api/v1/webhooks", &t.admin, bad).await, &["name", "url", "secret", "format", "events"]).await;
    assert_eq!(msg, "is required");
    let p = problem(
        t.post("/api/v1/webhooks", &t.admin, json!({"name": "x", "url": "not a url"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(p["errors"][0]["message"].as_str().unwrap().starts_with("is not a URL"), "{p}");
    let p = problem(
        t.post("/api/v1/webhooks", &t.admin, json!({"name": "x", "url": "https://h.example.org", "secret": "0123456789", "events": ["incident.exploded"], "format": "xml"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(p["errors"][0]["message"], "is too short: at least 16 characters");
    assert_eq!(p["errors"][1]["message"], "unknown format \"xml\": must be one of json, slack, teams");
    assert!(p["errors"][2]["message"].as_str().unwrap().starts_with("unknown event \"incident.exploded\""), "{p}");
    invalid(
        t.post("/api/v1/webhooks", &t.admin, json!({"name": "x", "url": "https://h.example.org", "colour": 1})).await,
        &["colour"],
    )
    .await;

    let ok = json!({"name": "chat", "url": "https://chat.example.org/hook", "format": "slack"});
    assert_eq!(t.post("/api/v1/webhooks", &t.admin, ok.clone()).await.status(), 201);
    let msg = invalid(t.post("/api/v1/webhooks", &t.admin, ok).await, &["name"]).await;
    assert_eq!(msg, "is already taken");
    let list = t.json("/api/v1/webhooks", &t.admin).await;
    let id = list[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/webhooks/{id}");
    problem(t.patch(&path, &t.admin, json!({"active": false})).await, 428, "version_required").await;
    invalid(t.patch(&path, &t.admin, json!({"version": 1, "events": ["nope"]})).await, &["events"]).await;
    let r = t.patch(&path, &t.admin, json!({"version": 1, "active": false, "format": "teams"})).await;
    assert_eq!(r.status(), 200);
    let w: Value = r.json().await.unwrap();
    assert_eq!(
        (w["active"].as_bool(), w["format"].as_str(), w["version"].as_i64()),
        (Some(false), Some("teams"), Some(2))
    );
    let stale = t
        .req(reqwest::Method::PATCH, &path, &t.admin)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "y"}))
        .send()
        .await
        .unwrap();
    problem(stale, 412, "version_conflict").await;
    problem(t.delete(&path, &t.admin).await, 428, "version_required").await;
    let del = t.req(reqwest::Method::DELETE, &path, &t.admin).header("if-match", "\"2\"").send().await.unwrap();
    assert_eq!(del.status(), 204);
    problem(t.get(&path, &t.admin).await, 404, "not_found").await;
    problem(t.get("/api/v1/webhooks/abc", &t.admin).await, 404, "not_found").await;

    invalid(t.get("/api/v1/outbox?state=lost", &t.admin).await, &["state"]).await;
    invalid(t.get("/api/v1/outbox?limit=0", &t.admin).await, &["limit"]).await;
    invalid(t.get("/api/v1/outbox?cursor=zz", &t.admin).await, &["cursor"]).await;
    invalid(t.get("/api/v1/outbox?colour=red", &t.admin).await, &["colour"]).await;

    // The OpenAPI document describes them.
    let doc = t.json("/api/v1/openapi.json", &t.admin).await;
    for path in [
        "/api/v1/outbox",
        "/api/v1/outbox/{id}/retry",
        "/api/v1/webhooks",
        "/api/v1/webhooks/{id}",
        "/api/v1/webhooks/{id}/deliveries",
        "/api/v1/incidents/{number}/watchers",
        "/api/v1/me/notifications",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is documented");
    }
});

both_with!(watchers_and_opt_outs_decide_who_hears, mail_config(free_port()), |t| {
    let smtp = SmtpServer::start_on(smtp_port(&t));
    set_mail(&t, "requester", "requester@example.org", None).await;
    set_mail(&t, "agent", "agent@example.org", None).await;
    set_mail(&t, "agent2", "agent2@example.org", Some("pl-PL")).await;
    let n = num(&t.incident(&t.requester, json!({"title": "Wi-Fi in room 4"})).await);
    let path = format!("/api/v1/incidents/{n}/watchers");
    let w: Value = t.post(&path, &t.agent2, json!({})).await.json().await.unwrap();
    assert_eq!(w, json!([{"id": w[0]["id"], "username": "agent2", "name": "agent2 user"}]));
    assert_eq!(t.post(&path, &t.agent2, json!({})).await.status(), 200, "watching twice is watching once");
    forbidden(t.post(&path, &t.requester2, json!({})).await, "requesters can only see their own incidents").await;
    assert_eq!(t.json(&path, &t.requester).await.as_array().unwrap().len(), 1);

    assert_eq!(t.comment(&n, &t.requester, "Still down", false).await.status(), 201);
    assert_eq!(t.comment(&n, &t.agent, "Probably the access point", true).await.status(), 201);
    let r = t.put_json("/api/v1/me/notifications", &t.agent2, json!({"optouts": ["incident.commented"]})).await;
    assert_eq!(r.status(), 200);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["optouts"], json!(["incident.commented"]));
    assert_eq!(t.json("/api/v1/me/notifications", &t.agent2).await["optouts"], json!(["incident.commented"]));
    let msg = invalid(
        t.put_json("/api/v1/me/notifications", &t.agent2, json!({"optouts": ["incident.created"]})).await,
        &["optouts"],
    )
    .await;
    assert!(msg.starts_with("\"incident.created\" cannot be turned off"), "{msg}");
    assert_eq!(t.comment(&n, &t.requester, "Hello?", false).await.status(), 201);

    let inc: Value = t
        .patch(&format!("/api/v1/incidents/{n}"), &t.agent, json!({"version": 1, "assignment_group": "Network"}))
        .await
        .json()
        .await
        .unwrap();
    let body = json!({"version": inc["version"], "assignee": "agent2"});
    assert_eq!(t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, body).await.status(), 200);
    let w: Value = t.delete(&path, &t.agent2).await.json().await.unwrap();
    assert_eq!(w, json!([]));

    t.app.deliver_due_now().await.unwrap();
    assert_eq!(
        sent_to(&smtp, "requester@example.org").len(),
        1,
        "only the acknowledgement: the rest was their own doing"
    );
    assert!(sent_to(&smtp, "agent@example.org").is_empty(), "the agent only acted");
    let mut subjects: Vec<String> = sent_to(&smtp, "agent2@example.org").into_iter().map(|m| m.subject).collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            format!("[{n}] Notatka wewnętrzna: Wi-Fi in room 4"),
            format!("[{n}] Przypisano: Wi-Fi in room 4"),
            format!("[{n}] Przypisano: Wi-Fi in room 4"),
            format!("[{n}] Wi-Fi in room 4"),
        ],
        "the first comment, the work note, the group's and then the personal assignment; not the comment after the opt-out"
    );
});

both_with!(chat_webhooks_get_a_notice_of_the_resolution, mail_config(free_port()), |t| {
    let bodies: Arc<Mutex<Vec<Value>>> = Arc::default();
    let log = bodies.clone();
    let hook = move |body: Bytes| {
        let log = log.clone();
        async move {
            log.lock().unwrap().push(serde_json::from_slice::<Value>(&body).unwrap());
            "ok"
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/slack", post(hook))).await.unwrap() });
    let body = json!({"name": "slack", "url": format!("http://{addr}/slack"), "format": "slack", "events": ["incident.resolved"]});
    assert_eq!(t.post("/api/v1/webhooks", &t.admin, body).await.status(), 201);

    let n = num(&t.incident(&t.requester, json!({"title": "Printer jams"})).await);
    let resolve =
        json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": "Cleared the tray"});
    t.move_to(&n, &t.agent, resolve).await;
    let r = t.app.deliver_due_now().await.unwrap();
    assert_eq!((r.sent, r.dead), (1, 0), "only the subscribed event");
    let got = bodies.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let text = got[0]["text"].as_str().unwrap();
    assert!(text.starts_with(&format!("{n}: Printer jams")), "{text}");
    let section = got[0]["blocks"][0]["text"]["text"].as_str().unwrap();
    assert!(
        section.contains(&format!("https://{DOMAIN}/incidents/{n}")) && section.contains("Cleared the tray"),
        "{section}"
    );
});

both_with!(
    an_sla_breach_while_nobody_is_signed_in_reaches_the_journal_mail_and_webhooks,
    mail_config(free_port()),
    |t| {
        let smtp = SmtpServer::start_on(smtp_port(&t));
        set_mail(&t, "agent", "agent@example.org", None).await;
        let (got, fail, calls) = (Got::default(), Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let url = receiver(got.clone(), fail, calls).await;
        let hook = json!({"name": "sla", "url": url, "secret": SECRET, "events": ["incident.sla_breached"]});
        assert_eq!(t.post("/api/v1/webhooks", &t.admin, hook).await.status(), 201);
        let sla = json!({"name": "Standard", "calendar_id": 1, "thresholds": [50],
        "targets": [{"priority": 5, "response": "1h", "resolution": "4h"}]});
        assert_eq!(t.post("/api/v1/slas", &t.admin, sla).await.status(), 201);
        let inc = t.incident(&t.requester, json!({"title": "Projector in room 4 is dead"})).await;
        let n = num(&inc);
        let assign = json!({"assignment_group": "Service Desk", "assignee": "agent", "version": inc["version"]});
        assert_eq!(t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, assign).await.status(), 200);
        t.app.deliver_due_now().await.unwrap();
        let before = smtp.messages().len();

        // Five hours on; nobody signs in. The timer and the delivery worker run.
        let opened = parse_time(inc["opened_at"].as_str().unwrap());
        let announced = t.app.run_sla_timers_at(opened + 5 * 3_600_000_000).await.unwrap();
        assert_eq!(announced.len(), 2, "the resolution clock's 50 % and its breach: {announced:?}");
        t.app.deliver_due_now().await.unwrap();

        let journal = t.json(&format!("/api/v1/incidents/{n}/journal"), &t.agent).await;
        let actions: Vec<&str> = journal.as_array().unwrap().iter().filter_map(|e| e["action"].as_str()).collect();
        assert!(actions.contains(&"sla_warning") && actions.contains(&"sla_breached"), "{actions:?}");
        let mails = sent_to(&smtp, "agent@example.org");
        assert_eq!(smtp.messages().len() - before, 2, "a warning and a breach, to the assignee");
        let breach = mails.iter().find(|m| m.subject.contains("SLA breached")).expect("the breach email");
        assert!(breach.subject.contains(&n), "{}", breach.subject);
        let hooks = got.lock().unwrap().clone();
        assert_eq!(hooks.len(), 1, "the webhook asked for breaches only: {hooks:?}");
        assert_eq!(hooks[0].0, "incident.sla_breached");
        assert_eq!(hooks[0].2["record"]["number"], n.as_str(), "{}", hooks[0].2);
        assert_eq!(hooks[0].2["sla"]["name"], "Standard · resolution");
    }
);

fn parse_time(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_microsecond()
}
