//! Security (ASVS level 2): the sign-in redirect, throttling, CSRF,
//! headers, the HTTP layer's errors, text rules and the audit log.

use crate::helpers::*;
use crate::{both, both_web};
use reqwest::{Method, header};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use steward_app::AppConfig;
use steward_web::WebConfig;

/// A sign-in form as a browser gets it: the pre-session cookie and the
/// form's token.
async fn login_form(t: &TestApp) -> (String, String) {
    let r = t.client.get(format!("{}/login", t.base)).send().await.unwrap();
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let body = r.text().await.unwrap();
    let start = body.find(r#"name="_csrf" value=""#).unwrap() + r#"name="_csrf" value=""#.len();
    (cookie, body[start..].split('"').next().unwrap().to_owned())
}

async fn sign_in_form(
    t: &TestApp,
    username: &str,
    password: &str,
    next: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let (cookie, token) = login_form(t).await;
    let mut rb = t.client.post(format!("{}/login", t.base)).header(header::COOKIE, cookie);
    for (k, v) in extra {
        rb = rb.header(*k, *v);
    }
    rb.form(&[("_csrf", token.as_str()), ("username", username), ("password", password), ("next", next)])
        .send()
        .await
        .unwrap()
}

both!(sign_in_never_redirects_off_site, |t| {
    for (next, to) in [
        ("/incidents?state=open", "/incidents?state=open"),
        ("/\t/evil.example", "/"),
        ("/\n/x", "/"),
        ("/\r\n/x", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\u{3000}/evil.example", "/"),
    ] {
        let r = sign_in_form(&t, "agent", PASSWORD, next, &[]).await;
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(r.headers()[header::LOCATION], to, "{next:?}");
    }
    // Already signed in, /login?next=… goes on the same way.
    let (_, session) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    for next in ["%2F%09%2Fevil.example", "%2F%0A%2Fx"] {
        let r = t
            .client
            .get(format!("{}/login?next={next}", t.base))
            .header(header::COOKIE, format!("steward_session={}", session.token))
            .send()
            .await
            .unwrap();
        assert_eq!((r.status().as_u16(), r.headers()[header::LOCATION].to_str().unwrap()), (303, "/"), "{next}");
    }
});

both!(throttling_is_per_account_and_client_and_tells_no_names, |t| {
    let (a, b) = ([198, 51, 100, 1].into(), [198, 51, 100, 2].into());
    let status = |r: Result<_, steward_app::AppError>| match r {
        Ok(_) => 200,
        Err(steward_app::AppError::Unauthenticated(m)) => {
            assert_eq!(m, "wrong username or password");
            401
        }
        Err(steward_app::AppError::Throttled { .. }) => 429,
        Err(e) => panic!("{e}"),
    };
    // A known and an unknown name answer alike: 401 five times, then this
    // client is refused for that name, whether or not it exists.
    for name in ["agent", "nobody-here"] {
        for _ in 0..5 {
            assert_eq!(status(t.app.login(name, "wrong password", a).await), 401, "{name}");
        }
        assert_eq!(status(t.app.login(name, PASSWORD, a).await), 429, "{name}");
    }
    // The real agent elsewhere is slowed, not locked out.
    let started = Instant::now();
    assert_eq!(status(t.app.login("agent", PASSWORD, b).await), 200);
    assert!(started.elapsed() >= Duration::from_millis(250), "the account's delay applies");
    // Other accounts from the first client are untouched.
    assert_eq!(status(t.app.login("requester", PASSWORD, a).await), 200);

    // Over HTTP, a made-up X-Forwarded-For from a client that is no trusted
    // proxy changes nothing: the lock stays on the connecting address.
    for _ in 0..5 {
        let r = sign_in_form(&t, "requester", "wrong password", "/", &[]).await;
        assert_eq!(r.status(), 401);
    }
    let r = sign_in_form(&t, "requester", PASSWORD, "/", &[("x-forwarded-for", "203.0.113.77")]).await;
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key(header::RETRY_AFTER));

    let events = t.json("/api/v1/audit?kind=sign_in_locked&limit=10", &t.admin).await;
    let locked: Vec<&str> = events["items"].as_array().unwrap().iter().map(|e| e["actor"].as_str().unwrap()).collect();
    assert_eq!(locked, ["requester", "nobody-here", "agent"]);
    assert_eq!(events["items"][0]["client"], "127.0.0.1");
});

both_web!(
    trusted_proxies_name_the_client,
    AppConfig::default(),
    WebConfig {
        trusted_proxies: steward_domain::net::Networks::parse(&["127.0.0.0/8"]).unwrap(),
        ..Default::default()
    },
    |t| {
        // Behind the proxy, each client is itself: one is locked out, the
        // next is not.
        for _ in 0..5 {
            let r = sign_in_form(&t, "agent", "wrong password", "/", &[("x-forwarded-for", "203.0.113.5")]).await;
            assert_eq!(r.status(), 401);
        }
        let r = sign_in_form(&t, "agent", PASSWORD, "/", &[("x-forwarded-for", "203.0.113.5")]).await;
        assert_eq!(r.status(), 429);
        let r = sign_in_form(&t, "agent", PASSWORD, "/", &[("x-forwarded-for", "1.2.3.4, 203.0.113.6")]).await;
        assert_eq!(r.status(), 303, "another client behind the same proxy signs in");
        let events = t.json("/api/v1/audit?kind=sign_in&actor=agent", &t.admin).await;
        assert_eq!(events["items"][0]["client"], "203.0.113.6", "the rightmost untrusted address");
    }
);

both!(csrf_refuses_other_sites_and_is_audited, |t| {
    let (session, csrf) = {
        let (_, s) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
        (s.token, s.csrf)
    };
    let post = |extra: Vec<(&'static str, String)>| {
        let mut rb = t
            .client
            .post(format!("{}/api/v1/incidents", t.base))
            .header(header::COOKIE, format!("steward_session={session}"))
            .header("x-csrf-token", &csrf)
            .json(&json!({"title": "via cookie"}));
        for (k, v) in extra {
            rb = rb.header(k, v);
        }
        rb.send()
    };
    for extra in [
        vec![("origin", "https://evil.example".to_owned())],
        vec![("origin", "null".to_owned())],
        vec![("sec-fetch-site", "cross-site".to_owned())],
    ] {
        problem(post(extra.clone()).await.unwrap(), 403, "csrf_failed").await;
    }
    let same = post(vec![("origin", t.base.clone()), ("sec-fetch-site", "same-origin".into())]).await.unwrap();
    assert_eq!(same.status(), 201);
    // The UI's guard: a form from elsewhere, or with its token in the query.
    let form = |path: String, origin: Option<&str>| {
        let mut rb =
            t.client.post(format!("{}{path}", t.base)).header(header::COOKIE, format!("steward_session={session}"));
        if let Some(o) = origin {
            rb = rb.header("origin", o);
        }
        rb
    };
    let r = form("/settings".into(), Some("https://evil.example")).form(&[("_csrf", csrf.as_str()), ("locale", "pl")]);
    assert_eq!(r.send().await.unwrap().status(), 403);
    let r = form(format!("/settings?_csrf={csrf}"), None).form(&[("locale", "pl")]);
    assert_eq!(r.send().await.unwrap().status(), 403);
    let r = form("/settings".into(), Some(&t.base)).form(&[("_csrf", csrf.as_str()), ("locale", "pl")]);
    assert_eq!(r.send().await.unwrap().status(), 303);

    let events = t.json("/api/v1/audit?kind=csrf_refused", &t.admin).await;
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 5, "{events}");
    assert!(items.iter().all(|e| e["actor"] == "agent"), "{events}");
    assert_eq!(items[0]["subject"], "POST /settings");
    assert_eq!(items[4]["subject"], "POST /api/v1/incidents");
    assert_eq!(items[4]["detail"], "sent from another site (Origin)");
    // Refusals are not counted twice as plain 403s.
    assert_eq!(t.json("/api/v1/audit?kind=forbidden", &t.admin).await["items"], json!([]));
});

