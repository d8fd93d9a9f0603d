//! What scheduling a change answers: a freeze refuses the desk (the field
//! and the next free slot named, nothing stored) and lets managers through;
//! moving a scheduled change's window is scheduling it again; every other
//! conflict is accepted and kept in the journal.

use crate::both;
use crate::cmdb::{ids, upsert};
use crate::helpers::*;
use serde_json::{Value, json};

const START: &str = "2030-01-10T22:00:00Z";
const END: &str = "2030-01-11T02:00:00Z";

/// A standard change (straight to scheduled) in the window; its number.
async fn standard(t: &TestApp, title: &str, extra: Value) -> String {
    let template = t.change_template(title, json!({})).await;
    let mut body = json!({"title": title, "change_type": "standard", "template": template,
        "planned_start": START, "planned_end": END});
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    num(&r.json::<Value>().await.unwrap())
}

async fn schedule(t: &TestApp, n: &str, token: &str, version: i64) -> reqwest::Response {
    t.post(&format!("/api/v1/changes/{n}/transition"), token, json!({"version": version, "state": "scheduled"})).await
}

async fn journal(t: &TestApp, n: &str) -> Vec<Value> {
    t.json(&format!("/api/v1/changes/{n}/journal"), &t.agent).await.as_array().unwrap().clone()
}

/// The `conflicts` the last journal entry noted, if any.
fn noted(journal: &[Value]) -> Option<String> {
    let last = journal.last().unwrap()["changes"].as_array().unwrap();
    last.iter().find(|c| c["field"] == "conflicts").map(|c| c["new"].as_str().unwrap().to_owned())
}

/// A freeze over every service through the night of the window.
async fn freeze(t: &TestApp) {
    let f = json!({"name": "Year end", "starts_at": "2030-01-10T00:00:00Z", "ends_at": "2030-01-11T12:00:00Z"});
    let r = t.post("/api/v1/change-freezes", &t.manager, f).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

both!(scheduling_into_a_freeze_is_refused_to_the_desk_and_names_the_next_slot, |t| {
    freeze(&t).await;
    let n = standard(&t, "Patch the mail relays", json!({})).await;
    let p = problem(schedule(&t, &n, &t.agent, 1).await, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["planned_start"]);
    let e = &p["errors"][0];
    assert_eq!(e["code"], "in_freeze", "{p}");
    assert_eq!(
        e["message"],
        "the planned window falls in the freeze Year end; only managers and admins can schedule into a freeze \
         (next free slot: 2030-01-11T12:00:00Z – 2030-01-11T16:00:00Z)"
    );
    // Nothing stored: still a draft at version 1, one journal entry.
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!((c["state"].as_str(), c["version"].as_i64()), (Some("draft"), Some(1)));
    assert_eq!(journal(&t, &n).await.len(), 1);
    // A manager answers for the exception: scheduled, and the journal says so.
    let r = schedule(&t, &n, &t.manager, 1).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(noted(&journal(&t, &n).await).as_deref(), Some("freeze Year end: every service is frozen"));
});

both!(moving_a_scheduled_window_into_a_freeze_is_scheduling_it_again, |t| {
    let n = standard(
        &t,
        "Rotate the TLS certificates",
        json!({"planned_start": "2030-01-12T22:00:00Z", "planned_end": "2030-01-13T01:00:00Z"}),
    )
    .await;
    let r = schedule(&t, &n, &t.agent, 1).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(noted(&journal(&t, &n).await), None);
    freeze(&t).await;
    // Into the freeze: refused, the window where it was.
    let moved = json!({"version": 2, "planned_start": START, "planned_end": END});
    let r = t.patch(&format!("/api/v1/changes/{n}"), &t.agent, moved.clone()).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!((fields(&p), p["errors"][0]["code"].as_str()), (vec!["planned_start".to_owned()], Some("in_freeze")));
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!((c["planned_start"].as_str(), c["version"].as_i64()), (Some("2030-01-12T22:00:00Z"), Some(2)));
    // Only the end moved, into the freeze's last hours: refused too.
    let r = t
        .patch(
            &format!("/api/v1/changes/{n}"),
            &t.agent,
            json!({"version": 2, "planned_start": "2030-01-11T10:00:00Z"}),
        )
        .await;
    problem(r, 422, "validation_failed").await;
    // The manager moves it; the journal keeps the freeze beside the window.
    let r = t.patch(&format!("/api/v1/changes/{n}"), &t.manager, moved).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(noted(&journal(&t, &n).await).as_deref(), Some("freeze Year end: every service is frozen"));
    // A draft's window is not scheduled yet: it moves freely.
    let d = standard(
        &t,
        "Someday",
        json!({"planned_start": "2030-01-12T22:00:00Z", "planned_end": "2030-01-13T01:00:00Z"}),
    )
    .await;
    let r = t
        .patch(
            &format!("/api/v1/changes/{d}"),
            &t.agent,
            json!({"version": 1, "planned_start": START, "planned_end": END}),
        )
        .await;
    assert_eq!(r.status(), 200);
});

both!(other_conflicts_are_accepted_and_kept_in_the_journal, |t| {
    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "app", "class": "application", "name": "Webmail"},
            {"ref": "vm", "class": "virtual_machine", "name": "mail-1", "attributes": {"hostname": "mail-1"}}],
        "relations": [{"from": "app", "to": "vm", "type": "runs_on"}]}),
    )
    .await;
    let id = ids(&r);
    let (app, vm) = (id[0], id[1]);
    let first = standard(&t, "Resize mail-1", json!({"cis": [vm]})).await;
    assert_eq!(schedule(&t, &first, &t.agent, 1).await.status(), 200);
    let same = standard(&t, "Patch mail-1", json!({"cis": [vm]})).await;
    let upper = standard(&t, "Upgrade Webmail", json!({"cis": [app]})).await;
    assert_eq!(schedule(&t, &same, &t.agent, 1).await.status(), 200);
    assert_eq!(noted(&journal(&t, &same).await), Some(format!("{first}: both change mail-1")));
    assert_eq!(schedule(&t, &upper, &t.agent, 1).await.status(), 200);
    let j = noted(&journal(&t, &upper).await).unwrap();
    assert_eq!(j, format!("{first}: Webmail depends on mail-1 (1 hop)\n{same}: Webmail depends on mail-1 (1 hop)"));
});
