//! Single sign-on with OpenID Connect against a real provider: npm's
//! oidc-provider (crates/web/tests/oidc_provider/provider.mjs, installed by
//! scripts/install-oidc.sh), started with node on a free port of 127.0.0.1
//! for each test. A client keeping cookies as a browser does walks the
//! whole code flow: Steward's button, the provider's login and consent
//! forms, the callback. Both backends: the first sign-in creates the user
//! with the mapped role and groups and a later one updates them; a callback
//! works once; a tampered state, another browser's callback, an error from
//! the provider, a user in no mapped group, a local account's name, a
//! provider down or naming another issuer are each refused with a clear
//! message, audited, and sign no one in; the password form still works.

use crate::both;
use crate::helpers::*;
use reqwest::header;
use serde_json::{Value, json};
use std::collections::HashMap;
use steward_app::{App, oidc::OidcConfig};
use steward_domain::Role;
use steward_store::{Store, StoreOptions};
use steward_web::{AppState, WebConfig};

#[path = "../oidc_provider/provider.rs"]
mod provider;
use provider::{Provider, SECRET, start_provider};

/// A Steward node on the test's database with single sign-on set up by
/// `config`, and its provider (none: `config` sets the issuer itself).
struct Node {
    base: String,
    app: App,
    provider: Option<Provider>,
}

fn settings(issuer: &str, redirect: &str) -> OidcConfig {
    let mut c = OidcConfig::new(issuer, "steward", SECRET, redirect);
    c.roles = vec![("it-staff".into(), Role::Agent), ("it-admins".into(), Role::Admin)];
    c.groups = vec![("it-staff".into(), "Service Desk".into()), ("net".into(), "Network".into())];
    c
}

async fn node(t: &TestApp, users: Option<&Value>, env: &[(&str, &str)], tune: impl FnOnce(&mut OidcConfig)) -> Node {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let redirect = format!("{base}/auth/oidc/callback");
    let provider = match users {
        Some(u) => Some(start_provider(&redirect, u, env).await),
        None => None,
    };
    let issuer = provider.as_ref().map_or("http://127.0.0.1:9", |p| p.issuer.as_str());
    let mut oidc = settings(issuer, &redirect);
    tune(&mut oidc);
    let mut config = (*t.app.config).clone();
    config.oidc = Some(oidc);
    let store =
        Store::connect(&t.url, &StoreOptions { max_connections: 4, writers: 2, ..Default::default() }).await.unwrap();
    let app = App::new(store, config);
    tokio::spawn(steward_web::serve(
        AppState::new(app.clone(), WebConfig::default()),
        listener,
        std::future::pending(),
    ));
    Node { base, app, provider }
}

/// A browser: cookies by name (127.0.0.1 shares them across ports, as
/// browsers do), no automatic redirects.
#[derive(Default)]
struct Browser {
    jar: HashMap<String, String>,
    lang: Option<&'static str>,
}

/// Where a walk through the flow ended.
#[derive(Debug)]
struct Outcome {
    status: u16,
    location: Option<String>,
    body: String,
    /// The callback URL the provider sent the browser to.
    callback: Option<String>,
    /// A session cookie Steward set.
    session: Option<String>,
}

fn origin(url: &str) -> &str {
    let after = url.find("://").map_or(0, |i| i + 3);
    url[after..].find('/').map_or(url, |i| &url[..after + i])
}

fn resolve(from: &str, to: &str) -> String {
    if to.starts_with("http://") || to.starts_with("https://") {
        to.to_owned()
    } else {
        format!("{}{to}", origin(from))
    }
}

fn form_action(page: &str) -> Option<String> {
    let at = page.find("action=\"")? + 8;
    Some(page[at..at + page[at..].find('"')?].replace("&amp;", "&"))
}