both!(private_answers_are_not_cached_or_sniffed, |t| {
    let n = num(&t.incident(&t.agent, json!({"title": "Headers"})).await);
    let part = reqwest::multipart::Part::bytes(b"<html>hi</html>".to_vec()).file_name("page.html");
    let r = t
        .req(Method::POST, &format!("/api/v1/incidents/{n}/attachments"), &t.agent)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    for path in ["/api/v1/me".to_owned(), format!("/api/v1/incidents/{n}/attachments/{id}"), "/api/v1/nope".into()] {
        let r = t.get(&path, &t.agent).await;
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
    for path in ["/healthz", "/login", "/assets/app.css"] {
        let r = t.client.get(format!("{}{path}", t.base)).send().await.unwrap();
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
});

both!(errors_of_the_http_layer_are_problems, |t| {
    let p = problem(t.req(Method::PUT, "/api/v1/me", &t.agent).send().await.unwrap(), 405, "method_not_allowed").await;
    assert!(p["detail"].is_string());
    let p = problem(t.get("/api/v1/incidents/%FF%FE", &t.agent).await, 400, "bad_request").await;
    assert!(p["detail"].as_str().unwrap().contains("UTF-8"), "{p}");
    problem(t.get("/api/v1/mail/inbound?limit=abc", &t.admin).await, 422, "validation_failed").await;
    problem(t.get("/api/v1/no/such/path", &t.agent).await, 404, "not_found").await;
    let r = t.req(Method::POST, "/api/v1/incidents", &t.agent).header("content-type", "text/plain").body("x");
    problem(r.send().await.unwrap(), 415, "unsupported_media_type").await;
    // A body over the limit is refused from its Content-Length before it is
    // read, so a client still writing it may find the connection closed:
    // send the headers alone and read the answer.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = t.base.trim_start_matches("http://").to_owned();
        let mut s = tokio::net::TcpStream::connect(&host).await.unwrap();
        let head = format!(
            "POST /api/v1/incidents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            t.agent,
            13 * 1024 * 1024
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut answer)).await.unwrap().unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.to_ascii_lowercase().contains("content-type: application/problem+json"), "{answer}");
        assert!(answer.contains("\"too_large\""), "{answer}");
    }
    problem(t.post("/api/v1/incidents", &t.agent, json!([{"title": "array"}])).await, 422, "validation_failed").await;
});

