//! The rules mapping alerts to CIs over HTTP: the built-in ones until a
//! manager or admin replaces them, a round trip, the reset, the audit,
//! every refusal naming its field with nothing stored; and correlation
//! following them: a CI attribute, a custom label, a service's name, the
//! rules' order, and alerts that named no CI mapped again after a change.

use crate::both;
use crate::cmdb::{ids, upsert};
use crate::helpers::*;
use serde_json::{Value, json};

fn built_in() -> Value {
    let rule = |l: &str| json!({"label": l, "match": "name", "strip_port": true, "short_host": true});
    let rules = ["ci", "instance", "host", "hostname", "nodename", "service"].map(rule);
    json!({ "rules": rules })
}

/// `node` by host name, `instance` by IP address then by name, `service`
/// by a service's name.
fn sample() -> Value {
    json!({"rules": [
        {"label": "node", "match": "attribute", "attribute": "hostname", "strip_port": true, "short_host": true},
        {"label": "instance", "match": "attribute", "attribute": "ip_address", "strip_port": true},
        {"label": "instance", "match": "name", "strip_port": true, "short_host": true},
        {"label": "service", "match": "service"}]})
}

/// The document as the server writes it back: both flags always said.
fn normalised(mut v: Value) -> Value {
    for r in v["rules"].as_array_mut().unwrap() {
        for flag in ["strip_port", "short_host"] {
            if r.get(flag).is_none() {
                r[flag] = json!(false);
            }
        }
    }
    v
}

both!(ci_rules_round_trip_are_audited_and_reset, |t| {
    assert_eq!(t.json("/api/v1/alert-ci-rules", &t.agent).await, built_in());
    let r = t.put_json("/api/v1/alert-ci-rules", &t.manager, sample()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(r.json::<Value>().await.unwrap(), normalised(sample()));
    assert_eq!(t.json("/api/v1/alert-ci-rules", &t.agent).await, normalised(sample()), "every reader sees them");
    let r = t.post("/api/v1/alert-ci-rules/reset", &t.admin, json!({})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap(), built_in());
    assert_eq!(t.json("/api/v1/alert-ci-rules", &t.agent).await, built_in());
    let log = t.json("/api/v1/audit?kind=alert_ci_rules_changed", &t.admin).await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
    let text = log.to_string();
    assert!(
        text.contains("4 rules: node → hostname, instance → ip_address, instance → name, service → service"),
        "{log}"
    );
    assert!(text.contains("the built-in ones"), "{log}");
});

both!(ci_rule_refusals_name_their_field_and_store_nothing, |t| {
    let p = problem(t.put_json("/api/v1/alert-ci-rules", &t.agent, sample()).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_alert_ci_rules");
    let p = problem(t.post("/api/v1/alert-ci-rules/reset", &t.agent, json!({})).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_alert_ci_rules");
    problem(t.get("/api/v1/alert-ci-rules", &t.requester).await, 403, "forbidden").await;

    let put = |v: Value| t.put_json("/api/v1/alert-ci-rules", &t.admin, v);
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = sample();
        f(&mut v);
        v
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (with(&|v| v["rules"][2]["label"] = json!("")), "rules[2].label", "required"),
        (with(&|v| v["rules"][2]["label"] = json!("in-stance")), "rules[2].label", "invalid_label_name"),
        (with(&|v| v["rules"][0]["attribute"] = json!(null)), "rules[0].attribute", "required"),
        (with(&|v| v["rules"][0]["attribute"] = json!("colour")), "rules[0].attribute", "no_ci_attribute"),
        (with(&|v| v["rules"][0]["attribute"] = json!("host')--")), "rules[0].attribute", "no_ci_attribute"),
        (with(&|v| v["rules"][3]["attribute"] = json!("fqdn")), "rules[3].attribute", "attribute_only_with_match"),
        (with(&|v| v["rules"][2]["match"] = json!("attribute")), "rules[2].attribute", "required"),
        (
            with(&|v| {
                v["rules"].as_array_mut().unwrap().push(json!({"label": "node", "match": "attribute",
                "attribute": "hostname"}))
            }),
            "rules[4].label",
            "ci_rule_twice",
        ),
        (json!({"rules": vec![json!({"label": "ci", "match": "name"}); 51]}), "rules", "too_many"),
    ];
    for (body, field, code) in cases {
        let p = problem(put(body).await, 422, "validation_failed").await;
        let errors = p["errors"].as_array().unwrap();
        let e = errors.iter().find(|e| e["field"] == field).unwrap_or_else(|| panic!("{field} not named: {p}"));
        assert_eq!(e["code"], code, "{p}");
    }
    // A document that does not read: the field is named.
    for (body, field) in [
        (with(&|v| v["rules"][1]["match"] = json!("ip")), "rules[1].match"),
        (with(&|v| v["rules"][1]["strip_port"] = json!("yes")), "rules[1].strip_port"),
        (with(&|v| v["rules"][1]["regex"] = json!(".*")), "rules[1]"),
        (json!({"rules": {"label": "ci"}}), "rules"),
        (json!({}), "rules"),
    ] {
        let p = problem(put(body).await, 422, "validation_failed").await;
        assert!(p.to_string().contains(field), "{field}: {p}");
    }
    assert_eq!(t.json("/api/v1/alert-ci-rules", &t.agent).await, built_in(), "nothing was stored");
    let log = t.json("/api/v1/audit?kind=alert_ci_rules_changed", &t.admin).await;
    assert_eq!(log["items"].as_array().unwrap().len(), 0, "{log}");
});

/// The titles of the incidents open, sorted.
async fn titles(t: &TestApp) -> Vec<String> {
    let list = t.json("/api/v1/incidents?limit=50", &t.agent).await;
    let mut out: Vec<String> =
        list["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap().to_owned()).collect();
    out.sort();
    out
}

async fn fire(t: &TestApp, token: &str, labels: Value) {
    assert_eq!(t.post("/api/v2/alerts", token, json!([{ "labels": labels }])).await.status(), 200);
}

both!(correlation_maps_alerts_by_the_rules_in_their_order, |t| {
    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "alpha", "class": "server", "name": "alpha",
                "attributes": {"hostname": "web01", "fqdn": "web01.example.com"}},
            {"ref": "beta", "class": "server", "name": "beta", "attributes": {"hostname": "beta-host"}},
            {"ref": "gamma", "class": "server", "name": "gamma", "attributes": {"hostname": "g1", "ip_address": "10.0.0.9"}},
            {"ref": "web01", "class": "application", "name": "web01"},
            {"ref": "app", "class": "application", "name": "payments"},
            {"ref": "svc", "class": "business_service", "name": "Payments"}]}),
    )
    .await;
    assert_eq!(ids(&r).len(), 6);
    let token = {
        let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    };
    let post = |labels: Value| fire(&t, &token, labels);
    // The built-in rules know no `node` label: nothing to open.
    post(json!({"alertname": "NodeDown", "node": "web01.example.com:9100"})).await;
    t.app.correlate_alerts().await.unwrap();
    assert!(titles(&t).await.is_empty());

    let r = t.put_json("/api/v1/alert-ci-rules", &t.admin, sample()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // The alert that named no CI is mapped again, by host name.
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(titles(&t).await, ["NodeDown on alpha"]);

    // In order: `node` (beta's host name) before `instance` (a CI's name).
    post(json!({"alertname": "Latency", "node": "beta-host", "instance": "web01:9100"})).await;
    // By IP address, the port dropped.
    post(json!({"alertname": "Ping", "instance": "10.0.0.9:9100"})).await;
    // By a service's name, not the application of the same name.
    post(json!({"alertname": "Errors", "service": "payments"})).await;
    // By name, the port and domain dropped.
    post(json!({"alertname": "Disk", "instance": "web01.lan:9100"})).await;
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(
        titles(&t).await,
        ["Disk on web01", "Errors on Payments", "Latency on beta", "NodeDown on alpha", "Ping on gamma"]
    );
    // Each alert says its CI, the list and one alert's read alike.
    let list = t.json("/api/v1/alerts?limit=50", &t.agent).await;
    let mut cis: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["labels"]["alertname"].as_str().unwrap().to_owned(), a["ci"]["name"].as_str().unwrap().to_owned()))
        .collect();
    cis.sort();
    let want =
        [("Disk", "web01"), ("Errors", "Payments"), ("Latency", "beta"), ("NodeDown", "alpha"), ("Ping", "gamma")];
    assert_eq!(cis, want.map(|(a, c)| (a.to_owned(), c.to_owned())), "{list}");
    let fp = list["items"][0]["fingerprint"].as_str().unwrap();
    let one = t.json(&format!("/api/v1/alerts/{fp}"), &t.agent).await;
    assert_eq!(one["ci"], list["items"][0]["ci"]);
    // Not mapped yet: null.
    post(json!({"alertname": "Fresh", "instance": "web01:9100"})).await;
    let list = t.json("/api/v1/alerts?limit=50&filter=%7Balertname%3D%22Fresh%22%7D", &t.agent).await;
    assert!(list["items"][0]["ci"].is_null(), "{list}");
});

