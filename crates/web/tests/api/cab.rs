//! The CAB's meetings and agenda over HTTP: when an approval group meets,
//! its next meeting, the changes awaiting it with those whose window starts
//! before that meeting marked, and every refusal naming its field.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// A normal change raised by the agent and sent to authorization.
async fn waiting(t: &TestApp, title: &str, start: &str, end: &str) -> String {
    let body = json!({"title": title, "planned_start": start, "planned_end": end});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let n = num(&r.json::<Value>().await.unwrap());
    for (v, state) in [(1, "assessment"), (2, "authorization")] {
        let r =
            t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"version": v, "state": state})).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    n
}

both!(the_cab_agenda_shows_the_next_meeting_and_what_waits_for_it, |t| {
    let body = json!({"name": "CAB for normal changes", "change_type": "normal", "stages": [{"name": "CAB", "group": "Network"}]});
    assert_eq!(t.post("/api/v1/approval-policies", &t.manager, body).await.status(), 201);
    // No schedule yet: the agenda has no meeting.
    let a = t.json("/api/v1/groups/Network/cab-agenda", &t.agent).await;
    assert_eq!((a["group"].as_str(), a["meeting"].is_null()), (Some("Network"), true));
    assert_eq!(a["changes"], json!([]));

    // Every day at midnight UTC for an hour: the next one is within a day.
    let meeting = json!({"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon"], "start": "00:00",
        "minutes": 60, "time_zone": "UTC"});
    let r = t.put_json("/api/v1/groups/Network/cab-meeting", &t.manager, meeting).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["days"], json!(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), "each day once");
    let next = micros(&m["next_meeting"]["starts_at"]);
    let now = jiff::Timestamp::now().as_microsecond();
    assert!(next > now - 3_600_000_000 && next <= now + 86_400_000_000, "{m}");
    assert_eq!(micros(&m["next_meeting"]["ends_at"]) - next, 3_600_000_000);

    let later = waiting(&t, "Move the mail relay", "2030-03-01T22:00:00Z", "2030-03-01T23:00:00Z").await;
    let past = jiff::Timestamp::from_microsecond(now - 2 * 86_400_000_000).unwrap();
    let soon = waiting(&t, "Swap the core switch PSU", &past.to_string(), "2030-01-01T00:00:00Z").await;
    let unplanned = waiting(&t, "Retire the old VPN", "", "").await;
    let a = t.json("/api/v1/groups/Network/cab-agenda", &t.manager).await;
    assert_eq!(a["meeting"]["start"], "00:00");
    let got: Vec<(&str, bool)> = a["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["change"]["number"].as_str().unwrap(), i["before_meeting"].as_bool().unwrap()))
        .collect();
    assert_eq!(got, [(soon.as_str(), true), (later.as_str(), false), (unplanned.as_str(), false)]);
    assert_eq!(a["changes"][0]["approval"]["stages"][0]["name"], "CAB");

    // Removed: no meeting again.
    assert_eq!(t.delete("/api/v1/groups/Network/cab-meeting", &t.manager).await.status(), 204);
    assert!(t.json("/api/v1/groups/Network/cab-agenda", &t.manager).await["meeting"].is_null());
    // Removing it again leaves the group as it is; an unknown group is 404.
    assert_eq!(t.delete("/api/v1/groups/Network/cab-meeting", &t.manager).await.status(), 204);
    problem(t.delete("/api/v1/groups/Nobody/cab-meeting", &t.manager).await, 404, "not_found").await;
});

both!(cab_meeting_refusals_name_their_field_and_store_nothing, |t| {
    let bad = json!({"days": ["someday"], "start": "25:00", "minutes": 0, "time_zone": "Mars/Olympus"});
    let r = t.put_json("/api/v1/groups/Network/cab-meeting", &t.manager, bad).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["days[0]", "start", "minutes", "time_zone"]);
    let r = t
        .put_json(
            "/api/v1/groups/Network/cab-meeting",
            &t.manager,
            json!({"days": [], "start": "10:00",
        "minutes": 60, "time_zone": "Europe/Warsaw"}),
        )
        .await;
    invalid(r, &["days"]).await;
    assert!(t.json("/api/v1/groups/Network/cab-agenda", &t.manager).await["meeting"].is_null(), "nothing stored");
    let good = json!({"days": ["tue"], "start": "10:00", "minutes": 90, "time_zone": "Europe/Warsaw"});
    forbidden(
        t.put_json("/api/v1/groups/Network/cab-meeting", &t.agent, good.clone()).await,
        "only managers and admins can set when a group meets",
    )
    .await;
    problem(t.put_json("/api/v1/groups/Nobody/cab-meeting", &t.manager, good).await, 404, "not_found").await;
    problem(t.get("/api/v1/groups/Nobody/cab-agenda", &t.manager).await, 404, "not_found").await;
    forbidden(
        t.get("/api/v1/groups/Network/cab-agenda", &t.requester).await,
        "only agents, managers and admins can see changes",
    )
    .await;
});
