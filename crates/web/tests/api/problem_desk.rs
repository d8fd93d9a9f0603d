//! What the desk does with problems beyond the record: applying a known
//! error's workaround to an incident (journaled as a work note), the
//! problem candidates from repeating incidents, and a new problem that
//! links incidents at once; every refusal with the field it names and
//! nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

async fn raise(t: &TestApp, body: Value) -> Value {
    let r = t.post("/api/v1/problems", &t.agent, body).await;
    assert_eq!(r.status(), 201, "creating a problem");
    r.json().await.unwrap()
}

/// A problem with a cause and a workaround, assessed (so it may be
/// published) and linked to `incident`.
async fn analysed(t: &TestApp, incident: &str, workaround: &str) -> String {
    let p = raise(
        t,
        json!({"title": "DHCP leases too short", "cause_category": "configuration",
            "root_cause": "The lease is 10 minutes", "workaround": workaround, "incidents": [incident]}),
    )
    .await;
    let n = num(&p);
    let r = t
        .post(&format!("/api/v1/problems/{n}/transition"), &t.agent, json!({"version": 1, "state": "assessment"}))
        .await;
    assert_eq!(r.status(), 200);
    n
}

async fn publish(t: &TestApp, problem: &str) {
    let p = t.json(&format!("/api/v1/problems/{problem}"), &t.agent).await;
    let r =
        t.post(&format!("/api/v1/problems/{problem}/known-error"), &t.agent, json!({"version": p["version"]})).await;
    assert_eq!(r.status(), 200, "publishing");
}

async fn apply(t: &TestApp, incident: &str, token: &str, body: Value) -> reqwest::Response {
    t.post(&format!("/api/v1/incidents/{incident}/apply-workaround"), token, body).await
}

async fn journal_len(t: &TestApp, incident: &str) -> usize {
    t.journal(incident, &t.admin).await.as_array().unwrap().len()
}

both!(applying_a_known_errors_workaround, |t| {
    let inc = num(&t.incident(&t.agent, json!({"title": "Wi-Fi drops", "requester": "requester"})).await);
    let other = num(&t.incident(&t.agent, json!({"title": "Printer jam", "requester": "requester"})).await);
    let p = analysed(&t, &inc, "Reconnect to Corp-5G").await;
    let before = journal_len(&t, &inc).await;

    // Not yet published: refused, naming the problem; nothing written.
    let msg = invalid(apply(&t, &inc, &t.agent, json!({"problem": p})).await, &["problem"]).await;
    assert_eq!(msg, "is not a published known error");
    assert_eq!(journal_len(&t, &inc).await, before);

    publish(&t, &p).await;
    // A known error the incident is not linked to.
    let msg = invalid(apply(&t, &other, &t.agent, json!({"problem": p})).await, &["problem"]).await;
    assert_eq!(msg, "is not linked to this incident");
    // Numbers that name no problem.
    let msg = invalid(apply(&t, &inc, &t.agent, json!({"problem": "INC0000001"})).await, &["problem"]).await;
    assert_eq!(msg, "\"INC0000001\" is not a problem number");
    let msg = invalid(apply(&t, &inc, &t.agent, json!({"problem": "PRB0009999"})).await, &["problem"]).await;
    assert_eq!(msg, "no such problem");
    // A note past the comment limit, an unknown field, no problem at all.
    let long = "x".repeat(20_001);
    invalid(apply(&t, &inc, &t.agent, json!({"problem": p, "note": long})).await, &["note"]).await;
    invalid(apply(&t, &inc, &t.agent, json!({"problem": p, "resolve": true})).await, &["resolve"]).await;
    invalid(apply(&t, &inc, &t.agent, json!({})).await, &["problem"]).await;
    // Requesters never see workarounds; an unknown incident is a 404.
    let why = "only agents, managers and admins can publish known errors";
    forbidden(apply(&t, &inc, &t.requester, json!({"problem": p})).await, why).await;
    problem(apply(&t, "INC0009999", &t.agent, json!({"problem": p})).await, 404, "not_found").await;
    assert_eq!(journal_len(&t, &inc).await, before, "no refusal wrote anything");

    // Applied: a work note with the workaround and the agent's note,
    // journaled with the problem's number.
    let r = apply(&t, &inc, &t.agent, json!({"problem": p, "note": "Worked at the front desk"})).await;
    assert_eq!(r.status(), 201);
    let note: Value = r.json().await.unwrap();
    assert_eq!(note["internal"], true);
    assert_eq!(note["body"], "Reconnect to Corp-5G\n\nWorked at the front desk");
    let journal = t.journal(&inc, &t.admin).await;
    let last = journal.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "work_note", "{last}");
    assert_eq!(last["changes"][0]["field"], "workaround");
    assert_eq!(last["changes"][0]["new"], p.as_str());
    // The requester's view of their incident has no trace of it.
    let comments = t.json(&format!("/api/v1/incidents/{inc}/comments"), &t.requester).await;
    assert!(comments.as_array().unwrap().iter().all(|c| c["body"] != note["body"]), "{comments}");

    // Withdrawn, it can no longer be applied.
    let v = t.json(&format!("/api/v1/problems/{p}"), &t.agent).await["version"].clone();
    let r = t
        .req(reqwest::Method::DELETE, &format!("/api/v1/problems/{p}/known-error"), &t.agent)
        .header("If-Match", format!("\"{v}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    invalid(apply(&t, &inc, &t.agent, json!({"problem": p})).await, &["problem"]).await;
});

/// The candidates as (by, name, incidents).
async fn candidates(t: &TestApp, query: &str) -> Vec<(String, String, u64)> {
    let c = t.json(&format!("/api/v1/problems/candidates{query}"), &t.agent).await;
    c["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (i["by"].as_str().unwrap().into(), i["name"].as_str().unwrap().into(), i["incidents"].as_u64().unwrap())
        })
        .collect()
}

