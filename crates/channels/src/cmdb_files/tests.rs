use serde_json::{Map, Value, json};
use steward_domain::cmdb::{CiDraft, CiStatus, Class, Criticality, PortfolioStatus, RelationType, Schema, builtin};

use super::*;

/// The built-in classes plus one with every attribute type.
fn schema() -> Schema {
    let kit: Class = serde_json::from_value(json!({
        "key": "kit", "name": "Kit", "attributes": [
            {"name": "bought", "type": "date"},
            {"name": "weight", "type": "decimal"},
            {"name": "spare", "type": "boolean"},
            {"name": "count", "type": "integer"},
            {"name": "colour", "type": "enum", "values": ["red", "blue"]},
            {"name": "host", "type": "reference", "class": "server"},
            {"name": "note", "type": "text"},
            {"name": "tag", "type": "text", "required": true}
        ]
    }))
    .unwrap();
    let mut classes = builtin();
    classes.push(kit);
    Schema::new(classes).unwrap()
}

/// CI 7 is a server, CI 8 a database; nothing else exists.
fn class_of(id: i64) -> Option<String> {
    match id {
        7 => Some("server".into()),
        8 => Some("database".into()),
        _ => None,
    }
}

fn read(csv: &str, mapping: &Mapping) -> Result<Vec<Row>, FileError> {
    read_csv(csv.as_bytes(), mapping, &schema(), &class_of, 1000)
}

fn identity(csv: &str) -> Result<Vec<Row>, FileError> {
    read(csv, &Mapping::identity(&read_headers(csv.as_bytes()).unwrap()))
}

fn ok(rows: &[Row]) -> Vec<CiDraft> {
    rows.iter().map(|r| r.result.clone().unwrap_or_else(|p| panic!("line {}: {p:?}", r.line))).collect()
}

/// The (field, reason) pairs of a row that failed.
fn problems(row: &Row) -> Vec<(String, String)> {
    row.result.clone().unwrap_err().into_iter().map(|p| (p.field, p.reason.text)).collect()
}

