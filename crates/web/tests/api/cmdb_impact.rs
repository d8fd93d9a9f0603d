//! Impact analysis over HTTP (upstream to services and the organisations
//! that use them, downstream to what a CI stands on, depth limits and
//! cycles) and the CMDB read as it was at a past moment.

use crate::both;
use crate::cmdb::{ids, moment, relations, upsert};
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

/// The names of the CIs in an impact list, in order.
fn names(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect()
}

/// A path as `from type to` triples of names.
fn path(ci: &Value, name_of: &impl Fn(i64) -> &'static str) -> Vec<String> {
    ci["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {} {}",
                name_of(s["from"].as_i64().unwrap()),
                s["type"].as_str().unwrap(),
                name_of(s["to"].as_i64().unwrap())
            )
        })
        .collect()
}

both!(impact_follows_failures_up_to_services_and_organisations, |t| {
    let names_in_order = ["Shop", "Reports", "Checkout", "vm-1", "hv-1", "node-1", "pg-cluster", "switch-1"];
    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "shop", "class": "business_service", "name": "Shop", "consumers": ["Contoso"]},
            {"ref": "reports", "class": "business_service", "name": "Reports", "consumers": ["Fabrikam", "Contoso"]},
            {"ref": "app", "class": "application", "name": "Checkout"},
            {"ref": "vm", "class": "virtual_machine", "name": "vm-1", "attributes": {"hostname": "vm-1"}},
            {"ref": "hv", "class": "server", "name": "hv-1", "attributes": {"hostname": "hv-1"}},
            {"ref": "node", "class": "server", "name": "node-1", "attributes": {"hostname": "node-1"}},
            {"ref": "db", "class": "database", "name": "pg-cluster"},
            {"ref": "sw", "class": "network_device", "name": "switch-1", "attributes": {"hostname": "switch-1"}}],
        "relations": [
            {"from": "shop", "to": "app", "type": "uses"},
            {"from": "app", "to": "vm", "type": "runs_on"},
            {"from": "vm", "to": "hv", "type": "hosted_on"},
            {"from": "node", "to": "db", "type": "member_of"},
            {"from": "app", "to": "db", "type": "uses"},
            // A cycle: the database needs the application back.
            {"from": "db", "to": "app", "type": "depends_on"},
            {"from": "reports", "to": "db", "type": "uses"},
            {"from": "hv", "to": "sw", "type": "connected_to"}]}),
    )
    .await;
    let id: Vec<i64> = ids(&r);
    let name_of = |x: i64| names_in_order[id.iter().position(|i| *i == x).unwrap()];
    let (shop, app, hv, node, sw) = (id[0], id[2], id[4], id[5], id[7]);

    let i = t.json(&format!("/api/v1/cis/{hv}/impact"), &t.agent).await;
    assert_eq!(names(&i["starts"]), ["hv-1"]);
    assert_eq!(
        names(&i["cis"]),
        ["vm-1", "Checkout", "Shop", "pg-cluster", "Reports"],
        "nearest first, the cycle once"
    );
    assert_eq!(i["cis_total"], 5);
    assert_eq!(names(&i["services"]), ["Shop", "Reports"]);
    assert_eq!(i["services"][0]["depth"], 3);
    assert_eq!(
        path(&i["services"][0], &name_of),
        ["vm-1 hosted_on hv-1", "Checkout runs_on vm-1", "Shop uses Checkout"]
    );
    assert_eq!(
        path(&i["services"][1], &name_of),
        ["vm-1 hosted_on hv-1", "Checkout runs_on vm-1", "pg-cluster depends_on Checkout", "Reports uses pg-cluster"]
    );
    let orgs: Vec<(&str, Vec<&str>)> = i["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let mut services: Vec<&str> =
                o["services"].as_array().unwrap().iter().map(|s| name_of(s.as_i64().unwrap())).collect();
            services.sort();
            (o["name"].as_str().unwrap(), services)
        })
        .collect();
    assert_eq!(orgs, [("Contoso", vec!["Reports", "Shop"]), ("Fabrikam", vec!["Reports"])]);

    // A member failing degrades its cluster; a network link carries nothing.
    let i = t.json(&format!("/api/v1/cis/{node}/impact"), &t.agent).await;
    assert_eq!(names(&i["cis"]), ["pg-cluster", "Checkout", "Reports", "Shop"]);
    assert_eq!(path(&i["services"][0], &name_of), ["node-1 member_of pg-cluster", "Reports uses pg-cluster"]);
    let i = t.json(&format!("/api/v1/cis/{sw}/impact"), &t.agent).await;
    assert_eq!((i["cis_total"].as_i64(), i["organisations"].as_array().map(Vec::len)), (Some(0), Some(0)));

    let i = t.json(&format!("/api/v1/cis/{hv}/impact?depth=2"), &t.agent).await;
    assert_eq!((names(&i["cis"]), i["depth"].as_i64()), (vec!["vm-1", "Checkout"], Some(2)));
    assert!(i["services"].as_array().unwrap().is_empty() && i["organisations"].as_array().unwrap().is_empty());
    let i = t.json(&format!("/api/v1/cis/{hv}/impact?depth=3"), &t.agent).await;
    assert_eq!(names(&i["services"]), ["Shop"]);

    let d = t.json(&format!("/api/v1/cis/{shop}/dependencies"), &t.agent).await;
    assert_eq!(names(&d["cis"]), ["Checkout", "vm-1", "pg-cluster", "hv-1", "node-1"]);
    assert_eq!(names(&d["services"]), ["Shop"], "a starting service is listed");
    let hv1 = d["cis"].as_array().unwrap().iter().find(|c| c["name"] == "hv-1").unwrap();
    assert_eq!(path(hv1, &name_of), ["Shop uses Checkout", "Checkout runs_on vm-1", "vm-1 hosted_on hv-1"]);
    assert!(d["organisations"].as_array().unwrap().is_empty(), "only impact names organisations");
    let i = t.json(&format!("/api/v1/cis/{shop}/impact"), &t.agent).await;
    assert_eq!((names(&i["services"]), i["services"][0]["depth"].as_i64()), (vec!["Shop"], Some(0)));
    assert_eq!(i["organisations"], json!([{"id": i["organisations"][0]["id"], "name": "Contoso", "services": [shop]}]));

    // Many CIs at once.
    let i: Value =
        t.post("/api/v1/impact", &t.agent, json!({"cis": [node, hv], "depth": 2})).await.json().await.unwrap();
    assert_eq!(names(&i["starts"]), ["node-1", "hv-1"]);
    assert_eq!(names(&i["services"]), ["Reports"]);
    let i: Value = t
        .post("/api/v1/impact", &t.agent, json!({"cis": [app], "direction": "downstream", "depth": 1}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(&i["cis"]), ["vm-1", "pg-cluster"]);

    for q in ["depth=0", "depth=21", "depth=99"] {
        invalid(t.get(&format!("/api/v1/cis/{hv}/impact?{q}"), &t.agent).await, &["depth"]).await;
    }
    invalid(t.post("/api/v1/impact", &t.agent, json!({"cis": [hv], "depth": 0})).await, &["depth"]).await;
    invalid(t.post("/api/v1/impact", &t.agent, json!({"cis": [hv, 777_777]})).await, &["cis"]).await;
    invalid(t.post("/api/v1/impact", &t.agent, json!({"cis": []})).await, &["cis"]).await;
    invalid(t.post("/api/v1/impact", &t.agent, json!({"cis": [hv], "direction": "sideways"})).await, &["direction"])
        .await;
    invalid(t.get("/api/v1/cis/777777/impact", &t.agent).await, &["cis"]).await;
    forbidden(
        t.get(&format!("/api/v1/cis/{hv}/impact"), &t.requester).await,
        "only agents, managers and admins can see the CMDB",
    )
    .await;
});

