//! Services and CIs found by words through the full-text index (`GET
//! /api/v1/search` and the `/search` page): a word of the name, a prefix
//! as typed, folded Polish letters, a phrase, a word of the description,
//! vendor or attributes, an exact identifier; ranked and marked; kept by
//! every CI write; each only as far as the caller may see.

use crate::both;
use crate::cmdb::{ids, upsert};
use crate::helpers::*;
use reqwest::header;
use serde_json::{Value, json};

async fn search(t: &TestApp, query: &[(&str, &str)], token: &str) -> Value {
    let r = t.client.get(format!("{}/api/v1/search", t.base)).query(query).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200, "search {query:?}");
    r.json().await.unwrap()
}

/// The names of the services (`group` "services") or CIs found, best first.
async fn names(t: &TestApp, q: &str, group: &str, token: &str) -> Vec<String> {
    let found = search(t, &[("q", q)], token).await;
    found[group].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
}

/// A highlight's pieces as "text" and "[match]".
fn marked(h: &Value) -> String {
    let text: String = h["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let t = p["text"].as_str().unwrap();
            if p["matched"].as_bool().unwrap() { format!("[{t}]") } else { t.to_owned() }
        })
        .collect();
    let after = if h["cut_after"].as_bool().unwrap() { " …" } else { "" };
    format!("{text}{after}")
}

fn service(name: &str, description: &str, status: &str, visible: bool) -> Value {
    json!({"class": "business_service", "name": name, "description": description, "portfolio_status": status,
        "requester_visible": visible})
}

/// Services and CIs of every shape the tests below look for.
async fn catalog(t: &TestApp) {
    upsert(
        t,
        json!({"items": [
            service("Poczta żółta", "Skrzynki pocztowe całego biura", "live", true),
            service("Łączność VPN", "Dostęp zdalny", "live", true),
            service("Hidden Mail", "", "live", false),
            service("Retired Mail", "", "retired", true),
            service("Archive", "Old mail kept for seven years", "live", true),
            {"class": "server", "name": "mail-gw-01", "vendor": "Dell", "description": "Bramka pocztowa",
                "attributes": {"hostname": "mailgw01.example.com", "serial_number": "XK-42-Z"}},
            {"class": "server", "name": "A relay", "description": "Forwards to mailgw01.example.com",
                "attributes": {"serial_number": "RL-1"}},
        ]}),
    )
    .await;
}

