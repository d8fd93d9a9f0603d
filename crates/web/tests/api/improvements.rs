//! The continual improvement register over HTTP (issue 14): a manager
//! records an improvement with its measure, baseline, target and linked
//! records; its progress is read from the live measure; the desk reads,
//! requesters are refused, agents cannot keep it; bad aims are refused
//! beside their fields with nothing stored; a stale version is a conflict.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

fn in_a_month() -> String {
    jiff::Zoned::now().date().checked_add(jiff::Span::new().days(30)).unwrap().to_string()
}

both!(an_improvement_follows_its_live_measure, |t| {
    // Two incidents today, one resolved at first contact: 50 % FCR.
    let a = num(&t.incident(&t.agent, json!({"title": "Mail down"})).await);
    t.incident(&t.agent, json!({"title": "VPN slow"})).await;
    let body = json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": "Restarted"});
    assert_eq!(t.post(&format!("/api/v1/incidents/{a}/transitions"), &t.agent, body).await.status(), 200);
    let p = t.post("/api/v1/problems", &t.agent, json!({"title": "Mail server restarts"})).await;
    assert_eq!(p.status(), 201, "{}", p.text().await.unwrap());
    let prb = p.json::<Value>().await.unwrap()["number"].as_str().unwrap().to_owned();
    t.app.count_reports().await.unwrap();

    let body = json!({
        "title": "Resolve more at first contact", "measure": "first_contact_rate", "kind": "incident",
        "baseline": 40.0, "target": 60.0, "target_date": in_a_month(), "records": [prb, a],
    });
    let r = t.post("/api/v1/improvements", &t.manager, body.clone()).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let i: Value = r.json().await.unwrap();
    assert_eq!(i["owner"], t.json("/api/v1/me", &t.manager).await["display_name"]);
    assert_eq!(i["state"], "open");
    // 40 % → 60 %: now 100 %, already there.
    assert_eq!(i["progress"], json!({"current": 100.0, "percent": 100.0, "status": "achieved"}));
    let numbers: Vec<&str> = i["records"].as_array().unwrap().iter().map(|r| r["number"].as_str().unwrap()).collect();
    assert_eq!(numbers.len(), 2);
    assert!(numbers.contains(&prb.as_str()) && numbers.contains(&a.as_str()));

    // The desk reads the register; a second resolution at first contact
    // keeps it achieved, a reopen would not.
    let list = t.json("/api/v1/improvements", &t.agent).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let read = t.json(&location, &t.agent).await;
    assert_eq!(read["title"], "Resolve more at first contact");

    // Replaced: owner, state, target; a stale version is a conflict.
    let mut again = body.clone();
    again["version"] = i["version"].clone();
    again["owner"] = json!("admin");
    again["target"] = json!(75.0);
    let r = t.put_json(&location, &t.manager, again.clone()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let edited: Value = r.json().await.unwrap();
    assert_eq!((edited["target"].as_f64(), edited["version"].as_i64()), (Some(75.0), Some(2)));
    assert_ne!(edited["owner"], i["owner"]);
    problem(t.put_json(&location, &t.manager, again.clone()).await, 409, "version_conflict").await;
    let mut none = again.clone();
    none.as_object_mut().unwrap().remove("version");
    problem(t.put_json(&location, &t.manager, none).await, 428, "version_required").await;

    // Agents read but do not keep it; requesters do not read it.
    let r = t.delete(&location, &t.agent).await;
    assert_eq!(r.status(), 403);
    assert_eq!(t.get("/api/v1/improvements", &t.requester).await.status(), 403);
    assert_eq!(t.delete(&location, &t.manager).await.status(), 204);
    assert_eq!(t.get(&location, &t.manager).await.status(), 404);
});

both!(bad_aims_are_refused_beside_their_fields_and_nothing_is_kept, |t| {
    let ok = json!({
        "title": "Faster resolution", "measure": "mttr_hours", "baseline": 20.0, "target": 12.0,
        "target_date": in_a_month(),
    });
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    for (body, field) in [
        (with("measure", json!("happiness")), "measure"),
        (with("target", json!(30.0)), "target"),
        (with("baseline", json!(-1.0)), "baseline"),
        (with("target_date", json!("2020-01-01")), "target_date"),
        (with("target_date", json!("2027-02-30")), "target_date"),
        (with("title", json!("")), "title"),
        (with("kind", json!("widget")), "kind"),
        (with("priority", json!(9)), "priority"),
        (with("owner", json!("requester")), "owner"),
        (with("records", json!(["INC9999999"])), "records"),
        (with("state", json!("paused")), "state"),
    ] {
        invalid(t.post("/api/v1/improvements", &t.manager, body).await, &[field]).await;
    }
    let msg = invalid(t.post("/api/v1/improvements", &t.manager, with("target", json!(30.0))).await, &["target"]).await;
    assert_eq!(msg, "must be below the baseline: lower is better for this measure");
    let r = t.post("/api/v1/improvements", &t.manager, with("colour", json!("red"))).await;
    assert_eq!(r.status(), 422);
    assert_eq!(t.post("/api/v1/improvements", &t.agent, ok.clone()).await.status(), 403);
    assert_eq!(t.json("/api/v1/improvements", &t.manager).await, json!([]), "nothing kept");
    assert_eq!(t.get("/api/v1/improvements/abc", &t.manager).await.status(), 404);
});
