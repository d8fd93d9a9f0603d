//! `GET /api/v1/incidents`: every filter, every sort, keyset pages and the
//! refusals of bad parameters.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// Five incidents that differ in every filtered field; returns their
/// numbers (index 0 is unused) and the last update's time.
async fn five(t: &TestApp) -> (Vec<String>, String) {
    t.services(&["Printing", "VPN", "Storage"]).await;
    let bodies = [
        json!({"title": "Printer on fire", "description": "Toner smoke", "impact": 1, "urgency": 1, "requester": "requester",
               "assignment_group": "Service Desk", "assignee": "agent", "service": "Printing"}),
        json!({"title": "VPN 100% down", "impact": 2, "urgency": 2, "requester": "requester2",
               "assignment_group": "Network", "assignee": "agent2", "service": "VPN"}),
        json!({"title": "Disk at 100 percent", "requester": "requester", "service": "Storage"}),
        json!({"title": "mail_relay broken", "impact": 2, "urgency": 3, "requester": "requester2", "assignment_group": "Service Desk"}),
        json!({"title": "mailXrelay slow", "description": "the PRINTER queue too", "requester": "requester", "assignment_group": "Network"}),
    ];
    let mut n = vec![String::new()];
    for b in bodies {
        n.push(num(&t.incident(&t.agent, b).await));
    }
    t.move_to(&n[1], &t.agent, json!({"version": 1, "state": "in_progress"})).await;
    t.move_to(
        &n[3],
        &t.agent,
        json!({"version": 1, "state": "resolved", "resolution_code": "solved", "resolution_notes": "cleaned"}),
    )
    .await;
    t.move_to(&n[5], &t.agent, json!({"version": 1, "state": "cancelled"})).await;
    let last: Value = t
        .patch(&format!("/api/v1/incidents/{}", n[2]), &t.agent, json!({"version": 1, "category": "Remote access"}))
        .await
        .json()
        .await
        .unwrap();
    (n, last["updated_at"].as_str().unwrap().to_owned())
}

both!(every_filter, |t| {
    let (n, last_update) = five(&t).await;
    let pick = |idx: &[usize]| idx.iter().map(|i| n[*i].clone()).collect::<Vec<_>>();
    let check = |query: Vec<(&'static str, String)>, token: &'static str, expected: Vec<String>| {
        let t = &t;
        async move {
            let mut q: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
            q.push(("sort", "number"));
            let tok = match token {
                "agent" => &t.agent,
                "agent2" => &t.agent2,
                "requester" => &t.requester,
                _ => &t.admin,
            };
            assert_eq!(t.numbers(&q, tok).await, expected, "{query:?} as {token}");
        }
    };
    let q = |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, v.to_string())).collect::<Vec<_>>();
    check(q(&[]), "admin", pick(&[1, 2, 3, 4, 5])).await;
    // An organisation by name, any case: its requesters' incidents.
    check(q(&[("organisation", "contoso")]), "admin", pick(&[1, 3, 5])).await;
    check(q(&[("organisation", "Fabrikam"), ("state", "open")]), "agent", pick(&[2, 4])).await;
    check(q(&[("organisation", "Fabrikam")]), "requester", vec![]).await;
    check(q(&[("state", "open")]), "admin", pick(&[1, 2, 4])).await;
    check(q(&[("state", "new")]), "admin", pick(&[2, 4])).await;
    check(q(&[("state", "resolved")]), "admin", pick(&[3])).await;
    check(q(&[("state", "resolved, cancelled")]), "admin", pick(&[3, 5])).await;
    check(q(&[("state", "open,in_progress")]), "admin", pick(&[1, 2, 4])).await;
    check(q(&[("priority", "1")]), "admin", pick(&[1])).await;
    check(q(&[("priority", "4,5")]), "admin", pick(&[3, 4, 5])).await;
    check(q(&[("priority", "P3")]), "admin", pick(&[2])).await;
    check(q(&[("group", "Network")]), "admin", pick(&[2, 5])).await;
    check(q(&[("group", "Service Desk")]), "admin", pick(&[1, 4])).await;
    check(q(&[("group", "mine")]), "agent", pick(&[1, 4])).await;
    check(q(&[("group", "mine")]), "agent2", pick(&[2, 5])).await;
    check(q(&[("group", "mine")]), "admin", vec![]).await;
    check(q(&[("group", "none")]), "admin", pick(&[3])).await;
    check(q(&[("group", "none,Network")]), "admin", pick(&[2, 3, 5])).await;
    check(q(&[("assignee", "me")]), "agent", pick(&[1])).await;
    check(q(&[("assignee", "me")]), "admin", vec![]).await;
    check(q(&[("assignee", "none")]), "admin", pick(&[3, 4, 5])).await;
    check(q(&[("assignee", "agent2")]), "admin", pick(&[2])).await;
    check(q(&[("requester", "requester2")]), "admin", pick(&[2, 4])).await;
    check(q(&[("requester", "me")]), "requester", pick(&[1, 3, 5])).await;
    check(q(&[("requester", "requester")]), "agent", pick(&[1, 3, 5])).await;
    check(q(&[("service", "VPN")]), "admin", pick(&[2])).await;
    check(q(&[("service", "vpn")]), "admin", pick(&[2])).await;
    check(q(&[("category", "Remote access")]), "admin", pick(&[2])).await;
    // Text: title or description, any case, and % and _ mean themselves.
    check(q(&[("text", "printer")]), "admin", pick(&[1, 5])).await;
    check(q(&[("text", "PRINTER")]), "admin", pick(&[1, 5])).await;
    check(q(&[("text", "toner SMOKE")]), "admin", pick(&[1])).await;
    check(q(&[("text", "100%")]), "admin", pick(&[2])).await;
    check(q(&[("text", "100")]), "admin", pick(&[2, 3])).await;
    check(q(&[("text", "%")]), "admin", pick(&[2])).await;
    check(q(&[("text", "mail_relay")]), "admin", pick(&[4])).await;
    check(q(&[("text", "_")]), "admin", pick(&[4])).await;
    check(q(&[("text", "mail")]), "admin", pick(&[4, 5])).await;
    check(q(&[("text", "\\")]), "admin", vec![]).await;
    // Filters combine; a requester's list stays their own whatever they ask.
    check(q(&[("state", "open"), ("group", "Service Desk"), ("assignee", "none")]), "admin", pick(&[4])).await;
    check(q(&[("state", "open")]), "requester", pick(&[1])).await;
    check(q(&[("group", "Network")]), "requester", pick(&[5])).await;
    check(q(&[("requester", "requester2")]), "requester", vec![]).await;

    // Time ranges: `from` inclusive, `to` exclusive; RFC 3339 or a date.
    let incs: Vec<Value> = futures_util::future::join_all((1..=5).map(|i| t.read(&n[i], &t.admin))).await;
    let opened = |i: usize| incs[i - 1]["opened_at"].as_str().unwrap().to_owned();
    check(vec![("opened_from", opened(3))], "admin", pick(&[3, 4, 5])).await;
    check(vec![("opened_to", opened(3))], "admin", pick(&[1, 2])).await;
    check(vec![("opened_from", opened(2)), ("opened_to", opened(4))], "admin", pick(&[2, 3])).await;
    check(q(&[("opened_from", "2000-01-01")]), "admin", pick(&[1, 2, 3, 4, 5])).await;
    check(q(&[("opened_to", "2000-01-01")]), "admin", vec![]).await;
    check(q(&[("opened_from", "2999-01-01T00:00:00Z")]), "admin", vec![]).await;
    check(vec![("updated_from", last_update.clone())], "admin", pick(&[2])).await;
    check(vec![("updated_to", last_update.clone())], "admin", pick(&[1, 3, 4, 5])).await;
    check(q(&[("updated_from", "2000-01-01"), ("updated_to", "2999-12-31")]), "admin", pick(&[1, 2, 3, 4, 5])).await;
});

