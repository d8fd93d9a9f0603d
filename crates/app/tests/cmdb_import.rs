//! The CMDB's CSV import as a use case: rejected rows named by their CI,
//! catalog fields and relations from columns, dry run and real run. On
//! SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::app;
use std::net::IpAddr;
use steward_app::{Actor, AppConfig, AppError, cmdb::upsert::Batch};

const IP: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

/// (line, name, outcome, problem fields) of each row.
fn rows(r: &steward_app::cmdb::import::ImportReport) -> Vec<(usize, String, &'static str, Vec<String>)> {
    r.rows
        .iter()
        .map(|r| (r.line, r.name.clone(), r.outcome, r.problems.iter().map(|p| p.field.clone()).collect()))
        .collect()
}

fn s(x: &str) -> String {
    x.to_owned()
}

both!(a_rejected_row_is_named_by_its_ci, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let (agent, _) = app.login("agent", "a long password", IP).await.unwrap();
    let csv = "name,class,status,serial_number,cpu_count\r\n\
        web01,server,in_use,SN1,4\r\n\
        bad01,server,in_use,SN2,four\r\n\
        ,server,broken,SN3,2\r\n\
        bad03,server,,sn1,2\r\n";
    let r = app.import_csv(&agent, csv.as_bytes(), None, true).await.unwrap();
    assert_eq!(
        rows(&r),
        [
            (2, s("web01"), "create", vec![]),
            (3, s("bad01"), "reject", vec![s("attributes.cpu_count")]),
            (4, s("serial_number SN3"), "reject", vec![s("status"), s("name")]),
            (5, s("bad03"), "reject", vec![s("attributes.serial_number")]),
        ]
    );
    // The real run refuses, each problem naming the row's line and its CI.
    let Err(AppError::Invalid(errs)) = app.import_csv(&agent, csv.as_bytes(), None, false).await else {
        panic!("the real run is refused")
    };
    let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
    assert_eq!(got[0], ("rows[3].attributes.cpu_count", "bad01: \"four\" is not a whole number"));
    assert_eq!(got[2].0, "rows[4].name");
    assert!(got[1].1.starts_with("serial_number SN3: "), "{got:?}");
    assert_eq!(got[3].0, "rows[5].attributes.serial_number");
    assert!(got[3].1.starts_with("bad03: "), "{got:?}");
});

both!(relations_and_catalog_fields_come_from_columns, |pg| async move {
    let (app, _d) = app(pg, AppConfig::default()).await;
    let (agent, _) = app.login("agent", "a long password", IP).await.unwrap();
    let admin = Actor::operator();
    // Stored before: a server, and two retired-or-not CIs sharing a name.
    let batch: Batch = serde_json::from_value(serde_json::json!({"items": [
        {"class": "server", "name": "db01", "attributes": {"serial_number": "SN9"}},
        {"class": "server", "name": "twin", "attributes": {"serial_number": "T1"}},
        {"class": "server", "name": "twin", "attributes": {"serial_number": "T2"}},
        {"class": "server", "name": "old", "status": "retired", "attributes": {"serial_number": "O1"}},
        {"class": "server", "name": "old", "attributes": {"serial_number": "O2"}}]}))
    .unwrap();
    let stored = app.upsert_cis(&admin, batch).await.unwrap();
    let (db01, twin1, old_live) = (stored.items[0].id, stored.items[1].id, stored.items[4].id);
    let mapping = r#"{"columns": {"Name": "name", "Class": "class", "Serial": "attributes.serial_number",
        "Visible": "requester_visible", "Tier": "tier", "Portfolio": "portfolio_status",
        "Runs on": "relations.runs_on", "Depends on": "relations.depends_on"}}"#;
    let csv = format!(
        "Name,Class,Serial,Visible,Tier,Portfolio,Runs on,Depends on\r\n\
         Shop,business_service,,yes,1,live,,Shop app\r\n\
         Shop app,application,,,,,web01; DB01; old,\r\n\
         web01,server,SN1,,,,,\r\n\
         Broken app,application,,,,,twin,#{twin1}\r\n\
         Lost app,application,,,,,nowhere,\r\n"
    );
    // Catalog fields are a manager's: an agent is refused outright.
    let e = app.import_csv(&agent, csv.as_bytes(), Some(mapping), true).await.unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)), "{e}");

    let dry = app.import_csv(&admin, csv.as_bytes(), Some(mapping), true).await.unwrap();
    assert_eq!(
        rows(&dry),
        [
            (2, s("Shop"), "create", vec![]),
            (3, s("Shop app"), "create", vec![]),
            (4, s("web01"), "create", vec![]),
            (5, s("Broken app"), "reject", vec![s("relations.runs_on")]),
            (6, s("Lost app"), "reject", vec![s("relations.runs_on")]),
        ]
    );
    let why = |i: usize| dry.rows[i].problems[0].message.clone();
    assert!(why(3).starts_with("2 CIs are named \"twin\" (#"), "{}", why(3));
    assert_eq!(why(4), "no CI named \"nowhere\" in the CMDB or this file");
    assert_eq!(dry.relations, 4, "Shop → Shop app, Shop app → web01, db01 and the live \"old\"");

    // Without the rows that cannot be resolved, the file goes in.
    let good: String =
        csv.lines().filter(|l| !l.starts_with("Broken") && !l.starts_with("Lost")).map(|l| format!("{l}\n")).collect();
    let done = app.import_csv(&admin, good.as_bytes(), Some(mapping), false).await.unwrap();
    assert_eq!((done.created, done.rejected, done.relations), (3, 0, 4));
    let id = |name: &str| done.rows.iter().find(|r| r.name == name).unwrap().id.unwrap();
    let rels = app.ci_relations(&admin, id("Shop app"), None).await.unwrap();
    let mut out: Vec<(&str, i64, i64)> = rels.iter().map(|r| (r.kind, r.from.id, r.to.id)).collect();
    out.sort();
    let mut want = vec![
        ("depends_on", id("Shop"), id("Shop app")),
        ("runs_on", id("Shop app"), id("web01")),
        ("runs_on", id("Shop app"), db01),
        ("runs_on", id("Shop app"), old_live),
    ];
    want.sort();
    assert_eq!(out, want);
    let shop = app.ci(&admin, id("Shop"), None).await.unwrap().row;
    assert_eq!((shop.requester_visible, shop.tier, shop.portfolio_status.as_deref()), (1, Some(1), Some("live")));

    // Again: nothing new, no relation added twice.
    let again = app.import_csv(&admin, good.as_bytes(), Some(mapping), false).await.unwrap();
    assert_eq!((again.unchanged, again.relations), (3, 0));
});
