//! A change's conflicts over HTTP: along the CMDB graph (siblings are not
//! conflicts), freezes over the services its CIs serve, each explained
//! with the CIs between, nearest first, and the next free slot.

use crate::both;
use crate::cmdb::{ids, upsert};
use crate::helpers::*;
use serde_json::{Value, json};

/// A change on `cis` in the window, moved to assessment (where its window
/// holds its place); its number.
async fn planned(t: &TestApp, title: &str, cis: &[i64], start: &str, end: &str) -> String {
    let body = json!({"title": title, "cis": cis, "planned_start": start, "planned_end": end});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let n = num(&r.json::<Value>().await.unwrap());
    let r = t
        .post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"state": "assessment", "version": 1}))
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    n
}

both!(conflicts_follow_the_graph_and_freezes_and_a_free_slot_is_proposed, |t| {
    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "shop", "class": "business_service", "name": "Shop"},
            {"ref": "app", "class": "application", "name": "Checkout"},
            {"ref": "reports", "class": "application", "name": "Reports"},
            {"ref": "vm", "class": "virtual_machine", "name": "vm-1", "attributes": {"hostname": "vm-1"}},
            {"ref": "hv", "class": "server", "name": "hv-1", "attributes": {"hostname": "hv-1"}}],
        "relations": [
            {"from": "shop", "to": "app", "type": "uses"},
            {"from": "app", "to": "vm", "type": "runs_on"},
            {"from": "reports", "to": "vm", "type": "runs_on"},
            {"from": "vm", "to": "hv", "type": "hosted_on"}]}),
    )
    .await;
    let id = ids(&r);
    let (app, reports, hv) = (id[1], id[2], id[4]);

    let host = planned(&t, "Replace hv-1's disks", &[hv], "2030-06-01T01:00:00Z", "2030-06-01T03:00:00Z").await;
    let checkout = planned(&t, "Upgrade Checkout", &[app], "2030-06-01T02:00:00Z", "2030-06-01T04:00:00Z").await;
    let sibling = planned(&t, "Upgrade Reports", &[reports], "2030-06-01T02:00:00Z", "2030-06-01T04:00:00Z").await;

    // Checkout runs on vm-1, which hv-1 hosts: two relations away.
    let c = t.json(&format!("/api/v1/changes/{checkout}/conflicts"), &t.agent).await;
    let found = c["conflicts"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{c}");
    assert_eq!((found[0]["name"].as_str(), found[0]["reason"].as_str()), (Some(host.as_str()), Some("depends_on")));
    assert_eq!(found[0]["hops"], 2);
    assert_eq!(found[0]["path"], json!(["Checkout", "vm-1", "hv-1"]));
    // The first free two hours: when the host's change is done.
    assert_eq!(c["proposal"], json!({"start": "2030-06-01T03:00:00Z", "end": "2030-06-01T05:00:00Z"}));
    // From the host's side both applications depend on it; the two
    // applications only share a dependency, which is not a conflict.
    let h = t.json(&format!("/api/v1/changes/{host}/conflicts"), &t.agent).await;
    let names: Vec<&str> = h["conflicts"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 2, "{h}");
    assert!(h["conflicts"].as_array().unwrap().iter().all(|c| c["reason"] == "depended_on"));
    let s = t.json(&format!("/api/v1/changes/{sibling}/conflicts"), &t.agent).await;
    assert!(s["conflicts"].as_array().unwrap().iter().all(|c| c["name"] != checkout.as_str()), "{s}");

    // A freeze over the Shop, which Checkout serves, holds it too.
    let f = json!({"name": "Summer sale", "starts_at": "2030-06-01T00:00:00Z", "ends_at": "2030-06-02T00:00:00Z",
        "services": ["Shop"]});
    assert_eq!(t.post("/api/v1/change-freezes", &t.manager, f).await.status(), 201);
    let c = t.json(&format!("/api/v1/changes/{checkout}/conflicts"), &t.agent).await;
    let reasons: Vec<&str> = c["conflicts"].as_array().unwrap().iter().map(|c| c["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["depends_on", "in_freeze"]);
    assert_eq!(c["conflicts"][1]["path"], json!(["Shop"]));
    assert_eq!(c["proposal"]["start"], "2030-06-02T00:00:00Z");
});

both!(a_change_without_a_window_has_nothing_to_check, |t| {
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "Someday"})).await;
    let n = num(&r.json::<Value>().await.unwrap());
    let p = problem(t.get(&format!("/api/v1/changes/{n}/conflicts"), &t.agent).await, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["planned_start"]);
    assert_eq!(t.get(&format!("/api/v1/changes/{n}/conflicts"), &t.requester).await.status(), 403);
    assert_eq!(t.get("/api/v1/changes/CHG0009999/conflicts", &t.agent).await.status(), 404);
});