impl Browser {
    async fn send(&mut self, t: &TestApp, url: &str, form: Option<&[(&str, &str)]>) -> reqwest::Response {
        let req = match form {
            Some(f) => t.client.post(url).form(f),
            None => t.client.get(url),
        };
        let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut req = req.header(header::COOKIE, cookies.join("; "));
        if let Some(l) = self.lang {
            req = req.header(header::ACCEPT_LANGUAGE, l);
        }
        let r = req.send().await.unwrap();
        for v in r.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let attrs = attrs.to_ascii_lowercase();
            if attrs.contains("max-age=0") || attrs.contains("expires=thu, 01 jan 1970") || value.is_empty() {
                self.jar.remove(name.trim());
            } else {
                self.jar.insert(name.trim().to_owned(), value.to_owned());
            }
        }
        r
    }

    /// From `url` through the provider's forms (signing in as `login`)
    /// until Steward answers the callback; with `stop`, until the provider
    /// sends the browser to the callback (not followed).
    async fn walk(&mut self, t: &TestApp, n: &Node, url: &str, login: &str, stop: bool) -> Outcome {
        let mut url = url.to_owned();
        let mut form: Option<Vec<(&str, &str)>> = None;
        let mut callback = None;
        for _ in 0..20 {
            let at_callback = url.starts_with(&format!("{}/auth/oidc/callback", n.base));
            if at_callback {
                callback = Some(url.clone());
                if stop {
                    return Outcome { status: 0, location: None, body: String::new(), callback, session: None };
                }
            }
            let had_session = self.jar.get("steward_session").cloned();
            let r = self.send(t, &url, form.take().as_deref()).await;
            let status = r.status().as_u16();
            let location = r.headers().get(header::LOCATION).map(|l| l.to_str().unwrap().to_owned());
            let body = r.text().await.unwrap();
            let session = self.jar.get("steward_session").cloned().filter(|s| Some(s) != had_session.as_ref());
            let from_steward = url.starts_with(&n.base);
            if at_callback || (from_steward && !(300..400).contains(&status)) {
                return Outcome { status, location, body, callback, session };
            }
            if let Some(to) = location {
                url = resolve(&url, &to);
            } else if body.contains("name=\"login\"") {
                form = Some(vec![("prompt", "login"), ("login", login), ("password", "anything")]);
                url = resolve(&url, &form_action(&body).unwrap());
            } else if body.contains("value=\"consent\"") {
                form = Some(vec![("prompt", "consent")]);
                url = resolve(&url, &form_action(&body).unwrap());
            } else {
                panic!("the walk stopped at {url} ({status}): {body}");
            }
        }
        panic!("the walk went on past 20 steps");
    }

    async fn sign_in(&mut self, t: &TestApp, n: &Node, login: &str) -> Outcome {
        self.walk(t, n, &format!("{}/auth/oidc/start?next=/incidents", n.base), login, false).await
    }
}

fn users() -> Value {
    json!({
        "olga": {"name": "Olga Kowalska", "email": "olga@example.com", "groups": ["it-staff", "net", "cafeteria"]},
        "visitor": {"name": "Vic", "email": "vic@example.com", "groups": ["guests"]},
        "agent": {"name": "Not The Agent", "email": "impostor@example.com", "groups": ["it-admins"]}
    })
}

