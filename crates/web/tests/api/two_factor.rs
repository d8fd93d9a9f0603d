//! Two-step sign-in as a browser goes through it: set up on the settings
//! page (the key read off the page, the code computed as an app would),
//! confirmed, then signing in asks for a code; a code works once, a
//! recovery code once, a wrong one is refused and throttled like a wrong
//! password, a forged or foreign challenge leads back to the password;
//! turning it off needs the password; an admin resets it for a user.

use crate::both;
use crate::helpers::*;
use reqwest::header;
use serde_json::Value;
use steward_app::totp;

/// A signed-in browser: its session cookie and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn signed_in(t: &TestApp, user: &str) -> Browser {
    let (_, s) = t.app.login(user, PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    Browser { cookie: format!("steward_session={}", s.token), csrf: s.csrf }
}

async fn post(t: &TestApp, b: &Browser, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form = vec![("_csrf", b.csrf.as_str())];
    form.extend_from_slice(fields);
    let r = t.client.post(format!("{}{path}", t.base)).header(header::COOKIE, &b.cookie).form(&form).send().await;
    let r = r.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn settings(t: &TestApp, b: &Browser) -> String {
    let r = t.client.get(format!("{}/settings", t.base)).header(header::COOKIE, &b.cookie).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// The text of the element with this id.
fn text_of(page: &str, id: &str) -> Option<String> {
    let at = page.find(&format!("id=\"{id}\""))?;
    let start = at + page[at..].find('>')? + 1;
    Some(page[start..start + page[start..].find('<')?].trim().to_owned())
}

fn hidden(page: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let start = page.find(&key).unwrap_or_else(|| panic!("no {name} in {page}")) + key.len();
    page[start..].split('"').next().unwrap().to_owned()
}

fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A browser at the sign-in page: its pre-session cookie and form token.
struct SignIn {
    cookie: String,
    csrf: String,
}

impl SignIn {
    async fn open(t: &TestApp) -> Self {
        let r = t.client.get(format!("{}/login", t.base)).send().await.unwrap();
        let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
        let page = r.text().await.unwrap();
        SignIn { cookie, csrf: hidden(&page, "_csrf") }
    }

    async fn post(&self, t: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut form = vec![("_csrf", self.csrf.as_str()), ("next", "/settings")];
        form.extend_from_slice(fields);
        t.client
            .post(format!("{}/login", t.base))
            .header(header::COOKIE, &self.cookie)
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// The password step: the challenge of the code page.
    async fn password(&self, t: &TestApp, user: &str) -> String {
        let r = self.post(t, &[("username", user), ("password", PASSWORD)]).await;
        assert_eq!(r.status(), 200, "the code page");
        let page = r.text().await.unwrap();
        assert!(page.contains("autocomplete=\"one-time-code\""), "the code page");
        hidden(&page, "challenge")
    }

    async fn code(&self, t: &TestApp, challenge: &str, code: &str) -> reqwest::Response {
        self.post(t, &[("challenge", challenge), ("code", code)]).await
    }
}

fn signed_in_by(r: &reqwest::Response) -> bool {
    r.status() == 303
        && r.headers().get_all(header::SET_COOKIE).iter().any(|c| c.to_str().unwrap().starts_with("steward_session="))
}

async fn audit_details(t: &TestApp, kind: &str) -> Vec<String> {
    let page: Value = t.json(&format!("/api/v1/audit?kind={kind}&limit=50"), &t.admin).await;
    page["items"].as_array().unwrap().iter().map(|e| e["detail"].as_str().unwrap_or("").to_owned()).collect()
}

both!(two_step_sign_in_end_to_end, |t| {
    let b = signed_in(&t, "agent").await;
    let page = settings(&t, &b).await;
    assert!(page.contains("id=\"two-factor-start\""), "off at first");

    // Set up: the key and QR code on the page; a wrong code refused.
    let (status, _) = post(&t, &b, "/settings/two-factor/start", &[]).await;
    assert_eq!(status, 303);
    let page = settings(&t, &b).await;
    assert!(page.contains("<svg role=\"img\" aria-label=\"QR code\""), "a QR code");
    let key = text_of(&page, "two-factor-secret").unwrap().replace(' ', "");
    let secret = totp::from_base32(&key).unwrap();
    assert_eq!(secret.len(), totp::SECRET_BYTES);
    let step = totp::step_of(now_secs());
    let wrong = totp::code(&secret, step + 5);
    let (status, page) = post(&t, &b, "/settings/two-factor/confirm", &[("code", &wrong)]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Is not the code your app shows now"), "the refusal names the field");
    // Signing in still needs only the password meanwhile.
    assert!(t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.is_ok());

    // Confirmed: ten recovery codes, shown once.
    let (status, page) = post(&t, &b, "/settings/two-factor/confirm", &[("code", &totp::code(&secret, step))]).await;
    assert_eq!(status, 200);
    let codes: Vec<String> =
        page.split("<li><code>").skip(1).map(|s| s.split('<').next().unwrap().to_owned()).collect();
    assert_eq!(codes.len(), 10, "ten recovery codes");
    assert!(!settings(&t, &b).await.contains(&codes[0]), "shown once");
    assert!(settings(&t, &b).await.contains("10 recovery codes left"));
    let e = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap_err();
    assert!(e.to_string().contains("signs in with a code"), "{e}");

    // The password alone is not enough; the code is asked for, and the
    // code used to confirm does not work again.
    let s = SignIn::open(&t).await;
    let challenge = s.password(&t, "agent").await;
    let r = s.code(&t, &challenge, &totp::code(&secret, step)).await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.unwrap().contains("Wrong code"), "a code works once");
    let next = totp::code(&secret, totp::step_of(now_secs()) + 1);
    let r = s.code(&t, &challenge, &next).await;
    assert!(signed_in_by(&r), "the next code signs in: {}", r.status());
    assert_eq!(r.headers()[header::LOCATION], "/settings");

    // A recovery code (typed in capitals, without dashes) works once.
    let s = SignIn::open(&t).await;
    let challenge = s.password(&t, "agent").await;
    let typed = codes[3].replace('-', "").to_uppercase();
    assert!(signed_in_by(&s.code(&t, &challenge, &typed).await));
    let challenge = s.password(&t, "agent").await;
    let r = s.code(&t, &challenge, &codes[3]).await;
    assert_eq!(r.status(), 401, "used already");
    assert!(settings(&t, &b).await.contains("9 recovery codes left"));

    // A forged challenge, or one made for another browser, leads back
    // to the password.
    let other = SignIn::open(&t).await;
    let foreign = other.password(&t, "agent").await;
    let s = SignIn::open(&t).await;
    let user_id = foreign.split('.').next().unwrap();
    for forged in [foreign.clone(), format!("{user_id}.99999999999.AAAA"), "nonsense".to_owned()] {
        let r = s.code(&t, &forged, &codes[4]).await;
        assert_eq!(r.status(), 401, "{forged}");
        let page = r.text().await.unwrap();
        assert!(page.contains("Enter your password again") && page.contains("name=\"password\""), "{forged}");
    }

    // Wrong codes count like wrong passwords: the throttle steps in.
    let challenge = s.password(&t, "agent").await;
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(s.code(&t, &challenge, "000000").await.status().as_u16());
    }
    assert!(statuses.contains(&429), "throttled: {statuses:?}");

    // Turning it off needs the password; an admin resets it for a user.
    let (status, page) = post(&t, &b, "/settings/two-factor/off", &[("current_password", "not it")]).await;
    assert_eq!(status, 422);
    assert!(page.contains("Is not your current password"), "the refusal names the field");
    assert_eq!(t.delete("/api/v1/users/agent/two-factor", &t.agent2).await.status(), 403);
    assert_eq!(t.delete("/api/v1/users/agent/two-factor", &t.admin).await.status(), 204);
    // From another client: this one is locked out by the wrong codes above.
    assert!(t.app.login("agent", PASSWORD, [10, 0, 0, 9].into()).await.is_ok(), "the password alone again");
    assert_eq!(t.delete("/api/v1/users/nobody/two-factor", &t.admin).await.status(), 404);

    let details = audit_details(&t, "two_factor_changed").await;
    assert!(details.iter().any(|d| d == "turned on"), "{details:?}");
    assert!(details.iter().any(|d| d == "turned off by an admin"), "{details:?}");
    let signed = audit_details(&t, "sign_in").await;
    assert!(signed.iter().any(|d| d == "with a recovery code (9 left)"), "{signed:?}");
    assert!(signed.iter().any(|d| d == "with a code from the authenticator app"), "{signed:?}");
});

both!(recovery_codes_renew_and_the_owner_turns_it_off, |t| {
    let b = signed_in(&t, "requester").await;
    post(&t, &b, "/settings/two-factor/start", &[]).await;
    let key = text_of(&settings(&t, &b).await, "two-factor-secret").unwrap().replace(' ', "");
    let secret = totp::from_base32(&key).unwrap();
    let (status, first) =
        post(&t, &b, "/settings/two-factor/confirm", &[("code", &totp::code(&secret, totp::step_of(now_secs())))])
            .await;
    assert_eq!(status, 200);
    let old = first.split("<li><code>").nth(1).unwrap().split('<').next().unwrap().to_owned();
    // Starting over while on is refused.
    let (status, page) = post(&t, &b, "/settings/two-factor/start", &[]).await;
    assert_eq!(status, 422, "{}", page.contains("on already"));
    let (status, page) = post(&t, &b, "/settings/two-factor/codes", &[("current_password", PASSWORD)]).await;
    assert_eq!(status, 200);
    assert!(page.contains("New recovery codes made."), "the flash");
    let s = SignIn::open(&t).await;
    let challenge = s.password(&t, "requester").await;
    assert_eq!(s.code(&t, &challenge, &old).await.status(), 401, "the old codes stop working");
    let (status, _) = post(&t, &b, "/settings/two-factor/off", &[("current_password", PASSWORD)]).await;
    assert_eq!(status, 303);
    assert!(settings(&t, &b).await.contains("id=\"two-factor-start\""));
    assert!(t.app.login("requester", PASSWORD, [127, 0, 0, 1].into()).await.is_ok());
});
