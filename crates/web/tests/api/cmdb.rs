//! The CMDB over HTTP: bulk upsert with reconciliation (all or nothing),
//! relations and class rules, impact analysis, reading the past, who may
//! do what, and admin-defined classes.

use crate::both;
use crate::helpers::*;
use reqwest::{Method, Response};
use serde_json::{Value, json};

/// `POST /api/v1/cmdb/bulk` as `token`.
pub async fn bulk(t: &TestApp, token: &str, body: Value) -> Response {
    t.post("/api/v1/cmdb/bulk", token, body).await
}

/// A bulk upsert as the admin that must succeed; its report.
pub async fn upsert(t: &TestApp, body: Value) -> Value {
    let r = bulk(t, &t.admin, body.clone()).await;
    assert_eq!(r.status(), 200, "bulk {body}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// The ids of a report's items, in order.
pub fn ids(report: &Value) -> Vec<i64> {
    report["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

/// (created, updated, unchanged) of a report.
fn counts(report: &Value) -> (i64, i64, i64) {
    let n = |k: &str| report[k].as_i64().unwrap();
    (n("created"), n("updated"), n("unchanged"))
}

/// Every CI (one page of up to 1000), as the admin sees them.
pub async fn all_cis(t: &TestApp, query: &str) -> Vec<Value> {
    let page = t.json(&format!("/api/v1/cis?limit=1000{query}"), &t.admin).await;
    page["items"].as_array().unwrap().clone()
}

/// Now, as RFC 3339, with a little time on either side so that writes
/// before and after it are strictly before and after.
pub async fn moment() -> String {
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let now = jiff::Timestamp::now().to_string();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    now
}

/// The relations of a CI (as of `as_of` when given) as (from, type, to).
async fn relations(t: &TestApp, id: i64, as_of: Option<&str>) -> Vec<(i64, String, i64)> {
    let mut r = t.req(Method::GET, &format!("/api/v1/cis/{id}/relations"), &t.agent);
    if let Some(at) = as_of {
        r = r.query(&[("as_of", at)]);
    }
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (r["from"]["id"].as_i64().unwrap(), r["type"].as_str().unwrap().to_owned(), r["to"]["id"].as_i64().unwrap())
        })
        .collect()
}

fn server(name: &str, serial: &str, cpus: i64) -> Value {
    json!({"class": "server", "name": name, "attributes": {"serial_number": serial, "hostname": name, "cpu_count": cpus}})
}

both!(a_ci_sent_twice_is_one_and_its_changes_are_journalled, |t| {
    let web = json!({"ref": "web01", "class": "server", "name": "web01", "status": "in_use", "criticality": "high",
        "owner_group": "Service Desk", "vendor": "Dell", "description": "Front web server",
        "attributes": {"serial_number": "SN1", "hostname": "web01", "cpu_count": 4}});
    let r = upsert(&t, json!({"items": [web]})).await;
    assert_eq!(counts(&r), (1, 0, 0));
    let id = ids(&r)[0];
    let r = upsert(&t, json!({"items": [web]})).await;
    assert_eq!(counts(&r), (0, 0, 1));
    assert_eq!(r["items"][0], json!({"index": 0, "id": id, "outcome": "unchanged"}));

    let mut faster = web.clone();
    faster["attributes"]["cpu_count"] = json!(8);
    let r = upsert(&t, json!({"items": [faster]})).await;
    assert_eq!(counts(&r), (0, 1, 0));
    assert_eq!(ids(&r), [id]);
    let ci = t.json(&format!("/api/v1/cis/{id}"), &t.agent).await;
    assert_eq!(ci["attributes"], json!({"serial_number": "SN1", "hostname": "web01", "cpu_count": 8}));
    assert_eq!(
        (&ci["owner_group"]["name"], &ci["vendor"], &ci["criticality"]),
        (&json!("Service Desk"), &json!("Dell"), &json!("high"))
    );
    assert_eq!(ci["version"], 2);
    let journal = t.json(&format!("/api/v1/cis/{id}/journal"), &t.agent).await;
    let actions: Vec<&str> = journal.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "updated"], "an unchanged send writes no entry");
    assert_eq!(journal[1]["changes"], json!([{"field": "attributes.cpu_count", "old": "4", "new": "8"}]));

    // A virtual machine is a server: the same serial (any case) is this CI.
    let vm = json!({"class": "virtual_machine", "name": "web01",
        "attributes": {"serial_number": " sn1 ", "hypervisor": "kvm"}});
    let r = upsert(&t, json!({"items": [vm]})).await;
    assert_eq!((counts(&r), ids(&r)), ((0, 1, 0), vec![id]));
    let ci = t.json(&format!("/api/v1/cis/{id}"), &t.agent).await;
    assert_eq!(ci["class"], "virtual_machine");
    assert_eq!(ci["attributes"]["hostname"], "web01", "attributes not sent are kept");
    // A storage array's serial numbers are another namespace.
    let r =
        upsert(&t, json!({"items": [{"class": "storage", "name": "array1", "attributes": {"serial_number": "SN1"}}]}))
            .await;
    assert_eq!(counts(&r), (1, 0, 0));
    assert_eq!(all_cis(&t, "").await.len(), 2);
});