both!(bad_list_parameters, |t| {
    t.incident(&t.agent, json!({"title": "one"})).await;
    let sorts = "must be one of priority, -priority, opened, -opened, updated, -updated, number, -number, sla_due";
    let cursor = "is not a cursor from this list (it belongs to another sort, or was altered)";
    // (query, the fields named, the first field's message)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a str);
    let cases: &[Case] = &[
        (&[("sort", "bogus")], &["sort"], sorts),
        (&[("organisation", "Initech")], &["organisation"], "no organisation named \"Initech\""),
        (&[("assignee", "\u{0}agent")], &["assignee"], "must not contain control characters"),
        (&[("category", "Net\u{1b}work")], &["category"], "must not contain control characters"),
        (&[("sort", "title")], &["sort"], sorts),
        (&[("cursor", "garbage!")], &["cursor"], cursor),
        (&[("cursor", "MQ")], &["cursor"], cursor), // "1": a number cursor, not a priority one
        (&[("sort", "number"), ("cursor", "MS4y")], &["cursor"], cursor), // "1.2"
        (&[("sort", "opened"), ("cursor", "YS5i")], &["cursor"], cursor), // "a.b"
        (
            &[("opened_from", "yesterday")],
            &["opened_from"],
            "\"yesterday\" is not a time: use RFC 3339 (2026-01-31T12:00:00Z) or a date (2026-01-31)",
        ),
        (
            &[("opened_to", "2026-02-30")],
            &["opened_to"],
            "\"2026-02-30\" is not a time: use RFC 3339 (2026-01-31T12:00:00Z) or a date (2026-01-31)",
        ),
        (
            &[("updated_from", "12:00")],
            &["updated_from"],
            "\"12:00\" is not a time: use RFC 3339 (2026-01-31T12:00:00Z) or a date (2026-01-31)",
        ),
        (&[("limit", "0")], &["limit"], "must be between 1 and 200"),
        (&[("limit", "201")], &["limit"], "must be between 1 and 200"),
        (&[("limit", "-5")], &["limit"], "must be between 1 and 200"),
        (
            &[("state", "bogus")],
            &["state"],
            "unknown state \"bogus\": must be one of new, in_progress, on_hold, resolved, closed, cancelled",
        ),
        (&[("priority", "9")], &["priority"], "\"9\" is not a priority: use 1 to 5"),
        (&[("group", "Nope")], &["group"], "no group named \"Nope\""),
        (&[("assignee", "ghost")], &["assignee"], "no user with the username, e-mail or name \"ghost\""),
        (&[("requester", "ghost")], &["requester"], "no user with the username, e-mail or name \"ghost\""),
        (&[("service", "Nothing")], &["service"], "no service named \"Nothing\""),
        (&[("major", "maybe")], &["major"], "must be true or false"),
        (&[("sort", "bogus"), ("limit", "0"), ("opened_from", "x")], &["sort", "limit", "opened_from"], sorts),
    ];
    for (query, expected, message) in cases {
        let r = t.list(query, &t.agent).await;
        assert_eq!(&invalid(r, expected).await, message, "{query:?}");
    }
    // The edges of limit are fine.
    assert_eq!(t.page(&[("limit", "1")], &t.agent).await["items"].as_array().unwrap().len(), 1);
    assert_eq!(t.page(&[("limit", "200")], &t.agent).await["items"].as_array().unwrap().len(), 1);
});

