//! The standard change catalogue over HTTP: who keeps it, a template's
//! life (made, edited, retired, reactivated, deleted or retired when used),
//! a standard change raised from one (what it copies, the end its duration
//! gives, the journal), and every refusal naming `template`, nothing stored.

use crate::both;
use crate::cmdb::{ids, upsert};
use crate::helpers::*;
use serde_json::{Value, json};

const START: &str = "2030-01-10T22:00:00Z";

fn patching() -> Value {
    json!({"name": "Apply monthly OS security patches", "description": "The vendor's monthly patches, a node at a time.",
        "category": "Patching", "service": "Web Shop", "implementation_plan": "1. Drain.\n2. Patch.\n3. Reboot.",
        "backout_plan": "Uninstall the patches.", "test_plan": "Check the health page.", "duration_minutes": 90})
}

async fn raise(t: &TestApp, body: Value) -> reqwest::Response {
    t.post("/api/v1/changes", &t.agent, body).await
}

async fn count_changes(t: &TestApp) -> i64 {
    t.json("/api/v1/changes", &t.agent).await["count"].as_i64().unwrap()
}

both!(managers_keep_the_catalogue_and_the_desk_reads_it, |t| {
    t.services(&["Web Shop"]).await;
    let r = upsert(
        &t,
        json!({"items": [{"class": "virtual_machine", "name": "shop-1", "attributes": {"hostname": "shop-1"}}]}),
    )
    .await;
    let vm = ids(&r)[0];
    // The desk cannot write, requesters cannot even read.
    let r = t.post("/api/v1/change-templates", &t.agent, patching()).await;
    let p = problem(r, 403, "forbidden").await;
    assert_eq!(p["detail"], "only managers and admins can keep the standard change catalogue");
    forbidden(
        t.get("/api/v1/change-templates", &t.requester).await,
        "only agents, managers and admins can see changes",
    )
    .await;
    let mut body = patching();
    body["cis"] = json!([vm]);
    let r = t.post("/api/v1/change-templates", &t.manager, body).await;
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(r.headers()["etag"], "\"1\"");
    let tpl: Value = r.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/change-templates/{}", tpl["id"]));
    assert_eq!((tpl["service"]["name"].as_str(), tpl["cis"][0]["name"].as_str()), (Some("Web Shop"), Some("shop-1")));
    assert_eq!((tpl["active"].as_bool(), tpl["duration_minutes"].as_i64()), (Some(true), Some(90)));
    assert_eq!(tpl["created_by"]["name"], tpl["updated_by"]["name"]);
    let path = format!("/api/v1/change-templates/{}", tpl["id"]);
    // The desk reads the catalogue.
    let listed = t.json("/api/v1/change-templates?active=true", &t.agent).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(t.json(&path, &t.agent).await["name"], "Apply monthly OS security patches");
    // Edits: the agent may not; a manager's needs the version.
    let r = t.patch(&path, &t.agent, json!({"version": 1, "duration_minutes": 120})).await;
    problem(r, 403, "forbidden").await;
    let r = t.patch(&path, &t.manager, json!({"version": 7, "duration_minutes": 120})).await;
    problem(r, 409, "version_conflict").await;
    let r = t.patch(&path, &t.admin, json!({"version": 1, "duration_minutes": 120, "category": null})).await;
    assert_eq!(r.status(), 200);
    let edited: Value = r.json().await.unwrap();
    assert_eq!((edited["version"].as_i64(), edited["duration_minutes"].as_i64()), (Some(2), Some(120)));
    assert_eq!((edited["category"].clone(), edited["service"]["name"].as_str()), (Value::Null, Some("Web Shop")));
    // Retired: out of the catalogue, still listed for the admin pages.
    let r = t.patch(&path, &t.manager, json!({"version": 2, "active": false})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["active"], false);
    assert_eq!(t.json("/api/v1/change-templates?active=true", &t.agent).await, json!([]));
    assert_eq!(t.json("/api/v1/change-templates", &t.agent).await[0]["active"], false);
    // Its name is free again: a successor takes it; the old one cannot come
    // back under it.
    let successor = t.change_template("Apply monthly OS security patches", json!({})).await;
    let r = t.patch(&path, &t.manager, json!({"version": 3, "active": true})).await;
    invalid(r, &["name"]).await;
    let r = t.patch(&path, &t.manager, json!({"version": 3, "active": true, "name": "Patch (old)"})).await;
    assert_eq!(r.json::<Value>().await.unwrap()["active"], true);
    // Never used: deleting deletes it.
    let r = t.delete(&format!("/api/v1/change-templates/{successor}"), &t.agent).await;
    problem(r, 403, "forbidden").await;
    let r = t.delete(&format!("/api/v1/change-templates/{successor}"), &t.manager).await;
    assert_eq!(r.status(), 204);
    let r = t.get(&format!("/api/v1/change-templates/{successor}"), &t.agent).await;
    problem(r, 404, "not_found").await;
});

