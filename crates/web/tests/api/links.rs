//! Links between records over HTTP: parent and child, duplicate of,
//! related, read from both ends and journaled on both; and every refusal
//! (a record linked to itself, a loop of parents or duplicates, a second
//! parent or original, kinds that do not go together, no such record, a
//! requester) with the field it names and nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

async fn link(t: &TestApp, path: &str, token: &str, link: &str, record: &str) -> reqwest::Response {
    t.post(&format!("/api/v1/{path}/links"), token, json!({"link": link, "record": record})).await
}

/// Links, panicking unless 200; the links after.
async fn linked(t: &TestApp, path: &str, link_name: &str, record: &str) -> Value {
    let r = link(t, path, &t.agent, link_name, record).await;
    assert_eq!(r.status(), 200, "{path} {link_name} {record}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// (link, record) of each link in a list.
fn pairs(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|l| (l["link"].as_str().unwrap().to_owned(), l["record"].as_str().unwrap().to_owned()))
        .collect()
}

fn pair(link: &str, record: &str) -> (String, String) {
    (link.to_owned(), record.to_owned())
}

/// The (field, new value) of each `linked`/`unlinked` journal entry.
fn link_entries(journal: &Value, action: &str) -> Vec<(String, Value)> {
    journal
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == action)
        .flat_map(|e| e["changes"].as_array().unwrap().clone())
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_owned(),
                if action == "linked" { c["new"].clone() } else { c["old"].clone() },
            )
        })
        .collect()
}

async fn incident(t: &TestApp, title: &str) -> String {
    num(&t.incident(&t.agent, json!({"title": title})).await)
}

async fn new_problem(t: &TestApp, title: &str) -> String {
    let r = t.post("/api/v1/problems", &t.agent, json!({"title": title})).await;
    assert_eq!(r.status(), 201);
    num(&r.json().await.unwrap())
}

both!(links_read_from_both_ends_and_are_journaled_on_both, |t| {
    let (a, b, c) =
        (incident(&t, "Mail down").await, incident(&t, "Mail down too").await, incident(&t, "Outlook").await);
    let p = new_problem(&t, "Mail server disk full").await;

    // B repeats A; C is A's child; A is related to the problem.
    let after = linked(&t, &format!("incidents/{b}"), "duplicate_of", &a).await;
    assert_eq!(pairs(&after), vec![pair("duplicate_of", &a)]);
    linked(&t, &format!("incidents/{a}"), "child", &c).await;
    linked(&t, &format!("incidents/{a}"), "related", &p).await;

    let of_a = t.json(&format!("/api/v1/incidents/{a}/links"), &t.agent).await;
    assert_eq!(pairs(&of_a), vec![pair("child", &c), pair("duplicates", &b), pair("related", &p)]);
    let first = &of_a[1];
    assert_eq!((first["kind"].as_str(), first["title"].as_str()), (Some("incident"), Some("Mail down too")));
    assert_eq!(first["linked_by"], "agent user", "{first}");
    assert!(first["linked_at"].is_string());
    assert!(of_a[0]["linked_at"].is_null(), "a parent link has no time of its own");

    // The other ends read them the other way round; C's parent is a field.
    assert_eq!(pairs(&t.json(&format!("/api/v1/incidents/{c}/links"), &t.agent).await), vec![pair("parent", &a)]);
    assert_eq!(t.read(&c, &t.agent).await["parent"], a.as_str());
    assert_eq!(pairs(&t.json(&format!("/api/v1/problems/{p}/links"), &t.agent).await), vec![pair("related", &a)]);

    // Each end's journal says what was linked.
    let ja = t.journal(&a, &t.agent).await;
    assert_eq!(
        link_entries(&ja, "linked"),
        vec![("duplicates".to_owned(), json!(b)), ("child".to_owned(), json!(c)), ("related".to_owned(), json!(p))]
    );
    assert_eq!(link_entries(&t.journal(&b, &t.agent).await, "linked"), vec![("duplicate_of".to_owned(), json!(a))]);
    assert_eq!(link_entries(&t.journal(&c, &t.agent).await, "linked"), vec![("parent".to_owned(), json!(a))]);

    // Linking again changes nothing and writes no entry.
    linked(&t, &format!("incidents/{b}"), "duplicate_of", &a).await;
    linked(&t, &format!("problems/{p}"), "related", &a).await;
    assert_eq!(link_entries(&t.journal(&b, &t.agent).await, "linked").len(), 1);
    assert_eq!(pairs(&t.json(&format!("/api/v1/problems/{p}/links"), &t.agent).await).len(), 1);

    // Removed from the far end of "related", and C's parent from the parent.
    let r = t.delete(&format!("/api/v1/problems/{p}/links/related/{a}"), &t.agent).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), json!([]));
    let r = t.delete(&format!("/api/v1/incidents/{a}/links/child/{c}"), &t.agent).await;
    assert_eq!(pairs(&r.json().await.unwrap()), vec![pair("duplicates", &b)]);
    assert!(t.read(&c, &t.agent).await["parent"].is_null());
    assert_eq!(link_entries(&t.journal(&c, &t.agent).await, "unlinked"), vec![("parent".to_owned(), json!(a))]);
    assert_eq!(
        link_entries(&t.journal(&a, &t.agent).await, "unlinked"),
        vec![("related".to_owned(), json!(p)), ("child".to_owned(), json!(c))]
    );

    // The problem's incidents show here as "causes", read only.
    let r = t.post(&format!("/api/v1/problems/{p}/incidents"), &t.agent, json!({"incidents": [a]})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(pairs(&t.json(&format!("/api/v1/problems/{p}/links"), &t.agent).await), vec![pair("causes", &a)]);
    assert!(pairs(&t.json(&format!("/api/v1/incidents/{a}/links"), &t.agent).await).contains(&pair("caused_by", &p)));
});

