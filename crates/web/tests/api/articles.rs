//! Knowledge articles over HTTP: writing, review and publishing, revisions,
//! retiring, who reads what, links, feedback and deflection.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// An article with English and Polish texts, as `token` writes it.
pub async fn write(t: &TestApp, token: &str, audience: &str, title: &str) -> Value {
    let body = json!({
        "audience": audience,
        "category": "VPN",
        "change_note": "First version",
        "translations": [
            {"lang": "en", "title": title, "body": format!("# {title}\n\nReconnect the VPN client.\n\nThen sign in again.")},
            {"lang": "pl", "title": format!("{title} (PL)"), "body": "Połącz ponownie klienta VPN."},
        ],
    });
    let r = t.post("/api/v1/articles", token, body).await;
    assert_eq!(r.status(), 201, "creating an article: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

pub async fn transition(t: &TestApp, number: &str, token: &str, body: Value) -> reqwest::Response {
    t.post(&format!("/api/v1/articles/{number}/transition"), token, body).await
}

/// Moves a version; the article's JSON, panicking unless 200.
pub async fn move_to(t: &TestApp, number: &str, token: &str, body: Value) -> Value {
    let r = transition(t, number, token, body.clone()).await;
    assert_eq!(r.status(), 200, "transition {body}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// Written by the agent, reviewed and published by the manager.
pub async fn published(t: &TestApp, audience: &str, title: &str) -> Value {
    let a = write(t, &t.agent, audience, title).await;
    let n = num(&a);
    move_to(t, &n, &t.agent, json!({"version": 1, "state": "in_review"})).await;
    move_to(t, &n, &t.manager, json!({"version": 2, "state": "published"})).await
}

fn states(versions: &Value) -> Vec<(i64, String)> {
    versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["number"].as_i64().unwrap(), v["state"].as_str().unwrap().to_owned()))
        .collect()
}

fn actions(journal: &Value) -> Vec<String> {
    journal.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

both!(write_review_publish_revise_retire, |t| {
    let a = write(&t, &t.agent, "requesters", "VPN drops every hour").await;
    let n = num(&a);
    assert_eq!(n, "KB0000001");
    assert_eq!((a["state"].as_str(), a["version"].as_i64()), (Some("draft"), Some(1)));
    assert_eq!(a["title"], "VPN drops every hour");
    assert_eq!(a["summary"], "VPN drops every hour", "the body's first paragraph, without its heading mark");
    assert_eq!(a["shown"]["texts"][0]["lang"], "en");
    assert!(a["shown"]["texts"][0]["html"].as_str().unwrap().contains("<h1>VPN drops every hour</h1>"));
    assert_eq!(a["shown"]["texts"][1]["title"], "VPN drops every hour (PL)");
    assert_eq!(a["shown"]["author"]["name"], "agent user");
    // A draft is its author's and the reviewers'.
    forbidden(t.get(&format!("/api/v1/articles/{n}"), &t.requester).await, "this article is not published").await;
    forbidden(
        t.get(&format!("/api/v1/articles/{n}"), &t.agent2).await,
        "only its author, managers and admins can read an unpublished version",
    )
    .await;

    let a = move_to(&t, &n, &t.agent, json!({"version": 1, "state": "in_review"})).await;
    assert_eq!((a["state"].as_str(), a["shown"]["state"].as_str()), (Some("in_review"), Some("in_review")));
    forbidden(
        transition(&t, &n, &t.agent, json!({"version": 2, "state": "published"})).await,
        "only managers and admins can publish articles",
    )
    .await;
    let a = move_to(&t, &n, &t.manager, json!({"version": 2, "state": "published"})).await;
    assert_eq!(a["state"], "published");
    assert_eq!(a["published_version"], 1);
    assert_eq!(a["shown"]["reviewer"]["name"], "manager user");
    assert!(a["shown"]["published_at"].is_string() && a["published_at"].is_string());
    assert_eq!(a["review_due"], false);

    // The requester reads it now, and finds it in their list.
    let read: Value = t.json(&format!("/api/v1/articles/{n}"), &t.requester).await;
    assert_eq!(read["shown"]["number"], 1);
    assert_eq!(states(&read["versions"]), [(1, "published".to_owned())]);
    let page = t.json("/api/v1/articles", &t.requester).await;
    assert_eq!(page["count"], 1);
    assert_eq!(page["items"][0]["number"], n.as_str());

    // A revision: a draft copied from the published version, which stays
    // what readers read until the revision replaces it.
    let r = t.post(&format!("/api/v1/articles/{n}/versions"), &t.agent, json!({"version": 3})).await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["shown"]["number"], 2);
    assert_eq!(a["shown"]["change_note"], Value::Null);
    assert_eq!(a["shown"]["texts"][1]["body"], "Połącz ponownie klienta VPN.");
    assert_eq!(a["state"], "published");
    let again = t.post(&format!("/api/v1/articles/{n}/versions"), &t.agent, json!({"version": 4})).await;
    problem(again, 409, "transition_not_allowed").await;
    let body = json!({"version": 4, "change_note": "Newer client",
        "translations": [{"lang": "en", "title": "VPN drops: update the client", "body": "Install client 5.2."}]});
    let r = t.patch(&format!("/api/v1/articles/{n}"), &t.agent, body).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["shown"]["texts"].as_array().unwrap().len(), 1, "the translations sent replace the draft's");
    assert_eq!(a["title"], "VPN drops every hour", "lists keep the published title");
    let read: Value = t.json(&format!("/api/v1/articles/{n}"), &t.requester).await;
    assert_eq!(read["shown"]["number"], 1);
    move_to(&t, &n, &t.agent, json!({"version": 5, "state": "in_review"})).await;
    // Sent back, changed, resubmitted, published.
    move_to(&t, &n, &t.manager, json!({"version": 6, "state": "draft"})).await;
    move_to(&t, &n, &t.agent, json!({"version": 7, "state": "in_review"})).await;
    let a = move_to(&t, &n, &t.admin, json!({"version": 8, "state": "published"})).await;
    assert_eq!(a["title"], "VPN drops: update the client");
    assert_eq!(a["summary"], "Install client 5.2.");
    assert_eq!(states(&a["versions"]), [(1, "superseded".to_owned()), (2, "published".to_owned())]);
    let read: Value = t.json(&format!("/api/v1/articles/{n}"), &t.requester).await;
    assert_eq!(
        (read["shown"]["number"].as_i64(), read["title"].as_str()),
        (Some(2), Some("VPN drops: update the client"))
    );
    // History: staff read a superseded version, requesters do not.
    let old: Value = t.json(&format!("/api/v1/articles/{n}?version=1"), &t.agent2).await;
    assert_eq!(old["shown"]["state"], "superseded");
    forbidden(t.get(&format!("/api/v1/articles/{n}?version=1"), &t.requester).await, "this article is not published")
        .await;

    // Retired: gone for requesters; a new version revives it.
    forbidden(
        transition(&t, &n, &t.agent, json!({"version": 9, "state": "retired"})).await,
        "only managers and admins can retire articles",
    )
    .await;
    let a = move_to(&t, &n, &t.manager, json!({"version": 9, "state": "retired"})).await;
    assert_eq!(a["state"], "retired");
    assert_eq!(a["published_version"], Value::Null);
    assert_eq!(t.json("/api/v1/articles", &t.requester).await["count"], 0);
    forbidden(t.get(&format!("/api/v1/articles/{n}"), &t.requester).await, "this article is not published").await;
    let r = t.post(&format!("/api/v1/articles/{n}/versions"), &t.agent, json!({"version": 10})).await;
    let a: Value = r.json().await.unwrap();
    assert_eq!((a["state"].as_str(), a["shown"]["number"].as_i64()), (Some("draft"), Some(3)));
    let a = move_to(&t, &n, &t.agent, json!({"version": 11, "state": "discarded"})).await;
    assert_eq!(a["state"], "retired");

    let journal = t.json(&format!("/api/v1/articles/{n}/journal"), &t.agent).await;
    assert_eq!(
        actions(&journal),
        [
            "created",
            "state_changed",
            "state_changed",
            "state_changed",
            "updated",
            "state_changed",
            "state_changed",
            "state_changed",
            "state_changed",
            "state_changed",
            "state_changed",
            "state_changed"
        ]
    );
    let publish = &journal[2]["changes"];
    assert!(
        publish.as_array().unwrap().iter().any(|c| c["field"] == "v1.state" && c["new"] == "published"),
        "{publish}"
    );
    problem(t.get(&format!("/api/v1/articles/{n}/journal"), &t.requester).await, 403, "forbidden").await;
});

both!(review_is_required_and_not_by_the_author, |t| {
    let a = write(&t, &t.manager, "staff", "Reset a switch port").await;
    let n = num(&a);
    let before = t.json(&format!("/api/v1/articles/{n}"), &t.manager).await;
    let r = transition(&t, &n, &t.manager, json!({"version": 1, "state": "published"})).await;
    let msg = invalid(r, &["state"]).await;
    assert!(msg.contains("must be reviewed before it is published"), "{msg}");
    assert_eq!(t.json(&format!("/api/v1/articles/{n}"), &t.manager).await, before, "nothing stored");
    move_to(&t, &n, &t.manager, json!({"version": 1, "state": "in_review"})).await;
    forbidden(
        transition(&t, &n, &t.manager, json!({"version": 2, "state": "published"})).await,
        "the author cannot review their own article: another manager or admin must publish it",
    )
    .await;
    let a = move_to(&t, &n, &t.admin, json!({"version": 2, "state": "published"})).await;
    assert_eq!(a["shown"]["reviewer"]["name"], "admin user");
    // A staff article is not the requesters'.
    forbidden(t.get(&format!("/api/v1/articles/{n}"), &t.requester).await, "this article is for staff only").await;
    assert_eq!(t.json("/api/v1/articles", &t.requester).await["count"], 0);
    assert_eq!(t.json("/api/v1/articles?audience=staff", &t.agent).await["count"], 1);
});

crate::both_with!(
    small_teams_publish_without_review,
    steward_app::AppConfig {
        knowledge: steward_domain::knowledge::ReviewPolicy { required: false, author_may_review: true },
        ..Default::default()
    },
    |t| {
        let a = write(&t, &t.manager, "requesters", "Printer jams").await;
        let a = move_to(&t, &num(&a), &t.manager, json!({"version": 1, "state": "published"})).await;
        assert_eq!((a["state"].as_str(), a["shown"]["reviewer"].clone()), (Some("published"), Value::Null));
    }
);

both!(links_to_problems_and_services, |t| {
    t.services(&["Mail", "VPN"]).await;
    let p = t.post("/api/v1/problems", &t.agent, json!({"title": "VPN gateway drops sessions"})).await;
    let prb = num(&p.json::<Value>().await.unwrap());
    let body = json!({"audience": "requesters", "problems": [prb], "services": ["VPN", "Mail"],
        "translations": [{"lang": "en", "title": "VPN sessions drop", "body": "Workaround: reconnect."}]});
    let r = t.post("/api/v1/articles", &t.agent, body).await;
    assert_eq!(r.status(), 201);
    let a: Value = r.json().await.unwrap();
    let n = num(&a);
    assert_eq!(a["problems"][0]["number"], prb.as_str());
    let names: Vec<&str> = a["services"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"VPN") && names.contains(&"Mail"));
    let of = t.json(&format!("/api/v1/problems/{prb}/articles"), &t.agent).await;
    assert_eq!(of[0]["number"], n.as_str());
    problem(t.get(&format!("/api/v1/problems/{prb}/articles"), &t.requester).await, 403, "forbidden").await;
    // Links change even with no draft open; the journal names them.
    move_to(&t, &n, &t.agent, json!({"version": 1, "state": "in_review"})).await;
    let r = t
        .patch(&format!("/api/v1/articles/{n}"), &t.agent, json!({"version": 2, "problems": [], "services": ["VPN"]}))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let a: Value = r.json().await.unwrap();
    assert_eq!(a["problems"], json!([]));
    assert_eq!(a["services"].as_array().unwrap().len(), 1);
    let journal = t.json(&format!("/api/v1/articles/{n}/journal"), &t.agent).await;
    let last = &journal.as_array().unwrap().last().unwrap()["changes"];
    assert!(last.as_array().unwrap().iter().any(|c| c["field"] == "problems" && c["old"] == prb.as_str()), "{last}");
    // Requesters see neither.
    move_to(&t, &n, &t.manager, json!({"version": 3, "state": "published"})).await;
    let read = t.json(&format!("/api/v1/articles/{n}"), &t.requester).await;
    assert_eq!((read["problems"].clone(), read["services"].clone()), (json!([]), json!([])));
});

