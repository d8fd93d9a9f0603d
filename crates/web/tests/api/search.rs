//! Finding anything: `GET /api/v1/search` and the `/search` page (a record
//! by number, incidents by words, services and CIs by name, hostname or
//! serial, each only as far as the caller may see), the list filters that
//! take people by name or e-mail, and the capped result counts.

use crate::both;
use crate::helpers::*;
use reqwest::header;
use serde_json::{Value, json};
use steward_app::accounts::NewUser;

async fn search(t: &TestApp, q: &str, token: &str) -> Value {
    let r =
        t.client.get(format!("{}/api/v1/search", t.base)).query(&[("q", q)]).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200, "search {q:?}");
    r.json().await.unwrap()
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect()
}

fn numbers(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x["number"].as_str().unwrap()).collect()
}

/// A browser session's cookie for `username` (who has the test password).
async fn cookie(t: &TestApp, username: &str) -> String {
    let (_, s) = t.app.login(username, PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    format!("steward_session={}", s.token)
}

async fn ui(t: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    t.client.get(format!("{}{path}", t.base)).header(header::COOKIE, cookie).send().await.unwrap()
}

both!(a_number_in_any_spelling_goes_straight_to_the_record, |t| {
    t.incident(&t.agent, json!({"title": "First", "requester": "requester2"})).await;
    let mine = num(&t.incident(&t.agent, json!({"title": "Printer jam", "requester": "requester"})).await);
    let bare = mine.trim_start_matches("INC").trim_start_matches('0').to_owned();
    for q in [mine.clone(), mine.to_lowercase(), format!("inc{bare}"), bare.clone(), format!(" #{bare} ")] {
        let found = search(&t, &q, &t.agent).await;
        assert_eq!(numbers(&found["by_number"]), [mine.as_str()], "{q:?}");
        assert_eq!(found["by_number"][0]["kind"], "incident");
        assert_eq!(found["go_to"], format!("/api/v1/incidents/{mine}"), "{q:?}");
    }
    // The requester finds their own; another requester learns nothing.
    assert_eq!(search(&t, &mine, &t.requester).await["go_to"], format!("/api/v1/incidents/{mine}"));
    let other = search(&t, &mine, &t.requester2).await;
    assert!(other["by_number"].as_array().unwrap().is_empty() && other["go_to"].is_null(), "{other}");
    // A number no record has finds nothing, and says so.
    let none = search(&t, "INC0099999", &t.agent).await;
    assert!(none["by_number"].as_array().unwrap().is_empty() && none["go_to"].is_null());

    // The page: straight to the record, or the results when there is none.
    let agent = cookie(&t, "agent").await;
    let r = ui(&t, &format!("/search?q=inc{bare}"), &agent).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()[header::LOCATION], format!("/incidents/{mine}"));
    let r = ui(&t, "/search?q=INC0099999", &agent).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains(r#"id="no-results""#));
    // Every page's search box now searches everything, for requesters too.
    let home = ui(&t, "/portal", &cookie(&t, "requester").await).await.text().await.unwrap();
    assert!(home.contains(r#"action="/search""#) && home.contains(r#"name="q""#), "{home}");
});

both!(words_services_and_cis_grouped_by_kind, |t| {
    let svc = |name: &str, status: &str, visible: bool| json!({"class": "business_service", "name": name, "portfolio_status": status, "requester_visible": visible});
    let items = json!({"items": [
        svc("Web Shop", "live", true),
        svc("Web Analytics", "live", false),
        svc("Web Legacy", "retired", true),
        {"class": "server", "name": "shop-db", "attributes": {"serial_number": "8GB7XK3", "hostname": "srv-db-01"}},
    ]});
    assert_eq!(t.post("/api/v1/cmdb/bulk", &t.admin, items).await.status(), 200);
    let a = num(&t.incident(&t.agent, json!({"title": "Web shop checkout fails", "requester": "requester"})).await);
    let b = num(&t
        .incident(&t.agent, json!({"title": "Slow", "description": "the WEB SHOP is slow", "requester": "requester2"}))
        .await);

    let staff = search(&t, "web shop", &t.agent).await;
    let mut found = numbers(&staff["incidents"]);
    found.sort_unstable();
    assert_eq!(found, [a.as_str(), b.as_str()]);
    assert_eq!(names(&staff["services"]), ["Web Shop"]);
    assert!(staff["cis"].as_array().unwrap().is_empty());
    assert_eq!(names(&search(&t, "web", &t.agent).await["services"]), ["Web Analytics", "Web Legacy", "Web Shop"]);
    // A CI by a word of its name as typed (a prefix from three letters),
    // its hostname or its serial (any case).
    for q in ["sho", "SRV-DB-01", "8gb7xk3"] {
        let found = search(&t, q, &t.agent).await;
        assert_eq!(names(&found["cis"]), ["shop-db"], "{q}");
        assert_eq!(found["cis"][0]["class"], "server");
    }
    // Requesters: their own incidents, the services offered to them, no CIs.
    let req = search(&t, "web", &t.requester).await;
    assert_eq!(numbers(&req["incidents"]), [a.as_str()]);
    assert_eq!(names(&req["services"]), ["Web Shop"]);
    assert!(search(&t, "srv-db-01", &t.requester).await["cis"].as_array().unwrap().is_empty());
    // Nothing typed finds nothing; odd characters are just text.
    let empty = search(&t, "  ", &t.agent).await;
    assert_eq!(empty["query"], "");
    assert!(empty["incidents"].as_array().unwrap().is_empty() && empty["services"].as_array().unwrap().is_empty());
    // Only punctuation has nothing to search for: refused, naming `q`.
    let r = t.client.get(format!("{}/api/v1/search", t.base)).query(&[("q", "%_\\'")]).bearer_auth(&t.agent);
    assert_eq!(fields(&problem(r.send().await.unwrap(), 400, "nothing_to_search").await), ["q"]);
    problem(t.get("/api/v1/search?q=a&q=b", &t.agent).await, 422, "validation_failed").await;
    problem(t.get("/api/v1/search?x=1", &t.agent).await, 422, "validation_failed").await;

    // The page groups what it found, in the reader's language.
    let page = ui(&t, "/search?q=web", &cookie(&t, "agent").await).await.text().await.unwrap();
    // Names with the word marked.
    let analytics = "<mark>Web</mark> Analytics";
    for part in [r#"id="found-incidents""#, r#"id="found-services""#, &format!("/incidents/{a}"), analytics] {
        assert!(page.contains(part), "{part} in {page}");
    }
    let page = ui(&t, "/search?q=web", &cookie(&t, "requester").await).await.text().await.unwrap();
    let shop = "<mark>Web</mark> Shop";
    assert!(page.contains(shop) && !page.contains("Analytics") && !page.contains(&b), "{page}");
});

both!(people_filters_take_a_name_or_an_e_mail, |t| {
    for (username, display, email) in
        [("jdoe", "Jane Doe", "jane@example.com"), ("jdoe2", "Jane Doe", "jd2@example.com")]
    {
        let u = NewUser {
            username: username.into(),
            display_name: Some(display.into()),
            email: Some(email.into()),
            role: "requester".into(),
            ..NewUser::default()
        };
        t.app.add_user(None, u).await.unwrap();
    }
    let jane = num(&t.incident(&t.agent, json!({"title": "Jane's", "requester": "jdoe"})).await);
    let other = num(&t
        .incident(
            &t.agent,
            json!({"title": "Theirs", "requester": "jdoe2", "assignment_group": "Service Desk", "assignee": "agent"}),
        )
        .await);
    assert_eq!(t.numbers(&[("requester", "JANE@example.com")], &t.agent).await, std::slice::from_ref(&jane));
    assert_eq!(t.numbers(&[("requester", "jdoe")], &t.agent).await, std::slice::from_ref(&jane));
    assert_eq!(t.numbers(&[("assignee", "Agent User")], &t.agent).await, std::slice::from_ref(&other));
    // A name two people share must be narrowed down, in the reader's words.
    let msg = invalid(t.list(&[("requester", "jane doe")], &t.agent).await, &["requester"]).await;
    assert_eq!(msg, "\"jane doe\" names 2 users: give a username or e-mail");
    // The service filter is a choice from the catalog.
    t.services(&["Mail"]).await;
    let page = ui(&t, "/incidents", &cookie(&t, "agent").await).await.text().await.unwrap();
    assert!(
        page.contains(r#"<select id="f-service" name="service""#) && page.contains(r#"<option value="Mail">"#),
        "{page}"
    );
});

both!(lists_count_their_results_up_to_ten_thousand, |t| {
    for i in 0..7 {
        let group = if i < 3 { "Network" } else { "Service Desk" };
        t.incident(
            &t.agent,
            json!({"title": format!("Count {i}"), "requester": "requester", "assignment_group": group}),
        )
        .await;
    }
    let page = t.page(&[("limit", "2")], &t.agent).await;
    assert_eq!((page["count"].as_i64(), page["count_capped"].as_bool()), (Some(7), Some(false)));
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let page = t.page(&[("group", "Network"), ("limit", "1")], &t.agent).await;
    assert_eq!(page["count"], 3);
    // A cursor pages on; the count stays the list's.
    let next = t
        .page(&[("group", "Network"), ("limit", "1"), ("cursor", page["next_cursor"].as_str().unwrap())], &t.agent)
        .await;
    assert_eq!(next["count"], 3);
    assert_eq!(t.page(&[], &t.requester2).await["count"], 0, "a requester counts only their own");
    let agent = cookie(&t, "agent").await;
    let list = ui(&t, "/incidents?group=Network", &agent).await.text().await.unwrap();
    assert!(list.contains(r#"id="result-count" role="status">3 incidents<"#), "{list}");

    // Past 10,000 the count stops: "10,000+", in the list and on the tiles.
    steward_app::seed::bulk_incidents(&t.app, 10_050, |_| {}).await.unwrap();
    let page = t.page(&[("limit", "1")], &t.agent).await;
    assert_eq!((page["count"].as_i64(), page["count_capped"].as_bool()), (Some(10_000), Some(true)));
    let list = ui(&t, "/incidents", &agent).await.text().await.unwrap();
    assert!(list.contains("10,000+ incidents"), "{list}");
    let home = ui(&t, "/home", &agent).await.text().await.unwrap();
    let all_open = t.page(&[("state", "open"), ("limit", "1")], &t.agent).await["count"].as_i64().unwrap();
    assert!(all_open > 50, "the bulk load leaves more than a page open");
    let shown =
        if all_open >= 1000 { format!("{},{:03}", all_open / 1000, all_open % 1000) } else { all_open.to_string() };
    assert!(home.contains(&format!(r#"<span class="count">{shown}</span>"#)), "{shown} in {home}");
});

both!(control_characters_in_a_search_or_a_filter_never_reach_the_database, |t| {
    t.incident(&t.agent, json!({"title": "Printer jammed"})).await;
    // The API refuses them, naming the parameter.
    let r = t.client.get(format!("{}/api/v1/search", t.base)).query(&[("q", "Printer\u{0}")]).bearer_auth(&t.agent);
    let p = problem(r.send().await.unwrap(), 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["field"], "q", "{p}");
    // The page drops them from what was typed and searches the rest.
    let c = cookie(&t, "agent").await;
    let r = ui(&t, "/search?q=Printer%00%1b", &c).await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Printer jammed"));
    // The list page's filters say which one is wrong.
    let r = ui(&t, "/incidents?assignee=%00agent", &c).await;
    assert_eq!(r.status(), 200, "the list again, with the reason");
    let page = r.text().await.unwrap().to_lowercase();
    assert!(page.contains("must not contain control characters"), "{page}");
});
