//! Messages carry stable codes: each `errors[]` item of a problem names
//! what its message means (`required`, `too_long`, …), a refusal names
//! what was refused (`reason`), and the pages translate both by their
//! code, never by their English words.

use crate::both;
use crate::helpers::*;
use reqwest::header;
use serde_json::json;

both!(field_errors_name_their_code, |t| {
    let long = "y".repeat(20_001);
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": " ", "description": long, "impact": 7})).await;
    let p = problem(r, 422, "validation_failed").await;
    let codes: Vec<(&str, &str, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("title", "required", "is required"),
            ("description", "too_long", "is too long: at most 20000 characters, got 20001"),
            ("impact", "level", "must be one of 1 (high), 2 (medium), 3 (low)"),
        ],
        "{p}"
    );
    let r = t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "assignee": "nobody"})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert!(p["errors"].as_array().unwrap().iter().any(|e| e["code"] == "group_for_assignee"), "{p}");
    // A word outside its list says so, whichever list it is.
    let n = num(&t.incident(&t.agent, json!({"title": "Printer"})).await);
    let p =
        problem(t.transition(&n, &t.agent, json!({"version": 1, "state": "sideways"})).await, 422, "validation_failed")
            .await;
    assert_eq!(
        (p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("state"), Some("not_one_of"))
    );
});

/// Signs `user` in through the form, as a browser reading Polish does.
async fn sign_in(t: &TestApp, user: &str) -> String {
    let r = t.client.get(format!("{}/login", t.base)).send().await.unwrap();
    let cookie = r.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_owned();
    let body = r.text().await.unwrap();
    let start = body.find(r#"name="_csrf" value=""#).unwrap() + r#"name="_csrf" value=""#.len();
    let csrf = body[start..].split('"').next().unwrap().to_owned();
    let form = [("_csrf", csrf.as_str()), ("username", user), ("password", PASSWORD), ("next", "/")];
    let r = t.client.post(format!("{}/login", t.base)).header(header::COOKIE, cookie).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "signed in");
    let session = r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned());
    session.into_iter().find(|c| c.starts_with("steward_session=")).unwrap().split(';').next().unwrap().to_owned()
}

both!(a_refusal_reads_in_polish_by_its_code, |t| {
    let n = num(&t.incident(&t.requester2, json!({"title": "Someone else's"})).await);
    let cookie = sign_in(&t, "requester").await;
    let get = |lang: &'static str| {
        t.client
            .get(format!("{}/incidents/{n}", t.base))
            .header(header::COOKIE, cookie.clone())
            .header(header::ACCEPT_LANGUAGE, lang)
            .send()
    };
    let r = get("pl").await.unwrap();
    assert_eq!(r.status(), 403);
    let page = r.text().await.unwrap();
    assert!(page.contains("Zgłaszający widzą tylko własne zgłoszenia"), "{page}");
    let page = get("en").await.unwrap().text().await.unwrap();
    assert!(page.contains("Requesters can only see their own incidents"), "{page}");
});

/// The codes of a problem's `errors[]`, by field.
async fn codes_of(r: reqwest::Response) -> Vec<(String, String)> {
    let p = problem(r, 422, "validation_failed").await;
    let errs = p["errors"].as_array().unwrap().iter();
    errs.map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned())).collect()
}

