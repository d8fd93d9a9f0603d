//! Getting CIs in from files and agents, and incidents meeting the CMDB:
//! CSV import (dry run row by row, the real run all or nothing, export and
//! re-import), the agent inventory endpoint, and incidents that name a
//! service and CIs.

use crate::both;
use crate::cmdb::{all_cis, ids, upsert};
use crate::helpers::*;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use std::io::Write;

/// `POST /api/v1/cmdb/import` with these query parameters and bytes.
async fn import(t: &TestApp, token: &str, query: &[(&str, &str)], bytes: &[u8]) -> Response {
    t.req(Method::POST, "/api/v1/cmdb/import", token)
        .query(query)
        .header("content-type", "text/csv")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap()
}

const MAPPING: &str = r#"{"class": "server", "columns": {"Host": "name", "Serial": "attributes.serial_number",
    "CPUs": "attributes.cpu_count", "State": "status", "Notes": "ignore"}}"#;

/// A report's row: line, name, outcome, id and the fields of its problems.
type RowView = (i64, String, String, Option<i64>, Vec<String>);

fn rows(report: &Value) -> Vec<RowView> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let problems = r["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap().to_owned());
            (
                r["line"].as_i64().unwrap(),
                r["name"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["id"].as_i64(),
                problems.collect(),
            )
        })
        .collect()
}

fn tally(report: &Value) -> [i64; 4] {
    ["created", "updated", "unchanged", "rejected"].map(|k| report[k].as_i64().unwrap())
}

both!(a_csv_import_says_what_it_would_do_and_does_all_or_nothing, |t| {
    let r = upsert(
        &t,
        json!({"items": [
        {"class": "server", "name": "web01", "attributes": {"serial_number": "SN1", "cpu_count": 4}},
        {"class": "server", "name": "db01", "attributes": {"serial_number": "SN2", "cpu_count": 8}}]}),
    )
    .await;
    let (web, db) = (ids(&r)[0], ids(&r)[1]);
    let good = "Host,Serial,CPUs,State,Notes\r\nweb01,SN1,4,in_use,same\r\ndb01,SN2,16,,more CPUs\r\napp01,SN3,2,planned,new\r\n";
    let bad = format!("{good}bad01,SN4,four,in_use,typo\r\nbad02,SN5,2,broken,\r\nbad03,sn3,2,,app01 again\r\n");
    let dry = [("dry_run", "true"), ("mapping", MAPPING)];
    let r = import(&t, &t.agent, &dry, bad.as_bytes()).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!((&report["dry_run"], tally(&report)), (&json!(true), [1, 1, 1, 3]));
    let s = |x: &str| x.to_owned();
    assert_eq!(
        rows(&report),
        [
            (2, s("web01"), s("unchanged"), Some(web), vec![]),
            (3, s("db01"), s("update"), Some(db), vec![]),
            (4, s("app01"), s("create"), None, vec![]),
            (5, s("bad01"), s("reject"), None, vec![s("attributes.cpu_count")]),
            (6, s("bad02"), s("reject"), None, vec![s("status")]),
            (7, s("bad03"), s("reject"), None, vec![s("attributes.serial_number")]),
        ]
    );
    let why = report["rows"][3]["problems"][0]["message"].as_str().unwrap();
    assert!(why.contains("four"), "{why}");
    let before = all_cis(&t, "").await;

    // The real run of a file with a bad row writes nothing.
    let real = [("mapping", MAPPING)];
    let p = problem(import(&t, &t.agent, &real, bad.as_bytes()).await, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["rows[5].attributes.cpu_count", "rows[6].status", "rows[7].attributes.serial_number"]);
    let said: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(
        said[0].starts_with("bad01: ") && said[1].starts_with("bad02: ") && said[2].starts_with("bad03: "),
        "each names its CI: {said:?}"
    );
    assert_eq!(all_cis(&t, "").await, before);

    let r = import(&t, &t.agent, &real, good.as_bytes()).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!((&report["dry_run"], tally(&report)), (&json!(false), [1, 1, 1, 0]));
    let app = report["rows"][2]["id"].as_i64().unwrap();
    let ci = t.json(&format!("/api/v1/cis/{app}"), &t.agent).await;
    assert_eq!(
        (&ci["class"], &ci["status"], &ci["attributes"]["cpu_count"]),
        (&json!("server"), &json!("planned"), &json!(2))
    );
    assert_eq!(t.json(&format!("/api/v1/cis/{db}"), &t.agent).await["attributes"]["cpu_count"], 16);
    let again: Value = import(&t, &t.agent, &real, good.as_bytes()).await.json().await.unwrap();
    assert_eq!(tally(&again), [0, 0, 3, 0]);
    assert_eq!(all_cis(&t, "").await.len(), 3);

    // Files that cannot be read at all.
    let renamed = good.replace("Serial", "SerialNo");
    let msg = invalid(import(&t, &t.agent, &real, renamed.as_bytes()).await, &["file"]).await;
    assert!(msg.contains("Serial"), "{msg}");
    let extra = "Host,Serial,CPUs,State,Notes,Colour\r\nweb01,SN1,4,in_use,same,red\r\n";
    let msg = invalid(import(&t, &t.agent, &real, extra.as_bytes()).await, &["file"]).await;
    assert!(msg.contains("Colour"), "{msg}");
    invalid(import(&t, &t.agent, &real, b"Host,Serial,CPUs,State,Notes\r\nw\xffb,SN1,4,,\r\n").await, &["file"]).await;
    invalid(import(&t, &t.agent, &real, b"").await, &["file"]).await;
    invalid(import(&t, &t.agent, &[("mapping", "{not json")], good.as_bytes()).await, &["mapping"]).await;
    let colour = r#"{"class": "server", "columns": {"Host": "name", "Serial": "attributes.colour", "CPUs": "ignore", "State": "ignore", "Notes": "ignore"}}"#;
    invalid(import(&t, &t.agent, &[("mapping", colour)], good.as_bytes()).await, &["mapping"]).await;
    let r = t
        .req(Method::POST, "/api/v1/cmdb/import", &t.agent)
        .query(&real)
        .header("content-type", "application/json")
        .body(good)
        .send()
        .await
        .unwrap();
    problem(r, 415, "unsupported_media_type").await;
    let r = import(&t, &t.requester, &real, good.as_bytes()).await;
    forbidden(r, "only agents, managers and admins can change the CMDB").await;
    assert_eq!(all_cis(&t, "").await.len(), 3);
});