async fn me(t: &TestApp, n: &Node, session: &str) -> Value {
    let r = t.client.get(format!("{}/api/v1/me", n.base)).header(header::COOKIE, format!("steward_session={session}"));
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn group_id(t: &TestApp, name: &str) -> i64 {
    let mut conn = t.app.store.pool().acquire().await.unwrap();
    steward_store::accounts::group_by_name(&mut conn, name).await.unwrap().unwrap().id
}

async fn audit(t: &TestApp, kind: &str) -> String {
    t.json(&format!("/api/v1/audit?kind={kind}&limit=200"), &t.admin).await.to_string()
}

async fn user_exists(t: &TestApp, name: &str) -> bool {
    let mut conn = t.app.store.pool().acquire().await.unwrap();
    steward_store::accounts::user_by_name(&mut conn, name).await.unwrap().is_some()
}

both!(first_sign_in_creates_the_user_a_later_one_updates_and_a_callback_works_once, |t| {
    let n = node(&t, Some(&users()), &[], |_| {}).await;
    let p = n.provider.as_ref().unwrap();
    let mut b = Browser::default();
    let page = b.send(&t, &format!("{}/login", n.base), None).await.text().await.unwrap();
    assert!(page.contains("id=\"sso-button\"") && page.contains("Sign in with single sign-on"), "{page}");
    assert!(page.contains("name=\"password\""), "the password form stays");

    let out = b.sign_in(&t, &n, "olga").await;
    assert_eq!((out.status, out.location.as_deref()), (303, Some("/incidents")), "{out:?}");
    let session = out.session.clone().expect("a session cookie");
    let who = me(&t, &n, &session).await;
    assert_eq!((who["username"].as_str(), who["role"].as_str()), (Some("olga"), Some("agent")), "{who}");
    assert_eq!(who["display_name"], "Olga Kowalska");
    let mut want = vec![group_id(&t, "Service Desk").await, group_id(&t, "Network").await];
    want.sort_unstable();
    let mut got: Vec<i64> = who["group_ids"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    got.sort_unstable();
    assert_eq!(got, want);
    let log = audit(&t, "sign_in").await;
    assert!(log.contains(&format!("via oidc as {} olga", p.issuer)), "{log}");

    // The same answer again: refused, no second session.
    let replay = b.send(&t, out.callback.as_ref().unwrap(), None).await;
    assert_eq!(replay.status(), 400);
    assert!(
        !replay
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("steward_session="))
    );
    let body = replay.text().await.unwrap();
    assert!(body.contains("That single sign-on took too long, was already used"), "{body}");
    assert!(audit(&t, "sign_in_failed").await.contains("no sign-in under way has this state"));

    // Later the provider says otherwise: the role and groups follow.
    p.set_users(&json!({"olga": {"name": "Olga Nowak", "email": "olga.nowak@example.com", "groups": ["it-admins"]}}));
    let mut b2 = Browser::default();
    let out = b2.sign_in(&t, &n, "olga").await;
    assert_eq!(out.status, 303, "{out:?}");
    let who = me(&t, &n, out.session.as_ref().unwrap()).await;
    assert_eq!((who["role"].as_str(), who["display_name"].as_str()), (Some("admin"), Some("Olga Nowak")));
    assert_eq!(who["group_ids"], json!([]), "the groups the provider manages follow it");
    let users = t.json("/api/v1/users", &t.admin).await;
    let olga = users.as_array().unwrap().iter().find(|u| u["username"] == "olga").unwrap().clone();
    assert_eq!((olga["email"].as_str(), olga["has_password"].as_bool()), (Some("olga.nowak@example.com"), Some(false)));

    // Deactivated here, the provider's word does not let her in.
    let v = t.json("/api/v1/users/olga", &t.admin).await["version"].as_i64().unwrap();
    let r = t.patch("/api/v1/users/olga", &t.admin, json!({"active": false, "version": v})).await;
    assert_eq!(r.status(), 200);
    let out = Browser::default().sign_in(&t, &n, "olga").await;
    assert_eq!(out.status, 403, "{out:?}");
    assert!(out.body.contains("Your Steward account is deactivated"), "{}", out.body);
    assert!(out.session.is_none());
    assert!(audit(&t, "sign_in_failed").await.contains("oidc account deactivated here"));
    n.app.store.close().await;
});

both!(refusals_are_clear_audited_and_sign_no_one_in, |t| {
    let n = node(&t, Some(&users()), &[], |_| {}).await;

    // The provider sends the browser back with an error.
    let mut b = Browser::default();
    let r = b
        .send(
            &t,
            &format!("{}/auth/oidc/callback?error=access_denied&error_description=no+thanks&state=x", n.base),
            None,
        )
        .await;
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("did not sign you in (access_denied)"), "{body}");

    // A tampered state; then the real answer in another browser.
    let mut b = Browser::default();
    let out = b.walk(&t, &n, &format!("{}/auth/oidc/start", n.base), "olga", true).await;
    let callback = out.callback.unwrap();
    let tampered = callback.replace("state=", "state=x");
    let r = b.send(&t, &tampered, None).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("That single sign-on took too long"));
    let mut other = Browser::default();
    let r = other.send(&t, &callback, None).await;
    assert_eq!(r.status(), 400, "without the cookie of the browser that began");
    assert!(r.text().await.unwrap().contains("begun in another browser"));
    // That used the state up: the right browser is refused now too.
    let r = b.send(&t, &callback, None).await;
    assert_eq!(r.status(), 400);
    assert!(!user_exists(&t, "olga").await, "no one was signed in");

    // In no group that maps to a role, and no default role.
    let out = Browser::default().sign_in(&t, &n, "visitor").await;
    assert_eq!(out.status, 403, "{out:?}");
    assert!(out.body.contains("in no group that may use Steward"), "{}", out.body);
    assert!(out.session.is_none() && !user_exists(&t, "visitor").await);

    // A local account's name is never taken over.
    let mut pl = Browser { lang: Some("pl"), ..Default::default() };
    let out = pl.sign_in(&t, &n, "agent").await;
    assert_eq!(out.status, 409, "{out:?}");
    assert!(out.body.contains("ma już nazwę użytkownika agent"), "{}", out.body);
    assert!(out.session.is_none());

    let log = audit(&t, "sign_in_failed").await;
    for why in [
        "the provider answered access_denied: no thanks",
        "no sign-in under way has this state",
        "another browser than the one that began",
        "in no group that maps to a role",
        "the name \\\"agent\\\" is taken",
    ] {
        assert!(log.contains(why), "{why} not in {log}");
    }
    n.app.store.close().await;
});