both!(clashes_and_bad_items_are_named_and_nothing_is_written, |t| {
    let r = upsert(&t, json!({"items": [server("web01", "SN1", 4), server("db01", "SN2", 8)]})).await;
    let (web, db) = (ids(&r)[0], ids(&r)[1]);
    let before = all_cis(&t, "").await;
    let cases = [
        // The serial of one CI and the hostname of another.
        (
            json!({"items": [{"class": "server", "name": "x", "attributes": {"serial_number": "SN1", "hostname": "db01"}}]}),
            "items[0].attributes",
            "identifier clash",
        ),
        (
            json!({"items": [server("a", "SN9", 1), server("b", "sn9", 2)]}),
            "items[1].attributes.serial_number",
            "one CI sent twice",
        ),
        (
            json!({"items": [server("c", "SN7", 1)], "relations": [{"from": "nope", "to": web, "type": "runs_on"}]}),
            "relations[0].from",
            "nope",
        ),
        (
            json!({"items": [server("c", "SN7", 1)], "relations": [{"from": db, "to": 999_999, "type": "runs_on"}]}),
            "relations[0].to",
            "no CI 999999",
        ),
        (
            json!({"items": [server("c", "SN7", 1)], "relations": [{"from": db, "to": web, "type": "likes"}]}),
            "relations[0].type",
            "likes",
        ),
        (json!({"relations": [{"from": web, "to": web, "type": "depends_on"}]}), "relations[0].to", "itself"),
        (
            json!({"items": [server("c", "SN7", 1), {"class": "server", "name": "d", "attributes": {"cpu_count": "four"}}]}),
            "items[1].attributes.cpu_count",
            "whole number",
        ),
        (
            json!({"items": [{"class": "server", "name": "d", "attributes": {"colour": "red"}}]}),
            "items[0].attributes.colour",
            "no attribute",
        ),
        (json!({"items": [{"class": "spaceship", "name": "d"}]}), "items[0].class", "spaceship"),
        (json!({"items": [{"class": "server", "name": "  "}]}), "items[0].name", "required"),
        (
            json!({"items": [server("c", "SN7", 1), {"class": "application", "name": "e", "owner_group": "Nobody"}]}),
            "items[1].owner_group",
            "Nobody",
        ),
        (
            json!({"items": [{"class": "server", "name": "c", "attributes": {"hypervisor": "kvm"}}]}),
            "items[0].attributes.hypervisor",
            "no attribute",
        ),
    ];
    for (body, field, says) in cases {
        let msg = invalid(bulk(&t, &t.admin, body.clone()).await, &[field]).await;
        assert!(msg.contains(says), "{body}: {msg}");
    }
    let r = bulk(&t, &t.admin, json!({"items": [{"class": "server", "name": "x", "status": "broken"}]})).await;
    assert_eq!(r.status(), 422, "an unknown status is refused");
    assert_eq!(all_cis(&t, "").await, before, "no refused batch wrote anything");
    assert!(relations(&t, web, None).await.is_empty());

    // Relations by ref and by id, in one batch with a new CI.
    let r = upsert(
        &t,
        json!({"items": [{"ref": "app", "class": "application", "name": "Checkout"}],
            "relations": [{"from": "app", "to": web, "type": "runs_on"}, {"from": "app", "to": db, "type": "uses"},
                {"from": web, "to": db, "type": "connected_to"}, {"from": "app", "to": web, "type": "runs_on"}]}),
    )
    .await;
    let app = ids(&r)[0];
    assert_eq!(r["relations_added"], 3, "a relation sent twice is added once");
    let mut got = relations(&t, app, None).await;
    got.sort();
    assert_eq!(got, [(app, "runs_on".into(), web), (app, "uses".into(), db)]);
    // Sent again: nothing new.
    let r = upsert(
        &t,
        json!({"items": [{"ref": "app", "class": "application", "name": "Checkout"}],
        "relations": [{"from": "app", "to": web, "type": "runs_on"}]}),
    )
    .await;
    assert_eq!((counts(&r), r["relations_added"].as_i64()), ((0, 0, 1), Some(0)));
});