both!(an_owner_booked_twice_conflicts_whatever_the_cis_and_unrelated_changes_do_not, |t| {
    let r = upsert(
        &t,
        json!({"items": [
            {"class": "server", "name": "db-1", "attributes": {"hostname": "db-1"}},
            {"class": "server", "name": "mail-1", "attributes": {"hostname": "mail-1"}},
            {"class": "server", "name": "print-1", "attributes": {"hostname": "print-1"}}]}),
    )
    .await;
    let id = ids(&r);
    let owned = |title: &str, ci: i64| {
        json!({"title": title, "cis": [ci], "planned_start": "2030-07-01T01:00:00Z",
            "planned_end": "2030-07-01T03:00:00Z", "assignment_group": "Service Desk", "assignee": "agent"})
    };
    let mut numbers = Vec::new();
    for body in [owned("Patch db-1", id[0]), owned("Patch mail-1", id[1])] {
        let r = t.post("/api/v1/changes", &t.agent, body).await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let n = num(&r.json::<Value>().await.unwrap());
        let moved = json!({"state": "assessment", "version": 1});
        assert_eq!(t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, moved).await.status(), 200);
        numbers.push(n);
    }
    // Someone else's change at the same time on a CI nothing relates to.
    planned(&t, "Patch print-1", &[id[2]], "2030-07-01T01:00:00Z", "2030-07-01T03:00:00Z").await;
    let c = t.json(&format!("/api/v1/changes/{}/conflicts", numbers[0]), &t.agent).await;
    let found: Vec<(&str, &str)> = c["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [(numbers[1].as_str(), "same_assignee")], "{c}");
    assert_eq!(c["proposal"]["start"], "2030-07-01T03:00:00Z");
});

both!(a_retired_ci_is_neither_changed_nor_checked, |t| {
    let report = upsert(
        &t,
        json!({"items": [
            {"ref": "old", "class": "server", "name": "legacy-01", "status": "in_use"},
            {"ref": "gone", "class": "server", "name": "legacy-02", "status": "retired"}]}),
    )
    .await;
    let (old, gone) = (ids(&report)[0], ids(&report)[1]);
    // A change is not raised on a retired CI, nor given one.
    let body = json!({"title": "Patch legacy-02", "cis": [gone]});
    let r = t.post("/api/v1/changes", &t.agent, body).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!((p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()), (Some("cis"), Some("ci_retired")));
    assert_eq!(p["errors"][0]["message"], "legacy-02 is retired: take it off the change");
    let n = planned(&t, "Patch legacy-01", &[old], "2030-05-01T22:00:00Z", "2030-05-01T23:00:00Z").await;
    let r = t.patch(&format!("/api/v1/changes/{n}"), &t.agent, json!({"version": 2, "cis": [old, gone]})).await;
    invalid(r, &["cis"]).await;
    assert_eq!(t.json(&format!("/api/v1/changes/{n}"), &t.agent).await["version"], 2, "nothing stored");
    // Retired after it was named: the check says so, and nothing is planned on it.
    let body = json!({"class": "server", "name": "legacy-01", "status": "retired"});
    assert_eq!(t.put_json(&format!("/api/v1/cis/{old}"), &t.admin, body).await.status(), 200);
    let r = t.get(&format!("/api/v1/changes/{n}/conflicts"), &t.agent).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["message"], "legacy-01 is retired: take it off the change");
});

both!(a_change_shows_what_a_failure_of_its_cis_would_affect, |t| {
    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "shop", "class": "business_service", "name": "Shop", "consumers": ["Contoso"]},
            {"ref": "app", "class": "application", "name": "Checkout"},
            {"ref": "vm", "class": "virtual_machine", "name": "vm-1", "attributes": {"hostname": "vm-1"}}],
        "relations": [
            {"from": "shop", "to": "app", "type": "uses"},
            {"from": "app", "to": "vm", "type": "runs_on"}]}),
    )
    .await;
    let vm = ids(&r)[2];
    let n = planned(&t, "Resize vm-1", &[vm], "2030-06-01T01:00:00Z", "2030-06-01T03:00:00Z").await;
    let i = t.json(&format!("/api/v1/changes/{n}/impact"), &t.agent).await;
    assert_eq!(i["starts"][0]["name"], "vm-1");
    let services: Vec<&str> = i["services"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(services, ["Shop"]);
    assert_eq!(i["services"][0]["path"].as_array().unwrap().len(), 2, "vm-1 → Checkout → Shop: {i}");
    assert_eq!(i["organisations"][0]["name"], "Contoso");
    // Without CIs: nothing affected, not an error.
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "Tidy the wiki"})).await;
    let bare = num(&r.json::<Value>().await.unwrap());
    let i = t.json(&format!("/api/v1/changes/{bare}/impact"), &t.agent).await;
    assert_eq!((i["starts"].as_array().unwrap().len(), i["services"].as_array().unwrap().len()), (0, 0));
    problem(t.get("/api/v1/changes/CHG0009999/impact", &t.agent).await, 404, "not_found").await;
    let r = t.get(&format!("/api/v1/changes/{n}/impact"), &t.requester).await;
    assert_eq!(r.status(), 403);
});
