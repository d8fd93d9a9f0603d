//! The measures over HTTP (issue 14): what the worker counted answers
//! `GET /api/v1/reports/measures`, narrowed by the parameters; bad
//! parameters are refused beside their names, requesters are refused.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

both!(measures_answer_what_was_counted, |t| {
    let a = num(&t.incident(&t.agent, json!({"title": "Mail down", "assignment_group": "Service Desk"})).await);
    t.incident(&t.agent, json!({"title": "VPN slow", "assignment_group": "Network"})).await;
    let body = json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": "Restarted"});
    let r = t.post(&format!("/api/v1/incidents/{a}/transitions"), &t.agent, body).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    t.app.count_reports().await.unwrap();
    // The server's worker counts the backlog every five minutes: now.
    t.app.snapshot_backlog(true).await.unwrap();

    // The defaults: the last 30 days, today included (the site is on UTC).
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let r = t.get("/api/v1/reports/measures", &t.manager).await;
    assert_eq!(r.status(), 200);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["to"], today.to_string());
    assert_eq!(m["daily"].as_array().unwrap().len(), 30);
    assert_eq!((m["arrivals"].as_i64(), m["resolved"].as_i64()), (Some(2), Some(1)));
    assert_eq!(m["first_contact_rate"], 1.0);
    assert_eq!(m["mttr"]["count"], 1);
    assert_eq!(m["daily"][29], json!({"day": today.to_string(), "arrivals": 2, "resolved": 1}));
    // Today's backlog: one still open.
    assert_eq!(m["backlog"], json!([{"day": today.to_string(), "open": 1, "by_age": [1, 0, 0, 0, 0]}]));

    // Narrowed to one group, one kind, one day.
    let network = t.app.list_groups().await.unwrap().into_iter().find(|g| g.name == "Network").unwrap().id;
    let path = format!("/api/v1/reports/measures?from={today}&to={today}&kind=incident&group={network}");
    let m: Value = t.get(&path, &t.agent).await.json().await.unwrap();
    assert_eq!((m["arrivals"].as_i64(), m["resolved"].as_i64()), (Some(1), Some(0)));
    assert_eq!(m["first_contact_rate"], Value::Null, "nothing resolved: no rate");
    let m: Value = t.get("/api/v1/reports/measures?kind=problem", &t.agent).await.json().await.unwrap();
    assert_eq!(m["arrivals"], 0);

    // Each kind's own figures: a problem raised today.
    let r = t.post("/api/v1/problems", &t.manager, json!({"title": "Mail keeps failing"})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    t.app.count_reports().await.unwrap();
    let m: Value = t.get("/api/v1/reports/measures", &t.manager).await.json().await.unwrap();
    assert_eq!(m["problems"]["opened"], 1);
    assert_eq!(m["problems"]["solved"], 0);
    assert_eq!(
        m["changes"],
        json!({"closed": 0, "successful": 0, "successful_with_issues": 0, "failed": 0,
        "backed_out": 0, "success_rate": null, "caused_incidents": 0, "caused_incident_rate": null})
    );
    assert_eq!(m["alerts"], json!({"fired": 0, "incidents_from_alerts": 0, "alerts_per_incident": null}));
    assert_eq!(m["availability"], json!([]));
});

both!(bad_parameters_are_refused_beside_their_names, |t| {
    let get = |q: &str| {
        let path = format!("/api/v1/reports/measures?{q}");
        let t = &t;
        async move { t.get(&path, &t.manager).await }
    };
    let msg = invalid(get("from=2026-03-31&to=2026-03-01").await, &["to"]).await;
    assert_eq!(msg, "must not be before from");
    let msg = invalid(get("from=2026-02-30").await, &["from"]).await;
    assert!(msg.contains("is not a date"), "{msg}");
    invalid(get("from=2000-01-01&to=2026-01-01").await, &["to"]).await;
    let msg = invalid(get("colour=red").await, &["colour"]).await;
    assert!(msg.starts_with("unknown field `colour`"), "{msg}");
    let msg = invalid(get("kind=widget").await, &["kind"]).await;
    assert_eq!(msg, "\"widget\" is not one of incident, problem, change, task");
    invalid(get("group=-1").await, &["group"]).await;
    invalid(get("priority=9").await, &["priority"]).await;
    invalid(get("service=abc").await, &["service"]).await;
    forbidden(
        t.get("/api/v1/reports/measures", &t.requester).await,
        "only agents, managers and admins can see the measures and reports",
    )
    .await;
});

both!(each_user_composes_their_dashboard_from_the_panel_list, |t| {
    // Until chosen: an agent's dashboard begins with their own work, a
    // manager's is the service view.
    let r: Value = t.get("/api/v1/reports/panels", &t.agent).await.json().await.unwrap();
    assert_eq!((r["chosen"].as_bool(), r["panels"][0]["panel"].as_str()), (Some(false), Some("my_work")));
    let r: Value = t.get("/api/v1/reports/panels", &t.manager).await.json().await.unwrap();
    assert_eq!(r["panels"][0]["panel"], "figures");

    let mine = json!({"panels": [{"panel": "series", "kind": "change"}, {"panel": "my_work"}, {"panel": "sla"}]});
    let r = t.put_json("/api/v1/reports/panels", &t.agent, mine.clone()).await;
    assert_eq!(r.status(), 200);
    let r: Value = t.get("/api/v1/reports/panels", &t.agent).await.json().await.unwrap();
    assert_eq!((r["chosen"].as_bool(), &r["panels"]), (Some(true), &mine["panels"]));
    // Another user's stays theirs.
    let r: Value = t.get("/api/v1/reports/panels", &t.agent2).await.json().await.unwrap();
    assert_eq!(r["chosen"], false);

    // Bad panels, each beside its place, and nothing kept.
    let bad = json!({"panels": [
        {"panel": "pie"}, {"panel": "figures", "kind": "invoice"},
        {"panel": "availability", "kind": "incident"}, {"panel": "sla"}, {"panel": "sla"}
    ]});
    let msg = invalid(
        t.put_json("/api/v1/reports/panels", &t.agent, bad).await,
        &["panels[0].panel", "panels[1].kind", "panels[2].kind", "panels[4].panel"],
    )
    .await;
    assert!(msg.contains("\"pie\" is not one of figures, my_work"), "{msg}");
    let many: Vec<Value> = (0..25).map(|_| json!({"panel": "heat"})).collect();
    invalid(t.put_json("/api/v1/reports/panels", &t.agent, json!({"panels": many})).await, &["panels"]).await;
    let r =
        t.put_json("/api/v1/reports/panels", &t.agent, json!({"panels": [{"panel": "heat", "colour": "red"}]})).await;
    assert_eq!(r.status(), 422);
    let r: Value = t.get("/api/v1/reports/panels", &t.agent).await.json().await.unwrap();
    assert_eq!(r["panels"], mine["panels"], "nothing kept");

    // Back to the default; requesters have no dashboard.
    let r: Value = t.delete("/api/v1/reports/panels", &t.agent).await.json().await.unwrap();
    assert_eq!((r["chosen"].as_bool(), r["panels"][0]["panel"].as_str()), (Some(false), Some("my_work")));
    forbidden(
        t.get("/api/v1/reports/panels", &t.requester).await,
        "only agents, managers and admins can see the measures and reports",
    )
    .await;
});