both!(problem_candidates_from_repeating_incidents, |t| {
    let ids = t.services(&["VPN", "Email"]).await;
    let mut vpn = Vec::new();
    for i in 0..3 {
        let body = json!({"title": format!("VPN drops {i}"), "service": "VPN", "category": "network", "cis": [ids[0]]});
        vpn.push(num(&t.incident(&t.agent, body).await));
    }
    t.incident(&t.agent, json!({"title": "Mail slow", "service": "Email", "category": "network"})).await;

    let got = candidates(&t, "?min=3").await;
    assert!(got.contains(&("service".into(), "VPN".into(), 3)), "{got:?}");
    assert!(got.contains(&("ci".into(), "VPN".into(), 3)), "{got:?}");
    assert!(got.contains(&("category".into(), "network".into(), 4)), "{got:?}");
    assert!(!got.iter().any(|c| c.1 == "Email"), "one incident is no trend: {got:?}");
    assert_eq!(candidates(&t, "?min=5").await, vec![], "none reaches five");

    // A problem raised from the candidate links its incidents at once; the
    // open problem then covers the service.
    let p = raise(&t, json!({"title": "Repeated incidents: VPN", "service": "VPN", "incidents": vpn})).await;
    let linked = t.json(&format!("/api/v1/problems/{}/incidents", num(&p)), &t.agent).await;
    assert_eq!(linked.as_array().unwrap().len(), 3);
    let got = candidates(&t, "?min=3").await;
    assert!(!got.iter().any(|c| c.0 == "service"), "covered: {got:?}");
    assert!(got.contains(&("category".into(), "network".into(), 4)), "no open problem names it: {got:?}");

    // Bad periods and thresholds are named; requesters see none.
    for (q, field) in
        [("?days=0", "days"), ("?days=366", "days"), ("?min=0", "min"), ("?min=abc", "min"), ("?x=1", "x")]
    {
        invalid(t.get(&format!("/api/v1/problems/candidates{q}"), &t.agent).await, &[field]).await;
    }
    forbidden(
        t.get("/api/v1/problems/candidates", &t.requester).await,
        "only agents, managers and admins can see problems",
    )
    .await;
});

both!(a_new_problem_links_incidents_or_nothing, |t| {
    let inc = num(&t.incident(&t.agent, json!({"title": "VPN drops"})).await);
    let before = t.json("/api/v1/problems", &t.agent).await["count"].clone();
    let body = json!({"title": "VPN", "incidents": [inc, "INC0009998", "INC0009999"]});
    let msg = invalid(t.post("/api/v1/problems", &t.agent, body).await, &["incidents"]).await;
    assert_eq!(msg, "no such incident: INC0009998, INC0009999");
    let body = json!({"title": "VPN", "incidents": ["PRB0000001"]});
    invalid(t.post("/api/v1/problems", &t.agent, body).await, &["incidents[0]"]).await;
    assert_eq!(t.json("/api/v1/problems", &t.agent).await["count"], before, "nothing stored");

    let p = raise(&t, json!({"title": "VPN", "incidents": [inc]})).await;
    let of_incident = t.json(&format!("/api/v1/incidents/{inc}/problems"), &t.agent).await;
    assert_eq!(of_incident[0]["number"], p["number"]);
    let journal = t.journal(&inc, &t.admin).await;
    assert_eq!(journal.as_array().unwrap().last().unwrap()["action"], "linked");
});
