//! The alert routing document over HTTP: the built-in one until a manager
//! or admin replaces it, a round trip, the reset, the audit, and every
//! refusal naming its field with nothing stored.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};

/// A tree with two children, three receivers and one inhibition rule.
pub(crate) fn sample() -> Value {
    json!({
        "route": {"receiver": "desk", "group_by": ["alertname"], "group_wait": 10, "group_interval": 60,
            "repeat_interval": 3600, "routes": [
                {"receiver": "network", "matchers": ["team=\"network\""], "group_by": ["alertname", "site"]},
                {"receiver": "chat", "matchers": ["severity=~\"critical|page\""], "continue": true}
            ]},
        "receivers": [
            {"name": "desk", "targets": [{"type": "group", "group": "Service Desk"}]},
            {"name": "network", "targets": [{"type": "users", "users": ["agent2", "manager"]},
                {"type": "webhook", "url": "https://hooks.example.com/am"}]},
            {"name": "chat", "targets": [{"type": "chat", "format": "slack", "url": "https://hooks.slack.com/x"}]}
        ],
        "inhibit_rules": [{"source_matchers": ["severity=\"critical\""], "target_matchers": ["severity=\"warning\""],
            "equal": ["alertname", "site"]}]
    })
}

fn built_in() -> Value {
    json!({
        "route": {"receiver": "steward", "group_by": ["alertname"], "group_wait": 30, "group_interval": 300,
            "repeat_interval": 14400, "continue": false},
        "receivers": [{"name": "steward", "targets": []}],
        "inhibit_rules": []
    })
}

/// The document as the server writes it back: `continue` always said,
/// empty lists left out of routes.
fn normalised(mut v: Value) -> Value {
    fn route(r: &mut Value) {
        if r.get("continue").is_none() {
            r["continue"] = json!(false);
        }
        if let Some(children) = r.get_mut("routes").and_then(Value::as_array_mut) {
            children.iter_mut().for_each(route);
        }
    }
    route(&mut v["route"]);
    v
}

both!(routing_round_trips_is_audited_and_resets, |t| {
    assert_eq!(t.json("/api/v1/alert-routing", &t.agent).await, built_in());
    let r = t.put_json("/api/v1/alert-routing", &t.manager, sample()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(r.json::<Value>().await.unwrap(), normalised(sample()));
    assert_eq!(t.json("/api/v1/alert-routing", &t.agent).await, normalised(sample()), "every reader sees it");
    // The Alertmanager API says the same.
    let rcv: Value = t.get("/api/v2/receivers", &t.agent).await.json().await.unwrap();
    assert_eq!(rcv, json!([{"name": "desk"}, {"name": "network"}, {"name": "chat"}]));
    let status: Value = t.get("/api/v2/status", &t.agent).await.json().await.unwrap();
    let yaml = status["config"]["original"].as_str().unwrap();
    assert!(yaml.contains("receiver: network") && yaml.contains("inhibit_rules:"), "{yaml}");

    let r = t.post("/api/v1/alert-routing/reset", &t.admin, json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), built_in());
    assert_eq!(t.json("/api/v1/alert-routing", &t.agent).await, built_in());
    let log = t.json("/api/v1/audit?kind=alert_routing_changed", &t.admin).await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{log}");
    assert!(log.to_string().contains("3 receivers, 4 targets, 3 routes, 1 inhibition rules"), "{log}");
});

both!(routing_refusals_name_their_field_and_store_nothing, |t| {
    // Only managers and admins change it; requesters do not read it.
    let p = problem(t.put_json("/api/v1/alert-routing", &t.agent, sample()).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_alert_routing");
    let p = problem(t.post("/api/v1/alert-routing/reset", &t.agent, json!({})).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_alert_routing");
    problem(t.get("/api/v1/alert-routing", &t.requester).await, 403, "forbidden").await;

    let put = |v: Value| t.put_json("/api/v1/alert-routing", &t.admin, v);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = sample();
        f(&mut v);
        v
    };
    // Each refusal, alone, names its field.
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(&|v| v["route"]["routes"][1]["matchers"][0] = json!("severity=~\"(\"")),
            "route.routes[1].matchers[0]",
            "invalid_regex",
        ),
        (
            with(&|v| v["route"]["routes"][0]["matchers"][0] = json!("team")),
            "route.routes[0].matchers[0]",
            "bad_matcher",
        ),
        (
            with(&|v| v["route"]["routes"][1]["receiver"] = json!("pager")),
            "route.routes[1].receiver",
            "unknown_receiver",
        ),
        (with(&|v| v["route"]["group_interval"] = json!(0)), "route.group_interval", "positive"),
        (with(&|v| v["route"]["repeat_interval"] = json!(40_000_000)), "route.repeat_interval", "duration_too_long"),
        (with(&|v| v["route"]["group_by"] = json!(["...", "site"])), "route.group_by", "group_by_all_and_names"),
        (with(&|v| v["receivers"][2]["name"] = json!("desk")), "receivers[2].name", "duplicate_receiver"),
        (
            with(&|v| v["receivers"][0]["targets"][0]["group"] = json!("Nobody")),
            "receivers[0].targets[0].group",
            "no_group",
        ),
        (
            with(&|v| v["receivers"][1]["targets"][0]["users"][1] = json!("ghost")),
            "receivers[1].targets[0].users[1]",
            "no_staff_named",
        ),
        (
            with(&|v| v["receivers"][1]["targets"][1] = json!({"type": "webhook", "webhook": "nope"})),
            "receivers[1].targets[1].webhook",
            "no_webhook",
        ),
        (
            with(&|v| v["receivers"][1]["targets"][1]["url"] = json!("ftp://x.example.com")),
            "receivers[1].targets[1].url",
            "not_url",
        ),
        (
            with(&|v| v["receivers"][2]["targets"][0] = json!({"type": "chat", "format": "teams"})),
            "receivers[2].targets[0]",
            "webhook_or_url",
        ),
        (
            with(&|v| v["inhibit_rules"][0]["equal"][0] = json!("alert-name")),
            "inhibit_rules[0].equal[0]",
            "invalid_label_name",
        ),
        (with(&|v| v["receivers"] = json!([])), "receivers", "required"),
    ];
    for (body, field, code) in cases {
        let p = problem(put(body).await, 422, "validation_failed").await;
        let errors = p["errors"].as_array().unwrap();
        let e = errors.iter().find(|e| e["field"] == field).unwrap_or_else(|| panic!("{field} not named: {p}"));
        assert_eq!(e["code"], code, "{p}");
    }
    // A document that does not read: the field is named.
    let p = problem(put(with(&|v| v["route"]["group_wait"] = json!("30s"))).await, 422, "validation_failed").await;
    assert!(p.to_string().contains("route.group_wait"), "{p}");
    let p = problem(
        put(with(&|v| v["receivers"][0]["targets"][0] = json!({"type": "pager"}))).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(p.to_string().contains("receivers[0].targets[0]"), "{p}");
    assert_eq!(t.json("/api/v1/alert-routing", &t.agent).await, built_in(), "nothing was stored");
    let log = t.json("/api/v1/audit?kind=alert_routing_changed", &t.admin).await;
    assert_eq!(log["items"].as_array().unwrap().len(), 0, "{log}");
});