both!(relations_are_added_once_removed_and_remembered, |t| {
    let r = upsert(
        &t,
        json!({"items": [{"class": "application", "name": "Checkout"}, server("web01", "SN1", 4),
        {"class": "location", "name": "Warsaw DC"}]}),
    )
    .await;
    let (app, web, dc) = (ids(&r)[0], ids(&r)[1], ids(&r)[2]);
    let rel = json!({"from": app, "to": web, "type": "runs_on"});
    let r = t.post("/api/v1/relations", &t.agent, rel.clone()).await;
    assert_eq!(r.status(), 201);
    problem(t.post("/api/v1/relations", &t.agent, rel.clone()).await, 409, "duplicate").await;
    invalid(
        t.post("/api/v1/relations", &t.agent, json!({"from": app, "to": 424_242, "type": "runs_on"})).await,
        &["to"],
    )
    .await;
    invalid(t.post("/api/v1/relations", &t.agent, json!({"from": app, "to": web, "type": "eats"})).await, &["type"])
        .await;
    invalid(
        t.post("/api/v1/relations", &t.agent, json!({"from": "app", "to": web, "type": "runs_on"})).await,
        &["from"],
    )
    .await;
    forbidden(
        t.post("/api/v1/relations", &t.requester, rel.clone()).await,
        "only agents, managers and admins can change the CMDB",
    )
    .await;

    let list = t.json(&format!("/api/v1/cis/{web}/relations"), &t.agent).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "seen from the other end too");
    assert_eq!((&list[0]["from"]["name"], &list[0]["to"]["name"]), (&json!("Checkout"), &json!("web01")));
    assert!(list[0]["until"].is_null());
    let rel_id = list[0]["id"].as_i64().unwrap();
    let before = moment().await;
    assert_eq!(t.delete(&format!("/api/v1/relations/{rel_id}"), &t.agent).await.status(), 204);
    problem(t.delete(&format!("/api/v1/relations/{rel_id}"), &t.agent).await, 404, "not_found").await;
    assert!(relations(&t, app, None).await.is_empty());
    assert_eq!(relations(&t, app, Some(&before)).await, [(app, "runs_on".to_owned(), web)]);
    let journal = t.json(&format!("/api/v1/cis/{app}/journal"), &t.agent).await;
    let actions: Vec<&str> = journal.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "relation_added", "relation_removed"]);
    // Removed, it may be added again.
    assert_eq!(t.post("/api/v1/relations", &t.agent, rel).await.status(), 201);
    assert_eq!(relations(&t, app, None).await.len(), 1);

    // A class may limit where its relations go.
    let rack = json!({"name": "Rack", "attributes": [{"name": "units", "type": "integer"}],
        "relations": [{"type": "hosted_on", "to": ["location"]}]});
    assert_eq!(t.put_json("/api/v1/ci-classes/rack", &t.admin, rack).await.status(), 200);
    let r = upsert(&t, json!({"items": [{"class": "rack", "name": "R1", "attributes": {"units": 42}}]})).await;
    let rack = ids(&r)[0];
    let msg = invalid(
        t.post("/api/v1/relations", &t.agent, json!({"from": rack, "to": web, "type": "hosted_on"})).await,
        &["type"],
    )
    .await;
    assert!(msg.contains("location"), "{msg}");
    let r = bulk(&t, &t.agent, json!({"relations": [{"from": rack, "to": web, "type": "hosted_on"}]})).await;
    invalid(r, &["relations[0].type"]).await;
    assert_eq!(
        t.post("/api/v1/relations", &t.agent, json!({"from": rack, "to": dc, "type": "hosted_on"})).await.status(),
        201
    );
    assert_eq!(
        t.post("/api/v1/relations", &t.agent, json!({"from": rack, "to": web, "type": "connected_to"})).await.status(),
        201,
        "other types are free"
    );
});

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

