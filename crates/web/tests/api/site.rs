//! The site's defaults over HTTP: pages and e-mail follow a user's own
//! language and zone, else their browser's (recorded at sign-in), else the
//! site's; and the access log names each request's client and user.

use crate::helpers::*;
use crate::{both_web, both_with};
use reqwest::header;
use serde_json::json;
use std::sync::{Arc, Mutex, OnceLock};
use steward_app::AppConfig;
use steward_app::site::SiteConfig;
use steward_domain::zone::ZoneName;
use steward_web::WebConfig;

/// Polish and Tokyo time unless a user or their browser says otherwise.
fn site_config() -> AppConfig {
    AppConfig {
        site: SiteConfig { language: "pl".into(), time_zone: ZoneName::parse("Asia/Tokyo").unwrap() },
        ..Default::default()
    }
}

/// Signs in through the form as a browser does; the session cookie.
async fn browser_sign_in(t: &TestApp, user: &str, headers: &[(&str, &str)], zone: &str) -> String {
    let r = t.client.get(format!("{}/login", t.base)).send().await.unwrap();
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let body = r.text().await.unwrap();
    assert!(body.contains(r#"id="browser-zone""#), "the form has the field the script fills");
    let start = body.find(r#"name="_csrf" value=""#).unwrap() + r#"name="_csrf" value=""#.len();
    let token = body[start..].split('"').next().unwrap().to_owned();
    let mut rb = t.client.post(format!("{}/login", t.base)).header(header::COOKIE, cookie);
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    let form =
        [("_csrf", token.as_str()), ("username", user), ("password", PASSWORD), ("next", "/"), ("time_zone", zone)];
    let r = rb.form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "signed in");
    let session = r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned());
    session.into_iter().find(|c| c.starts_with("steward_session=")).unwrap().split(';').next().unwrap().to_owned()
}

async fn page(t: &TestApp, path: &str, cookie: &str, accept_language: &str) -> String {
    let r = t
        .client
        .get(format!("{}{path}", t.base))
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_LANGUAGE, accept_language)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// The acknowledgement e-mail of a new incident, waiting in the outbox.
async fn acknowledgement(t: &TestApp, number: &str) -> String {
    let page = t.json("/api/v1/outbox?state=pending&limit=100", &t.admin).await;
    let m =
        page["items"].as_array().unwrap().iter().find(|m| m["record"] == number && m["event"] == "incident.created");
    let id = m.unwrap_or_else(|| panic!("no acknowledgement of {number}: {page}"))["id"].as_i64().unwrap();
    let (payload,): (String,) = sqlx::query_as("SELECT payload FROM outbox WHERE id = $1")
        .bind(id)
        .fetch_one(t.app.store.pool())
        .await
        .unwrap();
    let p: serde_json::Value = serde_json::from_str(&payload).unwrap();
    p["text"].as_str().unwrap().to_owned()
}

async fn set_email(t: &TestApp, user: &str) {
    sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
        .bind(format!("{user}@example.org"))
        .bind(user.to_owned())
        .execute(t.app.store.pool())
        .await
        .unwrap();
}

const ENGLISH: &str = "We have received your request";
const POLISH: &str = "Otrzymaliśmy Twoje zgłoszenie";

both_with!(pages_and_mail_follow_the_setting_then_the_browser_then_the_site, site_config(), |t| {
    for who in ["requester", "requester2", "agent"] {
        set_email(&t, who).await;
    }
    // Before sign-in: the browser's language if we speak it, else the site's.
    for (accept, lang) in [("fr-FR,fr;q=0.9", "pl"), ("en-US,en;q=0.9", "en"), ("", "pl")] {
        let r = t.client.get(format!("{}/login", t.base)).header(header::ACCEPT_LANGUAGE, accept).send().await;
        let body = r.unwrap().text().await.unwrap();
        assert!(body.contains(&format!(r#"<html lang="{lang}">"#)), "{accept:?} → {lang}");
    }

    // Nobody has chosen anything and requester2 never signed in: the site's language.
    let n2 = num(&t.incident(&t.requester2, json!({"title": "Nie działa VPN"})).await);
    assert!(acknowledgement(&t, &n2).await.contains(POLISH), "the site's language");

    // The requester signs in from an English browser in New York: recorded, and followed.
    let cookie = browser_sign_in(&t, "requester", &[("accept-language", "en-GB,en;q=0.8")], "America/New_York").await;
    let (locale, zone): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT browser_locale, browser_time_zone FROM users WHERE username = 'requester'")
            .fetch_one(t.app.store.pool())
            .await
            .unwrap();
    assert_eq!((locale.as_deref(), zone.as_deref()), (Some("en"), Some("America/New_York")));
    let n = num(&t.incident(&t.requester, json!({"title": "Printer jams"})).await);
    assert!(acknowledgement(&t, &n).await.contains(ENGLISH), "the browser's language");
    let html = page(&t, &format!("/incidents/{n}"), &cookie, "fr").await;
    assert!(html.contains(" EST\"") || html.contains(" EDT\""), "the browser's zone on pages");

    // The agent signs in from a browser that speaks neither and runs no script.
    let agent = browser_sign_in(&t, "agent", &[("accept-language", "fr")], "").await;
    let html = page(&t, &format!("/incidents/{n}"), &agent, "fr").await;
    assert!(html.contains(r#"<html lang="pl">"#), "the site's language on pages");
    assert!(html.contains(" JST\""), "the site's zone on pages");

    // The requester's own choice beats the browser.
    let me = json!({"locale": "pl", "time_zone": "Europe/Warsaw"});
    let r = t.req(reqwest::Method::PATCH, "/api/v1/me", &t.requester).json(&me).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let n3 = num(&t.incident(&t.requester, json!({"title": "Skaner"})).await);
    assert!(acknowledgement(&t, &n3).await.contains(POLISH), "their own language");
    let html = page(&t, &format!("/incidents/{n3}"), &cookie, "en").await;
    assert!(html.contains(r#"<html lang="pl">"#), "their own language on pages");
    assert!(html.contains(" CET\"") || html.contains(" CEST\""), "their own zone on pages");
});

/// The process's log lines, captured by a subscriber installed once for
/// the test binary (its server tasks run on several threads).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn access_log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_env_filter(tracing_subscriber::EnvFilter::new("steward::access=info"))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber in this binary");
        log
    })
}

/// The access-log line of the request from `client` to `path`.
fn line_of(client: &str, path: &str) -> String {
    let text = String::from_utf8_lossy(&access_log().0.lock().unwrap()).into_owned();
    let mark = format!("client={client} ");
    let found = text.lines().find(|l| l.contains(&mark) && l.contains(&format!("path={path} ")));
    found.unwrap_or_else(|| panic!("no line for {client} {path}")).to_owned()
}

fn random_client() -> String {
    let mut b = [0u8; 4];
    getrandom::fill(&mut b).unwrap();
    format!("2001:db8::{:x}:{:x}", u16::from_be_bytes([b[0], b[1]]), u16::from_be_bytes([b[2], b[3]]))
}

fn behind_a_proxy() -> WebConfig {
    WebConfig { trusted_proxies: steward_domain::net::Networks::parse(&["127.0.0.0/8"]).unwrap(), ..Default::default() }
}

both_web!(access_log_lines_name_the_client_and_the_user, AppConfig::default(), behind_a_proxy(), |t| {
    access_log();
    let (by_token, anonymous, by_session) = (random_client(), random_client(), random_client());
    let forwarded = |ip: &str| format!("198.51.100.7, {ip}");
    let r = t.get("/api/v1/me", &t.agent).await;
    assert_eq!(r.status(), 200);
    let r = t.req(reqwest::Method::GET, "/api/v1/me", &t.agent).header("x-forwarded-for", forwarded(&by_token));
    assert_eq!(r.send().await.unwrap().status(), 200);
    let r = t.client.get(format!("{}/api/v1/me", t.base)).header("x-forwarded-for", forwarded(&anonymous));
    assert_eq!(r.send().await.unwrap().status(), 401);
    let cookie = browser_sign_in(&t, "requester", &[("x-forwarded-for", &by_session)], "").await;
    let r = t.client.get(format!("{}/portal", t.base)).header(header::COOKIE, cookie);
    assert_eq!(r.header("x-forwarded-for", by_session.as_str()).send().await.unwrap().status(), 200);

    let line = line_of(&by_token, "/api/v1/me");
    assert!(line.contains(" INFO ") && line.contains("steward::access"), "{line}");
    for part in ["user=agent", "method=GET", "status=200"] {
        assert!(line.contains(part), "{part}: {line}");
    }
    let line = line_of(&anonymous, "/api/v1/me");
    assert!(line.contains("user=- ") && line.contains("status=401"), "anonymous: {line}");
    let line = line_of(&by_session, "/login");
    assert!(line.contains("user=requester") && line.contains("method=POST"), "signing in: {line}");
    let line = line_of(&by_session, "/portal");
    assert!(line.contains("user=requester") && line.contains("status=200"), "by session: {line}");
});