both!(a_provider_down_or_naming_another_issuer_leaves_the_password_form, |t| {
    // Nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let n = node(&t, None, &[], |c| c.issuer = format!("http://127.0.0.1:{port}")).await;
    let mut b = Browser::default();
    let r = b.send(&t, &format!("{}/auth/oidc/start", n.base), None).await;
    assert_eq!(r.status(), 503);
    let page = r.text().await.unwrap();
    assert!(page.contains("cannot be reached just now") && page.contains("name=\"password\""), "{page}");
    let mut pl = Browser { lang: Some("pl"), ..Default::default() };
    let r = pl.send(&t, &format!("{}/auth/oidc/start", n.base), None).await;
    assert!(r.text().await.unwrap().contains("jest teraz nieosiągalny"));
    assert!(audit(&t, "sign_in_failed").await.contains("the provider cannot be reached"));

    // The password still signs in on that node.
    let page = b.send(&t, &format!("{}/login", n.base), None).await.text().await.unwrap();
    let at = page.find("name=\"_csrf\" value=\"").unwrap() + 20;
    let csrf = page[at..].split('"').next().unwrap().to_owned();
    let form = [("_csrf", csrf.as_str()), ("username", "agent"), ("password", PASSWORD), ("next", "/home")];
    let r = b.send(&t, &format!("{}/login", n.base), Some(&form)).await;
    assert_eq!(r.status(), 303);
    assert!(b.jar.contains_key("steward_session"));

    // A provider whose discovery names another issuer than configured.
    let n2 = node(&t, Some(&users()), &[], |_| {}).await;
    let real = n2.provider.as_ref().unwrap().issuer.clone();
    n2.app.store.close().await;
    let n3 = node(&t, None, &[], |c| c.issuer = real.replace("127.0.0.1", "localhost")).await;
    let r = Browser::default().send(&t, &format!("{}/auth/oidc/start", n3.base), None).await;
    assert_eq!(r.status(), 503);
    assert!(audit(&t, "sign_in_failed").await.contains("names the issuer"));
    drop(n2.provider);

    // Without [oidc] there is no button and no way in.
    let page = Browser::default().send(&t, &format!("{}/login", t.base), None).await.text().await.unwrap();
    assert!(!page.contains("sso-button"));
    let r = Browser::default().send(&t, &format!("{}/auth/oidc/start", t.base), None).await;
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("not set up"));
    for app in [n.app, n3.app] {
        app.store.close().await;
    }
});

both!(es256_tokens_secret_post_a_default_role_the_password_form_folded_away_and_a_cap_on_starts, |t| {
    // The provider takes the secret in the body only, and signs with ES256.
    let env = [("ID_TOKEN_ALG", "ES256"), ("AUTH_METHOD", "client_secret_post")];
    let n = node(&t, Some(&users()), &env, |c| {
        c.default_role = Some(Role::Requester);
        c.only = true;
        c.button_label = Some("Sign in with Contoso ID".into());
    })
    .await;
    let mut b = Browser::default();
    let page = b.send(&t, &format!("{}/login", n.base), None).await.text().await.unwrap();
    assert!(page.contains("Sign in with Contoso ID") && page.contains("<details"), "{page}");
    let out = b.sign_in(&t, &n, "visitor").await;
    assert_eq!(out.status, 303, "{out:?}");
    let who = me(&t, &n, out.session.as_ref().unwrap()).await;
    assert_eq!((who["username"].as_str(), who["role"].as_str()), (Some("visitor"), Some("requester")));

    // A flood of starts stops at the cap, with a clear message.
    let now = steward_store::now_micros();
    let fill = format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})
         INSERT INTO oidc_logins (state_hash, browser_hash, nonce, verifier, next_path, created_at)
         SELECT 'h' || i, 'b', 'n', 'v', '/', {now} FROM n",
        steward_app::oidc::MAX_UNDER_WAY
    );
    sqlx::query(sqlx::AssertSqlSafe(fill)).execute(t.app.store.pool()).await.unwrap();
    let r = Browser::default().send(&t, &format!("{}/auth/oidc/start", n.base), None).await;
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("cannot be reached just now"));
    assert!(audit(&t, "sign_in_failed").await.contains("sign-ins are under way already"));
    n.app.store.close().await;
});