// An alert that named no CI finds the one added to the CMDB later (once
// the pass that lets such alerts be mapped again is due: at most once a
// minute, here made due by moving the last one back); a change of the
// rules maps the alerts that named a CI again too.
both!(alerts_are_mapped_again_after_the_cmdb_or_the_rules_change, |t| {
    let token = {
        let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    };
    upsert(&t, json!({"items": [{"ref": "web01", "class": "application", "name": "web01"}]})).await;
    fire(&t, &token, json!({"alertname": "Down", "instance": "newhost:9100"})).await;
    fire(&t, &token, json!({"alertname": "Slow", "instance": "web01:9100", "node": "beta-host"})).await;
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(titles(&t).await, ["Slow on web01"]);
    let ci_of = async |name: &str| {
        let q = format!("/api/v1/alerts?limit=50&filter=%7Balertname%3D%22{name}%22%7D");
        t.json(&q, &t.agent).await["items"][0]["ci"]["name"].clone()
    };
    assert_eq!(ci_of("Down").await, Value::Null, "newhost is not in the CMDB");

    let r = upsert(
        &t,
        json!({"items": [
            {"ref": "newhost", "class": "server", "name": "newhost"},
            {"ref": "beta", "class": "server", "name": "beta", "attributes": {"hostname": "beta-host"}}]}),
    )
    .await;
    assert_eq!(ids(&r).len(), 2);
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(ci_of("Down").await, Value::Null, "mapped again at most once a minute");
    sqlx::query("UPDATE settings SET value = '0 0' WHERE key = 'alert_ci_remap'")
        .execute(t.app.store.pool())
        .await
        .unwrap();
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(ci_of("Down").await, json!("newhost"));
    assert_eq!(titles(&t).await, ["Down on newhost", "Slow on web01"]);

    // `node` by host name first: Slow now names beta.
    let r = t.put_json("/api/v1/alert-ci-rules", &t.admin, sample()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    t.app.correlate_alerts().await.unwrap();
    assert_eq!(ci_of("Slow").await, json!("beta"));
    assert_eq!(ci_of("Down").await, json!("newhost"), "the same CI again");
});
