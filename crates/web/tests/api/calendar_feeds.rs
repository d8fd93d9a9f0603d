//! Calendar feeds over HTTP: made (the URL shown once), listed, revoked
//! (only by their owner), read as iCalendar by Python's `icalendar`
//! package, and silent (404, the same answer) once revoked, unknown or
//! their owner deactivated.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// The feed's events as `icalendar` reads them.
fn read_ical(text: &str) -> Value {
    python_reads("ical_read.py", text.as_bytes()).unwrap_or_else(|e| panic!("icalendar refused the feed: {e}\n{text}"))
}

/// Makes a feed for the token's user: (id, its path on the server).
async fn new_feed(t: &TestApp, token: &str) -> (i64, String) {
    let r = t.post("/api/v1/me/calendar-feeds", token, json!({})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let f: Value = r.json().await.unwrap();
    let url = f["url"].as_str().unwrap();
    let at = url.find("/feeds/changes/").expect("a feed URL");
    assert!(url.ends_with(".ics"), "{url}");
    (f["id"].as_i64().unwrap(), url[at..].to_owned())
}

async fn feed(t: &TestApp, path: &str) -> reqwest::Response {
    t.client.get(format!("{}{path}", t.base)).send().await.unwrap()
}

/// A whole second, `days` from now, as RFC 3339.
fn days_ahead(days: i64) -> String {
    let now = jiff::Timestamp::now().as_second();
    jiff::Timestamp::from_second(now - now % 60 + days * 86_400).unwrap().to_string()
}

both!(a_feed_is_read_by_icalendar_with_its_text_escaped, |t| {
    t.services(&["VPN"]).await;
    let (start, end) = (days_ahead(10), days_ahead(11));
    let body = json!({"title": r"Swap disks, racks; and C:\temp", "service": "VPN",
        "description": "Line one\nLine two, with; all\\", "planned_start": start, "planned_end": end});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201);
    let n = num(&r.json::<Value>().await.unwrap());
    let freeze =
        json!({"name": "Year end", "starts_at": days_ahead(20), "ends_at": days_ahead(30), "services": ["VPN"]});
    assert_eq!(t.post("/api/v1/change-freezes", &t.manager, freeze).await.status(), 201);
    // Out of the feed's reach: more than a year ahead.
    let far = json!({"title": "Far away", "planned_start": days_ahead(400), "planned_end": days_ahead(401)});
    assert_eq!(t.post("/api/v1/changes", &t.agent, far).await.status(), 201);

    let (_, path) = new_feed(&t, &t.agent).await;
    let r = feed(&t, &path).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    let text = r.text().await.unwrap();
    assert!(text.lines().all(|l| l.len() <= 76), "lines fold at 75 octets");
    let cal = read_ical(&text);
    let events = cal["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{cal}");
    let e = &events[0];
    assert_eq!(e["summary"], format!(r"{n} Swap disks, racks; and C:\temp"));
    assert!(e["description"].as_str().unwrap().ends_with("Line one\nLine two, with; all\\"), "{e}");
    assert!(e["description"].as_str().unwrap().contains("Service: VPN"), "{e}");
    let utc = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    assert_eq!((utc(e["start"].as_str().unwrap()), utc(e["end"].as_str().unwrap())), (utc(&start), utc(&end)));
    assert!(e["start"].as_str().unwrap().ends_with("+00:00"), "in UTC: {e}");
    assert_eq!((e["status"].as_str(), e["categories"].clone()), (Some("TENTATIVE"), json!(["normal"])));
    assert!(e["uid"].as_str().unwrap().starts_with(&format!("{n}@")));
    assert!(e["url"].as_str().unwrap().ends_with(&format!("/changes/{n}")));
    assert_eq!(
        (events[1]["summary"].as_str(), events[1]["categories"].clone()),
        (Some("Freeze: Year end"), json!(["freeze"]))
    );
    // The same change keeps its UID in the next read.
    let again = read_ical(&feed(&t, &path).await.text().await.unwrap());
    assert_eq!(again["events"][0]["uid"], e["uid"]);
});

both!(feeds_are_listed_and_revoked_by_their_owner_only, |t| {
    let (id, path) = new_feed(&t, &t.agent).await;
    let (other, _) = new_feed(&t, &t.agent).await;
    assert_eq!(feed(&t, &path).await.status(), 200);
    let list = t.json("/api/v1/me/calendar-feeds", &t.agent).await;
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [other, id], "newest first");
    assert!(list[1]["last_used_at"].is_string() && list[0]["last_used_at"].is_null(), "{list}");
    assert!(list[0].get("url").is_none(), "the URL is shown once");
    // Another user neither sees nor revokes it.
    assert_eq!(t.json("/api/v1/me/calendar-feeds", &t.manager).await, json!([]));
    problem(t.delete(&format!("/api/v1/me/calendar-feeds/{id}"), &t.manager).await, 404, "not_found").await;
    assert_eq!(feed(&t, &path).await.status(), 200);

    assert_eq!(t.delete(&format!("/api/v1/me/calendar-feeds/{id}"), &t.agent).await.status(), 204);
    let gone = feed(&t, &path).await;
    assert_eq!(gone.status(), 404);
    let gone = gone.text().await.unwrap();
    problem(t.delete(&format!("/api/v1/me/calendar-feeds/{id}"), &t.agent).await, 404, "not_found").await;
    problem(t.delete("/api/v1/me/calendar-feeds/x", &t.agent).await, 404, "not_found").await;
    assert!(t.json("/api/v1/me/calendar-feeds", &t.agent).await[1]["revoked_at"].is_string());
    // An unknown secret gets the same answer as a revoked one.
    let unknown = feed(&t, "/feeds/changes/not-a-secret.ics").await;
    assert_eq!((unknown.status().as_u16(), unknown.text().await.unwrap()), (404, gone.clone()));
    assert_eq!(feed(&t, &path.replace(".ics", ".txt")).await.status(), 404);
    // Requesters have no changes to follow.
    problem(t.post("/api/v1/me/calendar-feeds", &t.requester, json!({})).await, 403, "forbidden").await;
});

both!(a_deactivated_users_feed_stops_working, |t| {
    let (_, path) = new_feed(&t, &t.manager).await;
    assert_eq!(feed(&t, &path).await.status(), 200);
    let v = t.json("/api/v1/users/manager", &t.admin).await["version"].as_i64().unwrap();
    let r = t.patch("/api/v1/users/manager", &t.admin, json!({"active": false, "version": v})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(feed(&t, &path).await.status(), 404);
    // Back at work, the same feed answers again (it was never revoked).
    let v = t.json("/api/v1/users/manager", &t.admin).await["version"].as_i64().unwrap();
    let r = t.patch("/api/v1/users/manager", &t.admin, json!({"active": true, "version": v})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(feed(&t, &path).await.status(), 200);
});
