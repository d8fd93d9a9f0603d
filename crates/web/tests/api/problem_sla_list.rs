//! The problem list by its service levels, as the incident list: the
//! nearest SLA due moment first (`sort=sla_due`, problems with no running
//! clock left out, keyset pages), the `sla=breaching_soon|breached`
//! filters, and the refusals naming the allowed values.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// An SLA round the clock for `kinds` whose response target shortens with
/// the priority: P1 10 minutes, P3 30 minutes, P5 4 hours.
fn sla(name: &str, kinds: &[&str]) -> Value {
    let response = ["10m", "20m", "30m", "3h", "4h"];
    let targets: Vec<Value> =
        (1..=5).map(|p| json!({"priority": p, "response": response[p - 1], "resolution": "8h"})).collect();
    json!({"name": name, "position": 10, "calendar_id": 1, "targets": targets, "thresholds": [50],
        "conditions": {"kinds": kinds}})
}

async fn raise(t: &TestApp, title: &str, level: i64) -> String {
    let r = t.post("/api/v1/problems", &t.agent, json!({"title": title, "impact": level, "urgency": level})).await;
    assert_eq!(r.status(), 201, "creating a problem");
    num(&r.json().await.unwrap())
}

/// The numbers of one page of the problem list, and the page.
async fn listed(t: &TestApp, query: &str) -> (Vec<String>, Value) {
    let page = t.json(&format!("/api/v1/problems?{query}"), &t.agent).await;
    let numbers = page["items"].as_array().unwrap().iter().map(num).collect();
    (numbers, page)
}

both!(the_problem_list_sorts_by_sla_due_and_filters_by_sla, |t| {
    // Raised before any SLA: no clock, so never in the SLA order.
    let unmeasured = raise(&t, "Printers lose their queue", 1).await;
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla("Problems", &["problem"])).await.status(), 201);
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla("Incidents", &["incident"])).await.status(), 201);
    let low = raise(&t, "Reports render slowly", 3).await; // P5: due in 4 hours
    let high = raise(&t, "Payments fail at noon", 1).await; // P1: due in 10 minutes
    let medium = raise(&t, "VPN drops every hour", 2).await; // P3: due in 30 minutes
    // An incident under a tight SLA of its own is never in the problem list.
    t.incident(&t.agent, json!({"title": "Payments failed", "impact": 1, "urgency": 1})).await;

    let (order, page) = listed(&t, "sort=sla_due").await;
    assert_eq!(order, [high.clone(), medium.clone(), low.clone()], "nearest due first, the unmeasured left out");
    assert_eq!((page["count"].as_i64(), page["next_cursor"].is_null()), (Some(3), true));
    let (all, _) = listed(&t, "").await;
    assert!(all.contains(&unmeasured) && all.len() == 4, "{all:?}");
    // Page by page, the same order.
    let mut walked = Vec::new();
    let mut query = "sort=sla_due&limit=1".to_owned();
    loop {
        let (numbers, page) = listed(&t, &query).await;
        walked.extend(numbers);
        let Some(cursor) = page["next_cursor"].as_str() else { break };
        query = format!("sort=sla_due&limit=1&cursor={cursor}");
    }
    assert_eq!(walked, [high.clone(), medium.clone(), low.clone()]);

    // Breaching soon: a running clock due within the hour.
    let (soon, page) = listed(&t, "sla=breaching_soon").await;
    assert_eq!(soon, [high.clone(), medium.clone()], "priority order");
    assert_eq!(page["count"], 2);
    assert_eq!(listed(&t, "sla=breaching_soon&sort=-priority").await.0, [medium.clone(), high.clone()]);
    assert_eq!(
        listed(&t, "state=open&sla=breaching_soon&sort=sla_due&priority=3").await.0,
        std::slice::from_ref(&medium)
    );
    assert!(listed(&t, "sla=breached").await.0.is_empty(), "nothing breached yet");

    // A quarter of an hour on, the P1's response target has passed.
    let fired = t.app.run_sla_timers_at(steward_store::now_micros() + 15 * 60_000_000).await.unwrap();
    assert!(fired.iter().any(|a| a.event == steward_domain::sla::ClockEvent::Breach), "{fired:?}");
    let (breached, page) = listed(&t, "sla=breached").await;
    assert_eq!((breached, page["count"].as_i64()), (vec![high.clone()], Some(1)), "the incident's breach is not here");
    assert_eq!(listed(&t, "sla=breached&state=open&sort=sla_due").await.0, std::slice::from_ref(&high));
    let incidents = t.json("/api/v1/incidents?sla=breached", &t.agent).await;
    assert_eq!(incidents["count"], 1, "the incident breached on its own list");
});

both!(bad_sla_sort_and_filter_on_the_problem_list_are_named, |t| {
    let sorts = "must be one of priority, -priority, opened, -opened, updated, -updated, number, -number, sla_due";
    let cases: &[(&str, &[&str], &str)] = &[
        ("sort=soonest", &["sort"], sorts),
        ("sla=late", &["sla"], "must be breaching_soon or breached"),
        ("sla=breached,breaching_soon", &["sla"], "must be breaching_soon or breached"),
        ("sort=sla&sla=soon&known_error=maybe", &["known_error", "sort", "sla"], ""),
    ];
    for (query, fields_named, message) in cases {
        let r = t.get(&format!("/api/v1/problems?{query}"), &t.agent).await;
        let p = problem(r, 422, "validation_failed").await;
        let mut named = fields(&p);
        named.sort();
        let mut expected: Vec<&str> = fields_named.to_vec();
        expected.sort();
        assert_eq!(named, expected, "{query}: {p}");
        if !message.is_empty() {
            assert_eq!(p["errors"][0]["message"], *message, "{query}");
        }
    }
    let r = t.get("/api/v1/problems?sla=late", &t.agent).await;
    let p = problem(r, 422, "validation_failed").await;
    assert_eq!(p["errors"][0]["code"], "one_of", "{p}");
    // Requesters see no problems, whatever they ask for.
    forbidden(
        t.get("/api/v1/problems?sort=sla_due&sla=breached", &t.requester).await,
        "only agents, managers and admins can see problems",
    )
    .await;
});
