//! A site whose numbers read TKT0000001, PROB0000001 and ART0000001.

use crate::both_with;
use crate::helpers::*;
use crate::smtpd::{SmtpServer, free_port};
use axum::{body::Bytes, http::HeaderMap, routing::post};
use reqwest::header;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use steward_app::{AppConfig, mail_in::MailOutcome, notify::NotifyConfig};
use steward_channels::email::{SmtpConfig, SmtpTls};
use steward_channels::inbound;
use steward_domain::number::Prefixes;

const DOMAIN: &str = "steward.test";

/// Installs this binary's prefixes (the same for every test, so tests
/// running side by side in one process agree) and mail to a local relay.
fn config(smtp_port: u16) -> AppConfig {
    Prefixes::new(["tkt", "PROB", "Art", "CHG", "TASK"]).unwrap().install().unwrap();
    AppConfig {
        notify: NotifyConfig {
            smtp: Some(SmtpConfig {
                host: "127.0.0.1".into(),
                port: smtp_port,
                tls: SmtpTls::None,
                username: None,
                password: None,
                from: format!("Steward <desk@{DOMAIN}>"),
                timeout: Duration::from_secs(5),
            }),
            base_url: format!("https://{DOMAIN}"),
            backoff_base: Duration::ZERO,
            worker: false,
            webhook_allow: steward_domain::net::Networks::parse(&["127.0.0.0/8"]).unwrap(),
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn search(t: &TestApp, q: &str, token: &str) -> Value {
    let r =
        t.client.get(format!("{}/api/v1/search", t.base)).bearer_auth(token).query(&[("q", q)]).send().await.unwrap();
    assert_eq!(r.status(), 200, "{q}");
    r.json().await.unwrap()
}

fn by_number(found: &Value) -> Vec<&str> {
    found["by_number"].as_array().unwrap().iter().map(|h| h["number"].as_str().unwrap()).collect()
}

async fn cookie(t: &TestApp, username: &str) -> String {
    let (_, s) = t.app.login(username, PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    format!("steward_session={}", s.token)
}

async fn page(t: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    t.client.get(format!("{}{path}", t.base)).header(header::COOKIE, cookie).send().await.unwrap()
}

both_with!(the_api_and_the_pages_write_and_read_the_configured_prefixes, config(free_port()), |t| {
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": "Printer jams", "requester": "requester"})).await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()[header::LOCATION], "/api/v1/incidents/TKT0000001");
    let inc: Value = r.json().await.unwrap();
    assert_eq!(inc["number"], "TKT0000001");

    // By number in any spelling; the defaults still name it (old links).
    for spelling in ["TKT0000001", "tkt1", "Tkt0000001", "INC0000001", "inc1", "1"] {
        let r = t.get(&format!("/api/v1/incidents/{spelling}"), &t.agent).await;
        assert_eq!(r.status(), 200, "{spelling}");
        assert_eq!(r.json::<Value>().await.unwrap()["number"], "TKT0000001", "{spelling}");
    }
    // Another kind's number, an unknown prefix: not found, never a 500.
    for other in ["PROB0000001", "PRB0000001", "XYZ0000001", "TKT", "TKTX1"] {
        problem(t.get(&format!("/api/v1/incidents/{other}"), &t.agent).await, 404, "not_found").await;
    }
    assert_eq!(t.numbers(&[], &t.agent).await, ["TKT0000001"]);

    let p = t.post("/api/v1/problems", &t.agent, json!({"title": "Printers jam on tray 2"})).await;
    assert_eq!(p.status(), 201);
    assert_eq!(p.headers()[header::LOCATION], "/api/v1/problems/PROB0000001");
    let r = t.post("/api/v1/problems/prob1/incidents", &t.agent, json!({"incidents": ["tkt1"]})).await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let linked = t.json("/api/v1/problems/PRB0000001/incidents", &t.agent).await;
    assert_eq!(linked[0]["number"], "TKT0000001", "{linked}");
    let body = json!({"audience": "staff", "problems": ["PROB0000001"],
        "translations": [{"lang": "en", "title": "Clearing tray 2", "body": "Open the side door."}]});
    let r = t.post("/api/v1/articles", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    assert_eq!(num(&r.json().await.unwrap()), "ART0000001");
    assert_eq!(t.json("/api/v1/articles/kb1", &t.agent).await["number"], "ART0000001");

    // A refusal shows a number as this site writes them.
    let body = json!({"audience": "staff", "translations": [{"lang": "en", "title": "x", "body": "y"}], "problems": ["TKT0000001"]});
    let msg = invalid(t.post("/api/v1/articles", &t.agent, body).await, &["problems[0]"]).await;
    assert!(msg.contains("is not a problem number (PROB0000042)"), "{msg}");

    // The pages: links, forms' hints and the search hint.
    let agent = cookie(&t, "agent").await;
    let r = page(&t, "/incidents/tkt1", &agent).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("TKT0000001") && html.contains("/problems/PROB0000001"), "{html}");
    assert!(html.contains("e.g. PROB0000042") && !html.contains("PRB0000042"), "the hint: {html}");
    let list = page(&t, "/incidents", &agent).await.text().await.unwrap();
    assert!(list.contains(r#"href="/incidents/TKT0000001""#), "{list}");
    let form = page(&t, "/incidents/new", &agent).await.text().await.unwrap();
    assert!(form.contains("An incident number, e.g. TKT0000042"), "{form}");
    let hint = page(&t, "/search", &agent).await.text().await.unwrap();
    assert!(hint.contains("Type a record number (TKT0001127, tkt1127 or 1127)"), "{hint}");
});

both_with!(search_finds_records_by_the_configured_prefixes, config(free_port()), |t| {
    let first = num(&t.incident(&t.agent, json!({"title": "VPN drops", "requester": "requester"})).await);
    assert_eq!(first, "TKT0000001");
    let body = json!({"title": "VPN drops again", "description": "Same as TKT0000001 yesterday."});
    let second = num(&t.incident(&t.agent, body).await);
    t.post("/api/v1/problems", &t.agent, json!({"title": "VPN concentrator overloaded"})).await;

    for q in ["TKT0000001", "tkt1", "tkt0000001", "INC0000001", "inc1"] {
        let found = search(&t, q, &t.agent).await;
        assert_eq!(by_number(&found), ["TKT0000001"], "{q}");
        assert_eq!(found["go_to"], "/api/v1/incidents/TKT0000001", "{q}");
    }
    let found = search(&t, "prob1", &t.agent).await;
    assert_eq!(found["go_to"], "/api/v1/problems/PROB0000001");
    // A bare number: the record of that number of every kind.
    let found = search(&t, "1", &t.agent).await;
    assert_eq!(by_number(&found), ["TKT0000001", "PROB0000001"]);
    assert!(found["go_to"].is_null());
    // A number among words is a word, matched as written in the text.
    let found = search(&t, "tkt1 yesterday ", &t.agent).await;
    let numbers: Vec<&str> =
        found["records"].as_array().unwrap().iter().map(|r| r["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, [second.as_str()], "{found}");
    assert_eq!(found["records"][0]["href"], format!("/api/v1/incidents/{second}"));
    // The requester finds their own by number; the page goes straight there.
    assert_eq!(search(&t, "TKT0000001", &t.requester).await["go_to"], "/api/v1/incidents/TKT0000001");
    let r = page(&t, "/search?q=tkt1", &cookie(&t, "agent").await).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()[header::LOCATION], "/incidents/TKT0000001");
    let r = page(&t, "/search?q=PROB1", &cookie(&t, "agent").await).await;
    assert_eq!(r.headers()[header::LOCATION], "/problems/PROB0000001");
});

async fn set_mail(t: &TestApp, user: &str, email: &str) {
    sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
        .bind(email.to_owned())
        .bind(user.to_owned())
        .execute(t.app.store.pool())
        .await
        .unwrap();
}

fn mail_to(smtp: &SmtpServer, subject_part: &str) -> Vec<inbound::InboundMessage> {
    smtp.messages()
        .iter()
        .map(|raw| inbound::parse(raw, 1 << 20).unwrap())
        .filter(|m| m.subject.contains(subject_part))
        .collect()
}

both_with!(mail_and_webhooks_carry_the_configured_number_and_replies_find_it, config(free_port()), |t| {
    let smtp = SmtpServer::start_on(t.app.config.notify.smtp.as_ref().unwrap().port);
    set_mail(&t, "requester", "anna@example.org").await;
    let got: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = got.clone();
    let hook = move |_: HeaderMap, body: Bytes| {
        let sink = sink.clone();
        async move {
            sink.lock().unwrap().push(serde_json::from_slice(&body).unwrap());
            "thanks"
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/hook", post(hook))).await.unwrap() });
    let r =
        t.post("/api/v1/webhooks", &t.admin, json!({"name": "ops", "url": url, "events": ["incident.created"]})).await;
    assert_eq!(r.status(), 201);

    let n = num(&t.incident(&t.requester, json!({"title": "Monitor flickers"})).await);
    assert_eq!(n, "TKT0000001");
    t.app.deliver_due_now().await.unwrap();
    let hooks = got.lock().unwrap().clone();
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0]["record"]["number"], "TKT0000001");
    assert_eq!(hooks[0]["record"]["link"], format!("https://{DOMAIN}/incidents/TKT0000001"));
    let outbox = t.json("/api/v1/outbox?state=sent", &t.admin).await;
    let items = outbox["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|m| m["record"] == "TKT0000001"), "{outbox}");

    // The acknowledgement names the number as configured, in its subject and ids.
    let ack = mail_to(&smtp, "[TKT0000001]");
    assert_eq!(ack.len(), 1, "the requester's receipt");
    assert_eq!(ack[0].subject, "[TKT0000001] Monitor flickers");
    let id = ack[0].message_id.clone().unwrap();
    assert!(id.contains(&format!("TKT0000001@{DOMAIN}")), "{id}");

    // A reply by its subject alone (no threading headers) lands on the record.
    let reply = "From: anna@example.org\r\nTo: desk@steward.test\r\nSubject: Re: [TKT0000001] Monitor flickers\r\n\
        Message-ID: <r1@example.org>\r\n\r\nIt flickers on battery only.\r\n";
    assert_eq!(t.app.ingest_mail(reply.as_bytes()).await.unwrap(), MailOutcome::Commented("TKT0000001".into()));
    // One to an older message, written with the default prefix, too.
    let reply = format!(
        "From: anna@example.org\r\nSubject: Re: Monitor\r\nMessage-ID: <r2@example.org>\r\nIn-Reply-To: <INC0000001@{DOMAIN}>\r\n\r\nStill.\r\n"
    );
    assert_eq!(t.app.ingest_mail(reply.as_bytes()).await.unwrap(), MailOutcome::Commented("TKT0000001".into()));
    let comments = t.json("/api/v1/incidents/TKT0000001/comments", &t.agent).await;
    let bodies: Vec<&str> = comments.as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["It flickers on battery only.", "Still."]);
    // A new message opens a new incident, numbered as configured.
    let new = "From: anna@example.org\r\nSubject: Keyboard\r\nMessage-ID: <r3@example.org>\r\n\r\nSticky keys.\r\n";
    assert_eq!(t.app.ingest_mail(new.as_bytes()).await.unwrap(), MailOutcome::Created("TKT0000002".into()));
});
