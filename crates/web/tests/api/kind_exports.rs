//! Problem, change and task exports (issue 14): each follows its list's
//! filters and order (the same numbers as the list API answers), as CSV
//! parsed back and as XLSX read back by openpyxl, with the kind's own
//! columns; paging and unknown parameters refused beside their names;
//! requesters, whom these lists refuse, refused. Both backends.

use crate::both;
use crate::exports::read_xlsx;
use crate::helpers::*;
use serde_json::{Value, json};

/// A CSV export parsed back: the header, then the rows.
async fn csv_of(t: &TestApp, path: &str, token: &str) -> Vec<Vec<String>> {
    let r = t.get(path, token).await;
    assert_eq!(r.status(), 200, "{path}");
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let text = r.text().await.unwrap();
    let mut read = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    read.records().map(|row| row.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// The numbers the list API answers for `query` (a page or, for the task
/// queue, an array).
async fn listed(t: &TestApp, list: &str, query: &str, token: &str) -> Vec<String> {
    let sep = if query.is_empty() { "" } else { "&" };
    let path =
        if list.ends_with("tasks") { format!("{list}?{query}") } else { format!("{list}?{query}{sep}limit=200") };
    let v = t.json(&path, token).await;
    let items = if v.is_array() { &v } else { &v["items"] };
    items.as_array().unwrap().iter().map(num).collect()
}

/// Checks that `list`'s export of `query` holds what the list does, in its
/// order, as CSV and XLSX with the same header; the CSV's rows by column.
async fn follows_the_list(
    t: &TestApp,
    list: &str,
    query: &str,
    token: &str,
    sheet: &str,
) -> Vec<std::collections::BTreeMap<String, String>> {
    let numbers = listed(t, list, query, token).await;
    assert!(!numbers.is_empty(), "{list}?{query} finds something");
    let rows = csv_of(t, &format!("{list}/export.csv?{query}"), token).await;
    let exported: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(exported, numbers, "{list}?{query}: the CSV");

    let r = t.get(&format!("{list}/export.xlsx?{query}"), token).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let book = read_xlsx(&r.bytes().await.unwrap());
    assert_eq!(book["sheets"][0]["title"], sheet);
    let cells = book["sheets"][0]["rows"].as_array().unwrap().clone();
    let header: Vec<Value> = rows[0].iter().map(|c| json!(c)).collect();
    assert_eq!(cells[0].as_array().unwrap(), &header, "the same columns");
    let exported: Vec<String> = cells[1..].iter().map(|r| r[0].as_str().unwrap().to_owned()).collect();
    assert_eq!(exported, numbers, "{list}?{query}: the XLSX");

    rows[1..].iter().map(|r| rows[0].iter().cloned().zip(r.iter().cloned()).collect()).collect()
}

/// Paging and an unknown parameter are refused beside their names, as is
/// a bad value of the list's own; nobody signed in is a 401.
async fn refusals(t: &TestApp, list: &str, bad: (&str, &str)) {
    for (q, field) in [("export.csv?cursor=abc", "cursor"), ("export.xlsx?limit=10", "limit")] {
        let msg = invalid(t.get(&format!("{list}/{q}"), &t.agent).await, &[field]).await;
        assert_eq!(msg, "an export takes every matching record: leave it out");
    }
    for q in ["export.csv?colour=red", "export.xlsx?colour=red"] {
        invalid(t.get(&format!("{list}/{q}"), &t.agent).await, &["colour"]).await;
    }
    invalid(t.get(&format!("{list}/export.csv?{}", bad.0), &t.agent).await, &[bad.1]).await;
    let r = t.client.get(format!("{}{list}/export.csv", t.base)).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

/// Raises a record as the agent: its number.
async fn created(t: &TestApp, path: &str, body: Value) -> String {
    let r = t.post(path, &t.agent, body).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    num(&r.json::<Value>().await.unwrap())
}

/// A requester is refused as the list refuses them.
async fn requesters_refused(t: &TestApp, list: &str) {
    for format in ["csv", "xlsx"] {
        let r = t.get(&format!("{list}/export.{format}"), &t.requester).await;
        assert_eq!(t.get(list, &t.requester).await.status(), 403);
        problem(r, 403, "forbidden").await;
    }
}

both!(problem_exports_follow_the_lists_filters, |t| {
    let raise = |body| created(&t, "/api/v1/problems", body);
    let a = raise(json!({"title": "DHCP leases run out, \"again\"", "impact": 1, "urgency": 1,
        "assignment_group": "Service Desk", "cause_category": "configuration", "workaround": "Renew by hand"}))
    .await;
    let b = raise(json!({"title": "=SUM(A1)", "impact": 1, "urgency": 2})).await;
    raise(json!({"title": "Printer queue stalls"})).await;

    let rows = follows_the_list(&t, "/api/v1/problems", "priority=1,2&sort=number", &t.agent, "Problems").await;
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!(first["number"], a);
    assert_eq!(first["title"], "DHCP leases run out, \"again\"", "quoted and read back as it was");
    assert_eq!((first["cause_category"].as_str(), first["has_workaround"].as_str()), ("configuration", "1"));
    assert_eq!((first["known_error"].as_str(), first["assignment_group"].as_str()), ("0", "Service Desk"));
    assert_eq!(first["requester"], "agent user");
    assert!(first["opened_at"].ends_with('Z') && first["opened_at"].len() == 20, "{first:?}");
    assert_eq!((rows[1]["number"].as_str(), rows[1]["title"].as_str()), (b.as_str(), "'=SUM(A1)"));
    assert_eq!(rows[1]["has_workaround"], "0");
    // Every problem, newest first; the list's text search.
    follows_the_list(&t, "/api/v1/problems", "sort=-opened", &t.manager, "Problems").await;
    follows_the_list(&t, "/api/v1/problems", "text=printer", &t.admin, "Problems").await;

    refusals(&t, "/api/v1/problems", ("known_error=maybe", "known_error")).await;
    requesters_refused(&t, "/api/v1/problems").await;
});

both!(change_exports_follow_the_lists_filters, |t| {
    let raise = |body| created(&t, "/api/v1/changes", body);
    let a = raise(json!({"title": "Replace the core switch", "change_type": "emergency", "impact": 1, "urgency": 1,
        "planned_start": "2030-03-10T22:00:00Z", "planned_end": "2030-03-11T02:00:00Z"}))
    .await;
    raise(json!({"title": "Patch the mail relay", "change_type": "normal"})).await;
    raise(json!({"title": "Renew the TLS certificate", "change_type": "emergency"})).await;

    let rows = follows_the_list(&t, "/api/v1/changes", "change_type=emergency&sort=number", &t.agent, "Changes").await;
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!((first["number"].as_str(), first["change_type"].as_str()), (a.as_str(), "emergency"));
    assert_eq!((first["state"].as_str(), first["priority"].as_str()), ("draft", "1"));
    assert_eq!(
        (first["planned_start"].as_str(), first["planned_end"].as_str()),
        ("2030-03-10T22:00:00Z", "2030-03-11T02:00:00Z")
    );
    assert_eq!((first["close_code"].as_str(), first["approved"].as_str()), ("", "0"));
    follows_the_list(&t, "/api/v1/changes", "state=open&sort=-priority", &t.manager, "Changes").await;

    refusals(&t, "/api/v1/changes", ("risk_level=huge", "risk_level")).await;
    requesters_refused(&t, "/api/v1/changes").await;
});

both!(task_exports_follow_the_queue, |t| {
    let change =
        created(&t, "/api/v1/changes", json!({"title": "Move the data centre", "change_type": "normal"})).await;
    let add = |title: &'static str, step: i64, group: &'static str, extra: Value| {
        let (t, change) = (&t, change.clone());
        async move {
            let mut body = json!({"title": title, "step": step, "assignment_group": group});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            created(t, &format!("/api/v1/changes/{change}/tasks"), body).await
        }
    };
    let a = add("Pack the racks", 1, "Service Desk", json!({"planned_end": "2030-04-01T18:00:00Z"})).await;
    add("Unpack the racks", 2, "Service Desk", json!({"assignee": "agent"})).await;
    add("Re-route the uplinks", 1, "Network", json!({})).await;

    // The agent's groups' queue: the Service Desk's two, not the Network's.
    let rows = follows_the_list(&t, "/api/v1/tasks", "assigned=group", &t.agent, "Tasks").await;
    assert_eq!(rows.len(), 2);
    let first = rows.iter().find(|r| r["number"] == a).unwrap();
    assert_eq!((first["change"].as_str(), first["step"].as_str()), (change.as_str(), "1"));
    assert_eq!((first["planned_end"].as_str(), first["state"].as_str()), ("2030-04-01T18:00:00Z", "open"));
    assert_eq!(first["assignment_group"], "Service Desk");
    // Assigned to the agent; the Network member's queue; the default is
    // the groups'.
    assert_eq!(follows_the_list(&t, "/api/v1/tasks", "assigned=me", &t.agent, "Tasks").await.len(), 1);
    assert_eq!(follows_the_list(&t, "/api/v1/tasks", "assigned=group", &t.agent2, "Tasks").await.len(), 1);
    assert_eq!(follows_the_list(&t, "/api/v1/tasks", "", &t.agent, "Tasks").await.len(), 2);
    // No group: the header alone.
    assert_eq!(csv_of(&t, "/api/v1/tasks/export.csv", &t.admin).await.len(), 1);

    refusals(&t, "/api/v1/tasks", ("assigned=everyone", "assigned")).await;
    requesters_refused(&t, "/api/v1/tasks").await;
});