both!(problems_have_parents_and_articles_relate_to_anything, |t| {
    let (p1, p2) = (new_problem(&t, "Storage array").await, new_problem(&t, "One disk shelf").await);
    linked(&t, &format!("problems/{p2}"), "parent", &p1).await;
    assert_eq!(pairs(&t.json(&format!("/api/v1/problems/{p1}/links"), &t.agent).await), vec![pair("child", &p2)]);
    let kb = num(&crate::articles::write(&t, &t.agent, "staff", "Replacing a shelf").await);
    linked(&t, &format!("articles/{kb}"), "related", &p2).await;
    let of_p2 = t.json(&format!("/api/v1/problems/{p2}/links"), &t.agent).await;
    assert_eq!(pairs(&of_p2), vec![pair("parent", &p1), pair("related", &kb)]);
    assert_eq!(of_p2[1]["kind"], "article");
});

both!(a_link_that_would_make_a_record_its_own_parent_is_refused, |t| {
    let (a, b, c) = (incident(&t, "Top").await, incident(&t, "Middle").await, incident(&t, "Bottom").await);
    linked(&t, &format!("incidents/{b}"), "parent", &a).await;
    linked(&t, &format!("incidents/{c}"), "parent", &b).await;
    let before = t.journal(&a, &t.agent).await;

    // A under C would put A above itself: refused from either end.
    let r = link(&t, &format!("incidents/{a}"), &t.agent, "parent", &c).await;
    let p = problem_of(r).await;
    assert_eq!(p["errors"][0]["code"], "parent_cycle");
    assert_eq!(p["errors"][0]["message"], format!("this would make {a} its own parent"));
    let r = link(&t, &format!("incidents/{c}"), &t.agent, "child", &a).await;
    assert_eq!(problem_of(r).await["errors"][0]["code"], "parent_cycle");
    // The same through the incident's own parent field.
    let r = t.patch(&format!("/api/v1/incidents/{a}"), &t.agent, json!({"version": 1, "parent": c})).await;
    let p = problem_of(r).await;
    assert_eq!(
        (p["errors"][0]["field"].as_str(), p["errors"][0]["code"].as_str()),
        (Some("parent"), Some("parent_cycle"))
    );
    // Itself.
    let r = link(&t, &format!("incidents/{a}"), &t.agent, "parent", &a).await;
    assert_eq!(problem_of(r).await["errors"][0]["code"], "own_parent");

    // Nothing stored: A has no parent and its journal is as it was.
    assert!(t.read(&a, &t.agent).await["parent"].is_null());
    assert_eq!(t.journal(&a, &t.agent).await, before);

    // A second parent is refused until the first is removed.
    let d = incident(&t, "Elsewhere").await;
    let r = link(&t, &format!("incidents/{c}"), &t.agent, "parent", &d).await;
    let p = problem_of(r).await;
    assert_eq!(p["errors"][0]["code"], "link_taken");
    assert_eq!(p["errors"][0]["message"], format!("{c} already has a parent, {b}: remove that link first"));
});

