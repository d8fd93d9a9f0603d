//! Suggestions while an incident is typed (`GET /api/v1/suggestions`, the
//! `/suggestions` panel, and the forms' "Find matching answers" button
//! without JavaScript): the known errors and articles matching any of its
//! words, best first, each reader seeing only what they may.

use crate::articles::{published, write};
use crate::both;
use crate::helpers::*;
use crate::search_words::{publish, raise};
use reqwest::header;
use serde_json::{Value, json};

async fn suggested(t: &TestApp, title: &str, description: &str, token: &str) -> Vec<String> {
    let r = t
        .client
        .get(format!("{}/api/v1/suggestions", t.base))
        .query(&[("title", title), ("description", description)])
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "suggestions for {title:?}");
    let v: Value = r.json().await.unwrap();
    v["items"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap().to_owned()).collect()
}

/// A problem published as a known error.
async fn known_error(t: &TestApp, title: &str, description: &str) -> String {
    let n = raise(t, json!({"title": title, "description": description})).await;
    publish(t, &n).await;
    n
}

async fn session(t: &TestApp, user: &str) -> (String, String) {
    let (_, s) = t.app.login(user, PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    (format!("steward_session={}", s.token), s.csrf)
}

both!(known_errors_and_articles_match_any_word_for_who_may_read_them, |t| {
    let known = known_error(&t, "Laptops lose the VPN every hour", "DHCP lease on the Wi-Fi").await;
    let plain = t.post("/api/v1/problems", &t.agent, json!({"title": "VPN gateway resets"})).await;
    let plain = num(&plain.json().await.unwrap());
    let a = |v: &Value| v["number"].as_str().unwrap().to_owned();
    let for_requesters = a(&published(&t, "requesters", "Reconnect the VPN profile").await);
    let for_staff = a(&published(&t, "staff", "VPN gateway runbook").await);
    let draft = a(&write(&t, &t.agent, "requesters", "VPN draft").await);
    let incident = num(&t.incident(&t.agent, json!({"title": "VPN down on my laptop"})).await);

    // Staff: the known error and every published article; never a problem
    // that is no known error, a draft or an incident.
    let staff = suggested(&t, "VPN keeps dropping on my laptop", "", &t.agent).await;
    assert!(staff.contains(&known) && staff.contains(&for_requesters) && staff.contains(&for_staff), "{staff:?}");
    for other in [&plain, &draft, &incident] {
        assert!(!staff.contains(other), "{other} suggested: {staff:?}");
    }
    // More of the words rank first: "laptop" and "vpn" are both in the
    // known error's title.
    assert_eq!(staff[0], known, "{staff:?}");
    // Requesters: only the published articles written for them.
    assert_eq!(suggested(&t, "VPN keeps dropping", "", &t.requester).await, vec![for_requesters.clone()]);
    // An article reads in the language asked for, its matches marked there.
    let pl: Value = t.json("/api/v1/suggestions?title=reconnect%20vpn&lang=pl", &t.requester).await;
    assert_eq!(pl["items"][0]["title"], "Reconnect the VPN profile (PL)");
    assert_eq!(pl["items"][0]["snippet"]["pieces"][1]["text"], "VPN", "{pl}");
    // The title's last word is matched as a prefix while it is typed, and
    // folded ("łapt" finds "laptops" as "lapt" does); the description counts too.
    assert_eq!(suggested(&t, "Łapt", "", &t.agent).await, vec![known.clone()]);
    assert_eq!(suggested(&t, "", "the DHCP lease", &t.agent).await, vec![known.clone()]);
    assert!(suggested(&t, "Lap", "", &t.requester).await.is_empty());
    // Nothing to look for yet is no suggestion, not an error.
    for (title, description) in [("", ""), ("the", "and"), ("?!", ""), ("la", "")] {
        assert!(suggested(&t, title, description, &t.agent).await.is_empty(), "{title:?}");
    }
    // Engine syntax and a long text are words like any other.
    let long = "vpn ".repeat(2_500);
    for (title, description) in [(r#"NEAR(vpn "#, r#"") OR * ^ col:x"#), ("vpn AND -x", long.as_str())] {
        assert!(!suggested(&t, title, description, &t.agent).await.is_empty(), "{title:?}");
    }
    // A withdrawn known error is suggested no more.
    let path = format!("/api/v1/problems/{known}/known-error");
    let r = t.req(reqwest::Method::DELETE, &path, &t.agent).header("if-match", "\"5\"").send().await.unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert!(!suggested(&t, "laptops vpn", "", &t.agent).await.contains(&known));
});

both!(bad_suggestion_queries_name_the_field, |t| {
    for bad in ["0", "21", "x"] {
        let r = t.get(&format!("/api/v1/suggestions?title=vpn&limit={bad}"), &t.agent).await;
        assert_eq!(r.status(), 422, "limit={bad}");
        let body = r.text().await.unwrap();
        assert!(body.contains("limit") || body.contains("query"), "{body}");
    }
    invalid(t.get("/api/v1/suggestions?title=vpn&limit=0", &t.agent).await, &["limit"]).await;
    invalid(t.get("/api/v1/suggestions?title=vpn&lang=de", &t.agent).await, &["lang"]).await;
    let r = t.get("/api/v1/suggestions?titel=vpn", &t.agent).await;
    assert_eq!(r.status(), 422, "an unknown parameter");
    assert_eq!(t.client.get(format!("{}/api/v1/suggestions?title=vpn", t.base)).send().await.unwrap().status(), 401);
});

both!(the_forms_suggest_without_javascript_and_save_nothing, |t| {
    let known = known_error(&t, "Printer jams on floor 2", "Tray 3 misfeeds").await;
    let article = published(&t, "requesters", "Clear a printer jam").await;
    let article = article["number"].as_str().unwrap().to_owned();
    let before = t.count().await;

    // The requester's report form: "Find matching answers" shows the
    // article, linked so that opening it counts towards deflection.
    let (cookie, csrf) = session(&t, "requester").await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .text("title", "Printer jam again")
        .text("description", "")
        .text("impact", "3")
        .text("urgency", "3")
        .text("suggest", "1");
    let r = t
        .client
        .post(format!("{}/portal/report", t.base))
        .header(header::COOKIE, &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/kb/{article}?from=report\"")), "{page}");
    assert!(!page.contains(&known), "a known error shown to a requester");
    assert!(page.contains("value=\"Printer jam again\""), "the typed title is kept");
    // The panel alone, as app.js fetches it while typing.
    let r = t
        .client
        .get(format!("{}/suggestions?for=report&title=printer+ja", t.base))
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.starts_with("<section ") && fragment.contains("id=\"suggestions\""),
        "no page around it: {fragment}"
    );
    assert!(fragment.contains(&format!("/kb/{article}?from=report")), "{fragment}");

    // The desk's form: the known error (to its problem page) and the article.
    let (cookie, csrf) = session(&t, "agent").await;
    let fields =
        [("_csrf", csrf.as_str()), ("title", "printer jam"), ("impact", "3"), ("urgency", "3"), ("suggest", "1")];
    let r = t
        .client
        .post(format!("{}/incidents", t.base))
        .header(header::COOKIE, &cookie)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/problems/{known}\"")), "{page}");
    assert!(page.contains(&format!("href=\"/kb/{article}\"")), "{page}");
    assert!(page.contains("Known errors and articles that match"), "{page}");
    // Words that match nothing say so once asked.
    let fields = [("_csrf", csrf.as_str()), ("title", "zebra"), ("impact", "3"), ("urgency", "3"), ("suggest", "1")];
    let r = t
        .client
        .post(format!("{}/incidents", t.base))
        .header(header::COOKIE, &cookie)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("No known error or article matches these words yet."));
    assert_eq!(t.count().await, before, "nothing was reported");
});
