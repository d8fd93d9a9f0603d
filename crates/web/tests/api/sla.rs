//! Service levels over HTTP: calendars, SLA definitions and group OLAs
//! (who may read and change them, every bad input named and nothing
//! stored), an incident's clocks and the breaching-soon list.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

/// Working hours every day round the clock, in Warsaw.
fn warsaw() -> Value {
    let day = json!([{"start": "00:00", "end": "24:00"}]);
    json!({"name": "Warsaw office", "time_zone": "Europe/Warsaw", "week": {
        "monday": day, "tuesday": day, "wednesday": day, "thursday": day,
        "friday": day, "saturday": day, "sunday": day}})
}

/// An SLA on `calendar_id` with this response target for every priority.
fn sla(calendar_id: i64, response: &str) -> Value {
    let targets: Vec<Value> =
        (1..=5).map(|p| json!({"priority": p, "response": response, "resolution": "8h"})).collect();
    json!({"name": "Standard", "position": 10, "calendar_id": calendar_id, "targets": targets,
        "thresholds": [50, 75]})
}

async fn calendar_count(t: &TestApp) -> usize {
    t.json("/api/v1/calendars", &t.admin).await.as_array().unwrap().len()
}

both!(who_may_read_and_change, |t| {
    forbidden(t.get("/api/v1/calendars", &t.requester).await, "only staff can see service-level settings").await;
    forbidden(t.get("/api/v1/slas", &t.requester).await, "only staff can see service-level settings").await;
    let seeded = t.json("/api/v1/calendars", &t.agent).await;
    assert_eq!(seeded[0]["name"], "24×7", "{seeded}");
    let why = "only managers and admins can manage calendars and service levels";
    forbidden(t.post("/api/v1/calendars", &t.agent, warsaw()).await, why).await;
    forbidden(t.post("/api/v1/slas", &t.agent, sla(1, "1h")).await, why).await;
    let ola = json!({"target": "2h", "calendar_id": 1});
    forbidden(t.req(Method::PUT, "/api/v1/groups/Network/ola", &t.agent).json(&ola).send().await.unwrap(), why).await;
    assert_eq!(t.post("/api/v1/calendars", &t.manager, warsaw()).await.status(), 201);
    let mut other = warsaw();
    other["name"] = json!("Support hours");
    assert_eq!(t.post("/api/v1/calendars", &t.admin, other).await.status(), 201);
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla(1, "1h")).await.status(), 201);
    assert_eq!(t.json("/api/v1/slas", &t.agent).await.as_array().unwrap().len(), 1);
    let doc: Value =
        t.client.get(format!("{}/api/v1/openapi.json", t.base)).send().await.unwrap().json().await.unwrap();
    for path in [
        "/api/v1/calendars/{id}/holidays",
        "/api/v1/slas/{id}",
        "/api/v1/incidents/{number}/slas",
        "/api/v1/groups/{name}/ola",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
});