/// The sort key of an incident's JSON, as the API orders by it.
fn key(sort: &str, inc: &Value) -> (i64, i64, i64) {
    let id: i64 = inc["number"].as_str().unwrap()[3..].parse().unwrap();
    let (opened, updated) = (micros(&inc["opened_at"]), micros(&inc["updated_at"]));
    match sort.trim_start_matches('-') {
        "priority" => (inc["priority"].as_i64().unwrap(), opened, id),
        "opened" => (opened, id, 0),
        "updated" => (updated, id, 0),
        _ => (id, 0, 0),
    }
}

/// Every page of a list, following `next_cursor`.
async fn all_pages(t: &TestApp, sort: &str, limit: usize, token: &str) -> Vec<Vec<Value>> {
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let limit_text = limit.to_string();
        let mut q = vec![("sort", sort), ("limit", limit_text.as_str())];
        if let Some(c) = &cursor {
            q.push(("cursor", c.as_str()));
        }
        let page = t.page(&q, token).await;
        let items = page["items"].as_array().unwrap().clone();
        assert!(items.len() <= limit);
        pages.push(items);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages.len() < 100, "the pages never end");
    }
    pages
}

both!(every_sort_and_keyset_pages, |t| {
    for i in 0..12i64 {
        let body = json!({"title": format!("sortable {i}"), "impact": i % 3 + 1, "urgency": (i * 2) % 3 + 1,
                          "requester": if i % 3 == 0 { "requester" } else { "requester2" }});
        t.incident(&t.agent, body).await;
    }
    // Touch a few so that updated order differs from opened order.
    for n in ["INC0000007", "INC0000002", "INC0000011"] {
        let r =
            t.patch(&format!("/api/v1/incidents/{n}"), &t.agent, json!({"version": 1, "category": "touched"})).await;
        assert_eq!(r.status(), 200);
    }
    let sorts = ["priority", "-priority", "opened", "-opened", "updated", "-updated", "number", "-number"];
    for sort in sorts {
        let full = t.page(&[("sort", sort), ("limit", "200")], &t.admin).await;
        assert!(full["next_cursor"].is_null());
        let items = full["items"].as_array().unwrap().clone();
        assert_eq!(items.len(), 12);
        let mut expected = items.clone();
        expected.sort_by_key(|i| key(sort, i));
        if sort.starts_with('-') {
            expected.reverse();
        }
        let numbers = |v: &[Value]| v.iter().map(num).collect::<Vec<_>>();
        assert_eq!(numbers(&items), numbers(&expected), "sort={sort}");

        let pages = all_pages(&t, sort, 5, &t.admin).await;
        assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [5, 5, 2], "sort={sort}");
        let paged: Vec<Value> = pages.concat();
        assert_eq!(numbers(&paged), numbers(&items), "pages of sort={sort} give every row once, in order");
    }
    let default = t.numbers(&[], &t.admin).await;
    assert_eq!(default, t.numbers(&[("sort", "priority")], &t.admin).await, "priority is the default");
    assert_eq!(default.first().map(String::as_str), Some("INC0000001"), "P1 first");

    // A last page that is exactly full says so.
    let pages = all_pages(&t, "number", 4, &t.admin).await;
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 4]);
    // A requester pages through their own only.
    let pages = all_pages(&t, "-updated", 3, &t.requester).await;
    let mine: Vec<String> = pages.concat().iter().map(num).collect();
    assert_eq!(mine.len(), 4);
    assert!(pages.concat().iter().all(|i| i["requester"]["name"] == "requester user"));
    // A cursor from one sort does not fit another.
    let first = t.page(&[("sort", "number"), ("limit", "2")], &t.admin).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let r = t.list(&[("sort", "priority"), ("cursor", cursor)], &t.admin).await;
    invalid(r, &["cursor"]).await;
    let next = t.numbers(&[("sort", "number"), ("limit", "2"), ("cursor", cursor)], &t.admin).await;
    assert_eq!(next, ["INC0000003", "INC0000004"]);
});