fn attrs(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn a_mapping_reads_from_json_in_order() {
    let m = Mapping::from_json(
        r#"{"class":"server","columns":{"Host":"name","Serial":"attributes.serial_number","OS":"attributes.operating_system","Notes":"ignore"}}"#,
    )
    .unwrap();
    assert_eq!(m.class.as_deref(), Some("server"));
    let got: Vec<(&str, String)> = m.columns.iter().map(|(h, t)| (h.as_str(), t.to_string())).collect();
    assert_eq!(
        got,
        [
            ("Host", "name".into()),
            ("Serial", "attributes.serial_number".into()),
            ("OS", "attributes.operating_system".into()),
            ("Notes", "ignore".into())
        ]
    );
    let csv = "Host,Serial,OS,Notes\nweb01,SN1,Debian 12,racked by Bob\n";
    let d = &ok(&read(csv, &m).unwrap())[0];
    assert_eq!((d.class.as_str(), d.name.as_str()), ("server", "web01"));
    assert_eq!(d.attributes, attrs(json!({"serial_number": "SN1", "operating_system": "Debian 12"})));
}

#[test]
fn a_bad_mapping_says_what_is_wrong() {
    let err = |json: &str| Mapping::from_json(json).unwrap_err().to_string();
    assert!(err(r#"{"columns":{"A":"colour"}}"#).contains("\"colour\" is not a field"));
    assert!(err(r#"{"columns":{"A":"attributes."}}"#).contains("needs an attribute name"));
    assert!(err(r#"{"columns":{"A":"name","A":"vendor"}}"#).contains("column \"A\" is mapped twice"));
    assert!(err(r#"{"columns":{},"klass":"server"}"#).contains("unknown field `klass`"));
}

#[test]
fn identity_maps_fixed_fields_and_attributes() {
    let m = Mapping::identity(&["id", "name", "class", "owner_group", "serial_number", ""]);
    let targets: Vec<Target> = m.columns.into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        targets,
        [
            Target::Ignore,
            Target::Name,
            Target::Class,
            Target::OwnerGroup,
            Target::Attribute("serial_number".into()),
            Target::Ignore
        ]
    );
}

#[test]
fn file_errors_name_what_is_wrong() {
    let server =
        Mapping::from_json(r#"{"class":"server","columns":{"Host":"name","OS":"attributes.operating_system"}}"#)
            .unwrap();
    let e = |csv: &str| read(csv, &server).unwrap_err();

    assert_eq!(e(""), FileError::Empty);
    assert_eq!(e("\u{FEFF}"), FileError::Empty);
    assert_eq!(e(" \r\n\n"), FileError::Empty);
    assert_eq!(e("Host,OS\r\n"), FileError::NoRows);
    assert_eq!(e("Host\nweb01\n"), FileError::MissingColumn("OS".into()));
    assert_eq!(e("Host,OS,Host\na,b,c\n"), FileError::DuplicateHeader("Host".into()));
    assert_eq!(e("Host,OS,Rack\na,b,c\n"), FileError::UnmappedColumn("Rack".into()));
    assert_eq!(e("Host,OS\na,b\nc,d,e\n"), FileError::FieldCount { line: 3, expected: 2, found: 3 });
    assert_eq!(e("Host,OS\na,b\nc\n"), FileError::FieldCount { line: 3, expected: 2, found: 1 });
    let many = format!("Host,OS\n{}", "a,b\n".repeat(1001));
    assert_eq!(e(&many), FileError::TooManyRows { limit: 1000 });

    let no_name = Mapping::from_json(r#"{"class":"server","columns":{"Host":"vendor"}}"#).unwrap();
    assert_eq!(read("Host\na\n", &no_name).unwrap_err(), FileError::NoName);
    let no_class = Mapping::from_json(r#"{"columns":{"Host":"name"}}"#).unwrap();
    assert_eq!(read("Host\na\n", &no_class).unwrap_err(), FileError::NoClass);
    let unknown_class = Mapping::from_json(r#"{"class":"toaster","columns":{"Host":"name"}}"#).unwrap();
    assert_eq!(read("Host\na\n", &unknown_class).unwrap_err(), FileError::Mapping("no class \"toaster\"".into()));
    let twice = Mapping::from_json(r#"{"class":"server","columns":{"A":"name","B":"name"}}"#).unwrap();
    assert_eq!(read("A,B\na,b\n", &twice).unwrap_err().to_string(), "column \"A\": fills name, as column \"B\" does");
    let lacking = Mapping::from_json(r#"{"class":"server","columns":{"A":"name","B":"attributes.colour"}}"#).unwrap();
    assert_eq!(
        read("A,B\na,b\n", &lacking).unwrap_err().to_string(),
        "column \"B\": server has no attribute \"colour\""
    );
    // Built in code, an empty attribute name is still caught.
    let empty = Mapping {
        columns: vec![("A".into(), Target::Name), ("B".into(), Target::Attribute(String::new()))],
        class: Some("server".into()),
    };
    assert!(matches!(read("A,B\na,b\n", &empty), Err(FileError::BadTarget { column, .. }) if column == "B"));
}

#[test]
fn not_utf8_gives_offset_and_line() {
    let mut bytes = b"name,class\nweb01,server\ncaf".to_vec();
    bytes.push(0xE9); // Latin-1 "é"
    bytes.extend_from_slice(b",server\n");
    let m = Mapping::identity(&["name", "class"]);
    let err = read_csv(&bytes, &m, &schema(), &class_of, 10).unwrap_err();
    assert_eq!(err, FileError::NotUtf8 { offset: 27, line: 3 });
    assert!(err.to_string().contains("offset 27, line 3"));
    // Behind a BOM the offset still counts from the file's start.
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &bytes].concat();
    assert_eq!(
        read_csv(&with_bom, &m, &schema(), &class_of, 10).unwrap_err(),
        FileError::NotUtf8 { offset: 30, line: 3 }
    );
    assert_eq!(read_headers(&with_bom[..20]).unwrap(), ["name", "class"]);
}

#[test]
fn bom_crlf_quotes_and_line_numbers() {
    let csv = "\u{FEFF}name,class,operating_system\r\n\
               \"web, the first\",server,\"Debian\r\nGNU/Linux\"\r\n\
               \r\n\
               \"say \"\"hi\"\"\",server,\r\n";
    let rows = identity(csv).unwrap();
    assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 5]);
    let d = ok(&rows);
    assert_eq!(d[0].name, "web, the first");
    assert_eq!(d[0].attributes["operating_system"], "Debian\r\nGNU/Linux");
    assert_eq!(d[1].name, "say \"hi\"");
    assert!(d[1].attributes.is_empty(), "an empty cell is absent");
}

#[test]
fn cells_are_converted_by_type() {
    let csv = "name,class,bought,weight,spare,count,colour,host,note,tag\n\
               a,kit,2026-01-31,1.5,Yes,-3,red,7,  as is ,t\n\
               b,kit,,2,0,,,,,t\n";
    let d = ok(&identity(csv).unwrap());
    assert_eq!(
        d[0].attributes,
        attrs(json!({"bought": "2026-01-31", "weight": 1.5, "spare": true, "count": -3, "colour": "red",
                     "host": 7, "note": "  as is ", "tag": "t"}))
    );
    assert_eq!(d[1].attributes, attrs(json!({"weight": 2, "spare": false, "tag": "t"})));
}

#[test]
fn each_bad_cell_is_named_by_its_field() {
    let csv = "name,class,status,criticality,bought,weight,spare,count,colour,host,note,tag\n\
               a,kit,broken,huge,31/01/2026,\"1,5\",maybe,four,green,x,,t\n\
               b,kit,,,2026-02-30,NaN,,1.5,,8,,\n\
               c,kit,,,,,,,,99,,t\n";
    let rows = identity(csv).unwrap();
    assert_eq!(
        problems(&rows[0]),
        [
            ("status".into(), "\"broken\" is not one of planned, in_use, maintenance, retired".into()),
            ("criticality".into(), "\"huge\" is not one of low, medium, high, critical".into()),
            ("attributes.bought".into(), "\"31/01/2026\" is not a date such as 2026-01-31".into()),
            ("attributes.weight".into(), "\"1,5\": write decimals with a point, e.g. 1.5".into()),
            ("attributes.spare".into(), "\"maybe\" is not true or false (also yes/no, 1/0)".into()),
            ("attributes.count".into(), "\"four\" is not a whole number".into()),
            ("attributes.colour".into(), "\"green\" is not one of red, blue".into()),
            ("attributes.host".into(), "\"x\" is not a CI id".into()),
        ]
    );
    let fields = |row: &Row| problems(row).into_iter().map(|(f, _)| f).collect::<Vec<_>>();
    // No 30 February; no NaN in JSON; a reference to a CI of the wrong
    // class; a required attribute missing (the schema's own check).
    assert_eq!(
        fields(&rows[1]),
        ["attributes.bought", "attributes.weight", "attributes.count", "attributes.host", "attributes.tag"]
    );
    assert_eq!(problems(&rows[1])[3].1, "CI 8 is a database, not a server");
    assert_eq!(problems(&rows[2]), [("attributes.host".into(), "no CI 99".into())]);
}

#[test]
fn unknown_classes_and_attributes_are_row_problems() {
    let csv = "name,class,cpu_count,engine\n\
               web01,server,4,\n\
               db01,database,,postgres\n\
               x,toaster,2,\n\
               ,server,,\n\
               y,,,\n\
               web02,server,2,mysql\n";
    let rows = identity(csv).unwrap();
    assert!(rows[0].result.is_ok() && rows[1].result.is_ok(), "an empty cell of another class's column is fine");
    assert_eq!(problems(&rows[2]), [("class".into(), "no class \"toaster\"".into())]);
    assert_eq!(problems(&rows[3]), [("name".into(), "is required".into())]);
    assert_eq!(problems(&rows[4]), [("class".into(), "is required".into())]);
    assert_eq!(problems(&rows[5]), [("attributes.engine".into(), "server has no attribute \"engine\"".into())]);
}

#[test]
fn a_fixed_class_fills_rows_without_one() {
    let m = Mapping::from_json(r#"{"class":"server","columns":{"n":"name","c":"class"}}"#).unwrap();
    let d = ok(&read("n,c\na,\nb,virtual_machine\n", &m).unwrap());
    assert_eq!((d[0].class.as_str(), d[1].class.as_str()), ("server", "virtual_machine"));
}

fn sample() -> Vec<ExportCi> {
    let ci = |id: i64, class: &str, name: &str, a: Value| ExportCi {
        id,
        class: class.into(),
        name: name.into(),
        status: "in_use".into(),
        criticality: "high".into(),
        owner_group: Some("Unix, \"core\" team".into()),
        location: None,
        vendor: Some("@vendor".into()),
        attributes: attrs(a),
    };
    vec![
        ci(1, "server", "web01", json!({"cpu_count": 4, "operating_system": "Debian\nGNU/Linux", "hostname": "web01"})),
        ci(
            2,
            "kit",
            "=HYPERLINK(\"http://evil\")",
            json!({"count": -5, "weight": 2.5, "spare": false, "note": "-5",
                                                       "bought": "2026-01-31", "host": 7, "tag": "'=x"}),
        ),
        ci(3, "kit", "+1", json!({"weight": 3, "tag": "'quoted"})),
    ]
}

#[test]
fn export_guards_text_that_would_run_as_a_formula() {
    let columns = ["count", "note", "tag", "weight"].map(String::from);
    let csv = write_csv(&sample(), &columns);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "id,class,name,status,criticality,owner_group,location,vendor,count,note,tag,weight");
    assert_eq!(
        lines[2],
        "2,kit,\"'=HYPERLINK(\"\"http://evil\"\")\",in_use,high,\"Unix, \"\"core\"\" team\",,'@vendor,-5,'-5,''=x,2.5"
    );
    assert_eq!(lines[3], "3,kit,'+1,in_use,high,\"Unix, \"\"core\"\" team\",,'@vendor,,,'quoted,3");
}

#[test]
fn an_export_reimports_as_the_same_drafts() {
    let columns =
        ["bought", "count", "cpu_count", "host", "hostname", "note", "operating_system", "spare", "tag", "weight"]
            .map(String::from);
    let cis = sample();
    let csv = write_csv(&cis, &columns);
    let got = ok(&identity(&csv).unwrap());
    let want: Vec<CiDraft> = cis
        .into_iter()
        .map(|c| CiDraft {
            class: c.class,
            name: c.name,
            status: Some(CiStatus::parse(&c.status).unwrap()),
            criticality: Some(Criticality::parse(&c.criticality).unwrap()),
            owner_group: c.owner_group,
            location: c.location,
            vendor: c.vendor,
            attributes: c.attributes,
        })
        .collect();
    assert_eq!(got, want);
}

#[test]
fn json_export_holds_every_field() {
    let cis = sample();
    let back: Vec<ExportCi> = serde_json::from_str(&write_json(&cis)).unwrap();
    assert_eq!(back, cis);
    assert_eq!(write_json(&[]), "[]");
}

#[test]
fn ten_thousand_rows() {
    // Timed by hand in release: well under a second (the test checks counts).
    let mut csv = String::from("name,class,status,hostname,serial_number,cpu_count,memory_mb,hypervisor\n");
    for i in 0..10_000 {
        let cpus = if i % 1000 == 999 { "many".to_owned() } else { (i % 64).to_string() };
        csv.push_str(&format!("vm{i},virtual_machine,in_use,vm{i}.example,SN{i:05},{cpus},{},kvm\n", 1024 * (i % 8)));
    }
    let m = Mapping::identity(&read_headers(csv.as_bytes()).unwrap());
    let rows = read_csv(csv.as_bytes(), &m, &schema(), &class_of, 10_000).unwrap();
    assert_eq!(rows.len(), 10_000);
    assert_eq!(rows.iter().filter(|r| r.result.is_err()).count(), 10);
    assert_eq!(rows[9999].line, 10_001);
}

#[test]
fn a_rejected_row_is_named_by_its_ci() {
    let csv = "name,class,status,serial_number\r\nweb01,server,broken,SN1\r\n,server,in_use,SN2\r\n,server,,\r\n";
    let rows = identity(csv).unwrap();
    let named: Vec<(&str, bool)> = rows.iter().map(|r| (r.name.as_str(), r.result.is_ok())).collect();
    assert_eq!(named, [("web01", false), ("serial_number SN2", false), ("", false)]);
    assert_eq!(
        problems(&rows[0]),
        [("status".into(), "\"broken\" is not one of planned, in_use, maintenance, retired".into())]
    );
}

#[test]
fn catalog_fields_and_relations_map_from_columns() {
    let m = Mapping::from_json(
        r#"{"columns": {"Service": "name", "Class": "class", "Visible": "requester_visible", "Tier": "tier",
            "Portfolio": "portfolio_status", "Runs on": "relations.runs_on", "Uses": "relations.uses"}}"#,
    )
    .unwrap();
    let csv = "Service,Class,Visible,Tier,Portfolio,Runs on,Uses\r\n\
        Shop,business_service,yes,1,live, web01 ; #7 ;,\r\n\
        Mail,technical_service,no,,pipeline,,Shop\r\n\
        web02,server,yes,5,sold,,\r\n";
    let rows = read(csv, &m).unwrap();
    assert!(rows[0].result.is_ok(), "{:?}", rows[0].result);
    assert_eq!(
        rows[0].extra,
        Extra {
            requester_visible: Some(true),
            tier: Some(1),
            portfolio_status: Some(PortfolioStatus::Live),
            relations: vec![(RelationType::RunsOn, "web01".into()), (RelationType::RunsOn, "#7".into())],
        }
    );
    assert_eq!(rows[1].extra.relations, [(RelationType::Uses, "Shop".to_owned())]);
    assert_eq!((rows[1].extra.requester_visible, rows[1].extra.tier), (Some(false), None));
    let fields: Vec<String> = problems(&rows[2]).into_iter().map(|p| p.0).collect();
    assert_eq!(fields, ["tier", "portfolio_status", "requester_visible"], "{:?}", problems(&rows[2]));
    assert_eq!(rows[2].name, "web02");
    let m = Mapping::from_json(r#"{"class": "server", "columns": {"n": "name", "x": "relations.teleports_to"}}"#);
    assert!(matches!(m, Err(FileError::Mapping(e)) if e.contains("unknown relation type \"teleports_to\"")));
    assert_eq!(Target::parse("relations.runs_on").unwrap().to_string(), "relations.runs_on");
}
