//! The Alertmanager-compatible API (`/api/v2`) over HTTP: alerts posted in
//! batches (zero times unset, the resolve timeout, valid ones kept beside
//! refused ones), deduplicated by Alertmanager's fingerprint, listed with
//! filters and silence state, grouped; silences made, updated, listed and
//! expired; tokens limited to alerts; and every refusal naming its field.

use crate::helpers::*;
use crate::{both, both_web};
use serde_json::{Value, json};

/// A token of the agent limited to alerts, as Prometheus is given.
pub(crate) async fn alert_token(t: &TestApp) -> String {
    let r = t.post("/api/v1/tokens", &t.agent, json!({"name": "prometheus", "scope": "alerts"})).await;
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["scope"], "alerts");
    b["token"].as_str().unwrap().to_owned()
}

pub(crate) fn down(instance: &str) -> Value {
    json!({"labels": {"alertname": "InstanceDown", "instance": instance, "job": "node", "severity": ""},
        "annotations": {"summary": format!("{instance} is down")},
        "startsAt": "0001-01-01T00:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph"})
}

both!(alerts_are_posted_deduplicated_and_listed_as_alertmanager_does, |t| {
    let token = alert_token(&t).await;
    let r = t.post("/api/v2/alerts", &token, json!([down("db-1:9100"), down("web-1:9100"), down("db-1:9100")])).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // The same again: the dedup path updates, never adds.
    let r = t.post("/api/v2/alerts", &token, json!([down("db-1:9100")])).await;
    assert_eq!(r.status(), 200);
    let list = t.json("/api/v2/alerts", &token).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let db = list.iter().find(|a| a["labels"]["instance"] == "db-1:9100").unwrap();
    // Alertmanager's own fingerprint of these labels (the empty one dropped).
    assert_eq!(db["labels"], json!({"alertname": "InstanceDown", "instance": "db-1:9100", "job": "node"}));
    assert_eq!(db["fingerprint"].as_str().unwrap().len(), 16);
    assert_eq!(db["status"], json!({"state": "active", "silencedBy": [], "inhibitedBy": []}));
    assert_eq!(db["receivers"], json!([{"name": "steward"}]));
    assert_eq!(db["annotations"]["summary"], "db-1:9100 is down");
    // Unset end: now + the 5-minute resolve timeout.
    let starts = micros(&db["startsAt"]);
    let ends = micros(&db["endsAt"]);
    assert!((ends - starts - 300_000_000).abs() < 10_000_000, "{db}");

    // Filters, as amtool sends them.
    let f = t.json("/api/v2/alerts?filter=instance%3D~%22web.*%22", &token).await;
    assert_eq!(f.as_array().unwrap().len(), 1);
    let f = t.json("/api/v2/alerts?filter=%7Bjob%3D%22node%22%2Cinstance!%3D%22web-1%3A9100%22%7D", &token).await;
    assert_eq!(f[0]["labels"]["instance"], "db-1:9100");
    let groups = t.json("/api/v2/alerts/groups", &token).await;
    assert_eq!(groups[0]["labels"], json!({"alertname": "InstanceDown"}));
    assert_eq!(groups[0]["alerts"].as_array().unwrap().len(), 2);

    // Resolved: an end in the past takes it off the list.
    let mut resolved = down("web-1:9100");
    resolved["endsAt"] = json!("2020-01-01T00:00:00Z");
    resolved["startsAt"] = json!("2019-12-31T23:00:00Z");
    assert_eq!(t.post("/api/v2/alerts", &token, json!([resolved])).await.status(), 200);
    let list = t.json("/api/v2/alerts", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    // A silence mutes it: listed as suppressed, or left out on asking.
    let silence = json!({"matchers": [{"name": "instance", "value": "db-.*", "isRegex": true}],
        "startsAt": "2020-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
        "createdBy": "ops", "comment": "disk swap"});
    let r = t.post("/api/v2/silences", &token, silence.clone()).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["silenceID"].as_str().unwrap().to_owned();
    let list = t.json("/api/v2/alerts", &token).await;
    assert_eq!(list[0]["status"], json!({"state": "suppressed", "silencedBy": [id], "inhibitedBy": []}));
    assert_eq!(t.json("/api/v2/alerts?silenced=false", &token).await, json!([]));
    let s = t.json(&format!("/api/v2/silence/{id}"), &token).await;
    assert_eq!((s["status"]["state"].as_str(), s["createdBy"].as_str()), (Some("active"), Some("ops")));
    assert_eq!(s["matchers"], json!([{"name": "instance", "value": "db-.*", "isRegex": true, "isEqual": true}]));
    // A comment edit keeps the id (posted back with the start the server
    // kept, as amtool does: the start it was given was in the past, so it
    // was made now); new matchers make a new one and expire the old.
    // A second later at least, so the kept start is in the past by then.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let mut edit = silence.clone();
    edit["id"] = json!(id);
    edit["startsAt"] = s["startsAt"].clone();
    edit["comment"] = json!("disk swap, rack 4");
    let same = t.post("/api/v2/silences", &token, edit.clone()).await.json::<Value>().await.unwrap();
    assert_eq!(same["silenceID"], json!(id));
    edit["matchers"] = json!([{"name": "instance", "value": "db-1:9100", "isRegex": false}]);
    let other = t.post("/api/v2/silences", &token, edit).await.json::<Value>().await.unwrap();
    let other = other["silenceID"].as_str().unwrap().to_owned();
    assert_ne!(other, id);
    assert_eq!(t.json(&format!("/api/v2/silence/{id}"), &token).await["status"]["state"], "expired");
    let listed = t.json("/api/v2/silences?filter=instance%3D%22db-1%3A9100%22", &token).await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(t.delete(&format!("/api/v2/silence/{other}"), &token).await.status(), 200);
    assert_eq!(t.json(&format!("/api/v2/silence/{other}"), &token).await["status"]["state"], "expired");
    assert_eq!(t.json("/api/v2/alerts", &token).await[0]["status"]["state"], "active");

    let st = t.json("/api/v2/status", &token).await;
    assert_eq!(st["cluster"]["status"], "disabled");
    assert!(st["config"]["original"].as_str().unwrap().contains("receiver: steward"));
    assert_eq!(t.client.get(format!("{}/-/healthy", t.base)).send().await.unwrap().status(), 200);
    assert_eq!(t.client.get(format!("{}/-/ready", t.base)).send().await.unwrap().status(), 200);
});

both!(alert_api_refusals_name_their_field_and_keep_the_valid_alerts, |t| {
    let token = alert_token(&t).await;
    // An alert-only token does nothing else; requesters do not send alerts.
    let p = problem(t.get("/api/v1/incidents", &token).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "token_alerts_only");
    let r = t.post("/api/v2/alerts", &t.requester, json!([down("x:1")])).await;
    assert_eq!(r.status(), 403);
    assert_eq!(t.get("/api/v2/alerts", "no-such-token").await.status(), 401);

    // A batch with bad alerts: the valid ones are kept, each bad one named.
    let mut bad_name = down("a:1");
    bad_name["labels"]["alert-name"] = json!("x");
    let mut backwards = down("b:1");
    backwards["startsAt"] = json!("2030-01-01T00:00:00Z");
    backwards["endsAt"] = json!("2029-01-01T00:00:00Z");
    let mut not_time = down("c:1");
    not_time["endsAt"] = json!("yesterday");
    let empty = json!({"labels": {"job": ""}});
    let r = t.post("/api/v2/alerts", &token, json!([bad_name, down("ok:1"), backwards, not_time, empty])).await;
    assert_eq!(r.status(), 400);
    let text: String = r.json().await.unwrap();
    for said in ["[0].labels.alert-name", "[2].endsAt", "[3].endsAt", "[4].labels"] {
        assert!(text.contains(said), "{said} in {text}");
    }
    assert!(!text.contains("[1]"), "{text}");
    let list = t.json("/api/v2/alerts", &token).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "only the valid one: {list}");
    assert_eq!(list[0]["labels"]["instance"], "ok:1");

    // Malformed JSON; a filter that does not parse; an invalid regex.
    let r = t.client.post(format!("{}/api/v2/alerts", t.base)).bearer_auth(&token).body("[{").send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(t.get("/api/v2/alerts?filter=%7Bfoo", &token).await.status(), 400);
    let r = t.get("/api/v2/alerts?filter=foo%3D~%22(%22", &token).await;
    assert_eq!(r.status(), 400);
    assert!(r.json::<String>().await.unwrap().contains("regular expression"));

    // Silences: no matchers, an end before the start, an invalid regex, all
    // matching the empty string; nothing stored.
    let base = json!({"matchers": [], "startsAt": "2030-01-02T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z",
        "createdBy": "", "comment": ""});
    let r = t.post("/api/v2/silences", &token, base).await;
    assert_eq!(r.status(), 400);
    let text: String = r.json().await.unwrap();
    for said in ["matchers", "endsAt", "createdBy", "comment"] {
        assert!(text.contains(said), "{said} in {text}");
    }
    let regex = json!({"matchers": [{"name": "job", "value": "(", "isRegex": true}],
        "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-02T00:00:00Z", "createdBy": "ops", "comment": "x"});
    let text: String = t.post("/api/v2/silences", &token, regex).await.json().await.unwrap();
    assert!(text.starts_with("matchers[0]"), "{text}");
    let all = json!({"matchers": [{"name": "job", "value": ".*", "isRegex": true}],
        "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-02T00:00:00Z", "createdBy": "ops", "comment": "x"});
    assert_eq!(t.post("/api/v2/silences", &token, all).await.status(), 400);
    let r = t
        .post(
            "/api/v2/silences",
            &token,
            json!({"id": "nope", "matchers": [{"name": "job", "value": "x",
        "isRegex": false}], "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-01-02T00:00:00Z",
        "createdBy": "ops", "comment": "x"}),
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(t.json("/api/v2/silences", &token).await, json!([]), "nothing stored");
    assert_eq!(t.get("/api/v2/silence/nope", &token).await.status(), 404);
});

both!(the_desk_pages_acknowledges_assigns_and_reads_the_history_of_alerts, |t| {
    let token = alert_token(&t).await;
    let batch: Vec<Value> = (0..7).map(|i| down(&format!("host-{i}:9100"))).collect();
    assert_eq!(t.post("/api/v2/alerts", &token, Value::Array(batch)).await.status(), 200);
    // Newest first, three a page, then the cursor.
    let p = t.json("/api/v1/alerts?limit=3", &t.agent).await;
    let names = |p: &Value| -> Vec<String> {
        p["items"].as_array().unwrap().iter().map(|a| a["labels"]["instance"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(names(&p), ["host-6:9100", "host-5:9100", "host-4:9100"]);
    let cursor = p["next_cursor"].as_str().unwrap().to_owned();
    let p2 = t.json(&format!("/api/v1/alerts?limit=3&cursor={cursor}"), &t.agent).await;
    assert_eq!(names(&p2), ["host-3:9100", "host-2:9100", "host-1:9100"]);
    let p = t.json("/api/v1/alerts?filter=%7Binstance%3D~%22host-%5B15%5D.*%22%7D", &t.agent).await;
    assert_eq!(names(&p), ["host-5:9100", "host-1:9100"]);
    assert!(p["next_cursor"].is_null());

    let fp = p["items"][0]["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(p["items"][0]["state"], "active");
    let a: Value = t
        .post(&format!("/api/v1/alerts/{fp}/acknowledge"), &t.agent, json!({"acknowledged": true}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["acknowledged"]["by"]["name"], "agent user");
    let r = t.put_json(&format!("/api/v1/alerts/{fp}/assignee"), &t.agent, json!({"assignee": "manager"})).await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let acked = t.json("/api/v1/alerts?acknowledged=true", &t.agent).await;
    assert_eq!(names(&acked), ["host-5:9100"]);
    assert_eq!(t.json("/api/v1/alerts?acknowledged=false", &t.agent).await["items"].as_array().unwrap().len(), 6);

    // Resolved by the tool, then firing again: a new episode, not acknowledged.
    let mut resolved = down("host-5:9100");
    resolved["startsAt"] = json!("2020-01-01T00:00:00Z");
    resolved["endsAt"] = json!("2020-01-01T01:00:00Z");
    t.post("/api/v2/alerts", &token, json!([resolved])).await;
    let a = t.json(&format!("/api/v1/alerts/{fp}"), &t.agent).await;
    assert_eq!(a["state"], "resolved");
    assert_eq!(t.json("/api/v1/alerts?state=all&limit=500", &t.agent).await["items"].as_array().unwrap().len(), 7);
    assert_eq!(t.json("/api/v1/alerts", &t.agent).await["items"].as_array().unwrap().len(), 6);
    t.post("/api/v2/alerts", &token, json!([down("host-5:9100")])).await;
    let a = t.json(&format!("/api/v1/alerts/{fp}"), &t.agent).await;
    assert_eq!(
        (a["state"].as_str(), a["acknowledged"].is_null(), a["assignee"].is_null()),
        (Some("active"), true, true)
    );
    let h = t.json(&format!("/api/v1/alerts/{fp}/history"), &t.agent).await;
    let kinds: Vec<&str> = h.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["fired", "acknowledged", "assigned", "resolved", "fired"]);
    assert_eq!((h[2]["detail"].as_str(), h[1]["actor"].as_str()), (Some("manager"), Some("agent user")));

    // Refusals: unknown fingerprint, bad filter, limit, cursor, state; an
    // assignee who is not staff; requesters kept out.
    problem(t.get("/api/v1/alerts/0000000000000001", &t.agent).await, 404, "not_found").await;
    problem(t.get("/api/v1/alerts/not-hex", &t.agent).await, 404, "not_found").await;
    invalid(t.get("/api/v1/alerts?filter=%7Bfoo", &t.agent).await, &["filter"]).await;
    invalid(t.get("/api/v1/alerts?limit=0", &t.agent).await, &["limit"]).await;
    invalid(t.get("/api/v1/alerts?cursor=abc", &t.agent).await, &["cursor"]).await;
    invalid(t.get("/api/v1/alerts?state=old", &t.agent).await, &["state"]).await;
    let r = t.put_json(&format!("/api/v1/alerts/{fp}/assignee"), &t.agent, json!({"assignee": "requester"})).await;
    invalid(r, &["assignee"]).await;
    let p = problem(t.get("/api/v1/alerts", &t.requester).await, 403, "forbidden").await;
    assert_eq!(p["reason"], "deny_alerts");
});

both_web!(
    the_api_is_served_under_a_path_prefix_too,
    steward_app::AppConfig::default(),
    steward_web::WebConfig { alertmanager_prefix: Some("/alertmanager".into()), ..Default::default() },
    |t| {
        let token = alert_token(&t).await;
        let r = t.post("/alertmanager/api/v2/alerts", &token, json!([down("db-1:9100")])).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        // The plain routes stay.
        assert_eq!(t.post("/api/v2/alerts", &token, json!([down("web-1:9100")])).await.status(), 200);
        let r = t.get("/alertmanager/api/v2/alerts", &token).await;
        assert_eq!(r.headers()["cache-control"], "no-store", "an API answer");
        let list: Value = r.json().await.unwrap();
        let mut seen: Vec<&str> =
            list.as_array().unwrap().iter().map(|a| a["labels"]["instance"].as_str().unwrap()).collect();
        seen.sort();
        assert_eq!(seen, ["db-1:9100", "web-1:9100"]);
        let groups = t.json("/alertmanager/api/v2/alerts/groups", &token).await;
        assert_eq!(groups[0]["alerts"].as_array().unwrap().len(), 2, "{groups}");
        for probe in ["/alertmanager/-/healthy", "/alertmanager/-/ready", "/-/healthy"] {
            let r = t.client.get(format!("{}{probe}", t.base)).send().await.unwrap();
            assert_eq!(r.status(), 200, "{probe}");
        }
        // Only the Alertmanager API is under the prefix, and a refusal there
        // is the API's.
        assert_eq!(t.get("/alertmanager/api/v1/incidents", &t.agent).await.status(), 404);
        problem(t.get("/alertmanager/api/v2/silences", "nope").await, 401, "unauthenticated").await;
    }
);