both!(a_bad_template_names_every_field, |t| {
    let body = json!({"name": "", "category": "c".repeat(101), "backout_plan": "x".repeat(20_001),
        "duration_minutes": 10, "service": "Nowhere", "cis": [987654]});
    let r = t.post("/api/v1/change-templates", &t.manager, body).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["name", "category", "backout_plan", "duration_minutes", "service", "cis"], "{p}");
    assert_eq!(p["errors"][3]["code"], "between");
    assert_eq!(p["errors"][3]["message"], "must be between 15 and 43200 minutes (30 days), got 10");
    let r = t.post("/api/v1/change-templates", &t.manager, json!({"name": "n".repeat(201)})).await;
    invalid(r, &["name"]).await;
    t.change_template("Restart the web tier", json!({})).await;
    let r = t.post("/api/v1/change-templates", &t.manager, json!({"name": "Restart the web tier"})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["code"], "name_taken");
    assert_eq!(t.json("/api/v1/change-templates", &t.agent).await.as_array().unwrap().len(), 1);
});

both!(a_standard_change_copies_its_template_and_its_end_follows_the_duration, |t| {
    t.services(&["Web Shop", "Email"]).await;
    let id = t.change_template("Apply monthly OS security patches", patching()).await;
    let r = raise(
        &t,
        json!({"title": "Patch the shop in January", "change_type": "standard", "template": id,
        "planned_start": START}),
    )
    .await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let c: Value = r.json().await.unwrap();
    assert_eq!(c["template"], json!({"id": id, "name": "Apply monthly OS security patches"}));
    assert_eq!((c["category"].as_str(), c["service"]["name"].as_str()), (Some("Patching"), Some("Web Shop")));
    assert_eq!(c["implementation_plan"], "1. Drain.\n2. Patch.\n3. Reboot.");
    assert_eq!(
        (c["backout_plan"].as_str(), c["test_plan"].as_str()),
        (Some("Uninstall the patches."), Some("Check the health page."))
    );
    assert_eq!(c["planned_end"], "2030-01-10T23:30:00Z", "start + 90 minutes");
    // What the request gives wins over the template.
    let r = raise(
        &t,
        json!({"title": "Patch mail", "change_type": "standard", "template": id, "service": "Email",
        "backout_plan": "Restore the snapshot.", "planned_start": START, "planned_end": "2030-01-11T04:00:00Z"}),
    )
    .await;
    let c2: Value = r.json().await.unwrap();
    assert_eq!(
        (c2["service"]["name"].as_str(), c2["backout_plan"].as_str()),
        (Some("Email"), Some("Restore the snapshot."))
    );
    assert_eq!(
        (c2["planned_end"].as_str(), c2["test_plan"].as_str()),
        (Some("2030-01-11T04:00:00Z"), Some("Check the health page."))
    );
    // The creation notes the template; scheduling is the template's approval.
    let n = num(&c);
    let j = t.json(&format!("/api/v1/changes/{n}/journal"), &t.agent).await;
    let created = j[0]["changes"].as_array().unwrap();
    let noted = created.iter().find(|f| f["field"] == "template").unwrap();
    assert_eq!(noted["new"], "Apply monthly OS security patches");
    let r =
        t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, json!({"version": 1, "state": "scheduled"})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Used: it cannot be deleted (retire it instead), and the change keeps it.
    let r = t.delete(&format!("/api/v1/change-templates/{id}"), &t.manager).await;
    let p = problem(r, 409, "conflict").await;
    assert_eq!(p["reason"], "template_in_use");
    assert_eq!(t.json(&format!("/api/v1/change-templates/{id}"), &t.agent).await["active"], true, "left as it was");
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!(c["template"]["name"], "Apply monthly OS security patches");
});

