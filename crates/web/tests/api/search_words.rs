//! Search by words through the full-text index (`GET /api/v1/search` and
//! the `/search` page): every kind of record, folding, prefixes, phrases,
//! ranking, highlights, the kind and state filters, what each role sees,
//! the index kept by every write, and the refusals of texts that cannot be
//! searched.

use crate::both;
use crate::helpers::*;
use reqwest::header;
use serde_json::{Value, json};

async fn found(t: &TestApp, query: &[(&str, &str)], token: &str) -> Value {
    let r = t.client.get(format!("{}/api/v1/search", t.base)).query(query).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200, "search {query:?}");
    r.json().await.unwrap()
}

/// The numbers of the records found, best first.
async fn hits(t: &TestApp, q: &str, token: &str) -> Vec<String> {
    numbers_of(&found(t, &[("q", q)], token).await)
}

fn numbers_of(v: &Value) -> Vec<String> {
    v["records"].as_array().unwrap().iter().map(|r| r["number"].as_str().unwrap().to_owned()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort_unstable();
    v
}

/// The marked pieces of a highlight, as "text" and "[match]".
fn marked(h: &Value) -> String {
    let pieces = h["pieces"].as_array().unwrap();
    let text: String = pieces
        .iter()
        .map(|p| {
            let t = p["text"].as_str().unwrap();
            if p["matched"].as_bool().unwrap() { format!("[{t}]") } else { t.to_owned() }
        })
        .collect();
    let before = if h["cut_before"].as_bool().unwrap() { "… " } else { "" };
    let after = if h["cut_after"].as_bool().unwrap() { " …" } else { "" };
    format!("{before}{text}{after}")
}

pub async fn raise(t: &TestApp, body: Value) -> String {
    let r = t.post("/api/v1/problems", &t.agent, body).await;
    assert_eq!(r.status(), 201, "creating a problem");
    num(&r.json().await.unwrap())
}

/// Takes a problem to root-cause analysis, documents it and publishes it
/// as a known error.
pub async fn publish(t: &TestApp, n: &str) {
    for (version, state) in [(1, "assessment"), (2, "root_cause_analysis")] {
        let path = format!("/api/v1/problems/{n}/transition");
        assert_eq!(t.post(&path, &t.agent, json!({"version": version, "state": state})).await.status(), 200);
    }
    let body = json!({"version": 3, "cause_category": "configuration", "root_cause": "Lease too short",
        "workaround": "Reconnect"});
    assert_eq!(t.patch(&format!("/api/v1/problems/{n}"), &t.agent, body).await.status(), 200);
    let r = t.post(&format!("/api/v1/problems/{n}/known-error"), &t.agent, json!({"version": 4})).await;
    assert_eq!(r.status(), 200);
}

both!(words_find_every_kind_folded_ranked_and_marked, |t| {
    let yellow = num(&t
        .incident(
            &t.agent,
            json!({"title": "Żółty toner w drukarce", "description": "Drukarka w Łodzi drukuje żółte pasy.", "requester": "requester"}),
        )
        .await);
    let jam = num(&t
        .incident(&t.agent, json!({"title": "Paper stuck", "description": "There is a printer jam in the tray of the printer on floor 2.", "requester": "requester2"}))
        .await);
    let printer = num(&t.incident(&t.agent, json!({"title": "Printer jam", "requester": "requester"})).await);
    let vpn =
        raise(&t, json!({"title": "VPN drops every hour", "description": "The printer VPN gateway resets."})).await;
    let known = raise(&t, json!({"title": "Laptops lose the VPN", "description": "DHCP lease"})).await;
    publish(&t, &known).await;

    // Folded: without accents, ł as l, any case; as typed, the last word
    // is a prefix.
    for q in ["zolty ", "ŻÓŁTY", "łodzi ", "lodz", "drukar"] {
        assert_eq!(hits(&t, q, &t.agent).await, std::slice::from_ref(&yellow), "{q}");
    }
    assert!(hits(&t, "drukar ", &t.agent).await.is_empty(), "a finished word matches only itself");
    // Every kind, title hits first, then the most recently updated.
    assert_eq!(hits(&t, "printer", &t.agent).await, [printer.clone(), vpn.clone(), jam.clone()]);
    assert_eq!(hits(&t, "vpn", &t.agent).await, [known.clone(), vpn.clone()]);
    // A phrase needs its words in order; the words alone do not.
    assert_eq!(hits(&t, "\"printer jam\"", &t.agent).await, [printer.clone(), jam.clone()]);
    assert_eq!(hits(&t, "„jam in the tray”", &t.agent).await, std::slice::from_ref(&jam));
    assert_eq!(sorted(hits(&t, "jam printer", &t.agent).await), sorted(vec![printer.clone(), jam.clone()]));
    // Search syntax of the engines is only words here.
    assert_eq!(hits(&t, "NEAR(printer jam)", &t.agent).await, Vec::<String>::new());
    assert_eq!(hits(&t, "printer -jam ", &t.agent).await, [printer.clone(), jam.clone()]);
    assert_eq!(hits(&t, "title:printer ", &t.agent).await, Vec::<String>::new());

    // Each hit: kind, its marked title and the description around the match.
    let all = found(&t, &[("q", "zolty drukuje")], &t.agent).await;
    let hit = &all["records"][0];
    assert_eq!((hit["kind"].as_str(), hit["known_error"].as_bool()), (Some("incident"), Some(false)));
    assert_eq!(hit["href"], format!("/api/v1/incidents/{yellow}"));
    assert_eq!(marked(&hit["title_marked"]), "[Żółty] toner w drukarce");
    // "żółte" is another word than "żółty": no stemming.
    assert_eq!(marked(&hit["snippet"]), "Drukarka w Łodzi [drukuje] żółte pasy.");
    assert_eq!(hit["title_hit"], false);
    assert_eq!(numbers_of(&all), std::slice::from_ref(&yellow));
    // The incidents among them, as the incident list shows them.
    assert_eq!(all["incidents"][0]["number"], yellow);
    let vpn_hits = found(&t, &[("q", "vpn")], &t.agent).await;
    assert_eq!(vpn_hits["records"][0]["known_error"], true);
    assert_eq!(vpn_hits["records"][0]["kind"], "problem");
    assert!(vpn_hits["incidents"].as_array().unwrap().is_empty());

    // Narrowed by kind and by state.
    let by = |kind: &'static str| [("q", "printer"), ("kind", kind)];
    assert_eq!(numbers_of(&found(&t, &by("problem"), &t.agent).await), std::slice::from_ref(&vpn));
    assert_eq!(numbers_of(&found(&t, &by("incident"), &t.agent).await), [printer.clone(), jam.clone()]);
    assert_eq!(
        numbers_of(&found(&t, &[("q", "vpn"), ("kind", "known_error")], &t.agent).await),
        std::slice::from_ref(&known)
    );
    let svc = found(&t, &by("service"), &t.agent).await;
    assert!(svc["records"].as_array().unwrap().is_empty());
    t.move_to(&printer, &t.agent, json!({"version": 1, "state": "in_progress"})).await;
    let q = [("q", "printer"), ("state", "in_progress")];
    assert_eq!(numbers_of(&found(&t, &q, &t.agent).await), std::slice::from_ref(&printer));
    let q = [("q", "printer"), ("state", "new,root_cause_analysis")];
    assert_eq!(numbers_of(&found(&t, &q, &t.agent).await), [vpn.clone(), jam.clone()]);
    let q = [("q", "vpn"), ("state", "open")];
    assert_eq!(numbers_of(&found(&t, &q, &t.agent).await), [known.clone(), vpn.clone()]);
    let q = [("q", "printer"), ("limit", "1")];
    let one = found(&t, &q, &t.agent).await;
    assert_eq!((numbers_of(&one), one["more_records"].as_bool()), (vec![printer.clone()], Some(true)));

    // Requesters find their own incidents only, and no problems.
    assert_eq!(hits(&t, "printer", &t.requester).await, std::slice::from_ref(&printer));
    assert_eq!(hits(&t, "printer", &t.requester2).await, std::slice::from_ref(&jam));
    assert!(hits(&t, "vpn", &t.requester).await.is_empty());
    assert!(numbers_of(&found(&t, &[("q", "vpn"), ("kind", "problem")], &t.requester).await).is_empty());
});

both!(every_write_keeps_the_index, |t| {
    let body = json!({"title": "Flimflam flickers", "description": "Wobblecable loose"});
    let n = num(&t.incident(&t.agent, body).await);
    let p = raise(&t, json!({"title": "Docking stations", "description": "Firmwarez"})).await;
    assert_eq!(hits(&t, "flimflam ", &t.agent).await, std::slice::from_ref(&n));
    // An edit of the title or description replaces the words at once.
    let path = format!("/api/v1/incidents/{n}");
    assert_eq!(t.patch(&path, &t.agent, json!({"version": 1, "title": "Zorbatron dark"})).await.status(), 200);
    assert!(hits(&t, "flimflam ", &t.agent).await.is_empty());
    assert_eq!(hits(&t, "zorbatron dark", &t.agent).await, std::slice::from_ref(&n));
    assert_eq!(hits(&t, "wobblecable ", &t.agent).await, std::slice::from_ref(&n), "the description is kept");
    let path = format!("/api/v1/problems/{p}");
    assert_eq!(t.patch(&path, &t.agent, json!({"version": 1, "description": "Biosupdatez"})).await.status(), 200);
    assert!(hits(&t, "firmwarez ", &t.agent).await.is_empty());
    assert_eq!(hits(&t, "biosupdatez ", &t.agent).await, std::slice::from_ref(&p));
    // A state change keeps the words; bulk-made records are found too.
    t.move_to(&n, &t.agent, json!({"version": 2, "state": "in_progress"})).await;
    assert_eq!(hits(&t, "zorbatron", &t.agent).await, std::slice::from_ref(&n));
    steward_app::seed::bulk_incidents(&t.app, 30, |_| {}).await.unwrap();
    let bulk = t.json("/api/v1/incidents?sort=-number&limit=1", &t.agent).await;
    let title = bulk["items"][0]["title"].as_str().unwrap().to_owned();
    let all = found(&t, &[("q", &format!("\"{title}\"")), ("limit", "50")], &t.agent).await;
    assert!(numbers_of(&all).contains(&num(&bulk["items"][0])), "{title}: {all}");
    // The list's text filter finds by words through the same index.
    assert_eq!(t.numbers(&[("text", "ZORBATRON")], &t.agent).await, std::slice::from_ref(&n));
    assert_eq!(t.numbers(&[("text", "zorbat")], &t.agent).await, std::slice::from_ref(&n));
});

both!(a_problems_analysis_is_searched_with_it, |t| {
    let p = raise(&t, json!({"title": "Printers drop jobs", "description": "Queue empties"})).await;
    assert!(hits(&t, "spoolerleak ", &t.agent).await.is_empty());
    // The root cause, each why and the workaround are found as soon as
    // they are written, and no longer once they are gone.
    let path = format!("/api/v1/problems/{p}");
    let body = json!({"version": 1, "root_cause": "Spoolerleak in the driver",
        "whys": [{"question": "Why does the queue empty?", "answer": "Gremlinwhy restarts it"}],
        "workaround": "Pauseprint then resume"});
    assert_eq!(t.patch(&path, &t.agent, body).await.status(), 200);
    for word in ["spoolerleak ", "gremlinwhy ", "pauseprint ", "\"queue empties\"", "printers "] {
        assert_eq!(hits(&t, word, &t.agent).await, std::slice::from_ref(&p), "{word}");
    }
    let body = json!({"version": 2, "root_cause": "Driver bug", "whys": [], "workaround": ""});
    assert_eq!(t.patch(&path, &t.agent, body).await.status(), 200);
    for word in ["spoolerleak ", "gremlinwhy ", "pauseprint "] {
        assert!(hits(&t, word, &t.agent).await.is_empty(), "{word} still found");
    }
    assert_eq!(hits(&t, "driver bug", &t.agent).await, std::slice::from_ref(&p));
});

both!(texts_that_cannot_be_searched_are_refused_naming_q, |t| {
    t.incident(&t.agent, json!({"title": "Printer jam"})).await;
    let before = t.count().await;
    let cases: [(String, &str); 7] = [
        ("\"printer jam".into(), "unbalanced_quotes"),
        ("„printer".into(), "unbalanced_quotes"),
        ("x".repeat(10 * 1024), "too_long"),
        ("the of and".into(), "stop_words_only"),
        ("się i w".into(), "stop_words_only"),
        ("*".into(), "nothing_to_search"),
        ("()^:-+ NEAR/ \"\"".replace("NEAR/", ""), "nothing_to_search"),
    ];
    for (q, code) in &cases {
        let r = t.client.get(format!("{}/api/v1/search", t.base)).query(&[("q", q)]).bearer_auth(&t.agent);
        let p = problem(r.send().await.unwrap(), 400, code).await;
        assert_eq!(fields(&p), ["q"], "{p}");
        assert!(p["detail"].as_str().unwrap().starts_with("q "), "{p}");
    }
    // The same beside the page's field, in the reader's language.
    let (_, s) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let cookie = format!("steward_session={}", s.token);
    let page = t
        .client
        .get(format!("{}/search", t.base))
        .query(&[("q", "\"printer")])
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"id="s-q-error""#) && html.contains("quotation mark that is not closed"), "{html}");
    // Other parameters: a kind, a state and a limit that do not exist.
    for (query, field) in [
        ([("q", "printer"), ("kind", "change")], "kind"),
        ([("q", "printer"), ("state", "lost")], "state"),
        ([("q", "printer"), ("limit", "0")], "limit"),
        ([("q", "printer"), ("limit", "51")], "limit"),
        ([("q", "printer"), ("limit", "x")], "limit"),
    ] {
        let r = t.client.get(format!("{}/api/v1/search", t.base)).query(&query).bearer_auth(&t.agent);
        invalid(r.send().await.unwrap(), &[field]).await;
    }
    // A requester naming a problem state finds it is not theirs to search.
    let r = t.client.get(format!("{}/api/v1/search", t.base)).query(&[("q", "printer"), ("state", "assessment")]);
    invalid(r.bearer_auth(&t.requester).send().await.unwrap(), &["state"]).await;
    assert_eq!(t.count().await, before, "nothing stored");
});

// Knowledge articles are found by the words of every language they are
// written in; requesters find only the published ones written for them.
both!(articles_are_found_in_both_languages_by_who_may_read_them, |t| {
    use crate::articles::{published, write};
    let for_requesters = published(&t, "requesters", "Zażółć the VPN profile").await;
    let for_staff = published(&t, "staff", "Zażółć the VPN runbook").await;
    let draft = write(&t, &t.agent, "requesters", "Zażółć the VPN draft").await;
    let n = |a: &Value| a["number"].as_str().unwrap().to_owned();
    // Folded, from the Polish body ("Połącz ponownie klienta VPN").
    let staff = sorted(hits(&t, "polacz ponownie", &t.agent).await);
    assert_eq!(staff, sorted(vec![n(&for_requesters), n(&for_staff), n(&draft)]));
    assert_eq!(hits(&t, "zazolc", &t.requester).await, vec![n(&for_requesters)]);
    let only = found(&t, &[("q", "polacz"), ("kind", "article")], &t.requester).await;
    assert_eq!(numbers_of(&only), vec![n(&for_requesters)]);
    assert_eq!(only["records"][0]["kind"], "article");
    // By number, a requester finds the article written for them, not the
    // staff's.
    let by = |v: &Value| v["by_number"].as_array().unwrap().iter().map(|h| h["number"].clone()).collect::<Vec<_>>();
    assert_eq!(by(&found(&t, &[("q", &n(&for_requesters))], &t.requester).await), [json!(n(&for_requesters))]);
    assert!(by(&found(&t, &[("q", &n(&for_staff))], &t.requester).await).is_empty());
    assert_eq!(by(&found(&t, &[("q", &n(&for_staff))], &t.agent).await), [json!(n(&for_staff))]);
    // Staff narrow to articles and to a state.
    let drafts = found(&t, &[("q", "zazolc"), ("kind", "article"), ("state", "draft")], &t.agent).await;
    assert_eq!(numbers_of(&drafts), vec![n(&draft)]);
    // The page links each article to its page.
    let (_, s) = t.app.login("requester", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let cookie = format!("steward_session={}", s.token);
    let r = t.client.get(format!("{}/search?q=zazolc", t.base)).header(header::COOKIE, &cookie).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!("href=\"/kb/{}\"", n(&for_requesters))), "{page}");
    assert!(!page.contains(&n(&for_staff)), "a staff article shown to a requester");
    assert!(page.contains("state-published\">Published<"), "the article's state in words: {page}");
});