both!(an_export_reimports_unchanged, |t| {
    // A location is named by CIs once it is stored, not within its batch.
    upsert(&t, json!({"items": [{"class": "location", "name": "Warsaw DC", "attributes": {"city": "Warsaw"}}]})).await;
    upsert(
        &t,
        json!({"items": [
        {"class": "server", "name": "web01", "location": "Warsaw DC", "owner_group": "Service Desk", "vendor": "Dell",
         "criticality": "high", "attributes": {"serial_number": "SN1", "hostname": "web01", "cpu_count": 4,
         "operating_system": "Ubuntu, \"LTS\""}},
        {"class": "virtual_machine", "name": "vm-1", "status": "maintenance", "attributes": {"uuid": "u-1", "hypervisor": "kvm", "memory_mb": 2048}},
        {"class": "storage", "name": "array1", "attributes": {"serial_number": "ST1", "capacity_gb": 1.5}},
        {"class": "storage", "name": "array2", "attributes": {"serial_number": "ST2", "capacity_gb": 3}},
        {"class": "application", "name": "=HYPERLINK(\"http://evil\")", "attributes": {"version": "-1"}},
        {"class": "business_service", "name": "Shop"},
        {"class": "network_device", "name": "sw-1", "status": "retired", "attributes": {"mac_address": "aa:bb:cc:dd:ee:ff", "ports": 48}}]}),
    )
    .await;
    let before = all_cis(&t, "").await;
    let r = t.get("/api/v1/cis?format=csv", &t.agent).await;
    assert_eq!(r.status(), 200);
    let csv = r.bytes().await.unwrap();
    let text = String::from_utf8(csv.to_vec()).unwrap();
    assert!(text.contains("\"'=HYPERLINK("), "a formula is guarded: {text}");
    let r = import(&t, &t.agent, &[("dry_run", "true")], &csv).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(tally(&report), [0, 0, 8, 0], "{report}");
    let report: Value = import(&t, &t.agent, &[], &csv).await.json().await.unwrap();
    assert_eq!(tally(&report), [0, 0, 8, 0], "{report}");
    assert_eq!(all_cis(&t, "").await, before);
    let exported: Value = t.get("/api/v1/cis?format=json_all", &t.agent).await.json().await.unwrap();
    let web = exported.as_array().unwrap().iter().find(|c| c["name"] == "web01").unwrap();
    assert_eq!(
        (&web["location"], &web["owner_group"], &web["attributes"]["cpu_count"]),
        (&json!("Warsaw DC"), &json!("Service Desk"), &json!(4))
    );
});