both!(feedback_one_answer_per_reader_and_version, |t| {
    let a = published(&t, "requesters", "Reset your password").await;
    let n = num(&a);
    let path = format!("/api/v1/articles/{n}/feedback");
    let tally: Value = t.post(&path, &t.requester, json!({"helpful": true})).await.json().await.unwrap();
    assert_eq!(tally, json!({"article_version": 1, "helpful": 1, "not_helpful": 0}));
    let r = t.post(&path, &t.requester, json!({"helpful": false, "comment": "The link is broken"})).await;
    let tally: Value = r.json().await.unwrap();
    assert_eq!((tally["helpful"].as_i64(), tally["not_helpful"].as_i64()), (Some(0), Some(1)), "replaced");
    let tally: Value = t.post(&path, &t.requester2, json!({"helpful": true})).await.json().await.unwrap();
    assert_eq!((tally["helpful"].as_i64(), tally["not_helpful"].as_i64()), (Some(1), Some(1)));
    let read = t.json(&format!("/api/v1/articles/{n}"), &t.requester).await;
    assert_eq!(read["my_feedback"], json!({"helpful": false, "comment": "The link is broken"}));
    assert_eq!((read["helpful"].as_i64(), read["not_helpful"].as_i64()), (Some(1), Some(1)));
    let list = t.json(&path, &t.agent).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["comment"] == "The link is broken" && f["user"]["name"] == "requester user")
    );
    problem(t.get(&path, &t.requester).await, 403, "forbidden").await;
    let journal = t.json(&format!("/api/v1/articles/{n}/journal"), &t.agent).await;
    assert_eq!(actions(&journal).iter().filter(|a| *a == "feedback").count(), 3);
    // Feedback leaves the article's version alone: an editor's copy is not stale.
    assert_eq!(t.json(&format!("/api/v1/articles/{n}"), &t.agent).await["version"], 3);
});