both_web!(
    slow_headers_are_cut_off,
    AppConfig::default(),
    WebConfig { header_read_timeout: Duration::from_millis(300), ..Default::default() },
    |t| {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut slow = tokio::net::TcpStream::connect(t.addr).await.unwrap();
        slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        let mut buf = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut buf)).await;
        assert!(closed.is_ok(), "the server closes a connection whose headers never end");
        // A prompt client is served.
        assert_eq!(t.client.get(format!("{}/healthz", t.base)).send().await.unwrap().status(), 200);
    }
);

both!(one_text_rule_for_every_field, |t| {
    for title in ["two\nlines", "bell\u{7}", "nul\u{0}"] {
        invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": title})).await, &["title"]).await;
    }
    let inc = t.incident(&t.agent, json!({"title": "ok", "description": "two\r\nlines\tand a tab"})).await;
    assert_eq!(inc["description"], "two\nlines\tand a tab");
    for name in ["web\n01", "web\u{0}01", "web\u{1b}[31m"] {
        let r = t.post("/api/v1/cis", &t.admin, json!({"class": "server", "name": name})).await;
        invalid(r, &["name"]).await;
    }
    let n = num(&inc);
    let part = reqwest::multipart::Part::bytes(b"MZ".to_vec()).file_name("invoice\u{202E}fdp.exe");
    let r = t
        .req(Method::POST, &format!("/api/v1/incidents/{n}/attachments"), &t.agent)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(r.json::<Value>().await.unwrap()["filename"], "invoicefdp.exe");
});

both!(audit_log_for_admins_with_filters_and_pages, |t| {
    // Events of several kinds.
    let _ = t.app.login("agent", "wrong password", [127, 0, 0, 1].into()).await;
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "laptop"})).await;
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(t.delete(&format!("/api/v1/tokens/{id}"), &t.agent).await.status(), 204);
    problem(t.get("/api/v1/outbox", &t.requester).await, 403, "forbidden").await;

    let all = t.json("/api/v1/audit", &t.admin).await;
    let kinds: Vec<&str> = all["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(&kinds[..4], ["forbidden", "token_revoked", "token_created", "sign_in_failed"], "{all}");
    let forbidden = &all["items"][0];
    assert_eq!(
        (forbidden["actor"].as_str(), forbidden["subject"].as_str()),
        (Some("requester"), Some("GET /api/v1/outbox"))
    );
    // Filters, each behind its index, and keyset pages.
    let mine = t.json("/api/v1/audit?actor=agent", &t.admin).await;
    assert!(mine["items"].as_array().unwrap().iter().all(|e| e["actor"] == "agent"));
    let tokens = t.json("/api/v1/audit?kind=token_created", &t.admin).await;
    assert!(
        tokens["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["subject"] == "agent" && e["detail"] == format!("token {id} (all)"))
    );
    let first = t.json("/api/v1/audit?limit=2", &t.admin).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let before = first["next_before"].as_i64().unwrap();
    let second = t.json(&format!("/api/v1/audit?limit=2&before={before}"), &t.admin).await;
    assert_eq!(second["items"][0]["kind"], kinds[2]);
    // Users created (by the command line here) and changed are in it too.
    let created = t.json("/api/v1/audit?kind=user_created&actor=steward", &t.admin).await;
    let names: Vec<&str> =
        created["items"].as_array().unwrap().iter().map(|e| e["subject"].as_str().unwrap()).collect();
    assert_eq!(names, ["requester2", "requester", "agent2", "agent", "manager", "admin"]);
    let r = t.post("/api/v1/groups/Network/members", &t.admin, json!({"username": "agent"})).await;
    assert_eq!(r.status(), 204);
    let changed = t.json("/api/v1/audit?kind=user_changed", &t.admin).await;
    assert_eq!(changed["items"][0]["actor"], "admin");
    assert_eq!(changed["items"][0]["subject"], "agent");
    assert_eq!(changed["items"][0]["detail"], "added to group Network");
    // Only admins; a bad filter is named.
    problem(t.get("/api/v1/audit", &t.manager).await, 403, "forbidden").await;
    invalid(t.get("/api/v1/audit?kind=nope", &t.admin).await, &["kind"]).await;
    problem(t.get("/api/v1/audit?before=x", &t.admin).await, 422, "validation_failed").await;
});
