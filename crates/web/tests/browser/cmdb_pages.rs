//! The CMDB and catalog pages over plain HTTP: the message each mistake
//! gets (a moment that is not one, a depth out of range, a bad filter, a
//! CSV file or mapping that cannot be imported) and who may see what.

use crate::cmdb_journey::load_estate;
use crate::server::{self, TestServer, client, get};
use reqwest::{Response, header};
use steward_app::incidents::{NewIncident, number};

async fn page(r: Response, status: u16) -> String {
    assert_eq!(r.status().as_u16(), status, "status of {}", r.url());
    r.text().await.unwrap()
}

/// Posts the import form: a file (if any), a mapping and the button.
async fn import(t: &TestServer, session: &(String, String), csv: Option<&str>, mapping: &str, run: &str) -> Response {
    let mut form = reqwest::multipart::Form::new()
        .text("_csrf", session.1.clone())
        .text("mapping", mapping.to_owned())
        .text("run", run.to_owned());
    if let Some(csv) = csv {
        let part =
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("cis.csv").mime_str("text/csv").unwrap();
        form = form.part("file", part);
    }
    client().post(t.url("/cmdb/import")).header(header::COOKIE, &session.0).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_ci_page_explains_a_bad_moment_or_depth() {
    let t = server::spawn().await;
    let e = load_estate(&t).await;
    let (cookie, _) = t.session("agent").await;
    let at = async |q: &str| get(&t, &format!("/cmdb/{}?{q}", e.vm), &cookie).await;

    let body = page(at("as_of=yesterday").await, 422).await;
    assert!(
        body.contains(r#"id="as-of-error">“yesterday” is not a date and time such as 2026-01-31T12:00<"#),
        "{body}"
    );
    assert!(body.contains(r#"id="ci-name">vm-12<"#), "the page is still shown, as it is now");
    let body = page(at("as_of=2999-01-01T00:00").await, 422).await;
    assert!(body.contains(r#"id="as-of-error">Is in the future<"#), "{body}");
    let body = page(at("as_of=2001-01-01T00:00").await, 422).await;
    assert!(body.contains("This item did not exist yet at that moment; showing it as it is now"), "{body}");
    let body = page(at("hops=9").await, 422).await;
    assert!(body.contains(r#"id="hops-error">Choose 1 to 4 steps<"#), "{body}");

    // A moment in the past is said in a banner, and the map's links keep it.
    let now = jiff::Timestamp::now().to_string();
    let body = page(at(&format!("as_of={now}&hops=3")).await, 200).await;
    assert!(body.contains(r#"id="as-of-banner""#) && body.contains("You are looking at this item as it was on"));
    assert!(body.contains(&format!(r#"href="/cmdb/{}?as_of="#, e.shop)) && body.contains("&amp;hops=3"), "{body}");

    for missing in ["/cmdb/999999", "/cmdb/vm-12"] {
        page(get(&t, missing, &cookie).await, 404).await;
    }
}

#[tokio::test]
async fn the_ci_list_explains_bad_filters_and_exports_the_same_selection() {
    let t = server::spawn().await;
    load_estate(&t).await;
    let (cookie, _) = t.session("agent").await;
    let body = page(get(&t, "/cmdb?status=broken&owner_group=Nobody", &cookie).await, 200).await;
    assert!(body.contains(r#"id="f-status-error">Choose a value from the list<"#), "{body}");
    assert!(body.contains(r#"id="f-owner-error">No group named Nobody<"#), "{body}");
    let body = page(get(&t, "/cmdb?class=virtual_machine", &cookie).await, 200).await;
    assert!(body.contains("vm-12") && !body.contains("esx-01"), "{body}");
    assert!(body.contains(r#"href="/api/v1/cis?format=csv&amp;class=virtual_machine""#), "{body}");
    let csv = page(get(&t, "/api/v1/cis?format=csv&class=virtual_machine", &cookie).await, 200).await;
    assert!(csv.starts_with("id,class,name,") && csv.contains("vm-12"), "{csv}");
}

#[tokio::test]
async fn an_import_says_row_by_row_what_happens_and_writes_all_or_nothing() {
    let t = server::spawn().await;
    let agent = t.session("agent").await;

    let body = page(import(&t, &agent, None, "", "dry").await, 422).await;
    assert!(body.contains(r#"id="csv-file-error">Choose a file to upload.<"#), "{body}");
    let body = page(import(&t, &agent, Some("Host\nweb-1\n"), "{not json", "dry").await, 422).await;
    assert!(body.contains(r#"id="mapping-error">"#), "{body}");
    assert!(!page(get(&t, "/cmdb/import", &agent.0).await, 200).await.contains("{&quot;"), "no JSON to write");

    let csv = "name,class,status\nweb-1,server,in_use\nweb-2,nosuchclass,in_use\n";
    let body = page(import(&t, &agent, Some(csv), "", "dry").await, 200).await;
    assert!(body.contains("Dry run: nothing was written."), "{body}");
    assert!(body.contains(r#"<tr data-line="3" class="out-reject">"#), "{body}");
    assert!(body.contains(r#"name="kept""#), "the file is kept for the real run");
    let body = page(import(&t, &agent, Some(csv), "", "import").await, 422).await;
    assert!(body.contains("Some rows have problems, so nothing was written."), "{body}");
    let list = page(get(&t, "/cmdb", &agent.0).await, 200).await;
    assert!(!list.contains("web-1"), "{list}");

    let mapping = r#"{"class": "server", "columns": {"Host": "name"}}"#;
    let body = page(import(&t, &agent, Some("Host\nweb-1\nweb-2\n"), mapping, "import").await, 200).await;
    assert!(body.contains("Imported."), "{body}");
    assert!(page(get(&t, "/cmdb", &agent.0).await, 200).await.contains("web-2"));
}

#[tokio::test]
async fn requesters_see_the_catalog_and_nothing_else_of_the_cmdb() {
    let t = server::spawn().await;
    let e = load_estate(&t).await;
    let (cookie, _) = t.session("requester").await;
    for staff in ["/cmdb", "/cmdb/import", &format!("/cmdb/{}", e.shop)] {
        let body = page(get(&t, staff, &cookie).await, 403).await;
        assert!(body.contains("This page is for the service desk"), "{staff}: {body}");
    }
    let body = page(get(&t, "/services", &cookie).await, 200).await;
    assert!(body.contains("Web Shop") && !body.contains("Data Lake") && !body.contains("Payroll Batch"), "{body}");
    page(get(&t, &format!("/services/{}", e.vm), &cookie).await, 404).await;
    let body = page(get(&t, &format!("/services/{}", e.shop), &cookie).await, 200).await;
    assert!(body.contains(r#"href="/portal/report?service=Web%20Shop""#), "{body}");

    // Staff see the whole portfolio, each service linking to its CMDB page.
    let (agent, _) = t.session("agent").await;
    let body = page(get(&t, "/services", &agent).await, 200).await;
    assert!(body.contains("Data Lake") && body.contains("Pipeline"), "{body}");
    assert!(body.contains(&format!(r#"href="/cmdb/{}""#, e.shop)), "{body}");
}

#[tokio::test]
async fn the_edit_form_offers_the_services_cis_with_the_chosen_ones_ticked() {
    let t = server::spawn().await;
    let e = load_estate(&t).await;
    let (cookie, csrf) = t.session("agent").await;
    let agent = t.app.session_actor(&cookie["steward_session=".len()..]).await.unwrap().0;
    let n =
        NewIncident { title: "Slow".into(), service: Some("Web Shop".into()), cis: vec![e.vm], ..Default::default() };
    let n = number(t.app.create_incident(&agent, n).await.unwrap().number);

    let body = page(get(&t, &format!("/incidents/{n}/edit"), &cookie).await, 200).await;
    assert!(body.contains(&format!(r#"<option value="Web Shop" data-id="{}" selected>"#, e.shop)), "{body}");
    let picker = body.split(r#"id="ci-picker""#).nth(1).unwrap();
    assert!(picker.contains(&format!(r#"value="{}" checked"#, e.vm)), "{picker}");
    assert!(picker.contains("checkout") && picker.contains("esx-01"), "{picker}");

    // Nothing ticked: the incident names no CI any more; a bad id is said.
    let form = |cis: &'static str| {
        let mut f = vec![("_csrf", csrf.clone()), ("version", "1".into()), ("title", "Slow".into())];
        f.extend([("impact", "3"), ("urgency", "3"), ("service", "Web Shop")].map(|(k, v)| (k, v.to_owned())));
        if !cis.is_empty() {
            f.push(("cis", cis.to_owned()));
        }
        f
    };
    let r = client()
        .post(t.url(&format!("/incidents/{n}/edit")))
        .header(header::COOKIE, &cookie)
        .form(&form("x"))
        .send()
        .await
        .unwrap();
    assert!(page(r, 422).await.contains("No CI x"));
    let r = client()
        .post(t.url(&format!("/incidents/{n}/edit")))
        .header(header::COOKIE, &cookie)
        .form(&form(""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let inc = t.app.get_incident(&agent, &n).await.unwrap();
    assert!(t.app.incident_cis(&agent, inc.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_relation_names_its_other_end_and_asks_which_when_several_fit() {
    let t = server::spawn().await;
    let e = load_estate(&t).await;
    let twin =
        |class: &str| steward_app::cmdb::CiInput { class: class.into(), name: "db-01".into(), ..Default::default() };
    let batch = steward_app::cmdb::Batch { items: vec![twin("database"), twin("server")], relations: vec![] };
    let report = t.app.upsert_cis(&steward_app::Actor::operator(), batch).await.unwrap();
    let (database, server_id) = (report.items[0].id, report.items[1].id);
    let (cookie, csrf) = t.session("agent").await;
    let relate = async |other: &str| {
        let form = [("_csrf", csrf.as_str()), ("direction", "out"), ("kind", "depends_on"), ("other", other)];
        server::post(&t, &format!("/cmdb/{}/relations", e.vm), &cookie, &form).await
    };

    // Two items of that name: the page asks which, keeping the choices made.
    let body = page(relate("DB-01").await, 422).await;
    assert!(body.contains("More than one item fits “DB-01”: choose one."), "{body}");
    for id in [database, server_id] {
        assert!(body.contains(&format!(r##"type="radio" name="other" value="#{id}""##)), "{body}");
    }
    assert!(body.contains(r#"<option value="depends_on" selected>"#), "{body}");
    // Nothing of that name: said beside the field, the text kept.
    let body = page(relate("nothing-here").await, 422).await;
    assert!(body.contains(r#"id="rel-other-error">No configuration item is named “nothing-here”.<"#), "{body}");
    assert!(body.contains(r#"value="nothing-here""#), "{body}");
    let body = page(relate("  ").await, 422).await;
    assert!(body.contains(r#"id="rel-other-error">Is required<"#), "{body}");

    // One name, any case, or the chosen one: added.
    let r = relate("ESX-01").await;
    assert_eq!(r.status().as_u16(), 303);
    let r = relate(&format!("#{server_id}")).await;
    assert_eq!(r.status().as_u16(), 303);
    let rels = t.app.ci_relations(&steward_app::Actor::operator(), e.vm, None).await.unwrap();
    let ends: Vec<&str> = rels.iter().filter(|r| r.kind == "depends_on").map(|r| r.to.name.as_str()).collect();
    assert_eq!(ends.len(), 2, "{ends:?}");
    assert!(ends.contains(&"esx-01") && ends.contains(&"db-01"), "{ends:?}");
}

/// Posts the import form with the columns chosen in its mapping form.
async fn import_mapped(
    t: &TestServer,
    session: &(String, String),
    csv: &str,
    map: &[(&str, &str)],
    run: &str,
) -> Response {
    let part =
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("hosts.csv").mime_str("text/csv").unwrap();
    let mut form =
        reqwest::multipart::Form::new().text("_csrf", session.1.clone()).part("file", part).text("run", run.to_owned());
    for (k, v) in map {
        form = form.text(k.to_string(), v.to_string());
    }
    client().post(t.url("/cmdb/import")).header(header::COOKIE, &session.0).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn an_imports_columns_are_mapped_in_a_form_after_the_upload() {
    let t = server::spawn().await;
    let agent = t.session("agent").await;
    let before = page(get(&t, "/cmdb/import", &agent.0).await, 200).await;
    assert!(before.contains(r#"id="columns-later""#) && !before.contains("map_0"), "{before}");
    // The form carries its token as its first field, not in its address.
    assert!(before.contains(r#"action="/cmdb/import"><input type="hidden" name="_csrf""#), "{before}");
    let unsigned = reqwest::multipart::Form::new().text("_csrf", "forged").text("run", "dry");
    let r = client().post(t.url("/cmdb/import")).header(header::COOKIE, &agent.0).multipart(unsigned).send().await;
    assert_eq!(r.unwrap().status().as_u16(), 403);

    // The upload shows each column with a select, guessed from its header
    // (here the file's own headers name no attribute: said, and chosen next).
    let csv = "Host,Serial,name\nweb-1,SN-1,x\n";
    let body = page(import_mapped(&t, &agent, csv, &[], "dry").await, 422).await;
    assert!(body.contains(r#"<label for="map-0">Host</label>"#), "{body}");
    assert!(body.contains(r#"<select id="map-1" name="map_1"><option value="ignore" selected>"#), "{body}");
    assert!(
        body.contains(r#"<option value="attributes.serial_number">Serial number (serial_number)</option>"#),
        "{body}"
    );
    let third = body.split(r#"name="map_2""#).nth(1).unwrap();
    assert!(third.split("</select>").next().unwrap().contains(r#"<option value="name" selected>"#), "{third}");

    // Chosen: Host is the name, Serial the serial number, the rest ignored.
    let map = [("map_class", "server"), ("map_0", "name"), ("map_1", "attributes.serial_number"), ("map_2", "ignore")];
    let body = page(import_mapped(&t, &agent, csv, &map, "import").await, 200).await;
    assert!(body.contains("Imported."), "{body}");
    assert!(body.contains(r#"<option value="server" selected>"#), "the choices stay: {body}");
    let list = page(get(&t, "/api/v1/cis?q=web-1", &agent.0).await, 200).await;
    assert!(list.contains(r#""serial_number":"SN-1""#) && list.contains(r#""class":"server""#), "{list}");

    // A target that is none is said beside the columns.
    let bad = [("map_class", "server"), ("map_0", "name"), ("map_1", "attributes.nope"), ("map_2", "ignore")];
    let body = page(import_mapped(&t, &agent, csv, &bad, "dry").await, 422).await;
    assert!(body.contains(r#"id="mapping-error""#), "{body}");
}

#[tokio::test]
async fn catalog_fields_and_relations_are_mapped_in_the_import_form() {
    let t = server::spawn().await;
    let admin = t.session("admin").await;
    let csv = "Service,Kind,Visible,Tier,Portfolio,Runs on\n\
        Payroll,business_service,yes,2,live,pay-01\n\
        pay-01,server,,,,\n";
    let body = page(import_mapped(&t, &admin, csv, &[], "dry").await, 422).await;
    // Each catalog field and each relation type is a choice; Tier is guessed.
    for option in [
        r#"<option value="requester_visible">Visible to requesters</option>"#,
        r#"<option value="portfolio_status">"#,
        r#"<option value="relations.runs_on">Relation: runs on (CI names, separated by ;)</option>"#,
        r#"<option value="relations.depends_on">"#,
    ] {
        assert!(body.contains(option), "{option}: {body}");
    }
    let tier = body.split(r#"name="map_3""#).nth(1).unwrap();
    assert!(tier.split("</select>").next().unwrap().contains(r#"<option value="tier" selected>"#), "{tier}");

    let map = [
        ("map_0", "name"),
        ("map_1", "class"),
        ("map_2", "requester_visible"),
        ("map_3", "tier"),
        ("map_4", "portfolio_status"),
        ("map_5", "relations.runs_on"),
    ];
    let body = page(import_mapped(&t, &admin, csv, &map, "dry").await, 200).await;
    assert!(body.contains(r#"<p id="import-relations">Relations in the file: 1</p>"#), "{body}");
    let body = page(import_mapped(&t, &admin, csv, &map, "import").await, 200).await;
    assert!(body.contains(r#"<p id="import-relations">Relations added: 1</p>"#), "{body}");
    let list = page(get(&t, "/api/v1/cis?q=Payroll", &admin.0).await, 200).await;
    assert!(list.contains(r#""tier":2"#) && list.contains(r#""portfolio_status":"live""#), "{list}");
    let found: serde_json::Value = serde_json::from_str(&list).unwrap();
    let payroll = found["items"][0]["id"].as_i64().unwrap();
    let rels = t.app.ci_relations(&steward_app::Actor::operator(), payroll, None).await.unwrap();
    assert_eq!(rels.iter().map(|r| (r.kind, r.to.name.as_str())).collect::<Vec<_>>(), [("runs_on", "pay-01")]);

    // A rejected row is named by its CI; catalog fields on a server are refused.
    let bad = "Service,Kind,Visible,Tier,Portfolio,Runs on\nmail-01,server,,3,,\n";
    let body = page(import_mapped(&t, &admin, bad, &map, "dry").await, 200).await;
    let row = body.split(r#"data-line="2""#).nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(row.contains("mail-01") && row.contains("only services have catalog fields"), "{row}");

    // An agent may import CIs but not a service's catalog fields.
    let agent = t.session("agent").await;
    let r = import_mapped(&t, &agent, csv, &map, "dry").await;
    assert_eq!(r.status().as_u16(), 403);
}