both!(lists_filter_by_state_audience_category_and_words, |t| {
    published(&t, "requesters", "Connect to Wi-Fi").await;
    published(&t, "staff", "Rebuild the Wi-Fi controller").await;
    let d = write(&t, &t.agent, "requesters", "Printer drivers").await;
    let body = json!({"version": 1, "category": "Printing"});
    assert_eq!(t.patch(&format!("/api/v1/articles/{}", num(&d)), &t.agent, body).await.status(), 200);
    let numbers = |page: Value| -> Vec<String> { page["items"].as_array().unwrap().iter().map(num).collect() };
    assert_eq!(numbers(t.json("/api/v1/articles", &t.agent).await), ["KB0000003", "KB0000002", "KB0000001"]);
    assert_eq!(
        numbers(t.json("/api/v1/articles?sort=number", &t.agent).await),
        ["KB0000001", "KB0000002", "KB0000003"]
    );
    assert_eq!(numbers(t.json("/api/v1/articles?state=open", &t.agent).await), ["KB0000003"]);
    assert_eq!(numbers(t.json("/api/v1/articles?state=published&audience=staff", &t.agent).await), ["KB0000002"]);
    assert_eq!(numbers(t.json("/api/v1/articles?category=Printing", &t.agent).await), ["KB0000003"]);
    assert_eq!(numbers(t.json("/api/v1/articles?text=wi-fi", &t.agent).await), ["KB0000002", "KB0000001"]);
    // Requesters: published articles for requesters, whatever they ask.
    assert_eq!(numbers(t.json("/api/v1/articles?state=draft&audience=staff", &t.requester).await), ["KB0000001"]);
    let page = t.json("/api/v1/articles?limit=1&sort=number", &t.agent).await;
    assert_eq!(page["count"], 3);
    let next = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        numbers(t.json(&format!("/api/v1/articles?limit=1&sort=number&cursor={next}"), &t.agent).await),
        ["KB0000002"]
    );
    invalid(t.get("/api/v1/articles?state=approved", &t.agent).await, &["state"]).await;
    invalid(t.get("/api/v1/articles?audience=everyone", &t.agent).await, &["audience"]).await;
    invalid(t.get("/api/v1/articles?sort=priority", &t.agent).await, &["sort"]).await;
    invalid(t.get("/api/v1/articles?limit=0", &t.agent).await, &["limit"]).await;
    invalid(t.get("/api/v1/articles?cursor=nope", &t.agent).await, &["cursor"]).await;
    invalid(t.get("/api/v1/articles?colour=red", &t.agent).await, &["colour"]).await;
});