/// A browser session of the admin (who gets the test password here) and
/// its CSRF token.
async fn admin_session(t: &TestApp) -> (String, String) {
    t.app.set_password(None, "admin", PASSWORD).await.unwrap();
    let (_, s) = t.app.login("admin", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    (format!("steward_session={}", s.token), s.csrf)
}

/// Posts a form as a browser reading Polish; the status and the page.
async fn post_pl(t: &TestApp, (cookie, csrf): &(String, String), path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(form);
    let r = t
        .client
        .post(format!("{}{path}", t.base))
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_LANGUAGE, "pl")
        .form(&all)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

both!(the_admin_forms_speak_polish_by_code, |t| {
    let session = admin_session(&t).await;
    // Escalation rules: the app's checks (an empty name, a percentage out
    // of range, no action) once matched on their English words.
    let rule = [("name", ""), ("trigger", "clock"), ("clock", "resolution"), ("percent", "150")];
    let (status, page) = post_pl(&t, &session, "/admin/escalations", &rule).await;
    assert_eq!(status, 422, "{page}");
    for polish in ["Jest wymagane", "Musi być liczbą całkowitą od 1 do 100", "Wybierz co najmniej jedno działanie"]
    {
        assert!(page.contains(polish), "{polish}: {page}");
    }
    assert!(!page.contains("is not between 1 and 100") && !page.contains("at least one action"), "{page}");
    let body = json!({"name": " ", "trigger": {"kind": "clock", "clock": "resolution", "percent": 150}, "actions": []});
    let codes = codes_of(t.post("/api/v1/escalations", &t.admin, body).await).await;
    for code in [("name", "required"), ("trigger.percent", "percent_range"), ("actions", "no_actions")] {
        assert!(codes.contains(&(code.0.to_owned(), code.1.to_owned())), "{code:?}: {codes:?}");
    }

    // Webhooks: an address that is no URL, a short secret.
    let hook = [("name", "Chat"), ("url", "ftp://example.com/hook"), ("secret", "short"), ("format", "json")];
    let (status, page) = post_pl(&t, &session, "/admin/webhooks", &hook).await;
    assert_eq!(status, 422, "{page}");
    for polish in ["Musi być adresem http:// lub https:// z nazwą hosta", "Jest za krótki: co najmniej 16 znaków"] {
        assert!(page.contains(polish), "{polish}: {page}");
    }
    let body = json!({"name": "Chat", "url": "ftp://example.com/hook", "secret": "short", "format": "json"});
    let codes = codes_of(t.post("/api/v1/webhooks", &t.admin, body).await).await;
    assert_eq!(codes, [("url".to_owned(), "not_url".to_owned()), ("secret".to_owned(), "secret_short".to_owned())]);

    // An OLA: thresholds that do not rise are the app's refusal, a word
    // that is no duration the page's own; both in Polish.
    let ola = [("target", "4h"), ("calendar_id", "1"), ("thresholds", "90, 50")];
    let (status, page) = post_pl(&t, &session, "/admin/groups/Network/ola", &ola).await;
    assert_eq!(status, 422, "{page}");
    assert!(page.contains("uszą być rosnącymi procentami od 1 do 99"), "{page}");
    let (_, page) =
        post_pl(&t, &session, "/admin/groups/Network/ola", &[("target", "soon"), ("calendar_id", "1")]).await;
    assert!(page.contains("Soon to nie jest czas trwania"), "{page}");
    let body = json!({"target": "4h", "calendar_id": 1, "thresholds": [90, 50]});
    let r = t.req(reqwest::Method::PUT, "/api/v1/groups/Network/ola", &t.manager).json(&body).send().await.unwrap();
    assert_eq!(codes_of(r).await, [("thresholds".to_owned(), "thresholds".to_owned())]);
});

both!(a_refusal_names_its_reason_and_reads_in_polish, |t| {
    // Refusals that had no code of their own, over the API.
    for (path, token, reason) in [
        ("/api/v1/webhooks", &t.agent, "deny_webhooks"),
        ("/api/v1/audit", &t.manager, "deny_audit"),
        ("/api/v1/problems", &t.requester, "deny_problem_view"),
    ] {
        let p = problem(t.get(path, token).await, 403, "forbidden").await;
        assert_eq!(p["reason"], reason, "{path}: {p}");
    }
    let r = t.post("/api/v1/users", &t.agent, json!({"username": "zoe", "role": "agent"})).await;
    assert_eq!(problem(r, 403, "forbidden").await["reason"], "deny_admin");
    // A refused moment of a requester's own incident, on the page.
    let n = num(&t.incident(&t.requester2, json!({"title": "Someone else's"})).await);
    let p = problem(t.get(&format!("/api/v1/incidents/{n}"), &t.requester).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_own_only");
    let cookie = sign_in(&t, "agent").await;
    let page = t
        .client
        .get(format!("{}/admin/webhooks", t.base))
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_LANGUAGE, "pl")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    let page = page.text().await.unwrap();
    assert!(page.contains("Tylko administratorzy mogą tu zarządzać"), "{page}");
});