both!(duplicates_make_no_loops_and_have_one_original, |t| {
    let (a, b, c) = (incident(&t, "One").await, incident(&t, "Two").await, incident(&t, "Three").await);
    linked(&t, &format!("incidents/{b}"), "duplicate_of", &a).await;
    linked(&t, &format!("incidents/{c}"), "duplicate_of", &b).await;
    let r = link(&t, &format!("incidents/{a}"), &t.agent, "duplicate_of", &c).await;
    let p = problem_of(r).await;
    assert_eq!(p["errors"][0]["code"], "duplicate_cycle");
    assert_eq!(p["errors"][0]["message"], format!("this would make {a} a duplicate of itself"));
    // From the other end: C has A as a duplicate.
    let r = link(&t, &format!("incidents/{c}"), &t.agent, "duplicates", &a).await;
    assert_eq!(problem_of(r).await["errors"][0]["message"], format!("this would make {a} a duplicate of itself"));
    // Saying again from the original's end what is so already is no change.
    linked(&t, &format!("incidents/{a}"), "duplicates", &b).await;
    let r = link(&t, &format!("incidents/{b}"), &t.agent, "duplicate_of", &c).await;
    assert_eq!(problem_of(r).await["errors"][0]["code"], "link_taken");
    assert_eq!(pairs(&t.json(&format!("/api/v1/incidents/{a}/links"), &t.agent).await), vec![pair("duplicates", &b)]);
});

both!(bad_link_requests_name_the_field_and_store_nothing, |t| {
    let a = incident(&t, "Printer").await;
    let p = new_problem(&t, "Printers").await;
    let path = format!("incidents/{a}");
    let cases: Vec<(Value, &str, &str)> = vec![
        (json!({"link": "sibling", "record": p}), "link", "not_one_of"),
        (json!({"link": "caused_by", "record": p}), "link", "link_elsewhere"),
        (json!({"link": "related", "record": ""}), "record", "required"),
        (json!({"link": "related", "record": "not a number"}), "record", "not_record_number"),
        (json!({"link": "related", "record": "INC9999999"}), "record", "no_such_record"),
        (json!({"link": "related", "record": a}), "record", "link_self"),
        (json!({"link": "duplicate_of", "record": p}), "record", "link_kinds"),
        (json!({"link": "parent", "record": p}), "record", "link_kinds"),
    ];
    for (body, field, code) in cases {
        let r = t.post(&format!("/api/v1/{path}/links"), &t.agent, body.clone()).await;
        let pj = problem_of(r).await;
        assert_eq!(
            (pj["errors"][0]["field"].as_str(), pj["errors"][0]["code"].as_str()),
            (Some(field), Some(code)),
            "{body}: {pj}"
        );
    }
    // Unknown fields, a missing record and a stale version.
    let r = t.post(&format!("/api/v1/{path}/links"), &t.agent, json!({"link": "related", "record": p, "x": 1})).await;
    assert_eq!(r.status(), 422);
    let r = t.post("/api/v1/incidents/INC9999999/links", &t.agent, json!({"link": "related", "record": p})).await;
    assert_eq!(r.status(), 404);
    let r =
        t.post(&format!("/api/v1/{path}/links"), &t.agent, json!({"link": "related", "record": p, "version": 7})).await;
    assert_eq!(r.status(), 409);
    // Removing a link that is not there.
    let r = t.delete(&format!("/api/v1/{path}/links/related/{p}"), &t.agent).await;
    assert_eq!(problem_of(r).await["errors"][0]["code"], "not_linked");
    let r = t.delete(&format!("/api/v1/{path}/links/sideways/{p}"), &t.agent).await;
    assert_eq!(problem_of(r).await["errors"][0]["field"], "link");
    assert_eq!(t.json(&format!("/api/v1/{path}/links"), &t.agent).await, json!([]));
    assert_eq!(link_entries(&t.journal(&a, &t.agent).await, "linked"), vec![]);

    // Requesters see and make no links, even on their own incident.
    let mine = num(&t.incident(&t.requester, json!({"title": "My laptop"})).await);
    forbidden(
        t.get(&format!("/api/v1/incidents/{mine}/links"), &t.requester).await,
        "only agents, managers and admins can see and make links between records",
    )
    .await;
    let r = link(&t, &format!("incidents/{mine}"), &t.requester, "related", &a).await;
    assert_eq!(r.status(), 403);
});