both!(a_standard_change_without_a_usable_template_is_refused, |t| {
    let id = t.change_template("Renew a TLS certificate", json!({"duration_minutes": 60})).await;
    let standard = |template: Value| json!({"title": "Renew the shop's certificate", "change_type": "standard", "template": template});
    // Missing.
    let r = raise(&t, json!({"title": "Renew it", "change_type": "standard"})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(
        (fields(&p), p["errors"][0]["code"].as_str()),
        (vec!["template".to_owned()], Some("change_template_required"))
    );
    // Unknown.
    let p = problem(raise(&t, standard(json!(987654))).await, 422, "validation_failed").await;
    assert_eq!(
        (fields(&p), p["errors"][0]["code"].as_str()),
        (vec!["template".to_owned()], Some("no_change_template"))
    );
    assert_eq!(p["errors"][0]["message"], "no change template has id 987654");
    // On a normal or emergency change.
    for ty in ["normal", "emergency"] {
        let r = raise(&t, json!({"title": "Renew it", "change_type": ty, "template": id})).await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(
            (fields(&p), p["errors"][0]["code"].as_str()),
            (vec!["template".to_owned()], Some("template_only_standard"))
        );
    }
    let r = raise(&t, json!({"title": "Renew it", "template": id})).await;
    invalid(r, &["template"]).await;
    // Retired.
    let r =
        t.patch(&format!("/api/v1/change-templates/{id}"), &t.manager, json!({"version": 1, "active": false})).await;
    assert_eq!(r.status(), 200);
    let p = problem(raise(&t, standard(json!(id))).await, 422, "validation_failed").await;
    assert_eq!(
        (fields(&p), p["errors"][0]["code"].as_str()),
        (vec!["template".to_owned()], Some("change_template_gone"))
    );
    // Nothing stored.
    assert_eq!(count_changes(&t).await, 0);
});

both!(a_change_whose_template_was_retired_meanwhile_is_not_scheduled, |t| {
    let id = t.change_template("Restart the web tier", json!({"duration_minutes": 30})).await;
    let r = raise(
        &t,
        json!({"title": "Restart the web tier", "change_type": "standard", "template": id,
        "planned_start": START}),
    )
    .await;
    let n = num(&r.json::<Value>().await.unwrap());
    let r =
        t.patch(&format!("/api/v1/change-templates/{id}"), &t.manager, json!({"version": 1, "active": false})).await;
    assert_eq!(r.status(), 200);
    let go = json!({"version": 1, "state": "scheduled"});
    let r = t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, go.clone()).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(
        (fields(&p), p["errors"][0]["code"].as_str()),
        (vec!["template".to_owned()], Some("change_template_gone"))
    );
    let c = t.json(&format!("/api/v1/changes/{n}"), &t.agent).await;
    assert_eq!((c["state"].as_str(), c["version"].as_i64()), (Some("draft"), Some(1)));
    // Back in the catalogue, it is scheduled.
    let r = t.patch(&format!("/api/v1/change-templates/{id}"), &t.manager, json!({"version": 2, "active": true})).await;
    assert_eq!(r.status(), 200);
    let r = t.post(&format!("/api/v1/changes/{n}/transition"), &t.agent, go).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // A normal draft is not made standard: it has no template.
    let r = raise(&t, json!({"title": "Something else"})).await;
    let other = num(&r.json::<Value>().await.unwrap());
    let r =
        t.patch(&format!("/api/v1/changes/{other}"), &t.agent, json!({"version": 1, "change_type": "standard"})).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["code"], "change_template_required");
});
