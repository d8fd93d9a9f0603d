//! The CMDB over HTTP: bulk upsert with reconciliation (all or nothing),
//! catalog fields, relations and class rules, listing and export, who may
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
pub async fn relations(t: &TestApp, id: i64, as_of: Option<&str>) -> Vec<(i64, String, i64)> {
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
    // Reported again as a plain server (as a server list or an agent may),
    // it stays a virtual machine.
    let r = upsert(&t, json!({"items": [faster]})).await;
    assert_eq!((counts(&r), ids(&r)), ((0, 1, 0), vec![id]), "its serial number as sent before");
    assert_eq!(t.json(&format!("/api/v1/cis/{id}"), &t.agent).await["class"], "virtual_machine");
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
    invalid(r, &["items[0].status"]).await;
    // A CI named by id may not take another's identifier.
    let r = t.put_json(&format!("/api/v1/cis/{db}"), &t.agent, server("db01", "SN1", 8)).await;
    let msg = invalid(r, &["attributes.serial_number"]).await;
    assert!(msg.contains("identifier clash"), "{msg}");
    problem(t.put_json("/api/v1/cis/999999", &t.agent, server("db01", "SN2", 8)).await, 404, "not_found").await;
    let mut with_id = server("e", "SN8", 1);
    with_id["id"] = json!(db);
    invalid(t.post("/api/v1/cis", &t.agent, with_id).await, &["id"]).await;
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
    // Updates keep the required attribute they do not send, but may not remove it.
    let r = upsert(&t, item(json!({"serial_number": "SN1", "cpu_count": 4}))).await;
    assert_eq!((counts(&r), ids(&r)), ((0, 1, 0), vec![fw]));
    let r = t.put_json(&format!("/api/v1/cis/{fw}"), &t.agent, json!({"class": "appliance", "name": "fw-1"})).await;
    assert_eq!(r.status(), 200);
    let r = t
        .put_json(
            &format!("/api/v1/cis/{fw}"),
            &t.agent,
            json!({"class": "appliance", "name": "fw-1", "attributes": {"rack_unit": null}}),
        )
        .await;
    invalid(r, &["attributes.rack_unit"]).await;
    // Reported as a plain server, it stays an appliance.
    let r = upsert(&t, json!({"items": [server("fw-1", "SN1", 8)]})).await;
    assert_eq!((counts(&r), ids(&r)), ((0, 1, 0), vec![fw]));
    let ci = t.json(&format!("/api/v1/cis/{fw}"), &t.agent).await;
    assert_eq!(
        (&ci["class"], &ci["attributes"]["rack_unit"], &ci["attributes"]["cpu_count"]),
        (&json!("appliance"), &json!(3), &json!(8))
    );

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

both!(catalog_fields_are_checked_and_consumers_are_a_change, |t| {
    let shop = |extra: Value| {
        let mut s = json!({"class": "business_service", "name": "Shop"});
        s.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({"items": [s]})
    };
    let cases = [
        (json!({"support_calendar_id": 999}), "items[0].support_calendar_id"),
        (json!({"tier": 5}), "items[0].tier"),
        (json!({"owner": "ghost"}), "items[0].owner"),
        (json!({"consumers": ["Contoso", "Nowhere Inc"]}), "items[0].consumers"),
        (json!({"portfolio_status": "sunset"}), "items[0].portfolio_status"),
    ];
    for (extra, field) in cases {
        invalid(bulk(&t, &t.manager, shop(extra)).await, &[field]).await;
    }
    assert!(all_cis(&t, "").await.is_empty());

    let r = upsert(
        &t,
        shop(json!({"support_calendar_id": 1, "tier": 2, "owner": "manager",
        "consumers": ["Contoso", "contoso"]})),
    )
    .await;
    let id = ids(&r)[0];
    let orgs = |v: Value| -> Vec<String> {
        v["organisations"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(orgs(t.json(&format!("/api/v1/cis/{id}/impact"), &t.agent).await), ["Contoso"]);
    let r = upsert(&t, shop(json!({"consumers": ["Contoso"]}))).await;
    assert_eq!(counts(&r), (0, 0, 1));
    let r = upsert(&t, shop(json!({"consumers": ["Fabrikam"]}))).await;
    assert_eq!(counts(&r), (0, 1, 0), "other organisations use it now");
    assert_eq!(orgs(t.json(&format!("/api/v1/cis/{id}/impact"), &t.agent).await), ["Fabrikam"]);
    let journal = t.json(&format!("/api/v1/cis/{id}/journal"), &t.agent).await;
    let last = journal.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "updated");
    assert_eq!(last["changes"][0]["field"], "consumers", "{last}");
    let ci = t.json(&format!("/api/v1/cis/{id}"), &t.agent).await;
    assert_eq!(
        (&ci["support_calendar_id"], &ci["tier"], &ci["owner"]["name"]),
        (&json!(1), &json!(2), &json!("manager user"))
    );
    assert_eq!(ci["portfolio_status"], "live", "a service is live unless said otherwise");
    let r = upsert(&t, shop(json!({"consumers": []}))).await;
    assert_eq!(counts(&r), (0, 1, 0));
    assert!(orgs(t.json(&format!("/api/v1/cis/{id}/impact"), &t.agent).await).is_empty());
});

both!(two_batches_naming_one_new_server_make_one_ci, |t| {
    let sends = (0..4).map(|i| {
        let t = &t;
        async move {
            let mut s = server("race01", "RACE-1", 2);
            s["description"] = json!(format!("sent by {i}"));
            let r = bulk(t, &t.agent, json!({"items": [s]})).await;
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    });
    let reports = futures_util::future::join_all(sends).await;
    let created: i64 = reports.iter().map(|r| r["created"].as_i64().unwrap()).sum();
    assert_eq!(created, 1, "{reports:?}");
    let mut all: Vec<i64> = reports.iter().map(|r| ids(r)[0]).collect();
    all.dedup();
    assert_eq!(all.len(), 1);
    assert_eq!(all_cis(&t, "").await.len(), 1);
});

/// The names a CI list answers (one page).
async fn listed(t: &TestApp, query: &str) -> Vec<String> {
    let page = t.json(&format!("/api/v1/cis?{query}"), &t.agent).await;
    page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
}

both!(lists_filter_page_and_export_every_ci, |t| {
    let many: Vec<Value> = (0..1001).map(|i| server(&format!("s{i:04}"), &format!("SN{i}"), 2)).collect();
    assert_eq!(upsert(&t, json!({"items": many})).await["created"], 1001);
    upsert(
        &t,
        json!({"items": [
        {"class": "application", "name": "Billing", "status": "maintenance", "owner_group": "Network"},
        {"class": "application", "name": "billing-api", "owner_group": "Service Desk"},
        {"class": "database", "name": "Orders DB", "attributes": {"engine": "postgres"}}]}),
    )
    .await;
    let page = t.json("/api/v1/cis?class=server&limit=1000", &t.agent).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1000);
    let next = page["next_cursor"].as_str().unwrap().to_owned();
    let rest = t.json(&format!("/api/v1/cis?class=server&limit=1000&cursor={next}"), &t.agent).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!((&rest["items"][0]["name"], &rest["next_cursor"]), (&json!("s1000"), &Value::Null));

    let all: Value = t.get("/api/v1/cis?class=server&format=json_all", &t.agent).await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1001, "the JSON export has every CI");
    let csv = t.get("/api/v1/cis?class=server&format=csv", &t.agent).await;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(csv.text().await.unwrap().lines().count(), 1002, "a header and every CI");

    assert_eq!(listed(&t, "q=BILL").await, ["Billing", "billing-api"]);
    assert_eq!(listed(&t, "status=maintenance").await, ["Billing"]);
    assert_eq!(listed(&t, "owner_group=Network").await, ["Billing"]);
    assert_eq!(listed(&t, "class=database").await, ["Orders DB"]);
    assert_eq!(listed(&t, "q=s100&class=server").await, ["s1000"]);
    // Small pages, one after another, give every CI once.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = t.json(&format!("/api/v1/cis?q=b&limit=1{cursor}"), &t.agent).await;
        seen.extend(page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 3);
    assert_eq!(seen, listed(&t, "q=b").await);
    for (q, field) in [
        ("status=broken", "status"),
        ("owner_group=Nobody", "owner_group"),
        ("cursor=zzz", "cursor"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("format=xml", "format"),
        ("class=spaceship", "class"),
    ] {
        invalid(t.get(&format!("/api/v1/cis?{q}"), &t.agent).await, &[field]).await;
    }
});

both!(the_ci_list_sorts_names_whatever_their_case_page_by_page, |t| {
    let items: Vec<Value> = ["beta", "Alpha", "gamma", "Delta", "alpha-2"]
        .iter()
        .map(|n| json!({"class": "application", "name": n}))
        .collect();
    upsert(&t, json!({ "items": items })).await;
    let mut names = Vec::new();
    let mut path = "/api/v1/cis?class=application&limit=2".to_owned();
    loop {
        let page = t.json(&path, &t.agent).await;
        names.extend(page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/cis?class=application&limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(names, ["Alpha", "alpha-2", "beta", "Delta", "gamma"]);
});
