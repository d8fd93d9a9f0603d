//! Incident exports (issue 14): CSV streamed page by page with the list's
//! filters and sort, text a spreadsheet would run guarded; XLSX read back
//! by Python's openpyxl with numbers as numbers and times as dates;
//! requesters export their own; paging, bad filters and unknown parameters
//! refused beside their names. Both backends.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

async fn export(t: &TestApp, path: &str, token: &str) -> reqwest::Response {
    t.get(&format!("/api/v1/incidents/{path}"), token).await
}

/// The sheets of an XLSX file as openpyxl reads them.
pub(crate) fn read_xlsx(bytes: &[u8]) -> Value {
    python_reads("xlsx_read.py", bytes).unwrap_or_else(|e| panic!("openpyxl refused the file: {e}"))
}

both!(csv_and_xlsx_exports_follow_the_lists_filters, |t| {
    let a = num(&t
        .incident(
            &t.agent,
            json!({"title": "Mail, \"down\"", "impact": 1, "urgency": 1, "assignment_group": "Service Desk"}),
        )
        .await);
    let b = num(&t.incident(&t.requester, json!({"title": "=HYPERLINK(\"http://x\")"})).await);
    t.incident(&t.agent, json!({"title": "VPN slow", "impact": 2, "urgency": 2})).await;

    let r = export(&t, "export.csv?sort=number", &t.agent).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment; filename=\"incidents-") && disposition.ends_with(".csv\""));
    let text = r.text().await.unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("number,title,state,hold_reason,priority,impact,urgency,major,requester,"), "{text}");
    // Quoted as RFC 4180 says; the formula guarded with a leading '.
    assert!(lines[1].starts_with(&format!("{a},\"Mail, \"\"down\"\"\",new,,1,1,1,0,")), "{}", lines[1]);
    // Names read beside the rows: the requester and the group.
    assert!(lines[1].contains(",agent user,") && lines[1].contains(",Service Desk,"), "{}", lines[1]);
    assert!(lines[2].starts_with(&format!("{b},\"'=HYPERLINK(\"\"http://x\"\")\",new,")), "{}", lines[2]);
    // (The third has no comma in its title, so a plain split finds its cells.)
    let opened = lines[3].split(',').nth(16).unwrap_or_default();
    assert!(opened.ends_with('Z') && opened.len() == 20, "RFC 3339 in UTC: {}", lines[3]);

    // The list's filters: priority 1 only.
    let text = export(&t, "export.csv?priority=1", &t.agent).await.text().await.unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    // A requester exports their own only.
    let text = export(&t, "export.csv", &t.requester).await.text().await.unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.contains(&b));

    // XLSX, read back by openpyxl.
    let r = export(&t, "export.xlsx?sort=number", &t.manager).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let book = read_xlsx(&r.bytes().await.unwrap());
    let sheet = &book["sheets"][0];
    assert_eq!(sheet["title"], "Incidents");
    let rows = sheet["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!((rows[0][0].as_str(), rows[0][16].as_str()), (Some("number"), Some("opened_at")));
    assert_eq!(rows[1][0], a.as_str());
    assert_eq!(rows[1][1], "Mail, \"down\"", "text as it is, no quoting");
    assert_eq!(rows[2][1], "=HYPERLINK(\"http://x\")", "text cells never run");
    assert_eq!(rows[1][4], 1, "a number");
    let at = rows[1][16].as_str().unwrap();
    assert!(at.len() == 19 && at.contains('T'), "a date: {at}");
    assert!(rows[1][17].is_null(), "no first response yet");
});

both!(an_export_reads_every_page, |t| {
    steward_app::seed::bulk_incidents(&t.app, 4_100, |_| {}).await.unwrap();
    let text = export(&t, "export.csv?sort=-opened", &t.admin).await.text().await.unwrap();
    let numbers: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(numbers.len(), 4_100, "three pages of 2,000");
    let distinct: std::collections::BTreeSet<&&str> = numbers.iter().collect();
    assert_eq!(distinct.len(), 4_100, "none twice");
    let rows = read_xlsx(&export(&t, "export.xlsx", &t.admin).await.bytes().await.unwrap());
    assert_eq!(rows["sheets"][0]["rows"].as_array().unwrap().len(), 4_101);
});

both!(paging_and_bad_filters_are_refused_beside_their_names, |t| {
    for (q, field) in [
        ("export.csv?cursor=abc", "cursor"),
        ("export.xlsx?limit=10", "limit"),
        ("export.csv?priority=9", "priority"),
        ("export.csv?format=xlsx", "format"),
        ("export.xlsx?sort=colour", "sort"),
    ] {
        let r = export(&t, q, &t.agent).await;
        let msg = invalid(r, &[field]).await;
        if field == "cursor" {
            assert_eq!(msg, "an export takes every matching record: leave it out");
        }
    }
    let r = t.client.get(format!("{}/api/v1/incidents/export.csv", t.base)).send().await.unwrap();
    assert_eq!(r.status(), 401);
});
