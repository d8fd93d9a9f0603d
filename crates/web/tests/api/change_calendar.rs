//! The change calendar's freezes and maintenance windows over HTTP: kept by
//! managers, read by the desk, and every mistake a 422 naming its field
//! with nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

both!(freezes_are_kept_by_managers_and_read_by_the_desk, |t| {
    let vpn = t.services(&["VPN"]).await;
    let body = json!({"name": "Year end", "starts_at": "2030-12-20T00:00:00Z", "ends_at": "2031-01-03T00:00:00Z",
        "services": ["VPN"], "note": "Finance closes the books"});
    let r = t.post("/api/v1/change-freezes", &t.manager, body).await;
    assert_eq!(r.status(), 201);
    let f: Value = r.json().await.unwrap();
    assert_eq!((f["name"].as_str(), f["services"].clone()), (Some("Year end"), json!(vpn)));
    let all = json!({"name": "Everything", "starts_at": "2031-06-01T00:00:00Z", "ends_at": "2031-06-02T00:00:00Z"});
    assert_eq!(t.post("/api/v1/change-freezes", &t.admin, all).await.status(), 201);

    // The desk reads those of a span; a span that misses them finds none.
    let span = "/api/v1/change-freezes?from=2030-12-01&to=2031-12-31";
    let list = t.json(span, &t.agent).await;
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Year end", "Everything"]);
    assert_eq!(t.json("/api/v1/change-freezes?from=2031-01-04&to=2031-05-01", &t.agent).await, json!([]));
    // One that began before the span and runs into it is found.
    let running = t.json("/api/v1/change-freezes?from=2031-01-01&to=2031-01-02", &t.agent).await;
    assert_eq!(running.as_array().unwrap().len(), 1);

    let id = f["id"].as_i64().unwrap();
    assert_eq!(t.delete(&format!("/api/v1/change-freezes/{id}"), &t.agent).await.status(), 403);
    assert_eq!(t.delete(&format!("/api/v1/change-freezes/{id}"), &t.manager).await.status(), 204);
    assert_eq!(t.delete(&format!("/api/v1/change-freezes/{id}"), &t.manager).await.status(), 404);
    assert_eq!(t.get("/api/v1/change-freezes", &t.requester).await.status(), 403);
});

both!(bad_freezes_name_the_field_and_store_nothing, |t| {
    t.services(&["VPN"]).await;
    let ok = json!({"name": "Freeze", "starts_at": "2030-12-20T00:00:00Z", "ends_at": "2030-12-21T00:00:00Z"});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let cases = [
        (with("ends_at", json!("2030-12-19T00:00:00Z")), "ends_at", "end_before_start"),
        (with("ends_at", json!("2032-12-21T00:00:00Z")), "ends_at", "between"),
        (with("starts_at", json!("next week")), "starts_at", "not_a_time"),
        (with("name", json!("")), "name", "required"),
        (with("services", json!(["VPN", "Nowhere"])), "services[1]", "no_service"),
    ];
    for (body, field, code) in cases {
        let p =
            problem(t.post("/api/v1/change-freezes", &t.manager, body.clone()).await, 422, "validation_failed").await;
        assert_eq!(
            (p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()),
            (Some(field), Some(code)),
            "{body}"
        );
    }
    forbidden(
        t.post("/api/v1/change-freezes", &t.agent, ok).await,
        "only managers and admins can set freezes and maintenance windows",
    )
    .await;
    let p = problem(
        t.get("/api/v1/change-freezes?from=2031-01-02&to=2031-01-01", &t.agent).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&p), ["to"]);
    assert_eq!(t.json("/api/v1/change-freezes?from=2000-01-01&to=2040-01-01", &t.manager).await, json!([]));
});

both!(maintenance_windows_per_service_on_the_clock_of_a_zone, |t| {
    t.services(&["VPN", "Email"]).await;
    let body = json!({"name": "VPN nights", "service": "VPN", "days": ["sat", "Sun"], "start": "01:00", "minutes": 240,
        "time_zone": "Europe/Warsaw"});
    let r = t.post("/api/v1/maintenance-windows", &t.manager, body).await;
    assert_eq!(r.status(), 201);
    let w: Value = r.json().await.unwrap();
    assert_eq!(
        (w["days"].clone(), w["service"].as_str(), w["start"].as_str()),
        (json!(["sat", "sun"]), Some("VPN"), Some("01:00"))
    );
    let any = json!({"name": "Patch Tuesday", "days": ["tue"], "start": "22:00", "minutes": 120, "time_zone": "UTC"});
    assert_eq!(t.post("/api/v1/maintenance-windows", &t.manager, any).await.status(), 201);
    let email = json!({"name": "Mail", "service": "Email", "days": ["wed"], "start": "03:00", "minutes": 60, "time_zone": "UTC"});
    assert_eq!(t.post("/api/v1/maintenance-windows", &t.manager, email).await.status(), 201);

    // A service's windows come with those for every service.
    let names =
        |v: Value| v.as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(
        names(t.json("/api/v1/maintenance-windows?service=VPN", &t.agent).await),
        ["Patch Tuesday", "VPN nights"]
    );
    assert_eq!(names(t.json("/api/v1/maintenance-windows", &t.agent).await).len(), 3);

    // Every mistake at once, each beside its field; nothing stored.
    let bad = json!({"name": "Bad", "service": "Nowhere", "days": ["sat", "someday"], "start": "25:00", "minutes": 0,
        "time_zone": "Mars/Base"});
    let p = problem(t.post("/api/v1/maintenance-windows", &t.manager, bad).await, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["days[1]", "start", "minutes", "time_zone", "service"]);
    assert_eq!(names(t.json("/api/v1/maintenance-windows", &t.agent).await).len(), 3);
    let id = w["id"].as_i64().unwrap();
    assert_eq!(t.delete(&format!("/api/v1/maintenance-windows/{id}"), &t.manager).await.status(), 204);
    assert_eq!(t.get("/api/v1/maintenance-windows", &t.requester).await.status(), 403);
});