/// A 422 validation problem.
async fn problem_of(r: reqwest::Response) -> Value {
    problem(r, 422, "validation_failed").await
}

both!(two_links_at_once_never_close_a_loop, |t| {
    // On PostgreSQL several writers run at once: pairs are linked both ways
    // at the same moment, all pairs together, and one of each pair may win.
    let mut pairs = Vec::new();
    for i in 0..12 {
        pairs.push((incident(&t, &format!("Left {i}")).await, incident(&t, &format!("Right {i}")).await));
    }
    let paths: Vec<(String, String)> =
        pairs.iter().map(|(a, b)| (format!("incidents/{a}"), format!("incidents/{b}"))).collect();
    let sends = pairs
        .iter()
        .zip(&paths)
        .flat_map(|((a, b), (pa, pb))| [link(&t, pa, &t.agent, "parent", b), link(&t, pb, &t.agent, "parent", a)]);
    let answers = futures_util::future::join_all(sends).await;
    for (i, pair) in answers.chunks(2).enumerate() {
        let mut statuses = [pair[0].status().as_u16(), pair[1].status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 422], "pair {i}");
    }
});

both!(incidents_and_problems_are_linked_to_the_change_that_caused_them, |t| {
    let r = t.post("/api/v1/changes", &t.agent, json!({"title": "Upgrade the load balancer firmware"})).await;
    let change = num(&r.json::<Value>().await.unwrap());
    let inc = incident(&t, "Checkout times out").await;
    let prb = new_problem(&t, "Sessions dropped after firmware upgrades").await;
    // From the incident, and from the change's side for the problem.
    let list = linked(&t, &format!("incidents/{inc}"), "caused_by_change", &change).await;
    assert_eq!(pairs(&list), [pair("caused_by_change", &change)]);
    let list = linked(&t, &format!("changes/{change}"), "change_caused", &prb).await;
    let mut got = pairs(&list);
    got.sort();
    assert_eq!(got, [pair("change_caused", &inc), pair("change_caused", &prb)]);
    let p = t.json(&format!("/api/v1/problems/{prb}/links"), &t.agent).await;
    assert_eq!(pairs(&p), [pair("caused_by_change", &change)]);
    // Only a change causes so, and only incidents and problems.
    let art = num(&crate::articles::write(&t, &t.agent, "staff", "Firmware notes").await);
    for (path, name, other) in [
        (format!("incidents/{inc}"), "caused_by_change", prb.clone()),
        (format!("articles/{art}"), "caused_by_change", change.clone()),
        (format!("changes/{change}"), "caused_by_change", inc.clone()),
    ] {
        let r = link(&t, &path, &t.agent, name, &other).await;
        let p = problem(r, 422, "validation_failed").await;
        assert_eq!(p["errors"][0]["code"], "link_kinds", "{path} {name} {other}: {p}");
    }
    // Removed from either end.
    let r = t.delete(&format!("/api/v1/changes/{change}/links/change_caused/{inc}"), &t.agent).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert!(pairs(&t.json(&format!("/api/v1/incidents/{inc}/links"), &t.agent).await).is_empty());
});
