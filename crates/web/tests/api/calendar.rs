//! The change calendar over HTTP: the changes whose planned or actual
//! window overlaps a span (cancelled ones aside), the freezes over it and
//! the maintenance windows' occurrences in it; a bounded span, every
//! mistake a 422 naming `from` or `to`.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// A change with this planned window; its number.
async fn change(t: &TestApp, body: Value) -> String {
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    num(&r.json::<Value>().await.unwrap())
}

fn numbers(cal: &Value) -> Vec<String> {
    cal["changes"].as_array().unwrap().iter().map(|c| c["number"].as_str().unwrap().to_owned()).collect()
}

both!(the_calendar_holds_changes_freezes_and_maintenance_windows, |t| {
    t.services(&["VPN"]).await;
    let early = change(
        &t,
        json!({"title": "Move the racks", "planned_start": "2030-05-25T08:00:00Z",
        "planned_end": "2030-06-02T08:00:00Z"}),
    )
    .await;
    let template = t.change_template("Patch the VPN", json!({})).await;
    let patch = change(&t, json!({"title": "Patch the VPN", "change_type": "standard", "template": template, "service": "VPN",
        "assignment_group": "Service Desk", "assignee": "agent", "planned_start": "2030-06-03T22:00:00Z", "planned_end": "2030-06-04T02:00:00Z"}))
    .await;
    let later = change(
        &t,
        json!({"title": "Next month", "planned_start": "2030-07-01T00:00:00Z",
        "planned_end": "2030-07-01T02:00:00Z"}),
    )
    .await;
    let dropped = change(
        &t,
        json!({"title": "Dropped", "planned_start": "2030-06-05T00:00:00Z",
        "planned_end": "2030-06-05T02:00:00Z"}),
    )
    .await;
    let r = t
        .post(
            &format!("/api/v1/changes/{dropped}/transition"),
            &t.agent,
            json!({"version": 1, "state": "cancelled", "cancel_reason": "Not needed"}),
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let freeze = json!({"name": "Audit", "starts_at": "2030-06-10T00:00:00Z", "ends_at": "2030-06-12T00:00:00Z",
        "services": ["VPN"]});
    assert_eq!(t.post("/api/v1/change-freezes", &t.manager, freeze).await.status(), 201);
    let window = json!({"name": "VPN nights", "service": "VPN", "days": ["sat"], "start": "01:00", "minutes": 240,
        "time_zone": "Europe/Warsaw"});
    assert_eq!(t.post("/api/v1/maintenance-windows", &t.manager, window).await.status(), 201);

    let cal = t.json("/api/v1/change-calendar?from=2030-06-01&to=2030-07-01", &t.agent).await;
    // The one that began before the span runs into it; the one starting
    // at its end and the cancelled one are not on it.
    assert_eq!(numbers(&cal), [early.clone(), patch.clone()]);
    assert!(!numbers(&cal).contains(&later));
    let p = &cal["changes"][1];
    assert_eq!(
        (p["title"].as_str(), p["change_type"].as_str(), p["state"].as_str(), p["service"]["name"].as_str()),
        (Some("Patch the VPN"), Some("standard"), Some("draft"), Some("VPN"))
    );
    assert_eq!(
        (p["starts_at"].as_str(), p["ends_at"].as_str()),
        (Some("2030-06-03T22:00:00Z"), Some("2030-06-04T02:00:00Z"))
    );
    assert_eq!((p["actual"].as_bool(), p["owner"]["name"].is_string()), (Some(false), true));
    assert_eq!(cal["truncated"], false);
    assert_eq!(cal["freezes"][0]["service_names"], json!(["VPN"]));
    assert_eq!(cal["freezes"][0]["name"], "Audit");
    // Saturdays at 01:00 in Warsaw (summer time: 23:00 UTC the day before),
    // the first one running over the span's start.
    let w = &cal["maintenance_windows"][0];
    let starts: Vec<&str> =
        w["occurrences"].as_array().unwrap().iter().map(|o| o["starts_at"].as_str().unwrap()).collect();
    assert_eq!(
        starts,
        [
            "2030-05-31T23:00:00Z",
            "2030-06-07T23:00:00Z",
            "2030-06-14T23:00:00Z",
            "2030-06-21T23:00:00Z",
            "2030-06-28T23:00:00Z"
        ]
    );
    assert_eq!(
        (w["service"].as_str(), w["occurrences"][0]["ends_at"].as_str()),
        (Some("VPN"), Some("2030-06-01T03:00:00Z"))
    );

    // A span that misses everything holds nothing but the windows.
    let empty = t.json("/api/v1/change-calendar?from=2030-08-01&to=2030-08-02", &t.manager).await;
    assert_eq!((empty["changes"].clone(), empty["freezes"].clone()), (json!([]), json!([])));
});

both!(a_change_under_way_sits_at_its_actual_window, |t| {
    let n = change(&t, json!({"title": "Patch the VPN gateway now", "change_type": "emergency"})).await;
    let go = |body: Value| {
        let path = format!("/api/v1/changes/{n}/transition");
        let t = &t;
        async move { t.post(&path, &t.agent, body).await }
    };
    assert_eq!(go(json!({"version": 1, "state": "authorization"})).await.status(), 200);
    assert_eq!(t.post(&format!("/api/v1/changes/{n}/approve"), &t.admin, json!({"version": 2})).await.status(), 200);
    assert_eq!(go(json!({"version": 3, "state": "implementing"})).await.status(), 200);
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let span = format!("/api/v1/change-calendar?from={}&to={}", today.yesterday().unwrap(), today.tomorrow().unwrap());
    let cal = t.json(&span, &t.agent).await;
    assert_eq!(numbers(&cal), std::slice::from_ref(&n));
    let c = &cal["changes"][0];
    assert_eq!((c["actual"].as_bool(), c["state"].as_str()), (Some(true), Some("implementing")));
    assert!(c["ends_at"].as_str().unwrap() > c["starts_at"].as_str().unwrap(), "{c}");
    // A span before it began does not find it.
    let before = t.json("/api/v1/change-calendar?from=2020-01-01&to=2020-02-01", &t.agent).await;
    assert_eq!(before["changes"], json!([]));
});

both!(a_bad_span_names_its_field, |t| {
    let cases = [
        ("from=2030-06-02&to=2030-06-01", "to", "end_before_start"),
        ("from=2030-06-01&to=2030-06-01", "to", "end_before_start"),
        ("from=2030-06-01&to=2030-07-15", "to", "between"),
        ("from=next%20week&to=2030-06-01", "from", "not_a_time"),
        ("from=2030-06-01&to=2030-13-01", "to", "not_a_time"),
        ("to=2030-06-01", "from", "required"),
        ("from=2030-06-01", "to", "required"),
    ];
    for (query, field, code) in cases {
        let r = t.get(&format!("/api/v1/change-calendar?{query}"), &t.agent).await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(
            (p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()),
            (Some(field), Some(code)),
            "{query}"
        );
    }
    // Both missing: both named.
    let p = problem(t.get("/api/v1/change-calendar", &t.agent).await, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["from", "to"]);
    // Six weeks and a day is the most a view asks for.
    assert_eq!(t.get("/api/v1/change-calendar?from=2030-06-01&to=2030-07-14", &t.agent).await.status(), 200);
    // Requesters see no changes, whatever they ask.
    assert_eq!(t.get("/api/v1/change-calendar?from=2030-06-01&to=2030-07-01", &t.requester).await.status(), 403);
    assert_eq!(t.get("/api/v1/change-calendar?from=x", &t.requester).await.status(), 403);
});