const INVENTORY: &[u8] = include_bytes!("../../../channels/tests/channels/inventory/this-machine.xml");

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

/// Posts an agent's body; the status and the XML answered.
async fn agent_post(t: &TestApp, token: &str, content_type: &str, body: Vec<u8>) -> (u16, String) {
    let r = t
        .req(Method::POST, "/api/v1/inventory", token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    if status == 200 || status == 422 {
        assert_eq!(r.headers()["content-type"], "application/xml");
    }
    (status, r.text().await.unwrap())
}

both!(agents_send_inventories, |t| {
    let prolog = br#"<?xml version="1.0" encoding="UTF-8" ?>
<REQUEST><DEVICEID>vm-2026-11-24-04-50-27</DEVICEID><QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>"#;
    let (status, xml) = agent_post(&t, &t.agent, "application/x-compress-zlib", zlib(prolog)).await;
    assert_eq!(status, 200);
    assert!(xml.contains("<REPLY><RESPONSE>SEND</RESPONSE>"), "{xml}");

    let (status, xml) = agent_post(&t, &t.agent, "application/xml", INVENTORY[..INVENTORY.len() / 2].to_vec()).await;
    assert_eq!(status, 422);
    assert!(xml.contains("<REPLY><ERROR>"), "{xml}");
    let (status, xml) = agent_post(&t, &t.agent, "application/x-compress-zlib", b"not zlib at all".to_vec()).await;
    assert_eq!((status, xml.contains("<ERROR>")), (422, true), "{xml}");
    assert!(all_cis(&t, "").await.is_empty(), "a refused inventory writes nothing");

    let (status, xml) = agent_post(&t, &t.agent, "application/x-compress-zlib", zlib(INVENTORY)).await;
    assert_eq!(status, 200, "{xml}");
    assert!(xml.contains("<REPLY>") && !xml.contains("ERROR"), "{xml}");
    let servers = all_cis(&t, "&class=server").await;
    assert_eq!(servers.len(), 1);
    let ci = &servers[0];
    assert_eq!(
        (&ci["class"], &ci["name"], &ci["attributes"]["hostname"]),
        (&json!("server"), &json!("vm"), &json!("vm"))
    );
    assert!(ci["attributes"]["operating_system"].as_str().unwrap().contains("Debian"), "{ci}");
    assert!(ci["attributes"].get("serial_number").is_none(), "a container keeps no host firmware ids");
    assert!(ci["inventory_at"].is_string());
    let id = ci["id"].as_i64().unwrap();

    // Again, plain and with HTTP Basic: the same CI, unchanged.
    let r = t
        .client
        .post(format!("{}/api/v1/inventory", t.base))
        .basic_auth("fusioninventory", Some(&t.agent))
        .header("content-type", "application/xml")
        .body(INVENTORY.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let servers = all_cis(&t, "&class=server").await;
    assert_eq!((servers.len(), &servers[0]["id"], &servers[0]["version"]), (1, &json!(id), &json!(1)));
    let journal = t.json(&format!("/api/v1/cis/{id}/journal"), &t.agent).await;
    assert_eq!(journal.as_array().unwrap().len(), 1, "{journal}");

    let r = t
        .req(Method::POST, "/api/v1/inventory", &t.requester)
        .header("content-type", "application/xml")
        .body(INVENTORY.to_vec())
        .send()
        .await
        .unwrap();
    forbidden(r, "only agents, managers and admins can change the CMDB").await;
    let r = t
        .client
        .post(format!("{}/api/v1/inventory", t.base))
        .basic_auth("x", Some("wrong"))
        .body(INVENTORY.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
});

/// The numbers of the open incidents on a CI.
async fn open_on(t: &TestApp, ci: i64) -> Vec<String> {
    let list = t.json(&format!("/api/v1/cis/{ci}/incidents"), &t.agent).await;
    list.as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap().to_owned()).collect()
}

both!(incidents_name_a_service_and_cis, |t| {
    let r = upsert(
        &t,
        json!({"items": [
        {"ref": "shop", "class": "business_service", "name": "Shop", "requester_visible": true},
        {"ref": "app", "class": "application", "name": "Checkout"},
        {"ref": "vm", "class": "server", "name": "vm-1", "attributes": {"hostname": "vm-1"}},
        {"class": "business_service", "name": "Payroll"}],
        "relations": [{"from": "shop", "to": "app", "type": "uses"}, {"from": "app", "to": "vm", "type": "runs_on"}]}),
    )
    .await;
    let (shop, app, vm, payroll) = (ids(&r)[0], ids(&r)[1], ids(&r)[2], ids(&r)[3]);

    let inc = t.incident(&t.agent, json!({"title": "Shop is down", "service": " shop ", "cis": [app, app]})).await;
    assert_eq!(inc["service"], json!({"id": shop, "name": "Shop"}));
    let one = num(&inc);
    let changes = &t.journal(&one, &t.agent).await[0]["changes"];
    assert!(
        changes.as_array().unwrap().contains(&json!({"field": "cis", "old": null, "new": app.to_string()})),
        "{changes}"
    );
    let msg =
        invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "service": "Nowhere"})).await, &["service"])
            .await;
    assert!(msg.contains("Nowhere"), "{msg}");
    invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "service": "Checkout"})).await, &["service"])
        .await;
    invalid(t.post("/api/v1/incidents", &t.agent, json!({"title": "x", "cis": [vm, 987_654]})).await, &["cis"]).await;
    let two =
        num(&t.incident(&t.agent, json!({"title": "vm-1 disk full", "cis": [vm], "impact": 1, "urgency": 1})).await);
    let three = num(&t.incident(&t.agent, json!({"title": "Payslips late", "service": "Payroll"})).await);

    assert_eq!(open_on(&t, shop).await, [two.as_str(), one.as_str()], "the most urgent first, through what it uses");
    let list = t.json(&format!("/api/v1/cis/{shop}/incidents"), &t.agent).await;
    assert_eq!(list[0]["via_ci"], vm);
    assert_eq!(open_on(&t, app).await, [two.as_str(), one.as_str()]);
    assert_eq!(open_on(&t, vm).await, [two.as_str()], "what runs on it is not what it depends on");
    assert_eq!(open_on(&t, payroll).await, [three.as_str()]);

    t.move_to(&two, &t.agent, json!({"version": 1, "state": "in_progress"})).await;
    assert_eq!(open_on(&t, shop).await, [two.as_str(), one.as_str()], "in progress is open");
    t.move_to(
        &two,
        &t.agent,
        json!({"version": 2, "state": "resolved", "resolution_code": "solved", "resolution_notes": "cleaned up"}),
    )
    .await;
    assert_eq!(open_on(&t, shop).await, [one.as_str()], "a resolved incident is not open");
    assert!(open_on(&t, vm).await.is_empty());

    // PATCH moves it to other CIs and another service.
    let r = t
        .patch(&format!("/api/v1/incidents/{one}"), &t.agent, json!({"version": 1, "cis": [vm], "service": "Payroll"}))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["service"]["name"], "Payroll");
    assert_eq!(open_on(&t, vm).await, [one.as_str()]);
    assert_eq!(open_on(&t, payroll).await, [one.as_str(), three.as_str()], "the older first");
    let r = t.patch(&format!("/api/v1/incidents/{one}"), &t.agent, json!({"version": 2, "cis": [424_242]})).await;
    invalid(r, &["cis"]).await;
    problem(t.get("/api/v1/cis/424242/incidents", &t.agent).await, 404, "not_found").await;
    forbidden(
        t.get(&format!("/api/v1/cis/{shop}/incidents"), &t.requester).await,
        "only agents, managers and admins can see the CMDB",
    )
    .await;

    // Requesters name services from their catalog, and no CIs.
    let mine = t.incident(&t.requester, json!({"title": "Cannot pay", "service": "Shop"})).await;
    assert_eq!(mine["service"]["id"], shop);
    invalid(t.post("/api/v1/incidents", &t.requester, json!({"title": "x", "service": "Payroll"})).await, &["service"])
        .await;
    let r = t.post("/api/v1/incidents", &t.requester, json!({"title": "x", "cis": [vm]})).await;
    forbidden(r, "only agents, managers and admins can set cis").await;
});