both!(who_may_read_and_change_the_cmdb, |t| {
    let cmdb = "only agents, managers and admins can see the CMDB";
    let r = upsert(&t, json!({"items": [server("web01", "SN1", 4)]})).await;
    let web = ids(&r)[0];
    forbidden(t.get("/api/v1/cis", &t.requester).await, cmdb).await;
    problem(t.get(&format!("/api/v1/cis/{web}"), &t.requester).await, 404, "not_found").await;
    forbidden(t.get(&format!("/api/v1/cis/{web}/journal"), &t.requester).await, cmdb).await;
    problem(t.get(&format!("/api/v1/cis/{web}/relations"), &t.requester).await, 404, "not_found").await;
    forbidden(t.post("/api/v1/impact", &t.requester, json!({"cis": [web]})).await, cmdb).await;
    let change = "only agents, managers and admins can change the CMDB";
    forbidden(bulk(&t, &t.requester, json!({"items": [server("x", "SN2", 1)]})).await, change).await;
    forbidden(t.post("/api/v1/cis", &t.requester, server("x", "SN2", 1)).await, change).await;
    problem(t.get("/api/v1/cis", "not-a-token").await, 401, "unauthenticated").await;

    // Agents keep CIs; the catalog fields of services are for managers.
    let r = t.post("/api/v1/cis", &t.agent, server("x", "SN2", 1)).await;
    assert_eq!(r.status(), 201);
    let loc = r.headers()["location"].to_str().unwrap().to_owned();
    let x: Value = r.json().await.unwrap();
    assert_eq!(loc, format!("/api/v1/cis/{}", x["id"]));
    let catalog = "only managers and admins can change the service catalog";
    for field in [
        json!({"tier": 1}),
        json!({"owner": "manager"}),
        json!({"requester_visible": true}),
        json!({"consumers": ["Contoso"]}),
        json!({"portfolio_status": "live"}),
    ] {
        let mut svc = json!({"class": "business_service", "name": "Payroll"});
        svc.as_object_mut().unwrap().extend(field.as_object().unwrap().clone());
        forbidden(bulk(&t, &t.agent, json!({"items": [svc.clone()]})).await, catalog).await;
        assert_eq!(bulk(&t, &t.manager, json!({"items": [svc]})).await.status(), 200);
    }
    assert_eq!(
        bulk(&t, &t.agent, json!({"items": [{"class": "business_service", "name": "Payroll", "description": "Pay"}]}))
            .await
            .status(),
        200
    );
    let payroll = t.json("/api/v1/services?q=pay", &t.agent).await;
    assert_eq!(
        (&payroll[0]["tier"], &payroll[0]["owner"]["name"], &payroll[0]["description"]),
        (&json!(1), &json!("manager user"), &json!("Pay"))
    );

    // Only admins define classes.
    let class = json!({"name": "Appliance", "extends": "server"});
    assert_eq!(
        problem(t.put_json("/api/v1/ci-classes/appliance", &t.manager, class.clone()).await, 403, "forbidden").await["status"],
        403
    );
    assert_eq!(t.put_json("/api/v1/ci-classes/appliance", &t.admin, class).await.status(), 200);
    assert_eq!(t.get("/api/v1/ci-classes", &t.agent).await.status(), 200);

    // The catalog: requesters see live services marked visible, staff all.
    let svc = |name: &str, status: &str, visible: bool| json!({"class": "business_service", "name": name, "portfolio_status": status, "requester_visible": visible});
    let r = upsert(
        &t,
        json!({"items": [svc("Email", "live", true), svc("Intranet", "live", false),
        svc("New CRM", "pipeline", true), svc("Old CRM", "retired", true),
        {"class": "technical_service", "name": "DNS", "requester_visible": true}]}),
    )
    .await;
    let (email, intranet) = (ids(&r)[0], ids(&r)[1]);
    let seen =
        |v: Value| v.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(seen(t.json("/api/v1/services", &t.requester).await), ["DNS", "Email", "Payroll"]);
    assert_eq!(seen(t.json("/api/v1/services?q=ema", &t.requester).await), ["Email"]);
    assert_eq!(
        seen(t.json("/api/v1/services", &t.agent).await),
        ["DNS", "Email", "Intranet", "New CRM", "Old CRM", "Payroll"]
    );
    assert_eq!(t.json(&format!("/api/v1/cis/{email}"), &t.requester).await["name"], "Email");
    problem(t.get(&format!("/api/v1/cis/{intranet}"), &t.requester).await, 404, "not_found").await;
    // A service they may see, but not its place in the CMDB.
    for staff_only in ["relations", "journal", "impact", "dependencies", "incidents"] {
        forbidden(t.get(&format!("/api/v1/cis/{email}/{staff_only}"), &t.requester).await, cmdb).await;
    }
    forbidden(
        t.put_json(
            &format!("/api/v1/cis/{email}"),
            &t.requester,
            json!({"class": "business_service", "name": "Email"}),
        )
        .await,
        change,
    )
    .await;
});