both!(the_past_is_read_as_it_was, |t| {
    let r = upsert(&t, json!({"items": [{"ref": "app", "class": "application", "name": "Checkout"},
        {"ref": "vm1", "class": "server", "name": "vm-1", "status": "in_use", "attributes": {"hostname": "vm-1", "cpu_count": 2}},
        {"ref": "vm2", "class": "server", "name": "vm-2", "attributes": {"hostname": "vm-2"}}],
        "relations": [{"from": "app", "to": "vm1", "type": "runs_on"}]}))
    .await;
    let (app, vm1, vm2) = (ids(&r)[0], ids(&r)[1], ids(&r)[2]);
    let then = moment().await;
    let rel = relations(&t, app, None).await;
    assert_eq!(rel, [(app, "runs_on".to_owned(), vm1)]);
    let list = t.json(&format!("/api/v1/cis/{app}/relations"), &t.agent).await;
    let rel_id = list[0]["id"].as_i64().unwrap();
    assert_eq!(t.delete(&format!("/api/v1/relations/{rel_id}"), &t.agent).await.status(), 204);
    assert_eq!(
        t.post("/api/v1/relations", &t.agent, json!({"from": app, "to": vm2, "type": "runs_on"})).await.status(),
        201
    );
    let r = t.put_json(&format!("/api/v1/cis/{vm1}"), &t.agent,
        json!({"class": "server", "name": "vm-1", "status": "maintenance", "attributes": {"cpu_count": 4, "memory_mb": 2048}})).await;
    assert_eq!(r.status(), 200);
    let later =
        upsert(&t, json!({"items": [{"class": "server", "name": "vm-3", "attributes": {"hostname": "vm-3"}}]})).await;
    let vm3 = ids(&later)[0];

    let now = t.json(&format!("/api/v1/cis/{vm1}"), &t.agent).await;
    assert_eq!(
        (&now["status"], &now["attributes"]["cpu_count"], &now["attributes"]["memory_mb"]),
        (&json!("maintenance"), &json!(4), &json!(2048))
    );
    assert!(now.get("as_of").is_none());
    let r =
        t.req(Method::GET, &format!("/api/v1/cis/{vm1}"), &t.agent).query(&[("as_of", &then)]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let old: Value = r.json().await.unwrap();
    assert_eq!(old["status"], "in_use");
    assert_eq!(old["attributes"], json!({"hostname": "vm-1", "cpu_count": 2}), "an attribute added since is absent");
    assert_eq!(micros(&old["as_of"]), then.parse::<jiff::Timestamp>().unwrap().as_microsecond());

    assert_eq!(relations(&t, app, Some(&then)).await, [(app, "runs_on".to_owned(), vm1)]);
    assert_eq!(relations(&t, app, None).await, [(app, "runs_on".to_owned(), vm2)]);
    let impact = |id: i64, at: Option<String>| {
        let mut r = t.req(Method::GET, &format!("/api/v1/cis/{id}/impact"), &t.agent);
        if let Some(at) = at {
            r = r.query(&[("as_of", at)]);
        }
        r.send()
    };
    let i: Value = impact(vm1, Some(then.clone())).await.unwrap().json().await.unwrap();
    assert_eq!(names(&i["cis"]), ["Checkout"]);
    assert_eq!(micros(&i["as_of"]), then.parse::<jiff::Timestamp>().unwrap().as_microsecond());
    let i: Value = impact(vm1, None).await.unwrap().json().await.unwrap();
    assert!(i["cis"].as_array().unwrap().is_empty());
    let i: Value = impact(vm2, Some(then.clone())).await.unwrap().json().await.unwrap();
    assert!(i["cis"].as_array().unwrap().is_empty(), "vm-2 carried nothing then");
    let i: Value = t
        .post("/api/v1/impact", &t.agent, json!({"cis": [app], "direction": "downstream", "as_of": then}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(&i["cis"]), ["vm-1"]);

    // Before a CI existed, and bad moments.
    let r =
        t.req(Method::GET, &format!("/api/v1/cis/{vm3}"), &t.agent).query(&[("as_of", &then)]).send().await.unwrap();
    invalid(r, &["as_of"]).await;
    invalid(impact(vm3, Some(then.clone())).await.unwrap(), &["cis"]).await;
    let future = (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1)).to_string();
    for bad in ["yesterday", "2026-13-01T00:00:00Z", future.as_str()] {
        let r =
            t.req(Method::GET, &format!("/api/v1/cis/{vm1}"), &t.agent).query(&[("as_of", bad)]).send().await.unwrap();
        invalid(r, &["as_of"]).await;
        invalid(impact(vm1, Some(bad.to_owned())).await.unwrap(), &["as_of"]).await;
        let r = t
            .req(Method::GET, &format!("/api/v1/cis/{app}/relations"), &t.agent)
            .query(&[("as_of", bad)])
            .send()
            .await
            .unwrap();
        invalid(r, &["as_of"]).await;
    }
});