both!(bad_calendars_are_named_and_not_stored, |t| {
    let cases = [
        (
            json!({"monday": [{"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "16:00"}]}),
            "Europe/Warsaw",
            "week.monday[1]",
        ),
        (json!({"monday": [{"start": "16:00", "end": "08:00"}]}), "Europe/Warsaw", "week.monday[0]"),
        (json!({"monday": [{"start": "08:00", "end": "16:00"}]}), "Europe/Nowhere", "time_zone"),
        (json!({"monday": [{"start": "8am", "end": "16:00"}]}), "Europe/Warsaw", "week.monday[0].start"),
    ];
    for (week, zone, field) in cases {
        let body = json!({"name": "Bad", "time_zone": zone, "week": week});
        let msg = invalid(t.post("/api/v1/calendars", &t.manager, body).await, &[field]).await;
        assert!(!msg.is_empty());
    }
    let msg = invalid(
        t.post(
            "/api/v1/calendars",
            &t.manager,
            json!({"name": "x", "time_zone": "Europe/Nowhere",
        "week": {"monday": [{"start": "08:00", "end": "16:00"}]}}),
        )
        .await,
        &["time_zone"],
    )
    .await;
    assert!(msg.contains("Europe/Nowhere"), "{msg}");
    invalid(
        t.post("/api/v1/calendars", &t.manager, json!({"name": "x", "time_zone": "UTC", "colour": 1})).await,
        &["colour"],
    )
    .await;
    // A misspelt day or target is named, not read as a day off or no target.
    let typo = json!({"name": "x", "time_zone": "UTC", "week": {"mondy": [{"start": "08:00", "end": "16:00"}]}});
    let msg = invalid(t.post("/api/v1/calendars", &t.manager, typo).await, &["week.mondy"]).await;
    assert!(msg.starts_with("unknown field `mondy`"), "{msg}");
    assert_eq!(calendar_count(&t).await, 1, "only the seeded calendar");
});

both!(bad_slas_are_named_and_not_stored, |t| {
    let mut none = sla(1, "1h");
    none["targets"] = json!([]);
    invalid(t.post("/api/v1/slas", &t.manager, none).await, &["targets"]).await;
    let negative = sla(1, "-1h");
    let fields: Vec<String> = (0..5).map(|i| format!("targets[{i}].response")).collect();
    let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
    let msg = invalid(t.post("/api/v1/slas", &t.manager, negative).await, &fields).await;
    assert_eq!(msg, "must be longer than zero");
    let mut thresholds = sla(1, "1h");
    thresholds["thresholds"] = json!([50, 150]);
    invalid(t.post("/api/v1/slas", &t.manager, thresholds).await, &["thresholds[1]"]).await;
    let mut huge = sla(1, "1h");
    huge["thresholds"] = json!([300]);
    invalid(t.post("/api/v1/slas", &t.manager, huge).await, &["thresholds[0]"]).await;
    let msg = invalid(t.post("/api/v1/slas", &t.manager, sla(99, "1h")).await, &["calendar_id"]).await;
    assert_eq!(msg, "no calendar has id 99");
    let mut garbled = sla(1, "1h");
    garbled["targets"][0]["response"] = json!("soon");
    invalid(t.post("/api/v1/slas", &t.manager, garbled).await, &["targets[0].response"]).await;
    let mut typo = sla(1, "1h");
    typo["targets"][0]["resoluton"] = json!("4h");
    invalid(t.post("/api/v1/slas", &t.manager, typo).await, &["targets[0].resoluton"]).await;
    assert_eq!(t.json("/api/v1/slas", &t.admin).await, json!([]));
});

both!(ical_import_and_versions, |t| {
    let r = t.post("/api/v1/calendars", &t.manager, warsaw()).await;
    assert_eq!(r.headers()["etag"], "\"1\"");
    let cal: Value = r.json().await.unwrap();
    let path = format!("/api/v1/calendars/{}/holidays", cal["id"]);
    let ical = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261231\r\nSUMMARY:Stocktaking\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let send = |ct: &'static str, body: &'static str, v: &'static str| {
        t.req(Method::POST, &path, &t.manager).header("content-type", ct).header("if-match", v).body(body).send()
    };
    problem(send("application/json", ical, "\"1\"").await.unwrap(), 415, "unsupported_media_type").await;
    let msg = invalid(send("text/calendar", "hello", "\"1\"").await.unwrap(), &["ical"]).await;
    assert!(msg.contains("VCALENDAR"), "{msg}");
    let r =
        t.req(Method::POST, &path, &t.manager).header("content-type", "text/calendar").body(ical).send().await.unwrap();
    problem(r, 428, "version_required").await;
    problem(send("text/calendar", ical, "\"7\"").await.unwrap(), 412, "version_conflict").await;
    let huge = format!("BEGIN:VCALENDAR\r\n{}", "X-PAD:0123456789\r\n".repeat(70_000));
    let r = t.req(Method::POST, &path, &t.manager).header("content-type", "text/calendar").header("if-match", "\"1\"");
    problem(r.body(huge).send().await.unwrap(), 413, "too_large").await;
    assert_eq!(t.json(&path.replace("/holidays", ""), &t.agent).await["holidays"], json!([]), "nothing stored");
    let r = send("text/calendar; charset=utf-8", ical, "\"1\"").await.unwrap();
    assert_eq!(r.status(), 200);
    let cal: Value = r.json().await.unwrap();
    assert_eq!(cal["holidays"], json!([{"kind": "date", "date": "2026-12-31", "name": "Stocktaking"}]));
    assert_eq!(cal["version"], 2);

    // A stale version in a PUT body is a conflict; in If-Match a failed precondition.
    let cal_path = format!("/api/v1/calendars/{}", cal["id"]);
    let mut body = warsaw();
    body["version"] = json!(1);
    problem(t.req(Method::PUT, &cal_path, &t.manager).json(&body).send().await.unwrap(), 409, "version_conflict").await;
    body["version"] = json!(2);
    body["name"] = json!("Warsaw HQ");
    let r = t.req(Method::PUT, &cal_path, &t.manager).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = t.req(Method::PUT, &cal_path, &t.manager).header("if-match", "\"2\"").json(&warsaw()).send().await.unwrap();
    problem(r, 412, "version_conflict").await;
    let r = t.post(&format!("{cal_path}/presets/atlantis?version=3"), &t.manager, json!({})).await;
    invalid(r, &["preset"]).await;
    problem(t.get("/api/v1/calendars/abc", &t.agent).await, 404, "not_found").await;
    problem(t.get("/api/v1/calendars/999", &t.agent).await, 404, "not_found").await;
});

both!(an_incident_shows_its_clocks, |t| {
    let cal: Value = t.post("/api/v1/calendars", &t.manager, warsaw()).await.json().await.unwrap();
    let id = cal["id"].as_i64().unwrap();
    let r = t
        .req(Method::POST, &format!("/api/v1/calendars/{id}/presets/poland"), &t.manager)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cal: Value = r.json().await.unwrap();
    let names: Vec<&str> = cal["holidays"].as_array().unwrap().iter().map(|h| h["name"].as_str().unwrap()).collect();
    assert!(names.len() >= 13 && names.iter().any(|n| n.contains("Easter")), "{names:?}");
    let def: Value = t.post("/api/v1/slas", &t.manager, sla(id, "4h")).await.json().await.unwrap();
    assert_eq!(def["targets"][0]["response"], "PT4H");
    assert_eq!(def["pause_on"].as_array().unwrap().len(), 2, "defaults to waiting for caller or vendor");

    let inc = t.incident(&t.requester, json!({"title": "Printer on fire"})).await;
    assert!(inc["sla_due_at"].is_string(), "{inc}");
    assert_eq!(inc["sla_breached"], false);
    let clocks = t.json(&format!("/api/v1/incidents/{}/slas", num(&inc)), &t.requester).await;
    let clocks = clocks.as_array().unwrap();
    let kinds: Vec<(&str, &str)> =
        clocks.iter().map(|c| (c["kind"].as_str().unwrap(), c["state"].as_str().unwrap())).collect();
    assert_eq!(kinds, [("response", "running"), ("resolution", "running")]);
    assert_eq!(clocks[0]["sla_name"], "Standard");
    assert_eq!(clocks[0]["target_seconds"], 4 * 3600);
    assert_eq!(clocks[0]["breached"], false);
    assert!(clocks[1]["due_at"].is_string());
    problem(t.get(&format!("/api/v1/incidents/{}/slas", num(&inc)), &t.requester2).await, 403, "forbidden").await;
});

both!(breaching_soon_lists_short_targets, |t| {
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla(1, "30m")).await.status(), 201);
    let inc = t.incident(&t.agent, json!({"title": "VPN drops"})).await;
    let soon = t.numbers(&[("sla", "breaching_soon"), ("sort", "sla_due")], &t.agent).await;
    assert_eq!(soon, [num(&inc)]);
    assert!(t.numbers(&[("sla", "breached")], &t.agent).await.is_empty());
    invalid(t.list(&[("sla", "late")], &t.agent).await, &["sla"]).await;
});

both!(group_olas, |t| {
    let put = |group: &str, body: Value| {
        t.req(Method::PUT, &format!("/api/v1/groups/{group}/ola"), &t.manager).json(&body).send()
    };
    let r = put("Network", json!({"target": "2h", "calendar_id": 1, "thresholds": [80]})).await.unwrap();
    assert_eq!(r.status(), 200);
    let ola: Value = r.json().await.unwrap();
    assert_eq!(ola, json!({"group": "Network", "target": "PT2H", "calendar_id": 1, "thresholds": [80]}));
    invalid(put("Network", json!({"target": "-1h", "calendar_id": 1})).await.unwrap(), &["target"]).await;
    invalid(put("Network", json!({"target": "later", "calendar_id": 1})).await.unwrap(), &["target"]).await;
    invalid(
        put("Network", json!({"target": "1h", "calendar_id": 5, "thresholds": [0]})).await.unwrap(),
        &["calendar_id", "thresholds"],
    )
    .await;
    problem(put("Nobody", json!({"target": "1h", "calendar_id": 1})).await.unwrap(), 404, "not_found").await;
    // A record with the group gets a clock for its time there.
    let inc = t.incident(&t.agent, json!({"title": "Switch flaps", "assignment_group": "Network"})).await;
    let clocks = t.json(&format!("/api/v1/incidents/{}/slas", num(&inc)), &t.agent).await;
    assert_eq!(clocks[0]["kind"], "group", "{clocks}");
    assert_eq!((clocks[0]["group_name"].clone(), clocks[0]["target_seconds"].clone()), (json!("Network"), json!(7200)));
    assert_eq!(t.delete("/api/v1/groups/Network/ola", &t.manager).await.status(), 204);
    forbidden(
        t.delete("/api/v1/groups/Network/ola", &t.agent).await,
        "only managers and admins can manage calendars and service levels",
    )
    .await;
});

both!(sla_updates_name_the_version, |t| {
    let r = t.post("/api/v1/slas", &t.manager, sla(1, "1h")).await;
    assert_eq!(r.headers()["etag"], "\"1\"");
    let def: Value = r.json().await.unwrap();
    let path = format!("/api/v1/slas/{}", def["id"]);
    let mut body = sla(1, "2h");
    body["active"] = json!(false);
    let put = |b: Value, etag: Option<&'static str>| {
        let mut r = t.req(Method::PUT, &path, &t.manager).json(&b);
        if let Some(e) = etag {
            r = r.header("if-match", e);
        }
        r.send()
    };
    problem(put(body.clone(), None).await.unwrap(), 428, "version_required").await;
    problem(put(body.clone(), Some("\"5\"")).await.unwrap(), 412, "version_conflict").await;
    let r = put(body.clone(), Some("\"1\"")).await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["etag"].to_str().unwrap()), (200, "\"2\""));
    let def: Value = r.json().await.unwrap();
    assert_eq!((def["active"].clone(), def["targets"][0]["response"].clone()), (json!(false), json!("PT2H")));
    body["version"] = json!(1);
    problem(put(body, None).await.unwrap(), 409, "version_conflict").await;
    forbidden(
        t.req(Method::PUT, &path, &t.agent).header("if-match", "\"2\"").json(&sla(1, "3h")).send().await.unwrap(),
        "only managers and admins can manage calendars and service levels",
    )
    .await;
    assert_eq!(t.json(&path, &t.agent).await["version"], 2);
    problem(t.get("/api/v1/slas/77", &t.agent).await, 404, "not_found").await;
});