both!(a_csv_import_carries_relations_and_catalog_fields, |t| {
    let r =
        upsert(&t, json!({"items": [{"class": "server", "name": "esx-01", "attributes": {"serial_number": "E1"}}]}))
            .await;
    let esx = ids(&r)[0];
    let mapping = r#"{"columns": {"Name": "name", "Class": "class", "Tier": "tier", "Visible": "requester_visible",
        "Runs on": "relations.runs_on", "Uses": "relations.uses"}}"#;
    let csv = "Name,Class,Tier,Visible,Runs on,Uses\r\n\
        Payroll,business_service,2,yes,,payroll-app\r\n\
        payroll-app,application,,,esx-01;#999999,\r\n\
        ghost-app,application,,,no-such-host,\r\n";
    let dry = [("dry_run", "true"), ("mapping", mapping)];
    let r = import(&t, &t.manager, &dry, csv.as_bytes()).await;
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        rows(&report),
        [
            (2, s("Payroll"), s("reject"), None, vec![s("relations.uses")]),
            (3, s("payroll-app"), s("reject"), None, vec![s("relations.runs_on")]),
            (4, s("ghost-app"), s("reject"), None, vec![s("relations.runs_on")]),
        ]
    );
    assert_eq!(report["rows"][1]["problems"][0]["message"], "no CI 999999");
    assert_eq!(report["rows"][2]["problems"][0]["message"], "no CI named \"no-such-host\" in the CMDB or this file");
    // Payroll's relation to a rejected row is its problem too.
    assert_eq!(report["rows"][0]["problems"][0]["message"], "\"payroll-app\" is line 3, which is rejected");
    let real = [("mapping", mapping)];
    let p = problem(import(&t, &t.manager, &real, csv.as_bytes()).await, 422, "validation_failed").await;
    assert_eq!(fields(&p), ["rows[2].relations.uses", "rows[3].relations.runs_on", "rows[4].relations.runs_on"], "{p}");
    assert_eq!(p["errors"][0]["message"], "Payroll: \"payroll-app\" is line 3, which is rejected");

    let good = format!(
        "Name,Class,Tier,Visible,Runs on,Uses\r\nPayroll,business_service,2,yes,,payroll-app\r\npayroll-app,application,,,esx-01;#{esx},\r\n"
    );
    let report: Value = import(&t, &t.manager, &real, good.as_bytes()).await.json().await.unwrap();
    assert_eq!(
        (tally(&report), &report["relations"]),
        ([2, 0, 0, 0], &json!(2)),
        "esx-01 and #{esx} are one relation, uses another"
    );
    let app = report["rows"][1]["id"].as_i64().unwrap();
    let rels = t.json(&format!("/api/v1/cis/{app}/relations"), &t.agent).await;
    assert_eq!(rels.as_array().unwrap().len(), 2, "{rels}");
    let payroll = t.json(&format!("/api/v1/cis/{}", report["rows"][0]["id"]), &t.agent).await;
    assert_eq!((&payroll["tier"], &payroll["requester_visible"]), (&json!(2), &json!(true)), "{payroll}");

    // Catalog fields are a manager's; an unknown relation type is the mapping's problem.
    forbidden(
        import(&t, &t.agent, &real, good.as_bytes()).await,
        "only managers and admins can change the service catalog",
    )
    .await;
    let bad = r#"{"class": "server", "columns": {"Name": "name", "Class": "relations.powers"}}"#;
    let msg = invalid(import(&t, &t.agent, &[("mapping", bad)], b"Name,Class\r\nx,y\r\n").await, &["mapping"]).await;
    assert!(msg.contains("unknown relation type \"powers\""), "{msg}");
});