both!(admins_define_classes_and_their_cis_are_checked, |t| {
    let class = json!({"name": "Appliance", "extends": "server", "attributes": [
        {"name": "rack_unit", "type": "integer", "required": true},
        {"name": "model", "type": "enum", "values": ["a1", "a2"]}]});
    let r = t.put_json("/api/v1/ci-classes/appliance", &t.admin, class.clone()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"version": 1}));
    let classes = t.json("/api/v1/ci-classes", &t.agent).await;
    let find = |key: &str| classes.as_array().unwrap().iter().find(|c| c["key"] == key).cloned().unwrap();
    for key in ["business_service", "server", "virtual_machine", "location"] {
        assert_eq!((find(key)["builtin"].as_bool(), find(key)["version"].is_null()), (Some(true), true), "{key}");
    }
    let a = find("appliance");
    assert_eq!(
        (&a["builtin"], &a["version"], &a["extends"], &a["name"]),
        (&json!(false), &json!(1), &json!("server"), &json!("Appliance"))
    );
    assert_eq!(
        a["attributes"][0],
        json!({"name": "rack_unit", "type": "integer", "required": true, "identifying": false})
    );

    let item = |attrs: Value| json!({"items": [{"class": "appliance", "name": "fw-1", "attributes": attrs}]});
    invalid(bulk(&t, &t.agent, item(json!({"hostname": "fw-1"}))).await, &["items[0].attributes.rack_unit"]).await;
    invalid(bulk(&t, &t.agent, item(json!({"rack_unit": "top"}))).await, &["items[0].attributes.rack_unit"]).await;
    invalid(bulk(&t, &t.agent, item(json!({"rack_unit": 3, "model": "a9"}))).await, &["items[0].attributes.model"])
        .await;
    invalid(
        t.post("/api/v1/cis", &t.agent, json!({"class": "appliance", "name": "fw-1"})).await,
        &["attributes.rack_unit"],
    )
    .await;
    // It is a server: inherited attributes and identifiers, and listed with servers.
    let r = upsert(&t, json!({"items": [server("fw-1", "SN1", 2)]})).await;
    let fw = ids(&r)[0];
    let r = upsert(&t, item(json!({"rack_unit": 3, "serial_number": "SN1", "model": "a1"}))).await;
    assert_eq!((counts(&r), ids(&r)), ((0, 1, 0), vec![fw]));
    let servers = all_cis(&t, "&class=server").await;
    assert_eq!((servers.len(), &servers[0]["class"]), (1, &json!("appliance")));
    assert_eq!(all_cis(&t, "&class=appliance").await.len(), 1);
    invalid(t.get("/api/v1/cis?class=spaceship", &t.agent).await, &["class"]).await;

    // Changing a class needs the version read.
    let mut v2 = class.clone();
    v2["name"] = json!("Network appliance");
    assert_eq!(t.put_json("/api/v1/ci-classes/appliance", &t.admin, v2.clone()).await.status(), 428);
    v2["version"] = json!(1);
    assert_eq!(
        t.put_json("/api/v1/ci-classes/appliance", &t.admin, v2.clone()).await.json::<Value>().await.unwrap(),
        json!({"version": 2})
    );
    assert_eq!(t.put_json("/api/v1/ci-classes/appliance", &t.admin, v2).await.status(), 409);

    // Bad classes are named by field and not stored.
    let bad = [
        ("gadget", json!({"name": "Gadget", "extends": "widget"}), "extends"),
        ("gadget", json!({"name": "Gadget", "extends": "gadget"}), "extends"),
        ("server", json!({"name": "My server"}), "key"),
        ("Bad-Key", json!({"name": "Bad"}), "key"),
        (
            "gadget",
            json!({"name": "Gadget", "attributes": [{"name": "size", "type": "enum", "values": []}]}),
            "attributes.size",
        ),
        (
            "gadget",
            json!({"name": "Gadget", "extends": "server", "attributes": [{"name": "hostname", "type": "text"}]}),
            "attributes.hostname",
        ),
        ("gadget", json!({"name": "Gadget", "relations": [{"type": "hosted_on", "to": ["moon"]}]}), "relations"),
        ("gadget", json!({"name": "Gadget", "attributes": [{"name": "size", "type": "float"}]}), "class"),
        ("gadget", json!({"name": "Gadget", "colour": "red"}), "class"),
    ];
    for (key, body, field) in bad {
        invalid(t.put_json(&format!("/api/v1/ci-classes/{key}"), &t.admin, body.clone()).await, &[field]).await;
    }
    // A cycle through two classes.
    assert_eq!(
        t.put_json("/api/v1/ci-classes/b1", &t.admin, json!({"name": "B1", "extends": "appliance"})).await.status(),
        200
    );
    let p = problem(
        t.put_json("/api/v1/ci-classes/appliance", &t.admin, json!({"name": "A", "extends": "b1", "version": 2})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(fields(&p).contains(&"extends".to_owned()), "{p}");
    let keys: Vec<String> = t
        .json("/api/v1/ci-classes", &t.agent)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap().to_owned())
        .collect();
    assert!(!keys.contains(&"gadget".to_owned()) && keys.contains(&"b1".to_owned()));
    assert_eq!(
        t.json("/api/v1/ci-classes", &t.agent)
            .await
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == "appliance")
            .unwrap()["extends"],
        "server"
    );
});