both!(services_and_cis_are_found_by_words_folded_ranked_and_marked, |t| {
    catalog(&t).await;
    // A word of the name, a prefix as typed, folded letters (ż, ó, ł).
    assert_eq!(names(&t, "poczta ", "services", &t.agent).await, ["Poczta żółta"]);
    assert_eq!(names(&t, "zolta", "services", &t.agent).await, ["Poczta żółta"]);
    assert_eq!(names(&t, "lacznosc ", "services", &t.agent).await, ["Łączność VPN"]);
    assert_eq!(names(&t, "łącz", "services", &t.agent).await, ["Łączność VPN"]);
    // A prefix finds the name and the description alike, names first.
    assert_eq!(names(&t, "pocz", "services", &t.agent).await, ["Poczta żółta"]);
    assert_eq!(names(&t, "pocz", "cis", &t.agent).await, ["mail-gw-01"]);
    // A phrase in order, not the words in any order.
    assert_eq!(names(&t, "\"poczta zolta\"", "services", &t.agent).await, ["Poczta żółta"]);
    assert!(names(&t, "\"zolta poczta\"", "services", &t.agent).await.is_empty());
    // Every word is required.
    assert!(names(&t, "poczta vpn", "services", &t.agent).await.is_empty());
    // A word of the description, the vendor, an attribute.
    assert_eq!(names(&t, "skrzynki ", "services", &t.agent).await, ["Poczta żółta"]);
    assert_eq!(names(&t, "dell ", "cis", &t.agent).await, ["mail-gw-01"]);
    assert_eq!(names(&t, "mailgw01 ", "cis", &t.agent).await, ["A relay", "mail-gw-01"]);
    // An exact identifier (any case) ranks its CI first, before a CI that
    // merely mentions it; a serial finds its CI.
    assert_eq!(names(&t, "MAILGW01.example.com", "cis", &t.agent).await, ["mail-gw-01", "A relay"]);
    assert_eq!(names(&t, "xk-42-z", "cis", &t.agent).await, ["mail-gw-01"]);
    // Every word in the name ranks above words in the description.
    assert_eq!(names(&t, "mail ", "services", &t.agent).await, ["Hidden Mail", "Retired Mail", "Archive"]);

    // The name marked whole, the description around its matches.
    let found = search(&t, &[("q", "zolta skrzynki")], &t.agent).await;
    let hit = &found["services"][0];
    assert_eq!((marked(&hit["name_marked"]), hit["title_hit"].as_bool()), ("Poczta [żółta]".into(), Some(false)));
    assert_eq!(marked(&hit["snippet"]), "[Skrzynki] pocztowe całego biura");
    assert_eq!(hit["portfolio_status"], "live", "the fields clients had are kept");
    let found = search(&t, &[("q", "bramka"), ("kind", "ci")], &t.agent).await;
    assert_eq!(marked(&found["cis"][0]["snippet"]), "[Bramka] pocztowa");
    assert!(found["services"].as_array().unwrap().is_empty(), "{found}");

    // Requesters: live services offered to them, never CIs.
    assert_eq!(names(&t, "mail ", "services", &t.requester).await, ["Archive"]);
    assert!(names(&t, "xk-42-z", "cis", &t.requester).await.is_empty());
    assert!(names(&t, "mailgw01 ", "cis", &t.requester).await.is_empty());

    // The page marks the matches in the name.
    let (_, s) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let r = t.client.get(format!("{}/search?q=zolta", t.base));
    let page = r.header(header::COOKIE, format!("steward_session={}", s.token)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Poczta <mark>żółta</mark>"), "{page}");

    // What cannot be searched is refused as before, naming the field.
    let r = t.client.get(format!("{}/api/v1/search", t.base)).query(&[("q", "\"poczta"), ("kind", "service")]);
    assert_eq!(fields(&problem(r.bearer_auth(&t.agent).send().await.unwrap(), 400, "unbalanced_quotes").await), ["q"]);
    let r = t.client.get(format!("{}/api/v1/search", t.base)).query(&[("q", "poczta"), ("kind", "ci"), ("limit", "0")]);
    assert_eq!(
        fields(&problem(r.bearer_auth(&t.agent).send().await.unwrap(), 422, "validation_failed").await),
        ["limit"]
    );
});

both!(every_ci_write_keeps_the_index, |t| {
    let r = upsert(
        &t,
        json!({"items": [{"class": "server", "name": "Flimflam box", "description": "Wobblecable rack",
            "attributes": {"serial_number": "FF-1"}}]}),
    )
    .await;
    let id = ids(&r)[0];
    assert_eq!(names(&t, "flimflam ", "cis", &t.agent).await, ["Flimflam box"]);
    // A rename and a new description replace the words at once.
    let body = json!({"class": "server", "name": "Zorbatron box", "description": "Gizmocable rack"});
    let r = t.put_json(&format!("/api/v1/cis/{id}"), &t.agent, body).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert!(names(&t, "flimflam ", "cis", &t.agent).await.is_empty());
    assert!(names(&t, "wobblecable ", "cis", &t.agent).await.is_empty());
    assert_eq!(names(&t, "zorbatron ", "cis", &t.agent).await, ["Zorbatron box"]);
    assert_eq!(names(&t, "gizmocable ", "cis", &t.agent).await, ["Zorbatron box"]);
    // An update reconciled by the serial in a bulk load, and a new serial.
    let body = json!({"items": [{"class": "server", "name": "Quuxotron box", "attributes": {"serial_number": "ff-1",
        "fqdn": "tagzilla.example.com"}}]});
    assert_eq!(ids(&upsert(&t, body).await), [id]);
    assert!(names(&t, "zorbatron ", "cis", &t.agent).await.is_empty());
    assert_eq!(names(&t, "quuxotron ", "cis", &t.agent).await, ["Quuxotron box"]);
    assert_eq!(names(&t, "tagzilla ", "cis", &t.agent).await, ["Quuxotron box"]);
    // A CSV import writes the words with the rows.
    let mapping = r#"{"class": "server", "columns": {"Host": "name", "Serial": "attributes.serial_number"}}"#;
    let r = t
        .req(reqwest::Method::POST, "/api/v1/cmdb/import", &t.agent)
        .query(&[("mapping", mapping)])
        .header("content-type", "text/csv")
        .body("Host,Serial\nGnarlwhack node,GW-9\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(names(&t, "gnarlwhack ", "cis", &t.agent).await, ["Gnarlwhack node"]);
    assert_eq!(names(&t, "gw-9", "cis", &t.agent).await, ["Gnarlwhack node"]);
});