both!(deflection_is_decided_on_the_server, |t| {
    let a = published(&t, "requesters", "Unlock your account").await;
    let n = num(&a);
    let id = a["author"]["id"].as_i64().unwrap();
    assert!(id > 0);
    let me: Value = t.json("/api/v1/me", &t.requester).await;
    let requester = me["id"].as_i64().unwrap();
    let record = {
        let mut c = t.app.store.pool().acquire().await.unwrap();
        steward_store::records::id_of(&mut c, "article", 1).await.unwrap().unwrap()
    };
    let minute = 60_000_000;
    let now = steward_store::now_micros();
    // Opened 40 and 50 minutes ago, and 10 minutes ago; a report now
    // follows only the last within 30 minutes.
    for ago in [50, 40, 10] {
        t.app
            .store
            .write(move |c| {
                Box::pin(
                    async move { steward_store::articles::add_open(c, record, requester, now - ago * minute).await },
                )
            })
            .await
            .unwrap();
    }
    t.incident(&t.requester, json!({"title": "Still locked out"})).await;
    let d = t.json("/api/v1/articles/deflections", &t.agent).await;
    assert_eq!(d, json!({"opened": 3, "deflected": 2, "reported": 1, "pending": 0}));
    let d = t.json(&format!("/api/v1/articles/deflections?since=2000-01-01&article={n}"), &t.agent).await;
    assert_eq!(d["opened"], 3);
    problem(t.get("/api/v1/articles/deflections", &t.requester).await, 403, "forbidden").await;
    invalid(t.get("/api/v1/articles/deflections?since=yesterday", &t.agent).await, &["since"]).await;
    // A filter naming no article (or nothing) is refused naming it.
    for bad in ["", "KB0009999", "INC0000001"] {
        invalid(t.get(&format!("/api/v1/articles/deflections?article={bad}"), &t.agent).await, &["article"]).await;
    }
});
