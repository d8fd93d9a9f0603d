//! Service levels for problems: SLA definitions, OLAs and escalation rules
//! that name the kinds they apply to, problem clocks that follow the
//! problem's states, the timer and escalations on problems, and the
//! problem's notifications and webhook events.

use crate::both;
use crate::helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000_000;

/// An SLA round the clock (calendar 1) for `kinds`: every priority
/// responds within an hour and resolves within four; a warning at 50 %.
fn sla(name: &str, position: i64, kinds: &[&str]) -> Value {
    let targets: Vec<Value> = (1..=5).map(|p| json!({"priority": p, "response": "1h", "resolution": "4h"})).collect();
    json!({"name": name, "position": position, "calendar_id": 1, "targets": targets, "thresholds": [50],
        "conditions": {"kinds": kinds}})
}

async fn raise(t: &TestApp, body: Value) -> Value {
    let r = t.post("/api/v1/problems", &t.agent, body).await;
    assert_eq!(r.status(), 201, "creating a problem");
    r.json().await.unwrap()
}

async fn move_problem(t: &TestApp, n: &str, body: Value) -> Value {
    let r = t.post(&format!("/api/v1/problems/{n}/transition"), &t.agent, body.clone()).await;
    assert_eq!(r.status(), 200, "transition {body}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

/// The problem's clocks as (kind, state) pairs.
async fn clocks(t: &TestApp, n: &str) -> Vec<(String, String)> {
    let list = t.json(&format!("/api/v1/problems/{n}/slas"), &t.agent).await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| (c["kind"].as_str().unwrap().to_owned(), c["state"].as_str().unwrap().to_owned()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

async fn problem_actions(t: &TestApp, n: &str) -> Vec<String> {
    let journal = t.json(&format!("/api/v1/problems/{n}/journal"), &t.agent).await;
    journal.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

fn opened(p: &Value) -> i64 {
    p["opened_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap().as_microsecond()
}

both!(a_problem_under_a_problem_sla_gets_clocks_and_the_timer_breaches_them, |t| {
    // An incident-only SLA tried first, and one for problems.
    let r = t.post("/api/v1/slas", &t.manager, sla("Incidents", 1, &[])).await;
    assert_eq!(r.status(), 201);
    let incidents: Value = r.json().await.unwrap();
    assert_eq!(incidents["record_kinds"], json!(["incident"]), "none named: incidents");
    let r = t.post("/api/v1/slas", &t.manager, sla("Problems", 10, &["problem"])).await;
    let problems: Value = r.json().await.unwrap();
    assert_eq!(
        (problems["record_kinds"].clone(), problems["conditions"]["kinds"].clone()),
        (json!(["problem"]), json!(["problem"]))
    );
    // A clock rule for problems: their breach is told to a named user.
    let rule = json!({"name": "Problem late", "trigger": {"kind": "clock", "clock": "resolution", "percent": 100},
        "conditions": {"kinds": ["problem"]}, "actions": [{"do": "notify", "to": [{"users": ["manager"]}]}]});
    assert_eq!(t.post("/api/v1/escalations", &t.manager, rule).await.status(), 201);

    let p = raise(&t, json!({"title": "VPN drops every 10 minutes", "assignment_group": "Service Desk"})).await;
    let n = num(&p);
    assert!(p["sla_due_at"].is_string() && p["sla_breached"] == false, "{p}");
    assert_eq!(clocks(&t, &n).await, pairs(&[("response", "running"), ("resolution", "running")]));
    let list = t.json(&format!("/api/v1/problems/{n}/slas"), &t.agent).await;
    assert_eq!(list[0]["sla_name"], "Problems", "the incident-only SLA does not apply: {list}");
    assert_eq!(list[0]["target_seconds"], 3600);
    assert!(problem_actions(&t, &n).await.contains(&"sla_attached".to_owned()));
    // The incident gets the incident SLA.
    let inc = t.incident(&t.agent, json!({"title": "VPN dropped"})).await;
    let inc_clocks = t.json(&format!("/api/v1/incidents/{}/slas", num(&inc)), &t.agent).await;
    assert_eq!(inc_clocks[0]["sla_name"], "Incidents");

    // Taken up: leaving New meets the response target.
    move_problem(&t, &n, json!({"version": 1, "state": "assessment"})).await;
    assert_eq!(clocks(&t, &n).await, pairs(&[("response", "stopped"), ("resolution", "running")]));

    // Five hours on, nobody looks: the timer warns and breaches.
    let announced = t.app.run_sla_timers_at(opened(&p) + 5 * HOUR).await.unwrap();
    assert!(announced.len() >= 2, "{announced:?}");
    let list = t.json(&format!("/api/v1/problems/{n}/slas"), &t.agent).await;
    assert_eq!((list[0]["breached"].clone(), list[1]["breached"].clone()), (json!(false), json!(true)), "{list}");
    assert_eq!(t.json(&format!("/api/v1/problems/{n}"), &t.agent).await["sla_breached"], true);
    let actions = problem_actions(&t, &n).await;
    for a in ["sla_warning", "sla_breached", "escalated"] {
        assert!(actions.contains(&a.to_owned()), "{a} in {actions:?}");
    }
    // The problem page shows its clocks as the incident page does.
    let (_, session) = t.app.login("agent", PASSWORD, [127, 0, 0, 1].into()).await.unwrap();
    let r = t
        .client
        .get(format!("{}/problems/{n}", t.base))
        .header("cookie", format!("steward_session={}", session.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="sla""#) && html.contains(r#"data-kind="resolution""#), "the clocks panel");
    assert!(html.contains(">Breached<"), "the breached resolution clock: {html}");
    // The timer caught up with everything: nothing more is due.
    let again = t.app.run_sla_timers_at(opened(&p) + 5 * HOUR).await.unwrap();
    assert!(again.is_empty(), "{again:?}");
});

both!(an_incident_only_sla_does_not_touch_problems, |t| {
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla("Standard", 10, &["incident"])).await.status(), 201);
    let ola = json!({"target": "2h", "calendar_id": 1});
    let r = t.req(Method::PUT, "/api/v1/groups/Service Desk/ola", &t.manager).json(&ola).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let p = raise(&t, json!({"title": "Printers lose their queue", "assignment_group": "Service Desk"})).await;
    let n = num(&p);
    assert!(clocks(&t, &n).await.is_empty(), "neither the SLA nor the group's OLA measures problems");
    assert!(!problem_actions(&t, &n).await.contains(&"sla_attached".to_owned()));
    let inc = t.incident(&t.agent, json!({"title": "Queue lost", "assignment_group": "Service Desk"})).await;
    let inc_clocks = t.json(&format!("/api/v1/incidents/{}/slas", num(&inc)), &t.agent).await;
    assert_eq!(inc_clocks.as_array().unwrap().len(), 3, "response, resolution and the group's: {inc_clocks}");
    assert!(!t.app.run_sla_timers_at(opened(&p) + 10 * HOUR).await.unwrap().is_empty(), "the incident's breach");
    assert!(clocks(&t, &n).await.is_empty());

    // An OLA for problems too: a problem the group holds gets its clock.
    let ola = json!({"target": "2h", "calendar_id": 1, "kinds": ["incident", "problem"]});
    let r = t.req(Method::PUT, "/api/v1/groups/Network/ola", &t.manager).json(&ola).send().await.unwrap();
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["kinds"], json!(["incident", "problem"]));
    let p = raise(&t, json!({"title": "Switch flaps", "assignment_group": "Network"})).await;
    assert_eq!(clocks(&t, &num(&p)).await, pairs(&[("group", "running")]));
});

both!(a_problem_s_states_move_its_clocks, |t| {
    assert_eq!(t.post("/api/v1/slas", &t.manager, sla("Problems", 10, &["problem"])).await.status(), 201);
    let p = raise(&t, json!({"title": "Disk fills overnight"})).await;
    let n = num(&p);
    move_problem(&t, &n, json!({"version": 1, "state": "assessment"})).await;
    move_problem(&t, &n, json!({"version": 2, "state": "root_cause_analysis"})).await;
    let body = json!({"version": 3, "cause_category": "capacity", "root_cause": "Log rotation is off"});
    assert_eq!(t.patch(&format!("/api/v1/problems/{n}"), &t.agent, body).await.status(), 200);
    move_problem(&t, &n, json!({"version": 4, "state": "fix_in_progress"})).await;
    move_problem(
        &t,
        &n,
        json!({"version": 5, "state": "resolved", "resolution_code": "fixed", "resolution_notes": "Rotation on"}),
    )
    .await;
    assert_eq!(clocks(&t, &n).await, pairs(&[("response", "stopped"), ("resolution", "paused")]), "resolved pauses");
    move_problem(&t, &n, json!({"version": 6, "state": "fix_in_progress"})).await;
    assert_eq!(clocks(&t, &n).await, pairs(&[("response", "stopped"), ("resolution", "running")]), "a reopen resumes");
    let cancel = json!({"version": 7, "state": "cancelled", "cancel_reason": "Replaced by PRB9"});
    assert_eq!(t.post(&format!("/api/v1/problems/{n}/transition"), &t.manager, cancel).await.status(), 200);
    assert_eq!(clocks(&t, &n).await, pairs(&[("response", "stopped"), ("resolution", "stopped")]), "cancelled stops");
});

both!(escalation_rules_fire_on_problems_they_name, |t| {
    let rule = |name: &str, kinds: Value| {
        json!({"name": name, "trigger": {"kind": "elapsed", "after": "30m"}, "conditions": {"kinds": kinds},
            "actions": [{"do": "raise_urgency"}]})
    };
    assert_eq!(
        t.post("/api/v1/escalations", &t.manager, rule("Problems waiting", json!(["problem"]))).await.status(),
        201
    );
    assert_eq!(t.post("/api/v1/escalations", &t.manager, rule("Incidents waiting", json!([]))).await.status(), 201);
    let p = raise(&t, json!({"title": "Backups slow", "urgency": 3, "impact": 3})).await;
    let n = num(&p);
    let inc = t.incident(&t.agent, json!({"title": "Backup late"})).await;
    let fired = t.app.run_escalations_at(opened(&p) + HOUR).await.unwrap();
    let rules: Vec<(&str, i64)> = fired.iter().map(|f| (f.rule.as_str(), f.record_id)).collect();
    assert_eq!(rules.iter().filter(|r| r.0 == "Problems waiting").count(), 1, "only the problem: {rules:?}");
    assert_eq!(rules.iter().filter(|r| r.0 == "Incidents waiting").count(), 1, "only the incident: {rules:?}");
    let after = t.json(&format!("/api/v1/problems/{n}"), &t.agent).await;
    assert_eq!(after["urgency"], 2, "raised once: {after}");
    assert!(problem_actions(&t, &n).await.contains(&"escalated".to_owned()));
    assert_eq!(t.read(&num(&inc), &t.agent).await["urgency"], 2);
    // Once per record: a later pass fires nothing again.
    assert!(t.app.run_escalations_at(opened(&p) + 2 * HOUR).await.unwrap().is_empty());
    // A rule only on a problem state.
    let on_rca = json!({"name": "Analysis stalls", "trigger": {"kind": "elapsed", "after": "1h"},
        "conditions": {"kinds": ["problem"], "states": ["root_cause_analysis"]}, "actions": [{"do": "raise_urgency"}]});
    assert_eq!(t.post("/api/v1/escalations", &t.manager, on_rca).await.status(), 201);
    assert!(t.app.run_escalations_at(opened(&p) + 3 * HOUR).await.unwrap().is_empty(), "the problem is new");
});

both!(unknown_record_kinds_are_named_and_nothing_is_stored, |t| {
    invalid(t.post("/api/v1/slas", &t.manager, sla("Changes", 10, &["change"])).await, &["conditions.kinds[0]"]).await;
    assert!(t.json("/api/v1/slas", &t.manager).await.as_array().unwrap().is_empty());
    let ola = json!({"target": "2h", "calendar_id": 1, "kinds": ["problem", "article"]});
    let r = t.req(Method::PUT, "/api/v1/groups/Network/ola", &t.manager).json(&ola).send().await.unwrap();
    invalid(r, &["kinds[1]"]).await;
    let rule = json!({"name": "x", "trigger": {"kind": "elapsed", "after": "1h"},
        "conditions": {"kinds": ["problem", "change"], "states": ["on_hold"]}, "actions": [{"do": "raise_urgency"}]});
    let msg = invalid(
        t.post("/api/v1/escalations", &t.manager, rule).await,
        &["conditions.kinds[1]", "conditions.states[0]"],
    )
    .await;
    assert!(msg.contains("change"), "{msg}");
    assert!(t.json("/api/v1/escalations", &t.manager).await.as_array().unwrap().is_empty());
    // An incident's state still reads for an incident rule.
    let ok = json!({"name": "Held", "trigger": {"kind": "elapsed", "after": "1h"},
        "conditions": {"states": ["on_hold"]}, "actions": [{"do": "raise_urgency"}]});
    assert_eq!(t.post("/api/v1/escalations", &t.manager, ok).await.status(), 201);
});

both!(webhooks_take_problem_events_and_the_owner_hears_of_the_end, |t| {
    invalid(
        t.post(
            "/api/v1/webhooks",
            &t.admin,
            json!({"name": "x", "url": "https://hooks.example.org/x", "events": ["problem.exploded"]}),
        )
        .await,
        &["events"],
    )
    .await;
    let hook = json!({"name": "problems", "url": "https://hooks.example.org/p",
        "events": ["problem.created", "problem.state_changed", "problem.resolved"]});
    assert_eq!(t.post("/api/v1/webhooks", &t.admin, hook).await.status(), 201);
    sqlx::query("UPDATE users SET email = 'agent@example.org' WHERE username = 'agent'")
        .execute(t.app.store.pool())
        .await
        .unwrap();
    let r = t
        .post(
            "/api/v1/problems",
            &t.manager,
            json!({"title": "Certificates expire unnoticed", "assignment_group": "Service Desk", "assignee": "agent"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let p: Value = r.json().await.unwrap();
    let n = num(&p);
    let r = t
        .post(&format!("/api/v1/problems/{n}/transition"), &t.manager, json!({"version": 1, "state": "assessment"}))
        .await;
    assert_eq!(r.status(), 200);
    let r = t
        .post(
            &format!("/api/v1/problems/{n}/transition"),
            &t.manager,
            json!({"version": 2, "state": "cancelled", "cancel_reason": "Monitoring covers it now"}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let items = pending_of(&t, &n).await;
    let hooks: Vec<&str> = items.iter().filter(|i| i.0 == "webhook").map(|i| i.1.as_str()).collect();
    let mut sorted = hooks.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["problem.created", "problem.state_changed", "problem.state_changed"], "{items:?}");
    let mails: Vec<(&str, &str)> =
        items.iter().filter(|i| i.0 == "email").map(|i| (i.1.as_str(), i.2.as_str())).collect();
    assert!(mails.contains(&("problem.assigned", "agent@example.org")), "{mails:?}");
    assert!(
        mails.contains(&("problem.state_changed", "agent@example.org")),
        "the owner hears of the cancel: {mails:?}"
    );
    assert_eq!(mails.iter().filter(|m| m.0 == "problem.state_changed").count(), 1, "not of assessment: {mails:?}");
});
